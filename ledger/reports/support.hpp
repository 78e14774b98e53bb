// Private: what every report module shares: the resolved scope, and USD balances and movements
// by account and fund read from the postings.
#pragma once

#include "core/types.hpp"
#include "store/store.hpp"

#include <fundledger/reports.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
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
// A report reads one consistent snapshot: a read transaction of the store and the master data.
struct Scope {
  store::ReportReader& txn;
  const detail::MasterState& master;
  Date from;  // first day covered
  Date to;    // last day covered
  std::string fund;                    // the fund asked for, empty for all
  std::vector<std::int64_t> fund_ids;  // the funds included: the fund then those within it, by code
  std::vector<std::string> fund_codes;
  Date prior_from;          // the comparative span: the same days a year earlier (a month-end's
                            // the prior month-end; a period's the same period a year earlier)
  Date prior_to;
  std::string prior_label;  // "2023", "2023-Q2", "2023-06", or "2023-01-01 to 2023-06-15"
  std::optional<std::int32_t> first_posting_day;  // of the ledger, if it has a posting

  // The id of an account of the chart, or -1 when the ledger lacks it.
  std::int64_t account(std::string_view code) const;
  const std::string& account_code(std::int64_t id) const { return master.accounts.by_id(id).code; }
  const std::string& account_name(std::int64_t id) const { return master.accounts.by_id(id).event.name; }
  AccountClass account_class(std::int64_t id) const { return master.accounts.by_id(id).event.account_class; }
};

Scope resolve(store::ReadTxn& txn, const detail::MasterState& master, const ReportScope& scope);

// USD balances (debit positive) by account and fund of the postings dated on or before day.
std::map<AccountFund, std::int64_t> balances_as_of(const Scope& scope, Date day);
// USD debits and credits by account and fund of the postings dated from..to. Without year_end,
// the year-end closing postings are left out (a statement of performance shows the year's revenue,
// not its closing into net assets).
std::map<AccountFund, Movement> movements(const Scope& scope, Date from, Date to, bool with_year_end);

Decimal usd(std::int64_t minor);

// The movements of the scope's funds (of these accounts, all when none) over from..through (from
// the first posting when from is absent), by the dimensions the query asks for.
std::vector<store::MovementSums> flows(const Scope& scope, const std::vector<std::string_view>& accounts,
                                       std::optional<Date> from, Date through, store::MovementQuery dimensions = {});
// The same from the first posting through a day, of what was outstanding that day alone: the
// movements of each (account, fund, donor, pledge, currency) whose postings through it do not sum
// to nothing (store::ReadTxn::open_movements), by the dimensions the query asks for.
std::vector<store::MovementSums> open_flows(const Scope& scope, const std::vector<std::string_view>& accounts,
                                            Date through, store::MovementQuery dimensions = {});
// A movement's USD, debit positive; and in its currency.
inline std::int64_t usd_of(const store::MovementSums& row) { return row.sums.functional_debit - row.sums.functional_credit; }
inline std::int64_t amount_of(const store::MovementSums& row) { return row.sums.debit - row.sums.credit; }

// A report with its name, title and scope filled in.
Report start_report(const Scope& scope, std::string name, std::string title);

// The builders, one module each.
Report trial_balance(const Scope& scope);
Report financial_position(const Scope& scope);
Report financial_performance(const Scope& scope);
Report net_assets(const Scope& scope);
Report cash_flow(const Scope& scope);
Report contributions(const Scope& scope);
Report aging(const Scope& scope);
Report budget(const Scope& scope);
Report donor_revenue(const Scope& scope);
Report partners(const Scope& scope);

}  // namespace fundledger::reports

namespace fundledger::reports {

// The receivable (1200) as of a day, dated by the instalments it is for, and its USD split over
// groups of due dates. A pledge's currency amount is spread over the instalments recognized by
// then: receipts and applications pay the oldest first, reductions and write-offs take the latest
// first, and whatever the schedule cannot explain (a generic entry on the pledge, say) goes to the
// latest instalment (taken from the latest first when it is less). A receivable with no schedule to
// date it by (one that names no pledge, or a pledge none of whose instalments is recognized yet) is
// dated by its latest posting. The USD it carries is then split over the groups in proportion to
// their currency amounts, by largest remainder, so that the groups add up to it exactly.
struct ReceivableGroups {
  std::int64_t fund_id = 0;
  std::int64_t donor_id = 0;               // 0 when the postings name no donor
  std::vector<std::int64_t> usd_by_group;  // USD cents, one per group
};
std::vector<ReceivableGroups> receivable_by_group(const Scope& scope, Date as_of, std::size_t groups,
                                                  const std::function<std::size_t(Date due)>& group_of);

}  // namespace fundledger::reports
