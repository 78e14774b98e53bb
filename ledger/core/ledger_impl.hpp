// Private: the state behind a Ledger, shared by recording, balances and the audit functions.
#pragma once

#include "core/canonical_json.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/money.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fundledger {

namespace detail {

class PostingBuilder;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

// Master records by code, with ids equal to their position + 1 (as in the database).
template <class Record>
class CodeTable {
 public:
  const Record* find(std::string_view code) const {
    auto found = index_.find(code);
    return found == index_.end() ? nullptr : &records_[found->second];
  }
  Record* find_mutable(std::string_view code) {
    auto found = index_.find(code);
    return found == index_.end() ? nullptr : &records_[found->second];
  }
  const Record& by_id(std::int64_t id) const { return records_.at(static_cast<std::size_t>(id - 1)); }
  std::int64_t next_id() const { return static_cast<std::int64_t>(records_.size()) + 1; }
  void add(Record record) {
    index_.emplace(record.code, records_.size());
    records_.push_back(std::move(record));
  }
  const std::vector<Record>& all() const { return records_; }
  void clear() {
    records_.clear();
    index_.clear();
  }

 private:
  std::vector<Record> records_;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> index_;
};

struct CurrencyRecord {
  std::int64_t id = 0;
  std::string code;
  int minor_units = 2;
  std::int64_t declared_seq = 0;  // the currency event that declared it; 0 for an ISO currency used
  // Rates in force, by effective day, ascending.
  std::vector<std::pair<std::int32_t, Decimal>> rates;
};

struct AccountRecord {
  std::int64_t id = 0;
  std::string code;
  AccountEvent event;
};

struct FundRecord {
  std::int64_t id = 0;
  std::string code;
  FundEvent event;
};

struct DonorRecord {
  std::int64_t id = 0;
  std::string code;
  DonorEvent event;
};

struct ProjectRecord {
  std::int64_t id = 0;
  std::string code;
  ProjectEvent event;
  std::int64_t fund_id = 0;
};

struct PledgeRecord {
  std::int64_t id = 0;
  std::string code;
  std::int64_t donor_id = 0;
  std::int64_t fund_id = 0;
  std::int64_t currency_id = 0;
  std::int64_t project_id = 0;
  Purpose purpose = Purpose::general;
  bool conditional = false;
  Date signed_on = Date::from_day_number(0);
  std::optional<Decimal> psc_rate;
};

// A setting's values by effective day (the earliest possible day when given without one).
struct SettingHistory {
  std::vector<std::pair<std::int32_t, std::string>> values;
};

struct MasterState {
  CodeTable<CurrencyRecord> currencies;
  CodeTable<AccountRecord> accounts;
  CodeTable<FundRecord> funds;
  CodeTable<DonorRecord> donors;
  CodeTable<ProjectRecord> projects;
  CodeTable<PledgeRecord> pledges;
  std::map<std::string, SettingHistory, std::less<>> settings;
};

// What a posting is, stored in postings.kind. Persisted: never renumber.
enum class PostingKind : int {
  ordinary = 0,
  rounding_residual = 1,  // the USD residual the ledger posts to 5900 ("residual": true)
  year_end = 2,           // the year-end closing of revenue and expenses ("year_end": true)
  recognition = 3,        // an instalment recognized when it fell due ("recognition": true)
};

// One posting as stored: ids into the master tables, 0 for an absent dimension.
struct StoredPosting {
  std::int64_t account_id = 0;
  std::int64_t fund_id = 0;
  std::int64_t donor_id = 0;
  std::int64_t project_id = 0;
  std::int64_t pledge_id = 0;
  std::int64_t currency_id = 0;
  std::int64_t amount_minor = 0;
  std::int64_t functional_minor = 0;
  PostingKind kind = PostingKind::ordinary;
  // The day of the posting when it is not the event's own (the close posts on several days).
  std::optional<std::int32_t> date;
};

using BalanceKeyIds = std::array<std::int64_t, 6>;  // account, fund, donor, project, pledge, currency

struct BalanceKeyHash {
  std::size_t operator()(const BalanceKeyIds& key) const noexcept {
    std::size_t hash = 1469598103934665603ull;
    for (std::int64_t part : key) hash = (hash ^ static_cast<std::size_t>(part)) * 1099511628211ull;
    return hash;
  }
};

// A monetary balance as it stands: its currency amount and the USD it carries, both signed (debit
// positive), so that a receivable is positive and money held for a donor negative.
struct Position {
  std::int64_t amount_minor = 0;
  std::int64_t functional_minor = 0;
};

struct BalanceSums {
  std::int64_t debit = 0;
  std::int64_t credit = 0;
  std::int64_t functional_debit = 0;
  std::int64_t functional_credit = 0;
};

// Adds a posting's amounts to debit and credit totals; throws Error (overflow) when a total would
// leave the range of a stored amount.
inline void add_posting_to(BalanceSums& totals, const StoredPosting& p) {
  auto add = [](std::int64_t& total, std::int64_t value) {
    if (__builtin_add_overflow(total, value, &total)) {
      throw Error(ErrorCode::overflow, "a balance would exceed the range of a stored amount");
    }
  };
  if (p.amount_minor > 0) add(totals.debit, p.amount_minor);
  if (p.amount_minor < 0) add(totals.credit, -p.amount_minor);
  if (p.functional_minor > 0) add(totals.functional_debit, p.functional_minor);
  if (p.functional_minor < 0) add(totals.functional_credit, -p.functional_minor);
}

inline BalanceSums plus(const BalanceSums& a, const BalanceSums& b) {
  BalanceSums sum;
  if (__builtin_add_overflow(a.debit, b.debit, &sum.debit) || __builtin_add_overflow(a.credit, b.credit, &sum.credit) ||
      __builtin_add_overflow(a.functional_debit, b.functional_debit, &sum.functional_debit) ||
      __builtin_add_overflow(a.functional_credit, b.functional_credit, &sum.functional_credit)) {
    throw Error(ErrorCode::overflow, "a balance would exceed the range of a stored amount");
  }
  return sum;
}

// Months counted from year 0: year * 12 + month - 1 (the month column of monthly_balances).
inline std::int64_t month_index(Date day) { return static_cast<std::int64_t>(day.year()) * 12 + day.month() - 1; }

// The smallest day a Date can hold: settings without an effective date apply from it.
inline constexpr std::int32_t beginning_of_time = -1000000;

}  // namespace detail

struct Ledger::Impl {
  Impl(const std::string& path, OpenMode mode, bool create);

  std::string path;
  OpenMode mode;
  SQLite::Database database;
  detail::MasterState state;
  std::int64_t last_seq = 0;
  std::string last_hash;
  std::unordered_map<detail::BalanceKeyIds, detail::BalanceSums, detail::BalanceKeyHash> pending;
  // The same, by (account, fund, currency, month): the monthly table the reports read.
  std::map<std::array<std::int64_t, 4>, detail::BalanceSums> pending_monthly;
  std::unique_ptr<SQLite::Statement> upsert_monthly;
  bool in_transaction = false;
  // The canonical postings of the event append_event wrote last (replay compares them).
  std::optional<std::string> last_postings_json;
  // Set by replay: the recorded_at of the events it re-executes.
  std::optional<std::string> recorded_at_override;
  std::string transaction_recorded_at;

  std::unique_ptr<SQLite::Statement> insert_event;
  std::unique_ptr<SQLite::Statement> insert_posting;
  std::unique_ptr<SQLite::Statement> find_event_by_id;
  std::unique_ptr<SQLite::Statement> upsert_balance;

  // Reloads master data and the head of the journal from the database.
  void load_state();
  // Reloads when another connection appended events since this one last looked.
  void refresh_if_changed();

  void begin_write();
  void commit();
  void rollback() noexcept;
  // Runs work in a write transaction: commits, or rolls back and reloads on any exception.
  template <class Work>
  auto in_write_transaction(Work&& work) {
    begin_write();
    try {
      if constexpr (std::is_void_v<decltype(work())>) {
        work();
        commit();
      } else {
        auto result = work();
        commit();
        return result;
      }
    } catch (...) {
      rollback();
      throw;
    }
  }

  // Records one event inside the current write transaction.
  RecordResult record_one(const Event& event);
  RecordResult record_entry(const EntryEvent& entry);
  // The seq column of the master record the query finds by code, 0 if none.
  std::int64_t stored_seq(const char* sql, const std::string& code);
  // The seq of the entry already recorded with this id, if the given one is identical to it;
  // throws Error (conflict) if it differs; nothing when the id is new.
  std::optional<std::int64_t> find_identical_entry(const EntryEvent& entry);

  // The stored sums of a balance and of a monthly balance (as the transaction began).
  std::unordered_map<detail::BalanceKeyIds, detail::BalanceSums, detail::BalanceKeyHash> stored_cache;
  std::map<std::array<std::int64_t, 4>, detail::BalanceSums> stored_monthly_cache;
  detail::BalanceSums stored_sums_of(const detail::BalanceKeyIds& key);
  detail::BalanceSums stored_monthly_sums_of(const std::array<std::int64_t, 4>& key);
  template <class Map, class Key>
  static detail::BalanceSums pending_sums(const Map& map, const Key& key) {
    auto found = map.find(key);
    return found == map.end() ? detail::BalanceSums{} : found->second;
  }
  // Refuses postings that would take a stored balance beyond the range of a stored amount.
  void check_headroom(std::optional<Date> date, const std::vector<detail::StoredPosting>& postings);

  // Appends an event (its canonical body) and its postings to the journal (inside a write
  // transaction).
  std::int64_t append_event(const char* type, std::string_view event_id, std::optional<Date> date,
                            const std::string& body, const std::vector<detail::StoredPosting>& postings);

  // ---- Periods (ledger/periods/) ----
  // The latest closed month: every day up to its end is locked.
  std::optional<Period> last_closed;
  // Throws Error (closed_period) when day falls in a closed period.
  void check_open(Date day, const std::string& label) const;
  RecordResult record_period_close(const PeriodCloseEvent& event);
  // A foreign-currency monetary balance as the close restates it: cash by fund and currency, a
  // pledge's receivable or allowance, or money held by one event (holding_seq).
  struct MonetaryPosition {
    detail::BalanceKeyIds key;
    std::int64_t holding_seq = 0;
    detail::Position balance;
  };
  void check_closable(const Period& period);
  std::vector<std::pair<const detail::PledgeRecord*, std::vector<std::int64_t>>> recognize_falling_due(
      detail::PostingBuilder& builder, Date last_day);
  std::vector<MonetaryPosition> monetary_positions(Date last_day, const detail::PostingBuilder& builder);
  void check_rates_in_force(const std::vector<MonetaryPosition>& positions, const Period& period);
  std::vector<std::pair<std::int64_t, std::int64_t>> revalue(detail::PostingBuilder& builder,
                                                             const std::vector<MonetaryPosition>& positions,
                                                             bool year_end, Date next_first_day);
  void close_year(detail::PostingBuilder& builder, const Period& period);
  RecordResult record_period_reopen(const PeriodReopenEvent& event);
  // SHA-256 of the listing of the balances as of last_day (the seal of a close).
  std::string closing_balances_hash(Date last_day);

  // ---- Contributions (ledger/contributions/) ----
  RecordResult record_pledge(const PledgeEvent& event);
  RecordResult record_receipt(const ReceiptEvent& event);
  RecordResult record_apply(const ApplyEvent& event);
  RecordResult record_condition_met(const ConditionMetEvent& event);
  RecordResult record_reduction(const ReductionEvent& event);
  RecordResult record_allowance(const AllowanceEvent& event, bool write_off);
  RecordResult record_refund(const RefundEvent& event);
  RecordResult record_refund_payment(const RefundEvent& refund, const std::string& body,
                                     detail::PostingBuilder& builder, const detail::CurrencyRecord& currency,
                                     std::int64_t donor_id, std::int64_t fund_id);
  RecordResult record_expense(const ExpenseEvent& event);
  RecordResult record_transfer(const TransferEvent& event);
  RecordResult record_interest(const InterestEvent& event);
  RecordResult record_reversal(const ReversalEvent& event);

  const detail::FundRecord& fund_named(const std::string& code, const std::string& field) const;
  const detail::DonorRecord& donor_named(const std::string& code, const std::string& field) const;
  const detail::PledgeRecord& pledge_named(const std::string& code, const std::string& field) const;
  // The amount at the currency's minor units; throws unless it is positive and fits them.
  Decimal positive_amount(const Decimal& amount, const detail::CurrencyRecord& currency,
                          const std::string& field) const;
  std::string_view revenue_account(Purpose purpose) const;
  // The seq of the event with this id if it is recorded with the same type and body, 0 if the id
  // is new; throws Error (conflict) if it is recorded differently.
  std::int64_t existing_event_seq(std::string_view id, std::string_view type, const std::string& body);
  // The seq (and type) of the event with this id, 0 if there is none.
  std::int64_t seq_of_event(std::string_view id, std::string* type);

  // A balance as stored plus what the current transaction added.
  detail::BalanceSums balance_of(const detail::BalanceKeyIds& key);
  // A fund's cash (1100) in USD cents at the end of a day.
  std::int64_t cash_usd_minor(std::int64_t fund_id, Date day);
  // A fund's cash in one currency as it stands now, with the USD it carries (every donor's).
  detail::Position cash_position(std::int64_t fund_id, std::int64_t currency_id);
  // Refuses an event dated more than max_future_days after the day it is recorded (instalment due
  // dates excepted: a multi-year pledge may run further).
  void check_not_far_future(const Event& event) const;
  // The day (UTC) the current transaction records its events on.
  Date recorded_day() const;
  // The latest day each fund's cash moved (loaded on first use, kept up to date by append_event):
  // on or after it, the fund's cash is its current balance, which needs no scan of the postings.
  std::optional<std::map<std::int64_t, std::int32_t>> latest_cash_day;
  // Refuses an event dated before the pledge it concerns was signed.
  void check_not_before_signing(const detail::PledgeRecord& pledge, Date date, const std::string& what) const;

  // What a pledge carries in one account: currency amount (debit positive) and USD.
  using PledgeBalance = detail::Position;
  PledgeBalance receivable_of(const detail::PledgeRecord& pledge, std::string_view account);
  bool pledge_cancelled(const detail::PledgeRecord& pledge);

  struct Settlement {
    std::int64_t settled_minor = 0;  // in the pledge currency
    std::int64_t excess_minor = 0;   // in the pledge currency
  };
  Settlement settle_pledge(detail::PostingBuilder& builder, const detail::PledgeRecord& pledge,
                           const detail::CurrencyRecord& money_currency, const Decimal& money_amount,
                           std::int64_t money_usd, PledgeBalance recognized_now);
  // Holds what a pledge could not take for the donor (2100), at the day's rate; returns the posting.
  detail::StoredPosting hold_excess(detail::PostingBuilder& builder, std::int64_t fund_id, std::int64_t donor_id,
                                    const detail::CurrencyRecord& currency, std::int64_t excess_minor);
  // With per-instalment recognition, money arriving for a pledge after an instalment fell due but
  // before its month closed finds it recognized now (dated its due day, at that day's rate), as
  // the close would. Returns what it added to the receivable; the instalments are in `lines`.
  PledgeBalance recognize_due_instalments(detail::PostingBuilder& builder, const detail::PledgeRecord& pledge,
                                          Date day, std::vector<std::int64_t>& lines);
  void mark_recognized(const detail::PledgeRecord& pledge, const std::vector<std::int64_t>& lines, std::int64_t seq);

  // Money held by an event: an advance (2100), an unidentified receipt (2150), a refund payable
  // (2300). Amounts are positive and what remains after the moves recorded against it.
  struct Holding {
    std::int64_t seq = 0;
    std::int64_t account_id = 0;
    std::int64_t fund_id = 0;
    std::int64_t donor_id = 0;
    std::int64_t pledge_id = 0;
    std::int64_t currency_id = 0;
    std::int64_t amount_minor = 0;
    std::int64_t functional_minor = 0;
    std::int64_t initial_minor = 0;
    std::int64_t initial_functional_minor = 0;
    // The balance it is, as a liability: credit negative.
    detail::Position position() const { return {-amount_minor, -functional_minor}; }
  };
  void add_holding(std::int64_t seq, const detail::StoredPosting& credit_posting);
  // The money held from the receipt a refund names, checked against the refund.
  Holding refunded_holding(const RefundEvent& refund, const detail::CurrencyRecord& currency, std::int64_t donor_id,
                           std::int64_t fund_id);
  // The holding recorded by the event of this seq, with what remains of it; as of a day when given
  // (only the events dated on or before it count).
  std::optional<Holding> holding_of(std::int64_t seq, std::optional<Date> as_of = std::nullopt);
  void move_holding(std::int64_t event_seq, std::int64_t holding_seq, std::int64_t amount_minor,
                    std::int64_t functional_minor);
  std::unique_ptr<SQLite::Statement> select_balance;

  // Canonical JSON of stored postings, as exported.
  std::string render_postings(const std::vector<detail::StoredPosting>& postings) const;
  // The currency with this code, registering an ISO currency on first use; throws
  // unknown_reference for a code that is neither declared nor ISO.
  const detail::CurrencyRecord& currency_for_use(std::string_view code, const std::string& field);
  // The rate in force on day, or an Error naming currency and date.
  const Decimal& rate_on(const detail::CurrencyRecord& currency, Date day) const;
  // The value of a setting in force on day.
  std::string setting_on(std::string_view key, Date day) const;
  Rounding rounding_on(Date day) const;
  // amount in USD cents at the rate in force on day, rounded with the ledger's rounding in force
  // that day, with the amount's own sign.
  std::int64_t usd_value_minor(const detail::CurrencyRecord& currency, const Decimal& amount, Date day) const;

  // Postings of one stored event, in line order.
  std::vector<detail::StoredPosting> load_postings(std::int64_t seq);
};

namespace detail {
// Maps an SQLite failure to an Error: busy, not a database, or a storage failure, saying what was
// being done.
[[noreturn]] void throw_storage_error(const std::exception& error, const std::string& doing);
// "YYYY-MM-DDTHH:MM:SSZ" now.
std::string utc_timestamp_now();
// The export line of an event, without its hash when hash is empty.
std::string render_export_line(std::string_view body, std::int64_t seq, std::string_view recorded_at,
                               const std::optional<std::string>& postings_json,
                               std::string_view prev_hash, std::string_view hash);
}  // namespace detail

}  // namespace fundledger
