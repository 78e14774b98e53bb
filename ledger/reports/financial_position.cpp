// Statement of financial position as of the last day in scope, per fund and in total: assets
// (with contributions receivable split into current, falling due within twelve months or overdue,
// and non-current), liabilities and net assets. Net assets include the year's surplus not yet
// closed into 3100, so that assets = liabilities + net assets in every fund.
#include "reports/statement_lines.hpp"

#include <map>

namespace fundledger::reports {

namespace {

// The accounts given their own line, in this order, by class; other accounts of the chart follow
// under their own names.
constexpr const char* asset_order[] = {"1100", "1200", "1290", "1400", "1500", "1900"};
constexpr const char* liability_order[] = {"2100", "2150", "2200", "2300", "2500"};
constexpr const char* net_asset_order[] = {"3100", "3200"};

}  // namespace

Report financial_position(const Scope& scope) {
  Report report = start_report(scope, "financial-position", "Statement of financial position");
  add_fund_columns(report, scope);
  const auto balances = balances_as_of(scope, scope.to);
  std::map<std::int64_t, FundAmounts> by_account;
  for (const auto& [key, minor] : balances) {
    by_account.try_emplace(key.first, scope).first->second.add(key.second, minor);
  }
  auto amounts_of = [&](std::int64_t account_id) {
    auto found = by_account.find(account_id);
    return found == by_account.end() ? FundAmounts(scope) : found->second;
  };
  auto section = [&](AccountClass account_class, const auto& order, bool credit_positive, FundAmounts& total,
                     const std::string& receivable_split) {
    std::vector<std::int64_t> accounts;
    for (const char* code : order) {
      if (std::int64_t id = scope.account(code); id >= 0) accounts.push_back(id);
    }
    for (const auto& account : scope.master.accounts.all()) {
      if (account.event.account_class == account_class &&
          std::find(accounts.begin(), accounts.end(), account.id) == accounts.end()) {
        accounts.push_back(account.id);
      }
    }
    for (std::int64_t id : accounts) {
      FundAmounts amounts = amounts_of(id);
      if (credit_positive) amounts.negate();
      total.add(amounts);
      if (scope.account_code(id) == receivable_split) {
        // Current: falling due within twelve months after the day, or overdue.
        FundAmounts non_current(scope);
        const Date boundary = Date::from_ymd(scope.to.year() + 1, scope.to.month(), 1).add_days(scope.to.day() - 1);
        for (const ReceivableGroups& receivable :
             receivable_by_group(scope, scope.to, 2, [&boundary](Date due) { return due > boundary ? 1 : 0; })) {
          non_current.add(receivable.fund_id, receivable.usd_by_group[1]);
        }
        FundAmounts current = amounts;
        FundAmounts minus_non_current = non_current;
        minus_non_current.negate();
        current.add(minus_non_current);
        report.rows.push_back(current.row(RowKind::line, "Contributions receivable, current"));
        report.rows.push_back(non_current.row(RowKind::line, "Contributions receivable, non-current"));
        continue;
      }
      const bool standard = std::find_if(std::begin(order), std::end(order), [&](const char* code) {
                              return scope.account_code(id) == code;
                            }) != std::end(order);
      if (!standard && amounts.is_zero()) continue;
      report.rows.push_back(amounts.row(RowKind::line, scope.account_name(id)));
    }
  };

  FundAmounts assets(scope);
  report.rows.push_back(heading(report, "Assets"));
  section(AccountClass::asset, asset_order, false, assets, "1200");
  report.rows.push_back(assets.row(RowKind::subtotal, "Total assets"));

  FundAmounts liabilities(scope);
  report.rows.push_back(heading(report, "Liabilities"));
  section(AccountClass::liability, liability_order, true, liabilities, "");
  report.rows.push_back(liabilities.row(RowKind::subtotal, "Total liabilities"));

  FundAmounts net_assets(scope);
  report.rows.push_back(heading(report, "Net assets"));
  section(AccountClass::net_assets, net_asset_order, true, net_assets, "");
  // Revenue and expenses not yet closed into 3100: the surplus or deficit of the open year.
  FundAmounts unclosed(scope);
  for (const auto& [key, minor] : balances) {
    const AccountClass account_class = scope.account_class(key.first);
    if (account_class == AccountClass::revenue || account_class == AccountClass::expense) unclosed.add(key.second, -minor);
  }
  report.rows.push_back(unclosed.row(RowKind::line, "Surplus/(deficit) not yet closed"));
  net_assets.add(unclosed);
  report.rows.push_back(net_assets.row(RowKind::subtotal, "Total net assets"));

  FundAmounts both = liabilities;
  both.add(net_assets);
  report.rows.push_back(both.row(RowKind::total, "Total liabilities and net assets"));
  return report;
}

}  // namespace fundledger::reports
