// The shared pieces of the reports: scope, balances and movements by account and fund.
#include "reports/support.hpp"

#include "core/chart.hpp"
#include "core/master.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>


#include <algorithm>
#include <functional>
#include <tuple>
#include <limits>

namespace fundledger::reports {

std::int64_t Scope::account(std::string_view code) const {
  const auto* record = master.accounts.find(code);
  return record ? record->id : -1;
}

namespace {

// The same day a year earlier; the last day of a month is the last day of the same month (28
// February 2025 is 29 February 2024).
Date year_earlier(Date day) {
  const int year = day.year() - 1;
  const Period month = Period::parse(std::to_string(year) + "-" + (day.month() < 10 ? "0" : "") + std::to_string(day.month()));
  const int last = month.last_day().day();
  const bool month_end = day.add_days(1).day() == 1;
  return Date::from_ymd(year, day.month(), month_end ? last : std::min(day.day(), last));
}

void set_prior(Scope& scope, const ReportScope& request) {
  scope.prior_from = year_earlier(scope.from);
  scope.prior_to = year_earlier(scope.to);
  if (request.period) {
    const std::string text = request.period->to_string();
    scope.prior_label = std::to_string(std::stoi(text.substr(0, 4)) - 1) + text.substr(4);
    scope.prior_to = Period::parse(scope.prior_label).last_day();
  } else {
    scope.prior_label = scope.prior_from.to_string() + " to " + scope.prior_to.to_string();
  }
}

}  // namespace

Scope resolve(store::ReadTxn& txn, const detail::MasterState& master, const ReportScope& request) {
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
    } else if (const auto closed = txn.last_closed()) {
      to = closed->last_day();
    } else {
      const auto latest = txn.last_posting_day();
      to = latest ? Date::from_day_number(*latest) : Date::from_ymd(1970, 1, 1);
    }
    from = Date::from_ymd(to.year(), 1, 1);  // the fiscal year to date
  }
  Scope scope{txn, master, from, to, request.fund, {}, {}, from, to, {}, txn.first_posting_day()};
  set_prior(scope, request);
  const auto& funds = master.funds;
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
  for (std::int64_t id : scope.fund_ids) scope.fund_codes.push_back(funds.by_id(id).code);
  return scope;
}

namespace {

bool is_month_end(Date day) { return day.add_days(1).day() == 1; }

void add_sums(const std::vector<store::AccountFundSums>& rows, std::map<AccountFund, Movement>& result) {
  for (const store::AccountFundSums& row : rows) {
    auto& movement = result[{row.account_id, row.fund_id}];
    movement.debit += row.debit;
    movement.credit += row.credit;
  }
}

// Debits and credits by account and fund from the monthly table, for months first..last.
void add_monthly(const Scope& scope, std::int64_t first, std::int64_t last, std::map<AccountFund, Movement>& result) {
  if (first > last) return;
  add_sums(scope.txn.monthly_sums(first, last, scope.fund_ids), result);
}

// Debits and credits by account and fund of the postings dated from..to (through the date index);
// with only_year_end, just the year-end closing postings.
void add_postings(const Scope& scope, Date from, Date to, bool only_year_end, std::map<AccountFund, Movement>& result) {
  if (to < from) return;
  add_sums(scope.txn.dated_sums(from.day_number(), to.day_number(), scope.fund_ids, only_year_end), result);
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
  const auto& first_day = scope.first_posting_day;
  if (!first_day) return result;
  const Date first = Date::from_day_number(*first_day);
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

std::vector<store::MovementSums> flows(const Scope& scope, const std::vector<std::string_view>& accounts,
                                       std::optional<Date> from, Date through, store::MovementQuery query) {
  query.accounts.clear();
  for (std::string_view code : accounts) {
    if (const std::int64_t id = scope.account(code); id >= 0) query.accounts.push_back(id);
  }
  if (!accounts.empty() && query.accounts.empty()) return {};
  query.funds = scope.fund_ids;
  if (from) query.from = from->day_number();
  query.through = through.day_number();
  return scope.txn.movements(query);
}

std::vector<store::MovementSums> open_flows(const Scope& scope, const std::vector<std::string_view>& accounts,
                                            Date through, store::MovementQuery query) {
  query.accounts.clear();
  for (std::string_view code : accounts) {
    if (const std::int64_t id = scope.account(code); id >= 0) query.accounts.push_back(id);
  }
  if (!accounts.empty() && query.accounts.empty()) return {};
  query.funds = scope.fund_ids;
  query.from.reset();
  query.through = through.day_number();
  return scope.txn.open_movements(query);
}

namespace {

// What the figures rest on, as of the report's last day.
std::vector<std::pair<std::string, std::string>> basis_of(const Scope& scope) {
  std::vector<std::pair<std::string, std::string>> basis;
  for (const char* key : {"recognition", "rounding", "psc_rate", "psc_fund", "year_end"}) {
    std::string value = detail::setting_on(scope.master, key, scope.to);
    if (std::string_view(key) == "year_end" && value.empty()) value = "by-currency";
    if (!value.empty()) basis.emplace_back(key, value);
  }
  for (const auto& currency : scope.master.currencies.all()) {
    const detail::RateEntry* latest = nullptr;
    for (const detail::RateEntry& rate : currency.rates) {
      if (rate.day <= scope.to.day_number()) latest = &rate;
    }
    if (latest) {
      basis.emplace_back("rate:" + currency.code,
                         latest->per_usd.to_string() + " from " + Date::from_day_number(latest->day).to_string());
    }
  }
  return basis;
}

}  // namespace

Report start_report(const Scope& scope, std::string name, std::string title) {
  Report report;
  report.name = std::move(name);
  report.title = std::move(title);
  report.from = scope.from;
  report.to = scope.to;
  report.fund = scope.fund;
  report.funds = scope.fund_codes;
  report.basis = basis_of(scope);
  return report;
}

}  // namespace fundledger::reports

namespace fundledger::reports {

namespace {

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

using Groups = std::vector<std::int64_t>;
using GroupOf = std::function<std::size_t(Date due)>;

// The currency amounts of one pledge's receivable per group, and the group of its latest
// instalment (where R_u goes whole when there is no currency amount to weigh it by).
std::pair<Groups, std::size_t> spread(const Receivable& receivable, const std::vector<Instalment>& schedule,
                                      std::size_t groups, const GroupOf& group_of) {
  Groups buckets(groups, 0);
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
  const std::size_t latest = schedule.empty() ? group_of(Date::from_day_number(receivable.latest_day))
                                              : group_of(Date::from_day_number(schedule.back().due));
  for (std::size_t i = 0; i < left.size(); ++i) buckets[group_of(Date::from_day_number(schedule[i].due))] += left[i];
  // More than the schedule leaves (or less than nothing): the latest bucket takes the difference.
  buckets[latest] += difference;
  return {buckets, latest};
}

// R_u over the groups in proportion to their currency amounts, summing exactly to R_u.
Groups split_usd(std::int64_t usd_minor, const Groups& currency_amounts, std::size_t latest) {
  Groups result(currency_amounts.size(), 0);
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
  for (std::size_t i = 0; i < result.size(); ++i) result[i] = parts[i].to_minor_units(2);
  return result;
}

}  // namespace

std::vector<ReceivableGroups> receivable_by_group(const Scope& scope, Date as_of, std::size_t groups,
                                                  const std::function<std::size_t(Date due)>& group_of) {
  const std::int32_t last_day = as_of.day_number();
  // The receivables by (pledge, donor, currency, fund), with what receipts and reductions took from
  // them. A reversal counts as the kind of event it reverses, so that a reversed receipt pays
  // nothing.
  std::map<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>, Receivable> receivables;
  store::MovementQuery query;
  query.by_pledge = query.by_donor = query.by_currency = query.by_kind = true;
  for (const store::MovementSums& row : open_flows(scope, {detail::account::receivable}, as_of, query)) {
    Receivable& receivable = receivables[{row.pledge_id, row.donor_id, row.currency_id, row.fund_id}];
    receivable.amount_minor += amount_of(row);
    receivable.usd_minor += usd_of(row);
    if (row.kind == detail::MovementKind::receipt || row.kind == detail::MovementKind::apply) {
      receivable.received_minor -= amount_of(row);
    }
    if (row.kind == detail::MovementKind::reduction || row.kind == detail::MovementKind::write_off) {
      receivable.reduced_minor -= amount_of(row);
    }
  }

  // The instalments recognized by the last day: at signing (the pledge event recognized them), or
  // by a close, whose recognition is dated the instalment's due date.
  std::vector<std::int64_t> pledges;
  for (const auto& [key, receivable] : receivables) {
    if (std::get<0>(key) != 0 && (pledges.empty() || pledges.back() != std::get<0>(key))) pledges.push_back(std::get<0>(key));
  }
  std::map<std::int64_t, PledgeSchedule> schedules;
  for (const store::RecognizedInstalment& row : scope.txn.recognized_instalments(last_day, scope.fund_ids, pledges)) {
    PledgeSchedule& schedule = schedules[row.pledge_id];
    schedule.currency_id = row.currency_id;
    schedule.instalments.push_back({row.due, row.amount_minor});
  }

  std::vector<ReceivableGroups> result;
  const std::vector<Instalment> no_schedule;
  const std::int64_t receivable_account = scope.account(detail::account::receivable);
  for (auto& [key, receivable] : receivables) {
    const auto& [pledge_id, donor_id, currency_id, fund_id] = key;
    if (receivable.amount_minor == 0 && receivable.usd_minor == 0) continue;
    // A schedule dates only an amount in its own pledge's currency.
    const auto found = schedules.find(pledge_id);
    const bool scheduled = pledge_id != 0 && found != schedules.end() && found->second.currency_id == currency_id;
    if (!scheduled) {
      // Dated by its latest posting.
      receivable.latest_day = scope.txn.latest_posting_day(receivable_account, fund_id, donor_id, pledge_id, currency_id,
                                                           last_day)
                                  .value_or(last_day);
    }
    const auto [currency_amounts, latest] =
        spread(receivable, scheduled ? found->second.instalments : no_schedule, groups, group_of);
    result.push_back({fund_id, donor_id, split_usd(receivable.usd_minor, currency_amounts, latest)});
  }
  return result;
}

}  // namespace fundledger::reports
