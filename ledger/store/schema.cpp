// The ledger's SQLite schema and its migrations. The tables and their columns are described in
// tables.cpp, with the on-disk format; this file adds the SQLite file's own settings
// (PRAGMA user_version = 5, PRAGMA application_id = 0x464C4447) and its triggers.
//
// Version 1 had no holdings.pledge_id; the migration adds it, taken from the holding's posting.
// Version 2 had no budgets, amendments, movements, monthly_kinds, holdings.partner or
// holdings.project_id (see migrate_to_3). Version 3 had no holding_moves.day, instalment_cuts or
// holdings_by_pledge (see migrate_to_4): what a ledger of version 3 holds reads the same in 4.
// Version 4 had no movement_totals (see migrate_to_5).
#include "store/schema.hpp"

#include "store/sql_txn.hpp"
#include "store/tables.hpp"

#include <fundledger/error.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <string>

namespace fundledger::store {

namespace {

const IndexDef& postings_by_pledge() {
  const auto& all = index_definitions();
  return *std::find_if(all.begin(), all.end(), [](const IndexDef& index) { return index.name == "postings_by_pledge"; });
}

// The triggers that keep the journal append-only.
constexpr const char* schema_triggers = R"sql(

CREATE TRIGGER events_are_immutable BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'journal events are immutable: record a reversal instead'); END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'journal events are immutable: record a reversal instead'); END;
CREATE TRIGGER postings_are_immutable BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are immutable: record a reversal instead'); END;
CREATE TRIGGER postings_are_never_deleted BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are immutable: record a reversal instead'); END;
)sql";

// Version 3: advances to implementing partners keep their partner and project; budgets; the
// movements the reports read, filled from the postings as the recorder would have (the month of
// each posting's day, the kind of its event: movement_kind_sql).
void migrate_to_3(SQLite::Database& database) {
  SQLite::Transaction transaction(database);
  database.exec("ALTER TABLE holdings ADD COLUMN partner TEXT NOT NULL DEFAULT ''");
  database.exec("ALTER TABLE holdings ADD COLUMN project_id INTEGER NOT NULL DEFAULT 0");
  database.exec(schema_sql(Dialect::sqlite, 3));
  const std::string month =
      "(CAST(strftime('%Y', p.date * 86400, 'unixepoch') AS INTEGER) * 12 + "
      "CAST(strftime('%m', p.date * 86400, 'unixepoch') AS INTEGER) - 1)";
  database.exec(
      "INSERT INTO movements SELECT p.account_id, p.fund_id, COALESCE(p.donor_id, 0), COALESCE(p.project_id, 0), "
      "COALESCE(p.pledge_id, 0), p.currency_id, " + month + ", " + movement_kind_sql() + ", "
      "SUM(CASE WHEN p.amount_minor > 0 THEN p.amount_minor ELSE 0 END), "
      "SUM(CASE WHEN p.amount_minor < 0 THEN -p.amount_minor ELSE 0 END), "
      "SUM(CASE WHEN p.functional_minor > 0 THEN p.functional_minor ELSE 0 END), "
      "SUM(CASE WHEN p.functional_minor < 0 THEN -p.functional_minor ELSE 0 END) " +
      std::string(events_with_reversed) + "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8");
  database.exec(
      "INSERT INTO monthly_kinds SELECT account_id, fund_id, month, kind, SUM(debit_minor), SUM(credit_minor), "
      "SUM(functional_debit_minor), SUM(functional_credit_minor) FROM movements GROUP BY 1, 2, 3, 4");
  database.exec("PRAGMA user_version = 3");
  transaction.commit();
}

// Version 4: a holding's moves may take effect on a day of their own; reductions cut instalments
// not yet recognized; holdings by pledge. Nothing of version 3 changes.
void migrate_to_4(SQLite::Database& database) {
  SQLite::Transaction transaction(database);
  database.exec("ALTER TABLE holding_moves ADD COLUMN day INTEGER NOT NULL DEFAULT 0");
  database.exec("UPDATE holding_moves SET day = (SELECT date FROM events WHERE seq = holding_moves.event_seq)");
  database.exec(schema_sql(Dialect::sqlite, 4));
  database.exec("PRAGMA user_version = 4");
  transaction.commit();
}

// Version 5: the movements summed over their months, from the movements table.
void migrate_to_5(SQLite::Database& database) {
  SQLite::Transaction transaction(database);
  database.exec(schema_sql(Dialect::sqlite, 5));
  database.exec(movement_totals_fill);
  database.exec("PRAGMA user_version = 5");
  transaction.commit();
}

}  // namespace

void create_schema(SQLite::Database& database) {
  database.exec(schema_sql(Dialect::sqlite));
  database.exec(schema_triggers);
  database.exec("PRAGMA application_id = " + std::to_string(application_id));
  database.exec("PRAGMA user_version = " + std::to_string(schema_version));
}

void check_and_migrate(SQLite::Database& database, bool writable) {
  const auto id = database.execAndGet("PRAGMA application_id").getInt();
  const auto version = database.execAndGet("PRAGMA user_version").getInt();
  if (id != application_id) {
    throw Error(ErrorCode::storage,
                "it is not a fundledger ledger (wrong application id)");
  }
  if (version > schema_version) {
    throw Error(ErrorCode::storage, "it has schema version " +
                                        std::to_string(version) + ", newer than this fundledger (" +
                                        std::to_string(schema_version) + "): upgrade fundledger");
  }
  if (version < 1) {
    throw Error(ErrorCode::storage, "it has no fundledger schema");
  }
  if (version < schema_version && !writable) {
    throw Error(ErrorCode::storage, "it has schema version " + std::to_string(version) +
                                        ": upgrade it (fundledger upgrade, or any command that writes) to bring it up to version " +
                                        std::to_string(schema_version));
  }
  // Migrations from older versions, each in its own transaction, in order.
  if (version < 2) {
    // Version 2: a holding keeps the pledge its posting named (a refund payable for a pledge).
    SQLite::Transaction transaction(database);
    database.exec("ALTER TABLE holdings ADD COLUMN pledge_id INTEGER NOT NULL DEFAULT 0");
    database.exec(
        "UPDATE holdings SET pledge_id = IFNULL((SELECT p.pledge_id FROM postings p WHERE p.seq = holdings.seq "
        "AND p.account_id = holdings.account_id AND p.amount_minor < 0 ORDER BY p.line LIMIT 1), 0)");
    database.exec("PRAGMA user_version = 2");
    transaction.commit();
  }
  if (version < 3) migrate_to_3(database);
  if (version < 4) migrate_to_4(database);
  if (version < 5) migrate_to_5(database);
  // The index of the postings by pledge (what a receipt reads of its pledge) came within version 3,
  // which needs no other change for it: a ledger written before it gets it at its next writing.
  if (writable &&
      database.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'postings_by_pledge'").getInt() == 0) {
    database.exec(index_sql(postings_by_pledge()));
  }
}

void configure_connection(SQLite::Database& database, bool writable, int busy_timeout_ms) {
  database.setBusyTimeout(busy_timeout_ms);
  if (writable) database.exec("PRAGMA journal_mode = WAL");
  // A 64 MiB page cache: an import touches the journal's newest pages and the indexes over and
  // over, and re-reading them from the file would dominate its time.
  database.exec("PRAGMA cache_size = -65536");
  database.exec("PRAGMA synchronous = FULL");
  database.exec("PRAGMA foreign_keys = ON");
}

}  // namespace fundledger::store
