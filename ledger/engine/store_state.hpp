// Private: the state the rules read, over a store transaction. The balance tables are brought up
// to date once per transaction (at its commit), so the balances of what the transaction recorded
// so far are kept here, in Pending, and added to what the store holds.
#pragma once

#include "rules/state.hpp"
#include "store/store.hpp"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace fundledger::detail {

// What a write transaction has posted so far, summed as the balance tables will be at its commit;
// and what it read of those tables, which does not change before then.
struct Pending {
  std::unordered_map<BalanceKeyIds, BalanceSums, BalanceKeyHash> balances;
  std::unordered_map<std::array<std::int64_t, 4>, BalanceSums, BalanceKeyHash> monthly;
  std::unordered_map<MovementKey, BalanceSums, BalanceKeyHash> movements;
  std::unordered_map<KindMonthKey, BalanceSums, BalanceKeyHash> monthly_kinds;
  std::unordered_map<BalanceKeyIds, BalanceSums, BalanceKeyHash> stored;
  std::unordered_map<std::array<std::int64_t, 4>, BalanceSums, BalanceKeyHash> stored_monthly;
  // The latest day each fund's cash moved (read on first use, kept up to date by every append):
  // on or after it, a fund's cash is its current balance, which needs no scan of the postings.
  std::optional<std::map<std::int64_t, std::int32_t>> latest_cash_day;
  // The cash of a fund in USD, and of a fund in a currency, all dates (each read on first use and
  // kept up to date by every append, whether its sums were added to the store's tables since or
  // not): what every spending event checks, without a query or a pass over the sums above.
  std::map<std::int64_t, std::int64_t> cash_usd;
  std::map<std::pair<std::int64_t, std::int64_t>, Position> cash_positions;
  // Event ids the store was asked about for a batch and does not hold (Recorder::look_up), less
  // those the transaction has recorded since: their look-up needs no query.
  std::unordered_set<std::string> absent_ids;

  void clear() { *this = Pending{}; }
  // The sums not yet added to the store's tables, taken out (what was read of them is forgotten:
  // the store holds them now).
  BalanceDeltas take_deltas();
  std::size_t size() const { return balances.size() + monthly.size() + movements.size() + monthly_kinds.size(); }
  // Adds a posting (of an event dated day, counting as kind) to the sums; throws Error (overflow)
  // past the range of a stored amount.
  void add(const StoredPosting& posting, std::int32_t day, std::int64_t cash_account, MovementKind kind);
};

// The month key of the monthly balance table: (account, fund, currency, month).
std::array<std::int64_t, 4> month_key(const StoredPosting& posting, std::int32_t day);

// The sums by full key of the postings dated through day to these accounts (every account when
// empty) in currencies other than except_currency (0: none), leaving out those that sum to zero in
// the currency and in USD: the store's balance table, with what the transaction has not added to
// it yet (pending), less the postings dated after day. A month being closed is near the end of the
// journal, so that this reads the balances and a few months of postings, not the whole journal.
std::map<BalanceKeyIds, Position> sums_as_of(store::StateReader& txn, const Pending& pending, std::int32_t day,
                                             const std::vector<std::int64_t>& accounts, std::int64_t except_currency);

class StoreState final : public StateView {
 public:
  StoreState(store::StateReader& txn, const MasterState& master, const std::optional<Period>& last_closed,
             Pending& pending)
      : txn_(txn), master_(master), last_closed_(last_closed), pending_(pending) {}

  const MasterState& master() const override { return master_; }
  std::optional<Period> last_closed() const override { return last_closed_; }
  std::optional<EventRef> event(std::string_view id) const override {
    if (!pending_.absent_ids.empty() && pending_.absent_ids.count(std::string(id))) return std::nullopt;
    return txn_.find_event(id);
  }
  std::optional<EventRef> event_at(std::int64_t seq) const override { return txn_.event_at(seq); }
  std::vector<StoredPosting> postings_of(std::int64_t seq) const override { return txn_.postings_of(seq); }
  BalanceSums balance(const BalanceKeyIds& key) const override;
  Position cash_position(std::int64_t fund, std::int64_t currency) const override;
  std::int64_t cash_usd(std::int64_t fund, Date day) const override;
  std::vector<std::pair<std::int64_t, std::int64_t>> positive_cash_before(Date day) const override;
  std::optional<Holding> holding(std::int64_t seq) const override { return txn_.holding(seq, std::nullopt); }
  std::vector<HoldingMove> moves_by(std::int64_t event_seq) const override { return txn_.moves_by(event_seq); }
  std::optional<std::int64_t> reversal_of(std::int64_t seq) const override { return txn_.reversal_of(seq); }
  std::vector<InstalmentRow> instalments(std::int64_t pledge_id) const override { return txn_.instalments(pledge_id); }
  std::vector<InstalmentCut> cuts_by(std::int64_t event_seq) const override { return txn_.cuts_by(event_seq); }
  std::vector<Holding> paid_ahead(std::int64_t pledge_id) const override;
  PledgeCancellation pledge_cancellation(std::int64_t pledge_id) const override;
  bool pledge_has_other_postings(std::int64_t pledge_id) const override {
    return txn_.pledge_has_other_postings(pledge_id);
  }
  std::optional<Date> first_posting_day() const override;
  std::optional<std::int64_t> close_seq(const Period& period) const override { return txn_.close_seq(period); }
  std::vector<std::int64_t> pledges_due(Date day) const override { return txn_.pledges_due(day.day_number()); }
  std::vector<MonetaryPosition> monetary_positions(Date day) const override;
  std::vector<KeyedSums> results(Date from, Date through) const override;
  std::vector<KeyedSums> balances_through(Date day, const std::vector<std::int64_t>& accounts) const override;
  std::optional<std::int64_t> first_seq_dated_after(Date day) const override {
    return txn_.first_seq_dated_after(day.day_number());
  }
  std::vector<DatedPosting> postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) const override {
    return txn_.postings_from(seq, accounts);
  }
  std::vector<DatedMove> moves_from(std::int64_t seq) const override { return txn_.moves_from(seq); }
  std::int64_t cash_usd_now(std::int64_t fund) const override;

  // What the store holds for a balance or a monthly balance, as the transaction began.
  BalanceSums stored_balance(const BalanceKeyIds& key) const;
  BalanceSums stored_monthly(const std::array<std::int64_t, 4>& key) const;

 private:
  std::int64_t account_id(std::string_view code) const;
  std::int64_t cash_usd_through(std::int64_t fund, std::int32_t day) const;

  store::StateReader& txn_;
  const MasterState& master_;
  const std::optional<Period>& last_closed_;
  Pending& pending_;
};

}  // namespace fundledger::detail
