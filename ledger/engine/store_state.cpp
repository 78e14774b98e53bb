// The state the rules read, over a store transaction, with what it recorded so far.
#include "engine/store_state.hpp"

#include "core/chart.hpp"

#include <fundledger/money.hpp>

#include <algorithm>
#include <iterator>
#include <limits>

namespace fundledger::detail {

std::array<std::int64_t, 4> month_key(const StoredPosting& posting, std::int32_t day) {
  return {posting.account_id, posting.fund_id, posting.currency_id, month_index(Date::from_day_number(day))};
}

namespace {

// total += sign * value; throws Error (overflow) past the range of a stored amount, as the store's
// own sums do.
void add_checked(std::int64_t& total, std::int64_t value, int sign = 1) {
  const bool overflow = sign > 0 ? __builtin_add_overflow(total, value, &total) : __builtin_sub_overflow(total, value, &total);
  if (overflow) throw Error(ErrorCode::overflow, "a sum of balances would exceed the range of a stored amount");
}

void add_checked(Position& total, const Position& value, int sign = 1) {
  add_checked(total.amount_minor, value.amount_minor, sign);
  add_checked(total.functional_minor, value.functional_minor, sign);
}

Position net(const BalanceSums& sums) {
  Position position;
  add_checked(position.amount_minor, sums.debit);
  add_checked(position.amount_minor, sums.credit, -1);
  add_checked(position.functional_minor, sums.functional_debit);
  add_checked(position.functional_minor, sums.functional_credit, -1);
  return position;
}

}  // namespace

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
  if (posting.account_id != cash_account) return;
  if (latest_cash_day) {
    auto [found, inserted] = latest_cash_day->try_emplace(posting.fund_id, day);
    if (!inserted && found->second < day) found->second = day;
  }
  if (const auto usd = cash_usd.find(posting.fund_id); usd != cash_usd.end()) {
    add_checked(usd->second, posting.functional_minor);
  }
  const auto held = cash_positions.find({posting.fund_id, posting.currency_id});
  if (held != cash_positions.end()) add_checked(held->second, {posting.amount_minor, posting.functional_minor});
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

std::map<BalanceKeyIds, Position> sums_as_of(store::StateReader& txn, const Pending& pending, std::int32_t day,
                                             const std::vector<std::int64_t>& accounts, std::int64_t except_currency) {
  const auto wanted = [&](const BalanceKeyIds& key) {
    return key[5] != except_currency &&
           (accounts.empty() || std::find(accounts.begin(), accounts.end(), key[0]) != accounts.end());
  };
  std::map<BalanceKeyIds, Position> sums;
  for (const KeyedSums& row : txn.stored_balances(accounts, except_currency)) sums[row.key] = row.sums;
  for (const auto& [key, pending_sums] : pending.balances) {
    if (wanted(key)) add_checked(sums[key], net(pending_sums));
  }
  for (const KeyedSums& row : txn.sums_after(day, accounts, except_currency)) add_checked(sums[row.key], row.sums, -1);
  for (auto it = sums.begin(); it != sums.end();) {
    it = it->second.amount_minor == 0 && it->second.functional_minor == 0 ? sums.erase(it) : std::next(it);
  }
  return sums;
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
  if (const auto cached = pending_.cash_positions.find({fund, currency}); cached != pending_.cash_positions.end()) {
    return cached->second;
  }
  Position position = txn_.account_position(cash, fund, currency);
  for (const auto& [key, sums] : pending_.balances) {
    if (key[0] == cash && key[1] == fund && key[5] == currency) add_checked(position, net(sums));
  }
  pending_.cash_positions.emplace(std::make_pair(fund, currency), position);
  return position;
}

std::int64_t StoreState::cash_usd(std::int64_t fund, Date day) const { return cash_usd_through(fund, day.day_number()); }

std::int64_t StoreState::cash_usd_through(std::int64_t fund, std::int32_t day) const {
  const std::int64_t cash = account_id(account::cash);
  if (cash < 0) return 0;
  if (!pending_.latest_cash_day) pending_.latest_cash_day = txn_.latest_days(cash);
  const auto found = pending_.latest_cash_day->find(fund);
  // A day before the latest movement: what had moved by then (the postings appended so far included).
  if (found != pending_.latest_cash_day->end() && day < found->second) {
    return txn_.account_usd_through(cash, fund, day);
  }
  if (const auto cached = pending_.cash_usd.find(fund); cached != pending_.cash_usd.end()) return cached->second;
  std::int64_t total = txn_.account_usd(cash, fund);
  for (const auto& [key, sums] : pending_.balances) {
    if (key[0] == cash && key[1] == fund) add_checked(total, net(sums).functional_minor);
  }
  pending_.cash_usd.emplace(fund, total);
  return total;
}

std::int64_t StoreState::cash_usd_now(std::int64_t fund) const {
  // Every posting so far: through the end of any day a posting can have.
  return cash_usd_through(fund, std::numeric_limits<std::int32_t>::max());
}

std::vector<Holding> StoreState::paid_ahead(std::int64_t pledge_id) const {
  const std::int64_t held = account_id(account::received_in_advance);
  std::vector<Holding> holdings;
  if (held < 0) return holdings;
  for (Holding& holding : txn_.paid_ahead(pledge_id, held)) {
    if (holding.amount_minor > 0) holdings.push_back(std::move(holding));
  }
  return holdings;
}

std::vector<std::pair<std::int64_t, std::int64_t>> StoreState::positive_cash_before(Date day) const {
  const std::int64_t cash = account_id(account::cash);
  if (cash < 0) return {};
  std::map<std::int64_t, std::int64_t> by_fund;
  for (const auto& [key, sums] : sums_as_of(txn_, pending_, day.day_number() - 1, {cash}, 0)) {
    add_checked(by_fund[key[1]], sums.functional_minor);
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> positive;
  for (const auto& [fund, usd] : by_fund) {
    if (usd > 0) positive.emplace_back(fund, usd);
  }
  return positive;
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
    std::map<BalanceKeyIds, Position> by_fund_and_currency;
    for (const auto& [key, sums] : sums_as_of(txn_, pending_, day.day_number(), {cash}, usd_id)) {
      add_checked(by_fund_and_currency[{key[0], key[1], 0, 0, 0, key[5]}], sums);
    }
    for (const auto& [key, sums] : by_fund_and_currency) positions.push_back({key, 0, sums});
  }
  // Receivables and their allowances by pledge.
  std::vector<std::int64_t> by_pledge;
  for (std::string_view code : {account::receivable, account::allowance}) {
    if (const std::int64_t id = account_id(code); id >= 0) by_pledge.push_back(id);
  }
  if (!by_pledge.empty()) {
    for (const auto& [key, sums] : sums_as_of(txn_, pending_, day.day_number(), by_pledge, usd_id)) {
      positions.push_back({key, 0, sums});
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

std::vector<KeyedSums> StoreState::balances_through(Date day, const std::vector<std::int64_t>& accounts) const {
  std::vector<KeyedSums> rows;
  for (const auto& [key, sums] : sums_as_of(txn_, pending_, day.day_number(), accounts, 0)) rows.push_back({key, sums});
  return rows;
}

std::vector<KeyedSums> StoreState::results(Date from, Date through) const {
  return txn_.sums_of_classes(from.day_number(), through.day_number(), {AccountClass::revenue, AccountClass::expense});
}

}  // namespace fundledger::detail
