// Trial balance: per account and fund, the opening balance, the period's debits and credits, and
// the closing balance, in USD. The opening is as of the day before the period; closing = opening +
// debits - credits; every column's total nets to zero (the debits equal the credits).
#include "reports/support.hpp"

#include <set>

namespace fundledger::reports {

Report trial_balance(const Scope& scope) {
  Report report = start_report(scope, "trial-balance", "Trial balance");
  report.columns = {{"account", "Account", false}, {"name", "Name", false},     {"fund", "Fund", false},
                    {"opening", "Opening", true},  {"debit", "Debits", true},   {"credit", "Credits", true},
                    {"closing", "Closing", true}};
  const auto opening = balances_as_of(scope, scope.from.add_days(-1));
  const auto moved = movements(scope, scope.from, scope.to, true);
  std::set<AccountFund> keys;
  for (const auto& [key, amount] : opening) keys.insert(key);
  for (const auto& [key, movement] : moved) keys.insert(key);
  // Ordered by account code, then fund code.
  std::vector<AccountFund> ordered(keys.begin(), keys.end());
  std::sort(ordered.begin(), ordered.end(), [&scope](const AccountFund& a, const AccountFund& b) {
    const auto& state = scope.master;
    const auto& a_account = scope.account_code(a.first);
    const auto& b_account = scope.account_code(b.first);
    if (a_account != b_account) return a_account < b_account;
    return state.funds.by_id(a.second).code < state.funds.by_id(b.second).code;
  });
  std::int64_t total_opening = 0, total_debit = 0, total_credit = 0, total_closing = 0;
  for (const AccountFund& key : ordered) {
    const auto opening_found = opening.find(key);
    const std::int64_t start = opening_found == opening.end() ? 0 : opening_found->second;
    const auto moved_found = moved.find(key);
    const Movement movement = moved_found == moved.end() ? Movement{} : moved_found->second;
    const std::int64_t end = start + movement.debit - movement.credit;
    if (start == 0 && movement.debit == 0 && movement.credit == 0) continue;
    const std::string& fund = scope.master.funds.by_id(key.second).code;
    report.rows.push_back({RowKind::line,
                           {scope.account_code(key.first), scope.account_name(key.first), fund, usd(start),
                            usd(movement.debit), usd(movement.credit), usd(end)},
                           "account:" + scope.account_code(key.first) + ":" + fund});
    total_opening += start;
    total_debit += movement.debit;
    total_credit += movement.credit;
    total_closing += end;
  }
  report.rows.push_back({RowKind::total,
                         {std::string("Total"), std::monostate{}, std::monostate{}, usd(total_opening), usd(total_debit),
                          usd(total_credit), usd(total_closing)},
                         "total"});
  return report;
}

}  // namespace fundledger::reports
