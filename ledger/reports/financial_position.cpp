// Statement of financial position as of the last day in scope, per fund, in total, and as of the
// same day a year earlier: assets (contributions receivable split into current, falling due within
// twelve months or overdue, and non-current; advances to implementing partners not yet reported),
// liabilities and net assets. Net assets include the year's surplus not yet closed into 3100, so
// that assets = liabilities + net assets in every fund.
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

// The accounts given their own line, in this order, by class; other accounts of the chart follow
// under their own names when they hold a balance.
const Line asset_lines[] = {
    {"cash", "Cash and cash equivalents", account::cash},
    {"receivable", "", account::receivable},  // split below
    {"allowance", "Allowance for doubtful contributions receivable", account::allowance},
    {"advances_to_partners", "Advances to implementing partners", account::partner_advances},
    {"due_from_funds", "Due from other funds", account::due_from_funds},
    {"currency_exchange", "Currency exchange (trading account)", account::currency_exchange},
};
const Line liability_lines[] = {
    {"received_in_advance", "Contributions received in advance", account::received_in_advance},
    {"unidentified_receipts", "Unidentified receipts", account::unidentified},
    {"deferred_revenue", "Deferred revenue, conditional contributions", account::deferred_revenue},
    {"refunds_payable", "Refunds payable to donors", account::refunds_payable},
    {"due_to_funds", "Due to other funds", account::due_to_funds},
};
const Line net_asset_lines[] = {
    {"accumulated_surplus", "Accumulated surplus", account::accumulated_surplus},
    {"transfers", "Transfers between funds", account::transfers},
};

using Balances = std::map<std::int64_t, std::map<std::int64_t, std::int64_t>>;  // account -> fund -> USD

Balances balances_on(const Scope& scope, Date day) {
  Balances balances;
  for (const auto& [key, minor] : balances_as_of(scope, day)) balances[key.first][key.second] += minor;
  return balances;
}

FundAmounts amounts_of(const Scope& scope, const Balances& balances, std::int64_t account_id, bool credit_positive) {
  FundAmounts amounts(scope);
  if (const auto found = balances.find(account_id); found != balances.end()) {
    for (const auto& [fund, minor] : found->second) amounts.add(fund, minor);
  }
  if (credit_positive) amounts.negate();
  return amounts;
}

// The receivable falling due after twelve months from the day, by fund.
FundAmounts non_current_receivable(const Scope& scope, Date day) {
  FundAmounts non_current(scope);
  const Date boundary = Date::from_ymd(day.year() + 1, day.month(), 1).add_days(day.day() - 1);
  for (const ReceivableGroups& receivable :
       receivable_by_group(scope, day, 2, [&boundary](Date due) { return due > boundary ? 1 : 0; })) {
    non_current.add(receivable.fund_id, receivable.usd_by_group[1]);
  }
  return non_current;
}

struct Section {
  std::vector<StatementLine> lines;
  FundAmounts total;
};

Section section(const Scope& scope, const Balances& balances, Date day, const Line* first, const Line* last,
                AccountClass account_class, const std::set<std::int64_t>& others, bool credit_positive) {
  Section out{{}, FundAmounts(scope)};
  for (const Line* line = first; line != last; ++line) {
    const std::int64_t id = scope.account(line->account);
    FundAmounts amounts = amounts_of(scope, balances, id, credit_positive);
    out.total.add(amounts);
    if (line->account == account::receivable) {
      // Current: falling due within twelve months after the day, or overdue.
      FundAmounts non_current = non_current_receivable(scope, day);
      FundAmounts current = amounts;
      FundAmounts minus = non_current;
      minus.negate();
      current.add(minus);
      out.lines.push_back({"receivable_current", "Contributions receivable, current", RowKind::line, current});
      out.lines.push_back({"receivable_non_current", "Contributions receivable, non-current", RowKind::line, non_current});
      continue;
    }
    // The trading account's USD nets to zero in every fund: shown only if it ever does not.
    out.lines.push_back({line->key, line->label, RowKind::line, amounts, false,
                         line->account != account::currency_exchange});
  }
  for (const auto& record : scope.master.accounts.all()) {
    if (record.event.account_class != account_class || !others.count(record.id)) continue;
    FundAmounts amounts = amounts_of(scope, balances, record.id, credit_positive);
    out.total.add(amounts);
    out.lines.push_back({"account:" + record.code, record.event.name, RowKind::line, amounts});
  }
  return out;
}

// The ledger's own accounts (not on a standard line) holding a balance on either day.
std::set<std::int64_t> other_accounts(const Scope& scope, const Balances& current, const Balances& prior) {
  std::set<std::int64_t> placed;
  for (const Line& line : asset_lines) placed.insert(scope.account(line.account));
  for (const Line& line : liability_lines) placed.insert(scope.account(line.account));
  for (const Line& line : net_asset_lines) placed.insert(scope.account(line.account));
  std::set<std::int64_t> others;
  for (const Balances* balances : {&current, &prior}) {
    for (const auto& [id, by_fund] : *balances) {
      const bool moved = std::any_of(by_fund.begin(), by_fund.end(), [](const auto& fund) { return fund.second != 0; });
      if (moved && !placed.count(id)) others.insert(id);
    }
  }
  return others;
}

std::vector<StatementLine> statement(const Scope& scope, const Balances& balances, Date day,
                                     const std::set<std::int64_t>& others) {
  std::vector<StatementLine> lines;
  lines.push_back({"assets", "Assets", RowKind::heading, std::nullopt});
  Section assets = section(scope, balances, day, std::begin(asset_lines), std::end(asset_lines), AccountClass::asset,
                           others, false);
  lines.insert(lines.end(), assets.lines.begin(), assets.lines.end());
  lines.push_back({"assets_total", "Total assets", RowKind::subtotal, assets.total});

  lines.push_back({"liabilities", "Liabilities", RowKind::heading, std::nullopt});
  Section liabilities = section(scope, balances, day, std::begin(liability_lines), std::end(liability_lines),
                                AccountClass::liability, others, true);
  lines.insert(lines.end(), liabilities.lines.begin(), liabilities.lines.end());
  lines.push_back({"liabilities_total", "Total liabilities", RowKind::subtotal, liabilities.total});

  lines.push_back({"net_assets", "Net assets", RowKind::heading, std::nullopt});
  Section net = section(scope, balances, day, std::begin(net_asset_lines), std::end(net_asset_lines),
                        AccountClass::net_assets, others, true);
  lines.insert(lines.end(), net.lines.begin(), net.lines.end());
  // Revenue and expenses not yet closed into 3100: the surplus or deficit of the open year.
  FundAmounts unclosed(scope);
  for (const auto& [id, by_fund] : balances) {
    const AccountClass account_class = scope.account_class(id);
    if (account_class != AccountClass::revenue && account_class != AccountClass::expense) continue;
    for (const auto& [fund, minor] : by_fund) unclosed.add(fund, -minor);
  }
  lines.push_back({"surplus_not_closed", "Surplus/(deficit) not yet closed", RowKind::line, unclosed});
  net.total.add(unclosed);
  lines.push_back({"net_assets_total", "Total net assets", RowKind::subtotal, net.total});
  FundAmounts both = liabilities.total;
  both.add(net.total);
  lines.push_back({"liabilities_and_net_assets_total", "Total liabilities and net assets", RowKind::total, both});
  return lines;
}

}  // namespace

Report financial_position(const Scope& scope) {
  Report report = start_report(scope, "financial-position", "Statement of financial position");
  add_fund_columns(report, scope);
  const Balances current = balances_on(scope, scope.to);
  const Balances prior = balances_on(scope, scope.prior_to);
  const std::set<std::int64_t> others = other_accounts(scope, current, prior);
  std::vector<StatementLine> lines = statement(scope, current, scope.to, others);
  merge_prior(lines, statement(scope, prior, scope.prior_to, others));
  emit(report, lines);
  return report;
}

}  // namespace fundledger::reports
