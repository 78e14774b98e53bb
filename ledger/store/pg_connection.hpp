// Private: the PostgreSQL driver of the store, over libpq.
#pragma once

#include "store/sql.hpp"

#include <fundledger/error.hpp>

#include <exception>
#include <memory>
#include <string>

namespace fundledger::store {

// Connects to the database at url (libpq's connection string or URL). create: makes the ledger's
// schema in a database that holds no tables; otherwise checks that it holds a ledger of a schema
// this build reads. Throws Error, or the driver's failure (see pg_error).
std::unique_ptr<Connection> open_postgresql(const std::string& url, bool writable, bool create, int busy_timeout_ms);

// The Error for a PostgreSQL failure, by its SQLSTATE: busy (waiting for another writer past the
// busy timeout, a serialization failure or a deadlock: rolled back, safe to retry), or storage (the
// server unreachable, its disk full, a read-only standby, anything else), saying what was being
// done.
Error pg_error(const std::exception& error, const std::string& doing);

}  // namespace fundledger::store
