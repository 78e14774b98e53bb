// Fuzz target: Decimal::parse, checked against the grammar its header documents and through the
// round trip parse(to_string(x)) == x.
//
// The input is the text to parse, every byte of it. An independent reading of the grammar
// [+-]?[0-9]+(\.[0-9]+)? with at most 38 digits after the point and at most 38 significant digits
// says what parse must do: refuse with Error (bad_input, or overflow for too many significant
// digits), or return the value whose canonical text (sign only when not zero, no leading zeros in
// the integer part, the given fraction digits kept) to_string must print. For what parses, the
// printed text must parse back to the same coefficient and scale and print the same again.
//
// Anything else is reported and aborts, so that libFuzzer keeps the input.
#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

namespace {

using fundledger::Decimal;
using fundledger::Error;
using fundledger::ErrorCode;

[[noreturn]] void fail(std::string_view input, const std::string& what) {
  std::fprintf(stderr, "decimal_parse_fuzz: %s\n  input (%zu bytes): \"", what.c_str(), input.size());
  for (unsigned char c : input) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      std::fputc(c, stderr);
    } else {
      std::fprintf(stderr, "\\x%02x", c);
    }
  }
  std::fprintf(stderr, "\"\n");
  std::abort();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// What parse must do with a text, worked out without the library.
struct Expectation {
  bool parses = false;
  ErrorCode error = ErrorCode::bad_input;  // when it does not
  std::string text;                        // to_string() of the value, when it does
  int scale = 0;
  int sign = 0;
};

Expectation expect(std::string_view text) {
  Expectation expected;
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  const std::string_view integer = text.substr(integer_start, i - integer_start);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(fraction_start, i - fraction_start);
    if (fraction.empty()) return expected;  // "1." is refused
  }
  if (integer.empty() || i != text.size()) return expected;
  if (fraction.size() > 38) return expected;  // more than limits::max_scale digits after the point

  std::string digits = std::string(integer) + std::string(fraction);
  const std::size_t first_significant = digits.find_first_not_of('0');
  const std::size_t significant =
      first_significant == std::string::npos ? 0 : digits.size() - first_significant;
  if (significant > 38) {
    expected.error = ErrorCode::overflow;
    return expected;
  }
  expected.parses = true;
  expected.scale = static_cast<int>(fraction.size());
  expected.sign = significant == 0 ? 0 : (negative ? -1 : 1);
  const std::size_t integer_significant = integer.find_first_not_of('0');
  expected.text = expected.sign < 0 ? "-" : "";
  expected.text += integer_significant == std::string::npos ? std::string("0")
                                                            : std::string(integer.substr(integer_significant));
  if (!fraction.empty()) expected.text += "." + std::string(fraction);
  return expected;
}

const char* code_name(ErrorCode code) { return fundledger::error_code_name(code); }

void check_value(std::string_view input, const Decimal& value, const Expectation& expected) {
  const std::string printed = value.to_string();
  if (printed != expected.text) fail(input, "to_string() printed \"" + printed + "\", expected \"" + expected.text + "\"");
  if (value.scale() != expected.scale) {
    fail(input, "scale " + std::to_string(value.scale()) + ", expected " + std::to_string(expected.scale));
  }
  if (value.sign() != expected.sign || value.is_zero() != (expected.sign == 0)) fail(input, "wrong sign");

  // The round trip: the printed text is the same value, with the same coefficient and scale.
  Decimal again;
  try {
    again = Decimal::parse(printed);
  } catch (const Error& error) {
    fail(input, "to_string() printed \"" + printed + "\", which does not parse: " + error.what());
  }
  if (again != value) fail(input, "parse(to_string(x)) != x for \"" + printed + "\"");
  if (again.scale() != value.scale() || again.coefficient() != value.coefficient()) {
    fail(input, "parse(to_string(x)) has another coefficient or scale than x");
  }
  if (again.to_string() != printed) fail(input, "to_string() is not stable: \"" + again.to_string() + "\"");

  // A few exact identities around the parsed value.
  if (compare(value, value) != 0 || !(value == again) || value < again || value > again) {
    fail(input, "comparison of equal values");
  }
  if (!(value - value).is_zero() || (value + Decimal()) != value || -(-value) != value) {
    fail(input, "x - x, x + 0 or -(-x)");
  }
  if ((-value).to_string() != (expected.sign > 0 ? "-" + printed : expected.sign < 0 ? printed.substr(1) : printed)) {
    fail(input, "to_string() of -x is \"" + (-value).to_string() + "\"");
  }
  if (value.abs().sign() < 0 || value.abs() != (expected.sign < 0 ? -value : value)) fail(input, "abs()");
  // The coefficient at its own scale is the amount in minor units, when it fits in 64 bits.
  const bool fits = value.coefficient() >= std::numeric_limits<std::int64_t>::min() &&
                    value.coefficient() <= std::numeric_limits<std::int64_t>::max();
  try {
    const std::int64_t minor = value.to_minor_units(value.scale());
    if (!fits || Decimal::Coefficient(minor) != value.coefficient()) fail(input, "to_minor_units(scale)");
    if (Decimal::from_minor_units(minor, value.scale()).to_string() != printed) {
      fail(input, "from_minor_units(to_minor_units(x)) printed differently");
    }
  } catch (const Error& error) {
    if (fits || error.code() != ErrorCode::overflow) {
      fail(input, std::string("to_minor_units(scale) threw ") + code_name(error.code()) + ": " + error.what());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Expectation expected = expect(input);
  Decimal value;
  try {
    value = Decimal::parse(input);
  } catch (const Error& error) {
    if (expected.parses) {
      fail(input, std::string("refused (") + code_name(error.code()) + ": " + error.what() +
                      "), expected the value " + expected.text);
    }
    if (error.code() != expected.error) {
      fail(input, std::string("refused with ") + code_name(error.code()) + ", expected " +
                      code_name(expected.error) + ": " + error.what());
    }
    return 0;
  }
  if (!expected.parses) {
    fail(input, std::string("accepted as ") + value.to_string() + ", expected Error (" +
                    code_name(expected.error) + ")");
  }
  check_value(input, value, expected);
  return 0;
}
