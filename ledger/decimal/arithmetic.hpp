// Private: the wide integer types and the single rounding step behind Decimal and allocate().
#pragma once

#include <fundledger/decimal.hpp>

#include <boost/multiprecision/cpp_int.hpp>

#include <array>

namespace fundledger::detail {

// The coefficient's own width: the compiler's 128-bit integer.
using Int128 = Decimal::Coefficient;
// Aligning two 38-digit coefficients by up to 38 places, or multiplying two of them, stays below
// 10^76 < 2^255.
using Int256 = boost::multiprecision::int256_t;
// A quotient's numerator may be a 38-digit coefficient times 10^76: below 10^114 < 2^511.
using Int512 = boost::multiprecision::int512_t;

// 10^n for n in [0, 2 * max_scale + max_decimal_digits], in the width asked for.
const Int128& power_of_ten_128(int exponent);  // exponent <= 38
const Int256& power_of_ten_256(int exponent);  // exponent <= 76
const Int512& power_of_ten_512(int exponent);  // exponent <= 114

// The largest coefficient magnitude, 10^38 - 1, in each width.
const Int128& max_coefficient_128();
const Int256& max_coefficient_256();
const Int512& max_coefficient_512();

// The few operations the rounding step needs, alike on the 128-bit integer and Boost's wide ones.
inline Int128 magnitude_of(Int128 value) { return value < 0 ? -value : value; }
template <class Int>
Int magnitude_of(const Int& value) {
  return boost::multiprecision::abs(value);
}
inline int sign_of(Int128 value) { return (value > 0) - (value < 0); }
template <class Int>
int sign_of(const Int& value) {
  return value.sign();
}
// Truncating division, the remainder taking the numerator's sign.
inline void divide_with_remainder(Int128 numerator, Int128 denominator, Int128& quotient, Int128& remainder) {
  quotient = numerator / denominator;
  remainder = numerator % denominator;
}
template <class Int>
void divide_with_remainder(const Int& numerator, const Int& denominator, Int& quotient, Int& remainder) {
  boost::multiprecision::divide_qr(numerator, denominator, quotient, remainder);
}
inline bool is_odd(Int128 value) { return (value & 1) != 0; }
template <class Int>
bool is_odd(const Int& value) {
  return bit_test(value, 0);
}

// numerator / denominator rounded once to an integer by mode. The denominator must not be zero.
template <class Int>
Int round_quotient(const Int& numerator, const Int& denominator, Rounding mode) {
  Int quotient;
  Int remainder;
  divide_with_remainder(numerator, denominator, quotient, remainder);
  if (remainder == 0) return quotient;
  const bool negative = (sign_of(numerator) < 0) != (sign_of(denominator) < 0);
  // Compare the dropped fraction with one half: |r| against |d| - |r| (2|r| could pass the
  // 128-bit integer's range when |r| is near 10^38).
  const Int dropped = magnitude_of(remainder);
  const Int rest = magnitude_of(denominator) - dropped;
  const int against_half = dropped < rest ? -1 : (dropped == rest ? 0 : 1);
  bool away_from_zero = false;
  switch (mode) {
    case Rounding::Down: away_from_zero = false; break;
    case Rounding::Up: away_from_zero = true; break;
    case Rounding::HalfUp: away_from_zero = against_half >= 0; break;
    case Rounding::HalfDown: away_from_zero = against_half > 0; break;
    case Rounding::HalfEven:
      away_from_zero = against_half > 0 || (against_half == 0 && is_odd(quotient));
      break;
    case Rounding::Ceiling: away_from_zero = !negative; break;
    case Rounding::Floor: away_from_zero = negative; break;
  }
  if (away_from_zero) quotient += negative ? -1 : 1;
  return quotient;
}

}  // namespace fundledger::detail
