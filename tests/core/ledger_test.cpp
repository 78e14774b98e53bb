// Tests of fundledger::Ledger through the public library, on ledger files in a temporary directory.
//
// They pin down what ledger/README.md and README.md promise about recording: the standard chart,
// the invariants of every journal entry (each refusal with its ErrorCode and message), the
// conversion to USD at the rate in force with the rounding residual posted to 5900, idempotency of
// events and master data, batches and imports that are all or nothing, balances grouped by every
// dimension and filtered by date, and several Ledger objects sharing one file.
#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include "support/ledger_helpers.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using fundledger::AccountClass;
using fundledger::AccountEvent;
using fundledger::BalanceKey;
using fundledger::BalanceQuery;
using fundledger::BalanceRow;
using fundledger::Date;
using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Event;
using fundledger::Ledger;
using fundledger::OpenMode;
using fundledger::parse_event;
using fundledger::RecordResult;

namespace {

using fundledger::test::error_from;
using fundledger::test::TemporaryDirectory;


RecordResult record(Ledger& ledger, const std::string& json) { return ledger.record(parse_event(json)); }

// What record() did, as text that a failed check prints: "recorded as seq 39", "already recorded
// as seq 39".
std::string outcome(const RecordResult& result) {
  return (result.recorded ? "recorded as seq " : "already recorded as seq ") + std::to_string(result.seq);
}
std::string recorded_as(std::int64_t seq) { return outcome(RecordResult{true, seq, {}}); }
std::string already_as(std::int64_t seq) { return outcome(RecordResult{false, seq, {}}); }

// One posting as JSON; extra is appended inside the object (",\"donor\":\"DEU\"").
std::string posting(const std::string& account, const std::string& fund, const std::string& currency,
                    const std::string& amount, const std::string& extra = "") {
  return R"({"account":")" + account + R"(","fund":")" + fund + R"(","currency":")" + currency +
         R"(","amount":")" + amount + "\"" + extra + "}";
}

std::string entry_json(const std::string& id, const std::string& date,
                       std::initializer_list<std::string> postings, const std::string& memo = "") {
  std::string text = R"({"type":"entry","id":")" + id + R"(","date":")" + date + "\"";
  if (!memo.empty()) text += R"(,"memo":")" + memo + "\"";
  text += R"(,"postings":[)";
  bool first = true;
  for (const std::string& p : postings) {
    if (!first) text += ',';
    first = false;
    text += p;
  }
  return text + "]}";
}

Event entry(const std::string& id, const std::string& date, std::initializer_list<std::string> postings,
            const std::string& memo = "") {
  return parse_event(entry_json(id, date, postings, memo));
}


// The events of the standard ledger after Ledger::init (seq 32 to 38).
const char* const standard_master_data[] = {
    R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})",
    R"({"type":"fund","code":"UNTOC","name":"UNTOC funding mechanism","kind":"special","parent":"CPCJF"})",
    R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})",
    R"({"type":"project","code":"GLOZ82","name":"Global programme against trafficking","fund":"CPCJF"})",
    R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.912"})",
    R"({"type":"rate","currency":"EUR","effective":"2024-02-01","per_usd":"0.925"})",
    R"({"type":"rate","currency":"JPY","effective":"2024-01-01","per_usd":"148"})",
};
constexpr std::int64_t init_events = 32;      // 7 settings + 25 accounts
constexpr std::int64_t standard_events = 39;  // init_events + the 7 above

// A ledger with the standard chart, two funds (UNTOC a child of CPCJF), a donor, a project of
// CPCJF, and EUR and JPY rates.
Ledger standard_ledger(const std::string& path) {
  Ledger ledger = Ledger::init(path);
  for (const char* event : standard_master_data) REQUIRE(record(ledger, event).recorded);
  REQUIRE(ledger.event_count() == standard_events);
  return ledger;
}

// "keys|currency|debit|credit" for each row, for exact comparison of a whole result.
std::vector<std::string> describe(const std::vector<BalanceRow>& rows) {
  std::vector<std::string> out;
  for (const BalanceRow& row : rows) {
    std::string keys;
    for (std::size_t i = 0; i < row.keys.size(); ++i) keys += (i ? "," : "") + row.keys[i];
    out.push_back(keys + "|" + row.currency + "|" + row.debit.to_string() + "|" + row.credit.to_string());
  }
  return out;
}

std::vector<std::string> balances(const Ledger& ledger, std::vector<BalanceKey> keys,
                                  std::optional<Date> from = std::nullopt,
                                  std::optional<Date> as_of = std::nullopt) {
  BalanceQuery query;
  query.group_by = std::move(keys);
  query.from = from;
  query.as_of = as_of;
  return describe(ledger.balances(query));
}

Date day(const char* text) { return Date::parse(text); }

struct StandardAccount {
  const char* code;
  const char* name;
  const char* account_class;
};

// The standard chart of ledger/README.md, written out independently of the library's copy.
const StandardAccount standard_chart[] = {
    {"1100", "Cash and cash equivalents (share of the cash pool)", "asset"},
    {"1200", "Voluntary contributions receivable", "asset"},
    {"1290", "Allowance for doubtful contributions receivable", "asset"},
    {"1400", "Advances to implementing partners", "asset"},
    {"1500", "Due from other funds", "asset"},
    {"1900", "Currency exchange (trading account)", "asset"},
    {"2100", "Contributions received in advance", "liability"},
    {"2150", "Unidentified receipts", "liability"},
    {"2200", "Deferred revenue, conditional contributions", "liability"},
    {"2300", "Refunds payable to donors", "liability"},
    {"2500", "Due to other funds", "liability"},
    {"3100", "Accumulated surplus (fund balance)", "net-assets"},
    {"3200", "Transfers between funds", "net-assets"},
    {"4100", "Voluntary contributions, general-purpose", "revenue"},
    {"4200", "Voluntary contributions, special-purpose", "revenue"},
    {"4300", "Programme support cost income", "revenue"},
    {"4700", "Foreign exchange gains/(losses), realized", "revenue"},
    {"4710", "Foreign exchange gains/(losses), unrealized", "revenue"},
    {"4800", "Investment revenue", "revenue"},
    {"4900", "Refunds and reductions of contributions", "revenue"},
    {"5100", "Grants and transfers to implementing partners", "expense"},
    {"5200", "Programme expenditure", "expense"},
    {"5300", "Programme support costs", "expense"},
    {"5400", "Impairment of contributions receivable", "expense"},
    {"5900", "Rounding differences", "expense"},
};

std::string account_json(const StandardAccount& account) {
  return std::string(R"({"type":"account","code":")") + account.code + R"(","name":")" + account.name +
         R"(","class":")" + account.account_class + "\"}";
}

}  // namespace

// ---- Creating a ledger ----

TEST_CASE("Ledger::init records the 25 accounts of the standard chart and the 4 standard settings") {
  TemporaryDirectory directory;
  Ledger ledger = Ledger::init(directory.file("fund.db"));
  CHECK(ledger.path() == directory.file("fund.db"));
  CHECK(ledger.event_count() == init_events);
  CHECK(ledger.head_hash().size() == 64);
  CHECK(ledger.head_hash() != std::string(64, '0'));
  CHECK(ledger.balances({}).empty());

  // Each standard account, sent again exactly as ledger/README.md names it, is already recorded.
  for (const StandardAccount& account : standard_chart) {
    INFO(account.code);
    CHECK_FALSE(record(ledger, account_json(account)).recorded);
  }
  // So is each standard setting.
  CHECK_FALSE(record(ledger, R"({"type":"setting","key":"functional_currency","value":"USD"})").recorded);
  CHECK_FALSE(record(ledger, R"({"type":"setting","key":"rounding","value":"half-even"})").recorded);
  CHECK_FALSE(record(ledger, R"({"type":"setting","key":"psc_rate","value":"0.13"})").recorded);
  CHECK_FALSE(record(ledger, R"({"type":"setting","key":"recognition","value":"upfront"})").recorded);
  CHECK(ledger.event_count() == init_events);

  // An account outside the chart is new.
  CHECK(outcome(record(ledger, R"({"type":"account","code":"1110","name":"Petty cash","class":"asset"})")) == recorded_as(init_events + 1));
}

TEST_CASE("Ledger::init --bare records the settings but no account, and create records nothing") {
  TemporaryDirectory directory;
  Ledger bare = Ledger::init(directory.file("bare.db"), true);
  CHECK(bare.event_count() == 7);
  CHECK(record(bare, R"({"type":"fund","code":"F","name":"Fund","kind":"general"})").recorded);
  const Error error = error_from([&] {
    bare.record(entry("E1", "2024-01-15", {posting("1100", "F", "USD", "1.00"), posting("4100", "F", "USD", "-1.00")}));
  });
  CHECK(error.code() == ErrorCode::unknown_reference);
  CHECK(std::string(error.what()) == R"(field "postings[0].account": unknown account "1100")");

  Ledger empty = Ledger::create(directory.file("empty.db"));
  CHECK(empty.event_count() == 0);
  CHECK(empty.head_hash() == std::string(64, '0'));
}

TEST_CASE("Ledger::create and Ledger::init refuse a path that already exists") {
  TemporaryDirectory directory;
  const std::string path = directory.file("fund.db");
  { Ledger ledger = Ledger::init(path); }
  for (int bare = 0; bare < 2; ++bare) {
    const Error error = error_from([&] { Ledger::init(path, bare == 1); });
    CHECK(error.code() == ErrorCode::output_uncreatable);
    CHECK(std::string(error.what()) == "cannot create the ledger " + path + ": the file already exists");
  }
  const Error error = error_from([&] { Ledger::create(path); });
  CHECK(error.code() == ErrorCode::output_uncreatable);
  // The existing ledger is untouched.
  CHECK(Ledger::open(path).event_count() == init_events);
}

// ---- The invariants of a journal entry ----

TEST_CASE("An entry needs at least two postings") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  for (const auto& [event, count] :
       {std::pair{entry("E1", "2024-01-15", {posting("1100", "CPCJF", "USD", "1.00")}), 1},
        std::pair{entry("E1", "2024-01-15", {}), 0}}) {
    const Error error = error_from([&] { ledger.record(event); });
    CHECK(error.code() == ErrorCode::unbalanced);
    CHECK(std::string(error.what()) ==
          R"(field "postings": an entry needs at least two postings, it has )" + std::to_string(count));
  }
  CHECK(ledger.event_count() == standard_events);
}

TEST_CASE("An entry must balance to zero in each fund and currency") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  SECTION("one cent short in EUR") {
    const Error error = error_from([&] {
      ledger.record(entry("BNK-1", "2024-01-15",
                          {posting("1100", "CPCJF", "EUR", "1000.00"), posting("4800", "CPCJF", "EUR", "-1000.01")}));
    });
    CHECK(error.code() == ErrorCode::unbalanced);
    CHECK(std::string(error.what()) ==
          "entry BNK-1 does not balance: in fund CPCJF the EUR postings sum to -0.01, expected 0");
  }
  SECTION("balanced in total, but money moved between funds without interfund accounts") {
    const Error error = error_from([&] {
      ledger.record(entry("TRF-1", "2024-01-15",
                          {posting("1100", "CPCJF", "USD", "100.00"), posting("1100", "UNTOC", "USD", "-100.00")}));
    });
    CHECK(error.code() == ErrorCode::unbalanced);
    CHECK(std::string(error.what()) ==
          "entry TRF-1 does not balance: in fund CPCJF the USD postings sum to 100.00, expected 0");
  }
  SECTION("balanced in USD value, but two currencies in one fund without 1900") {
    // 912.00 EUR at 0.912 is exactly 1000.00 USD: the USD amounts balance, the EUR ones do not.
    const Error error = error_from([&] {
      ledger.record(entry("FX-1", "2024-01-15",
                          {posting("1100", "CPCJF", "EUR", "912.00"), posting("4100", "CPCJF", "USD", "-1000.00")}));
    });
    CHECK(error.code() == ErrorCode::unbalanced);
    CHECK(std::string(error.what()) ==
          "entry FX-1 does not balance: in fund CPCJF the EUR postings sum to 912.00, expected 0");
  }
  SECTION("a JPY imbalance is shown without decimals") {
    const Error error = error_from([&] {
      ledger.record(entry("JPY-1", "2024-01-15",
                          {posting("1100", "UNTOC", "JPY", "150000"), posting("4200", "UNTOC", "JPY", "-149999")}));
    });
    CHECK(error.code() == ErrorCode::unbalanced);
    CHECK(std::string(error.what()) ==
          "entry JPY-1 does not balance: in fund UNTOC the JPY postings sum to 1, expected 0");
  }
  CHECK(ledger.event_count() == standard_events);
}

TEST_CASE("An entry may name only accounts, funds, donors, projects, pledges and currencies that exist") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const std::string good = posting("1100", "CPCJF", "USD", "10.00");
  struct Case {
    std::string bad_posting;
    std::string message;
  };
  const Case cases[] = {
      {posting("9999", "CPCJF", "USD", "-10.00"), R"(field "postings[1].account": unknown account "9999")"},
      {posting("4100", "NOFUND", "USD", "-10.00"), R"(field "postings[1].fund": unknown fund "NOFUND")"},
      {posting("4100", "CPCJF", "USD", "-10.00", R"(,"donor":"FRA")"), R"(field "postings[1].donor": unknown donor "FRA")"},
      {posting("4100", "CPCJF", "USD", "-10.00", R"(,"project":"NOPROJ")"),
       R"(field "postings[1].project": unknown project "NOPROJ")"},
      {posting("4100", "CPCJF", "USD", "-10.00", R"(,"pledge":"P-1")"), R"(field "postings[1].pledge": unknown pledge "P-1")"},
      {posting("4100", "CPCJF", "XYZ", "-10.00"),
       R"(field "postings[1].currency": unknown currency "XYZ": not ISO 4217 and not declared with a currency event)"},
  };
  for (const Case& c : cases) {
    INFO(c.bad_posting);
    const Error error = error_from([&] { ledger.record(entry("E1", "2024-01-15", {good, c.bad_posting})); });
    CHECK(error.code() == ErrorCode::unknown_reference);
    CHECK(std::string(error.what()) == c.message);
  }
  CHECK(ledger.event_count() == standard_events);
}

TEST_CASE("A posting's project must belong to the posting's fund") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const Error error = error_from([&] {
    ledger.record(entry("E1", "2024-01-15",
                        {posting("5200", "UNTOC", "USD", "10.00", R"(,"project":"GLOZ82")"),
                         posting("1100", "UNTOC", "USD", "-10.00")}));
  });
  CHECK(error.code() == ErrorCode::bad_input);
  CHECK(std::string(error.what()) == R"(field "postings[0].project": project GLOZ82 belongs to fund CPCJF, not UNTOC)");
  // In its own fund it is fine.
  CHECK(ledger
            .record(entry("E1", "2024-01-15",
                          {posting("5200", "CPCJF", "USD", "10.00", R"(,"project":"GLOZ82")"),
                           posting("1100", "CPCJF", "USD", "-10.00")}))
            .recorded);
}

TEST_CASE("An amount may not have more decimals than its currency, nor be zero") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  SECTION("USD 0.001") {
    const Error error = error_from([&] {
      ledger.record(entry("E1", "2024-01-15",
                          {posting("1100", "CPCJF", "USD", "0.001"), posting("4100", "CPCJF", "USD", "-0.001")}));
    });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) ==
          R"(field "postings[0].amount": amount 0.001 has more decimals than USD allows (2))");
  }
  SECTION("JPY 1.5") {
    const Error error = error_from([&] {
      ledger.record(entry("E1", "2024-01-15",
                          {posting("1100", "UNTOC", "JPY", "1"), posting("1100", "UNTOC", "JPY", "1.5"),
                           posting("4200", "UNTOC", "JPY", "-2.5")}));
    });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) ==
          R"(field "postings[1].amount": amount 1.5 has more decimals than JPY allows (0))");
  }
  SECTION("zero") {
    const Error error = error_from([&] {
      ledger.record(entry("E1", "2024-01-15",
                          {posting("1100", "CPCJF", "USD", "10.00"), posting("4800", "CPCJF", "USD", "0.00"),
                           posting("4100", "CPCJF", "USD", "-10.00")}));
    });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) == R"(field "postings[1].amount": a posting's amount must not be zero)");
  }
  CHECK(ledger.event_count() == standard_events);
}

TEST_CASE("Trailing zeros beyond the currency's decimals are accepted and stored at its minor units") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const RecordResult first = ledger.record(entry(
      "E1", "2024-01-15", {posting("1100", "CPCJF", "USD", "10.000"), posting("4100", "CPCJF", "USD", "-10.0000")}));
  CHECK(outcome(first) == recorded_as(standard_events + 1));
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::currency}) ==
        std::vector<std::string>{"1100,USD|USD|10.00|0.00", "4100,USD|USD|0.00|10.00"});
  // The same entry written at the currency's minor units is the same event.
  CHECK(outcome(ledger.record(entry("E1", "2024-01-15",
                            {posting("1100", "CPCJF", "USD", "10.00"), posting("4100", "CPCJF", "USD", "-10.00")}))) == already_as(standard_events + 1));
}

TEST_CASE("An entry in a foreign currency needs a rate in force on its date") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  SECTION("a currency without any rate") {
    const Error error = error_from([&] {
      ledger.record(entry("E1", "2024-01-15",
                          {posting("1100", "CPCJF", "GBP", "10.00"), posting("4100", "CPCJF", "GBP", "-10.00")}));
    });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) == R"(field "postings[0].amount": no GBP rate in force on 2024-01-15 )"
                                       "(it has no rate at all): record a rate event first");
  }
  SECTION("a date before the earliest rate") {
    const Error error = error_from([&] {
      ledger.record(entry("E1", "2023-12-31",
                          {posting("1100", "CPCJF", "EUR", "10.00"), posting("4100", "CPCJF", "EUR", "-10.00")}));
    });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) == R"(field "postings[0].amount": no EUR rate in force on 2023-12-31 )"
                                       "(its earliest rate is effective 2024-01-01): record a rate event first");
  }
  CHECK(ledger.event_count() == standard_events);
}

// ---- Conversion to USD and the rounding residual ----

TEST_CASE("Each posting is converted at the latest rate effective on or before the entry's date") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  auto receipt = [](const std::string& id, const std::string& date) {
    return entry(id, date, {posting("1100", "CPCJF", "EUR", "1000.00"), posting("4100", "CPCJF", "EUR", "-1000.00")});
  };
  auto usd_on = [&ledger](const char* date) {
    return balances(ledger, {BalanceKey::account}, day(date), day(date));
  };
  // 2024-01-31, rate 0.912 (from 2024-01-01): 1000.00 / 0.912 = 1096.4912280... -> 1096.49
  REQUIRE(ledger.record(receipt("R-JAN31", "2024-01-31")).recorded);
  // 2024-02-01, rate 0.925 takes effect that day: 1000.00 / 0.925 = 1081.0810810... -> 1081.08
  REQUIRE(ledger.record(receipt("R-FEB01", "2024-02-01")).recorded);
  // 2024-03-15, still 0.925: 1081.08
  REQUIRE(ledger.record(receipt("R-MAR15", "2024-03-15")).recorded);
  CHECK(usd_on("2024-01-31") == std::vector<std::string>{"1100|USD|1096.49|0.00", "4100|USD|0.00|1096.49"});
  CHECK(usd_on("2024-02-01") == std::vector<std::string>{"1100|USD|1081.08|0.00", "4100|USD|0.00|1081.08"});
  CHECK(usd_on("2024-03-15") == std::vector<std::string>{"1100|USD|1081.08|0.00", "4100|USD|0.00|1081.08"});

  // A rate recorded later with an earlier effective date never rewrites history, but applies to
  // entries recorded after it: 1000.00 / 0.950 = 1052.6315789... -> 1052.63.
  REQUIRE(record(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-15","per_usd":"0.950"})").recorded);
  CHECK(usd_on("2024-01-31") == std::vector<std::string>{"1100|USD|1096.49|0.00", "4100|USD|0.00|1096.49"});
  REQUIRE(ledger.record(receipt("R-JAN31-B", "2024-01-31")).recorded);
  // 1096.49 + 1052.63 = 2149.12
  CHECK(usd_on("2024-01-31") == std::vector<std::string>{"1100|USD|2149.12|0.00", "4100|USD|0.00|2149.12"});
  // And the rates of 2024-01-01 still hold before 2024-01-15.
  REQUIRE(ledger.record(receipt("R-JAN14", "2024-01-14")).recorded);
  CHECK(usd_on("2024-01-14") == std::vector<std::string>{"1100|USD|1096.49|0.00", "4100|USD|0.00|1096.49"});
}

TEST_CASE("Conversion rounds to cents by the rounding setting in force on the entry's date") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  REQUIRE(record(ledger, R"({"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":"0.8"})").recorded);
  auto usd_on = [&ledger](const char* date) {
    return balances(ledger, {BalanceKey::account}, day(date), day(date));
  };
  // Half-even (the standard setting): 0.02 / 0.8 = 0.025 -> 0.02; 0.06 / 0.8 = 0.075 -> 0.08.
  REQUIRE(ledger.record(entry("G1", "2024-03-01", {posting("1100", "CPCJF", "GBP", "0.02"),
                                                   posting("4100", "CPCJF", "GBP", "-0.02")})).recorded);
  REQUIRE(ledger.record(entry("G2", "2024-03-02", {posting("1100", "CPCJF", "GBP", "0.06"),
                                                   posting("4100", "CPCJF", "GBP", "-0.06")})).recorded);
  CHECK(usd_on("2024-03-01") == std::vector<std::string>{"1100|USD|0.02|0.00", "4100|USD|0.00|0.02"});
  CHECK(usd_on("2024-03-02") == std::vector<std::string>{"1100|USD|0.08|0.00", "4100|USD|0.00|0.08"});
  // From 2024-06-01, half-up: 0.025 -> 0.03, and -0.025 -> -0.03.
  REQUIRE(record(ledger, R"({"type":"setting","key":"rounding","value":"half-up","effective":"2024-06-01"})").recorded);
  REQUIRE(ledger.record(entry("G3", "2024-06-01", {posting("1100", "CPCJF", "GBP", "0.02"),
                                                   posting("4100", "CPCJF", "GBP", "-0.02")})).recorded);
  REQUIRE(ledger.record(entry("G4", "2024-05-31", {posting("1100", "CPCJF", "GBP", "0.02"),
                                                   posting("4100", "CPCJF", "GBP", "-0.02")})).recorded);
  CHECK(usd_on("2024-06-01") == std::vector<std::string>{"1100|USD|0.03|0.00", "4100|USD|0.00|0.03"});
  CHECK(usd_on("2024-05-31") == std::vector<std::string>{"1100|USD|0.02|0.00", "4100|USD|0.00|0.02"});
}

TEST_CASE("The rounding residual of an entry goes to 5900 in the same fund, with amount 0") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  // At 0.912: 1.00 / 0.912 = 1.0964912... -> 1.10 (twice); 2.00 / 0.912 = 2.1929824... -> 2.19.
  // 1.10 + 1.10 - 2.19 = 0.01, so 5900 takes -0.01 USD (a credit) and the fund balances in USD.
  REQUIRE(outcome(ledger.record(entry("R1", "2024-01-15",
                              {posting("1100", "CPCJF", "EUR", "1.00"), posting("1100", "CPCJF", "EUR", "1.00"),
                               posting("4100", "CPCJF", "EUR", "-2.00")}))) == recorded_as(standard_events + 1));
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::fund}) ==
        std::vector<std::string>{"1100,CPCJF|USD|2.20|0.00", "4100,CPCJF|USD|0.00|2.19",
                                 "5900,CPCJF|USD|0.00|0.01"});
  // In EUR the residual is zero, so 5900 has no row.
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::fund, BalanceKey::currency}) ==
        std::vector<std::string>{"1100,CPCJF,EUR|EUR|2.00|0.00", "4100,CPCJF,EUR|EUR|0.00|2.00"});
  CHECK(balances(ledger, {BalanceKey::fund}) == std::vector<std::string>{"CPCJF|USD|2.20|2.20"});

  // An entry whose conversions are exact leaves no residual.
  REQUIRE(ledger.record(entry("R2", "2024-01-16", {posting("1100", "CPCJF", "EUR", "912.00"),
                                                   posting("4100", "CPCJF", "EUR", "-912.00")})).recorded);
  CHECK(balances(ledger, {BalanceKey::account}, day("2024-01-16"), day("2024-01-16")) ==
        std::vector<std::string>{"1100|USD|1000.00|0.00", "4100|USD|0.00|1000.00"});
}

TEST_CASE("Every fund balances in USD after an entry across funds and currencies") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  // CPCJF in EUR at 0.912: 1000.00 -> 1096.49 on both sides, no residual.
  // UNTOC in JPY at 148: 150000 / 148 = 1013.5135... -> 1013.51; 100000 / 148 = 675.6756... -> 675.68;
  // 50000 / 148 = 337.8378... -> 337.84. 1013.51 - 675.68 - 337.84 = -0.01: 5900 takes +0.01 in UNTOC.
  REQUIRE(ledger
              .record(entry("MULTI-1", "2024-01-20",
                            {posting("1100", "CPCJF", "EUR", "1000.00", R"(,"donor":"DEU")"),
                             posting("1100", "UNTOC", "JPY", "150000"),
                             posting("4100", "CPCJF", "EUR", "-1000.00", R"(,"donor":"DEU")"),
                             posting("4200", "UNTOC", "JPY", "-100000"),
                             posting("4200", "UNTOC", "JPY", "-50000", R"(,"donor":"DEU")")}))
              .recorded);
  BalanceQuery fund_query;
  fund_query.group_by = {BalanceKey::fund};
  const std::vector<BalanceRow> by_fund = ledger.balances(fund_query);
  CHECK(describe(by_fund) == std::vector<std::string>{"CPCJF|USD|1096.49|1096.49", "UNTOC|USD|1013.52|1013.52"});
  for (const BalanceRow& row : by_fund) CHECK(row.balance().is_zero());
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::fund}) ==
        std::vector<std::string>{"1100,CPCJF|USD|1096.49|0.00", "1100,UNTOC|USD|1013.51|0.00",
                                 "4100,CPCJF|USD|0.00|1096.49", "4200,UNTOC|USD|0.00|1013.52",
                                 "5900,UNTOC|USD|0.01|0.00"});
  // In the currencies themselves, JPY without decimals.
  CHECK(balances(ledger, {BalanceKey::fund, BalanceKey::currency}) ==
        std::vector<std::string>{"CPCJF,EUR|EUR|1000.00|1000.00", "UNTOC,JPY|JPY|150000|150000"});
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::fund, BalanceKey::donor}) ==
        std::vector<std::string>{"1100,CPCJF,DEU|USD|1096.49|0.00", "1100,UNTOC,|USD|1013.51|0.00",
                                 "4100,CPCJF,DEU|USD|0.00|1096.49", "4200,UNTOC,|USD|0.00|675.68",
                                 "4200,UNTOC,DEU|USD|0.00|337.84", "5900,UNTOC,|USD|0.01|0.00"});
  CHECK(fundledger::verify(ledger).ok);
}

TEST_CASE("Without account 5900, an entry that leaves a rounding residual is refused") {
  TemporaryDirectory directory;
  Ledger ledger = Ledger::init(directory.file("bare.db"), true);
  for (const char* event : {R"({"type":"account","code":"A1","name":"Cash","class":"asset"})",
                            R"({"type":"account","code":"R1","name":"Revenue","class":"revenue"})",
                            R"({"type":"fund","code":"F","name":"Fund","kind":"general"})",
                            R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.912"})"}) {
    REQUIRE(record(ledger, event).recorded);
  }
  const std::int64_t before = ledger.event_count();
  const Error error = error_from([&] {
    ledger.record(entry("E1", "2024-01-15",
                        {posting("A1", "F", "EUR", "1.00"), posting("A1", "F", "EUR", "1.00"),
                         posting("R1", "F", "EUR", "-2.00")}));
  });
  CHECK(error.code() == ErrorCode::unknown_reference);
  CHECK(std::string(error.what()) ==
        "entry E1 leaves a USD rounding residual of -0.01 in fund F, and account 5900 (Rounding differences) "
        "does not exist to take it");
  CHECK(ledger.event_count() == before);
}

// ---- Idempotency ----

TEST_CASE("Recording the same entry again is a no-op that reports the earlier seq") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const Event original = entry("BNK-2024-0001", "2024-01-15",
                               {posting("1100", "CPCJF", "EUR", "1000.00"), posting("4800", "CPCJF", "EUR", "-1000.00")},
                               "Interest received");
  CHECK(outcome(ledger.record(original)) == recorded_as(40));
  const std::string head = ledger.head_hash();
  CHECK(outcome(ledger.record(original)) == already_as(40));
  // The amounts written with fewer decimals are the same amounts.
  CHECK(outcome(ledger.record(entry("BNK-2024-0001", "2024-01-15",
                            {posting("1100", "CPCJF", "EUR", "1000"), posting("4800", "CPCJF", "EUR", "-1000.0")},
                            "Interest received"))) == already_as(40));
  CHECK(ledger.event_count() == 40);
  CHECK(ledger.head_hash() == head);
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::currency}) ==
        std::vector<std::string>{"1100,EUR|EUR|1000.00|0.00", "4800,EUR|EUR|0.00|1000.00"});
}

TEST_CASE("The same entry id with a different body is a conflict") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  REQUIRE(outcome(ledger.record(entry("BNK-1", "2024-01-15",
                              {posting("1100", "CPCJF", "EUR", "1000.00"), posting("4800", "CPCJF", "EUR", "-1000.00")},
                              "memo"))) == recorded_as(40));
  const std::string message = R"(field "id": id "BNK-1" is already recorded (seq 40) with a different body)";
  const Event different[] = {
      // another amount
      entry("BNK-1", "2024-01-15",
            {posting("1100", "CPCJF", "EUR", "1000.01"), posting("4800", "CPCJF", "EUR", "-1000.01")}, "memo"),
      // another date
      entry("BNK-1", "2024-01-16",
            {posting("1100", "CPCJF", "EUR", "1000.00"), posting("4800", "CPCJF", "EUR", "-1000.00")}, "memo"),
      // another memo
      entry("BNK-1", "2024-01-15",
            {posting("1100", "CPCJF", "EUR", "1000.00"), posting("4800", "CPCJF", "EUR", "-1000.00")}, "other"),
      // a donor added
      entry("BNK-1", "2024-01-15",
            {posting("1100", "CPCJF", "EUR", "1000.00", R"(,"donor":"DEU")"),
             posting("4800", "CPCJF", "EUR", "-1000.00")},
            "memo"),
      // refused anyway, but the conflict comes first
      entry("BNK-1", "2024-01-15", {posting("1100", "CPCJF", "EUR", "1000.00")}, "memo"),
  };
  for (const Event& event : different) {
    INFO(fundledger::canonical_json(event));
    const Error error = error_from([&] { ledger.record(event); });
    CHECK(error.code() == ErrorCode::conflict);
    CHECK(std::string(error.what()) == message);
  }
  CHECK(ledger.event_count() == 40);
}

TEST_CASE("Re-sending identical master data and settings is a no-op") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  for (const char* event : standard_master_data) {
    INFO(event);
    CHECK_FALSE(record(ledger, event).recorded);
  }
  // The same events written with other key order and whitespace are the same events.
  CHECK_FALSE(record(ledger, R"({ "kind": "general", "code": "CPCJF", "type": "fund",
                                  "name": "Crime Prevention and Criminal Justice Fund" })")
                  .recorded);
  CHECK(ledger.event_count() == standard_events);
}

TEST_CASE("A no-op re-send of master data reports the seq it was recorded at") {
  // RecordResult::seq is "the journal sequence number of the event (the earlier one on a no-op)":
  // that holds for master data as it does for entries.
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  std::int64_t seq = init_events;
  for (const char* event : standard_master_data) {
    INFO(event);
    CHECK(outcome(record(ledger, event)) == already_as(++seq));
  }
  CHECK(outcome(record(ledger, R"({"type":"setting","key":"functional_currency","value":"USD"})")) == already_as(1));
  CHECK(outcome(record(ledger, account_json(standard_chart[0]))) == already_as(8));
}

TEST_CASE("Master data that conflicts with what is recorded is refused") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  struct Case {
    const char* event;
    const char* message;
  };
  const Case cases[] = {
      {R"({"type":"account","code":"1100","name":"Cash","class":"asset"})",
       R"(account 1100 is already recorded differently: stored {"class":"asset","code":"1100",)"
       R"x("name":"Cash and cash equivalents (share of the cash pool)","type":"account"}, )x"
       R"(given {"class":"asset","code":"1100","name":"Cash","type":"account"})"},
      {R"({"type":"account","code":"5900","name":"Rounding differences","class":"revenue"})",
       R"(account 5900 is already recorded differently: stored {"class":"expense","code":"5900",)"
       R"("name":"Rounding differences","type":"account"}, given {"class":"revenue","code":"5900",)"
       R"("name":"Rounding differences","type":"account"})"},
      {R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"special"})",
       R"(fund CPCJF is already recorded differently: stored {"code":"CPCJF","kind":"general",)"
       R"("name":"Crime Prevention and Criminal Justice Fund","type":"fund"}, given {"code":"CPCJF",)"
       R"("kind":"special","name":"Crime Prevention and Criminal Justice Fund","type":"fund"})"},
      {R"({"type":"fund","code":"UNTOC","name":"UNTOC funding mechanism","kind":"special"})",
       R"(fund UNTOC is already recorded differently: stored {"code":"UNTOC","kind":"special",)"
       R"("name":"UNTOC funding mechanism","parent":"CPCJF","type":"fund"}, given {"code":"UNTOC",)"
       R"("kind":"special","name":"UNTOC funding mechanism","type":"fund"})"},
      {R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"AT"})",
       R"(donor DEU is already recorded differently: stored {"category":"government","code":"DEU",)"
       R"("country":"DE","name":"Germany","type":"donor"}, given {"category":"government","code":"DEU",)"
       R"("country":"AT","name":"Germany","type":"donor"})"},
      {R"({"type":"project","code":"GLOZ82","name":"Global programme against trafficking","fund":"UNTOC"})",
       R"(project GLOZ82 is already recorded differently: stored {"code":"GLOZ82","fund":"CPCJF",)"
       R"("name":"Global programme against trafficking","type":"project"}, given {"code":"GLOZ82",)"
       R"("fund":"UNTOC","name":"Global programme against trafficking","type":"project"})"},
      {R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.913"})",
       "the EUR rate effective 2024-01-01 is already recorded differently: stored 0.912, given 0.913"},
      {R"({"type":"setting","key":"rounding","value":"half-up"})",
       R"(setting rounding is already recorded differently: stored "half-even", given "half-up")"},
      {R"({"type":"setting","key":"psc_rate","value":"0.12"})",
       R"(setting psc_rate is already recorded differently: stored "0.13", given "0.12")"},
  };
  for (const Case& c : cases) {
    INFO(c.event);
    const Error error = error_from([&] { record(ledger, c.event); });
    CHECK(error.code() == ErrorCode::conflict);
    CHECK(std::string(error.what()) == c.message);
  }
  CHECK(ledger.event_count() == standard_events);
}

TEST_CASE("A dated setting is its own event; re-sent it is a no-op, changed it is a conflict") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const char* dated = R"({"type":"setting","key":"psc_rate","value":"0.10","effective":"2024-07-01"})";
  CHECK(outcome(record(ledger, dated)) == recorded_as(standard_events + 1));
  CHECK_FALSE(record(ledger, dated).recorded);
  const Error error = error_from([&] {
    record(ledger, R"({"type":"setting","key":"psc_rate","value":"0.12","effective":"2024-07-01"})");
  });
  CHECK(error.code() == ErrorCode::conflict);
  CHECK(std::string(error.what()) ==
        R"(setting psc_rate effective 2024-07-01 is already recorded differently: stored "0.10", given "0.12")");
  // Another effective date is another value in the setting's history.
  CHECK(outcome(record(ledger, R"({"type":"setting","key":"psc_rate","value":"0.12","effective":"2025-01-01"})")) == recorded_as(standard_events + 2));
}

TEST_CASE("Currencies: declared once, re-declared identically as a no-op, never with other minor units") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  std::int64_t seq = standard_events;
  // An ISO currency declared with its ISO minor units.
  CHECK(outcome(record(ledger, R"({"type":"currency","code":"XOF","minor_units":0})")) == recorded_as(++seq));
  CHECK_FALSE(record(ledger, R"({"type":"currency","code":"XOF","minor_units":0})").recorded);
  // A currency of the ledger's own.
  CHECK(outcome(record(ledger, R"({"type":"currency","code":"UN-CREDIT","minor_units":4})")) == recorded_as(++seq));
  CHECK_FALSE(record(ledger, R"({"type":"currency","code":"UN-CREDIT","minor_units":4})").recorded);
  // EUR was known from its rate without being declared; declaring it is recorded once.
  CHECK(outcome(record(ledger, R"({"type":"currency","code":"EUR","minor_units":2})")) == recorded_as(++seq));
  CHECK_FALSE(record(ledger, R"({"type":"currency","code":"EUR","minor_units":2})").recorded);
  CHECK(ledger.event_count() == seq);

  struct Case {
    const char* event;
    const char* message;
  };
  const Case cases[] = {
      {R"({"type":"currency","code":"UN-CREDIT","minor_units":2})",
       "currency UN-CREDIT is already recorded differently: stored 4 minor units, given 2 minor units"},
      {R"({"type":"currency","code":"JPY","minor_units":2})",
       R"(field "minor_units": JPY is ISO 4217 with 0 minor units, not 2)"},
      {R"({"type":"currency","code":"KWD","minor_units":2})",
       R"(field "minor_units": KWD is ISO 4217 with 3 minor units, not 2)"},
      {R"({"type":"currency","code":"XOF","minor_units":2})",
       R"(field "minor_units": XOF is ISO 4217 with 0 minor units, not 2)"},
  };
  for (const Case& c : cases) {
    INFO(c.event);
    const Error error = error_from([&] { record(ledger, c.event); });
    CHECK(error.code() == ErrorCode::conflict);
    CHECK(std::string(error.what()) == c.message);
  }
  CHECK(ledger.event_count() == seq);

  // A declared currency is usable in entries, at its own minor units, once it has a rate.
  REQUIRE(record(ledger, R"({"type":"rate","currency":"UN-CREDIT","effective":"2024-01-01","per_usd":"2"})").recorded);
  REQUIRE(ledger.record(entry("C1", "2024-01-15", {posting("1100", "CPCJF", "UN-CREDIT", "1.0001"),
                                                   posting("4100", "CPCJF", "UN-CREDIT", "-1.0001")})).recorded);
  // 1.0001 / 2 = 0.50005 -> 0.50 (half-even)
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::currency}) ==
        std::vector<std::string>{"1100,UN-CREDIT|UN-CREDIT|1.0001|0.0000", "4100,UN-CREDIT|UN-CREDIT|0.0000|1.0001"});
  CHECK(balances(ledger, {BalanceKey::account}) == std::vector<std::string>{"1100|USD|0.50|0.00", "4100|USD|0.00|0.50"});
}

TEST_CASE("Master data and settings that name what does not exist, or are out of range, are refused") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  struct Case {
    const char* event;
    ErrorCode code;
    const char* message;
  };
  const Case cases[] = {
      {R"({"type":"fund","code":"UNCAC","name":"UNCAC","kind":"special","parent":"NOPE"})", ErrorCode::unknown_reference,
       R"(field "parent": unknown fund "NOPE")"},
      {R"({"type":"project","code":"P2","name":"P2","fund":"NOPE"})", ErrorCode::unknown_reference,
       R"(field "fund": unknown fund "NOPE")"},
      {R"({"type":"rate","currency":"XYZ","effective":"2024-01-01","per_usd":"1.5"})", ErrorCode::unknown_reference,
       R"(field "currency": unknown currency "XYZ": not ISO 4217 and not declared with a currency event)"},
      {R"({"type":"rate","currency":"USD","effective":"2024-01-01","per_usd":"1"})", ErrorCode::bad_input,
       R"(field "currency": USD is the functional currency: its rate is always 1)"},
      {R"({"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":"0.000"})", ErrorCode::bad_input,
       R"(field "per_usd": the rate must be positive, not 0.000)"},
      {R"({"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":"-0.8"})", ErrorCode::bad_input,
       R"(field "per_usd": the rate must be positive, not -0.8)"},
      {R"({"type":"setting","key":"colour","value":"red"})", ErrorCode::bad_input,
       R"(field "key": unknown setting "colour": expected rounding, psc_rate, psc_fund, recognition, )"
       R"(functional_currency, max_future_days, year_end, psc_own_spending, rules_version, iati_org_ref, iati_org_name or iati_sector)"},
      {R"({"type":"setting","key":"rounding","value":"nearest","effective":"2024-01-01"})", ErrorCode::bad_input,
       R"(field "value": invalid value "nearest" for setting rounding: expected down, up, half-up, half-down, )"
       R"(half-even, ceiling or floor)"},
      {R"({"type":"setting","key":"psc_rate","value":"1.00","effective":"2024-01-01"})", ErrorCode::bad_input,
       R"(field "value": invalid value "1.00" for setting psc_rate: expected a rate from 0 to below 1, like 0.13)"},
      {R"({"type":"setting","key":"psc_rate","value":"13%","effective":"2024-01-01"})", ErrorCode::bad_input,
       R"(field "value": invalid value "13%" for setting psc_rate: expected a rate from 0 to below 1, like 0.13)"},
      {R"({"type":"setting","key":"psc_fund","value":"NOPE"})", ErrorCode::bad_input,
       R"(field "value": invalid value "NOPE" for setting psc_fund: expected the code of a recorded fund)"},
      {R"({"type":"setting","key":"functional_currency","value":"EUR","effective":"2024-01-01"})",
       ErrorCode::bad_input,
       R"(field "value": invalid value "EUR" for setting functional_currency: expected USD (the functional )"
       R"(currency of every ledger))"},
      {R"({"type":"setting","key":"recognition","value":"deferred","effective":"2024-01-01"})", ErrorCode::bad_input,
       R"(field "value": invalid value "deferred" for setting recognition: expected upfront or per-instalment)"},
  };
  for (const Case& c : cases) {
    INFO(c.event);
    const Error error = error_from([&] { record(ledger, c.event); });
    CHECK(error.code() == c.code);
    CHECK(std::string(error.what()) == c.message);
  }
  CHECK(ledger.event_count() == standard_events);
  CHECK(record(ledger, R"({"type":"setting","key":"psc_fund","value":"CPCJF"})").recorded);
}

// ---- Batches and imports: all or nothing ----

TEST_CASE("record_batch records every event or none, and names the event it refused") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const std::string head = ledger.head_hash();
  const std::vector<Event> batch = {
      parse_event(R"({"type":"fund","code":"UNCAC","name":"UNCAC mechanism","kind":"special","parent":"CPCJF"})"),
      entry("B-1", "2024-01-15", {posting("1100", "UNCAC", "USD", "10.00"), posting("4200", "UNCAC", "USD", "-10.00")}),
      entry("B-2", "2024-01-15", {posting("1100", "UNCAC", "USD", "10.00"), posting("9999", "UNCAC", "USD", "-10.00")}),
      entry("B-3", "2024-01-15", {posting("1100", "UNCAC", "USD", "10.00"), posting("4200", "UNCAC", "USD", "-10.00")}),
  };
  const Error error = error_from([&] { ledger.record_batch(batch); });
  CHECK(error.code() == ErrorCode::unknown_reference);
  CHECK(std::string(error.what()) == R"(event 3: field "postings[1].account": unknown account "9999")");
  CHECK(ledger.event_count() == standard_events);
  CHECK(ledger.head_hash() == head);
  CHECK(ledger.balances({}).empty());
  // The fund of the refused batch does not exist: not on disk, not in memory.
  const Error unknown = error_from([&] { ledger.record(batch[1]); });
  CHECK(std::string(unknown.what()) == R"(field "postings[0].fund": unknown fund "UNCAC")");

  // Without the bad event the batch goes through, and an event repeated inside it is a no-op.
  const std::vector<RecordResult> results = ledger.record_batch({batch[0], batch[1], batch[3], batch[1]});
  REQUIRE(results.size() == 4);
  CHECK(outcome(results[0]) == recorded_as(40));
  CHECK(outcome(results[1]) == recorded_as(41));
  CHECK(outcome(results[2]) == recorded_as(42));
  CHECK(outcome(results[3]) == already_as(41));
  CHECK(ledger.event_count() == 42);
  CHECK(fundledger::verify(ledger).ok);
}

TEST_CASE("import_jsonl records the events of a file in one transaction, ignoring BOM, CR and blank lines") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const std::string receipt =
      entry_json("IMP-1", "2024-01-15", {posting("1100", "CPCJF", "USD", "10.00"), posting("4100", "CPCJF", "USD", "-10.00")});
  std::istringstream input("\xEF\xBB\xBF" R"({"type":"fund","code":"UNCAC","name":"UNCAC","kind":"special"})" "\r\n"
                           "\r\n"
                           " \t \n" +
                           receipt + "\r\n" + receipt + "\n" +
                           R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})"
                           "\n\n");
  const fundledger::ImportResult result = ledger.import_jsonl(input, "journal.jsonl");
  CHECK(result.lines == 4);
  CHECK(result.recorded == 2);
  CHECK(result.already_recorded == 2);
  CHECK(ledger.event_count() == standard_events + 2);
  CHECK(balances(ledger, {BalanceKey::account}) ==
        std::vector<std::string>{"1100|USD|10.00|0.00", "4100|USD|0.00|10.00"});
}

TEST_CASE("import_jsonl records nothing when a line is refused, and names the file and line") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  const std::string fund = R"({"type":"fund","code":"UNCAC","name":"UNCAC","kind":"special"})";
  SECTION("a JSON number where an amount belongs, after a blank line") {
    std::istringstream input(fund + "\n\n" +
                             R"({"type":"entry","id":"I1","date":"2024-01-15","postings":[)" +
                             posting("1100", "UNCAC", "USD", "10.00") +
                             R"(,{"account":"4100","fund":"UNCAC","currency":"USD","amount":-10.00}]})" + "\n");
    const Error error = error_from([&] { ledger.import_jsonl(input, "batch.jsonl"); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) ==
          R"(batch.jsonl:3: field "postings[1].amount": expected an exact decimal in a JSON string, like "1250.00")");
  }
  SECTION("a reference to a fund that does not exist, with CRLF line ends") {
    std::istringstream input(fund + "\r\n" +
                             entry_json("I1", "2024-01-15", {posting("1100", "NOPE", "USD", "10.00"),
                                                             posting("4100", "NOPE", "USD", "-10.00")}) +
                             "\r\n");
    const Error error = error_from([&] { ledger.import_jsonl(input, "batch.jsonl"); });
    CHECK(error.code() == ErrorCode::unknown_reference);
    CHECK(std::string(error.what()) == R"(batch.jsonl:2: field "postings[0].fund": unknown fund "NOPE")");
  }
  SECTION("an unbalanced entry on the last line, without a final newline") {
    std::istringstream input(fund + "\n" +
                             entry_json("I1", "2024-01-15", {posting("1100", "UNCAC", "USD", "10.00"),
                                                             posting("4100", "UNCAC", "USD", "-9.99")}));
    const Error error = error_from([&] { ledger.import_jsonl(input, "batch.jsonl"); });
    CHECK(error.code() == ErrorCode::unbalanced);
    CHECK(std::string(error.what()) ==
          "batch.jsonl:2: entry I1 does not balance: in fund UNCAC the USD postings sum to 0.01, expected 0");
  }
  SECTION("a byte-order mark anywhere but at the start is not JSON") {
    std::istringstream input(fund + "\n\xEF\xBB\xBF" + fund + "\n");
    const Error error = error_from([&] { ledger.import_jsonl(input, "batch.jsonl"); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()).rfind("batch.jsonl:2: malformed JSON (", 0) == 0);
  }
  CHECK(ledger.event_count() == standard_events);
  // The fund of the first line was rolled back with the rest.
  CHECK(outcome(record(ledger, fund)) == recorded_as(standard_events + 1));
}

// ---- Balances ----

namespace {

// Three entries in two funds, two currencies, with and without donor and project:
//   E1 2024-01-15  1100 CPCJF EUR  1000.00 DEU          (USD 1096.49: 1000.00 / 0.912 = 1096.4912...)
//                  4200 CPCJF EUR -1000.00 DEU GLOZ82
//   E2 2024-02-10  1100 UNTOC USD   500.00
//                  4100 UNTOC USD  -500.00 DEU
//   E3 2024-03-05  5200 CPCJF USD   200.00     GLOZ82
//                  1100 CPCJF USD  -200.00
void record_three_entries(Ledger& ledger) {
  REQUIRE(ledger.record(entry("E1", "2024-01-15",
                              {posting("1100", "CPCJF", "EUR", "1000.00", R"(,"donor":"DEU")"),
                               posting("4200", "CPCJF", "EUR", "-1000.00", R"(,"donor":"DEU","project":"GLOZ82")")}))
              .recorded);
  REQUIRE(ledger.record(entry("E2", "2024-02-10",
                              {posting("1100", "UNTOC", "USD", "500.00"),
                               posting("4100", "UNTOC", "USD", "-500.00", R"(,"donor":"DEU")")}))
              .recorded);
  REQUIRE(ledger.record(entry("E3", "2024-03-05",
                              {posting("5200", "CPCJF", "USD", "200.00", R"(,"project":"GLOZ82")"),
                               posting("1100", "CPCJF", "USD", "-200.00")}))
              .recorded);
}

}  // namespace

TEST_CASE("Balances group by each dimension, in USD, sorted, with empty keys for absent dimensions") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  record_three_entries(ledger);
  using Rows = std::vector<std::string>;
  CHECK(describe(ledger.balances({})) == Rows{"1100,CPCJF|USD|1096.49|200.00", "1100,UNTOC|USD|500.00|0.00",
                                              "4100,UNTOC|USD|0.00|500.00", "4200,CPCJF|USD|0.00|1096.49",
                                              "5200,CPCJF|USD|200.00|0.00"});
  CHECK(balances(ledger, {BalanceKey::account}) ==
        Rows{"1100|USD|1596.49|200.00", "4100|USD|0.00|500.00", "4200|USD|0.00|1096.49", "5200|USD|200.00|0.00"});
  CHECK(balances(ledger, {BalanceKey::fund}) == Rows{"CPCJF|USD|1296.49|1296.49", "UNTOC|USD|500.00|500.00"});
  CHECK(balances(ledger, {BalanceKey::donor}) == Rows{"|USD|700.00|200.00", "DEU|USD|1096.49|1596.49"});
  CHECK(balances(ledger, {BalanceKey::project}) == Rows{"|USD|1596.49|700.00", "GLOZ82|USD|200.00|1096.49"});
  CHECK(balances(ledger, {BalanceKey::pledge}) == Rows{"|USD|1796.49|1796.49"});
  CHECK(balances(ledger, {}) == Rows{"|USD|1796.49|1796.49"});
  // The keys come in the order asked for, and the rows are sorted by them in that order.
  CHECK(balances(ledger, {BalanceKey::fund, BalanceKey::account}) ==
        Rows{"CPCJF,1100|USD|1096.49|200.00", "CPCJF,4200|USD|0.00|1096.49", "CPCJF,5200|USD|200.00|0.00",
             "UNTOC,1100|USD|500.00|0.00", "UNTOC,4100|USD|0.00|500.00"});
}

TEST_CASE("Balances with currency among the keys are in that currency") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  record_three_entries(ledger);
  using Rows = std::vector<std::string>;
  CHECK(balances(ledger, {BalanceKey::currency}) == Rows{"EUR|EUR|1000.00|1000.00", "USD|USD|700.00|700.00"});
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::currency}) ==
        Rows{"1100,EUR|EUR|1000.00|0.00", "1100,USD|USD|500.00|200.00", "4100,USD|USD|0.00|500.00",
             "4200,EUR|EUR|0.00|1000.00", "5200,USD|USD|200.00|0.00"});
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::fund, BalanceKey::donor, BalanceKey::project,
                          BalanceKey::pledge, BalanceKey::currency}) ==
        Rows{"1100,CPCJF,,,,USD|USD|0.00|200.00", "1100,CPCJF,DEU,,,EUR|EUR|1000.00|0.00",
             "1100,UNTOC,,,,USD|USD|500.00|0.00", "4100,UNTOC,DEU,,,USD|USD|0.00|500.00",
             "4200,CPCJF,DEU,GLOZ82,,EUR|EUR|0.00|1000.00", "5200,CPCJF,,GLOZ82,,USD|USD|200.00|0.00"});
  BalanceQuery currency_query;
  currency_query.group_by = {BalanceKey::currency};
  const auto rows = ledger.balances(currency_query);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].balance().is_zero());
  CHECK(rows[0].debit.scale() == 2);
}

TEST_CASE("Balances as of a date and from a date take the postings dated in the range, bounds included") {
  TemporaryDirectory directory;
  Ledger ledger = standard_ledger(directory.file("fund.db"));
  record_three_entries(ledger);
  using Rows = std::vector<std::string>;
  const std::vector<BalanceKey> account_fund{BalanceKey::account, BalanceKey::fund};
  CHECK(balances(ledger, account_fund, std::nullopt, day("2024-01-14")).empty());
  CHECK(balances(ledger, account_fund, std::nullopt, day("2024-01-15")) ==
        Rows{"1100,CPCJF|USD|1096.49|0.00", "4200,CPCJF|USD|0.00|1096.49"});
  CHECK(balances(ledger, account_fund, std::nullopt, day("2024-01-31")) ==
        Rows{"1100,CPCJF|USD|1096.49|0.00", "4200,CPCJF|USD|0.00|1096.49"});
  CHECK(balances(ledger, account_fund, day("2024-02-01")) ==
        Rows{"1100,CPCJF|USD|0.00|200.00", "1100,UNTOC|USD|500.00|0.00", "4100,UNTOC|USD|0.00|500.00",
             "5200,CPCJF|USD|200.00|0.00"});
  CHECK(balances(ledger, account_fund, day("2024-02-01"), day("2024-02-29")) ==
        Rows{"1100,UNTOC|USD|500.00|0.00", "4100,UNTOC|USD|0.00|500.00"});
  CHECK(balances(ledger, account_fund, day("2024-03-05"), day("2024-03-05")) ==
        Rows{"1100,CPCJF|USD|0.00|200.00", "5200,CPCJF|USD|200.00|0.00"});
  CHECK(balances(ledger, account_fund, day("2024-03-06")).empty());
  // Dated balances keep empty keys for absent dimensions, and amounts in the currency when asked.
  CHECK(balances(ledger, {BalanceKey::donor}, day("2024-02-01")) ==
        Rows{"|USD|700.00|200.00", "DEU|USD|0.00|500.00"});
  CHECK(balances(ledger, {BalanceKey::account, BalanceKey::currency}, std::nullopt, day("2024-02-10")) ==
        Rows{"1100,EUR|EUR|1000.00|0.00", "1100,USD|USD|500.00|0.00", "4100,USD|USD|0.00|500.00",
             "4200,EUR|EUR|0.00|1000.00"});
  // A range that takes in everything gives the current balances, for every grouping.
  const std::vector<std::vector<BalanceKey>> groupings = {
      {},
      {BalanceKey::account},
      {BalanceKey::fund, BalanceKey::donor},
      {BalanceKey::project, BalanceKey::currency},
      {BalanceKey::pledge, BalanceKey::account, BalanceKey::fund},
      {BalanceKey::account, BalanceKey::fund, BalanceKey::donor, BalanceKey::project, BalanceKey::pledge,
       BalanceKey::currency}};
  for (const auto& keys : groupings) {
    CHECK(balances(ledger, keys, day("2024-01-01"), day("2024-12-31")) == balances(ledger, keys));
  }
}

TEST_CASE("parse_balance_keys reads a comma-separated list of the six keys and refuses anything else") {
  using fundledger::parse_balance_keys;
  CHECK(parse_balance_keys("account,fund,currency") ==
        std::vector<BalanceKey>{BalanceKey::account, BalanceKey::fund, BalanceKey::currency});
  CHECK(parse_balance_keys("pledge,project,donor,currency,fund,account") ==
        std::vector<BalanceKey>{BalanceKey::pledge, BalanceKey::project, BalanceKey::donor, BalanceKey::currency,
                                BalanceKey::fund, BalanceKey::account});
  CHECK(std::string(fundledger::balance_key_name(BalanceKey::project)) == "project");
  const std::string expected = ": expected account, fund, donor, project, pledge or currency, separated by commas";
  for (const auto& [text, bad] : {std::pair{"acount", "acount"}, std::pair{"account,", ""},
                                  std::pair{"", ""}, std::pair{"account, fund", " fund"},
                                  std::pair{"Fund", "Fund"}}) {
    INFO(text);
    const Error error = error_from([&] { parse_balance_keys(text); });
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()) == "invalid group key \"" + std::string(bad) + "\"" + expected);
  }
  const Error repeated = error_from([&] { parse_balance_keys("fund,account,fund"); });
  CHECK(repeated.code() == ErrorCode::bad_input);
  CHECK(std::string(repeated.what()) == R"(group key "fund" appears twice)");
}

// ---- Opening a ledger ----

TEST_CASE("Ledger::open refuses a missing file and a file that is not a ledger") {
  TemporaryDirectory directory;
  SECTION("a missing file") {
    const std::string path = directory.file("missing.db");
    const Error error = error_from([&] { Ledger::open(path); });
    CHECK(error.code() == ErrorCode::input_unreadable);
    CHECK(std::string(error.what()) ==
          "cannot open the ledger " + path + ": no such file (create one with fundledger init)");
    CHECK_FALSE(std::filesystem::exists(path));
  }
  SECTION("a directory") {
    const Error error = error_from([&] { Ledger::open(directory.file("")); });
    CHECK(error.code() == ErrorCode::input_unreadable);
  }
  SECTION("a text file, read-write and read-only") {
    const std::string path = directory.file("notes.txt");
    std::ofstream(path) << "These are meeting notes, not a ledger. They are long enough to fill a page header.\n";
    for (OpenMode mode : {OpenMode::read_write, OpenMode::read_only}) {
      const Error error = error_from([&] { Ledger::open(path, mode); });
      CHECK(error.code() == ErrorCode::storage);
      INFO(error.what());
      // Every error message names the file it is about (README.md).
      CHECK(std::string(error.what()).find(path) != std::string::npos);
    }
  }
  SECTION("an empty file, which SQLite would take for an empty database") {
    const std::string path = directory.file("empty.db");
    { std::ofstream create(path); }
    const Error error = error_from([&] { Ledger::open(path, OpenMode::read_only); });
    CHECK(error.code() == ErrorCode::storage);
    CHECK(std::string(error.what()) ==
          "cannot open the ledger " + path + ": it is not a fundledger ledger (wrong application id)");
  }
}

TEST_CASE("A ledger opened read-only can be read but refuses to record") {
  TemporaryDirectory directory;
  const std::string path = directory.file("fund.db");
  {
    Ledger ledger = standard_ledger(path);
    record_three_entries(ledger);
  }
  Ledger reader = Ledger::open(path, OpenMode::read_only);
  CHECK(reader.event_count() == standard_events + 3);
  CHECK(balances(reader, {BalanceKey::fund}) ==
        std::vector<std::string>{"CPCJF|USD|1296.49|1296.49", "UNTOC|USD|500.00|500.00"});
  CHECK(fundledger::verify(reader).ok);
  const std::string message = "the ledger " + path + " was opened read-only";
  const Event fund = parse_event(R"({"type":"fund","code":"UNCAC","name":"UNCAC","kind":"special"})");
  const Error single = error_from([&] { reader.record(fund); });
  CHECK(single.code() == ErrorCode::usage);
  CHECK(std::string(single.what()) == message);
  const Error batch = error_from([&] { reader.record_batch({fund}); });
  CHECK(batch.code() == ErrorCode::usage);
  CHECK(std::string(batch.what()) == message);
  std::istringstream input(R"({"type":"fund","code":"UNCAC","name":"UNCAC","kind":"special"})");
  const Error import = error_from([&] { reader.import_jsonl(input, "in.jsonl"); });
  CHECK(import.code() == ErrorCode::usage);
  CHECK(std::string(import.what()) == message);
  CHECK(reader.event_count() == standard_events + 3);
}

TEST_CASE("Two Ledger objects on one file see each other's events and keep one hash chain") {
  TemporaryDirectory directory;
  const std::string path = directory.file("fund.db");
  Ledger first = standard_ledger(path);
  Ledger second = Ledger::open(path);
  CHECK(second.event_count() == standard_events);

  // The first one adds a fund and an entry in it; the second sees both.
  REQUIRE(record(first, R"({"type":"fund","code":"UNCAC","name":"UNCAC mechanism","kind":"special"})").recorded);
  REQUIRE(outcome(first.record(entry("A-1", "2024-01-15", {posting("1100", "UNCAC", "USD", "100.00"),
                                                   posting("4200", "UNCAC", "USD", "-100.00")}))) == recorded_as(standard_events + 2));
  CHECK(second.event_count() == standard_events + 2);
  CHECK(second.head_hash() == first.head_hash());
  CHECK(balances(second, {BalanceKey::fund}) == std::vector<std::string>{"UNCAC|USD|100.00|100.00"});

  // The second appends after it, naming the fund the first one recorded, and knows its entry.
  CHECK(outcome(second.record(entry("B-1", "2024-01-16", {posting("5200", "UNCAC", "USD", "40.00"),
                                                  posting("1100", "UNCAC", "USD", "-40.00")}))) == recorded_as(standard_events + 3));
  CHECK(outcome(second.record(entry("A-1", "2024-01-15", {posting("1100", "UNCAC", "USD", "100.00"),
                                                  posting("4200", "UNCAC", "USD", "-100.00")}))) == already_as(standard_events + 2));

  // And the first one appends after that.
  CHECK(outcome(first.record(entry("A-2", "2024-01-17", {posting("5200", "UNCAC", "USD", "10.00"),
                                                 posting("1100", "UNCAC", "USD", "-10.00")}))) == recorded_as(standard_events + 4));
  CHECK(balances(second, {BalanceKey::account, BalanceKey::fund}) ==
        std::vector<std::string>{"1100,UNCAC|USD|100.00|50.00", "4200,UNCAC|USD|0.00|100.00",
                                 "5200,UNCAC|USD|50.00|0.00"});

  for (const Ledger* ledger : {&first, &second}) {
    const fundledger::VerifyReport report = fundledger::verify(*ledger);
    CHECK(report.ok);
    CHECK(report.problem.empty());
    CHECK(report.events == standard_events + 4);
    CHECK(report.head_hash == first.head_hash());
  }
  std::ostringstream from_first;
  std::ostringstream from_second;
  fundledger::export_journal(first, from_first);
  fundledger::export_journal(second, from_second);
  CHECK(from_first.str() == from_second.str());
}
