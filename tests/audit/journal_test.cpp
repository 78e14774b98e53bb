// Tests of the auditors' side: export of the hash-chained journal, verify, and replay.
//
// The export is the contract with auditors (README.md, "The auditors' walk-through"): one canonical JSON object per line,
// each event with seq, recorded_at, the postings it produced and the hash chain. These tests pin
// the exact bytes of a line, the chain from 64 zeros through every hash, and that replaying an
// export re-creates the ledger byte for byte, while an export changed by even one amount is caught
// and leaves nothing behind.
#include "audit/table_compare.hpp"
#include "core/canonical_json.hpp"
#include "engine/ledger_access.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/master_data.hpp>

#include "support/ledger_helpers.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Ledger;
using fundledger::parse_event;

namespace {

using fundledger::test::error_from;
using fundledger::test::TemporaryDirectory;


const std::string zeros(64, '0');

std::string export_text(const Ledger& ledger) {
  std::ostringstream out;
  fundledger::export_journal(ledger, out);
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// The value of a top-level field of an export line, as JSON text ("\"abc\"", "12", "[...]").
std::string field(const std::string& line, const std::string& key) {
  std::vector<std::pair<std::string, std::string>> fields;
  INFO("line: " << line);
  REQUIRE(fundledger::json::split_object(line, fields));
  for (const auto& [name, value] : fields) {
    if (name == key) return value;
  }
  FAIL("no field " << key);
  return {};
}

// The value of a top-level string field, without its quotes.
std::string text_field(const std::string& line, const std::string& key) {
  const std::string value = field(line, key);
  REQUIRE(value.size() >= 2);
  REQUIRE(value.front() == '"');
  REQUIRE(value.back() == '"');
  return value.substr(1, value.size() - 2);
}

bool is_lowercase_sha256_hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_utc_timestamp(const std::string& text) {
  // YYYY-MM-DDTHH:MM:SSZ
  const std::string shape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 'd' ? !(text[i] >= '0' && text[i] <= '9') : text[i] != shape[i]) return false;
  }
  return true;
}

// Replaces every occurrence of from by to in text; requires at least one.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  std::size_t position = text.find(from);
  REQUIRE(position != std::string::npos);
  while (position != std::string::npos) {
    text.replace(position, from.size(), to);
    position = text.find(from, position + to.size());
  }
  return text;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// A ledger of 35 events: the 31 of init, a fund (32), the EUR rate (33), an entry with a rounding
// residual (34) and a USD entry (35).
//   R1: 1.00 + 1.00 EUR debit, 2.00 EUR credit at 0.912: 1.10 + 1.10 - 2.19 = 0.01 -> 5900 -0.01
//   U1: 500.00 USD from 4100 to 1100
constexpr std::int64_t journal_events = 36;

Ledger journal_ledger(const std::string& path) {
  Ledger ledger = Ledger::init(path);
  ledger.record(parse_event(R"({"type":"fund","code":"CPCJF","name":"CPCJ Fund","kind":"general"})"));
  ledger.record(parse_event(R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.912"})"));
  ledger.record(parse_event(
      R"({"type":"entry","id":"R1","date":"2024-01-15","memo":"Three \"EUR\" postings","postings":[)"
      R"({"account":"1100","fund":"CPCJF","currency":"EUR","amount":"1.00"},)"
      R"({"account":"1100","fund":"CPCJF","currency":"EUR","amount":"1.00"},)"
      R"({"account":"4100","fund":"CPCJF","currency":"EUR","amount":"-2.00"}]})"));
  ledger.record(parse_event(
      R"({"type":"entry","id":"U1","date":"2024-02-01","postings":[)"
      R"({"account":"1100","fund":"CPCJF","currency":"USD","amount":"500.00"},)"
      R"({"account":"4100","fund":"CPCJF","currency":"USD","amount":"-500.00"}]})"));
  REQUIRE(ledger.event_count() == journal_events);
  return ledger;
}

}  // namespace

// ---- Export ----

TEST_CASE("The first export line of a bare ledger is the canonical event with seq, time and chain") {
  TemporaryDirectory directory;
  Ledger ledger = Ledger::create(directory.file("bare.db"));
  REQUIRE(ledger.record(parse_event(
                            R"({"type":"setting","key":"psc_rate","value":"0.13","effective":"2024-01-01"})"))
              .recorded);
  std::ostringstream out;
  CHECK(fundledger::export_journal(ledger, out) == 1);
  const std::string text = out.str();
  REQUIRE(lines_of(text).size() == 1);
  REQUIRE(text.back() == '\n');
  const std::string line = lines_of(text)[0];

  const std::string recorded_at = text_field(line, "recorded_at");
  const std::string hash = text_field(line, "hash");
  CHECK(is_utc_timestamp(recorded_at));
  CHECK(is_lowercase_sha256_hex(hash));
  CHECK(line == R"({"effective":"2024-01-01","hash":")" + hash +
                    R"(","key":"psc_rate","prev_hash":")" + zeros + R"(","recorded_at":")" + recorded_at +
                    R"(","seq":1,"type":"setting","value":"0.13"})");
  CHECK(ledger.head_hash() == hash);
}

TEST_CASE("An entry's export line carries the postings it produced, the residual marked") {
  TemporaryDirectory directory;
  Ledger ledger = journal_ledger(directory.file("fund.db"));
  const std::vector<std::string> lines = lines_of(export_text(ledger));
  REQUIRE(lines.size() == static_cast<std::size_t>(journal_events));
  const std::string& line = lines[34];
  CHECK(line ==
        R"({"date":"2024-01-15","hash":")" + text_field(line, "hash") +
            R"(","id":"R1","memo":"Three \"EUR\" postings","postings":[)"
            R"({"account":"1100","amount":"1.00","currency":"EUR","functional_amount":"1.10","fund":"CPCJF"},)"
            R"({"account":"1100","amount":"1.00","currency":"EUR","functional_amount":"1.10","fund":"CPCJF"},)"
            R"({"account":"4100","amount":"-2.00","currency":"EUR","functional_amount":"-2.19","fund":"CPCJF"},)"
            R"({"account":"5900","amount":"0.00","currency":"EUR","functional_amount":"-0.01","fund":"CPCJF",)"
            R"("residual":true}],"prev_hash":")" +
            text_field(lines[33], "hash") + R"(","recorded_at":")" + text_field(line, "recorded_at") +
            R"(","seq":35,"type":"entry"})");
  // Master data lines have no postings.
  CHECK(lines[32] == R"({"code":"CPCJF","hash":")" + text_field(lines[32], "hash") +
                         R"(","kind":"general","name":"CPCJ Fund","prev_hash":")" + text_field(lines[31], "hash") +
                         R"(","recorded_at":")" + text_field(lines[32], "recorded_at") +
                         R"(","seq":33,"type":"fund"})");
  CHECK(lines[32].find("postings") == std::string::npos);
}

TEST_CASE("Export lines form one hash chain from 64 zeros, with seq 1, 2, 3... and no gap") {
  TemporaryDirectory directory;
  Ledger ledger = journal_ledger(directory.file("fund.db"));
  std::ostringstream out;
  fundledger::Progress last_progress;
  const std::int64_t written =
      fundledger::export_journal(ledger, out, [&last_progress](const fundledger::Progress& progress) {
        last_progress = progress;
      });
  CHECK(written == journal_events);
  CHECK(last_progress.done == static_cast<std::uint64_t>(journal_events));
  CHECK(last_progress.total == static_cast<std::uint64_t>(journal_events));

  const std::vector<std::string> lines = lines_of(out.str());
  REQUIRE(lines.size() == static_cast<std::size_t>(journal_events));
  std::string previous = zeros;
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i + 1);
    CHECK(field(lines[i], "seq") == std::to_string(i + 1));
    CHECK(text_field(lines[i], "prev_hash") == previous);
    const std::string hash = text_field(lines[i], "hash");
    CHECK(is_lowercase_sha256_hex(hash));
    CHECK(hash != previous);
    CHECK(is_utc_timestamp(text_field(lines[i], "recorded_at")));
    // A line is canonical: rendering its fields again gives the same bytes.
    std::vector<std::pair<std::string, std::string>> fields;
    REQUIRE(fundledger::json::split_object(lines[i], fields));
    fundledger::json::Object object;
    for (const auto& [key, value] : fields) object.add_raw(key, value);
    CHECK(object.render() == lines[i]);
    hashes.push_back(hash);
    previous = hash;
  }
  CHECK(previous == ledger.head_hash());
  std::sort(hashes.begin(), hashes.end());
  CHECK(std::adjacent_find(hashes.begin(), hashes.end()) == hashes.end());

  // Exporting twice gives the same bytes.
  CHECK(export_text(ledger) == out.str());
}

TEST_CASE("An export is not an import: import refuses the fields that export adds") {
  TemporaryDirectory directory;
  Ledger ledger = journal_ledger(directory.file("fund.db"));
  std::istringstream journal(export_text(ledger));
  Ledger other = Ledger::create(directory.file("other.db"));
  const Error error = error_from([&] { other.import_jsonl(journal, "journal.jsonl"); });
  CHECK(error.code() == ErrorCode::bad_input);
  CHECK(std::string(error.what()) ==
        R"(journal.jsonl:1: field "hash": is written by export and read by replay: import takes events as )"
        "written, without it");
  CHECK(other.event_count() == 0);
}

// ---- Verify ----

TEST_CASE("verify recomputes the chain of a sound ledger and reports its events and head hash") {
  TemporaryDirectory directory;
  Ledger empty = Ledger::create(directory.file("empty.db"));
  const fundledger::VerifyReport nothing = fundledger::verify(empty);
  CHECK(nothing.ok);
  CHECK(nothing.events == 0);
  CHECK(nothing.head_hash == zeros);

  Ledger ledger = journal_ledger(directory.file("fund.db"));
  fundledger::Progress last_progress;
  const fundledger::VerifyReport report =
      fundledger::verify(ledger, [&last_progress](const fundledger::Progress& progress) { last_progress = progress; });
  CHECK(report.ok);
  CHECK(report.events == journal_events);
  CHECK(report.first_bad_seq == 0);
  CHECK(report.problem.empty());
  const std::vector<std::string> lines = lines_of(export_text(ledger));
  CHECK(report.head_hash == text_field(lines.back(), "hash"));
  CHECK(report.head_hash == ledger.head_hash());
  CHECK(last_progress.done == static_cast<std::uint64_t>(journal_events));
}

// ---- Replay ----

TEST_CASE("Replaying an export re-creates the ledger: same head hash, byte-identical export") {
  TemporaryDirectory directory;
  Ledger ledger = journal_ledger(directory.file("fund.db"));
  const std::string exported = export_text(ledger);
  std::istringstream journal(exported);
  const std::string copy_path = directory.file("copy.db");
  const fundledger::ReplayReport report = fundledger::replay(journal, "journal.jsonl", copy_path);
  CHECK(report.ok);
  CHECK(report.events == journal_events);
  CHECK(report.first_bad_seq == 0);
  CHECK(report.problem.empty());
  CHECK(report.head_hash == ledger.head_hash());

  Ledger copy = Ledger::open(copy_path, fundledger::OpenMode::read_only);
  CHECK(copy.event_count() == journal_events);
  CHECK(copy.head_hash() == ledger.head_hash());
  CHECK(export_text(copy) == exported);
  CHECK(fundledger::verify(copy).ok);
  fundledger::BalanceQuery query;
  query.group_by = {fundledger::BalanceKey::account, fundledger::BalanceKey::currency};
  const auto original_rows = ledger.balances(query);
  const auto copied_rows = copy.balances(query);
  REQUIRE(copied_rows.size() == original_rows.size());
  for (std::size_t i = 0; i < original_rows.size(); ++i) {
    CHECK(copied_rows[i].keys == original_rows[i].keys);
    CHECK(copied_rows[i].debit.to_string() == original_rows[i].debit.to_string());
    CHECK(copied_rows[i].credit.to_string() == original_rows[i].credit.to_string());
  }
}

TEST_CASE("Replay accepts the export with CRLF line ends, a BOM and blank lines") {
  TemporaryDirectory directory;
  Ledger ledger = journal_ledger(directory.file("fund.db"));
  std::string windows = "\xEF\xBB\xBF";
  for (const std::string& line : lines_of(export_text(ledger))) windows += line + "\r\n\r\n";
  std::istringstream journal(windows);
  const fundledger::ReplayReport report = fundledger::replay(journal, "journal.jsonl", directory.file("copy.db"));
  CHECK(report.ok);
  CHECK(report.events == journal_events);
  CHECK(report.head_hash == ledger.head_hash());
}

TEST_CASE("Replay of an export whose amounts were changed stops at that event and keeps nothing") {
  TemporaryDirectory directory;
  Ledger ledger = journal_ledger(directory.file("fund.db"));
  std::vector<std::string> lines = lines_of(export_text(ledger));
  REQUIRE(lines.size() == static_cast<std::size_t>(journal_events));
  const std::string copy_path = directory.file("copy.db");
  auto replay_of = [&copy_path](const std::vector<std::string>& changed) {
    std::istringstream journal(joined(changed));
    const fundledger::ReplayReport report = fundledger::replay(journal, "tampered.jsonl", copy_path);
    // The rules against a ledger in memory alone find the same difference, in the same words.
    std::istringstream again(joined(changed));
    const fundledger::ReplayReport in_memory = fundledger::audit::replay_in_memory(again, "tampered.jsonl");
    CHECK(in_memory.ok == report.ok);
    CHECK(in_memory.events == report.events);
    CHECK(in_memory.first_bad_seq == report.first_bad_seq);
    CHECK(in_memory.problem == report.problem);
    return report;
  };

  SECTION("500.00 made 600.00 everywhere in U1, functional amounts included: only the hash tells") {
    lines[35] = replaced(lines[35], "500.00", "600.00");
    const fundledger::ReplayReport report = replay_of(lines);
    CHECK_FALSE(report.ok);
    CHECK(report.first_bad_seq == 36);
    CHECK(report.events == 35);
    INFO(report.problem);
    CHECK(report.problem.rfind("tampered.jsonl:36: hash differs: re-derived ", 0) == 0);
    CHECK(report.problem.find(", recorded " + text_field(lines[35], "hash")) != std::string::npos);
  }
  SECTION("one amount of R1 changed: the entry no longer balances") {
    lines[34] = replaced(lines[34], R"("amount":"-2.00")", R"("amount":"-2.01")");
    const fundledger::ReplayReport report = replay_of(lines);
    CHECK_FALSE(report.ok);
    CHECK(report.first_bad_seq == 35);
    // The line no longer hashes to its recorded hash: replay says so before what the change makes
    // the ledger refuse.
    CHECK(report.problem ==
          "tampered.jsonl:35: hash differs: the line was changed after export (its content no longer hashes to " +
              text_field(lines[34], "hash") +
              "), and re-executed, the event is refused: entry R1 does not balance: in fund CPCJF the EUR "
              "postings sum to -0.01, expected 0");
  }
  SECTION("one functional amount of U1 changed: the re-derived postings differ") {
    lines[35] = replaced(lines[35], R"("amount":"500.00","currency":"USD","functional_amount":"500.00")",
                         R"("amount":"500.00","currency":"USD","functional_amount":"499.99")");
    const fundledger::ReplayReport report = replay_of(lines);
    CHECK_FALSE(report.ok);
    CHECK(report.first_bad_seq == 36);
    // The posting and the field that differ are named, not both whole arrays.
    INFO(report.problem);
    CHECK(report.problem.rfind("tampered.jsonl:36: postings differ: postings[", 0) == 0);
    CHECK(report.problem.find(R"(.functional_amount: re-derived "500.00", recorded "499.99")") != std::string::npos);
  }
  SECTION("the rate changed: the rate event's own hash differs") {
    lines[33] = replaced(lines[33], R"("per_usd":"0.912")", R"("per_usd":"0.913")");
    const fundledger::ReplayReport report = replay_of(lines);
    CHECK_FALSE(report.ok);
    CHECK(report.first_bad_seq == 34);
    CHECK(report.problem.rfind("tampered.jsonl:34: hash differs: re-derived ", 0) == 0);
  }
  SECTION("a line removed") {
    lines.erase(lines.begin() + 32);
    const fundledger::ReplayReport report = replay_of(lines);
    CHECK_FALSE(report.ok);
    CHECK(report.first_bad_seq == 33);
    CHECK(report.problem == "tampered.jsonl:33: seq is 34, expected 33 (an event is missing, repeated or moved)");
  }
  CHECK_FALSE(std::filesystem::exists(copy_path));
  CHECK_FALSE(std::filesystem::exists(copy_path + "-wal"));
  CHECK_FALSE(std::filesystem::exists(copy_path + "-shm"));
}

TEST_CASE("Replay refuses a line that is not a journal event, naming the file and line") {
  TemporaryDirectory directory;
  Ledger ledger = journal_ledger(directory.file("fund.db"));
  std::vector<std::string> lines = lines_of(export_text(ledger));
  const std::string copy_path = directory.file("copy.db");
  SECTION("not JSON") {
    lines[1] = "hello";
    std::istringstream journal(joined(lines));
    const Error error = error_from([&] { fundledger::replay(journal, "journal.jsonl", copy_path); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()).rfind("journal.jsonl:2: malformed JSON (", 0) == 0);
  }
  SECTION("an event as import takes it, without the export fields") {
    lines[0] = R"({"type":"setting","key":"functional_currency","value":"USD"})";
    std::istringstream journal(joined(lines));
    const Error error = error_from([&] { fundledger::replay(journal, "journal.jsonl", copy_path); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) == R"(journal.jsonl:1: field "seq": missing)");
  }
  CHECK_FALSE(std::filesystem::exists(copy_path));
}

TEST_CASE("Replay never writes over an existing file") {
  TemporaryDirectory directory;
  const std::string path = directory.file("fund.db");
  Ledger ledger = journal_ledger(path);
  const std::string head = ledger.head_hash();
  std::istringstream journal(export_text(ledger));
  const Error error = error_from([&] { fundledger::replay(journal, "journal.jsonl", path); });
  CHECK(error.code() == ErrorCode::output_uncreatable);
  CHECK(std::string(error.what()) == "cannot create the ledger " + path + ": the file already exists");
  CHECK(ledger.event_count() == journal_events);
  CHECK(ledger.head_hash() == head);
  CHECK(fundledger::verify(ledger).ok);
}

TEST_CASE("Replay writing its movements out a few rows at a time builds the same ledger, table for table") {
  // The sample ledger's four years, closed month by month: replay writes each closed month's
  // movements as it closes, and here whatever it holds whenever that passes 50 rows, each written
  // again adding to what was written before.
  TemporaryDirectory directory;
  Ledger ledger = Ledger::init(directory.file("sample.db"));
  std::ifstream sample(FUNDLEDGER_TEST_SOURCE_DIR "/../samples/cpcjf-2021-2024.jsonl");
  ledger.import_jsonl(sample, "cpcjf-2021-2024.jsonl");
  std::istringstream journal(export_text(ledger));
  const std::string copy_path = directory.file("copy.db");
  const fundledger::ReplayReport report =
      fundledger::audit::replay_to_file(journal, "sample.jsonl", copy_path, {}, {}, 50);
  REQUIRE(report.ok);
  CHECK(report.head_hash == ledger.head_hash());
  Ledger copy = Ledger::open(copy_path, fundledger::OpenMode::read_only);
  fundledger::test::check_verified(copy);
  const fundledger::detail::Snapshot original = fundledger::detail::LedgerAccess::read(ledger, fundledger::detail::Pledges::read);
  const fundledger::detail::Snapshot replayed = fundledger::detail::LedgerAccess::read(copy, fundledger::detail::Pledges::read);
  const fundledger::audit::TableDifference difference =
      fundledger::audit::first_difference(original.master, *original.txn, *replayed.txn, {"events", "postings"});
  CHECK(difference.problem == "");
}

TEST_CASE("Replay keeps a donor renamed to the word NULL as named") {
  // A table row shows a NULL and the text NULL alike: replay writes the amendments of names as the
  // store records them, so that the copy's donor is called NULL from the amendment on, not left
  // with the name it had.
  TemporaryDirectory directory;
  Ledger ledger = Ledger::init(directory.file("fund.db"));
  fundledger::test::record(ledger, R"({"type":"donor","code":"XYZ","name":"Example Foundation","category":"private"})");
  fundledger::test::record(ledger, R"({"type":"amend","id":"AMD-XYZ","kind":"donor","code":"XYZ","effective":"2024-06-01","name":"NULL"})");
  std::istringstream journal(export_text(ledger));
  const std::string copy_path = directory.file("copy.db");
  REQUIRE(fundledger::replay(journal, "journal.jsonl", copy_path).ok);
  const Ledger copy = Ledger::open(copy_path, fundledger::OpenMode::read_only);
  for (const Ledger* each : {static_cast<const Ledger*>(&ledger), &copy}) {
    const auto donors = fundledger::list_donors(*each, fundledger::Date::parse("2024-07-01"));
    REQUIRE(donors.size() == 1);
    CHECK(donors[0].name == "NULL");
  }
}

TEST_CASE("verify tells a name left as it was from a name changed to the word NULL") {
  // An amendment of the category alone stores no name (NULL); a name written into it afterwards,
  // even the word NULL, renames the donor in every report, and verify must say so.
  TemporaryDirectory directory;
  const std::string path = directory.file("fund.db");
  {
    Ledger ledger = Ledger::init(path);
    fundledger::test::record(ledger, R"({"type":"donor","code":"XYZ","name":"Example Foundation","category":"private"})");
    fundledger::test::record(
        ledger, R"({"type":"amend","id":"AMD-XYZ","kind":"donor","code":"XYZ","effective":"2024-06-01","category":"other"})");
    REQUIRE(fundledger::verify(ledger).ok);
  }
  {
    SQLite::Database database(path, SQLite::OPEN_READWRITE);
    REQUIRE(database.exec("UPDATE amendments SET name = 'NULL'") == 1);
  }
  const Ledger tampered = Ledger::open(path, fundledger::OpenMode::read_only);
  const fundledger::VerifyReport report = fundledger::verify(tampered);
  CHECK_FALSE(report.ok);
  INFO(report.problem);
  CHECK(report.problem.find("amendments") != std::string::npos);
  CHECK(report.problem.find("'NULL") != std::string::npos);
}
