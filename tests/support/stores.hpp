// The stores a test run has, for the conformance suite and the library tests: an SQLite file
// always, and a PostgreSQL database when FUNDLEDGER_TEST_POSTGRESQL names a server to create
// databases on (tools/test starts one of its own).
#pragma once

#include "support/ledger_helpers.hpp"

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fundledger::test {

struct StoreBackend {
  std::string name;
  // A new, empty location for a ledger of this name: a file path, or a URL of a database.
  std::function<std::string(const std::string& name)> location;
};

inline std::vector<StoreBackend> store_backends() {
  static TemporaryDirectory directory;
  static int serial = 0;
  std::vector<StoreBackend> backends;
  backends.push_back({"sqlite", [](const std::string& name) {
                        return directory.file(name + "-" + std::to_string(++serial) + ".db");
                      }});
  return backends;
}

}  // namespace fundledger::test
