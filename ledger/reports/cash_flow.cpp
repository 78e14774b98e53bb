// Cash flow statement (IPSAS 2, direct method): how the cash of each fund (account 1100, in USD)
// moved from the day before the period to its last day, per fund, in total and for the prior
// period. Operating activities (receipts from donors, refunds, payments for programmes and grants,
// advances to implementing partners, programme support costs paid and received, other), investing
// activities (interest received), financing activities (transfers between funds), the effect of
// exchange rate changes on cash, the net change, and the cash at the beginning and end. Inflows are
// positive, outflows negative: for every fund, beginning + net change = end = the 1100 balance.
//
// Each line sums the 1100 movements of one kind of event, at the value of the cash on the day it
// moved (IPSAS 2.27). The cash of an expense, an advance or a transfer is split by its other
// postings in the same fund, which are valued at the day's rate: an event's postings balance in USD
// within each fund, so the cash it moved there is exactly the negated sum of its other postings
// (5100 grants, 5200 programme, 5300 PSC, 4300 PSC income, 1400 advances, 3200 transfers), and its
// realized exchange (4700: the cash left at the USD it carried, not at its value that day) and
// rounding (5900) belong to the effect of exchange rates. A partner's report moves cash only for its
// PSC: its expenditure (5100) and the advance it clears (1400) differ by exchange alone, which goes
// there too. A refund paid is the cash paid valued at the day's rate; the difference from the USD
// the cash carried is an effect of exchange rates. Internal PSC (charged by one fund in scope,
// earned by a PSC fund in scope) is eliminated from the total column of both PSC lines; transfers
// between funds in scope cancel in it.
#include "reports/statement_lines.hpp"

#include "core/chart.hpp"
#include "core/master.hpp"

#include <algorithm>

namespace fundledger::reports {

namespace {

namespace account = detail::account;
using detail::MovementKind;

enum class Line : std::size_t {
  receipts,
  refunds,
  programme,
  grants,
  advances,
  psc_paid,
  psc_received,
  other,
  interest,
  transfers,
  exchange,
  count
};

struct Lines {
  std::vector<FundAmounts> amounts;
  explicit Lines(const Scope& scope) : amounts(static_cast<std::size_t>(Line::count), FundAmounts(scope)) {}
  FundAmounts& operator[](Line line) { return amounts[static_cast<std::size_t>(line)]; }
};

// The events whose cash is split by their other postings in the same fund.
bool split_by_counterpart(MovementKind kind) {
  return kind == MovementKind::expense_programme || kind == MovementKind::expense_grant ||
         kind == MovementKind::partner_report || kind == MovementKind::advance || kind == MovementKind::transfer;
}

// The line of cash an event of this kind moved, unsplit.
Line line_of_kind(MovementKind kind) {
  switch (kind) {
    case MovementKind::receipt: return Line::receipts;
    case MovementKind::interest: return Line::interest;
    case MovementKind::revaluation: return Line::exchange;  // the close restates foreign-currency cash
    default: return Line::other;
  }
}

// The line of the cash that an event of a split kind moved against this account.
Line line_of_counterpart(MovementKind kind, std::string_view code) {
  if (code == account::realized_exchange || code == account::rounding) return Line::exchange;
  if (kind == MovementKind::partner_report && (code == account::grants || code == account::partner_advances)) {
    return Line::exchange;  // the reported spending and the advance it clears differ by exchange alone
  }
  if (code == account::grants) return Line::grants;
  if (code == account::programme) return Line::programme;
  if (code == account::support_costs) return Line::psc_paid;
  if (code == account::support_cost_income) return Line::psc_received;
  if (code == account::partner_advances) return Line::advances;
  if (code == account::transfers) return Line::transfers;
  return Line::other;
}

// Whether cash moved for refunds in from..to.
bool refunds_moved_cash(const Scope& scope, Date from, Date to) {
  store::MovementQuery by_kind;
  by_kind.by_kind = true;
  const auto moved = flows(scope, {account::cash}, from, to, by_kind);
  return std::any_of(moved.begin(), moved.end(),
                     [](const store::MovementSums& row) { return row.kind == MovementKind::refund && usd_of(row) != 0; });
}

// Refunds paid: the cash at the day's rate; what it carried beyond that is exchange. The postings
// are read for the months in which refunds moved cash alone.
void add_refunds_paid(const Scope& scope, Lines& lines, Date from, Date to) {
  const std::int64_t cash = scope.account(account::cash);
  if (cash < 0 || !refunds_moved_cash(scope, from, to)) return;
  for (Date month_start = from; !(to < month_start);) {
    const Date month_end = std::min(to, Period::month_of(month_start).last_day());
    if (refunds_moved_cash(scope, month_start, month_end)) {
      for (const store::DatedSums& paid : scope.txn.dated_sums_of_type(cash, "refund", month_start.day_number(),
                                                                        month_end.day_number(), scope.fund_ids)) {
        const auto& currency = scope.master.currencies.by_id(paid.currency_id);
        const std::int64_t value = detail::usd_value_minor(
            scope.master, currency, Decimal::from_minor_units(paid.amount_minor, currency.minor_units),
            Date::from_day_number(paid.day));
        lines[Line::refunds].add(paid.fund_id, value);
        lines[Line::exchange].add(paid.fund_id, paid.functional_minor - value);
      }
    }
    month_start = month_end.add_days(1);
  }
}

std::vector<StatementLine> statement(const Scope& scope, Date from, Date to) {
  Lines lines(scope);
  const std::int64_t cash = scope.account(account::cash);
  store::MovementQuery by_kind;
  by_kind.by_kind = true;
  for (const store::MovementSums& row : flows(scope, {}, from, to, by_kind)) {
    if (row.account_id == cash) {
      if (!split_by_counterpart(row.kind) && row.kind != MovementKind::refund) {
        lines[line_of_kind(row.kind)].add(row.fund_id, usd_of(row));
      }
    } else if (split_by_counterpart(row.kind)) {
      lines[line_of_counterpart(row.kind, scope.account_code(row.account_id))].add(row.fund_id, -usd_of(row));
    }
  }
  add_refunds_paid(scope, lines, from, to);
  // PSC paid by one fund in scope to a PSC fund in scope leaves the total.
  const std::int64_t internal =
      std::max<std::int64_t>(0, std::min(-lines[Line::psc_paid].total(), lines[Line::psc_received].total()));
  lines[Line::psc_paid].add_to_total(internal);
  lines[Line::psc_received].add_to_total(-internal);

  FundAmounts opening(scope);
  FundAmounts closing(scope);
  for (const auto& [key, minor] : balances_as_of(scope, from.add_days(-1))) {
    if (key.first == cash) opening.add(key.second, minor);
  }
  for (const auto& [key, minor] : balances_as_of(scope, to)) {
    if (key.first == cash) closing.add(key.second, minor);
  }
  auto sum = [&lines, &scope](std::initializer_list<Line> parts) {
    FundAmounts total(scope);
    for (Line part : parts) total.add(lines[part]);
    return total;
  };
  const FundAmounts operating = sum({Line::receipts, Line::refunds, Line::programme, Line::grants, Line::advances,
                                     Line::psc_paid, Line::psc_received, Line::other});
  const FundAmounts investing = sum({Line::interest});
  const FundAmounts financing = sum({Line::transfers});
  FundAmounts net = operating;
  net.add(investing);
  net.add(financing);
  net.add(lines[Line::exchange]);
  return {
      {"operating", "Cash flows from operating activities", RowKind::heading, std::nullopt},
      {"receipts_from_donors", "Receipts from donors", RowKind::line, lines[Line::receipts]},
      {"refunds_to_donors", "Refunds to donors", RowKind::line, lines[Line::refunds]},
      {"payments_programme", "Payments for programme expenditure", RowKind::line, lines[Line::programme]},
      {"payments_grants", "Grants to implementing partners", RowKind::line, lines[Line::grants]},
      {"advances_to_partners", "Advances to implementing partners", RowKind::line, lines[Line::advances]},
      {"psc_paid", "Programme support costs paid (inter-fund amounts eliminated in the total)", RowKind::line,
       lines[Line::psc_paid]},
      {"psc_received", "Programme support cost income received (inter-fund amounts eliminated in the total)",
       RowKind::line, lines[Line::psc_received]},
      {"other_operating", "Other operating cash flows", RowKind::line, lines[Line::other]},
      {"operating_total", "Net cash flows from operating activities", RowKind::subtotal, operating},
      {"investing", "Cash flows from investing activities", RowKind::heading, std::nullopt},
      {"interest_received", "Interest received", RowKind::line, lines[Line::interest]},
      {"investing_total", "Net cash flows from investing activities", RowKind::subtotal, investing},
      {"financing", "Cash flows from financing activities", RowKind::heading, std::nullopt},
      {"transfers", "Transfers between funds", RowKind::line, lines[Line::transfers]},
      {"financing_total", "Net cash flows from financing activities", RowKind::subtotal, financing},
      {"exchange_effect", "Effect of exchange rate changes on cash and cash equivalents", RowKind::line,
       lines[Line::exchange]},
      {"net_change", "Net increase/(decrease) in cash and cash equivalents", RowKind::subtotal, net},
      {"opening", "Cash and cash equivalents at the beginning of the period", RowKind::line, opening},
      {"closing", "Cash and cash equivalents at the end of the period", RowKind::total, closing},
  };
}

}  // namespace

Report cash_flow(const Scope& scope) {
  Report report = start_report(scope, "cash-flow", "Cash flow statement");
  add_fund_columns(report, scope);
  std::vector<StatementLine> lines = statement(scope, scope.from, scope.to);
  merge_prior(lines, statement(scope, scope.prior_from, scope.prior_to));
  emit(report, lines);
  return report;
}

}  // namespace fundledger::reports
