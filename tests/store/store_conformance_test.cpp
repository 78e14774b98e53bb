// The store conformance suite: what every backend of the Store interface must do, run against each
// backend the test run has (stores.hpp): appends read back as written, transactions all or
// nothing, balances summed across transactions, master data and projections round trip, one
// snapshot per reader while a writer appends, a second writer waiting then giving up busy, and a
// read-only store refusing to write.
#include "support/ledger_helpers.hpp"
#include "support/postings.hpp"
#include "support/stores.hpp"

#include "core/hash.hpp"
#include "engine/ledger_access.hpp"
#include "core/master.hpp"
#include "store/store.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using fundledger::Decimal;
using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::OpenMode;
using fundledger::Period;
using namespace fundledger::store;
using namespace fundledger::detail;

namespace {

std::unique_ptr<Store> fresh(const fundledger::test::StoreBackend& backend, const std::string& name, int timeout_ms = 10000) {
  return open_store(backend.location(name), OpenMode::read_write, true, Options{timeout_ms});
}

EventRow event_row(std::int64_t seq, std::string id, std::string type, std::optional<std::int32_t> day) {
  return {seq, std::move(id), std::move(type), day, "{\"type\":\"x\"}", "2024-01-01T00:00:00Z",
          seq == 1 ? fundledger::audit::genesis_hash : std::string(64, 'a'), std::string(64, static_cast<char>('a' + seq))};
}

using fundledger::test::posting;

// Master data the postings can name: currency 1 USD, 2 EUR; accounts 1 (1100), 2 (4100); fund 1.
void add_master(WriteTxn& txn) {
  txn.add_currency({1, "USD", 2, 0, {}});
  txn.add_currency({2, "EUR", 2, 0, {}});
  txn.add_account({1, "1100", {"1100", "Cash", fundledger::AccountClass::asset}}, 1);
  txn.add_account({2, "4100", {"4100", "Revenue", fundledger::AccountClass::revenue}}, 1);
  txn.add_fund({1, "CPCJF", {"CPCJF", "Fund", fundledger::FundKind::general, ""}, 0, {}}, 0, 1);
}

}  // namespace

TEST_CASE("Store: a new store holds an empty journal") {
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    auto store = fresh(backend, "empty");
    auto txn = store->read();
    CHECK(txn->head().seq == 0);
    CHECK(txn->head().hash == std::string(64, '0'));
    CHECK(txn->load_master().accounts.all().empty());
    CHECK_FALSE(txn->last_closed().has_value());
    CHECK_FALSE(txn->first_posting_day().has_value());
  }
}

TEST_CASE("Store: appended events and postings read back as written, and an uncommitted transaction leaves nothing") {
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    auto store = fresh(backend, "append");
    {
      auto txn = store->write();
      add_master(*txn);
      txn->append(event_row(1, "", "account", std::nullopt), {});
      txn->append(event_row(2, "BNK-1", "receipt", 19740),
                  {posting(1, 1, 2, 100000, 111111), posting(2, 1, 2, -100000, -111111, 19741)});
      txn->commit();
    }
    {
      auto txn = store->write();
      txn->append(event_row(3, "BNK-2", "receipt", 19742), {posting(1, 1, 1, 5, 5), posting(2, 1, 1, -5, -5)});
      // destroyed without a commit: rolled back
    }
    auto txn = store->read();
    CHECK(txn->head().seq == 2);
    CHECK(txn->head().hash == std::string(64, 'c'));
    const auto found = txn->find_event("BNK-1");
    REQUIRE(found.has_value());
    CHECK(found->seq == 2);
    CHECK(found->type == "receipt");
    CHECK(found->day == 19740);
    CHECK_FALSE(txn->find_event("BNK-2").has_value());
    const auto postings = txn->postings_of(2);
    REQUIRE(postings.size() == 2);
    CHECK(postings[0].functional_minor == 111111);
    CHECK_FALSE(postings[0].date.has_value());  // on the event's day
    CHECK(postings[1].date == 19741);
    std::vector<std::int64_t> seqs;
    txn->scan_journal(1, [&](const JournalRow& row) {
      seqs.push_back(row.event.seq);
      if (row.event.seq == 2) CHECK(row.posting_days == std::vector<std::int32_t>{19740, 19741});
      return true;
    });
    CHECK(seqs == std::vector<std::int64_t>{1, 2});
    CHECK(txn->first_posting_day() == 19740);
    CHECK(txn->last_posting_day() == 19741);
    CHECK(txn->stray_posting_seq(2) == 0);
  }
}

TEST_CASE("Store: balances add up across transactions, by full key, by month and grouped") {
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    auto store = fresh(backend, "balances");
    const BalanceKeyIds cash{1, 1, 0, 0, 0, 2};
    for (int i = 0; i < 2; ++i) {
      auto txn = store->write();
      if (i == 0) add_master(*txn);
      fundledger::detail::BalanceDeltas deltas;
      deltas.balances = {{cash, {100, 30, 111, 33}}};
      deltas.monthly = {{{1, 1, 2, 24288}, {100, 30, 111, 33}}};
      deltas.movements = {{{1, 1, 0, 0, 0, 2, 24288, 4}, {100, 30, 111, 33}}};
      deltas.monthly_kinds = {{{1, 1, 24288, 4}, {100, 30, 111, 33}}};
      txn->add_balances(deltas);
      txn->commit();
    }
    auto txn = store->read();
    const BalanceSums sums = txn->balance(cash);
    CHECK(sums.debit == 200);
    CHECK(sums.credit == 60);
    CHECK(sums.functional_debit == 222);
    CHECK(sums.functional_credit == 66);
    CHECK(txn->monthly_balance(1, 1, 2, 24288).debit == 200);
    const Position position = txn->account_position(1, 1, 2);
    CHECK(position.amount_minor == 140);
    CHECK(position.functional_minor == 156);
    CHECK(txn->account_usd(1, 1) == 156);
    BalanceGrouping grouping;
    grouping.keys = {fundledger::BalanceKey::account, fundledger::BalanceKey::currency};
    grouping.by_currency = true;
    const auto rows = txn->grouped_balances(grouping);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].ids == std::vector<std::int64_t>{1, 2});
    CHECK(rows[0].debit == 200);
    CHECK(rows[0].credit == 60);
  }
}

TEST_CASE("Store: master data and pledges round trip through load_master") {
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    auto store = fresh(backend, "master");
    {
      auto txn = store->write();
      add_master(*txn);
      txn->declare_currency(2, 7);
      txn->add_donor({1, "DEU", {"DEU", "Germany", "government", "DE"}, 0, {}}, 2);
      txn->add_project({1, "GLOZ82", {"GLOZ82", "Programme", "CPCJF", Decimal::parse("0.08")}, 1, 0, {}}, 3);
      txn->append(event_row(1, "AMD-1", "amend", 19800), {});
      txn->add_amendment({"donor", 1, {1, 19800, std::string("Deutschland"), std::nullopt, std::string("DE")}});
      txn->add_rate(2, 19723, Decimal::parse("0.9123"), 4);
      txn->add_setting("rounding", beginning_of_time, "half-even", 5);
      PledgeRecord pledge;
      pledge.id = 1;
      pledge.code = "P1";
      pledge.seq = 6;
      pledge.donor_id = 1;
      pledge.fund_id = 1;
      pledge.currency_id = 2;
      pledge.project_id = 1;
      pledge.purpose = fundledger::Purpose::special;
      pledge.signed_on = fundledger::Date::parse("2024-01-15");
      pledge.amount_minor = 30000;
      txn->add_pledge(pledge, {{0, 19737, 10000, 6, 0}, {1, 20102, 20000, 0, 0}});
      // A reduction cuts 5000 of the second instalment, not yet recognized.
      txn->append(event_row(2, "RED-1", "reduction", 19800), {});
      txn->add_cut(2, {1, 1, 5000});
      txn->commit();
    }
    auto txn = store->read();
    const MasterState master = txn->load_master();
    CHECK(master.currencies.by_id(2).declared_seq == 7);
    REQUIRE(master.currencies.by_id(2).rates.size() == 1);
    CHECK(master.currencies.by_id(2).rates[0].per_usd == Decimal::parse("0.9123"));
    CHECK(master.currencies.by_id(2).rates[0].seq == 4);
    CHECK(master.donors.find("DEU")->event.country == "DE");
    REQUIRE(master.donors.find("DEU")->amendments.size() == 1);
    CHECK(master.donors.find("DEU")->amendments[0].day == 19800);
    CHECK(fundledger::detail::name_on(*master.donors.find("DEU"), fundledger::Date::from_day_number(19799)) == "Germany");
    CHECK(fundledger::detail::name_on(*master.donors.find("DEU"), fundledger::Date::from_day_number(19800)) == "Deutschland");
    CHECK_FALSE(master.donors.find("DEU")->amendments[0].category.has_value());
    CHECK(master.projects.find("GLOZ82")->event.psc_rate == Decimal::parse("0.08"));
    CHECK(master.projects.find("GLOZ82")->event.fund == "CPCJF");
    CHECK(master.settings.at("rounding").values.at(0).value == "half-even");
    const PledgeRecord& pledge = *master.pledges.find("P1");
    CHECK(pledge.amount_minor == 30000);
    CHECK(pledge.purpose == fundledger::Purpose::special);
    CHECK(pledge.signed_on.to_string() == "2024-01-15");
    const auto instalments = txn->instalments(1);
    REQUIRE(instalments.size() == 2);
    CHECK(instalments[0].recognized_seq == 6);
    CHECK(instalments[1].recognized_seq == 0);
    CHECK(instalments[1].cut_minor == 5000);
    REQUIRE(txn->cuts_by(2).size() == 1);
    CHECK(txn->cuts_by(2)[0].line == 1);
    CHECK(txn->cuts_by(1).empty());
    CHECK(txn->pledges_due(20200) == std::vector<std::int64_t>{1});
    CHECK(txn->pledges_due(20000).empty());
    // The master data without its pledges leaves them unread, and a use of them throws; pledges_of
    // reads the ones named.
    const MasterState records = txn->load_master_records();
    CHECK(records.donors.find("DEU") != nullptr);
    CHECK(records.pledges.unread());
    CHECK_THROWS_AS(records.pledges.find("P1"), std::logic_error);
    CHECK_THROWS_AS(records.pledges.by_id(1), std::logic_error);
    CHECK_THROWS_AS(records.pledges.all(), std::logic_error);
    CHECK_FALSE(master.pledges.unread());
    const std::vector<PledgeRecord> named = txn->pledges_of({1});
    REQUIRE(named.size() == 1);
    CHECK(named[0].code == "P1");
    CHECK(named[0].purpose == fundledger::Purpose::special);
    CHECK(named[0].amount_minor == 30000);
    CHECK(named[0].project_id == 1);
    CHECK(txn->pledges_of({}).empty());
    CHECK_THROWS(txn->pledges_of({2}));
    const auto by_code = txn->pledge_named("P1");
    REQUIRE(by_code.has_value());
    CHECK(by_code->id == 1);
    CHECK(by_code->signed_on.to_string() == "2024-01-15");
    CHECK_FALSE(txn->pledge_named("P2").has_value());
  }
}

TEST_CASE("Store: holdings, moves, reversals, recognition and seals") {
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    auto store = fresh(backend, "projections");
    {
      auto txn = store->write();
      add_master(*txn);
      txn->append(event_row(1, "R1", "receipt", 19740), {posting(1, 1, 2, 1000, 1100), posting(2, 1, 2, -1000, -1100)});
      txn->add_holding(1, posting(2, 1, 2, -1000, -1100), "");
      txn->append(event_row(2, "A1", "apply", 19800), {});
      txn->add_move(2, 19800, {1, -400, -440, std::nullopt});
      // A close of the month before, recorded later, restating the apply on its own day.
      txn->append(event_row(4, "", "period_close", 19783), {});
      txn->add_move(4, 19783, {1, 0, -7, 19800});
      txn->append(event_row(3, "V1", "reversal", 19801), {});
      txn->add_reversal(2, 3);
      txn->add_seal({"2024-01", 1, "", std::string(64, 'b'), std::string(64, 'c')});
      txn->commit();
    }
    {
      auto txn = store->read();
      CHECK(txn->holding(1, std::nullopt)->amount_minor == 600);
      CHECK(txn->holding(1, std::nullopt)->functional_minor == 653);
      CHECK(txn->holding(1, 19799)->amount_minor == 1000);  // the apply is dated later
      CHECK(txn->holding(1, 19799)->functional_minor == 1100);  // and so is its restatement
      CHECK(txn->holdings_as_of(19799, 1).size() == 1);
      CHECK(txn->moves_by(2).size() == 1);
      REQUIRE(txn->moves_by(4).size() == 1);
      CHECK(txn->moves_by(4)[0].day == 19800);
      const auto moves = txn->moves_from(3);
      REQUIRE(moves.size() == 1);
      CHECK(moves[0].event_seq == 4);
      CHECK(moves[0].day == 19800);
      CHECK(moves[0].move.functional_minor == -7);
      CHECK(txn->moves_from(2).size() == 2);
      CHECK(txn->first_seq_dated_after(19739) == 1);
      CHECK(txn->first_seq_dated_after(19740) == std::nullopt);
      const auto postings = txn->postings_from(1, {2});
      REQUIRE(postings.size() == 1);
      CHECK(postings[0].seq == 1);
      CHECK(postings[0].day == 19740);
      CHECK(postings[0].posting.amount_minor == -1000);
      CHECK(txn->paid_ahead(0, 2).empty());
      CHECK(txn->reversal_of(2) == 3);
      CHECK(txn->close_seq(Period::parse("2024-01")) == 1);
      CHECK(txn->last_closed() == Period::parse("2024-01"));
      REQUIRE(txn->seals().size() == 1);
      CHECK(txn->seals()[0].recorded_at == "2024-01-01T00:00:00Z");
    }
    auto txn = store->write();
    txn->remove_seal(Period::parse("2024-01"));
    txn->commit();
    CHECK_FALSE(store->read()->last_closed().has_value());
  }
}

TEST_CASE("Store: a reader keeps its snapshot while a writer appends, and a second writer gives up busy") {
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    const std::string location = backend.location("concurrent");
    {
      auto created = open_store(location, OpenMode::read_write, true, Options{});
      auto txn = created->write();
      add_master(*txn);
      txn->commit();
    }
    auto writer = open_store(location, OpenMode::read_write, false, Options{200});
    auto other = open_store(location, OpenMode::read_write, false, Options{200});
    auto reader = open_store(location, OpenMode::read_write, false, Options{200});
    auto snapshot = reader->read();
    CHECK(snapshot->head().seq == 0);
    auto txn = writer->write();
    txn->append(event_row(1, "", "account", std::nullopt), {});
    const Error busy = fundledger::test::error_from([&] { other->write(); });
    CHECK(busy.code() == ErrorCode::busy);
    txn->commit();
    CHECK(snapshot->head().seq == 0);  // the snapshot is what it was
    snapshot.reset();
    CHECK(reader->read()->head().seq == 1);
  }
}

TEST_CASE("Store: a store opened read-only refuses to write") {
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    const std::string location = backend.location("read-only");
    open_store(location, OpenMode::read_write, true, Options{});
    auto store = open_store(location, OpenMode::read_only, false, Options{});
    const Error error = fundledger::test::error_from([&] { store->write(); });
    CHECK(error.code() == ErrorCode::usage);
    CHECK(store->read()->head().seq == 0);
  }
}

namespace {

using Row = std::array<std::int64_t, 11>;  // account, fund, donor, project, pledge, currency, kind, sums

std::vector<Row> rows_of(const std::vector<MovementSums>& sums) {
  std::vector<Row> rows;
  for (const MovementSums& m : sums) {
    rows.push_back({m.account_id, m.fund_id, m.donor_id, m.project_id, m.pledge_id, m.currency_id,
                    static_cast<std::int64_t>(m.kind), m.sums.debit, m.sums.credit, m.sums.functional_debit,
                    m.sums.functional_credit});
  }
  return rows;
}

// What open_movements must give, from movements alone: the movements through the day by every
// dimension, less the groups (account, fund, donor, pledge, currency, and the project if asked)
// that sum to nothing, then by the dimensions the query asks for.
std::vector<Row> expected_open(ReadTxn& txn, MovementQuery query) {
  MovementQuery full = query;
  full.from.reset();
  full.by_donor = full.by_pledge = full.by_currency = full.by_kind = true;
  full.by_project = query.by_project;
  const std::vector<MovementSums> all = txn.movements(full);
  std::map<std::array<std::int64_t, 6>, std::pair<std::int64_t, std::int64_t>> nets;
  for (const MovementSums& m : all) {
    auto& net = nets[{m.account_id, m.fund_id, m.donor_id, m.project_id, m.pledge_id, m.currency_id}];
    net.first += m.sums.debit - m.sums.credit;
    net.second += m.sums.functional_debit - m.sums.functional_credit;
  }
  std::map<std::array<std::int64_t, 7>, std::array<std::int64_t, 4>> kept;
  for (const MovementSums& m : all) {
    const auto& net = nets[{m.account_id, m.fund_id, m.donor_id, m.project_id, m.pledge_id, m.currency_id}];
    if (net.first == 0 && net.second == 0) continue;
    auto& sums = kept[{m.account_id, m.fund_id, query.by_donor ? m.donor_id : 0, m.project_id,
                       query.by_pledge ? m.pledge_id : 0, query.by_currency ? m.currency_id : 0,
                       query.by_kind ? static_cast<std::int64_t>(m.kind) : 0}];
    sums[0] += m.sums.debit;
    sums[1] += m.sums.credit;
    sums[2] += m.sums.functional_debit;
    sums[3] += m.sums.functional_credit;
  }
  std::vector<Row> rows;
  for (const auto& [key, sums] : kept) {
    if (sums == std::array<std::int64_t, 4>{}) continue;
    rows.push_back({key[0], key[1], key[2], key[3], key[4], key[5], key[6], sums[0], sums[1], sums[2], sums[3]});
  }
  return rows;
}

}  // namespace

TEST_CASE("Store: open_movements are the movements through a day of what was outstanding on it") {
  std::ifstream journal(std::string(FUNDLEDGER_TEST_SOURCE_DIR) + "/reports/ledger.jsonl");
  REQUIRE(journal);
  const std::string text((std::istreambuf_iterator<char>(journal)), std::istreambuf_iterator<char>());
  for (const auto& backend : fundledger::test::store_backends()) {
    INFO(backend.name);
    fundledger::Ledger ledger = fundledger::Ledger::init(backend.location("open"));
    std::istringstream input(text);
    ledger.import_jsonl(input, "ledger.jsonl");
    auto txn = LedgerAccess::store(ledger).read();
    const std::int32_t first = *txn->first_posting_day();
    const std::int32_t last = *txn->last_posting_day();
    const fundledger::detail::MasterState master = txn->load_master();
    std::vector<std::vector<std::int64_t>> account_sets = {{}};
    for (const char* code : {"1200", "1290", "2100", "1100"}) account_sets.push_back({master.accounts.find(code)->id});
    std::size_t compared = 0;
    std::size_t outstanding = 0;
    for (std::int32_t day = first - 1; day <= last + 1; ++day) {
      for (const auto& accounts : account_sets) {
        for (int shape = 0; shape < 4; ++shape) {
          MovementQuery query;
          query.accounts = accounts;
          query.through = day;
          query.by_kind = shape & 1;
          query.by_project = shape & 2;
          query.by_donor = query.by_pledge = query.by_currency = shape != 1;
          INFO("day " << fundledger::Date::from_day_number(day).to_string() << ", shape " << shape);
          const auto expected = expected_open(*txn, query);
          REQUIRE(rows_of(txn->open_movements(query)) == expected);
          ++compared;
          outstanding += expected.size();
        }
      }
    }
    CHECK(compared == static_cast<std::size_t>(last - first + 3) * 20);
    CHECK(outstanding > 1000);  // the ledger has receivables, allowances and advances outstanding
  }
}
