// Statement of changes in net assets, per fund: the opening fund balance, the surplus or deficit
// of the period (as the statement of financial performance shows it), transfers between funds,
// other direct changes (entries posted straight to net assets), and the closing fund balance.
// Net assets include revenue and expenses not yet closed into 3100, so that closing = opening +
// surplus + transfers + other changes exactly.
#include "reports/support.hpp"

#include <map>

namespace fundledger::reports {

namespace {

// Net assets (credit positive) by fund: every net-assets, revenue and expense balance.
std::map<std::int64_t, std::int64_t> net_assets_by_fund(const Scope& scope, const std::map<AccountFund, std::int64_t>& balances) {
  std::map<std::int64_t, std::int64_t> result;
  for (const auto& [key, minor] : balances) {
    const AccountClass account_class = scope.account_class(key.first);
    if (account_class == AccountClass::net_assets || account_class == AccountClass::revenue ||
        account_class == AccountClass::expense) {
      result[key.second] -= minor;
    }
  }
  return result;
}

}  // namespace

Report net_assets(const Scope& scope) {
  Report report = start_report(scope, "net-assets", "Statement of changes in net assets");
  report.columns = {{"fund", "Fund", false},          {"opening", "Opening balance", true},
                    {"surplus", "Surplus/(deficit)", true}, {"transfers", "Transfers between funds", true},
                    {"other", "Other changes", true},   {"closing", "Closing balance", true}};
  const auto opening = net_assets_by_fund(scope, balances_as_of(scope, scope.from.add_days(-1)));
  const auto closing = net_assets_by_fund(scope, balances_as_of(scope, scope.to));
  const std::int64_t transfers_account = scope.account("3200");
  std::map<std::int64_t, std::int64_t> surplus;
  std::map<std::int64_t, std::int64_t> transfers;
  std::map<std::int64_t, std::int64_t> other;
  for (const auto& [key, movement] : movements(scope, scope.from, scope.to, false)) {
    const AccountClass account_class = scope.account_class(key.first);
    const std::int64_t credit_minus_debit = movement.credit - movement.debit;
    if (account_class == AccountClass::revenue || account_class == AccountClass::expense) {
      surplus[key.second] += credit_minus_debit;
    } else if (key.first == transfers_account) {
      transfers[key.second] += credit_minus_debit;
    } else if (account_class == AccountClass::net_assets) {
      other[key.second] += credit_minus_debit;
    }
  }
  auto get = [](const std::map<std::int64_t, std::int64_t>& map, std::int64_t fund) {
    auto found = map.find(fund);
    return found == map.end() ? std::int64_t{0} : found->second;
  };
  std::int64_t totals[5] = {0, 0, 0, 0, 0};
  for (std::size_t i = 0; i < scope.fund_ids.size(); ++i) {
    const std::int64_t fund = scope.fund_ids[i];
    const std::int64_t figures[5] = {get(opening, fund), get(surplus, fund), get(transfers, fund), get(other, fund),
                                     get(closing, fund)};
    for (int k = 0; k < 5; ++k) totals[k] += figures[k];
    report.rows.push_back({RowKind::line,
                           {scope.fund_codes[i], usd(figures[0]), usd(figures[1]), usd(figures[2]), usd(figures[3]),
                            usd(figures[4])}});
  }
  report.rows.push_back({RowKind::total,
                         {std::string("Total"), usd(totals[0]), usd(totals[1]), usd(totals[2]), usd(totals[3]),
                          usd(totals[4])}});
  return report;
}

}  // namespace fundledger::reports
