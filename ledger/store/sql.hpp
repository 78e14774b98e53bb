// Private: the little a store needs of an SQL database, so that one set of queries serves every
// backend. A Connection prepares statements (cached by their text), runs transactions and maps the
// backend's failures to fundledger::Error (busy or storage). Statements take "?" placeholders,
// numbered from 1; a backend that numbers them otherwise ($1, $2 in PostgreSQL) rewrites them.
//
// Only ledger/store/ includes this header: it is the one folder that speaks SQL.
#pragma once

#include <fundledger/error.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fundledger::store {

// A prepared statement, bound and stepped; reset() readies it for the next use.
class Statement {
 public:
  virtual ~Statement() = default;
  virtual void bind(int index, std::int64_t value) = 0;
  virtual void bind(int index, std::string_view text) = 0;
  virtual void bind_null(int index) = 0;
  // Binds value, or NULL when it is 0 (an absent dimension).
  void bind_id(int index, std::int64_t value) {
    if (value) {
      bind(index, value);
    } else {
      bind_null(index);
    }
  }
  void bind_optional(int index, const std::optional<std::int64_t>& value) {
    if (value) {
      bind(index, *value);
    } else {
      bind_null(index);
    }
  }
  // Advances to the next row; false when there is none (or the statement returns no rows).
  virtual bool step() = 0;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;  // NULL reads as 0
  virtual std::string text(int column) const = 0;      // NULL reads as ""
  virtual int columns() const = 0;
  virtual void reset() = 0;
};

// Runs a statement to its end, then resets it.
inline void run(Statement& statement) {
  while (statement.step()) {
  }
  statement.reset();
}

class Connection {
 public:
  virtual ~Connection() = default;
  // The statement for this text, prepared once per connection; reset and unbound.
  virtual Statement& prepare(const std::string& sql) = 0;
  // A statement of its own, for one use.
  virtual std::unique_ptr<Statement> prepare_once(const std::string& sql) = 0;
  virtual void execute(const std::string& sql) = 0;
  // A consistent snapshot for reading; a transaction that holds the right to append.
  virtual void begin_read() = 0;
  virtual void begin_write() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;
  virtual bool writable() const = 0;
  // True where GROUP BY sorts every row it groups (SQLite): summing a large table's rows as they
  // stream is then faster than asking the database to group them.
  virtual bool groups_by_sorting() const { return false; }
  // Store::finish_build.
  virtual void finish_build() {}
  // The fundledger::Error for a failure of this backend: busy (safe to retry), or storage, saying
  // what was being done; a fundledger::Error unchanged.
  virtual Error translate(const std::exception& error, const std::string& doing) const = 0;
};

}  // namespace fundledger::store
