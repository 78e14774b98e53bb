// The audit trail: export, verify and replay of the hash-chained journal.
#include "audit/difference.hpp"
#include "audit/hash.hpp"
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"

#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <filesystem>
#include <limits>
#include <istream>
#include <map>
#include <unordered_map>
#include <ostream>

namespace fundledger {

using detail::StoredPosting;

namespace {

// Walks the journal in seq order, each event with its stored postings.
class JournalReader {
 public:
  explicit JournalReader(SQLite::Database& database)
      : events_(database,
                "SELECT seq, type, body, recorded_at, prev_hash, hash, IFNULL(event_id, ''), date "
                "FROM events ORDER BY seq"),
        postings_(database,
                  "SELECT seq, account_id, fund_id, IFNULL(donor_id, 0), IFNULL(project_id, 0), "
                  "IFNULL(pledge_id, 0), currency_id, amount_minor, functional_minor, kind, date "
                  "FROM postings ORDER BY seq, line") {
    posting_pending_ = postings_.executeStep();
  }

  bool next() {
    if (!events_.executeStep()) return false;
    seq = events_.getColumn(0).getInt64();
    type = events_.getColumn(1).getString();
    body = events_.getColumn(2).getString();
    recorded_at = events_.getColumn(3).getString();
    prev_hash = events_.getColumn(4).getString();
    hash = events_.getColumn(5).getString();
    event_id = events_.getColumn(6).getString();
    date = events_.getColumn(7).isNull() ? std::optional<std::int32_t>() : events_.getColumn(7).getInt();
    postings.clear();
    posting_dates.clear();
    orphan_postings_seq = 0;
    // Postings of a seq that has no event (a deleted event) are reported by the caller.
    while (posting_pending_ && postings_.getColumn(0).getInt64() < seq) {
      orphan_postings_seq = postings_.getColumn(0).getInt64();
      posting_pending_ = postings_.executeStep();
    }
    while (posting_pending_ && postings_.getColumn(0).getInt64() == seq) {
      StoredPosting p;
      p.account_id = postings_.getColumn(1).getInt64();
      p.fund_id = postings_.getColumn(2).getInt64();
      p.donor_id = postings_.getColumn(3).getInt64();
      p.project_id = postings_.getColumn(4).getInt64();
      p.pledge_id = postings_.getColumn(5).getInt64();
      p.currency_id = postings_.getColumn(6).getInt64();
      p.amount_minor = postings_.getColumn(7).getInt64();
      p.functional_minor = postings_.getColumn(8).getInt64();
      p.kind = static_cast<detail::PostingKind>(postings_.getColumn(9).getInt());
      const std::int32_t posting_date = postings_.getColumn(10).getInt();
      if (!date || posting_date != *date) p.date = posting_date;
      postings.push_back(p);
      posting_dates.push_back(posting_date);
      posting_pending_ = postings_.executeStep();
    }
    return true;
  }

  std::int64_t seq = 0;
  std::string type;
  std::string body;
  std::string recorded_at;
  std::string prev_hash;
  std::string hash;
  std::string event_id;
  std::optional<std::int32_t> date;
  std::vector<StoredPosting> postings;
  std::vector<std::int32_t> posting_dates;
  std::int64_t orphan_postings_seq = 0;

 private:
  SQLite::Statement events_;
  SQLite::Statement postings_;
  bool posting_pending_ = false;
};

// Why an entry's postings do not balance, or empty when they do (invariants 1-3).
std::string balance_problem(const std::vector<StoredPosting>& postings) {
  if (postings.size() < 2) return "an entry has fewer than two postings";
  std::map<std::pair<std::int64_t, std::int64_t>, Decimal::Coefficient> by_fund_currency;
  std::map<std::int64_t, Decimal::Coefficient> functional_by_fund;
  for (const StoredPosting& p : postings) {
    by_fund_currency[{p.fund_id, p.currency_id}] += p.amount_minor;
    functional_by_fund[p.fund_id] += p.functional_minor;
  }
  for (const auto& [key, sum] : by_fund_currency) {
    if (sum != 0) return "the postings of a fund in one currency do not sum to zero";
  }
  for (const auto& [fund, sum] : functional_by_fund) {
    if (sum != 0) return "the USD amounts of a fund do not sum to zero";
  }
  return {};
}

std::optional<std::string> postings_json_of(const Ledger::Impl& impl,
                                            const std::vector<StoredPosting>& postings) {
  if (postings.empty()) return std::nullopt;
  return impl.render_postings(postings);
}

bool references_exist(const Ledger::Impl& impl, const std::vector<StoredPosting>& postings) {
  const auto& state = impl.state;
  auto in = [](const auto& table, std::int64_t id, bool optional) {
    if (optional && id == 0) return true;
    return id >= 1 && id <= static_cast<std::int64_t>(table.all().size());
  };
  for (const StoredPosting& p : postings) {
    if (!in(state.accounts, p.account_id, false) || !in(state.funds, p.fund_id, false) ||
        !in(state.donors, p.donor_id, true) || !in(state.projects, p.project_id, true) ||
        !in(state.pledges, p.pledge_id, true) || !in(state.currencies, p.currency_id, false)) {
      return false;
    }
  }
  return true;
}


// A ledger built in memory from the stored events, through the same recording path as every
// writer: what the journal says every stored row should be.
class Rebuild {
 public:
  Rebuild() : impl_(std::make_unique<Ledger::Impl>(":memory:", OpenMode::read_write, true)) { impl_->begin_write(); }

  // Records the stored event again and returns what differs from its stored postings and hash,
  // or empty when the event re-derives to what is stored.
  std::string record(const JournalReader& reader, const Ledger::Impl& stored) {
    Event event;
    try {
      event = stored_event(reader, stored);
    } catch (const Error& error) {
      return std::string("the stored body is not a valid event: ") + error.what();
    }
    impl_->recorded_at_override = reader.recorded_at;
    impl_->transaction_recorded_at = reader.recorded_at;
    RecordResult result;
    try {
      result = impl_->record_one(event);
    } catch (const Error& error) {
      return std::string("re-executed, the event is refused: ") + error.what();
    }
    if (!result.recorded) return "re-executed, the event repeats seq " + std::to_string(result.seq);
    const std::string difference = audit::postings_difference(impl_->last_postings_json, postings_json_of(stored, reader.postings));
    if (!difference.empty()) return "re-executed, the event posts otherwise: " + difference;
    if (impl_->last_hash != reader.hash) return "re-executed, the event hashes otherwise: " + impl_->last_hash;
    return {};
  }

  SQLite::Database& finish() {
    impl_->commit();
    return impl_->database;
  }

 private:
  // The event as recorded: its stored body, and for an entry the postings it was given (the stored
  // ones but the residual the ledger added).
  static Event stored_event(const JournalReader& reader, const Ledger::Impl& stored) {
    Event event = detail::parse_stored_body(reader.body);
    if (auto* entry = std::get_if<EntryEvent>(&event)) {
      const auto& state = stored.state;
      for (const StoredPosting& p : reader.postings) {
        if (p.kind == detail::PostingKind::rounding_residual) continue;
        const auto& currency = state.currencies.by_id(p.currency_id);
        PostingInput input;
        input.account = state.accounts.by_id(p.account_id).code;
        input.fund = state.funds.by_id(p.fund_id).code;
        input.currency = currency.code;
        input.amount = Decimal::from_minor_units(p.amount_minor, currency.minor_units);
        if (p.donor_id) input.donor = state.donors.by_id(p.donor_id).code;
        if (p.project_id) input.project = state.projects.by_id(p.project_id).code;
        if (p.pledge_id) input.pledge = state.pledges.by_id(p.pledge_id).code;
        entry->postings.push_back(std::move(input));
      }
    }
    return event;
  }

  std::unique_ptr<Ledger::Impl> impl_;
};

// A table of the store, its key columns and the rest, as compared between the stored ledger and
// its rebuild, and how a row is named in a message.
struct TableSpec {
  const char* name;
  const char* key;      // the key columns, comma separated (also the order)
  const char* columns;  // every other column
  const char* row;      // "the seal of", "the balances row of"...
};

// Every table of the schema. Each row is a projection of the journal, or the journal itself.
constexpr TableSpec compared_tables[] = {
    {"events", "seq", "event_id, type, date, body, recorded_at, prev_hash, hash", "the event of"},
    {"postings", "seq, line",
     "date, account_id, fund_id, donor_id, project_id, pledge_id, currency_id, amount_minor, functional_minor, kind",
     "the posting of"},
    {"currencies", "id", "code, minor_units, declared", "the currencies row of"},
    {"accounts", "id", "code, name, class, seq", "the accounts row of"},
    {"funds", "id", "code, name, kind, parent_id, seq", "the funds row of"},
    {"donors", "id", "code, name, category, country, seq", "the donors row of"},
    {"projects", "id", "code, name, fund_id, psc_rate, seq", "the projects row of"},
    {"pledges", "id",
     "code, seq, donor_id, fund_id, purpose, currency_id, amount_minor, signed, conditional, project_id, psc_rate, "
     "reversed",
     "the pledges row of"},
    {"instalments", "pledge_id, line", "due, amount_minor, recognized", "the instalments row of"},
    {"rates", "currency_id, effective", "per_usd, seq", "the rates row of"},
    {"settings", "key, effective", "value, seq", "the settings row of"},
    {"holdings", "seq", "account_id, fund_id, donor_id, pledge_id, currency_id, amount_minor, functional_minor",
     "the holdings row of"},
    {"holding_moves", "event_seq, holding_seq, amount_minor, functional_minor", "", "the holding_moves row of"},
    {"reversals", "reversed_seq", "reversal_seq", "the reversals row of"},
    {"periods", "period", "close_seq, head_hash, balances_hash", "the seal of"},
    {"balances", "account_id, fund_id, donor_id, project_id, pledge_id, currency_id",
     "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor", "the balances row of"},
    {"monthly_balances", "account_id, fund_id, currency_id, month",
     "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor", "the monthly_balances row of"},
};

std::vector<std::string> column_names(const char* list) {
  std::vector<std::string> names;
  std::string_view text = list;
  while (!text.empty()) {
    const std::size_t comma = std::min(text.find(','), text.size());
    names.emplace_back(text.substr(0, comma));
    text.remove_prefix(std::min(text.size(), comma + 1));
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  }
  return names;
}

// Reads a table's rows in key order, one at a time, as text.
class TableRows {
 public:
  TableRows(SQLite::Database& database, const TableSpec& table)
      : query_(database, std::string("SELECT ") + table.key + (*table.columns ? ", " : "") + table.columns +
                             " FROM " + table.name + " ORDER BY " + table.key) {
    advance();
  }
  bool done() const { return done_; }
  const std::vector<std::string>& values() const { return values_; }
  void advance() {
    done_ = !query_.executeStep();
    if (done_) return;
    values_.clear();
    for (int i = 0; i < query_.getColumnCount(); ++i) {
      const SQLite::Column column = query_.getColumn(i);
      values_.push_back(column.isNull() ? "NULL" : column.getString());
    }
  }

 private:
  SQLite::Statement query_;
  bool done_ = false;
  std::vector<std::string> values_;
};

bool is_integer(const std::string& text) {
  return !text.empty() && text.find_first_not_of("-0123456789") == std::string::npos;
}

// Key order: numbers as numbers (seq 10 after seq 9), others as text.
int compare_keys(const std::vector<std::string>& a, const std::vector<std::string>& b, std::size_t key_count) {
  for (std::size_t i = 0; i < key_count; ++i) {
    if (is_integer(a[i]) && is_integer(b[i])) {
      const long long x = std::stoll(a[i]);
      const long long y = std::stoll(b[i]);
      if (x != y) return x < y ? -1 : 1;
    } else if (a[i] != b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return 0;
}

// A column's value as a person reads it: codes for ids, ISO dates for day numbers, months as
// YYYY-MM. A master table's own id is its code.
std::string readable(const Ledger::Impl& impl, const std::string& column, const std::string& value,
                     std::string_view table = {}) {
  if (!is_integer(value)) return value;
  const long long number = std::stoll(value);
  const auto& state = impl.state;
  auto code = [&](const auto& records) -> std::string {
    if (number < 1 || number > static_cast<long long>(records.all().size())) return value;
    return records.by_id(number).code;
  };
  if (column == "id") {
    if (table == "currencies") return code(state.currencies);
    if (table == "accounts") return code(state.accounts);
    if (table == "funds") return code(state.funds);
    if (table == "donors") return code(state.donors);
    if (table == "projects") return code(state.projects);
    if (table == "pledges") return code(state.pledges);
  }
  if (column == "effective" && number == detail::beginning_of_time) return "from the beginning";
  if (column == "account_id") return code(state.accounts);
  if (column == "fund_id" || column == "parent_id") return code(state.funds);
  if (column == "donor_id") return number ? code(state.donors) : "none";
  if (column == "project_id") return number ? code(state.projects) : "none";
  if (column == "pledge_id") return number ? code(state.pledges) : "none";
  if (column == "currency_id") return code(state.currencies);
  if ((column == "effective" || column == "due" || column == "date" || column == "signed") &&
      number > -1000000 && number < 3000000) {
    return Date::from_day_number(static_cast<std::int32_t>(number)).to_string();
  }
  if (column == "month") return std::to_string(number / 12) + "-" + (number % 12 < 9 ? "0" : "") + std::to_string(number % 12 + 1);
  return value;
}

std::string strip_id(const std::string& column) {
  return column.size() > 3 && column.compare(column.size() - 3, 3, "_id") == 0 ? column.substr(0, column.size() - 3)
                                                                                  : column;
}

// "account 1100, fund CPCJF, currency EUR, month 2024-03": a row's key, with codes for ids.
std::string describe_key(const Ledger::Impl& impl, std::string_view table, const std::vector<std::string>& names,
                         const std::vector<std::string>& values, std::size_t key_count) {
  std::string out;
  for (std::size_t i = 0; i < key_count; ++i) {
    // A balance's absent dimensions are not worth naming.
    if (values[i] == "0" && (names[i] == "donor_id" || names[i] == "project_id" || names[i] == "pledge_id")) continue;
    // A seal is named by its month, a master record by its code.
    const std::string label = names[i] == "period" || names[i] == "id" ? "" : strip_id(names[i]) + " ";
    out += (out.empty() ? "" : ", ") + label + readable(impl, names[i], values[i], table);
  }
  return out;
}

// The columns that differ between a stored row and the row the journal gives.
std::string column_differences(const Ledger::Impl& impl, const std::vector<std::string>& names,
                               const std::vector<std::string>& stored, const std::vector<std::string>& expected,
                               std::size_t key_count) {
  std::string out;
  for (std::size_t i = key_count; i < names.size(); ++i) {
    if (stored[i] == expected[i]) continue;
    out += (out.empty() ? "" : "; ") + names[i] + " stored " + readable(impl, names[i], stored[i]) +
           ", the journal gives " + readable(impl, names[i], expected[i]);
  }
  return out;
}

// The event a row names (the event that recorded it), or 0.
std::int64_t seq_of_row(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  for (const char* column : {"seq", "close_seq", "declared", "event_seq", "reversal_seq"}) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == column && is_integer(values[i])) return std::stoll(values[i]);
    }
  }
  return 0;
}

struct TableDifference {
  std::int64_t seq = 0;  // the event the row names, 0 for none
  std::string problem;   // empty: none
};

// The first row in which a table of the store differs from its rebuild, or none.
TableDifference table_difference(Ledger::Impl& impl, SQLite::Database& rebuilt, const TableSpec& table) {
  std::vector<std::string> names = column_names(table.key);
  const std::size_t key_count = names.size();
  for (std::string& name : column_names(table.columns)) names.push_back(std::move(name));
  TableRows stored(impl.database, table);
  TableRows expected(rebuilt, table);
  auto named = [&](const std::vector<std::string>& values) {
    return std::string(table.row) + " " + describe_key(impl, table.name, names, values, key_count);
  };
  while (!stored.done() || !expected.done()) {
    const int order = stored.done()     ? 1
                      : expected.done() ? -1
                                        : compare_keys(stored.values(), expected.values(), key_count);
    if (order < 0) {
      return {seq_of_row(names, stored.values()), named(stored.values()) + " is stored, but the journal gives no such row"};
    }
    if (order > 0) {
      return {seq_of_row(names, expected.values()), named(expected.values()) + " is missing, though the journal gives it"};
    }
    if (stored.values() != expected.values()) {
      return {seq_of_row(names, expected.values()),
              named(stored.values()) + " differs from what the journal gives: " +
                  column_differences(impl, names, stored.values(), expected.values(), key_count)};
    }
    stored.advance();
    expected.advance();
  }
  return {};
}

// Whether an export line hashes to the hash it carries, as recorded.
bool line_hash_matches(const detail::ParsedLine& parsed) {
  const detail::ExportFields& exported = *parsed.exported;
  std::string line;
  try {
    line = detail::render_export_line(detail::body_fields(parsed.event).render(), exported.seq, exported.recorded_at,
                                      exported.postings_json, exported.prev_hash, {});
  } catch (const Error&) {
    return false;
  }
  return audit::sha256_hex(exported.prev_hash, line) == exported.hash;
}

}  // namespace

std::int64_t export_journal(const Ledger& ledger, std::ostream& out, const ProgressCallback& progress) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  std::int64_t written = 0;
  try {
    SQLite::Transaction snapshot(impl.database);
    impl.refresh_if_changed();
    const std::int64_t total = impl.last_seq;
    JournalReader reader(impl.database);
    std::string line;
    while (reader.next()) {
      if (!references_exist(impl, reader.postings)) {
        throw Error(ErrorCode::storage, "event " + std::to_string(reader.seq) +
                                            " names a master record that does not exist: run fundledger verify");
      }
      line = detail::render_export_line(reader.body, reader.seq, reader.recorded_at,
                                        postings_json_of(impl, reader.postings), reader.prev_hash,
                                        reader.hash);
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      ++written;
      if (progress && (written & 1023) == 0) progress({static_cast<std::uint64_t>(written), static_cast<std::uint64_t>(total)});
    }
    if (!out) throw Error(ErrorCode::output_uncreatable, "writing the journal failed");
    if (progress) progress({static_cast<std::uint64_t>(written), static_cast<std::uint64_t>(total)});
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "exporting the journal");
  }
  return written;
}

VerifyReport verify(const Ledger& ledger, const ProgressCallback& progress) {
  return verify(ledger, VerifyOptions{}, progress);
}

namespace {

// Whether the journal ends where the auditor's working papers say: a journal cut short or extended
// is a difference.
std::string head_difference(const std::string& head, std::int64_t events, const std::string& expected,
                            std::int64_t expected_seen_at) {
  if (expected.empty() || head == expected) return {};
  if (expected_seen_at) {
    return "the journal goes on after the expected head " + expected + " (seq " + std::to_string(expected_seen_at) +
           "): " + std::to_string(events - expected_seen_at) + " more event(s), to head " + head;
  }
  return "the journal's head is " + head + " (" + std::to_string(events) + " events), not the expected " + expected +
         ": the journal was cut short, or rewritten";
}

}  // namespace

VerifyReport verify(const Ledger& ledger, const VerifyOptions& options, const ProgressCallback& progress) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  VerifyReport report;
  auto fail = [&report](std::int64_t seq, std::string problem) {
    report.ok = false;
    report.first_bad_seq = seq;
    report.problem = std::move(problem);
    return report;
  };
  try {
    SQLite::Transaction snapshot(impl.database);
    impl.load_state();
    const std::int64_t total = impl.last_seq;
    JournalReader reader(impl.database);
    Rebuild rebuild;
    std::string expected_prev = audit::genesis_hash;
    std::int64_t expected_seq = 1;
    std::int64_t expected_head_seq = 0;
    while (reader.next()) {
      const std::int64_t seq = reader.seq;
      if (reader.orphan_postings_seq) {
        return fail(reader.orphan_postings_seq, "postings of seq " + std::to_string(reader.orphan_postings_seq) +
                                                    " belong to no event: an event was deleted");
      }
      if (seq != expected_seq) {
        return fail(expected_seq, "seq " + std::to_string(expected_seq) + " is missing: the journal jumps to seq " +
                                      std::to_string(seq));
      }
      if (reader.prev_hash != expected_prev) return fail(seq, "prev_hash does not equal the hash of the event before it");
      if (!references_exist(impl, reader.postings)) return fail(seq, "a posting names a master record that does not exist");
      if (reader.type == "entry" || !reader.postings.empty()) {
        std::string problem = balance_problem(reader.postings);
        if (!problem.empty()) return fail(seq, problem);
      }
      std::string line;
      try {
        line = detail::render_export_line(reader.body, seq, reader.recorded_at, postings_json_of(impl, reader.postings),
                                          reader.prev_hash, {});
      } catch (const Error& error) {
        return fail(seq, error.what());
      }
      const std::string hash = audit::sha256_hex(reader.prev_hash, line);
      if (hash != reader.hash) {
        return fail(seq, "the hash does not match the event's content: the event or its postings were changed");
      }
      // The event recorded again must post and hash exactly as stored.
      if (std::string problem = rebuild.record(reader, impl); !problem.empty()) return fail(seq, problem);
      if (hash == options.expect_head) expected_head_seq = seq;
      expected_prev = hash;
      ++expected_seq;
      ++report.events;
      if (progress && (report.events & 1023) == 0) {
        progress({static_cast<std::uint64_t>(report.events), static_cast<std::uint64_t>(total)});
      }
    }
    // Postings after the last event.
    const std::int64_t stray = impl.database
                                   .execAndGet("SELECT IFNULL(MAX(seq), 0) FROM postings WHERE seq > " +
                                               std::to_string(expected_seq - 1))
                                   .getInt64();
    if (stray) return fail(stray, "postings of seq " + std::to_string(stray) + " belong to no event");
    report.head_hash = expected_prev;

    // Every row of every table is what the journal gives: the projections, the balances by group
    // and by month, the seals.
    SQLite::Database& rebuilt = rebuild.finish();
    for (const TableSpec& table : compared_tables) {
      if (TableDifference difference = table_difference(impl, rebuilt, table); !difference.problem.empty()) {
        return fail(difference.seq, difference.problem);
      }
    }
    if (std::string problem = head_difference(report.head_hash, report.events, options.expect_head, expected_head_seq);
        !problem.empty()) {
      return fail(0, problem);
    }
    if (progress) progress({static_cast<std::uint64_t>(report.events), static_cast<std::uint64_t>(total)});
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "verifying the ledger");
  }
  return report;
}

ReplayReport replay(std::istream& journal, const std::string& source_name, const std::string& new_path,
                    const ProgressCallback& progress) {
  return replay(journal, source_name, new_path, VerifyOptions{}, progress);
}

ReplayReport replay(std::istream& journal, const std::string& source_name, const std::string& new_path,
                    const VerifyOptions& options, const ProgressCallback& progress) {
  ReplayReport report;
  std::int64_t expected_head_seq = 0;
  bool keep = false;
  std::exception_ptr failure;
  // The ledger is built under another name and given its own only once complete, so that a replay
  // that fails, or is killed, never leaves a half-built ledger at new_path. A leftover of a killed
  // replay is cleared first.
  std::error_code exists_error;
  if (std::filesystem::exists(new_path, exists_error)) {
    throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + new_path + ": the file already exists");
  }
  const std::string building = new_path + ".replaying";
  auto remove_ledger_files = [](const std::string& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(path + "-wal", ignored);
    std::filesystem::remove(path + "-shm", ignored);
  };
  remove_ledger_files(building);
  {
    Ledger ledger = Ledger::create(building);
    Ledger::Impl& impl = ledger.impl();
    try {
      impl.begin_write();
      std::string line;
      std::uint64_t line_number = 0;
      std::uint64_t bytes = 0;
      while (std::getline(journal, line)) {
        ++line_number;
        bytes += line.size() + 1;
        if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        const std::string where = source_name + ":" + std::to_string(line_number) + ": ";
        detail::ParsedLine parsed;
        try {
          if (line.size() > limits::max_journal_line_bytes) {
            throw Error(ErrorCode::bad_input, "line longer than " + std::to_string(limits::max_journal_line_bytes) + " bytes");
          }
          parsed = detail::parse_line(line, true);
        } catch (const Error& error) {
          throw Error(error.code(), where + error.what());
        }
        const detail::ExportFields& exported = *parsed.exported;
        const std::int64_t expected_seq = impl.last_seq + 1;
        auto differ = [&](std::int64_t seq, std::string problem) {
          report.ok = false;
          report.first_bad_seq = seq;
          report.problem = where + problem;
        };
        if (exported.seq != expected_seq) {
          differ(expected_seq, "seq is " + std::to_string(exported.seq) + ", expected " +
                                   std::to_string(expected_seq) + " (an event is missing, repeated or moved)");
          break;
        }
        if (exported.prev_hash != impl.last_hash) {
          differ(expected_seq, "prev_hash differs from the hash of the event before it");
          break;
        }
        impl.recorded_at_override = exported.recorded_at;
        impl.transaction_recorded_at = exported.recorded_at;
        RecordResult result;
        try {
          result = impl.record_one(parsed.event);
        } catch (const Error& error) {
          // A line changed after export is named as such, rather than by what its change made the
          // ledger refuse.
          const std::string changed = line_hash_matches(parsed)
                                          ? std::string()
                                          : "hash differs: the line was changed after export (its content no "
                                            "longer hashes to " + exported.hash + "), and re-executed, ";
          differ(expected_seq, changed + "the event is refused: " + error.what());
          break;
        }
        if (!result.recorded) {
          differ(expected_seq, "the event repeats one recorded earlier (seq " + std::to_string(result.seq) + ")");
          break;
        }
        if (std::string difference = audit::postings_difference(impl.last_postings_json, exported.postings_json);
            !difference.empty()) {
          differ(expected_seq, "postings differ: " + difference);
          break;
        }
        if (impl.last_hash != exported.hash) {
          differ(expected_seq, "hash differs: re-derived " + impl.last_hash + ", recorded " + exported.hash);
          break;
        }
        if (impl.last_hash == options.expect_head) expected_head_seq = impl.last_seq;
        ++report.events;
        if (progress && (line_number & 1023) == 0) progress({bytes, 0});
      }
      if (journal.bad()) throw Error(ErrorCode::input_unreadable, "cannot read " + source_name);
      if (report.ok) {
        if (std::string problem = head_difference(impl.last_hash, report.events, options.expect_head, expected_head_seq);
            !problem.empty()) {
          report.ok = false;
          report.first_bad_seq = expected_head_seq ? expected_head_seq + 1 : impl.last_seq;
          report.problem = source_name + ": " + problem;
        }
      }
      if (report.ok) {
        impl.commit();
        report.head_hash = impl.last_hash;
        keep = true;
      } else {
        impl.rollback();
      }
    } catch (...) {
      impl.rollback();
      failure = std::current_exception();
    }
  }
  if (keep) {
    // Closed above, the ledger is whole in its one file (SQLite checkpoints the WAL on close).
    std::error_code renamed;
    std::filesystem::rename(building, new_path, renamed);
    if (renamed) {
      remove_ledger_files(building);
      throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + new_path + ": " + renamed.message());
    }
  } else {
    // A journal that does not replay leaves no half-built ledger behind.
    remove_ledger_files(building);
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& error) {
      detail::throw_storage_error(error, "replaying " + source_name);
    }
  }
  return report;
}

}  // namespace fundledger
