// Private: the on-disk format of a ledger and the connection settings every opening applies.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>

namespace fundledger::store {

// PRAGMA application_id of every fundledger ledger: "FLDG". Persisted: never change.
inline constexpr std::int32_t application_id = 0x464C4447;
// The schema this build writes (PRAGMA user_version).
inline constexpr int schema_version = 4;
// Creates every table, index and trigger of the current schema in an empty database.
void create_schema(SQLite::Database& database);
// Checks that the database is a fundledger ledger and brings an older schema up to date (a
// read-only opening refuses an older schema instead). Throws Error (storage) otherwise.
void check_and_migrate(SQLite::Database& database, bool writable);
// WAL, synchronous=FULL, foreign keys, the busy timeout.
void configure_connection(SQLite::Database& database, bool writable, int busy_timeout_ms);

}  // namespace fundledger::store
