// The limits of fundledger, in one place, with the assertions that tie them together.
//
// Thread-safety: constants only.
#pragma once

#include <cstddef>

namespace fundledger::limits {

// A Decimal holds a signed coefficient of at most this many decimal digits, exactly.
inline constexpr int max_decimal_digits = 38;
// Digits after the decimal point that a Decimal may carry (parse, results of + - * and rescale).
inline constexpr int max_scale = 38;
// Minor units a currency may declare (ISO 4217 uses at most 4: CLF, UYW).
inline constexpr int max_minor_units = 8;
// Codes of accounts, funds, donors, projects, pledges and currencies.
inline constexpr std::size_t max_code_length = 32;
// Event identifiers (idempotency keys).
inline constexpr std::size_t max_event_id_length = 64;
// Postings in one journal entry.
inline constexpr std::size_t max_postings_per_entry = 10000;
// Bytes in one line of a JSON Lines journal.
inline constexpr std::size_t max_journal_line_bytes = 4 * 1024 * 1024;

static_assert(max_scale <= max_decimal_digits,
              "a scale beyond the digit count would make 10^scale unrepresentable");
static_assert(max_minor_units <= max_scale, "every currency amount must be a valid Decimal");
static_assert(max_decimal_digits <= 38,
              "the coefficient is stored in a 128-bit integer: 10^38 < 2^127 < 10^39");

}  // namespace fundledger::limits
