// The library's view of master data (master_data.hpp) and of pledges on a day (list_pledges with
// PledgeQuery::as_of, find_pledge's over-payment), as an embedding reporting service reads them.
#include "support/ledger_helpers.hpp"

#include <fundledger/contributions.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/master_data.hpp>
#include <fundledger/reports.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using fundledger::Date;
using fundledger::Decimal;
using fundledger::ErrorCode;
using fundledger::Ledger;
using namespace fundledger;
using namespace fundledger::test;

namespace {

Ledger ledger_with_donors(const std::string& path) {
  Ledger ledger = Ledger::init(path);
  recorded(ledger, R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})");
  recorded(ledger, R"({"type":"fund","code":"PSC","name":"Programme support costs","kind":"psc"})");
  recorded(ledger, R"({"type":"donor","code":"TUR","name":"Turkey","category":"government","country":"TR"})");
  recorded(ledger, R"({"type":"donor","code":"FRA","name":"France","category":"government","country":"FR"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-01-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-07-01","per_usd":"0.95"})");
  recorded(ledger, R"({"type":"rate","currency":"GBP","effective":"2022-01-01","per_usd":"0.8"})");
  return ledger;
}

std::vector<std::string> donor_lines(const std::vector<DonorInfo>& donors) {
  std::vector<std::string> lines;
  for (const DonorInfo& d : donors) lines.push_back(d.code + " " + d.name + " " + d.category + " " + d.country);
  return lines;
}

}  // namespace

TEST_CASE("Master data: donors with the names in force on a day, the amendment kept in the journal") {
  TemporaryDirectory directory;
  Ledger ledger = ledger_with_donors(directory.file("m.db"));
  recorded(ledger,
           R"({"type":"amend","id":"AMD-TUR","kind":"donor","code":"TUR","effective":"2022-06-01","name":"Türkiye"})");

  CHECK(donor_lines(list_donors(ledger)) ==
        std::vector<std::string>{"FRA France government FR", "TUR Türkiye government TR"});
  CHECK(donor_lines(list_donors(ledger, Date::parse("2022-05-31"))) ==
        std::vector<std::string>{"FRA France government FR", "TUR Turkey government TR"});
  CHECK(donor_lines(list_donors(ledger, Date::parse("2022-06-01"))) ==
        std::vector<std::string>{"FRA France government FR", "TUR Türkiye government TR"});

  // The same amendment again is a no-op; another body under its id is a conflict.
  CHECK_FALSE(record(ledger, R"({"type":"amend","id":"AMD-TUR","kind":"donor","code":"TUR","effective":"2022-06-01","name":"Türkiye"})")
                  .recorded);
  check_refused(ledger, R"({"type":"amend","id":"AMD-TUR","kind":"donor","code":"TUR","effective":"2022-06-01","name":"Turkiye"})",
                ErrorCode::conflict, "field \"id\": id \"AMD-TUR\" is already recorded (seq 40) with a different body");
  // An unknown donor, and a country that is no ISO 3166-1 alpha-2 code, are refused.
  check_refused(ledger, R"({"type":"amend","id":"AMD-X","kind":"donor","code":"XXX","effective":"2022-06-01","name":"X"})",
                ErrorCode::unknown_reference, "field \"code\": unknown donor \"XXX\"");
  check_refused(ledger, R"({"type":"amend","id":"AMD-Y","kind":"donor","code":"TUR","effective":"2022-06-01","country":"Turkey"})",
                ErrorCode::bad_input,
                "field \"country\": invalid value \"Turkey\": expected an ISO 3166-1 alpha-2 country code, like \"DE\" or \"CI\"");
  check_verified(ledger);
}

TEST_CASE("Master data: an amendment effective in a closed month is refused like an entry dated there") {
  TemporaryDirectory directory;
  Ledger ledger = ledger_with_donors(directory.file("m.db"));
  recorded(ledger, R"({"type":"pledge","id":"P1","donor":"FRA","fund":"CPCJF","purpose":"general","currency":"EUR","amount":"1000.00","signed":"2022-01-10"})");
  recorded(ledger, R"({"type":"period_close","period":"2022-01"})");
  check_refused(ledger, R"({"type":"amend","id":"AMD-F","kind":"fund","code":"CPCJF","effective":"2022-01-15","name":"CCPCJ Fund"})",
                ErrorCode::closed_period,
                "field \"effective\": amend AMD-F takes effect on 2022-01-15, in period 2022-01, which is closed "
                "(periods are closed up to 2022-01); make it effective in an open period, or reopen the period first");
  recorded(ledger, R"({"type":"amend","id":"AMD-F","kind":"fund","code":"CPCJF","effective":"2022-02-01","name":"CCPCJ Fund"})");
  const std::vector<FundInfo> funds = list_funds(ledger);
  REQUIRE(funds.size() == 2);
  CHECK(funds[0].code == "CPCJF");
  CHECK(funds[0].name == "CCPCJ Fund");
  CHECK(list_funds(ledger, Date::parse("2022-01-31"))[0].name == "Crime Prevention and Criminal Justice Fund");
}

TEST_CASE("Master data: the rates recorded, and the rate in force for each currency on a day") {
  TemporaryDirectory directory;
  Ledger ledger = ledger_with_donors(directory.file("m.db"));
  std::vector<std::string> all;
  for (const RateInfo& r : list_rates(ledger)) all.push_back(r.currency + " " + r.effective.to_string() + " " + r.per_usd.to_string());
  CHECK(all == std::vector<std::string>{"EUR 2022-01-01 0.9", "EUR 2022-07-01 0.95", "GBP 2022-01-01 0.8"});
  std::vector<std::string> in_force;
  for (const RateInfo& r : list_rates(ledger, "", Date::parse("2022-06-30"))) {
    in_force.push_back(r.currency + " " + r.effective.to_string() + " " + r.per_usd.to_string());
  }
  CHECK(in_force == std::vector<std::string>{"EUR 2022-01-01 0.9", "GBP 2022-01-01 0.8"});
  const std::vector<RateInfo> eur = list_rates(ledger, "EUR", Date::parse("2022-07-01"));
  REQUIRE(eur.size() == 1);
  CHECK(eur[0].per_usd == Decimal::parse("0.95"));
  CHECK(list_rates(ledger, "EUR", Date::parse("2021-12-31")).empty());

  // The chart and the settings as init made them.
  const std::vector<AccountInfo> accounts = list_accounts(ledger);
  REQUIRE_FALSE(accounts.empty());
  CHECK(accounts.front().code == "1100");
  bool psc_rate_found = false;
  for (const SettingInfo& s : list_settings(ledger)) {
    if (s.key == "psc_rate") {
      psc_rate_found = true;
      CHECK(s.value == "0.13");
    }
  }
  CHECK(psc_rate_found);
}

TEST_CASE("Pledges as of a day: signed by then, with the movements dated by then") {
  TemporaryDirectory directory;
  Ledger ledger = ledger_with_donors(directory.file("p.db"));
  recorded(ledger, R"({"type":"pledge","id":"P1","donor":"FRA","fund":"CPCJF","purpose":"general","currency":"EUR","amount":"300000.00","signed":"2022-02-01"})");
  recorded(ledger, R"({"type":"pledge","id":"P2","donor":"TUR","fund":"CPCJF","purpose":"general","currency":"EUR","amount":"50000.00","signed":"2022-05-01"})");
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2022-03-01","fund":"CPCJF","currency":"EUR","amount":"100000.00","pledge":"P1"})");
  // 310,000 received on a pledge of 300,000: EUR 10,000.00 is held for France as an advance.
  const RecordResult over = record(
      ledger, R"({"type":"receipt","id":"R2","date":"2022-08-01","fund":"CPCJF","currency":"EUR","amount":"210000.00","pledge":"P1"})");
  REQUIRE(over.notes.size() == 1);
  CHECK(over.notes[0] ==
        "EUR 10000.00 is more than pledge P1 had outstanding: it is held for donor FRA as an advance (2100), to apply "
        "to another pledge (apply --receipt) or to refund (refund --receipt)");
  recorded(ledger, R"({"type":"reversal","id":"REV-P2","reverses":"P2","date":"2022-09-01"})");

  PledgeQuery march;
  march.as_of = Date::parse("2022-03-31");
  const std::vector<PledgeStatus> in_march = list_pledges(ledger, march);
  REQUIRE(in_march.size() == 1);  // P2 was signed later
  CHECK(in_march[0].id == "P1");
  CHECK(in_march[0].status == "open");
  CHECK(in_march[0].received == Decimal::parse("100000.00"));
  CHECK(in_march[0].outstanding == Decimal::parse("200000.00"));
  CHECK(in_march[0].receivable == Decimal::parse("200000.00"));
  // 300,000 / 0.9 = 333,333.33 recognized, 100,000 relieved in proportion: 111,111.11.
  CHECK(in_march[0].carrying_usd == Decimal::parse("222222.22"));

  PledgeQuery june;
  june.as_of = Date::parse("2022-06-30");
  const std::vector<PledgeStatus> in_june = list_pledges(ledger, june);
  REQUIRE(in_june.size() == 2);
  CHECK(in_june[1].id == "P2");
  CHECK(in_june[1].status == "open");  // reversed only in September
  CHECK(in_june[1].outstanding == Decimal::parse("50000.00"));

  const std::vector<PledgeStatus> now = list_pledges(ledger, PledgeQuery{});
  REQUIRE(now.size() == 2);
  CHECK(now[0].status == "paid");
  CHECK(now[0].outstanding == Decimal::parse("0.00"));
  CHECK(now[1].status == "cancelled");

  const PledgeStatus p1 = find_pledge(ledger, "P1");
  CHECK(p1.held_as_advance == Decimal::parse("10000.00"));
  CHECK(p1.advance_remaining == Decimal::parse("10000.00"));
  // The advance refunded in part: what is still held falls, what was held stays.
  recorded(ledger, R"({"type":"refund","id":"RF1","donor":"FRA","fund":"CPCJF","date":"2022-10-01","currency":"EUR","amount":"4000.00","receipt":"R2","paid":true})");
  const PledgeStatus after_refund = find_pledge(ledger, "P1");
  CHECK(after_refund.held_as_advance == Decimal::parse("10000.00"));
  CHECK(after_refund.advance_remaining == Decimal::parse("6000.00"));
  check_verified(ledger);
}

TEST_CASE("Reports without a period cover the fiscal year to the end of the latest closed month") {
  TemporaryDirectory directory;
  Ledger ledger = ledger_with_donors(directory.file("r.db"));
  recorded(ledger, R"({"type":"pledge","id":"P1","donor":"FRA","fund":"CPCJF","purpose":"general","currency":"EUR","amount":"300000.00","signed":"2022-02-01"})");
  const Report open = build_report(ledger, "trial-balance", ReportScope{});
  CHECK(open.from.to_string() == "2022-01-01");
  CHECK(open.to.to_string() == "2022-02-01");
  CHECK(open.default_span == "the fiscal year to the latest posting, 2022-02-01 (no month is closed yet)");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-02-01","per_usd":"0.91"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2022-03-01","per_usd":"0.92"})");
  recorded(ledger, R"({"type":"period_close","period":"2022-02"})");
  recorded(ledger, R"({"type":"period_close","period":"2022-03"})");
  // The close of March posts its revaluation's reversal on 1 April: the default stays on March.
  const Report closed = build_report(ledger, "trial-balance", ReportScope{});
  CHECK(closed.to.to_string() == "2022-03-31");
  CHECK(closed.default_span == "the fiscal year to the end of the latest closed month, 2022-03");
  ReportScope given;
  given.as_of = Date::parse("2022-04-01");
  CHECK(build_report(ledger, "trial-balance", given).default_span.empty());
}
