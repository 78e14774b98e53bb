// The SQL store: what the reports read beyond the balances (the movements table, budgets,
// advances to partners).
#include "store/sql_txn.hpp"

#include <algorithm>
#include <limits>

namespace fundledger::store {

namespace {

bool is_month_end(Date day) { return day.add_days(1).day() == 1; }

// "col, " or "0, " for each optional dimension, in the order of MovementSums.
std::string dimension_columns(const MovementQuery& query, bool from_postings) {
  auto column = [from_postings](bool wanted, const char* name) {
    if (!wanted) return std::string("0, ");
    return from_postings ? "COALESCE(p." + std::string(name) + ", 0), " : std::string(name) + ", ";
  };
  std::string out = from_postings ? "p.account_id, p.fund_id, " : "account_id, fund_id, ";
  out += column(query.by_donor, "donor_id") + column(query.by_project, "project_id") + column(query.by_pledge, "pledge_id");
  out += query.by_currency ? (from_postings ? "p.currency_id, " : "currency_id, ") : "0, ";
  out += query.by_kind ? (from_postings ? movement_kind_sql() + ", " : "kind, ") : "0, ";
  return out;
}

}  // namespace

const std::string& movement_kind_sql() {
  static const std::string sql = [] {
    const auto number = [](auto value) { return std::to_string(static_cast<int>(value)); };
    std::string out = "(CASE";
    for (const detail::PostingMovementKind& row : detail::posting_movement_kinds) {
      out += " WHEN p.kind = " + number(row.posting) + " THEN " + number(row.kind);
    }
    out += " ELSE (CASE COALESCE(o.type, e.type)";
    for (const detail::EventMovementKind& row : detail::event_movement_kinds) {
      out += " WHEN '" + std::string(row.type) + "' THEN " + number(row.kind);
    }
    // An expense by its category, as its canonical body writes it.
    out += " WHEN 'expense' THEN (CASE WHEN COALESCE(o.body, e.body) LIKE '%\"category\":\"grant\"%' THEN " +
           number(detail::MovementKind::expense_grant) + " ELSE " + number(detail::MovementKind::expense_programme) +
           " END) ELSE " + number(detail::MovementKind::other) + " END) END)";
    return out;
  }();
  return sql;
}

void SqlTxn::add_movement_rows(const MovementQuery& query, bool from_postings, std::int64_t first, std::int64_t last,
                               MovementTotals& result) {
  if (first > last) return;
  // The tables of sums are read row by row where grouping would sort them whole; the days of a
  // part of a month are few enough to group.
  const bool grouped = from_postings || !connection_.groups_by_sorting();
  std::string sql = "SELECT " + dimension_columns(query, from_postings);
  if (from_postings) {
    sql += "SUM(CASE WHEN p.amount_minor > 0 THEN p.amount_minor ELSE 0 END), "
           "SUM(CASE WHEN p.amount_minor < 0 THEN -p.amount_minor ELSE 0 END), "
           "SUM(CASE WHEN p.functional_minor > 0 THEN p.functional_minor ELSE 0 END), "
           "SUM(CASE WHEN p.functional_minor < 0 THEN -p.functional_minor ELSE 0 END)";
    sql += query.by_kind ? std::string(events_with_reversed) : std::string(" FROM postings p ");
    sql += "WHERE p.date >= ? AND p.date <= ?";
  } else {
    // By account, fund and kind alone, the smaller table of the two serves.
    const bool coarse = !query.by_donor && !query.by_project && !query.by_pledge && !query.by_currency;
    sql += grouped ? "SUM(debit_minor), SUM(credit_minor), SUM(functional_debit_minor), SUM(functional_credit_minor) FROM "
                   : "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor FROM ";
    sql += coarse ? "monthly_kinds" : "movements";
    sql += " WHERE month >= ? AND month <= ?";
  }
  const std::string prefix = from_postings ? "p." : "";
  if (!query.accounts.empty()) sql += " AND " + prefix + "account_id IN " + placeholders(query.accounts.size());
  if (!query.funds.empty()) sql += " AND " + prefix + "fund_id IN " + placeholders(query.funds.size());
  if (grouped) sql += " GROUP BY 1, 2, 3, 4, 5, 6, 7";
  auto statement = connection_.prepare_once(sql);
  statement->bind(1, first);
  statement->bind(2, last);
  bind_all(*statement, 3, query.accounts);
  bind_all(*statement, 3 + static_cast<int>(query.accounts.size()), query.funds);
  while (statement->step()) {
    std::array<std::int64_t, 7> key{};
    for (int i = 0; i < 7; ++i) key[static_cast<std::size_t>(i)] = statement->integer(i);
    BalanceSums& sums = result[key];
    sums = detail::plus(sums, {statement->integer(7), statement->integer(8), statement->integer(9), statement->integer(10)});
  }
}

void SqlTxn::add_movements(const MovementQuery& query, MovementTotals& result) {
  const Date last = Date::from_day_number(query.through);
  std::int64_t first_month = std::numeric_limits<std::int32_t>::min();
  std::int64_t last_month = detail::month_index(last);
  if (query.from) {
    const Date first = Date::from_day_number(*query.from);
    if (last < first) return;
    first_month = detail::month_index(first);
    if (first_month == last_month && (first.day() != 1 || !is_month_end(last))) {
      add_movement_rows(query, true, first.day_number(), last.day_number(), result);
      first_month = last_month + 1;
    } else if (first.day() != 1) {
      add_movement_rows(query, true, first.day_number(), Period::month_of(first).last_day().day_number(), result);
      ++first_month;
    }
  }
  if (first_month <= last_month && !is_month_end(last)) {
    add_movement_rows(query, true, Period::month_of(last).first_day().day_number(), last.day_number(), result);
    --last_month;
  }
  add_movement_rows(query, false, first_month, last_month, result);
}

std::vector<MovementSums> SqlTxn::movements(const MovementQuery& query) {
  MovementTotals result;
  add_movements(query, result);
  return sorted_sums(result);
}

std::vector<MovementSums> SqlTxn::sorted_sums(const MovementTotals& result) {
  std::vector<std::pair<std::array<std::int64_t, 7>, BalanceSums>> sorted(result.begin(), result.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<MovementSums> rows;
  rows.reserve(sorted.size());
  for (const auto& [key, sums] : sorted) {
    rows.push_back({key[0], key[1], key[2], key[3], key[4], key[5], static_cast<detail::MovementKind>(key[6]), sums});
  }
  return rows;
}

namespace {

Position net_of(const BalanceSums& sums) {
  Position net;
  if (__builtin_sub_overflow(sums.debit, sums.credit, &net.amount_minor) ||
      __builtin_sub_overflow(sums.functional_debit, sums.functional_credit, &net.functional_minor)) {
    throw Error(ErrorCode::overflow, "a balance would exceed the range of a stored amount");
  }
  return net;
}

// position += sign * the net of sums.
void add_net(Position& position, const BalanceSums& sums, int sign) {
  const Position moved = net_of(sums);
  if (sign > 0 ? __builtin_add_overflow(position.amount_minor, moved.amount_minor, &position.amount_minor) ||
                     __builtin_add_overflow(position.functional_minor, moved.functional_minor, &position.functional_minor)
               : __builtin_sub_overflow(position.amount_minor, moved.amount_minor, &position.amount_minor) ||
                     __builtin_sub_overflow(position.functional_minor, moved.functional_minor, &position.functional_minor)) {
    throw Error(ErrorCode::overflow, "a balance would exceed the range of a stored amount");
  }
}

bool is_nothing(const Position& position) { return position.amount_minor == 0 && position.functional_minor == 0; }

// The group of a full key: account, fund, donor, pledge, currency, and the project if the query
// asks for it (else 0), as movement_totals is keyed.
BalanceKeyIds group_of(const MovementQuery& query, const std::array<std::int64_t, 7>& key) {
  return {key[0], key[1], key[2], key[4], key[5], query.by_project ? key[3] : 0};
}

}  // namespace

SqlTxn::GroupNets SqlTxn::group_nets(const MovementQuery& query, const MovementTotals& later) {
  GroupNets nets;
  std::string sql =
      "SELECT account_id, fund_id, donor_id, project_id, pledge_id, currency_id, debit_minor, credit_minor, "
      "functional_debit_minor, functional_credit_minor FROM balances WHERE (debit_minor != credit_minor OR "
      "functional_debit_minor != functional_credit_minor)";
  if (!query.accounts.empty()) sql += " AND account_id IN " + placeholders(query.accounts.size());
  if (!query.funds.empty()) sql += " AND fund_id IN " + placeholders(query.funds.size());
  auto balances = connection_.prepare_once(sql);
  bind_all(*balances, 1, query.accounts);
  bind_all(*balances, 1 + static_cast<int>(query.accounts.size()), query.funds);
  while (balances->step()) {
    std::array<std::int64_t, 7> key{};
    for (int i = 0; i < 6; ++i) key[static_cast<std::size_t>(i)] = balances->integer(i);
    add_net(nets[group_of(query, key)], {balances->integer(6), balances->integer(7), balances->integer(8), balances->integer(9)}, 1);
  }
  for (const auto& [key, sums] : later) add_net(nets[group_of(query, key)], sums, -1);
  return nets;
}

std::vector<MovementSums> SqlTxn::open_movements(const MovementQuery& query) {
  // What moved after the day, by full key and kind.
  MovementTotals later;
  if (const auto last = last_posting_day(); last && *last > query.through) {
    MovementQuery after = query;
    after.from = query.through + 1;
    after.through = *last;
    after.by_donor = after.by_project = after.by_pledge = after.by_currency = after.by_kind = true;
    add_movements(after, later);
  }
  GroupNets nets = group_nets(query, later);
  // The movements of the groups with something on the day: their totals less what moved after.
  MovementTotals result;
  const auto row_of = [&query](const BalanceKeyIds& group, std::int64_t project, std::int64_t kind) {
    return std::array<std::int64_t, 7>{group[0], group[1], query.by_donor ? group[2] : 0, query.by_project ? project : 0,
                                       query.by_pledge ? group[3] : 0, query.by_currency ? group[4] : 0,
                                       query.by_kind ? kind : 0};
  };
  Statement& totals = prepare(
      "SELECT project_id, kind, debit_minor, credit_minor, functional_debit_minor, functional_credit_minor "
      "FROM movement_totals WHERE account_id = ? AND fund_id = ? AND donor_id = ? AND pledge_id = ? "
      "AND currency_id = ?");
  for (const auto& [group, position] : nets) {
    if (is_nothing(position)) continue;
    for (int i = 0; i < 5; ++i) totals.bind(i + 1, group[static_cast<std::size_t>(i)]);
    while (totals.step()) {
      if (query.by_project && totals.integer(0) != group[5]) continue;
      BalanceSums& sums = result[row_of(group, totals.integer(0), totals.integer(1))];
      sums = detail::plus(sums, {totals.integer(2), totals.integer(3), totals.integer(4), totals.integer(5)});
    }
    totals.reset();
  }
  for (const auto& [key, sums] : later) {
    const BalanceKeyIds group = group_of(query, key);
    if (is_nothing(nets[group])) continue;
    const auto row = row_of(group, key[3], key[6]);
    BalanceSums& kept = result[row];
    kept = detail::plus(kept, {-sums.debit, -sums.credit, -sums.functional_debit, -sums.functional_credit});
    // A kind that moved only after the day.
    if (kept.debit == 0 && kept.credit == 0 && kept.functional_debit == 0 && kept.functional_credit == 0) result.erase(row);
  }
  return sorted_sums(result);
}

std::optional<std::int32_t> SqlTxn::latest_posting_day(std::int64_t account, std::int64_t fund, std::int64_t donor,
                                                       std::int64_t pledge, std::int64_t currency, std::int32_t through) {
  Statement& query = prepare(
      "SELECT MAX(date) FROM postings WHERE account_id = ? AND fund_id = ? AND COALESCE(donor_id, 0) = ? "
      "AND COALESCE(pledge_id, 0) = ? AND currency_id = ? AND date <= ?");
  query.bind(1, account);
  query.bind(2, fund);
  query.bind(3, donor);
  query.bind(4, pledge);
  query.bind(5, currency);
  query.bind(6, through);
  std::optional<std::int32_t> day;
  if (query.step() && !query.is_null(0)) day = static_cast<std::int32_t>(query.integer(0));
  query.reset();
  return day;
}

std::vector<DonorFundSums> SqlTxn::settlement_exchange(std::int64_t exchange_account,
                                                       const std::vector<std::int64_t>& held_accounts, std::int32_t from,
                                                       std::int32_t through, const std::vector<std::int64_t>& funds) {
  // The donor and currency of the event's receivable or money held in the same fund.
  const std::string held = "FROM postings q WHERE q.seq = p.seq AND q.fund_id = p.fund_id AND q.donor_id IS NOT NULL "
                           "AND q.account_id IN " + placeholders(held_accounts.size());
  auto query = connection_.prepare_once(
      "SELECT COALESCE((SELECT MAX(q.donor_id) " + held + "), 0), p.fund_id, COALESCE((SELECT MIN(q.currency_id) " + held +
      "), p.currency_id), SUM(p.functional_minor)" + std::string(events_with_reversed) +
      "WHERE p.account_id = ? AND p.date >= ? AND p.date <= ? AND " + kind_of_posting + " IN ('receipt', 'apply') "
      "AND p.fund_id IN " + placeholders(funds.size()) + " GROUP BY 1, 2, 3");
  int next = 1;
  bind_all(*query, next, held_accounts);
  next += static_cast<int>(held_accounts.size());
  bind_all(*query, next, held_accounts);
  next += static_cast<int>(held_accounts.size());
  query->bind(next++, exchange_account);
  query->bind(next++, from);
  query->bind(next++, through);
  bind_all(*query, next, funds);
  std::vector<DonorFundSums> rows;
  while (query->step()) rows.push_back({query->integer(0), query->integer(1), query->integer(2), query->integer(3)});
  return rows;
}

std::vector<DatedSums> SqlTxn::dated_sums_of_type(std::int64_t account, std::string_view type, std::int32_t from,
                                                  std::int32_t through, const std::vector<std::int64_t>& funds) {
  auto query = connection_.prepare_once(
      "SELECT p.fund_id, p.currency_id, p.date, SUM(p.amount_minor), SUM(p.functional_minor)" +
      std::string(events_with_reversed) + "WHERE p.account_id = ? AND p.date >= ? AND p.date <= ? AND " +
      kind_of_event + " = ? AND p.fund_id IN " + placeholders(funds.size()) + " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
  query->bind(1, account);
  query->bind(2, from);
  query->bind(3, through);
  query->bind(4, type);
  bind_all(*query, 5, funds);
  std::vector<DatedSums> rows;
  while (query->step()) {
    rows.push_back({query->integer(0), query->integer(1), static_cast<std::int32_t>(query->integer(2)), query->integer(3),
                    query->integer(4)});
  }
  return rows;
}

std::vector<detail::BudgetRow> SqlTxn::budgets(const std::vector<std::int64_t>& funds) {
  auto query = connection_.prepare_once(
      "SELECT seq, fund_id, project_id, category, year, amount_minor FROM budgets WHERE fund_id IN " +
      placeholders(funds.size()) + " ORDER BY seq");
  bind_all(*query, 1, funds);
  std::vector<detail::BudgetRow> rows;
  while (query->step()) {
    rows.push_back({query->integer(0), query->integer(1), query->integer(2), query->text(3),
                    static_cast<int>(query->integer(4)), query->integer(5)});
  }
  return rows;
}

std::vector<AdvanceRow> SqlTxn::advances(std::int64_t account, std::int32_t day, const std::vector<std::int64_t>& funds) {
  auto query = connection_.prepare_once(
      "SELECT h.seq, e.date, e.event_id FROM holdings h JOIN events e ON e.seq = h.seq WHERE h.account_id = ? "
      "AND e.date <= ? AND h.fund_id IN " + placeholders(funds.size()) + " ORDER BY h.seq");
  query->bind(1, account);
  query->bind(2, day);
  bind_all(*query, 3, funds);
  std::vector<AdvanceRow> rows;
  while (query->step()) {
    AdvanceRow row;
    row.day = static_cast<std::int32_t>(query->integer(1));
    row.event_id = query->text(2);
    if (auto held = holding(query->integer(0), day)) {
      row.holding = *held;
      rows.push_back(std::move(row));
    }
  }
  // What the partner reported, by the moves of its reports (a reversed report gives it back), and
  // whether a reversal of the advance itself came by the day.
  Statement& reported = prepare(std::string("SELECT COALESCE(SUM(-m.amount_minor), 0) FROM holding_moves m JOIN events e ON "
                                            "e.seq = m.event_seq LEFT JOIN reversals r ON r.reversal_seq = m.event_seq "
                                            "LEFT JOIN events o ON o.seq = r.reversed_seq WHERE m.holding_seq = ? AND "
                                            "m.day <= ? AND ") + kind_of_event + " = 'partner_report'");
  Statement& reversal = prepare(
      "SELECT e.date FROM reversals r JOIN events e ON e.seq = r.reversal_seq WHERE r.reversed_seq = ?");
  for (AdvanceRow& row : rows) {
    reported.bind(1, row.holding.seq);
    reported.bind(2, day);
    if (reported.step()) row.reported_minor = reported.integer(0);
    reported.reset();
    reversal.bind(1, row.holding.seq);
    if (reversal.step()) row.reversed = reversal.integer(0) <= day;
    reversal.reset();
  }
  return rows;
}

}  // namespace fundledger::store
