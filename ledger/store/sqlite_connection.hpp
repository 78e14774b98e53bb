// Private: the SQLite driver of the store.
#pragma once

#include "store/sql.hpp"

#include <fundledger/error.hpp>

#include <exception>
#include <memory>
#include <string>

namespace fundledger::store {

// Opens the ledger file at path (create: a new one, with the current schema; read-only: creating
// nothing beside it). Throws SQLite's exceptions, or Error (storage) for a file that is not a
// ledger or has a newer schema.
// unshared_build: see Options::unshared_build.
std::unique_ptr<Connection> open_sqlite(const std::string& path, bool writable, bool create, int busy_timeout_ms,
                                        bool shared_reads = false, bool unshared_build = false);

// The Error for an SQLite failure: busy, not a database, read-only, disk full, or a storage
// failure, saying what was being done.
Error sqlite_error(const std::exception& error, const std::string& doing);

}  // namespace fundledger::store
