// The rule of the generic journal entry: postings as given, each converted at the day's rate with
// its own sign, the rounding residual to 5900, never a control account.
#include "rules/rules.hpp"

#include "core/canonical_json.hpp"
#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/text.hpp"
#include "rules/posting_builder.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <map>

namespace fundledger::detail {

namespace {

// The account of a posting, refusing a control account with the event to use instead.
std::int64_t entry_account(const RuleContext& context, const std::string& code, const std::string& field) {
  const auto* account = context.master.accounts.find(code);
  if (!account) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown account " + json::quoted(code)));
  if (const char* owner = account::control_account_owner(code)) {
    throw Error(ErrorCode::bad_input, field_error(field, "account " + code + " (" + account->event.name +
                                                             ") is a control account, kept by its own events: " + owner +
                                                             "; a generic entry cannot post to it"));
  }
  return account->id;
}

// The optional dimensions of a posting, each checked to exist (and a project to belong to the fund).
void entry_dimensions(const RuleContext& context, const PostingInput& input, const std::string& prefix,
                      StoredPosting& p) {
  if (!input.donor.empty()) p.donor_id = context.donor(input.donor, prefix + "donor").id;
  if (!input.project.empty()) {
    const auto& project = context.project(input.project, prefix + "project");
    if (project.fund_id != p.fund_id) {
      throw Error(ErrorCode::bad_input, field_error(prefix + "project", "project " + input.project + " belongs to fund " +
                                                                          project.event.fund + ", not " + input.fund));
    }
    p.project_id = project.id;
  }
  if (!input.pledge.empty()) p.pledge_id = context.pledge(input.pledge, prefix + "pledge").id;
}

// One posting as given: resolved, at the currency's minor units, converted to USD.
StoredPosting entry_posting(RuleContext& context, PostingInput& input, const std::string& prefix, Date date) {
  StoredPosting p;
  p.account_id = entry_account(context, input.account, prefix + "account");
  p.fund_id = context.fund(input.fund, prefix + "fund").id;
  entry_dimensions(context, input, prefix, p);
  const auto& currency = context.currency_for_use(input.currency, prefix + "currency");
  p.currency_id = currency.id;
  if (input.amount.is_zero()) {
    throw Error(ErrorCode::bad_input, field_error(prefix + "amount", "a posting's amount must not be zero"));
  }
  if (input.amount.scale() > currency.minor_units &&
      input.amount.rescale(currency.minor_units, Rounding::Down) != input.amount) {
    throw Error(ErrorCode::bad_input, field_error(prefix + "amount", "amount " + input.amount.to_string() +
                                                                         " has more decimals than " + currency.code +
                                                                         " allows (" +
                                                                         std::to_string(currency.minor_units) + ")"));
  }
  try {
    input.amount = input.amount.rescale(currency.minor_units, Rounding::Down);
    p.amount_minor = input.amount.to_minor_units(currency.minor_units);
    p.functional_minor = currency.code == functional_currency_code
                             ? p.amount_minor
                             : Decimal::divide(input.amount, rate_on(currency, date), 2, rounding_on(context.master, date))
                                   .to_minor_units(2);
  } catch (const Error& error) {
    throw Error(error.code(), field_error(prefix + "amount", error.what()));
  }
  return p;
}

// Rounding each posting to cents leaves a residual of a few cents at most in a fund's USD; it goes
// to 5900 in the same fund, amount 0 in the currency of the fund's first posting.
void add_residuals(const RuleContext& context, const EntryEvent& entry, std::vector<StoredPosting>& postings) {
  std::map<std::int64_t, Decimal::Coefficient> functional_by_fund;
  std::map<std::int64_t, std::int64_t> first_currency_of_fund;
  for (const StoredPosting& p : postings) {
    functional_by_fund[p.fund_id] += p.functional_minor;
    first_currency_of_fund.emplace(p.fund_id, p.currency_id);
  }
  for (const auto& [fund_id, sum] : functional_by_fund) {
    if (sum == 0) continue;
    const auto* rounding_account = context.master.accounts.find(account::rounding);
    if (!rounding_account) {
      throw Error(ErrorCode::unknown_reference,
                  "entry " + entry.id + " leaves a USD rounding residual of " +
                      Decimal::from_coefficient(-sum, 2).to_string() + " in fund " +
                      context.master.funds.by_id(fund_id).code +
                      ", and account 5900 (Rounding differences) does not exist to take it");
    }
    StoredPosting residual;
    residual.account_id = rounding_account->id;
    residual.fund_id = fund_id;
    residual.currency_id = first_currency_of_fund[fund_id];
    residual.functional_minor = static_cast<std::int64_t>(-sum);
    residual.kind = PostingKind::rounding_residual;
    postings.push_back(residual);
  }
}

// The given entry is the one recorded under its id: the same body, and the same postings once
// amounts are at their currency's minor units (trailing zeros do not make another entry).
void check_identical(RuleContext& context, const EntryEvent& entry, const EventRef& stored) {
  std::vector<PostingInput> stored_inputs;
  for (const StoredPosting& p : context.state.postings_of(stored.seq)) {
    // The residual and (version 3) the exchange realized on cash are the rule's, not the input's:
    // both have no amount, which a given posting never has.
    if (p.kind == PostingKind::rounding_residual || p.amount_minor == 0) continue;
    stored_inputs.push_back(posting_input_of(context.master, p));
  }
  EntryEvent given = entry;
  for (PostingInput& input : given.postings) {
    if (const auto* currency = context.master.currencies.find(input.currency)) {
      Decimal at_minor_units = input.amount.rescale(currency->minor_units, Rounding::Down);
      if (at_minor_units == input.amount) input.amount = at_minor_units;
    }
  }
  if (stored.type != "entry" || stored.body != body_fields(Event{given}).render() ||
      render_input_postings(stored_inputs) != render_input_postings(given.postings)) {
    throw Error(ErrorCode::conflict, field_error("id", "id " + json::quoted(entry.id) + " is already recorded (seq " +
                                                           std::to_string(stored.seq) + ") with a different body"));
  }
  context.change.already_recorded_seq = stored.seq;
}

// Version 3: foreign cash an entry takes out of a fund leaves at the USD it carries, in proportion
// (all of it when the entry empties it), like every other relief of cash; the difference from the
// day's value is realized exchange (4700) in the fund. Beyond what the fund holds, the day's value.
// Version 4: foreign cash an entry puts into a fund whose cash is below zero in the currency fills
// the overdraft at the USD it carries, the same way.
void relieve_cash_at_carrying(RuleContext& context, const EntryEvent& entry, std::vector<StoredPosting>& postings) {
  const auto* cash = context.master.accounts.find(account::cash);
  if (!cash || !rules_at_least(context.master, entry.date, 3)) return;
  const bool overdrafts_filled = rules_at_least(context.master, entry.date, 4);
  std::map<std::pair<std::int64_t, std::int64_t>, Position> held;  // (fund, currency) as the entry goes
  std::map<std::int64_t, std::int64_t> realized;                  // fund -> USD to 4700
  std::map<std::int64_t, std::int64_t> realized_currency;         // fund -> the currency it is posted in
  for (StoredPosting& p : postings) {
    const auto& currency = context.currency(p.currency_id);
    if (p.account_id != cash->id || currency.code == functional_currency_code) continue;
    const auto key = std::make_pair(p.fund_id, p.currency_id);
    if (!held.count(key)) held[key] = context.state.cash_position(p.fund_id, p.currency_id);
    Position& position = held[key];
    if ((p.amount_minor < 0 && position.amount_minor > 0) ||
        (overdrafts_filled && p.amount_minor > 0 && position.amount_minor < 0)) {
      const std::int64_t posted = p.amount_minor < 0 ? -p.amount_minor : p.amount_minor;
      const std::int64_t held_minor = position.amount_minor < 0 ? -position.amount_minor : position.amount_minor;
      const std::int64_t taken = std::min(posted, held_minor);
      const std::int64_t carried = proportional_minor(position.functional_minor, taken, held_minor);
      const std::int64_t beyond = p.amount_minor < 0 ? taken - posted : posted - taken;  // with the posting's sign
      const std::int64_t beyond_usd =
          beyond == 0 ? 0
                      : usd_value_minor(context.master, currency,
                                        Decimal::from_minor_units(beyond, currency.minor_units), entry.date);
      const std::int64_t relieved = -carried + beyond_usd;
      realized[p.fund_id] += p.functional_minor - relieved;
      realized_currency.emplace(p.fund_id, p.currency_id);
      p.functional_minor = relieved;
    }
    position.amount_minor += p.amount_minor;
    position.functional_minor += p.functional_minor;
  }
  const auto* exchange = context.master.accounts.find(account::realized_exchange);
  for (const auto& [fund, usd] : realized) {
    if (usd == 0) continue;
    if (!exchange) throw Error(ErrorCode::unknown_reference, "entry " + entry.id + " realizes exchange on cash, and account 4700 does not exist to take it");
    StoredPosting posting;
    posting.account_id = exchange->id;
    posting.fund_id = fund;
    posting.currency_id = realized_currency[fund];
    posting.functional_minor = usd;
    postings.push_back(posting);
  }
}

}  // namespace

PostingInput posting_input_of(const MasterState& master, const StoredPosting& p) {
  const auto& currency = master.currencies.by_id(p.currency_id);
  PostingInput input;
  input.account = master.accounts.by_id(p.account_id).code;
  input.fund = master.funds.by_id(p.fund_id).code;
  input.currency = currency.code;
  input.amount = Decimal::from_minor_units(p.amount_minor, currency.minor_units);
  if (p.donor_id) input.donor = master.donors.by_id(p.donor_id).code;
  if (p.project_id) input.project = master.projects.by_id(p.project_id).code;
  if (p.pledge_id) input.pledge = master.pledges.by_id(p.pledge_id).code;
  return input;
}

void rule_entry(RuleContext& context, const EntryEvent& entry) {
  if (const auto stored = context.state.event(entry.id)) {
    check_identical(context, entry, *stored);
    return;
  }
  context.check_open(entry.date, "entry " + entry.id);
  if (entry.postings.size() < 2) {
    throw Error(ErrorCode::unbalanced, field_error("postings", "an entry needs at least two postings, it has " +
                                                                   std::to_string(entry.postings.size())));
  }
  EntryEvent normalized = entry;
  std::vector<StoredPosting> postings;
  postings.reserve(entry.postings.size() + 1);
  for (std::size_t i = 0; i < normalized.postings.size(); ++i) {
    postings.push_back(
        entry_posting(context, normalized.postings[i], "postings[" + std::to_string(i) + "].", entry.date));
  }
  check_currency_balance("entry " + entry.id, postings, context);
  relieve_cash_at_carrying(context, entry, postings);
  add_residuals(context, entry, postings);
  context.change.postings = check_balanced("entry " + entry.id, std::move(postings), context);
  context.change.body = body_fields(Event{normalized}).render();
}

}  // namespace fundledger::detail
