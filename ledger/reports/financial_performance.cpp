// Statement of financial performance for the period, per fund and in total: revenue by nature
// (contributions general- and special-purpose, less refunds and reductions; programme support cost
// income; investment revenue; exchange gains and losses, realized and unrealized), expenses by
// nature, and the surplus or deficit. The year-end closing postings are left out: they move the
// year's result into net assets and are not part of it.
#include "reports/statement_lines.hpp"

#include <map>

namespace fundledger::reports {

namespace {

struct Line {
  const char* label;
  std::vector<const char*> accounts;
};

}  // namespace

Report financial_performance(const Scope& scope) {
  Report report = start_report(scope, "financial-performance", "Statement of financial performance");
  add_fund_columns(report, scope);
  const auto moved = movements(scope, scope.from, scope.to, false);
  std::map<std::int64_t, FundAmounts> by_account;  // debit minus credit
  for (const auto& [key, movement] : moved) {
    by_account.try_emplace(key.first, scope).first->second.add(key.second, movement.debit - movement.credit);
  }
  auto section = [&](AccountClass account_class, const std::vector<Line>& lines, bool credit_positive,
                     FundAmounts& total) {
    std::vector<std::int64_t> placed;
    auto line_amounts = [&](const std::vector<std::int64_t>& accounts) {
      FundAmounts amounts(scope);
      for (std::int64_t id : accounts) {
        if (auto found = by_account.find(id); found != by_account.end()) amounts.add(found->second);
      }
      if (credit_positive) amounts.negate();
      return amounts;
    };
    for (const Line& line : lines) {
      std::vector<std::int64_t> accounts;
      for (const char* code : line.accounts) {
        if (std::int64_t id = scope.account(code); id >= 0) accounts.push_back(id);
      }
      placed.insert(placed.end(), accounts.begin(), accounts.end());
      FundAmounts amounts = line_amounts(accounts);
      total.add(amounts);
      report.rows.push_back(amounts.row(RowKind::line, line.label));
    }
    // The ledger's own accounts of the class, each under its name when it moved.
    for (const auto& account : scope.master.accounts.all()) {
      if (account.event.account_class != account_class ||
          std::find(placed.begin(), placed.end(), account.id) != placed.end()) {
        continue;
      }
      FundAmounts amounts = line_amounts({account.id});
      if (amounts.is_zero()) continue;
      total.add(amounts);
      report.rows.push_back(amounts.row(RowKind::line, account.event.name));
    }
  };

  FundAmounts revenue(scope);
  report.rows.push_back(heading(report, "Revenue"));
  section(AccountClass::revenue,
          {{"Voluntary contributions, general-purpose", {"4100"}},
           {"Voluntary contributions, special-purpose", {"4200"}},
           {"Refunds and reductions of contributions", {"4900"}},
           {"Programme support cost income", {"4300"}},
           {"Investment revenue", {"4800"}},
           {"Foreign exchange gains/(losses)", {"4700", "4710"}}},
          true, revenue);
  report.rows.push_back(revenue.row(RowKind::subtotal, "Total revenue"));

  FundAmounts expenses(scope);
  report.rows.push_back(heading(report, "Expenses"));
  section(AccountClass::expense,
          {{"Grants and transfers to implementing partners", {"5100"}},
           {"Programme expenditure", {"5200"}},
           {"Programme support costs", {"5300"}},
           {"Impairment of contributions receivable", {"5400"}},
           {"Rounding differences", {"5900"}}},
          false, expenses);
  report.rows.push_back(expenses.row(RowKind::subtotal, "Total expenses"));

  FundAmounts surplus = expenses;
  surplus.negate();
  surplus.add(revenue);
  report.rows.push_back(surplus.row(RowKind::total, "Surplus/(deficit)"));
  return report;
}

}  // namespace fundledger::reports
