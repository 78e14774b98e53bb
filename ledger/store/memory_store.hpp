// Private: verify's rebuild of a ledger, held in memory. The recorder records the stored journal
// again into it, event after event, and verify then compares its tables with the stored ones.
// Replay records an export into one whose journal is the new ledger's (written_journal), and
// writes its tables to that ledger once, at the end.
//
// It keeps what follows from the events and is bounded by the ledger's keys and records rather
// than by its length: the master data, the balance tables, the holdings and their moves, the
// instalments and their cuts, the reversals, the seals, and the postings of the last months (the
// open tail, which the close and the cash checks read). What only the journal
// holds (an event's body, the postings of one event, those of a closed month) it reads from the
// ledger being verified, no further than the events recorded again so far: those have been
// compared with the stored ones, event by event, before the next is recorded.
//
// One transaction, never rolled back: a failure ends verify. Not thread-safe.
#pragma once

#include "store/store.hpp"

#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace fundledger::store {

// The movements table, compact: rows by (month, account, fund, kind, donor, project, pledge,
// currency), ids as 32-bit, in one sorted array; what is added since is merged into it when it is a
// fair share of the whole, or when the rows are read.
class MovementRows {
 public:
  using Key = std::array<std::int32_t, 8>;
  struct Row {
    Key key;
    BalanceSums sums;
  };
  // Adds a batch of sums, keyed as the recorder sums them (detail::MovementKey).
  void add(const std::vector<std::pair<detail::MovementKey, BalanceSums>>& batch);
  // Every row, one per key, in key order.
  const std::deque<Row>& rows();
  // The rows of one month, and letting them go.
  std::pair<std::deque<Row>::const_iterator, std::deque<Row>::const_iterator> month(std::int64_t month);
  void erase_month(std::int64_t month);
  std::size_t size() const { return rows_.size(); }
  void clear() {
    rows_.clear();
    merged_ = 0;
  }

 private:
  // Sorts what was added since into the rows, summing the rows of one key into one.
  void merge();
  std::deque<Row> rows_;  // grows by blocks: never two copies of it at once
  std::size_t merged_ = 0;  // rows_[0, merged_) sorted, one per key; the rest added since
};

// The order of the holding_moves table: event, holding, day, amounts.
inline bool move_order(const detail::DatedMove& a, const detail::DatedMove& b) {
  return std::tie(a.event_seq, a.move.holding_seq, a.day, a.move.amount_minor, a.move.functional_minor) <
         std::tie(b.event_seq, b.move.holding_seq, b.day, b.move.amount_minor, b.move.functional_minor);
}

// What the rebuild reads of the journal, which it does not keep itself: the ledger being verified
// (stored_journal), or the events appended to the rebuild, kept in memory (kept_journal: the rules
// with no store at all).
class JournalSource {
 public:
  virtual ~JournalSource() = default;
  virtual std::optional<detail::EventRef> find_event(std::string_view event_id) = 0;
  virtual std::optional<detail::EventRef> event_at(std::int64_t seq) = 0;
  // An event's postings in line order, each dated only where its day is not the event's.
  virtual std::vector<StoredPosting> postings_of(std::int64_t seq) = 0;
  // The postings of seq and after on these accounts, in (seq, line) order, each with its day.
  virtual std::vector<detail::DatedPosting> postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) = 0;
  // Each posting dated from..through of an event through through_seq, with its day.
  virtual void scan_dated_postings(std::int32_t from, std::int32_t through, std::int64_t through_seq,
                                   const std::function<void(std::int64_t, const StoredPosting&)>& each) = 0;
  // An event the rebuild appended, its postings each with its day: a source that keeps the journal
  // keeps it.
  virtual void appended(const EventRow& event, const std::vector<StoredPosting>& postings) = 0;
};

// The journal of a stored ledger, read no further than the rebuild has come.
std::unique_ptr<JournalSource> stored_journal(ReadTxn& stored);
// A journal of its own: the events appended to the rebuild, in memory.
std::unique_ptr<JournalSource> kept_journal();
// The journal of a ledger being built (replay): each event appended is written to target.
std::unique_ptr<JournalSource> written_journal(WriteTxn& target);

class MemoryLedger final : public RecordTxn, public TableReader {
 public:
  // source: the ledger being verified, read no further than head().seq.
  explicit MemoryLedger(ReadTxn& source) : source_(stored_journal(source)) {}
  // A ledger in memory alone, which keeps its journal too: the rules run against it with no store.
  MemoryLedger() : source_(kept_journal()) {}
  // A rebuild whose journal is source's (written_journal: replay's).
  explicit MemoryLedger(std::unique_ptr<JournalSource> source) : source_(std::move(source)) {}

  // The event appended last and its postings (each with its day), for verify to compare.
  const EventRow& last_event() const { return last_event_; }
  const std::vector<StoredPosting>& last_postings() const { return last_postings_; }

  // The movements of a month are final once it is closed, unless the journal reopens it later:
  // verify compares them then and lets them go, so that memory holds the open months alone. These
  // months (month_index) are kept to the end.
  void keep_months(std::set<std::int64_t> months) { kept_months_ = std::move(months); }
  // The months closed since last asked whose movements are final, and letting one go once compared.
  std::vector<std::int64_t> take_sealed_months() { return std::exchange(sealed_months_, {}); }
  void let_go(std::int64_t month);
  // The movement rows held, and letting every one go: the rules never read them, and replay writes
  // them out, adding to what it wrote before, whenever they grow many.
  std::size_t movement_rows_held() const { return movements_.size(); }
  void let_go_movements() { movements_.clear(); }

  // ---- StateReader ----
  detail::MasterState load_master_records() override;
  detail::CodeTable<detail::PledgeRecord> load_pledges() override { return master_.pledges; }
  Head head() override { return head_; }
  std::optional<Period> last_closed() override;
  std::optional<detail::EventRef> find_event(std::string_view event_id) override;
  std::vector<std::string> recorded_ids(const std::vector<std::string>& event_ids) override;
  std::optional<detail::EventRef> event_at(std::int64_t seq) override;
  std::vector<StoredPosting> postings_of(std::int64_t seq) override;
  BalanceSums balance(const BalanceKeyIds& key) override;
  BalanceSums monthly_balance(std::int64_t account, std::int64_t fund, std::int64_t currency, std::int64_t month) override;
  std::vector<BalanceSums> balances_of(const std::vector<BalanceKeyIds>& keys) override;
  std::vector<BalanceSums> monthly_balances_of(const std::vector<std::array<std::int64_t, 4>>& keys) override;
  GrandTotals grand_totals() override;
  Position account_position(std::int64_t account, std::int64_t fund, std::int64_t currency) override;
  std::int64_t account_usd(std::int64_t account, std::int64_t fund) override;
  std::int64_t account_usd_through(std::int64_t account, std::int64_t fund, std::int32_t day) override;
  std::map<std::int64_t, std::int32_t> latest_days(std::int64_t account) override;
  std::optional<detail::Holding> holding(std::int64_t seq, std::optional<std::int32_t> as_of) override;
  std::vector<detail::Holding> holdings_as_of(std::int32_t day, std::int64_t except_currency) override;
  std::vector<detail::HoldingMove> moves_by(std::int64_t event_seq) override;
  std::vector<detail::Holding> paid_ahead(std::int64_t pledge_id, std::int64_t account) override;
  std::vector<detail::InstalmentCut> cuts_by(std::int64_t event_seq) override;
  std::optional<std::int64_t> first_seq_dated_after(std::int32_t day) override;
  std::vector<detail::DatedPosting> postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) override;
  std::vector<detail::DatedMove> moves_from(std::int64_t seq) override;
  std::optional<std::int64_t> reversal_of(std::int64_t seq) override;
  std::vector<detail::InstalmentRow> instalments(std::int64_t pledge_id) override;
  detail::PledgeCancellation pledge_cancellation(std::int64_t pledge_id, std::int64_t account) override;
  bool pledge_has_other_postings(std::int64_t pledge_id) override;
  std::vector<std::int64_t> pledges_due(std::int32_t day) override;
  std::optional<std::int32_t> first_posting_day() override { return first_day_; }
  std::optional<std::int64_t> close_seq(const Period& period) override;
  std::vector<KeyedSums> sums_of_classes(std::int32_t from, std::int32_t through,
                                         const std::vector<AccountClass>& classes) override;
  std::vector<KeyedSums> stored_balances(const std::vector<std::int64_t>& accounts, std::int64_t except_currency) override;
  std::vector<KeyedSums> sums_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                    std::int64_t except_currency) override;

  // ---- RecordTxn ----
  void append(const EventRow& event, const std::vector<StoredPosting>& postings) override;
  void add_balances(const detail::BalanceDeltas& deltas) override;
  void add_currency(const detail::CurrencyRecord& currency) override;
  void declare_currency(std::int64_t id, std::int64_t seq) override;
  void add_account(const detail::AccountRecord& account, std::int64_t seq) override;
  void add_fund(const detail::FundRecord& fund, std::int64_t parent_id, std::int64_t seq) override;
  void add_donor(const detail::DonorRecord& donor, std::int64_t seq) override;
  void add_project(const detail::ProjectRecord& project, std::int64_t seq) override;
  void add_rate(std::int64_t currency_id, std::int32_t day, const Decimal& per_usd, std::int64_t seq) override;
  void add_setting(const std::string& key, std::int32_t day, const std::string& value, std::int64_t seq) override;
  void add_pledge(const detail::PledgeRecord& pledge, const std::vector<detail::InstalmentRow>& instalments) override;
  void recognize(std::int64_t pledge_id, const std::vector<std::int64_t>& lines, std::int64_t seq) override;
  void unrecognize(std::int64_t by_seq) override;
  void set_pledge_reversed(std::int64_t pledge_id) override;
  void add_holding(std::int64_t seq, const StoredPosting& posting, const std::string& partner) override;
  void add_move(std::int64_t event_seq, std::int32_t day, const detail::HoldingMove& move) override;
  void add_cut(std::int64_t event_seq, const detail::InstalmentCut& cut) override;
  void add_reversal(std::int64_t reversed_seq, std::int64_t reversal_seq) override;
  void add_budget(const detail::BudgetRow& budget) override;
  void add_amendment(const detail::AmendmentRow& amendment) override;
  void add_seal(const detail::SealRow& seal) override;
  void remove_seal(const Period& period) override;
  void commit() override {}

  // ---- TableReader: every table but the events and postings, which verify compares as it goes ----
  std::unique_ptr<RowCursor> table_rows(const TableSpec& table) override;
  std::unique_ptr<RowCursor> movement_rows(std::int64_t month) override;

 private:
  struct HeldRecord {
    detail::Holding holding;  // as recorded (initial amounts)
    std::int32_t day = 0;     // its event's date
    std::vector<std::size_t> moves;  // into moves_
  };
  struct CutRow {
    std::int64_t event_seq = 0;
    detail::InstalmentCut cut;
  };
  // The postings of one day of the open tail, summed by full key, and the first seq that posted.
  struct TailDay {
    std::int64_t first_seq = 0;
    std::map<BalanceKeyIds, Position> sums;
  };

  void add_to_tail(std::int64_t seq, std::int32_t day, const StoredPosting& posting);
  void raise_horizon(std::int32_t horizon);
  std::unique_ptr<RowCursor> master_rows(std::string_view name);
  std::unique_ptr<RowCursor> projection_rows(std::string_view name);
  // The postings recorded so far dated from..through, read from the ledger being verified.
  void scan_recorded(std::int32_t from, std::int32_t through,
                     const std::function<void(std::int64_t seq, std::int32_t day, const StoredPosting&)>& each);
  // Sums by full key of the postings recorded so far dated after day (every account when empty).
  std::map<BalanceKeyIds, Position> dated_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                                std::int64_t except_currency);
  void count_for_pledges(const std::string& type, const std::vector<StoredPosting>& postings);
  void classify(const std::string& type, const StoredPosting& posting, bool only_applied_ahead, int sign);
  detail::Holding holding_as_of(const HeldRecord& held, std::int32_t day) const;
  // The moves of one event and after (to the end when all_after), in the table's order.
  std::vector<detail::DatedMove> moves_of(std::int64_t event_seq, bool all_after) const;
  std::string event_type(std::int64_t seq);

  std::unique_ptr<JournalSource> source_;
  Head head_{0, std::string(64, '0')};
  EventRow last_event_;
  std::vector<StoredPosting> last_postings_;

  detail::MasterState master_;
  std::map<std::int64_t, std::int64_t> fund_parents_;
  std::map<std::int64_t, detail::AmendmentRow> amendments_;
  std::map<std::int64_t, detail::BudgetRow> budgets_;
  std::map<std::int64_t, std::vector<detail::InstalmentRow>> instalments_;  // by pledge, in line order
  std::unordered_map<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>> recognized_by_;
  std::map<std::int64_t, HeldRecord> holdings_;
  std::map<std::int64_t, std::vector<std::int64_t>> holdings_by_pledge_;  // their seqs, in order
  std::vector<detail::DatedMove> moves_;  // in the order recorded, each with its day
  std::vector<CutRow> cuts_;    // in the order recorded
  std::map<std::int64_t, std::int64_t> reversals_;
  std::map<std::string, detail::SealRow> seals_;

  std::map<BalanceKeyIds, BalanceSums> balances_;
  std::map<std::array<std::int64_t, 4>, BalanceSums> monthly_;
  MovementRows movements_;
  std::set<std::int64_t> kept_months_;
  std::vector<std::int64_t> sealed_months_;
  std::map<std::array<std::int64_t, 4>, BalanceSums> monthly_kinds_;

  // What every posting recorded so far adds up to, by (account, fund): USD, and the latest day.
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> usd_by_account_fund_;
  std::map<std::pair<std::int64_t, std::int64_t>, std::int32_t> latest_day_;
  std::optional<std::int32_t> first_day_;
  // The open tail: the postings dated after horizon_, which only moves forward: to the last day of
  // the last closed month, or where none closes to some months before the latest posting. What
  // is asked of the days before it (a month reopened, a back-dated check of cash) is read from the
  // journal.
  static constexpr std::int32_t tail_days = 93;
  static constexpr std::int32_t tail_slack = 31;
  std::int32_t horizon_ = std::numeric_limits<std::int32_t>::min();
  std::optional<std::int32_t> last_day_;
  std::map<std::int32_t, TailDay> tail_;
  // Per pledge and account: what received and what reduced it; per pledge, how many postings of
  // events other than the pledge, reversed events and reversals aside (excluded_).
  std::map<std::pair<std::int64_t, std::int64_t>, detail::PledgeCancellation> cancellation_;
  std::unordered_map<std::int64_t, std::int64_t> other_postings_;
  std::set<std::int64_t> excluded_;
};

}  // namespace fundledger::store
