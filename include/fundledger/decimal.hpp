// fundledger::Decimal: an exact decimal number, the type of every amount, rate and percentage.
//
// A Decimal is a signed integer coefficient of at most limits::max_decimal_digits (38) digits and a
// scale (digits after the point, 0 to limits::max_scale). Its value is coefficient / 10^scale.
// Addition, subtraction and multiplication are exact; rounding happens only in rescale() and
// divide(), each with an explicit Rounding mode. A result beyond the range throws
// fundledger::Error (ErrorCode::overflow); nothing wraps and no digit is dropped silently.
// There is no conversion from or to floating point.
//
// Example:
//   auto amount = Decimal::parse("1250000.00");
//   auto rate = Decimal::parse("0.912");
//   auto usd = Decimal::divide(amount, rate, 2, Rounding::HalfEven);  // 1370614.04
//
// Thread-safety: Decimal is a value type; distinct objects may be used from any thread, and a
// const object may be read from several threads at once.
#pragma once

#include <fundledger/error.hpp>
#include <fundledger/limits.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fundledger {

// How a result with more digits than asked for is brought to the requested scale.
enum class Rounding {
  Down,      // towards zero
  Up,        // away from zero
  HalfUp,    // to nearest; ties away from zero
  HalfDown,  // to nearest; ties towards zero
  HalfEven,  // to nearest; ties to the even neighbour (banker's rounding)
  Ceiling,   // towards +infinity
  Floor,     // towards -infinity
};

// The name used in settings and messages: "down", "up", "half-up", "half-down", "half-even",
// "ceiling", "floor".
const char* rounding_name(Rounding mode) noexcept;
// Parses one of those names; throws Error (bad_input) on anything else.
Rounding parse_rounding(std::string_view name);

class Decimal {
 public:
  // The coefficient's type: the 128-bit integer of GCC and Clang (no other library's type is in
  // this header). Its values stay within +-(10^38 - 1).
  __extension__ typedef __int128 Coefficient;

  // Zero at scale 0.
  Decimal() = default;
  // An integer at scale 0.
  static Decimal from_integer(std::int64_t value);
  // coefficient / 10^scale; throws Error (overflow) outside the range.
  static Decimal from_coefficient(const Coefficient& coefficient, int scale);

  // Accepts exactly [+-]?[0-9]+(\.[0-9]+)? with at most limits::max_scale digits after the point
  // and at most 38 significant digits. Throws Error (bad_input, or overflow for too many digits)
  // whose message quotes the text.
  static Decimal parse(std::string_view text);
  // Keeps the scale ("-12.340"), never prints an exponent or a negative zero.
  std::string to_string() const;

  int scale() const { return scale_; }
  const Coefficient& coefficient() const { return coefficient_; }
  // -1, 0 or 1.
  int sign() const { return (coefficient_ > 0) - (coefficient_ < 0); }
  bool is_zero() const { return coefficient_ == 0; }

  // The same value at another scale, rounded by mode when digits are dropped.
  Decimal rescale(int scale, Rounding mode) const;
  // a / b, computed exactly and rounded once to the given scale. Throws Error (division_by_zero)
  // when b is zero and Error (overflow) when the result is out of range.
  static Decimal divide(const Decimal& a, const Decimal& b, int scale, Rounding mode);

  // The coefficient at the given scale as a 64-bit integer (an amount in minor units). Throws
  // Error (bad_input) if that would drop a non-zero digit, Error (overflow) beyond 64 bits.
  std::int64_t to_minor_units(int scale) const;
  // minor_units / 10^scale.
  static Decimal from_minor_units(std::int64_t minor_units, int scale);

  Decimal operator-() const;
  Decimal abs() const;

  friend Decimal operator+(const Decimal& a, const Decimal& b);
  friend Decimal operator-(const Decimal& a, const Decimal& b);
  friend Decimal operator*(const Decimal& a, const Decimal& b);
  Decimal& operator+=(const Decimal& other) { return *this = *this + other; }
  Decimal& operator-=(const Decimal& other) { return *this = *this - other; }

  // Compares values, whatever the scales: 1.2 == 1.20.
  friend int compare(const Decimal& a, const Decimal& b);
  friend bool operator==(const Decimal& a, const Decimal& b) { return compare(a, b) == 0; }
  friend bool operator!=(const Decimal& a, const Decimal& b) { return compare(a, b) != 0; }
  friend bool operator<(const Decimal& a, const Decimal& b) { return compare(a, b) < 0; }
  friend bool operator<=(const Decimal& a, const Decimal& b) { return compare(a, b) <= 0; }
  friend bool operator>(const Decimal& a, const Decimal& b) { return compare(a, b) > 0; }
  friend bool operator>=(const Decimal& a, const Decimal& b) { return compare(a, b) >= 0; }

 private:
  Decimal(const Coefficient& coefficient, int scale) : coefficient_(coefficient), scale_(scale) {}

  Coefficient coefficient_ = 0;
  int scale_ = 0;
};

// Splits total into parts proportional to weights, each at total's scale, summing exactly to
// total: largest remainder, ties to the earlier part, zero weights get zero, a negative total is
// the negation of the split of its absolute value. Throws Error (bad_input) when weights is empty,
// a weight is negative, or the weights sum to zero.
std::vector<Decimal> allocate(const Decimal& total, const std::vector<Decimal>& weights);

}  // namespace fundledger
