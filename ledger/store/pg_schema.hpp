// Private: the ledger's schema in a PostgreSQL database.
#pragma once

#include "store/sql.hpp"

namespace fundledger::store {

// Creates every table, function and trigger of the current schema in the connection's current
// schema, which must hold no table, or a ledger with no event (which an interrupted init or replay
// leaves, and which is then kept as it is). Error output_uncreatable otherwise: a database of
// something else, or a ledger already.
void create_pg_schema(Connection& connection);
// Drops the ledger's tables and function when it holds no event; leaves a ledger with events.
void drop_empty_pg_ledger(Connection& connection);
// Checks that the database holds a fundledger ledger of a schema version this build reads, bringing
// one of version 3 up to date first when migrate and the connection may write; Error
// (input_unreadable when it holds no ledger, storage for another application or a newer schema).
void check_pg_schema(Connection& connection, bool migrate = true);

}  // namespace fundledger::store
