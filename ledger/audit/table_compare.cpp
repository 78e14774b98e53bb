// Comparing every table of a ledger's store with the same table of its rebuild from the journal,
// row by row, and naming the first difference as a person reads it: the table, the row's key with
// codes for ids and dates for day numbers, and each column that differs.
#include "audit/table_compare.hpp"

#include <fundledger/date.hpp>

#include <algorithm>
#include <memory>
#include <string_view>

namespace fundledger::audit {

using detail::MasterState;

namespace {

// How a message names a row of the table.
std::string row_words(std::string_view table) {
  if (table == "events") return "the event of";
  if (table == "postings") return "the posting of";
  if (table == "periods") return "the seal of";
  return "the " + std::string(table) + " row of";
}

std::vector<std::string> column_names(std::string_view list) {
  std::vector<std::string> names;
  std::string_view text = list;
  while (!text.empty()) {
    const std::size_t comma = std::min(text.find(','), text.size());
    names.emplace_back(text.substr(0, comma));
    text.remove_prefix(std::min(text.size(), comma + 1));
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  }
  return names;
}

// A table's rows in key order, one at a time.
class TableRows {
 public:
  explicit TableRows(store::RowCursor& cursor) : cursor_(cursor) { advance(); }
  bool done() const { return done_; }
  const std::vector<std::string>& values() const { return cursor_.values(); }
  void advance() { done_ = !cursor_.next(); }

 private:
  store::RowCursor& cursor_;
  bool done_ = false;
};

// An integer as SQL gives it: digits, a minus sign first if any ("2024-01", a month, is text).
bool is_integer(const std::string& text) {
  const std::size_t digits = !text.empty() && text[0] == '-' ? 1 : 0;
  return text.size() > digits && text.find_first_not_of("0123456789", digits) == std::string::npos;
}

// Key order: numbers as numbers (seq 10 after seq 9), others as text.
int compare_keys(const std::vector<std::string>& a, const std::vector<std::string>& b, std::size_t key_count) {
  for (std::size_t i = 0; i < key_count; ++i) {
    if (is_integer(a[i]) && is_integer(b[i])) {
      const long long x = std::stoll(a[i]);
      const long long y = std::stoll(b[i]);
      if (x != y) return x < y ? -1 : 1;
    } else if (a[i] != b[i]) {
      return a[i] < b[i] ? -1 : 1;
    }
  }
  return 0;
}

// A column's value as a person reads it: codes for ids, ISO dates for day numbers, months as
// YYYY-MM. A master table's own id is its code.
std::string readable(const MasterState& master, const std::string& column, const std::string& value,
                     std::string_view table = {}) {
  if (!is_integer(value)) return value;
  const long long number = std::stoll(value);
  const auto& state = master;
  auto code = [&](const auto& records) -> std::string {
    if (number < 1 || number > static_cast<long long>(records.all().size())) return value;
    return records.by_id(number).code;
  };
  if (column == "id") {
    if (table == "currencies") return code(state.currencies);
    if (table == "accounts") return code(state.accounts);
    if (table == "funds") return code(state.funds);
    if (table == "donors") return code(state.donors);
    if (table == "projects") return code(state.projects);
    if (table == "pledges") return code(state.pledges);
  }
  if (column == "effective" && number == detail::beginning_of_time) return "from the beginning";
  if (column == "account_id") return code(state.accounts);
  if (column == "fund_id" || column == "parent_id") return code(state.funds);
  if (column == "donor_id") return number ? code(state.donors) : "none";
  if (column == "project_id") return number ? code(state.projects) : "none";
  if (column == "pledge_id") return number ? code(state.pledges) : "none";
  if (column == "currency_id") return code(state.currencies);
  if ((column == "effective" || column == "due" || column == "date" || column == "signed" || column == "day") &&
      number > -1000000 && number < 3000000) {
    return Date::from_day_number(static_cast<std::int32_t>(number)).to_string();
  }
  if (column == "kind" && (table == "movements" || table == "monthly_kinds" || table == "movement_totals")) return movement_kind_name(static_cast<detail::MovementKind>(number));
  if (column == "month") return std::to_string(number / 12) + "-" + (number % 12 < 9 ? "0" : "") + std::to_string(number % 12 + 1);
  return value;
}

std::string strip_id(const std::string& column) {
  return column.size() > 3 && column.compare(column.size() - 3, 3, "_id") == 0 ? column.substr(0, column.size() - 3)
                                                                                  : column;
}

// "account 1100, fund CPCJF, currency EUR, month 2024-03": a row's key, with codes for ids.
std::string describe_key(const MasterState& master, std::string_view table, const std::vector<std::string>& names,
                         const std::vector<std::string>& values, std::size_t key_count) {
  std::string out;
  for (std::size_t i = 0; i < key_count; ++i) {
    // A balance's absent dimensions are not worth naming.
    if (values[i] == "0" && (names[i] == "donor_id" || names[i] == "project_id" || names[i] == "pledge_id")) continue;
    // A seal is named by its month, a master record by its code.
    const std::string label = names[i] == "period" || names[i] == "id" ? "" : strip_id(names[i]) + " ";
    out += (out.empty() ? "" : ", ") + label + readable(master, names[i], values[i], table);
  }
  return out;
}

// The columns that differ between a stored row and the row the journal gives.
std::string column_differences(const MasterState& master, const std::vector<std::string>& names,
                               const std::vector<std::string>& stored, const std::vector<std::string>& expected,
                               std::size_t key_count) {
  std::string out;
  for (std::size_t i = key_count; i < names.size(); ++i) {
    if (stored[i] == expected[i]) continue;
    out += (out.empty() ? "" : "; ") + names[i] + " stored " + readable(master, names[i], stored[i]) +
           ", the journal gives " + readable(master, names[i], expected[i]);
  }
  return out;
}

// The event a row names (the event that recorded it), or 0.
std::int64_t seq_of_row(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  for (const char* column : {"seq", "close_seq", "declared", "event_seq", "reversal_seq"}) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == column && is_integer(values[i])) return std::stoll(values[i]);
    }
  }
  return 0;
}


// The names of a table's key columns then its other columns, and how many are key.
std::pair<std::vector<std::string>, std::size_t> names_of(const store::TableSpec& table) {
  std::vector<std::string> names = column_names(table.key);
  const std::size_t key_count = names.size();
  for (std::string& name : column_names(table.columns)) names.push_back(std::move(name));
  return {std::move(names), key_count};
}

// How a stored row and the row the journal gives differ (either absent), or no problem.
TableDifference compare_rows(const MasterState& master, const store::TableSpec& table,
                             const std::vector<std::string>& names, std::size_t key_count,
                             const std::vector<std::string>* stored, const std::vector<std::string>* expected) {
  auto named = [&](const std::vector<std::string>& values) {
    return row_words(table.name) + " " + describe_key(master, table.name, names, values, key_count);
  };
  const int order = !stored ? 1 : !expected ? -1 : compare_keys(*stored, *expected, key_count);
  if (order < 0) return {seq_of_row(names, *stored), named(*stored) + " is stored, but the journal gives no such row"};
  if (order > 0) return {seq_of_row(names, *expected), named(*expected) + " is missing, though the journal gives it"};
  if (*stored == *expected) return {};
  return {seq_of_row(names, *expected), named(*stored) + " differs from what the journal gives: " +
                                            column_differences(master, names, *stored, *expected, key_count)};
}

// The first row in which two cursors over a table's rows in key order differ, or none.
TableDifference rows_difference(const MasterState& master, const store::TableSpec& table, store::RowCursor& stored_rows,
                                store::RowCursor& expected_rows) {
  const auto [names, key_count] = names_of(table);
  TableRows stored(stored_rows);
  TableRows expected(expected_rows);
  while (!stored.done() || !expected.done()) {
    const int order = stored.done()     ? 1
                      : expected.done() ? -1
                                        : compare_keys(stored.values(), expected.values(), key_count);
    TableDifference difference = compare_rows(master, table, names, key_count, order > 0 ? nullptr : &stored.values(),
                                              order < 0 ? nullptr : &expected.values());
    if (!difference.problem.empty()) return difference;
    stored.advance();
    expected.advance();
  }
  return {};
}

}  // namespace

TableDifference month_difference(const MasterState& master, store::TableReader& stored, store::TableReader& rebuilt,
                                 std::int64_t month) {
  return rows_difference(master, store::table_named("movements"), *stored.movement_rows(month),
                         *rebuilt.movement_rows(month));
}

TableDifference totals_difference(const MasterState& master, store::ReadTxn& stored) {
  const store::TableSpec& table = store::table_named("movement_totals");
  return rows_difference(master, table, *stored.table_rows(table), *stored.movements_summed());
}

TableDifference row_difference(const MasterState& master, const store::TableSpec& table,
                               const std::vector<std::string>* stored, const std::vector<std::string>* expected) {
  const auto [names, key_count] = names_of(table);
  return compare_rows(master, table, names, key_count, stored, expected);
}

TableDifference first_difference(const MasterState& master, store::TableReader& stored, store::TableReader& rebuilt,
                                 const std::vector<std::string>& left_out) {
  for (const store::TableSpec& table : store::tables()) {
    if (std::find(left_out.begin(), left_out.end(), table.name) != left_out.end()) continue;
    TableDifference difference = rows_difference(master, table, *stored.table_rows(table), *rebuilt.table_rows(table));
    if (!difference.problem.empty()) return difference;
  }
  return {};
}

}  // namespace fundledger::audit
