// The PostgreSQL driver of the store: a Connection over libpq.
//
// Statements are prepared once per connection (their "?" placeholders rewritten to $1, $2...),
// bound with text parameters and read as text. A statement prepared for one use that returns rows
// (a journal scan, a table of verify) reads through a server-side cursor, a batch at a time, so
// that a scan of millions of rows never sits in memory whole, and several scans can be open at
// once in one transaction.
//
// Writes that return nothing (INSERT, UPDATE, DELETE of a prepared statement, inside a writing
// transaction) are pipelined: sent without waiting for their answer, and their answers read at the
// next statement that returns rows, at the commit, or every few hundred writes. An event's rows then
// cost one round trip to the server rather than one each; a failure among them fails the
// transaction as surely, only a little later (and a transaction that failed is rolled back whole).
//
// Transactions: a reader takes one snapshot (REPEATABLE READ, READ ONLY); a writer runs in READ
// COMMITTED and first locks the ledger's one head row (FOR UPDATE), so that writers append one at a
// time and the hash chain stays linear, while readers never wait (MVCC). A writer that cannot get
// the head within the busy timeout (lock_timeout) gives up with Error (busy): nothing written.
#include "store/pg_connection.hpp"

#include "store/pg_schema.hpp"
#include "store/pq_library.hpp"

#include <fundledger/error.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace fundledger::store {

namespace {

// A failure reported by PostgreSQL, with its SQLSTATE.
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string state) : std::runtime_error(message), state_(std::move(state)) {}
  const std::string& state() const { return state_; }

 private:
  std::string state_;
};

struct ClearResult {
  void operator()(PGresult* result) const { pq().PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

// Throws PgError unless the result is a success.
Result checked(PGconn* connection, PGresult* raw) {
  Result result(raw);
  const ExecStatusType status = result ? pq().PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = result ? pq().PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? pq().PQresultErrorMessage(result.get()) : pq().PQerrorMessage(connection);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw PgError(message, state ? state : "");
}

// "?" placeholders as PostgreSQL's $1, $2...; a quoted literal is left as it is.
std::string numbered(const std::string& sql, int& count) {
  std::string out;
  bool quoted = false;
  count = 0;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += '$' + std::to_string(++count);
    } else {
      out += c;
    }
  }
  return out;
}

class PgConnection;

class PgStatement final : public Statement {
 public:
  // A prepared statement (name), or one used once (no name), read through a cursor when it
  // returns rows.
  PgStatement(PgConnection& connection, std::string sql, std::string name, int parameters)
      : connection_(connection), sql_(std::move(sql)), name_(std::move(name)), values_(parameters),
        writes_only_(!name_.empty() && returns_nothing(sql_)) {}
  ~PgStatement() override { close_cursor(); }

  void bind(int index, std::int64_t value) override { values_.at(index - 1) = std::to_string(value); }
  void bind(int index, std::string_view text) override { values_.at(index - 1) = std::string(text); }
  void bind_null(int index) override { values_.at(index - 1).reset(); }
  bool step() override;
  bool is_null(int column) const override { return pq().PQgetisnull(result_.get(), row_, column) != 0; }
  std::int64_t integer(int column) const override {
    if (is_null(column)) return 0;
    const char* value = pq().PQgetvalue(result_.get(), row_, column);
    if (value[0] == 't' || value[0] == 'f') return value[0] == 't' ? 1 : 0;  // a boolean
    return std::stoll(value);
  }
  std::string text(int column) const override {
    if (is_null(column)) return {};
    return pq().PQgetvalue(result_.get(), row_, column);
  }
  int columns() const override { return result_ ? pq().PQnfields(result_.get()) : 0; }
  void reset() override {
    close_cursor();
    result_.reset();
    executed_ = false;
    for (auto& value : values_) value.reset();
  }

 private:
  void execute();
  bool fetch();
  void close_cursor() noexcept;

  // An INSERT, UPDATE or DELETE without RETURNING: its answer says nothing but success.
  static bool returns_nothing(const std::string& sql) {
    return (sql.rfind("INSERT", 0) == 0 || sql.rfind("UPDATE", 0) == 0 || sql.rfind("DELETE", 0) == 0) &&
           sql.find("RETURNING") == std::string::npos;
  }

  PgConnection& connection_;
  std::string sql_;
  std::string name_;
  std::vector<std::optional<std::string>> values_;
  bool writes_only_;
  Result result_;
  int row_ = -1;
  bool executed_ = false;
  std::string cursor_;
};

class PgConnection final : public Connection {
 public:
  PgConnection(const std::string& url, bool writable, int busy_timeout_ms)
      : connection_(pq().PQconnectdb(url.c_str())), writable_(writable), busy_timeout_ms_(busy_timeout_ms) {
    if (pq().PQstatus(connection_.get()) != CONNECTION_OK) {
      std::string message = pq().PQerrorMessage(connection_.get());
      while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
      // libpq reports a failed connection without an SQLSTATE: a missing database is told apart by
      // its message, so that it reads as a ledger that does not exist.
      const bool missing = message.find("database \"") != std::string::npos && message.find("does not exist") != std::string::npos;
      throw PgError("cannot connect: " + message, missing ? "3D000" : "08000");
    }
    execute("SET client_min_messages = warning");
  }

  ~PgConnection() override { abandon_pipeline(); }

  PGconn* raw() const { return connection_.get(); }

  // Sends a prepared write without waiting for its answer (in a writing transaction); otherwise
  // returns false, and the caller runs it as any statement.
  bool send_write(const std::string& name, const std::vector<const char*>& parameters) {
    if (!in_write_) return false;
    if (!pipelining_) {
      if (pq().PQenterPipelineMode(raw()) != 1) throw PgError("cannot pipeline: " + std::string(pq().PQerrorMessage(raw())), "08000");
      pipelining_ = true;
    }
    if (pq().PQsendQueryPrepared(raw(), name.c_str(), static_cast<int>(parameters.size()), parameters.data(), nullptr,
                            nullptr, 0) != 1) {
      throw PgError("cannot send a statement: " + std::string(pq().PQerrorMessage(raw())), "08000");
    }
    // Answers are read every so often, so that neither side's buffers fill while the other waits.
    if (++pending_ >= max_pending) drain();
    return true;
  }
  // Reads the answers of every pipelined write and leaves pipeline mode; throws the first failure.
  void drain() {
    if (!pipelining_) return;
    std::optional<PgError> failure = finish_pipeline();
    if (failure) throw *failure;
  }

  Statement& prepare(const std::string& sql) override {
    auto found = cache_.find(sql);
    if (found == cache_.end()) {
      drain();
      int count = 0;
      const std::string text = numbered(sql, count);
      const std::string name = "s" + std::to_string(cache_.size() + 1);
      checked(raw(), pq().PQprepare(raw(), name.c_str(), text.c_str(), count, nullptr));
      found = cache_.emplace(sql, std::make_unique<PgStatement>(*this, text, name, count)).first;
    }
    found->second->reset();
    return *found->second;
  }
  std::unique_ptr<Statement> prepare_once(const std::string& sql) override {
    int count = 0;
    std::string text = numbered(sql, count);
    return std::make_unique<PgStatement>(*this, std::move(text), "", count);
  }
  void execute(const std::string& sql) override {
    drain();
    checked(raw(), pq().PQexec(raw(), sql.c_str()));
  }
  void begin_read() override { execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }
  void begin_write() override {
    execute("BEGIN ISOLATION LEVEL READ COMMITTED");
    in_write_ = true;
    try {
      execute("SET LOCAL lock_timeout = " + std::to_string(busy_timeout_ms_ > 0 ? busy_timeout_ms_ : 1));
      // The head of the chain: one writer at a time appends to the journal.
      execute("SELECT id FROM fundledger_head WHERE id = 1 FOR UPDATE");
    } catch (...) {
      rollback();
      throw;
    }
  }
  void commit() override {
    in_write_ = false;
    execute("COMMIT");
  }
  void rollback() noexcept override {
    in_write_ = false;
    abandon_pipeline();
    try {
      execute("ROLLBACK");
    } catch (...) {
      // The connection is gone: the server rolls the transaction back by itself.
    }
  }
  bool writable() const override { return writable_; }
  Error translate(const std::exception& error, const std::string& doing) const override { return pg_error(error, doing); }
  std::string next_cursor() { return "fundledger_cursor_" + std::to_string(++cursors_); }

 private:
  // Writes sent before their answers are read.
  static constexpr int max_pending = 500;

  // Reads every answer up to the end of the pipeline; the first failure among them.
  std::optional<PgError> finish_pipeline() noexcept {
    std::optional<PgError> failure;
    const bool sync_sent = pq().PQpipelineSync(raw()) == 1;
    if (!sync_sent) failure = PgError("cannot end a pipeline: " + std::string(pq().PQerrorMessage(raw())), "08000");
    // Each write's answer ends with a null result; the pipeline ends with its sync result. A
    // connection lost midway may give null results without end, and still read as OK: more ends
    // than writes sent mean that no sync result is coming.
    int ends = 0;
    while (sync_sent) {
      if (pq().PQstatus(raw()) != CONNECTION_OK) {
        if (!failure) failure = PgError("the connection to the server was lost", "08006");
        break;
      }
      PGresult* result = pq().PQgetResult(raw());
      if (!result) {
        if (++ends <= pending_ + 1) continue;  // the end of one write's answer
        if (!failure) failure = PgError("the connection to the server was lost", "08006");
        break;
      }
      const ExecStatusType status = pq().PQresultStatus(result);
      if (status == PGRES_FATAL_ERROR && !failure) {
        const char* state = pq().PQresultErrorField(result, PG_DIAG_SQLSTATE);
        std::string message = pq().PQresultErrorMessage(result);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
        failure = PgError(message, state ? state : "");
      }
      pq().PQclear(result);
      if (status == PGRES_PIPELINE_SYNC) break;
    }
    pending_ = 0;
    pipelining_ = false;
    if (pq().PQexitPipelineMode(raw()) != 1 && !failure) {
      failure = PgError("cannot leave a pipeline: " + std::string(pq().PQerrorMessage(raw())), "08000");
    }
    return failure;
  }
  void abandon_pipeline() noexcept {
    if (pipelining_) finish_pipeline();
  }

  struct Finish {
    void operator()(PGconn* connection) const { pq().PQfinish(connection); }
  };
  std::unique_ptr<PGconn, Finish> connection_;
  bool writable_;
  int busy_timeout_ms_;
  bool in_write_ = false;
  bool pipelining_ = false;
  int pending_ = 0;
  std::unordered_map<std::string, std::unique_ptr<PgStatement>> cache_;
  std::int64_t cursors_ = 0;
};

std::vector<const char*> parameter_pointers(const std::vector<std::optional<std::string>>& values) {
  std::vector<const char*> pointers;
  for (const auto& value : values) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

// Rows are fetched from a cursor this many at a time.
constexpr int cursor_batch = 2000;

void PgStatement::execute() {
  PGconn* raw = connection_.raw();
  const std::vector<const char*> parameters = parameter_pointers(values_);
  const int count = static_cast<int>(parameters.size());
  executed_ = true;
  row_ = -1;
  if (writes_only_ && connection_.send_write(name_, parameters)) {
    result_.reset();
    return;
  }
  connection_.drain();
  if (!name_.empty()) {
    result_ = checked(raw, pq().PQexecPrepared(raw, name_.c_str(), count, parameters.data(), nullptr, nullptr, 0));
  } else if (sql_.rfind("SELECT", 0) == 0 && pq().PQtransactionStatus(raw) == PQTRANS_INTRANS) {
    cursor_ = connection_.next_cursor();
    const std::string declare = "DECLARE " + cursor_ + " NO SCROLL CURSOR FOR " + sql_;
    checked(raw, pq().PQexecParams(raw, declare.c_str(), count, nullptr, parameters.data(), nullptr, nullptr, 0));
    fetch();
  } else {
    result_ = checked(raw, pq().PQexecParams(raw, sql_.c_str(), count, nullptr, parameters.data(), nullptr, nullptr, 0));
  }
}

bool PgStatement::fetch() {
  connection_.drain();
  const std::string command = "FETCH " + std::to_string(cursor_batch) + " FROM " + cursor_;
  result_ = checked(connection_.raw(), pq().PQexec(connection_.raw(), command.c_str()));
  row_ = -1;
  return pq().PQntuples(result_.get()) > 0;
}

bool PgStatement::step() {
  if (!executed_) execute();
  if (!result_ || pq().PQresultStatus(result_.get()) != PGRES_TUPLES_OK) return false;
  if (++row_ < pq().PQntuples(result_.get())) return true;
  if (cursor_.empty() || pq().PQntuples(result_.get()) < cursor_batch) return false;
  return fetch() && ++row_ < pq().PQntuples(result_.get());
}

void PgStatement::close_cursor() noexcept {
  if (cursor_.empty()) return;
  try {
    connection_.drain();
  } catch (...) {
    // The transaction failed: it is rolled back whole, cursor and all.
  }
  const std::string command = "CLOSE " + cursor_;
  PGresult* result = pq().PQexec(connection_.raw(), command.c_str());
  pq().PQclear(result);  // fails harmlessly when the transaction is already over
  cursor_.clear();
}

}  // namespace

Error pg_error(const std::exception& error, const std::string& doing) {
  if (const auto* known = dynamic_cast<const Error*>(&error)) return *known;
  if (const auto* pg = dynamic_cast<const PgError*>(&error)) {
    const std::string& state = pg->state();
    // Waiting for another writer past the busy timeout, a serialization failure, a deadlock: all
    // rolled back, and safe to retry.
    if (state == "55P03" || state == "40001" || state == "40P01" || state == "57014") {
      return Error(ErrorCode::busy, "the ledger stayed busy with another writer while " + doing +
                                        "; nothing was written, and it is safe to retry");
    }
    if (state == "3D000") return Error(ErrorCode::input_unreadable, "no such database (create it with createdb, then fundledger init)");
    if (state.rfind("08", 0) == 0) return Error(ErrorCode::storage, "the database server cannot be reached while " + doing + ": " + pg->what());
    if (state == "53100") return Error(ErrorCode::storage, "the database server's disk is full while " + doing + "; nothing was written");
    if (state == "25006") {
      return Error(ErrorCode::storage, "the database is read-only here (a standby?) while " + doing + "; nothing was written");
    }
    if (state == "42501") {
      return Error(ErrorCode::storage, "the database role may not write here while " + doing + " (" + pg->what() +
                                           "); nothing was written");
    }
  }
  return Error(ErrorCode::storage, std::string("storage failure while ") + doing + ": " + error.what());
}

std::unique_ptr<Connection> open_postgresql(const std::string& url, bool writable, bool create, int busy_timeout_ms) {
  auto connection = std::make_unique<PgConnection>(url, writable, busy_timeout_ms);
  if (create) {
    create_pg_schema(*connection);
  } else {
    check_pg_schema(*connection);
  }
  return connection;
}

}  // namespace fundledger::store
