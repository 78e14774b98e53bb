// Private: what the rules look up in the master data: the rate in force on a day, a setting's value
// on a day, the rounding, and the conversion of an amount to USD. Pure functions of the master data.
#pragma once

#include "core/types.hpp"

#include <string>
#include <string_view>

namespace fundledger::detail {

// The rate in force on day (the latest effective on or before it); throws Error (bad_input) naming
// the currency and the date when there is none.
const Decimal& rate_on(const CurrencyRecord& currency, Date day);
// The value of a setting in force on day, or the standard value of a ledger created without it.
std::string setting_on(const MasterState& master, std::string_view key, Date day);
Rounding rounding_on(const MasterState& master, Date day);

// The version of the accounting rules in force on day: the rules_version setting, 1 when a ledger
// has none (ledgers made before it), 2 in every ledger init makes. A rule that changed says which
// version it follows, so that a journal replays exactly as it was recorded (ledger/README.md,
// "Versions of the rules").
int rules_version_on(const MasterState& master, Date day);
// The rules that keep a holding whole in any order (ledger/README.md, "Order, corrections and the
// corners of a holding") are in force on day: rules_version 2 or later.
inline bool whole_holdings_on(const MasterState& master, Date day) { return rules_version_on(master, day) >= 2; }
// Whether the rules of version (or a later one) are in force on day.
inline bool rules_at_least(const MasterState& master, Date day, int version) {
  return rules_version_on(master, day) >= version;
}
// amount in USD cents at the rate in force on day, rounded with the ledger's rounding in force that
// day, with the amount's own sign. Throws Error (bad_input) naming the field "amount" when the USD
// value is beyond what the ledger holds.
std::int64_t usd_value_minor(const MasterState& master, const CurrencyRecord& currency, const Decimal& amount,
                             Date day);

// The value of a descriptive field in force on day: the latest amendment effective on or before day
// that sets it, else what the record was created with.
template <class Record>
std::string name_on(const Record& record, Date day) {
  std::string value = record.event.name;
  for (const Amendment& amendment : record.amendments) {
    if (amendment.day <= day.day_number() && amendment.name) value = *amendment.name;
  }
  return value;
}
std::string category_on(const DonorRecord& donor, Date day);
std::string country_on(const DonorRecord& donor, Date day);

// Adds an amendment to a record's history, in order of day, then of recording.
void add_amendment(std::vector<Amendment>& history, Amendment amendment);

}  // namespace fundledger::detail
