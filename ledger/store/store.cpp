// Opening a store: an SQLite file, or a PostgreSQL database; and the SQL store's transactions.
#include "store/store.hpp"

#include "store/sql_store.hpp"
#include "store/sql_txn.hpp"
#include "store/sqlite_connection.hpp"

#include <fundledger/error.hpp>

#include <filesystem>

namespace fundledger::store {

const std::vector<TableSpec>& tables() {
  static const std::vector<TableSpec> all = {
      {"events", "seq", "event_id, type, date, body, recorded_at, prev_hash, hash"},
      {"postings", "seq, line",
       "date, account_id, fund_id, donor_id, project_id, pledge_id, currency_id, amount_minor, functional_minor, kind"},
      {"currencies", "id", "code, minor_units, declared"},
      {"accounts", "id", "code, name, class, seq"},
      {"funds", "id", "code, name, kind, parent_id, seq"},
      {"donors", "id", "code, name, category, country, seq"},
      {"projects", "id", "code, name, fund_id, psc_rate, seq"},
      {"pledges", "id",
       "code, seq, donor_id, fund_id, purpose, currency_id, amount_minor, signed, conditional, project_id, psc_rate, "
       "reversed"},
      {"instalments", "pledge_id, line", "due, amount_minor, recognized"},
      {"rates", "currency_id, effective", "per_usd, seq"},
      {"settings", "key, effective", "value, seq"},
      {"holdings", "seq", "account_id, fund_id, donor_id, pledge_id, currency_id, amount_minor, functional_minor"},
      {"holding_moves", "event_seq, holding_seq, amount_minor, functional_minor", ""},
      {"reversals", "reversed_seq", "reversal_seq"},
      {"periods", "period", "close_seq, head_hash, balances_hash"},
      {"balances", "account_id, fund_id, donor_id, project_id, pledge_id, currency_id",
       "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor"},
      {"monthly_balances", "account_id, fund_id, currency_id, month",
       "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor"},
  };
  return all;
}

namespace {

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<Connection> connection, std::string location)
      : connection_(std::move(connection)), location_(std::move(location)) {}
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

 private:
  std::unique_ptr<Connection> connection_;
  std::string location_;
};

bool is_postgresql_url(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Store> open_sqlite_store(const std::string& path, OpenMode mode, bool create, const Options& options) {
  std::error_code ignored;
  if (create && std::filesystem::exists(path, ignored)) {
    throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + path + ": the file already exists");
  }
  if (!create && !std::filesystem::is_regular_file(path, ignored)) {
    throw Error(ErrorCode::input_unreadable,
                "cannot open the ledger " + path + ": no such file (create one with fundledger init)");
  }
  try {
    return make_sql_store(open_sqlite(path, mode == OpenMode::read_write, create, options.busy_timeout_ms), path);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::storage) {
      throw Error(ErrorCode::storage, "cannot open the ledger " + path + ": " + error.what());
    }
    throw;
  } catch (const std::exception& error) {
    if (create) throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + path + ": " + error.what());
    const Error mapped = sqlite_error(error, "opening it");
    throw Error(mapped.code(), "cannot open the ledger " + path + ": " + mapped.what());
  }
}

}  // namespace

std::unique_ptr<Store> make_sql_store(std::unique_ptr<Connection> connection, std::string location) {
  return std::make_unique<SqlStore>(std::move(connection), std::move(location));
}

std::unique_ptr<Store> open_store(const std::string& location, OpenMode mode, bool create, const Options& options) {
  if (is_postgresql_url(location)) {
    throw Error(ErrorCode::usage, "this fundledger was built without PostgreSQL: " + location.substr(0, 13) + "...");
  }
  return open_sqlite_store(location, mode, create, options);
}

}  // namespace fundledger::store
