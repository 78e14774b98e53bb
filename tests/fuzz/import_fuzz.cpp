// Fuzz target: Ledger::import_jsonl of a whole JSON Lines file into a new ledger, all or nothing.
//
// Each input is imported into a fresh ledger, created at the same path in a private folder (on
// /dev/shm when there is one, so that SQLite's files live in memory; FUNDLEDGER_FUZZ_TMPDIR
// chooses another place). The ledger is made with Ledger::init (the standard chart and settings,
// as `fundledger init` does), or with Ledger::create (empty) when the input starts with the line
// "#bare", which is taken off before the import.
//
// import_jsonl must return or throw fundledger::Error; never crash, hang or throw anything else.
//   - After success: the counts add up, the ledger holds exactly the events recorded more, and
//     verify() finds it sound. Then, as the architecture promises ("replay is import, then compare
//     hashes"), the exported journal replays into another new ledger with the same head hash and
//     the same export, byte for byte. And importing the same file again records nothing (the
//     README: a repeated import is safe to run again).
//   - After an Error, which must be one that refuses the input (bad_input, overflow,
//     unknown_reference, conflict, unbalanced, closed_period...; never storage, busy or a file
//     error): nothing was written (the event count and head hash are unchanged, in memory and in
//     the file), and verify() still finds the ledger sound.
// Anything else aborts, so that libFuzzer keeps the input.
#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace {

namespace fs = std::filesystem;
using fundledger::Error;
using fundledger::Ledger;

constexpr std::string_view target_name = "import";

[[noreturn]] void fail(std::string_view input, const std::string& what) {
  std::fprintf(stderr, "import_fuzz: %s\n  input (%zu bytes):\n%.*s\n", what.c_str(), input.size(),
               static_cast<int>(input.size() > 4000 ? 4000 : input.size()), input.data());
  std::abort();
}

// The private folder of this process, removed at exit; folders left by processes that died (a
// crash ends a fuzzer without running atexit) are removed when the next one starts.
const fs::path& work_folder() {
  // Never destroyed: the atexit handler below runs after static destructors registered later.
  static const fs::path* const folder = [] {
    fs::path base;
    if (const char* chosen = std::getenv("FUNDLEDGER_FUZZ_TMPDIR"); chosen && *chosen) {
      base = chosen;
    } else if (std::error_code error; fs::is_directory("/dev/shm", error)) {
      base = "/dev/shm";
    } else {
      base = fs::temp_directory_path();
    }
    const std::string prefix = "fundledger-fuzz-" + std::string(target_name) + "-";
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(base, ignored)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(prefix, 0) != 0) continue;
      const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
      if (pid > 0 && kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ignored);
    }
    auto* made = new fs::path(base / (prefix + std::to_string(getpid())));
    fs::create_directories(*made);
    std::atexit([] { std::error_code error; fs::remove_all(work_folder(), error); });
    return made;
  }();
  return *folder;
}

// With FUNDLEDGER_FUZZ_VERBOSE set, each input's outcome is printed (to see what seeds do).
void note(const std::string& outcome) {
  static const bool verbose = std::getenv("FUNDLEDGER_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s: %s\n", "import_fuzz", outcome.c_str());
}

// The codes of an Error that refuses the input. The others (storage, busy, a file that cannot be
// read or created...) cannot be the input's fault with a fresh ledger in a private folder: bugs.
bool is_refusal(fundledger::ErrorCode code) {
  using fundledger::ErrorCode;
  switch (code) {
    case ErrorCode::bad_input:
    case ErrorCode::overflow:
    case ErrorCode::division_by_zero:
    case ErrorCode::currency_mismatch:
    case ErrorCode::unknown_reference:
    case ErrorCode::conflict:
    case ErrorCode::unbalanced:
    case ErrorCode::closed_period:
      return true;
    default:
      return false;
  }
}

// Removes a ledger and SQLite's files beside it (WAL mode).
void remove_ledger(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ignored);
}

std::string export_text(const Ledger& ledger) {
  std::ostringstream out;
  fundledger::export_journal(ledger, out);
  return out.str();
}

void check_sound(std::string_view input, const Ledger& ledger, const char* when) {
  const fundledger::VerifyReport report = fundledger::verify(ledger);
  if (!report.ok) {
    fail(input, std::string("verify() fails ") + when + " at seq " + std::to_string(report.first_bad_seq) +
                    ": " + report.problem);
  }
  if (report.events != ledger.event_count() || report.head_hash != ledger.head_hash()) {
    fail(input, std::string("verify() ") + when + " reports " + std::to_string(report.events) +
                    " events and head " + report.head_hash + ", the ledger " +
                    std::to_string(ledger.event_count()) + " and " + ledger.head_hash());
  }
}

// The exported journal replays into a new ledger: same events, same hashes, same export.
void check_replays(std::string_view input, const Ledger& ledger, const std::string& replay_path) {
  const std::string exported = export_text(ledger);
  remove_ledger(replay_path);
  std::istringstream journal(exported);
  fundledger::ReplayReport report;
  try {
    report = fundledger::replay(journal, "export.jsonl", replay_path);
  } catch (const Error& error) {
    fail(input, std::string("the export of a successful import does not replay: ") + error.what() +
                    "\n  export:\n" + exported);
  }
  if (!report.ok) {
    fail(input, "the export of a successful import replays with a difference at seq " +
                    std::to_string(report.first_bad_seq) + ": " + report.problem + "\n  export:\n" + exported);
  }
  if (report.events != ledger.event_count() || report.head_hash != ledger.head_hash()) {
    fail(input, "replay of the export reports " + std::to_string(report.events) + " events and head " +
                    report.head_hash + ", the ledger has " + std::to_string(ledger.event_count()) + " and " +
                    ledger.head_hash());
  }
  const Ledger replayed = Ledger::open(replay_path);
  check_sound(input, replayed, "on the replayed ledger");
  const std::string again = export_text(replayed);
  if (again != exported) fail(input, "the replayed ledger exports differently:\n" + exported + "\n  again:\n" + again);
}

// Importing the same file again records nothing: "recording the same event twice (the same id
// and body) is a no-op, so an import that was interrupted or repeated is safe to run again"
// (README.md, the five-minute tour).
void check_reimport(std::string_view input, Ledger& ledger, std::string_view jsonl,
                    const fundledger::ImportResult& first) {
  const std::int64_t events = ledger.event_count();
  const std::string head = ledger.head_hash();
  std::istringstream stream{std::string(jsonl)};
  fundledger::ImportResult again;
  try {
    again = ledger.import_jsonl(stream, "fuzz.jsonl");
  } catch (const Error& error) {
    fail(input, std::string("importing the same file again is refused: ") + error.what());
  }
  if (again.recorded != 0 || again.already_recorded != first.lines || ledger.event_count() != events ||
      ledger.head_hash() != head) {
    fail(input, "importing the same file again recorded " + std::to_string(again.recorded) + " more events (" +
                    std::to_string(again.already_recorded) + " of " + std::to_string(first.lines) +
                    " already recorded; the journal grew from " + std::to_string(events) + " to " +
                    std::to_string(ledger.event_count()) + " events)");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const std::string ledger_path = (work_folder() / "import.db").string();
  static const std::string replay_path = (work_folder() / "replay.db").string();

  std::string_view jsonl = input;
  const bool bare = jsonl.substr(0, 6) == "#bare\n";
  if (bare) jsonl.remove_prefix(6);

  remove_ledger(ledger_path);
  std::optional<Ledger> ledger;
  ledger.emplace(bare ? Ledger::create(ledger_path) : Ledger::init(ledger_path));
  const std::int64_t events_before = ledger->event_count();
  const std::string head_before = ledger->head_hash();

  std::istringstream stream{std::string(jsonl)};
  std::uint64_t last_done = 0;
  auto progress = [&](const fundledger::Progress& step) {
    if (step.done < last_done) fail(input, "progress went backwards");
    last_done = step.done;
  };
  fundledger::ImportResult result;
  try {
    result = ledger->import_jsonl(stream, "fuzz.jsonl", progress);
  } catch (const Error& error) {
    if (std::string_view(error.what()).empty()) fail(input, "refused with an empty message");
    if (!is_refusal(error.code())) {
      fail(input, std::string("a fresh ledger in a private folder failed with ") +
                      fundledger::error_code_name(error.code()) + ": " + error.what());
    }
    if (ledger->event_count() != events_before || ledger->head_hash() != head_before) {
      fail(input, std::string("a refused import wrote: ") + std::to_string(events_before) + " events before, " +
                      std::to_string(ledger->event_count()) + " after (" + error.what() + ")");
    }
    check_sound(input, *ledger, "after a refused import");
    // The file on disk says the same once reopened.
    ledger.reset();
    const Ledger reopened = Ledger::open(ledger_path);
    if (reopened.event_count() != events_before || reopened.head_hash() != head_before) {
      fail(input, "a refused import left events in the file");
    }
    note(std::string("Error (") + fundledger::error_code_name(error.code()) + "): " + error.what());
    return 0;
  }

  if (result.lines != result.recorded + result.already_recorded) {
    fail(input, "import counts do not add up: " + std::to_string(result.lines) + " lines, " +
                    std::to_string(result.recorded) + " recorded, " + std::to_string(result.already_recorded) +
                    " already recorded");
  }
  if (ledger->event_count() != events_before + static_cast<std::int64_t>(result.recorded)) {
    fail(input, "the import recorded " + std::to_string(result.recorded) + " events, but the journal grew from " +
                    std::to_string(events_before) + " to " + std::to_string(ledger->event_count()));
  }
  if (result.recorded == 0 && ledger->head_hash() != head_before) fail(input, "no event recorded, yet the head moved");
  check_sound(input, *ledger, "after a successful import");
  check_replays(input, *ledger, replay_path);
  // Every event but the period events is idempotent by its id or its identity. Those have no id: a
  // journal that reopens a month closes and reopens it again when imported again (README).
  if (jsonl.find("period_reopen") == std::string_view::npos) check_reimport(input, *ledger, jsonl, result);
  note("ok, " + std::to_string(result.recorded) + " recorded, " + std::to_string(result.already_recorded) +
       " already recorded");
  return 0;
}
