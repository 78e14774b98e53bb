// The rules of the period close and reopen (ledger/README.md, "Periods and the close").
//
// Closing month P appends one period_close event whose postings are:
//   1. the instalments of per-instalment pledges falling due up to P's last day (dated their due
//      day, at that day's rate): Dr 1200 / Cr revenue, or 2200 when conditional;
//   2. the revaluation of every foreign-currency monetary position at the rate in force on P's
//      last day (cash by fund and currency, 1200 and 1290 by pledge, 2100, 2150, 2300 and 1400 by
//      the event that holds them), the difference to 4710 per fund and currency (dated the last day)
//      and, except in December, its reversal dated the first day of the next month; a December
//      restatement of money held is kept against the holding, as its carrying USD;
//   3. in December, the year-end: every revenue and expense balance of the year (and, with the
//      year_end setting "usd", the transfers between funds in 3200) to 3100, per fund, dated 31
//      December (see close_year).
// Then every day up to P's last day is locked, and the engine seals the month (see engine/recorder.cpp):
// the hash of the close event and the SHA-256 of the closing balances. Reopening the latest
// closed month appends a period_reopen event negating every posting of its close, on the same
// days, undoing its restatement of money held and its recognitions, and removes the seal.
#include "rules/pledge_rules.hpp"

#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/mutants.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace fundledger::detail {

namespace {

void check_closable(const RuleContext& context, const Period& period) {
  if (const auto closed = context.state.last_closed()) {
    if (!(closed->next() == period)) {
      throw Error(ErrorCode::bad_input, "field \"period\": " + period.to_string() + " cannot be closed: periods close in "
                                        "order, and the next to close is " + closed->next().to_string());
    }
    return;
  }
  const auto first = context.state.first_posting_day();
  if (!first) throw Error(ErrorCode::bad_input, "field \"period\": the ledger has no entries: there is nothing to close");
  const Period first_period = Period::month_of(*first);
  if (!(first_period == period)) {
    throw Error(ErrorCode::bad_input, "field \"period\": " + period.to_string() +
                                          " cannot be closed: periods close in order from the first, " +
                                          first_period.to_string() + " (the month of the earliest entry)");
  }
}

// 1. Instalments falling due, for pledges recognized per instalment.
void recognize_falling_due(RuleContext& context, PostingBuilder& builder, Date last_day) {
  for (std::int64_t pledge_id : context.state.pledges_due(last_day)) {
    const auto& pledge = context.master.pledges.by_id(pledge_id);
    if (context.pledge_cancelled(pledge)) continue;  // reduced in full: nothing more falls due
    recognize_due_instalments(context, builder, pledge, last_day);
  }
  builder.post_on(last_day);
  builder.mark(PostingKind::ordinary);
}

// The monetary positions on the last day, with what step 1 just did: the receivables (and
// allowances) it recognized or relieved, and the money paid ahead it applied.
std::vector<MonetaryPosition> positions_on(const RuleContext& context, const PostingBuilder& builder, Date last_day) {
  std::vector<MonetaryPosition> positions = context.state.monetary_positions(last_day);
  const auto* usd = context.master.currencies.find(functional_currency_code);
  const auto* receivable = context.master.accounts.find(account::receivable);
  const auto* allowance = context.master.accounts.find(account::allowance);
  std::map<BalanceKeyIds, std::size_t> by_key;
  std::map<std::int64_t, std::size_t> by_holding;
  for (std::size_t i = 0; i < positions.size(); ++i) {
    if (positions[i].holding_seq) {
      by_holding[positions[i].holding_seq] = i;
    } else {
      by_key.emplace(positions[i].key, i);
    }
  }
  for (const StoredPosting& p : builder.postings()) {
    if ((usd && p.currency_id == usd->id) || p.date.value_or(builder.date().day_number()) > last_day.day_number()) continue;
    if (!(receivable && p.account_id == receivable->id) && !(allowance && p.account_id == allowance->id)) continue;
    const BalanceKeyIds key{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id};
    auto [found, fresh] = by_key.try_emplace(key, positions.size());
    if (fresh) positions.push_back(MonetaryPosition{key, 0, {}});
    positions[found->second].balance.amount_minor += p.amount_minor;
    positions[found->second].balance.functional_minor += p.functional_minor;
  }
  for (const HoldingMove& move : context.change.moves) {
    const auto found = by_holding.find(move.holding_seq);
    if (found == by_holding.end() || move.day.value_or(last_day.day_number()) > last_day.day_number()) continue;
    MonetaryPosition& position = positions[found->second];
    const int sign = position.asset_holding ? 1 : -1;
    position.balance.amount_minor += sign * move.amount_minor;
    position.balance.functional_minor += sign * move.functional_minor;
  }
  return positions;
}

void check_rates_in_force(const RuleContext& context, const std::vector<MonetaryPosition>& positions,
                          const Period& period) {
  std::set<std::string> stale;
  for (const MonetaryPosition& position : positions) {
    if (position.balance.amount_minor == 0) continue;
    const auto& currency = context.currency(position.key[5]);
    const bool in_month = std::any_of(currency.rates.begin(), currency.rates.end(), [&period](const RateEntry& rate) {
      return rate.day >= period.first_day().day_number() && rate.day <= period.last_day().day_number();
    });
    if (!in_month) stale.insert(currency.code);
  }
  if (stale.empty()) return;
  std::string names;
  for (const std::string& code : stale) names += (names.empty() ? "" : ", ") + code;
  throw Error(ErrorCode::bad_input,
              "field \"period\": " + period.to_string() + " cannot be closed: no rate effective within the month for " +
                  names + " (holding monetary balances); record the month's UN operational rates, or close with "
                  "allow_stale_rates (--allow-stale-rates) to revalue at the latest earlier rate");
}

// What a revaluation changed in the carrying USD of the holdings: by balance key (cash by fund and
// currency, a pledge's receivable or allowance), in the balance's sign, and by the event holding
// money, in what it holds.
struct CarryingChanges {
  std::map<BalanceKeyIds, std::int64_t> by_key;
  std::map<std::int64_t, std::int64_t> by_holding;
};

// 2. Restates every position at the last day's rate, the difference to 4710 per fund and
// currency; at the year-end, keeps each holding's restatement as a move against it. Returns what
// it restated.
CarryingChanges revalue(RuleContext& context, PostingBuilder& builder, const std::vector<MonetaryPosition>& positions,
                        bool year_end, Date next_first_day) {
  CarryingChanges changes;
  std::map<BalanceKeyIds, std::int64_t> by_key;
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> unrealized;  // (fund, currency) -> USD
  // From version 3 an allowance is valued as the contra of its receivable: its amount rounded as a
  // debit, negated, so that under floor or ceiling it never carries more USD than its receivable.
  const std::int64_t contra =
      rules_at_least(context.master, builder.date(), 3) ? builder.account(account::allowance) : -1;
  for (const MonetaryPosition& position : positions) {
    const auto& currency = context.currency(position.key[5]);
    const std::int64_t sign = position.key[0] == contra ? -1 : 1;
    const std::int64_t restated =
        sign * builder.usd_minor(currency, Decimal::from_minor_units(sign * position.balance.amount_minor,
                                                                      currency.minor_units));
    const std::int64_t difference = restated - position.balance.functional_minor;
    if (difference == 0) continue;
    by_key[position.key] += difference;
    unrealized[{position.key[1], position.key[5]}] -= difference;
    if (position.holding_seq) {
      // What the holding carries moves with its balance: up for an advance owed to the fund, down
      // for money the fund holds.
      const std::int64_t held = position.asset_holding ? difference : -difference;
      changes.by_holding[position.holding_seq] += held;
      if (year_end) context.change.move(position.holding_seq, 0, held);
    } else {
      changes.by_key[position.key] += difference;
    }
  }
  std::vector<StoredPosting> revaluation;
  for (const auto& [key, difference] : by_key) {
    if (difference != 0) revaluation.push_back(usd_only(key, difference));
  }
  for (const auto& [fund_currency, amount] : unrealized) {
    if (amount == 0) continue;
    const std::int64_t account = builder.account(account::unrealized_exchange);
    revaluation.push_back(usd_only({account, fund_currency.first, 0, 0, 0, fund_currency.second}, amount));
  }
  for (const StoredPosting& posting : revaluation) builder.add_posting(posting);
  if (year_end) return changes;
  // Reversed on the first day of the next month, so that realized differences are measured
  // against the original carrying rate.
  for (StoredPosting posting : revaluation) {
    posting.functional_minor = -posting.functional_minor;
    posting.date = next_first_day.day_number();
    builder.add_posting(posting);
  }
  return {};
}

// The share of the change still untaken (delta) that a relief of covered out of balance takes, both
// in the currency and positive: in proportion, all of it for a relief that empties the holding.
std::int64_t share_of(std::int64_t delta, std::int64_t covered, std::int64_t balance) {
  return covered >= balance ? delta : proportional_minor(delta, covered, balance);
}

// From rules version 2: a change in the carrying USD of holdings as of a day (a year-end
// revaluation kept, or a reopening that takes it back) reaches the reliefs of them recorded from
// from_seq on (events of the days after, recorded before the close; or recorded after the close
// that a reopening undoes): walking each holding's history in the order recorded, each relief takes
// the share of the change it would have carried, posted to the holding against 4700 on its day (no
// earlier than earliest_day). Here by balance key: cash by fund and currency, a pledge's receivable
// and allowance.
void restate_key_reliefs(RuleContext& context, PostingBuilder& builder, const std::map<BalanceKeyIds, std::int64_t>& changes,
                         std::int64_t from_seq, std::int32_t earliest_day) {
  const std::int64_t cash = builder.account(account::cash);
  std::vector<std::int64_t> accounts;
  for (const auto& [key, delta] : changes) {
    if (delta != 0 && std::find(accounts.begin(), accounts.end(), key[0]) == accounts.end()) accounts.push_back(key[0]);
  }
  if (accounts.empty()) return;
  // The postings recorded since, by the holding they belong to: cash is one pool per fund and
  // currency, whoever paid it in.
  std::map<BalanceKeyIds, std::vector<DatedPosting>> by_holding;
  for (DatedPosting& row : context.state.postings_from(from_seq, accounts)) {
    const StoredPosting& p = row.posting;
    const BalanceKeyIds key = p.account_id == cash ? BalanceKeyIds{cash, p.fund_id, 0, 0, 0, p.currency_id}
                                                   : BalanceKeyIds{p.account_id, p.fund_id, p.donor_id, p.project_id,
                                                                   p.pledge_id, p.currency_id};
    by_holding[key].push_back(std::move(row));
  }
  for (const auto& [key, delta] : changes) {
    const auto found = by_holding.find(key);
    if (delta == 0 || found == by_holding.end()) continue;
    std::int64_t balance = 0;
    if (key[0] == cash) {
      balance = context.state.cash_position(key[1], key[5]).amount_minor;
    } else {
      const BalanceSums sums = context.state.balance(key);
      balance = sums.debit - sums.credit;
    }
    for (const DatedPosting& row : found->second) balance -= row.posting.amount_minor;
    std::int64_t untaken = delta;
    for (const DatedPosting& row : found->second) {
      const std::int64_t covered = covered_minor(row.posting.amount_minor, {balance, 0});
      if (covered != 0 && untaken != 0) {
        const std::int64_t share = share_of(untaken, covered < 0 ? -covered : covered, balance < 0 ? -balance : balance);
        builder.restate_relief(key, std::max(row.day, earliest_day), -share);
        untaken -= share;
      }
      balance += row.posting.amount_minor;
    }
  }
}

// The same for the money an event holds (2100, 2150, 2300, 1400), by the moves recorded since;
// changes are in what each holds.
void restate_holding_reliefs(RuleContext& context, PostingBuilder& builder, const std::map<std::int64_t, std::int64_t>& changes,
                             std::int64_t from_seq, std::int32_t earliest_day) {
  if (changes.empty()) return;
  std::map<std::int64_t, std::vector<DatedMove>> by_holding;
  for (DatedMove& row : context.state.moves_from(from_seq)) {
    if (changes.count(row.move.holding_seq)) by_holding[row.move.holding_seq].push_back(std::move(row));
  }
  for (const auto& [seq, moves] : by_holding) {
    const std::int64_t delta = changes.at(seq);
    const std::optional<Holding> holding = context.state.holding(seq);
    if (delta == 0 || !holding) continue;
    // What it held before the first of these moves, or nothing where it was made since.
    std::int64_t held = holding->seq >= from_seq ? 0 : holding->amount_minor;
    if (holding->seq < from_seq) {
      for (const DatedMove& row : moves) held -= row.move.amount_minor;
    }
    std::int64_t untaken = delta;
    bool made = holding->seq < from_seq;
    const BalanceKeyIds key{holding->account_id, holding->fund_id,  holding->donor_id,
                            holding->project_id, holding->pledge_id, holding->currency_id};
    for (const DatedMove& row : moves) {
      if (!made) {
        held += holding->initial_minor;  // every move of it comes after the event that made it
        made = true;
      }
      const std::int64_t covered = row.move.amount_minor < 0 ? std::min(-row.move.amount_minor, held) : 0;
      if (covered > 0 && untaken != 0) {
        const std::int64_t share = share_of(untaken, covered, held);
        const std::int32_t day = std::max(row.day, earliest_day);
        builder.restate_relief(key, day, holding->asset ? -share : share);
        context.change.move(seq, 0, -share, day);
        untaken -= share;
      }
      held += row.move.amount_minor;
    }
  }
}

// The year's results (revenue and expenses, with what this close just posted) by full key; with
// the year-end in USD, the transfers between funds (3200) too.
std::map<BalanceKeyIds, Position> year_results(RuleContext& context, PostingBuilder& builder, const Period& period,
                                               bool in_usd) {
  std::map<BalanceKeyIds, Position> results;
  for (const KeyedSums& row : context.state.results(Date::from_ymd(period.year(), 1, 1), period.last_day())) {
    results[row.key] = row.sums;
  }
  if (in_usd) {
    for (const KeyedSums& row : context.state.balances_through(period.last_day(), {builder.account(account::transfers)})) {
      results[row.key] = row.sums;
    }
  }
  for (const StoredPosting& p : builder.postings()) {
    const auto account_class = context.master.accounts.by_id(p.account_id).event.account_class;
    if (account_class != AccountClass::revenue && account_class != AccountClass::expense) continue;
    // A relief of the next year restated (4700) belongs to that year.
    if (p.date && *p.date > period.last_day().day_number()) continue;
    Position& sums = results[{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id}];
    sums.amount_minor += p.amount_minor;
    sums.functional_minor += p.functional_minor;
  }
  return results;
}

// Version 3: the restated reliefs of a pledge's receivable and allowance, each in proportion, can
// leave the allowance a cent beyond the receivable; the excess is released on the first day after
// the period, as after any event that moves the receivable.
void release_after_restatement(RuleContext& context, PostingBuilder& builder,
                               const std::map<BalanceKeyIds, std::int64_t>& restated, const Period& period) {
  if (!rules_at_least(context.master, period.last_day(), 3)) return;
  std::vector<std::int64_t> pledges;
  for (const auto& [key, usd] : restated) {
    if (key[4] && std::find(pledges.begin(), pledges.end(), key[4]) == pledges.end()) pledges.push_back(key[4]);
  }
  builder.post_on(period.next().first_day());
  for (const std::int64_t pledge_id : pledges) {
    release_excess_allowance(context, builder, context.master.pledges.by_id(pledge_id));
  }
  builder.post_on(builder.date());
}

StoredPosting year_end_posting(const BalanceKeyIds& key, std::int64_t amount_minor, std::int64_t functional_minor) {
  StoredPosting posting = usd_only(key, functional_minor);
  posting.amount_minor = amount_minor;
  posting.kind = PostingKind::year_end;
  return posting;
}

// 3. The year's results into the accumulated surplus (3100), per fund: each balance closed where it
// is. With the year-end in USD (the year_end setting, "usd" in every ledger init makes), 3200 is
// closed too, and 3100 takes USD only: the part of a fund's result in another currency stays as a
// currency position in 1900 (its USD leg and its currency leg net to zero), so that every (fund,
// currency) still balances. By currency (ledgers made before the setting), 3100 takes each
// currency's part in that currency.
void close_year(RuleContext& context, PostingBuilder& builder, const Period& period) {
  const bool in_usd = setting_on(context.master, "year_end", period.last_day()) == "usd";
  // From rules version 2 the transfers are closed by currency too, and a ledger with no USD posting
  // yet closes in USD all the same.
  const bool whole = whole_holdings_on(context.master, period.last_day());
  // What the close realized through the year's last day (money paid ahead applied to an instalment
  // it recognized) belongs to the year's results.
  if (rules_at_least(context.master, period.last_day(), 3)) builder.settle_through(period.last_day().day_number());
  std::map<std::pair<std::int64_t, std::int64_t>, Position> surplus;  // (fund, currency) -> closed
  const bool transfers = (in_usd || whole) && !FUNDLEDGER_MUTANT("skip_year_end_3200");
  for (const auto& [key, sums] : year_results(context, builder, period, transfers)) {
    if (sums.amount_minor == 0 && sums.functional_minor == 0) continue;
    builder.add_posting(year_end_posting(key, -sums.amount_minor, -sums.functional_minor));
    Position& total = surplus[{key[1], key[5]}];
    total.amount_minor += sums.amount_minor;
    total.functional_minor += sums.functional_minor;
  }
  const std::int64_t surplus_account = builder.account(account::accumulated_surplus);
  const CurrencyRecord* usd = context.master.currencies.find(functional_currency_code);
  if (!usd && in_usd && whole && !surplus.empty()) usd = &context.currency_for_use(functional_currency_code, "period");
  std::map<std::int64_t, Position> in_dollars;  // fund -> its result into 3100, in USD
  for (const auto& [fund_currency, sums] : surplus) {
    if (sums.amount_minor == 0 && sums.functional_minor == 0) continue;
    const auto [fund, currency] = fund_currency;
    if (!in_usd || !usd) {
      builder.add_posting(year_end_posting({surplus_account, fund, 0, 0, 0, currency}, sums.amount_minor, sums.functional_minor));
      continue;
    }
    Position& dollars = in_dollars[fund];
    if (currency == usd->id) {
      // USD amounts as they are (a USD-only difference has amount 0), so that USD still balances.
      dollars.amount_minor += sums.amount_minor;
      dollars.functional_minor += sums.functional_minor;
      continue;
    }
    const std::int64_t exchange = builder.account(account::currency_exchange);
    builder.add_posting(year_end_posting({exchange, fund, 0, 0, 0, currency}, sums.amount_minor, sums.functional_minor));
    if (sums.functional_minor != 0) {
      builder.add_posting(year_end_posting({exchange, fund, 0, 0, 0, usd->id}, -sums.functional_minor, -sums.functional_minor));
    }
    dollars.amount_minor += sums.functional_minor;
    dollars.functional_minor += sums.functional_minor;
  }
  for (const auto& [fund, dollars] : in_dollars) {
    // A USD difference posted with amount 0 (realized exchange on a settlement across currencies,
    // a residual) makes the USD amounts of the results differ from their USD value: 1900 takes the
    // difference, at no USD value, so that 3100's amount in USD is its USD value.
    if (dollars.amount_minor != dollars.functional_minor) {
      const std::int64_t exchange = builder.account(account::currency_exchange);
      builder.add_posting(
          year_end_posting({exchange, fund, 0, 0, 0, usd->id}, dollars.amount_minor - dollars.functional_minor, 0));
    }
    if (dollars.functional_minor != 0) {
      builder.add_posting(
          year_end_posting({surplus_account, fund, 0, 0, 0, usd->id}, dollars.functional_minor, dollars.functional_minor));
    }
  }
}

}  // namespace

void rule_period_close(RuleContext& context, const PeriodCloseEvent& event) {
  const Period period = event.period;
  context.change.body = body_fields(Event{event}).render();
  if (const auto closed = context.state.close_seq(period)) {
    context.change.already_recorded_seq = *closed;  // already closed
    return;
  }
  check_closable(context, period);
  const Date last_day = period.last_day();
  const bool year_end = period.index() == 12;
  PostingBuilder builder(context, last_day, "period_close " + period.to_string());
  recognize_falling_due(context, builder, last_day);
  // The positions include what step 1 just recognized, which is already at its own day's rate.
  const std::vector<MonetaryPosition> positions = positions_on(context, builder, last_day);
  if (!event.allow_stale_rates) check_rates_in_force(context, positions, period);
  const CarryingChanges restated = revalue(context, builder, positions, year_end, period.next().first_day());
  if (year_end && whole_holdings_on(context.master, last_day)) {
    // A close recorded after events of the next year: what they relieved is restated.
    if (const auto from_seq = context.state.first_seq_dated_after(last_day)) {
      const std::int32_t earliest_day = period.next().first_day().day_number();
      restate_key_reliefs(context, builder, restated.by_key, *from_seq, earliest_day);
      restate_holding_reliefs(context, builder, restated.by_holding, *from_seq, earliest_day);
      release_after_restatement(context, builder, restated.by_key, period);
    }
  }
  if (year_end) close_year(context, builder, period);
  if (!builder.empty()) context.change.postings = builder.finish();
  context.change.closes = period;
}

namespace {

// From rules version 2, reopening takes back what the close changed in the carrying USD of
// holdings (its revaluation kept and its restatements): the reliefs recorded after the close took
// that carrying USD, and are restated as the close restated those before it.
void restate_after_close(RuleContext& context, const Period& period, std::int64_t close_seq,
                         const std::vector<StoredPosting>& close_postings) {
  const auto* usd = context.master.currencies.find(functional_currency_code);
  std::vector<std::int64_t> holding_accounts;
  for (std::string_view code : {account::cash, account::receivable, account::allowance}) {
    if (const auto* record = context.master.accounts.find(code)) holding_accounts.push_back(record->id);
  }
  CarryingChanges taken_back;
  for (const StoredPosting& p : close_postings) {
    const bool holding = std::find(holding_accounts.begin(), holding_accounts.end(), p.account_id) != holding_accounts.end();
    if (!holding || p.amount_minor != 0 || (usd && p.currency_id == usd->id)) continue;
    taken_back.by_key[{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id}] -= p.functional_minor;
  }
  for (const HoldingMove& move : context.state.moves_by(close_seq)) {
    if (move.amount_minor == 0) taken_back.by_holding[move.holding_seq] -= move.functional_minor;
  }
  PostingBuilder builder(context, period.last_day(), "period_reopen " + period.to_string(), false);
  const std::int32_t earliest_day = period.next().first_day().day_number();
  restate_key_reliefs(context, builder, taken_back.by_key, close_seq + 1, earliest_day);
  restate_holding_reliefs(context, builder, taken_back.by_holding, close_seq + 1, earliest_day);
  if (builder.empty()) return;
  for (const StoredPosting& posting : builder.finish()) context.change.postings.push_back(posting);
}

}  // namespace

void rule_period_reopen(RuleContext& context, const PeriodReopenEvent& event) {
  const Period period = event.period;
  const auto closed = context.state.last_closed();
  if (!closed || !(*closed == period)) {
    throw Error(ErrorCode::bad_input,
                "field \"period\": " + period.to_string() + " cannot be reopened: only the latest closed period can be" +
                    (closed ? " (" + closed->to_string() + ")" : ", and no period is closed"));
  }
  if (event.reason.empty()) throw Error(ErrorCode::bad_input, "field \"reason\": a reopening needs a reason");
  const auto close_seq = context.state.close_seq(period);
  if (!close_seq) throw Error(ErrorCode::storage, "the seal of " + period.to_string() + " is missing: run verify");
  context.change.body = body_fields(Event{event}).render();
  // The negation of every posting of the close, on the same days.
  const std::int32_t last_day = period.last_day().day_number();
  const std::vector<StoredPosting> close_postings = context.state.postings_of(*close_seq);
  for (StoredPosting posting : close_postings) {
    posting.amount_minor = -posting.amount_minor;
    posting.functional_minor = -posting.functional_minor;
    if (!posting.date) posting.date = last_day;
    if (*posting.date == last_day) posting.date.reset();
    context.change.postings.push_back(posting);
  }
  // The close's restatement of money held, and its recognitions, are undone with it.
  for (const HoldingMove& move : context.state.moves_by(*close_seq)) {
    context.change.move(move.holding_seq, -move.amount_minor, -move.functional_minor, move.day);
  }
  if (whole_holdings_on(context.master, period.last_day())) restate_after_close(context, period, *close_seq, close_postings);
  context.change.unrecognized_by = *close_seq;
  context.change.reopens = period;
}

}  // namespace fundledger::detail
