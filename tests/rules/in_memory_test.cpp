// The rules with no store at all: the recorder over a ledger held in memory alone
// (store::MemoryLedger keeping its own journal), as fast as the rules themselves. The first case
// holds it to the SQLite store: both sample journals recorded both ways, at the same recorded_at,
// end at the same head hash (which chains every event's body and postings) with every table equal.
// The others are rules checked directly in memory, each posting written out.
#include "audit/table_compare.hpp"
#include "engine/ledger_access.hpp"
#include "engine/recorder.hpp"
#include "rules/standard_chart.hpp"
#include "store/memory_store.hpp"
#include "support/ledger_helpers.hpp"
#include "support/postings.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace fundledger;

constexpr const char* recorded_at = "2026-01-02T03:04:05Z";

// A ledger in memory with the standard chart, and the rules behind the recorder.
class RulesInMemory {
 public:
  RulesInMemory()
      : recorder_(
            [this] {
              auto memory = std::make_unique<store::MemoryLedger>();
              memory_ = memory.get();
              return std::unique_ptr<store::RecordTxn>(std::move(memory));
            },
            cache_) {
    recorder_.begin(recorded_at);
    for (const Event& event : detail::standard_events(false)) record(event);
  }
  RecordResult record(const Event& event) {
    RecordResult result = recorder_.record(event);
    recorder_.flush();
    return result;
  }
  RecordResult record(const std::string& json) { return record(parse_event(json)); }
  // The postings of the event recorded last, as the export writes them.
  std::string last_postings() const { return recorder_.last_postings_json().value_or(""); }
  store::MemoryLedger& memory() { return *memory_; }
  const store::Head& head() const { return recorder_.head(); }
  const detail::MasterState& master() const { return cache_.master; }
  // The balance of an account of a fund in a currency (no donor, project or pledge), in minor units.
  std::int64_t balance(const char* account, const char* fund, const char* currency) {
    const auto& master = cache_.master;
    const detail::BalanceSums sums = memory_->balance(
        {master.accounts.find(account)->id, master.funds.find(fund)->id, 0, 0, 0, master.currencies.find(currency)->id});
    return sums.debit - sums.credit;
  }

 private:
  detail::LedgerCache cache_;
  store::MemoryLedger* memory_ = nullptr;
  detail::Recorder recorder_;
};

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace

TEST_CASE("The rules in memory, with no store, record the sample journals as the SQLite store does") {
  const std::string journal = GENERATE(std::string(FUNDLEDGER_TEST_SOURCE_DIR "/../samples/cpcjf-2021-2024.jsonl"),
                                       std::string(FUNDLEDGER_TEST_SOURCE_DIR "/reports/ledger.jsonl"));
  INFO(journal);
  const std::vector<std::string> lines = lines_of(journal);
  REQUIRE(lines.size() > 80);

  test::TemporaryDirectory folder;
  Ledger ledger = Ledger::create(folder.file("sqlite.db"));
  detail::Recorder& stored = detail::LedgerAccess::recorder(ledger);
  stored.begin(recorded_at);
  for (const Event& event : detail::standard_events(false)) stored.record(event);

  RulesInMemory memory;
  for (const std::string& line : lines) {
    INFO(line);
    const Event event = parse_event(line);
    const RecordResult in_memory = memory.record(event);
    const RecordResult in_sqlite = stored.record(event);
    CHECK(in_memory.seq == in_sqlite.seq);
    CHECK(in_memory.recorded == in_sqlite.recorded);
    CHECK(in_memory.notes == in_sqlite.notes);
    REQUIRE(memory.last_postings() == stored.last_postings_json().value_or(""));
  }
  stored.commit();

  const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger, detail::Pledges::read);
  CHECK(memory.head().seq == static_cast<std::int64_t>(lines.size()) + 32);
  CHECK(memory.head().hash == snapshot.txn->head().hash);
  const audit::TableDifference difference =
      audit::first_difference(snapshot.master, *snapshot.txn, memory.memory(), {"events", "postings", "movement_totals"});
  CHECK(difference.problem == "");
}

TEST_CASE("In memory, a euro pledge is recognized upfront and its receipt at a later rate realizes exchange") {
  RulesInMemory ledger;
  ledger.record(R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})");
  ledger.record(R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})");
  ledger.record(R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  ledger.record(R"({"type":"rate","currency":"EUR","effective":"2024-02-01","per_usd":"0.8"})");
  ledger.record(R"({"type":"pledge","id":"P-1","donor":"DEU","fund":"CPCJF","purpose":"general","currency":"EUR",)"
                R"("amount":"900.00","signed":"2024-01-10","installments":[{"due":"2024-01-10","amount":"900.00"}]})");
  CHECK(ledger.last_postings() ==
        R"([{"account":"1200","amount":"900.00","currency":"EUR","donor":"DEU","functional_amount":"1000.00",)"
        R"("fund":"CPCJF","pledge":"P-1"},{"account":"4100","amount":"-900.00","currency":"EUR","donor":"DEU",)"
        R"("functional_amount":"-1000.00","fund":"CPCJF","pledge":"P-1"}])");
  ledger.record(R"({"type":"receipt","id":"R-1","date":"2024-02-05","fund":"CPCJF","currency":"EUR",)"
                R"("amount":"900.00","pledge":"P-1"})");
  // The cash at February's rate (900 / 0.8 = 1,125.00) with the donor, the receivable relieved at
  // the 1,000.00 it carries, the difference realized exchange (a gain: a credit of 125.00).
  CHECK(ledger.last_postings() ==
        R"([{"account":"1100","amount":"900.00","currency":"EUR","donor":"DEU","functional_amount":"1125.00",)"
        R"("fund":"CPCJF"},{"account":"1200","amount":"-900.00","currency":"EUR","donor":"DEU",)"
        R"("functional_amount":"-1000.00","fund":"CPCJF","pledge":"P-1"},{"account":"4700","amount":"0.00",)"
        R"("currency":"EUR","functional_amount":"-125.00","fund":"CPCJF"}])");
}

TEST_CASE("In memory, an expense charges PSC at the standard 13% and its reversal negates every posting") {
  RulesInMemory ledger;
  ledger.record(R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})");
  ledger.record(R"({"type":"receipt","id":"R-1","date":"2024-03-01","fund":"CPCJF","currency":"USD","amount":"5000.00"})");
  CHECK(ledger.last_postings() ==
        R"([{"account":"1100","amount":"5000.00","currency":"USD","functional_amount":"5000.00","fund":"CPCJF"},)"
        R"({"account":"2150","amount":"-5000.00","currency":"USD","functional_amount":"-5000.00","fund":"CPCJF"}])");
  ledger.record(R"({"type":"expense","id":"E-1","fund":"CPCJF","date":"2024-03-05","currency":"USD",)"
                R"("amount":"1000.00","category":"programme"})");
  const std::string expense =
      R"([{"account":"5200","amount":"1000.00","currency":"USD","functional_amount":"1000.00","fund":"CPCJF"},)"
      R"({"account":"1100","amount":"-1000.00","currency":"USD","functional_amount":"-1000.00","fund":"CPCJF"},)"
      R"({"account":"5300","amount":"130.00","currency":"USD","functional_amount":"130.00","fund":"CPCJF"},)"
      R"({"account":"1100","amount":"-130.00","currency":"USD","functional_amount":"-130.00","fund":"CPCJF"}])";
  CHECK(ledger.last_postings() == expense);
  ledger.record(R"({"type":"reversal","id":"X-1","date":"2024-03-06","reverses":"E-1"})");
  CHECK(ledger.last_postings() ==
        R"([{"account":"5200","amount":"-1000.00","currency":"USD","functional_amount":"-1000.00","fund":"CPCJF"},)"
        R"({"account":"1100","amount":"1000.00","currency":"USD","functional_amount":"1000.00","fund":"CPCJF"},)"
        R"({"account":"5300","amount":"-130.00","currency":"USD","functional_amount":"-130.00","fund":"CPCJF"},)"
        R"({"account":"1100","amount":"130.00","currency":"USD","functional_amount":"130.00","fund":"CPCJF"}])");
  // The fund's cash is the receipt's again.
  CHECK(ledger.balance("1100", "CPCJF", "USD") == 500000);
  CHECK(ledger.balance("5300", "CPCJF", "USD") == 0);
}

TEST_CASE("The recorder's last check before it appends finds postings no rule may produce") {
  RulesInMemory ledger;
  ledger.record(R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})");
  ledger.record(R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9"})");
  const detail::MasterState& master = ledger.master();
  REQUIRE(master.currencies.find("EUR") != nullptr);
  const std::int64_t cash = master.accounts.find("1100")->id;
  const std::int64_t held = master.accounts.find("2150")->id;
  const std::int64_t fund = master.funds.find("CPCJF")->id;
  const std::int64_t eur = master.currencies.find("EUR")->id;
  auto posting = [&](std::int64_t account, std::int64_t amount, std::int64_t usd) {
    return test::posting(account, fund, eur, amount, usd);
  };
  CHECK(detail::change_defect(master, {}) == "");
  CHECK(detail::change_defect(master, {posting(cash, 1000, 1111), posting(held, -1000, -1111)}) == "");
  CHECK(detail::change_defect(master, {posting(cash, 1000, 1111)}) == "one posting stands alone");
  CHECK(detail::change_defect(master, {posting(cash, 1000, 1111), posting(held, -999, -1111)}) ==
        "fund CPCJF in EUR does not sum to zero");
  CHECK(detail::change_defect(master, {posting(cash, 1000, 1111), posting(held, -1000, -1110)}) ==
        "fund CPCJF does not sum to zero in USD");
  CHECK(detail::change_defect(master, {posting(cash, 1000, 1111), posting(9999, -1000, -1111)}) ==
        "a posting names a master record that does not exist");
  detail::StoredPosting unknown_donor = posting(held, -1000, -1111);
  unknown_donor.donor_id = 4242;
  CHECK(detail::change_defect(master, {posting(cash, 1000, 1111), unknown_donor}) ==
        "a posting names a master record that does not exist");
}
