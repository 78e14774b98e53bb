// Private: the one path by which anything is recorded. record(event) = the rules give the Change,
// the invariants are checked, the event is appended with its seq and hash, its projections are
// applied, all inside one write transaction of the store, committed by the caller. Every writer
// goes through it: the command line, import, replay, the library, and verify's rebuild.
#pragma once

#include "engine/store_state.hpp"
#include "rules/change.hpp"
#include "store/store.hpp"

#include <fundledger/ledger.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fundledger::detail {

// Whether a command reads the pledges with the master data: the rules, the journal and what names
// a pledge do; a report that only sums balances does not, and so does not load a table that grows
// with the ledger (170,000 pledges in the domain benchmark).
enum class Pledges { skip, read };

// What a ledger keeps in memory between transactions: its master data, its latest closed month
// and its head, valid while the store's head is the same. The pledges are read when first asked.
struct LedgerCache {
  MasterState master;
  std::optional<Period> last_closed;
  store::Head head;
  bool loaded = false;

  // Reloads from txn when another connection appended events since this one last looked, and
  // reads the pledges if asked and not read yet.
  void refresh(store::StateReader& txn, Pledges pledges);
};

// An event refused when the balances of its batch were checked (check_balances), after it was
// appended to the transaction, which must then be rolled back; seq() says which event it was.
class BatchRefusal : public Error {
 public:
  BatchRefusal(std::int64_t seq, const Error& error) : Error(error), seq_(seq) {}
  std::int64_t seq() const { return seq_; }

 private:
  std::int64_t seq_;
};

class Recorder {
 public:
  // An event recorded in the transaction whose balances are not yet checked against the store.
  struct Unchecked {
    std::int64_t seq = 0;
    std::vector<StoredPosting> postings;  // each with its date
  };

  Recorder(store::Store& store, LedgerCache& cache) : begin_([&store] { return store.write(); }), cache_(cache) {}
  // A recorder into transactions of its own (verify's rebuild in memory).
  Recorder(std::function<std::unique_ptr<store::RecordTxn>()> begin, LedgerCache& cache)
      : begin_(std::move(begin)), cache_(cache) {}

  // Begins a write transaction; its events are recorded at recorded_at ("YYYY-MM-DDTHH:MM:SSZ"),
  // now when absent.
  void begin(std::optional<std::string> recorded_at = std::nullopt);
  // Records one event in the transaction. Its balances are checked against what the store holds
  // with those of the events around it, by check_balances: a caller that records many events calls
  // it after each batch (commit calls it last), and names the event a BatchRefusal gives.
  RecordResult record(const Event& event);
  // Checks that no balance the events recorded since the last check touched (with what the store
  // holds) leaves the range of a stored amount; throws BatchRefusal (bad_input) naming the first
  // event that took one past it.
  void check_balances();
  // Asks the store once which of the ids of the events about to be recorded it holds, so that
  // recording each needs no look-up of its own (a round trip to a database server).
  void look_up(const std::vector<std::string>& event_ids);
  // Checks the balances and adds the sums recorded so far to the store's tables, within the
  // transaction.
  void flush();
  // Adds the balance sums and commits; or rolls back, forgetting what the transaction cached.
  void commit();
  // Commits and hands back the transaction, whose store lives as long as it does (verify's rebuild
  // in memory).
  std::unique_ptr<store::RecordTxn> commit_and_release();
  void rollback() noexcept;
  bool active() const { return txn_ != nullptr; }

  // Replay records each event at the recorded_at of its export line.
  void set_recorded_at(std::string recorded_at) { recorded_at_ = std::move(recorded_at); }
  // The canonical postings of the event appended last (none: it posted nothing), and the head.
  const std::optional<std::string>& last_postings_json() const { return last_postings_json_; }
  const store::Head& head() const { return cache_.head; }

 private:
  void check_own_headroom(const Change& change);
  // Every sum a report can print stays exact: the ledger's total debits and credits, by currency
  // and in USD, stay within the range of a stored amount; throws BatchRefusal (bad_input) naming
  // the first unchecked event that takes one past it.
  void check_totals();
  std::string headroom_message(const StoredPosting& posting) const;
  template <class Key, class KeyOf>
  void check_key(const Key& key, const BalanceSums& stored, const BalanceSums& pending, KeyOf key_of);
  // Events recorded without a caller checking them are checked this many at a time.
  static constexpr std::size_t max_unchecked = 4096;
  // Sums kept in memory before they are added to the store's tables within the transaction.
  static constexpr std::size_t max_pending_sums = 50000;
  void apply_master(Change& change);
  void store_master(const Change& change, std::int64_t seq);
  void apply_projections(const Change& change, std::int64_t seq);
  void seal(const Change& change, std::int64_t seq, const std::string& hash);
  std::int64_t cash_account() const;

  std::function<std::unique_ptr<store::RecordTxn>()> begin_;
  LedgerCache& cache_;
  std::unique_ptr<store::RecordTxn> txn_;
  Pending pending_;
  std::vector<Unchecked> unchecked_;
  std::string recorded_at_;
  std::optional<std::string> last_postings_json_;
  // The ledger's grand totals, read at the first event of the transaction that posts, with what the
  // transaction posted since.
  std::optional<store::GrandTotals> totals_;
};

// What is wrong with postings the rules produced, or empty: one posting alone; a fund and currency,
// or a fund in USD, that does not sum to zero; an id that names no master record. The recorder
// asserts it of every change before it appends anything: the rules and the posting builder never
// produce such postings, so a change with them is a defect of the program, refused
// (std::logic_error) with nothing written.
std::string change_defect(const MasterState& master, const std::vector<StoredPosting>& postings);

}  // namespace fundledger::detail
