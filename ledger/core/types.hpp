// Private: the values the library passes between its layers: master records and the master data
// they form, postings as stored, balance keys and sums, and monetary positions. Plain values with
// no behaviour beyond their own arithmetic; persisted enums carry explicit values.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>
#include <fundledger/events.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fundledger {

namespace detail {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

// Master records by code, with ids equal to their position + 1 (as in the database). A table can be
// left unread (the pledges, for a command that never names one): any use of it then throws
// std::logic_error, so that a command reading it without asking for it fails loudly.
template <class Record>
class CodeTable {
 public:
  const Record* find(std::string_view code) const {
    require();
    auto found = index_.find(code);
    return found == index_.end() ? nullptr : &records_[found->second];
  }
  Record* find_mutable(std::string_view code) {
    require();
    auto found = index_.find(code);
    return found == index_.end() ? nullptr : &records_[found->second];
  }
  const Record& by_id(std::int64_t id) const {
    require();
    return records_.at(static_cast<std::size_t>(id - 1));
  }
  Record& by_id_mutable(std::int64_t id) {
    require();
    return records_.at(static_cast<std::size_t>(id - 1));
  }
  std::int64_t next_id() const {
    require();
    return static_cast<std::int64_t>(records_.size()) + 1;
  }
  void add(Record record) {
    require();
    index_.emplace(record.code, records_.size());
    records_.push_back(std::move(record));
  }
  const std::vector<Record>& all() const {
    require();
    return records_;
  }
  void clear() {
    records_.clear();
    index_.clear();
    unread_ = false;
  }
  // Empties the table and marks it unread.
  void leave_unread() {
    clear();
    unread_ = true;
  }
  bool unread() const { return unread_; }

 private:
  void require() const {
    if (unread_) throw std::logic_error("a master table was used by a command that did not read it");
  }

  std::vector<Record> records_;
  std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> index_;
  bool unread_ = false;
};

// A UN operational rate in force from day, recorded by the event seq.
struct RateEntry {
  std::int32_t day = 0;
  Decimal per_usd;
  std::int64_t seq = 0;
};

struct CurrencyRecord {
  std::int64_t id = 0;
  std::string code;
  int minor_units = 2;
  std::int64_t declared_seq = 0;  // the currency event that declared it; 0 for an ISO currency used
  std::vector<RateEntry> rates;   // by effective day, ascending
};

// Master records carry the seq of the event that recorded them.
struct AccountRecord {
  std::int64_t id = 0;
  std::string code;
  AccountEvent event;
  std::int64_t seq = 0;
};

// A dated change of a donor's, fund's or project's descriptive fields (an amend event): what it
// changes from its effective day on; a field it leaves out stays as it was.
struct Amendment {
  std::int64_t seq = 0;
  std::int32_t day = 0;
  std::optional<std::string> name;
  std::optional<std::string> category;
  std::optional<std::string> country;
};

struct FundRecord {
  std::int64_t id = 0;
  std::string code;
  FundEvent event;
  std::int64_t seq = 0;
  std::vector<Amendment> amendments;  // by day, then seq
};

struct DonorRecord {
  std::int64_t id = 0;
  std::string code;
  DonorEvent event;
  std::int64_t seq = 0;
  std::vector<Amendment> amendments;
};

struct ProjectRecord {
  std::int64_t id = 0;
  std::string code;
  ProjectEvent event;
  std::int64_t fund_id = 0;
  std::int64_t seq = 0;
  std::vector<Amendment> amendments;
};

// An amendment as stored: of which kind of record ("donor", "fund", "project") and which one.
struct AmendmentRow {
  std::string kind;
  std::int64_t record_id = 0;
  Amendment amendment;
};

struct PledgeRecord {
  std::int64_t id = 0;
  std::string code;
  std::int64_t seq = 0;  // the pledge event
  std::int64_t donor_id = 0;
  std::int64_t fund_id = 0;
  std::int64_t currency_id = 0;
  std::int64_t project_id = 0;
  Purpose purpose = Purpose::general;
  bool conditional = false;
  Date signed_on = Date::from_day_number(0);
  std::optional<Decimal> psc_rate;
  std::int64_t amount_minor = 0;  // pledged, in the pledge currency
  bool reversed = false;          // a reversal event cancelled the pledge itself
};

// One instalment of a pledge: due day, amount in the pledge currency, and the event that
// recognized it (the pledge or a close, a receipt or an apply), 0 while it is not recognized.
struct InstalmentRow {
  std::int64_t line = 0;
  std::int32_t due = 0;
  std::int64_t amount_minor = 0;
  std::int64_t recognized_seq = 0;
  // What reductions took off it before it was recognized (instalment_cuts): never to be recognized.
  std::int64_t cut_minor = 0;
};

// What a reduction took off an instalment not yet recognized (a reversal of the reduction adds the
// negation): in the pledge currency, no posting.
struct InstalmentCut {
  std::int64_t pledge_id = 0;
  std::int64_t line = 0;
  std::int64_t amount_minor = 0;
};

// A setting's value from day (the earliest possible day when given without one), recorded by seq.
struct SettingEntry {
  std::int32_t day = 0;
  std::string value;
  std::int64_t seq = 0;
};

// A setting's values by effective day, ascending.
struct SettingHistory {
  std::vector<SettingEntry> values;
};

// The master data of a ledger, held in memory: small, read by every rule, and changed only by the
// events that record it.
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
  applied_ahead = 4,      // money paid ahead applied to an instalment as it is recognized ("applied": true)
};

// The kind of event a posting counts as in the table of movements the reports read
// (movements.kind): a reversal counts as the kind it reverses, with the opposite sign; a close's
// postings (and a reopening's) as the revaluation, the recognition of instalments, or the year-end.
// Persisted: never renumber.
enum class MovementKind : int {
  other = 0,  // a generic entry, or an event of no kind below
  pledge = 1,
  condition_met = 2,
  recognition = 3,  // an instalment recognized by a close when it fell due
  receipt = 4,
  apply = 5,
  reduction = 6,
  allowance = 7,
  write_off = 8,
  refund = 9,
  expense_programme = 10,
  expense_grant = 11,
  advance = 12,
  partner_report = 13,
  transfer = 14,
  interest = 15,
  revaluation = 16,  // a close's restatement at the month's rate, and its reversal
  year_end = 17,
};

// "receipt", "expense_grant", "revaluation"...: a kind as messages and reports name it.
const char* movement_kind_name(MovementKind kind) noexcept;

// The one table of movement kinds, which the recorder follows and from which the store writes the
// same decision in SQL (store/sql_txn.hpp, movement_kind_sql) for the migrations and the edges of
// a report's period:
//   - a posting of one of these kinds counts as its kind, whatever its event ...
struct PostingMovementKind {
  PostingKind posting;
  MovementKind kind;
};
inline constexpr PostingMovementKind posting_movement_kinds[] = {
    {PostingKind::recognition, MovementKind::recognition},
    {PostingKind::year_end, MovementKind::year_end},
    {PostingKind::applied_ahead, MovementKind::apply},
};
//   - ... any other as the type of its event (a reversal's as the type it reverses); an expense
//     as its category: expense_grant for "grant", expense_programme otherwise; any type not
//     named, as other.
struct EventMovementKind {
  std::string_view type;
  MovementKind kind;
};
inline constexpr EventMovementKind event_movement_kinds[] = {
    {"pledge", MovementKind::pledge},
    {"condition_met", MovementKind::condition_met},
    {"receipt", MovementKind::receipt},
    {"apply", MovementKind::apply},
    {"reduction", MovementKind::reduction},
    {"allowance", MovementKind::allowance},
    {"write_off", MovementKind::write_off},
    {"refund", MovementKind::refund},
    {"advance", MovementKind::advance},
    {"partner_report", MovementKind::partner_report},
    {"transfer", MovementKind::transfer},
    {"interest", MovementKind::interest},
    {"period_close", MovementKind::revaluation},
    {"period_reopen", MovementKind::revaluation},
};

// The kind of an event of this type (an expense by its category), before its postings' own kinds.
MovementKind event_movement_kind(std::string_view type, bool grant = false);
// The kind a posting of an event of event_kind counts as.
inline MovementKind movement_kind(MovementKind event_kind, int posting_kind) {
  for (const PostingMovementKind& row : posting_movement_kinds) {
    if (static_cast<int>(row.posting) == posting_kind) return row.kind;
  }
  return event_kind;
}

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
// account, fund, donor, project, pledge, currency, month (year * 12 + month - 1), kind
using MovementKey = std::array<std::int64_t, 8>;
// account, fund, month, kind: the movements without their donor, project, pledge and currency
using KindMonthKey = std::array<std::int64_t, 4>;


// The hash of a key of ids (a balance key, a month key, a movement key).
struct BalanceKeyHash {
  template <std::size_t N>
  std::size_t operator()(const std::array<std::int64_t, N>& key) const noexcept {
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

// What a transaction's postings add to the tables of sums: by full key, by (account, fund,
// currency, month), by movement key, and by (account, fund, month, kind).
struct BalanceDeltas {
  std::vector<std::pair<BalanceKeyIds, BalanceSums>> balances;
  std::vector<std::pair<std::array<std::int64_t, 4>, BalanceSums>> monthly;
  std::vector<std::pair<MovementKey, BalanceSums>> movements;
  std::vector<std::pair<KindMonthKey, BalanceSums>> monthly_kinds;
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

// An event as the journal keeps it, for the rules that refer to one (idempotency, an apply's
// receipt, a reversal's target).
struct EventRef {
  std::int64_t seq = 0;
  std::string type;
  std::string body;                 // canonical JSON of its fields
  std::optional<std::int32_t> day;  // its date, when it has one
};

// Money held by an event: an advance (2100), an unidentified receipt (2150), a refund payable
// (2300), or owed to it: an advance to an implementing partner (1400, an asset). Amounts are
// positive and what remains after the moves recorded against it.
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
  bool asset = false;   // held by the ledger's side (1400): a debit balance
  std::string partner;  // an advance's implementing partner
  std::int64_t project_id = 0;
  // The balance it is: a liability's credit negative, an asset's debit positive.
  Position position() const { return asset ? Position{amount_minor, functional_minor} : Position{-amount_minor, -functional_minor}; }
};

// An approved budget (the budgets table): USD cents for a fund's year, project 0 for the whole
// fund, category "" for every category; seq is its event's.
struct BudgetRow {
  std::int64_t seq = 0;
  std::int64_t fund_id = 0;
  std::int64_t project_id = 0;
  std::string category;
  int year = 0;
  std::int64_t amount_minor = 0;
};

// What an event took from a holding (negative) or gave back to it; day, when set, the day it takes
// effect if not the event's own (a close restating the relief of a later day).
struct HoldingMove {
  std::int64_t holding_seq = 0;
  std::int64_t amount_minor = 0;
  std::int64_t functional_minor = 0;
  std::optional<std::int32_t> day;
};

// A move as a walk through a holding's history reads it: recorded by event_seq, effective on day.
struct DatedMove {
  std::int64_t event_seq = 0;
  std::int32_t day = 0;
  HoldingMove move;
};

// A posting as a walk through the journal reads it: recorded by seq, dated day.
struct DatedPosting {
  std::int64_t seq = 0;
  std::int32_t day = 0;
  StoredPosting posting;
};

// A balance by its full key: currency amount and USD, each the sum of the postings (debit
// positive).
struct KeyedSums {
  BalanceKeyIds key{};
  Position sums;
};

// A foreign-currency monetary balance as the close restates it: cash by fund and currency, a
// pledge's receivable or allowance, or money held by one event (holding_seq).
struct MonetaryPosition {
  BalanceKeyIds key{};
  std::int64_t holding_seq = 0;
  Position balance;
  bool asset_holding = false;  // a holding on the ledger's side (an advance to a partner, 1400)
};

// What tells whether a pledge is cancelled: its reversal, or a reduction or write-off of all of it
// before anything was received (net of reversals).
struct PledgeCancellation {
  std::int64_t received_minor = 0;
  std::int64_t reduced_minor = 0;  // reductions and write-offs
};

// The seal of a closed month.
struct SealRow {
  std::string period;
  std::int64_t close_seq = 0;
  std::string recorded_at;
  std::string head_hash;
  std::string balances_hash;
};

// Months counted from year 0: year * 12 + month - 1 (the month column of monthly_balances).
inline std::int64_t month_index(Date day) { return static_cast<std::int64_t>(day.year()) * 12 + day.month() - 1; }

// The smallest day a Date can hold: settings without an effective date apply from it.
inline constexpr std::int32_t beginning_of_time = -1000000;

}  // namespace detail

}  // namespace fundledger
