// Tests of fundledger::Decimal: parsing and printing, exact arithmetic at the 38-digit edge, the
// seven rounding modes of rescale() and divide(), comparisons across scales and minor units.
//
// Every expected value is written out exactly; the rounding tables agree with Python's decimal
// module (ROUND_DOWN, ROUND_UP, ROUND_HALF_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_CEILING,
// ROUND_FLOOR), which tests/decimal/differential.py also checks at random.
#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>
#include <fundledger/limits.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace {

using fundledger::Decimal;
using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Rounding;

// The modes in the column order of the tables below.
constexpr std::array<Rounding, 7> all_modes = {
    Rounding::Down,     Rounding::Up,      Rounding::HalfUp, Rounding::HalfDown,
    Rounding::HalfEven, Rounding::Ceiling, Rounding::Floor};

Decimal dec(std::string_view text) { return Decimal::parse(text); }

std::string repeated(char digit, int count) {
  return std::string(static_cast<std::size_t>(count), digit);
}

// 38 nines: the largest coefficient.
const std::string nines38 = repeated('9', 38);

// What a call threw: the code's name and the message, or "none" when it returned normally.
struct Failure {
  std::string code;
  std::string message;
};

template <typename Function>
Failure failure_of(Function&& function) {
  try {
    std::forward<Function>(function)();
  } catch (const Error& error) {
    return {fundledger::error_code_name(error.code()), error.what()};
  } catch (const std::exception& error) {
    return {"not a fundledger::Error", error.what()};
  }
  return {"none", ""};
}

// The quotation of user text in the library's messages (detail::quote in ledger/core/text.cpp,
// private, so written out again here): between double quotes, cut to the first 40 bytes (then
// "..."), with '"' and '\\' escaped by a backslash and control and non-ASCII bytes written \xNN,
// so that binary garbage cannot garble a terminal or a log.
std::string escaped_quotation(std::string_view text) {
  constexpr std::size_t shown = 40;
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t index = 0; index < text.size() && index < shown; ++index) {
    const auto byte = static_cast<unsigned char>(text[index]);
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += static_cast<char>(byte);
    } else if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (text.size() > shown) out += "...";
  out += '"';
  return out;
}

// True when message quotes text: verbatim between quotes of some kind, or in the escaped and
// shortened quotation above.
bool quotes(const std::string& message, std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> marks = {{
      {"\"", "\""},
      {"'", "'"},
      {"`", "`"},
      {"\xe2\x80\x9c", "\xe2\x80\x9d"},  // curly double quotes
  }};
  for (const auto& [open, close] : marks) {
    std::string quoted;
    quoted.append(open).append(text).append(close);
    if (message.find(quoted) != std::string::npos) return true;
  }
  return message.find(escaped_quotation(text)) != std::string::npos;
}

std::string rescaled(std::string_view text, int scale, Rounding mode) {
  return dec(text).rescale(scale, mode).to_string();
}

std::string divided(std::string_view a, std::string_view b, int scale, Rounding mode) {
  return Decimal::divide(dec(a), dec(b), scale, mode).to_string();
}

// One row of a rounding table: the input, the scale asked for, and the result in each mode, in
// the order of all_modes.
struct RoundingRow {
  const char* input;
  int scale;
  std::array<const char*, 7> expected;
};

struct DivisionRow {
  const char* dividend;
  const char* divisor;
  int scale;
  std::array<const char*, 7> expected;
};

}  // namespace

TEST_CASE("Decimal rescale rounds ties and non-ties in each of the seven modes, on both signs",
          "[decimal][rounding]") {
  // Columns: Down, Up, HalfUp, HalfDown, HalfEven, Ceiling, Floor.
  const RoundingRow rows[] = {
      {"2.5", 0, {"2", "3", "3", "2", "2", "3", "2"}},
      {"3.5", 0, {"3", "4", "4", "3", "4", "4", "3"}},
      {"-2.5", 0, {"-2", "-3", "-3", "-2", "-2", "-2", "-3"}},
      {"-3.5", 0, {"-3", "-4", "-4", "-3", "-4", "-3", "-4"}},
      {"2.51", 0, {"2", "3", "3", "3", "3", "3", "2"}},
      {"-2.51", 0, {"-2", "-3", "-3", "-3", "-3", "-2", "-3"}},
      {"2.49", 0, {"2", "3", "2", "2", "2", "3", "2"}},
      {"-2.49", 0, {"-2", "-3", "-2", "-2", "-2", "-2", "-3"}},
      {"1.005", 2, {"1.00", "1.01", "1.01", "1.00", "1.00", "1.01", "1.00"}},
      {"-1.005", 2, {"-1.00", "-1.01", "-1.01", "-1.00", "-1.00", "-1.00", "-1.01"}},
      {"1.015", 2, {"1.01", "1.02", "1.02", "1.01", "1.02", "1.02", "1.01"}},
      {"-1.015", 2, {"-1.01", "-1.02", "-1.02", "-1.01", "-1.02", "-1.01", "-1.02"}},
      {"0.5", 0, {"0", "1", "1", "0", "0", "1", "0"}},
      // A result of zero from a negative input prints without a sign.
      {"-0.5", 0, {"0", "-1", "-1", "0", "0", "0", "-1"}},
      {"0.4", 0, {"0", "1", "0", "0", "0", "1", "0"}},
      {"-0.4", 0, {"0", "-1", "0", "0", "0", "0", "-1"}},
      {"0.6", 0, {"0", "1", "1", "1", "1", "1", "0"}},
      {"-0.6", 0, {"0", "-1", "-1", "-1", "-1", "0", "-1"}},
      {"0.0049", 2, {"0.00", "0.01", "0.00", "0.00", "0.00", "0.01", "0.00"}},
      {"-0.0049", 2, {"0.00", "-0.01", "0.00", "0.00", "0.00", "0.00", "-0.01"}},
      // A tie written with trailing zeros is still a tie.
      {"12.3450", 2, {"12.34", "12.35", "12.35", "12.34", "12.34", "12.35", "12.34"}},
      {"-12.3450", 2, {"-12.34", "-12.35", "-12.35", "-12.34", "-12.34", "-12.34", "-12.35"}},
      // One unit far behind the tie makes it a non-tie.
      {"12.34500001", 2, {"12.34", "12.35", "12.35", "12.35", "12.35", "12.35", "12.34"}},
      {"12.34499999", 2, {"12.34", "12.35", "12.34", "12.34", "12.34", "12.35", "12.34"}},
      {"-0.125", 2, {"-0.12", "-0.13", "-0.13", "-0.12", "-0.12", "-0.12", "-0.13"}},
      // A carry through all the digits.
      {"9.995", 2, {"9.99", "10.00", "10.00", "9.99", "10.00", "10.00", "9.99"}},
      {"-9.995", 2, {"-9.99", "-10.00", "-10.00", "-9.99", "-10.00", "-9.99", "-10.00"}},
      {"123.456789",
       3,
       {"123.456", "123.457", "123.457", "123.457", "123.457", "123.457", "123.456"}},
      {"7", 0, {"7", "7", "7", "7", "7", "7", "7"}},
      {"-7.000", 0, {"-7", "-7", "-7", "-7", "-7", "-7", "-7"}},
      {"0.000", 1, {"0.0", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0"}},
      // Dropping all 38 digits after the point.
      {"0.99999999999999999999999999999999999999", 0, {"0", "1", "1", "1", "1", "1", "0"}},
      {"0.50000000000000000000000000000000000000", 0, {"0", "1", "1", "0", "0", "1", "0"}},
      {"-0.50000000000000000000000000000000000001", 0, {"0", "-1", "-1", "-1", "-1", "0", "-1"}},
      {"0.00000000000000000000000000000000000001",
       37,
       {"0.0000000000000000000000000000000000000", "0.0000000000000000000000000000000000001",
        "0.0000000000000000000000000000000000000", "0.0000000000000000000000000000000000000",
        "0.0000000000000000000000000000000000000", "0.0000000000000000000000000000000000001",
        "0.0000000000000000000000000000000000000"}},
      // The largest magnitude, one digit dropped: rounding up carries to 10^37, still 38 digits.
      {"9999999999999999999999999999999999999.9",
       0,
       {"9999999999999999999999999999999999999", "10000000000000000000000000000000000000",
        "10000000000000000000000000000000000000", "10000000000000000000000000000000000000",
        "10000000000000000000000000000000000000", "10000000000000000000000000000000000000",
        "9999999999999999999999999999999999999"}},
  };
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < all_modes.size(); ++column) {
      const Rounding mode = all_modes[column];
      INFO(row.input << " to scale " << row.scale << " rounding "
                     << fundledger::rounding_name(mode));
      const Decimal result = dec(row.input).rescale(row.scale, mode);
      CHECK(result.to_string() == row.expected[column]);
      CHECK(result.scale() == row.scale);
    }
  }
}

TEST_CASE("Decimal rescale to a larger scale appends zeros and changes no value",
          "[decimal][rounding]") {
  for (const Rounding mode : all_modes) {
    INFO(fundledger::rounding_name(mode));
    CHECK(rescaled("1.2", 3, mode) == "1.200");
    CHECK(rescaled("-1.2", 5, mode) == "-1.20000");
    CHECK(rescaled("0", 2, mode) == "0.00");
    CHECK(rescaled("-0.0", 2, mode) == "0.00");
    CHECK(rescaled("12.34", 2, mode) == "12.34");
    CHECK(rescaled("0.1", 38, mode) == "0.1" + repeated('0', 37));
    CHECK(rescaled(nines38, 0, mode) == nines38);
    CHECK(dec("1.2").rescale(3, mode) == dec("1.2"));
  }
}

TEST_CASE("Decimal rescale that needs a 39th digit or a scale above 38 overflows",
          "[decimal][rounding]") {
  // 10^37 has 38 digits; one more digit after the point needs 39.
  const std::string ten_to_37 = "1" + repeated('0', 37);
  CHECK(failure_of([&] { (void)dec(ten_to_37).rescale(1, Rounding::HalfEven); }).code ==
        "overflow");
  CHECK(failure_of([&] { (void)dec(nines38).rescale(1, Rounding::Down); }).code == "overflow");
  // 1 at scale 38 would be 10^38 / 10^38.
  CHECK(failure_of([&] { (void)dec("1").rescale(38, Rounding::Down); }).code == "overflow");
  CHECK(failure_of([&] { (void)dec("-1.5").rescale(38, Rounding::Down); }).code == "overflow");
  CHECK(failure_of([&] { (void)dec("0").rescale(39, Rounding::Down); }).code == "overflow");
  CHECK(failure_of([&] { (void)dec("0.1").rescale(39, Rounding::HalfUp); }).code == "overflow");
  CHECK(rescaled(ten_to_37, 0, Rounding::Up) == ten_to_37);
}

TEST_CASE("Decimal divide rounds the exact quotient once, in each of the seven modes",
          "[decimal][divide]") {
  // Columns: Down, Up, HalfUp, HalfDown, HalfEven, Ceiling, Floor.
  const DivisionRow rows[] = {
      {"1", "3", 2, {"0.33", "0.34", "0.33", "0.33", "0.33", "0.34", "0.33"}},
      {"-1", "3", 2, {"-0.33", "-0.34", "-0.33", "-0.33", "-0.33", "-0.33", "-0.34"}},
      {"2", "3", 2, {"0.66", "0.67", "0.67", "0.67", "0.67", "0.67", "0.66"}},
      {"-2", "3", 2, {"-0.66", "-0.67", "-0.67", "-0.67", "-0.67", "-0.66", "-0.67"}},
      {"2", "-3", 2, {"-0.66", "-0.67", "-0.67", "-0.67", "-0.67", "-0.66", "-0.67"}},
      {"-2", "-3", 2, {"0.66", "0.67", "0.67", "0.67", "0.67", "0.67", "0.66"}},
      // Exact ties: 1/8 = 0.125, 3/8 = 0.375, 10/4 = 2.5.
      {"1", "8", 2, {"0.12", "0.13", "0.13", "0.12", "0.12", "0.13", "0.12"}},
      {"-1", "8", 2, {"-0.12", "-0.13", "-0.13", "-0.12", "-0.12", "-0.12", "-0.13"}},
      {"3", "8", 2, {"0.37", "0.38", "0.38", "0.37", "0.38", "0.38", "0.37"}},
      {"10", "4", 0, {"2", "3", "3", "2", "2", "3", "2"}},
      {"-10", "4", 0, {"-2", "-3", "-3", "-2", "-2", "-2", "-3"}},
      // Exact quotients need no rounding.
      {"1", "4", 2, {"0.25", "0.25", "0.25", "0.25", "0.25", "0.25", "0.25"}},
      {"1.50", "0.5", 0, {"3", "3", "3", "3", "3", "3", "3"}},
      // Just below a tie: rounding first to 3 places (0.125) and then to 2 would give 0.13.
      {"0.999999", "8", 2, {"0.12", "0.13", "0.12", "0.12", "0.12", "0.13", "0.12"}},
      // Just above a tie, in a quotient that never ends: 1 / 7.9999999 = 0.12500000156...
      {"1", "7.9999999", 2, {"0.12", "0.13", "0.13", "0.13", "0.13", "0.13", "0.12"}},
      {"-1", "7.9999999", 2, {"-0.12", "-0.13", "-0.13", "-0.13", "-0.13", "-0.12", "-0.13"}},
      // A quotient whose rounded value is zero prints without a sign.
      {"-1", "3", 0, {"0", "-1", "0", "0", "0", "0", "-1"}},
      {"0", "-5", 2, {"0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"}},
      {"-0.00", "7", 1, {"0.0", "0.0", "0.0", "0.0", "0.0", "0.0", "0.0"}},
      // The example in decimal.hpp.
      {"1250000.00",
       "0.912",
       2,
       {"1370614.03", "1370614.04", "1370614.04", "1370614.04", "1370614.04", "1370614.04",
        "1370614.03"}},
      // 38 digits after the point.
      {"1",
       "3",
       38,
       {"0.33333333333333333333333333333333333333", "0.33333333333333333333333333333333333334",
        "0.33333333333333333333333333333333333333", "0.33333333333333333333333333333333333333",
        "0.33333333333333333333333333333333333333", "0.33333333333333333333333333333333333334",
        "0.33333333333333333333333333333333333333"}},
      {"2",
       "3",
       38,
       {"0.66666666666666666666666666666666666666", "0.66666666666666666666666666666666666667",
        "0.66666666666666666666666666666666666667", "0.66666666666666666666666666666666666667",
        "0.66666666666666666666666666666666666667", "0.66666666666666666666666666666666666667",
        "0.66666666666666666666666666666666666666"}},
      // Largest magnitudes in and out.
      {"99999999999999999999999999999999999999",
       "3",
       0,
       {"33333333333333333333333333333333333333", "33333333333333333333333333333333333333",
        "33333333333333333333333333333333333333", "33333333333333333333333333333333333333",
        "33333333333333333333333333333333333333", "33333333333333333333333333333333333333",
        "33333333333333333333333333333333333333"}},
      {"99999999999999999999999999999999999999",
       "99999999999999999999999999999999999999",
       37,
       {"1.0000000000000000000000000000000000000", "1.0000000000000000000000000000000000000",
        "1.0000000000000000000000000000000000000", "1.0000000000000000000000000000000000000",
        "1.0000000000000000000000000000000000000", "1.0000000000000000000000000000000000000",
        "1.0000000000000000000000000000000000000"}},
      {"0.00000000000000000000000000000000000001",
       "99999999999999999999999999999999999999",
       38,
       {"0.00000000000000000000000000000000000000", "0.00000000000000000000000000000000000001",
        "0.00000000000000000000000000000000000000", "0.00000000000000000000000000000000000000",
        "0.00000000000000000000000000000000000000", "0.00000000000000000000000000000000000001",
        "0.00000000000000000000000000000000000000"}},
  };
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < all_modes.size(); ++column) {
      const Rounding mode = all_modes[column];
      INFO(row.dividend << " / " << row.divisor << " to scale " << row.scale << " rounding "
                        << fundledger::rounding_name(mode));
      const Decimal result = Decimal::divide(dec(row.dividend), dec(row.divisor), row.scale, mode);
      CHECK(result.to_string() == row.expected[column]);
      CHECK(result.scale() == row.scale);
    }
  }
}

TEST_CASE("Decimal divide by zero fails with division_by_zero, whatever the dividend and the scale",
          "[decimal][divide]") {
  for (const Rounding mode : all_modes) {
    CHECK(failure_of([&] { (void)divided("1", "0", 2, mode); }).code == "division_by_zero");
    CHECK(failure_of([&] { (void)divided("0", "0", 2, mode); }).code == "division_by_zero");
    CHECK(failure_of([&] { (void)divided("-5.5", "0.00", 0, mode); }).code == "division_by_zero");
    CHECK(failure_of([&] { (void)divided(nines38, "-0.000", 38, mode); }).code ==
          "division_by_zero");
  }
}

TEST_CASE("Decimal divide whose quotient needs a 39th digit overflows", "[decimal][divide]") {
  // Rounding alone never creates the 39th digit: a quotient strictly between 10^38 - 1 and 10^38
  // (at any scale) would need a dividend of more than 38 digits. So these overflow in every mode.
  const std::string ten_to_37 = "1" + repeated('0', 37);
  const std::string smallest = "0." + repeated('0', 37) + "1";  // 10^-38
  // 10^38 needs 39 digits.
  CHECK(failure_of([&] { (void)divided(ten_to_37, "0.1", 0, Rounding::Down); }).code == "overflow");
  CHECK(failure_of([&] { (void)divided("1", smallest, 0, Rounding::Down); }).code == "overflow");
  CHECK(failure_of([&] { (void)divided(nines38, "1", 1, Rounding::Down); }).code == "overflow");
  // 1 at scale 38 needs 39 digits.
  CHECK(failure_of([&] { (void)divided(nines38, nines38, 38, Rounding::Down); }).code ==
        "overflow");
  CHECK(failure_of([&] { (void)divided(nines38, "0.4", 0, Rounding::Down); }).code == "overflow");
  CHECK(failure_of([&] { (void)divided("1", "3", 39, Rounding::Down); }).code == "overflow");
  // The largest quotient that fits.
  CHECK(divided(nines38, "1", 0, Rounding::HalfEven) == nines38);
  CHECK(divided("-" + nines38, "1", 0, Rounding::HalfEven) == "-" + nines38);
}

TEST_CASE("Decimal parse keeps the scale and to_string prints it back", "[decimal][parse]") {
  const std::pair<std::string, std::string> cases[] = {
      {"0", "0"},
      {"-0", "0"},
      {"+0", "0"},
      {"-0.00", "0.00"},
      {"0.000", "0.000"},
      {"1", "1"},
      {"+1.50", "1.50"},
      {"-1.50", "-1.50"},
      {"007.10", "7.10"},
      {"-007.10", "-7.10"},
      {"-12.340", "-12.340"},
      {"1250000.00", "1250000.00"},
      {"0.05", "0.05"},
      {"-0.05", "-0.05"},
      {"10", "10"},
      {"100.0", "100.0"},
      // Leading zeros are not significant digits.
      {repeated('0', 60) + "1", "1"},
      {"-" + repeated('0', 60) + "1.5", "-1.5"},
      {repeated('0', 10) + nines38, nines38},
      // The 38-digit edges.
      {nines38, nines38},
      {"-" + nines38, "-" + nines38},
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
      {"9999999999999999999999999999999999999.9", "9999999999999999999999999999999999999.9"},
      {"0.99999999999999999999999999999999999999", "0.99999999999999999999999999999999999999"},
      {"-0.99999999999999999999999999999999999999", "-0.99999999999999999999999999999999999999"},
      {"0.00000000000000000000000000000000000001", "0.00000000000000000000000000000000000001"},
      {"0.00000000000000000000000000000000000000", "0.00000000000000000000000000000000000000"},
      {"-0.00000000000000000000000000000000000000", "0.00000000000000000000000000000000000000"},
      {"1.0000000000000000000000000000000000000", "1.0000000000000000000000000000000000000"},
  };
  for (const auto& [text, printed] : cases) {
    INFO("parse(\"" << text << "\")");
    const Decimal value = dec(text);
    CHECK(value.to_string() == printed);
    // The printed form parses back to the same value and the same scale.
    const Decimal again = dec(value.to_string());
    CHECK(again.to_string() == printed);
    CHECK(again.scale() == value.scale());
    CHECK(again == value);
  }
}

// A coefficient from its digits (and an optional minus sign), built digit by digit: the
// coefficient is the compiler's 128-bit integer, which has no literal or parser of its own.
static Decimal::Coefficient coefficient_from(const std::string& text) {
  Decimal::Coefficient value = 0;
  for (char c : text) {
    if (c != '-') value = value * 10 + (c - '0');
  }
  return text.front() == '-' ? -value : value;
}

TEST_CASE("Decimal parse reports scale, coefficient, sign and zero", "[decimal][parse]") {
  const Decimal amount = dec("-12.340");
  CHECK(amount.scale() == 3);
  CHECK(amount.coefficient() == -12340);
  CHECK(amount.sign() == -1);
  CHECK_FALSE(amount.is_zero());

  const Decimal zero = dec("-0.00");
  CHECK(zero.scale() == 2);
  CHECK(zero.coefficient() == 0);
  CHECK(zero.sign() == 0);
  CHECK(zero.is_zero());

  CHECK(dec("+7").sign() == 1);
  CHECK(dec(nines38).coefficient() ==
        coefficient_from(nines38));
  CHECK(dec("0.00000000000000000000000000000000000001").scale() == 38);
  CHECK(dec("0.00000000000000000000000000000000000001").coefficient() == 1);

  const Decimal default_value;
  CHECK(default_value.to_string() == "0");
  CHECK(default_value.scale() == 0);
  CHECK(default_value.is_zero());
}

TEST_CASE(
    "Decimal parse rejects every text outside sign, digits, optional point and digits, quoting it",
    "[decimal][parse]") {
  const std::string rejected[] = {
      "",
      "-",
      "+",
      ".",
      "1.",
      ".5",
      "-.5",
      " 1",
      "1 ",
      "\t1",
      "1\n",
      "1,000.00",
      "1_000",
      "1e5",
      "1E5",
      "1.5e-3",
      "NaN",
      "nan",
      "sNaN",
      "Infinity",
      "-Infinity",
      "inf",
      "0x10",
      "\xd9\xa1\xd9\xa2\xd9\xa3",  // Arabic-Indic digits one, two, three
      "\xef\xbc\x91\xef\xbc\x92",  // fullwidth digits one, two
      "\xe2\x88\x92"
      "1",  // U+2212 minus sign, then 1
      "--1",
      "+-1",
      "-+1",
      "++1",
      "1.2.3",
      "1..2",
      "1-",
      "1+1",
      "abc",
      "12a",
      "0.5 ",
      "1 000",
      // 39 digits after the point, even with few significant digits.
      "0." + repeated('0', 38) + "1",
      "0." + repeated('0', 39),
      "-0." + repeated('0', 38) + "5",
  };
  for (const std::string& text : rejected) {
    INFO("parse(\"" << text << "\")");
    const Failure failure = failure_of([&] { (void)Decimal::parse(text); });
    CHECK(failure.code == "bad_input");
    INFO("message: " << failure.message);
    CHECK(quotes(failure.message, text));
  }
}

TEST_CASE("Decimal parse rejects a text with an embedded NUL character", "[decimal][parse]") {
  const std::string_view text(
      "1\0"
      "2",
      3);
  CHECK(failure_of([&] { (void)Decimal::parse(text); }).code == "bad_input");
  CHECK(failure_of([&] { (void)Decimal::parse(std::string_view("1.5\0", 4)); }).code ==
        "bad_input");
}

TEST_CASE("Decimal parse fails with overflow beyond 38 significant digits, quoting the text",
          "[decimal][parse]") {
  const std::string too_many[] = {
      "123456789012345678901234567890123456789",  // 39 digits
      "1" + repeated('0', 38),                    // 10^38
      "-1" + repeated('0', 38),
      nines38 + "9",
      "-" + repeated('0', 5) + nines38 + "9",
      "9999999999999999999999999999999999999.99",  // 39 digits, scale 2
  };
  for (const std::string& text : too_many) {
    INFO("parse(\"" << text << "\")");
    const Failure failure = failure_of([&] { (void)Decimal::parse(text); });
    CHECK(failure.code == "overflow");
    INFO("message: " << failure.message);
    CHECK(quotes(failure.message, text));
  }
  // 1 followed by 38 zeros after the point: the scale (38) is allowed, the 39 digits are not.
  const std::string scale_ok_digits_not = "1." + repeated('0', 38);
  const Failure failure = failure_of([&] { (void)Decimal::parse(scale_ok_digits_not); });
  CHECK(failure.code == "overflow");
  CHECK(quotes(failure.message, scale_ok_digits_not));
}

TEST_CASE("Decimal comparisons compare values across scales", "[decimal][compare]") {
  CHECK(dec("1.2") == dec("1.20"));
  CHECK(dec("1.2") == dec("1.2000000000000000000000000000000000000"));
  CHECK(dec("1") == dec("1.0000000000000000000000000000000000000"));
  CHECK_FALSE(dec("1.2") != dec("1.20"));
  CHECK(dec("0") == dec("-0.000"));
  CHECK(dec("-0") == dec("0.00000000000000000000000000000000000000"));
  CHECK(dec("1.2") != dec("1.21"));
  CHECK(dec("1.2") < dec("1.21"));
  CHECK(dec("1.21") > dec("1.2"));
  CHECK(dec("-1.2") > dec("-1.21"));
  CHECK(dec("-1.21") < dec("-1.2"));
  CHECK(dec("1.2") <= dec("1.20"));
  CHECK(dec("1.2") >= dec("1.20"));
  CHECK(dec("-0.01") < dec("0"));
  CHECK(dec("0.01") > dec("-0.00"));
  CHECK(dec("10") > dec("9.99999"));
  CHECK(compare(dec("1.2"), dec("1.20")) == 0);
  CHECK(compare(dec("1.2"), dec("1.3")) < 0);
  CHECK(compare(dec("1.3"), dec("1.2")) > 0);
  // Scaling 38 digits up by 38 places to compare them needs more than 128 bits.
  const Decimal largest = dec(nines38);
  const Decimal smallest = dec("0.00000000000000000000000000000000000001");
  CHECK(largest > smallest);
  CHECK(smallest < largest);
  CHECK(-largest < -smallest);
  CHECK(-largest < smallest);
  CHECK(dec("1") > dec("0.99999999999999999999999999999999999999"));
  CHECK(dec("-1") < dec("-0.99999999999999999999999999999999999999"));
  CHECK(largest > dec("9999999999999999999999999999999999999.9"));
  CHECK(dec("9999999999999999999999999999999999999.9") < largest);
  CHECK(dec("9999999999999999999999999999999999999") ==
        dec("9999999999999999999999999999999999999.0"));
  CHECK(compare(largest, largest) == 0);
}

TEST_CASE("Decimal addition and subtraction are exact at the larger scale",
          "[decimal][arithmetic]") {
  CHECK((dec("1.2") + dec("0.05")).to_string() == "1.25");
  CHECK((dec("1.2") + dec("0.80")).to_string() == "2.00");
  CHECK((dec("1") - dec("1.00")).to_string() == "0.00");
  CHECK((dec("-1.5") + dec("1.5")).to_string() == "0.0");
  CHECK((dec("1.5") - dec("1.5")).to_string() == "0.0");
  CHECK((dec("-1.5") - dec("-1.5")).to_string() == "0.0");
  CHECK((dec("-0.00") + dec("-0.00")).to_string() == "0.00");
  CHECK((dec("0.1") - dec("0.25")).to_string() == "-0.15");
  CHECK((dec("-12.340") - dec("7")).to_string() == "-19.340");
  CHECK((dec("0.0000000000000000000000000000000000001") + dec("1")).to_string() ==
        "1.0000000000000000000000000000000000001");
  Decimal total = dec("10.00");
  total += dec("0.005");
  CHECK(total.to_string() == "10.005");
  total -= dec("10");
  CHECK(total.to_string() == "0.005");
  // The 38-digit edge, both signs.
  CHECK((dec(nines38) - dec("1")).to_string() == repeated('9', 37) + "8");
  CHECK((dec(nines38) + dec("-" + nines38)).to_string() == "0");
  CHECK((dec("-" + nines38) + dec("1")).to_string() == "-" + repeated('9', 37) + "8");
  CHECK((dec("9999999999999999999999999999999999999.8") + dec("0.1")).to_string() ==
        "9999999999999999999999999999999999999.9");
  CHECK((dec("5" + repeated('0', 37)) + dec("4" + repeated('9', 37))).to_string() == nines38);
}

TEST_CASE("Decimal addition and subtraction that need a 39th digit overflow",
          "[decimal][arithmetic]") {
  CHECK(failure_of([&] { (void)(dec(nines38) + dec("1")); }).code == "overflow");
  CHECK(failure_of([&] { (void)(dec("-" + nines38) - dec("1")); }).code == "overflow");
  CHECK(failure_of([&] { (void)(dec(nines38) - dec("-1")); }).code == "overflow");
  CHECK(failure_of([&] {
          (void)(dec("5" + repeated('0', 37)) + dec("5" + repeated('0', 37)));
        }).code == "overflow");
  // The result's scale is 1, so 38 nines become 39 digits.
  CHECK(failure_of([&] { (void)(dec(nines38) + dec("0.1")); }).code == "overflow");
  CHECK(failure_of([&] { (void)(dec(nines38) + dec("0.0")); }).code == "overflow");
  CHECK(failure_of([&] {
          (void)(dec("0.99999999999999999999999999999999999999") +
                 dec("0.00000000000000000000000000000000000001"));
        }).code == "overflow");
  CHECK(failure_of([&] {
          (void)(dec("1") + dec("0.00000000000000000000000000000000000001"));
        }).code == "overflow");
  CHECK(failure_of([&] { (void)(dec(nines38) + dec("0")); }).code == "none");
}

TEST_CASE("Decimal multiplication is exact at the sum of the scales", "[decimal][arithmetic]") {
  CHECK((dec("1.25") * dec("0.912")).to_string() == "1.14000");
  CHECK((dec("-1.5") * dec("2")).to_string() == "-3.0");
  CHECK((dec("-1.5") * dec("-2.0")).to_string() == "3.00");
  CHECK((dec("-1") * dec("0.00")).to_string() == "0.00");
  CHECK((dec("-0.00") * dec("5")).to_string() == "0.00");
  CHECK((dec("1250000.00") * dec("0.912")).to_string() == "1140000.00000");
  CHECK((dec(nines38) * dec("1")).to_string() == nines38);
  CHECK((dec(nines38) * dec("-1")).to_string() == "-" + nines38);
  // 19 nines squared has 38 digits.
  CHECK((dec(repeated('9', 19)) * dec(repeated('9', 19))).to_string() ==
        repeated('9', 18) + "8" + repeated('0', 18) + "1");
  // Scales 19 + 19 = 38.
  const std::string tiny19 = "0." + repeated('0', 18) + "1";
  CHECK((dec(tiny19) * dec(tiny19)).to_string() == "0." + repeated('0', 37) + "1");
}

TEST_CASE("Decimal multiplication that needs a 39th digit or a scale above 38 overflows",
          "[decimal][arithmetic]") {
  const std::string ten_to_19 = "1" + repeated('0', 19);
  CHECK(failure_of([&] { (void)(dec(ten_to_19) * dec(ten_to_19)); }).code == "overflow");
  CHECK(failure_of([&] { (void)(dec(nines38) * dec("2")); }).code == "overflow");
  CHECK(failure_of([&] { (void)(dec(nines38) * dec("-2")); }).code == "overflow");
  CHECK(failure_of([&] { (void)(dec(nines38) * dec(nines38)); }).code == "overflow");
  // 38 nines times 1.0 keeps the value but needs 39 digits at scale 1.
  CHECK(failure_of([&] { (void)(dec(nines38) * dec("1.0")); }).code == "overflow");
  // Scales 20 + 19 = 39.
  const std::string tiny19 = "0." + repeated('0', 18) + "1";
  const std::string tiny20 = "0." + repeated('0', 19) + "1";
  CHECK(failure_of([&] { (void)(dec(tiny20) * dec(tiny19)); }).code == "overflow");
  CHECK(failure_of([&] {
          (void)(dec("0." + repeated('0', 20)) * dec("0." + repeated('0', 19)));
        }).code == "overflow");
}

TEST_CASE("Decimal to_minor_units gives the coefficient at a scale, refusing to drop digits",
          "[decimal][minor-units]") {
  CHECK(dec("12.34").to_minor_units(2) == 1234);
  CHECK(dec("12.3").to_minor_units(2) == 1230);
  CHECK(dec("12.300").to_minor_units(2) == 1230);
  CHECK(dec("-0.05").to_minor_units(2) == -5);
  CHECK(dec("-0.00").to_minor_units(2) == 0);
  CHECK(dec("7").to_minor_units(0) == 7);
  CHECK(dec("7").to_minor_units(3) == 7000);
  CHECK(dec("9223372036854775807").to_minor_units(0) == std::numeric_limits<std::int64_t>::max());
  CHECK(dec("-9223372036854775807").to_minor_units(0) == -std::numeric_limits<std::int64_t>::max());
  CHECK(dec("92233720368547758.07").to_minor_units(2) == std::numeric_limits<std::int64_t>::max());

  CHECK(failure_of([&] { (void)dec("12.345").to_minor_units(2); }).code == "bad_input");
  CHECK(failure_of([&] { (void)dec("-0.001").to_minor_units(2); }).code == "bad_input");
  CHECK(failure_of([&] { (void)dec("9223372036854775808").to_minor_units(0); }).code == "overflow");
  CHECK(failure_of([&] { (void)dec("-9223372036854775809").to_minor_units(0); }).code ==
        "overflow");
  CHECK(failure_of([&] { (void)dec("92233720368547758.08").to_minor_units(2); }).code ==
        "overflow");
  CHECK(failure_of([&] { (void)dec(nines38).to_minor_units(2); }).code == "overflow");
  // Trailing zeros beyond the scale asked for are not dropped digits.
  CHECK(dec("5.000000").to_minor_units(2) == 500);
}

TEST_CASE("Decimal to_minor_units accepts the most negative 64-bit amount",
          "[decimal][minor-units]") {
  // -2^63 fits in 64 bits: decimal.hpp promises overflow only beyond them, and from_minor_units
  // accepts it, so the round trip must too.
  constexpr std::int64_t most_negative = std::numeric_limits<std::int64_t>::min();
  CHECK(failure_of([&] { (void)dec("-9223372036854775808").to_minor_units(0); }).code == "none");
  CHECK(failure_of([&] { (void)dec("-92233720368547758.08").to_minor_units(2); }).code == "none");
  CHECK(failure_of([&] { (void)dec("-92233720368547758.080").to_minor_units(2); }).code == "none");
  CHECK(failure_of([&] {
          (void)Decimal::from_minor_units(most_negative, 4).to_minor_units(4);
        }).code == "none");
  if (failure_of([&] { (void)dec("-9223372036854775808").to_minor_units(0); }).code == "none") {
    CHECK(dec("-9223372036854775808").to_minor_units(0) == most_negative);
    CHECK(dec("-92233720368547758.08").to_minor_units(2) == most_negative);
    CHECK(Decimal::from_minor_units(most_negative, 4).to_minor_units(4) == most_negative);
  }
}

TEST_CASE("Decimal from_minor_units divides by 10^scale", "[decimal][minor-units]") {
  CHECK(Decimal::from_minor_units(1234, 2).to_string() == "12.34");
  CHECK(Decimal::from_minor_units(-5, 2).to_string() == "-0.05");
  CHECK(Decimal::from_minor_units(0, 3).to_string() == "0.000");
  CHECK(Decimal::from_minor_units(7, 0).to_string() == "7");
  CHECK(Decimal::from_minor_units(std::numeric_limits<std::int64_t>::min(), 0).to_string() ==
        "-9223372036854775808");
  CHECK(Decimal::from_minor_units(std::numeric_limits<std::int64_t>::max(), 8).to_string() ==
        "92233720368.54775807");
  CHECK(Decimal::from_minor_units(1, 38).to_string() == "0." + repeated('0', 37) + "1");
  // The round trip through minor units.
  for (const char* text : {"12.34", "-0.05", "0.00", "92233720368547758.07"}) {
    const Decimal value = dec(text);
    CHECK(Decimal::from_minor_units(value.to_minor_units(2), 2).to_string() == text);
  }
}

TEST_CASE("Decimal from_integer and from_coefficient build exact values", "[decimal]") {
  CHECK(Decimal::from_integer(-42).to_string() == "-42");
  CHECK(Decimal::from_integer(-42).scale() == 0);
  CHECK(Decimal::from_integer(0).to_string() == "0");
  CHECK(Decimal::from_integer(std::numeric_limits<std::int64_t>::min()).to_string() ==
        "-9223372036854775808");
  CHECK(Decimal::from_coefficient(12345, 2).to_string() == "123.45");
  CHECK(Decimal::from_coefficient(-5, 3).to_string() == "-0.005");
  CHECK(Decimal::from_coefficient(coefficient_from("-" + nines38), 38).to_string() ==
        "-0." + nines38);
  CHECK(failure_of([&] {
          (void)Decimal::from_coefficient(coefficient_from("1" + repeated('0', 38)), 0);
        }).code == "overflow");
  CHECK(failure_of([&] {
          (void)Decimal::from_coefficient(coefficient_from("-1" + repeated('0', 38)), 2);
        }).code == "overflow");
  CHECK(failure_of([&] { (void)Decimal::from_coefficient(1, 39); }).code == "overflow");
}

TEST_CASE("Decimal unary minus and abs keep the scale and never make a negative zero",
          "[decimal]") {
  CHECK((-dec("1.50")).to_string() == "-1.50");
  CHECK((-dec("-1.50")).to_string() == "1.50");
  CHECK((-dec("0.00")).to_string() == "0.00");
  CHECK((-dec("0.00")).sign() == 0);
  CHECK((-dec("-" + nines38)).to_string() == nines38);
  CHECK((-dec(nines38)).to_string() == "-" + nines38);
  CHECK(dec("-1.50").abs().to_string() == "1.50");
  CHECK(dec("1.50").abs().to_string() == "1.50");
  CHECK(dec("-0.000").abs().to_string() == "0.000");
  CHECK(dec("-" + nines38).abs().to_string() == nines38);
}

TEST_CASE("Decimal rounding_name and parse_rounding agree on the seven names",
          "[decimal][rounding]") {
  const std::pair<Rounding, std::string> names[] = {
      {Rounding::Down, "down"},          {Rounding::Up, "up"},
      {Rounding::HalfUp, "half-up"},     {Rounding::HalfDown, "half-down"},
      {Rounding::HalfEven, "half-even"}, {Rounding::Ceiling, "ceiling"},
      {Rounding::Floor, "floor"},
  };
  for (const auto& [mode, name] : names) {
    CHECK(std::string(fundledger::rounding_name(mode)) == name);
    CHECK(fundledger::parse_rounding(name) == mode);
  }
  for (const char* text : {"", "half_even", "halfeven", "HALF-EVEN", "Down", " down", "down ",
                           "round-half-even", "bankers", "nearest"}) {
    INFO("parse_rounding(\"" << text << "\")");
    CHECK(failure_of([&] { (void)fundledger::parse_rounding(text); }).code == "bad_input");
  }
}
