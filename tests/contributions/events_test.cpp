// Worked examples of the contribution and expenditure events (ledger/README.md, "Events and their
// postings"), one test case per event, through the public library only.
//
// Each example writes down every posting the event must produce, with its currency amount and its
// USD amount, and shows the arithmetic in a comment: USD = amount / per_usd rounded half-even to
// cents, carrying USD relieved in proportion to what is settled, the FX difference to 4700, PSC at
// the rate that applies, interest apportioned by the largest remainder. The postings are read back
// from the exported journal (export_journal), the balances through Ledger::balances, and the
// pledge figures through list_pledges/find_pledge. After each example verify() must still hold.
// Refusals are checked with their ErrorCode and the exact message, which names the field, and
// leave nothing written.
#include <fundledger/contributions.hpp>
#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include "support/ledger_helpers.hpp"

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

using fundledger::BalanceKey;
using fundledger::BalanceQuery;
using fundledger::BalanceRow;
using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Ledger;
using fundledger::parse_event;
using fundledger::Period;
using fundledger::PledgeQuery;
using fundledger::PledgeStatus;
using fundledger::RecordResult;

namespace {

using namespace fundledger::test;


// The master data of every example (after Ledger::init):
//   funds  CPCJF (general); UNTOC and UNCAC (special, operated within CPCJF); PSC (psc)
//   donors DEU, GBR, NOR
//   projects GLOZ82 of CPCJF (the ledger's PSC rate), GLOT59 of UNTOC (an agreed PSC rate of 8%)
//   EUR per USD: 0.912 from 2024-01-01, 0.925 from 2024-02-01, 0.9 from 2024-03-01,
//                0.88 from 2024-04-01, 0.95 from 2025-01-01
//   GBP per USD: 0.79 from 2024-01-01, 0.8 from 2024-03-01
const char* const master_data[] = {
    R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})",
    R"({"type":"fund","code":"UNTOC","name":"UNTOC funding mechanism","kind":"special","parent":"CPCJF"})",
    R"({"type":"fund","code":"UNCAC","name":"UNCAC funding mechanism","kind":"special","parent":"CPCJF"})",
    R"({"type":"fund","code":"PSC","name":"Programme support costs","kind":"psc"})",
    R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})",
    R"({"type":"donor","code":"GBR","name":"United Kingdom","category":"government","country":"GB"})",
    R"({"type":"donor","code":"NOR","name":"Norway","category":"government","country":"NO"})",
    R"({"type":"project","code":"GLOZ82","name":"Global programme against corruption","fund":"CPCJF"})",
    R"({"type":"project","code":"GLOT59","name":"Global programme against trafficking","fund":"UNTOC","psc_rate":"0.08"})",
    R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.912"})",
    R"({"type":"rate","currency":"EUR","effective":"2024-02-01","per_usd":"0.925"})",
    R"({"type":"rate","currency":"EUR","effective":"2024-03-01","per_usd":"0.9"})",
    R"({"type":"rate","currency":"EUR","effective":"2024-04-01","per_usd":"0.88"})",
    R"({"type":"rate","currency":"EUR","effective":"2025-01-01","per_usd":"0.95"})",
    R"({"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":"0.79"})",
    R"({"type":"rate","currency":"GBP","effective":"2024-03-01","per_usd":"0.8"})",
};

Ledger example_ledger(const std::string& path) {
  Ledger ledger = Ledger::init(path);
  for (const char* event : master_data) {
    INFO(event);
    REQUIRE(record(ledger, event).recorded);
  }
  return ledger;
}

// The pledge that most examples start from: Germany pledges EUR 500,000.00 of general-purpose money
// to CPCJF, signed 2024-01-15 (EUR 0.912): 500000.00 / 0.912 = 548245.6140... -> USD 548245.61.
const char* const deu_pledge =
    R"({"type":"pledge","id":"P-DEU-1","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
    R"("amount":"500000.00","signed":"2024-01-15"})";

// The keys a test groups balances by.
const std::vector<BalanceKey> by_pledge_in_currency{BalanceKey::account, BalanceKey::fund,
                                                    BalanceKey::donor, BalanceKey::pledge,
                                                    BalanceKey::currency};
const std::vector<BalanceKey> by_pledge_in_usd{BalanceKey::account, BalanceKey::fund,
                                               BalanceKey::donor, BalanceKey::pledge};
const std::vector<BalanceKey> by_account_and_fund{BalanceKey::account, BalanceKey::fund};
const std::vector<BalanceKey> by_account_fund_currency{BalanceKey::account, BalanceKey::fund,
                                                       BalanceKey::currency};

// The USD balance (debit minus credit) of each fund over all its accounts: zero when it balances.
std::vector<std::string> fund_totals(const Ledger& ledger) {
  BalanceQuery query;
  query.group_by = {BalanceKey::fund};
  std::vector<std::string> out;
  for (const BalanceRow& row : ledger.balances(query))
    out.push_back(row.keys.at(0) + " " + row.balance().to_string());
  return out;
}

// A pledge query by donor and status (empty: any).
PledgeQuery pledges_where(const std::string& donor, const std::string& status) {
  PledgeQuery query;
  query.donor = donor;
  query.status = status;
  return query;
}

// A pledge's figures on one line, for exact comparison.
std::string figures(const PledgeStatus& p) {
  return "status=" + p.status + " pledged=" + p.pledged.to_string() +
         " received=" + p.received.to_string() + " reduced=" + p.reduced.to_string() +
         " written_off=" + p.written_off.to_string() + " outstanding=" + p.outstanding.to_string() +
         " receivable=" + p.receivable.to_string() + " carrying_usd=" + p.carrying_usd.to_string() +
         " deferred=" + p.deferred.to_string() + " allowance=" + p.allowance.to_string();
}

// Each instalment as "due amount paid=.. reduced=.. outstanding=..".
std::vector<std::string> instalments(const PledgeStatus& p) {
  std::vector<std::string> out;
  for (const auto& i : p.installments) {
    out.push_back(i.due.to_string() + " " + i.amount.to_string() + " paid=" + i.paid.to_string() +
                  " reduced=" + i.reduced.to_string() +
                  " outstanding=" + i.outstanding.to_string());
  }
  return out;
}

// Each movement of the receivable as "type event_id date amount usd".
std::vector<std::string> movements(const PledgeStatus& p) {
  std::vector<std::string> out;
  for (const auto& m : p.movements) {
    out.push_back(m.type + " " + m.event_id + " " + m.date.to_string() + " " +
                  m.amount.to_string() + " " + m.usd.to_string());
  }
  return out;
}

}  // namespace

// ---- Pledges ----

TEST_CASE(
    "An unconditional general-purpose pledge debits 1200 and credits 4100 at the signing rate") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  const std::int64_t seq = recorded(ledger, deu_pledge);

  // 500000.00 EUR / 0.912 (the rate in force on 2024-01-15) = 548245.6140... -> 548245.61 USD.
  // Not the February rate: 500000.00 / 0.925 would be 540540.54.
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1200|CPCJF|DEU||P-DEU-1|EUR|500000.00|548245.61",
                                        "4100|CPCJF|DEU||P-DEU-1|EUR|-500000.00|-548245.61",
                                    }));
  CHECK(balances(ledger, by_pledge_in_currency) ==
        std::vector<std::string>{
            "1200,CPCJF,DEU,P-DEU-1,EUR|EUR|500000.00|0.00",
            "4100,CPCJF,DEU,P-DEU-1,EUR|EUR|0.00|500000.00",
        });
  CHECK(balances(ledger, by_account_and_fund) == std::vector<std::string>{
                                                     "1200,CPCJF|USD|548245.61|0.00",
                                                     "4100,CPCJF|USD|0.00|548245.61",
                                                 });

  const auto pledges = fundledger::list_pledges(ledger, PledgeQuery{});
  REQUIRE(pledges.size() == 1);
  const PledgeStatus& pledge = pledges[0];
  CHECK(pledge.id == "P-DEU-1");
  CHECK(pledge.donor == "DEU");
  CHECK(pledge.fund == "CPCJF");
  CHECK(pledge.project.empty());
  CHECK(pledge.purpose == "general");
  CHECK(pledge.currency == "EUR");
  CHECK(pledge.signed_on.to_string() == "2024-01-15");
  CHECK_FALSE(pledge.conditional);
  CHECK(figures(pledge) ==
        "status=open pledged=500000.00 received=0.00 reduced=0.00 written_off=0.00 "
        "outstanding=500000.00 receivable=500000.00 carrying_usd=548245.61 deferred=0.00 "
        "allowance=0.00");
  // Without instalments, one instalment of the whole amount falls due on the signing date.
  CHECK(instalments(pledge) ==
        std::vector<std::string>{
            "2024-01-15 500000.00 paid=0.00 reduced=0.00 outstanding=500000.00"});
  check_verified(ledger);
}

TEST_CASE(
    "A contribution event sent again is a no-op, and the same id with another body is a conflict") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  const std::int64_t pledge_seq = recorded(ledger, deu_pledge);
  const std::string receipt =
      R"({"type":"receipt","id":"BNK-1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"250000.00","pledge":"P-DEU-1"})";
  const std::int64_t receipt_seq = recorded(ledger, receipt);
  const std::int64_t events = ledger.event_count();
  const std::string head = ledger.head_hash();

  // The same events again: recorded = false, with the seq they were recorded as.
  const RecordResult pledge_again = record(ledger, deu_pledge);
  CHECK_FALSE(pledge_again.recorded);
  CHECK(pledge_again.seq == pledge_seq);
  const RecordResult receipt_again = record(ledger, receipt);
  CHECK_FALSE(receipt_again.recorded);
  CHECK(receipt_again.seq == receipt_seq);
  // The same amount written with another number of decimals is the same event.
  const RecordResult same_value = record(
      ledger,
      R"({"type":"receipt","id":"BNK-1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"250000","pledge":"P-DEU-1"})");
  CHECK_FALSE(same_value.recorded);
  CHECK(same_value.seq == receipt_seq);
  CHECK(ledger.event_count() == events);
  CHECK(ledger.head_hash() == head);

  // The same id with one cent more is another event under a used id.
  check_refused(
      ledger,
      R"({"type":"receipt","id":"BNK-1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"250000.01","pledge":"P-DEU-1"})",
      ErrorCode::conflict,
      R"(field "id": id "BNK-1" is already recorded (seq )" + std::to_string(receipt_seq) +
          ") with a different body");
  check_refused(
      ledger,
      R"({"type":"pledge","id":"P-DEU-1","donor":"DEU","fund":"CPCJF","purpose":"special","currency":"EUR",)"
      R"("amount":"500000.00","signed":"2024-01-15"})",
      ErrorCode::conflict,
      R"(field "id": id "P-DEU-1" is already recorded (seq )" + std::to_string(pledge_seq) +
          ") with a different body");
  // An id is unique across event types: a refund may not reuse the receipt's.
  check_refused(
      ledger,
      R"({"type":"refund","id":"BNK-1","donor":"DEU","fund":"CPCJF","date":"2024-02-10","currency":"EUR","amount":"1.00"})",
      ErrorCode::conflict,
      R"(field "id": id "BNK-1" is already recorded (seq )" + std::to_string(receipt_seq) +
          ") with a different body");
  check_verified(ledger);
}

TEST_CASE(
    "A special-purpose pledge for a project credits 4200, the project named on the revenue side") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"pledge","id":"P-GBR-T","donor":"GBR","fund":"UNTOC","purpose":"special","currency":"GBP",)"
      R"("amount":"250000.00","signed":"2024-02-20","project":"GLOT59"})");

  // 250000.00 GBP / 0.79 = 316455.6962... -> 316455.70 USD. The receivable is keyed by donor, fund
  // and pledge; the revenue also names the project.
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1200|UNTOC|GBR||P-GBR-T|GBP|250000.00|316455.70",
                                        "4200|UNTOC|GBR|GLOT59|P-GBR-T|GBP|-250000.00|-316455.70",
                                    }));
  CHECK(balances(ledger, by_account_and_fund) == std::vector<std::string>{
                                                     "1200,UNTOC|USD|316455.70|0.00",
                                                     "4200,UNTOC|USD|0.00|316455.70",
                                                 });
  const PledgeStatus pledge = fundledger::find_pledge(ledger, "P-GBR-T");
  CHECK(pledge.project == "GLOT59");
  CHECK(pledge.purpose == "special");
  CHECK(figures(pledge) ==
        "status=open pledged=250000.00 received=0.00 reduced=0.00 written_off=0.00 "
        "outstanding=250000.00 receivable=250000.00 carrying_usd=316455.70 deferred=0.00 "
        "allowance=0.00");

  // A project of another fund is refused.
  check_refused(
      ledger,
      R"({"type":"pledge","id":"P-GBR-X","donor":"GBR","fund":"UNTOC","purpose":"special","currency":"GBP",)"
      R"("amount":"1000.00","signed":"2024-02-20","project":"GLOZ82"})",
      ErrorCode::bad_input, R"(field "project": project GLOZ82 belongs to fund CPCJF, not UNTOC)");
  check_verified(ledger);
}

TEST_CASE(
    "A conditional pledge credits 2200, and condition_met moves revenue at the carrying rate") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  const std::int64_t pledge_seq = recorded(
      ledger,
      R"({"type":"pledge","id":"P-DEU-C","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"300000.00","signed":"2024-01-20","conditional":true})");
  // 300000.00 EUR / 0.912 = 328947.3684... -> 328947.37 USD, deferred until the conditions are met.
  CHECK(postings_of(ledger, pledge_seq) == sorted({
                                               "1200|CPCJF|DEU||P-DEU-C|EUR|300000.00|328947.37",
                                               "2200|CPCJF|DEU||P-DEU-C|EUR|-300000.00|-328947.37",
                                           }));
  CHECK(fundledger::find_pledge(ledger, "P-DEU-C").deferred.to_string() == "300000.00");
  CHECK(fundledger::find_pledge(ledger, "P-DEU-C").conditional);

  // 120000.00 EUR of the conditions met on 2024-02-15, at the pledge's carrying rate:
  // 328947.37 * 120000 / 300000 = 131578.948 -> 131578.95 USD (not the day's 120000 / 0.925 =
  // 129729.73).
  const std::int64_t met_seq = recorded(
      ledger,
      R"({"type":"condition_met","id":"COND-1","pledge":"P-DEU-C","date":"2024-02-15","amount":"120000.00"})");
  CHECK(postings_of(ledger, met_seq) == sorted({
                                            "2200|CPCJF|DEU||P-DEU-C|EUR|120000.00|131578.95",
                                            "4100|CPCJF|DEU||P-DEU-C|EUR|-120000.00|-131578.95",
                                        }));
  PledgeStatus pledge = fundledger::find_pledge(ledger, "P-DEU-C");
  // The receivable is untouched: meeting a condition earns revenue, it does not collect money.
  CHECK(figures(pledge) ==
        "status=open pledged=300000.00 received=0.00 reduced=0.00 written_off=0.00 "
        "outstanding=300000.00 receivable=300000.00 carrying_usd=328947.37 deferred=180000.00 "
        "allowance=0.00");

  // More than the 180000.00 EUR still unmet is refused.
  check_refused(
      ledger,
      R"({"type":"condition_met","id":"COND-2","pledge":"P-DEU-C","date":"2024-03-15","amount":"180000.01"})",
      ErrorCode::bad_input,
      R"(field "amount": pledge P-DEU-C has only 180000.00 EUR of conditions unmet)");
  // The last of it moves all the USD that remains: 328947.37 - 131578.95 = 197368.42.
  const std::int64_t rest_seq = recorded(
      ledger,
      R"({"type":"condition_met","id":"COND-2","pledge":"P-DEU-C","date":"2024-03-15","amount":"180000.00"})");
  CHECK(postings_of(ledger, rest_seq) == sorted({
                                             "2200|CPCJF|DEU||P-DEU-C|EUR|180000.00|197368.42",
                                             "4100|CPCJF|DEU||P-DEU-C|EUR|-180000.00|-197368.42",
                                         }));
  CHECK(balances(ledger, by_account_and_fund) == std::vector<std::string>{
                                                     "1200,CPCJF|USD|328947.37|0.00",
                                                     "2200,CPCJF|USD|328947.37|328947.37",
                                                     "4100,CPCJF|USD|0.00|328947.37",
                                                 });
  CHECK(fundledger::find_pledge(ledger, "P-DEU-C").deferred.to_string() == "0.00");

  // An unconditional pledge has no conditions to meet.
  recorded(ledger, deu_pledge);
  check_refused(
      ledger,
      R"({"type":"condition_met","id":"COND-3","pledge":"P-DEU-1","date":"2024-03-15","amount":"1.00"})",
      ErrorCode::bad_input, R"(field "pledge": pledge P-DEU-1 is not conditional)");
  check_verified(ledger);
}

TEST_CASE(
    "A multi-year pledge is recognized in full at signing, and receipts pay the oldest instalment "
    "first") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  const std::string schedule =
      R"("installments":[{"due":"2026-01-15","amount":"300000.00"},{"due":"2024-01-15","amount":"300000.00"},)"
      R"({"due":"2025-01-15","amount":"300000.00"}])";
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"pledge","id":"P-DEU-M","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"900000.00","signed":"2024-01-15",)" +
          schedule + "}");
  // recognition = upfront (the standard setting): all three years at signing,
  // 900000.00 / 0.912 = 986842.1052... -> 986842.11 USD.
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1200|CPCJF|DEU||P-DEU-M|EUR|900000.00|986842.11",
                                        "4100|CPCJF|DEU||P-DEU-M|EUR|-900000.00|-986842.11",
                                    }));
  // The schedule is listed by due date, whatever order it was given in.
  CHECK(instalments(fundledger::find_pledge(ledger, "P-DEU-M")) ==
        std::vector<std::string>{
            "2024-01-15 300000.00 paid=0.00 reduced=0.00 outstanding=300000.00",
            "2025-01-15 300000.00 paid=0.00 reduced=0.00 outstanding=300000.00",
            "2026-01-15 300000.00 paid=0.00 reduced=0.00 outstanding=300000.00",
        });

  // 350000.00 EUR on 2024-02-10 (0.925): cash 350000 / 0.925 = 378378.378 -> 378378.38 USD;
  // carrying relieved 986842.11 * 350000 / 900000 = 383771.9316 -> 383771.93 USD;
  // the difference 383771.93 - 378378.38 = 5393.55 USD is a realized loss (debit 4700).
  const std::int64_t receipt_seq = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-M1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"350000.00","pledge":"P-DEU-M"})");
  CHECK(postings_of(ledger, receipt_seq) == sorted({
                                                "1100|CPCJF|DEU|||EUR|350000.00|378378.38",
                                                "1200|CPCJF|DEU||P-DEU-M|EUR|-350000.00|-383771.93",
                                                "4700|CPCJF||||EUR|0.00|5393.55",
                                            }));
  const PledgeStatus pledge = fundledger::find_pledge(ledger, "P-DEU-M");
  // 986842.11 - 383771.93 = 603070.18 USD carried for the 550000.00 EUR still outstanding.
  CHECK(figures(pledge) ==
        "status=open pledged=900000.00 received=350000.00 reduced=0.00 written_off=0.00 "
        "outstanding=550000.00 receivable=550000.00 carrying_usd=603070.18 deferred=0.00 "
        "allowance=0.00");
  CHECK(instalments(pledge) ==
        std::vector<std::string>{
            "2024-01-15 300000.00 paid=300000.00 reduced=0.00 outstanding=0.00",
            "2025-01-15 300000.00 paid=50000.00 reduced=0.00 outstanding=250000.00",
            "2026-01-15 300000.00 paid=0.00 reduced=0.00 outstanding=300000.00",
        });
  check_verified(ledger);
}

TEST_CASE(
    "A pledge's instalments must sum to the pledged amount and fall due on or after the signing "
    "date") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  check_refused(
      ledger,
      R"({"type":"pledge","id":"P-BAD","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"900000.00","signed":"2024-01-15","installments":[{"due":"2024-01-15","amount":"300000.00"},)"
      R"({"due":"2025-01-15","amount":"300000.00"},{"due":"2026-01-15","amount":"299999.99"}]})",
      ErrorCode::bad_input,
      R"(field "installments": the instalments sum to 899999.99 EUR, not the pledged 900000.00)");
  check_refused(
      ledger,
      R"({"type":"pledge","id":"P-BAD","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"600000.00","signed":"2024-01-15","installments":[{"due":"2025-01-15","amount":"300000.00"},)"
      R"({"due":"2024-01-14","amount":"300000.00"}]})",
      ErrorCode::bad_input,
      R"(field "installments[1].due": instalment due 2024-01-14 before the signing date 2024-01-15)");
  check_refused(
      ledger,
      R"({"type":"pledge","id":"P-BAD","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"600000.00","signed":"2024-01-15","installments":[{"due":"2025-01-15","amount":"600000.00"},)"
      R"({"due":"2026-01-15","amount":"0.00"}]})",
      ErrorCode::bad_input,
      R"(field "installments[1].amount": the amount must be positive, not 0.00)");
  CHECK(fundledger::list_pledges(ledger, PledgeQuery{}).empty());
  check_verified(ledger);
}

TEST_CASE("With per-instalment recognition, signing records only the instalments already due") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(
      ledger,
      R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2024-01-01"})");
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"pledge","id":"P-NOR-M","donor":"NOR","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"900000.00","signed":"2024-01-15","installments":[{"due":"2024-01-15","amount":"300000.00"},)"
      R"({"due":"2025-01-15","amount":"300000.00"},{"due":"2026-01-15","amount":"300000.00"}]})");
  // Only the 2024-01-15 instalment is due at signing: 300000.00 / 0.912 = 328947.3684 -> 328947.37
  // USD.
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1200|CPCJF|NOR||P-NOR-M|EUR|300000.00|328947.37",
                                        "4100|CPCJF|NOR||P-NOR-M|EUR|-300000.00|-328947.37",
                                    }));
  const auto pledges = fundledger::list_pledges(ledger, pledges_where("NOR", ""));
  REQUIRE(pledges.size() == 1);
  // Pledged and outstanding count the whole agreement; the receivable only what is recognized.
  CHECK(figures(pledges[0]) ==
        "status=open pledged=900000.00 received=0.00 reduced=0.00 written_off=0.00 "
        "outstanding=900000.00 receivable=300000.00 carrying_usd=328947.37 deferred=0.00 "
        "allowance=0.00");
  CHECK(balances(ledger, by_pledge_in_currency) ==
        std::vector<std::string>{
            "1200,CPCJF,NOR,P-NOR-M,EUR|EUR|300000.00|0.00",
            "4100,CPCJF,NOR,P-NOR-M,EUR|EUR|0.00|300000.00",
        });
  check_verified(ledger);
}

// ---- Receipts ----

TEST_CASE(
    "A receipt in the pledge currency at another rate relieves the carrying USD in proportion, "
    "the difference to 4700, and the last one leaves exactly nothing in 1200") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(ledger, deu_pledge);  // 500000.00 EUR carried at 548245.61 USD

  // Half the pledge on 2024-02-10 (EUR 0.925): cash 250000.00 / 0.925 = 270270.2702 -> 270270.27
  // USD. Carrying relieved: 548245.61 * 250000 / 500000 = 274122.805, half-even -> 274122.80
  // (half-up would give .81). The difference 274122.80 - 270270.27 = 3852.53 USD is a realized
  // loss.
  const std::int64_t first = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"250000.00","pledge":"P-DEU-1"})");
  CHECK(postings_of(ledger, first) == sorted({
                                          "1100|CPCJF|DEU|||EUR|250000.00|270270.27",
                                          "1200|CPCJF|DEU||P-DEU-1|EUR|-250000.00|-274122.80",
                                          "4700|CPCJF||||EUR|0.00|3852.53",
                                      }));
  PledgeStatus pledge = fundledger::find_pledge(ledger, "P-DEU-1");
  CHECK(figures(pledge) ==
        "status=open pledged=500000.00 received=250000.00 reduced=0.00 written_off=0.00 "
        "outstanding=250000.00 receivable=250000.00 carrying_usd=274122.81 deferred=0.00 "
        "allowance=0.00");
  CHECK(instalments(pledge) ==
        std::vector<std::string>{
            "2024-01-15 500000.00 paid=250000.00 reduced=0.00 outstanding=250000.00"});

  // The rest on 2024-03-05 (EUR 0.9): cash 250000.00 / 0.9 = 277777.7777 -> 277777.78 USD. It
  // leaves nothing outstanding, so it relieves all the carrying USD that remains: 548245.61 -
  // 274122.80 = 274122.81. The difference 274122.81 - 277777.78 = -3654.97 USD is a realized gain
  // (credit 4700).
  const std::int64_t last = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-2","date":"2024-03-05","fund":"CPCJF","currency":"EUR","amount":"250000.00","pledge":"P-DEU-1"})");
  CHECK(postings_of(ledger, last) == sorted({
                                         "1100|CPCJF|DEU|||EUR|250000.00|277777.78",
                                         "1200|CPCJF|DEU||P-DEU-1|EUR|-250000.00|-274122.81",
                                         "4700|CPCJF||||EUR|0.00|-3654.97",
                                     }));
  // 1200 for the pledge: exactly zero in EUR and in USD.
  CHECK(balances(ledger, by_pledge_in_currency, {"1200"}) ==
        std::vector<std::string>{"1200,CPCJF,DEU,P-DEU-1,EUR|EUR|500000.00|500000.00"});
  CHECK(balances(ledger, by_pledge_in_usd, {"1200"}) ==
        std::vector<std::string>{"1200,CPCJF,DEU,P-DEU-1|USD|548245.61|548245.61"});
  // Cash 270270.27 + 277777.78 = 548048.05; 4700 net 3852.53 - 3654.97 = 197.56 debit.
  CHECK(balances(ledger, by_account_and_fund) == std::vector<std::string>{
                                                     "1100,CPCJF|USD|548048.05|0.00",
                                                     "1200,CPCJF|USD|548245.61|548245.61",
                                                     "4100,CPCJF|USD|0.00|548245.61",
                                                     "4700,CPCJF|USD|3852.53|3654.97",
                                                 });

  pledge = fundledger::find_pledge(ledger, "P-DEU-1");
  CHECK(figures(pledge) ==
        "status=paid pledged=500000.00 received=500000.00 reduced=0.00 written_off=0.00 "
        "outstanding=0.00 receivable=0.00 carrying_usd=0.00 deferred=0.00 allowance=0.00");
  CHECK(instalments(pledge) ==
        std::vector<std::string>{
            "2024-01-15 500000.00 paid=500000.00 reduced=0.00 outstanding=0.00"});
  CHECK(movements(pledge) == std::vector<std::string>{
                                 "pledge P-DEU-1 2024-01-15 500000.00 548245.61",
                                 "receipt BNK-1 2024-02-10 -250000.00 -274122.80",
                                 "receipt BNK-2 2024-03-05 -250000.00 -274122.81",
                             });
  const auto paid = fundledger::list_pledges(ledger, pledges_where("", "paid"));
  REQUIRE(paid.size() == 1);
  CHECK(paid[0].id == "P-DEU-1");
  CHECK(fundledger::list_pledges(ledger, pledges_where("", "open")).empty());
  check_verified(ledger);
}

TEST_CASE("A receipt of more than is outstanding settles the pledge and holds the excess in 2100") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  // 100000.00 GBP / 0.79 = 126582.2784 -> 126582.28 USD.
  recorded(
      ledger,
      R"({"type":"pledge","id":"P-GBR-1","donor":"GBR","fund":"CPCJF","purpose":"general","currency":"GBP",)"
      R"("amount":"100000.00","signed":"2024-01-10"})");
  // 120000.00 GBP on 2024-03-10 (GBP 0.8): cash 120000 / 0.8 = 150000.00 USD. 100000.00 settles the
  // pledge at all its carrying USD, 126582.28; the excess 20000.00 GBP takes its share of the
  // cash's USD, 150000.00 * 20000 / 120000 = 25000.00, into 2100 for GBR. The difference 150000.00
  // - 126582.28 - 25000.00 = -1582.28 closes to 4700 as a loss of 1582.28.
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-G1","date":"2024-03-10","fund":"CPCJF","currency":"GBP","amount":"120000.00","pledge":"P-GBR-1"})");
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1100|CPCJF|GBR|||GBP|120000.00|150000.00",
                                        "1200|CPCJF|GBR||P-GBR-1|GBP|-100000.00|-126582.28",
                                        "2100|CPCJF|GBR|||GBP|-20000.00|-25000.00",
                                        "4700|CPCJF||||GBP|0.00|1582.28",
                                    }));
  const PledgeStatus pledge = fundledger::find_pledge(ledger, "P-GBR-1");
  CHECK(figures(pledge) ==
        "status=paid pledged=100000.00 received=100000.00 reduced=0.00 written_off=0.00 "
        "outstanding=0.00 receivable=0.00 carrying_usd=0.00 deferred=0.00 allowance=0.00");
  CHECK(balances(ledger, by_pledge_in_currency, {"2100"}) ==
        std::vector<std::string>{"2100,CPCJF,GBR,,GBP|GBP|0.00|20000.00"});

  // The advance, applied to revenue on 2024-03-20: Dr 2100 / Cr 4100 (CPCJF is a general fund) at
  // the USD it was held at, 25000.00, whatever the day's rate.
  const std::int64_t apply_seq =
      recorded(ledger, R"({"type":"apply","id":"APP-G1","date":"2024-03-20","receipt":"BNK-G1"})");
  CHECK(postings_of(ledger, apply_seq) == sorted({
                                              "2100|CPCJF|GBR|||GBP|20000.00|25000.00",
                                              "4100|CPCJF|GBR|||GBP|-20000.00|-25000.00",
                                          }));
  CHECK(balances(ledger, by_pledge_in_usd, {"2100"}) ==
        std::vector<std::string>{"2100,CPCJF,GBR,|USD|25000.00|25000.00"});
  check_refused(ledger, R"({"type":"apply","id":"APP-G2","date":"2024-03-21","receipt":"BNK-G1"})",
                ErrorCode::bad_input,
                R"(field "receipt": receipt BNK-G1 holds nothing more to apply)");
  check_verified(ledger);
}

TEST_CASE(
    "A receipt in another currency settles the pledge through 1900 at one USD value on both legs") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(ledger, deu_pledge);  // 500000.00 EUR carried at 548245.61 USD

  // 123456.78 GBP paid on 2024-03-10 against the EUR pledge.
  //   USD value: 123456.78 / 0.8 = 154320.975 -> half-even 154320.98.
  //   EUR settled: 154320.98 * 0.9 (EUR on 2024-03-10) = 138888.882 -> 138888.88.
  //   Carrying relieved: 548245.61 * 138888.88 / 500000 = 152290.4356... -> 152290.44.
  //   1900 takes -123456.78 GBP and +138888.88 EUR, each at 154320.98 USD.
  //   4700: 154320.98 - 154320.98 + 154320.98 - 152290.44 = 2030.54 -> credit 2030.54 (a gain).
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-X1","date":"2024-03-10","fund":"CPCJF","currency":"GBP","amount":"123456.78","pledge":"P-DEU-1"})");
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1100|CPCJF|DEU|||GBP|123456.78|154320.98",
                                        "1900|CPCJF||||GBP|-123456.78|-154320.98",
                                        "1900|CPCJF||||EUR|138888.88|154320.98",
                                        "1200|CPCJF|DEU||P-DEU-1|EUR|-138888.88|-152290.44",
                                        "4700|CPCJF||||GBP|0.00|-2030.54",
                                    }));
  // 1900 shows the currency positions taken, and nothing in USD.
  CHECK(balances(ledger, by_account_fund_currency, {"1900"}) ==
        std::vector<std::string>{
            "1900,CPCJF,EUR|EUR|138888.88|0.00",
            "1900,CPCJF,GBP|GBP|0.00|123456.78",
        });
  CHECK(balances(ledger, by_account_and_fund, {"1900"}) ==
        std::vector<std::string>{"1900,CPCJF|USD|154320.98|154320.98"});
  // 500000.00 - 138888.88 = 361111.12 EUR outstanding, carried at 548245.61 - 152290.44 = 395955.17
  // USD.
  const PledgeStatus pledge = fundledger::find_pledge(ledger, "P-DEU-1");
  CHECK(figures(pledge) ==
        "status=open pledged=500000.00 received=138888.88 reduced=0.00 written_off=0.00 "
        "outstanding=361111.12 receivable=361111.12 carrying_usd=395955.17 deferred=0.00 "
        "allowance=0.00");
  CHECK(balances(ledger, by_pledge_in_currency, {"1200"}) ==
        std::vector<std::string>{"1200,CPCJF,DEU,P-DEU-1,EUR|EUR|500000.00|138888.88"});
  check_verified(ledger);
}

TEST_CASE(
    "A receipt from a known donor without a pledge is held in 2100, from an unknown payer in "
    "2150") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  // 50000.00 EUR / 0.925 = 54054.0540 -> 54054.05 USD.
  const std::int64_t advance = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-A1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"50000.00","donor":"DEU"})");
  CHECK(postings_of(ledger, advance) == sorted({
                                            "1100|CPCJF|DEU|||EUR|50000.00|54054.05",
                                            "2100|CPCJF|DEU|||EUR|-50000.00|-54054.05",
                                        }));
  // 100000.00 EUR / 0.925 = 108108.1081 -> 108108.11 USD, from nobody known.
  const std::int64_t unidentified = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-U1","date":"2024-02-12","fund":"CPCJF","currency":"EUR","amount":"100000.00"})");
  CHECK(postings_of(ledger, unidentified) == sorted({
                                                 "1100|CPCJF||||EUR|100000.00|108108.11",
                                                 "2150|CPCJF||||EUR|-100000.00|-108108.11",
                                             }));
  CHECK(balances(ledger, by_account_and_fund) == std::vector<std::string>{
                                                     "1100,CPCJF|USD|162162.16|0.00",
                                                     "2100,CPCJF|USD|0.00|54054.05",
                                                     "2150,CPCJF|USD|0.00|108108.11",
                                                 });
  check_verified(ledger);
}

TEST_CASE(
    "A receipt is refused for an unknown or cancelled pledge, a mismatch, an amount not positive, "
    "or a date without a rate") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(ledger, deu_pledge);
  auto receipt = [](const std::string& fields) {
    return R"({"type":"receipt","id":"BNK-R","date":"2024-02-10",)" + fields + "}";
  };
  check_refused(ledger,
                receipt(R"("fund":"CPCJF","currency":"EUR","amount":"100.00","pledge":"P-NONE")"),
                ErrorCode::unknown_reference, R"(field "pledge": unknown pledge "P-NONE")");
  check_refused(
      ledger, receipt(R"("fund":"UNTOC","currency":"EUR","amount":"100.00","pledge":"P-DEU-1")"),
      ErrorCode::bad_input, R"(field "fund": pledge P-DEU-1 is to fund CPCJF, not UNTOC)");
  check_refused(
      ledger,
      receipt(
          R"("fund":"CPCJF","currency":"EUR","amount":"100.00","donor":"GBR","pledge":"P-DEU-1")"),
      ErrorCode::bad_input, R"(field "donor": pledge P-DEU-1 is from donor DEU, not GBR)");
  check_refused(ledger,
                receipt(R"("fund":"CPCJF","currency":"EUR","amount":"0.00","pledge":"P-DEU-1")"),
                ErrorCode::bad_input, R"(field "amount": the amount must be positive, not 0.00)");
  check_refused(
      ledger, receipt(R"("fund":"CPCJF","currency":"EUR","amount":"-100.00","pledge":"P-DEU-1")"),
      ErrorCode::bad_input, R"(field "amount": the amount must be positive, not -100.00)");
  check_refused(ledger,
                receipt(R"("fund":"CPCJF","currency":"EUR","amount":"100.001","pledge":"P-DEU-1")"),
                ErrorCode::bad_input,
                R"(field "amount": amount 100.001 has more decimals than EUR allows (2))");
  check_refused(ledger,
                receipt(R"("fund":"CPCJF","currency":"EUR","amount":"100.00","donor":"FRA")"),
                ErrorCode::unknown_reference, R"(field "donor": unknown donor "FRA")");

  // A pledge reduced to nothing before anything was received is cancelled: no receipt may follow.
  recorded(
      ledger,
      R"({"type":"pledge","id":"P-GBR-C","donor":"GBR","fund":"CPCJF","purpose":"general","currency":"GBP",)"
      R"("amount":"40000.00","signed":"2024-01-10"})");
  // 40000.00 GBP / 0.79 = 50632.9113 -> 50632.91 USD, all of it reversed from 4100 (same year).
  const std::int64_t cancel_seq = recorded(
      ledger,
      R"({"type":"reduction","id":"RED-C","pledge":"P-GBR-C","date":"2024-02-01","amount":"40000.00","reason":"withdrawn"})");
  CHECK(postings_of(ledger, cancel_seq) == sorted({
                                               "1200|CPCJF|GBR||P-GBR-C|GBP|-40000.00|-50632.91",
                                               "4100|CPCJF|GBR||P-GBR-C|GBP|40000.00|50632.91",
                                           }));
  const auto cancelled = fundledger::list_pledges(ledger, pledges_where("", "cancelled"));
  REQUIRE(cancelled.size() == 1);
  CHECK(figures(cancelled[0]) ==
        "status=cancelled pledged=40000.00 received=0.00 reduced=40000.00 written_off=0.00 "
        "outstanding=0.00 receivable=0.00 carrying_usd=0.00 deferred=0.00 allowance=0.00");
  check_refused(
      ledger, receipt(R"("fund":"CPCJF","currency":"GBP","amount":"40000.00","pledge":"P-GBR-C")"),
      ErrorCode::bad_input, R"(field "pledge": pledge P-GBR-C is cancelled)");

  // No rate in force: a receipt in NOK, which has none, and a pledge dated before the first EUR
  // rate. The message must say which field is concerned (README.md: every error message names
  // the field).
  {
    const Error error = error_from([&] {
      record(ledger, receipt(R"("fund":"CPCJF","currency":"NOK","amount":"100.00","donor":"NOR")"));
    });
    CHECK(error.code() == ErrorCode::bad_input);
    const std::string message = error.what();
    CHECK_THAT(message,
               Catch::Contains("no NOK rate in force on 2024-02-10 (it has no rate at all)"));
    CHECK_THAT(message, Catch::StartsWith(R"(field "currency": )") ||
                            Catch::StartsWith(R"(field "date": )"));
  }
  {
    const Error error = error_from([&] {
      record(ledger,
             R"({"type":"pledge","id":"P-OLD","donor":"DEU","fund":"CPCJF","purpose":"general",)"
             R"("currency":"EUR","amount":"1000.00","signed":"2023-12-31"})");
    });
    CHECK(error.code() == ErrorCode::bad_input);
    const std::string message = error.what();
    CHECK_THAT(
        message,
        Catch::Contains(
            "no EUR rate in force on 2023-12-31 (its earliest rate is effective 2024-01-01)"));
    CHECK_THAT(message, Catch::StartsWith(R"(field "currency": )") ||
                            Catch::StartsWith(R"(field "signed": )"));
  }
  CHECK(fundledger::list_pledges(ledger, PledgeQuery{}).size() == 2);
  check_verified(ledger);
}

// ---- Applying what is held ----

TEST_CASE(
    "apply identifies an unidentified receipt against a pledge, with the FX difference to 4700") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(ledger, deu_pledge);  // 500000.00 EUR carried at 548245.61 USD
  // 100000.00 EUR / 0.925 = 108108.11 USD held in 2150.
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-U1","date":"2024-02-12","fund":"CPCJF","currency":"EUR","amount":"100000.00"})");

  // Identified on 2024-03-05 as Germany's: 2150 is relieved at the 108108.11 USD it holds; the
  // pledge at 548245.61 * 100000 / 500000 = 109649.122 -> 109649.12 USD; 4700 takes 109649.12 -
  // 108108.11 = 1541.01 USD as a loss.
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"apply","id":"APP-U1","date":"2024-03-05","receipt":"BNK-U1","pledge":"P-DEU-1"})");
  CHECK(postings_of(ledger, seq) == sorted({
                                        "2150|CPCJF||||EUR|100000.00|108108.11",
                                        "1200|CPCJF|DEU||P-DEU-1|EUR|-100000.00|-109649.12",
                                        "4700|CPCJF||||EUR|0.00|1541.01",
                                    }));
  CHECK(balances(ledger, by_account_and_fund, {"2150"}) ==
        std::vector<std::string>{"2150,CPCJF|USD|108108.11|108108.11"});
  const auto open = fundledger::list_pledges(ledger, pledges_where("DEU", "open"));
  REQUIRE(open.size() == 1);
  // 548245.61 - 109649.12 = 438596.49 USD carried for 400000.00 EUR.
  CHECK(figures(open[0]) ==
        "status=open pledged=500000.00 received=100000.00 reduced=0.00 written_off=0.00 "
        "outstanding=400000.00 receivable=400000.00 carrying_usd=438596.49 deferred=0.00 "
        "allowance=0.00");
  CHECK(movements(fundledger::find_pledge(ledger, "P-DEU-1")) ==
        std::vector<std::string>{
            "pledge P-DEU-1 2024-01-15 500000.00 548245.61",
            "apply APP-U1 2024-03-05 -100000.00 -109649.12",
        });

  // An unidentified receipt applied to revenue needs the donor.
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-U2","date":"2024-02-12","fund":"CPCJF","currency":"EUR","amount":"10.00"})");
  check_refused(ledger, R"({"type":"apply","id":"APP-U2","date":"2024-03-05","receipt":"BNK-U2"})",
                ErrorCode::bad_input,
                R"(field "donor": an unidentified receipt applied to revenue needs the donor)");
  check_refused(ledger,
                R"({"type":"apply","id":"APP-U2","date":"2024-03-05","receipt":"BNK-NONE"})",
                ErrorCode::unknown_reference, R"(field "receipt": unknown receipt "BNK-NONE")");
  check_verified(ledger);
}

TEST_CASE(
    "apply takes part of an advance to a pledge, refuses more than is held, and the rest to "
    "revenue") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(ledger, deu_pledge);  // 500000.00 EUR carried at 548245.61 USD
  // 50000.00 EUR / 0.925 = 54054.05 USD held in 2100 for DEU.
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-A1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"50000.00","donor":"DEU"})");

  // 20000.00 EUR of it to the pledge on 2024-03-05:
  //   2100 relieved 54054.05 * 20000 / 50000 = 21621.62 USD;
  //   1200 relieved 548245.61 * 20000 / 500000 = 21929.8244 -> 21929.82 USD;
  //   4700: 21929.82 - 21621.62 = 308.20 USD, a loss.
  const std::int64_t part = recorded(
      ledger,
      R"({"type":"apply","id":"APP-A1","date":"2024-03-05","receipt":"BNK-A1","pledge":"P-DEU-1","amount":"20000.00"})");
  CHECK(postings_of(ledger, part) == sorted({
                                         "2100|CPCJF|DEU|||EUR|20000.00|21621.62",
                                         "1200|CPCJF|DEU||P-DEU-1|EUR|-20000.00|-21929.82",
                                         "4700|CPCJF||||EUR|0.00|308.20",
                                     }));
  // 30000.00 EUR is left: one cent more is refused.
  check_refused(
      ledger,
      R"({"type":"apply","id":"APP-A2","date":"2024-03-06","receipt":"BNK-A1","pledge":"P-DEU-1","amount":"30000.01"})",
      ErrorCode::bad_input,
      R"(field "amount": receipt BNK-A1 holds only 30000.00 EUR, less than 30000.01 EUR)");
  // The advance of one donor is not applied to another donor's pledge.
  recorded(
      ledger,
      R"({"type":"pledge","id":"P-GBR-1","donor":"GBR","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"1000.00","signed":"2024-01-15"})");
  check_refused(
      ledger,
      R"({"type":"apply","id":"APP-A2","date":"2024-03-06","receipt":"BNK-A1","pledge":"P-GBR-1"})",
      ErrorCode::bad_input,
      R"(field "pledge": pledge P-GBR-1 is from donor GBR, the receipt from DEU)");

  // The rest to revenue (no pledge): all that is held, 30000.00 EUR at 54054.05 - 21621.62 =
  // 32432.43 USD.
  const std::int64_t rest =
      recorded(ledger, R"({"type":"apply","id":"APP-A2","date":"2024-03-06","receipt":"BNK-A1"})");
  CHECK(postings_of(ledger, rest) == sorted({
                                         "2100|CPCJF|DEU|||EUR|30000.00|32432.43",
                                         "4100|CPCJF|DEU|||EUR|-30000.00|-32432.43",
                                     }));
  CHECK(balances(ledger, by_pledge_in_currency, {"2100"}) ==
        std::vector<std::string>{"2100,CPCJF,DEU,,EUR|EUR|50000.00|50000.00"});
  CHECK(balances(ledger, by_account_and_fund, {"2100"}) ==
        std::vector<std::string>{"2100,CPCJF|USD|54054.05|54054.05"});
  // 548245.61 - 21929.82 = 526315.79 USD for the 480000.00 EUR outstanding.
  CHECK(figures(fundledger::find_pledge(ledger, "P-DEU-1")) ==
        "status=open pledged=500000.00 received=20000.00 reduced=0.00 written_off=0.00 "
        "outstanding=480000.00 receivable=480000.00 carrying_usd=526315.79 deferred=0.00 "
        "allowance=0.00");
  check_verified(ledger);
}

// ---- Reductions ----

TEST_CASE(
    "A reduction debits revenue in the signing year and 4900 in a later year, never beyond what is "
    "outstanding") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(ledger, deu_pledge);  // 500000.00 EUR carried at 548245.61 USD, signed 2024-01-15

  // 2024 (the signing year): 125000.00 EUR at 548245.61 * 125000 / 500000 = 137061.4025 ->
  // 137061.40 USD.
  const std::int64_t same_year = recorded(
      ledger,
      R"({"type":"reduction","id":"RED-1","pledge":"P-DEU-1","date":"2024-06-30","amount":"125000.00"})");
  CHECK(postings_of(ledger, same_year) == sorted({
                                              "4100|CPCJF|DEU||P-DEU-1|EUR|125000.00|137061.40",
                                              "1200|CPCJF|DEU||P-DEU-1|EUR|-125000.00|-137061.40",
                                          }));
  // 2025: 75000.00 of the 375000.00 EUR outstanding, carried at 548245.61 - 137061.40 = 411184.21:
  // 411184.21 * 75000 / 375000 = 82236.842 -> 82236.84 USD, to 4900 (2024's revenue stays).
  const std::int64_t later_year = recorded(
      ledger,
      R"({"type":"reduction","id":"RED-2","pledge":"P-DEU-1","date":"2025-02-01","amount":"75000.00"})");
  CHECK(postings_of(ledger, later_year) == sorted({
                                               "4900|CPCJF|DEU||P-DEU-1|EUR|75000.00|82236.84",
                                               "1200|CPCJF|DEU||P-DEU-1|EUR|-75000.00|-82236.84",
                                           }));
  // 411184.21 - 82236.84 = 328947.37 USD for the 300000.00 EUR outstanding.
  CHECK(figures(fundledger::find_pledge(ledger, "P-DEU-1")) ==
        "status=open pledged=500000.00 received=0.00 reduced=200000.00 written_off=0.00 "
        "outstanding=300000.00 receivable=300000.00 carrying_usd=328947.37 deferred=0.00 "
        "allowance=0.00");
  check_refused(
      ledger,
      R"({"type":"reduction","id":"RED-3","pledge":"P-DEU-1","date":"2025-02-02","amount":"300000.01"})",
      ErrorCode::bad_input,
      R"(field "amount": a reduction of 300000.01 EUR is more than pledge P-DEU-1 has outstanding (300000.00 EUR))");

  // 100000.00 EUR received on 2025-03-01 (EUR 0.95): cash 100000 / 0.95 = 105263.1578 -> 105263.16;
  // relieved 328947.37 * 100000 / 300000 = 109649.1233 -> 109649.12; 4700 109649.12 - 105263.16 =
  // 4385.96.
  const std::int64_t receipt = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-1","date":"2025-03-01","fund":"CPCJF","currency":"EUR","amount":"100000.00","pledge":"P-DEU-1"})");
  CHECK(postings_of(ledger, receipt) == sorted({
                                            "1100|CPCJF|DEU|||EUR|100000.00|105263.16",
                                            "1200|CPCJF|DEU||P-DEU-1|EUR|-100000.00|-109649.12",
                                            "4700|CPCJF||||EUR|0.00|4385.96",
                                        }));
  // The remaining 200000.00 EUR reduced: all the carrying USD left, 328947.37 - 109649.12 =
  // 219298.25.
  const std::int64_t last = recorded(
      ledger,
      R"({"type":"reduction","id":"RED-3","pledge":"P-DEU-1","date":"2025-03-15","amount":"200000.00"})");
  CHECK(postings_of(ledger, last) == sorted({
                                         "4900|CPCJF|DEU||P-DEU-1|EUR|200000.00|219298.25",
                                         "1200|CPCJF|DEU||P-DEU-1|EUR|-200000.00|-219298.25",
                                     }));
  const PledgeStatus pledge = fundledger::find_pledge(ledger, "P-DEU-1");
  CHECK(figures(pledge) ==
        "status=reduced pledged=500000.00 received=100000.00 reduced=400000.00 written_off=0.00 "
        "outstanding=0.00 receivable=0.00 carrying_usd=0.00 deferred=0.00 allowance=0.00");
  CHECK(instalments(pledge) ==
        std::vector<std::string>{
            "2024-01-15 500000.00 paid=100000.00 reduced=400000.00 outstanding=0.00"});
  // 4100: 548245.61 credit, 137061.40 debit; 4900: 82236.84 + 219298.25 = 301535.09 debit.
  CHECK(balances(ledger, by_account_and_fund, {"1200", "4100", "4900"}) ==
        std::vector<std::string>{
            "1200,CPCJF|USD|548245.61|548245.61",
            "4100,CPCJF|USD|137061.40|548245.61",
            "4900,CPCJF|USD|301535.09|0.00",
        });
  check_refused(
      ledger,
      R"({"type":"reduction","id":"RED-4","pledge":"P-DEU-1","date":"2025-03-16","amount":"0.01"})",
      ErrorCode::bad_input,
      R"(field "amount": a reduction of 0.01 EUR is more than pledge P-DEU-1 has outstanding (0.00 EUR))");
  check_verified(ledger);
}

// ---- Refunds ----

TEST_CASE(
    "A refund is payable (Dr 4900 / Cr 2300) until paid (Dr 2300 / Cr 1100), or paid at once") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-A1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"50000.00","donor":"DEU"})");

  // Payable on 2024-03-10: 10000.00 EUR / 0.9 = 11111.11 USD.
  const std::int64_t payable = recorded(
      ledger,
      R"({"type":"refund","id":"RF-1","donor":"DEU","fund":"CPCJF","date":"2024-03-10","currency":"EUR","amount":"10000.00"})");
  CHECK(postings_of(ledger, payable) == sorted({
                                            "4900|CPCJF|DEU|||EUR|10000.00|11111.11",
                                            "2300|CPCJF|DEU|||EUR|-10000.00|-11111.11",
                                        }));
  // A refund payable is not an advance to apply.
  check_refused(ledger, R"({"type":"apply","id":"APP-1","date":"2024-03-11","receipt":"RF-1"})",
                ErrorCode::bad_input,
                R"(field "receipt": "RF-1" (a refund) holds no advance or unidentified receipt)");
  check_refused(
      ledger,
      R"({"type":"refund","id":"RF-2","donor":"DEU","fund":"CPCJF","date":"2024-04-15","currency":"EUR","amount":"10000.01","pays":"RF-1"})",
      ErrorCode::bad_input, R"(field "amount": refund RF-1 has only 10000.00 EUR left to pay)");
  check_refused(
      ledger,
      R"({"type":"refund","id":"RF-2","donor":"DEU","fund":"CPCJF","date":"2024-04-15","currency":"EUR","amount":"10000.00","pays":"RF-9"})",
      ErrorCode::unknown_reference, R"(field "pays": no payable refund "RF-9")");

  // Paid on 2024-04-15: 2300 relieved at the 11111.11 USD it holds, and the cash at the USD it
  // carries: the fund's 50000.00 EUR carry 54054.05 (50000 / 0.925 on 2024-02-10), so 10000.00 of
  // them carry 54054.05 x 10000 / 50000 = 10810.81. Each side's difference from the day's value,
  // 10000.00 / 0.88 = 11363.6363 -> 11363.64, is realized: (11111.11 - 11363.64) + (11363.64 -
  // 10810.81) = 300.30, a gain (Cr 4700).
  const std::int64_t payment = recorded(
      ledger,
      R"({"type":"refund","id":"RF-2","donor":"DEU","fund":"CPCJF","date":"2024-04-15","currency":"EUR","amount":"10000.00","pays":"RF-1"})");
  CHECK(postings_of(ledger, payment) == sorted({
                                            "2300|CPCJF|DEU|||EUR|10000.00|11111.11",
                                            "1100|CPCJF|DEU|||EUR|-10000.00|-10810.81",
                                            "4700|CPCJF||||EUR|0.00|-300.30",
                                        }));
  CHECK(balances(ledger, by_pledge_in_currency, {"2300"}) ==
        std::vector<std::string>{"2300,CPCJF,DEU,,EUR|EUR|10000.00|10000.00"});
  CHECK(balances(ledger, by_account_and_fund, {"2300"}) ==
        std::vector<std::string>{"2300,CPCJF|USD|11111.11|11111.11"});

  // Paid at once on 2024-03-12: 5000.00 / 0.9 = 5555.5555 -> 5555.56 USD; 2300 nets to nothing.
  // The cash leaves at what it carries: 40000.00 EUR carrying 54054.05 - 10810.81 = 43243.24, so
  // 43243.24 x 5000 / 40000 = 5405.405 -> 5405.40 (half-even); 5555.56 - 5405.40 = 150.16 is a gain.
  const std::int64_t at_once = recorded(
      ledger,
      R"({"type":"refund","id":"RF-3","donor":"DEU","fund":"CPCJF","date":"2024-03-12","currency":"EUR","amount":"5000.00","paid":true})");
  CHECK(postings_of(ledger, at_once) == sorted({
                                            "4900|CPCJF|DEU|||EUR|5000.00|5555.56",
                                            "2300|CPCJF|DEU|||EUR|-5000.00|-5555.56",
                                            "2300|CPCJF|DEU|||EUR|5000.00|5555.56",
                                            "1100|CPCJF|DEU|||EUR|-5000.00|-5405.40",
                                            "4700|CPCJF||||EUR|0.00|-150.16",
                                        }));
  // Nothing is left payable, and cash is 50000 - 10000 - 5000 = 35000.00 EUR,
  // 54054.05 - 10810.81 - 5405.40 = 37837.84 USD.
  CHECK(balances(ledger, by_account_and_fund, {"1100", "2300", "4900"}) ==
        std::vector<std::string>{
            "1100,CPCJF|USD|54054.05|16216.21",
            "2300,CPCJF|USD|16666.67|16666.67",
            "4900,CPCJF|USD|16666.67|0.00",
        });
  CHECK(balances(ledger, by_account_fund_currency, {"1100"}) ==
        std::vector<std::string>{"1100,CPCJF,EUR|EUR|50000.00|15000.00"});
  check_verified(ledger);
}

// ---- Expenditure ----

TEST_CASE(
    "An expense charges PSC at the event's, the project's or the ledger's 13% rate, half-even to "
    "cents, "
    "with the PSC fund's income in the same entry") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-C","date":"2024-03-01","fund":"CPCJF","currency":"USD","amount":"20000.00","donor":"DEU"})");
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-T","date":"2024-03-01","fund":"UNTOC","currency":"USD","amount":"5000.00","donor":"NOR"})");

  // The ledger's 13%, no PSC fund yet: 1234.56 * 0.13 = 160.4928 -> 160.49.
  const std::int64_t first = recorded(
      ledger,
      R"({"type":"expense","id":"EX-1","fund":"CPCJF","date":"2024-03-15","currency":"USD","amount":"1234.56","category":"programme"})");
  CHECK(postings_of(ledger, first) == sorted({
                                          "5200|CPCJF||||USD|1234.56|1234.56",
                                          "1100|CPCJF||||USD|-1234.56|-1234.56",
                                          "5300|CPCJF||||USD|160.49|160.49",
                                          "1100|CPCJF||||USD|-160.49|-160.49",
                                      }));
  // A tie: 1234.50 * 0.13 = 160.485 -> half-even 160.48 (half-up would give 160.49).
  const std::int64_t tie = recorded(
      ledger,
      R"({"type":"expense","id":"EX-1B","fund":"CPCJF","date":"2024-03-16","currency":"USD","amount":"1234.50","category":"programme"})");
  CHECK(postings_of(ledger, tie) == sorted({
                                        "5200|CPCJF||||USD|1234.50|1234.50",
                                        "1100|CPCJF||||USD|-1234.50|-1234.50",
                                        "5300|CPCJF||||USD|160.48|160.48",
                                        "1100|CPCJF||||USD|-160.48|-160.48",
                                    }));

  // From 2024-04-01 the PSC is the PSC fund's income.
  recorded(ledger, R"({"type":"setting","key":"psc_fund","value":"PSC","effective":"2024-04-01"})");
  // A grant in EUR on 2024-04-10 at the event's 7% (GLOZ82 has no rate of its own): PSC 10000.00 *
  // 0.07 = 700.00 EUR. USD at 0.88: 10000.00 / 0.88 = 11363.6363 -> 11363.64; 700.00 / 0.88 =
  // 795.4545 -> 795.45. CPCJF holds no EUR: the event says it may overdraw it.
  const std::int64_t grant = recorded(
      ledger,
      R"({"type":"expense","id":"EX-2","fund":"CPCJF","date":"2024-04-10","currency":"EUR","amount":"10000.00","category":"grant",)"
      R"("project":"GLOZ82","psc_rate":"0.07","allow_overdraft":true})");
  CHECK(postings_of(ledger, grant) == sorted({
                                          "5100|CPCJF||GLOZ82||EUR|10000.00|11363.64",
                                          "1100|CPCJF||||EUR|-10000.00|-11363.64",
                                          "5300|CPCJF||GLOZ82||EUR|700.00|795.45",
                                          "1100|CPCJF||||EUR|-700.00|-795.45",
                                          "1100|PSC||||EUR|700.00|795.45",
                                          "4300|PSC||GLOZ82||EUR|-700.00|-795.45",
                                      }));
  // The project's agreed 8% when the event gives none: 2000.00 * 0.08 = 160.00.
  const std::int64_t on_project = recorded(
      ledger,
      R"({"type":"expense","id":"EX-3","fund":"UNTOC","date":"2024-04-12","currency":"USD","amount":"2000.00","category":"programme",)"
      R"("project":"GLOT59"})");
  CHECK(postings_of(ledger, on_project) == sorted({
                                               "5200|UNTOC||GLOT59||USD|2000.00|2000.00",
                                               "1100|UNTOC||||USD|-2000.00|-2000.00",
                                               "5300|UNTOC||GLOT59||USD|160.00|160.00",
                                               "1100|UNTOC||||USD|-160.00|-160.00",
                                               "1100|PSC||||USD|160.00|160.00",
                                               "4300|PSC||GLOT59||USD|-160.00|-160.00",
                                           }));

  // CPCJF's cash: 20000.00 - 1395.05 - 1394.98 - 11363.64 - 795.45 = 5050.88 USD. 5000.00 with 13%
  // PSC (650.00) is 5650.00: refused unless the event allows an overdraft.
  const std::string overdraft =
      R"({"type":"expense","id":"EX-4","fund":"CPCJF","date":"2024-04-15","currency":"USD","amount":"5000.00","category":"programme")";
  check_refused(
      ledger, overdraft + "}", ErrorCode::bad_input,
      "expense EX-4 of 5650.00 USD (with PSC) is more than the cash of fund CPCJF (5050.88 USD); "
      "record it with allow_overdraft (--allow-overdraft) to spend beyond it");
  const std::int64_t allowed = recorded(ledger, overdraft + R"(,"allow_overdraft":true})");
  CHECK(postings_of(ledger, allowed) == sorted({
                                            "5200|CPCJF||||USD|5000.00|5000.00",
                                            "1100|CPCJF||||USD|-5000.00|-5000.00",
                                            "5300|CPCJF||||USD|650.00|650.00",
                                            "1100|CPCJF||||USD|-650.00|-650.00",
                                            "1100|PSC||||USD|650.00|650.00",
                                            "4300|PSC||||USD|-650.00|-650.00",
                                        }));
  // CPCJF 5050.88 - 5650.00 = -599.12; UNTOC 5000.00 - 2160.00 = 2840.00; PSC 795.45 + 160.00 +
  // 650.00 = 1605.45. 5300 in CPCJF: 160.49 + 160.48 + 795.45 + 650.00 = 1766.42; 4300 in PSC
  // equals the PSC fund's cash.
  CHECK(balances(ledger, by_account_and_fund, {"1100", "4300", "5300"}) ==
        std::vector<std::string>{
            "1100,CPCJF|USD|20000.00|20599.12",
            "1100,PSC|USD|1605.45|0.00",
            "1100,UNTOC|USD|5000.00|2160.00",
            "4300,PSC|USD|0.00|1605.45",
            "5300,CPCJF|USD|1766.42|0.00",
            "5300,UNTOC|USD|160.00|0.00",
        });
  CHECK(fund_totals(ledger) == std::vector<std::string>{"CPCJF 0.00", "PSC 0.00", "UNTOC 0.00"});
  check_verified(ledger);
}

// ---- Transfers and interest ----

TEST_CASE("A transfer goes through 3200 and 1100 in both funds, each fund balanced") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-C","date":"2024-03-01","fund":"CPCJF","currency":"USD","amount":"20000.00","donor":"DEU"})");
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"transfer","id":"TR-1","date":"2024-03-20","from_fund":"CPCJF","to_fund":"UNTOC","currency":"USD","amount":"5000.00"})");
  CHECK(postings_of(ledger, seq) == sorted({
                                        "3200|CPCJF||||USD|5000.00|5000.00",
                                        "1100|CPCJF||||USD|-5000.00|-5000.00",
                                        "1100|UNTOC||||USD|5000.00|5000.00",
                                        "3200|UNTOC||||USD|-5000.00|-5000.00",
                                    }));
  CHECK(balances(ledger, by_account_and_fund, {"1100", "3200"}) ==
        std::vector<std::string>{
            "1100,CPCJF|USD|20000.00|5000.00",
            "1100,UNTOC|USD|5000.00|0.00",
            "3200,CPCJF|USD|5000.00|0.00",
            "3200,UNTOC|USD|0.00|5000.00",
        });
  CHECK(fund_totals(ledger) == std::vector<std::string>{"CPCJF 0.00", "UNTOC 0.00"});
  // CPCJF has 15000.00 left.
  check_refused(
      ledger,
      R"({"type":"transfer","id":"TR-2","date":"2024-03-21","from_fund":"CPCJF","to_fund":"UNTOC","currency":"USD","amount":"15000.01"})",
      ErrorCode::bad_input,
      "transfer TR-2 of 15000.01 USD is more than the cash of fund CPCJF (15000.00 USD); record it with "
      "allow_overdraft (--allow-overdraft) to spend beyond it");
  check_refused(
      ledger,
      R"({"type":"transfer","id":"TR-2","date":"2024-03-21","from_fund":"CPCJF","to_fund":"CPCJF","currency":"USD","amount":"1.00"})",
      ErrorCode::bad_input, R"(field "to_fund": a transfer needs two different funds)");
  check_verified(ledger);
}

TEST_CASE(
    "Interest is apportioned by each fund's cash at the end of the day before, largest remainder") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  check_refused(ledger, R"({"type":"interest","id":"INT-0","date":"2024-03-10","amount":"5.00"})",
                ErrorCode::bad_input,
                "interest INT-0: no fund had cash on 2024-03-09 to apportion it to");
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-C","date":"2024-03-10","fund":"CPCJF","currency":"USD","amount":"60000.00","donor":"DEU"})");
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-T","date":"2024-03-10","fund":"UNTOC","currency":"USD","amount":"30000.00","donor":"NOR"})");
  // UNCAC's cash arrives on the day of the interest itself: it does not count. PSC has none.
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-M","date":"2024-03-31","fund":"UNCAC","currency":"USD","amount":"10000.00","donor":"GBR"})");

  // 1000.01 USD by 60000.00 : 30000.00 -> 666.6733.. and 333.3366..; the floors 666.67 + 333.33
  // leave one cent, which goes to the largest remainder (UNTOC's .66 of a cent against CPCJF's
  // .33): 666.67 + 333.34 = 1000.01 exactly.
  const std::int64_t seq = recorded(
      ledger, R"({"type":"interest","id":"INT-1","date":"2024-03-31","amount":"1000.01"})");
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1100|CPCJF||||USD|666.67|666.67",
                                        "4800|CPCJF||||USD|-666.67|-666.67",
                                        "1100|UNTOC||||USD|333.34|333.34",
                                        "4800|UNTOC||||USD|-333.34|-333.34",
                                    }));
  CHECK(balances(ledger, by_account_and_fund, {"4800"}) == std::vector<std::string>{
                                                               "4800,CPCJF|USD|0.00|666.67",
                                                               "4800,UNTOC|USD|0.00|333.34",
                                                           });
  // The next day UNCAC's cash counts too: 100.00 by 60666.67 : 30333.34 : 10000.00 (101000.01 in
  // all)
  // -> 60.066003.., 30.033006.., 9.900989..; floors 60.06 + 30.03 + 9.90 = 99.99, the cent to the
  // largest remainder, CPCJF's (0.006003 against UNTOC's 0.003006 and UNCAC's 0.000989):
  // 60.07 + 30.03 + 9.90 = 100.00.
  const std::int64_t next =
      recorded(ledger, R"({"type":"interest","id":"INT-2","date":"2024-04-01","amount":"100.00"})");
  CHECK(postings_of(ledger, next) == sorted({
                                         "1100|CPCJF||||USD|60.07|60.07",
                                         "4800|CPCJF||||USD|-60.07|-60.07",
                                         "1100|UNTOC||||USD|30.03|30.03",
                                         "4800|UNTOC||||USD|-30.03|-30.03",
                                         "1100|UNCAC||||USD|9.90|9.90",
                                         "4800|UNCAC||||USD|-9.90|-9.90",
                                     }));
  check_verified(ledger);
}

// ---- Doubtful pledges ----

TEST_CASE("An allowance debits 5400 and credits 1290; a write-off debits 1290 and credits 1200") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  // 200000.00 EUR / 0.912 = 219298.2456 -> 219298.25 USD.
  recorded(
      ledger,
      R"({"type":"pledge","id":"P-NOR-D","donor":"NOR","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"200000.00","signed":"2024-01-15"})");
  // 80000.00 EUR doubtful: 219298.25 * 80000 / 200000 = 87719.30 USD.
  const std::int64_t allowance = recorded(
      ledger,
      R"({"type":"allowance","id":"ALW-1","pledge":"P-NOR-D","date":"2024-06-30","amount":"80000.00"})");
  CHECK(postings_of(ledger, allowance) == sorted({
                                              "5400|CPCJF|NOR||P-NOR-D|EUR|80000.00|87719.30",
                                              "1290|CPCJF|NOR||P-NOR-D|EUR|-80000.00|-87719.30",
                                          }));
  // 50000.00 EUR written off: the allowance gives 87719.30 * 50000 / 80000 = 54824.5625 ->
  // 54824.56, the receivable 219298.25 * 50000 / 200000 = 54824.5625 -> 54824.56; no difference for
  // 5400.
  const std::int64_t write_off = recorded(
      ledger,
      R"({"type":"write_off","id":"WO-1","pledge":"P-NOR-D","date":"2024-12-31","amount":"50000.00"})");
  CHECK(postings_of(ledger, write_off) == sorted({
                                              "1290|CPCJF|NOR||P-NOR-D|EUR|50000.00|54824.56",
                                              "1200|CPCJF|NOR||P-NOR-D|EUR|-50000.00|-54824.56",
                                          }));
  const PledgeStatus pledge = fundledger::find_pledge(ledger, "P-NOR-D");
  // 219298.25 - 54824.56 = 164473.69 USD carried for 150000.00 EUR; 30000.00 EUR still allowed for.
  CHECK(figures(pledge) ==
        "status=open pledged=200000.00 received=0.00 reduced=0.00 written_off=50000.00 "
        "outstanding=150000.00 receivable=150000.00 carrying_usd=164473.69 deferred=0.00 "
        "allowance=30000.00");
  CHECK(instalments(pledge) ==
        std::vector<std::string>{
            "2024-01-15 200000.00 paid=0.00 reduced=50000.00 outstanding=150000.00"});
  CHECK(balances(ledger, by_pledge_in_currency, {"1200", "1290", "5400"}) ==
        std::vector<std::string>{
            "1200,CPCJF,NOR,P-NOR-D,EUR|EUR|200000.00|50000.00",
            "1290,CPCJF,NOR,P-NOR-D,EUR|EUR|50000.00|80000.00",
            "5400,CPCJF,NOR,P-NOR-D,EUR|EUR|80000.00|0.00",
        });
  check_refused(
      ledger,
      R"({"type":"write_off","id":"WO-2","pledge":"P-NOR-D","date":"2024-12-31","amount":"30000.01"})",
      ErrorCode::bad_input,
      R"(field "amount": a write-off of 30000.01 EUR is more than pledge P-NOR-D has allowed for (30000.00 EUR) )"
      R"(or outstanding (150000.00 EUR))");
  // 150000.00 outstanding, 30000.00 of it allowed for: at most 120000.00 more.
  check_refused(
      ledger,
      R"({"type":"allowance","id":"ALW-2","pledge":"P-NOR-D","date":"2024-12-31","amount":"120000.01"})",
      ErrorCode::bad_input,
      R"(field "amount": an allowance of 120000.01 EUR is more than pledge P-NOR-D has outstanding and not yet )"
      R"(allowed for (120000.00 EUR))");
  check_verified(ledger);
}

// ---- Corrections ----

TEST_CASE(
    "A reversal negates every posting of the event, once; a pledge with receipts cannot be "
    "reversed") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(ledger, deu_pledge);
  const std::int64_t receipt_seq = recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"250000.00","pledge":"P-DEU-1"})");

  check_refused(
      ledger, R"({"type":"reversal","id":"REV-P","reverses":"P-DEU-1","date":"2024-02-20"})",
      ErrorCode::bad_input,
      R"(field "reverses": pledge P-DEU-1 has receipts or other events against it: reverse them first, )"
      R"(or record a reduction)");
  check_refused(
      ledger, R"({"type":"reversal","id":"REV-1","reverses":"BNK-1","date":"2024-02-09"})",
      ErrorCode::bad_input,
      R"(field "date": a reversal cannot be dated before the event it reverses (2024-02-10))");

  const std::int64_t reversal_seq = recorded(
      ledger, R"({"type":"reversal","id":"REV-1","reverses":"BNK-1","date":"2024-02-20"})");
  CHECK(postings_of(ledger, reversal_seq) == sorted({
                                                 "1100|CPCJF|DEU|||EUR|-250000.00|-270270.27",
                                                 "1200|CPCJF|DEU||P-DEU-1|EUR|250000.00|274122.80",
                                                 "4700|CPCJF||||EUR|0.00|-3852.53",
                                             }));
  // Every posting of the receipt, negated.
  std::vector<std::string> negated;
  for (const std::string& p : postings_of(ledger, receipt_seq)) {
    const auto last_bar = p.rfind('|');
    const auto amount_bar = p.rfind('|', last_bar - 1);
    auto negate = [](const std::string& amount) {
      return amount[0] == '-' ? amount.substr(1) : amount == "0.00" ? amount : "-" + amount;
    };
    negated.push_back(p.substr(0, amount_bar + 1) +
                      negate(p.substr(amount_bar + 1, last_bar - amount_bar - 1)) + "|" +
                      negate(p.substr(last_bar + 1)));
  }
  std::sort(negated.begin(), negated.end());
  CHECK(postings_of(ledger, reversal_seq) == negated);
  // The pledge is as it was before the receipt.
  PledgeStatus pledge = fundledger::find_pledge(ledger, "P-DEU-1");
  CHECK(figures(pledge) ==
        "status=open pledged=500000.00 received=0.00 reduced=0.00 written_off=0.00 "
        "outstanding=500000.00 receivable=500000.00 carrying_usd=548245.61 deferred=0.00 "
        "allowance=0.00");
  CHECK(balances(ledger, by_account_and_fund, {"1100", "4700"}) ==
        std::vector<std::string>{"1100,CPCJF|USD|270270.27|270270.27",
                                 "4700,CPCJF|USD|3852.53|3852.53"});

  // A second reversal of the same event, and a reversal of a reversal, are refused.
  check_refused(ledger,
                R"({"type":"reversal","id":"REV-2","reverses":"BNK-1","date":"2024-02-21"})",
                ErrorCode::conflict,
                R"(field "reverses": "BNK-1" is already reversed (seq )" +
                    std::to_string(reversal_seq) + ")");
  check_refused(
      ledger, R"({"type":"reversal","id":"REV-2","reverses":"REV-1","date":"2024-02-21"})",
      ErrorCode::bad_input,
      R"(field "reverses": "REV-1" is itself a reversal: record the original event again under a new id instead)");
  check_refused(ledger,
                R"({"type":"reversal","id":"REV-2","reverses":"BNK-9","date":"2024-02-21"})",
                ErrorCode::unknown_reference, R"(field "reverses": no event with id "BNK-9")");

  // A reversed advance no longer holds anything to apply.
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-A1","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"50000.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"reversal","id":"REV-A1","reverses":"BNK-A1","date":"2024-02-11"})");
  CHECK(balances(ledger, by_pledge_in_currency, {"2100"}) ==
        std::vector<std::string>{"2100,CPCJF,DEU,,EUR|EUR|50000.00|50000.00"});
  check_refused(
      ledger,
      R"({"type":"apply","id":"APP-1","date":"2024-03-05","receipt":"BNK-A1","pledge":"P-DEU-1"})",
      ErrorCode::bad_input, R"(field "receipt": receipt BNK-A1 holds nothing more to apply)");

  // An advance partly applied cannot be reversed until the apply is.
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-A2","date":"2024-02-10","fund":"CPCJF","currency":"EUR","amount":"1000.00","donor":"DEU"})");
  recorded(
      ledger,
      R"({"type":"apply","id":"APP-2","date":"2024-03-05","receipt":"BNK-A2","pledge":"P-DEU-1","amount":"400.00"})");
  check_refused(
      ledger, R"({"type":"reversal","id":"REV-A2","reverses":"BNK-A2","date":"2024-03-06"})",
      ErrorCode::bad_input,
      R"(field "reverses": part of what BNK-A2 holds was applied or paid: reverse that first)");
  recorded(ledger,
           R"({"type":"reversal","id":"REV-APP-2","reverses":"APP-2","date":"2024-03-06"})");
  recorded(ledger, R"({"type":"reversal","id":"REV-A2","reverses":"BNK-A2","date":"2024-03-06"})");

  // With every receipt against it reversed, the pledge itself may be reversed: it is then
  // cancelled.
  const std::int64_t pledge_reversal = recorded(
      ledger, R"({"type":"reversal","id":"REV-P","reverses":"P-DEU-1","date":"2024-03-31"})");
  CHECK(postings_of(ledger, pledge_reversal) ==
        sorted({
            "1200|CPCJF|DEU||P-DEU-1|EUR|-500000.00|-548245.61",
            "4100|CPCJF|DEU||P-DEU-1|EUR|500000.00|548245.61",
        }));
  pledge = fundledger::find_pledge(ledger, "P-DEU-1");
  CHECK(pledge.status == "cancelled");
  CHECK(pledge.outstanding.to_string() == "0.00");
  CHECK(pledge.receivable.to_string() == "0.00");
  CHECK(pledge.carrying_usd.to_string() == "0.00");
  // 1200 in USD: debits 548245.61 (pledge) + 274122.80 (REV-1) + 438.60 (REV-APP-2) = 822807.01,
  // credits 274122.80 (BNK-1) + 438.60 (APP-2: 548245.61 * 400 / 500000 = 438.5964..) + 548245.61
  // (REV-P).
  CHECK(balances(ledger, by_pledge_in_usd, {"1200"}) ==
        std::vector<std::string>{"1200,CPCJF,DEU,P-DEU-1|USD|822807.01|822807.01"});
  check_refused(
      ledger,
      R"({"type":"receipt","id":"BNK-9","date":"2024-04-10","fund":"CPCJF","currency":"EUR","amount":"1.00","pledge":"P-DEU-1"})",
      ErrorCode::bad_input, R"(field "pledge": pledge P-DEU-1 is cancelled)");
  check_verified(ledger);
}

// ---- Found while writing these examples: the pledge's cancellation against its journal ----
//
// "cancelled" is stored beside the journal (pledges.cancelled) when a reduction takes a pledge to
// nothing before any receipt. The journal is the source of truth (contributions.hpp: everything is
// derived from it), so a correction of that reduction, a reversed receipt, or instalments not yet
// recognized must not leave the flag saying something the postings do not.

TEST_CASE("Reversing the reduction that cancelled a pledge makes it open again") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  // 40000.00 GBP / 0.79 = 50632.9113 -> 50632.91 USD.
  recorded(
      ledger,
      R"({"type":"pledge","id":"P-GBR-C","donor":"GBR","fund":"CPCJF","purpose":"general","currency":"GBP",)"
      R"("amount":"40000.00","signed":"2024-01-10"})");
  recorded(
      ledger,
      R"({"type":"reduction","id":"RED-C","pledge":"P-GBR-C","date":"2024-02-01","amount":"40000.00"})");
  REQUIRE(fundledger::find_pledge(ledger, "P-GBR-C").status == "cancelled");

  const std::int64_t seq = recorded(
      ledger, R"({"type":"reversal","id":"REV-C","reverses":"RED-C","date":"2024-02-02"})");
  CHECK(postings_of(ledger, seq) == sorted({
                                        "1200|CPCJF|GBR||P-GBR-C|GBP|40000.00|50632.91",
                                        "4100|CPCJF|GBR||P-GBR-C|GBP|-40000.00|-50632.91",
                                    }));
  // The receivable is back in full, and so must be the pledge.
  CHECK(figures(fundledger::find_pledge(ledger, "P-GBR-C")) ==
        "status=open pledged=40000.00 received=0.00 reduced=0.00 written_off=0.00 "
        "outstanding=40000.00 receivable=40000.00 carrying_usd=50632.91 deferred=0.00 "
        "allowance=0.00");
  // And the donor may pay it: 40000.00 / 0.8 = 50000.00 USD cash against 50632.91 carried, 632.91
  // lost.
  const std::string receipt =
      R"({"type":"receipt","id":"BNK-C","date":"2024-03-10","fund":"CPCJF","currency":"GBP","amount":"40000.00","pledge":"P-GBR-C"})";
  try {
    const RecordResult result = record(ledger, receipt);
    CHECK(result.recorded);
    CHECK(postings_of(ledger, result.seq) == sorted({
                                                 "1100|CPCJF|GBR|||GBP|40000.00|50000.00",
                                                 "1200|CPCJF|GBR||P-GBR-C|GBP|-40000.00|-50632.91",
                                                 "4700|CPCJF||||GBP|0.00|632.91",
                                             }));
  } catch (const Error& error) {
    FAIL_CHECK("the receipt against the restored pledge was refused: " << error.what());
  }
  check_verified(ledger);
}

TEST_CASE("A reduction of a per-instalment pledge cuts the instalments not yet recognized, the latest first") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(
      ledger,
      R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2024-01-01"})");
  // Only the 2024 instalment is recognized at signing: 300000.00 / 0.912 = 328947.37 USD.
  recorded(
      ledger,
      R"({"type":"pledge","id":"P-NOR-M","donor":"NOR","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"900000.00","signed":"2024-01-15","installments":[{"due":"2024-01-15","amount":"300000.00"},)"
      R"({"due":"2025-01-15","amount":"300000.00"},{"due":"2026-01-15","amount":"300000.00"}]})");
  // Norway withdraws 300000.00: the 2026 instalment, not yet recognized, is cut with no posting.
  const std::int64_t seq = recorded(
      ledger,
      R"({"type":"reduction","id":"RED-1","pledge":"P-NOR-M","date":"2024-02-01","amount":"300000.00"})");
  CHECK(postings_of(ledger, seq).empty());
  CHECK(figures(fundledger::find_pledge(ledger, "P-NOR-M")) ==
        "status=open pledged=900000.00 received=0.00 reduced=300000.00 written_off=0.00 "
        "outstanding=600000.00 receivable=300000.00 carrying_usd=328947.37 deferred=0.00 allowance=0.00");
  // The closes to January 2026 recognize the 2025 instalment (at 0.95: 315789.47 USD) and never
  // the 2026 one.
  for (Period period = Period::parse("2024-01"); !(period == Period::parse("2026-02")); period = period.next()) {
    recorded(ledger, R"({"type":"period_close","period":")" + period.to_string() + R"(","allow_stale_rates":true})");
  }
  const PledgeStatus after_close = fundledger::find_pledge(ledger, "P-NOR-M");
  CHECK(after_close.status == "open");
  CHECK(after_close.receivable.to_string() == "600000.00");
  CHECK(after_close.outstanding.to_string() == "600000.00");
  REQUIRE(after_close.installments.size() == 3);
  CHECK(after_close.installments[2].reduced.to_string() == "300000.00");
  CHECK(after_close.installments[2].outstanding.to_string() == "0.00");
  CHECK(after_close.installments[1].outstanding.to_string() == "300000.00");
  check_verified(ledger);
}

TEST_CASE("A pledge reported cancelled refuses receipts, also when its only receipt was reversed") {
  TemporaryDirectory directory;
  Ledger ledger = example_ledger(directory.file("fund.db"));
  recorded(
      ledger,
      R"({"type":"pledge","id":"P-DEU-S","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
      R"("amount":"1000.00","signed":"2024-01-15"})");
  recorded(
      ledger,
      R"({"type":"receipt","id":"BNK-1","date":"2024-02-01","fund":"CPCJF","currency":"EUR","amount":"100.00","pledge":"P-DEU-S"})");
  recorded(ledger, R"({"type":"reversal","id":"REV-1","reverses":"BNK-1","date":"2024-02-02"})");
  recorded(
      ledger,
      R"({"type":"reduction","id":"RED-1","pledge":"P-DEU-S","date":"2024-02-03","amount":"1000.00"})");
  // Nothing was received (the receipt was reversed) and everything was reduced.
  CHECK(figures(fundledger::find_pledge(ledger, "P-DEU-S")) ==
        "status=cancelled pledged=1000.00 received=0.00 reduced=1000.00 written_off=0.00 "
        "outstanding=0.00 receivable=0.00 carrying_usd=0.00 deferred=0.00 allowance=0.00");
  check_refused(
      ledger,
      R"({"type":"receipt","id":"BNK-2","date":"2024-02-04","fund":"CPCJF","currency":"EUR","amount":"100.00","pledge":"P-DEU-S"})",
      ErrorCode::bad_input, R"(field "pledge": pledge P-DEU-S is cancelled)");
  check_verified(ledger);
}
