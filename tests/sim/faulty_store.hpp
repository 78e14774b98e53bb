// A store that fails the k-th write: the simulator's fault of storage. It wraps the real store
// (SQLite or PostgreSQL) at the seam the library records through (store::Store), forwards every
// read, and counts the calls that write (append, the projections, the balances, commit); the
// armed one throws as a driver would when its disk or its server fails. What the library must
// then show: nothing of the batch written, the ledger as it was, the same event recorded whole
// when tried again.
//
// The forwarding methods follow store/store.hpp one for one: a method added there fails to
// compile here until it is forwarded.
#pragma once

#include "store/store.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace fundledger::store::sim {

// How many writes to let through before failing one (0: none armed), and what failed last.
class FaultPlan {
 public:
  void arm(int writes_before_failure) {
    remaining_ = writes_before_failure + 1;
    fired_.clear();
  }
  void disarm() { remaining_ = 0; }
  // The name of the write that failed, empty when none did since arm().
  const std::string& fired() const { return fired_; }
  void tick(const char* write) {
    if (remaining_ == 0) return;
    if (--remaining_ == 0) {
      fired_ = write;
      throw std::runtime_error(std::string("simulated storage failure at ") + write);
    }
  }

 private:
  int remaining_ = 0;
  std::string fired_;
};

class FaultyWriteTxn final : public WriteTxn {
 public:
  FaultyWriteTxn(std::unique_ptr<store::WriteTxn> inner, FaultPlan& fault)
      : inner_(std::move(inner)), fault_(fault) {}

  // ---- reads, forwarded ----
  detail::MasterState load_master_records() override { return inner_->load_master_records(); }
  detail::CodeTable<detail::PledgeRecord> load_pledges() override { return inner_->load_pledges(); }
  Head head() override { return inner_->head(); }
  std::optional<Period> last_closed() override { return inner_->last_closed(); }
  std::optional<detail::EventRef> find_event(std::string_view event_id) override {
    return inner_->find_event(event_id);
  }
  std::vector<std::string> recorded_ids(const std::vector<std::string>& event_ids) override {
    return inner_->recorded_ids(event_ids);
  }
  std::optional<detail::EventRef> event_at(std::int64_t seq) override {
    return inner_->event_at(seq);
  }
  std::vector<StoredPosting> postings_of(std::int64_t seq) override {
    return inner_->postings_of(seq);
  }
  BalanceSums balance(const BalanceKeyIds& key) override { return inner_->balance(key); }
  BalanceSums monthly_balance(std::int64_t account, std::int64_t fund, std::int64_t currency,
                              std::int64_t month) override {
    return inner_->monthly_balance(account, fund, currency, month);
  }
  std::vector<BalanceSums> balances_of(const std::vector<BalanceKeyIds>& keys) override {
    return inner_->balances_of(keys);
  }
  std::vector<BalanceSums> monthly_balances_of(
      const std::vector<std::array<std::int64_t, 4>>& keys) override {
    return inner_->monthly_balances_of(keys);
  }
  GrandTotals grand_totals() override { return inner_->grand_totals(); }
  Position account_position(std::int64_t account, std::int64_t fund,
                            std::int64_t currency) override {
    return inner_->account_position(account, fund, currency);
  }
  std::int64_t account_usd(std::int64_t account, std::int64_t fund) override {
    return inner_->account_usd(account, fund);
  }
  std::int64_t account_usd_through(std::int64_t account, std::int64_t fund,
                                   std::int32_t day) override {
    return inner_->account_usd_through(account, fund, day);
  }
  std::map<std::int64_t, std::int32_t> latest_days(std::int64_t account) override {
    return inner_->latest_days(account);
  }
  std::optional<detail::Holding> holding(std::int64_t seq,
                                         std::optional<std::int32_t> as_of) override {
    return inner_->holding(seq, as_of);
  }
  std::vector<detail::Holding> holdings_as_of(std::int32_t day,
                                              std::int64_t except_currency) override {
    return inner_->holdings_as_of(day, except_currency);
  }
  std::vector<detail::HoldingMove> moves_by(std::int64_t event_seq) override {
    return inner_->moves_by(event_seq);
  }
  std::vector<detail::Holding> paid_ahead(std::int64_t pledge_id, std::int64_t account) override {
    return inner_->paid_ahead(pledge_id, account);
  }
  std::vector<detail::InstalmentCut> cuts_by(std::int64_t event_seq) override {
    return inner_->cuts_by(event_seq);
  }
  std::optional<std::int64_t> first_seq_dated_after(std::int32_t day) override {
    return inner_->first_seq_dated_after(day);
  }
  std::vector<detail::DatedPosting> postings_from(
      std::int64_t seq, const std::vector<std::int64_t>& accounts) override {
    return inner_->postings_from(seq, accounts);
  }
  std::vector<detail::DatedMove> moves_from(std::int64_t seq) override {
    return inner_->moves_from(seq);
  }
  std::optional<std::int64_t> reversal_of(std::int64_t seq) override {
    return inner_->reversal_of(seq);
  }
  std::vector<detail::InstalmentRow> instalments(std::int64_t pledge_id) override {
    return inner_->instalments(pledge_id);
  }
  detail::PledgeCancellation pledge_cancellation(std::int64_t pledge_id,
                                                 std::int64_t account) override {
    return inner_->pledge_cancellation(pledge_id, account);
  }
  bool pledge_has_other_postings(std::int64_t pledge_id) override {
    return inner_->pledge_has_other_postings(pledge_id);
  }
  std::vector<std::int64_t> pledges_due(std::int32_t day) override {
    return inner_->pledges_due(day);
  }
  std::optional<std::int32_t> first_posting_day() override { return inner_->first_posting_day(); }
  std::optional<std::int32_t> last_posting_day() override { return inner_->last_posting_day(); }
  std::optional<std::int64_t> close_seq(const Period& period) override {
    return inner_->close_seq(period);
  }
  std::vector<KeyedSums> sums_of_classes(std::int32_t from, std::int32_t through,
                                         const std::vector<AccountClass>& classes) override {
    return inner_->sums_of_classes(from, through, classes);
  }
  std::vector<KeyedSums> stored_balances(const std::vector<std::int64_t>& accounts,
                                         std::int64_t except_currency) override {
    return inner_->stored_balances(accounts, except_currency);
  }
  std::vector<KeyedSums> sums_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                    std::int64_t except_currency) override {
    return inner_->sums_after(day, accounts, except_currency);
  }
  void scan_journal(std::int64_t first_seq,
                    const std::function<bool(const JournalRow&)>& row) override {
    return inner_->scan_journal(first_seq, row);
  }
  std::int64_t stray_posting_seq(std::int64_t seq) override {
    return inner_->stray_posting_seq(seq);
  }
  void scan_dated_postings(std::int32_t from, std::int32_t through, std::int64_t through_seq,
                           const std::function<void(std::int64_t, const StoredPosting&)>& each) override {
    inner_->scan_dated_postings(from, through, through_seq, each);
  }
  std::unique_ptr<RowCursor> movement_rows(std::int64_t month) override { return inner_->movement_rows(month); }
  std::vector<std::string> bodies_of_type(std::string_view type) override { return inner_->bodies_of_type(type); }
  std::unique_ptr<RowCursor> movements_summed() override { return inner_->movements_summed(); }
  std::unique_ptr<RowCursor> table_rows(const TableSpec& table) override {
    return inner_->table_rows(table);
  }
  std::vector<MovementSums> movements(const MovementQuery& query) override {
    return inner_->movements(query);
  }
  std::vector<MovementSums> open_movements(const MovementQuery& query) override {
    return inner_->open_movements(query);
  }
  std::optional<std::int32_t> latest_posting_day(std::int64_t account, std::int64_t fund,
                                                 std::int64_t donor, std::int64_t pledge,
                                                 std::int64_t currency,
                                                 std::int32_t through) override {
    return inner_->latest_posting_day(account, fund, donor, pledge, currency, through);
  }
  std::vector<DonorFundSums> settlement_exchange(std::int64_t exchange_account,
                                                 const std::vector<std::int64_t>& held_accounts,
                                                 std::int32_t from, std::int32_t through,
                                                 const std::vector<std::int64_t>& funds) override {
    return inner_->settlement_exchange(exchange_account, held_accounts, from, through, funds);
  }
  std::vector<DatedSums> dated_sums_of_type(std::int64_t account, std::string_view type,
                                            std::int32_t from, std::int32_t through,
                                            const std::vector<std::int64_t>& funds) override {
    return inner_->dated_sums_of_type(account, type, from, through, funds);
  }
  std::vector<detail::BudgetRow> budgets(const std::vector<std::int64_t>& funds) override {
    return inner_->budgets(funds);
  }
  std::vector<AdvanceRow> advances(std::int64_t account, std::int32_t day,
                                   const std::vector<std::int64_t>& funds) override {
    return inner_->advances(account, day, funds);
  }
  std::vector<GroupedSums> grouped_balances(const BalanceGrouping& grouping) override {
    return inner_->grouped_balances(grouping);
  }
  std::vector<AccountFundSums> monthly_sums(std::int64_t first_month, std::int64_t last_month,
                                            const std::vector<std::int64_t>& funds) override {
    return inner_->monthly_sums(first_month, last_month, funds);
  }
  std::vector<AccountFundSums> dated_sums(std::int32_t from, std::int32_t through,
                                          const std::vector<std::int64_t>& funds,
                                          bool only_year_end) override {
    return inner_->dated_sums(from, through, funds, only_year_end);
  }
  std::vector<detail::PledgeRecord> pledges_of(const std::vector<std::int64_t>& ids) override {
    return inner_->pledges_of(ids);
  }
  std::optional<detail::PledgeRecord> pledge_named(std::string_view code) override { return inner_->pledge_named(code); }
  std::vector<RecognizedInstalment> recognized_instalments(
      std::int32_t day, const std::vector<std::int64_t>& funds,
      const std::vector<std::int64_t>& pledges) override {
    return inner_->recognized_instalments(day, funds, pledges);
  }
  std::vector<PledgeMovementRow> pledge_movements(std::int64_t pledge_id,
                                                  std::int64_t account) override {
    return inner_->pledge_movements(pledge_id, account);
  }
  std::vector<std::pair<std::int32_t, detail::InstalmentCut>> pledge_cuts(
      std::int64_t pledge_id) override {
    return inner_->pledge_cuts(pledge_id);
  }
  std::vector<detail::SealRow> seals() override { return inner_->seals(); }

  // ---- writes, counted ----
  void append(const EventRow& event, const std::vector<StoredPosting>& postings) override {
    fault_.tick("append");
    inner_->append(event, postings);
  }
  void add_balances(const detail::BalanceDeltas& deltas) override {
    fault_.tick("add_balances");
    inner_->add_balances(deltas);
  }
  void write_rows(const TableSpec& table, RowCursor& rows, bool add_sums) override {
    fault_.tick("write_rows");
    inner_->write_rows(table, rows, add_sums);
  }
  void total_movements() override {
    fault_.tick("total_movements");
    inner_->total_movements();
  }
  void add_currency(const detail::CurrencyRecord& currency) override {
    fault_.tick("add_currency");
    inner_->add_currency(currency);
  }
  void declare_currency(std::int64_t id, std::int64_t seq) override {
    fault_.tick("declare_currency");
    inner_->declare_currency(id, seq);
  }
  void add_account(const detail::AccountRecord& account, std::int64_t seq) override {
    fault_.tick("add_account");
    inner_->add_account(account, seq);
  }
  void add_fund(const detail::FundRecord& fund, std::int64_t parent_id, std::int64_t seq) override {
    fault_.tick("add_fund");
    inner_->add_fund(fund, parent_id, seq);
  }
  void add_donor(const detail::DonorRecord& donor, std::int64_t seq) override {
    fault_.tick("add_donor");
    inner_->add_donor(donor, seq);
  }
  void add_project(const detail::ProjectRecord& project, std::int64_t seq) override {
    fault_.tick("add_project");
    inner_->add_project(project, seq);
  }
  void add_rate(std::int64_t currency_id, std::int32_t day, const Decimal& per_usd,
                std::int64_t seq) override {
    fault_.tick("add_rate");
    inner_->add_rate(currency_id, day, per_usd, seq);
  }
  void add_setting(const std::string& key, std::int32_t day, const std::string& value,
                   std::int64_t seq) override {
    fault_.tick("add_setting");
    inner_->add_setting(key, day, value, seq);
  }
  void add_pledge(const detail::PledgeRecord& pledge,
                  const std::vector<detail::InstalmentRow>& instalments) override {
    fault_.tick("add_pledge");
    inner_->add_pledge(pledge, instalments);
  }
  void recognize(std::int64_t pledge_id, const std::vector<std::int64_t>& lines,
                 std::int64_t seq) override {
    fault_.tick("recognize");
    inner_->recognize(pledge_id, lines, seq);
  }
  void unrecognize(std::int64_t by_seq) override {
    fault_.tick("unrecognize");
    inner_->unrecognize(by_seq);
  }
  void set_pledge_reversed(std::int64_t pledge_id) override {
    fault_.tick("set_pledge_reversed");
    inner_->set_pledge_reversed(pledge_id);
  }
  void add_holding(std::int64_t seq, const StoredPosting& posting,
                   const std::string& partner) override {
    fault_.tick("add_holding");
    inner_->add_holding(seq, posting, partner);
  }
  void add_move(std::int64_t event_seq, std::int32_t day,
                const detail::HoldingMove& move) override {
    fault_.tick("add_move");
    inner_->add_move(event_seq, day, move);
  }
  void add_cut(std::int64_t event_seq, const detail::InstalmentCut& cut) override {
    fault_.tick("add_cut");
    inner_->add_cut(event_seq, cut);
  }
  void add_reversal(std::int64_t reversed_seq, std::int64_t reversal_seq) override {
    fault_.tick("add_reversal");
    inner_->add_reversal(reversed_seq, reversal_seq);
  }
  void add_budget(const detail::BudgetRow& budget) override {
    fault_.tick("add_budget");
    inner_->add_budget(budget);
  }
  void add_amendment(const detail::AmendmentRow& amendment) override {
    fault_.tick("add_amendment");
    inner_->add_amendment(amendment);
  }
  void add_seal(const detail::SealRow& seal) override {
    fault_.tick("add_seal");
    inner_->add_seal(seal);
  }
  void remove_seal(const Period& period) override {
    fault_.tick("remove_seal");
    inner_->remove_seal(period);
  }
  void commit() override {
    fault_.tick("commit");
    inner_->commit();
  }

 private:
  std::unique_ptr<store::WriteTxn> inner_;
  FaultPlan& fault_;
};

class FaultyStore final : public Store {
 public:
  FaultyStore(std::unique_ptr<store::Store> inner, FaultPlan& fault)
      : inner_(std::move(inner)), fault_(fault) {}
  const std::string& location() const override { return inner_->location(); }
  std::unique_ptr<store::ReadTxn> read() override { return inner_->read(); }
  std::unique_ptr<store::WriteTxn> write() override {
    return std::make_unique<FaultyWriteTxn>(inner_->write(), fault_);
  }
  Error translate(const std::exception& error, const std::string& doing) const override {
    return inner_->translate(error, doing);
  }
  void discard_if_empty() override { inner_->discard_if_empty(); }
  void finish_build() override { inner_->finish_build(); }

 private:
  std::unique_ptr<store::Store> inner_;
  FaultPlan& fault_;
};

}  // namespace fundledger::store::sim
