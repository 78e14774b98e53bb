// The SQL store: what the rules read (master data, events, balances, holdings, pledges, the close).
#include "store/sql_txn.hpp"

#include "core/hash.hpp"

#include <fundledger/error.hpp>

#include <limits>
#include <map>

namespace fundledger::store {

using detail::EventRef;
using detail::Holding;

SqlTxn::SqlTxn(Connection& connection, bool write) : connection_(connection), write_(write) {
  if (write && !connection.writable()) throw Error(ErrorCode::usage, "the ledger was opened read-only");
  write ? connection.begin_write() : connection.begin_read();
}

SqlTxn::~SqlTxn() {
  if (!done_) connection_.rollback();
}

std::string SqlTxn::placeholders(std::size_t count) {
  std::string out = "(";
  for (std::size_t i = 0; i < count; ++i) out += i ? ", ?" : "?";
  return out + (count ? ")" : "NULL)");
}

void SqlTxn::bind_all(Statement& statement, int first, const std::vector<std::int64_t>& ids) {
  for (std::size_t i = 0; i < ids.size(); ++i) statement.bind(first + static_cast<int>(i), ids[i]);
}

void SqlTxn::read_master_records(detail::MasterState& master) {
  Statement& currencies = prepare("SELECT id, code, minor_units, declared FROM currencies ORDER BY id");
  while (currencies.step()) {
    master.currencies.add({currencies.integer(0), currencies.text(1), static_cast<int>(currencies.integer(2)),
                           currencies.integer(3), {}});
  }
  Statement& rates = prepare("SELECT currency_id, effective, per_usd, seq FROM rates ORDER BY currency_id, effective");
  while (rates.step()) {
    auto& currency = *master.currencies.find_mutable(master.currencies.by_id(rates.integer(0)).code);
    currency.rates.push_back({static_cast<std::int32_t>(rates.integer(1)), Decimal::parse(rates.text(2)), rates.integer(3)});
  }
  Statement& accounts = prepare("SELECT id, code, name, class, seq FROM accounts ORDER BY id");
  while (accounts.step()) {
    const std::string code = accounts.text(1);
    master.accounts.add({accounts.integer(0), code,
                         {code, accounts.text(2), static_cast<AccountClass>(accounts.integer(3))}, accounts.integer(4)});
  }
  Statement& funds = prepare(
      "SELECT f.id, f.code, f.name, f.kind, COALESCE(p.code, ''), f.seq FROM funds f LEFT JOIN funds p "
      "ON p.id = f.parent_id ORDER BY f.id");
  while (funds.step()) {
    const std::string code = funds.text(1);
    master.funds.add({funds.integer(0), code, {code, funds.text(2), static_cast<FundKind>(funds.integer(3)), funds.text(4)},
                      funds.integer(5), {}});
  }
  Statement& donors = prepare("SELECT id, code, name, category, country, seq FROM donors ORDER BY id");
  while (donors.step()) {
    const std::string code = donors.text(1);
    master.donors.add({donors.integer(0), code, {code, donors.text(2), donors.text(3), donors.text(4)}, donors.integer(5), {}});
  }
  Statement& projects = prepare(
      "SELECT p.id, p.code, p.name, f.code, p.fund_id, p.psc_rate, p.seq FROM projects p JOIN funds f "
      "ON f.id = p.fund_id ORDER BY p.id");
  while (projects.step()) {
    const std::string code = projects.text(1);
    detail::ProjectRecord record{projects.integer(0), code, {code, projects.text(2), projects.text(3), std::nullopt},
                                 projects.integer(4), projects.integer(6), {}};
    if (!projects.is_null(5)) record.event.psc_rate = Decimal::parse(projects.text(5));
    master.projects.add(std::move(record));
  }
  Statement& amendments = prepare(
      "SELECT kind, record_id, seq, effective, name, category, country FROM amendments ORDER BY effective, seq");
  while (amendments.step()) {
    detail::Amendment amendment{amendments.integer(2), static_cast<std::int32_t>(amendments.integer(3)), {}, {}, {}};
    if (!amendments.is_null(4)) amendment.name = amendments.text(4);
    if (!amendments.is_null(5)) amendment.category = amendments.text(5);
    if (!amendments.is_null(6)) amendment.country = amendments.text(6);
    const std::string kind = amendments.text(0);
    const std::int64_t id = amendments.integer(1);
    if (kind == "donor") master.donors.by_id_mutable(id).amendments.push_back(std::move(amendment));
    if (kind == "fund") master.funds.by_id_mutable(id).amendments.push_back(std::move(amendment));
    if (kind == "project") master.projects.by_id_mutable(id).amendments.push_back(std::move(amendment));
  }
  Statement& settings = prepare("SELECT key, effective, value, seq FROM settings ORDER BY key, effective");
  while (settings.step()) {
    master.settings[settings.text(0)].values.push_back(
        {static_cast<std::int32_t>(settings.integer(1)), settings.text(2), settings.integer(3)});
  }
}

namespace {

const char* const pledge_columns =
    "SELECT id, code, seq, donor_id, fund_id, currency_id, COALESCE(project_id, 0), purpose, conditional, signed, "
    "psc_rate, amount_minor, reversed FROM pledges ";

detail::PledgeRecord pledge_of(Statement& row) {
  detail::PledgeRecord record;
  record.id = row.integer(0);
  record.code = row.text(1);
  record.seq = row.integer(2);
  record.donor_id = row.integer(3);
  record.fund_id = row.integer(4);
  record.currency_id = row.integer(5);
  record.project_id = row.integer(6);
  record.purpose = static_cast<Purpose>(row.integer(7));
  record.conditional = row.integer(8) != 0;
  record.signed_on = Date::from_day_number(static_cast<std::int32_t>(row.integer(9)));
  if (!row.is_null(10)) record.psc_rate = Decimal::parse(row.text(10));
  record.amount_minor = row.integer(11);
  record.reversed = row.integer(12) != 0;
  return record;
}

}  // namespace

detail::CodeTable<detail::PledgeRecord> SqlTxn::load_pledges() {
  detail::CodeTable<detail::PledgeRecord> table;
  Statement& pledges = prepare(std::string(pledge_columns) + "ORDER BY id");
  while (pledges.step()) table.add(pledge_of(pledges));
  return table;
}

std::vector<detail::PledgeRecord> SqlTxn::pledges_of(const std::vector<std::int64_t>& ids) {
  Statement& pledge = prepare(std::string(pledge_columns) + "WHERE id = ?");
  std::vector<detail::PledgeRecord> records;
  for (const std::int64_t id : ids) {
    pledge.bind(1, id);
    if (!pledge.step()) throw std::runtime_error("no pledge has id " + std::to_string(id));
    records.push_back(pledge_of(pledge));
    pledge.reset();
  }
  return records;
}

std::optional<detail::PledgeRecord> SqlTxn::pledge_named(std::string_view code) {
  Statement& pledge = prepare(std::string(pledge_columns) + "WHERE code = ?");
  pledge.bind(1, code);
  if (!pledge.step()) return std::nullopt;
  detail::PledgeRecord record = pledge_of(pledge);
  pledge.reset();
  return record;
}

detail::MasterState SqlTxn::load_master_records() {
  detail::MasterState master;
  read_master_records(master);
  master.pledges.leave_unread();
  return master;
}

Head SqlTxn::head() {
  Statement& query = prepare("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
  if (!query.step()) return {0, audit::genesis_hash};
  Head head{query.integer(0), query.text(1)};
  query.reset();
  return head;
}

std::optional<Period> SqlTxn::last_closed() {
  Statement& query = prepare("SELECT MAX(period) FROM periods");
  std::optional<Period> period;
  if (query.step() && !query.is_null(0)) period = Period::parse(query.text(0));
  query.reset();
  return period;
}

namespace {

EventRef event_of(const Statement& query) {
  EventRef event{query.integer(0), query.text(1), query.text(2), std::nullopt};
  if (!query.is_null(3)) event.day = static_cast<std::int32_t>(query.integer(3));
  return event;
}

}  // namespace

std::optional<EventRef> SqlTxn::find_event(std::string_view event_id) {
  Statement& query = prepare("SELECT seq, type, body, date FROM events WHERE event_id = ?");
  query.bind(1, event_id);
  if (!query.step()) return std::nullopt;
  EventRef event = event_of(query);
  query.reset();
  return event;
}

std::vector<std::string> SqlTxn::recorded_ids(const std::vector<std::string>& event_ids) {
  // In chunks of a fixed size (the last padded with its own first id), so that one prepared
  // statement serves every batch.
  constexpr std::size_t chunk = 128;
  Statement& query = prepare("SELECT event_id FROM events WHERE event_id IN " + placeholders(chunk));
  std::vector<std::string> recorded;
  for (std::size_t first = 0; first < event_ids.size(); first += chunk) {
    for (std::size_t i = 0; i < chunk; ++i) {
      const std::size_t at = first + i < event_ids.size() ? first + i : first;
      query.bind(static_cast<int>(i) + 1, event_ids[at]);
    }
    while (query.step()) recorded.push_back(query.text(0));
    query.reset();
  }
  return recorded;
}

std::optional<EventRef> SqlTxn::event_at(std::int64_t seq) {
  Statement& query = prepare("SELECT seq, type, body, date FROM events WHERE seq = ?");
  query.bind(1, seq);
  if (!query.step()) return std::nullopt;
  EventRef event = event_of(query);
  query.reset();
  return event;
}

std::vector<StoredPosting> SqlTxn::postings_of(std::int64_t seq) {
  Statement& query = prepare(
      "SELECT p.account_id, p.fund_id, COALESCE(p.donor_id, 0), COALESCE(p.project_id, 0), COALESCE(p.pledge_id, 0), "
      "p.currency_id, p.amount_minor, p.functional_minor, p.kind, p.date, e.date FROM postings p "
      "JOIN events e ON e.seq = p.seq WHERE p.seq = ? ORDER BY p.line");
  query.bind(1, seq);
  std::vector<StoredPosting> postings;
  while (query.step()) {
    StoredPosting p{query.integer(0), query.integer(1), query.integer(2), query.integer(3), query.integer(4),
                    query.integer(5), query.integer(6), query.integer(7),
                    static_cast<detail::PostingKind>(query.integer(8)), std::nullopt};
    if (query.is_null(10) || query.integer(9) != query.integer(10)) p.date = static_cast<std::int32_t>(query.integer(9));
    postings.push_back(p);
  }
  return postings;
}

BalanceSums SqlTxn::balance(const BalanceKeyIds& key) {
  Statement& query = prepare(
      "SELECT debit_minor, credit_minor, functional_debit_minor, functional_credit_minor FROM balances "
      "WHERE account_id = ? AND fund_id = ? AND donor_id = ? AND project_id = ? AND pledge_id = ? AND currency_id = ?");
  for (std::size_t i = 0; i < key.size(); ++i) query.bind(static_cast<int>(i) + 1, key[i]);
  BalanceSums sums;
  if (query.step()) sums = {query.integer(0), query.integer(1), query.integer(2), query.integer(3)};
  query.reset();
  return sums;
}

BalanceSums SqlTxn::monthly_balance(std::int64_t account, std::int64_t fund, std::int64_t currency,
                                    std::int64_t month) {
  Statement& query = prepare(
      "SELECT debit_minor, credit_minor, functional_debit_minor, functional_credit_minor FROM monthly_balances "
      "WHERE account_id = ? AND fund_id = ? AND currency_id = ? AND month = ?");
  query.bind(1, account);
  query.bind(2, fund);
  query.bind(3, currency);
  query.bind(4, month);
  BalanceSums sums;
  if (query.step()) sums = {query.integer(0), query.integer(1), query.integer(2), query.integer(3)};
  query.reset();
  return sums;
}

namespace {

// The stored sums of keys of N columns of a balance table, 32 keys a query: each key one
// "(c1 = ? AND c2 = ? ...)" of an OR, which both SQLite and PostgreSQL answer with as many look-ups
// of the primary key. The last chunk is padded with its own first key.
template <std::size_t N>
std::vector<BalanceSums> sums_of_keys(Connection& connection, const char* table, const std::array<const char*, N>& columns,
                                      const std::vector<std::array<std::int64_t, N>>& keys) {
  constexpr std::size_t chunk = 32;
  std::string one = "(";
  for (std::size_t i = 0; i < N; ++i) one += std::string(i ? " AND " : "") + columns[i] + " = ?";
  one += ")";
  std::string sql = "SELECT ";
  for (const char* column : columns) sql += std::string(column) + ", ";
  sql += std::string("debit_minor, credit_minor, functional_debit_minor, functional_credit_minor FROM ") + table + " WHERE ";
  for (std::size_t k = 0; k < chunk; ++k) sql += (k ? " OR " : "") + one;
  Statement& query = connection.prepare(sql);
  std::map<std::array<std::int64_t, N>, BalanceSums> found;
  for (std::size_t first = 0; first < keys.size(); first += chunk) {
    for (std::size_t k = 0; k < chunk; ++k) {
      const auto& key = keys[first + k < keys.size() ? first + k : first];
      for (std::size_t i = 0; i < N; ++i) query.bind(static_cast<int>(k * N + i) + 1, key[i]);
    }
    while (query.step()) {
      std::array<std::int64_t, N> key{};
      for (std::size_t i = 0; i < N; ++i) key[i] = query.integer(static_cast<int>(i));
      const int at = static_cast<int>(N);
      found[key] = {query.integer(at), query.integer(at + 1), query.integer(at + 2), query.integer(at + 3)};
    }
    query.reset();
  }
  std::vector<BalanceSums> sums;
  sums.reserve(keys.size());
  for (const auto& key : keys) {
    const auto at = found.find(key);
    sums.push_back(at == found.end() ? BalanceSums{} : at->second);
  }
  return sums;
}

}  // namespace

std::vector<BalanceSums> SqlTxn::balances_of(const std::vector<BalanceKeyIds>& keys) {
  return sums_of_keys<6>(connection_, "balances",
                         {"account_id", "fund_id", "donor_id", "project_id", "pledge_id", "currency_id"}, keys);
}

std::vector<BalanceSums> SqlTxn::monthly_balances_of(const std::vector<std::array<std::int64_t, 4>>& keys) {
  return sums_of_keys<4>(connection_, "monthly_balances", {"account_id", "fund_id", "currency_id", "month"}, keys);
}

GrandTotals SqlTxn::grand_totals() {
  // Each column summed in two halves, the quotient and the remainder by 2^32, so that no SUM can
  // leave the range of a 64-bit integer however large the ledger (the amounts are never negative).
  std::string sql = "SELECT currency_id";
  for (const char* column : {"debit_minor", "credit_minor", "functional_debit_minor", "functional_credit_minor"}) {
    sql += std::string(", SUM(") + column + " / 4294967296), SUM(" + column + " % 4294967296)";
  }
  Statement& query = prepare(sql + " FROM balances GROUP BY currency_id");
  const Decimal::Coefficient half = Decimal::Coefficient(1) << 32;
  GrandTotals totals;
  while (query.step()) {
    auto column = [&](int first) { return Decimal::Coefficient(query.integer(first)) * half + query.integer(first + 1); };
    GrandTotals::Sums& sums = totals.by_currency[query.integer(0)];
    sums.debit = column(1);
    sums.credit = column(3);
    totals.usd.debit += column(5);
    totals.usd.credit += column(7);
  }
  return totals;
}

Position SqlTxn::account_position(std::int64_t account, std::int64_t fund, std::int64_t currency) {
  Statement& query = prepare(
      "SELECT COALESCE(SUM(debit_minor - credit_minor), 0), "
      "COALESCE(SUM(functional_debit_minor - functional_credit_minor), 0) FROM balances "
      "WHERE account_id = ? AND fund_id = ? AND currency_id = ?");
  query.bind(1, account);
  query.bind(2, fund);
  query.bind(3, currency);
  Position position;
  if (query.step()) position = {query.integer(0), query.integer(1)};
  query.reset();
  return position;
}

std::int64_t SqlTxn::account_usd(std::int64_t account, std::int64_t fund) {
  Statement& query = prepare(
      "SELECT COALESCE(SUM(functional_debit_minor - functional_credit_minor), 0) FROM balances "
      "WHERE account_id = ? AND fund_id = ?");
  query.bind(1, account);
  query.bind(2, fund);
  const std::int64_t total = query.step() ? query.integer(0) : 0;
  query.reset();
  return total;
}

std::int64_t SqlTxn::account_usd_through(std::int64_t account, std::int64_t fund, std::int32_t day) {
  Statement& query = prepare(
      "SELECT COALESCE(SUM(functional_minor), 0) FROM postings WHERE account_id = ? AND fund_id = ? AND date <= ?");
  query.bind(1, account);
  query.bind(2, fund);
  query.bind(3, day);
  const std::int64_t total = query.step() ? query.integer(0) : 0;
  query.reset();
  return total;
}

std::map<std::int64_t, std::int32_t> SqlTxn::latest_days(std::int64_t account) {
  Statement& query = prepare("SELECT fund_id, MAX(date) FROM postings WHERE account_id = ? GROUP BY fund_id");
  query.bind(1, account);
  std::map<std::int64_t, std::int32_t> days;
  while (query.step()) days[query.integer(0)] = static_cast<std::int32_t>(query.integer(1));
  return days;
}

namespace {

// The moves taking effect through a day, by holding; for one holding alone (its seq the second
// parameter), only that holding's moves are read.
const std::string moves_of_events_through =
    "SELECT m.holding_seq, SUM(m.amount_minor) AS amount_minor, SUM(m.functional_minor) AS functional_minor "
    "FROM holding_moves m WHERE m.day <= ?";
const std::string moves_through = moves_of_events_through + " GROUP BY m.holding_seq";
const std::string one_holding_moves_through = moves_of_events_through + " AND m.holding_seq = ? GROUP BY m.holding_seq";

// The columns holding_of reads, of holdings h, accounts a and the sums of moves m.
const std::string holding_columns =
    "SELECT h.seq, h.account_id, h.fund_id, h.donor_id, h.pledge_id, h.currency_id, h.amount_minor, "
    "h.functional_minor, COALESCE(m.amount_minor, 0), COALESCE(m.functional_minor, 0), a.class, h.partner, "
    "h.project_id FROM holdings h JOIN accounts a ON a.id = h.account_id ";

Holding holding_of(const Statement& query) {
  Holding holding;
  holding.seq = query.integer(0);
  holding.account_id = query.integer(1);
  holding.fund_id = query.integer(2);
  holding.donor_id = query.integer(3);
  holding.pledge_id = query.integer(4);
  holding.currency_id = query.integer(5);
  holding.initial_minor = query.integer(6);
  holding.initial_functional_minor = query.integer(7);
  holding.amount_minor = holding.initial_minor + query.integer(8);
  holding.functional_minor = holding.initial_functional_minor + query.integer(9);
  holding.asset = query.integer(10) == static_cast<std::int64_t>(AccountClass::asset);
  holding.partner = query.text(11);
  holding.project_id = query.integer(12);
  return holding;
}

}  // namespace

std::optional<Holding> SqlTxn::holding(std::int64_t seq, std::optional<std::int32_t> as_of) {
  Statement& query =
      prepare(holding_columns + "LEFT JOIN (" + one_holding_moves_through + ") m ON m.holding_seq = h.seq WHERE h.seq = ?");
  query.bind(1, as_of ? *as_of : std::numeric_limits<std::int32_t>::max());
  query.bind(2, seq);
  query.bind(3, seq);
  if (!query.step()) return std::nullopt;
  Holding holding = holding_of(query);
  query.reset();
  return holding;
}

std::vector<Holding> SqlTxn::holdings_as_of(std::int32_t day, std::int64_t except_currency) {
  Statement& query = prepare(holding_columns + "JOIN events e ON e.seq = h.seq LEFT JOIN (" + moves_through +
                             ") m ON m.holding_seq = h.seq WHERE e.date <= ? AND h.currency_id != ? ORDER BY h.seq");
  query.bind(1, day);
  query.bind(2, day);
  query.bind(3, except_currency);
  std::vector<Holding> holdings;
  while (query.step()) holdings.push_back(holding_of(query));
  return holdings;
}

std::vector<detail::HoldingMove> SqlTxn::moves_by(std::int64_t event_seq) {
  Statement& query = prepare(
      "SELECT holding_seq, amount_minor, functional_minor, day FROM holding_moves WHERE event_seq = ? "
      "ORDER BY holding_seq, day, amount_minor, functional_minor");
  query.bind(1, event_seq);
  std::vector<detail::HoldingMove> moves;
  while (query.step()) {
    moves.push_back({query.integer(0), query.integer(1), query.integer(2), static_cast<std::int32_t>(query.integer(3))});
  }
  return moves;
}

std::vector<Holding> SqlTxn::paid_ahead(std::int64_t pledge_id, std::int64_t account) {
  Statement& query = prepare(holding_columns +
                             "LEFT JOIN (SELECT m.holding_seq, SUM(m.amount_minor) AS amount_minor, SUM(m.functional_minor) "
                             "AS functional_minor FROM holding_moves m JOIN holdings g ON g.seq = m.holding_seq WHERE "
                             "g.pledge_id = ? AND g.pledge_id != 0 GROUP BY m.holding_seq) m ON m.holding_seq = h.seq "
                             "WHERE h.pledge_id = ? AND h.pledge_id != 0 AND h.account_id = ? ORDER BY h.seq");
  query.bind(1, pledge_id);
  query.bind(2, pledge_id);
  query.bind(3, account);
  std::vector<Holding> holdings;
  while (query.step()) holdings.push_back(holding_of(query));
  return holdings;
}

std::vector<std::pair<std::int32_t, detail::InstalmentCut>> SqlTxn::pledge_cuts(std::int64_t pledge_id) {
  Statement& query = prepare(
      "SELECT e.date, c.line, c.amount_minor FROM instalment_cuts c JOIN events e ON e.seq = c.event_seq "
      "WHERE c.pledge_id = ? ORDER BY c.event_seq, c.line");
  query.bind(1, pledge_id);
  std::vector<std::pair<std::int32_t, detail::InstalmentCut>> cuts;
  while (query.step()) {
    cuts.push_back({static_cast<std::int32_t>(query.integer(0)), {pledge_id, query.integer(1), query.integer(2)}});
  }
  return cuts;
}

std::vector<detail::InstalmentCut> SqlTxn::cuts_by(std::int64_t event_seq) {
  Statement& query = prepare(
      "SELECT pledge_id, line, amount_minor FROM instalment_cuts WHERE event_seq = ? ORDER BY pledge_id, line");
  query.bind(1, event_seq);
  std::vector<detail::InstalmentCut> cuts;
  while (query.step()) cuts.push_back({query.integer(0), query.integer(1), query.integer(2)});
  return cuts;
}

std::optional<std::int64_t> SqlTxn::first_seq_dated_after(std::int32_t day) {
  Statement& query = prepare("SELECT MIN(seq) FROM postings WHERE date > ?");
  query.bind(1, day);
  std::optional<std::int64_t> seq;
  if (query.step() && !query.is_null(0)) seq = query.integer(0);
  query.reset();
  return seq;
}

std::vector<detail::DatedPosting> SqlTxn::postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) {
  auto query = connection_.prepare_once(
      "SELECT seq, date, account_id, fund_id, COALESCE(donor_id, 0), COALESCE(project_id, 0), COALESCE(pledge_id, 0), "
      "currency_id, amount_minor, functional_minor, kind FROM postings WHERE seq >= ? AND account_id IN " +
      placeholders(accounts.size()) + " ORDER BY seq, line");
  query->bind(1, seq);
  bind_all(*query, 2, accounts);
  std::vector<detail::DatedPosting> postings;
  while (query->step()) {
    detail::DatedPosting row{query->integer(0), static_cast<std::int32_t>(query->integer(1)), {}};
    row.posting = {query->integer(2), query->integer(3), query->integer(4), query->integer(5), query->integer(6),
                   query->integer(7), query->integer(8), query->integer(9),
                   static_cast<detail::PostingKind>(query->integer(10)), row.day};
    postings.push_back(row);
  }
  return postings;
}

std::vector<detail::DatedMove> SqlTxn::moves_from(std::int64_t seq) {
  Statement& query = prepare(
      "SELECT event_seq, day, holding_seq, amount_minor, functional_minor FROM holding_moves WHERE event_seq >= ? "
      "ORDER BY event_seq, holding_seq, day, amount_minor, functional_minor");
  query.bind(1, seq);
  std::vector<detail::DatedMove> moves;
  while (query.step()) {
    const auto day = static_cast<std::int32_t>(query.integer(1));
    moves.push_back({query.integer(0), day, {query.integer(2), query.integer(3), query.integer(4), day}});
  }
  return moves;
}

std::optional<std::int64_t> SqlTxn::reversal_of(std::int64_t seq) {
  Statement& query = prepare("SELECT reversal_seq FROM reversals WHERE reversed_seq = ?");
  query.bind(1, seq);
  if (!query.step()) return std::nullopt;
  const std::int64_t reversal = query.integer(0);
  query.reset();
  return reversal;
}

std::vector<detail::InstalmentRow> SqlTxn::instalments(std::int64_t pledge_id) {
  Statement& query = prepare(
      "SELECT i.line, i.due, i.amount_minor, i.recognized, COALESCE((SELECT SUM(c.amount_minor) FROM instalment_cuts c "
      "WHERE c.pledge_id = i.pledge_id AND c.line = i.line), 0) FROM instalments i WHERE i.pledge_id = ? "
      "ORDER BY i.due, i.line");
  query.bind(1, pledge_id);
  std::vector<detail::InstalmentRow> rows;
  while (query.step()) {
    rows.push_back({query.integer(0), static_cast<std::int32_t>(query.integer(1)), query.integer(2), query.integer(3),
                    query.integer(4)});
  }
  return rows;
}

detail::PledgeCancellation SqlTxn::pledge_cancellation(std::int64_t pledge_id, std::int64_t account) {
  Statement& query = prepare(std::string("SELECT COALESCE(SUM(CASE WHEN ") + kind_of_posting +
                             " IN ('receipt', 'apply') THEN -p.amount_minor END), 0), COALESCE(SUM(CASE WHEN " +
                             kind_of_event + " IN ('reduction', 'write_off') THEN -p.amount_minor END), 0)" +
                             events_with_reversed + "WHERE p.pledge_id = ? AND p.account_id = ?");
  query.bind(1, pledge_id);
  query.bind(2, account);
  detail::PledgeCancellation figures;
  if (query.step()) figures = {query.integer(0), query.integer(1)};
  query.reset();
  return figures;
}

bool SqlTxn::pledge_has_other_postings(std::int64_t pledge_id) {
  Statement& query = prepare(
      "SELECT COUNT(*) FROM postings p JOIN events e ON e.seq = p.seq WHERE p.pledge_id = ? AND e.type != 'pledge' "
      "AND p.seq NOT IN (SELECT reversed_seq FROM reversals UNION SELECT reversal_seq FROM reversals)");
  query.bind(1, pledge_id);
  const bool found = query.step() && query.integer(0) > 0;
  query.reset();
  return found;
}

std::vector<std::int64_t> SqlTxn::pledges_due(std::int32_t day) {
  Statement& query = prepare(
      "SELECT DISTINCT i.pledge_id FROM instalments i JOIN pledges p ON p.id = i.pledge_id "
      "WHERE i.recognized = 0 AND p.reversed = 0 AND i.due <= ? AND i.amount_minor > COALESCE((SELECT "
      "SUM(c.amount_minor) FROM instalment_cuts c WHERE c.pledge_id = i.pledge_id AND c.line = i.line), 0) "
      "ORDER BY i.pledge_id");
  query.bind(1, day);
  std::vector<std::int64_t> pledges;
  while (query.step()) pledges.push_back(query.integer(0));
  return pledges;
}

std::optional<std::int32_t> SqlTxn::first_posting_day() {
  Statement& query = prepare("SELECT MIN(date) FROM postings");
  std::optional<std::int32_t> day;
  if (query.step() && !query.is_null(0)) day = static_cast<std::int32_t>(query.integer(0));
  query.reset();
  return day;
}

std::optional<std::int32_t> SqlTxn::last_posting_day() {
  Statement& query = prepare("SELECT MAX(date) FROM postings");
  std::optional<std::int32_t> day;
  if (query.step() && !query.is_null(0)) day = static_cast<std::int32_t>(query.integer(0));
  query.reset();
  return day;
}

std::optional<std::int64_t> SqlTxn::close_seq(const Period& period) {
  Statement& query = prepare("SELECT close_seq FROM periods WHERE period = ?");
  query.bind(1, period.to_string());
  if (!query.step()) return std::nullopt;
  const std::int64_t seq = query.integer(0);
  query.reset();
  return seq;
}

namespace {

std::vector<KeyedSums> keyed_sums(Statement& query) {
  std::vector<KeyedSums> rows;
  while (query.step()) {
    KeyedSums row;
    for (std::size_t i = 0; i < row.key.size(); ++i) row.key[i] = query.integer(static_cast<int>(i));
    row.sums = {query.integer(6), query.integer(7)};
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

std::vector<KeyedSums> SqlTxn::sums_of_classes(std::int32_t from, std::int32_t through,
                                               const std::vector<AccountClass>& classes) {
  std::vector<std::int64_t> class_numbers;
  for (AccountClass account_class : classes) class_numbers.push_back(static_cast<int>(account_class));
  auto query = connection_.prepare_once(
      "SELECT p.account_id, p.fund_id, COALESCE(p.donor_id, 0), COALESCE(p.project_id, 0), COALESCE(p.pledge_id, 0), "
      "p.currency_id, SUM(p.amount_minor), SUM(p.functional_minor) FROM postings p JOIN accounts a ON a.id = "
      "p.account_id WHERE p.date >= ? AND p.date <= ? AND a.class IN " +
      placeholders(class_numbers.size()) + " GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6");
  query->bind(1, from);
  query->bind(2, through);
  bind_all(*query, 3, class_numbers);
  return keyed_sums(*query);
}

std::vector<KeyedSums> SqlTxn::stored_balances(const std::vector<std::int64_t>& accounts,
                                               std::int64_t except_currency) {
  auto query = connection_.prepare_once(
      "SELECT account_id, fund_id, donor_id, project_id, pledge_id, currency_id, debit_minor - credit_minor, "
      "functional_debit_minor - functional_credit_minor FROM balances WHERE currency_id != ?" +
      (accounts.empty() ? std::string() : " AND account_id IN " + placeholders(accounts.size())));
  query->bind(1, except_currency);
  bind_all(*query, 2, accounts);
  return keyed_sums(*query);
}

std::vector<KeyedSums> SqlTxn::sums_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                          std::int64_t except_currency) {
  auto query = connection_.prepare_once(
      "SELECT account_id, fund_id, COALESCE(donor_id, 0), COALESCE(project_id, 0), COALESCE(pledge_id, 0), "
      "currency_id, SUM(amount_minor), SUM(functional_minor) FROM postings WHERE date > ? AND currency_id != ?" +
      (accounts.empty() ? std::string() : " AND account_id IN " + placeholders(accounts.size())) +
      " GROUP BY 1, 2, 3, 4, 5, 6");
  query->bind(1, day);
  query->bind(2, except_currency);
  bind_all(*query, 3, accounts);
  return keyed_sums(*query);
}

}  // namespace fundledger::store
