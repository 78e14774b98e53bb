// Private: the events Ledger::init records: the standard settings (USD functional currency,
// half-even rounding, 13% PSC rate, upfront recognition) and, unless bare, the standard chart of
// accounts.
#pragma once

#include <fundledger/events.hpp>

#include <vector>

namespace fundledger::detail {

std::vector<Event> standard_events(bool bare);

}  // namespace fundledger::detail
