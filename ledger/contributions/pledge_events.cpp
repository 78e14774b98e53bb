// Pledges and what settles them: pledge, receipt, apply, condition_met, reduction, allowance,
// write_off.
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"
#include "core/posting_builder.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace fundledger {

using detail::Dimensions;
using detail::PostingBuilder;
using detail::proportional_minor;
using detail::field_error;
using detail::quote;
using detail::StoredPosting;

namespace {

std::string amount_text(std::int64_t minor, const detail::CurrencyRecord& currency) {
  return Decimal::from_minor_units(minor, currency.minor_units).to_string() + " " + currency.code;
}

}  // namespace

std::string_view Ledger::Impl::revenue_account(Purpose purpose) const {
  return purpose == Purpose::special ? "4200" : "4100";
}

RecordResult Ledger::Impl::record_pledge(const PledgeEvent& given) {
  if (!detail::is_valid_code(given.id)) {
    throw Error(ErrorCode::bad_input,
                field_error("id", "a pledge id is also the pledge's code: expected 1-32 characters of "
                                  "A-Z a-z 0-9 - _ . , not " + quote(given.id)));
  }
  const auto& currency = currency_for_use(given.currency, "currency");
  PledgeEvent pledge = given;
  pledge.amount = positive_amount(given.amount, currency, "amount");
  if (pledge.installments.empty()) pledge.installments.push_back({pledge.signed_on, pledge.amount});
  for (std::size_t i = 0; i < pledge.installments.size(); ++i) {
    const std::string prefix = "installments[" + std::to_string(i) + "].";
    pledge.installments[i].amount = positive_amount(pledge.installments[i].amount, currency, prefix + "amount");
  }
  if (given.installments.empty()) pledge.installments.clear();  // the body keeps what was given
  const std::string body = detail::body_fields(Event{pledge}).render();
  if (std::int64_t seq = existing_event_seq(pledge.id, "pledge", body)) return {false, seq};

  check_open(pledge.signed_on, "pledge " + pledge.id);
  const auto& donor = donor_named(pledge.donor, "donor");
  const auto& fund = fund_named(pledge.fund, "fund");
  std::int64_t project_id = 0;
  if (!pledge.project.empty()) {
    const auto* project = state.projects.find(pledge.project);
    if (!project) throw Error(ErrorCode::unknown_reference, field_error("project", "unknown project " + quote(pledge.project)));
    if (project->fund_id != fund.id) {
      throw Error(ErrorCode::bad_input, field_error("project", "project " + pledge.project + " belongs to fund " +
                                                                   project->event.fund + ", not " + pledge.fund));
    }
    project_id = project->id;
  }
  if (pledge.psc_rate && (pledge.psc_rate->sign() < 0 || *pledge.psc_rate >= Decimal::from_integer(1))) {
    throw Error(ErrorCode::bad_input, field_error("psc_rate", "expected a rate from 0 to below 1, like 0.13, not " +
                                                                  pledge.psc_rate->to_string()));
  }
  std::vector<Instalment> schedule = pledge.installments;
  if (schedule.empty()) schedule.push_back({pledge.signed_on, pledge.amount});
  Decimal scheduled = Decimal::from_minor_units(0, currency.minor_units);
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    if (schedule[i].due < pledge.signed_on) {
      throw Error(ErrorCode::bad_input,
                  field_error("installments[" + std::to_string(i) + "].due",
                              "instalment due " + schedule[i].due.to_string() + " before the signing date " +
                                  pledge.signed_on.to_string()));
    }
    scheduled += schedule[i].amount;
  }
  if (scheduled != pledge.amount) {
    throw Error(ErrorCode::bad_input, field_error("installments", "the instalments sum to " + scheduled.to_string() +
                                                                      " " + currency.code + ", not the pledged " +
                                                                      pledge.amount.to_string()));
  }
  std::stable_sort(schedule.begin(), schedule.end(), [](const Instalment& a, const Instalment& b) { return a.due < b.due; });

  // What signing recognizes: everything (upfront), or the instalments already due (per-instalment).
  Decimal recognized = pledge.amount;
  if (setting_on("recognition", pledge.signed_on) == "per-instalment") {
    recognized = Decimal::from_minor_units(0, currency.minor_units);
    for (const Instalment& instalment : schedule) {
      if (instalment.due <= pledge.signed_on) recognized += instalment.amount;
    }
  }

  const std::int64_t pledge_id = state.pledges.next_id();
  std::vector<StoredPosting> postings;
  if (!recognized.is_zero()) {
    PostingBuilder builder(*this, pledge.signed_on, "pledge " + pledge.id);
    builder.add(builder.account("1200"), fund.id, currency, recognized, {donor.id, 0, pledge_id});
    const std::string_view credit = pledge.conditional ? "2200" : revenue_account(pledge.purpose);
    builder.add(builder.account(credit), fund.id, currency, -recognized, {donor.id, project_id, pledge_id});
    postings = builder.finish();
  }
  // Known before the append, which names it in the postings it renders; a failure reloads the state.
  detail::PledgeRecord record;
  record.id = pledge_id;
  record.code = pledge.id;
  record.donor_id = donor.id;
  record.fund_id = fund.id;
  record.currency_id = currency.id;
  record.project_id = project_id;
  record.purpose = pledge.purpose;
  record.conditional = pledge.conditional;
  record.signed_on = pledge.signed_on;
  record.psc_rate = pledge.psc_rate;
  state.pledges.add(std::move(record));
  // The pledge's rows go in first: the postings refer to them. The event will be the next seq.
  const std::int64_t seq = last_seq + 1;
  SQLite::Statement insert(database,
                           "INSERT INTO pledges (id, code, seq, donor_id, fund_id, purpose, currency_id, amount_minor, "
                           "signed, conditional, project_id, psc_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, pledge_id);
  insert.bind(2, pledge.id);
  insert.bind(3, seq);
  insert.bind(4, donor.id);
  insert.bind(5, fund.id);
  insert.bind(6, static_cast<int>(pledge.purpose));
  insert.bind(7, currency.id);
  insert.bind(8, pledge.amount.to_minor_units(currency.minor_units));
  insert.bind(9, pledge.signed_on.day_number());
  insert.bind(10, pledge.conditional ? 1 : 0);
  if (project_id) {
    insert.bind(11, project_id);
  } else {
    insert.bind(11);
  }
  if (pledge.psc_rate) {
    insert.bind(12, pledge.psc_rate->to_string());
  } else {
    insert.bind(12);
  }
  insert.exec();
  SQLite::Statement instalment_insert(database,
                                      "INSERT INTO instalments (pledge_id, line, due, amount_minor, recognized) "
                                      "VALUES (?, ?, ?, ?, ?)");
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    instalment_insert.bind(1, pledge_id);
    instalment_insert.bind(2, static_cast<std::int64_t>(i));
    instalment_insert.bind(3, schedule[i].due.day_number());
    instalment_insert.bind(4, schedule[i].amount.to_minor_units(currency.minor_units));
    instalment_insert.bind(5, recognized == pledge.amount || schedule[i].due <= pledge.signed_on ? seq : 0);
    instalment_insert.exec();
    instalment_insert.reset();
  }
  append_event("pledge", pledge.id, pledge.signed_on, body, postings);

  return {true, seq};
}

// Settles a pledge with money worth `money_usd` now: in the pledge currency when the money is in it,
// else converted at the date's rate of the pledge currency, through 1900. The receivable is relieved
// at its carrying USD (the realized exchange is the builder's to post). Returns the excess that the
// pledge could not take, in the pledge currency.
Ledger::Impl::Settlement Ledger::Impl::settle_pledge(PostingBuilder& builder, const detail::PledgeRecord& pledge,
                                                     const detail::CurrencyRecord& money_currency,
                                                     const Decimal& money_amount, std::int64_t money_usd,
                                                     PledgeBalance recognized_now) {
  const auto& pledge_currency = state.currencies.by_id(pledge.currency_id);
  PledgeBalance receivable = receivable_of(pledge, "1200");
  receivable.amount_minor += recognized_now.amount_minor;
  receivable.functional_minor += recognized_now.functional_minor;
  Settlement result;
  Decimal in_pledge_currency = money_amount;
  const bool across_currencies = money_currency.id != pledge_currency.id;
  if (across_currencies) {
    // The money's USD value, converted at the date's rate of the pledge currency.
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
      in_pledge_currency = (usd * *rate).rescale(pledge_currency.minor_units, rounding_on(builder.date()));
    }
    const std::int64_t trading = builder.account("1900");
    builder.add_with_usd(trading, pledge.fund_id, money_currency, -money_amount, -money_usd);
    builder.add_with_usd(trading, pledge.fund_id, pledge_currency, in_pledge_currency, money_usd);
  }
  const std::int64_t value_minor = in_pledge_currency.to_minor_units(pledge_currency.minor_units);
  const std::int64_t settled = std::clamp<std::int64_t>(receivable.amount_minor, 0, value_minor);
  if (settled > 0) {
    // Across currencies, what the settled part is worth today is its share of the money's USD.
    std::optional<std::int64_t> value_now;
    if (across_currencies) value_now = -proportional_minor(money_usd, settled, value_minor);
    builder.relieve(builder.account("1200"), pledge.fund_id, pledge_currency,
                    -Decimal::from_minor_units(settled, pledge_currency.minor_units), receivable,
                    {pledge.donor_id, 0, pledge.id}, value_now);
  }
  result.settled_minor = settled;
  result.excess_minor = value_minor - settled;
  return result;
}

RecordResult Ledger::Impl::record_receipt(const ReceiptEvent& given) {
  const auto& currency = currency_for_use(given.currency, "currency");
  ReceiptEvent receipt = given;
  receipt.amount = positive_amount(given.amount, currency, "amount");
  const std::string body = detail::body_fields(Event{receipt}).render();
  if (std::int64_t seq = existing_event_seq(receipt.id, "receipt", body)) return {false, seq};

  const auto& fund = fund_named(receipt.fund, "fund");
  std::int64_t donor_id = receipt.donor.empty() ? 0 : donor_named(receipt.donor, "donor").id;
  const detail::PledgeRecord* pledge = nullptr;
  if (!receipt.pledge.empty()) {
    pledge = &pledge_named(receipt.pledge, "pledge");
    if (pledge->fund_id != fund.id) {
      throw Error(ErrorCode::bad_input, field_error("fund", "pledge " + receipt.pledge + " is to fund " +
                                                                state.funds.by_id(pledge->fund_id).code + ", not " +
                                                                receipt.fund));
    }
    if (donor_id && donor_id != pledge->donor_id) {
      throw Error(ErrorCode::bad_input, field_error("donor", "pledge " + receipt.pledge + " is from donor " +
                                                                 state.donors.by_id(pledge->donor_id).code + ", not " +
                                                                 receipt.donor));
    }
    if (pledge_cancelled(*pledge)) {
      throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + receipt.pledge + " is cancelled"));
    }
    check_not_before_signing(*pledge, receipt.date, "receipt " + receipt.id);
    donor_id = pledge->donor_id;
  }

  PostingBuilder builder(*this, receipt.date, "receipt " + receipt.id);
  PledgeBalance recognized;
  std::vector<std::int64_t> recognized_lines;
  const std::int64_t usd = builder.usd_minor(currency, receipt.amount);
  builder.add_with_usd(builder.account("1100"), fund.id, currency, receipt.amount, usd, {donor_id, 0, 0});
  std::optional<StoredPosting> held;
  if (pledge) {
    recognized = recognize_due_instalments(builder, *pledge, receipt.date, recognized_lines);
    Settlement settlement = settle_pledge(builder, *pledge, currency, receipt.amount, usd, recognized);
    if (settlement.excess_minor > 0) {
      // What the pledge cannot take is held for the donor (2100) at the day's rate.
      held = hold_excess(builder, fund.id, donor_id, state.currencies.by_id(pledge->currency_id), settlement.excess_minor);
    }
  } else {
    const std::int64_t account = builder.account(donor_id ? "2100" : "2150");
    builder.add(account, fund.id, currency, -receipt.amount, {donor_id, 0, 0});
    held = builder.postings().back();
  }
  const std::int64_t seq = append_event("receipt", receipt.id, receipt.date, body, builder.finish());
  if (held) add_holding(seq, *held);
  if (pledge) mark_recognized(*pledge, recognized_lines, seq);
  return {true, seq};
}

StoredPosting Ledger::Impl::hold_excess(PostingBuilder& builder, std::int64_t fund_id, std::int64_t donor_id,
                                        const detail::CurrencyRecord& currency, std::int64_t excess_minor) {
  builder.add(builder.account("2100"), fund_id, currency, -Decimal::from_minor_units(excess_minor, currency.minor_units),
              {donor_id, 0, 0});
  return builder.postings().back();
}

RecordResult Ledger::Impl::record_apply(const ApplyEvent& given) {
  std::string type;
  const std::int64_t holding_seq = seq_of_event(given.receipt, &type);
  if (!holding_seq) {
    throw Error(ErrorCode::unknown_reference, field_error("receipt", "unknown receipt " + quote(given.receipt)));
  }
  auto holding = holding_of(holding_seq);
  if (!holding || state.accounts.by_id(holding->account_id).code == "2300") {
    throw Error(ErrorCode::bad_input, field_error("receipt", quote(given.receipt) + " (a " + type +
                                                                 ") holds no advance or unidentified receipt"));
  }
  const auto& currency = state.currencies.by_id(holding->currency_id);
  ApplyEvent apply = given;
  if (apply.amount) apply.amount = positive_amount(*apply.amount, currency, "amount");
  const std::string body = detail::body_fields(Event{apply}).render();
  if (std::int64_t seq = existing_event_seq(apply.id, "apply", body)) return {false, seq};

  {
    SQLite::Statement received(database, "SELECT date FROM events WHERE seq = ?");
    received.bind(1, holding_seq);
    if (received.executeStep() && apply.date.day_number() < received.getColumn(0).getInt()) {
      throw Error(ErrorCode::bad_input,
                  field_error("date", "apply " + apply.id + " is dated " + apply.date.to_string() + ", before " +
                                          given.receipt + " was received (" +
                                          Date::from_day_number(received.getColumn(0).getInt()).to_string() + ")"));
    }
  }
  const std::int64_t wanted = apply.amount ? apply.amount->to_minor_units(currency.minor_units) : holding->amount_minor;
  if (holding->amount_minor <= 0) {
    throw Error(ErrorCode::bad_input, field_error("receipt", "receipt " + given.receipt + " holds nothing more to apply"));
  }
  if (wanted > holding->amount_minor) {
    throw Error(ErrorCode::bad_input, field_error("amount", "receipt " + given.receipt + " holds only " +
                                                                amount_text(holding->amount_minor, currency) +
                                                                ", less than " + amount_text(wanted, currency)));
  }
  std::int64_t donor_id = holding->donor_id;
  if (!apply.donor.empty()) {
    const auto& donor = donor_named(apply.donor, "donor");
    if (donor_id && donor_id != donor.id) {
      throw Error(ErrorCode::bad_input, field_error("donor", "receipt " + given.receipt + " was received from " +
                                                                 state.donors.by_id(donor_id).code + ", not " + apply.donor));
    }
    donor_id = donor.id;
  }

  PostingBuilder builder(*this, apply.date, "apply " + apply.id);
  std::int64_t applied = wanted;
  if (!apply.pledge.empty()) {
    const auto& pledge = pledge_named(apply.pledge, "pledge");
    if (pledge.fund_id != holding->fund_id) {
      throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " is to fund " +
                                                                  state.funds.by_id(pledge.fund_id).code +
                                                                  ", the receipt to " +
                                                                  state.funds.by_id(holding->fund_id).code));
    }
    if (donor_id && donor_id != pledge.donor_id) {
      throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " is from donor " +
                                                                  state.donors.by_id(pledge.donor_id).code + ", the receipt from " +
                                                                  state.donors.by_id(donor_id).code));
    }
    if (pledge_cancelled(pledge)) {
      throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " is cancelled"));
    }
    check_not_before_signing(pledge, apply.date, "apply " + apply.id);
    donor_id = pledge.donor_id;
    std::vector<std::int64_t> recognized_lines;
    const PledgeBalance recognized = recognize_due_instalments(builder, pledge, apply.date, recognized_lines);
    PledgeBalance receivable = receivable_of(pledge, "1200");
    receivable.amount_minor += recognized.amount_minor;
    receivable.functional_minor += recognized.functional_minor;
    if (receivable.amount_minor <= 0) {
      throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + apply.pledge + " has nothing outstanding"));
    }
    // In the pledge currency, apply no more than is outstanding; the rest stays held.
    if (pledge.currency_id == currency.id) applied = std::min(applied, receivable.amount_minor);
    const Decimal amount = Decimal::from_minor_units(applied, currency.minor_units);
    // The money held is relieved at the USD it carries, and settles the pledge at what it is worth
    // today; each side's difference from today's value is realized exchange.
    const std::int64_t relieved = builder.relieve(holding->account_id, holding->fund_id, currency, amount,
                                                  holding->position(), {holding->donor_id, 0, holding->pledge_id});
    const std::int64_t value_now = builder.usd_minor(currency, amount);
    Settlement settlement = settle_pledge(builder, pledge, currency, amount, value_now, recognized);
    std::optional<StoredPosting> new_holding;
    if (settlement.excess_minor > 0) {
      new_holding = hold_excess(builder, holding->fund_id, donor_id, state.currencies.by_id(pledge.currency_id),
                                settlement.excess_minor);
    }
    const std::int64_t seq = append_event("apply", apply.id, apply.date, body, builder.finish());
    move_holding(seq, holding->seq, -applied, -relieved);
    if (new_holding) add_holding(seq, *new_holding);
    mark_recognized(pledge, recognized_lines, seq);
    return {true, seq};
  }
  // No pledge: the money is the donor's contribution, recognized as revenue now at the USD it
  // carried as a liability.
  if (!donor_id) {
    throw Error(ErrorCode::bad_input, field_error("donor", "an unidentified receipt applied to revenue needs the donor"));
  }
  const auto& fund = state.funds.by_id(holding->fund_id);
  const Decimal amount = Decimal::from_minor_units(applied, currency.minor_units);
  const std::int64_t relieved =
      -proportional_minor(holding->position().functional_minor, applied, holding->amount_minor);
  builder.add_with_usd(holding->account_id, fund.id, currency, amount, relieved, {holding->donor_id, 0, holding->pledge_id});
  builder.add_with_usd(builder.account(revenue_account(fund.event.kind == FundKind::special ? Purpose::special
                                                                                              : Purpose::general)),
                       fund.id, currency, -amount, -relieved, {donor_id, 0, 0});
  const std::int64_t seq = append_event("apply", apply.id, apply.date, body, builder.finish());
  move_holding(seq, holding->seq, -applied, -relieved);
  return {true, seq};
}

RecordResult Ledger::Impl::record_condition_met(const ConditionMetEvent& given) {
  const auto& pledge = pledge_named(given.pledge, "pledge");
  const auto& currency = state.currencies.by_id(pledge.currency_id);
  ConditionMetEvent event = given;
  event.amount = positive_amount(given.amount, currency, "amount");
  const std::string body = detail::body_fields(Event{event}).render();
  if (std::int64_t seq = existing_event_seq(event.id, "condition_met", body)) return {false, seq};
  if (!pledge.conditional) {
    throw Error(ErrorCode::bad_input, field_error("pledge", "pledge " + event.pledge + " is not conditional"));
  }
  check_not_before_signing(pledge, event.date, "condition_met " + event.id);
  const PledgeBalance deferred = receivable_of(pledge, "2200");
  const std::int64_t amount = event.amount.to_minor_units(currency.minor_units);
  if (amount > -deferred.amount_minor) {
    throw Error(ErrorCode::bad_input, field_error("amount", "pledge " + event.pledge + " has only " +
                                                                amount_text(-deferred.amount_minor, currency) +
                                                                " of conditions unmet"));
  }
  PostingBuilder builder(*this, event.date, "condition_met " + event.id);
  const std::int64_t usd = proportional_minor(-deferred.functional_minor, amount, -deferred.amount_minor);
  const Dimensions dimensions{pledge.donor_id, pledge.project_id, pledge.id};
  builder.add_with_usd(builder.account("2200"), pledge.fund_id, currency, event.amount, usd, dimensions);
  builder.add_with_usd(builder.account(revenue_account(pledge.purpose)), pledge.fund_id, currency, -event.amount, -usd,
                       dimensions);
  return {true, append_event("condition_met", event.id, event.date, body, builder.finish())};
}

RecordResult Ledger::Impl::record_reduction(const ReductionEvent& given) {
  const auto& pledge = pledge_named(given.pledge, "pledge");
  const auto& currency = state.currencies.by_id(pledge.currency_id);
  ReductionEvent event = given;
  event.amount = positive_amount(given.amount, currency, "amount");
  const std::string body = detail::body_fields(Event{event}).render();
  if (std::int64_t seq = existing_event_seq(event.id, "reduction", body)) return {false, seq};

  check_not_before_signing(pledge, event.date, "reduction " + event.id);
  const PledgeBalance receivable = receivable_of(pledge, "1200");
  const std::int64_t amount = event.amount.to_minor_units(currency.minor_units);
  if (amount > receivable.amount_minor) {
    throw Error(ErrorCode::bad_input, field_error("amount", "a reduction of " + amount_text(amount, currency) +
                                                                " is more than pledge " + event.pledge + " has outstanding (" +
                                                                amount_text(std::max<std::int64_t>(0, receivable.amount_minor), currency) + ")"));
  }
  PostingBuilder builder(*this, event.date, "reduction " + event.id);
  const std::int64_t carrying = proportional_minor(receivable.functional_minor, amount, receivable.amount_minor);
  builder.add_with_usd(builder.account("1200"), pledge.fund_id, currency, -event.amount, -carrying,
                       {pledge.donor_id, 0, pledge.id});
  const Dimensions dimensions{pledge.donor_id, pledge.project_id, pledge.id};
  std::int64_t remaining = amount;
  std::int64_t remaining_usd = carrying;
  if (pledge.conditional) {
    // The unmet part of a conditional pledge is reduced first: it was never revenue.
    const PledgeBalance deferred = receivable_of(pledge, "2200");
    const std::int64_t from_deferred = std::min(remaining, -deferred.amount_minor);
    if (from_deferred > 0) {
      const std::int64_t usd = from_deferred == remaining
                                   ? remaining_usd
                                   : proportional_minor(-deferred.functional_minor, from_deferred, -deferred.amount_minor);
      builder.add_with_usd(builder.account("2200"), pledge.fund_id, currency,
                           Decimal::from_minor_units(from_deferred, currency.minor_units), usd, dimensions);
      remaining -= from_deferred;
      remaining_usd -= usd;
    }
  }
  if (remaining > 0 || remaining_usd != 0) {
    // Revenue of the same fiscal year is reversed; an earlier year's stays, and 4900 takes it.
    const std::string_view account =
        event.date.year() == pledge.signed_on.year() ? revenue_account(pledge.purpose) : std::string_view("4900");
    builder.add_with_usd(builder.account(account), pledge.fund_id, currency,
                         Decimal::from_minor_units(remaining, currency.minor_units), remaining_usd, dimensions);
  }
  const std::int64_t seq = append_event("reduction", event.id, event.date, body, builder.finish());
  return {true, seq};
}

RecordResult Ledger::Impl::record_allowance(const AllowanceEvent& given, bool write_off) {
  const auto& pledge = pledge_named(given.pledge, "pledge");
  const auto& currency = state.currencies.by_id(pledge.currency_id);
  AllowanceEvent event = given;
  event.amount = positive_amount(given.amount, currency, "amount");
  const char* type = write_off ? "write_off" : "allowance";
  const Event as_event = write_off ? Event{WriteOffEvent{event.id, event.pledge, event.date, event.amount, event.memo}}
                                   : Event{event};
  const std::string body = detail::body_fields(as_event).render();
  if (std::int64_t seq = existing_event_seq(event.id, type, body)) return {false, seq};

  check_not_before_signing(pledge, event.date, std::string(type) + " " + event.id);
  const PledgeBalance receivable = receivable_of(pledge, "1200");
  const PledgeBalance allowance = receivable_of(pledge, "1290");
  const std::int64_t amount = event.amount.to_minor_units(currency.minor_units);
  PostingBuilder builder(*this, event.date, std::string(type) + " " + event.id);
  const Dimensions dimensions{pledge.donor_id, 0, pledge.id};
  if (!write_off) {
    const std::int64_t uncovered = receivable.amount_minor + allowance.amount_minor;  // allowance is a credit
    if (amount > uncovered) {
      throw Error(ErrorCode::bad_input, field_error("amount", "an allowance of " + amount_text(amount, currency) +
                                                                  " is more than pledge " + event.pledge +
                                                                  " has outstanding and not yet allowed for (" +
                                                                  amount_text(std::max<std::int64_t>(0, uncovered), currency) + ")"));
    }
    const std::int64_t usd = proportional_minor(receivable.functional_minor, amount, receivable.amount_minor);
    builder.add_with_usd(builder.account("5400"), pledge.fund_id, currency, event.amount, usd, dimensions);
    builder.add_with_usd(builder.account("1290"), pledge.fund_id, currency, -event.amount, -usd, dimensions);
  } else {
    if (amount > -allowance.amount_minor || amount > receivable.amount_minor) {
      throw Error(ErrorCode::bad_input,
                  field_error("amount", "a write-off of " + amount_text(amount, currency) + " is more than pledge " +
                                            event.pledge + " has allowed for (" +
                                            amount_text(std::max<std::int64_t>(0, -allowance.amount_minor), currency) +
                                            ") or outstanding (" +
                                            amount_text(std::max<std::int64_t>(0, receivable.amount_minor), currency) + ")"));
    }
    const std::int64_t allowance_usd = proportional_minor(-allowance.functional_minor, amount, -allowance.amount_minor);
    const std::int64_t carrying = proportional_minor(receivable.functional_minor, amount, receivable.amount_minor);
    builder.add_with_usd(builder.account("1290"), pledge.fund_id, currency, event.amount, allowance_usd, dimensions);
    builder.add_with_usd(builder.account("1200"), pledge.fund_id, currency, -event.amount, -carrying, dimensions);
    // What the allowance and the receivable carry can differ by cents: impairment takes it.
    builder.close_usd_difference(builder.account("5400"));
  }
  return {true, append_event(type, event.id, event.date, body, builder.finish())};
}

Ledger::Impl::PledgeBalance Ledger::Impl::recognize_due_instalments(PostingBuilder& builder,
                                                                    const detail::PledgeRecord& pledge, Date day,
                                                                    std::vector<std::int64_t>& lines) {
  PledgeBalance added;
  SQLite::Statement due(database,
                        "SELECT line, due, amount_minor FROM instalments WHERE pledge_id = ? AND recognized = 0 "
                        "AND due <= ? ORDER BY due, line");
  due.bind(1, pledge.id);
  due.bind(2, day.day_number());
  std::vector<std::array<std::int64_t, 3>> rows;
  while (due.executeStep()) {
    rows.push_back({due.getColumn(0).getInt64(), due.getColumn(1).getInt64(), due.getColumn(2).getInt64()});
  }
  if (rows.empty()) return added;
  const auto& currency = state.currencies.by_id(pledge.currency_id);
  builder.mark(detail::PostingKind::recognition);
  for (const auto& [line, due_day, amount_minor] : rows) {
    const Date due_date = Date::from_day_number(static_cast<std::int32_t>(due_day));
    const Decimal amount = Decimal::from_minor_units(amount_minor, currency.minor_units);
    builder.post_on(due_date);
    builder.add(builder.account("1200"), pledge.fund_id, currency, amount, {pledge.donor_id, 0, pledge.id});
    added.functional_minor += builder.postings().back().functional_minor;
    builder.add(builder.account(pledge.conditional ? "2200" : revenue_account(pledge.purpose)), pledge.fund_id,
                currency, -amount, {pledge.donor_id, pledge.project_id, pledge.id});
    added.amount_minor += amount_minor;
    lines.push_back(line);
  }
  builder.post_on(builder.date());
  builder.mark(detail::PostingKind::ordinary);
  return added;
}

void Ledger::Impl::mark_recognized(const detail::PledgeRecord& pledge, const std::vector<std::int64_t>& lines,
                                   std::int64_t seq) {
  SQLite::Statement mark(database, "UPDATE instalments SET recognized = ? WHERE pledge_id = ? AND line = ?");
  for (std::int64_t line : lines) {
    mark.bind(1, seq);
    mark.bind(2, pledge.id);
    mark.bind(3, line);
    mark.exec();
    mark.reset();
  }
}

bool Ledger::Impl::pledge_cancelled(const detail::PledgeRecord& pledge) {
  // Cancelled: reversed, or reduced in full before anything was received (net of reversals).
  SQLite::Statement query(
      database,
      "SELECT g.reversed, g.amount_minor, "
      "IFNULL(SUM(CASE WHEN IFNULL(o.type, e.type) IN ('receipt', 'apply') THEN -p.amount_minor END), 0), "
      "IFNULL(SUM(CASE WHEN IFNULL(o.type, e.type) IN ('reduction', 'write_off') THEN -p.amount_minor END), 0) "
      "FROM pledges g LEFT JOIN postings p ON p.pledge_id = g.id AND p.account_id = ? "
      "LEFT JOIN events e ON e.seq = p.seq LEFT JOIN reversals r ON r.reversal_seq = e.seq "
      "LEFT JOIN events o ON o.seq = r.reversed_seq WHERE g.id = ? GROUP BY g.id");
  const auto* receivable = state.accounts.find("1200");
  query.bind(1, receivable ? receivable->id : 0);
  query.bind(2, pledge.id);
  if (!query.executeStep()) return false;
  if (query.getColumn(0).getInt() != 0) return true;
  const std::int64_t pledged = query.getColumn(1).getInt64();
  const std::int64_t received = query.getColumn(2).getInt64();
  const std::int64_t reduced = query.getColumn(3).getInt64();
  return received == 0 && reduced >= pledged;
}

}  // namespace fundledger
