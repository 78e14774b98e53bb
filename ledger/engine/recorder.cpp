// The recording pipeline: rules -> invariants -> append -> projections, in one transaction.
#include "engine/recorder.hpp"

#include "core/chart.hpp"
#include "core/hash.hpp"
#include "core/journal_lines.hpp"
#include "core/master.hpp"
#include "core/text.hpp"
#include "rules/rules.hpp"

#include <fundledger/error.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

namespace fundledger::detail {

void LedgerCache::refresh(store::StateReader& txn, Pledges pledges) {
  const store::Head head_now = txn.head();
  if (loaded && head_now.seq == head.seq && head_now.hash == head.hash) {
    if (pledges == Pledges::read && master.pledges.unread()) master.pledges = txn.load_pledges();
    return;
  }
  master = pledges == Pledges::read ? txn.load_master() : txn.load_master_records();
  last_closed = txn.last_closed();
  head = head_now;
  loaded = true;
}

void Recorder::begin(std::optional<std::string> recorded_at) {
  txn_ = begin_();
  pending_.clear();
  totals_.reset();
  unchecked_.clear();
  recorded_at_ = recorded_at ? *recorded_at : utc_timestamp_now();
  last_postings_json_.reset();
  try {
    cache_.refresh(*txn_, Pledges::read);
  } catch (...) {
    rollback();
    throw;
  }
}

std::int64_t Recorder::cash_account() const {
  const auto* cash = cache_.master.accounts.find(account::cash);
  return cash ? cash->id : -1;
}

void Recorder::look_up(const std::vector<std::string>& event_ids) {
  pending_.absent_ids.clear();
  std::vector<std::string> asked;
  for (const std::string& id : event_ids) {
    if (!id.empty()) asked.push_back(id);
  }
  if (asked.empty()) return;
  pending_.absent_ids.insert(asked.begin(), asked.end());
  for (const std::string& id : txn_->recorded_ids(asked)) pending_.absent_ids.erase(id);
}

RecordResult Recorder::record(const Event& event) {
  StoreState state(*txn_, cache_.master, cache_.last_closed, pending_);
  Change change = apply_rules(state, event, Date::parse(std::string_view(recorded_at_).substr(0, 10)));
  if (change.already_recorded_seq) return {false, change.already_recorded_seq, {}};
  check_own_headroom(change);
  const std::int64_t seq = cache_.head.seq + 1;
  apply_master(change);
  if (const std::string defect = change_defect(cache_.master, change.postings); !defect.empty()) {
    throw std::logic_error("the rules gave " + change.type + " " + change.event_id + " postings where " + defect +
                           ": a defect of fundledger; nothing was recorded");
  }
  std::optional<std::string> postings_json;
  if (!change.postings.empty()) postings_json = render_postings(cache_.master, change.postings);
  const std::string line =
      render_export_line(change.body, seq, recorded_at_, postings_json, cache_.head.hash, {});
  const std::string hash = audit::sha256_hex(cache_.head.hash, line);
  std::optional<std::int32_t> day;
  if (change.date) day = change.date->day_number();
  // The master rows first: the postings refer to them (a currency used for the first time, the
  // pledge being signed).
  store_master(change, seq);
  txn_->append({seq, change.event_id, change.type, day, change.body, recorded_at_, cache_.head.hash, hash},
               change.postings);
  apply_projections(change, seq);
  const std::int64_t cash = cash_account();
  Unchecked recorded{seq, change.postings};
  for (StoredPosting& posting : recorded.postings) {
    posting.date = posting.date.value_or(day.value_or(0));
    pending_.add(posting, *posting.date, cash, change.kind.value_or(MovementKind::other));
  }
  unchecked_.push_back(std::move(recorded));
  if (unchecked_.size() >= max_unchecked) check_balances();
  last_postings_json_ = std::move(postings_json);
  if (!change.event_id.empty()) pending_.absent_ids.erase(change.event_id);
  cache_.head = {seq, hash};
  seal(change, seq, hash);
  return {true, seq, std::move(change.notes)};
}

std::string change_defect(const MasterState& master, const std::vector<StoredPosting>& postings) {
  if (postings.size() == 1) return "one posting stands alone";
  const auto names = [](const auto& table, std::int64_t id, bool may_be_absent) {
    return (may_be_absent && id == 0) || (id >= 1 && id <= static_cast<std::int64_t>(table.all().size()));
  };
  std::map<std::pair<std::int64_t, std::int64_t>, Decimal::Coefficient> amounts;
  std::map<std::int64_t, Decimal::Coefficient> usd;
  for (const StoredPosting& p : postings) {
    if (!names(master.accounts, p.account_id, false) || !names(master.funds, p.fund_id, false) ||
        !names(master.currencies, p.currency_id, false) || !names(master.donors, p.donor_id, true) ||
        !names(master.projects, p.project_id, true) || !names(master.pledges, p.pledge_id, true)) {
      return "a posting names a master record that does not exist";
    }
    amounts[{p.fund_id, p.currency_id}] += p.amount_minor;
    usd[p.fund_id] += p.functional_minor;
  }
  for (const auto& [key, sum] : amounts) {
    if (sum != 0) return "fund " + master.funds.by_id(key.first).code + " in " + master.currencies.by_id(key.second).code +
                         " does not sum to zero";
  }
  for (const auto& [fund, sum] : usd) {
    if (sum != 0) return "fund " + master.funds.by_id(fund).code + " does not sum to zero in USD";
  }
  return {};
}

std::string Recorder::headroom_message(const StoredPosting& p) const {
  return field_error("amount", "the balance of account " + cache_.master.accounts.by_id(p.account_id).code +
                                   " in fund " + cache_.master.funds.by_id(p.fund_id).code + " (" +
                                   cache_.master.currencies.by_id(p.currency_id).code +
                                   ") would exceed what the ledger can hold exactly (9223372036854775807 minor "
                                   "units, in the currency and in USD cents)");
}

void Recorder::check_totals() {
  if (!totals_) totals_ = txn_->grand_totals();
  const Decimal::Coefficient limit = std::numeric_limits<std::int64_t>::max();
  for (const Unchecked& event : unchecked_) {
    for (const StoredPosting& p : event.postings) {
      store::GrandTotals::Sums& sums = totals_->by_currency[p.currency_id];
      const Decimal::Coefficient amount = p.amount_minor;
      const Decimal::Coefficient usd = p.functional_minor;
      (amount > 0 ? sums.debit : sums.credit) += amount > 0 ? amount : -amount;
      (usd > 0 ? totals_->usd.debit : totals_->usd.credit) += usd > 0 ? usd : -usd;
      const bool beyond_currency = sums.debit > limit || sums.credit > limit;
      if (!beyond_currency && totals_->usd.debit <= limit && totals_->usd.credit <= limit) continue;
      const std::string& code = beyond_currency ? cache_.master.currencies.by_id(p.currency_id).code : "USD";
      throw BatchRefusal(event.seq, Error(ErrorCode::bad_input,
                                          field_error("amount", "the ledger's total of " + code +
                                                                    " debits or credits, across every account and "
                                                                    "fund, would exceed what reports can add up exactly "
                                                                    "(9223372036854775807 minor units): the amounts are "
                                                                    "beyond what the ledger holds")));
    }
  }
}

void Recorder::check_own_headroom(const Change& change) {
  // What this transaction added, plus these postings, must stay within the range of a stored
  // amount; what the store holds is added when the batch is checked (check_balances).
  std::map<BalanceKeyIds, BalanceSums> sums;
  std::map<std::array<std::int64_t, 4>, BalanceSums> monthly;
  for (const StoredPosting& p : change.postings) {
    const BalanceKeyIds key{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id};
    const auto month = month_key(p, p.date.value_or(change.date ? change.date->day_number() : 0));
    try {
      auto [balance, fresh] = sums.try_emplace(key);
      if (fresh) {
        const auto found = pending_.balances.find(key);
        if (found != pending_.balances.end()) balance->second = found->second;
      }
      auto [by_month, fresh_month] = monthly.try_emplace(month);
      if (fresh_month) {
        const auto found = pending_.monthly.find(month);
        if (found != pending_.monthly.end()) by_month->second = found->second;
      }
      add_posting_to(balance->second, p);
      add_posting_to(by_month->second, p);
    } catch (const Error&) {
      throw Error(ErrorCode::bad_input, headroom_message(p));
    }
  }
}

namespace {

// What the unchecked events added to one key (they are in the transaction's pending sums).
template <class Key, class KeyOf>
BalanceSums added_by(const std::vector<Recorder::Unchecked>& events, const Key& key, KeyOf key_of) {
  BalanceSums added;
  for (const auto& event : events) {
    for (const StoredPosting& p : event.postings) {
      if (key_of(p) == key) add_posting_to(added, p);
    }
  }
  return added;
}

BalanceSums minus(const BalanceSums& a, const BalanceSums& b) {
  return {a.debit - b.debit, a.credit - b.credit, a.functional_debit - b.functional_debit,
          a.functional_credit - b.functional_credit};
}

BalanceKeyIds full_key(const StoredPosting& p) {
  return {p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id};
}

std::array<std::int64_t, 4> posting_month(const StoredPosting& p) { return month_key(p, p.date.value_or(0)); }

}  // namespace

template <class Key, class KeyOf>
void Recorder::check_key(const Key& key, const BalanceSums& stored, const BalanceSums& pending, KeyOf key_of) {
  try {
    (void)plus(stored, pending);
    return;
  } catch (const Error&) {
  }
  // Some event of the batch took this key past the range: the first one to do it is refused.
  BalanceSums running = plus(stored, minus(pending, added_by(unchecked_, key, key_of)));
  for (const Unchecked& event : unchecked_) {
    for (const StoredPosting& p : event.postings) {
      if (key_of(p) != key) continue;
      try {
        add_posting_to(running, p);
      } catch (const Error&) {
        throw BatchRefusal(event.seq, Error(ErrorCode::bad_input, headroom_message(p)));
      }
    }
  }
}

void Recorder::check_balances() {
  if (unchecked_.empty()) return;
  // What the store holds of every key the batch touched and the transaction has not read yet, in
  // a few queries rather than one each (a round trip each to a database server).
  std::set<BalanceKeyIds> keys;
  std::set<std::array<std::int64_t, 4>> months;
  for (const Unchecked& event : unchecked_) {
    for (const StoredPosting& p : event.postings) {
      keys.insert(full_key(p));
      months.insert(posting_month(p));
    }
  }
  std::vector<BalanceKeyIds> unread_keys;
  for (const auto& key : keys) {
    if (!pending_.stored.count(key)) unread_keys.push_back(key);
  }
  const std::vector<BalanceSums> stored = txn_->balances_of(unread_keys);
  for (std::size_t i = 0; i < unread_keys.size(); ++i) pending_.stored[unread_keys[i]] = stored[i];
  std::vector<std::array<std::int64_t, 4>> unread_months;
  for (const auto& month : months) {
    if (!pending_.stored_monthly.count(month)) unread_months.push_back(month);
  }
  const std::vector<BalanceSums> stored_monthly = txn_->monthly_balances_of(unread_months);
  for (std::size_t i = 0; i < unread_months.size(); ++i) pending_.stored_monthly[unread_months[i]] = stored_monthly[i];
  for (const auto& key : keys) check_key(key, pending_.stored.at(key), pending_.balances.at(key), full_key);
  for (const auto& month : months) {
    check_key(month, pending_.stored_monthly.at(month), pending_.monthly.at(month), posting_month);
  }
  check_totals();
  unchecked_.clear();
  // A long transaction adds its sums to the store as it goes, so that memory stays flat however
  // many events it records; the tables are read again from there.
  if (pending_.size() >= max_pending_sums) txn_->add_balances(pending_.take_deltas());
}

void Recorder::apply_master(Change& change) {
  MasterState& master = cache_.master;
  const std::int64_t seq = cache_.head.seq + 1;
  for (CurrencyRecord& currency : change.currencies_added) {
    if (currency.declared_seq == recognized_by_this_event) currency.declared_seq = seq;
    master.currencies.add(currency);
  }
  if (change.currency_declared) master.currencies.by_id_mutable(*change.currency_declared).declared_seq = seq;
  if (change.account_added) master.accounts.add({change.account_added->id, change.account_added->code, change.account_added->event, seq});
  if (change.fund_added) master.funds.add({change.fund_added->id, change.fund_added->code, change.fund_added->event, seq, {}});
  if (change.donor_added) master.donors.add({change.donor_added->id, change.donor_added->code, change.donor_added->event, seq, {}});
  if (change.project_added) {
    ProjectRecord project = *change.project_added;
    project.seq = seq;
    master.projects.add(std::move(project));
  }
  if (change.rate_added) {
    auto& rates = master.currencies.by_id_mutable(change.rate_added->currency_id).rates;
    const auto at = std::lower_bound(rates.begin(), rates.end(), change.rate_added->day,
                                     [](const RateEntry& rate, std::int32_t day) { return rate.day < day; });
    rates.insert(at, {change.rate_added->day, change.rate_added->per_usd, seq});
  }
  if (change.setting_added) {
    auto& values = master.settings[change.setting_added->key].values;
    const auto at = std::lower_bound(values.begin(), values.end(), change.setting_added->day,
                                     [](const SettingEntry& entry, std::int32_t day) { return entry.day < day; });
    values.insert(at, {change.setting_added->day, change.setting_added->value, seq});
  }
  if (change.pledge_added) {
    change.pledge_added->seq = seq;
    master.pledges.add(*change.pledge_added);
  }
  if (change.pledge_reversed) master.pledges.by_id_mutable(*change.pledge_reversed).reversed = true;
  if (change.amendment_added) {
    change.amendment_added->amendment.seq = seq;
    const AmendmentRow& row = *change.amendment_added;
    if (row.kind == "donor") add_amendment(master.donors.by_id_mutable(row.record_id).amendments, row.amendment);
    if (row.kind == "fund") add_amendment(master.funds.by_id_mutable(row.record_id).amendments, row.amendment);
    if (row.kind == "project") add_amendment(master.projects.by_id_mutable(row.record_id).amendments, row.amendment);
  }
}

void Recorder::store_master(const Change& change, std::int64_t seq) {
  for (const CurrencyRecord& currency : change.currencies_added) txn_->add_currency(currency);
  if (change.currency_declared) txn_->declare_currency(*change.currency_declared, seq);
  if (change.account_added) txn_->add_account(*change.account_added, seq);
  if (change.fund_added) txn_->add_fund(*change.fund_added, change.fund_parent_id, seq);
  if (change.donor_added) txn_->add_donor(*change.donor_added, seq);
  if (change.project_added) txn_->add_project(*change.project_added, seq);
  if (change.rate_added) txn_->add_rate(change.rate_added->currency_id, change.rate_added->day, change.rate_added->per_usd, seq);
  if (change.setting_added) txn_->add_setting(change.setting_added->key, change.setting_added->day, change.setting_added->value, seq);
  if (change.pledge_added) {
    std::vector<InstalmentRow> instalments = change.instalments_added;
    for (InstalmentRow& instalment : instalments) {
      if (instalment.recognized_seq == recognized_by_this_event) instalment.recognized_seq = seq;
    }
    txn_->add_pledge(*change.pledge_added, instalments);
  }
}

void Recorder::apply_projections(const Change& change, std::int64_t seq) {
  for (const StoredPosting& held : change.holdings_added) txn_->add_holding(seq, held, change.partner);
  // Every event that moves a holding is dated.
  const std::int32_t day = change.date ? change.date->day_number() : 0;
  for (const HoldingMove& move : change.moves) txn_->add_move(seq, day, move);
  for (const InstalmentCut& cut : change.cuts) txn_->add_cut(seq, cut);
  for (const Change::Recognition& recognition : change.recognized) txn_->recognize(recognition.pledge_id, recognition.lines, seq);
  if (change.unrecognized_by) txn_->unrecognize(*change.unrecognized_by);
  if (change.pledge_reversed) txn_->set_pledge_reversed(*change.pledge_reversed);
  if (change.reverses) txn_->add_reversal(*change.reverses, seq);
  if (change.amendment_added) txn_->add_amendment(*change.amendment_added);
  if (change.budget_added) {
    BudgetRow budget = *change.budget_added;
    budget.seq = seq;
    txn_->add_budget(budget);
  }
}

namespace {

// The SHA-256 of the listing of the balances as of day, one line per group with a non-zero
// balance, sorted by the codes:
//   account|fund|donor|project|pledge|currency|amount|functional_amount\n
// (amounts as plain decimals; an absent dimension an empty code).
std::string closing_balances_hash(const MasterState& master, store::StateReader& txn, const Pending& pending, Date day) {
  std::vector<std::pair<std::array<std::string, 6>, std::string>> lines;
  for (const auto& [key, sums] : sums_as_of(txn, pending, day.day_number(), {}, 0)) {
    const KeyedSums row{key, sums};
    const auto& currency = master.currencies.by_id(row.key[5]);
    std::array<std::string, 6> codes{master.accounts.by_id(row.key[0]).code, master.funds.by_id(row.key[1]).code,
                                     row.key[2] ? master.donors.by_id(row.key[2]).code : "",
                                     row.key[3] ? master.projects.by_id(row.key[3]).code : "",
                                     row.key[4] ? master.pledges.by_id(row.key[4]).code : "", currency.code};
    lines.emplace_back(codes, Decimal::from_minor_units(row.sums.amount_minor, currency.minor_units).to_string() + "|" +
                                  Decimal::from_minor_units(row.sums.functional_minor, 2).to_string());
  }
  std::sort(lines.begin(), lines.end());
  std::string listing;
  for (const auto& [codes, amounts] : lines) {
    for (const std::string& code : codes) listing += code + "|";
    listing += amounts + "\n";
  }
  return audit::sha256_hex("", listing);
}

}  // namespace

void Recorder::seal(const Change& change, std::int64_t seq, const std::string& hash) {
  if (change.closes) {
    cache_.last_closed = *change.closes;
    txn_->add_seal({change.closes->to_string(), seq, "", hash,
                    closing_balances_hash(cache_.master, *txn_, pending_, change.closes->last_day())});
  }
  if (change.reopens) {
    // The month before stays closed if it was; the first month of the calendar has none before it.
    cache_.last_closed.reset();
    if (change.reopens->first_day() > Date::from_ymd(1400, 1, 31)) {
      const Period previous = change.reopens->previous();
      if (txn_->close_seq(previous)) cache_.last_closed = previous;
    }
    txn_->remove_seal(*change.reopens);
  }
}

void Recorder::flush() {
  check_balances();
  txn_->add_balances(pending_.take_deltas());
}

void Recorder::commit() { commit_and_release().reset(); }

std::unique_ptr<store::RecordTxn> Recorder::commit_and_release() {
  flush();
  txn_->commit();
  pending_.clear();
  return std::move(txn_);
}

void Recorder::rollback() noexcept {
  txn_.reset();  // a transaction not committed is rolled back
  pending_.clear();
  totals_.reset();
  unchecked_.clear();
  cache_.loaded = false;  // what the transaction cached is forgotten
}

}  // namespace fundledger::detail
