// Ledger: opening a ledger file, its transactions, and the journal's append path.
#include "audit/hash.hpp"
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"
#include "core/text.hpp"
#include "store/schema.hpp"

#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <ctime>
#include <filesystem>
#include <istream>

namespace fundledger {

namespace detail {

void throw_storage_error(const std::exception& error, const std::string& doing) {
  if (const auto* sqlite_error = dynamic_cast<const SQLite::Exception*>(&error)) {
    const int code = sqlite_error->getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      throw Error(ErrorCode::busy, "the ledger stayed busy with another writer while " + doing +
                                       "; nothing was written, and it is safe to retry");
    }
    if (code == SQLITE_NOTADB) {
      throw Error(ErrorCode::storage, "the file is not a fundledger ledger (not an SQLite database)");
    }
    if (code == SQLITE_READONLY) {
      throw Error(ErrorCode::storage, "the ledger is read-only here while " + doing);
    }
    if (code == SQLITE_FULL) {
      throw Error(ErrorCode::storage, "the disk is full while " + doing + "; nothing was written");
    }
  }
  throw Error(ErrorCode::storage, std::string("storage failure while ") + doing + ": " + error.what());
}

std::string utc_timestamp_now() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string render_export_line(std::string_view body, std::int64_t seq, std::string_view recorded_at,
                               const std::optional<std::string>& postings_json,
                               std::string_view prev_hash, std::string_view hash) {
  // The export fields, in the order of their keys: hash, postings, prev_hash, recorded_at, seq.
  std::string seq_text = std::to_string(seq);
  std::string recorded_text = json::quoted(recorded_at);
  std::string prev_text = json::quoted(prev_hash);
  std::string hash_text = hash.empty() ? std::string() : json::quoted(hash);
  const std::pair<std::string_view, const std::string*> extras[] = {
      {"hash", hash.empty() ? nullptr : &hash_text},
      {"postings", postings_json ? &*postings_json : nullptr},
      {"prev_hash", &prev_text},
      {"recorded_at", &recorded_text},
      {"seq", &seq_text}};
  // The body is canonical: its keys are sorted, so the export fields merge in without sorting.
  thread_local std::vector<json::Member> body_members;
  if (!json::members(body, body_members)) {
    std::vector<std::pair<std::string, std::string>> fields;
    if (!json::split_object(body, fields)) {
      throw Error(ErrorCode::storage, "the stored body of event " + std::to_string(seq) +
                                          " is not a canonical JSON object");
    }
    json::Object object;
    for (auto& [key, value] : fields) object.add_raw(key, std::move(value));
    for (const auto& [key, value] : extras) {
      if (value) object.add_raw(key, *value);
    }
    return object.render();
  }
  std::string out;
  out.reserve(body.size() + 256 + (postings_json ? postings_json->size() : 0));
  out += '{';
  bool first = true;
  auto emit_extra = [&](std::string_view key, const std::string& value) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += key;
    out += "\":";
    out += value;
  };
  std::size_t next_extra = 0;
  for (const json::Member& member : body_members) {
    for (; next_extra < std::size(extras) && extras[next_extra].first < member.key; ++next_extra) {
      if (extras[next_extra].second) emit_extra(extras[next_extra].first, *extras[next_extra].second);
    }
    if (!first) out += ',';
    first = false;
    out += member.text;
  }
  for (; next_extra < std::size(extras); ++next_extra) {
    if (extras[next_extra].second) emit_extra(extras[next_extra].first, *extras[next_extra].second);
  }
  out += '}';
  return out;
}

}  // namespace detail

using detail::StoredPosting;

namespace {

// A read-only opening creates nothing: a ledger that no writer has open (it has no -wal file, which
// a writer keeps while it is connected) is read as the file stands, as an immutable database, so
// that SQLite neither needs nor leaves the -wal and -shm files beside it. That is what lets an
// auditor read a copy on read-only media, and keeps a reader from leaving files another user's
// writer could not open. With a writer connected, the reader shares its -wal and -shm.
bool read_as_immutable(const std::string& path, OpenMode mode) {
  std::error_code ignored;
  return mode == OpenMode::read_only && !std::filesystem::exists(path + "-wal", ignored);
}

std::string immutable_uri(const std::string& path) {
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      constexpr char hex[] = "0123456789ABCDEF";
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?immutable=1";
}

int open_flags(const std::string& path, OpenMode mode, bool create) {
  if (read_as_immutable(path, mode)) return SQLite::OPEN_READONLY | SQLite::OPEN_URI;
  if (mode == OpenMode::read_only) return SQLite::OPEN_READONLY;
  return SQLite::OPEN_READWRITE | (create ? SQLite::OPEN_CREATE : 0);
}

std::string database_name(const std::string& path, OpenMode mode) {
  return read_as_immutable(path, mode) ? immutable_uri(path) : path;
}

}  // namespace

Ledger::Impl::Impl(const std::string& path_, OpenMode mode_, bool create)
    : path(path_), mode(mode_), database(database_name(path_, mode_), open_flags(path_, mode_, create)) {
  const bool writable = mode == OpenMode::read_write;
  // An existing file is checked before anything is set on it: turning on WAL would write to a file
  // that is not a ledger (another application's database, an empty file) before it is refused.
  if (!create) store::check_and_migrate(database, writable);
  store::configure_connection(database, writable);
  if (create) {
    SQLite::Transaction transaction(database);
    store::create_schema(database);
    transaction.commit();
  }
  load_state();
}

void Ledger::Impl::load_state() {
  state = detail::MasterState{};
  latest_cash_day.reset();
  {
    SQLite::Statement query(database, "SELECT id, code, minor_units, declared FROM currencies ORDER BY id");
    while (query.executeStep()) {
      detail::CurrencyRecord record;
      record.id = query.getColumn(0).getInt64();
      record.code = query.getColumn(1).getString();
      record.minor_units = query.getColumn(2).getInt();
      record.declared_seq = query.getColumn(3).getInt64();
      state.currencies.add(std::move(record));
    }
  }
  {
    SQLite::Statement query(database,
                            "SELECT currency_id, effective, per_usd FROM rates ORDER BY currency_id, effective");
    while (query.executeStep()) {
      auto& currency = const_cast<detail::CurrencyRecord&>(
          state.currencies.by_id(query.getColumn(0).getInt64()));
      currency.rates.emplace_back(query.getColumn(1).getInt(),
                                  Decimal::parse(query.getColumn(2).getString()));
    }
  }
  {
    SQLite::Statement query(database, "SELECT id, code, name, class FROM accounts ORDER BY id");
    while (query.executeStep()) {
      detail::AccountRecord record;
      record.id = query.getColumn(0).getInt64();
      record.code = query.getColumn(1).getString();
      record.event = {record.code, query.getColumn(2).getString(),
                      static_cast<AccountClass>(query.getColumn(3).getInt())};
      state.accounts.add(std::move(record));
    }
  }
  {
    SQLite::Statement query(database,
                            "SELECT f.id, f.code, f.name, f.kind, IFNULL(p.code, '') FROM funds f "
                            "LEFT JOIN funds p ON p.id = f.parent_id ORDER BY f.id");
    while (query.executeStep()) {
      detail::FundRecord record;
      record.id = query.getColumn(0).getInt64();
      record.code = query.getColumn(1).getString();
      record.event = {record.code, query.getColumn(2).getString(),
                      static_cast<FundKind>(query.getColumn(3).getInt()), query.getColumn(4).getString()};
      state.funds.add(std::move(record));
    }
  }
  {
    SQLite::Statement query(database, "SELECT id, code, name, category, country FROM donors ORDER BY id");
    while (query.executeStep()) {
      detail::DonorRecord record;
      record.id = query.getColumn(0).getInt64();
      record.code = query.getColumn(1).getString();
      record.event = {record.code, query.getColumn(2).getString(), query.getColumn(3).getString(),
                      query.getColumn(4).getString()};
      state.donors.add(std::move(record));
    }
  }
  {
    SQLite::Statement query(database,
                            "SELECT p.id, p.code, p.name, f.code, p.fund_id, p.psc_rate FROM projects p "
                            "JOIN funds f ON f.id = p.fund_id ORDER BY p.id");
    while (query.executeStep()) {
      detail::ProjectRecord record;
      record.id = query.getColumn(0).getInt64();
      record.code = query.getColumn(1).getString();
      record.event = {record.code, query.getColumn(2).getString(), query.getColumn(3).getString(), std::nullopt};
      if (!query.getColumn(5).isNull()) record.event.psc_rate = Decimal::parse(query.getColumn(5).getString());
      record.fund_id = query.getColumn(4).getInt64();
      state.projects.add(std::move(record));
    }
  }
  {
    SQLite::Statement query(database,
                            "SELECT id, code, donor_id, fund_id, currency_id, IFNULL(project_id, 0), purpose, "
                            "conditional, signed, psc_rate FROM pledges ORDER BY id");
    while (query.executeStep()) {
      detail::PledgeRecord record;
      record.id = query.getColumn(0).getInt64();
      record.code = query.getColumn(1).getString();
      record.donor_id = query.getColumn(2).getInt64();
      record.fund_id = query.getColumn(3).getInt64();
      record.currency_id = query.getColumn(4).getInt64();
      record.project_id = query.getColumn(5).getInt64();
      record.purpose = static_cast<Purpose>(query.getColumn(6).getInt());
      record.conditional = query.getColumn(7).getInt() != 0;
      record.signed_on = Date::from_day_number(query.getColumn(8).getInt());
      if (!query.getColumn(9).isNull()) record.psc_rate = Decimal::parse(query.getColumn(9).getString());
      state.pledges.add(std::move(record));
    }
  }
  {
    SQLite::Statement query(database, "SELECT key, effective, value FROM settings ORDER BY key, effective");
    while (query.executeStep()) {
      state.settings[query.getColumn(0).getString()].values.emplace_back(
          query.getColumn(1).getInt(), query.getColumn(2).getString());
    }
  }
  {
    SQLite::Statement query(database, "SELECT MAX(period) FROM periods");
    last_closed.reset();
    if (query.executeStep() && !query.getColumn(0).isNull()) last_closed = Period::parse(query.getColumn(0).getString());
  }
  SQLite::Statement head(database, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
  if (head.executeStep()) {
    last_seq = head.getColumn(0).getInt64();
    last_hash = head.getColumn(1).getString();
  } else {
    last_seq = 0;
    last_hash = audit::genesis_hash;
  }
}

void Ledger::Impl::refresh_if_changed() {
  const std::int64_t stored_seq = database.execAndGet("SELECT IFNULL(MAX(seq), 0) FROM events").getInt64();
  if (stored_seq != last_seq) load_state();
}

void Ledger::Impl::begin_write() {
  if (mode == OpenMode::read_only) {
    throw Error(ErrorCode::usage, "the ledger " + path + " was opened read-only");
  }
  try {
    database.exec("BEGIN IMMEDIATE");
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "starting to write to " + path);
  }
  in_transaction = true;
  pending.clear();
  pending_monthly.clear();
  stored_cache.clear();
  stored_monthly_cache.clear();
  transaction_recorded_at = recorded_at_override ? *recorded_at_override : detail::utc_timestamp_now();
  try {
    refresh_if_changed();
  } catch (...) {
    rollback();
    throw;
  }
}

void Ledger::Impl::commit() {
  try {
    if (!upsert_balance) {
      upsert_balance = std::make_unique<SQLite::Statement>(
          database,
          "INSERT INTO balances (account_id, fund_id, donor_id, project_id, pledge_id, currency_id, "
          "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
          "debit_minor = debit_minor + excluded.debit_minor, "
          "credit_minor = credit_minor + excluded.credit_minor, "
          "functional_debit_minor = functional_debit_minor + excluded.functional_debit_minor, "
          "functional_credit_minor = functional_credit_minor + excluded.functional_credit_minor");
    }
    for (const auto& [key, sums] : pending) {
      for (int i = 0; i < 6; ++i) upsert_balance->bind(i + 1, key[static_cast<std::size_t>(i)]);
      upsert_balance->bind(7, sums.debit);
      upsert_balance->bind(8, sums.credit);
      upsert_balance->bind(9, sums.functional_debit);
      upsert_balance->bind(10, sums.functional_credit);
      upsert_balance->exec();
      upsert_balance->reset();
    }
    pending.clear();
    if (!upsert_monthly) {
      upsert_monthly = std::make_unique<SQLite::Statement>(
          database,
          "INSERT INTO monthly_balances (account_id, fund_id, currency_id, month, debit_minor, credit_minor, "
          "functional_debit_minor, functional_credit_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
          "debit_minor = debit_minor + excluded.debit_minor, credit_minor = credit_minor + excluded.credit_minor, "
          "functional_debit_minor = functional_debit_minor + excluded.functional_debit_minor, "
          "functional_credit_minor = functional_credit_minor + excluded.functional_credit_minor");
    }
    for (const auto& [key, sums] : pending_monthly) {
      for (int i = 0; i < 4; ++i) upsert_monthly->bind(i + 1, key[static_cast<std::size_t>(i)]);
      upsert_monthly->bind(5, sums.debit);
      upsert_monthly->bind(6, sums.credit);
      upsert_monthly->bind(7, sums.functional_debit);
      upsert_monthly->bind(8, sums.functional_credit);
      upsert_monthly->exec();
      upsert_monthly->reset();
    }
    pending_monthly.clear();
    database.exec("COMMIT");
    in_transaction = false;
    stored_cache.clear();
    stored_monthly_cache.clear();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "committing to " + path);
  }
}

void Ledger::Impl::rollback() noexcept {
  pending.clear();
  pending_monthly.clear();
  stored_cache.clear();
  stored_monthly_cache.clear();
  if (in_transaction) {
    try {
      database.exec("ROLLBACK");
    } catch (...) {
      // The transaction is already gone (SQLite rolls back on some errors by itself).
    }
    in_transaction = false;
  }
  try {
    load_state();
  } catch (...) {
    // The next operation reloads or reports the failure itself.
  }
}

std::string Ledger::Impl::render_postings(const std::vector<StoredPosting>& postings) const {
  // Written field by field in the sorted order of the keys (account, amount, currency, date,
  // donor, functional_amount, fund, pledge, project, recognition, residual, year_end): the canonical form,
  // without building an object per posting.
  std::string out = "[";
  for (std::size_t i = 0; i < postings.size(); ++i) {
    const StoredPosting& p = postings[i];
    if (i) out += ',';
    const auto& currency = state.currencies.by_id(p.currency_id);
    out += "{\"account\":";
    json::append_string(out, state.accounts.by_id(p.account_id).code);
    out += ",\"amount\":\"";
    out += Decimal::from_minor_units(p.amount_minor, currency.minor_units).to_string();
    out += "\",\"currency\":";
    json::append_string(out, currency.code);
    if (p.date) {
      out += ",\"date\":\"";
      out += Date::from_day_number(*p.date).to_string();
      out += '"';
    }
    if (p.donor_id) {
      out += ",\"donor\":";
      json::append_string(out, state.donors.by_id(p.donor_id).code);
    }
    out += ",\"functional_amount\":\"";
    out += Decimal::from_minor_units(p.functional_minor, 2).to_string();
    out += "\",\"fund\":";
    json::append_string(out, state.funds.by_id(p.fund_id).code);
    if (p.pledge_id) {
      out += ",\"pledge\":";
      json::append_string(out, state.pledges.by_id(p.pledge_id).code);
    }
    if (p.project_id) {
      out += ",\"project\":";
      json::append_string(out, state.projects.by_id(p.project_id).code);
    }
    if (p.kind == detail::PostingKind::recognition) out += ",\"recognition\":true";
    if (p.kind == detail::PostingKind::rounding_residual) out += ",\"residual\":true";
    if (p.kind == detail::PostingKind::year_end) out += ",\"year_end\":true";
    out += '}';
  }
  out += ']';
  return out;
}

detail::BalanceSums Ledger::Impl::stored_sums_of(const detail::BalanceKeyIds& key) {
  if (in_transaction) {
    auto found = stored_cache.find(key);
    if (found != stored_cache.end()) return found->second;
  }
  if (!select_balance) {
    select_balance = std::make_unique<SQLite::Statement>(
        database,
        "SELECT debit_minor, credit_minor, functional_debit_minor, functional_credit_minor FROM balances "
        "WHERE account_id = ? AND fund_id = ? AND donor_id = ? AND project_id = ? AND pledge_id = ? "
        "AND currency_id = ?");
  }
  detail::BalanceSums sums;
  for (int i = 0; i < 6; ++i) select_balance->bind(i + 1, key[static_cast<std::size_t>(i)]);
  if (select_balance->executeStep()) {
    sums = {select_balance->getColumn(0).getInt64(), select_balance->getColumn(1).getInt64(),
            select_balance->getColumn(2).getInt64(), select_balance->getColumn(3).getInt64()};
  }
  select_balance->reset();
  // Stored sums change only at a commit: within a write transaction they can be kept.
  if (in_transaction) stored_cache.emplace(key, sums);
  return sums;
}

detail::BalanceSums Ledger::Impl::stored_monthly_sums_of(const std::array<std::int64_t, 4>& key) {
  if (in_transaction) {
    auto found = stored_monthly_cache.find(key);
    if (found != stored_monthly_cache.end()) return found->second;
  }
  SQLite::Statement query(database,
                          "SELECT debit_minor, credit_minor, functional_debit_minor, functional_credit_minor "
                          "FROM monthly_balances WHERE account_id = ? AND fund_id = ? AND currency_id = ? AND month = ?");
  for (int i = 0; i < 4; ++i) query.bind(i + 1, key[static_cast<std::size_t>(i)]);
  detail::BalanceSums sums;
  if (query.executeStep()) {
    sums = {query.getColumn(0).getInt64(), query.getColumn(1).getInt64(), query.getColumn(2).getInt64(),
            query.getColumn(3).getInt64()};
  }
  if (in_transaction) stored_monthly_cache.emplace(key, sums);
  return sums;
}

void Ledger::Impl::check_headroom(std::optional<Date> date, const std::vector<StoredPosting>& postings) {
  // What is stored, plus what this transaction added, plus these postings, must stay within the
  // range of a stored amount: refused here as bad input rather than failing in the database.
  std::unordered_map<detail::BalanceKeyIds, detail::BalanceSums, detail::BalanceKeyHash> added;
  std::map<std::array<std::int64_t, 4>, detail::BalanceSums> added_monthly;
  for (const StoredPosting& p : postings) {
    const detail::BalanceKeyIds key{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id};
    const std::int32_t posting_day = p.date ? *p.date : (date ? date->day_number() : 0);
    const std::array<std::int64_t, 4> month{p.account_id, p.fund_id, p.currency_id,
                                            detail::month_index(Date::from_day_number(posting_day))};
    auto [sums, fresh] = added.try_emplace(key);
    if (fresh) sums->second = detail::plus(stored_sums_of(key), pending_sums(pending, key));
    auto [monthly, fresh_month] = added_monthly.try_emplace(month);
    if (fresh_month) monthly->second = detail::plus(stored_monthly_sums_of(month), pending_sums(pending_monthly, month));
    try {
      detail::add_posting_to(sums->second, p);
      detail::add_posting_to(monthly->second, p);
    } catch (const Error&) {
      const auto& currency = state.currencies.by_id(p.currency_id);
      throw Error(ErrorCode::bad_input,
                  detail::field_error("amount", "the balance of account " + state.accounts.by_id(p.account_id).code +
                                                    " in fund " + state.funds.by_id(p.fund_id).code + " (" +
                                                    currency.code + ") would exceed what the ledger can hold exactly "
                                                    "(9223372036854775807 minor units, in the currency and in USD "
                                                    "cents)"));
    }
  }
}

std::int64_t Ledger::Impl::append_event(const char* type, std::string_view event_id,
                                        std::optional<Date> date, const std::string& body_json,
                                        const std::vector<StoredPosting>& postings) {
  check_headroom(date, postings);
  const std::int64_t seq = last_seq + 1;
  std::optional<std::string> postings_json;
  if (!postings.empty()) postings_json = render_postings(postings);
  const std::string line = detail::render_export_line(body_json, seq, transaction_recorded_at,
                                                      postings_json, last_hash, {});
  last_postings_json = postings_json;
  std::string hash = audit::sha256_hex(last_hash, line);

  if (!insert_event) {
    insert_event = std::make_unique<SQLite::Statement>(
        database,
        "INSERT INTO events (seq, event_id, type, date, body, recorded_at, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    insert_posting = std::make_unique<SQLite::Statement>(
        database,
        "INSERT INTO postings (seq, line, date, account_id, fund_id, donor_id, project_id, "
        "pledge_id, currency_id, amount_minor, functional_minor, kind) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }
  SQLite::Statement& event_statement = *insert_event;
  event_statement.bind(1, seq);
  if (event_id.empty()) {
    event_statement.bind(2);
  } else {
    event_statement.bind(2, std::string(event_id));
  }
  event_statement.bindNoCopy(3, type);
  if (date) {
    event_statement.bind(4, date->day_number());
  } else {
    event_statement.bind(4);
  }
  event_statement.bindNoCopy(5, body_json);
  event_statement.bindNoCopy(6, transaction_recorded_at);
  event_statement.bindNoCopy(7, last_hash);
  event_statement.bindNoCopy(8, hash);
  event_statement.exec();
  event_statement.reset();

  int line_number = 0;
  for (const StoredPosting& p : postings) {
    SQLite::Statement& statement = *insert_posting;
    statement.bind(1, seq);
    statement.bind(2, line_number++);
    statement.bind(3, p.date ? *p.date : (date ? date->day_number() : 0));
    statement.bind(4, p.account_id);
    statement.bind(5, p.fund_id);
    auto bind_optional = [&statement](int index, std::int64_t id) {
      if (id) {
        statement.bind(index, id);
      } else {
        statement.bind(index);
      }
    };
    bind_optional(6, p.donor_id);
    bind_optional(7, p.project_id);
    bind_optional(8, p.pledge_id);
    statement.bind(9, p.currency_id);
    statement.bind(10, p.amount_minor);
    statement.bind(11, p.functional_minor);
    statement.bind(12, static_cast<int>(p.kind));
    statement.exec();
    statement.reset();

    if (latest_cash_day) {
      const auto* cash = state.accounts.find("1100");
      if (cash && p.account_id == cash->id) {
        const std::int32_t day = p.date ? *p.date : (date ? date->day_number() : 0);
        auto [it, inserted] = latest_cash_day->try_emplace(p.fund_id, day);
        if (!inserted && it->second < day) it->second = day;
      }
    }
    auto& sums = pending[{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id}];
    const std::int32_t posting_day = p.date ? *p.date : (date ? date->day_number() : 0);
    auto& monthly = pending_monthly[{p.account_id, p.fund_id, p.currency_id,
                                     detail::month_index(Date::from_day_number(posting_day))}];
    for (auto* totals : {&sums, &monthly}) detail::add_posting_to(*totals, p);
  }
  last_seq = seq;
  last_hash = std::move(hash);
  return seq;
}

std::vector<StoredPosting> Ledger::Impl::load_postings(std::int64_t seq) {
  SQLite::Statement query(database,
                          "SELECT account_id, fund_id, IFNULL(donor_id, 0), IFNULL(project_id, 0), "
                          "IFNULL(pledge_id, 0), currency_id, amount_minor, functional_minor, kind, "
                          "postings.date, events.date FROM postings JOIN events USING (seq) WHERE seq = ? "
                          "ORDER BY line");
  query.bind(1, seq);
  std::vector<StoredPosting> postings;
  while (query.executeStep()) {
    StoredPosting p;
    p.account_id = query.getColumn(0).getInt64();
    p.fund_id = query.getColumn(1).getInt64();
    p.donor_id = query.getColumn(2).getInt64();
    p.project_id = query.getColumn(3).getInt64();
    p.pledge_id = query.getColumn(4).getInt64();
    p.currency_id = query.getColumn(5).getInt64();
    p.amount_minor = query.getColumn(6).getInt64();
    p.functional_minor = query.getColumn(7).getInt64();
    p.kind = static_cast<detail::PostingKind>(query.getColumn(8).getInt());
    if (query.getColumn(10).isNull() || query.getColumn(9).getInt() != query.getColumn(10).getInt()) {
      p.date = query.getColumn(9).getInt();
    }
    postings.push_back(p);
  }
  return postings;
}

// ---- Ledger ----

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

const std::string& Ledger::path() const { return impl_->path; }

Ledger Ledger::create(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored)) {
    throw Error(ErrorCode::output_uncreatable,
                "cannot create the ledger " + path + ": the file already exists");
  }
  try {
    return Ledger(std::make_unique<Impl>(path, OpenMode::read_write, true));
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    throw Error(ErrorCode::output_uncreatable,
                "cannot create the ledger " + path + ": " + error.what());
  }
}

Ledger Ledger::open(const std::string& path, OpenMode mode) {
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(path, ignored)) {
    throw Error(ErrorCode::input_unreadable,
                "cannot open the ledger " + path + ": no such file (create one with fundledger init)");
  }
  try {
    return Ledger(std::make_unique<Impl>(path, mode, false));
  } catch (const Error& error) {
    if (error.code() == ErrorCode::storage) {
      throw Error(ErrorCode::storage, "cannot open the ledger " + path + ": " + error.what());
    }
    throw;
  } catch (const std::exception& error) {
    try {
      detail::throw_storage_error(error, "opening it");
    } catch (const Error& mapped) {
      throw Error(mapped.code(), "cannot open the ledger " + path + ": " + mapped.what());
    }
  }
}

RecordResult Ledger::record(const Event& event) {
  try {
    return impl_->in_write_transaction([&] { return impl_->record_one(event); });
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "recording an event");
  }
}

std::vector<RecordResult> Ledger::record_batch(const std::vector<Event>& events) {
  try {
    return impl_->in_write_transaction([&] {
      std::vector<RecordResult> results;
      results.reserve(events.size());
      for (std::size_t i = 0; i < events.size(); ++i) {
        try {
          results.push_back(impl_->record_one(events[i]));
        } catch (const Error& error) {
          throw Error(error.code(), "event " + std::to_string(i + 1) + ": " + error.what());
        }
      }
      return results;
    });
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "recording events");
  }
}

ImportResult Ledger::import_jsonl(std::istream& input, const std::string& source_name,
                                  const ProgressCallback& progress) {
  ImportResult result;
  std::uint64_t total_bytes = 0;
  if (progress) {
    const auto start = input.tellg();
    if (start != std::streampos(-1)) {
      input.seekg(0, std::ios::end);
      total_bytes = static_cast<std::uint64_t>(input.tellg() - start);
      input.seekg(start);
    }
  }
  try {
    impl_->in_write_transaction([&] {
      std::string line;
      std::uint64_t line_number = 0;
      std::uint64_t bytes = 0;
      while (std::getline(input, line)) {
        ++line_number;
        bytes += line.size() + 1;
        const std::string where = source_name + ":" + std::to_string(line_number) + ": ";
        if (line.size() > limits::max_journal_line_bytes) {
          throw Error(ErrorCode::bad_input, where + "line longer than " +
                                                std::to_string(limits::max_journal_line_bytes) +
                                                " bytes");
        }
        // A byte-order mark before the first event and CR line ends (files from Windows) are
        // accepted: they carry no meaning in JSON Lines.
        if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
        try {
          RecordResult recorded = impl_->record_one(parse_event(line));
          ++result.lines;
          recorded.recorded ? ++result.recorded : ++result.already_recorded;
        } catch (const Error& error) {
          throw Error(error.code(), where + error.what());
        }
        if (progress && (line_number & 1023) == 0) progress({bytes, total_bytes});
      }
      if (input.bad()) {
        throw Error(ErrorCode::input_unreadable, "cannot read " + source_name);
      }
      if (progress) progress({total_bytes ? total_bytes : bytes, total_bytes});
    });
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "importing " + source_name);
  }
  return result;
}

std::int64_t Ledger::event_count() const {
  return impl_->database.execAndGet("SELECT IFNULL(MAX(seq), 0) FROM events").getInt64();
}

std::string Ledger::head_hash() const {
  SQLite::Statement query(impl_->database, "SELECT hash FROM events ORDER BY seq DESC LIMIT 1");
  return query.executeStep() ? query.getColumn(0).getString() : audit::genesis_hash;
}

}  // namespace fundledger
