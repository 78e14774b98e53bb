// The rule of corrections: reversal (ledger/README.md, "Events and their postings" and "Order,
// corrections and the corners of a holding").
//
// A reversal negates every posting of the event it names, on the reversal's day. From rules version
// 2, a negation that takes from a foreign-currency holding (a fund's cash in that currency, a
// pledge's receivable or allowance, the money the event itself holds) is relieved at the USD the
// holding carries, as any relief is, and its difference from the original USD goes to 4700: a
// holding revalued since, or pooled with other money, keeps no USD once nothing is left in its
// currency. What the event took from other holdings is given back as it was taken, the instalments
// it recognized fall due again, and what it cut off instalments is restored (and recognized at once
// where the instalment has fallen due since). Version 1 negated every posting at its original USD.
#include "rules/pledge_rules.hpp"
#include "rules/spending.hpp"

#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <algorithm>
#include <map>
#include <optional>

namespace fundledger::detail {

namespace {

// The event a reversal names, checked: it exists, is no reversal, and is not reversed yet.
EventRef reversed_event(RuleContext& context, const ReversalEvent& reversal) {
  const auto target = context.state.event(reversal.reverses);
  if (!target) {
    throw Error(ErrorCode::unknown_reference, field_error("reverses", "no event with id " + quote(reversal.reverses)));
  }
  context.check_open(reversal.date, "reversal " + reversal.id);
  if (target->type == "reversal") {
    throw Error(ErrorCode::bad_input, field_error("reverses", quote(reversal.reverses) +
                                                                  " is itself a reversal: record the original event "
                                                                  "again under a new id instead"));
  }
  if (const auto by = context.state.reversal_of(target->seq)) {
    throw Error(ErrorCode::conflict, field_error("reverses", quote(reversal.reverses) + " is already reversed (seq " +
                                                                 std::to_string(*by) + ")"));
  }
  return *target;
}

// From rules version 2: an allowance that a write-off used, or that was released as the receivable
// fell below it, cannot be reversed (1290 would hold a debit); nor a pledge some of whose
// instalments a reduction cut.
void check_reversible_whole(RuleContext& context, const ReversalEvent& reversal, const EventRef& target) {
  if (target.type == "allowance") {
    const auto allowance = std::get<AllowanceEvent>(parse_stored_body(target.body));
    const PledgeRecord& pledge = context.pledge(allowance.pledge, "reverses");
    const auto& currency = context.currency(pledge.currency_id);
    const std::int64_t allowed = -context.pledge_balance(pledge, account::allowance).amount_minor;
    if (allowed < allowance.amount.to_minor_units(currency.minor_units)) {
      throw Error(ErrorCode::bad_input,
                  field_error("reverses", "allowance " + reversal.reverses + " has been used: pledge " + pledge.code +
                                              " is allowed for " + Decimal::from_minor_units(allowed, currency.minor_units).to_string() +
                                              " " + currency.code + " only (a write-off used it, or it was released as the "
                                              "receivable fell below it); reverse the write-off first"));
    }
  }
  if (target.type == "pledge") {
    const PledgeRecord& pledge = context.pledge(reversal.reverses, "reverses");
    for (const InstalmentRow& instalment : context.state.instalments(pledge.id)) {
      if (instalment.cut_minor != 0) {
        throw Error(ErrorCode::bad_input, field_error("reverses", "pledge " + reversal.reverses +
                                                                      " has reductions against it: reverse them first"));
      }
    }
  }
}

void check_reversible(RuleContext& context, const ReversalEvent& reversal, const EventRef& target,
                      const std::optional<Holding>& holding) {
  if (target.day && reversal.date.day_number() < *target.day) {
    throw Error(ErrorCode::bad_input, field_error("date", "a reversal cannot be dated before the event it reverses (" +
                                                              Date::from_day_number(*target.day).to_string() + ")"));
  }
  if (holding && holding->amount_minor != holding->initial_minor) {
    throw Error(ErrorCode::bad_input, field_error("reverses", "part of what " + reversal.reverses +
                                                                  " holds was applied or paid: reverse that first"));
  }
  if (target.type == "pledge" &&
      context.state.pledge_has_other_postings(context.pledge(reversal.reverses, "reverses").id)) {
    throw Error(ErrorCode::bad_input, field_error("reverses", "pledge " + reversal.reverses +
                                                                  " has receipts or other events against it: reverse "
                                                                  "them first, or record a reduction"));
  }
  if (whole_holdings_on(context.master, reversal.date)) check_reversible_whole(context, reversal, target);
}

StoredPosting negated(StoredPosting posting) {
  posting.amount_minor = -posting.amount_minor;
  posting.functional_minor = -posting.functional_minor;
  posting.date.reset();  // every negation is dated the reversal's day, in an open period
  return posting;
}

// Whether the posting is the one by which its event created the holding it keeps.
bool creates(const StoredPosting& posting, const Holding& holding) {
  const std::int64_t created = holding.asset ? holding.initial_minor : -holding.initial_minor;
  return posting.account_id == holding.account_id && posting.fund_id == holding.fund_id &&
         posting.currency_id == holding.currency_id && posting.amount_minor == created;
}

// The negations of version 2: each at the USD the holding it takes from carries, where it takes
// from one in a foreign currency. Returns the USD the negation of the event's own holding posted.
std::int64_t negate_at_carrying(RuleContext& context, PostingBuilder& builder, const std::vector<StoredPosting>& postings,
                                const std::optional<Holding>& holding) {
  const auto* usd = context.master.currencies.find(functional_currency_code);
  const std::int64_t cash = builder.account(account::cash);
  const std::int64_t receivable = builder.account(account::receivable);
  const auto* allowance = context.master.accounts.find(account::allowance);
  std::int64_t own_relieved = 0;
  bool own_done = false;
  for (const StoredPosting& original : postings) {
    const StoredPosting negation = negated(original);
    const auto& currency = context.currency(original.currency_id);
    const Dimensions dimensions{original.donor_id, original.project_id, original.pledge_id};
    const Decimal amount = Decimal::from_minor_units(negation.amount_minor, currency.minor_units);
    builder.mark(original.kind);
    if (holding && !own_done && creates(original, *holding)) {
      own_done = true;
      own_relieved = builder.relieve(original.account_id, original.fund_id, currency, amount, holding->position(),
                                     dimensions, negation.functional_minor);
      continue;
    }
    std::optional<Position> balance;
    if ((usd && currency.id == usd->id) || original.amount_minor == 0) {
      // USD carries itself; a USD-only difference is negated as it was.
    } else if (original.account_id == cash) {
      balance = builder.cash_held(original.fund_id, currency.id);
    } else if (original.account_id == receivable || (allowance && original.account_id == allowance->id)) {
      const BalanceKeyIds key{original.account_id, original.fund_id, original.donor_id, original.project_id,
                              original.pledge_id, original.currency_id};
      const BalanceSums sums = context.state.balance(key);
      const Position added = builder.added_to(key);
      balance = Position{sums.debit - sums.credit + added.amount_minor,
                         sums.functional_debit - sums.functional_credit + added.functional_minor};
    }
    if (balance && covered_minor(negation.amount_minor, *balance) != 0) {
      builder.relieve(original.account_id, original.fund_id, currency, amount, *balance, dimensions,
                      negation.functional_minor);
    } else {
      builder.add_posting(negation);
    }
  }
  builder.mark(PostingKind::ordinary);
  return own_relieved;
}

// What the reversed event cut off instalments is restored; an instalment recognized since then is
// recognized for what was cut, now.
void restore_cuts(RuleContext& context, PostingBuilder& builder, const std::vector<InstalmentCut>& cuts) {
  for (const InstalmentCut& cut : cuts) {
    context.change.cuts.push_back({cut.pledge_id, cut.line, -cut.amount_minor});
    const PledgeRecord& pledge = context.master.pledges.by_id(cut.pledge_id);
    for (const InstalmentRow& instalment : context.state.instalments(pledge.id)) {
      if (instalment.line != cut.line || instalment.recognized_seq == 0) continue;
      const auto& currency = context.currency(pledge.currency_id);
      const Decimal amount = Decimal::from_minor_units(cut.amount_minor, currency.minor_units);
      builder.mark(PostingKind::recognition);
      builder.add(builder.account(account::receivable), pledge.fund_id, currency, amount, {pledge.donor_id, 0, pledge.id});
      builder.add(builder.account(pledge.conditional ? account::deferred_revenue : RuleContext::revenue_account(pledge.purpose)),
                  pledge.fund_id, currency, -amount, {pledge.donor_id, pledge.project_id, pledge.id});
      builder.mark(PostingKind::ordinary);
    }
  }
}

}  // namespace

// Version 3: an allowance the reversal leaves beyond its receivable (a write-off's negation puts
// back each at its original USD, which can cross by a cent) is released, as after any event that
// moves a pledge's receivable.
void release_after_reversal(RuleContext& context, PostingBuilder& builder, const std::vector<StoredPosting>& postings,
                            Date date) {
  if (!rules_at_least(context.master, date, 3)) return;
  std::vector<std::int64_t> pledges;
  for (const StoredPosting& p : postings) {
    if (p.pledge_id && std::find(pledges.begin(), pledges.end(), p.pledge_id) == pledges.end()) {
      pledges.push_back(p.pledge_id);
    }
  }
  for (const std::int64_t pledge_id : pledges) {
    release_excess_allowance(context, builder, context.master.pledges.by_id(pledge_id));
  }
}

// For the reversal of a receipt or an apply under version 3: the holding whose moves are the
// event's own (an apply's receipt; 0 for a receipt, whose moves are all of money paid ahead).
// Empty for every other reversal, which undoes the recognitions of the event it reverses.
std::optional<std::int64_t> recognitions_kept(RuleContext& context, const ReversalEvent& reversal,
                                              const EventRef& target) {
  if (!rules_at_least(context.master, reversal.date, 3)) return std::nullopt;
  if (target.type == "receipt") return 0;
  if (target.type != "apply") return std::nullopt;
  const auto apply = std::get<ApplyEvent>(parse_stored_body(target.body));
  const auto receipt = context.state.event(apply.receipt);
  return receipt ? receipt->seq : 0;
}

// Takes out of a receipt's or an apply's postings what its reversal keeps (version 3): the
// recognitions and the money paid ahead applied to them, with its realized exchange. From version 5
// the residual of each fund and day keeps the part that balances what stays (what it kept USD-wise
// on that day, negated), so that a kept recognition stays whole in its own currency; the reversal
// negates the rest. Before, the residual was negated whole, and the reversal's own residual, in the
// reversal's currency, made up the difference.
void keep_recognitions(RuleContext& context, Date reversal_date, const EventRef& target,
                       std::vector<StoredPosting>& postings) {
  const auto kept = [](const StoredPosting& p) {
    return p.kind == PostingKind::recognition || p.kind == PostingKind::applied_ahead;
  };
  if (rules_at_least(context.master, reversal_date, 5)) {
    const std::int32_t event_day = target.day.value_or(0);
    std::map<std::pair<std::int64_t, std::int32_t>, std::int64_t> kept_usd;  // by fund and day
    for (const StoredPosting& p : postings) {
      if (kept(p)) kept_usd[{p.fund_id, p.date.value_or(event_day)}] += p.functional_minor;
    }
    for (StoredPosting& p : postings) {
      if (p.kind != PostingKind::rounding_residual) continue;
      const auto found = kept_usd.find({p.fund_id, p.date.value_or(event_day)});
      if (found != kept_usd.end()) p.functional_minor += found->second;
    }
  }
  postings.erase(std::remove_if(postings.begin(), postings.end(),
                                [&kept](const StoredPosting& p) {
                                  return kept(p) || (p.kind == PostingKind::rounding_residual && p.amount_minor == 0 &&
                                                     p.functional_minor == 0);
                                }),
                 postings.end());
}

void rule_reversal(RuleContext& context, const ReversalEvent& reversal) {
  const std::string body = body_fields(Event{reversal}).render();
  if (context.already_recorded(reversal.id, "reversal", body)) return;
  context.change.body = body;
  const EventRef target = reversed_event(context, reversal);
  const bool whole = whole_holdings_on(context.master, reversal.date);
  std::vector<StoredPosting> postings = context.state.postings_of(target.seq);
  // Version 3: what a receipt or an apply recognized as fallen due, and the money paid ahead it
  // applied to that, stay: the close would have done both whatever became of the payment.
  const std::optional<std::int64_t> kept_recognitions = recognitions_kept(context, reversal, target);
  if (kept_recognitions) keep_recognitions(context, reversal.date, target, postings);
  const std::vector<InstalmentCut> cuts = whole ? context.state.cuts_by(target.seq) : std::vector<InstalmentCut>{};
  // A pledge that posted nothing yet (recognized per instalment, none due at signing) can still be
  // taken back: the reversal then posts nothing and the pledge is reversed.
  if (postings.empty() && cuts.empty() && target.type != "pledge") {
    throw Error(ErrorCode::bad_input, field_error("reverses", quote(reversal.reverses) + " posted nothing to reverse"));
  }
  const auto holding = context.state.holding(target.seq);
  check_reversible(context, reversal, target, holding);
  Change& change = context.change;
  change.reverses = target.seq;
  // Its postings count as the kind of event it reverses (an expense by its category).
  const bool grant = target.type == "expense" &&
                     std::get<ExpenseEvent>(parse_stored_body(target.body)).category == ExpenseCategory::grant;
  change.kind = event_movement_kind(target.type, grant);
  // The holding loses what its event's posting gave it: in version 1 at the USD it was given, in
  // version 2 at the USD it carries (a year-end revaluation of it included). The moves the reversed
  // event made are undone, and the instalments it recognized fall due again.
  if (whole) {
    PostingBuilder builder(context, reversal.date, "reversal " + reversal.id);
    const std::int64_t own = negate_at_carrying(context, builder, postings, holding);
    restore_cuts(context, builder, cuts);
    release_after_reversal(context, builder, postings, reversal.date);
    if (!builder.empty()) change.postings = builder.finish();
    if (holding) change.move(holding->seq, -holding->initial_minor, holding->asset ? own : -own);
  } else {
    for (const StoredPosting& posting : postings) change.postings.push_back(negated(posting));
    if (holding) change.move(holding->seq, -holding->initial_minor, -holding->initial_functional_minor);
  }
  for (const HoldingMove& move : context.state.moves_by(target.seq)) {
    // Kept with the recognitions: the moves of money paid ahead (any holding but an apply's own).
    if (kept_recognitions && move.holding_seq != *kept_recognitions) continue;
    change.move(move.holding_seq, -move.amount_minor, -move.functional_minor);
  }
  if (!kept_recognitions) change.unrecognized_by = target.seq;
  if (target.type == "pledge") change.pledge_reversed = context.pledge(reversal.reverses, "reverses").id;
  // A generic entry posts what it says, cash included, and so does its reversal.
  if (target.type != "entry") {
    check_cash_taken(context, "reversal " + reversal.id, reversal.date, change.postings, reversal.allow_overdraft,
                     CashRuleSince::version_2);
  }
}

}  // namespace fundledger::detail
