// The stores a test run has, for the conformance suite: an SQLite file always, and a PostgreSQL
// database when FUNDLEDGER_TEST_POSTGRESQL is the URL of a server's "postgres" database, on which
// each ledger gets a database of its own (the test store.conformance.postgresql starts a server of
// its own with tools/pg_cluster.py).
#pragma once

#include "support/ledger_helpers.hpp"

#ifdef FUNDLEDGER_TEST_WITH_POSTGRESQL
#include <libpq-fe.h>
#endif

#include <cctype>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <unistd.h>
#include <memory>
#include <string>
#include <vector>

namespace fundledger::test {

struct StoreBackend {
  std::string name;
  // A new, empty location for a ledger of this name: a file path, or a URL of a database.
  std::function<std::string(const std::string& name)> location;
};

#ifdef FUNDLEDGER_TEST_WITH_POSTGRESQL
// Creates the database name on the server whose "postgres" database is at server_url, and returns
// the URL of the new database.
inline std::string create_postgresql_database(const std::string& server_url, const std::string& name) {
  PGconn* connection = PQconnectdb(server_url.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(connection);
    PQfinish(connection);
    throw std::runtime_error("cannot reach the test server " + server_url + ": " + message);
  }
  PGresult* result = PQexec(connection, ("CREATE DATABASE \"" + name + "\"").c_str());
  const bool created = PQresultStatus(result) == PGRES_COMMAND_OK;
  const std::string message = PQerrorMessage(connection);
  PQclear(result);
  PQfinish(connection);
  if (!created) throw std::runtime_error("cannot create the test database " + name + ": " + message);
  std::string url = server_url;
  url.replace(url.find("/postgres?"), 10, "/" + name + "?");
  return url;
}
#endif

inline std::vector<StoreBackend> store_backends() {
  static TemporaryDirectory directory;
  static int serial = 0;
  std::vector<StoreBackend> backends;
  backends.push_back({"sqlite", [](const std::string& name) {
                        return directory.file(name + "-" + std::to_string(++serial) + ".db");
                      }});
#ifdef FUNDLEDGER_TEST_WITH_POSTGRESQL
  if (const char* server = std::getenv("FUNDLEDGER_TEST_POSTGRESQL"); server && *server) {
    const std::string server_url = server;
    backends.push_back({"postgresql", [server_url](const std::string& name) {
                          std::string database = "t" + std::to_string(getpid()) + "_" + std::to_string(++serial) + "_";
                          for (char c : name) database += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                          return create_postgresql_database(server_url, database);
                        }});
  }
#endif
  return backends;
}

}  // namespace fundledger::test
