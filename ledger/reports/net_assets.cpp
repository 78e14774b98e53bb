// Statement of changes in net assets, per fund, in total and for the prior period: the opening
// fund balance, the surplus or deficit of the period (as the statement of financial performance
// shows it), transfers between funds (which cancel in the total when both funds are in scope),
// other direct changes (entries posted straight to net assets), and the closing fund balance. Net
// assets include revenue and expenses not yet closed into 3100, so that closing = opening + surplus
// + transfers + other changes exactly; the year-end closing, which moves amounts within net assets,
// is left out of the columns of the period.
#include "reports/statement_lines.hpp"

#include "core/chart.hpp"

namespace fundledger::reports {

namespace {

bool in_net_assets(AccountClass account_class) {
  return account_class == AccountClass::net_assets || account_class == AccountClass::revenue ||
         account_class == AccountClass::expense;
}

// Net assets (credit positive) by fund, as of day.
FundAmounts net_assets_on(const Scope& scope, Date day) {
  FundAmounts amounts(scope);
  for (const auto& [key, minor] : balances_as_of(scope, day)) {
    if (in_net_assets(scope.account_class(key.first))) amounts.add(key.second, -minor);
  }
  return amounts;
}

std::vector<StatementLine> statement(const Scope& scope, Date from, Date to) {
  const std::int64_t transfers_account = scope.account(detail::account::transfers);
  FundAmounts surplus(scope);
  FundAmounts transfers(scope);
  FundAmounts other(scope);
  store::MovementQuery by_kind;
  by_kind.by_kind = true;
  for (const store::MovementSums& row : flows(scope, {}, from, to, by_kind)) {
    const AccountClass account_class = scope.account_class(row.account_id);
    if (!in_net_assets(account_class) || row.kind == detail::MovementKind::year_end) continue;
    if (account_class == AccountClass::revenue || account_class == AccountClass::expense) {
      surplus.add(row.fund_id, -usd_of(row));
    } else if (row.account_id == transfers_account) {
      transfers.add(row.fund_id, -usd_of(row));
    } else {
      other.add(row.fund_id, -usd_of(row));
    }
  }
  return {{"opening", "Net assets at the beginning of the period", RowKind::line, net_assets_on(scope, from.add_days(-1))},
          {"surplus", "Surplus/(deficit) for the period", RowKind::line, surplus},
          {"transfers", "Transfers between funds", RowKind::line, transfers},
          {"other", "Other changes in net assets", RowKind::line, other},
          {"closing", "Net assets at the end of the period", RowKind::total, net_assets_on(scope, to)}};
}

}  // namespace

Report net_assets(const Scope& scope) {
  Report report = start_report(scope, "net-assets", "Statement of changes in net assets");
  add_fund_columns(report, scope);
  std::vector<StatementLine> lines = statement(scope, scope.from, scope.to);
  merge_prior(lines, statement(scope, scope.prior_from, scope.prior_to));
  emit(report, lines);
  return report;
}

}  // namespace fundledger::reports
