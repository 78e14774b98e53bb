// The floors of verify and replay, for tools/bench: what re-executing an export costs with no store
// behind it.
//
//   rules_floor EXPORT.jsonl
//
// Two timed passes over the same export, each reading it from memory:
//   - read and hash: every line parsed as an export line and its hash checked, as replay and
//     verify both must (no rules);
//   - the rules in memory: the whole replay (parse, the rules, the canonical postings and the hash
//     chain compared line by line) into a ledger held in memory alone, writing nothing.
// verify and replay cannot run faster than the second with the rules as they are; the first is
// what remains of them without the rules. Prints one line for each: "NAME: E events in S s".
#include "audit/journal_support.hpp"
#include "core/event_json.hpp"

#include <fundledger/error.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Parses every line and checks its hash; returns the number of events.
std::int64_t read_and_hash(const std::string& text) {
  std::istringstream in(text);
  std::int64_t events = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const fundledger::detail::ParsedLine parsed = fundledger::detail::parse_line(line, true);
    if (!fundledger::audit::line_hash_matches(parsed)) {
      throw fundledger::Error(fundledger::ErrorCode::bad_input, "line " + std::to_string(events + 1) + ": hash differs");
    }
    ++events;
  }
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: rules_floor EXPORT.jsonl\n", stderr);
    return 64;
  }
  try {
    std::ifstream file(argv[1], std::ios::binary);
    if (!file) throw fundledger::Error(fundledger::ErrorCode::input_unreadable, std::string("cannot read ") + argv[1]);
    std::ostringstream whole;
    whole << file.rdbuf();
    const std::string text = whole.str();

    auto start = std::chrono::steady_clock::now();
    const std::int64_t events = read_and_hash(text);
    std::printf("read and hash: %lld events in %.3f s\n", static_cast<long long>(events), seconds_since(start));

    std::istringstream journal(text);
    start = std::chrono::steady_clock::now();
    const fundledger::ReplayReport report = fundledger::audit::replay_in_memory(journal, argv[1]);
    const double seconds = seconds_since(start);
    if (!report.ok) throw fundledger::Error(fundledger::ErrorCode::bad_input, report.problem);
    std::printf("the rules in memory: %lld events in %.3f s\n", static_cast<long long>(report.events), seconds);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "rules_floor: %s\n", error.what());
    return 65;
  }
}
