// Advances to implementing partners as of the last day: each advance (1400) made by then that is
// not yet reported in full, or was made in the period, with its partner, fund and project; what was
// advanced, what the partner has reported, what remains (in the advance's currency, and in USD at
// the carrying amount), and its age in days since it was made while anything remains. The total of
// outstanding USD is 1400 in the financial position.
#include "reports/support.hpp"

#include "core/chart.hpp"

#include <algorithm>
#include <tuple>

namespace fundledger::reports {

Report partners(const Scope& scope) {
  Report report = start_report(scope, "partners", "Advances to implementing partners");
  report.columns = {{"partner", "Partner", false},        {"advance", "Advance", false},
                    {"date", "Date", false},               {"fund", "Fund", false},
                    {"project", "Project", false},         {"currency", "Currency", false},
                    {"advanced", "Advanced", true},        {"reported", "Reported", true},
                    {"outstanding", "Outstanding", true},  {"outstanding_usd", "Outstanding (USD)", true},
                    {"age_days", "Age (days)", true}};
  const auto& master = scope.master;
  auto rows = scope.txn.advances(scope.account(detail::account::partner_advances), scope.to.day_number(), scope.fund_ids);
  std::sort(rows.begin(), rows.end(), [](const store::AdvanceRow& a, const store::AdvanceRow& b) {
    return std::tie(a.holding.partner, a.day, a.holding.seq) < std::tie(b.holding.partner, b.day, b.holding.seq);
  });
  std::int64_t outstanding_usd = 0;
  for (const store::AdvanceRow& advance : rows) {
    const detail::Holding& held = advance.holding;
    if (held.amount_minor == 0 && held.functional_minor == 0 && advance.day < scope.from.day_number()) continue;
    if (advance.reversed) continue;  // never made: its reversal took it back
    const auto& currency = master.currencies.by_id(held.currency_id);
    auto in_currency = [&currency](std::int64_t minor) { return Decimal::from_minor_units(minor, currency.minor_units); };
    ReportRow row{RowKind::line,
                  {held.partner, advance.event_id, Date::from_day_number(advance.day).to_string(),
                   master.funds.by_id(held.fund_id).code,
                   held.project_id ? master.projects.by_id(held.project_id).code : std::string(), currency.code,
                   in_currency(held.initial_minor), in_currency(advance.reported_minor),
                   in_currency(held.amount_minor), usd(held.functional_minor)},
                  "advance:" + advance.event_id};
    if (held.amount_minor != 0) {
      row.cells.emplace_back(Decimal::from_integer(scope.to.day_number() - advance.day));
    } else {
      row.cells.emplace_back(std::monostate{});
    }
    outstanding_usd += held.functional_minor;
    report.rows.push_back(std::move(row));
  }
  ReportRow total{RowKind::total, {std::string("Total"), std::monostate{}}, "total"};
  total.cells.resize(9);
  total.cells.emplace_back(usd(outstanding_usd));
  total.cells.emplace_back(std::monostate{});
  report.rows.push_back(std::move(total));
  return report;
}

}  // namespace fundledger::reports
