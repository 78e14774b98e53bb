// Private: the on-disk format of a ledger and the connection settings every opening applies.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>

namespace fundledger::store {

// PRAGMA application_id of every fundledger ledger: "FLDG". Persisted: never change.
inline constexpr std::int32_t application_id = 0x464C4447;
// The schema this build writes (PRAGMA user_version).
inline constexpr int schema_version = 5;
// Fills movement_totals from the movements table (the migration to version 5, in both stores).
inline constexpr const char* movement_totals_fill =
    "INSERT INTO movement_totals (account_id, fund_id, donor_id, project_id, pledge_id, currency_id, kind, "
    "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor) "
    "SELECT account_id, fund_id, donor_id, project_id, pledge_id, currency_id, kind, SUM(debit_minor), "
    "SUM(credit_minor), SUM(functional_debit_minor), SUM(functional_credit_minor) FROM movements "
    "GROUP BY account_id, fund_id, donor_id, project_id, pledge_id, currency_id, kind";
// Creates every table, index and trigger of the current schema in an empty database.
void create_schema(SQLite::Database& database);
// Checks that the database is a fundledger ledger and brings an older schema up to date (a
// read-only opening refuses an older schema instead). Throws Error (storage) otherwise.
void check_and_migrate(SQLite::Database& database, bool writable);
// WAL, synchronous=FULL, foreign keys, the busy timeout.
void configure_connection(SQLite::Database& database, bool writable, int busy_timeout_ms);

}  // namespace fundledger::store
