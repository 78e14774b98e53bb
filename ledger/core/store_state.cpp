// The state the rules read, over a store transaction, with what it recorded so far.
#include "core/store_state.hpp"

#include "core/chart.hpp"

#include <fundledger/money.hpp>

namespace fundledger::detail {

std::array<std::int64_t, 4> month_key(const StoredPosting& posting, std::int32_t day) {
  return {posting.account_id, posting.fund_id, posting.currency_id, month_index(Date::from_day_number(day))};
}

void Pending::add(const StoredPosting& posting, std::int32_t day, std::int64_t cash_account, MovementKind kind) {
  const BalanceKeyIds key{posting.account_id, posting.fund_id, posting.donor_id,
                          posting.project_id, posting.pledge_id, posting.currency_id};
  add_posting_to(balances[key], posting);
  const auto month = month_key(posting, day);
  add_posting_to(monthly[month], posting);
  const MovementKey movement{key[0], key[1], key[2], key[3], key[4], key[5], month[3],
                             static_cast<std::int64_t>(movement_kind(kind, static_cast<int>(posting.kind)))};
  add_posting_to(movements[movement], posting);
  add_posting_to(monthly_kinds[{key[0], key[1], month[3], movement[7]}], posting);
  if (latest_cash_day && posting.account_id == cash_account) {
    auto [found, inserted] = latest_cash_day->try_emplace(posting.fund_id, day);
    if (!inserted && found->second < day) found->second = day;
  }
}

BalanceDeltas Pending::take_deltas() {
  BalanceDeltas deltas;
  deltas.balances.assign(balances.begin(), balances.end());
  deltas.monthly.assign(monthly.begin(), monthly.end());
  deltas.movements.assign(movements.begin(), movements.end());
  deltas.monthly_kinds.assign(monthly_kinds.begin(), monthly_kinds.end());
  balances.clear();
  monthly.clear();
  movements.clear();
  monthly_kinds.clear();
  stored.clear();
  stored_monthly.clear();
  return deltas;
}

std::int64_t StoreState::account_id(std::string_view code) const {
  const auto* account = master_.accounts.find(code);
  return account ? account->id : -1;
}

BalanceSums StoreState::stored_balance(const BalanceKeyIds& key) const {
  auto [found, fresh] = pending_.stored.try_emplace(key);
  if (fresh) found->second = txn_.balance(key);
  return found->second;
}

BalanceSums StoreState::stored_monthly(const std::array<std::int64_t, 4>& key) const {
  auto [found, fresh] = pending_.stored_monthly.try_emplace(key);
  if (fresh) found->second = txn_.monthly_balance(key[0], key[1], key[2], key[3]);
  return found->second;
}

BalanceSums StoreState::balance(const BalanceKeyIds& key) const {
  const auto found = pending_.balances.find(key);
  return plus(stored_balance(key), found == pending_.balances.end() ? BalanceSums{} : found->second);
}

Position StoreState::cash_position(std::int64_t fund, std::int64_t currency) const {
  const std::int64_t cash = account_id(account::cash);
  if (cash < 0) return {};
  Position position = txn_.account_position(cash, fund, currency);
  for (const auto& [key, sums] : pending_.balances) {
    if (key[0] == cash && key[1] == fund && key[5] == currency) {
      position.amount_minor += sums.debit - sums.credit;
      position.functional_minor += sums.functional_debit - sums.functional_credit;
    }
  }
  return position;
}

std::int64_t StoreState::cash_usd(std::int64_t fund, Date day) const {
  const std::int64_t cash = account_id(account::cash);
  if (cash < 0) return 0;
  if (!pending_.latest_cash_day) pending_.latest_cash_day = txn_.latest_days(cash);
  const auto found = pending_.latest_cash_day->find(fund);
  // A day before the latest movement: what had moved by then (the postings appended so far included).
  if (found != pending_.latest_cash_day->end() && day.day_number() < found->second) {
    return txn_.account_usd_through(cash, fund, day.day_number());
  }
  std::int64_t total = txn_.account_usd(cash, fund);
  for (const auto& [key, sums] : pending_.balances) {
    if (key[0] == cash && key[1] == fund) total += sums.functional_debit - sums.functional_credit;
  }
  return total;
}

std::vector<std::pair<std::int64_t, std::int64_t>> StoreState::positive_cash_before(Date day) const {
  const std::int64_t cash = account_id(account::cash);
  if (cash < 0) return {};
  return txn_.positive_usd_before(cash, day.day_number());
}

PledgeCancellation StoreState::pledge_cancellation(std::int64_t pledge_id) const {
  return txn_.pledge_cancellation(pledge_id, account_id(account::receivable));
}

std::optional<Date> StoreState::first_posting_day() const {
  const auto day = txn_.first_posting_day();
  if (!day) return std::nullopt;
  return Date::from_day_number(*day);
}

std::vector<MonetaryPosition> StoreState::monetary_positions(Date day) const {
  std::vector<MonetaryPosition> positions;
  const auto* usd = master_.currencies.find(functional_currency_code);
  const std::int64_t usd_id = usd ? usd->id : 0;
  // Cash by fund and currency, whoever paid it in.
  if (const std::int64_t cash = account_id(account::cash); cash >= 0) {
    for (const KeyedSums& row : txn_.sums_through(day.day_number(), {cash}, usd_id, true)) {
      positions.push_back({row.key, 0, row.sums});
    }
  }
  // Receivables and their allowances by pledge.
  std::vector<std::int64_t> by_pledge;
  for (std::string_view code : {account::receivable, account::allowance}) {
    if (const std::int64_t id = account_id(code); id >= 0) by_pledge.push_back(id);
  }
  if (!by_pledge.empty()) {
    for (const KeyedSums& row : txn_.sums_through(day.day_number(), by_pledge, usd_id, false)) {
      positions.push_back({row.key, 0, row.sums});
    }
  }
  // Money held per receipt (2100, 2150), refunds payable (2300) and advances to partners (1400),
  // each on its own: stored positive, as held, so that the balance of a liability is their
  // negation.
  for (const Holding& holding : txn_.holdings_as_of(day.day_number(), usd_id)) {
    positions.push_back({{holding.account_id, holding.fund_id, holding.donor_id, holding.project_id, holding.pledge_id,
                          holding.currency_id},
                         holding.seq,
                         holding.position(),
                         holding.asset});
  }
  return positions;
}

std::vector<KeyedSums> StoreState::results(Date from, Date through) const {
  return txn_.sums_of_classes(from.day_number(), through.day_number(), {AccountClass::revenue, AccountClass::expense});
}

}  // namespace fundledger::detail
