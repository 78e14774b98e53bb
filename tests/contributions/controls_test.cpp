// The controls that keep the books whole (ledger/README.md, "Controls that keep the books whole"):
// each test is named after what the ledger once got wrong, and checks the figures it must give now.
//
//   - control accounts take postings only from the events that own them;
//   - every foreign-currency monetary balance is relieved at the USD it carries (a year-end
//     revaluation included), the difference from the day's value realized in 4700;
//   - a refund of money held draws on the receipt that holds it;
//   - closed means closed, for rates and settings too;
//   - no dates from the future beyond max_future_days;
//   - a month closes only with rates in force, unless the close says otherwise;
//   - amounts and balances stay within what the store holds, refused as bad input.
#include "support/ledger_helpers.hpp"

#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <catch2/catch.hpp>

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

using fundledger::BalanceKey;
using fundledger::Date;
using fundledger::ErrorCode;
using fundledger::Ledger;
using fundledger::OpenMode;
using namespace fundledger::test;

namespace {

const std::vector<BalanceKey> by_account_fund_currency{BalanceKey::account, BalanceKey::fund, BalanceKey::currency};
const std::vector<BalanceKey> by_account_and_fund{BalanceKey::account, BalanceKey::fund};

// A ledger with the standard chart, fund CPCJF and donor FRA.
Ledger small_ledger(const std::string& path) {
  Ledger ledger = Ledger::init(path);
  recorded(ledger, R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})");
  recorded(ledger, R"({"type":"donor","code":"FRA","name":"France","category":"government","country":"FR"})");
  return ledger;
}

// The day (UTC) the test runs: the day the ledger records its events on.
Date today() { return Date::from_day_number(static_cast<std::int32_t>(std::time(nullptr) / 86400)); }

}  // namespace

TEST_CASE("An advance could be applied twice: a generic entry may not post to a control account") {
  TemporaryDirectory directory;
  Ledger ledger = small_ledger(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  // France's advance of EUR 10,000.00: held in 2100 for it, 10000.00 / 0.9 = 11111.11 USD.
  recorded(ledger,
           R"({"type":"receipt","id":"BNK-1","date":"2024-02-01","fund":"CPCJF","currency":"EUR","amount":"10000.00","donor":"FRA"})");

  // Clearing the advance by hand, as the ledger once allowed, is refused; so is any generic entry
  // naming a control account, each with the event to use.
  check_refused(
      ledger,
      R"({"type":"entry","id":"JV-1","date":"2024-02-02","postings":[)"
      R"({"account":"2100","fund":"CPCJF","currency":"EUR","amount":"10000.00","donor":"FRA"},)"
      R"({"account":"1100","fund":"CPCJF","currency":"EUR","amount":"-10000.00","donor":"FRA"}]})",
      ErrorCode::bad_input,
      R"(field "postings[0].account": account 2100 (Contributions received in advance) is a control account, kept by )"
      R"(its own events: record a receipt from the donor, an apply, or a refund naming the receipt instead; a generic )"
      R"(entry cannot post to it)");
  const std::pair<const char*, const char*> others[] = {
      {"1200", "record a pledge, receipt, apply, reduction or write_off instead"},
      {"1290", "record an allowance or write_off instead"},
      {"1400", "record an advance or partner_report instead"},
      {"2150", "record a receipt without a donor, an apply, or a refund naming the receipt instead"},
      {"2200", "record a conditional pledge, condition_met or reduction instead"},
      {"2300", "record a refund instead"},
  };
  for (const auto& [code, what] : others) {
    const fundledger::Error error = error_from([&, code = code] {
      record(ledger, std::string(R"({"type":"entry","id":"JV-2","date":"2024-02-02","postings":[)") +
                         R"({"account":"4800","fund":"CPCJF","currency":"USD","amount":"1.00"},)" +
                         R"({"account":")" + code + R"(","fund":"CPCJF","currency":"USD","amount":"-1.00"}]})");
    });
    INFO(code);
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()).rfind("field \"postings[1].account\": account " + std::string(code), 0) == 0);
    CHECK(std::string(error.what()).find(what) != std::string::npos);
  }

  // The advance is applied once, to France's pledge: 2100 is then clear in EUR and in USD, and
  // nothing is left to apply a second time.
  recorded(ledger,
           R"({"type":"pledge","id":"PF-1","donor":"FRA","fund":"CPCJF","purpose":"general","currency":"EUR","amount":"10000.00","signed":"2024-02-10"})");
  recorded(ledger, R"({"type":"apply","id":"APP-1","date":"2024-02-15","receipt":"BNK-1","pledge":"PF-1"})");
  CHECK(balances(ledger, by_account_fund_currency, {"2100"}) ==
        std::vector<std::string>{"2100,CPCJF,EUR|EUR|10000.00|10000.00"});
  CHECK(balances(ledger, by_account_and_fund, {"2100"}) ==
        std::vector<std::string>{"2100,CPCJF|USD|11111.11|11111.11"});
  check_refused(ledger, R"({"type":"apply","id":"APP-2","date":"2024-02-16","receipt":"BNK-1","pledge":"PF-1"})",
                ErrorCode::bad_input, R"(field "receipt": receipt BNK-1 holds nothing more to apply)");
  check_verified(ledger);
}

TEST_CASE("Refunding an over-payment left the advance on the books: a refund naming its receipt returns the money held") {
  TemporaryDirectory directory;
  Ledger ledger = small_ledger(directory.file("fund.db"));
  recorded(ledger, R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-04-01","per_usd":"0.88"})");
  // EUR 300,000.00 pledged (333333.33 USD) and EUR 310,000.00 paid: 1100 at 310000 / 0.9 =
  // 344444.44, the receivable relieved at its 333333.33, and EUR 10,000.00 held in 2100 at
  // 10000 / 0.9 = 11111.11; nothing is left over (344444.44 - 333333.33 - 11111.11 = 0.00).
  recorded(ledger,
           R"({"type":"pledge","id":"PF-1","donor":"FRA","fund":"CPCJF","purpose":"general","currency":"EUR","amount":"300000.00","signed":"2024-02-01"})");
  recorded(ledger,
           R"({"type":"receipt","id":"BNK-1","date":"2024-03-01","fund":"CPCJF","currency":"EUR","amount":"310000.00","pledge":"PF-1"})");

  // The over-payment goes back on 2024-04-10 (EUR 0.88): 2100 gives up the 11111.11 it carries for
  // it, 2300 owes 10000 / 0.88 = 11363.64 and is paid at once, and the cash leaves at what it
  // carries, 344444.44 x 10000 / 310000 = 11111.11. Both sides were carried at 0.9: no exchange
  // difference, and no revenue is touched.
  check_refused(
      ledger,
      R"({"type":"refund","id":"RF-X","donor":"DEU","fund":"CPCJF","date":"2024-04-10","currency":"EUR","amount":"10000.00","receipt":"BNK-1","paid":true})",
      ErrorCode::bad_input,
      R"(field "receipt": receipt BNK-1 holds EUR in fund CPCJF for donor FRA, not EUR in fund CPCJF for donor DEU)");
  check_refused(
      ledger,
      R"({"type":"refund","id":"RF-0","donor":"FRA","fund":"CPCJF","date":"2024-02-28","currency":"EUR","amount":"10000.00","receipt":"BNK-1"})",
      ErrorCode::bad_input, R"(field "date": refund RF-0 is dated 2024-02-28, before BNK-1 was received (2024-03-01))");
  const std::int64_t refund = recorded(
      ledger,
      R"({"type":"refund","id":"RF-1","donor":"FRA","fund":"CPCJF","date":"2024-04-10","currency":"EUR","amount":"10000.00","receipt":"BNK-1","paid":true})");
  CHECK(postings_of(ledger, refund) == sorted({
                                           "2100|CPCJF|FRA|||EUR|10000.00|11111.11",
                                           "2300|CPCJF|FRA|||EUR|-10000.00|-11363.64",
                                           "2300|CPCJF|FRA|||EUR|10000.00|11363.64",
                                           "1100|CPCJF|FRA|||EUR|-10000.00|-11111.11",
                                       }));
  // Nothing is held any more, revenue is the pledge's alone, and 4900 was never touched.
  CHECK(balances(ledger, by_account_fund_currency, {"2100", "4100", "4900"}) ==
        std::vector<std::string>{"2100,CPCJF,EUR|EUR|10000.00|10000.00", "4100,CPCJF,EUR|EUR|0.00|300000.00"});
  CHECK(balances(ledger, by_account_and_fund, {"2100", "4100", "4900"}) ==
        std::vector<std::string>{"2100,CPCJF|USD|11111.11|11111.11", "4100,CPCJF|USD|0.00|333333.33"});
  check_refused(
      ledger,
      R"({"type":"refund","id":"RF-2","donor":"FRA","fund":"CPCJF","date":"2024-04-11","currency":"EUR","amount":"0.01","receipt":"BNK-1"})",
      ErrorCode::bad_input, R"(field "amount": receipt BNK-1 holds only 0.00 EUR that could be refunded)");
  check_verified(ledger);
}

TEST_CASE("Applying an advance relieved 2100 at the receipt's USD, not what it carried after the year-end revaluation") {
  TemporaryDirectory directory;
  Ledger ledger = Ledger::init(directory.file("fund.db"));
  for (const char* event : {
           R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})",
           R"({"type":"fund","code":"UNTOC","name":"UNTOC funding mechanism","kind":"special","parent":"CPCJF"})",
           R"({"type":"donor","code":"NLD","name":"Netherlands","category":"government","country":"NL"})",
           R"({"type":"rate","currency":"EUR","effective":"2022-11-01","per_usd":"0.892"})",
           R"({"type":"rate","currency":"EUR","effective":"2022-12-01","per_usd":"0.963"})",
           R"({"type":"rate","currency":"EUR","effective":"2023-01-01","per_usd":"0.925"})",
           R"({"type":"rate","currency":"EUR","effective":"2023-02-01","per_usd":"0.93"})",
           // The Netherlands' EUR 20,000.00 arrives before its pledge: held in 2100 at 20000 / 0.892
           // = 22421.52.
           R"({"type":"receipt","id":"RCV-NLD","date":"2022-11-10","fund":"UNTOC","currency":"EUR","amount":"20000.00","donor":"NLD"})",
           R"({"type":"period_close","period":"2022-11"})",
           // The December close restates it at 0.963, 20768.43, and is not reversed.
           R"({"type":"period_close","period":"2022-12"})",
           // The pledge, signed at 0.925: 20000 / 0.925 = 21621.62 in 1200.
           R"({"type":"pledge","id":"NLD-2023","donor":"NLD","fund":"UNTOC","purpose":"special","currency":"EUR","amount":"20000.00","signed":"2023-01-15"})",
       }) {
    recorded(ledger, event);
  }
  // Applied on 2023-02-20: 2100 gives up the 20768.43 it carries (not 22421.52), the receivable
  // its 21621.62, and the difference 853.19 is a realized loss (Dr 4700).
  const std::int64_t apply =
      recorded(ledger, R"({"type":"apply","id":"APL-1","date":"2023-02-20","receipt":"RCV-NLD","pledge":"NLD-2023"})");
  CHECK(postings_of(ledger, apply) == sorted({
                                          "2100|UNTOC|NLD|||EUR|20000.00|20768.43",
                                          "1200|UNTOC|NLD||NLD-2023|EUR|-20000.00|-21621.62",
                                          "4700|UNTOC||||EUR|0.00|853.19",
                                      }));
  // 2100 is clear in USD too: debits 1653.09 (the revaluation) + 20768.43 = 22421.52.
  CHECK(balances(ledger, by_account_and_fund, {"2100"}) ==
        std::vector<std::string>{"2100,UNTOC|USD|22421.52|22421.52"});
  // A statement of financial position in mid-year shows no liability for it.
  fundledger::ReportScope scope;
  scope.as_of = Date::parse("2023-06-15");
  const fundledger::Report position = fundledger::build_report(ledger, "financial-position", scope);
  bool found = false;
  for (const auto& row : position.rows) {
    if (std::get_if<std::string>(&row.cells.at(0)) &&
        std::get<std::string>(row.cells.at(0)) == "Contributions received in advance") {
      found = true;
      for (std::size_t i = 1; i < row.cells.size(); ++i) CHECK(std::get<fundledger::Decimal>(row.cells[i]).is_zero());
    }
  }
  CHECK(found);
  check_verified(ledger);
}

TEST_CASE("Rates and settings could be backdated into a closed month: they are refused like an entry") {
  TemporaryDirectory directory;
  Ledger ledger = small_ledger(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-06-01","per_usd":"0.9"})");
  recorded(ledger,
           R"({"type":"entry","id":"INT-1","date":"2023-06-10","postings":[{"account":"1100","fund":"CPCJF","currency":"USD","amount":"100.00"},{"account":"4800","fund":"CPCJF","currency":"USD","amount":"-100.00"}]})");
  recorded(ledger, R"({"type":"period_close","period":"2023-06"})");

  check_refused(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-06-15","per_usd":"0.5"})",
                ErrorCode::closed_period,
                "field \"effective\": the EUR rate takes effect on 2023-06-15, in period 2023-06, which is closed "
                "(periods are closed up to 2023-06); make it effective in an open period, or reopen the period first");
  check_refused(ledger, R"({"type":"setting","key":"psc_rate","value":"0.20","effective":"2022-01-01"})",
                ErrorCode::closed_period,
                "field \"effective\": setting psc_rate takes effect on 2022-01-01, in period 2022-01, which is closed "
                "(periods are closed up to 2023-06); make it effective in an open period, or reopen the period first");
  check_refused(ledger, R"({"type":"setting","key":"psc_fund","value":"CPCJF"})", ErrorCode::closed_period,
                "setting psc_fund has no effective date, so it would apply from the beginning, across periods that are "
                "closed (up to 2023-06): give an effective date in an open period");
  // Re-sending what is recorded stays a no-op; a rate for an open month is taken.
  CHECK_FALSE(record(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-06-01","per_usd":"0.90"})").recorded);
  CHECK(record(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-07-01","per_usd":"0.91"})").recorded);
  // To change history, reopen first: both are journal events.
  recorded(ledger, R"({"type":"period_reopen","period":"2023-06","reason":"The June rate was wrong"})");
  CHECK(record(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-06-15","per_usd":"0.5"})").recorded);
  check_verified(ledger);
}

TEST_CASE("A mistyped year could not be undone: dates more than max_future_days ahead are refused") {
  TemporaryDirectory directory;
  Ledger ledger = small_ledger(directory.file("fund.db"));
  const Date day = today();
  const std::string limit_day = day.add_days(400).to_string();
  const std::string beyond = day.add_days(401).to_string();
  check_refused(ledger,
                R"({"type":"receipt","id":"BNK-1","date":")" + beyond +
                    R"(","fund":"CPCJF","currency":"USD","amount":"100.00","donor":"FRA"})",
                ErrorCode::bad_input,
                "field \"date\": " + beyond + " is more than 400 days after " + day.to_string() +
                    ", the day it is recorded: a mistyped year? (the limit is the setting max_future_days)");
  recorded(ledger, R"({"type":"receipt","id":"BNK-2","date":")" + limit_day +
                       R"(","fund":"CPCJF","currency":"USD","amount":"100.00","donor":"FRA"})");
  // The instalments of a multi-year pledge may fall due further ahead.
  recorded(ledger, R"({"type":"pledge","id":"PF-1","donor":"FRA","fund":"CPCJF","purpose":"general","currency":"USD",)"
                   R"("amount":"300.00","signed":")" + day.to_string() + R"(","installments":[{"due":")" +
                       day.to_string() + R"(","amount":"100.00"},{"due":")" + day.add_days(2000).to_string() +
                       R"(","amount":"200.00"}]})");
  // The limit is a setting.
  recorded(ledger, R"({"type":"setting","key":"max_future_days","value":"30"})");
  check_refused(ledger,
                R"({"type":"rate","currency":"EUR","effective":")" + day.add_days(31).to_string() +
                    R"(","per_usd":"0.9"})",
                ErrorCode::bad_input,
                "field \"effective\": " + day.add_days(31).to_string() + " is more than 30 days after " +
                    day.to_string() + ", the day it is recorded: a mistyped year? (the limit is the setting "
                                      "max_future_days)");
  check_refused(ledger, R"({"type":"setting","key":"max_future_days","value":"ten"})", ErrorCode::bad_input,
                R"(field "value": invalid value "ten" for setting max_future_days: expected a whole number of days )"
                R"(from 0 to 36600, like 400)");
  check_verified(ledger);
}

TEST_CASE("Closing with stale rates was silent: a month closes only with rates in force, unless it says otherwise") {
  TemporaryDirectory directory;
  Ledger ledger = small_ledger(directory.file("fund.db"));
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  recorded(ledger, R"({"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":"0.8"})");
  recorded(ledger,
           R"({"type":"receipt","id":"BNK-1","date":"2024-01-10","fund":"CPCJF","currency":"EUR","amount":"1000.00"})");
  recorded(ledger,
           R"({"type":"receipt","id":"BNK-2","date":"2024-01-11","fund":"CPCJF","currency":"USD","amount":"500.00"})");
  recorded(ledger, R"({"type":"period_close","period":"2024-01"})");
  // February has no EUR rate of its own, and EUR holds a balance (USD needs none).
  check_refused(ledger, R"({"type":"period_close","period":"2024-02"})", ErrorCode::bad_input,
                R"(field "period": 2024-02 cannot be closed: no rate effective within the month for EUR (holding )"
                R"(monetary balances); record the month's UN operational rates, or close with allow_stale_rates )"
                R"((--allow-stale-rates) to revalue at the latest earlier rate)");
  const std::int64_t close = recorded(ledger, R"({"type":"period_close","period":"2024-02","allow_stale_rates":true})");
  std::ostringstream journal;
  fundledger::export_journal(ledger, journal);
  CHECK(journal.str().find(R"({"allow_stale_rates":true,"hash":)") != std::string::npos);
  CHECK(close == ledger.event_count());
  // With March's rate recorded, March closes as usual.
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2024-03-01","per_usd":"0.92"})");
  recorded(ledger, R"({"type":"period_close","period":"2024-03"})");
  check_verified(ledger);
}

TEST_CASE("Overflow was reported as a storage failure: a balance beyond the stored range is bad input") {
  TemporaryDirectory directory;
  Ledger ledger = small_ledger(directory.file("fund.db"));
  // 90000000000000000.00 USD is 9.0e18 cents, within a stored amount (at most 9223372036854775807);
  // twice that is not.
  recorded(ledger,
           R"({"type":"receipt","id":"BNK-1","date":"2024-01-10","fund":"CPCJF","currency":"USD","amount":"90000000000000000.00"})");
  check_refused(
      ledger,
      R"({"type":"receipt","id":"BNK-2","date":"2024-01-11","fund":"CPCJF","currency":"USD","amount":"90000000000000000.00"})",
      ErrorCode::bad_input,
      R"(field "amount": the balance of account 1100 in fund CPCJF (USD) would exceed what the ledger can hold )"
      R"(exactly (9223372036854775807 minor units, in the currency and in USD cents))");
  check_verified(ledger);

  // In a batch, the balances are checked against the store together: the event named is still the
  // one that goes past the range, and nothing of the batch is written.
  const std::int64_t before = ledger.event_count();
  const auto receipt = [](int n, const char* amount, const char* donor) {
    return std::string(R"({"type":"receipt","id":"BATCH-)") + std::to_string(n) +
           R"(","date":"2024-01-12","fund":"CPCJF","currency":"USD","amount":")" + amount + R"(")" +
           (*donor ? std::string(R"(,"donor":")") + donor + "\"" : std::string()) + "}";
  };
  std::istringstream file(receipt(1, "1.00", "") + "\n" + receipt(2, "2.00", "") + "\n" +
                          receipt(3, "3000000000000000.00", "") + "\n" + receipt(4, "4.00", "") + "\n");
  const fundledger::Error imported = error_from([&] { ledger.import_jsonl(file, "late.jsonl"); });
  CHECK(imported.code() == ErrorCode::bad_input);
  CHECK(std::string(imported.what()).rfind(R"(late.jsonl:3: field "amount": the balance of account 1100 in fund CPCJF (USD))", 0) == 0);
  const fundledger::Error batch = error_from([&] {
    ledger.record_batch({fundledger::parse_event(receipt(5, "5.00", "")), fundledger::parse_event(receipt(6, "3000000000000000.00", ""))});
  });
  CHECK(std::string(batch.what()).rfind("event 2: field \"amount\": the balance of account 1100", 0) == 0);
  // Two donors' balances each within the range, whose month together is not: the monthly balance
  // of 1100 in CPCJF (USD) for 2024-01 goes past it.
  const fundledger::Error monthly = error_from([&] {
    ledger.record_batch({fundledger::parse_event(receipt(7, "5.00", "")), fundledger::parse_event(receipt(8, "5000000000000000.00", "FRA"))});
  });
  CHECK(std::string(monthly.what()).rfind("event 2: field \"amount\": the balance of account 1100", 0) == 0);
  CHECK(ledger.event_count() == before);
  check_verified(ledger);
}

TEST_CASE("A read-only ledger could not be opened where nothing may be written: reading creates nothing") {
  TemporaryDirectory directory;
  const std::string path = directory.file("fund.db");
  {
    Ledger ledger = small_ledger(path);
    recorded(ledger,
             R"({"type":"receipt","id":"BNK-1","date":"2024-01-10","fund":"CPCJF","currency":"USD","amount":"100.00"})");
  }
  namespace fs = std::filesystem;
  REQUIRE_FALSE(fs::exists(path + "-wal"));
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  {
    Ledger reader = Ledger::open(path, OpenMode::read_only);
    CHECK(reader.event_count() == 35);  // 32 of init, the fund, the donor, the receipt
    check_verified(reader);
    CHECK(balances(reader, by_account_and_fund, {"1100"}) == std::vector<std::string>{"1100,CPCJF|USD|100.00|0.00"});
    // Nothing beside the ledger: no -wal or -shm owned by the reader.
    CHECK_FALSE(fs::exists(path + "-wal"));
    CHECK_FALSE(fs::exists(path + "-shm"));
  }
  CHECK_FALSE(fs::exists(path + "-wal"));
  CHECK_FALSE(fs::exists(path + "-shm"));
}

TEST_CASE("A donor's category and country were stored as typed: they are checked against the lists") {
  TemporaryDirectory directory;
  Ledger ledger = small_ledger(directory.file("fund.db"));
  check_refused(ledger, R"({"type":"donor","code":"D","name":"n","category":"governmnet"})", ErrorCode::bad_input,
                R"(field "category": invalid value "governmnet": expected government, financial-institution, )"
                R"(un-entity, intergovernmental, ngo, foundation, private or other)");
  const std::string expectation = R"(: expected an ISO 3166-1 alpha-2 country code, like "DE" or "CI")";
  for (const char* country : {"Germany", "DEU", "de", "D1", "ZZ", "EU"}) {
    check_refused(ledger, std::string(R"({"type":"donor","code":"D","name":"n","country":")") + country + "\"}",
                  ErrorCode::bad_input, std::string(R"(field "country": invalid value ")") + country + "\"" + expectation);
  }
  // Officially assigned codes are accepted: Côte d'Ivoire, Türkiye, Curaçao, Serbia.
  for (const char* country : {"CI", "TR", "CW", "RS"}) {
    recorded(ledger, std::string(R"({"type":"donor","code":"D-)") + country + R"(","name":"n","category":"government","country":")" +
                         country + "\"}");
  }
  check_verified(ledger);
}
