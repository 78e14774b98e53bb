// The periods of a ledger: which months are closed, when, by which event, with which seal.
//
// Months close strictly in order from the month of the earliest entry; every day up to the end of
// the latest closed month is locked. Closing and reopening are journal events (PeriodCloseEvent,
// PeriodReopenEvent in events.hpp), recorded with Ledger::record.
//
// Example:
//   ledger.record(PeriodCloseEvent{Period::parse("2024-01")});
//   for (const auto& period : list_periods(ledger)) std::cout << period.period.to_string() << " " << period.state;
//
// Thread-safety: as for Ledger.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/ledger.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fundledger {

struct PeriodStatus {
  Period period = Period::parse("2000-01");
  std::string state;              // "closed" or "open"
  std::int64_t close_seq = 0;     // the period_close event (0 when open)
  std::string closed_at;          // when it was recorded (UTC), empty when open
  std::string head_hash;          // the seal: the hash of the close event
  std::string balances_hash;      // the seal: SHA-256 of the closing balances
};

// Every month from the first period to the month after the latest closed one (or to the month
// of the latest entry, whichever is later).
std::vector<PeriodStatus> list_periods(const Ledger& ledger);

}  // namespace fundledger
