// The SQLite driver of the store: a Connection over SQLiteCpp, with the ledger file's opening
// rules (schema check and migration before anything is set, WAL for writers, nothing created by a
// reader) and SQLite's failures mapped to fundledger::Error.
#include "store/sqlite_connection.hpp"

#include "store/schema.hpp"

#include <fundledger/error.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <filesystem>
#include <limits>
#include <unordered_map>

namespace fundledger::store {

namespace {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(SQLite::Database& database, const std::string& sql) : statement_(database, sql) {}
  void bind(int index, std::int64_t value) override { statement_.bind(index, value); }
  void bind(int index, std::string_view text) override { statement_.bind(index, std::string(text)); }
  void bind_null(int index) override { statement_.bind(index); }
  bool step() override { return statement_.executeStep(); }
  bool is_null(int column) const override { return statement_.getColumn(column).isNull(); }
  std::int64_t integer(int column) const override { return statement_.getColumn(column).getInt64(); }
  std::string text(int column) const override { return statement_.getColumn(column).getString(); }
  int columns() const override { return statement_.getColumnCount(); }
  void reset() override {
    statement_.reset();
    statement_.clearBindings();
  }

 private:
  SQLite::Statement statement_;
};

// A read-only opening creates nothing: a ledger that no writer has open (it has no -wal file, which
// a writer keeps while it is connected) is read as the file stands, as an immutable database, so
// that SQLite neither needs nor leaves the -wal and -shm files beside it. That is what lets an
// auditor read a copy on read-only media, and keeps a reader from leaving files another user's
// writer could not open. With a writer connected, the reader shares its -wal and -shm.
// A reader that shares the ledger with writers for long (shared_reads) always reads through the
// WAL index instead: a writer that starts later could otherwise change pages under it.
bool read_as_immutable(const std::string& path, bool writable, bool shared_reads) {
  std::error_code ignored;
  return !writable && !shared_reads && !std::filesystem::exists(path + "-wal", ignored);
}

std::string immutable_uri(const std::string& path) {
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7f) {
      constexpr char hex[] = "0123456789ABCDEF";
      uri += '%';
      uri += hex[c >> 4];
      uri += hex[c & 15];
    } else {
      uri += static_cast<char>(c);
    }
  }
  return uri + "?immutable=1";
}

// A connection is used by one thread at a time (a Ledger is), so SQLite's own per-call mutexes
// are not needed: OPEN_NOMUTEX.
int open_flags(const std::string& path, bool writable, bool create, bool shared_reads) {
  if (read_as_immutable(path, writable, shared_reads)) return SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLite::OPEN_NOMUTEX;
  if (!writable) return SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX;
  return SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX | (create ? SQLite::OPEN_CREATE : 0);
}

std::string database_name(const std::string& path, bool writable, bool shared_reads) {
  return read_as_immutable(path, writable, shared_reads) ? immutable_uri(path) : path;
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, bool writable, bool create, int busy_timeout_ms, bool shared_reads,
                   bool unshared_build)
      : path_(path),
        writable_(writable),
        unshared_build_(unshared_build),
        database_(database_name(path, writable, shared_reads), open_flags(path, writable, create, shared_reads)) {
    // An existing file is checked before anything is set on it: turning on WAL would write to a
    // file that is not a ledger (another application's database, an empty file) before it is
    // refused.
    // The busy timeout writes nothing, and a migration (or the index a ledger gets at its next
    // writing) waits for other writers as every write does.
    database_.setBusyTimeout(busy_timeout_ms);
    if (!create) check_and_migrate(database_, writable);
    configure_connection(database_, writable, busy_timeout_ms);
    if (create) {
      database_.exec("BEGIN");
      create_schema(database_);
      database_.exec("COMMIT");
    }
    if (unshared_build_) {
      // Every page an unshared build writes is new, so that its rollback journal stays small.
      database_.exec("PRAGMA journal_mode = MEMORY");
      database_.exec("PRAGMA synchronous = OFF");
      // Replay writes the master data its rebuild in memory holds after the postings that name
      // it, which a check of each row as it is written would refuse (and a check deferred to the
      // commit makes SQLite look for the postings of every master record it inserts): every
      // reference is checked once, when the build is finished, and only there.
      database_.exec("PRAGMA foreign_keys = OFF");
    }
  }

  void finish_build() override {
    if (!unshared_build_) return;
    {
      SQLite::Statement check(database_, "PRAGMA foreign_key_check");
      if (check.executeStep()) {
        // A table without rowids (postings) has none to name.
        const std::string rowid = check.getColumn(1).isNull() ? "" : " (rowid " + check.getColumn(1).getString() + ")";
        throw Error(ErrorCode::storage, "the ledger built at " + path_ + " is not whole: a row of " +
                                            check.getColumn(0).getString() + rowid + " names a missing row of " +
                                            check.getColumn(2).getString());
      }
    }
    database_.exec("PRAGMA foreign_keys = ON");
    database_.exec("PRAGMA journal_mode = WAL");
    database_.exec("PRAGMA synchronous = FULL");
    unshared_build_ = false;
  }

  Statement& prepare(const std::string& sql) override {
    auto found = cache_.find(sql);
    if (found == cache_.end()) found = cache_.emplace(sql, std::make_unique<SqliteStatement>(database_, sql)).first;
    found->second->reset();
    return *found->second;
  }
  std::unique_ptr<Statement> prepare_once(const std::string& sql) override {
    return std::make_unique<SqliteStatement>(database_, sql);
  }
  void execute(const std::string& sql) override { database_.exec(sql); }
  void begin_read() override { database_.exec("BEGIN"); }
  void begin_write() override { database_.exec("BEGIN IMMEDIATE"); }
  void commit() override { database_.exec("COMMIT"); }
  void rollback() noexcept override {
    for (auto& [sql, statement] : cache_) {
      try {
        statement->reset();
      } catch (...) {
        // A statement that cannot reset is prepared again on its next use.
      }
    }
    try {
      database_.exec("ROLLBACK");
    } catch (...) {
      // The transaction is already gone (SQLite rolls back on some errors by itself).
    }
  }
  bool writable() const override { return writable_; }
  bool groups_by_sorting() const override { return true; }
  Error translate(const std::exception& error, const std::string& doing) const override {
    return sqlite_error(error, doing);
  }

 private:
  std::string path_;
  bool writable_;
  bool unshared_build_;
  SQLite::Database database_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> cache_;
};

}  // namespace

Error sqlite_error(const std::exception& error, const std::string& doing) {
  if (const auto* known = dynamic_cast<const Error*>(&error)) return *known;
  if (const auto* sqlite_error = dynamic_cast<const SQLite::Exception*>(&error)) {
    const int code = sqlite_error->getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return Error(ErrorCode::busy, "the ledger stayed busy with another writer while " + doing +
                                        "; nothing was written, and it is safe to retry");
    }
    if (code == SQLITE_NOTADB) return Error(ErrorCode::storage, "the file is not a fundledger ledger (not an SQLite database)");
    if (code == SQLITE_READONLY) return Error(ErrorCode::storage, "the ledger is read-only here while " + doing);
    if (code == SQLITE_FULL) return Error(ErrorCode::storage, "the disk is full while " + doing + "; nothing was written");
  }
  return Error(ErrorCode::storage, std::string("storage failure while ") + doing + ": " + error.what());
}

std::unique_ptr<Connection> open_sqlite(const std::string& path, bool writable, bool create, int busy_timeout_ms,
                                        bool shared_reads, bool unshared_build) {
  return std::make_unique<SqliteConnection>(path, writable, create, busy_timeout_ms, shared_reads, unshared_build);
}

}  // namespace fundledger::store
