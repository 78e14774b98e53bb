// Every rounding mode, in every event: each posting is converted to USD on its own, amount /
// per_usd rounded to cents by the ledger's rounding with the posting's own sign, and what that
// leaves in a fund goes to 5900 (ledger/README.md, "Dimensions of a posting"). Under a directed mode
// (ceiling, floor, up, down) a debit and a credit of the same amount round to different cents.
#include "support/ledger_helpers.hpp"

#include <fundledger/ledger.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using fundledger::BalanceKey;
using fundledger::Ledger;
using namespace fundledger::test;

namespace {

// Funds A (general) and B (special), EUR at 0.9 from 2023-01-01, and the rounding set to `mode`
// from 2023-01-07.
Ledger two_funds(const std::string& path, const std::string& mode) {
  Ledger ledger = Ledger::init(path);
  for (const std::string& event : {
           std::string(R"({"type":"fund","code":"A","name":"Fund A","kind":"general"})"),
           std::string(R"({"type":"fund","code":"B","name":"Fund B","kind":"special"})"),
           std::string(R"({"type":"donor","code":"FRA","name":"France","category":"government","country":"FR"})"),
           std::string(R"({"type":"rate","currency":"EUR","effective":"2023-01-01","per_usd":"0.9"})"),
           std::string(R"({"type":"setting","key":"rounding","value":")") + mode +
               R"(","effective":"2023-01-07"})",
       }) {
    recorded(ledger, event);
  }
  return ledger;
}

}  // namespace

TEST_CASE("A transfer under ceiling or floor was refused: each side converts with its own sign, 5900 takes the rest") {
  TemporaryDirectory directory;
  // EUR 100.00 unidentified into A on 2023-01-06, still under half-even: 100 / 0.9 = 111.11.
  const char* receipt =
      R"({"type":"receipt","id":"R1","date":"2023-01-06","fund":"A","currency":"EUR","amount":"100.00"})";
  const char* transfer =
      R"({"type":"transfer","id":"T1","date":"2023-01-08","from_fund":"A","to_fund":"B","currency":"EUR","amount":"10.00"})";
  SECTION("ceiling") {
    Ledger ledger = two_funds(directory.file("ceiling.db"), "ceiling");
    recorded(ledger, receipt);
    // 10 / 0.9 = 11.111...: a debit rounds up to 11.12, a credit up to -11.11. A's cash leaves at
    // what it carries, 111.11 x 10 / 100 = 11.11 (its value too: no exchange difference).
    CHECK(postings_of(ledger, recorded(ledger, transfer)) == sorted({
                                                                 "3200|A||||EUR|10.00|11.12",
                                                                 "1100|A||||EUR|-10.00|-11.11",
                                                                 "5900|A||||EUR|0.00|-0.01|residual",
                                                                 "1100|B||||EUR|10.00|11.12",
                                                                 "3200|B||||EUR|-10.00|-11.11",
                                                                 "5900|B||||EUR|0.00|-0.01|residual",
                                                             }));
    check_verified(ledger);
  }
  SECTION("floor") {
    Ledger ledger = two_funds(directory.file("floor.db"), "floor");
    recorded(ledger, receipt);
    // A debit rounds down to 11.11, a credit down to -11.12. A's cash leaves at the 11.11 it
    // carries, against a value of -11.12 today: a cent of realized exchange, and the cent of
    // residual that the floor of each side leaves.
    CHECK(postings_of(ledger, recorded(ledger, transfer)) == sorted({
                                                                 "3200|A||||EUR|10.00|11.11",
                                                                 "1100|A||||EUR|-10.00|-11.11",
                                                                 "4700|A||||EUR|0.00|-0.01",
                                                                 "5900|A||||EUR|0.00|0.01|residual",
                                                                 "1100|B||||EUR|10.00|11.11",
                                                                 "3200|B||||EUR|-10.00|-11.12",
                                                                 "5900|B||||EUR|0.00|0.01|residual",
                                                             }));
    check_verified(ledger);
  }
}

TEST_CASE("Credit postings took the debit's USD with the sign flipped, and no 5900") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("floor.db"), "floor");
  // A pledge of EUR 100.00 at 0.9 under floor: 1200 floor(111.111) = 111.11, 4100 floor(-111.111)
  // = -111.12, and 5900 the 0.01 between them.
  const std::int64_t pledge = recorded(
      ledger,
      R"({"type":"pledge","id":"P1","donor":"FRA","fund":"A","purpose":"general","currency":"EUR","amount":"100.00","signed":"2023-01-10"})");
  CHECK(postings_of(ledger, pledge) == sorted({
                                           "1200|A|FRA||P1|EUR|100.00|111.11",
                                           "4100|A|FRA||P1|EUR|-100.00|-111.12",
                                           "5900|A||||EUR|0.00|0.01|residual",
                                       }));
  // An advance of EUR 10.00: 1100 11.11, 2100 -11.12, 5900 0.01.
  const std::int64_t advance = recorded(
      ledger, R"({"type":"receipt","id":"R2","date":"2023-01-11","fund":"A","currency":"EUR","amount":"10.00","donor":"FRA"})");
  CHECK(postings_of(ledger, advance) == sorted({
                                            "1100|A|FRA|||EUR|10.00|11.11",
                                            "2100|A|FRA|||EUR|-10.00|-11.12",
                                            "5900|A||||EUR|0.00|0.01|residual",
                                        }));
  // The advance applied to the pledge: 2100 gives up the 11.12 it carries (value today 11.11), the
  // receivable 10/100 of its 111.11, 11.11 (value today -11.12): each relief a cent from its value.
  const std::int64_t apply =
      recorded(ledger, R"({"type":"apply","id":"AP1","date":"2023-01-12","receipt":"R2","pledge":"P1"})");
  CHECK(postings_of(ledger, apply) == sorted({
                                          "2100|A|FRA|||EUR|10.00|11.12",
                                          "1200|A|FRA||P1|EUR|-10.00|-11.11",
                                          "4700|A||||EUR|0.00|-0.02",
                                          "5900|A||||EUR|0.00|0.01|residual",
                                      }));
  check_verified(ledger);
}

TEST_CASE("Paying a payable refund posted 2300 without the payable's pledge and donor keys") {
  TemporaryDirectory directory;
  Ledger ledger = two_funds(directory.file("fund.db"), "half-even");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-02-01","per_usd":"0.8"})");
  recorded(ledger, R"({"type":"rate","currency":"EUR","effective":"2023-03-01","per_usd":"0.85"})");
  recorded(ledger,
           R"({"type":"pledge","id":"P1","donor":"FRA","fund":"A","purpose":"general","currency":"EUR","amount":"1000.00","signed":"2023-01-10"})");
  recorded(ledger, R"({"type":"receipt","id":"R1","date":"2023-01-15","fund":"A","currency":"EUR","amount":"1000.00","pledge":"P1"})");
  // Payable on 2023-01-20 for the pledge: 100 / 0.9 = 111.11 in 2300 under FRA and P1.
  recorded(ledger,
           R"({"type":"refund","id":"RF1","donor":"FRA","fund":"A","date":"2023-01-20","currency":"EUR","amount":"100.00","pledge":"P1"})");
  recorded(ledger, R"({"type":"period_close","period":"2023-01"})");
  // Paid on 2023-02-10: 2300 is relieved under the payable's own keys, FRA and P1, at its 111.11.
  const std::int64_t payment = recorded(
      ledger,
      R"({"type":"refund","id":"RF2","donor":"FRA","fund":"A","date":"2023-02-10","currency":"EUR","amount":"100.00","pays":"RF1"})");
  CHECK(postings_of(ledger, payment) == sorted({
                                            "2300|A|FRA||P1|EUR|100.00|111.11",
                                            "1100|A|FRA|||EUR|-100.00|-111.11",
                                        }));
  // At the pledge's level the payable is clear, and February's close finds nothing to revalue in it.
  recorded(ledger, R"({"type":"period_close","period":"2023-02"})");
  const std::vector<BalanceKey> by_pledge{BalanceKey::account, BalanceKey::fund, BalanceKey::donor, BalanceKey::pledge,
                                          BalanceKey::currency};
  CHECK(balances(ledger, by_pledge, {"2300"}) == std::vector<std::string>{"2300,A,FRA,P1,EUR|EUR|100.00|100.00"});
  const std::vector<BalanceKey> by_pledge_in_usd{BalanceKey::account, BalanceKey::fund, BalanceKey::donor,
                                                 BalanceKey::pledge};
  CHECK(balances(ledger, by_pledge_in_usd, {"2300"}) == std::vector<std::string>{"2300,A,FRA,P1|USD|111.11|111.11"});
  check_verified(ledger);
}
