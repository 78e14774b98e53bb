// Contributions by donor: per donor, fund and currency, what was pledged (in the pledge currency and
// in USD), what was received before the period and in it, the reductions and refunds of the period,
// what is outstanding and what is held in advance as of the report's last day. Amounts are USD
// except `pledged`, which is in the row's currency.
//
// Every USD figure is read from the postings, classified by the event that made them (a reversal
// counts as the kind of event it reverses, so a reversed receipt is no longer received):
//   pledged             the pledges signed on or before the last day, less those whose pledge event
//                       was reversed by then, in the pledge currency;
//   pledged_usd         the USD that recognition put on 1200 up to the last day: the postings of
//                       pledge events (net of their reversals) and the instalments a close
//                       recognized (its 1200 postings that move the currency amount, net of a
//                       reopening's), but not the revaluation, which moves USD only;
//   received_prior      the USD that receipts and applications relieved from 1200 before the first
//                       day, net of reversals dated before it;
//   received_period     the same from the first day to the last;
//   reductions_refunds  the USD that reductions and write-offs relieved from 1200 in the period, plus
//                       the refunds of the period charged to 4900 (both net of reversals);
//   outstanding         the USD balance of 1200 on the last day, revaluation included;
//   advances            the USD credit balance of 2100 on the last day.
// A posting falls before or in the period by its own date. The total of `outstanding` is the USD
// balance of 1200 over the funds in scope, and the total of `advances` minus that of 2100: every
// posting on those accounts lands in exactly one row.
#include "reports/support.hpp"

#include "core/chart.hpp"

#include <limits>

#include <algorithm>
#include <tuple>

namespace fundledger::reports {

namespace {

// A row: (donor id, 0 for none; fund id; currency id).
using RowKey = std::tuple<std::int64_t, std::int64_t, std::int64_t>;

struct Figures {
  std::int64_t pledged_minor = 0;  // in the row's currency
  std::int64_t pledged_usd = 0;
  std::int64_t received_prior = 0;
  std::int64_t received_period = 0;
  std::int64_t reductions_refunds = 0;
  std::int64_t outstanding = 0;
  std::int64_t advances = 0;

  bool is_zero() const {
    return pledged_minor == 0 && pledged_usd == 0 && received_prior == 0 && received_period == 0 &&
           reductions_refunds == 0 && outstanding == 0 && advances == 0;
  }
  // The USD figures of other added to these (the currency amount is not: currencies differ).
  void add_usd(const Figures& other) {
    pledged_usd += other.pledged_usd;
    received_prior += other.received_prior;
    received_period += other.received_period;
    reductions_refunds += other.reductions_refunds;
    outstanding += other.outstanding;
    advances += other.advances;
  }
};

// The pledged amounts in the pledge currency. A pledge whose signing was reversed on or before the
// last day was never a pledge: its postings net to nothing, and so must its amount.
void add_pledged(const Scope& scope, std::map<RowKey, Figures>& rows) {
  for (const store::PledgedSums& row : scope.txn.pledged_through(scope.to.day_number(), scope.fund_ids)) {
    rows[{row.donor_id, row.fund_id, row.currency_id}].pledged_minor += row.amount_minor;
  }
}

// Every 1200 posting up to the last day, once in `outstanding` and, by the event that made it, in
// at most one of the movement columns.
void add_receivable(const Scope& scope, std::map<RowKey, Figures>& rows) {
  for (const store::KindSums& row : scope.txn.sums_by_kind(scope.account(detail::account::receivable),
                                                           scope.from.day_number(), scope.to.day_number(),
                                                           scope.fund_ids)) {
    Figures& figures = rows[{row.donor_id, row.fund_id, row.currency_id}];
    figures.outstanding += row.functional_minor;
    // What is pledged: the pledge's own recognition at signing, and instalments recognized when they
    // fell due (by a close, or by the money that arrived for them); revaluation is not.
    if (row.kind == "pledge" || row.kind == "recognition") {
      figures.pledged_usd += row.functional_minor;
    } else if (row.kind == "receipt" || row.kind == "apply") {
      (row.in_period ? figures.received_period : figures.received_prior) -= row.functional_minor;
    } else if ((row.kind == "reduction" || row.kind == "write_off") && row.in_period) {
      figures.reductions_refunds -= row.functional_minor;
    }
  }
}

// The refunds of the period: what refund events charged to 4900, in the row of the pledge they
// name (its currency) or, without one, in the row of the refund's own currency.
void add_refunds(const Scope& scope, std::map<RowKey, Figures>& rows) {
  for (const store::DonorFundSums& row :
       scope.txn.sums_by_donor(scope.account(detail::account::refunds_and_reductions), scope.from.day_number(),
                               scope.to.day_number(), scope.fund_ids, "refund")) {
    rows[{row.donor_id, row.fund_id, row.currency_id}].reductions_refunds += row.functional_minor;
  }
}

// Money received ahead of a pledge: the credit balance of 2100 on the last day.
void add_advances(const Scope& scope, std::map<RowKey, Figures>& rows) {
  for (const store::DonorFundSums& row :
       scope.txn.sums_by_donor(scope.account(detail::account::received_in_advance),
                               std::numeric_limits<std::int32_t>::min(), scope.to.day_number(), scope.fund_ids, "")) {
    rows[{row.donor_id, row.fund_id, row.currency_id}].advances -= row.functional_minor;
  }
}

}  // namespace

Report contributions(const Scope& scope) {
  Report report = start_report(scope, "contributions", "Contributions by donor");
  report.columns = {{"donor", "Donor", false},
                    {"donor_name", "Name", false},
                    {"fund", "Fund", false},
                    {"currency", "Currency", false},
                    {"pledged", "Pledged (currency)", true},
                    {"pledged_usd", "Pledged", true},
                    {"received_prior", "Received, prior periods", true},
                    {"received_period", "Received, period", true},
                    {"reductions_refunds", "Reductions and refunds", true},
                    {"outstanding", "Outstanding", true},
                    {"advances", "Advances", true}};
  std::map<RowKey, Figures> rows;
  add_pledged(scope, rows);
  add_receivable(scope, rows);
  add_refunds(scope, rows);
  add_advances(scope, rows);

  const auto& state = scope.master;
  // A posting without a donor can only come from a generic journal entry; it still gets a row, so
  // that the totals keep equal to the balances. Such rows come last.
  auto donor_code = [&state](std::int64_t id) { return id ? state.donors.by_id(id).code : std::string(); };
  auto donor_name = [&state](std::int64_t id) { return id ? state.donors.by_id(id).event.name : std::string("(no donor)"); };
  std::vector<std::pair<RowKey, Figures>> ordered;
  for (const auto& [key, figures] : rows) {
    if (!figures.is_zero()) ordered.emplace_back(key, figures);
  }
  std::sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) {
    const auto& [a_donor, a_fund, a_currency] = a.first;
    const auto& [b_donor, b_fund, b_currency] = b.first;
    if (a_donor != b_donor) {
      if (!a_donor || !b_donor) return b_donor == 0;
      return donor_code(a_donor) < donor_code(b_donor);
    }
    if (a_fund != b_fund) return state.funds.by_id(a_fund).code < state.funds.by_id(b_fund).code;
    return state.currencies.by_id(a_currency).code < state.currencies.by_id(b_currency).code;
  });

  auto usd_cells = [](const Figures& figures) {
    return std::vector<ReportCell>{usd(figures.pledged_usd),     usd(figures.received_prior),
                                   usd(figures.received_period), usd(figures.reductions_refunds),
                                   usd(figures.outstanding),     usd(figures.advances)};
  };
  auto summary_row = [&usd_cells](RowKind kind, ReportCell donor, ReportCell name, const Figures& figures) {
    ReportRow row{kind, {std::move(donor), std::move(name), std::monostate{}, std::monostate{}, std::monostate{}}};
    for (ReportCell& cell : usd_cells(figures)) row.cells.push_back(std::move(cell));
    return row;
  };

  Figures total;
  for (std::size_t i = 0; i < ordered.size();) {
    const std::int64_t donor = std::get<0>(ordered[i].first);
    Figures donor_total;
    std::size_t count = 0;
    for (; i < ordered.size() && std::get<0>(ordered[i].first) == donor; ++i, ++count) {
      const auto& [key, figures] = ordered[i];
      const auto& currency = state.currencies.by_id(std::get<2>(key));
      ReportRow row{RowKind::line,
                    {donor_code(donor), donor_name(donor), state.funds.by_id(std::get<1>(key)).code, currency.code,
                     Decimal::from_minor_units(figures.pledged_minor, currency.minor_units)}};
      for (ReportCell& cell : usd_cells(figures)) row.cells.push_back(std::move(cell));
      report.rows.push_back(std::move(row));
      donor_total.add_usd(figures);
    }
    // A donor's own total only says something new when it adds up more than one row.
    if (count > 1) report.rows.push_back(summary_row(RowKind::subtotal, donor_code(donor), donor_name(donor), donor_total));
    total.add_usd(donor_total);
  }
  report.rows.push_back(summary_row(RowKind::total, std::string("Total"), std::monostate{}, total));
  return report;
}

}  // namespace fundledger::reports
