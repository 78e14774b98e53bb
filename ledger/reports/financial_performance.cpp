// Statement of financial performance for the period, per fund, in total and for the prior period:
// revenue by nature (contributions general- and special-purpose, less refunds and reductions;
// programme support cost income; investment revenue; exchange gains and losses, realized and
// unrealized on two lines), expenses by nature (the accounts) and by function (programme
// activities, programme support, other), and the surplus or deficit. The year-end closing is left
// out: it moves the year's result into net assets and is not part of it.
//
// Inter-fund eliminations: the PSC a fund charges (5300) is the PSC fund's income (4300) when both
// are in scope; the total column leaves it out of revenue and expenses alike (each fund's column
// keeps it), on an "inter-fund eliminations" line of each. The surplus is the same either way.
#include "reports/statement_lines.hpp"

#include "core/chart.hpp"

#include <algorithm>
#include <set>

namespace fundledger::reports {

namespace {

namespace account = detail::account;

struct Line {
  const char* key;
  const char* label;
  std::string_view account;
};

const Line revenue_lines[] = {
    {"contributions_general", "Voluntary contributions, general-purpose", account::general_purpose},
    {"contributions_special", "Voluntary contributions, special-purpose", account::special_purpose},
    {"refunds_and_reductions", "Refunds and reductions of contributions", account::refunds_and_reductions},
    {"psc_income", "Programme support cost income", account::support_cost_income},
    {"investment_revenue", "Investment revenue", account::investment_revenue},
    {"exchange_realized", "Foreign exchange gains/(losses), realized", account::realized_exchange},
    {"exchange_unrealized", "Foreign exchange gains/(losses), unrealized", account::unrealized_exchange},
};
const Line expense_lines[] = {
    {"grants", "Grants and transfers to implementing partners", account::grants},
    {"programme", "Programme expenditure", account::programme},
    {"support_costs", "Programme support costs", account::support_costs},
    {"impairment", "Impairment of contributions receivable", account::impairment},
    {"rounding", "Rounding differences", account::rounding},
};

bool is_spending(detail::MovementKind kind) {
  return kind == detail::MovementKind::expense_programme || kind == detail::MovementKind::expense_grant ||
         kind == detail::MovementKind::partner_report;
}

// The period's results: USD (debit positive) by account and fund, and the PSC charged and earned
// within the scope by spending events.
struct Results {
  std::map<std::int64_t, std::map<std::int64_t, std::int64_t>> by_account;  // account -> fund -> USD
  std::int64_t psc_charged = 0;  // 5300, debit
  std::int64_t psc_earned = 0;   // 4300, credit, positive

  std::int64_t internal_psc() const { return std::max<std::int64_t>(0, std::min(psc_charged, psc_earned)); }
};

Results results_of(const Scope& scope, Date from, Date to) {
  Results results;
  store::MovementQuery by_kind;
  by_kind.by_kind = true;
  const std::int64_t charged = scope.account(account::support_costs);
  const std::int64_t earned = scope.account(account::support_cost_income);
  for (const store::MovementSums& row : flows(scope, {}, from, to, by_kind)) {
    const AccountClass account_class = scope.account_class(row.account_id);
    if (account_class != AccountClass::revenue && account_class != AccountClass::expense) continue;
    if (row.kind == detail::MovementKind::year_end) continue;
    results.by_account[row.account_id][row.fund_id] += usd_of(row);
    if (!is_spending(row.kind)) continue;
    if (row.account_id == charged) results.psc_charged += usd_of(row);
    if (row.account_id == earned) results.psc_earned -= usd_of(row);
  }
  return results;
}

FundAmounts amounts_of(const Scope& scope, const Results& results, std::int64_t account_id, bool credit_positive) {
  FundAmounts amounts(scope);
  if (const auto found = results.by_account.find(account_id); found != results.by_account.end()) {
    for (const auto& [fund, minor] : found->second) amounts.add(fund, minor);
  }
  if (credit_positive) amounts.negate();
  return amounts;
}

// The ledger's own accounts of a class that are not on a standard line, and moved in either span.
std::vector<std::int64_t> other_accounts(const Scope& scope, AccountClass account_class, const Results& current,
                                         const Results& prior, const std::set<std::int64_t>& placed) {
  std::vector<std::int64_t> accounts;
  for (const auto& record : scope.master.accounts.all()) {
    if (record.event.account_class != account_class || placed.count(record.id)) continue;
    if (current.by_account.count(record.id) || prior.by_account.count(record.id)) accounts.push_back(record.id);
  }
  return accounts;
}

struct Section {
  std::vector<StatementLine> lines;
  FundAmounts total;
};

// The lines of one class: the standard ones, then the ledger's own accounts, then the
// eliminations (the total column alone).
Section section(const Scope& scope, const Results& results, const Line* first, const Line* last,
                const std::vector<std::int64_t>& others, bool credit_positive) {
  Section out{{}, FundAmounts(scope)};
  for (const Line* line = first; line != last; ++line) {
    FundAmounts amounts = amounts_of(scope, results, scope.account(line->account), credit_positive);
    out.total.add(amounts);
    out.lines.push_back({line->key, line->label, RowKind::line, amounts});
  }
  for (std::int64_t id : others) {
    FundAmounts amounts = amounts_of(scope, results, id, credit_positive);
    out.total.add(amounts);
    out.lines.push_back({"account:" + scope.account_code(id), scope.account_name(id), RowKind::line, amounts});
  }
  return out;
}

StatementLine elimination(const Scope& scope, const std::string& key, std::int64_t internal) {
  FundAmounts amounts(scope);
  amounts.add_to_total(-internal);
  return {key, "Inter-fund eliminations (programme support costs)", RowKind::line, amounts, true};
}

// Expenses by function: programme activities (grants and programme expenditure of the funds that
// are not PSC funds), programme support (the PSC charged, and what PSC funds spend), and the rest.
std::vector<StatementLine> by_function(const Scope& scope, const Results& results, const FundAmounts& expenses) {
  FundAmounts programmes(scope);
  FundAmounts support = amounts_of(scope, results, scope.account(account::support_costs), false);
  for (std::string_view code : {account::grants, account::programme}) {
    const FundAmounts spent = amounts_of(scope, results, scope.account(code), false);
    for (std::int64_t fund : scope.fund_ids) {
      const bool psc_fund = scope.master.funds.by_id(fund).event.kind == FundKind::psc;
      (psc_fund ? support : programmes).add(fund, spent.of(fund));
    }
  }
  FundAmounts other = expenses;
  FundAmounts taken = programmes;
  taken.add(support);
  taken.negate();
  other.add(taken);
  other.add_to_total(results.internal_psc());  // the elimination has its own line here
  std::vector<StatementLine> lines;
  lines.push_back({"expenses_by_function", "Expenses by function", RowKind::heading, std::nullopt});
  lines.push_back({"function_programmes", "Programme activities", RowKind::line, programmes});
  lines.push_back({"function_support", "Programme support", RowKind::line, support});
  lines.push_back({"function_other", "Other expenses (impairment, rounding, other accounts)", RowKind::line, other});
  lines.push_back(elimination(scope, "function_eliminations", results.internal_psc()));
  lines.push_back({"expenses_by_function_total", "Total expenses", RowKind::subtotal, expenses});
  return lines;
}

std::vector<StatementLine> statement(const Scope& scope, const Results& results, const Results& other_span) {
  std::set<std::int64_t> placed;
  for (const Line& line : revenue_lines) placed.insert(scope.account(line.account));
  for (const Line& line : expense_lines) placed.insert(scope.account(line.account));
  std::vector<StatementLine> lines;
  lines.push_back({"revenue", "Revenue", RowKind::heading, std::nullopt});
  Section revenue = section(scope, results, std::begin(revenue_lines), std::end(revenue_lines),
                            other_accounts(scope, AccountClass::revenue, results, other_span, placed), true);
  lines.insert(lines.end(), revenue.lines.begin(), revenue.lines.end());
  lines.push_back(elimination(scope, "revenue_eliminations", results.internal_psc()));
  revenue.total.add_to_total(-results.internal_psc());
  lines.push_back({"revenue_total", "Total revenue", RowKind::subtotal, revenue.total});

  lines.push_back({"expenses", "Expenses by nature", RowKind::heading, std::nullopt});
  Section expenses = section(scope, results, std::begin(expense_lines), std::end(expense_lines),
                             other_accounts(scope, AccountClass::expense, results, other_span, placed), false);
  lines.insert(lines.end(), expenses.lines.begin(), expenses.lines.end());
  lines.push_back(elimination(scope, "expense_eliminations", results.internal_psc()));
  expenses.total.add_to_total(-results.internal_psc());
  lines.push_back({"expenses_total", "Total expenses", RowKind::subtotal, expenses.total});

  FundAmounts surplus = expenses.total;
  surplus.negate();
  surplus.add(revenue.total);
  lines.push_back({"surplus", "Surplus/(deficit)", RowKind::total, surplus});
  const auto function_lines = by_function(scope, results, expenses.total);
  lines.insert(lines.end(), function_lines.begin(), function_lines.end());
  return lines;
}

}  // namespace

Report financial_performance(const Scope& scope) {
  Report report = start_report(scope, "financial-performance", "Statement of financial performance");
  add_fund_columns(report, scope);
  const Results current = results_of(scope, scope.from, scope.to);
  const Results prior = results_of(scope, scope.prior_from, scope.prior_to);
  std::vector<StatementLine> lines = statement(scope, current, prior);
  merge_prior(lines, statement(scope, prior, current));
  emit(report, lines);
  return report;
}

}  // namespace fundledger::reports
