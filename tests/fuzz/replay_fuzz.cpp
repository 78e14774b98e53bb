// Fuzz target: replay of a journal (an export, possibly damaged) into a new ledger.
//
// The input is the journal, every byte of it; it is replayed into a new ledger at the same path in
// a private folder (on /dev/shm when there is one; FUNDLEDGER_FUZZ_TMPDIR chooses another place).
// The seeds are journals exported by the CLI and mutations of them.
//
// replay must return a report or throw fundledger::Error; never crash, hang or throw anything else.
//   - A report that is ok leaves a ledger behind that opens, has the events the report counts,
//     ends at the head hash the report names, and that verify() finds sound.
//   - A report with a difference names the first bad seq and the problem, and, like an Error,
//     leaves no ledger behind ("a journal that does not replay leaves no half-built ledger").
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
#include <sstream>
#include <string>
#include <string_view>

namespace {

namespace fs = std::filesystem;
using fundledger::Error;
using fundledger::Ledger;

constexpr std::string_view target_name = "replay";

[[noreturn]] void fail(std::string_view input, const std::string& what) {
  std::fprintf(stderr, "replay_fuzz: %s\n  input (%zu bytes):\n%.*s\n", what.c_str(), input.size(),
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

// Removes a ledger and SQLite's files beside it (WAL mode).
void remove_ledger(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ignored);
}

void check_nothing_left(std::string_view input, const std::string& path, const std::string& why) {
  std::error_code ignored;
  if (fs::exists(path, ignored)) fail(input, why + ", yet a ledger file was left behind");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const std::string path = (work_folder() / "replayed.db").string();
  remove_ledger(path);

  std::istringstream journal{std::string(input)};
  fundledger::ReplayReport report;
  try {
    report = fundledger::replay(journal, "fuzz.jsonl", path);
  } catch (const Error& error) {
    if (std::string_view(error.what()).empty()) fail(input, "refused with an empty message");
    check_nothing_left(input, path, std::string("replay threw (") + error.what() + ")");
    return 0;
  }

  if (!report.ok) {
    if (report.first_bad_seq < 1 || report.problem.empty()) {
      fail(input, "a failed replay names seq " + std::to_string(report.first_bad_seq) + " and problem \"" +
                      report.problem + "\"");
    }
    check_nothing_left(input, path, "replay found a difference (" + report.problem + ")");
    return 0;
  }
  if (report.first_bad_seq != 0 || !report.problem.empty()) {
    fail(input, "an ok replay names a problem: " + report.problem);
  }
  const Ledger ledger = Ledger::open(path);
  if (ledger.event_count() != report.events || ledger.head_hash() != report.head_hash) {
    fail(input, "replay reports " + std::to_string(report.events) + " events and head " + report.head_hash +
                    ", the new ledger has " + std::to_string(ledger.event_count()) + " and " + ledger.head_hash());
  }
  const fundledger::VerifyReport verified = fundledger::verify(ledger);
  if (!verified.ok) {
    fail(input, "the replayed ledger fails verify() at seq " + std::to_string(verified.first_bad_seq) + ": " +
                    verified.problem);
  }
  if (verified.events != report.events || verified.head_hash != report.head_hash) {
    fail(input, "verify() of the replayed ledger reports " + std::to_string(verified.events) + " events and head " +
                    verified.head_hash + ", replay " + std::to_string(report.events) + " and " + report.head_hash);
  }
  return 0;
}
