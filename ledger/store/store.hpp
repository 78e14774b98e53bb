// Private: the store seam. A Store holds a ledger's journal and everything derived from it; the
// rest of the library reads it through a ReadTxn (one consistent snapshot) and appends to it
// through a WriteTxn (one transaction, holding the right to append, so that the hash chain stays
// linear). The rules never see a Store: the engine reads what they need and hands them a StateView.
//
// A ReadTxn is three readers, each for one kind of user: StateReader, the plain reads the rules
// need (through the engine); JournalReader, the scans of export, verify and replay; ReportReader,
// the sums the reports read (a report's Scope holds that one alone). TableReader gives verify
// every table row by row.
//
// The store holds, per ledger: the events and their postings (append-only), the balances by full
// key and by (account, fund, currency, month), and the projections of the events: master data,
// pledges and their instalments, money held per event and what moved it, reversals, the seals of
// closed months. Every row of them follows from the events (verify rebuilds and compares them).
//
// Backends: SQLite (a file, the default), PostgreSQL (a postgresql:// URL). Both speak the same
// queries through store::Connection (sql.hpp); ledger/store/ is the only folder with SQL.
//
// Thread-safety: a Store and its transactions belong to one thread at a time.
#pragma once

#include "core/types.hpp"

#include <fundledger/date.hpp>
#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fundledger::store {

using detail::BalanceKeyIds;
using detail::BalanceSums;
using detail::KeyedSums;
using detail::Position;
using detail::StoredPosting;

// How to open a store; the library reads no environment variable (the command line does).
struct Options {
  int busy_timeout_ms = 10000;  // how long a writer waits for another before giving up (busy)
  bool shared_reads = false;    // never read an SQLite file as immutable (LedgerOptions)
  // With create, an SQLite file that nothing else opens before it is complete, which its builder
  // names only then (replay): written with its rollback journal in memory, without syncs and with
  // its references between tables unchecked, a crash leaving a file the builder removes.
  // Store::finish_build checks every reference and makes it a ledger like any other, and the
  // builder syncs the file once before naming it.
  bool unshared_build = false;
};

// The last event of the journal.
struct Head {
  std::int64_t seq = 0;
  std::string hash;  // 64 zeros when the journal is empty
};

// An event row as stored.
struct EventRow {
  std::int64_t seq = 0;
  std::string event_id;  // empty: none (master data, period events)
  std::string type;
  std::optional<std::int32_t> day;
  std::string body;
  std::string recorded_at;
  std::string prev_hash;
  std::string hash;
};

// An event with its postings, as a journal scan gives it. Each posting's `date` is set when it
// differs from the event's day; posting_days gives every posting's day.
struct JournalRow {
  EventRow event;
  std::vector<StoredPosting> postings;
  std::vector<std::int32_t> posting_days;
  std::int64_t orphan_postings_seq = 0;  // postings found before this event under a seq with no event
};

// A table of the store as verify compares it: its name, its key columns and its other columns,
// each a list "a, b, c" (columns empty when the key is the whole row).
struct TableSpec {
  std::string name;
  std::string key;
  std::string columns;
};
// Every table of a store, in the order verify compares them (from tables.hpp's description).
const std::vector<TableSpec>& tables();
// The table of that name; it must be one.
const TableSpec& table_named(std::string_view name);

// A text value as a row of a table gives it: the word NULL, and any text that begins with a quote,
// with a quote put in front, so that "NULL" in a row is only ever a NULL (a donor renamed to the
// word is "'NULL"); text_of_row undoes it.
std::string row_text(std::string text);
std::string text_of_row(const std::string& value);

// The rows of a table, one at a time: each value as text, "NULL" for a null, a text as row_text
// gives it.
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  virtual bool next() = 0;
  virtual const std::vector<std::string>& values() const = 0;
};

// Rows already read, one at a time.
class RowList final : public RowCursor {
 public:
  explicit RowList(std::vector<std::vector<std::string>> rows) : rows_(std::move(rows)) {}
  bool next() override { return ++at_ <= rows_.size(); }
  const std::vector<std::string>& values() const override { return rows_[at_ - 1]; }

 private:
  std::vector<std::vector<std::string>> rows_;
  std::size_t at_ = 0;
};

// ---- Queries of the reports and the listings ----

// Debits and credits (positive) in USD cents by (account, fund).
struct AccountFundSums {
  std::int64_t account_id = 0;
  std::int64_t fund_id = 0;
  std::int64_t debit = 0;
  std::int64_t credit = 0;
};

// The balances command: sums grouped by some of the key columns, in a currency or in USD.
struct BalanceGrouping {
  std::vector<BalanceKey> keys;
  bool by_currency = false;                 // currency amounts (else USD)
  std::optional<std::int32_t> from_day;     // postings dated on or after
  std::optional<std::int32_t> through_day;  // postings dated on or before
};
struct GroupedSums {
  std::vector<std::int64_t> ids;  // one per key, 0 when absent
  std::int64_t debit = 0;
  std::int64_t credit = 0;
};

// An instalment recognized by a day, for the receivable's ages.
struct RecognizedInstalment {
  std::int64_t pledge_id = 0;
  std::int64_t currency_id = 0;
  std::int32_t due = 0;
  std::int64_t amount_minor = 0;
};

// The movements of one pledge's receivable, one per event and kind.
struct PledgeMovementRow {
  std::int64_t seq = 0;
  std::string event_id;
  std::string type;
  std::string kind;
  std::int32_t day = 0;
  std::int64_t amount_minor = 0;
  std::int64_t functional_minor = 0;
};

// Sums by (donor, fund, currency) in USD cents.
struct DonorFundSums {
  std::int64_t donor_id = 0;
  std::int64_t fund_id = 0;
  std::int64_t currency_id = 0;
  std::int64_t functional_minor = 0;
};

// The movements table summed over a span of days, grouped by account and fund and by the
// dimensions asked for (the others read 0). Whole months come from the table, the days of a month
// begun or ended midway from the postings, counted by the same kinds.
struct MovementQuery {
  std::vector<std::int64_t> accounts;  // empty: every account
  std::vector<std::int64_t> funds;     // empty: every fund
  std::optional<std::int32_t> from;    // first day; none: from the first posting
  std::int32_t through = 0;            // last day
  bool by_donor = false;
  bool by_project = false;
  bool by_pledge = false;
  bool by_currency = false;
  bool by_kind = false;
};
struct MovementSums {
  std::int64_t account_id = 0;
  std::int64_t fund_id = 0;
  std::int64_t donor_id = 0;
  std::int64_t project_id = 0;
  std::int64_t pledge_id = 0;
  std::int64_t currency_id = 0;
  detail::MovementKind kind = detail::MovementKind::other;
  BalanceSums sums;  // debit and credit apart, in the currency's minor units and in USD cents
};

// Postings summed by fund, currency and day.
struct DatedSums {
  std::int64_t fund_id = 0;
  std::int64_t currency_id = 0;
  std::int32_t day = 0;
  std::int64_t amount_minor = 0;
  std::int64_t functional_minor = 0;
};

// An advance to an implementing partner, as it stood on a day.
struct AdvanceRow {
  detail::Holding holding;
  std::int32_t day = 0;  // the advance's date
  std::string event_id;
  std::int64_t reported_minor = 0;  // what the partner's reports took from it (net of their reversals)
  bool reversed = false;            // the advance itself was reversed by the day
};

// The sums of every posting of a ledger, exact: debits and credits (positive) by currency in its
// minor units, and in USD cents across every currency. What a report or query can add up is never
// more than these.
struct GrandTotals {
  struct Sums {
    Decimal::Coefficient debit = 0;
    Decimal::Coefficient credit = 0;
  };
  std::map<std::int64_t, Sums> by_currency;
  Sums usd;
};

// What the recorder and the rules (through the engine's StateView) read: every store's write
// transaction answers it, and so does verify's rebuild in memory (store/memory_store.hpp).
class StateReader {
 public:
  virtual ~StateReader() = default;

  // The master data, every pledge with it.
  detail::MasterState load_master() {
    detail::MasterState master = load_master_records();
    master.pledges = load_pledges();
    return master;
  }
  // The master data with its pledges left unread (detail::CodeTable): what a command that names no
  // pledge needs, without the one table that grows with the ledger's length.
  virtual detail::MasterState load_master_records() = 0;
  virtual detail::CodeTable<detail::PledgeRecord> load_pledges() = 0;
  virtual Head head() = 0;
  virtual std::optional<Period> last_closed() = 0;
  virtual std::optional<detail::EventRef> find_event(std::string_view event_id) = 0;
  // Which of these event ids are recorded (in any order): one query for a batch, where find_event
  // would be one per event.
  virtual std::vector<std::string> recorded_ids(const std::vector<std::string>& event_ids) = 0;
  virtual std::optional<detail::EventRef> event_at(std::int64_t seq) = 0;
  // The postings of one event in line order; `date` set where it differs from the event's.
  virtual std::vector<StoredPosting> postings_of(std::int64_t seq) = 0;
  virtual BalanceSums balance(const BalanceKeyIds& key) = 0;
  virtual BalanceSums monthly_balance(std::int64_t account, std::int64_t fund, std::int64_t currency,
                                      std::int64_t month) = 0;
  // The stored sums of many balance keys, or monthly keys (account, fund, currency, month), in a
  // few queries (a key not stored: zero): what a batch of events checks its balances against.
  virtual std::vector<BalanceSums> balances_of(const std::vector<BalanceKeyIds>& keys) = 0;
  virtual std::vector<BalanceSums> monthly_balances_of(const std::vector<std::array<std::int64_t, 4>>& keys) = 0;
  // The sums of every posting the balance table holds.
  virtual GrandTotals grand_totals() = 0;
  // Every posting of account in fund and currency, summed (all dates).
  virtual Position account_position(std::int64_t account, std::int64_t fund, std::int64_t currency) = 0;
  // The USD of account in fund: stored balance (all dates), and the sum of the postings through day.
  virtual std::int64_t account_usd(std::int64_t account, std::int64_t fund) = 0;
  virtual std::int64_t account_usd_through(std::int64_t account, std::int64_t fund, std::int32_t day) = 0;
  // The latest day account moved in each fund.
  virtual std::map<std::int64_t, std::int32_t> latest_days(std::int64_t account) = 0;
  // The holding an event recorded, with the moves of the events dated through as_of (all when absent).
  virtual std::optional<detail::Holding> holding(std::int64_t seq, std::optional<std::int32_t> as_of) = 0;
  // Every holding in a currency other than except_currency held on day, as it stood then.
  virtual std::vector<detail::Holding> holdings_as_of(std::int32_t day, std::int64_t except_currency) = 0;
  virtual std::vector<detail::HoldingMove> moves_by(std::int64_t event_seq) = 0;
  // The holdings of account kept for a pledge (money paid ahead of its instalments), as they stand,
  // oldest first.
  virtual std::vector<detail::Holding> paid_ahead(std::int64_t pledge_id, std::int64_t account) = 0;
  // What one event cut off instalments not yet recognized.
  virtual std::vector<detail::InstalmentCut> cuts_by(std::int64_t event_seq) = 0;
  // The first seq with a posting dated after day; the postings to these accounts from seq on, in
  // the order recorded (each posting's date set); the moves recorded by the events from seq on.
  virtual std::optional<std::int64_t> first_seq_dated_after(std::int32_t day) = 0;
  virtual std::vector<detail::DatedPosting> postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) = 0;
  virtual std::vector<detail::DatedMove> moves_from(std::int64_t seq) = 0;
  virtual std::optional<std::int64_t> reversal_of(std::int64_t seq) = 0;
  virtual std::vector<detail::InstalmentRow> instalments(std::int64_t pledge_id) = 0;
  // What received and what reduced or wrote off a pledge's receivable (account), net of reversals.
  virtual detail::PledgeCancellation pledge_cancellation(std::int64_t pledge_id, std::int64_t account) = 0;
  // Whether an event other than the pledge posted to it, leaving aside reversed events and reversals.
  virtual bool pledge_has_other_postings(std::int64_t pledge_id) = 0;
  // Pledges not reversed with an instalment due by day and not recognized.
  virtual std::vector<std::int64_t> pledges_due(std::int32_t day) = 0;
  virtual std::optional<std::int32_t> first_posting_day() = 0;
  virtual std::optional<std::int64_t> close_seq(const Period& period) = 0;
  // Sums by full key of the postings dated from..through to accounts of these classes.
  virtual std::vector<KeyedSums> sums_of_classes(std::int32_t from, std::int32_t through,
                                                 const std::vector<AccountClass>& classes) = 0;
  // The balance table's rows of these accounts (every account when empty) in currencies other than
  // except_currency (0: none), by full key. A write transaction adds to the table what it posted
  // at its commit, or as it goes (add_balances): what it posted since is not in these rows.
  virtual std::vector<KeyedSums> stored_balances(const std::vector<std::int64_t>& accounts,
                                                 std::int64_t except_currency) = 0;
  // Sums by full key of the postings dated after day to these accounts (every account when empty)
  // in currencies other than except_currency.
  virtual std::vector<KeyedSums> sums_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                            std::int64_t except_currency) = 0;
};

// Every row of a table in key order, each value as a RowCursor gives it: what verify compares.
class TableReader {
 public:
  virtual ~TableReader() = default;
  virtual std::unique_ptr<RowCursor> table_rows(const TableSpec& table) = 0;
  // The rows of the movements table of one month, in the table's key order.
  virtual std::unique_ptr<RowCursor> movement_rows(std::int64_t month) = 0;
};

// What export, verify and replay read of the journal, scan by scan.
class JournalReader {
 public:
  virtual ~JournalReader() = default;
  // Calls row for every event from first_seq on, in seq order, until it returns false.
  virtual void scan_journal(std::int64_t first_seq, const std::function<bool(const JournalRow&)>& row) = 0;
  // The highest seq of a posting above seq (a posting that belongs to no event), 0 if none.
  virtual std::int64_t stray_posting_seq(std::int64_t seq) = 0;
  // The rows movement_totals holds if it agrees with the movements table: its rows summed over
  // their months, in movement_totals' key order, with its columns.
  virtual std::unique_ptr<RowCursor> movements_summed() = 0;
  // The bodies of the events of a type, in seq order.
  virtual std::vector<std::string> bodies_of_type(std::string_view type) = 0;
  // Calls each for every posting dated from..through of the events up to through_seq, in no
  // particular order (the posting's date set).
  virtual void scan_dated_postings(std::int32_t from, std::int32_t through, std::int64_t through_seq,
                                   const std::function<void(std::int64_t seq, const StoredPosting&)>& each) = 0;
};

// What the reports, the balances command and the listings read: sums, by the keys they ask for.
class ReportReader {
 public:
  virtual ~ReportReader() = default;
  virtual std::optional<std::int32_t> last_posting_day() = 0;
  virtual std::vector<MovementSums> movements(const MovementQuery& query) = 0;
  // The same from the first posting (query.from is not read), of the full keys (account, fund,
  // donor, project, pledge, currency) whose postings through query.through do not sum to nothing
  // in the currency and in USD, and only of them (the project counting only when asked for), less
  // rows of nothing: what is outstanding on a day, read from the keys' balances and totals less
  // what moved after it, not from every month of every key.
  virtual std::vector<MovementSums> open_movements(const MovementQuery& query) = 0;
  // The day of the latest posting through day to account with these keys (0: absent), if any.
  virtual std::optional<std::int32_t> latest_posting_day(std::int64_t account, std::int64_t fund, std::int64_t donor,
                                                         std::int64_t pledge, std::int64_t currency,
                                                         std::int32_t through) = 0;
  // The USD (debit positive) posted to exchange_account by the receipts and applications dated
  // from..through (and their reversals), by the donor and currency of the receivable or advance
  // each settled or held (a posting to one of held_accounts in the same event and fund), by fund.
  virtual std::vector<DonorFundSums> settlement_exchange(std::int64_t exchange_account,
                                                         const std::vector<std::int64_t>& held_accounts,
                                                         std::int32_t from, std::int32_t through,
                                                         const std::vector<std::int64_t>& funds) = 0;
  // The postings to account of the events of a type (a reversal counts as the type it reverses)
  // dated from..through in the funds, by fund, currency and day.
  virtual std::vector<DatedSums> dated_sums_of_type(std::int64_t account, std::string_view type, std::int32_t from,
                                                    std::int32_t through, const std::vector<std::int64_t>& funds) = 0;
  // Every budget of the funds, in the order recorded.
  virtual std::vector<detail::BudgetRow> budgets(const std::vector<std::int64_t>& funds) = 0;
  // The advances to partners (holdings of account) made by day in the funds, with what the events
  // dated through day moved.
  virtual std::vector<AdvanceRow> advances(std::int64_t account, std::int32_t day, const std::vector<std::int64_t>& funds) = 0;
  virtual std::vector<GroupedSums> grouped_balances(const BalanceGrouping& grouping) = 0;
  // USD debits and credits by (account, fund) of the funds given: from the monthly table for
  // months first..last, or from the postings dated from..through (the year-end closing alone with
  // only_year_end).
  virtual std::vector<AccountFundSums> monthly_sums(std::int64_t first_month, std::int64_t last_month,
                                                    const std::vector<std::int64_t>& funds) = 0;
  virtual std::vector<AccountFundSums> dated_sums(std::int32_t from, std::int32_t through,
                                                  const std::vector<std::int64_t>& funds, bool only_year_end) = 0;
  // The records of these pledges (ids, in their order): what a report reads of the few pledges it
  // names, without the master data's every pledge.
  virtual std::vector<detail::PledgeRecord> pledges_of(const std::vector<std::int64_t>& ids) = 0;
  // The pledge of this code, if there is one.
  virtual std::optional<detail::PledgeRecord> pledge_named(std::string_view code) = 0;
  // The instalments of these pledges of these funds recognized by day, by pledge and due date.
  virtual std::vector<RecognizedInstalment> recognized_instalments(std::int32_t day,
                                                                    const std::vector<std::int64_t>& funds,
                                                                    const std::vector<std::int64_t>& pledges) = 0;
  virtual std::vector<PledgeMovementRow> pledge_movements(std::int64_t pledge_id, std::int64_t account) = 0;
  // What reductions cut off one pledge's instalments not yet recognized, each with the day of its
  // event (a reversal's negation on its own day), in the order recorded.
  virtual std::vector<std::pair<std::int32_t, detail::InstalmentCut>> pledge_cuts(std::int64_t pledge_id) = 0;
  virtual std::vector<detail::SealRow> seals() = 0;
};

// One consistent snapshot of a store: what the rules read, the journal, the reports' sums, and
// every table as verify compares it.
class ReadTxn : public virtual StateReader, public TableReader, public JournalReader, public ReportReader {};

// What the recorder writes through: the reads of the rules and the appends.
class RecordTxn : public virtual StateReader {
 public:
  // The event and its postings (line 0, 1, 2...; a posting without a date is on the event's day).
  virtual void append(const EventRow& event, const std::vector<StoredPosting>& postings) = 0;
  // Adds to the balance, monthly balance and movement tables what the transaction's postings sum to.
  virtual void add_balances(const detail::BalanceDeltas& deltas) = 0;
  // Master data and projections.
  virtual void add_currency(const detail::CurrencyRecord& currency) = 0;
  virtual void declare_currency(std::int64_t id, std::int64_t seq) = 0;
  virtual void add_account(const detail::AccountRecord& account, std::int64_t seq) = 0;
  virtual void add_fund(const detail::FundRecord& fund, std::int64_t parent_id, std::int64_t seq) = 0;
  virtual void add_donor(const detail::DonorRecord& donor, std::int64_t seq) = 0;
  virtual void add_project(const detail::ProjectRecord& project, std::int64_t seq) = 0;
  virtual void add_rate(std::int64_t currency_id, std::int32_t day, const Decimal& per_usd, std::int64_t seq) = 0;
  virtual void add_setting(const std::string& key, std::int32_t day, const std::string& value, std::int64_t seq) = 0;
  virtual void add_pledge(const detail::PledgeRecord& pledge, const std::vector<detail::InstalmentRow>& instalments) = 0;
  virtual void recognize(std::int64_t pledge_id, const std::vector<std::int64_t>& lines, std::int64_t seq) = 0;
  virtual void unrecognize(std::int64_t by_seq) = 0;
  virtual void set_pledge_reversed(std::int64_t pledge_id) = 0;
  virtual void add_holding(std::int64_t seq, const StoredPosting& posting, const std::string& partner) = 0;
  // A move recorded by event_seq, in effect from the move's own day, else day (the event's date).
  virtual void add_move(std::int64_t event_seq, std::int32_t day, const detail::HoldingMove& move) = 0;
  virtual void add_cut(std::int64_t event_seq, const detail::InstalmentCut& cut) = 0;
  virtual void add_reversal(std::int64_t reversed_seq, std::int64_t reversal_seq) = 0;
  virtual void add_budget(const detail::BudgetRow& budget) = 0;
  virtual void add_amendment(const detail::AmendmentRow& amendment) = 0;
  virtual void add_seal(const detail::SealRow& seal) = 0;
  virtual void remove_seal(const Period& period) = 0;
  virtual void commit() = 0;
};

class WriteTxn : public ReadTxn, public RecordTxn {
 public:
  // Replay's writing, once, of the tables its rebuild in memory holds (every table but the
  // journal's and movement_totals): the rows as TableReader::table_rows gives them (the key
  // columns, then the others), each inserted; with add_sums, added to the sums of the row of the
  // same key where there is one (movements written again: a month reopened, or written out early).
  virtual void write_rows(const TableSpec& table, RowCursor& rows, bool add_sums) = 0;
  // The empty movement_totals table filled from the movements, all written by then (add_balances
  // keeps both as it goes).
  virtual void total_movements() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Where the ledger is, for messages: a path, or a URL without its password.
  virtual const std::string& location() const = 0;
  virtual std::unique_ptr<ReadTxn> read() = 0;
  // Waits up to the busy timeout for other writers; throws Error (busy) after it, and Error (usage)
  // when the store was opened read-only.
  virtual std::unique_ptr<WriteTxn> write() = 0;
  // The fundledger::Error for a failure of the backend (an exception of its driver): busy (safe to
  // retry) or storage, saying what was being done; a fundledger::Error unchanged.
  virtual Error translate(const std::exception& error, const std::string& doing) const = 0;
  [[noreturn]] void fail(const std::exception& error, const std::string& doing) const { throw translate(error, doing); }
  // Removes the ledger this store holds when it has no event (a replay into a database that
  // failed), leaving the database as it was before: its tables dropped. Does nothing to a file
  // (whoever built it removes it).
  virtual void discard_if_empty() = 0;
  // After the last commit of an unshared build (Options::unshared_build): checks every reference
  // between its tables (Error, storage, naming the first that fails), then turns on the WAL, the
  // syncs and the checks of references that every other opening uses. Does nothing otherwise.
  virtual void finish_build() = 0;
};

// Whether location names a database server's ledger (a postgresql:// URL) rather than a file.
bool is_database_url(const std::string& location);

// Opens a ledger: an SQLite file at a path (create: a new file, refusing one that exists), or a
// PostgreSQL database at a postgresql:// URL (create: in a database with no table, or holding a
// ledger with no event, which an interrupted init or replay leaves). Throws Error
// (input_unreadable) for a missing file or database, (storage) for one that is not a ledger or
// fails, (output_uncreatable) when create cannot.
std::unique_ptr<Store> open_store(const std::string& location, OpenMode mode, bool create, const Options& options);

}  // namespace fundledger::store
