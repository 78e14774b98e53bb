// The rules of implementing partners and budgets: advance, partner_report, budget.
//
//   advance         Dr 1400 (at the day's rate, with its project) / Cr 1100 (the fund's cash at the
//                   USD it carries; the difference is realized exchange, 4700). The advance is kept
//                   as a holding of its own, with its partner and project, until reported.
//   partner_report  Dr 5100 (at the day's rate) / Cr 1400 (the advance at the USD it carries), and
//                   PSC on the reported amount, as for any expenditure (5300 / 1100, and the PSC
//                   fund's income). A report may not exceed what the advance still holds.
//   budget          no postings: an approved budget for a fund's year (a projection the budget
//                   report reads).
#include "rules/spending.hpp"

#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

namespace fundledger::detail {

namespace {

const ProjectRecord* project_of_fund(const RuleContext& context, const std::string& code, const FundRecord& fund) {
  if (code.empty()) return nullptr;
  const ProjectRecord& project = context.project(code, "project");
  if (project.fund_id != fund.id) {
    throw Error(ErrorCode::bad_input,
                field_error("project", "project " + code + " belongs to fund " + project.event.fund + ", not " + fund.code));
  }
  return &project;
}

// The advance a report names, with what it still holds; Error when there is none, or the report
// comes before it or asks for more than it holds.
Holding reported_advance(RuleContext& context, const PartnerReportEvent& report, const CurrencyRecord*& currency) {
  const auto advance = context.state.event(report.advance);
  auto holding = advance && advance->type == "advance" ? context.state.holding(advance->seq) : std::nullopt;
  if (!holding) {
    throw Error(ErrorCode::unknown_reference, field_error("advance", "no advance to a partner " + quote(report.advance)));
  }
  currency = &context.currency(holding->currency_id);
  if (advance->day && report.date.day_number() < *advance->day) {
    throw Error(ErrorCode::bad_input, field_error("date", "partner report " + report.id + " is dated " +
                                                              report.date.to_string() + ", before advance " +
                                                              report.advance + " was made (" +
                                                              Date::from_day_number(*advance->day).to_string() + ")"));
  }
  return *holding;
}

}  // namespace

void rule_advance(RuleContext& context, const AdvanceEvent& given) {
  const auto& currency = context.currency_for_use(given.currency, "currency");
  AdvanceEvent advance = given;
  advance.amount = context.positive_amount(given.amount, currency, "amount");
  const std::string body = body_fields(Event{advance}).render();
  if (context.already_recorded(advance.id, "advance", body)) return;
  context.change.body = body;
  const auto& fund = context.fund(advance.fund, "fund");
  const ProjectRecord* project = project_of_fund(context, advance.project, fund);
  PostingBuilder builder(context, advance.date, "advance " + advance.id);
  const std::int64_t cash = builder.account(account::cash);
  builder.add(builder.account(account::partner_advances), fund.id, currency, advance.amount,
              {0, project ? project->id : 0, 0});
  const StoredPosting owed = builder.postings().back();
  builder.relieve(cash, fund.id, currency, -advance.amount, context.state.cash_position(fund.id, currency.id));
  context.change.postings = builder.finish();
  check_cash_taken(context, "advance " + advance.id, advance.date, context.change.postings, advance.allow_overdraft,
                   CashRuleSince::version_1);
  context.change.holdings_added.push_back(owed);
  context.change.partner = advance.partner;
}

void rule_partner_report(RuleContext& context, const PartnerReportEvent& given) {
  const CurrencyRecord* currency = nullptr;
  const Holding advance = reported_advance(context, given, currency);
  PartnerReportEvent report = given;
  report.amount = context.positive_amount(given.amount, *currency, "amount");
  const std::string body = body_fields(Event{report}).render();
  if (context.already_recorded(report.id, "partner_report", body)) return;
  context.change.body = body;
  const std::int64_t amount_minor = report.amount.to_minor_units(currency->minor_units);
  if (amount_minor > advance.amount_minor) {
    throw Error(ErrorCode::bad_input,
                field_error("amount", "advance " + report.advance + " holds only " +
                                          Decimal::from_minor_units(advance.amount_minor, currency->minor_units).to_string() +
                                          " " + currency->code + " not yet reported"));
  }
  const FundRecord& fund = context.master.funds.by_id(advance.fund_id);
  const ProjectRecord* project = advance.project_id ? &context.master.projects.by_id(advance.project_id) : nullptr;
  const Dimensions on_project{0, advance.project_id, 0};
  PostingBuilder builder(context, report.date, "partner_report " + report.id);
  builder.add(builder.account(account::grants), fund.id, *currency, report.amount, on_project);
  const std::int64_t relieved = builder.relieve(builder.account(account::partner_advances), fund.id, *currency,
                                                -report.amount, advance.position(), on_project);
  context.change.move(advance.seq, -amount_minor, relieved);
  const Decimal psc = psc_on(context, report.amount, psc_rate_for(context, report.psc_rate, project, report.date),
                             *currency, report.date);
  Position held = context.state.cash_position(fund.id, currency->id);
  charge_psc(context, builder, fund, *currency, psc, on_project, held);
  context.change.postings = builder.finish();
  check_cash_taken(context, "partner_report " + report.id, report.date, context.change.postings, report.allow_overdraft,
                   CashRuleSince::version_2, " (its PSC)");
}

void rule_budget(RuleContext& context, const BudgetEvent& given) {
  const auto& usd = context.currency_for_use(functional_currency_code, "amount");
  BudgetEvent budget = given;
  budget.amount = Decimal::from_minor_units(0, usd.minor_units);
  if (given.amount.sign() < 0) {
    throw Error(ErrorCode::bad_input, field_error("amount", "a budget is not negative: " + given.amount.to_string()));
  }
  if (!given.amount.is_zero()) budget.amount = context.positive_amount(given.amount, usd, "amount");
  const std::string body = body_fields(Event{budget}).render();
  if (context.already_recorded(budget.id, "budget", body)) return;
  context.change.body = body;
  const auto& fund = context.fund(budget.fund, "fund");
  const ProjectRecord* project = project_of_fund(context, budget.project, fund);
  context.change.budget_added =
      BudgetRow{0, fund.id, project ? project->id : 0, budget.category, budget.year,
                budget.amount.to_minor_units(usd.minor_units)};
}

}  // namespace fundledger::detail
