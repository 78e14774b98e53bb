// The SQL store: journal scans for export and verify, and the queries of the reports, the balances
// command and the listings.
#include "store/sql_txn.hpp"

#include <algorithm>
#include <limits>
#include <string_view>

namespace fundledger::store {

void SqlTxn::scan_journal(std::int64_t first_seq, const std::function<bool(const JournalRow&)>& row) {
  auto events = connection_.prepare_once(
      "SELECT seq, COALESCE(event_id, ''), type, date, body, recorded_at, prev_hash, hash FROM events "
      "WHERE seq >= ? ORDER BY seq");
  events->bind(1, first_seq);
  auto postings = connection_.prepare_once(
      "SELECT seq, account_id, fund_id, COALESCE(donor_id, 0), COALESCE(project_id, 0), COALESCE(pledge_id, 0), "
      "currency_id, amount_minor, functional_minor, kind, date FROM postings WHERE seq >= ? ORDER BY seq, line");
  postings->bind(1, first_seq);
  bool posting_pending = postings->step();
  JournalRow current;
  while (events->step()) {
    EventRow& event = current.event;
    event = {events->integer(0), events->text(1), events->text(2), std::nullopt, events->text(4), events->text(5),
             events->text(6), events->text(7)};
    if (!events->is_null(3)) event.day = static_cast<std::int32_t>(events->integer(3));
    current.postings.clear();
    current.posting_days.clear();
    current.orphan_postings_seq = 0;
    // Postings of a seq that has no event (a deleted event) are reported by the caller.
    while (posting_pending && postings->integer(0) < event.seq) {
      current.orphan_postings_seq = postings->integer(0);
      posting_pending = postings->step();
    }
    while (posting_pending && postings->integer(0) == event.seq) {
      StoredPosting p{postings->integer(1), postings->integer(2), postings->integer(3), postings->integer(4),
                      postings->integer(5), postings->integer(6), postings->integer(7), postings->integer(8),
                      static_cast<detail::PostingKind>(postings->integer(9)), std::nullopt};
      const auto day = static_cast<std::int32_t>(postings->integer(10));
      if (!event.day || day != *event.day) p.date = day;
      current.postings.push_back(p);
      current.posting_days.push_back(day);
      posting_pending = postings->step();
    }
    if (!row(current)) return;
  }
}

std::int64_t SqlTxn::stray_posting_seq(std::int64_t seq) {
  Statement& query = prepare("SELECT COALESCE(MAX(seq), 0) FROM postings WHERE seq > ?");
  query.bind(1, seq);
  const std::int64_t stray = query.step() ? query.integer(0) : 0;
  query.reset();
  return stray;
}

void SqlTxn::scan_dated_postings(std::int32_t from, std::int32_t through, std::int64_t through_seq,
                                 const std::function<void(std::int64_t, const StoredPosting&)>& each) {
  auto query = connection_.prepare_once(
      "SELECT seq, date, account_id, fund_id, COALESCE(donor_id, 0), COALESCE(project_id, 0), COALESCE(pledge_id, 0), "
      "currency_id, amount_minor, functional_minor, kind FROM postings WHERE date >= ? AND date <= ? AND seq <= ?");
  query->bind(1, from);
  query->bind(2, through);
  query->bind(3, through_seq);
  while (query->step()) {
    const StoredPosting posting{query->integer(2), query->integer(3), query->integer(4), query->integer(5),
                                query->integer(6), query->integer(7), query->integer(8), query->integer(9),
                                static_cast<detail::PostingKind>(query->integer(10)),
                                static_cast<std::int32_t>(query->integer(1))};
    each(query->integer(0), posting);
  }
}

namespace {

class SqlRowCursor final : public RowCursor {
 public:
  explicit SqlRowCursor(std::unique_ptr<Statement> query) : query_(std::move(query)) {}
  bool next() override {
    if (!query_->step()) return false;
    values_.clear();
    for (int i = 0; i < query_->columns(); ++i) values_.push_back(query_->is_null(i) ? "NULL" : row_text(query_->text(i)));
    return true;
  }
  const std::vector<std::string>& values() const override { return values_; }

 private:
  std::unique_ptr<Statement> query_;
  std::vector<std::string> values_;
};

}  // namespace

std::vector<std::string> SqlTxn::bodies_of_type(std::string_view type) {
  Statement& query = prepare("SELECT body FROM events WHERE type = ? ORDER BY seq");
  query.bind(1, type);
  std::vector<std::string> bodies;
  while (query.step()) bodies.push_back(query.text(0));
  query.reset();
  return bodies;
}

std::unique_ptr<RowCursor> SqlTxn::movement_rows(std::int64_t month) {
  // By account, each a range of the table's key (account, month, ...), rather than one scan of it.
  const TableSpec& table = table_named("movements");
  Statement& accounts = prepare("SELECT id FROM accounts ORDER BY id");
  std::vector<std::int64_t> ids;
  while (accounts.step()) ids.push_back(accounts.integer(0));
  Statement& query = prepare(std::string("SELECT ") + table.key + ", " + table.columns +
                             " FROM movements WHERE account_id = ? AND month = ? ORDER BY " + table.key);
  std::vector<std::vector<std::string>> rows;
  for (const std::int64_t id : ids) {
    query.bind(1, id);
    query.bind(2, month);
    while (query.step()) {
      std::vector<std::string>& row = rows.emplace_back();
      for (int i = 0; i < query.columns(); ++i) row.push_back(query.text(i));
    }
    query.reset();
  }
  return std::make_unique<RowList>(std::move(rows));
}

std::unique_ptr<RowCursor> SqlTxn::movements_summed() {
  const TableSpec& table = table_named("movement_totals");
  return std::make_unique<SqlRowCursor>(connection_.prepare_once(
      std::string("SELECT ") + table.key +
      ", SUM(debit_minor), SUM(credit_minor), SUM(functional_debit_minor), SUM(functional_credit_minor) FROM movements "
      "GROUP BY " + table.key + " ORDER BY " + table.key));
}

std::unique_ptr<RowCursor> SqlTxn::table_rows(const TableSpec& table) {
  return std::make_unique<SqlRowCursor>(connection_.prepare_once(std::string("SELECT ") + table.key +
                                                                 (table.columns.empty() ? "" : ", ") + table.columns + " FROM " +
                                                                 table.name + " ORDER BY " + table.key));
}

namespace {

const char* column_of(BalanceKey key) {
  switch (key) {
    case BalanceKey::account: return "account_id";
    case BalanceKey::fund: return "fund_id";
    case BalanceKey::donor: return "donor_id";
    case BalanceKey::project: return "project_id";
    case BalanceKey::pledge: return "pledge_id";
    case BalanceKey::currency: return "currency_id";
  }
  return "";
}

// The balances command's query: from the balance table, or from the postings when dated.
std::string grouped_balances_sql(const BalanceGrouping& grouping) {
  const bool dated = grouping.from_day || grouping.through_day;
  std::string sql = "SELECT ";
  // The balance table's keys are never NULL (0 stands for an absent dimension), so that GROUP BY
  // walks its primary key in order; a posting's absent dimension is NULL.
  for (BalanceKey key : grouping.keys) {
    sql += dated ? std::string("COALESCE(") + column_of(key) + ", 0), " : std::string(column_of(key)) + ", ";
  }
  if (dated) {
    const std::string amount = grouping.by_currency ? "amount_minor" : "functional_minor";
    sql += "COALESCE(SUM(CASE WHEN " + amount + " > 0 THEN " + amount + " ELSE 0 END), 0), COALESCE(SUM(CASE WHEN " +
           amount + " < 0 THEN -" + amount + " ELSE 0 END), 0) FROM postings WHERE date >= ? AND date <= ?";
  } else if (grouping.by_currency) {
    sql += "COALESCE(SUM(debit_minor), 0), COALESCE(SUM(credit_minor), 0) FROM balances";
  } else {
    sql += "COALESCE(SUM(functional_debit_minor), 0), COALESCE(SUM(functional_credit_minor), 0) FROM balances";
  }
  if (!grouping.keys.empty()) {
    sql += " GROUP BY ";
    for (std::size_t i = 0; i < grouping.keys.size(); ++i) sql += (i ? ", " : "") + std::to_string(i + 1);
  }
  return sql;
}

}  // namespace

std::vector<GroupedSums> SqlTxn::grouped_balances(const BalanceGrouping& grouping) {
  Statement& query = prepare(grouped_balances_sql(grouping));
  if (grouping.from_day || grouping.through_day) {
    query.bind(1, grouping.from_day.value_or(std::numeric_limits<std::int32_t>::min()));
    query.bind(2, grouping.through_day.value_or(std::numeric_limits<std::int32_t>::max()));
  }
  const int key_count = static_cast<int>(grouping.keys.size());
  std::vector<GroupedSums> rows;
  while (query.step()) {
    GroupedSums row;
    for (int i = 0; i < key_count; ++i) row.ids.push_back(query.integer(i));
    row.debit = query.integer(key_count);
    row.credit = query.integer(key_count + 1);
    if (row.debit != 0 || row.credit != 0) rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

std::vector<AccountFundSums> account_fund_sums(Statement& query) {
  std::vector<AccountFundSums> rows;
  while (query.step()) rows.push_back({query.integer(0), query.integer(1), query.integer(2), query.integer(3)});
  return rows;
}

}  // namespace

std::vector<AccountFundSums> SqlTxn::monthly_sums(std::int64_t first_month, std::int64_t last_month,
                                                  const std::vector<std::int64_t>& funds) {
  auto query = connection_.prepare_once(
      "SELECT account_id, fund_id, SUM(functional_debit_minor), SUM(functional_credit_minor) FROM monthly_balances "
      "WHERE month >= ? AND month <= ? AND fund_id IN " +
      placeholders(funds.size()) + " GROUP BY 1, 2");
  query->bind(1, first_month);
  query->bind(2, last_month);
  bind_all(*query, 3, funds);
  return account_fund_sums(*query);
}

std::vector<AccountFundSums> SqlTxn::dated_sums(std::int32_t from, std::int32_t through,
                                                const std::vector<std::int64_t>& funds, bool only_year_end) {
  auto query = connection_.prepare_once(
      "SELECT account_id, fund_id, SUM(CASE WHEN functional_minor > 0 THEN functional_minor ELSE 0 END), "
      "SUM(CASE WHEN functional_minor < 0 THEN -functional_minor ELSE 0 END) FROM postings "
      "WHERE date >= ? AND date <= ? AND fund_id IN " +
      placeholders(funds.size()) + (only_year_end ? " AND kind = ?" : "") + " GROUP BY 1, 2");
  query->bind(1, from);
  query->bind(2, through);
  bind_all(*query, 3, funds);
  if (only_year_end) query->bind(3 + static_cast<int>(funds.size()), static_cast<std::int64_t>(detail::PostingKind::year_end));
  return account_fund_sums(*query);
}

std::vector<RecognizedInstalment> SqlTxn::recognized_instalments(std::int32_t day,
                                                                  const std::vector<std::int64_t>& funds,
                                                                  const std::vector<std::int64_t>& pledges) {
  // Recognized by the day: at signing (the pledge event recognized them), or when they fell due.
  Statement& query = prepare(
      "SELECT g.currency_id, g.fund_id, i.due, i.amount_minor FROM instalments i JOIN pledges g ON g.id = i.pledge_id "
      "WHERE i.pledge_id = ? AND g.signed <= ? AND i.recognized != 0 AND (i.recognized = g.seq OR i.due <= ?) "
      "ORDER BY i.due, i.line");
  std::vector<RecognizedInstalment> rows;
  for (const std::int64_t pledge : pledges) {
    query.bind(1, pledge);
    query.bind(2, day);
    query.bind(3, day);
    while (query.step()) {
      if (std::find(funds.begin(), funds.end(), query.integer(1)) == funds.end()) continue;
      rows.push_back({pledge, query.integer(0), static_cast<std::int32_t>(query.integer(2)), query.integer(3)});
    }
    query.reset();
  }
  return rows;
}

std::vector<PledgeMovementRow> SqlTxn::pledge_movements(std::int64_t pledge_id, std::int64_t account) {
  Statement& query = prepare(
      std::string("SELECT p.seq, COALESCE(e.event_id, ''), e.type, ") + kind_or_recognition +
      ", e.date, SUM(p.amount_minor), SUM(p.functional_minor)" + events_with_reversed +
      "WHERE p.pledge_id = ? AND p.account_id = ? GROUP BY p.seq, e.event_id, e.type, 4, e.date "
      "HAVING SUM(p.amount_minor) != 0 OR SUM(p.functional_minor) != 0 ORDER BY p.seq");
  query.bind(1, pledge_id);
  query.bind(2, account);
  std::vector<PledgeMovementRow> rows;
  while (query.step()) {
    rows.push_back({query.integer(0), query.text(1), query.text(2), query.text(3),
                    static_cast<std::int32_t>(query.integer(4)), query.integer(5), query.integer(6)});
  }
  return rows;
}

std::vector<detail::SealRow> SqlTxn::seals() {
  Statement& query = prepare(
      "SELECT p.period, p.close_seq, e.recorded_at, p.head_hash, p.balances_hash FROM periods p "
      "JOIN events e ON e.seq = p.close_seq ORDER BY p.period");
  std::vector<detail::SealRow> rows;
  while (query.step()) {
    rows.push_back({query.text(0), query.integer(1), query.text(2), query.text(3), query.text(4)});
  }
  return rows;
}

}  // namespace fundledger::store
