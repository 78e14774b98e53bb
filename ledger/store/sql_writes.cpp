// The SQL store: appending events and postings, the balance tables, and the projections.
#include "store/sql_txn.hpp"

#include <algorithm>
#include <string>

namespace fundledger::store {

void SqlTxn::append(const EventRow& event, const std::vector<StoredPosting>& postings) {
  Statement& insert_event = prepare(
      "INSERT INTO events (seq, event_id, type, date, body, recorded_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert_event.bind(1, event.seq);
  if (event.event_id.empty()) {
    insert_event.bind_null(2);
  } else {
    insert_event.bind(2, event.event_id);
  }
  insert_event.bind(3, event.type);
  insert_event.bind_optional(4, event.day);
  insert_event.bind(5, event.body);
  insert_event.bind(6, event.recorded_at);
  insert_event.bind(7, event.prev_hash);
  insert_event.bind(8, event.hash);
  run(insert_event);
  // The postings in statements of up to 8 rows each: one statement (a round trip's share, for a
  // server) for the usual event of two or three postings.
  constexpr std::size_t rows_per_insert = 8;
  constexpr int columns = 12;
  std::int64_t line = 0;
  for (std::size_t first = 0; first < postings.size(); first += rows_per_insert) {
    const std::size_t rows = std::min(rows_per_insert, postings.size() - first);
    std::string sql =
        "INSERT INTO postings (seq, line, date, account_id, fund_id, donor_id, project_id, pledge_id, currency_id, "
        "amount_minor, functional_minor, kind) VALUES ";
    for (std::size_t r = 0; r < rows; ++r) sql += r ? ", (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" : "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    Statement& insert = prepare(sql);
    for (std::size_t r = 0; r < rows; ++r) {
      const StoredPosting& p = postings[first + r];
      const int at = static_cast<int>(r) * columns;
      insert.bind(at + 1, event.seq);
      insert.bind(at + 2, line++);
      insert.bind(at + 3, p.date ? *p.date : event.day.value_or(0));
      insert.bind(at + 4, p.account_id);
      insert.bind(at + 5, p.fund_id);
      insert.bind_id(at + 6, p.donor_id);
      insert.bind_id(at + 7, p.project_id);
      insert.bind_id(at + 8, p.pledge_id);
      insert.bind(at + 9, p.currency_id);
      insert.bind(at + 10, p.amount_minor);
      insert.bind(at + 11, p.functional_minor);
      insert.bind(at + 12, static_cast<std::int64_t>(p.kind));
    }
    run(insert);
  }
}

namespace {

void bind_sums(Statement& statement, int first, const BalanceSums& sums) {
  statement.bind(first, sums.debit);
  statement.bind(first + 1, sums.credit);
  statement.bind(first + 2, sums.functional_debit);
  statement.bind(first + 3, sums.functional_credit);
}

}  // namespace

namespace {

// The movement keys in the order of the table's primary key (account, month, fund, kind, donor,
// project, pledge, currency).
std::vector<std::pair<std::array<std::int64_t, 8>, BalanceSums>> reordered_movements(
    const std::vector<std::pair<detail::MovementKey, BalanceSums>>& rows) {
  std::vector<std::pair<std::array<std::int64_t, 8>, BalanceSums>> out;
  out.reserve(rows.size());
  for (const auto& [k, sums] : rows) out.push_back({{k[0], k[6], k[1], k[7], k[2], k[3], k[4], k[5]}, sums});
  return out;
}

}  // namespace

namespace {

// Adds sums to a table of sums by key: one upsert per key, the key columns then the four sums.
template <std::size_t N>
void upsert_sums(Statement& upsert, const std::vector<std::pair<std::array<std::int64_t, N>, BalanceSums>>& rows) {
  for (const auto& [key, sums] : rows) {
    for (std::size_t i = 0; i < N; ++i) upsert.bind(static_cast<int>(i) + 1, key[i]);
    bind_sums(upsert, static_cast<int>(N) + 1, sums);
    run(upsert);
  }
}

// The movements summed over their months, keyed as movement_totals: account, fund, donor, pledge,
// currency, project, kind.
std::vector<std::pair<std::array<std::int64_t, 7>, BalanceSums>> totals_of(
    const std::vector<std::pair<detail::MovementKey, BalanceSums>>& movements) {
  std::unordered_map<std::array<std::int64_t, 7>, BalanceSums, detail::BalanceKeyHash> totals;
  for (const auto& [key, sums] : movements) {
    BalanceSums& total = totals[{key[0], key[1], key[2], key[4], key[5], key[3], key[7]}];
    total = detail::plus(total, sums);
  }
  std::vector<std::pair<std::array<std::int64_t, 7>, BalanceSums>> rows(totals.begin(), totals.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return rows;
}

// The upsert of a table of sums: "INSERT INTO table (keys..., sums...) VALUES (?...) ON CONFLICT
// (keys) DO UPDATE SET each sum = the stored + the added".
std::string upsert_sql(const std::string& table, const std::string& keys, std::size_t key_count) {
  std::string sql = "INSERT INTO " + table + " (" + keys +
                    ", debit_minor, credit_minor, functional_debit_minor, functional_credit_minor) VALUES (";
  for (std::size_t i = 0; i < key_count + 4; ++i) sql += i ? ", ?" : "?";
  sql += ") ON CONFLICT (" + keys + ") DO UPDATE SET ";
  const char* sums[] = {"debit_minor", "credit_minor", "functional_debit_minor", "functional_credit_minor"};
  for (std::size_t i = 0; i < 4; ++i) {
    sql += std::string(i ? ", " : "") + sums[i] + " = " + table + "." + sums[i] + " + excluded." + sums[i];
  }
  return sql;
}

}  // namespace

void SqlTxn::add_balances(const detail::BalanceDeltas& deltas) {
  upsert_sums(prepare(upsert_sql("balances", "account_id, fund_id, donor_id, project_id, pledge_id, currency_id", 6)),
              deltas.balances);
  upsert_sums(prepare(upsert_sql("monthly_balances", "account_id, fund_id, currency_id, month", 4)), deltas.monthly);
  upsert_sums(prepare(upsert_sql("movements",
                                 "account_id, month, fund_id, kind, donor_id, project_id, pledge_id, currency_id", 8)),
              reordered_movements(deltas.movements));
  upsert_sums(prepare(upsert_sql("monthly_kinds", "account_id, fund_id, month, kind", 4)), deltas.monthly_kinds);
  upsert_sums(prepare(upsert_sql("movement_totals",
                                 "account_id, fund_id, donor_id, pledge_id, currency_id, project_id, kind", 7)),
              totals_of(deltas.movements));
}

void SqlTxn::add_currency(const detail::CurrencyRecord& currency) {
  Statement& insert = prepare("INSERT INTO currencies (id, code, minor_units, declared) VALUES (?, ?, ?, ?)");
  insert.bind(1, currency.id);
  insert.bind(2, currency.code);
  insert.bind(3, currency.minor_units);
  insert.bind(4, currency.declared_seq);
  run(insert);
}

void SqlTxn::declare_currency(std::int64_t id, std::int64_t seq) {
  Statement& update = prepare("UPDATE currencies SET declared = ? WHERE id = ?");
  update.bind(1, seq);
  update.bind(2, id);
  run(update);
}

void SqlTxn::add_account(const detail::AccountRecord& account, std::int64_t seq) {
  Statement& insert = prepare("INSERT INTO accounts (id, code, name, class, seq) VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, account.id);
  insert.bind(2, account.code);
  insert.bind(3, account.event.name);
  insert.bind(4, static_cast<std::int64_t>(account.event.account_class));
  insert.bind(5, seq);
  run(insert);
}

void SqlTxn::add_fund(const detail::FundRecord& fund, std::int64_t parent_id, std::int64_t seq) {
  Statement& insert = prepare("INSERT INTO funds (id, code, name, kind, parent_id, seq) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, fund.id);
  insert.bind(2, fund.code);
  insert.bind(3, fund.event.name);
  insert.bind(4, static_cast<std::int64_t>(fund.event.kind));
  insert.bind_id(5, parent_id);
  insert.bind(6, seq);
  run(insert);
}

void SqlTxn::add_donor(const detail::DonorRecord& donor, std::int64_t seq) {
  Statement& insert = prepare("INSERT INTO donors (id, code, name, category, country, seq) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, donor.id);
  insert.bind(2, donor.code);
  insert.bind(3, donor.event.name);
  insert.bind(4, donor.event.category);
  insert.bind(5, donor.event.country);
  insert.bind(6, seq);
  run(insert);
}

void SqlTxn::add_project(const detail::ProjectRecord& project, std::int64_t seq) {
  Statement& insert = prepare("INSERT INTO projects (id, code, name, fund_id, psc_rate, seq) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, project.id);
  insert.bind(2, project.code);
  insert.bind(3, project.event.name);
  insert.bind(4, project.fund_id);
  if (project.event.psc_rate) {
    insert.bind(5, project.event.psc_rate->to_string());
  } else {
    insert.bind_null(5);
  }
  insert.bind(6, seq);
  run(insert);
}

void SqlTxn::add_rate(std::int64_t currency_id, std::int32_t day, const Decimal& per_usd, std::int64_t seq) {
  Statement& insert = prepare("INSERT INTO rates (currency_id, effective, per_usd, seq) VALUES (?, ?, ?, ?)");
  insert.bind(1, currency_id);
  insert.bind(2, day);
  insert.bind(3, per_usd.to_string());
  insert.bind(4, seq);
  run(insert);
}

void SqlTxn::add_setting(const std::string& key, std::int32_t day, const std::string& value, std::int64_t seq) {
  Statement& insert = prepare("INSERT INTO settings (key, effective, value, seq) VALUES (?, ?, ?, ?)");
  insert.bind(1, key);
  insert.bind(2, day);
  insert.bind(3, value);
  insert.bind(4, seq);
  run(insert);
}

void SqlTxn::add_pledge(const detail::PledgeRecord& pledge, const std::vector<detail::InstalmentRow>& instalments) {
  Statement& insert = prepare(
      "INSERT INTO pledges (id, code, seq, donor_id, fund_id, purpose, currency_id, amount_minor, signed, conditional, "
      "project_id, psc_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, pledge.id);
  insert.bind(2, pledge.code);
  insert.bind(3, pledge.seq);
  insert.bind(4, pledge.donor_id);
  insert.bind(5, pledge.fund_id);
  insert.bind(6, static_cast<std::int64_t>(pledge.purpose));
  insert.bind(7, pledge.currency_id);
  insert.bind(8, pledge.amount_minor);
  insert.bind(9, pledge.signed_on.day_number());
  insert.bind(10, pledge.conditional ? 1 : 0);
  insert.bind_id(11, pledge.project_id);
  if (pledge.psc_rate) {
    insert.bind(12, pledge.psc_rate->to_string());
  } else {
    insert.bind_null(12);
  }
  run(insert);
  Statement& insert_instalment =
      prepare("INSERT INTO instalments (pledge_id, line, due, amount_minor, recognized) VALUES (?, ?, ?, ?, ?)");
  for (const detail::InstalmentRow& instalment : instalments) {
    insert_instalment.bind(1, pledge.id);
    insert_instalment.bind(2, instalment.line);
    insert_instalment.bind(3, instalment.due);
    insert_instalment.bind(4, instalment.amount_minor);
    insert_instalment.bind(5, instalment.recognized_seq);
    run(insert_instalment);
  }
}

void SqlTxn::recognize(std::int64_t pledge_id, const std::vector<std::int64_t>& lines, std::int64_t seq) {
  Statement& update = prepare("UPDATE instalments SET recognized = ? WHERE pledge_id = ? AND line = ?");
  for (std::int64_t line : lines) {
    update.bind(1, seq);
    update.bind(2, pledge_id);
    update.bind(3, line);
    run(update);
  }
}

void SqlTxn::unrecognize(std::int64_t by_seq) {
  Statement& update = prepare("UPDATE instalments SET recognized = 0 WHERE recognized = ?");
  update.bind(1, by_seq);
  run(update);
}

void SqlTxn::set_pledge_reversed(std::int64_t pledge_id) {
  Statement& update = prepare("UPDATE pledges SET reversed = 1 WHERE id = ?");
  update.bind(1, pledge_id);
  run(update);
}

void SqlTxn::add_holding(std::int64_t seq, const StoredPosting& posting, const std::string& partner) {
  Statement& insert = prepare(
      "INSERT INTO holdings (seq, account_id, fund_id, donor_id, pledge_id, currency_id, amount_minor, "
      "functional_minor, partner, project_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, seq);
  insert.bind(2, posting.account_id);
  insert.bind(3, posting.fund_id);
  insert.bind(4, posting.donor_id);
  insert.bind(5, posting.pledge_id);
  insert.bind(6, posting.currency_id);
  // Held amounts are stored positive: what a liability owes, or what a partner owes the fund.
  const std::int64_t sign = posting.amount_minor < 0 ? -1 : 1;
  insert.bind(7, sign * posting.amount_minor);
  insert.bind(8, sign * posting.functional_minor);
  insert.bind(9, partner);
  insert.bind(10, posting.project_id);
  run(insert);
}

void SqlTxn::add_move(std::int64_t event_seq, std::int32_t day, const detail::HoldingMove& move) {
  Statement& insert = prepare(
      "INSERT INTO holding_moves (event_seq, holding_seq, amount_minor, functional_minor, day) VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, event_seq);
  insert.bind(2, move.holding_seq);
  insert.bind(3, move.amount_minor);
  insert.bind(4, move.functional_minor);
  insert.bind(5, move.day.value_or(day));
  run(insert);
}

void SqlTxn::add_cut(std::int64_t event_seq, const detail::InstalmentCut& cut) {
  Statement& insert = prepare("INSERT INTO instalment_cuts (event_seq, pledge_id, line, amount_minor) VALUES (?, ?, ?, ?)");
  insert.bind(1, event_seq);
  insert.bind(2, cut.pledge_id);
  insert.bind(3, cut.line);
  insert.bind(4, cut.amount_minor);
  run(insert);
}

void SqlTxn::add_reversal(std::int64_t reversed_seq, std::int64_t reversal_seq) {
  Statement& insert = prepare("INSERT INTO reversals (reversed_seq, reversal_seq) VALUES (?, ?)");
  insert.bind(1, reversed_seq);
  insert.bind(2, reversal_seq);
  run(insert);
}

void SqlTxn::add_budget(const detail::BudgetRow& budget) {
  Statement& insert =
      prepare("INSERT INTO budgets (seq, fund_id, project_id, category, year, amount_minor) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, budget.seq);
  insert.bind(2, budget.fund_id);
  insert.bind(3, budget.project_id);
  insert.bind(4, budget.category);
  insert.bind(5, static_cast<std::int64_t>(budget.year));
  insert.bind(6, budget.amount_minor);
  run(insert);
}

void SqlTxn::add_amendment(const detail::AmendmentRow& row) {
  Statement& insert = prepare(
      "INSERT INTO amendments (seq, kind, record_id, effective, name, category, country) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, row.amendment.seq);
  insert.bind(2, row.kind);
  insert.bind(3, row.record_id);
  insert.bind(4, static_cast<std::int64_t>(row.amendment.day));
  auto optional_text = [&insert](int index, const std::optional<std::string>& value) {
    if (value) {
      insert.bind(index, *value);
    } else {
      insert.bind_null(index);
    }
  };
  optional_text(5, row.amendment.name);
  optional_text(6, row.amendment.category);
  optional_text(7, row.amendment.country);
  run(insert);
}

void SqlTxn::add_seal(const detail::SealRow& seal) {
  Statement& insert = prepare("INSERT INTO periods (period, close_seq, head_hash, balances_hash) VALUES (?, ?, ?, ?)");
  insert.bind(1, seal.period);
  insert.bind(2, seal.close_seq);
  insert.bind(3, seal.head_hash);
  insert.bind(4, seal.balances_hash);
  run(insert);
}

void SqlTxn::remove_seal(const Period& period) {
  Statement& remove = prepare("DELETE FROM periods WHERE period = ?");
  remove.bind(1, period.to_string());
  run(remove);
}

void SqlTxn::commit() {
  connection_.commit();
  done_ = true;
}

}  // namespace fundledger::store
