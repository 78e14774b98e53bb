// Private: what every report module shares: the resolved scope, and USD balances and movements
// by account and fund read from the postings.
#pragma once

#include "core/ledger_impl.hpp"

#include <fundledger/reports.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fundledger::reports {

using AccountFund = std::pair<std::int64_t, std::int64_t>;

struct Movement {
  std::int64_t debit = 0;   // USD cents
  std::int64_t credit = 0;  // USD cents, positive
};

// A report's scope, resolved against the ledger.
struct Scope {
  Ledger::Impl& impl;
  Date from;  // first day covered
  Date to;    // last day covered
  std::string fund;                    // the fund asked for, empty for all
  std::vector<std::int64_t> fund_ids;  // the funds included: the fund then those within it, by code
  std::vector<std::string> fund_codes;
  std::string fund_list_sql;  // "(1, 4, 5)" for an IN clause

  // The id of an account of the chart, or -1 when the ledger lacks it.
  std::int64_t account(std::string_view code) const;
  const std::string& account_code(std::int64_t id) const { return impl.state.accounts.by_id(id).code; }
  const std::string& account_name(std::int64_t id) const { return impl.state.accounts.by_id(id).event.name; }
  AccountClass account_class(std::int64_t id) const { return impl.state.accounts.by_id(id).event.account_class; }
};

Scope resolve(Ledger::Impl& impl, const ReportScope& scope);

// USD balances (debit positive) by account and fund of the postings dated on or before day.
std::map<AccountFund, std::int64_t> balances_as_of(const Scope& scope, Date day);
// USD debits and credits by account and fund of the postings dated from..to. Without year_end,
// the year-end closing postings are left out (a statement of performance shows the year's revenue,
// not its closing into net assets).
std::map<AccountFund, Movement> movements(const Scope& scope, Date from, Date to, bool with_year_end);

Decimal usd(std::int64_t minor);

// A report with its name, title and scope filled in.
Report start_report(const Scope& scope, std::string name, std::string title);

// The builders, one module each.
Report trial_balance(const Scope& scope);
Report financial_position(const Scope& scope);
Report financial_performance(const Scope& scope);
Report net_assets(const Scope& scope);
Report contributions(const Scope& scope);
Report aging(const Scope& scope);
Report cash_flow(const Scope& scope);

}  // namespace fundledger::reports

namespace fundledger::reports {

// What each pledge's receivable (1200) held as of a day, spread over its instalments: receipts
// pay the oldest instalment first, reductions and write-offs take the latest first, only
// recognized instalments count, and the USD carried is split over them exactly (largest
// remainder). Used for the current/non-current split and the aging.
struct ReceivablePart {
  std::int64_t pledge_id = 0;
  std::int64_t fund_id = 0;
  std::int64_t donor_id = 0;
  Date due = Date::from_day_number(0);
  std::int64_t usd_minor = 0;
};
std::vector<ReceivablePart> receivable_by_due_date(const Scope& scope, Date as_of);

}  // namespace fundledger::reports
