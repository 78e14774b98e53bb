// replay: a new ledger from an export, every event recorded again through the same rules as every
// writer (the recorder), built under another name and given its own only once whole; and copy, from
// one store to another by way of an export. Into a file, the rules run against a rebuild in memory
// and the new ledger's tables are written from it once; into a database, event by event.
#include "audit/difference.hpp"
#include "audit/journal_support.hpp"
#include "core/event_json.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/journal_lines.hpp"
#include "engine/ledger_access.hpp"
#include "engine/recorder.hpp"
#include "rules/rules.hpp"
#include "store/memory_store.hpp"

#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/limits.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <istream>
#include <system_error>

namespace fundledger {

using audit::head_difference;
using audit::line_hash_matches;

namespace {

void remove_ledger_files(const std::string& path) {
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  std::filesystem::remove(path + "-wal", ignored);
  std::filesystem::remove(path + "-shm", ignored);
}

// Replays one export line into the recorder; returns what differs, or empty.
std::string replay_line(detail::Recorder& recorder, const detail::ParsedLine& parsed) {
  const detail::ExportFields& exported = *parsed.exported;
  const std::int64_t expected_seq = recorder.head().seq + 1;
  if (exported.seq != expected_seq) {
    return "seq is " + std::to_string(exported.seq) + ", expected " + std::to_string(expected_seq) +
           " (an event is missing, repeated or moved)";
  }
  if (exported.prev_hash != recorder.head().hash) return "prev_hash differs from the hash of the event before it";
  recorder.set_recorded_at(exported.recorded_at);
  RecordResult result;
  try {
    result = recorder.record(parsed.event);
  } catch (const Error& error) {
    // A line changed after export is named as such, rather than by what its change made the ledger
    // refuse.
    const std::string changed = line_hash_matches(parsed) ? std::string()
                                                          : "hash differs: the line was changed after export (its "
                                                            "content no longer hashes to " + exported.hash +
                                                                "), and re-executed, ";
    return changed + "the event is refused: " + error.what();
  }
  if (!result.recorded) return "the event repeats one recorded earlier (seq " + std::to_string(result.seq) + ")";
  if (std::string difference = audit::postings_difference(recorder.last_postings_json(), exported.postings_json);
      !difference.empty()) {
    return "postings differ: " + difference;
  }
  if (recorder.head().hash != exported.hash) {
    return "hash differs: re-derived " + recorder.head().hash + ", recorded " + exported.hash;
  }
  return {};
}

// One line of the journal, parsed as an export line; nothing for a blank line.
std::optional<detail::ParsedLine> parse_journal_line(std::string& line, std::uint64_t line_number) {
  if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  if (line.size() > limits::max_journal_line_bytes) {
    throw Error(ErrorCode::bad_input, "line longer than " + std::to_string(limits::max_journal_line_bytes) + " bytes");
  }
  return detail::parse_line(line, true);
}

// A line of the journal read ahead: parsed, blank, or why it is not an export line.
struct JournalLine {
  std::uint64_t number = 0;
  std::optional<detail::ParsedLine> parsed;
  std::optional<Error> error;
};

// Lines are read, parsed and their ids looked up this many at a time.
constexpr std::size_t replay_batch = 256;

// Reads up to replay_batch lines; false when the journal has none left.
bool read_batch(std::istream& journal, std::vector<JournalLine>& batch, std::uint64_t& line_number,
                std::uint64_t& bytes) {
  batch.clear();
  std::string line;
  while (batch.size() < replay_batch && std::getline(journal, line)) {
    ++line_number;
    bytes += line.size() + 1;
    JournalLine read{line_number, std::nullopt, std::nullopt};
    try {
      read.parsed = parse_journal_line(line, line_number);
    } catch (const Error& error) {
      read.error = error;
    }
    batch.push_back(std::move(read));
  }
  return !batch.empty();
}

// Records every line of the journal into the recorder's open transaction; the report says where
// the first difference is.
ReplayReport replay_lines(std::istream& journal, const std::string& source_name, detail::Recorder& recorder,
                          const VerifyOptions& options, const ProgressCallback& progress,
                          const std::function<void()>& after_batch = {}) {
  ReplayReport report;
  std::int64_t expected_head_seq = 0;
  std::uint64_t line_number = 0;
  std::uint64_t bytes = 0;
  std::vector<JournalLine> batch;
  std::vector<std::string> ids;
  while (read_batch(journal, batch, line_number, bytes)) {
    ids.clear();
    for (const JournalLine& read : batch) {
      if (read.parsed) ids.push_back(detail::event_id_of(read.parsed->event));
    }
    recorder.look_up(ids);
    std::vector<std::pair<std::int64_t, std::string>> where_of;  // each seq's line, for a refusal below
    try {
      for (const JournalLine& read : batch) {
        const std::string where = source_name + ":" + std::to_string(read.number) + ": ";
        if (read.error) throw Error(read.error->code(), where + read.error->what());
        if (!read.parsed) continue;
        const std::int64_t seq = recorder.head().seq + 1;
        if (std::string problem = replay_line(recorder, *read.parsed); !problem.empty()) {
          return {false, report.events, {}, seq, where + problem};
        }
        where_of.emplace_back(seq, where);
        if (recorder.head().hash == options.expect_head) expected_head_seq = recorder.head().seq;
        ++report.events;
      }
      recorder.check_balances();
      if (after_batch) after_batch();
    } catch (const detail::BatchRefusal& refusal) {
      const auto at = std::find_if(where_of.begin(), where_of.end(), [&](const auto& seq_where) { return seq_where.first == refusal.seq(); });
      return {false, report.events, {}, refusal.seq(),
              (at == where_of.end() ? source_name + ": " : at->second) + "the event is refused: " + refusal.what()};
    }
    if (progress) progress({bytes, 0});
  }
  if (journal.bad()) throw Error(ErrorCode::input_unreadable, "cannot read " + source_name);
  if (std::string problem = head_difference(recorder.head().hash, report.events, options.expect_head, expected_head_seq);
      !problem.empty()) {
    return {false, report.events, {}, expected_head_seq ? expected_head_seq + 1 : recorder.head().seq,
            source_name + ": " + problem};
  }
  report.head_hash = recorder.head().hash;
  return report;
}

// Replays into a database: its events in one transaction, so that a replay that fails, or is
// killed, leaves no event; one that fails also drops the tables it created.
ReplayReport replay_into_database(std::istream& journal, const std::string& source_name, const std::string& url,
                                  const VerifyOptions& options, const ProgressCallback& progress) {
  Ledger ledger = Ledger::create(url);
  detail::Recorder& recorder = detail::LedgerAccess::recorder(ledger);
  store::Store& store = detail::LedgerAccess::store(ledger);
  ReplayReport report;
  try {
    detail::guarded(store, "replaying " + source_name, [&] {
      recorder.begin();
      try {
        report = replay_lines(journal, source_name, recorder, options, progress);
        report.ok ? recorder.commit() : recorder.rollback();
      } catch (...) {
        recorder.rollback();
        throw;
      }
    });
  } catch (...) {
    try {
      store.discard_if_empty();
    } catch (...) {
      // The replay's own failure is the one to report.
    }
    throw;
  }
  if (!report.ok) store.discard_if_empty();
  return report;
}

// Replays into a new file: the rules record into a rebuild in memory whose journal is written to
// the file as it goes; the months a close seals give their movements to the file and leave memory;
// once the journal is through, every other table is written from memory at once, in one
// transaction with the events.
ReplayReport replay_in_bulk(std::istream& journal, const std::string& source_name, store::Store& store,
                            const VerifyOptions& options, const ProgressCallback& progress,
                            std::size_t max_movement_rows) {
  std::unique_ptr<store::WriteTxn> target = store.write();
  store::MemoryLedger* memory = nullptr;
  detail::LedgerCache cache;
  detail::Recorder recorder(
      [&] {
        auto rebuild = std::make_unique<store::MemoryLedger>(store::written_journal(*target));
        memory = rebuild.get();
        return std::unique_ptr<store::RecordTxn>(std::move(rebuild));
      },
      cache);
  // Movements leave memory as their months close, and all at once when they grow many (a ledger
  // that never closes a month): written with add_sums, what comes later for the same key adds.
  const store::TableSpec& movements = store::table_named("movements");
  const auto write_movements = [&] {
    const std::vector<std::int64_t> months = memory->take_sealed_months();
    if (!months.empty()) recorder.flush();
    for (const std::int64_t month : months) {
      target->write_rows(movements, *memory->movement_rows(month), true);
      memory->let_go(month);
    }
    if (memory->movement_rows_held() > max_movement_rows) {
      target->write_rows(movements, *memory->table_rows(movements), true);
      memory->let_go_movements();
    }
  };
  recorder.begin();
  ReplayReport report;
  try {
    report = replay_lines(journal, source_name, recorder, options, progress, write_movements);
  } catch (...) {
    recorder.rollback();
    throw;
  }
  if (!report.ok) {
    recorder.rollback();
    return report;
  }
  const std::unique_ptr<store::RecordTxn> kept = recorder.commit_and_release();
  for (const store::TableSpec& table : store::tables()) {
    if (table.name == "events" || table.name == "postings" || table.name == "movement_totals") continue;
    target->write_rows(table, *memory->table_rows(table), table.name == "movements");
  }
  target->total_movements();
  target->commit();
  return report;
}

}  // namespace

namespace audit {

ReplayReport replay_in_memory(std::istream& journal, const std::string& source_name, const VerifyOptions& options) {
  detail::LedgerCache cache;
  detail::Recorder recorder([] { return std::unique_ptr<store::RecordTxn>(std::make_unique<store::MemoryLedger>()); },
                            cache);
  recorder.begin();
  try {
    ReplayReport report = replay_lines(journal, source_name, recorder, options, {});
    report.ok ? recorder.commit() : recorder.rollback();
    return report;
  } catch (...) {
    recorder.rollback();
    throw;
  }
}

}  // namespace audit

ReplayReport replay(std::istream& journal, const std::string& source_name, const std::string& new_path,
                    const ProgressCallback& progress) {
  return replay(journal, source_name, new_path, VerifyOptions{}, progress);
}

ReplayReport replay(std::istream& journal, const std::string& source_name, const std::string& new_path,
                    const VerifyOptions& options, const ProgressCallback& progress) {
  if (store::is_database_url(new_path)) return replay_into_database(journal, source_name, new_path, options, progress);
  return audit::replay_to_file(journal, source_name, new_path, options, progress, audit::max_movement_rows_held);
}

namespace audit {

ReplayReport replay_to_file(std::istream& journal, const std::string& source_name, const std::string& new_path,
                            const VerifyOptions& options, const ProgressCallback& progress,
                            std::size_t max_movement_rows) {
  // The ledger is built under another name and given its own only once complete, so that a replay
  // that fails, or is killed, never leaves a half-built ledger at new_path. A leftover of a killed
  // replay is cleared first; two replays to the same path at once are one too many (a lock beside it).
  std::error_code exists_error;
  if (std::filesystem::exists(new_path, exists_error)) {
    throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + new_path + ": the file already exists");
  }
  const detail::FileLock lock(new_path + ".replaying.lock", "cannot create the ledger " + new_path,
                              "another replay is building it");
  const std::string building = new_path + ".replaying";
  remove_ledger_files(building);
  ReplayReport report;
  try {
    store::Options unshared;
    unshared.unshared_build = true;
    const std::unique_ptr<store::Store> store = store::open_store(building, OpenMode::read_write, true, unshared);
    detail::guarded(*store, "replaying " + source_name, [&] {
      report = replay_in_bulk(journal, source_name, *store, options, progress, max_movement_rows);
      if (report.ok) store->finish_build();
    });
  } catch (...) {
    remove_ledger_files(building);
    throw;
  }
  if (!report.ok) {
    // A journal that does not replay leaves no half-built ledger behind.
    remove_ledger_files(building);
    return report;
  }
  // Closed above, the ledger is whole in its one file (SQLite checkpoints the WAL on close), built
  // without syncs: it is synced once, then named, and its folder synced for the name.
  const std::string problem = detail::publish_file(building, new_path);
  if (!problem.empty()) {
    remove_ledger_files(building);
    throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + new_path + ": " + problem);
  }
  return report;
}

}  // namespace audit

CopyReport copy_ledger(const std::string& from, const std::string& to, const LedgerOptions& options,
                       const ProgressCallback& progress) {
  const detail::TemporaryFile journal("fundledger-copy");
  std::int64_t exported = 0;
  {
    const Ledger source = Ledger::open(from, OpenMode::read_only, options);
    std::ofstream out(journal.path(), std::ios::binary | std::ios::trunc);
    exported = export_journal(source, out);
    out.close();
    if (!out) throw Error(ErrorCode::output_uncreatable, "cannot write the temporary journal " + journal.path());
  }
  std::ifstream in(journal.path(), std::ios::binary);
  if (!in) throw Error(ErrorCode::input_unreadable, "cannot read the temporary journal " + journal.path());
  const ReplayReport replayed = replay(in, from, to, progress);
  if (!replayed.ok) return {false, replayed.events, {}, replayed.first_bad_seq, "replaying into " + to + ": " + replayed.problem};
  const Ledger copy = Ledger::open(to, OpenMode::read_only, options);
  const VerifyReport verified = verify(copy, VerifyOptions{replayed.head_hash});
  if (!verified.ok) return {false, verified.events, {}, verified.first_bad_seq, "verifying " + copy.path() + ": " + verified.problem};
  if (verified.events != exported) {
    return {false, verified.events, {}, 0,
            "the copy holds " + std::to_string(verified.events) + " events, the export " + std::to_string(exported)};
  }
  return {true, verified.events, verified.head_hash, 0, {}};
}

}  // namespace fundledger
