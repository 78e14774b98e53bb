// Private: the store over an SQL connection, the same queries for every backend.
#pragma once

#include "store/sql.hpp"
#include "store/store.hpp"

#include <functional>
#include <memory>
#include <string>

namespace fundledger::store {

// A Store whose transactions run the store's queries on connection. location names the ledger in
// messages; discard removes an empty ledger from its database (none for a file).
std::unique_ptr<Store> make_sql_store(std::unique_ptr<Connection> connection, std::string location,
                                      std::function<void(Connection&)> discard = {});

}  // namespace fundledger::store
