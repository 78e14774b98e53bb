// What the library tests share: a temporary directory, recording events from their JSON form, the
// Error an action throws, the postings of an event read back from the export, balances as text,
// and the checks that a ledger verifies (and replays through the rules in memory alone) and that a
// refused event wrote nothing.
#pragma once

#include "audit/journal_support.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fundledger::test {

// A directory of its own under the system's temporary directory, removed with everything in it.
class TemporaryDirectory {
 public:
  TemporaryDirectory() {
    static std::atomic<int> counter{0};
    const auto base = std::filesystem::temp_directory_path();
    while (true) {
      const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
      path_ = base / ("fundledger-test-" + std::to_string(::getpid()) + "-" + std::to_string(ticks) + "-" +
                      std::to_string(counter++));
      if (std::filesystem::create_directory(path_)) break;
    }
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The Error that action throws; fails the test if it throws nothing or something else.
template <class Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected a fundledger::Error, but nothing was thrown");
  throw std::logic_error("unreachable");
}

inline RecordResult record(Ledger& ledger, const std::string& json) { return ledger.record(parse_event(json)); }

// Records an event that must be new, and returns its seq.
inline std::int64_t recorded(Ledger& ledger, const std::string& json) {
  INFO(json);
  const RecordResult result = record(ledger, json);
  REQUIRE(result.recorded);
  return result.seq;
}

// The postings of the event recorded as seq, read back from the exported journal, each as
// "account|fund|donor|project|pledge|currency|amount|functional_amount" ("|residual" appended for
// the ledger's rounding residual), sorted so that the order of the postings does not matter.
inline std::vector<std::string> postings_of(const Ledger& ledger, std::int64_t seq) {
  std::ostringstream out;
  export_journal(ledger, out);
  std::istringstream lines(out.str());
  std::string line;
  while (std::getline(lines, line)) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event.at("seq").get<std::int64_t>() != seq) continue;
    std::vector<std::string> result;
    if (!event.contains("postings")) return result;
    for (const nlohmann::json& p : event.at("postings")) {
      auto text = [&p](const char* key) { return p.contains(key) ? p.at(key).get<std::string>() : std::string(); };
      std::string described = text("account") + "|" + text("fund") + "|" + text("donor") + "|" + text("project") +
                              "|" + text("pledge") + "|" + text("currency") + "|" + text("amount") + "|" +
                              text("functional_amount");
      if (p.contains("residual") && p.at("residual").get<bool>()) described += "|residual";
      result.push_back(std::move(described));
    }
    std::sort(result.begin(), result.end());
    return result;
  }
  FAIL("no event with seq " << seq << " in the exported journal");
  return {};
}

inline std::vector<std::string> sorted(std::initializer_list<std::string> postings) {
  std::vector<std::string> result(postings);
  std::sort(result.begin(), result.end());
  return result;
}

// The balance rows, as "key,key,...|currency|debit|credit", of the accounts named (all when none).
inline std::vector<std::string> balances(const Ledger& ledger, const std::vector<BalanceKey>& keys,
                                         std::initializer_list<std::string> accounts = {}) {
  BalanceQuery query;
  query.group_by = keys;
  std::vector<std::string> out;
  for (const BalanceRow& row : ledger.balances(query)) {
    if (accounts.size() != 0 && std::find(accounts.begin(), accounts.end(), row.keys.at(0)) == accounts.end()) continue;
    std::string joined;
    for (std::size_t i = 0; i < row.keys.size(); ++i) joined += (i ? "," : "") + row.keys[i];
    out.push_back(joined + "|" + row.currency + "|" + row.debit.to_string() + "|" + row.credit.to_string());
  }
  return out;
}

// The ledger verifies; and its export, replayed through the rules against a ledger held in memory
// alone (no SQLite, no server), gives every event the same postings and hash: every rule the test
// exercised, with the exact postings it checked, holds on the in-memory state too.
inline void check_verified(const Ledger& ledger) {
  const VerifyReport report = verify(ledger);
  INFO("verify: seq " << report.first_bad_seq << ": " << report.problem);
  CHECK(report.ok);
  CHECK(report.events == ledger.event_count());
  std::stringstream journal;
  export_journal(ledger, journal);
  const ReplayReport in_memory = audit::replay_in_memory(journal, "the export");
  INFO("replayed in memory: seq " << in_memory.first_bad_seq << ": " << in_memory.problem);
  CHECK(in_memory.ok);
  CHECK(in_memory.events == ledger.event_count());
  CHECK(in_memory.head_hash == ledger.head_hash());
}

// Checks that recording json is refused with code and message, and writes nothing.
inline void check_refused(Ledger& ledger, const std::string& json, ErrorCode code, const std::string& message) {
  INFO(json);
  const std::int64_t before = ledger.event_count();
  const std::string head = ledger.head_hash();
  const Error error = error_from([&] { record(ledger, json); });
  CHECK(error_code_name(error.code()) == std::string(error_code_name(code)));
  CHECK(std::string(error.what()) == message);
  CHECK(ledger.event_count() == before);
  CHECK(ledger.head_hash() == head);
}

}  // namespace fundledger::test
