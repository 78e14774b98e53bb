// Private: the store over an SQL connection, the same queries for every backend.
#pragma once

#include "store/sql.hpp"
#include "store/store.hpp"

#include <memory>
#include <string>

namespace fundledger::store {

// A Store whose transactions run the store's queries on connection. location names the ledger in
// messages.
std::unique_ptr<Store> make_sql_store(std::unique_ptr<Connection> connection, std::string location);

}  // namespace fundledger::store
