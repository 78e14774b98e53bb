// Decimal: parsing, printing, exact arithmetic and the one place where it rounds.
//
// The coefficient lives in the compiler's 128-bit integer, which holds every 38-digit value. Operations whose
// intermediate values can exceed it (aligning scales, multiplying, dividing) run in 256- or 512-bit
// integers and are narrowed only after the range check, so nothing ever wraps.
#include "core/text.hpp"
#include "decimal/arithmetic.hpp"

#include <fundledger/decimal.hpp>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

namespace fundledger {

namespace detail {

namespace {

template <class Int, std::size_t Count>
std::array<Int, Count> make_powers_of_ten() {
  std::array<Int, Count> powers{};
  powers[0] = 1;
  for (std::size_t i = 1; i < Count; ++i) powers[i] = powers[i - 1] * 10;
  return powers;
}

constexpr int max_digits = limits::max_decimal_digits;

}  // namespace

const Int128& power_of_ten_128(int exponent) {
  static const auto powers = make_powers_of_ten<Int128, max_digits + 1>();
  return powers[static_cast<std::size_t>(exponent)];
}
const Int256& power_of_ten_256(int exponent) {
  static const auto powers = make_powers_of_ten<Int256, 2 * max_digits + 1>();
  return powers[static_cast<std::size_t>(exponent)];
}
const Int512& power_of_ten_512(int exponent) {
  static const auto powers = make_powers_of_ten<Int512, 3 * max_digits + 1>();
  return powers[static_cast<std::size_t>(exponent)];
}
const Int128& max_coefficient_128() {
  static const Int128 value = power_of_ten_128(max_digits) - 1;
  return value;
}
const Int256& max_coefficient_256() {
  static const Int256 value = power_of_ten_256(max_digits) - 1;
  return value;
}
const Int512& max_coefficient_512() {
  static const Int512 value = power_of_ten_512(max_digits) - 1;
  return value;
}

}  // namespace detail

using detail::Int128;
using detail::Int256;
using detail::Int512;

namespace {

using detail::quote;

[[noreturn]] void throw_overflow(const char* operation) {
  throw Error(ErrorCode::overflow,
              std::string("decimal overflow in ") + operation + ": the result needs more than " +
                  std::to_string(limits::max_decimal_digits) + " digits or a scale above " +
                  std::to_string(limits::max_scale));
}

void check_scale(int scale, const char* operation) {
  if (scale < 0 || scale > limits::max_scale) {
    throw Error(ErrorCode::overflow, std::string("decimal scale ") + std::to_string(scale) +
                                         " out of range in " + operation + " (0 to " +
                                         std::to_string(limits::max_scale) + ")");
  }
}

template <class Int>
bool in_range(const Int& value, const Int& max) {
  return value <= max && value >= -max;
}

// The wide value narrowed to a coefficient, or overflow.
template <class Int>
Int128 narrow(const Int& value, const Int& max, const char* operation) {
  if (!in_range(value, max)) throw_overflow(operation);
  return static_cast<Int128>(value);
}

// Both coefficients at the larger of the two scales. Fast path: the aligned value still fits in
// 128 bits within the range; otherwise the caller falls back to the wide path.
bool align_narrow(const Decimal& a, const Decimal& b, Int128& left, Int128& right) {
  if (a.scale() == b.scale()) {
    left = a.coefficient();
    right = b.coefficient();
    return true;
  }
  const bool a_lower = a.scale() < b.scale();
  const Decimal& lower = a_lower ? a : b;
  const int shift = (a_lower ? b.scale() : a.scale()) - lower.scale();
  const Int128& power = detail::power_of_ten_128(shift);
  // |c| * 10^shift <= 10^38 - 1 exactly when |c| <= (10^38 - 1) / 10^shift.
  if (detail::magnitude_of(lower.coefficient()) > detail::max_coefficient_128() / power) return false;
  Int128 shifted = lower.coefficient() * power;
  left = a_lower ? shifted : a.coefficient();
  right = a_lower ? b.coefficient() : shifted;
  return true;
}

void align_wide(const Decimal& a, const Decimal& b, Int256& left, Int256& right) {
  const int scale = std::max(a.scale(), b.scale());
  left = Int256(a.coefficient()) * detail::power_of_ten_256(scale - a.scale());
  right = Int256(b.coefficient()) * detail::power_of_ten_256(scale - b.scale());
}

Decimal add_or_subtract(const Decimal& a, const Decimal& b, bool subtract) {
  const int scale = std::max(a.scale(), b.scale());
  const char* operation = subtract ? "subtraction" : "addition";
  Int128 left;
  Int128 right;
  if (align_narrow(a, b, left, right)) {
    // Two values below 10^38 sum to below 2 * 10^38, which can pass 2^127: a sum the 128-bit
    // integer cannot hold is beyond 10^38 - 1 in any case.
    Int128 sum = 0;
    const bool wrapped = subtract ? __builtin_sub_overflow(left, right, &sum) : __builtin_add_overflow(left, right, &sum);
    if (wrapped) throw_overflow(operation);
    return Decimal::from_coefficient(narrow(sum, detail::max_coefficient_128(), operation), scale);
  }
  Int256 wide_left;
  Int256 wide_right;
  align_wide(a, b, wide_left, wide_right);
  Int256 sum = subtract ? wide_left - wide_right : wide_left + wide_right;
  return Decimal::from_coefficient(narrow(sum, detail::max_coefficient_256(), operation), scale);
}

void append_digits(std::string& out, std::uint64_t value, int width) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)error;
  const auto length = static_cast<int>(end - buffer);
  for (int i = length; i < width; ++i) out += '0';
  out.append(buffer, end);
}

// The decimal digits of a non-negative coefficient, without leading zeros ("0" for zero).
std::string digits_of(const Int128& magnitude) {
  std::string out;
  static const Int128 max_u64 = std::numeric_limits<std::uint64_t>::max();
  if (magnitude <= max_u64) {
    append_digits(out, static_cast<std::uint64_t>(magnitude), 0);
    return out;
  }
  // Split into chunks of 18 digits: a 38-digit value has at most three.
  const Int128& chunk = detail::power_of_ten_128(18);
  std::uint64_t chunks[3];
  int count = 0;
  Int128 rest = magnitude;
  while (rest > 0) {
    Int128 quotient;
    Int128 remainder;
    detail::divide_with_remainder(rest, chunk, quotient, remainder);
    chunks[count++] = static_cast<std::uint64_t>(remainder);
    rest = quotient;
  }
  append_digits(out, chunks[count - 1], 0);
  for (int i = count - 2; i >= 0; --i) append_digits(out, chunks[i], 18);
  return out;
}

}  // namespace

const char* rounding_name(Rounding mode) noexcept {
  switch (mode) {
    case Rounding::Down: return "down";
    case Rounding::Up: return "up";
    case Rounding::HalfUp: return "half-up";
    case Rounding::HalfDown: return "half-down";
    case Rounding::HalfEven: return "half-even";
    case Rounding::Ceiling: return "ceiling";
    case Rounding::Floor: return "floor";
  }
  return "unknown";
}

Rounding parse_rounding(std::string_view name) {
  for (Rounding mode : {Rounding::Down, Rounding::Up, Rounding::HalfUp, Rounding::HalfDown,
                        Rounding::HalfEven, Rounding::Ceiling, Rounding::Floor}) {
    if (name == rounding_name(mode)) return mode;
  }
  throw Error(ErrorCode::bad_input,
              "invalid rounding mode " + quote(name) +
                  ": expected down, up, half-up, half-down, half-even, ceiling or floor");
}

Decimal Decimal::from_integer(std::int64_t value) { return Decimal(Int128(value), 0); }

Decimal Decimal::from_coefficient(const Coefficient& coefficient, int scale) {
  check_scale(scale, "a decimal value");
  if (!in_range(coefficient, detail::max_coefficient_128())) throw_overflow("a decimal value");
  return Decimal(coefficient, scale);
}

Decimal Decimal::parse(std::string_view text) {
  auto refuse = [&text]() -> Error {
    return Error(ErrorCode::bad_input, "invalid decimal " + quote(text) +
                                           ": expected digits with an optional sign and decimal "
                                           "point, like -1234.56");
  };
  std::size_t position = 0;
  bool negative = false;
  if (position < text.size() && (text[position] == '+' || text[position] == '-')) {
    negative = text[position] == '-';
    ++position;
  }
  // Digits are accumulated in 64-bit chunks of up to 18 and folded into the 128-bit coefficient.
  Int128 coefficient = 0;
  std::uint64_t chunk = 0;
  int chunk_digits = 0;
  int significant_digits = 0;
  int integer_digits = 0;
  int scale = 0;
  bool seen_point = false;
  auto flush = [&]() {
    if (chunk_digits == 0) return;
    coefficient = coefficient * detail::power_of_ten_128(chunk_digits) + chunk;
    chunk = 0;
    chunk_digits = 0;
  };
  for (; position < text.size(); ++position) {
    const char c = text[position];
    if (c >= '0' && c <= '9') {
      if (seen_point) {
        ++scale;
      } else {
        ++integer_digits;
      }
      if (significant_digits == 0 && c == '0') continue;  // a leading zero adds nothing
      if (++significant_digits > limits::max_decimal_digits) {
        // Keep scanning so that a malformed tail is reported as malformed, not as overflow.
        continue;
      }
      chunk = chunk * 10 + static_cast<std::uint64_t>(c - '0');
      if (++chunk_digits == 18) flush();
    } else if (c == '.' && !seen_point && integer_digits > 0) {
      seen_point = true;
    } else {
      throw refuse();
    }
  }
  if (integer_digits == 0 || (seen_point && scale == 0)) throw refuse();
  if (scale > limits::max_scale) {
    throw Error(ErrorCode::bad_input, "invalid decimal " + quote(text) + ": more than " +
                                          std::to_string(limits::max_scale) +
                                          " digits after the point");
  }
  if (significant_digits > limits::max_decimal_digits) {
    throw Error(ErrorCode::overflow, "decimal " + quote(text) + " has more than " +
                                         std::to_string(limits::max_decimal_digits) +
                                         " significant digits");
  }
  flush();
  if (negative) coefficient = -coefficient;
  return Decimal(coefficient, scale);
}

std::string Decimal::to_string() const {
  std::string digits = digits_of(detail::magnitude_of(coefficient_));
  std::string out;
  out.reserve(digits.size() + 3);
  if (coefficient_ < 0) out += '-';
  if (scale_ == 0) return out + digits;
  const auto scale = static_cast<std::size_t>(scale_);
  if (digits.size() <= scale) {
    out += "0.";
    out.append(scale - digits.size(), '0');
    out += digits;
  } else {
    out.append(digits, 0, digits.size() - scale);
    out += '.';
    out.append(digits, digits.size() - scale, scale);
  }
  return out;
}

Decimal Decimal::rescale(int scale, Rounding mode) const {
  check_scale(scale, "rescale");
  if (scale == scale_) return *this;
  if (scale > scale_) {
    Int256 wide = Int256(coefficient_) * detail::power_of_ten_256(scale - scale_);
    return Decimal(narrow(wide, detail::max_coefficient_256(), "rescale"), scale);
  }
  // Dropping digits can only shrink the magnitude, so the result is always in range.
  return Decimal(
      detail::round_quotient(coefficient_, detail::power_of_ten_128(scale_ - scale), mode),
      scale);
}

Decimal Decimal::divide(const Decimal& a, const Decimal& b, int scale, Rounding mode) {
  check_scale(scale, "division");
  if (b.is_zero()) {
    throw Error(ErrorCode::division_by_zero,
                "division of " + a.to_string() + " by zero");
  }
  // a / b at scale s is (ca / 10^sa) / (cb / 10^sb) * 10^s = ca * 10^(s + sb - sa) / cb.
  const int exponent = scale + b.scale_ - a.scale_;
  Int512 numerator = a.coefficient_;
  Int512 denominator = b.coefficient_;
  if (exponent >= 0) {
    numerator *= detail::power_of_ten_512(exponent);
  } else {
    denominator *= detail::power_of_ten_512(-exponent);
  }
  Int512 quotient = detail::round_quotient(numerator, denominator, mode);
  return Decimal(narrow(quotient, detail::max_coefficient_512(), "division"), scale);
}

std::int64_t Decimal::to_minor_units(int scale) const {
  check_scale(scale, "conversion to minor units");
  Decimal at_scale = rescale(scale, Rounding::Down);
  if (scale < scale_ && at_scale != *this) {
    throw Error(ErrorCode::bad_input, "amount " + to_string() + " has more than " +
                                          std::to_string(scale) + " decimals");
  }
  static const Int128 max_i64 = std::numeric_limits<std::int64_t>::max();
  static const Int128 min_i64 = std::numeric_limits<std::int64_t>::min();
  if (at_scale.coefficient_ > max_i64 || at_scale.coefficient_ < min_i64) {
    throw Error(ErrorCode::overflow,
                "amount " + to_string() + " is beyond the range of a stored amount");
  }
  return static_cast<std::int64_t>(at_scale.coefficient_);
}

Decimal Decimal::from_minor_units(std::int64_t minor_units, int scale) {
  check_scale(scale, "conversion from minor units");
  return Decimal(Int128(minor_units), scale);
}

Decimal Decimal::operator-() const { return Decimal(-coefficient_, scale_); }

Decimal Decimal::abs() const { return Decimal(detail::magnitude_of(coefficient_), scale_); }

Decimal operator+(const Decimal& a, const Decimal& b) { return add_or_subtract(a, b, false); }

Decimal operator-(const Decimal& a, const Decimal& b) { return add_or_subtract(a, b, true); }

Decimal operator*(const Decimal& a, const Decimal& b) {
  const int scale = a.scale_ + b.scale_;
  if (scale > limits::max_scale) throw_overflow("multiplication");
  Int256 product = Int256(a.coefficient_) * Int256(b.coefficient_);
  return Decimal(narrow(product, detail::max_coefficient_256(), "multiplication"), scale);
}

int compare(const Decimal& a, const Decimal& b) {
  Int128 left;
  Int128 right;
  if (align_narrow(a, b, left, right)) return left < right ? -1 : (left == right ? 0 : 1);
  Int256 wide_left;
  Int256 wide_right;
  align_wide(a, b, wide_left, wide_right);
  return wide_left < wide_right ? -1 : (wide_left == wide_right ? 0 : 1);
}

}  // namespace fundledger
