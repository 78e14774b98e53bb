// Statement layout: one column per fund, the total, and the prior period's total.
#include "reports/statement_lines.hpp"

#include <algorithm>

namespace fundledger::reports {

void add_fund_columns(Report& report, const Scope& scope) {
  report.columns.push_back({"line", "", false});
  for (const std::string& code : scope.fund_codes) report.columns.push_back({code, code, true});
  report.columns.push_back({"total", "Total", true});
  report.columns.push_back({"prior", scope.prior_label, true});
  report.prior_from = scope.prior_from;
  report.prior_to = scope.prior_to;
}

void FundAmounts::add(std::int64_t fund_id, std::int64_t minor) {
  const auto found = std::find(scope_->fund_ids.begin(), scope_->fund_ids.end(), fund_id);
  if (found != scope_->fund_ids.end()) minor_[static_cast<std::size_t>(found - scope_->fund_ids.begin())] += minor;
}

void FundAmounts::add(const FundAmounts& other) {
  for (std::size_t i = 0; i < minor_.size(); ++i) minor_[i] += other.minor_[i];
  adjustment_ += other.adjustment_;
  prior_ += other.prior_;
}

void FundAmounts::negate() {
  for (std::int64_t& minor : minor_) minor = -minor;
  adjustment_ = -adjustment_;
  prior_ = -prior_;
}

bool FundAmounts::is_zero() const {
  return adjustment_ == 0 && prior_ == 0 &&
         std::all_of(minor_.begin(), minor_.end(), [](std::int64_t minor) { return minor == 0; });
}

std::int64_t FundAmounts::total() const {
  std::int64_t sum = adjustment_;
  for (std::int64_t minor : minor_) sum += minor;
  return sum;
}

std::int64_t FundAmounts::of(std::int64_t fund_id) const {
  const auto found = std::find(scope_->fund_ids.begin(), scope_->fund_ids.end(), fund_id);
  return found == scope_->fund_ids.end() ? 0 : minor_[static_cast<std::size_t>(found - scope_->fund_ids.begin())];
}

ReportRow FundAmounts::row(RowKind kind, std::string key, std::string label, bool funds_blank) const {
  ReportRow row{kind, {std::move(label)}, std::move(key)};
  for (std::int64_t minor : minor_) {
    if (funds_blank) {
      row.cells.emplace_back(std::monostate{});
    } else {
      row.cells.emplace_back(usd(minor));
    }
  }
  row.cells.emplace_back(usd(total()));
  row.cells.emplace_back(usd(prior_));
  return row;
}

ReportRow heading(const Report& report, std::string label) {
  ReportRow row{RowKind::heading, {std::move(label)}, {}};
  row.cells.resize(report.columns.size());
  return row;
}

void merge_prior(std::vector<StatementLine>& current, const std::vector<StatementLine>& prior) {
  for (const StatementLine& before : prior) {
    if (!before.amounts) continue;
    auto found = std::find_if(current.begin(), current.end(),
                              [&before](const StatementLine& line) { return line.key == before.key; });
    if (found != current.end() && found->amounts) found->amounts->add_prior(before.amounts->total());
  }
}

void emit(Report& report, const std::vector<StatementLine>& lines) {
  for (const StatementLine& line : lines) {
    if (!line.amounts) {
      report.rows.push_back(heading(report, line.label));
      report.rows.back().key = line.key;
      continue;
    }
    if (!line.keep_when_zero && line.amounts->is_zero()) continue;
    report.rows.push_back(line.amounts->row(line.kind, line.key, line.label, line.funds_blank));
  }
}

}  // namespace fundledger::reports
