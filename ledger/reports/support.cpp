// The shared pieces of the reports: scope, balances and movements by account and fund.
#include "reports/support.hpp"

#include "core/text.hpp"

#include <fundledger/error.hpp>

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace fundledger::reports {

std::int64_t Scope::account(std::string_view code) const {
  const auto* record = impl.state.accounts.find(code);
  return record ? record->id : -1;
}

Scope resolve(Ledger::Impl& impl, const ReportScope& request) {
  Date to = Date::from_day_number(0);
  Date from = Date::from_day_number(0);
  if (request.period && request.as_of) {
    throw Error(ErrorCode::usage, "a report takes a period or an as-of date, not both");
  }
  if (request.period) {
    from = request.period->first_day();
    to = request.period->last_day();
  } else {
    if (request.as_of) {
      to = *request.as_of;
    } else {
      SQLite::Statement latest(impl.database, "SELECT MAX(date) FROM postings");
      to = latest.executeStep() && !latest.getColumn(0).isNull() ? Date::from_day_number(latest.getColumn(0).getInt())
                                                                  : Date::from_ymd(1970, 1, 1);
    }
    from = Date::from_ymd(to.year(), 1, 1);  // the fiscal year to date
  }
  Scope scope{impl, from, to, request.fund, {}, {}, {}};
  const auto& funds = impl.state.funds;
  if (request.fund.empty()) {
    for (const auto& fund : funds.all()) scope.fund_ids.push_back(fund.id);
  } else {
    const auto* root = funds.find(request.fund);
    if (!root) throw Error(ErrorCode::unknown_reference, "unknown fund " + detail::quote(request.fund));
    // The fund, then every fund operated within it, at any depth.
    scope.fund_ids.push_back(root->id);
    for (std::size_t i = 0; i < scope.fund_ids.size(); ++i) {
      const std::string& parent = funds.by_id(scope.fund_ids[i]).code;
      for (const auto& fund : funds.all()) {
        if (fund.event.parent == parent) scope.fund_ids.push_back(fund.id);
      }
    }
  }
  std::stable_sort(scope.fund_ids.begin() + (request.fund.empty() ? 0 : 1), scope.fund_ids.end(),
                   [&funds](std::int64_t a, std::int64_t b) { return funds.by_id(a).code < funds.by_id(b).code; });
  scope.fund_list_sql = "(";
  for (std::size_t i = 0; i < scope.fund_ids.size(); ++i) {
    scope.fund_codes.push_back(funds.by_id(scope.fund_ids[i]).code);
    if (i) scope.fund_list_sql += ", ";
    scope.fund_list_sql += std::to_string(scope.fund_ids[i]);
  }
  scope.fund_list_sql += ")";
  return scope;
}

namespace {

bool is_month_end(Date day) { return day.add_days(1).day() == 1; }

// Debits and credits by account and fund from the monthly table, for months first..last.
void add_monthly(const Scope& scope, std::int64_t first, std::int64_t last, std::map<AccountFund, Movement>& result) {
  if (first > last) return;
  SQLite::Statement query(scope.impl.database,
                          "SELECT account_id, fund_id, SUM(functional_debit_minor), SUM(functional_credit_minor) "
                          "FROM monthly_balances WHERE month >= ? AND month <= ? AND fund_id IN " +
                              scope.fund_list_sql + " GROUP BY 1, 2");
  query.bind(1, first);
  query.bind(2, last);
  while (query.executeStep()) {
    auto& movement = result[{query.getColumn(0).getInt64(), query.getColumn(1).getInt64()}];
    movement.debit += query.getColumn(2).getInt64();
    movement.credit += query.getColumn(3).getInt64();
  }
}

// Debits and credits by account and fund of the postings dated from..to (through the date index);
// with only_year_end, just the year-end closing postings.
void add_postings(const Scope& scope, Date from, Date to, bool only_year_end, std::map<AccountFund, Movement>& result) {
  if (to < from) return;
  SQLite::Statement query(
      scope.impl.database,
      "SELECT account_id, fund_id, SUM(CASE WHEN functional_minor > 0 THEN functional_minor ELSE 0 END), "
      "SUM(CASE WHEN functional_minor < 0 THEN -functional_minor ELSE 0 END) FROM postings "
      "WHERE date >= ? AND date <= ? AND fund_id IN " + scope.fund_list_sql + (only_year_end ? " AND kind = 2" : "") +
          " GROUP BY 1, 2");
  query.bind(1, from.day_number());
  query.bind(2, to.day_number());
  while (query.executeStep()) {
    auto& movement = result[{query.getColumn(0).getInt64(), query.getColumn(1).getInt64()}];
    movement.debit += query.getColumn(2).getInt64();
    movement.credit += query.getColumn(3).getInt64();
  }
}

// Whole months from the monthly table, the days of a month begun or ended midway from the
// postings.
std::map<AccountFund, Movement> all_movements(const Scope& scope, Date from, Date to) {
  std::map<AccountFund, Movement> result;
  if (to < from) return result;
  const std::int64_t first_month = detail::month_index(from);
  const std::int64_t last_month = detail::month_index(to);
  if (first_month == last_month && (from.day() != 1 || !is_month_end(to))) {
    add_postings(scope, from, to, false, result);
    return result;
  }
  std::int64_t whole_first = first_month;
  std::int64_t whole_last = last_month;
  if (from.day() != 1) {
    add_postings(scope, from, Period::month_of(from).last_day(), false, result);
    ++whole_first;
  }
  if (!is_month_end(to)) {
    add_postings(scope, Period::month_of(to).first_day(), to, false, result);
    --whole_last;
  }
  add_monthly(scope, whole_first, whole_last, result);
  return result;
}

}  // namespace

std::map<AccountFund, std::int64_t> balances_as_of(const Scope& scope, Date day) {
  std::map<AccountFund, std::int64_t> result;
  SQLite::Statement range(scope.impl.database, "SELECT MIN(date) FROM postings");
  if (!range.executeStep() || range.getColumn(0).isNull()) return result;
  const Date first = Date::from_day_number(range.getColumn(0).getInt());
  for (const auto& [key, movement] : all_movements(scope, Period::month_of(first).first_day(), day)) {
    if (movement.debit != movement.credit) result[key] = movement.debit - movement.credit;
  }
  return result;
}

std::map<AccountFund, Movement> movements(const Scope& scope, Date from, Date to, bool with_year_end) {
  std::map<AccountFund, Movement> result = all_movements(scope, from, to);
  if (!with_year_end) {
    // The year-end closing is dated 31 December: take it out of the years the range covers.
    for (int year = from.year(); year <= to.year(); ++year) {
      const Date year_end = Date::from_ymd(year, 12, 31);
      if (year_end < from || to < year_end) continue;
      std::map<AccountFund, Movement> closing;
      add_postings(scope, year_end, year_end, true, closing);
      for (const auto& [key, movement] : closing) {
        result[key].debit -= movement.debit;
        result[key].credit -= movement.credit;
      }
    }
  }
  return result;
}

Decimal usd(std::int64_t minor) { return Decimal::from_minor_units(minor, 2); }

Report start_report(const Scope& scope, std::string name, std::string title) {
  Report report;
  report.name = std::move(name);
  report.title = std::move(title);
  report.from = scope.from;
  report.to = scope.to;
  report.fund = scope.fund;
  report.funds = scope.fund_codes;
  return report;
}

}  // namespace fundledger::reports

namespace fundledger::reports {

std::vector<ReceivablePart> receivable_by_due_date(const Scope& scope, Date as_of) {
  std::vector<ReceivablePart> parts;
  const std::int64_t receivable_account = scope.account("1200");
  if (receivable_account < 0) return parts;
  auto& database = scope.impl.database;
  // Each pledge's receivable as of the day, and what receipts and reductions took from it.
  SQLite::Statement balances(
      database,
      "SELECT p.pledge_id, p.fund_id, p.donor_id, SUM(p.amount_minor), SUM(p.functional_minor), "
      "SUM(CASE WHEN p.kind != 3 AND IFNULL(o.type, e.type) IN ('receipt', 'apply') THEN -p.amount_minor ELSE 0 END), "
      "SUM(CASE WHEN p.kind != 3 AND IFNULL(o.type, e.type) IN ('reduction', 'write_off') THEN -p.amount_minor ELSE 0 END) "
      "FROM postings p JOIN events e ON e.seq = p.seq LEFT JOIN reversals r ON r.reversal_seq = e.seq "
      "LEFT JOIN events o ON o.seq = r.reversed_seq "
      "WHERE p.account_id = ? AND p.date <= ? AND p.pledge_id IS NOT NULL AND p.fund_id IN " + scope.fund_list_sql +
          " GROUP BY 1, 2, 3 HAVING SUM(p.amount_minor) != 0 OR SUM(p.functional_minor) != 0");
  balances.bind(1, receivable_account);
  balances.bind(2, as_of.day_number());
  struct PledgeFigures {
    std::int64_t pledge_id, fund_id, donor_id, amount, usd, paid, cut;
  };
  std::vector<PledgeFigures> pledges;
  while (balances.executeStep()) {
    pledges.push_back({balances.getColumn(0).getInt64(), balances.getColumn(1).getInt64(),
                       balances.getColumn(2).getInt64(), balances.getColumn(3).getInt64(),
                       balances.getColumn(4).getInt64(), balances.getColumn(5).getInt64(),
                       balances.getColumn(6).getInt64()});
  }
  SQLite::Statement instalments(database,
                                "SELECT due, amount_minor FROM instalments WHERE pledge_id = ? AND recognized != 0 "
                                "AND (recognized IN (SELECT seq FROM events WHERE date <= ?)) ORDER BY due, line");
  for (const PledgeFigures& pledge : pledges) {
    instalments.bind(1, pledge.pledge_id);
    instalments.bind(2, as_of.day_number());
    std::vector<std::pair<std::int32_t, std::int64_t>> schedule;
    while (instalments.executeStep()) {
      schedule.emplace_back(instalments.getColumn(0).getInt(), instalments.getColumn(1).getInt64());
    }
    instalments.reset();
    std::vector<std::int64_t> remaining;
    for (const auto& item : schedule) remaining.push_back(item.second);
    std::int64_t to_pay = std::max<std::int64_t>(0, pledge.paid);
    for (std::size_t i = 0; i < remaining.size() && to_pay > 0; ++i) {
      const std::int64_t paid = std::min(to_pay, remaining[i]);
      remaining[i] -= paid;
      to_pay -= paid;
    }
    std::int64_t to_cut = std::max<std::int64_t>(0, pledge.cut);
    for (std::size_t i = remaining.size(); i-- > 0 && to_cut > 0;) {
      const std::int64_t cut = std::min(to_cut, remaining[i]);
      remaining[i] -= cut;
      to_cut -= cut;
    }
    if (schedule.empty()) {
      // A receivable with no recognized instalment (a revaluation left on a settled pledge):
      // count it as due on the day itself.
      schedule.emplace_back(as_of.day_number(), pledge.amount);
      remaining.push_back(pledge.amount);
    }
    // Whatever the schedule does not explain (revaluation, a write-off beyond the schedule) sits
    // with the latest instalment, so that the parts always add up to the receivable.
    std::int64_t explained = 0;
    for (std::int64_t amount : remaining) explained += amount;
    remaining.back() += pledge.amount - explained;
    std::vector<Decimal> weights;
    bool any_weight = false;
    for (std::int64_t amount : remaining) {
      weights.push_back(Decimal::from_integer(std::max<std::int64_t>(0, amount)));
      any_weight = any_weight || amount > 0;
    }
    if (!any_weight) {
      weights.assign(weights.size(), Decimal::from_integer(0));
      weights.back() = Decimal::from_integer(1);
    }
    const auto usd_parts = allocate(usd(pledge.usd), weights);
    for (std::size_t i = 0; i < schedule.size(); ++i) {
      const std::int64_t part = usd_parts[i].to_minor_units(2);
      if (part == 0) continue;
      parts.push_back({pledge.pledge_id, pledge.fund_id, pledge.donor_id, Date::from_day_number(schedule[i].first), part});
    }
  }
  return parts;
}

}  // namespace fundledger::reports
