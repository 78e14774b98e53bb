// Private: the one description of a ledger's tables and indexes, from which the SQLite and the
// PostgreSQL schemas, their migrations and verify's list of tables are all written.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fundledger::store {

enum class Dialect { sqlite, postgresql };

// What a column holds. Every number is an integer: a day number, an id, a seq, an amount in minor
// units, USD in cents.
enum class ColumnType {
  integer,  // an id, a seq, a day, a flag
  exact,    // an amount or a sum: in SQLite a CHECK refuses anything but an integer, so that an
            // overflow SQLite would turn into a REAL fails loudly instead
  text,     // compared and sorted by its bytes in both stores
  hash,     // 64 hex digits; PostgreSQL checks the length
};

struct ColumnDef {
  std::string name;
  ColumnType type = ColumnType::integer;
  bool nullable = false;
  bool unique = false;
  std::string default_value;  // an SQL literal, or empty for none
  std::string references;     // "events(seq)", or empty

  ColumnDef& null() { nullable = true; return *this; }
  ColumnDef& distinct() { unique = true; return *this; }
  ColumnDef& by_default(std::string value) { default_value = std::move(value); return *this; }
  ColumnDef& refers_to(std::string target) { references = std::move(target); return *this; }
};

struct TableDef {
  std::string name;
  int since = 1;                     // the schema version that added the table
  std::vector<ColumnDef> columns;    // in the order of the table
  std::vector<std::string> key;      // the primary key; empty: none (verify orders by every column)
  bool without_rowid = false;        // SQLite: the rows stored in the primary key's b-tree
  bool postgresql_references = true; // false: PostgreSQL keeps no foreign keys (see tables.cpp)
};

struct IndexDef {
  std::string name;
  std::string table;
  std::string columns;
  std::string where;  // a partial index's condition, or empty
  int since = 1;
  bool in_sqlite = true;
};

// Every table, in the order verify compares them; indexes, in the order they are created.
const std::vector<TableDef>& table_definitions();
const std::vector<IndexDef>& index_definitions();

// CREATE TABLE and CREATE INDEX statements for what schema version `version` added (0: every
// version), tables first.
std::string schema_sql(Dialect dialect, int version = 0);
// The CREATE INDEX statement of one index.
std::string index_sql(const IndexDef& index);

}  // namespace fundledger::store
