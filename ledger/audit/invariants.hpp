// Private: the checks of verify that do not trust the rules (ledger/README.md, "Checks that do not
// trust the rules"). Verify re-runs the rules, so a rule that is wrong re-derives the same wrong
// postings; these invariants hold for every correct ledger whatever the rules did, and are computed
// from the journal's postings alone, event by event:
//   1. every entry balances per fund and currency and per fund in USD, and what an event of the
//      rules (not a generic entry) posts to 1900 nets to zero in USD in every fund;
//   2. a holding with nothing in its currency holds nothing in USD, and money held never has the
//      wrong sign;
//   3. a pledge's allowance is never below zero nor above its receivable, in currency and in USD;
//   4. an event that does not say allow_overdraft never takes a fund's cash below zero, in USD or in
//      a currency it takes, nor lowers one already below;
//   5. after a year-end close, every revenue, expense and transfer (3200) account of the fund is
//      zero through the year's last day;
//   6. each pledge's figures (received, reduced, written off, receivable, deferred, outstanding)
//      are the sums of its postings by kind.
// 2 to 4 and the transfers of 5 hold from rules version 2 on (what a ledger recorded before keeps
// what version 1 left; keys with such history are counted apart).
#pragma once

#include "core/types.hpp"
#include "engine/ledger_access.hpp"
#include "store/store.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fundledger::audit {

// The first invariant that fails: which (1 to 6), its key in words, what is wrong, and the seq of
// the event after which it fails (the report names it apart).
struct InvariantFailure {
  int invariant = 0;
  std::string key;
  std::string problem;
  std::int64_t seq = 0;
  std::string describe() const;
};

// How many times each invariant was checked (the index is the invariant, 1 to 6), and how many
// keys were left out for their history under rules version 1.
struct InvariantCounts {
  std::array<std::int64_t, 7> checked{};
  std::int64_t inherited_keys = 0;
};

class InvariantCheck {
 public:
  // master is the ledger's master data, which may grow as events are added.
  explicit InvariantCheck(const detail::MasterState& master);

  // Takes one event of the journal, as stored, after its chain and postings are checked (every
  // event from the first, in order); returns the first invariant it breaks. txn reads the event a
  // reversal names.
  std::optional<InvariantFailure> add(const store::JournalRow& row, store::ReadTxn& txn);
  // At the end of the journal: each pledge's figures, as the snapshot's pledge projection gives
  // them, against its postings.
  std::optional<InvariantFailure> finish(const detail::Snapshot& snapshot);
  const InvariantCounts& counts() const { return counts_; }

  // One balance kept from the postings: its currency amount and USD.
  struct Sums {
    std::int64_t amount = 0;
    std::int64_t usd = 0;
  };
  // A pledge's figures from its postings, in its currency.
  struct PledgeSums {
    std::int64_t received = 0;
    std::int64_t reduced = 0;
    std::int64_t written_off = 0;
    std::int64_t receivable = 0;
    std::int64_t deferred = 0;
    std::int64_t last_seq = 0;
  };

 private:
  enum class Role { none, cash, receivable, allowance, held_credit, held_debit, deferred, exchange, year_result };
  Role role_of(std::int64_t account_id);
  void learn_roles();
  std::string kind_of(const store::JournalRow& row, store::ReadTxn& txn) const;
  std::optional<InvariantFailure> check_holdings(const store::JournalRow& row, bool whole);
  std::optional<InvariantFailure> check_cash(const store::JournalRow& row, bool whole, store::ReadTxn& txn);
  std::optional<InvariantFailure> check_year_end(const store::JournalRow& row, bool whole);
  std::string key_text(const detail::BalanceKeyIds& key) const;
  std::string amount_text(std::int64_t minor, std::int64_t currency_id) const;

  const detail::MasterState& master_;
  std::vector<Role> roles_;  // by account id
  std::int64_t usd_id_ = 0;
  std::map<detail::BalanceKeyIds, Sums> holdings_;  // cash by (fund, currency), the others by full key
  // The holdings moved by an event recorded under rules version 1: invariants 2 and 3 leave them out.
  std::map<detail::BalanceKeyIds, bool> inherited_keys_;
  std::map<std::pair<std::int64_t, std::int64_t>, Sums> cash_;  // (fund, currency)
  std::map<std::int64_t, std::int64_t> cash_usd_;                 // fund
  // Revenue, expense and 3200 by (account, fund, currency), then by the year of the posting's day.
  std::map<std::array<std::int64_t, 3>, std::map<int, Sums>> results_;
  std::unordered_map<std::int64_t, PledgeSums> pledges_;
  InvariantCounts counts_;
};

}  // namespace fundledger::audit
