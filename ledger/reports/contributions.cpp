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

#include <SQLiteCpp/Statement.h>

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

// The postings with the kind of event each counts as: IFNULL(o.type, e.type) is the event's own
// type, or for a reversal the type of the event it reverses.
constexpr const char* postings_with_kind_sql =
    "FROM postings p JOIN events e ON e.seq = p.seq "
    "LEFT JOIN reversals r ON r.reversal_seq = p.seq LEFT JOIN events o ON o.seq = r.reversed_seq ";

// The pledged amounts in the pledge currency. A pledge whose signing was reversed on or before the
// last day was never a pledge: its postings net to nothing, and so must its amount.
void add_pledged(const Scope& scope, std::map<RowKey, Figures>& rows) {
  SQLite::Statement query(scope.impl.database,
                          "SELECT g.donor_id, g.fund_id, g.currency_id, SUM(g.amount_minor) FROM pledges g "
                          "WHERE g.signed <= ? AND g.fund_id IN " + scope.fund_list_sql +
                              " AND NOT EXISTS (SELECT 1 FROM reversals r JOIN events v ON v.seq = r.reversal_seq "
                              "WHERE r.reversed_seq = g.seq AND v.date <= ?) GROUP BY 1, 2, 3");
  query.bind(1, scope.to.day_number());
  query.bind(2, scope.to.day_number());
  while (query.executeStep()) {
    const RowKey key{query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), query.getColumn(2).getInt64()};
    rows[key].pledged_minor += query.getColumn(3).getInt64();
  }
}

// Every 1200 posting up to the last day, once in `outstanding` and, by the event that made it, in
// at most one of the movement columns.
void add_receivable(const Scope& scope, std::map<RowKey, Figures>& rows) {
  SQLite::Statement query(scope.impl.database,
                          "SELECT IFNULL(p.donor_id, 0), p.fund_id, p.currency_id, "
                          "CASE WHEN p.kind = 3 THEN 'recognition' ELSE IFNULL(o.type, e.type) END, "
                          "p.date >= ?, SUM(p.functional_minor) " +
                              std::string(postings_with_kind_sql) +
                              "WHERE p.account_id = ? AND p.date <= ? AND p.fund_id IN " + scope.fund_list_sql +
                              " GROUP BY 1, 2, 3, 4, 5");
  query.bind(1, scope.from.day_number());
  query.bind(2, scope.account("1200"));
  query.bind(3, scope.to.day_number());
  while (query.executeStep()) {
    const RowKey key{query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), query.getColumn(2).getInt64()};
    const std::string kind = query.getColumn(3).getString();
    const bool in_period = query.getColumn(4).getInt() != 0;
    const std::int64_t usd_minor = query.getColumn(5).getInt64();
    Figures& figures = rows[key];
    figures.outstanding += usd_minor;
    // What is pledged: the pledge's own recognition at signing, and instalments recognized when they
    // fell due (by a close, or by the money that arrived for them); revaluation is not.
    const bool recognition = kind == "pledge" || kind == "recognition";
    if (recognition) {
      figures.pledged_usd += usd_minor;
    } else if (kind == "receipt" || kind == "apply") {
      (in_period ? figures.received_period : figures.received_prior) -= usd_minor;
    } else if ((kind == "reduction" || kind == "write_off") && in_period) {
      figures.reductions_refunds -= usd_minor;
    }
  }
}

// The refunds of the period: what refund events charged to 4900, in the row of the pledge they
// name (its currency) or, without one, in the row of the refund's own currency.
void add_refunds(const Scope& scope, std::map<RowKey, Figures>& rows) {
  SQLite::Statement query(scope.impl.database,
                          "SELECT IFNULL(p.donor_id, 0), p.fund_id, IFNULL(g.currency_id, p.currency_id), "
                          "SUM(p.functional_minor) " +
                              std::string(postings_with_kind_sql) +
                              "LEFT JOIN pledges g ON g.id = p.pledge_id "
                              "WHERE p.account_id = ? AND p.date >= ? AND p.date <= ? AND p.kind != 2 "
                              "AND IFNULL(o.type, e.type) = 'refund' AND p.fund_id IN " + scope.fund_list_sql +
                              " GROUP BY 1, 2, 3");
  query.bind(1, scope.account("4900"));
  query.bind(2, scope.from.day_number());
  query.bind(3, scope.to.day_number());
  while (query.executeStep()) {
    const RowKey key{query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), query.getColumn(2).getInt64()};
    rows[key].reductions_refunds += query.getColumn(3).getInt64();
  }
}

// Money received ahead of a pledge: the credit balance of 2100 on the last day.
void add_advances(const Scope& scope, std::map<RowKey, Figures>& rows) {
  SQLite::Statement query(scope.impl.database,
                          "SELECT IFNULL(donor_id, 0), fund_id, currency_id, SUM(functional_minor) FROM postings "
                          "WHERE account_id = ? AND date <= ? AND fund_id IN " + scope.fund_list_sql +
                              " GROUP BY 1, 2, 3");
  query.bind(1, scope.account("2100"));
  query.bind(2, scope.to.day_number());
  while (query.executeStep()) {
    const RowKey key{query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), query.getColumn(2).getInt64()};
    rows[key].advances -= query.getColumn(3).getInt64();
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

  const auto& state = scope.impl.state;
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
