// The rules of money leaving or moving between funds: refund, expense, transfer, interest.
#include "rules/pledge_rules.hpp"
#include "rules/spending.hpp"

#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/mutants.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

namespace fundledger::detail {

std::string usd_text(std::int64_t minor) { return Decimal::from_minor_units(minor, 2).to_string() + " USD"; }

namespace {

std::string held_text(std::int64_t minor, const CurrencyRecord& currency) {
  return Decimal::from_minor_units(minor, currency.minor_units).to_string() + " " + currency.code;
}

// The money held from the receipt a refund names, checked against the refund.
Holding refunded_holding(RuleContext& context, const RefundEvent& refund, const CurrencyRecord& currency,
                         std::int64_t donor_id, std::int64_t fund_id) {
  const auto receipt = context.state.event(refund.receipt);
  auto holding = receipt ? context.state.holding(receipt->seq) : std::nullopt;
  const std::string_view code = holding ? std::string_view(context.master.accounts.by_id(holding->account_id).code) : "";
  if (!holding || (code != account::received_in_advance && code != account::unidentified)) {
    throw Error(ErrorCode::bad_input,
                field_error("receipt", quote(refund.receipt) + " holds no advance or unidentified receipt to refund"));
  }
  const auto& master = context.master;
  if (holding->fund_id != fund_id || holding->currency_id != currency.id ||
      (holding->donor_id && holding->donor_id != donor_id)) {
    throw Error(ErrorCode::bad_input,
                field_error("receipt", "receipt " + refund.receipt + " holds " + context.currency(holding->currency_id).code +
                                           " in fund " + master.funds.by_id(holding->fund_id).code +
                                           (holding->donor_id ? " for donor " + master.donors.by_id(holding->donor_id).code : "") +
                                           ", not " + currency.code + " in fund " + refund.fund + " for donor " + refund.donor));
  }
  if (receipt->day && refund.date.day_number() < *receipt->day) {
    throw Error(ErrorCode::bad_input, field_error("date", "refund " + refund.id + " is dated " + refund.date.to_string() +
                                                              ", before " + refund.receipt + " was received (" +
                                                              Date::from_day_number(*receipt->day).to_string() + ")"));
  }
  if (refund.amount.to_minor_units(currency.minor_units) > holding->amount_minor) {
    throw Error(ErrorCode::bad_input, field_error("amount", "receipt " + refund.receipt + " holds only " +
                                                                held_text(holding->amount_minor, currency) +
                                                                " that could be refunded"));
  }
  return *holding;
}

// The payment of a refund recorded earlier as payable: the payable, with its own keys, relieved at
// the USD it carries; the cash at the USD it carries.
void pay_refund(RuleContext& context, PostingBuilder& builder, const RefundEvent& refund,
                const CurrencyRecord& currency, std::int64_t donor_id, std::int64_t fund_id) {
  const std::int64_t payable = builder.account(account::refunds_payable);
  const auto payable_event = context.state.event(refund.pays);
  auto holding = payable_event ? context.state.holding(payable_event->seq) : std::nullopt;
  if (!holding || holding->account_id != payable) {
    throw Error(ErrorCode::unknown_reference, field_error("pays", "no payable refund " + quote(refund.pays)));
  }
  if (holding->fund_id != fund_id || holding->donor_id != donor_id || holding->currency_id != currency.id) {
    throw Error(ErrorCode::bad_input, field_error("pays", "refund " + refund.pays + " is owed to another donor, "
                                                              "fund or currency"));
  }
  // Version 3: a payment is not dated before what it pays.
  if (payable_event->day && refund.date.day_number() < *payable_event->day &&
      rules_at_least(context.master, refund.date, 3)) {
    throw Error(ErrorCode::bad_input,
                field_error("date", "refund " + refund.id + " is dated " + refund.date.to_string() +
                                        ", before the payable refund " + refund.pays + " it pays (" +
                                        Date::from_day_number(*payable_event->day).to_string() + ")"));
  }
  const std::int64_t amount_minor = refund.amount.to_minor_units(currency.minor_units);
  if (amount_minor > holding->amount_minor) {
    throw Error(ErrorCode::bad_input, field_error("amount", "refund " + refund.pays + " has only " +
                                                                held_text(holding->amount_minor, currency) + " left to pay"));
  }
  const std::int64_t relieved = builder.relieve(payable, fund_id, currency, refund.amount, holding->position(),
                                                {holding->donor_id, 0, holding->pledge_id});
  builder.relieve(builder.account(account::cash), fund_id, currency, -refund.amount,
                  context.state.cash_position(fund_id, currency.id), {donor_id, 0, 0});
  context.change.move(holding->seq, -amount_minor, -relieved);
}

// A refund returning money held (naming its receipt) or recognized revenue (4900), payable in 2300
// or paid at once.
void refund_due(RuleContext& context, PostingBuilder& builder, const RefundEvent& refund,
                const CurrencyRecord& currency, std::int64_t donor_id, std::int64_t fund_id, std::int64_t pledge_id) {
  const std::int64_t payable = builder.account(account::refunds_payable);
  std::optional<Holding> drawn;
  if (!refund.receipt.empty()) {
    // Money still held from a receipt goes back: relieved at the USD it carries.
    drawn = refunded_holding(context, refund, currency, donor_id, fund_id);
    const std::int64_t relieved = builder.relieve(drawn->account_id, fund_id, currency, refund.amount, drawn->position(),
                                                  {drawn->donor_id, 0, drawn->pledge_id});
    context.change.move(drawn->seq, -refund.amount.to_minor_units(currency.minor_units), -relieved);
  } else {
    // Revenue already recognized is given back.
    builder.add(builder.account(account::refunds_and_reductions), fund_id, currency, refund.amount, {donor_id, 0, pledge_id});
  }
  builder.add(payable, fund_id, currency, -refund.amount, {donor_id, 0, pledge_id});
  const StoredPosting owed = builder.postings().back();
  if (refund.paid) {
    if (whole_holdings_on(context.master, refund.date)) {
      // Paid at once posts what the two steps post: the payable relieved at the USD it carries,
      // its difference from the day's value realized (4700), then the cash.
      builder.relieve(payable, fund_id, currency, refund.amount, {owed.amount_minor, owed.functional_minor},
                      {donor_id, 0, pledge_id});
    } else {
      builder.add_with_usd(payable, fund_id, currency, refund.amount, -owed.functional_minor, {donor_id, 0, pledge_id});
    }
    builder.relieve(builder.account(account::cash), fund_id, currency, -refund.amount,
                    context.state.cash_position(fund_id, currency.id), {donor_id, 0, 0});
  } else {
    context.change.holdings_added.push_back(owed);
  }
}

}  // namespace

void rule_refund(RuleContext& context, const RefundEvent& given) {
  const auto& currency = context.currency_for_use(given.currency, "currency");
  RefundEvent refund = given;
  refund.amount = context.positive_amount(given.amount, currency, "amount");
  const std::string body = body_fields(Event{refund}).render();
  if (context.already_recorded(refund.id, "refund", body)) return;
  context.change.body = body;
  const auto& donor = context.donor(refund.donor, "donor");
  const auto& fund = context.fund(refund.fund, "fund");
  std::int64_t pledge_id = 0;
  if (!refund.pledge.empty()) {
    const auto& pledge = context.pledge(refund.pledge, "pledge");
    if (pledge.donor_id != donor.id || pledge.fund_id != fund.id) {
      throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + refund.pledge + " is not from donor " +
                                                                  refund.donor + " to fund " + refund.fund));
    }
    pledge_id = pledge.id;
  }
  PostingBuilder builder(context, refund.date, "refund " + refund.id);
  if (!refund.pays.empty()) {
    pay_refund(context, builder, refund, currency, donor.id, fund.id);
  } else {
    refund_due(context, builder, refund, currency, donor.id, fund.id, pledge_id);
  }
  context.change.postings = builder.finish();
  check_cash_taken(context, "refund " + refund.id, refund.date, context.change.postings, refund.allow_overdraft,
                   CashRuleSince::version_2);
}

Decimal psc_rate_for(const RuleContext& context, const std::optional<Decimal>& own, const ProjectRecord* project,
                     Date day) {
  std::optional<Decimal> rate = own;
  if (!rate && project) rate = project->event.psc_rate;
  if (!rate) rate = Decimal::parse(setting_on(context.master, "psc_rate", day));
  if (rate->sign() < 0 || *rate >= Decimal::from_integer(1)) {
    throw Error(ErrorCode::bad_input, field_error("psc_rate", "expected a rate from 0 to below 1, like 0.13, not " +
                                                                  rate->to_string()));
  }
  return *rate;
}

Decimal psc_on(const RuleContext& context, const Decimal& amount, const Decimal& rate, const CurrencyRecord& currency,
               Date day) {
  return (amount * rate).rescale(currency.minor_units, rounding_on(context.master, day));
}

bool psc_exempt(const RuleContext& context, const FundRecord& fund, Date day) {
  // A PSC fund's own spending is what the PSC pays for: it charges no PSC to itself (the
  // psc_own_spending setting, exempt in every ledger init makes; ledgers made before it charged it).
  return fund.event.kind == FundKind::psc && setting_on(context.master, "psc_own_spending", day) == "exempt";
}

void charge_psc(RuleContext& context, PostingBuilder& builder, const FundRecord& fund, const CurrencyRecord& currency,
                const Decimal& psc, Dimensions on_project, Position& held) {
  if (psc.is_zero() || psc_exempt(context, fund, builder.date())) return;
  const std::int64_t cash = builder.account(account::cash);
  builder.add(builder.account(account::support_costs), fund.id, currency, psc, on_project);
  held.functional_minor += builder.relieve(cash, fund.id, currency, -psc, held);
  held.amount_minor -= psc.to_minor_units(currency.minor_units);
  if (const std::string psc_fund = setting_on(context.master, "psc_fund", builder.date()); !psc_fund.empty()) {
    // The PSC charged here is the PSC fund's income, in the same entry.
    const auto& earning = context.fund(psc_fund, "psc_fund setting");
    builder.add_cash(earning.id, currency, psc);
    builder.add(builder.account(account::support_cost_income), earning.id, currency, -psc, on_project);
  }
}

namespace {

// What postings add to the cash of each fund, in USD and by currency.
struct CashAdded {
  std::map<std::int64_t, Decimal::Coefficient> usd;
  std::map<std::pair<std::int64_t, std::int64_t>, Decimal::Coefficient> amounts;
};

CashAdded cash_added(const RuleContext& context, const std::vector<StoredPosting>& postings) {
  CashAdded added;
  const auto* cash = context.master.accounts.find(account::cash);
  if (!cash) return added;
  for (const StoredPosting& p : postings) {
    if (p.account_id != cash->id) continue;
    added.usd[p.fund_id] += p.functional_minor;
    added.amounts[{p.fund_id, p.currency_id}] += p.amount_minor;
  }
  return added;
}

[[noreturn]] void refuse_overdraft(const std::string& what, Decimal::Coefficient taken, const CurrencyRecord* currency,
                                   const FundRecord& fund, Decimal::Coefficient available, std::string_view note,
                                   const std::string& when) {
  const int units = currency ? currency->minor_units : 2;
  const std::string code = currency ? currency->code : std::string(functional_currency_code);
  throw Error(ErrorCode::bad_input,
              what + " of " + Decimal::from_coefficient(taken, units).to_string() + " " + code + std::string(note) +
                  " is more than the " + (currency ? code + " " : std::string()) + "cash of fund " + fund.code + " (" +
                  Decimal::from_coefficient(available, units).to_string() + " " + code + when +
                  "); record it with allow_overdraft (--allow-overdraft) to spend beyond it");
}

// The currencies other than one that a fund holds cash in: "EUR 1000.00, GBP 20.00".
std::string other_cash(const RuleContext& context, std::int64_t fund_id, std::int64_t except_currency) {
  std::string held;
  for (const CurrencyRecord& currency : context.master.currencies.all()) {
    if (currency.id == except_currency) continue;
    const std::int64_t amount = context.state.cash_position(fund_id, currency.id).amount_minor;
    if (amount <= 0) continue;
    held += (held.empty() ? "" : ", ") + currency.code + " " + Decimal::from_minor_units(amount, currency.minor_units).to_string();
  }
  return held;
}

}  // namespace

void check_cash_taken(const RuleContext& context, const std::string& what, Date date,
                      const std::vector<StoredPosting>& postings, bool allow_overdraft, CashRuleSince since,
                      std::string_view note) {
  const bool whole = whole_holdings_on(context.master, date);
  if (allow_overdraft || (!whole && since == CashRuleSince::version_2) || FUNDLEDGER_MUTANT("let_overdraft_through")) return;
  const CashAdded added = cash_added(context, postings);
  for (const auto& [fund_id, usd] : added.usd) {
    if (usd >= 0) continue;
    const FundRecord& fund = context.master.funds.by_id(fund_id);
    const Decimal::Coefficient at_end_of_day = context.state.cash_usd(fund_id, date);
    if (at_end_of_day + usd < 0) refuse_overdraft(what, -usd, nullptr, fund, at_end_of_day, note, "");
    if (!whole) continue;
    // A later-dated event may have spent it already.
    const Decimal::Coefficient now = context.state.cash_usd_now(fund_id);
    if (now + usd < 0) refuse_overdraft(what, -usd, nullptr, fund, now, note, " with what is recorded after " + date.to_string());
  }
  if (!whole) return;
  for (const auto& [fund_currency, amount] : added.amounts) {
    if (amount >= 0) continue;
    const auto [fund_id, currency_id] = fund_currency;
    const Decimal::Coefficient held = context.state.cash_position(fund_id, currency_id).amount_minor;
    if (held + amount < 0) {
      // Cash is kept by currency: spending one the fund does not hold needs a conversion first.
      const std::string others = other_cash(context, fund_id, currency_id);
      refuse_overdraft(what, -amount, &context.currency(currency_id), context.master.funds.by_id(fund_id), held, note,
                       others.empty() ? "" : "; it holds " + others + ", which a generic entry through 1900 can convert");
    }
  }
}

void rule_expense(RuleContext& context, const ExpenseEvent& given) {
  const auto& currency = context.currency_for_use(given.currency, "currency");
  ExpenseEvent expense = given;
  expense.amount = context.positive_amount(given.amount, currency, "amount");
  const std::string body = body_fields(Event{expense}).render();
  if (context.already_recorded(expense.id, "expense", body)) return;
  context.change.body = body;
  context.change.kind = event_movement_kind("expense", expense.category == ExpenseCategory::grant);
  const auto& fund = context.fund(expense.fund, "fund");
  const ProjectRecord* project = nullptr;
  if (!expense.project.empty()) {
    project = &context.project(expense.project, "project");
    if (project->fund_id != fund.id) {
      throw Error(ErrorCode::bad_input, field_error("project", "project " + expense.project + " belongs to fund " +
                                                                   project->event.fund + ", not " + expense.fund));
    }
  }
  const Decimal psc = psc_on(context, expense.amount, psc_rate_for(context, expense.psc_rate, project, expense.date),
                             currency, expense.date);
  PostingBuilder builder(context, expense.date, "expense " + expense.id);
  const std::int64_t cash = builder.account(account::cash);
  const Dimensions on_project{0, project ? project->id : 0, 0};
  // The cash leaves at the USD it carries; the expense is valued at the day's rate.
  Position held = context.state.cash_position(fund.id, currency.id);
  builder.add(builder.account(expense.category == ExpenseCategory::grant ? account::grants : account::programme), fund.id,
              currency, expense.amount, on_project);
  held.functional_minor += builder.relieve(cash, fund.id, currency, -expense.amount, held);
  held.amount_minor -= expense.amount.to_minor_units(currency.minor_units);
  charge_psc(context, builder, fund, currency, psc, on_project, held);
  context.change.postings = builder.finish();
  const bool with_psc = !psc.is_zero() && !psc_exempt(context, fund, expense.date);
  check_cash_taken(context, "expense " + expense.id, expense.date, context.change.postings, expense.allow_overdraft,
                   CashRuleSince::version_1, with_psc ? " (with PSC)" : "");
}

void rule_transfer(RuleContext& context, const TransferEvent& given) {
  const auto& currency = context.currency_for_use(given.currency, "currency");
  TransferEvent transfer = given;
  transfer.amount = context.positive_amount(given.amount, currency, "amount");
  const std::string body = body_fields(Event{transfer}).render();
  if (context.already_recorded(transfer.id, "transfer", body)) return;
  context.change.body = body;
  const auto& from = context.fund(transfer.from_fund, "from_fund");
  const auto& to = context.fund(transfer.to_fund, "to_fund");
  if (from.id == to.id) throw Error(ErrorCode::bad_input, field_error("to_fund", "a transfer needs two different funds"));
  PostingBuilder builder(context, transfer.date, "transfer " + transfer.id);
  const std::int64_t cash = builder.account(account::cash);
  const std::int64_t transfers = builder.account(account::transfers);
  builder.add(transfers, from.id, currency, transfer.amount);
  builder.relieve(cash, from.id, currency, -transfer.amount, context.state.cash_position(from.id, currency.id));
  builder.add_cash(to.id, currency, transfer.amount);
  builder.add(transfers, to.id, currency, -transfer.amount);
  context.change.postings = builder.finish();
  check_cash_taken(context, "transfer " + transfer.id, transfer.date, context.change.postings, transfer.allow_overdraft,
                   CashRuleSince::version_1);
}

void rule_interest(RuleContext& context, const InterestEvent& given) {
  const auto& usd_currency = context.currency_for_use(functional_currency_code, "amount");
  InterestEvent interest = given;
  interest.amount = context.positive_amount(given.amount, usd_currency, "amount");
  const std::string body = body_fields(Event{interest}).render();
  if (context.already_recorded(interest.id, "interest", body)) return;
  context.change.body = body;
  PostingBuilder builder(context, interest.date, "interest " + interest.id);
  const std::int64_t cash = builder.account(account::cash);
  // Each fund's cash in USD at the end of the day before: the weights of the apportionment.
  std::vector<std::int64_t> funds;
  std::vector<Decimal> weights;
  for (const auto& [fund_id, usd] : context.state.positive_cash_before(interest.date)) {
    funds.push_back(fund_id);
    weights.push_back(Decimal::from_minor_units(usd, 2));
  }
  if (funds.empty()) {
    throw Error(ErrorCode::bad_input, "interest " + interest.id + ": no fund had cash on " +
                                          interest.date.add_days(-1).to_string() + " to apportion it to");
  }
  const std::vector<Decimal> parts = allocate(interest.amount, weights);
  const std::int64_t revenue = builder.account(account::investment_revenue);
  for (std::size_t i = 0; i < funds.size(); ++i) {
    if (parts[i].is_zero()) continue;
    builder.add(cash, funds[i], usd_currency, parts[i]);
    builder.add(revenue, funds[i], usd_currency, -parts[i]);
  }
  context.change.postings = builder.finish();
}

}  // namespace fundledger::detail
