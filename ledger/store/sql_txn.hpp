// Private: a transaction of the SQL store (read-only or writing), its queries split over
// sql_state.cpp (what the rules read), sql_writes.cpp (appends and projections) and
// sql_queries.cpp (journal scans, reports, listings).
#pragma once

#include "store/sql.hpp"
#include "store/store.hpp"

#include <array>
#include <map>
#include <unordered_map>
#include <string>

namespace fundledger::store {

// The postings with the event that made them and, for a reversal, the event it reverses: a
// posting counts as the kind of event it came from, a reversal as the kind it reverses, so that a
// reversed receipt is no longer received.
inline constexpr const char* events_with_reversed =
    " FROM postings p JOIN events e ON e.seq = p.seq LEFT JOIN reversals r ON r.reversal_seq = p.seq"
    " LEFT JOIN events o ON o.seq = r.reversed_seq ";
inline constexpr const char* kind_of_event = "COALESCE(o.type, e.type)";
// ... money paid ahead applied as an instalment is recognized as an application
// (PostingKind::applied_ahead) ...
inline const std::string kind_of_posting = "CASE WHEN p.kind = " +
                                           std::to_string(static_cast<int>(detail::PostingKind::applied_ahead)) +
                                           " THEN 'apply' ELSE " + kind_of_event + " END";
// ... and an instalment recognized when it fell due counts as a recognition.
inline const std::string kind_or_recognition =
    "CASE WHEN p.kind = " + std::to_string(static_cast<int>(detail::PostingKind::recognition)) +
    " THEN 'recognition' ELSE " + kind_of_posting + " END";

// The MovementKind a posting p of event e counts as, o being the event e reverses (if any): what the
// recorder computes, written in SQL from the same table (core/types.hpp, posting_movement_kinds and
// event_movement_kinds), for the edges of a report's period that the movements table does not
// cover by whole months, and for the migration that fills that table.
const std::string& movement_kind_sql();

class SqlTxn final : public WriteTxn {
 public:
  // Begins a read transaction, or with write the transaction that holds the right to append.
  SqlTxn(Connection& connection, bool write);
  ~SqlTxn() override;
  SqlTxn(const SqlTxn&) = delete;
  SqlTxn& operator=(const SqlTxn&) = delete;

  // ---- sql_state.cpp ----
  detail::MasterState load_master_records() override;
  detail::CodeTable<detail::PledgeRecord> load_pledges() override;
  Head head() override;
  std::optional<Period> last_closed() override;
  std::optional<detail::EventRef> find_event(std::string_view event_id) override;
  std::vector<std::string> recorded_ids(const std::vector<std::string>& event_ids) override;
  std::optional<detail::EventRef> event_at(std::int64_t seq) override;
  std::vector<StoredPosting> postings_of(std::int64_t seq) override;
  BalanceSums balance(const BalanceKeyIds& key) override;
  BalanceSums monthly_balance(std::int64_t account, std::int64_t fund, std::int64_t currency,
                              std::int64_t month) override;
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
  std::optional<std::int32_t> first_posting_day() override;
  std::optional<std::int32_t> last_posting_day() override;
  std::optional<std::int64_t> close_seq(const Period& period) override;
  std::vector<KeyedSums> sums_of_classes(std::int32_t from, std::int32_t through,
                                         const std::vector<AccountClass>& classes) override;
  std::vector<KeyedSums> stored_balances(const std::vector<std::int64_t>& accounts, std::int64_t except_currency) override;
  std::vector<KeyedSums> sums_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                    std::int64_t except_currency) override;

  // ---- sql_reports.cpp ----
  std::vector<MovementSums> movements(const MovementQuery& query) override;
  std::vector<MovementSums> open_movements(const MovementQuery& query) override;
  std::unique_ptr<RowCursor> movements_summed() override;
  std::optional<std::int32_t> latest_posting_day(std::int64_t account, std::int64_t fund, std::int64_t donor,
                                                 std::int64_t pledge, std::int64_t currency, std::int32_t through) override;
  std::vector<DonorFundSums> settlement_exchange(std::int64_t exchange_account, const std::vector<std::int64_t>& held_accounts,
                                                 std::int32_t from, std::int32_t through,
                                                 const std::vector<std::int64_t>& funds) override;
  std::vector<DatedSums> dated_sums_of_type(std::int64_t account, std::string_view type, std::int32_t from,
                                            std::int32_t through, const std::vector<std::int64_t>& funds) override;
  std::vector<detail::BudgetRow> budgets(const std::vector<std::int64_t>& funds) override;
  std::vector<AdvanceRow> advances(std::int64_t account, std::int32_t day, const std::vector<std::int64_t>& funds) override;

  // ---- sql_queries.cpp ----
  void scan_journal(std::int64_t first_seq, const std::function<bool(const JournalRow&)>& row) override;
  std::int64_t stray_posting_seq(std::int64_t seq) override;
  void scan_dated_postings(std::int32_t from, std::int32_t through, std::int64_t through_seq,
                           const std::function<void(std::int64_t, const StoredPosting&)>& each) override;
  std::unique_ptr<RowCursor> table_rows(const TableSpec& table) override;
  std::unique_ptr<RowCursor> movement_rows(std::int64_t month) override;
  std::vector<std::string> bodies_of_type(std::string_view type) override;
  std::vector<GroupedSums> grouped_balances(const BalanceGrouping& grouping) override;
  std::vector<AccountFundSums> monthly_sums(std::int64_t first_month, std::int64_t last_month,
                                            const std::vector<std::int64_t>& funds) override;
  std::vector<AccountFundSums> dated_sums(std::int32_t from, std::int32_t through,
                                          const std::vector<std::int64_t>& funds, bool only_year_end) override;
  std::vector<detail::PledgeRecord> pledges_of(const std::vector<std::int64_t>& ids) override;
  std::optional<detail::PledgeRecord> pledge_named(std::string_view code) override;
  std::vector<RecognizedInstalment> recognized_instalments(std::int32_t day, const std::vector<std::int64_t>& funds,
                                                            const std::vector<std::int64_t>& pledges) override;
  std::vector<PledgeMovementRow> pledge_movements(std::int64_t pledge_id, std::int64_t account) override;
  std::vector<std::pair<std::int32_t, detail::InstalmentCut>> pledge_cuts(std::int64_t pledge_id) override;
  std::vector<detail::SealRow> seals() override;

  // ---- sql_writes.cpp ----
  void append(const EventRow& event, const std::vector<StoredPosting>& postings) override;
  void add_balances(const detail::BalanceDeltas& deltas) override;
  void write_rows(const TableSpec& table, RowCursor& rows, bool add_sums) override;
  void total_movements() override;
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
  void commit() override;

 private:
  Statement& prepare(const std::string& sql) { return connection_.prepare(sql); }
  // "(?, ?, ?)" with one placeholder per id, bound from first.
  static std::string placeholders(std::size_t count);
  static void bind_all(Statement& statement, int first, const std::vector<std::int64_t>& ids);
  void read_master_records(detail::MasterState& master);
  // Sums by account, fund, donor, project, pledge, currency and kind.
  using MovementTotals = std::unordered_map<std::array<std::int64_t, 7>, BalanceSums, detail::BalanceKeyHash>;
  void add_movement_rows(const MovementQuery& query, bool from_postings, std::int64_t first, std::int64_t last,
                         MovementTotals& result);
  void add_movements(const MovementQuery& query, MovementTotals& result);
  // The net of each group of open_movements on the day: its balances less what moved after it.
  using GroupNets = std::unordered_map<BalanceKeyIds, Position, detail::BalanceKeyHash>;
  GroupNets group_nets(const MovementQuery& query, const MovementTotals& later);
  static std::vector<MovementSums> sorted_sums(const MovementTotals& result);

  Connection& connection_;
  bool write_;
  bool done_ = false;
};

}  // namespace fundledger::store
