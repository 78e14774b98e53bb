// Revenue by donor, as the UN system publishes it (the Chief Executives Board's revenue-by-donor
// statistics): per donor and type, the contribution revenue recognized in the period net of
// reductions and refunds, in USD. Type "general" is general-purpose revenue (4100: voluntary core,
// un-earmarked), "special" special-purpose (4200: voluntary non-core, earmarked); refunds and
// reductions of earlier years (4900) count against the type of the pledge they name (general when
// they name none). Totals by type, then in all. The year-end closing is left out.
#include "reports/support.hpp"

#include "core/chart.hpp"
#include "core/master.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace fundledger::reports {

namespace {

namespace account = detail::account;

// The pledges of special purpose among those the reductions of earlier years name: read from the
// store, the few a year has, rather than every pledge of the ledger.
std::set<std::int64_t> special_pledges(const Scope& scope, const std::vector<store::MovementSums>& rows) {
  std::vector<std::int64_t> named;
  for (const store::MovementSums& row : rows) {
    if (row.pledge_id && scope.account_code(row.account_id) == account::refunds_and_reductions) named.push_back(row.pledge_id);
  }
  std::sort(named.begin(), named.end());
  named.erase(std::unique(named.begin(), named.end()), named.end());
  std::set<std::int64_t> special;
  for (const detail::PledgeRecord& pledge : scope.txn.pledges_of(named)) {
    if (pledge.purpose == Purpose::special) special.insert(pledge.id);
  }
  return special;
}

const char* type_of(const Scope& scope, const std::set<std::int64_t>& special, const store::MovementSums& row) {
  const std::string& code = scope.account_code(row.account_id);
  if (code == account::special_purpose) return "special";
  if (code == account::refunds_and_reductions && special.count(row.pledge_id)) return "special";
  return "general";
}

}  // namespace

Report donor_revenue(const Scope& scope) {
  Report report = start_report(scope, "donor-revenue", "Revenue by donor");
  report.columns = {{"donor", "Donor", false},     {"donor_name", "Name", false}, {"category", "Category", false},
                    {"country", "Country", false}, {"type", "Type", false},       {"amount", "Revenue", true}};
  store::MovementQuery query;
  query.by_donor = query.by_pledge = query.by_kind = true;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> revenue;  // (donor, type) -> USD, credit positive
  const std::vector<store::MovementSums> rows_read =
      flows(scope, {account::general_purpose, account::special_purpose, account::refunds_and_reductions}, scope.from,
            scope.to, query);
  const std::set<std::int64_t> special = special_pledges(scope, rows_read);
  for (const store::MovementSums& row : rows_read) {
    if (row.kind == detail::MovementKind::year_end) continue;
    revenue[{row.donor_id, type_of(scope, special, row)}] -= usd_of(row);
  }
  const auto& master = scope.master;
  std::vector<std::pair<std::pair<std::int64_t, std::string>, std::int64_t>> rows(revenue.begin(), revenue.end());
  auto order = [&master](const std::pair<std::int64_t, std::string>& key) {
    return std::make_tuple(key.first == 0, key.first ? master.donors.by_id(key.first).code : std::string(), key.second);
  };
  std::sort(rows.begin(), rows.end(), [&order](const auto& a, const auto& b) { return order(a.first) < order(b.first); });
  std::map<std::string, std::int64_t> by_type;
  for (const auto& [key, amount] : rows) {
    if (amount == 0) continue;
    const auto& [donor, type] = key;
    const auto* record = donor ? &master.donors.by_id(donor) : nullptr;
    report.rows.push_back({RowKind::line,
                           {record ? record->code : std::string(), record ? detail::name_on(*record, scope.to) : std::string("(no donor)"),
                            record ? detail::category_on(*record, scope.to) : std::string(),
                            record ? detail::country_on(*record, scope.to) : std::string(),
                            type, usd(amount)},
                           "donor:" + (record ? record->code : std::string()) + ":" + type});
    by_type[type] += amount;
  }
  std::int64_t total = 0;
  for (const char* type : {"general", "special"}) {
    const std::string label = std::string("Total ") + (std::string(type) == "general" ? "general-purpose" : "special-purpose");
    report.rows.push_back({RowKind::subtotal,
                           {label, std::monostate{}, std::monostate{}, std::monostate{}, std::string(type), usd(by_type[type])},
                           std::string("total:") + type});
    total += by_type[type];
  }
  report.rows.push_back({RowKind::total,
                         {std::string("Total"), std::monostate{}, std::monostate{}, std::monostate{}, std::monostate{}, usd(total)},
                         "total"});
  return report;
}

}  // namespace fundledger::reports
