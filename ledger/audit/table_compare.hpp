// Private: verify's comparison of every table of a store with the same table of the ledger rebuilt
// from its journal.
#pragma once

#include "store/store.hpp"

#include <cstdint>
#include <string>

namespace fundledger::audit {

struct TableDifference {
  std::int64_t seq = 0;  // the event the row names (the one that recorded it), 0 for none
  std::string problem;   // empty: none
};

// The first row, over every table in store::tables() order, in which stored differs from rebuilt,
// named with the codes of master.
TableDifference first_difference(const detail::MasterState& master, store::ReadTxn& stored, store::ReadTxn& rebuilt);

}  // namespace fundledger::audit
