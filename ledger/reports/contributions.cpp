// Contributions by donor: per donor, fund and currency, in USD, how the contributions receivable
// (1200) moved in the period, and beside it the money that came in:
//
//   receivable_opening + recognized - relieved - reductions - write_offs + exchange_differences
//     = receivable_closing, on every row and in total (which is 1200 in the financial position)
//
//   recognized            what entered the receivable: pledges signed (a conditional one against
//                         deferred revenue) and instalments recognized as they fell due
//   relieved              what receipts and applied advances settled, at the USD the receivable
//                         carried (anything else that moved 1200, such as a generic entry in a
//                         ledger older than the control accounts, is counted here too)
//   reductions, write_offs
//   exchange_differences  the month-end restatements of the receivable at the month's rate (and
//                         their reversals the next day), net
//   cash_received         receipts in the period at the receipt-date rate (1100)
//   realized_fx           the realized exchange on receipts and applications (4700), gains positive,
//                         on the row of the receivable (or advance) each settled
//   advances_held         money received from the donor and held for later (2100) at the end
//   refunds               given back to the donor in the period: revenue (4900) or money held
//                         (2100, 2150), when granted
//
// The currency is the pledge's for the receivable and the money's for what came in: a receipt in
// another currency than its pledge shows on a row of its own currency.
#include "reports/support.hpp"

#include "core/chart.hpp"
#include "core/master.hpp"

#include <algorithm>
#include <array>
#include <tuple>

namespace fundledger::reports {

namespace {

namespace account = detail::account;
using detail::MovementKind;

enum Column : std::size_t {
  opening,
  recognized,
  relieved,
  reductions,
  write_offs,
  exchange_differences,
  closing,
  cash_received,
  realized_fx,
  advances_held,
  refunds,
  column_count
};

using Figures = std::array<std::int64_t, column_count>;
using RowKey = std::tuple<std::int64_t, std::int64_t, std::int64_t>;  // donor, fund, currency

store::MovementQuery donor_currency(bool by_kind) {
  store::MovementQuery query;
  query.by_donor = query.by_currency = true;
  query.by_kind = by_kind;
  return query;
}

// The column a movement of the receivable in the period goes to, and its sign there.
std::pair<Column, int> receivable_column(MovementKind kind) {
  switch (kind) {
    case MovementKind::pledge:
    case MovementKind::recognition: return {recognized, 1};
    case MovementKind::reduction: return {reductions, -1};
    case MovementKind::write_off: return {write_offs, -1};
    case MovementKind::revaluation: return {exchange_differences, 1};
    default: return {relieved, -1};
  }
}

std::map<RowKey, Figures> figures_of(const Scope& scope) {
  std::map<RowKey, Figures> rows;
  auto at = [&rows](const store::MovementSums& row) -> Figures& {
    return rows.try_emplace({row.donor_id, row.fund_id, row.currency_id}).first->second;
  };
  // The opening is the closing less what moved in the period: the receivable as of the last day
  // reads only what moved after it, where as of the day before the period it would read the
  // period's movements a second time.
  for (const auto& row : open_flows(scope, {account::receivable}, scope.to, donor_currency(false))) {
    at(row)[opening] += usd_of(row);
  }
  for (const auto& row : flows(scope, {account::receivable}, scope.from, scope.to, donor_currency(true))) {
    const auto [column, sign] = receivable_column(row.kind);
    at(row)[column] += sign * usd_of(row);
    at(row)[opening] -= usd_of(row);
  }
  for (const auto& row : flows(scope, {account::cash}, scope.from, scope.to, donor_currency(true))) {
    if (row.kind == MovementKind::receipt) at(row)[cash_received] += usd_of(row);
  }
  std::vector<std::int64_t> held;
  for (std::string_view code : {account::receivable, account::received_in_advance}) {
    if (const std::int64_t id = scope.account(code); id >= 0) held.push_back(id);
  }
  if (const std::int64_t exchange = scope.account(account::realized_exchange); exchange >= 0 && !held.empty()) {
    for (const store::DonorFundSums& row : scope.txn.settlement_exchange(exchange, held, scope.from.day_number(),
                                                                       scope.to.day_number(), scope.fund_ids)) {
      rows.try_emplace({row.donor_id, row.fund_id, row.currency_id}).first->second[realized_fx] -= row.functional_minor;
    }
  }
  for (const auto& row : open_flows(scope, {account::received_in_advance}, scope.to, donor_currency(false))) {
    at(row)[advances_held] -= usd_of(row);
  }
  for (const auto& row : flows(scope, {account::refunds_and_reductions, account::received_in_advance, account::unidentified},
                               scope.from, scope.to, donor_currency(true))) {
    if (row.kind == MovementKind::refund) at(row)[refunds] += usd_of(row);
  }
  for (auto& [key, figures] : rows) {
    figures[closing] = figures[opening] + figures[recognized] - figures[relieved] - figures[reductions] -
                       figures[write_offs] + figures[exchange_differences];
  }
  return rows;
}

}  // namespace

Report contributions(const Scope& scope) {
  Report report = start_report(scope, "contributions", "Contributions by donor");
  report.columns = {{"donor", "Donor", false},
                    {"donor_name", "Name", false},
                    {"fund", "Fund", false},
                    {"currency", "Currency", false},
                    {"receivable_opening", "Receivable at start", true},
                    {"recognized", "Recognized", true},
                    {"relieved", "Relieved by receipts", true},
                    {"reductions", "Reductions", true},
                    {"write_offs", "Write-offs", true},
                    {"exchange_differences", "Exchange differences", true},
                    {"receivable_closing", "Receivable at end", true},
                    {"cash_received", "Cash received", true},
                    {"realized_fx", "Realized exchange", true},
                    {"advances_held", "Advances held", true},
                    {"refunds", "Refunds", true}};
  const auto& master = scope.master;
  std::vector<std::pair<RowKey, Figures>> rows;
  for (const auto& [key, figures] : figures_of(scope)) {
    if (std::any_of(figures.begin(), figures.end(), [](std::int64_t minor) { return minor != 0; })) {
      rows.emplace_back(key, figures);
    }
  }
  // By donor code (receipts of no donor last), fund code, currency code.
  auto codes = [&master](const RowKey& key) {
    const auto& [donor, fund, currency] = key;
    return std::make_tuple(donor == 0, donor ? master.donors.by_id(donor).code : std::string(),
                           master.funds.by_id(fund).code, master.currencies.by_id(currency).code);
  };
  std::sort(rows.begin(), rows.end(), [&codes](const auto& a, const auto& b) { return codes(a.first) < codes(b.first); });
  Figures total{};
  for (const auto& [key, figures] : rows) {
    const auto& [donor, fund, currency] = key;
    const std::string donor_code = donor ? master.donors.by_id(donor).code : std::string();
    ReportRow row{RowKind::line,
                  {donor_code, donor ? detail::name_on(master.donors.by_id(donor), scope.to) : std::string("(no donor: unidentified)"),
                   master.funds.by_id(fund).code, master.currencies.by_id(currency).code},
                  "donor:" + donor_code + ":" + master.funds.by_id(fund).code + ":" + master.currencies.by_id(currency).code};
    for (std::size_t i = 0; i < column_count; ++i) {
      row.cells.emplace_back(usd(figures[i]));
      total[i] += figures[i];
    }
    report.rows.push_back(std::move(row));
  }
  ReportRow row{RowKind::total, {std::string("Total"), std::monostate{}, std::monostate{}, std::monostate{}}, "total"};
  for (std::int64_t minor : total) row.cells.emplace_back(usd(minor));
  report.rows.push_back(std::move(row));
  return report;
}

}  // namespace fundledger::reports
