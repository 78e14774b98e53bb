// The rules of what moves a pledge or money held after it is recorded: apply, condition_met,
// reduction, allowance, write_off.
#include "rules/pledge_rules.hpp"

#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/mutants.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>

#include <algorithm>

namespace fundledger::detail {

namespace {

std::string amount_text(std::int64_t minor, const CurrencyRecord& currency) {
  return Decimal::from_minor_units(minor, currency.minor_units).to_string() + " " + currency.code;
}

// What an apply draws on: the money a receipt holds, how much of it, and for whom.
struct ApplySource {
  Holding holding;
  std::int64_t wanted = 0;    // in the holding's currency
  std::int64_t donor_id = 0;  // the receipt's donor, or the one the apply names
};

// The holding of the receipt an apply names, checked against the apply.
Holding held_by(RuleContext& context, const ApplyEvent& apply, const EventRef& receipt) {
  auto holding = context.state.holding(receipt.seq);
  if (!holding || context.master.accounts.by_id(holding->account_id).code == account::refunds_payable) {
    throw Error(ErrorCode::bad_input, field_error("receipt", quote(apply.receipt) + " (a " + receipt.type +
                                                                 ") holds no advance or unidentified receipt"));
  }
  return *holding;
}

ApplySource apply_source(RuleContext& context, const ApplyEvent& apply, const EventRef& receipt, Holding holding) {
  if (receipt.day && apply.date.day_number() < *receipt.day) {
    throw Error(ErrorCode::bad_input, field_error("date", "apply " + apply.id + " is dated " + apply.date.to_string() +
                                                              ", before " + apply.receipt + " was received (" +
                                                              Date::from_day_number(*receipt.day).to_string() + ")"));
  }
  const auto& currency = context.currency(holding.currency_id);
  const std::int64_t wanted = apply.amount ? apply.amount->to_minor_units(currency.minor_units) : holding.amount_minor;
  if (holding.amount_minor <= 0) {
    throw Error(ErrorCode::bad_input, field_error("receipt", "receipt " + apply.receipt + " holds nothing more to apply"));
  }
  if (wanted > holding.amount_minor) {
    throw Error(ErrorCode::bad_input, field_error("amount", "receipt " + apply.receipt + " holds only " +
                                                                amount_text(holding.amount_minor, currency) +
                                                                ", less than " + amount_text(wanted, currency)));
  }
  std::int64_t donor_id = holding.donor_id;
  if (!apply.donor.empty()) {
    const auto& donor = context.donor(apply.donor, "donor");
    if (donor_id && donor_id != donor.id) {
      throw Error(ErrorCode::bad_input, field_error("donor", "receipt " + apply.receipt + " was received from " +
                                                                 context.master.donors.by_id(donor_id).code + ", not " +
                                                                 apply.donor));
    }
    donor_id = donor.id;
  }
  return {std::move(holding), wanted, donor_id};
}

// The pledge an apply settles, checked against the money it draws on.
const PledgeRecord& pledge_to_apply(RuleContext& context, const ApplyEvent& apply, const ApplySource& source) {
  const auto& pledge = context.pledge(apply.pledge, "pledge");
  const auto& funds = context.master.funds;
  const auto& donors = context.master.donors;
  if (pledge.fund_id != source.holding.fund_id) {
    throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " is to fund " +
                                                                funds.by_id(pledge.fund_id).code + ", the receipt to " +
                                                                funds.by_id(source.holding.fund_id).code));
  }
  if (source.donor_id && source.donor_id != pledge.donor_id) {
    throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " is from donor " +
                                                                donors.by_id(pledge.donor_id).code + ", the receipt from " +
                                                                donors.by_id(source.donor_id).code));
  }
  if (context.pledge_cancelled(pledge)) {
    throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " is cancelled"));
  }
  context.check_not_before_signing(pledge, apply.date, "apply " + apply.id);
  return pledge;
}

// The money held settles a pledge: relieved at the USD it carries, worth today what it settles.
void apply_to_pledge(RuleContext& context, PostingBuilder& builder, const ApplyEvent& apply, const ApplySource& source) {
  const PledgeRecord& pledge = pledge_to_apply(context, apply, source);
  const Holding& holding = source.holding;
  const auto& currency = context.currency(holding.currency_id);
  recognize_due_instalments(context, builder, pledge, apply.date);
  // The instalments it recognized took the money paid ahead for the pledge, this receipt's
  // included: the apply draws on what they left, at the USD that carries.
  const Holding left = as_moved(context.change, holding);
  if (left.amount_minor <= 0) {
    throw Error(ErrorCode::bad_input,
                field_error("receipt", "receipt " + apply.receipt + " holds nothing more to apply: the instalments of " +
                                           apply.pledge + " falling due by " + apply.date.to_string() +
                                           " took what it held for the pledge"));
  }
  const Position receivable = pledge_position(context, builder, pledge, account::receivable);
  if (receivable.amount_minor <= 0) {
    throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " has nothing outstanding"));
  }
  // In the pledge currency, apply no more than is outstanding; the rest stays held.
  std::int64_t applied = std::min(source.wanted, left.amount_minor);
  if (pledge.currency_id == currency.id) applied = std::min(applied, receivable.amount_minor);
  const Decimal amount = Decimal::from_minor_units(applied, currency.minor_units);
  const std::int64_t relieved = builder.relieve(holding.account_id, holding.fund_id, currency, amount, left.position(),
                                                {holding.donor_id, 0, holding.pledge_id});
  const Settlement settlement = settle_pledge(context, builder, pledge, currency, amount, builder.usd_minor(currency, amount));
  if (settlement.excess_minor > 0) {
    context.change.holdings_added.push_back(hold_excess(context, builder, pledge, holding.fund_id, settlement.excess_minor));
  }
  if (!FUNDLEDGER_MUTANT("apply_twice")) context.change.move(holding.seq, -applied, -relieved);
}

// No pledge: the money is the donor's contribution, recognized as revenue now at the USD it
// carried as a liability.
void apply_to_revenue(RuleContext& context, PostingBuilder& builder, const ApplySource& source) {
  if (!source.donor_id) {
    throw Error(ErrorCode::bad_input, field_error("donor", "an unidentified receipt applied to revenue needs the donor"));
  }
  const Holding& holding = source.holding;
  const auto& fund = context.master.funds.by_id(holding.fund_id);
  const auto& currency = context.currency(holding.currency_id);
  const Decimal amount = Decimal::from_minor_units(source.wanted, currency.minor_units);
  const std::int64_t relieved = -proportional_minor(holding.position().functional_minor, source.wanted, holding.amount_minor);
  builder.add_with_usd(holding.account_id, fund.id, currency, amount, relieved, {holding.donor_id, 0, holding.pledge_id});
  const Purpose purpose = fund.event.kind == FundKind::special ? Purpose::special : Purpose::general;
  builder.add_with_usd(builder.account(RuleContext::revenue_account(purpose)), fund.id, currency, -amount, -relieved,
                       {source.donor_id, 0, 0});
  context.change.move(holding.seq, -source.wanted, -relieved);
}

}  // namespace

void rule_apply(RuleContext& context, const ApplyEvent& given) {
  const auto receipt = context.state.event(given.receipt);
  if (!receipt) {
    throw Error(ErrorCode::unknown_reference, field_error("receipt", "unknown receipt " + quote(given.receipt)));
  }
  Holding holding = held_by(context, given, *receipt);
  ApplyEvent apply = given;
  if (apply.amount) apply.amount = context.positive_amount(*apply.amount, context.currency(holding.currency_id), "amount");
  const std::string body = body_fields(Event{apply}).render();
  if (context.already_recorded(apply.id, "apply", body)) return;
  context.change.body = body;
  const ApplySource source = apply_source(context, apply, *receipt, std::move(holding));
  PostingBuilder builder(context, apply.date, "apply " + apply.id);
  if (!apply.pledge.empty()) {
    apply_to_pledge(context, builder, apply, source);
  } else {
    apply_to_revenue(context, builder, source);
  }
  context.change.postings = builder.finish();
}

void rule_condition_met(RuleContext& context, const ConditionMetEvent& given) {
  const auto& pledge = context.pledge(given.pledge, "pledge");
  const auto& currency = context.currency(pledge.currency_id);
  ConditionMetEvent event = given;
  event.amount = context.positive_amount(given.amount, currency, "amount");
  const std::string body = body_fields(Event{event}).render();
  if (context.already_recorded(event.id, "condition_met", body)) return;
  context.change.body = body;
  if (!pledge.conditional) {
    throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + event.pledge + " is not conditional"));
  }
  context.check_not_before_signing(pledge, event.date, "condition_met " + event.id);
  const Position deferred = context.pledge_balance(pledge, account::deferred_revenue);
  const std::int64_t amount = event.amount.to_minor_units(currency.minor_units);
  if (amount > -deferred.amount_minor) {
    throw Error(ErrorCode::bad_input, field_error("amount", "pledge " + event.pledge + " has only " +
                                                                amount_text(-deferred.amount_minor, currency) +
                                                                " of conditions unmet"));
  }
  PostingBuilder builder(context, event.date, "condition_met " + event.id);
  const std::int64_t usd = proportional_minor(-deferred.functional_minor, amount, -deferred.amount_minor);
  const Dimensions dimensions{pledge.donor_id, pledge.project_id, pledge.id};
  builder.add_with_usd(builder.account(account::deferred_revenue), pledge.fund_id, currency, event.amount, usd, dimensions);
  builder.add_with_usd(builder.account(RuleContext::revenue_account(pledge.purpose)), pledge.fund_id, currency,
                       -event.amount, -usd, dimensions);
  context.change.postings = builder.finish();
}

namespace {

// The part of a reduction of a conditional pledge taken from what is still deferred (it was never
// revenue); returns it in the pledge currency and USD.
Position reduce_deferred(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge, Position remaining) {
  const auto& currency = context.currency(pledge.currency_id);
  const Position deferred = context.pledge_balance(pledge, account::deferred_revenue);
  const std::int64_t from_deferred = std::min(remaining.amount_minor, -deferred.amount_minor);
  if (from_deferred <= 0) return {};
  // Version 3: 2200 gives up what it carries (it is never revalued, the receivable is); what the
  // receivable gave up beyond it for that part is realized exchange, which the caller posts.
  const bool own_carrying = rules_at_least(context.master, builder.date(), 3);
  const std::int64_t usd = from_deferred == remaining.amount_minor && !own_carrying
                               ? remaining.functional_minor
                               : proportional_minor(-deferred.functional_minor, from_deferred, -deferred.amount_minor);
  builder.add_with_usd(builder.account(account::deferred_revenue), pledge.fund_id, currency,
                       Decimal::from_minor_units(from_deferred, currency.minor_units), usd,
                       {pledge.donor_id, pledge.project_id, pledge.id});
  return {from_deferred, usd};
}

}  // namespace

namespace {

// Cuts up to amount off the pledge's instalments not yet recognized, the latest first (into the
// change); returns what it cut.
std::int64_t cut_unrecognized(RuleContext& context, const PledgeRecord& pledge, std::int64_t amount) {
  std::vector<InstalmentRow> instalments = context.state.instalments(pledge.id);
  std::int64_t cut = 0;
  for (auto it = instalments.rbegin(); it != instalments.rend() && cut < amount; ++it) {
    if (it->recognized_seq != 0) continue;
    const std::int64_t part = std::min(amount - cut, it->amount_minor - it->cut_minor);
    if (part <= 0) continue;
    context.change.cuts.push_back({pledge.id, it->line, part});
    cut += part;
  }
  return cut;
}

// What a reduction may take: the receivable, and from rules version 2 the instalments not yet
// recognized that are not paid ahead; Error naming what is outstanding otherwise. Returns the part
// to cut off instalments not yet recognized (the rest reduces the receivable).
std::int64_t reduction_cut(const RuleContext& context, const ReductionEvent& event, const PledgeRecord& pledge,
                           std::int64_t amount, const Position& receivable) {
  const auto& currency = context.currency(pledge.currency_id);
  const std::int64_t recognized = std::max<std::int64_t>(0, receivable.amount_minor);
  if (!whole_holdings_on(context.master, event.date)) {
    if (amount > receivable.amount_minor) {
      throw Error(ErrorCode::bad_input, field_error("amount", "a reduction of " + amount_text(amount, currency) +
                                                                  " is more than pledge " + event.pledge +
                                                                  " has outstanding (" + amount_text(recognized, currency) + ")"));
    }
    return 0;
  }
  const Unrecognized unrecognized = unrecognized_of(context, pledge, event.date);
  const std::int64_t cuttable = unrecognized.remaining_minor - unrecognized.paid_ahead_minor;
  if (amount > recognized + cuttable) {
    std::string outstanding = amount_text(recognized + unrecognized.remaining_minor, currency);
    if (unrecognized.remaining_minor > 0) {
      outstanding += ": " + amount_text(recognized, currency) + " recognized, " +
                     amount_text(unrecognized.remaining_minor, currency) + " of instalments not yet recognized";
    }
    std::string paid_ahead;
    if (unrecognized.paid_ahead_minor > 0) {
      paid_ahead = "; " + amount_text(unrecognized.paid_ahead_minor, currency) +
                   " of it is paid ahead: apply it to another pledge or refund it first (apply --receipt, refund --receipt)";
    }
    throw Error(ErrorCode::bad_input, field_error("amount", "a reduction of " + amount_text(amount, currency) +
                                                                " is more than pledge " + event.pledge + " has outstanding (" +
                                                                outstanding + ")" + paid_ahead));
  }
  return std::min(amount, cuttable);
}

}  // namespace

void rule_reduction(RuleContext& context, const ReductionEvent& given) {
  const auto& pledge = context.pledge(given.pledge, "pledge");
  const auto& currency = context.currency(pledge.currency_id);
  ReductionEvent event = given;
  event.amount = context.positive_amount(given.amount, currency, "amount");
  const std::string body = body_fields(Event{event}).render();
  if (context.already_recorded(event.id, "reduction", body)) return;
  context.change.body = body;
  context.check_not_before_signing(pledge, event.date, "reduction " + event.id);
  const Position receivable = context.pledge_balance(pledge, account::receivable);
  PostingBuilder builder(context, event.date, "reduction " + event.id);
  // Instalments not yet recognized are cut first, with no posting: they will never be recognized.
  const std::int64_t to_cut = reduction_cut(context, event, pledge, event.amount.to_minor_units(currency.minor_units), receivable);
  const std::int64_t amount = event.amount.to_minor_units(currency.minor_units) - cut_unrecognized(context, pledge, to_cut);
  if (amount == 0) return;
  const Decimal reduced = Decimal::from_minor_units(amount, currency.minor_units);
  const std::int64_t carrying = proportional_minor(receivable.functional_minor, amount, receivable.amount_minor);
  builder.add_with_usd(builder.account(account::receivable), pledge.fund_id, currency, -reduced, -carrying,
                       {pledge.donor_id, 0, pledge.id});
  Position remaining{amount, carrying};
  if (pledge.conditional) {
    const Position deferred = reduce_deferred(context, builder, pledge, remaining);
    if (deferred.amount_minor > 0 && rules_at_least(context.master, event.date, 3)) {
      // The revenue takes the receivable's carrying USD for its own part; the rest of what the
      // receivable gave up, against what 2200 carried, is realized exchange.
      const std::int64_t rest = remaining.amount_minor - deferred.amount_minor;
      const std::int64_t revenue_usd = proportional_minor(remaining.functional_minor, rest, remaining.amount_minor);
      const std::int64_t exchange = remaining.functional_minor - deferred.functional_minor - revenue_usd;
      if (exchange != 0) {
        builder.add_with_usd(builder.account(account::realized_exchange), pledge.fund_id, currency, Decimal(),
                             exchange);
      }
      remaining = {rest, revenue_usd};
    } else {
      remaining = {remaining.amount_minor - deferred.amount_minor,
                   remaining.functional_minor - deferred.functional_minor};
    }
  }
  if (remaining.amount_minor > 0 || remaining.functional_minor != 0) {
    // Revenue of the same fiscal year is reversed; an earlier year's stays, and 4900 takes it.
    const std::string_view target = event.date.year() == pledge.signed_on.year() ? RuleContext::revenue_account(pledge.purpose)
                                                                                 : account::refunds_and_reductions;
    builder.add_with_usd(builder.account(target), pledge.fund_id, currency,
                         Decimal::from_minor_units(remaining.amount_minor, currency.minor_units),
                         remaining.functional_minor, {pledge.donor_id, pledge.project_id, pledge.id});
  }
  release_excess_allowance(context, builder, pledge);
  context.change.postings = builder.finish();
}

namespace {

// An allowance (or, with write_off, a write-off) of amount in the pledge currency.
void allow_for(RuleContext& context, const PledgeRecord& pledge, const std::string& id, Date date,
               const Decimal& amount_given, bool write_off) {
  const auto& currency = context.currency(pledge.currency_id);
  const Position receivable = context.pledge_balance(pledge, account::receivable);
  const Position allowance = context.pledge_balance(pledge, account::allowance);
  const std::int64_t amount = amount_given.to_minor_units(currency.minor_units);
  const std::string label = std::string(write_off ? "write_off " : "allowance ") + id;
  PostingBuilder builder(context, date, label);
  const Dimensions dimensions{pledge.donor_id, 0, pledge.id};
  if (!write_off) {
    const std::int64_t uncovered = receivable.amount_minor + allowance.amount_minor;  // allowance is a credit
    if (amount > uncovered) {
      throw Error(ErrorCode::bad_input, field_error("amount", "an allowance of " + amount_text(amount, currency) +
                                                                  " is more than pledge " + pledge.code +
                                                                  " has outstanding and not yet allowed for (" +
                                                                  amount_text(std::max<std::int64_t>(0, uncovered), currency) + ")"));
    }
    // The carrying USD of the receivable not yet allowed for, in proportion (rules version 2), so
    // that the allowance never carries more than the receivable; version 1 took the receivable's.
    const std::int64_t usd = whole_holdings_on(context.master, date)
                                 ? proportional_minor(receivable.functional_minor + allowance.functional_minor, amount, uncovered)
                                 : proportional_minor(receivable.functional_minor, amount, receivable.amount_minor);
    builder.add_with_usd(builder.account(account::impairment), pledge.fund_id, currency, amount_given, usd, dimensions);
    builder.add_with_usd(builder.account(account::allowance), pledge.fund_id, currency, -amount_given, -usd, dimensions);
  } else {
    if (amount > -allowance.amount_minor || amount > receivable.amount_minor) {
      throw Error(ErrorCode::bad_input,
                  field_error("amount", "a write-off of " + amount_text(amount, currency) + " is more than pledge " +
                                            pledge.code + " has allowed for (" +
                                            amount_text(std::max<std::int64_t>(0, -allowance.amount_minor), currency) +
                                            ") or outstanding (" +
                                            amount_text(std::max<std::int64_t>(0, receivable.amount_minor), currency) + ")"));
    }
    const std::int64_t allowance_usd = proportional_minor(-allowance.functional_minor, amount, -allowance.amount_minor);
    const std::int64_t carrying = proportional_minor(receivable.functional_minor, amount, receivable.amount_minor);
    builder.add_with_usd(builder.account(account::allowance), pledge.fund_id, currency, amount_given, allowance_usd, dimensions);
    builder.add_with_usd(builder.account(account::receivable), pledge.fund_id, currency, -amount_given, -carrying, dimensions);
    // What the allowance and the receivable carry can differ by cents: impairment takes it.
    builder.close_usd_difference(builder.account(account::impairment));
    release_excess_allowance(context, builder, pledge);
  }
  context.change.postings = builder.finish();
}

// An allowance, or a write-off of what an allowance covers: the amount checked in the pledge's
// currency, then allowed for.
template <class E>
void allow_or_write_off(RuleContext& context, const E& given, const char* type, bool write_off) {
  const auto& pledge = context.pledge(given.pledge, "pledge");
  E event = given;
  event.amount = context.positive_amount(given.amount, context.currency(pledge.currency_id), "amount");
  const std::string body = body_fields(Event{event}).render();
  if (context.already_recorded(event.id, type, body)) return;
  context.change.body = body;
  context.check_not_before_signing(pledge, event.date, std::string(type) + " " + event.id);
  allow_for(context, pledge, event.id, event.date, event.amount, write_off);
}

}  // namespace

void rule_allowance(RuleContext& context, const AllowanceEvent& given) {
  allow_or_write_off(context, given, "allowance", false);
}

void rule_write_off(RuleContext& context, const WriteOffEvent& given) {
  allow_or_write_off(context, given, "write_off", true);
}

}  // namespace fundledger::detail
