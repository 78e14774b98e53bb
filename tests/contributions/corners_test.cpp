// Order, corrections and the corners of a holding (ledger/README.md): each test is named after what
// the ledger once got wrong, in whatever order finance offices recorded things, and checks the
// figures it must give now. The sums are read from the exported postings, not from the balance
// tables, and every ledger must verify.
#include "support/ledger_helpers.hpp"

#include "rules/standard_chart.hpp"

#include <fundledger/contributions.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/master_data.hpp>
#include <fundledger/reports.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using fundledger::Date;
using fundledger::ErrorCode;
using fundledger::Ledger;
using namespace fundledger::test;

namespace {

// What the postings of the exported journal sum to, per account, fund and currency (and, where a
// key names them, donor and pledge), as "EUR 0.00 / USD 125.00": in the currency and in USD.
class Sums {
 public:
  explicit Sums(const Ledger& ledger, const std::string& from = "") {
    std::ostringstream out;
    fundledger::export_journal(ledger, out);
    std::istringstream lines(out.str());
    std::string line;
    while (std::getline(lines, line)) {
      const nlohmann::json event = nlohmann::json::parse(line);
      if (!event.contains("postings")) continue;
      for (const nlohmann::json& p : event.at("postings")) {
        const std::string date = p.contains("date") ? p.at("date").get<std::string>() : event.value("date", "");
        if (!from.empty() && date < from) continue;
        auto text = [&p](const char* key) { return p.contains(key) ? p.at(key).get<std::string>() : std::string(); };
        const std::string amount = text("amount");
        const std::string usd = text("functional_amount");
        for (const std::string& key : {text("account") + " " + text("fund") + " " + text("currency"),
                                       text("account") + " " + text("fund") + " " + text("donor") + " " +
                                           text("pledge") + " " + text("currency"),
                                       text("account") + " " + text("fund")}) {
          auto& [in_currency, in_usd] = sums_[key];
          in_currency += to_cents(amount);
          in_usd += to_cents(usd);
        }
      }
    }
  }
  // "ACCOUNT FUND CURRENCY", or "ACCOUNT FUND DONOR PLEDGE CURRENCY": "EUR 0.00 / USD 0.00".
  std::string of(const std::string& key) const {
    const auto found = sums_.find(key);
    const auto [in_currency, in_usd] = found == sums_.end() ? std::pair<long long, long long>{0, 0} : found->second;
    return key.substr(key.rfind(' ') + 1) + " " + shown(in_currency) + " / USD " + shown(in_usd);
  }
  // "ACCOUNT FUND": the USD of every currency.
  std::string usd(const std::string& key) const {
    const auto found = sums_.find(key);
    return shown(found == sums_.end() ? 0 : found->second.second);
  }

 private:
  // Amounts of two decimals (the currencies of these tests) as cents.
  static long long to_cents(const std::string& text) {
    const bool negative = !text.empty() && text[0] == '-';
    const std::string digits = negative ? text.substr(1) : text;
    const std::size_t point = digits.find('.');
    long long cents = std::stoll(digits.substr(0, point)) * 100;
    if (point != std::string::npos) cents += std::stoll((digits.substr(point + 1) + "00").substr(0, 2));
    return negative ? -cents : cents;
  }
  static std::string shown(long long cents) {
    const bool negative = cents < 0;
    const long long whole = (negative ? -cents : cents) / 100;
    const long long part = (negative ? -cents : cents) % 100;
    return std::string(negative ? "-" : "") + std::to_string(whole) + "." + (part < 10 ? "0" : "") + std::to_string(part);
  }
  std::map<std::string, std::pair<long long, long long>> sums_;
};

// A ledger from init with funds A, B (within A) and PSC (the PSC fund), and donor DEU.
Ledger two_funds(const std::string& path) {
  Ledger ledger = Ledger::init(path);
  recorded(ledger, R"({"type":"fund","code":"A","name":"Fund A","kind":"general"})");
  recorded(ledger, R"({"type":"fund","code":"B","name":"Fund B","kind":"special","parent":"A"})");
  recorded(ledger, R"({"type":"fund","code":"PSC","name":"Programme support costs","kind":"psc"})");
  recorded(ledger, R"({"type":"setting","key":"psc_fund","value":"PSC"})");
  recorded(ledger, R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})");
  return ledger;
}

// The seq of the last event recorded.
std::int64_t last_seq(const Ledger& ledger) { return ledger.event_count(); }

void close(Ledger& ledger, const std::string& period) {
  recorded(ledger, R"({"type":"period_close","period":")" + period + "\"}");
}

[[maybe_unused]] Date today() { return Date::from_day_number(static_cast<std::int32_t>(std::time(nullptr) / 86400)); }

}  // namespace

TEST_CASE("A late year-end close counted the exchange difference twice: it restates what January relieved") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-11-01","per_usd":"0.9"})");
  // November 2023, at EUR 0.9: R1 and R2 are money held for Germany (900.00 / 0.9 = 1000.00 USD),
  // AD advances half of B's cash to a partner (its cash carried at 500.00), PL a pledge to A.
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2023-11-10","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"receipt","id":"R2","date":"2023-11-10","fund":"B","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"advance","id":"AD","fund":"B","date":"2023-11-15","currency":"EUR","amount":"450.00","partner":"NGO-1"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"900.00","signed":"2023-11-20"})");
  close(ledger, "2023-11");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-01","per_usd":"0.8"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.8"})");
  // January is posted while December is still being closed: R1 applied to PL, which pays it in
  // full; the partner reports all of AD, with 13% PSC (58.50 EUR) from B's cash.
  recorded(ledger, R"({"type":"apply","id":"APP-1","date":"2024-01-05","receipt":"R1","pledge":"PL"})");
  recorded(ledger, R"({"type":"partner_report","id":"PR-1","advance":"AD","date":"2024-01-06","amount":"450.00"})");
  close(ledger, "2023-12");
  const std::int64_t closing = last_seq(ledger);

  // December's close restates at 0.8 what December held (1200 and R1's 2100 by 125.00, AD's 1400 and
  // B's cash by 62.50, R2 by 125.00) and, since the events of January relieved it at the carrying
  // USD of November, restates those reliefs on their days: PL's receivable and R1 in full (125.00,
  // against each other in 4700), AD in full (62.50), and B's cash for the PSC in proportion,
  // 62.50 x 58.50 / 450.00 = 8.125 -> 8.12 (half-even); 4700 in B takes 62.50 + 8.12 = 70.62.
  CHECK(postings_of(ledger, closing) ==
        sorted({
            "1100|A||||EUR|0.00|125.00",      "1200|A|DEU||PL|EUR|0.00|125.00",   "2100|A|DEU|||EUR|0.00|-125.00",
            "4710|A||||EUR|0.00|-125.00",     "1100|B||||EUR|0.00|62.50",         "1400|B||||EUR|0.00|62.50",
            "2100|B|DEU|||EUR|0.00|-125.00",  "1200|A|DEU||PL|EUR|0.00|-125.00",  "2100|A|DEU|||EUR|0.00|125.00",
            "1100|B||||EUR|0.00|-8.12",       "1400|B||||EUR|0.00|-62.50",        "4700|B||||EUR|0.00|70.62",
            "4100|A|DEU||PL|EUR|900.00|1000.00", "4710|A||||EUR|0.00|125.00",     "1900|A||||EUR|-900.00|-1125.00",
            "1900|A||||USD|1125.00|1125.00",  "3100|A||||USD|-1125.00|-1125.00",
        }));
  // Nothing paid or reported keeps any USD.
  const Sums sums(ledger);
  CHECK(sums.of("1200 A DEU PL EUR") == "EUR 0.00 / USD 0.00");
  CHECK(sums.of("2100 A DEU  EUR") == "EUR 0.00 / USD 0.00");
  CHECK(sums.of("1400 B EUR") == "EUR 0.00 / USD 0.00");
  // B's cash: 900.00 - 450.00 - 58.50 = 391.50 EUR, carried at 391.50 / 0.8 = 489.375 -> 489.38.
  CHECK(sums.of("1100 B EUR") == "EUR 391.50 / USD 489.38");
  // The exchange difference is counted once: unrealized in 2023 (125.00 in A, nothing net in B),
  // and in 2024 nothing realized in either fund.
  const Sums in_2024(ledger, "2024-01-01");
  CHECK(in_2024.usd("4700 A") == "0.00");
  CHECK(in_2024.usd("4700 B") == "0.00");
  check_verified(ledger);
}

TEST_CASE("Reopening December to correct its rate left money held with USD and no euros") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-20","per_usd":"0.85"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.8"})");
  // R1 holds 900.00 EUR for Germany (1000.00 USD); PL is its pledge of 900.00 EUR (1000.00 USD).
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2023-12-10","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"900.00","signed":"2023-12-12"})");
  // December closes at 0.85: 900.00 / 0.85 = 1058.82; January applies R1 to PL at 1058.82 on both
  // sides, realizing nothing.
  close(ledger, "2023-12");
  const std::int64_t apply = recorded(ledger, R"({"type":"apply","id":"APP-1","date":"2024-01-05","receipt":"R1","pledge":"PL"})");
  CHECK(postings_of(ledger, apply) == sorted({"2100|A|DEU|||EUR|900.00|1058.82", "1200|A|DEU||PL|EUR|-900.00|-1058.82"}));
  // The rate of December was wrong: December is reopened. Its revaluation is taken back, and so is
  // what the apply relieved of it (58.82 on each side, against each other in 4700).
  const std::int64_t reopening =
      recorded(ledger, R"({"type":"period_reopen","period":"2023-12","reason":"EUR rate of December corrected"})");
  CHECK(Sums(ledger).of("2100 A DEU  EUR") == "EUR 0.00 / USD 0.00");
  CHECK(Sums(ledger).of("1200 A DEU PL EUR") == "EUR 0.00 / USD 0.00");
  const std::vector<std::string> taken_back = postings_of(ledger, reopening);
  CHECK(std::count(taken_back.begin(), taken_back.end(), "2100|A|DEU|||EUR|0.00|-58.82") == 1);
  CHECK(std::count(taken_back.begin(), taken_back.end(), "1200|A|DEU||PL|EUR|0.00|58.82") == 1);
  // The corrected rate, 0.75 from 31 December: 900.00 / 0.75 = 1200.00. The re-close restates
  // December's holdings by 200.00 and the January apply that relieved them.
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-31","per_usd":"0.75"})");
  close(ledger, "2023-12");
  const Sums sums(ledger);
  CHECK(sums.of("2100 A DEU  EUR") == "EUR 0.00 / USD 0.00");
  CHECK(sums.of("1200 A DEU PL EUR") == "EUR 0.00 / USD 0.00");
  // 2023: the EUR cash gained 1200.00 - 1000.00 = 200.00 unrealized; the receivable and the money
  // held cancel. Nothing is realized in 2024.
  CHECK(sums.usd("4710 A") == "0.00");  // closed into 3100 at the year-end
  CHECK(Sums(ledger, "2024-01-01").usd("4700 A") == "0.00");
  CHECK(sums.of("1100 A EUR") == "EUR 900.00 / USD 1200.00");
  check_verified(ledger);
}

TEST_CASE("Reversals after a year-end revaluation negated postings at their original USD, not their carrying USD") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-31","per_usd":"0.8"})");
  // R1 holds 900.00 EUR for Germany in A; R2 pays 900.00 EUR into B, which advances it to a partner.
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2023-12-10","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"receipt","id":"R2","date":"2023-12-10","fund":"B","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"advance","id":"AD","fund":"B","date":"2023-12-12","currency":"EUR","amount":"900.00","partner":"NGO-1"})");
  // The year-end at 0.8 restates A's cash and R1 (1000.00 -> 1125.00), and AD.
  close(ledger, "2023-12");
  SECTION("a receipt reversed: cash and the money held go at 1125.00, nothing realized") {
    const std::int64_t reversal = recorded(ledger, R"({"type":"reversal","id":"REV-1","reverses":"R1","date":"2024-01-10"})");
    CHECK(postings_of(ledger, reversal) == sorted({"2100|A|DEU|||EUR|900.00|1125.00", "1100|A|DEU|||EUR|-900.00|-1125.00"}));
    const Sums sums(ledger);
    CHECK(sums.of("1100 A EUR") == "EUR 0.00 / USD 0.00");
    CHECK(sums.of("2100 A DEU  EUR") == "EUR 0.00 / USD 0.00");
    // A later month's close finds nothing to restate.
    recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.8"})");
    close(ledger, "2024-01");
    CHECK(postings_of(ledger, last_seq(ledger)).empty());
  }
  SECTION("an advance reversed: 1400 gives up the 1125.00 it carries, the cash comes back at its 1000.00, 4700 the 125.00") {
    const std::int64_t reversal = recorded(ledger, R"({"type":"reversal","id":"REV-1","reverses":"AD","date":"2024-01-10"})");
    CHECK(postings_of(ledger, reversal) ==
          sorted({"1400|B||||EUR|-900.00|-1125.00", "1100|B||||EUR|900.00|1000.00", "4700|B||||EUR|0.00|125.00"}));
    CHECK(Sums(ledger).of("1400 B EUR") == "EUR 0.00 / USD 0.00");
    // The partners report no longer lists the advance, and nothing is outstanding.
    fundledger::ReportScope scope;
    scope.as_of = Date::parse("2024-01-31");
    const fundledger::Report report = fundledger::build_report(ledger, "partners", scope);
    REQUIRE(report.rows.size() == 1);
    CHECK(report.rows[0].key == "total");
  }
  check_verified(ledger);
}

TEST_CASE("An allowance reversed after its write-off left 1290 with a debit balance") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"USD","amount":"1000.00","signed":"2024-01-10"})");
  recorded(ledger, R"({"type":"allowance","id":"AL-1","pledge":"PL","date":"2024-02-01","amount":"600.00"})");
  recorded(ledger, R"({"type":"write_off","id":"WO-1","pledge":"PL","date":"2024-03-01","amount":"600.00"})");
  check_refused(ledger, R"({"type":"reversal","id":"REV-1","reverses":"AL-1","date":"2024-03-02"})", ErrorCode::bad_input,
                R"(field "reverses": allowance AL-1 has been used: pledge PL is allowed for 0.00 USD only (a write-off )"
                R"(used it, or it was released as the receivable fell below it); reverse the write-off first)");
  // The write-off can be reversed, and then the allowance.
  recorded(ledger, R"({"type":"reversal","id":"REV-2","reverses":"WO-1","date":"2024-03-02"})");
  recorded(ledger, R"({"type":"reversal","id":"REV-3","reverses":"AL-1","date":"2024-03-03"})");
  const Sums sums(ledger);
  CHECK(sums.of("1290 A DEU PL USD") == "USD 0.00 / USD 0.00");
  CHECK(sums.of("1200 A DEU PL USD") == "USD 1000.00 / USD 1000.00");
  CHECK(sums.usd("5400 A") == "0.00");
  check_verified(ledger);
}

TEST_CASE("A reduction and a receipt ignored the allowance: it follows its receivable, the excess released") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  SECTION("a pledge allowed for in full, then reduced in full: the allowance is released, the loss counted once") {
    // 100.00 / 0.9 = 111.11 USD; the allowance takes all of it.
    recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2024-01-10"})");
    recorded(ledger, R"({"type":"allowance","id":"AL-1","pledge":"PL","date":"2024-02-01","amount":"100.00"})");
    const std::int64_t reduction = recorded(ledger, R"({"type":"reduction","id":"RED-1","pledge":"PL","date":"2024-03-01","amount":"100.00"})");
    CHECK(postings_of(ledger, reduction) == sorted({
                                                "1200|A|DEU||PL|EUR|-100.00|-111.11",
                                                "4100|A|DEU||PL|EUR|100.00|111.11",
                                                "1290|A|DEU||PL|EUR|100.00|111.11",
                                                "5400|A|DEU||PL|EUR|-100.00|-111.11",
                                            }));
    const Sums sums(ledger);
    CHECK(sums.of("1290 A DEU PL EUR") == "EUR 0.00 / USD 0.00");
    CHECK(sums.usd("5400 A") == "0.00");
    CHECK(sums.usd("4100 A") == "0.00");
    const fundledger::PledgeStatus pledge = fundledger::find_pledge(ledger, "PL");
    CHECK(pledge.status == "cancelled");
    CHECK(pledge.allowance.to_string() == "0.00");
    // Nothing is left to write off.
    check_refused(ledger, R"({"type":"write_off","id":"WO-1","pledge":"PL","date":"2024-03-02","amount":"1.00"})",
                  ErrorCode::bad_input,
                  R"(field "amount": a write-off of 1.00 EUR is more than pledge PL has allowed for (0.00 EUR) or outstanding (0.00 EUR))");
  }
  SECTION("a receipt that pays the pledge in full releases its allowance") {
    recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2024-01-10"})");
    // 111.11 x 60 / 100 = 66.666 -> 66.67.
    recorded(ledger, R"({"type":"allowance","id":"AL-1","pledge":"PL","date":"2024-02-01","amount":"60.00"})");
    const std::int64_t receipt =
        recorded(ledger, R"({"type":"receipt","id":"R1","date":"2024-03-01","fund":"A","currency":"EUR","amount":"100.00","pledge":"PL"})");
    CHECK(postings_of(ledger, receipt) == sorted({
                                             "1100|A|DEU|||EUR|100.00|111.11",
                                             "1200|A|DEU||PL|EUR|-100.00|-111.11",
                                             "1290|A|DEU||PL|EUR|60.00|66.67",
                                             "5400|A|DEU||PL|EUR|-60.00|-66.67",
                                         }));
    CHECK(fundledger::find_pledge(ledger, "PL").allowance.to_string() == "0.00");
  }
  SECTION("a partial receipt releases what the allowance holds beyond what is still owed") {
    recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2024-01-10"})");
    recorded(ledger, R"({"type":"allowance","id":"AL-1","pledge":"PL","date":"2024-02-01","amount":"60.00"})");
    // 70.00 paid: 30.00 owed, carried at 111.11 - 77.78 = 33.33; the allowance keeps 30.00 at
    // 66.67 x 30 / 60 = 33.335 -> 33.34, more than the 33.33 the receivable carries: 33.33.
    recorded(ledger, R"({"type":"receipt","id":"R1","date":"2024-03-01","fund":"A","currency":"EUR","amount":"70.00","pledge":"PL"})");
    const Sums sums(ledger);
    CHECK(sums.of("1200 A DEU PL EUR") == "EUR 30.00 / USD 33.33");
    CHECK(sums.of("1290 A DEU PL EUR") == "EUR -30.00 / USD -33.33");
  }
  check_verified(ledger);
}

TEST_CASE("Per-instalment pledges could not be cancelled, and money paid ahead of an instalment stayed held") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2024-01-01"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  // 300.00 EUR in three instalments; the first, due on signing, is recognized: 100.00 / 0.9 = 111.11.
  recorded(ledger,
           R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"300.00",)"
           R"("signed":"2024-01-10","installments":[{"due":"2024-01-10","amount":"100.00"},)"
           R"({"due":"2024-06-10","amount":"100.00"},{"due":"2024-12-10","amount":"100.00"}]})");
  SECTION("cancelled in full: the instalments not yet recognized are cut, the recognized one reduced") {
    CHECK(fundledger::find_pledge(ledger, "PL").outstanding.to_string() == "300.00");
    const std::int64_t reduction = recorded(ledger, R"({"type":"reduction","id":"RED-1","pledge":"PL","date":"2024-02-01","amount":"300.00"})");
    CHECK(postings_of(ledger, reduction) == sorted({"1200|A|DEU||PL|EUR|-100.00|-111.11", "4100|A|DEU||PL|EUR|100.00|111.11"}));
    const fundledger::PledgeStatus pledge = fundledger::find_pledge(ledger, "PL");
    CHECK(pledge.status == "cancelled");
    CHECK(pledge.reduced.to_string() == "300.00");
    CHECK(pledge.outstanding.to_string() == "0.00");
    // The closes of June and December recognize nothing for it.
    for (int month = 1; month <= 12; ++month) {
      recorded(ledger, std::string(R"({"type":"period_close","period":"2024-)") + (month < 10 ? "0" : "") +
                           std::to_string(month) + R"(","allow_stale_rates":true})");
    }
    CHECK(Sums(ledger).of("1200 A DEU PL EUR") == "EUR 0.00 / USD 0.00");
    CHECK(Sums(ledger).usd("4100 A") == "0.00");
    // More than is outstanding is refused, naming what is.
    check_refused(ledger, R"({"type":"reduction","id":"RED-2","pledge":"PL","date":"2025-01-02","amount":"0.01"})",
                  ErrorCode::bad_input, R"(field "amount": a reduction of 0.01 EUR is more than pledge PL has outstanding (0.00 EUR))");
  }
  SECTION("paid ahead: held for the pledge, applied by the closes that recognize the instalments") {
    // 250.00 paid in January: 100.00 settles the first instalment, 150.00 is paid ahead.
    const fundledger::RecordResult paid = record(
        ledger, R"({"type":"receipt","id":"R1","date":"2024-01-20","fund":"A","currency":"EUR","amount":"250.00","pledge":"PL"})");
    REQUIRE(paid.notes.size() == 1);
    CHECK(paid.notes[0] ==
          "EUR 150.00 is paid ahead of instalments of pledge PL not yet due: it is held for the pledge (2100) and "
          "applied to them as they are recognized");
    CHECK(postings_of(ledger, paid.seq) == sorted({"1100|A|DEU|||EUR|250.00|277.78", "1200|A|DEU||PL|EUR|-100.00|-111.11",
                                                   "2100|A|DEU||PL|EUR|-150.00|-166.67"}));
    fundledger::PledgeStatus pledge = fundledger::find_pledge(ledger, "PL");
    CHECK(pledge.received.to_string() == "100.00");
    CHECK(pledge.outstanding.to_string() == "200.00");
    CHECK(pledge.paid_ahead.to_string() == "150.00");
    // Only what is not paid ahead can be reduced.
    check_refused(ledger, R"({"type":"reduction","id":"RED-1","pledge":"PL","date":"2024-02-01","amount":"50.01"})",
                  ErrorCode::bad_input,
                  R"(field "amount": a reduction of 50.01 EUR is more than pledge PL has outstanding (200.00 EUR: 0.00 )"
                  R"(EUR recognized, 200.00 EUR of instalments not yet recognized); 150.00 EUR of it is paid ahead: apply )"
                  R"(it to another pledge or refund it first (apply --receipt, refund --receipt))");
    // The close of June recognizes the second instalment (111.11) and applies 100.00 of what is held
    // to it, at 166.67 x 100 / 150 = 111.113 -> 111.11: nothing realized.
    for (const char* period : {"2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"}) {
      recorded(ledger, std::string(R"({"type":"period_close","period":")") + period + R"(","allow_stale_rates":true})");
    }
    CHECK(postings_of(ledger, last_seq(ledger)) == sorted({"1200|A|DEU||PL|EUR|100.00|111.11", "4100|A|DEU||PL|EUR|-100.00|-111.11",
                                                           "2100|A|DEU||PL|EUR|100.00|111.11",
                                                           "1200|A|DEU||PL|EUR|-100.00|-111.11"}));
    pledge = fundledger::find_pledge(ledger, "PL");
    CHECK(pledge.received.to_string() == "200.00");
    CHECK(pledge.outstanding.to_string() == "100.00");
    CHECK(pledge.paid_ahead.to_string() == "50.00");
    CHECK(pledge.receivable.to_string() == "0.00");
    // December's instalment takes the last 50.00; 50.00 is then owed.
    for (const char* period : {"2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12"}) {
      recorded(ledger, std::string(R"({"type":"period_close","period":")") + period + R"(","allow_stale_rates":true})");
    }
    pledge = fundledger::find_pledge(ledger, "PL");
    CHECK(pledge.received.to_string() == "250.00");
    CHECK(pledge.outstanding.to_string() == "50.00");
    CHECK(pledge.paid_ahead.to_string() == "0.00");
    CHECK(Sums(ledger).of("2100 A DEU PL EUR") == "EUR 0.00 / USD 0.00");
    CHECK(Sums(ledger).of("1200 A DEU PL EUR") == "EUR 50.00 / USD 55.56");
  }
  check_verified(ledger);
}

TEST_CASE("Cash went below zero by a partner report's PSC and a reversed transfer") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2024-01-10","fund":"A","currency":"USD","amount":"100.00","donor":"DEU"})");
  SECTION("the PSC of a partner report") {
    recorded(ledger, R"({"type":"transfer","id":"TR-1","date":"2024-01-11","from_fund":"A","to_fund":"B","currency":"USD","amount":"100.00"})");
    recorded(ledger, R"({"type":"advance","id":"AD","fund":"B","date":"2024-01-12","currency":"USD","amount":"100.00","partner":"NGO-1"})");
    // 13% of 100.00 is 13.00, and B has nothing left.
    const std::string report = R"({"type":"partner_report","id":"PR-1","advance":"AD","date":"2024-01-20","amount":"100.00")";
    check_refused(ledger, report + "}", ErrorCode::bad_input,
                  "partner_report PR-1 of 13.00 USD (its PSC) is more than the cash of fund B (0.00 USD); record it "
                  "with allow_overdraft (--allow-overdraft) to spend beyond it");
    recorded(ledger, report + R"(,"allow_overdraft":true})");
    CHECK(Sums(ledger).of("1100 B USD") == "USD -13.00 / USD -13.00");
  }
  SECTION("a transfer reversed after the fund it went to spent it") {
    recorded(ledger, R"({"type":"transfer","id":"TR-1","date":"2024-01-11","from_fund":"A","to_fund":"B","currency":"USD","amount":"100.00"})");
    // 88.00 and its PSC of 11.44 leave B 0.56.
    recorded(ledger, R"({"type":"expense","id":"EX-1","fund":"B","date":"2024-01-12","currency":"USD","amount":"88.00","category":"programme"})");
    check_refused(ledger, R"({"type":"reversal","id":"REV-1","reverses":"TR-1","date":"2024-01-13"})", ErrorCode::bad_input,
                  "reversal REV-1 of 100.00 USD is more than the cash of fund B (0.56 USD); record it with "
                  "allow_overdraft (--allow-overdraft) to spend beyond it");
  }
  SECTION("an advance's overdraft names no PSC, which advances do not carry") {
    check_refused(ledger, R"({"type":"advance","id":"AD","fund":"A","date":"2024-01-12","currency":"USD","amount":"100.01","partner":"NGO-1"})",
                  ErrorCode::bad_input,
                  "advance AD of 100.01 USD is more than the cash of fund A (100.00 USD); record it with allow_overdraft "
                  "(--allow-overdraft) to spend beyond it");
  }
  SECTION("a currency the fund does not hold") {
    recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
    check_refused(ledger, R"({"type":"expense","id":"EX-1","fund":"A","date":"2024-01-12","currency":"EUR","amount":"10.00","category":"programme"})",
                  ErrorCode::bad_input,
                  "expense EX-1 of 11.30 EUR (with PSC) is more than the EUR cash of fund A (0.00 EUR; it holds USD "
                  "100.00, which a generic entry through 1900 can convert); record it with allow_overdraft "
                  "(--allow-overdraft) to spend beyond it");
  }
  SECTION("cash spent by an event dated later but recorded first") {
    recorded(ledger, R"({"type":"expense","id":"EX-2","fund":"A","date":"2024-02-20","currency":"USD","amount":"80.00","category":"programme","psc_rate":"0"})");
    check_refused(ledger, R"({"type":"expense","id":"EX-1","fund":"A","date":"2024-01-12","currency":"USD","amount":"50.00","category":"programme","psc_rate":"0"})",
                  ErrorCode::bad_input,
                  "expense EX-1 of 50.00 USD is more than the cash of fund A (20.00 USD with what is recorded after "
                  "2024-01-12); record it with allow_overdraft (--allow-overdraft) to spend beyond it");
  }
  check_verified(ledger);
}

TEST_CASE("Totals across funds wrapped around: an event that would take the ledger's totals beyond range is refused") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  // 92233720368547758.07 USD is the largest amount a balance holds exactly (2^63 - 1 cents).
  const std::string largest = "92233720368547758.07";
  recorded(ledger, R"({"type":"pledge","id":"PA","donor":"DEU","fund":"A","purpose":"general","currency":"USD","amount":")" +
                       largest + R"(","signed":"2024-01-10"})");
  check_refused(ledger,
                R"({"type":"pledge","id":"PB","donor":"DEU","fund":"B","purpose":"general","currency":"USD","amount":")" +
                    largest + R"(","signed":"2024-01-10"})",
                ErrorCode::bad_input,
                R"(field "amount": the ledger's total of USD debits or credits, across every account and fund, would )"
                R"(exceed what reports can add up exactly (9223372036854775807 minor units): the amounts are beyond )"
                R"(what the ledger holds)");
  // What is recorded adds up exactly everywhere.
  fundledger::ReportScope scope;
  scope.period = fundledger::Period::parse("2024");
  const fundledger::Report trial = fundledger::build_report(ledger, "trial-balance", scope);
  CHECK(render_csv(trial).find(",92233720368547758.07,") != std::string::npos);
  fundledger::BalanceQuery query;
  query.group_by = {fundledger::BalanceKey::account};
  const std::vector<fundledger::BalanceRow> rows = ledger.balances(query);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].debit.to_string() == largest);
  CHECK(rows[1].credit.to_string() == largest);
  check_verified(ledger);
}

TEST_CASE("Amendments and budgets far in the future and blank names were accepted") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  const std::string recorded_on = today().to_string();
  check_refused(ledger, R"({"type":"amend","id":"AM-1","kind":"donor","code":"DEU","effective":"2099-05-01","name":"Deutschland"})",
                ErrorCode::bad_input,
                R"(field "effective": 2099-05-01 is more than 400 days after )" + recorded_on +
                    R"(, the day it is recorded: a mistyped year? (the limit is the setting max_future_days))");
  check_refused(ledger, R"({"type":"budget","id":"BU-1","fund":"A","year":"2099","amount":"1000.00"})", ErrorCode::bad_input,
                R"(field "year": year 2099 begins on 2099-01-01 is more than 400 days after )" + recorded_on +
                    R"(, the day it is recorded: a mistyped year? (the limit is the setting max_future_days))");
  check_refused(ledger, R"({"type":"amend","id":"AM-2","kind":"donor","code":"DEU","effective":"2024-05-01","name":"  "})",
                ErrorCode::bad_input, R"(field "name": amend AM-2 needs a name that is not blank)");
  check_refused(ledger, R"({"type":"donor","code":"FRA","name":" ","category":"government","country":"FR"})",
                ErrorCode::bad_input, R"(field "name": donor FRA needs a name that is not blank)");
  check_refused(ledger, R"({"type":"fund","code":"C","name":"\t ","kind":"general"})", ErrorCode::bad_input,
                R"(field "name": fund C needs a name that is not blank)");
  // A name that changes a month from now is not the name today.
  const std::string next_month = today().add_days(30).to_string();
  recorded(ledger, R"({"type":"amend","id":"AM-3","kind":"donor","code":"DEU","effective":")" + next_month +
                       R"(","name":"Deutschland"})");
  CHECK(fundledger::list_donors(ledger).at(0).name == "Germany");
  CHECK(fundledger::list_donors(ledger, Date::parse(next_month)).at(0).name == "Deutschland");
  check_verified(ledger);
}

TEST_CASE("A refund paid at once lost its realized exchange under floor rounding") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"setting","key":"rounding","value":"floor","effective":"2024-01-01"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9000"})");
  // 10.00 / 0.9 = 11.111...: floor gives 11.11 for a debit and -11.12 for a credit.
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2024-01-10","fund":"A","currency":"EUR","amount":"10.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"receipt","id":"R2","date":"2024-01-10","fund":"A","currency":"EUR","amount":"10.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"receipt","id":"R3","date":"2024-01-10","fund":"A","currency":"EUR","amount":"10.00","donor":"DEU"})");
  SECTION("of revenue: 2300 relieved at its 11.12 and the cash at its 11.11, both a cent from the day's value") {
    const std::int64_t at_once = recorded(
        ledger, R"({"type":"refund","id":"RF-1","donor":"DEU","fund":"A","date":"2024-01-20","currency":"EUR","amount":"10.00","paid":true})");
    CHECK(postings_of(ledger, at_once) == sorted({
                                              "4900|A|DEU|||EUR|10.00|11.11",
                                              "2300|A|DEU|||EUR|-10.00|-11.12",
                                              "2300|A|DEU|||EUR|10.00|11.12",
                                              "1100|A|DEU|||EUR|-10.00|-11.11",
                                              "4700|A||||EUR|0.00|-0.02",
                                              "5900|A||||EUR|0.00|0.02|residual",
                                          }));
    // The same in two steps: 4700 -0.01 - 0.01 and 5900 0.01 + 0.01.
    const std::int64_t owed = recorded(
        ledger, R"({"type":"refund","id":"RF-2","donor":"DEU","fund":"A","date":"2024-01-20","currency":"EUR","amount":"10.00"})");
    const std::int64_t paid = recorded(
        ledger, R"({"type":"refund","id":"RF-3","donor":"DEU","fund":"A","date":"2024-01-20","currency":"EUR","amount":"10.00","pays":"RF-2"})");
    CHECK(postings_of(ledger, owed) == sorted({"4900|A|DEU|||EUR|10.00|11.11", "2300|A|DEU|||EUR|-10.00|-11.12",
                                               "5900|A||||EUR|0.00|0.01|residual"}));
    CHECK(postings_of(ledger, paid) == sorted({"2300|A|DEU|||EUR|10.00|11.12", "1100|A|DEU|||EUR|-10.00|-11.11",
                                               "4700|A||||EUR|0.00|-0.02", "5900|A||||EUR|0.00|0.01|residual"}));
  }
  SECTION("of money held: 2100 relieved at its 11.12 as well") {
    const std::int64_t at_once = recorded(
        ledger, R"({"type":"refund","id":"RF-1","donor":"DEU","fund":"A","date":"2024-01-20","currency":"EUR","amount":"10.00","receipt":"R1","paid":true})");
    CHECK(postings_of(ledger, at_once) == sorted({
                                              "2100|A|DEU|||EUR|10.00|11.12",
                                              "2300|A|DEU|||EUR|-10.00|-11.12",
                                              "2300|A|DEU|||EUR|10.00|11.12",
                                              "1100|A|DEU|||EUR|-10.00|-11.11",
                                              "4700|A||||EUR|0.00|-0.03",
                                              "5900|A||||EUR|0.00|0.02|residual",
                                          }));
  }
  check_verified(ledger);
}

TEST_CASE("year_end usd was ignored by a ledger with no USD posting: the year closes in USD all the same") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-12-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"900.00","signed":"2024-12-10"})");
  close(ledger, "2024-12");
  CHECK(postings_of(ledger, last_seq(ledger)) == sorted({
                                                    "4100|A|DEU||PL|EUR|900.00|1000.00",
                                                    "1900|A||||EUR|-900.00|-1000.00",
                                                    "1900|A||||USD|1000.00|1000.00",
                                                    "3100|A||||USD|-1000.00|-1000.00",
                                                }));
  check_verified(ledger);
}

TEST_CASE("A ledger made before rules version 2 records as it always did until rules_version 2 takes effect") {
  TemporaryDirectory directory;
  // The standard events of a ledger made before rules_version existed.
  Ledger ledger = Ledger::create(directory.file("fund.db"));
  for (const fundledger::Event& event : fundledger::detail::standard_events(false)) {
    const auto* setting = std::get_if<fundledger::SettingEvent>(&event);
    if (!setting || setting->key != "rules_version") ledger.record(event);
  }
  recorded(ledger, R"({"type":"fund","code":"A","name":"Fund A","kind":"general"})");
  recorded(ledger, R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-12-31","per_usd":"0.8"})");
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2023-12-10","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"receipt","id":"R2","date":"2023-12-10","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})");
  close(ledger, "2023-12");
  // Version 1: the reversal negates R1's postings at their original USD, leaving the year-end's
  // 125.00 on each side.
  const std::int64_t first = recorded(ledger, R"({"type":"reversal","id":"REV-1","reverses":"R1","date":"2024-01-10"})");
  CHECK(postings_of(ledger, first) == sorted({"2100|A|DEU|||EUR|900.00|1000.00", "1100|A|DEU|||EUR|-900.00|-1000.00"}));
  // Version 2 from February: R2's reversal takes what each side carries.
  recorded(ledger, R"({"type":"setting","key":"rules_version","value":"2","effective":"2024-02-01"})");
  const std::int64_t second = recorded(ledger, R"({"type":"reversal","id":"REV-2","reverses":"R2","date":"2024-02-10"})");
  CHECK(postings_of(ledger, second) ==
        sorted({"2100|A|DEU|||EUR|900.00|1125.00", "1100|A|DEU|||EUR|-900.00|-1250.00", "4700|A||||EUR|0.00|125.00"}));
  // The cash, relieved at the 1250.00 both receipts left it, holds nothing in USD either.
  CHECK(Sums(ledger).of("1100 A EUR") == "EUR 0.00 / USD 0.00");
  check_verified(ledger);
}

// ---- Rules version 3: what the simulator (tests/sim) found, each shrunk to a few events ----

namespace {

// Export, replay into a new ledger, export again: the same bytes.
void check_replays(const Ledger& ledger, TemporaryDirectory& directory) {
  std::ostringstream first;
  fundledger::export_journal(ledger, first);
  std::istringstream input(first.str());
  const fundledger::ReplayReport report = fundledger::replay(input, "journal.jsonl", directory.file("replayed.db"));
  INFO("replay: seq " << report.first_bad_seq << ": " << report.problem);
  REQUIRE(report.ok);
  std::ostringstream second;
  fundledger::export_journal(Ledger::open(directory.file("replayed.db"), fundledger::OpenMode::read_only), second);
  CHECK(second.str() == first.str());
}

// A treasury conversion in fund A: EUR 450.00 sold for USD 562.50 (the rate 0.8), through 1900.
std::string conversion(const std::string& id, const std::string& day) {
  return R"({"type":"entry","id":")" + id + R"(","date":")" + day + R"(","postings":[)"
         R"({"account":"1100","fund":"A","currency":"EUR","amount":"-450.00"},)"
         R"({"account":"1900","fund":"A","currency":"EUR","amount":"450.00"},)"
         R"({"account":"1900","fund":"A","currency":"USD","amount":"-562.50"},)"
         R"({"account":"1100","fund":"A","currency":"USD","amount":"562.50"}]})";
}

}  // namespace

TEST_CASE("A December close left the exchange realized on money paid ahead out of the year-end") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2022-10-01"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-11-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"2000.00","signed":"2022-11-03","installments":[{"due":"2022-12-20","amount":"1000.00"},{"due":"2023-06-01","amount":"1000.00"}]})");
  // Paid ahead of the first instalment: held for the pledge at 900.00 / 0.9 = 1000.00.
  recorded(ledger, R"({"type":"receipt","id":"R","date":"2022-11-04","fund":"A","currency":"EUR","amount":"900.00","pledge":"PL"})");
  close(ledger, "2022-11");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-12-01","per_usd":"0.8"})");
  close(ledger, "2022-12");
  // December's close recognizes the first instalment at 0.8 (1250.00) and applies the 900.00 held
  // to it: 1200 gives up 1250.00 x 900 / 1000 = 1125.00 against the 1000.00 the money carried, a
  // loss of 125.00 in 4700 dated 2022-12-20 (the cash's revaluation gains it back in 4710), which
  // the year-end closes with the revenue: 3100 takes 1250.00 - 125.00 + 125.00.
  const std::int64_t closing = last_seq(ledger);
  CHECK(postings_of(ledger, closing) ==
        sorted({"1200|A|DEU||PL|EUR|1000.00|1250.00", "4100|A|DEU||PL|EUR|-1000.00|-1250.00",
                "2100|A|DEU||PL|EUR|900.00|1000.00", "1200|A|DEU||PL|EUR|-900.00|-1125.00",
                "4700|A||||EUR|0.00|125.00", "1100|A||||EUR|0.00|125.00", "4710|A||||EUR|0.00|-125.00",
                "4100|A|DEU||PL|EUR|1000.00|1250.00", "4700|A||||EUR|0.00|-125.00", "4710|A||||EUR|0.00|125.00",
                "1900|A||||EUR|-1000.00|-1250.00", "1900|A||||USD|1250.00|1250.00",
                "3100|A||||USD|-1250.00|-1250.00"}));
  const Sums in_2022(ledger);
  CHECK(in_2022.of("4700 A EUR") == "EUR 0.00 / USD 0.00");
  CHECK(in_2022.of("4100 A EUR") == "EUR 0.00 / USD 0.00");
  CHECK(in_2022.of("3100 A USD") == "USD -1250.00 / USD -1250.00");
  CHECK(in_2022.of("1200 A DEU PL EUR") == "EUR 100.00 / USD 125.00");
  CHECK(in_2022.of("2100 A DEU PL EUR") == "EUR 0.00 / USD 0.00");
  check_verified(ledger);
  check_replays(ledger, directory);
}

TEST_CASE("An allowance revalued under floor rounding carried a cent more than its receivable") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"setting","key":"rounding","value":"floor","effective":"2023-01-01"})");
  recorded(ledger, R"({"type":"rate","currency":"GBP","effective":"2023-12-01","per_usd":"0.8271"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"GBP","amount":"11515.82","signed":"2023-12-05"})");
  recorded(ledger, R"({"type":"allowance","id":"AL","pledge":"PL","date":"2023-12-10","amount":"11515.82"})");
  recorded(ledger, R"({"type":"rate","currency":"GBP","effective":"2023-12-20","per_usd":"0.8360"})");
  // Pledged at 11515.82 / 0.8271 = 13923.128... -> 13923.12, all of it allowed for. The December
  // close (whose revaluation stays) restates at 11515.82 / 0.8360 = 13774.904...: the receivable
  // floors to 13774.90; the allowance, its contra, to -13774.90 (a credit rounded by its own sign
  // would be -13774.91, a cent more than the receivable it offsets).
  close(ledger, "2023-12");
  const Sums sums(ledger);
  CHECK(sums.of("1200 A DEU PL GBP") == "GBP 11515.82 / USD 13774.90");
  CHECK(sums.of("1290 A DEU PL GBP") == "GBP -11515.82 / USD -13774.90");
  check_verified(ledger);
}

TEST_CASE("A treasury conversion that emptied a fund's euros left the fund carrying dollars for them") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"receipt","id":"R","date":"2024-01-05","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-02-01","per_usd":"0.8"})");
  // Half the euros sold at 0.8: they leave at half of the 1000.00 they carry, 500.00, and are
  // worth 562.50 today: 62.50 realized (4700, a gain). Then the rest: all that remains, 500.00.
  const std::string half = conversion("FX-1", "2024-02-05");
  const std::int64_t first = recorded(ledger, half);
  CHECK(postings_of(ledger, first) == sorted({"1100|A||||EUR|-450.00|-500.00", "1900|A||||EUR|450.00|562.50",
                                              "1900|A||||USD|-562.50|-562.50", "1100|A||||USD|562.50|562.50",
                                              "4700|A||||EUR|0.00|-62.50"}));
  // The same entry again is the same entry: a no-op, its 4700 not taken for a posting given.
  CHECK_FALSE(record(ledger, half).recorded);
  recorded(ledger, conversion("FX-2", "2024-02-06"));
  const Sums sums(ledger);
  CHECK(sums.of("1100 A EUR") == "EUR 0.00 / USD 0.00");
  CHECK(sums.of("1100 A USD") == "USD 1125.00 / USD 1125.00");
  CHECK(sums.of("4700 A EUR") == "EUR 0.00 / USD -125.00");
  check_verified(ledger);
  check_replays(ledger, directory);
}

TEST_CASE("Reversing a receipt that recognized an instalment took the recognition back from a settled pledge") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2024-01-01"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"3000.00","signed":"2024-01-05","installments":[{"due":"2024-01-10","amount":"1000.00"},{"due":"2024-06-01","amount":"2000.00"}]})");
  // R1 recognizes the first instalment (1111.11) and settles 600.00 of it (666.67); R2 settles
  // the other 400.00 (444.44) and holds 600.00 ahead of the second instalment.
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2024-01-12","fund":"A","currency":"EUR","amount":"600.00","pledge":"PL"})");
  recorded(ledger, R"({"type":"receipt","id":"R2","date":"2024-01-15","fund":"A","currency":"EUR","amount":"1000.00","pledge":"PL"})");
  // R1 bounced: the instalment stays recognized, 600.00 of it outstanding again.
  const std::int64_t reversal =
      recorded(ledger, R"({"type":"reversal","id":"REV","reverses":"R1","date":"2024-01-20"})");
  CHECK(postings_of(ledger, reversal) ==
        sorted({"1100|A|DEU|||EUR|-600.00|-666.67", "1200|A|DEU||PL|EUR|600.00|666.67"}));
  const Sums sums(ledger);
  CHECK(sums.of("1200 A DEU PL EUR") == "EUR 600.00 / USD 666.67");
  CHECK(sums.of("4100 A DEU PL EUR") == "EUR -1000.00 / USD -1111.11");
  CHECK(sums.of("2100 A DEU PL EUR") == "EUR -600.00 / USD -666.67");
  check_verified(ledger);
}

TEST_CASE("A ledger on rules version 2 keeps converting treasury cash at the day's rate") {
  TemporaryDirectory directory;
  // What init recorded before version 3: the same events with rules_version 2.
  Ledger older = Ledger::create(directory.file("older.db"));
  for (const fundledger::Event& event : fundledger::detail::standard_events(false)) {
    const auto* setting = std::get_if<fundledger::SettingEvent>(&event);
    older.record(setting && setting->key == "rules_version"
                     ? fundledger::parse_event(R"({"type":"setting","key":"rules_version","value":"2"})")
                     : event);
  }
  recorded(older, R"({"type":"fund","code":"A","name":"Fund A","kind":"general"})");
  recorded(older, R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})");
  recorded(older, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  recorded(older, R"({"type":"receipt","id":"R","date":"2024-01-05","fund":"A","currency":"EUR","amount":"900.00","donor":"DEU"})");
  recorded(older, R"({"type":"rate","currency":"EUR","effective":"2024-02-01","per_usd":"0.8"})");
  const std::int64_t seq = recorded(older, conversion("FX-1", "2024-02-05"));
  CHECK(postings_of(older, seq) == sorted({"1100|A||||EUR|-450.00|-562.50", "1900|A||||EUR|450.00|562.50",
                                           "1900|A||||USD|-562.50|-562.50", "1100|A||||USD|562.50|562.50"}));
  // Version 3 from March: the rest of the euros leave at what they carry (1000.00 - 562.50).
  recorded(older, R"({"type":"setting","key":"rules_version","value":"3","effective":"2024-03-01"})");
  const std::int64_t later = recorded(older, conversion("FX-2", "2024-03-05"));
  CHECK(postings_of(older, later) == sorted({"1100|A||||EUR|-450.00|-437.50", "1900|A||||EUR|450.00|562.50",
                                             "1900|A||||USD|-562.50|-562.50", "1100|A||||USD|562.50|562.50",
                                             "4700|A||||EUR|0.00|-125.00"}));
  // Rules only move forward: back to 2 after 3 is refused.
  const fundledger::Error error = error_from([&] {
    record(older, R"({"type":"setting","key":"rules_version","value":"2","effective":"2024-04-01"})");
  });
  CHECK(error.code() == ErrorCode::bad_input);
  CHECK_THAT(error.what(), Catch::Matchers::Contains("no lower than version 3"));
  check_verified(older);
}

TEST_CASE("Reversing a write-off put the allowance back a cent above its receivable") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-03-01","per_usd":"0.8509"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"6277.56","signed":"2022-03-03","installments":[{"due":"2022-04-26","amount":"2200.48"},{"due":"2022-08-10","amount":"178.69"},{"due":"2022-12-06","amount":"3898.39"}]})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-04-01","per_usd":"0.8968"})");
  recorded(ledger, R"({"type":"rate","currency":"JPY","effective":"2022-04-01","per_usd":"142.691"})");
  recorded(ledger, R"({"type":"receipt","id":"R","date":"2022-04-03","fund":"A","currency":"JPY","amount":"300376","pledge":"PL"})");
  recorded(ledger, R"({"type":"allowance","id":"AL","pledge":"PL","date":"2022-04-08","amount":"2649.31"})");
  recorded(ledger, R"({"type":"write_off","id":"WO","pledge":"PL","date":"2022-05-02","amount":"1188.49"})");
  recorded(ledger, R"({"type":"reduction","id":"RED","pledge":"PL","date":"2022-06-10","amount":"2327.38"})");
  // The write-off's negation gives back 1396.75 of allowance and 1396.74 of receivable (their
  // carrying USD then), their cent to 5400; the allowance is then a cent above the receivable, and
  // that cent is released.
  const std::int64_t reversal = recorded(ledger, R"({"type":"reversal","id":"REV","reverses":"WO","date":"2024-04-08"})");
  CHECK(postings_of(ledger, reversal) ==
        sorted({"1290|A|DEU||PL|EUR|-1188.49|-1396.75", "1200|A|DEU||PL|EUR|1188.49|1396.74",
                "5400|A||||EUR|0.00|0.01", "1290|A|DEU||PL|EUR|0.00|0.01", "5400|A|DEU||PL|EUR|0.00|-0.01"}));
  const Sums sums(ledger);
  CHECK(sums.of("1200 A DEU PL EUR") == "EUR 2062.34 / USD 2423.71");
  CHECK(sums.of("1290 A DEU PL EUR") == "EUR -2062.34 / USD -2423.71");
  check_verified(ledger);
}

TEST_CASE("An apply whose own recognition had applied its money paid ahead took it a second time (seed 3089)") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2024-01-01"})");
  recorded(ledger, R"({"type":"pledge","id":"PL","donor":"DEU","fund":"A","purpose":"general","currency":"USD","amount":"1000.00","signed":"2024-01-05","installments":[{"due":"2024-01-05","amount":"200.00"},{"due":"2024-06-01","amount":"800.00"}]})");
  // R1 settles the first instalment and holds 300.00 ahead of the second; R2 holds 0.01 more.
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2024-01-15","fund":"A","currency":"USD","amount":"500.00","pledge":"PL"})");
  recorded(ledger, R"({"type":"receipt","id":"R2","date":"2024-02-01","fund":"A","currency":"USD","amount":"0.01","pledge":"PL"})");
  // Applying R2 in June recognizes the second instalment first, which applies all the money paid
  // ahead, R2's cent included: nothing is left for the apply to take (it left 2100 a debit).
  check_refused(ledger, R"({"type":"apply","id":"APP","date":"2024-06-10","receipt":"R2","pledge":"PL","amount":"0.01"})",
                ErrorCode::bad_input,
                "field \"receipt\": receipt R2 holds nothing more to apply: the instalments of PL falling due by "
                "2024-06-10 took what it held for the pledge");
  // A later receipt recognizes it and applies both, as the apply would have, then settles 100.00.
  recorded(ledger, R"({"type":"receipt","id":"R3","date":"2024-06-12","fund":"A","currency":"USD","amount":"100.00","pledge":"PL"})");
  const Sums sums(ledger);
  CHECK(sums.of("2100 A DEU PL USD") == "USD 0.00 / USD 0.00");
  CHECK(sums.of("1200 A DEU PL USD") == "USD 399.99 / USD 399.99");
  check_verified(ledger);
}

TEST_CASE("Donor revenue counts a reduction of an earlier year's pledge as the pledge's type, from the pledges it names") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"pledge","id":"PG","donor":"DEU","fund":"A","purpose":"general","currency":"USD","amount":"1000.00","signed":"2023-06-01"})");
  recorded(ledger, R"({"type":"pledge","id":"PS","donor":"DEU","fund":"B","purpose":"special","currency":"USD","amount":"500.00","signed":"2023-06-01"})");
  recorded(ledger, R"({"type":"pledge","id":"PS2","donor":"DEU","fund":"B","purpose":"special","currency":"USD","amount":"70.00","signed":"2024-02-01"})");
  // 2024 reduces both pledges of 2023 (4900) and nothing of the one signed in the year.
  recorded(ledger, R"({"type":"reduction","id":"RED-G","pledge":"PG","date":"2024-03-01","amount":"100.00"})");
  recorded(ledger, R"({"type":"reduction","id":"RED-S","pledge":"PS","date":"2024-03-01","amount":"40.00"})");
  fundledger::ReportScope scope;
  scope.period = fundledger::Period::parse("2024");
  const fundledger::Report report = fundledger::build_report(ledger, "donor-revenue", scope);
  std::vector<std::string> rows;
  for (const fundledger::ReportRow& row : report.rows) {
    std::string text = row.key;
    for (const fundledger::ReportCell& cell : row.cells) {
      text += "|";
      if (const auto* word = std::get_if<std::string>(&cell)) text += *word;
      if (const auto* amount = std::get_if<fundledger::Decimal>(&cell)) text += amount->to_string();
    }
    rows.push_back(text);
  }
  // Special: 70.00 signed less the 40.00 taken back from PS; general: the 100.00 taken back from PG.
  CHECK(rows == std::vector<std::string>{"donor:DEU:general|DEU|Germany|government|DE|general|-100.00",
                                         "donor:DEU:special|DEU|Germany|government|DE|special|30.00",
                                         "total:general|Total general-purpose||||general|-100.00",
                                         "total:special|Total special-purpose||||special|30.00",
                                         "total|Total|||||-70.00"});
  check_verified(ledger);
}

TEST_CASE("Cash paid into an overdrawn fund came in at the day's rate and left USD on an empty pool (seeds 6036, 6134)") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-02-01","per_usd":"0.8"})");
  // A owes EUR 100.00, spent at 0.9: USD -111.11.
  recorded(ledger, R"({"type":"expense","id":"E1","fund":"A","date":"2024-01-10","currency":"EUR","amount":"100.00","category":"programme","psc_rate":"0","allow_overdraft":true})");
  recorded(ledger, R"({"type":"receipt","id":"G1","date":"2024-02-01","fund":"B","currency":"EUR","amount":"40.00","donor":"DEU"})");
  SECTION("a transfer fills 40 of the 100 at 44.44 of the 111.11, an entry the rest at 66.67: nothing is left") {
    const std::int64_t transfer = recorded(ledger, R"({"type":"transfer","id":"T1","date":"2024-02-12","from_fund":"B","to_fund":"A","currency":"EUR","amount":"40.00"})");
    CHECK(postings_of(ledger, transfer) ==
          sorted({"3200|B||||EUR|40.00|50.00", "1100|B||||EUR|-40.00|-50.00", "1100|A||||EUR|40.00|44.44",
                  "3200|A||||EUR|-40.00|-50.00", "4700|A||||EUR|0.00|5.56"}));
    const std::int64_t entry = recorded(ledger, R"({"type":"entry","id":"X1","date":"2024-02-15","postings":[{"account":"1100","fund":"A","currency":"EUR","amount":"60.00"},{"account":"1900","fund":"A","currency":"EUR","amount":"-60.00"},{"account":"1900","fund":"A","currency":"USD","amount":"75.00"},{"account":"1100","fund":"A","currency":"USD","amount":"-75.00"}]})");
    CHECK(postings_of(ledger, entry) ==
          sorted({"1100|A||||EUR|60.00|66.67", "1900|A||||EUR|-60.00|-75.00", "1900|A||||USD|75.00|75.00",
                  "1100|A||||USD|-75.00|-75.00", "4700|A||||EUR|0.00|8.33"}));
    CHECK(Sums(ledger).of("1100 A EUR") == "EUR 0.00 / USD 0.00");
  }
  SECTION("a receipt fills it at 111.11 and the 50.00 beyond at the day's 62.50; the donor's money is held at 187.50") {
    const std::int64_t receipt = recorded(ledger, R"({"type":"receipt","id":"R1","date":"2024-02-10","fund":"A","currency":"EUR","amount":"150.00","donor":"DEU"})");
    CHECK(postings_of(ledger, receipt) == sorted({"1100|A|DEU|||EUR|150.00|173.61", "2100|A|DEU|||EUR|-150.00|-187.50",
                                                  "4700|A||||EUR|0.00|13.89"}));
    CHECK(Sums(ledger).of("1100 A EUR") == "EUR 50.00 / USD 62.50");
  }
  SECTION("the PSC an expense charges fills the PSC fund's overdraft the same way") {
    recorded(ledger, R"({"type":"expense","id":"E2","fund":"PSC","date":"2024-01-11","currency":"EUR","amount":"9.00","category":"programme","allow_overdraft":true})");
    CHECK(Sums(ledger).of("1100 PSC EUR") == "EUR -9.00 / USD -10.00");
    recorded(ledger, R"({"type":"expense","id":"E3","fund":"B","date":"2024-02-11","currency":"EUR","amount":"20.00","category":"programme","psc_rate":"0.45"})");
    CHECK(Sums(ledger).of("1100 PSC EUR") == "EUR 0.00 / USD 0.00");
  }
  check_verified(ledger);
}

TEST_CASE("A ceiling rounding left a cent on an empty pool of dinars that a receipt refilled (seed 6134)") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"));
  recorded(ledger, R"({"type":"setting","key":"rounding","value":"ceiling","effective":"2022-05-01"})");
  recorded(ledger, R"({"type":"rate","currency":"KWD","effective":"2022-06-01","per_usd":"0.278519"})");
  // Treasury sells a dinar's thousandth A does not have: KWD -0.001 worth USD -0.0036, ceiling 0.00.
  recorded(ledger, R"({"type":"entry","id":"FXC","date":"2022-06-06","postings":[{"account":"1100","fund":"A","currency":"KWD","amount":"-0.001"},{"account":"1900","fund":"A","currency":"KWD","amount":"0.001"},{"account":"1900","fund":"A","currency":"USD","amount":"-0.01"},{"account":"1100","fund":"A","currency":"USD","amount":"0.01"}]})");
  // The thousandth paid in is worth 0.0036, ceiling 0.01; it fills an overdraft carrying 0.00.
  const std::int64_t receipt = recorded(ledger, R"({"type":"receipt","id":"R","date":"2022-07-06","fund":"A","currency":"KWD","amount":"0.001","donor":"DEU"})");
  // The 2100 is worth -0.0036, ceiling 0.00: the day's values leave the cent to 5900, and 4700 takes
  // the cent the receipt was worth beyond what it filled.
  CHECK(postings_of(ledger, receipt) == sorted({"1100|A|DEU|||KWD|0.001|0.00", "2100|A|DEU|||KWD|-0.001|0.00",
                                                "4700|A||||KWD|0.000|0.01", "5900|A||||KWD|0.000|-0.01|residual"}));
  // (Sums reads amounts of two decimals: KWD 0.000 shows as 0.00.)
  CHECK(Sums(ledger).of("1100 A KWD") == "KWD 0.00 / USD 0.00");
  check_verified(ledger);
}

TEST_CASE("Reversing a receipt moved the cent its kept recognition had rounded into the receipt's currency (seeds 9409, 9486)") {
  TemporaryDirectory directory;
  // A ledger as init makes it (version 5), or one made under version 4.
  auto make = [&directory](const std::string& name, const std::string& version) {
    Ledger ledger = Ledger::create(directory.file(name));
    for (const fundledger::Event& event : fundledger::detail::standard_events(false)) {
      const auto* setting = std::get_if<fundledger::SettingEvent>(&event);
      ledger.record(setting && setting->key == "rules_version"
                        ? fundledger::parse_event(R"({"type":"setting","key":"rules_version","value":")" + version + "\"}")
                        : event);
    }
    recorded(ledger, R"({"type":"fund","code":"A","name":"Fund A","kind":"general"})");
    recorded(ledger, R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})");
    for (const char* setting : {R"({"type":"setting","key":"rounding","value":"ceiling","effective":"2024-01-01"})",
                                R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2024-01-01"})",
                                R"({"type":"setting","key":"year_end","value":"by-currency","effective":"2024-01-01"})",
                                R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"1.0055"})",
                                R"({"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":"0.7825"})"}) {
      recorded(ledger, setting);
    }
    recorded(ledger, R"({"type":"pledge","id":"P","donor":"DEU","fund":"A","purpose":"general","currency":"EUR","amount":"5481.67","signed":"2024-03-03","installments":[{"due":"2024-08-03","amount":"5481.67"}]})");
    // Paid in pounds the day after it fell due: the receipt recognizes the instalment first, EUR
    // 5481.67 at 1.0055, a debit of 5451.69 and a credit of 5451.68 under ceiling rounding: its
    // residual, a cent to 5900 on its day, is in euros.
    const std::int64_t receipt = recorded(ledger, R"({"type":"receipt","id":"R","date":"2024-08-04","fund":"A","currency":"GBP","amount":"2113.27","pledge":"P"})");
    CHECK(postings_of(ledger, receipt) ==
          sorted({"1100|A|DEU|||GBP|2113.27|2700.67", "1200|A|DEU||P|EUR|5481.67|5451.69", "4100|A|DEU||P|EUR|-5481.67|-5451.68",
                  "1900|A||||GBP|-2113.27|-2700.67", "1900|A||||EUR|2715.53|2700.67", "1200|A|DEU||P|EUR|-2715.53|-2700.68",
                  "4700|A||||GBP|0.00|0.01", "5900|A||||EUR|0.00|-0.01|residual"}));
    return ledger;
  };
  auto reverse_and_close_the_year = [](Ledger& ledger) {
    const std::int64_t reversal = recorded(ledger, R"({"type":"reversal","id":"V","reverses":"R","date":"2024-09-09","memo":"Recorded in error"})");
    for (const char* month : {"2024-08", "2024-09", "2024-10", "2024-11", "2024-12"}) {
      recorded(ledger, R"({"type":"period_close","period":")" + std::string(month) + R"(","allow_stale_rates":true})");
    }
    return reversal;
  };
  SECTION("version 5: the reversal keeps the recognition whole, its residual included, and 3100 takes it in euros") {
    Ledger ledger = make("five.db", "5");
    const std::int64_t reversal = reverse_and_close_the_year(ledger);
    CHECK(postings_of(ledger, reversal) ==
          sorted({"1100|A|DEU|||GBP|-2113.27|-2700.67", "1900|A||||GBP|2113.27|2700.67", "1900|A||||EUR|-2715.53|-2700.67",
                  "1200|A|DEU||P|EUR|2715.53|2700.68", "4700|A||||GBP|0.00|-0.01"}));
    CHECK(Sums(ledger).of("3100 A EUR") == "EUR -5481.67 / USD -5451.69");
    CHECK(Sums(ledger).of("3100 A GBP") == "GBP 0.00 / USD 0.00");
    check_verified(ledger);
  }
  SECTION("version 4: the reversal negated the residual and made its own in pounds; the ledger keeps it") {
    Ledger ledger = make("four.db", "4");
    const std::int64_t reversal = reverse_and_close_the_year(ledger);
    CHECK(postings_of(ledger, reversal) ==
          sorted({"1100|A|DEU|||GBP|-2113.27|-2700.67", "1900|A||||GBP|2113.27|2700.67", "1900|A||||EUR|-2715.53|-2700.67",
                  "1200|A|DEU||P|EUR|2715.53|2700.68", "4700|A||||GBP|0.00|-0.01", "5900|A||||EUR|0.00|0.01|residual",
                  "5900|A||||GBP|0.00|-0.01|residual"}));
    CHECK(Sums(ledger).of("3100 A EUR") == "EUR -5481.67 / USD -5451.68");
    CHECK(Sums(ledger).of("3100 A GBP") == "GBP 0.00 / USD -0.01");
    check_verified(ledger);
  }
}
