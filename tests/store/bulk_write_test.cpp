// Replay's writing in bulk (store::WriteTxn::write_rows, total_movements, and the check of
// references when an unshared build is finished), on an SQLite file, read back as verify reads it.
#include "store/store.hpp"
#include "support/ledger_helpers.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::OpenMode;
namespace store = fundledger::store;
using Rows = std::vector<std::vector<std::string>>;

std::unique_ptr<store::Store> unshared_build(const std::string& path) {
  store::Options options;
  options.unshared_build = true;
  return store::open_store(path, OpenMode::read_write, true, options);
}

Rows rows_of(store::ReadTxn& txn, const std::string& table) {
  Rows rows;
  const auto cursor = txn.table_rows(store::table_named(table));
  while (cursor->next()) rows.push_back(cursor->values());
  return rows;
}

}  // namespace

TEST_CASE("Rows written in bulk read back as written, a NULL where the column may hold one", "[store][bulk]") {
  fundledger::test::TemporaryDirectory directory;
  const auto built = unshared_build(directory.file("built.db"));
  const auto txn = built->write();
  store::RowList currencies({{"1", "USD", "2", "0"}, {"2", "EUR", "2", "0"}});
  txn->write_rows(store::table_named("currencies"), currencies, false);
  store::RowList funds({{"1", "CPCJF", "Crime Prevention Fund", "0", "NULL", "3"},
                        {"2", "UNTOC", "Organized crime", "1", "1", "4"}});
  txn->write_rows(store::table_named("funds"), funds, false);
  CHECK(rows_of(*txn, "funds") == Rows{{"1", "CPCJF", "Crime Prevention Fund", "0", "NULL", "3"},
                                       {"2", "UNTOC", "Organized crime", "1", "1", "4"}});
  SECTION("a text that is the word NULL, or begins with a quote, is written as the text it stands for") {
    // Rows give such a text with a quote in front (store::row_text): "NULL" is only a NULL.
    CHECK(store::row_text("NULL") == "'NULL");
    CHECK(store::row_text("'t Hooft") == "''t Hooft");
    CHECK(store::row_text("Norway") == "Norway");
    store::RowList donor({{"1", "NUL", "'NULL", "government", "DEU", "5"}, {"2", "HOO", "''t Hooft", "private", "", "6"}});
    txn->write_rows(store::table_named("donors"), donor, false);
    CHECK(rows_of(*txn, "donors") ==
          Rows{{"1", "NUL", "'NULL", "government", "DEU", "5"}, {"2", "HOO", "''t Hooft", "private", "", "6"}});
    const auto names = txn->load_master_records();
    CHECK(names.donors.find("NUL")->event.name == "NULL");
    CHECK(names.donors.find("HOO")->event.name == "'t Hooft");
  }
  SECTION("with add_sums, a month's movements written twice are added, and their totals follow") {
    // movements: account, month, fund, kind, donor, project, pledge, currency; then the four sums.
    store::RowList first({{"7", "24288", "1", "2", "0", "0", "0", "2", "1000", "0", "1100", "0"},
                          {"7", "24289", "1", "2", "0", "0", "0", "2", "0", "250", "0", "270"}});
    txn->write_rows(store::table_named("movements"), first, true);
    store::RowList again({{"7", "24288", "1", "2", "0", "0", "0", "2", "500", "20", "560", "22"}});
    txn->write_rows(store::table_named("movements"), again, true);
    CHECK(rows_of(*txn, "movements") == Rows{{"7", "24288", "1", "2", "0", "0", "0", "2", "1500", "20", "1660", "22"},
                                             {"7", "24289", "1", "2", "0", "0", "0", "2", "0", "250", "0", "270"}});
    txn->total_movements();
    // movement_totals: account, fund, donor, pledge, currency, project, kind; then the sums.
    CHECK(rows_of(*txn, "movement_totals") == Rows{{"7", "1", "0", "0", "2", "0", "2", "1500", "270", "1660", "292"}});
  }
  SECTION("a value that is not an integer where one belongs is refused, naming the column") {
    store::RowList bad({{"3", "GBP", "two", "0"}});
    const Error error = fundledger::test::error_from([&] { txn->write_rows(store::table_named("currencies"), bad, false); });
    CHECK(error.code() == ErrorCode::storage);
    CHECK(std::string(error.what()) == "writing currencies.minor_units: \"two\" is not an integer");
  }
}

TEST_CASE("A build whose postings name a missing master record is refused when it is finished", "[store][bulk]") {
  fundledger::test::TemporaryDirectory directory;
  const auto built = unshared_build(directory.file("built.db"));
  {
    const auto txn = built->write();
    store::RowList currencies({{"1", "USD", "2", "0"}});
    txn->write_rows(store::table_named("currencies"), currencies, false);
    store::EventRow event{1, "E1", "entry", 19723, "{}", "2024-01-01T00:00:00Z", std::string(64, '0'), std::string(64, 'a')};
    fundledger::detail::StoredPosting debit;
    debit.account_id = 5;  // no account 5, no fund 1
    debit.fund_id = 1;
    debit.currency_id = 1;
    debit.amount_minor = 100;
    debit.functional_minor = 100;
    fundledger::detail::StoredPosting credit = debit;
    credit.amount_minor = credit.functional_minor = -100;
    txn->append(event, {debit, credit});
    txn->commit();
  }
  const Error error = fundledger::test::error_from([&] { built->finish_build(); });
  CHECK(error.code() == ErrorCode::storage);
  // postings has no rowid to name; its fund 1 is the first reference SQLite finds missing.
  CHECK(std::string(error.what()) == "the ledger built at " + directory.file("built.db") +
                                         " is not whole: a row of postings names a missing row of funds");
}
