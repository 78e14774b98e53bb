// Fuzz target: replay of a journal (an export, possibly damaged) into a new ledger.
//
// The input is the journal, every byte of it; it is replayed into a new ledger at the same path in
// a private folder (on /dev/shm when there is one; FUNDLEDGER_FUZZ_TMPDIR chooses another place).
// The seeds are journals exported by the CLI and mutations of them.
//
// A mutated line breaks the hash chain, and replay stops there; to let the fuzzer reach the
// events after it, an input that starts with the line "#rehash" has that line taken off and
// every JSON object line renumbered (seq 1, 2, 3...) and re-chained (prev_hash, and hash: the
// SHA-256 of prev_hash followed by the canonical JSON of the line without hash) before the
// replay, so that only the events and their postings can differ from what replay re-derives.
//
// replay must return a report or throw fundledger::Error (bad_input for a line that is not a
// journal event, or overflow from a decimal); never crash, hang or throw anything else.
//   - A report that is ok leaves a ledger behind that opens, has the events the report counts,
//     ends at the head hash the report names, and that verify() finds sound.
//   - A report with a difference names the first bad seq and the problem, and, like an Error,
//     leaves nothing behind ("a journal that does not replay leaves no half-built ledger"); an ok
//     one leaves the ledger file alone, nothing it was built under.
// Anything else aborts, so that libFuzzer keeps the input.
#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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

// With FUNDLEDGER_FUZZ_VERBOSE set, each input's outcome is printed (to see what seeds do).
void note(const std::string& outcome) {
  static const bool verbose = std::getenv("FUNDLEDGER_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "%s: %s\n", "replay_fuzz", outcome.c_str());
}

// Removes a ledger, SQLite's files beside it (WAL mode), and whatever else starts with its name.
void remove_ledger(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(fs::path(path).parent_path(), ignored)) {
    if (entry.path().filename().string().rfind(name, 0) == 0) fs::remove_all(entry.path(), ignored);
  }
}

std::string sha256_hex(std::string_view first, std::string_view second) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  if (!context || EVP_DigestInit_ex(context, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context, first.data(), first.size()) != 1 ||
      EVP_DigestUpdate(context, second.data(), second.size()) != 1 ||
      EVP_DigestFinal_ex(context, digest, &length) != 1) {
    std::fprintf(stderr, "replay_fuzz: SHA-256 failed in libcrypto\n");
    std::abort();
  }
  EVP_MD_CTX_free(context);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

// Renumbers and re-chains the JSON object lines of a journal (see the top of the file). Lines
// that are not JSON objects, are not UTF-8 or nest deeply are left as they are.
std::string rehash(std::string_view journal) {
  std::string out;
  std::string prev_hash(64, '0');
  std::int64_t seq = 0;
  while (!journal.empty()) {
    const std::size_t end = journal.find('\n');
    std::string line(journal.substr(0, end));
    journal.remove_prefix(end == std::string_view::npos ? journal.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto nesting = std::count_if(line.begin(), line.end(), [](char c) { return c == '[' || c == '{'; });
    if (nesting <= 100) {
      try {
        nlohmann::json object = nlohmann::json::parse(line);
        if (object.is_object()) {
          object["seq"] = ++seq;
          object["prev_hash"] = prev_hash;
          object.erase("hash");
          // nlohmann's dump with sorted keys (std::map) and raw UTF-8 is the canonical form.
          const std::string canonical = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
          prev_hash = sha256_hex(prev_hash, canonical);
          object["hash"] = prev_hash;
          line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
        }
      } catch (const nlohmann::json::exception&) {
        // Not JSON, or not UTF-8: replay is given the line as it is.
      }
    }
    out += line;
    out += '\n';
  }
  return out;
}

// The files in the work folder whose names start with the new ledger's: the ledger, SQLite's
// files beside it, and anything replay may build on the way.
std::vector<std::string> files_of(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  std::vector<std::string> found;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(fs::path(path).parent_path(), ignored)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind(name, 0) == 0) found.push_back(file);
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string listed(const std::vector<std::string>& files) {
  std::string out;
  for (const std::string& file : files) out += (out.empty() ? "" : ", ") + file;
  return out;
}

void check_nothing_left(std::string_view input, const std::string& path, const std::string& why) {
  if (const auto files = files_of(path); !files.empty()) {
    fail(input, why + ", yet it left files behind: " + listed(files));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const std::string path = (work_folder() / "replayed.db").string();
  remove_ledger(path);

  std::string_view text = input;
  std::string rehashed;
  if (text.substr(0, 8) == "#rehash\n") {
    rehashed = rehash(text.substr(8));
    text = rehashed;
  }
  std::istringstream journal{std::string(text)};
  fundledger::ReplayReport report;
  try {
    report = fundledger::replay(journal, "fuzz.jsonl", path);
  } catch (const Error& error) {
    if (std::string_view(error.what()).empty()) fail(text, "refused with an empty message");
    // A line that is not a journal event is bad input (or a decimal beyond the range); refused
    // events are differences in the report. Anything else (storage...) is a bug.
    if (error.code() != fundledger::ErrorCode::bad_input && error.code() != fundledger::ErrorCode::overflow) {
      fail(text, std::string("replay into a new ledger in a private folder threw ") +
                     fundledger::error_code_name(error.code()) + ": " + error.what());
    }
    check_nothing_left(text, path, std::string("replay threw (") + error.what() + ")");
    note(std::string("Error (") + fundledger::error_code_name(error.code()) + "): " + error.what());
    return 0;
  }

  if (!report.ok) {
    if (report.first_bad_seq < 1 || report.problem.empty()) {
      fail(text, "a failed replay names seq " + std::to_string(report.first_bad_seq) + " and problem \"" +
                      report.problem + "\"");
    }
    check_nothing_left(text, path, "replay found a difference (" + report.problem + ")");
    note("difference at seq " + std::to_string(report.first_bad_seq) + ": " + report.problem);
    return 0;
  }
  if (report.first_bad_seq != 0 || !report.problem.empty()) {
    fail(text, "an ok replay names a problem: " + report.problem);
  }
  // The ledger, and nothing else: SQLite's files go when it closes, and so must anything built on
  // the way.
  if (const auto files = files_of(path); files != std::vector<std::string>{fs::path(path).filename().string()}) {
    fail(text, "an ok replay leaves " + listed(files) + " instead of the ledger alone");
  }
  const Ledger ledger = Ledger::open(path);
  if (ledger.event_count() != report.events || ledger.head_hash() != report.head_hash) {
    fail(text, "replay reports " + std::to_string(report.events) + " events and head " + report.head_hash +
                   ", the new ledger has " + std::to_string(ledger.event_count()) + " and " + ledger.head_hash());
  }
  const fundledger::VerifyReport verified = fundledger::verify(ledger);
  if (!verified.ok) {
    fail(text, "the replayed ledger fails verify() at seq " + std::to_string(verified.first_bad_seq) + ": " +
                   verified.problem);
  }
  if (verified.events != report.events || verified.head_hash != report.head_hash) {
    fail(text, "verify() of the replayed ledger reports " + std::to_string(verified.events) + " events and head " +
                   verified.head_hash + ", replay " + std::to_string(report.events) + " and " + report.head_hash);
  }
  note("ok, " + std::to_string(report.events) + " events");
  return 0;
}
