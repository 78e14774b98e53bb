// Aging of contributions receivable: per donor, what is receivable (1200) on the report's last day,
// split by how long ago it fell due (not yet due, then whole years overdue: 0-1, 1-2, 2-3, 3-4 and
// over 4, counted by calendar: an instalment due 2023-06-30 is 0-1 from 2023-07-01 up to 2024-06-29
// and 1-2 from 2024-06-30; overdue means due before the last day, so one due on the last day itself
// is not yet due), the allowance for doubtful receivables held against it (1290) and the net. Amounts are
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

#include "core/chart.hpp"
#include "core/master.hpp"

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
// the whole years that have passed since (capped at over 4 years). Due on the day itself is not
// yet overdue.
std::size_t bucket_of(Date due, Date as_of) {
  if (due >= as_of) return 0;
  std::size_t bucket = 1;
  while (bucket < bucket_count - 1 && due.year() + static_cast<int>(bucket) <= as_of.year() &&
         years_after(due, static_cast<int>(bucket)) <= as_of) {
    ++bucket;
  }
  return bucket;
}

using Buckets = std::array<std::int64_t, bucket_count>;

}  // namespace

Report aging(const Scope& scope) {
  Report report = start_report(scope, "aging", "Aging of contributions receivable");
  report.columns = {{"donor", "Donor", false},          {"donor_name", "Name", false},
                    {"not_due", "Not yet due", true},   {"overdue_0_1", "0-1 year", true},
                    {"overdue_1_2", "1-2 years", true}, {"overdue_2_3", "2-3 years", true},
                    {"overdue_3_4", "3-4 years", true}, {"overdue_4_plus", "Over 4 years", true},
                    {"total", "Total", true},           {"allowance", "Allowance", true},
                    {"net", "Net", true}};

  // Per donor (0 for receivables that name none, which only a generic journal entry can make).
  std::map<std::int64_t, Buckets> by_donor;
  std::map<std::int64_t, std::int64_t> allowance_by_donor;
  for (const ReceivableGroups& receivable :
       receivable_by_group(scope, scope.to, bucket_count, [&scope](Date due) { return bucket_of(due, scope.to); })) {
    Buckets& donor = by_donor[receivable.donor_id];
    for (std::size_t i = 0; i < bucket_count; ++i) donor[i] += receivable.usd_by_group[i];
  }
  store::MovementQuery by_donor_query;
  by_donor_query.by_donor = true;
  for (const store::MovementSums& row :
       open_flows(scope, {detail::account::allowance}, scope.to, by_donor_query)) {
    // The allowance is a credit balance, shown as the positive amount it takes off.
    allowance_by_donor[row.donor_id] -= usd_of(row);
    by_donor[row.donor_id];  // a donor with an allowance gets a row
  }

  const auto& state = scope.master;
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
    const std::string code = donor_id ? state.donors.by_id(donor_id).code : std::string();
    ReportRow row{RowKind::line,
                  {code, donor_id ? detail::name_on(state.donors.by_id(donor_id), scope.to) : std::string("(no donor)")},
                  "donor:" + code};
    for (ReportCell& cell : figure_cells(buckets, allowance)) row.cells.push_back(std::move(cell));
    report.rows.push_back(std::move(row));
    for (std::size_t i = 0; i < bucket_count; ++i) total_buckets[i] += buckets[i];
    total_allowance += allowance;
  }
  ReportRow total{RowKind::total, {std::string("Total"), std::monostate{}}, "total"};
  for (ReportCell& cell : figure_cells(total_buckets, total_allowance)) total.cells.push_back(std::move(cell));
  report.rows.push_back(std::move(total));
  return report;
}

}  // namespace fundledger::reports
