// fundledger::Ledger: one ledger file, the single path by which anything is recorded, and the
// balances read from it.
//
// A ledger is an SQLite database file. Every event goes through record() or record_batch(), which
// validate it, derive its postings (USD amounts at the rate in force, the rounding residual to
// 5900), check every invariant of a journal entry, and append it to the hash-chained journal in
// one transaction. Nothing stored is ever updated or deleted.
//
// Example:
//   auto ledger = Ledger::create("fund.db");           // empty; Ledger::init adds the standard chart
//   ledger.record(parse_event(R"({"type":"rate","currency":"EUR","effective":"2024-01-01",
//                                 "per_usd":"0.912"})"));
//   auto rows = ledger.balances({});                   // by account and fund, in USD
//
// Errors: every member throws fundledger::Error: bad_input, unknown_reference, conflict,
// unbalanced, closed_period for events the ledger refuses (nothing is written), storage for a file
// that is not a ledger or a failing database, busy when another writer held the database for
// longer than the busy timeout (safe to retry).
//
// Thread-safety: a Ledger object must be used by one thread at a time. Several Ledger objects, in
// as many threads or processes, may open the same file: writers take turns (each batch is one
// transaction) and readers always see a whole batch or none of it.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/decimal.hpp>
#include <fundledger/events.hpp>

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fundledger {

enum class OpenMode { read_write, read_only };

// What record() did with one event.
struct RecordResult {
  bool recorded = false;  // false: the identical event was already recorded (a no-op)
  std::int64_t seq = 0;   // the journal sequence number of the event (the earlier one on a no-op)
  // What an officer should know of what was recorded, in sentences: a receipt beyond what its
  // pledge has outstanding, held for the donor as an advance (2100), says how much.
  std::vector<std::string> notes;
};

// The dimensions a balance may be grouped by.
enum class BalanceKey { account, fund, donor, project, pledge, currency };
const char* balance_key_name(BalanceKey key) noexcept;
// Parses "account,fund,currency"; throws Error (bad_input) naming an unknown key or a repeat.
std::vector<BalanceKey> parse_balance_keys(std::string_view text);

struct BalanceQuery {
  std::vector<BalanceKey> group_by{BalanceKey::account, BalanceKey::fund};
  std::optional<Date> from;   // postings dated on or after
  std::optional<Date> as_of;  // postings dated on or before
};

// One group of postings. With currency among the keys, amounts are in that currency; otherwise USD.
struct BalanceRow {
  std::vector<std::string> keys;  // in the order of group_by; empty when the dimension is absent
  std::string currency;           // the currency of the amounts
  Decimal debit;                  // sum of the debits (positive)
  Decimal credit;                 // sum of the credits (positive)
  Decimal balance() const { return debit - credit; }
};

// Figures of a progress callback: how far an import, verify or replay has gone.
struct Progress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;  // 0 when unknown
};
using ProgressCallback = std::function<void(const Progress&)>;

struct ImportResult {
  std::uint64_t lines = 0;     // events read
  std::uint64_t recorded = 0;  // events appended
  std::uint64_t already_recorded = 0;
};

// How a ledger is opened. The library reads no environment variable: the command line takes
// FUNDLEDGER_BUSY_TIMEOUT_MS and passes it here.
struct LedgerOptions {
  int busy_timeout_ms = 10000;  // how long a writer waits for another before Error (busy)
  // A read-only SQLite ledger that no writer has open is read as an immutable file, leaving no
  // -wal or -shm beside it. A reader that lives beside writers (a service) sets shared_reads:
  // it then always reads through SQLite's WAL index, so that a writer starting later never
  // changes pages under it. It needs write access to the ledger's folder.
  bool shared_reads = false;
};

namespace detail {
class LedgerAccess;
}

class Ledger {
 public:
  // Creates an empty ledger (the schema, no events). Throws Error (output_uncreatable) if the file
  // exists or cannot be created.
  static Ledger create(const std::string& path, const LedgerOptions& options = {});
  // Creates a ledger and records the standard chart of accounts (unless bare) and the standard
  // settings: USD functional currency, half-even rounding, 13% PSC rate, upfront recognition.
  static Ledger init(const std::string& path, bool bare = false, const LedgerOptions& options = {});
  // Opens an existing ledger. Throws Error (input_unreadable) if it does not exist, Error (storage)
  // if it is not a fundledger ledger or has a newer schema.
  static Ledger open(const std::string& path, OpenMode mode = OpenMode::read_write, const LedgerOptions& options = {});

  Ledger(Ledger&&) noexcept;
  Ledger& operator=(Ledger&&) noexcept;
  ~Ledger();

  const std::string& path() const;

  // Records one event in its own transaction.
  RecordResult record(const Event& event);
  // Records events in one transaction: all of them, or none if any is refused. The Error of a
  // refused event says which one ("event 12: ...").
  std::vector<RecordResult> record_batch(const std::vector<Event>& events);
  // Records the JSON Lines events read from input in one transaction, all or nothing. source_name
  // names the input in messages ("journal.jsonl:12: postings[0].amount: ...").
  ImportResult import_jsonl(std::istream& input, const std::string& source_name,
                            const ProgressCallback& progress = {});

  std::vector<BalanceRow> balances(const BalanceQuery& query) const;

  // Events in the journal, and the hash of the last one (64 zeros when empty).
  std::int64_t event_count() const;
  std::string head_hash() const;

 private:
  struct Impl;  // the store, the cached master data and the recorder (engine/ledger_access.hpp)
  friend class detail::LedgerAccess;  // the library's own modules (journal, reports, pledges, periods)
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fundledger
