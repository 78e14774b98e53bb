// The SQL store written in bulk: replay's rebuild in memory gives its tables to the new ledger once,
// many rows to a statement, rather than adding each event's sums as it goes.
#include "store/schema.hpp"
#include "store/sql_txn.hpp"
#include "store/tables.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>
#include <vector>

namespace fundledger::store {

namespace {

// The names of a comma-separated list of columns ("a, b, c").
std::vector<std::string> names_of(const std::string& list) {
  std::vector<std::string> names;
  for (std::size_t at = 0; at < list.size();) {
    const std::size_t comma = std::min(list.find(", ", at), list.size());
    names.push_back(list.substr(at, comma - at));
    at = comma + 2;
  }
  return names;
}

// Each column of the spec, key columns first, as the table's description has it.
std::vector<ColumnDef> columns_of(const TableSpec& spec) {
  const auto& tables = table_definitions();
  const auto table = std::find_if(tables.begin(), tables.end(), [&](const TableDef& def) { return def.name == spec.name; });
  if (table == tables.end()) throw std::logic_error("no table " + spec.name);
  std::vector<std::string> names = names_of(spec.key);
  for (std::string& name : names_of(spec.columns)) names.push_back(std::move(name));
  std::vector<ColumnDef> columns;
  for (const std::string& name : names) {
    const auto column = std::find_if(table->columns.begin(), table->columns.end(),
                                     [&](const ColumnDef& def) { return def.name == name; });
    if (column == table->columns.end()) throw std::logic_error("no column " + name + " in " + spec.name);
    columns.push_back(*column);
  }
  return columns;
}

// "INSERT INTO table (columns) VALUES (?...), ... (rows times)", with add_sums an upsert adding
// every column that is not the key's to the stored row of the same key.
std::string insert_sql(const TableSpec& spec, std::size_t columns, std::size_t rows, bool add_sums) {
  std::string one = "(";
  for (std::size_t i = 0; i < columns; ++i) one += i ? ", ?" : "?";
  one += ")";
  std::string sql = "INSERT INTO " + spec.name + " (" + spec.key + (spec.columns.empty() ? "" : ", ") + spec.columns +
                    ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + one;
  if (add_sums) {
    if (spec.columns.empty()) throw std::logic_error("the table " + spec.name + " has no sums to add");
    sql += " ON CONFLICT (" + spec.key + ") DO UPDATE SET ";
    const std::vector<std::string> sums = names_of(spec.columns);
    for (std::size_t i = 0; i < sums.size(); ++i) {
      sql += (i ? ", " : "") + sums[i] + " = " + spec.name + "." + sums[i] + " + excluded." + sums[i];
    }
  }
  return sql;
}

void bind_value(Statement& statement, int index, const ColumnDef& column, const std::string& value,
                const std::string& table) {
  if (value == "NULL") return statement.bind_null(index);
  if (column.type == ColumnType::text || column.type == ColumnType::hash) return statement.bind(index, text_of_row(value));
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw Error(ErrorCode::storage, "writing " + table + "." + column.name + ": \"" + value + "\" is not an integer");
  }
  statement.bind(index, number);
}

}  // namespace

void SqlTxn::write_rows(const TableSpec& table, RowCursor& rows, bool add_sums) {
  const std::vector<ColumnDef> columns = columns_of(table);
  // Rows to a statement: few enough that a statement's parameters stay well within either
  // backend's limit.
  const std::size_t rows_per_insert = std::max<std::size_t>(1, 512 / columns.size());
  std::vector<std::vector<std::string>> batch;
  const auto write_batch = [&] {
    if (batch.empty()) return;
    Statement& insert = prepare(insert_sql(table, columns.size(), batch.size(), add_sums));
    int index = 1;
    for (const std::vector<std::string>& row : batch) {
      if (row.size() != columns.size()) throw std::logic_error("a row of " + table.name + " of the wrong width");
      for (std::size_t i = 0; i < columns.size(); ++i) bind_value(insert, index++, columns[i], row[i], table.name);
    }
    run(insert);
    batch.clear();
  };
  while (rows.next()) {
    batch.push_back(rows.values());
    if (batch.size() == rows_per_insert) write_batch();
  }
  write_batch();
}

void SqlTxn::total_movements() { connection_.execute(movement_totals_fill); }

}  // namespace fundledger::store
