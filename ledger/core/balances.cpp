// Balances: current ones from the balance table, dated ones from the postings by date.
#include "core/ledger_impl.hpp"

#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <limits>

#include <algorithm>
#include <string>

namespace fundledger {

namespace {

constexpr BalanceKey all_keys[] = {BalanceKey::account, BalanceKey::fund,   BalanceKey::donor,
                                   BalanceKey::project, BalanceKey::pledge, BalanceKey::currency};

const char* column_of(BalanceKey key) {
  switch (key) {
    case BalanceKey::account: return "account_id";
    case BalanceKey::fund: return "fund_id";
    case BalanceKey::donor: return "donor_id";
    case BalanceKey::project: return "project_id";
    case BalanceKey::pledge: return "pledge_id";
    case BalanceKey::currency: return "currency_id";
  }
  return "";
}

}  // namespace

const char* balance_key_name(BalanceKey key) noexcept {
  switch (key) {
    case BalanceKey::account: return "account";
    case BalanceKey::fund: return "fund";
    case BalanceKey::donor: return "donor";
    case BalanceKey::project: return "project";
    case BalanceKey::pledge: return "pledge";
    case BalanceKey::currency: return "currency";
  }
  return "unknown";
}

std::vector<BalanceKey> parse_balance_keys(std::string_view text) {
  std::vector<BalanceKey> keys;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string_view name = text.substr(start, comma - start);
    auto found = std::find_if(std::begin(all_keys), std::end(all_keys),
                              [name](BalanceKey key) { return name == balance_key_name(key); });
    if (found == std::end(all_keys)) {
      throw Error(ErrorCode::bad_input, "invalid group key \"" + std::string(name) +
                                            "\": expected account, fund, donor, project, pledge or "
                                            "currency, separated by commas");
    }
    if (std::find(keys.begin(), keys.end(), *found) != keys.end()) {
      throw Error(ErrorCode::bad_input, "group key \"" + std::string(name) + "\" appears twice");
    }
    keys.push_back(*found);
    start = comma + 1;
  }
  return keys;
}

std::vector<BalanceRow> Ledger::balances(const BalanceQuery& query) const {
  Impl& impl = *impl_;
  const bool by_currency =
      std::find(query.group_by.begin(), query.group_by.end(), BalanceKey::currency) != query.group_by.end();
  const bool dated = query.from.has_value() || query.as_of.has_value();
  std::string columns;
  for (BalanceKey key : query.group_by) {
    columns += std::string(dated ? "IFNULL(" : "") + column_of(key) + (dated ? ", 0)" : "") + ", ";
  }
  std::string sql = "SELECT " + columns;
  if (dated) {
    const char* amount = by_currency ? "amount_minor" : "functional_minor";
    sql += std::string("SUM(CASE WHEN ") + amount + " > 0 THEN " + amount + " ELSE 0 END), " +
           "SUM(CASE WHEN " + amount + " < 0 THEN -" + amount + " ELSE 0 END) FROM postings WHERE date >= ? AND date <= ?";
  } else if (by_currency) {
    sql += "SUM(debit_minor), SUM(credit_minor) FROM balances";
  } else {
    sql += "SUM(functional_debit_minor), SUM(functional_credit_minor) FROM balances";
  }
  if (!query.group_by.empty()) {
    sql += " GROUP BY ";
    for (std::size_t i = 0; i < query.group_by.size(); ++i) sql += (i ? ", " : "") + std::to_string(i + 1);
  }

  struct RawRow {
    std::vector<std::int64_t> ids;
    std::int64_t debit;
    std::int64_t credit;
  };
  std::vector<RawRow> raw;
  try {
    SQLite::Transaction snapshot(impl.database);  // one consistent view of the ledger
    impl.refresh_if_changed();
    SQLite::Statement statement(impl.database, sql);
    if (dated) {
      statement.bind(1, query.from ? query.from->day_number() : std::numeric_limits<std::int32_t>::min());
      statement.bind(2, query.as_of ? query.as_of->day_number() : std::numeric_limits<std::int32_t>::max());
    }
    const int key_count = static_cast<int>(query.group_by.size());
    while (statement.executeStep()) {
      RawRow row;
      for (int i = 0; i < key_count; ++i) row.ids.push_back(statement.getColumn(i).getInt64());
      row.debit = statement.getColumn(key_count).getInt64();
      row.credit = statement.getColumn(key_count + 1).getInt64();
      if (row.debit != 0 || row.credit != 0) raw.push_back(std::move(row));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "reading balances");
  }

  const auto& state = impl.state;
  std::vector<BalanceRow> rows;
  rows.reserve(raw.size());
  for (const RawRow& row : raw) {
    BalanceRow out;
    int minor_units = 2;
    out.currency = "USD";
    for (std::size_t i = 0; i < query.group_by.size(); ++i) {
      const std::int64_t id = row.ids[i];
      std::string code;
      if (id) {
        switch (query.group_by[i]) {
          case BalanceKey::account: code = state.accounts.by_id(id).code; break;
          case BalanceKey::fund: code = state.funds.by_id(id).code; break;
          case BalanceKey::donor: code = state.donors.by_id(id).code; break;
          case BalanceKey::project: code = state.projects.by_id(id).code; break;
          case BalanceKey::pledge: code = state.pledges.by_id(id).code; break;
          case BalanceKey::currency: {
            const auto& currency = state.currencies.by_id(id);
            code = currency.code;
            minor_units = currency.minor_units;
            out.currency = currency.code;
            break;
          }
        }
      }
      out.keys.push_back(std::move(code));
    }
    out.debit = Decimal::from_minor_units(row.debit, minor_units);
    out.credit = Decimal::from_minor_units(row.credit, minor_units);
    rows.push_back(std::move(out));
  }
  std::sort(rows.begin(), rows.end(),
            [](const BalanceRow& a, const BalanceRow& b) { return a.keys < b.keys; });
  return rows;
}

}  // namespace fundledger
