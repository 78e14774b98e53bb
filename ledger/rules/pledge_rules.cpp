// The rules of pledges and what settles them: pledge, receipt, apply (ledger/README.md, "Events and
// their postings"). Every amount a pledge carries lives in the balance of account 1200 keyed by
// (fund, donor, pledge, currency): its currency balance is what is outstanding and its USD balance
// the carrying USD, relieved in proportion by a settlement, all of it by the one that clears it.
#include "rules/pledge_rules.hpp"

#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/mutants.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <algorithm>
#include <limits>

namespace fundledger::detail {

namespace {

// The pledge with its amounts at the currency's minor units, as it is stored and hashed.
PledgeEvent normalized_pledge(RuleContext& context, const PledgeEvent& given, const CurrencyRecord& currency) {
  if (!is_valid_code(given.id)) {
    throw Error(ErrorCode::bad_input, field_error("id", "a pledge id is also the pledge's code: expected 1-32 characters "
                                                        "of A-Z a-z 0-9 - _ . , not " + quote(given.id)));
  }
  PledgeEvent pledge = given;
  pledge.amount = context.positive_amount(given.amount, currency, "amount");
  for (std::size_t i = 0; i < pledge.installments.size(); ++i) {
    pledge.installments[i].amount = context.positive_amount(pledge.installments[i].amount, currency,
                                                            "installments[" + std::to_string(i) + "].amount");
  }
  return pledge;
}

// The instalments by due date: without a schedule, one of the whole amount due on signing; each
// due no earlier than signing, all summing to the amount pledged.
std::vector<Instalment> schedule_of(const PledgeEvent& pledge, const CurrencyRecord& currency) {
  std::vector<Instalment> schedule = pledge.installments;
  if (schedule.empty()) schedule.push_back({pledge.signed_on, pledge.amount});
  Decimal scheduled = Decimal::from_minor_units(0, currency.minor_units);
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    if (schedule[i].due < pledge.signed_on) {
      throw Error(ErrorCode::bad_input, field_error("installments[" + std::to_string(i) + "].due",
                                                    "instalment due " + schedule[i].due.to_string() +
                                                        " before the signing date " + pledge.signed_on.to_string()));
    }
    scheduled += schedule[i].amount;
  }
  if (scheduled != pledge.amount) {
    throw Error(ErrorCode::bad_input, field_error("installments", "the instalments sum to " + scheduled.to_string() + " " +
                                                                      currency.code + ", not the pledged " +
                                                                      pledge.amount.to_string()));
  }
  std::stable_sort(schedule.begin(), schedule.end(), [](const Instalment& a, const Instalment& b) { return a.due < b.due; });
  return schedule;
}

PledgeRecord pledge_record(RuleContext& context, const PledgeEvent& pledge, const CurrencyRecord& currency) {
  PledgeRecord record;
  record.id = context.master.pledges.next_id();
  record.code = pledge.id;
  record.donor_id = context.donor(pledge.donor, "donor").id;
  record.fund_id = context.fund(pledge.fund, "fund").id;
  record.currency_id = currency.id;
  if (!pledge.project.empty()) {
    const auto& project = context.project(pledge.project, "project");
    if (project.fund_id != record.fund_id) {
      throw Error(ErrorCode::bad_input, field_error("project", "project " + pledge.project + " belongs to fund " +
                                                                   project.event.fund + ", not " + pledge.fund));
    }
    record.project_id = project.id;
  }
  if (pledge.psc_rate && (pledge.psc_rate->sign() < 0 || *pledge.psc_rate >= Decimal::from_integer(1))) {
    throw Error(ErrorCode::bad_input, field_error("psc_rate", "expected a rate from 0 to below 1, like 0.13, not " +
                                                                  pledge.psc_rate->to_string()));
  }
  record.purpose = pledge.purpose;
  record.conditional = pledge.conditional;
  record.signed_on = pledge.signed_on;
  record.psc_rate = pledge.psc_rate;
  record.amount_minor = pledge.amount.to_minor_units(currency.minor_units);
  return record;
}

}  // namespace

void rule_pledge(RuleContext& context, const PledgeEvent& given) {
  const auto& currency = context.currency_for_use(given.currency, "currency");
  const PledgeEvent pledge = normalized_pledge(context, given, currency);
  const std::string body = body_fields(Event{pledge}).render();
  if (context.already_recorded(pledge.id, "pledge", body)) return;
  context.change.body = body;
  context.check_open(pledge.signed_on, "pledge " + pledge.id);
  const PledgeRecord record = pledge_record(context, pledge, currency);
  const std::vector<Instalment> schedule = schedule_of(pledge, currency);
  // What signing recognizes: everything (upfront), or the instalments already due (per-instalment).
  const bool upfront = setting_on(context.master, "recognition", pledge.signed_on) != "per-instalment";
  Decimal recognized = Decimal::from_minor_units(0, currency.minor_units);
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    const bool now = upfront || schedule[i].due <= pledge.signed_on;
    if (now) recognized += schedule[i].amount;
    context.change.instalments_added.push_back({static_cast<std::int64_t>(i), schedule[i].due.day_number(),
                                                schedule[i].amount.to_minor_units(currency.minor_units),
                                                now ? recognized_by_this_event : 0});
  }
  if (!recognized.is_zero()) {
    PostingBuilder builder(context, pledge.signed_on, "pledge " + pledge.id);
    builder.add(builder.account(account::receivable), record.fund_id, currency, recognized,
                {record.donor_id, 0, record.id});
    const std::string_view credit = pledge.conditional ? account::deferred_revenue : RuleContext::revenue_account(pledge.purpose);
    builder.add(builder.account(credit), record.fund_id, currency, -recognized,
                {record.donor_id, record.project_id, record.id});
    context.change.postings = builder.finish();
  }
  context.change.pledge_added = record;
}

Position pledge_position(const RuleContext& context, const PostingBuilder& builder, const PledgeRecord& pledge,
                         std::string_view account) {
  const BalanceKeyIds key = context.pledge_key(pledge, account);
  if (key[0] == 0) return {};
  Position position = context.pledge_balance(pledge, account);
  const Position added = builder.added_to(key);
  position.amount_minor += added.amount_minor;
  position.functional_minor += added.functional_minor;
  return position;
}

Settlement settle_pledge(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge,
                         const CurrencyRecord& money_currency, const Decimal& money_amount, std::int64_t money_usd) {
  const auto& pledge_currency = context.currency(pledge.currency_id);
  const Position receivable = pledge_position(context, builder, pledge, account::receivable);
  Decimal in_pledge_currency = money_amount;
  const bool across_currencies = money_currency.id != pledge_currency.id;
  if (across_currencies) {
    // The money's USD value, converted at the date's rate of the pledge currency, through 1900.
    const Decimal usd = Decimal::from_minor_units(money_usd, 2);
    if (pledge_currency.code == functional_currency_code) {
      in_pledge_currency = usd;
    } else {
      const Decimal* rate = nullptr;
      try {
        rate = &rate_on(pledge_currency, builder.date());
      } catch (const Error& error) {
        throw Error(error.code(), "field \"pledge\": the pledge is in " + pledge_currency.code + ": " + error.what());
      }
      in_pledge_currency = (usd * *rate).rescale(pledge_currency.minor_units, rounding_on(context.master, builder.date()));
    }
    const std::int64_t trading = builder.account(account::currency_exchange);
    builder.add_with_usd(trading, pledge.fund_id, money_currency, -money_amount, -money_usd);
    builder.add_with_usd(trading, pledge.fund_id, pledge_currency, in_pledge_currency,
                         money_usd + (FUNDLEDGER_MUTANT("skew_trading_leg") ? 1 : 0));
  }
  const std::int64_t value_minor = in_pledge_currency.to_minor_units(pledge_currency.minor_units);
  const std::int64_t settled = std::clamp<std::int64_t>(receivable.amount_minor, 0, value_minor);
  if (settled > 0) {
    // Across currencies, what the settled part is worth today is its share of the money's USD.
    std::optional<std::int64_t> value_now;
    if (across_currencies) value_now = -proportional_minor(money_usd, settled, value_minor);
    builder.relieve(builder.account(account::receivable), pledge.fund_id, pledge_currency,
                    -Decimal::from_minor_units(settled, pledge_currency.minor_units), receivable,
                    {pledge.donor_id, 0, pledge.id}, value_now);
    release_excess_allowance(context, builder, pledge);
  }
  return {settled, value_minor - settled};
}

Holding as_moved(const Change& change, Holding holding) {
  for (const HoldingMove& move : change.moves) {
    if (move.holding_seq != holding.seq) continue;
    holding.amount_minor += move.amount_minor;
    holding.functional_minor += move.functional_minor;
  }
  return holding;
}

namespace {

// The money paid ahead for the pledge, applied to its receivable on day (an instalment just
// recognized): each holding, oldest first, relieved at the USD it carries, as an apply would.
void apply_paid_ahead(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge, std::int32_t day) {
  const auto& currency = context.currency(pledge.currency_id);
  const std::int64_t receivable_account = builder.account(account::receivable);
  builder.post_on(Date::from_day_number(day));
  builder.mark(PostingKind::applied_ahead);
  for (const Holding& stored : context.state.paid_ahead(pledge.id)) {
    const Holding holding = as_moved(context.change, stored);
    const Position receivable = pledge_position(context, builder, pledge, account::receivable);
    if (receivable.amount_minor <= 0) break;
    const std::int64_t applied = std::min(holding.amount_minor, receivable.amount_minor);
    if (applied <= 0) continue;
    const Decimal amount = Decimal::from_minor_units(applied, currency.minor_units);
    const std::int64_t relieved = builder.relieve(holding.account_id, holding.fund_id, currency, amount, holding.position(),
                                                  {holding.donor_id, 0, holding.pledge_id});
    builder.relieve(receivable_account, pledge.fund_id, currency, -amount, receivable, {pledge.donor_id, 0, pledge.id});
    const std::optional<std::int32_t> move_day =
        day == builder.date().day_number() ? std::nullopt : std::optional<std::int32_t>(day);
    context.change.move(holding.seq, -applied, -relieved, move_day);
  }
  release_excess_allowance(context, builder, pledge);
  builder.mark(PostingKind::ordinary);
  builder.post_on(builder.date());
}

// The first day of the open periods: a recognition due in a closed month is dated then.
std::int32_t first_open_day(const RuleContext& context) {
  const auto closed = context.state.last_closed();
  return closed ? closed->last_day().day_number() + 1 : std::numeric_limits<std::int32_t>::min();
}

}  // namespace

Position recognize_due_instalments(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge, Date day) {
  Position added;
  Change::Recognition recognition{pledge.id, {}};
  const auto& currency = context.currency(pledge.currency_id);
  const bool whole = whole_holdings_on(context.master, day);
  const std::int64_t receivable = builder.account(account::receivable);
  const std::int64_t revenue =
      builder.account(pledge.conditional ? account::deferred_revenue : RuleContext::revenue_account(pledge.purpose));
  for (const InstalmentRow& instalment : context.state.instalments(pledge.id)) {
    if (instalment.recognized_seq != 0 || instalment.due > day.day_number()) continue;
    // What reductions cut off it is never recognized (rules version 2; version 1 had no cuts).
    const std::int64_t remaining = instalment.amount_minor - (whole ? instalment.cut_minor : 0);
    if (remaining <= 0) continue;  // cut in full: it never falls due
    recognition.lines.push_back(instalment.line);
    const std::int32_t on = whole ? std::max(instalment.due, first_open_day(context)) : instalment.due;
    const Decimal amount = Decimal::from_minor_units(remaining, currency.minor_units);
    builder.mark(PostingKind::recognition);
    builder.post_on(Date::from_day_number(on));
    builder.add(receivable, pledge.fund_id, currency, amount, {pledge.donor_id, 0, pledge.id});
    added.functional_minor += builder.postings().back().functional_minor;
    builder.add(revenue, pledge.fund_id, currency, -amount, {pledge.donor_id, pledge.project_id, pledge.id});
    added.amount_minor += remaining;
    builder.mark(PostingKind::ordinary);
    if (whole) apply_paid_ahead(context, builder, pledge, on);
  }
  builder.post_on(builder.date());
  builder.mark(PostingKind::ordinary);
  if (!recognition.lines.empty()) context.change.recognized.push_back(std::move(recognition));
  return added;
}

Unrecognized unrecognized_of(const RuleContext& context, const PledgeRecord& pledge, Date on) {
  // Version 3: what the event itself has just recognized is recognized.
  std::vector<std::int64_t> just_recognized;
  if (rules_at_least(context.master, on, 3)) {
    for (const Change::Recognition& recognition : context.change.recognized) {
      if (recognition.pledge_id != pledge.id) continue;
      just_recognized.insert(just_recognized.end(), recognition.lines.begin(), recognition.lines.end());
    }
  }
  Unrecognized result;
  for (const InstalmentRow& instalment : context.state.instalments(pledge.id)) {
    if (instalment.recognized_seq != 0 ||
        std::find(just_recognized.begin(), just_recognized.end(), instalment.line) != just_recognized.end()) {
      continue;
    }
    result.remaining_minor += instalment.amount_minor - instalment.cut_minor;
  }
  for (const Holding& holding : context.state.paid_ahead(pledge.id)) {
    result.paid_ahead_minor += as_moved(context.change, holding).amount_minor;
  }
  result.paid_ahead_minor = std::min(result.paid_ahead_minor, result.remaining_minor);
  return result;
}

void release_excess_allowance(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge) {
  if (!whole_holdings_on(context.master, builder.date()) || FUNDLEDGER_MUTANT("skip_allowance_release")) return;
  const BalanceKeyIds key = context.pledge_key(pledge, account::allowance);
  if (key[0] == 0) return;
  const Position allowance = pledge_position(context, builder, pledge, account::allowance);
  const Position receivable = pledge_position(context, builder, pledge, account::receivable);
  const std::int64_t allowed = -allowance.amount_minor;  // a credit
  const std::int64_t allowed_usd = -allowance.functional_minor;
  if (allowed <= 0 && allowed_usd <= 0) return;
  const std::int64_t owed = std::max<std::int64_t>(0, receivable.amount_minor);
  const std::int64_t owed_usd = std::max<std::int64_t>(0, receivable.functional_minor);
  if (allowed <= owed && allowed_usd <= owed_usd) return;
  // What stays allowed for: no more than is owed, and the allowance's carrying USD in proportion,
  // no more than the receivable carries.
  const std::int64_t kept = std::min(allowed, owed);
  const std::int64_t kept_usd =
      std::max<std::int64_t>(0, std::min(proportional_minor(allowed_usd, kept, allowed), owed_usd));
  const auto& currency = context.currency(pledge.currency_id);
  const Decimal released = Decimal::from_minor_units(allowed - kept, currency.minor_units);
  const Dimensions dimensions{pledge.donor_id, 0, pledge.id};
  builder.add_with_usd(key[0], pledge.fund_id, currency, released, allowed_usd - kept_usd, dimensions);
  builder.add_with_usd(builder.account(account::impairment), pledge.fund_id, currency, -released, kept_usd - allowed_usd,
                       dimensions);
}

StoredPosting hold_excess(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge,
                          std::int64_t fund_id, std::int64_t excess_minor) {
  const auto& currency = context.currency(pledge.currency_id);
  const std::string shown = currency.code + " " + Decimal::from_minor_units(excess_minor, currency.minor_units).to_string();
  const std::string& donor = context.master.donors.by_id(pledge.donor_id).code;
  std::int64_t for_pledge = 0;
  if (whole_holdings_on(context.master, builder.date())) {
    const Unrecognized ahead = unrecognized_of(context, pledge, builder.date());
    const std::int64_t not_paid_ahead = ahead.remaining_minor - ahead.paid_ahead_minor;
    if (not_paid_ahead > 0) {
      for_pledge = pledge.id;
      const std::int64_t ahead_minor = std::min(excess_minor, not_paid_ahead);
      context.change.notes.push_back(
          currency.code + " " + Decimal::from_minor_units(ahead_minor, currency.minor_units).to_string() +
          " is paid ahead of instalments of pledge " + pledge.code +
          " not yet due: it is held for the pledge (2100) and applied to them as they are recognized" +
          (ahead_minor < excess_minor ? "; the rest is more than the pledge and can be applied to another pledge "
                                        "(apply --receipt) or refunded (refund --receipt)"
                                      : ""));
    }
  }
  if (!for_pledge) {
    context.change.notes.push_back(shown + " is more than pledge " + pledge.code + " had outstanding: it is held for donor " +
                                   donor + " as an advance (2100), to apply to another pledge (apply --receipt) or to "
                                   "refund (refund --receipt)");
  }
  builder.add(builder.account(account::received_in_advance), fund_id, currency,
              -Decimal::from_minor_units(excess_minor, currency.minor_units), {pledge.donor_id, 0, for_pledge});
  return builder.postings().back();
}

const PledgeRecord& pledge_to_settle(RuleContext& context, const std::string& code, std::int64_t fund_id,
                                     std::int64_t donor_id, Date date, const std::string& what) {
  const auto& pledge = context.pledge(code, "pledge");
  if (pledge.fund_id != fund_id) {
    throw Error(ErrorCode::bad_input, field_error("fund", "pledge " + code + " is to fund " +
                                                              context.master.funds.by_id(pledge.fund_id).code + ", not " +
                                                              context.master.funds.by_id(fund_id).code));
  }
  if (donor_id && donor_id != pledge.donor_id) {
    throw Error(ErrorCode::bad_input, field_error("donor", "pledge " + code + " is from donor " +
                                                               context.master.donors.by_id(pledge.donor_id).code +
                                                               ", not " + context.master.donors.by_id(donor_id).code));
  }
  if (context.pledge_cancelled(pledge)) {
    throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + code + " is cancelled"));
  }
  context.check_not_before_signing(pledge, date, what);
  return pledge;
}

void rule_receipt(RuleContext& context, const ReceiptEvent& given) {
  const auto& currency = context.currency_for_use(given.currency, "currency");
  ReceiptEvent receipt = given;
  receipt.amount = context.positive_amount(given.amount, currency, "amount");
  const std::string body = body_fields(Event{receipt}).render();
  if (context.already_recorded(receipt.id, "receipt", body)) return;
  context.change.body = body;
  const auto& fund = context.fund(receipt.fund, "fund");
  std::int64_t donor_id = receipt.donor.empty() ? 0 : context.donor(receipt.donor, "donor").id;
  const PledgeRecord* pledge = nullptr;
  if (!receipt.pledge.empty()) {
    pledge = &pledge_to_settle(context, receipt.pledge, fund.id, donor_id, receipt.date, "receipt " + receipt.id);
    donor_id = pledge->donor_id;
  }
  PostingBuilder builder(context, receipt.date, "receipt " + receipt.id);
  const std::int64_t usd = builder.usd_minor(currency, receipt.amount);
  builder.add_cash(fund.id, currency, receipt.amount, {donor_id, 0, 0});
  if (pledge) {
    recognize_due_instalments(context, builder, *pledge, receipt.date);
    const Settlement settlement = settle_pledge(context, builder, *pledge, currency, receipt.amount, usd);
    if (settlement.excess_minor > 0) {
      // What the pledge cannot take is held (2100) at the day's rate.
      context.change.holdings_added.push_back(hold_excess(context, builder, *pledge, fund.id, settlement.excess_minor));
    }
  } else {
    builder.add(builder.account(donor_id ? account::received_in_advance : account::unidentified), fund.id, currency,
                -receipt.amount, {donor_id, 0, 0});
    context.change.holdings_added.push_back(builder.postings().back());
  }
  context.change.postings = builder.finish();
}

}  // namespace fundledger::detail
