// Opening a store: an SQLite file, or a PostgreSQL database; and the SQL store's transactions.
#include "store/store.hpp"

#include "store/sql_store.hpp"
#include "store/sql_txn.hpp"
#include "store/sqlite_connection.hpp"
#include "store/tables.hpp"
#ifdef FUNDLEDGER_WITH_POSTGRESQL
#include "store/pg_connection.hpp"
#include "store/pg_schema.hpp"
#endif

#include <fundledger/error.hpp>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <filesystem>
#include <thread>

namespace fundledger::store {

const std::vector<TableSpec>& tables() {
  static const std::vector<TableSpec> all = [] {
    std::vector<TableSpec> specs;
    for (const TableDef& table : table_definitions()) {
      // The primary key, then the other columns in the table's order; a table without one is keyed
      // by the whole row.
      TableSpec& spec = specs.emplace_back(TableSpec{table.name, "", ""});
      auto add = [](std::string& list, const std::string& name) { list += (list.empty() ? "" : ", ") + name; };
      for (const std::string& name : table.key) add(spec.key, name);
      for (const ColumnDef& column : table.columns) {
        const bool in_key = std::find(table.key.begin(), table.key.end(), column.name) != table.key.end();
        if (!in_key) add(table.key.empty() ? spec.key : spec.columns, column.name);
      }
    }
    return specs;
  }();
  return all;
}

const TableSpec& table_named(std::string_view name) {
  const auto& all = tables();
  const auto found = std::find_if(all.begin(), all.end(), [name](const TableSpec& spec) { return spec.name == name; });
  if (found == all.end()) throw std::logic_error("no table " + std::string(name));
  return *found;
}

namespace {

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<Connection> connection, std::string location, std::function<void(Connection&)> discard)
      : connection_(std::move(connection)), location_(std::move(location)), discard_(std::move(discard)) {}
  const std::string& location() const override { return location_; }
  std::unique_ptr<ReadTxn> read() override {
    try {
      return std::make_unique<SqlTxn>(*connection_, false);
    } catch (const std::exception& error) {
      fail(error, "reading " + location_);
    }
  }
  std::unique_ptr<WriteTxn> write() override {
    if (!connection_->writable()) throw Error(ErrorCode::usage, "the ledger " + location_ + " was opened read-only");
    try {
      return std::make_unique<SqlTxn>(*connection_, true);
    } catch (const std::exception& error) {
      fail(error, "starting to write to " + location_);
    }
  }
  Error translate(const std::exception& error, const std::string& doing) const override {
    return connection_->translate(error, doing);
  }
  void finish_build() override {
    try {
      connection_->finish_build();
    } catch (const std::exception& error) {
      fail(error, "finishing " + location_);
    }
  }
  void discard_if_empty() override {
    if (!discard_) return;
    try {
      discard_(*connection_);
    } catch (const std::exception& error) {
      fail(error, "removing the empty ledger " + location_);
    }
  }

 private:
  std::unique_ptr<Connection> connection_;
  std::string location_;
  std::function<void(Connection&)> discard_;
};

std::unique_ptr<Store> open_sqlite_store(const std::string& path, OpenMode mode, bool create, const Options& options) {
  std::error_code ignored;
  if (create && std::filesystem::exists(path, ignored)) {
    throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + path + ": the file already exists");
  }
  if (!create && !std::filesystem::is_regular_file(path, ignored)) {
    throw Error(ErrorCode::input_unreadable,
                "cannot open the ledger " + path + ": no such file (create one with fundledger init)");
  }
  // Opening reads the WAL index, which a writer that has just finished may be resetting: SQLite
  // then answers busy at once, without waiting. Such an open is tried again until the busy
  // timeout has passed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.busy_timeout_ms);
  for (;;) {
    try {
      return make_sql_store(
          open_sqlite(path, mode == OpenMode::read_write, create, options.busy_timeout_ms, options.shared_reads,
                      create && options.unshared_build),
          path);
    } catch (const Error& error) {
      if (error.code() == ErrorCode::storage) {
        throw Error(ErrorCode::storage, "cannot open the ledger " + path + ": " + error.what());
      }
      throw;
    } catch (const std::exception& error) {
      if (create) throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + path + ": " + error.what());
      const Error mapped = sqlite_error(error, "opening it");
      if (mapped.code() == ErrorCode::busy && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      throw Error(mapped.code(), "cannot open the ledger " + path + ": " + mapped.what());
    }
  }
}

// The URL as messages show it: without a password, wherever libpq would read one.
std::string without_password(const std::string& url) {
  std::string shown = url;
  const auto scheme_end = shown.find("://");
  const auto authority_end = shown.find_first_of("/?", scheme_end + 3);
  const auto at = shown.rfind('@', authority_end);
  if (at != std::string::npos && at > scheme_end) {
    const auto colon = shown.find(':', scheme_end + 3);
    if (colon != std::string::npos && colon < at) shown.replace(colon, at - colon, ":***");
  }
  for (std::size_t found = shown.find("password="); found != std::string::npos; found = shown.find("password=", found + 1)) {
    const auto end = shown.find('&', found);
    shown.replace(found + 9, (end == std::string::npos ? shown.size() : end) - found - 9, "***");
  }
  return shown;
}

std::unique_ptr<Store> open_postgresql_store(const std::string& url, OpenMode mode, bool create, const Options& options) {
  const std::string shown = without_password(url);
#ifdef FUNDLEDGER_WITH_POSTGRESQL
  try {
    return make_sql_store(open_postgresql(url, mode == OpenMode::read_write, create, options.busy_timeout_ms), shown,
                          drop_empty_pg_ledger);
  } catch (const Error& error) {
    throw Error(error.code(), std::string(create ? "cannot create the ledger " : "cannot open the ledger ") + shown +
                                  ": " + error.what());
  } catch (const std::exception& error) {
    const Error mapped = pg_error(error, create ? "creating it" : "opening it");
    throw Error(create && mapped.code() == ErrorCode::storage ? ErrorCode::output_uncreatable : mapped.code(),
                std::string(create ? "cannot create the ledger " : "cannot open the ledger ") + shown + ": " +
                    mapped.what());
  }
#else
  (void)mode;
  (void)create;
  (void)options;
  throw Error(ErrorCode::usage, "cannot open the ledger " + shown + ": this fundledger was built without PostgreSQL");
#endif
}

}  // namespace

std::unique_ptr<Store> make_sql_store(std::unique_ptr<Connection> connection, std::string location,
                                      std::function<void(Connection&)> discard) {
  return std::make_unique<SqlStore>(std::move(connection), std::move(location), std::move(discard));
}

std::string row_text(std::string text) {
  if (text == "NULL" || (!text.empty() && text.front() == '\'')) text.insert(text.begin(), '\'');
  return text;
}

std::string text_of_row(const std::string& value) {
  return !value.empty() && value.front() == '\'' ? value.substr(1) : value;
}

bool is_database_url(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Store> open_store(const std::string& location, OpenMode mode, bool create, const Options& options) {
  if (is_database_url(location)) return open_postgresql_store(location, mode, create, options);
  return open_sqlite_store(location, mode, create, options);
}

}  // namespace fundledger::store
