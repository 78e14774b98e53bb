// Statement of comparison of budget and actual amounts (IPSAS 24): per fund (and per project and
// category where a budget names them), the original budget (the first recorded for the year), the
// final budget (the latest), the actual expenditure of the period with its programme support costs
// (5100, 5200 and 5300 of expenses and partners' reports, net of their reversals), the difference
// (final less actual) and the share of the final budget used (actual / final x 100, to two decimals,
// half-even). Every fund in scope with a budget or spending has a row of its own (project and
// category empty) counting all its spending, its projects' included, so that spending without a
// budget shows too; a project's row counts the project's alone, a category's row its category's
// alone (grant: grants and partners' reports; programme: programme expenditure). The total adds
// the funds' own rows. Budgets are for the year of the report's last day: a report for part of a
// year sets the spending to date against the year's budget. Generic entries to the expense
// accounts are not expenditure of a budget.
#include "reports/support.hpp"

#include "core/chart.hpp"

#include <algorithm>
#include <tuple>

namespace fundledger::reports {

namespace {

namespace account = detail::account;
using detail::MovementKind;

using BudgetKey = std::tuple<std::int64_t, std::int64_t, std::string>;  // fund, project (0: all), category ("": all)

struct Line {
  std::optional<std::int64_t> original;
  std::int64_t final_amount = 0;
  std::int64_t actual = 0;
};

bool in_category(MovementKind kind, const std::string& category) {
  const bool grant = kind == MovementKind::expense_grant || kind == MovementKind::partner_report;
  const bool programme = kind == MovementKind::expense_programme;
  if (category == "grant") return grant;
  if (category == "programme") return programme;
  return grant || programme;
}

std::map<BudgetKey, Line> lines_of(const Scope& scope) {
  std::map<BudgetKey, Line> lines;
  for (const detail::BudgetRow& budget : scope.txn.budgets(scope.fund_ids)) {
    if (budget.year != scope.to.year()) continue;
    Line& line = lines[{budget.fund_id, budget.project_id, budget.category}];
    if (!line.original) line.original = budget.amount_minor;
    line.final_amount = budget.amount_minor;
  }
  store::MovementQuery query;
  query.by_project = query.by_kind = true;
  const auto spent = flows(scope, {account::grants, account::programme, account::support_costs}, scope.from, scope.to, query);
  for (const std::int64_t fund : scope.fund_ids) {
    const bool moved = std::any_of(spent.begin(), spent.end(), [fund](const auto& row) {
      return row.fund_id == fund && usd_of(row) != 0;
    });
    if (moved) lines[{fund, 0, ""}];
  }
  for (auto& [key, line] : lines) {
    const auto& [fund, project, category] = key;
    for (const store::MovementSums& row : spent) {
      if (row.fund_id == fund && (project == 0 || row.project_id == project) && in_category(row.kind, category)) {
        line.actual += usd_of(row);
      }
    }
  }
  return lines;
}

}  // namespace

Report budget(const Scope& scope) {
  Report report = start_report(scope, "budget", "Statement of comparison of budget and actual amounts");
  report.columns = {{"fund", "Fund", false},           {"project", "Project", false},
                    {"category", "Category", false},   {"original", "Original budget", true},
                    {"final", "Final budget", true},   {"actual", "Actual", true},
                    {"difference", "Difference", true}, {"utilization", "Used (%)", true}};
  const auto& master = scope.master;
  std::vector<std::pair<BudgetKey, Line>> rows;
  for (auto& entry : lines_of(scope)) rows.push_back(entry);
  auto codes = [&master](const BudgetKey& key) {
    const auto& [fund, project, category] = key;
    return std::make_tuple(master.funds.by_id(fund).code, project ? master.projects.by_id(project).code : std::string(),
                           category);
  };
  std::sort(rows.begin(), rows.end(), [&codes](const auto& a, const auto& b) { return codes(a.first) < codes(b.first); });
  std::int64_t totals[4] = {0, 0, 0, 0};
  for (const auto& [key, line] : rows) {
    const auto [fund, project, category] = codes(key);
    const std::int64_t original = line.original.value_or(0);
    ReportRow row{RowKind::line,
                  {fund, project, category, usd(original), usd(line.final_amount), usd(line.actual),
                   usd(line.final_amount - line.actual)},
                  "budget:" + fund + ":" + project + ":" + category};
    if (line.final_amount != 0) {
      row.cells.emplace_back(Decimal::divide(Decimal::from_integer(line.actual * 100), Decimal::from_integer(line.final_amount),
                                             2, Rounding::HalfEven));
    } else {
      row.cells.emplace_back(std::monostate{});
    }
    report.rows.push_back(std::move(row));
    if (project.empty() && category.empty()) {
      totals[0] += original;
      totals[1] += line.final_amount;
      totals[2] += line.actual;
      totals[3] += line.final_amount - line.actual;
    }
  }
  ReportRow total{RowKind::total,
                  {std::string("Total of the funds"), std::monostate{}, std::monostate{}, usd(totals[0]), usd(totals[1]),
                   usd(totals[2]), usd(totals[3])},
                  "total"};
  if (totals[1] != 0) {
    total.cells.emplace_back(Decimal::divide(Decimal::from_integer(totals[2] * 100), Decimal::from_integer(totals[1]), 2,
                                             Rounding::HalfEven));
  } else {
    total.cells.emplace_back(std::monostate{});
  }
  report.rows.push_back(std::move(total));
  return report;
}

}  // namespace fundledger::reports
