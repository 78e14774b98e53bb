// Mutation tests of verify's invariants (ledger/README.md, "Checks that do not trust the rules"):
// verify re-runs the rules, so a wrong rule re-derives its own wrong postings and agrees with them.
// The invariants must catch it. This test links the library built with its mutants
// (core/mutants.hpp), breaks one rule at a time through FUNDLEDGER_MUTANT, records the same
// ledger, and requires verify to fail on the invariant that rule keeps, and to pass on the real
// rules.
#include "support/ledger_helpers.hpp"

#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <string>
#include <vector>

using fundledger::Ledger;
using namespace fundledger::test;

namespace {

// A ledger that exercises each rule a mutant breaks: all the euros of a fund spent after their rate
// changed,
// an allowance and the receipt that pays its pledge, a settlement in another currency, an expense
// beyond a fund's cash, money held applied to one pledge and then to another, a transfer before a
// year-end, and an apply that a pledge counts as received. What the real rules refuse is left out.
const char* const scenario[] = {
    R"({"type":"fund","code":"A","name":"Fund A","kind":"general"})",
    R"({"type":"fund","code":"B","name":"Fund B","kind":"special","parent":"A"})",
    R"({"type":"fund","code":"PSC","name":"Programme support costs","kind":"psc"})",
    R"({"type":"setting","key":"psc_fund","value":"PSC"})",
    R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})",
    R"({"type":"donor","code":"FRA","name":"France","category":"government","country":"FR"})",
    R"({"type":"rate","currency":"EUR","effective":"2023-11-01","per_usd":"0.9"})",
    R"({"type":"rate","currency":"EUR","effective":"2023-12-01","per_usd":"0.8"})",
    R"({"type":"receipt","id":"R-EUR","date":"2023-11-10","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})",
    R"({"type":"receipt","id":"R-USD","date":"2023-11-10","fund":"A","currency":"USD","amount":"5000.00","donor":"DEU"})",
    R"({"type":"pledge","id":"P-AL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2023-11-12"})",
    R"({"type":"allowance","id":"AL-1","pledge":"P-AL","date":"2023-11-13","amount":"60.00"})",
    R"({"type":"receipt","id":"R-AL","date":"2023-11-14","fund":"A","currency":"EUR","amount":"100.00","pledge":"P-AL"})",
    R"({"type":"pledge","id":"P-X","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2023-11-12"})",
    R"({"type":"receipt","id":"R-X","date":"2023-11-15","fund":"A","currency":"USD","amount":"50.00","pledge":"P-X"})",
    R"({"type":"expense","id":"EX-OVER","fund":"B","date":"2023-11-20","currency":"USD","amount":"100.00","category":"programme"})",
    R"({"type":"receipt","id":"R-ADV","date":"2023-11-21","fund":"A","currency":"EUR","amount":"100.00","donor":"FRA"})",
    R"({"type":"pledge","id":"P-A1","donor":"FRA","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2023-11-21"})",
    R"({"type":"pledge","id":"P-A2","donor":"FRA","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2023-11-21"})",
    R"({"type":"apply","id":"APP-1","date":"2023-11-22","receipt":"R-ADV","pledge":"P-A1"})",
    R"({"type":"apply","id":"APP-2","date":"2023-11-23","receipt":"R-ADV","pledge":"P-A2"})",
    R"({"type":"transfer","id":"TR-1","date":"2023-11-25","from_fund":"A","to_fund":"B","currency":"USD","amount":"100.00"})",
    R"({"type":"period_close","period":"2023-11"})",
    R"({"type":"expense","id":"EX-1","fund":"A","date":"2023-12-05","currency":"EUR","amount":"1100.00","category":"programme","psc_rate":"0"})",
    R"({"type":"period_close","period":"2023-12"})",
};

// The ledger of the scenario, under the mutant the environment names.
fundledger::VerifyReport verified_scenario(const std::string& path) {
  Ledger ledger = Ledger::init(path);
  for (const char* event : scenario) {
    try {
      record(ledger, event);
    } catch (const fundledger::Error&) {
      // The real rules refuse it: an overdraft, the second apply of money held.
    }
  }
  return fundledger::verify(ledger);
}

// Runs with FUNDLEDGER_MUTANT set to the mutant, and unset again after.
struct Mutant {
  explicit Mutant(const char* name) {
    if (*name) ::setenv("FUNDLEDGER_MUTANT", name, 1);
  }
  ~Mutant() { ::unsetenv("FUNDLEDGER_MUTANT"); }
  Mutant(const Mutant&) = delete;
  Mutant& operator=(const Mutant&) = delete;
};

}  // namespace

TEST_CASE("Verify's invariants hold on the real rules") {
  TemporaryDirectory directory;
  const fundledger::VerifyReport report = verified_scenario(directory.file("real.db"));
  INFO(report.problem);
  CHECK(report.ok);
}

TEST_CASE("Each invariant of verify fails on the rule that breaks it") {
  const std::vector<std::pair<const char*, int>> mutants = {
      {"skew_trading_leg", 1},       {"skip_carrying_relief", 2}, {"apply_twice", 2},
      {"skip_allowance_release", 3}, {"let_overdraft_through", 4}, {"skip_year_end_3200", 5},
      {"miscount_received", 6},
  };
  for (const auto& [name, invariant] : mutants) {
    INFO("mutant " << name);
    TemporaryDirectory directory;
    const Mutant mutant(name);
    const fundledger::VerifyReport report = verified_scenario(directory.file("mutant.db"));
    INFO(report.problem);
    CHECK_FALSE(report.ok);
    CHECK(report.problem.rfind("invariant " + std::to_string(invariant) + " (", 0) == 0);
    CHECK(report.problem.find(" fails for ") != std::string::npos);
    CHECK(report.first_bad_seq > 0);
  }
}
