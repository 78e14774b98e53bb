// Cash flow: how the cash of each fund (account 1100, in USD) moved from the day before the period
// to its last day. Opening cash, then the period's movements by what caused them (receipts from
// donors, grants, programme expenditure, programme support costs charged and earned, investment
// income, refunds, transfers between funds, the effect of exchange rates, anything else), the net
// change and closing cash; one column per fund in scope and a total. Inflows are positive and
// outflows negative, so that for every fund opening + net change = closing = the 1100 balance on
// the last day.
//
// Each line is the sum of the 1100 postings of the events of one type. The cash of an expense, a
// transfer or a refund is split by its other postings: the postings of an event balance in USD
// within each fund, so the cash such an event moved in a fund is exactly the negated sum of its
// other postings in that fund (5100 grants, 5200 programme, 5300 PSC, 4300 PSC income, 3200
// transfers, 4900 and 2300 refunds, 5900 rounding with them), and its realized exchange (4700),
// the difference between the USD the cash carried and its value that day, is an effect of
// exchange rates on cash.
#include "reports/support.hpp"

#include "core/chart.hpp"

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fundledger::reports {

namespace {

// The lines between opening and closing cash, in the order they are printed.
enum class Line : std::size_t {
  receipts,
  grants,
  programme,
  support_costs,
  support_cost_income,
  investment_income,
  refunds,
  transfers,
  exchange,
  other,
};
constexpr std::size_t line_count = static_cast<std::size_t>(Line::other) + 1;

constexpr std::array<const char*, line_count> line_labels = {
    "Receipts from donors",
    "Grants to implementing partners",
    "Programme expenditure",
    "Programme support costs",
    "Programme support cost income",
    "Investment income",
    "Refunds to donors",
    "Transfers between funds",
    "Effect of exchange rate changes on cash",
    "Other movements",
};

// The line that takes the cash an event of this type moved. Expenses are split afterwards; apply
// events move no cash (they only reclassify what a receipt already brought in), and entries,
// corrections of events of no other line, and any type added later fall under "Other movements".
Line line_of_type(std::string_view type) {
  if (type == "receipt") return Line::receipts;
  if (type == "expense") return Line::programme;
  if (type == "interest") return Line::investment_income;
  if (type == "refund") return Line::refunds;
  if (type == "transfer") return Line::transfers;
  // The close revalues foreign-currency cash (and reverses it the next day); a reopening undoes it.
  if (type == "period_close" || type == "period_reopen") return Line::exchange;
  return Line::other;
}

// The events whose cash is split by their other postings in the same fund: what an expense paid
// for, and, for an expense, a transfer or a refund, the realized exchange on the cash, which left
// at the USD it carried rather than at the day's value.
bool split_by_counterpart(std::string_view type) { return type == "expense" || type == "transfer" || type == "refund"; }

// The line of the cash that an event of this type moved against this account; Line::other for an
// account such an event does not normally post to.
Line line_of_counterpart(std::string_view type, std::string_view code) {
  if (code == "4700") return Line::exchange;
  if (type == "transfer") return code == "3200" || code == "5900" ? Line::transfers : Line::other;
  if (type == "refund") {
    return code == "4900" || code == "2300" || code == "2100" || code == "2150" || code == "5900" ? Line::refunds
                                                                                                   : Line::other;
  }
  if (code == "5100") return Line::grants;
  if (code == "5200") return Line::programme;
  if (code == "5300") return Line::support_costs;
  if (code == "4300") return Line::support_cost_income;
  // The rounding residual belongs with the expenditure whose conversion left it.
  if (code == "5900") return Line::programme;
  return Line::other;
}

// Amounts in USD cents by fund, in the order of the scope's funds.
class FundCents {
 public:
  explicit FundCents(std::size_t funds) : minor_(funds, 0) {}
  std::int64_t& operator[](std::size_t fund_index) { return minor_[fund_index]; }
  std::int64_t operator[](std::size_t fund_index) const { return minor_[fund_index]; }
  void add(const FundCents& other) {
    for (std::size_t i = 0; i < minor_.size(); ++i) minor_[i] += other.minor_[i];
  }
  ReportRow row(RowKind kind, std::string label) const {
    ReportRow result{kind, {std::move(label)}};
    std::int64_t total = 0;
    for (std::int64_t minor : minor_) {
      result.cells.emplace_back(usd(minor));
      total += minor;
    }
    result.cells.emplace_back(usd(total));
    return result;
  }

 private:
  std::vector<std::int64_t> minor_;
};

using Lines = std::vector<FundCents>;

// The cash each kind of event moved in each fund (a reversal counts as the kind it reverses, so
// that a corrected receipt nets out of "Receipts from donors"). Postings are selected by their own
// date, not the event's: a close posts the reversal of its revaluation on the first day of the next
// month, which belongs to the period that contains that day. The cash of the events split by their
// counterparts is returned by kind, for split_by_counterparts.
std::map<std::string, FundCents> add_cash_by_kind(const Scope& scope, std::int64_t cash,
                                                   const std::map<std::int64_t, std::size_t>& fund_index, Lines& lines) {
  std::map<std::string, FundCents> split_cash;
  for (const store::KindAccountSums& row : scope.txn.sums_by_kind_and_account(
           cash, true, scope.from.day_number(), scope.to.day_number(), scope.fund_ids)) {
    const std::size_t fund = fund_index.at(row.fund_id);
    if (split_by_counterpart(row.kind)) {
      split_cash.try_emplace(row.kind, fund_index.size()).first->second[fund] += row.functional_minor;
    } else {
      lines[static_cast<std::size_t>(line_of_type(row.kind))][fund] += row.functional_minor;
    }
  }
  return split_cash;
}

// The split of that cash, from the events' other postings by fund and account (negated: a debit to
// 5200 is cash paid out). What the known accounts do not explain, which is nothing for the postings
// the ledger makes today, goes to "Other movements", so that the lines always add up to the cash
// the events moved.
void split_by_counterparts(const Scope& scope, std::int64_t cash, const std::map<std::int64_t, std::size_t>& fund_index,
                           const std::map<std::string, FundCents>& split_cash, Lines& lines) {
  std::map<std::string, FundCents> explained;
  for (const store::KindAccountSums& row : scope.txn.sums_by_kind_and_account(
           cash, false, scope.from.day_number(), scope.to.day_number(), scope.fund_ids)) {
    if (!split_by_counterpart(row.kind)) continue;
    const Line which = line_of_counterpart(row.kind, scope.account_code(row.account_id));
    if (which == Line::other) continue;
    const std::size_t fund = fund_index.at(row.fund_id);
    lines[static_cast<std::size_t>(which)][fund] -= row.functional_minor;
    explained.try_emplace(row.kind, fund_index.size()).first->second[fund] -= row.functional_minor;
  }
  for (const auto& [kind, moved_cash] : split_cash) {
    const auto found = explained.find(kind);
    for (std::size_t fund = 0; fund < fund_index.size(); ++fund) {
      lines[static_cast<std::size_t>(Line::other)][fund] +=
          moved_cash[fund] - (found == explained.end() ? 0 : found->second[fund]);
    }
  }
}

}  // namespace

Report cash_flow(const Scope& scope) {
  Report report = start_report(scope, "cash-flow", "Cash flow");
  report.columns.push_back({"line", "", false});
  for (const std::string& code : scope.fund_codes) report.columns.push_back({code, code, true});
  report.columns.push_back({"total", "Total", true});

  const std::size_t fund_count = scope.fund_ids.size();
  std::map<std::int64_t, std::size_t> fund_index;
  for (std::size_t i = 0; i < fund_count; ++i) fund_index[scope.fund_ids[i]] = i;
  FundCents opening(fund_count);
  Lines lines(line_count, FundCents(fund_count));
  // A ledger whose chart lacks 1100 holds no cash: every line stays zero.
  if (const std::int64_t cash = scope.account(detail::account::cash); cash >= 0) {
    for (const auto& [key, minor] : balances_as_of(scope, scope.from.add_days(-1))) {
      if (key.first == cash) opening[fund_index.at(key.second)] += minor;
    }
    const auto split_cash = add_cash_by_kind(scope, cash, fund_index, lines);
    split_by_counterparts(scope, cash, fund_index, split_cash, lines);
  }
  FundCents net_change(fund_count);
  for (const FundCents& amounts : lines) net_change.add(amounts);
  FundCents closing = opening;
  closing.add(net_change);

  report.rows.push_back(opening.row(RowKind::line, "Opening cash"));
  ReportRow heading{RowKind::heading, {std::string("Inflows and outflows")}};
  heading.cells.resize(report.columns.size());
  report.rows.push_back(std::move(heading));
  // Every line is kept, zero or not, so that the layout is the same from one period to the next.
  for (std::size_t i = 0; i < line_count; ++i) report.rows.push_back(lines[i].row(RowKind::line, line_labels[i]));
  report.rows.push_back(net_change.row(RowKind::subtotal, "Net change in cash"));
  report.rows.push_back(closing.row(RowKind::total, "Closing cash"));
  return report;
}

}  // namespace fundledger::reports
