// Aging of contributions receivable: per donor, what is receivable (1200) on the report's last day,
// split by how long ago it fell due (not yet due, then whole years overdue: 0-1, 1-2, 2-3, 3-4 and
// over 4, counted by calendar: an instalment due 2023-06-30 is 0-1 up to 2024-06-29 and 1-2 from
// 2024-06-30; one due on the last day itself is 0-1), the allowance for doubtful receivables held against it (1290) and the net. Amounts are
// USD; the total of `total` is the USD balance of 1200 over the funds in scope, and the total of
// `net` that less the credit balance of 1290.
//
// A pledge's receivable is dated by its instalments. Its currency amount on the last day is spread
// over the instalments recognized by then, as the pledge projection does: receipts and
// applications pay the oldest first, reductions and write-offs take the latest first. Whatever the
// schedule cannot explain (a generic journal entry on the pledge, say) goes to the latest
// instalment: taken from the latest first when it is less, added to the latest when it is more. A
// receivable with no schedule to date it by (one that names no pledge, or a pledge none of whose
// instalments is recognized yet) is dated by its latest posting. The pledge's USD carrying amount is then split over the buckets in proportion to their currency
// amounts, by largest remainder, so that the buckets add up to it exactly.
#include "reports/support.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <limits>
#include <tuple>

namespace fundledger::reports {

namespace {

constexpr std::size_t bucket_count = 6;  // not due, 0-1, 1-2, 2-3, 3-4, over 4 years

// The same day `years` years later; 29 February becomes 28 February in a common year.
Date years_after(Date day, int years) {
  const int year = day.year() + years;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int day_of_month = day.month() == 2 && day.day() == 29 && !leap ? 28 : day.day();
  return Date::from_ymd(year, day.month(), day_of_month);
}

// The bucket of an amount that fell due on `due`, seen on `as_of`: 0 when not yet due, else 1 plus
// the whole years that have passed since (capped at over 4 years). Due on the day itself is due.
std::size_t bucket_of(Date due, Date as_of) {
  if (due > as_of) return 0;
  std::size_t bucket = 1;
  while (bucket < bucket_count - 1 && due.year() + static_cast<int>(bucket) <= as_of.year() &&
         years_after(due, static_cast<int>(bucket)) <= as_of) {
    ++bucket;
  }
  return bucket;
}

// The 1200 postings up to the last day of one pledge (or, with pledge 0, of the receivables that
// name no pledge) for one donor and currency.
struct Receivable {
  std::int64_t amount_minor = 0;  // R_c, in the currency
  std::int64_t usd_minor = 0;     // R_u
  std::int64_t received_minor = 0;
  std::int64_t reduced_minor = 0;  // reductions and write-offs
  std::int32_t latest_day = std::numeric_limits<std::int32_t>::min();  // of its latest posting
};

struct Instalment {
  std::int32_t due = 0;
  std::int64_t amount_minor = 0;
};

struct PledgeSchedule {
  std::int64_t currency_id = 0;
  std::vector<Instalment> instalments;  // those recognized by the last day, by due date
};

using Buckets = std::array<std::int64_t, bucket_count>;

// The currency amounts of one pledge's receivable per bucket, and the bucket of its latest
// instalment (where R_u goes whole when there is no currency amount to weigh it by).
std::pair<Buckets, std::size_t> spread(const Receivable& receivable, const std::vector<Instalment>& schedule,
                                       Date as_of) {
  Buckets buckets{};
  std::vector<std::int64_t> left;
  for (const Instalment& instalment : schedule) left.push_back(instalment.amount_minor);
  std::int64_t to_pay = std::max<std::int64_t>(0, receivable.received_minor);
  for (std::size_t i = 0; i < left.size() && to_pay > 0; ++i) {
    const std::int64_t paid = std::min(to_pay, left[i]);
    left[i] -= paid;
    to_pay -= paid;
  }
  std::int64_t to_cut = std::max<std::int64_t>(0, receivable.reduced_minor);
  for (std::size_t i = left.size(); i-- > 0 && to_cut > 0;) {
    const std::int64_t cut = std::min(to_cut, left[i]);
    left[i] -= cut;
    to_cut -= cut;
  }
  std::int64_t remaining = 0;
  for (std::int64_t amount : left) remaining += amount;
  std::int64_t difference = receivable.amount_minor - remaining;
  // Less than the schedule leaves: the latest instalments give it up first, as to a reduction.
  for (std::size_t i = left.size(); i-- > 0 && difference < 0;) {
    const std::int64_t cut = std::min(-difference, left[i]);
    left[i] -= cut;
    difference += cut;
  }
  const std::size_t latest = schedule.empty() ? bucket_of(Date::from_day_number(receivable.latest_day), as_of)
                                              : bucket_of(Date::from_day_number(schedule.back().due), as_of);
  for (std::size_t i = 0; i < left.size(); ++i) buckets[bucket_of(Date::from_day_number(schedule[i].due), as_of)] += left[i];
  // More than the schedule leaves (or less than nothing): the latest bucket takes the difference.
  buckets[latest] += difference;
  return {buckets, latest};
}

// R_u over the buckets in proportion to their currency amounts, summing exactly to R_u.
Buckets split_usd(std::int64_t usd_minor, const Buckets& currency_amounts, std::size_t latest) {
  Buckets result{};
  std::int64_t weight_sum = 0;
  bool weights_valid = true;
  for (std::int64_t amount : currency_amounts) {
    weight_sum += amount;
    if (amount < 0) weights_valid = false;
  }
  if (!weights_valid || weight_sum <= 0) {
    // Nothing in the currency to weigh by: a receivable of USD alone is the latest bucket's.
    result[latest] = usd_minor;
    return result;
  }
  std::vector<Decimal> weights;
  for (std::int64_t amount : currency_amounts) weights.push_back(Decimal::from_integer(amount));
  const std::vector<Decimal> parts = allocate(usd(usd_minor), weights);
  for (std::size_t i = 0; i < bucket_count; ++i) result[i] = parts[i].to_minor_units(2);
  return result;
}

}  // namespace

Report aging(const Scope& scope) {
  Report report = start_report(scope, "aging", "Aging of contributions receivable");
  report.columns = {{"donor", "Donor", false},          {"donor_name", "Name", false},
                    {"not_due", "Not yet due", true},   {"overdue_0_1", "0-1 year", true},
                    {"overdue_1_2", "1-2 years", true}, {"overdue_2_3", "2-3 years", true},
                    {"overdue_3_4", "3-4 years", true}, {"overdue_4_plus", "Over 4 years", true},
                    {"total", "Total", true},           {"allowance", "Allowance", true},
                    {"net", "Net", true}};
  const std::int32_t last_day = scope.to.day_number();

  // The receivables by (pledge, donor, currency), with what receipts and reductions took from them.
  // A reversal counts as the kind of event it reverses, so that a reversed receipt pays nothing.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t>, Receivable> receivables;
  {
    SQLite::Statement query(scope.impl.database,
                            "SELECT IFNULL(p.pledge_id, 0), IFNULL(p.donor_id, 0), p.currency_id, "
                            "CASE WHEN p.kind = 3 THEN 'recognition' ELSE IFNULL(o.type, e.type) END, "
                            "SUM(p.amount_minor), SUM(p.functional_minor), MAX(p.date) "
                            "FROM postings p JOIN events e ON e.seq = p.seq "
                            "LEFT JOIN reversals r ON r.reversal_seq = p.seq LEFT JOIN events o ON o.seq = r.reversed_seq "
                            "WHERE p.account_id = ? AND p.date <= ? AND p.fund_id IN " + scope.fund_list_sql +
                                " GROUP BY 1, 2, 3, 4");
    query.bind(1, scope.account("1200"));
    query.bind(2, last_day);
    while (query.executeStep()) {
      Receivable& receivable = receivables[{query.getColumn(0).getInt64(), query.getColumn(1).getInt64(),
                                            query.getColumn(2).getInt64()}];
      const std::string kind = query.getColumn(3).getString();
      const std::int64_t amount = query.getColumn(4).getInt64();
      receivable.amount_minor += amount;
      receivable.usd_minor += query.getColumn(5).getInt64();
      receivable.latest_day = std::max(receivable.latest_day, query.getColumn(6).getInt());
      if (kind == "receipt" || kind == "apply") receivable.received_minor -= amount;
      if (kind == "reduction" || kind == "write_off") receivable.reduced_minor -= amount;
    }
  }

  // The instalments recognized by the last day: at signing (the pledge event recognized them), or
  // by a close, whose recognition is dated the instalment's due date.
  std::map<std::int64_t, PledgeSchedule> schedules;
  {
    SQLite::Statement query(scope.impl.database,
                            "SELECT i.pledge_id, g.currency_id, i.due, i.amount_minor FROM instalments i "
                            "JOIN pledges g ON g.id = i.pledge_id WHERE g.fund_id IN " + scope.fund_list_sql +
                                " AND g.signed <= ?1 AND i.recognized != 0 AND (i.recognized = g.seq OR i.due <= ?1) "
                                "ORDER BY i.pledge_id, i.due, i.line");
    query.bind(1, last_day);
    while (query.executeStep()) {
      PledgeSchedule& schedule = schedules[query.getColumn(0).getInt64()];
      schedule.currency_id = query.getColumn(1).getInt64();
      schedule.instalments.push_back({query.getColumn(2).getInt(), query.getColumn(3).getInt64()});
    }
  }

  // Per donor (0 for receivables that name none, which only a generic journal entry can make).
  std::map<std::int64_t, Buckets> by_donor;
  std::map<std::int64_t, std::int64_t> allowance_by_donor;
  const std::vector<Instalment> no_schedule;
  for (const auto& [key, receivable] : receivables) {
    const auto& [pledge_id, donor_id, currency_id] = key;
    if (receivable.amount_minor == 0 && receivable.usd_minor == 0) continue;
    // A schedule dates only an amount in its own pledge's currency.
    const auto found = schedules.find(pledge_id);
    const bool scheduled = pledge_id != 0 && found != schedules.end() && found->second.currency_id == currency_id;
    const auto [currency_amounts, latest] =
        spread(receivable, scheduled ? found->second.instalments : no_schedule, scope.to);
    const Buckets parts = split_usd(receivable.usd_minor, currency_amounts, latest);
    Buckets& donor = by_donor[donor_id];
    for (std::size_t i = 0; i < bucket_count; ++i) donor[i] += parts[i];
  }
  {
    SQLite::Statement query(scope.impl.database,
                            "SELECT IFNULL(donor_id, 0), SUM(functional_minor) FROM postings "
                            "WHERE account_id = ? AND date <= ? AND fund_id IN " + scope.fund_list_sql + " GROUP BY 1");
    query.bind(1, scope.account("1290"));
    query.bind(2, last_day);
    while (query.executeStep()) {
      // The allowance is a credit balance, shown as the positive amount it takes off.
      allowance_by_donor[query.getColumn(0).getInt64()] -= query.getColumn(1).getInt64();
      by_donor[query.getColumn(0).getInt64()];  // a donor with an allowance gets a row
    }
  }

  const auto& state = scope.impl.state;
  std::vector<std::int64_t> donors;
  for (const auto& [donor_id, buckets] : by_donor) donors.push_back(donor_id);
  // By donor code; the receivables of no donor last.
  std::sort(donors.begin(), donors.end(), [&state](std::int64_t a, std::int64_t b) {
    if (!a || !b) return b == 0 && a != 0;
    return state.donors.by_id(a).code < state.donors.by_id(b).code;
  });
  auto figure_cells = [](const Buckets& buckets, std::int64_t allowance) {
    std::int64_t total = 0;
    std::vector<ReportCell> cells;
    for (std::int64_t amount : buckets) {
      cells.push_back(usd(amount));
      total += amount;
    }
    cells.push_back(usd(total));
    cells.push_back(usd(allowance));
    cells.push_back(usd(total - allowance));
    return cells;
  };
  Buckets total_buckets{};
  std::int64_t total_allowance = 0;
  for (const std::int64_t donor_id : donors) {
    const Buckets& buckets = by_donor[donor_id];
    const std::int64_t allowance = allowance_by_donor[donor_id];
    if (allowance == 0 && std::all_of(buckets.begin(), buckets.end(), [](std::int64_t a) { return a == 0; })) continue;
    ReportRow row{RowKind::line,
                  {donor_id ? state.donors.by_id(donor_id).code : std::string(),
                   donor_id ? state.donors.by_id(donor_id).event.name : std::string("(no donor)")}};
    for (ReportCell& cell : figure_cells(buckets, allowance)) row.cells.push_back(std::move(cell));
    report.rows.push_back(std::move(row));
    for (std::size_t i = 0; i < bucket_count; ++i) total_buckets[i] += buckets[i];
    total_allowance += allowance;
  }
  ReportRow total{RowKind::total, {std::string("Total"), std::monostate{}}};
  for (ReportCell& cell : figure_cells(total_buckets, total_allowance)) total.cells.push_back(std::move(cell));
  report.rows.push_back(std::move(total));
  return report;
}

}  // namespace fundledger::reports
