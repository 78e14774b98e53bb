// Statement layout: one column per fund, then the total.
#include "reports/statement_lines.hpp"

#include <algorithm>

namespace fundledger::reports {

void add_fund_columns(Report& report, const Scope& scope) {
  report.columns.push_back({"line", "", false});
  for (const std::string& code : scope.fund_codes) report.columns.push_back({code, code, true});
  report.columns.push_back({"total", "Total", true});
}

void FundAmounts::add(std::int64_t fund_id, std::int64_t minor) {
  const auto found = std::find(scope_.fund_ids.begin(), scope_.fund_ids.end(), fund_id);
  if (found != scope_.fund_ids.end()) minor_[static_cast<std::size_t>(found - scope_.fund_ids.begin())] += minor;
}

void FundAmounts::add(const FundAmounts& other) {
  for (std::size_t i = 0; i < minor_.size(); ++i) minor_[i] += other.minor_[i];
}

void FundAmounts::negate() {
  for (std::int64_t& minor : minor_) minor = -minor;
}

bool FundAmounts::is_zero() const {
  return std::all_of(minor_.begin(), minor_.end(), [](std::int64_t minor) { return minor == 0; });
}

std::int64_t FundAmounts::total() const {
  std::int64_t sum = 0;
  for (std::int64_t minor : minor_) sum += minor;
  return sum;
}

std::int64_t FundAmounts::of(std::int64_t fund_id) const {
  const auto found = std::find(scope_.fund_ids.begin(), scope_.fund_ids.end(), fund_id);
  return found == scope_.fund_ids.end() ? 0 : minor_[static_cast<std::size_t>(found - scope_.fund_ids.begin())];
}

ReportRow FundAmounts::row(RowKind kind, std::string label) const {
  ReportRow row{kind, {std::move(label)}};
  for (std::int64_t minor : minor_) row.cells.emplace_back(usd(minor));
  row.cells.emplace_back(usd(total()));
  return row;
}

ReportRow heading(const Report& report, std::string label) {
  ReportRow row{RowKind::heading, {std::move(label)}};
  row.cells.resize(report.columns.size());
  return row;
}

}  // namespace fundledger::reports
