// Private: what every rule works with: the state it reads, the day the event is recorded, the
// Change it builds, and the look-ups and checks that several rules share, each throwing an Error
// that names the field.
#pragma once

#include "rules/change.hpp"
#include "rules/state.hpp"

#include <fundledger/events.hpp>

#include <string>
#include <string_view>

namespace fundledger::detail {

class RuleContext {
 public:
  RuleContext(const StateView& view, Date day) : state(view), master(view.master()), recorded_day(day) {}
  RuleContext(const RuleContext&) = delete;
  RuleContext& operator=(const RuleContext&) = delete;

  const StateView& state;
  const MasterState& master;
  const Date recorded_day;
  Change change;

  // Master records by code, or Error (unknown_reference) naming the field.
  const FundRecord& fund(const std::string& code, const std::string& field) const;
  const DonorRecord& donor(const std::string& code, const std::string& field) const;
  const PledgeRecord& pledge(const std::string& code, const std::string& field) const;
  const ProjectRecord& project(const std::string& code, const std::string& field) const;
  // The currency with this code, an ISO currency registered (in the change) on first use; Error
  // (unknown_reference) for a code that is neither declared nor ISO.
  const CurrencyRecord& currency_for_use(std::string_view code, const std::string& field);
  // The currency with this id, including one this change registers.
  const CurrencyRecord& currency(std::int64_t id) const;
  // The id of an account of the standard chart, or Error naming it when the chart lacks it.
  std::int64_t account(std::string_view code, const std::string& label) const;

  // The amount at the currency's minor units; Error unless it is positive and fits them.
  Decimal positive_amount(const Decimal& amount, const CurrencyRecord& currency, const std::string& field) const;
  // Error (closed_period) when day falls in a closed period.
  void check_open(Date day, const std::string& label) const;
  // The same for master data taking effect on day: field "effective": label takes effect on day...
  void check_open_from(Date day, const std::string& label) const;
  // Error (bad_input) for an event dated before the pledge it concerns was signed.
  void check_not_before_signing(const PledgeRecord& pledge, Date date, const std::string& what) const;
  // Whether an event with this id is recorded with the same type and body (its seq, into the
  // change), or is new; Error (conflict) when it is recorded differently.
  bool already_recorded(std::string_view id, std::string_view type, const std::string& body);

  // The revenue account of a purpose: 4100 general, 4200 special.
  static std::string_view revenue_account(Purpose purpose);
  // The key of a pledge's balance in one account (1200, 2200 by its project, 1290); account 0 when
  // the chart lacks it.
  BalanceKeyIds pledge_key(const PledgeRecord& pledge, std::string_view account) const;
  // What a pledge carries in one account (1200, 2200 by its project, 1290): currency amount (debit
  // positive) and USD.
  Position pledge_balance(const PledgeRecord& pledge, std::string_view account) const;
  // Cancelled: reversed, or reduced or written off in full before anything was received (net of
  // reversals).
  bool pledge_cancelled(const PledgeRecord& pledge) const;
};

// Error (bad_input) when an event is dated more than max_future_days after the day it is recorded
// (instalment due dates excepted: a multi-year pledge may run further).
void check_not_far_future(const MasterState& master, const Event& event, Date recorded_day);

}  // namespace fundledger::detail
