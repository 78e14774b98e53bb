// Private: the statements laid out with one amount column per fund and a total column.
#pragma once

#include "reports/support.hpp"

namespace fundledger::reports {

// Columns "line", one per fund in scope (key and title the fund code), and "total".
void add_fund_columns(Report& report, const Scope& scope);

// A row of the statement: label and one amount per fund in scope order, plus their total.
class FundAmounts {
 public:
  explicit FundAmounts(const Scope& scope) : scope_(scope), minor_(scope.fund_ids.size(), 0) {}
  void add(std::int64_t fund_id, std::int64_t minor);
  void add(const FundAmounts& other);
  void negate();
  bool is_zero() const;
  std::int64_t total() const;
  std::int64_t of(std::int64_t fund_id) const;
  ReportRow row(RowKind kind, std::string label) const;

 private:
  const Scope& scope_;
  std::vector<std::int64_t> minor_;
};

ReportRow heading(const Report& report, std::string label);

}  // namespace fundledger::reports
