// Private: how the library's own modules (journal, reports, pledges, periods) reach a Ledger's
// store and its cached master data, without a public back door.
#pragma once

#include "engine/recorder.hpp"
#include "store/store.hpp"

#include <fundledger/ledger.hpp>

#include <memory>
#include <string>

namespace fundledger {

struct Ledger::Impl {
  explicit Impl(std::unique_ptr<store::Store> opened) : store(std::move(opened)), recorder(*store, cache) {}
  std::unique_ptr<store::Store> store;
  detail::LedgerCache cache;
  detail::Recorder recorder;
};

namespace detail {

// A consistent snapshot of a ledger: a read transaction and the master data as of it.
struct Snapshot {
  std::unique_ptr<store::ReadTxn> txn;
  const MasterState& master;
};

class LedgerAccess {
 public:
  static store::Store& store(const Ledger& ledger) { return *ledger.impl_->store; }
  // A read transaction, with the cached master data brought up to date; its pledges read only
  // when asked for (a command that uses them unread fails loudly: CodeTable).
  static Snapshot read(const Ledger& ledger, Pledges pledges = Pledges::skip);
  static Recorder& recorder(Ledger& ledger) { return ledger.impl_->recorder; }
  static Ledger make(std::unique_ptr<store::Store> store);
};

// Runs work, mapping a failure of the store's backend to Error (busy or storage), saying what was
// being done; an Error passes through unchanged.
template <class Work>
auto guarded(const store::Store& store, const std::string& doing, Work&& work) {
  try {
    return work();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    store.fail(error, doing);
    throw;  // not reached: fail throws
  }
}

}  // namespace detail

}  // namespace fundledger
