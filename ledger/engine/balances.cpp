// Balances: current ones from the balance table, dated ones from the postings by date.
#include "engine/ledger_access.hpp"

#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>

#include <algorithm>
#include <string>

namespace fundledger {

namespace {

constexpr BalanceKey all_keys[] = {BalanceKey::account, BalanceKey::fund,   BalanceKey::donor,
                                   BalanceKey::project, BalanceKey::pledge, BalanceKey::currency};

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

namespace {

// The code of a grouped row's key (its currency's minor units, for a currency key).
std::string code_of(const detail::MasterState& master, BalanceKey key, std::int64_t id, BalanceRow& row,
                    int& minor_units) {
  if (!id) return {};
  switch (key) {
    case BalanceKey::account: return master.accounts.by_id(id).code;
    case BalanceKey::fund: return master.funds.by_id(id).code;
    case BalanceKey::donor: return master.donors.by_id(id).code;
    case BalanceKey::project: return master.projects.by_id(id).code;
    case BalanceKey::pledge: return master.pledges.by_id(id).code;
    case BalanceKey::currency: {
      const auto& currency = master.currencies.by_id(id);
      minor_units = currency.minor_units;
      row.currency = currency.code;
      return currency.code;
    }
  }
  return {};
}

}  // namespace

std::vector<BalanceRow> Ledger::balances(const BalanceQuery& query) const {
  store::BalanceGrouping grouping;
  grouping.keys = query.group_by;
  grouping.by_currency = std::find(query.group_by.begin(), query.group_by.end(), BalanceKey::currency) != query.group_by.end();
  if (query.from) grouping.from_day = query.from->day_number();
  if (query.as_of) grouping.through_day = query.as_of->day_number();
  const store::Store& store = detail::LedgerAccess::store(*this);
  return detail::guarded(store, "reading balances", [&] {
    // One consistent view of the ledger.
    const bool by_pledge =
        std::find(query.group_by.begin(), query.group_by.end(), BalanceKey::pledge) != query.group_by.end();
    const detail::Snapshot snapshot =
        detail::LedgerAccess::read(*this, by_pledge ? detail::Pledges::read : detail::Pledges::skip);
    std::vector<BalanceRow> rows;
    for (const store::GroupedSums& sums : snapshot.txn->grouped_balances(grouping)) {
      BalanceRow row;
      int minor_units = 2;
      row.currency = "USD";
      for (std::size_t i = 0; i < query.group_by.size(); ++i) {
        row.keys.push_back(code_of(snapshot.master, query.group_by[i], sums.ids[i], row, minor_units));
      }
      row.debit = Decimal::from_minor_units(sums.debit, minor_units);
      row.credit = Decimal::from_minor_units(sums.credit, minor_units);
      rows.push_back(std::move(row));
    }
    std::sort(rows.begin(), rows.end(), [](const BalanceRow& a, const BalanceRow& b) { return a.keys < b.keys; });
    return rows;
  });
}

}  // namespace fundledger
