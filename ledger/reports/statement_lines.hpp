// Private: the statements laid out with one amount column per fund, the total, and the prior
// period's total beside it.
#pragma once

#include "reports/support.hpp"

#include <map>

namespace fundledger::reports {

// Columns "line", one per fund in scope (key and title the fund code), "total", and "prior" (the
// same figure for the comparative span, titled by it).
void add_fund_columns(Report& report, const Scope& scope);

// A row of a statement: an amount per fund in scope order, their total (with what is eliminated
// from it), and the prior period's total.
class FundAmounts {
 public:
  explicit FundAmounts(const Scope& scope) : scope_(&scope), minor_(scope.fund_ids.size(), 0) {}
  void add(std::int64_t fund_id, std::int64_t minor);
  // What the total column alone takes: an inter-fund elimination.
  void add_to_total(std::int64_t minor) { adjustment_ += minor; }
  void add_prior(std::int64_t minor) { prior_ += minor; }
  void add(const FundAmounts& other);
  void negate();
  bool is_zero() const;
  std::int64_t total() const;
  std::int64_t prior() const { return prior_; }
  std::int64_t of(std::int64_t fund_id) const;
  // funds_blank: the fund columns left empty (an elimination belongs to the total alone).
  ReportRow row(RowKind kind, std::string key, std::string label, bool funds_blank = false) const;

 private:
  const Scope* scope_;
  std::vector<std::int64_t> minor_;
  std::int64_t adjustment_ = 0;
  std::int64_t prior_ = 0;
};

ReportRow heading(const Report& report, std::string label);

// A statement's lines by key, computed once for the period and once for the prior period: the
// prior figures go into the current lines' prior column (by key).
struct StatementLine {
  std::string key;
  std::string label;
  RowKind kind = RowKind::line;
  std::optional<FundAmounts> amounts;  // none: a heading
  bool funds_blank = false;
  bool keep_when_zero = true;
};
void merge_prior(std::vector<StatementLine>& current, const std::vector<StatementLine>& prior);
void emit(Report& report, const std::vector<StatementLine>& lines);

}  // namespace fundledger::reports
