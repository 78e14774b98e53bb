// Private: verify's comparison of every table of a store with the same table of the ledger rebuilt
// from its journal.
#pragma once

#include "store/store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fundledger::audit {

struct TableDifference {
  std::int64_t seq = 0;  // the event the row names (the one that recorded it), 0 for none
  std::string problem;   // empty: none
};

// The first row, over every table in store::tables() order but those left out, in which stored
// differs from rebuilt, named with the codes of master.
TableDifference first_difference(const detail::MasterState& master, store::TableReader& stored, store::TableReader& rebuilt,
                                 const std::vector<std::string>& left_out = {});

// The first row of the movements of one month in which stored differs from rebuilt.
TableDifference month_difference(const detail::MasterState& master, store::TableReader& stored, store::TableReader& rebuilt,
                                 std::int64_t month);

// The first row in which movement_totals differs from the movements summed over their months (a
// table the rebuild does not keep: it follows from the movements, compared first).
TableDifference totals_difference(const detail::MasterState& master, store::ReadTxn& stored);

// How one row of a table differs, its values as text in the order of the table's key and columns
// (none: absent), or no problem when they are equal.
TableDifference row_difference(const detail::MasterState& master, const store::TableSpec& table,
                               const std::vector<std::string>* stored, const std::vector<std::string>* expected);

}  // namespace fundledger::audit
