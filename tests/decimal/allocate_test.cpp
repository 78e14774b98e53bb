// Tests of fundledger::allocate: a total split into parts proportional to weights, at the total's
// scale, summing exactly to the total by the largest-remainder method (ties to the earlier part).
//
// Beside the worked examples, a seeded random check compares every split with a reference written
// here on unbounded integers (boost::multiprecision::cpp_int) and checks the promised properties.
#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>

#include <catch2/catch.hpp>

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using boost::multiprecision::cpp_int;
using fundledger::allocate;
using fundledger::Decimal;
using fundledger::Error;

Decimal dec(std::string_view text) { return Decimal::parse(text); }

std::vector<Decimal> decimals(std::initializer_list<std::string_view> texts) {
  std::vector<Decimal> values;
  for (const std::string_view text : texts) values.push_back(dec(text));
  return values;
}

// The parts as printed, to compare with exact expected texts (which also fixes their scale).
std::vector<std::string> printed(const std::vector<Decimal>& parts) {
  std::vector<std::string> texts;
  for (const Decimal& part : parts) texts.push_back(part.to_string());
  return texts;
}

std::vector<std::string> split(std::string_view total,
                               std::initializer_list<std::string_view> weights) {
  return printed(allocate(dec(total), decimals(weights)));
}

using Texts = std::vector<std::string>;

// The code of the Error that a call threw, or "none".
template <typename Function>
std::string error_code_of(Function&& function) {
  try {
    std::forward<Function>(function)();
  } catch (const Error& error) {
    return fundledger::error_code_name(error.code());
  } catch (const std::exception& error) {
    return std::string("not a fundledger::Error: ") + error.what();
  }
  return "none";
}

cpp_int power_of_ten(int exponent) {
  cpp_int result = 1;
  for (int index = 0; index < exponent; ++index) result *= 10;
  return result;
}

// The coefficient as an unbounded integer, built from 18-digit chunks: the direct conversion (and
// str()) trips false warnings of GCC 12 inside Boost under the sanitizers.
cpp_int unbounded(const Decimal::Coefficient& coefficient) {
  const Decimal::Coefficient chunk_size = 1'000'000'000'000'000'000;
  Decimal::Coefficient rest = coefficient < 0 ? -coefficient : coefficient;
  cpp_int result = 0;
  cpp_int place = 1;
  while (rest != 0) {
    result += place * static_cast<std::uint64_t>(rest % chunk_size);
    rest /= chunk_size;
    place *= std::uint64_t{1'000'000'000'000'000'000};
  }
  return coefficient < 0 ? cpp_int(-result) : result;
}

// The coefficient of value at a scale not below its own.
cpp_int units_at(const Decimal& value, int scale) {
  return unbounded(value.coefficient()) * power_of_ten(scale - value.scale());
}

// The largest-remainder split, independently: each part gets the floor of its exact share in
// units of the total's scale, and the units left over go one each to the largest remainders,
// the earlier part first among equal remainders. A negative total is the negated split of its
// absolute value.
std::vector<Decimal> reference_allocate(const Decimal& total, const std::vector<Decimal>& weights) {
  int weight_scale = 0;
  for (const Decimal& weight : weights) weight_scale = std::max(weight_scale, weight.scale());
  std::vector<cpp_int> weight_units;
  cpp_int weight_sum = 0;
  for (const Decimal& weight : weights) {
    weight_units.push_back(units_at(weight, weight_scale));
    weight_sum += weight_units.back();
  }
  const cpp_int total_units = abs(unbounded(total.coefficient()));
  std::vector<cpp_int> parts(weights.size());
  std::vector<cpp_int> remainders(weights.size());
  cpp_int given = 0;
  for (std::size_t index = 0; index < weights.size(); ++index) {
    const cpp_int numerator = total_units * weight_units[index];
    parts[index] = numerator / weight_sum;
    remainders[index] = numerator % weight_sum;
    given += parts[index];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t left, std::size_t right) {
    return remainders[left] > remainders[right];
  });
  cpp_int left_over = total_units - given;
  for (std::size_t index = 0; left_over > 0; ++index, --left_over) parts[order[index]] += 1;

  std::vector<Decimal> result;
  for (const cpp_int& part : parts) {
    const cpp_int signed_part = total.sign() < 0 ? cpp_int(-part) : part;
    result.push_back(
        Decimal::from_coefficient(static_cast<Decimal::Coefficient>(signed_part), total.scale()));
  }
  return result;
}

}  // namespace

TEST_CASE("allocate splits the classic cases by largest remainder", "[allocate]") {
  CHECK(split("1.00", {"1", "1", "1"}) == Texts{"0.34", "0.33", "0.33"});
  CHECK(split("5", {"3", "7"}) == Texts{"2", "3"});
  CHECK(split("101", {"3", "7"}) == Texts{"30", "71"});
  CHECK(split("100", {"1", "1", "1"}) == Texts{"34", "33", "33"});
  CHECK(split("10", {"1", "1", "1"}) == Texts{"4", "3", "3"});
  CHECK(split("12.34", {"5"}) == Texts{"12.34"});
  CHECK(split("100.00", {"25", "75"}) == Texts{"25.00", "75.00"});
}

TEST_CASE("allocate of a negative total is the negation of the split of its absolute value",
          "[allocate]") {
  CHECK(split("-1.00", {"1", "1", "1"}) == Texts{"-0.34", "-0.33", "-0.33"});
  CHECK(split("-5", {"3", "7"}) == Texts{"-2", "-3"});
  CHECK(split("-101", {"3", "7"}) == Texts{"-30", "-71"});
  // The tie goes to the earlier part, as for the positive total; nothing rounds towards floor.
  CHECK(split("-1", {"1", "1"}) == Texts{"-1", "0"});
  CHECK(split("-0.03", {"1", "1", "1", "1"}) == Texts{"-0.01", "-0.01", "-0.01", "0.00"});
}

TEST_CASE("allocate gives zero to zero weights", "[allocate]") {
  CHECK(split("10", {"0", "1", "0", "1"}) == Texts{"0", "5", "0", "5"});
  CHECK(split("1.00", {"0", "1", "1", "1"}) == Texts{"0.00", "0.34", "0.33", "0.33"});
  CHECK(split("1.00", {"1", "1", "1", "0"}) == Texts{"0.34", "0.33", "0.33", "0.00"});
  CHECK(split("-0.01", {"0.00", "0", "3"}) == Texts{"0.00", "0.00", "-0.01"});
  // A weight written "-0.00" is zero, not negative.
  CHECK(split("7.00", {"-0.00", "1"}) == Texts{"0.00", "7.00"});
}

TEST_CASE("allocate of a zero total gives zero parts at the total's scale", "[allocate]") {
  CHECK(split("0.00", {"1", "2"}) == Texts{"0.00", "0.00"});
  CHECK(split("-0.000", {"1", "0", "5"}) == Texts{"0.000", "0.000", "0.000"});
  CHECK(split("0", {"3"}) == Texts{"0"});
}

TEST_CASE("allocate accepts weights of different scales", "[allocate]") {
  CHECK(split("100.00", {"0.5", "1.50"}) == Texts{"25.00", "75.00"});
  // Shares 5.714285..., 2.857142..., 1.428571...: the two units left go to the larger remainders.
  CHECK(split("10.00", {"1", "0.5", "0.25"}) == Texts{"5.71", "2.86", "1.43"});
  CHECK(split("1", {"0.001", "1000"}) == Texts{"0", "1"});
  CHECK(split("3.00", {"33.3", "33.33", "33.333"}) == Texts{"1.00", "1.00", "1.00"});
  CHECK(split("0.10", {"0.0000001", "0.0000003"}) == Texts{"0.03", "0.07"});
}

TEST_CASE("allocate keeps the total's scale, also at scale 0 and with more digits", "[allocate]") {
  CHECK(split("5.0", {"1", "1"}) == Texts{"2.5", "2.5"});
  CHECK(split("7", {"1", "1"}) == Texts{"4", "3"});
  CHECK(split("1.0000", {"1", "2"}) == Texts{"0.3333", "0.6667"});
  for (const Decimal& part : allocate(dec("2.000"), decimals({"1", "1", "1"}))) {
    CHECK(part.scale() == 3);
  }
}

TEST_CASE("allocate gives equal remainders' units to the earlier parts", "[allocate]") {
  CHECK(split("1", {"1", "1"}) == Texts{"1", "0"});
  CHECK(split("0.03", {"1", "1", "1", "1"}) == Texts{"0.01", "0.01", "0.01", "0.00"});
  CHECK(split("1.00", {"1", "1", "1", "1", "1", "1", "1"}) ==
        Texts{"0.15", "0.15", "0.14", "0.14", "0.14", "0.14", "0.14"});
  CHECK(split("0.05", {"1", "1", "1", "1", "1", "1", "1", "1", "1", "1"}) ==
        Texts{"0.01", "0.01", "0.01", "0.01", "0.01", "0.00", "0.00", "0.00", "0.00", "0.00"});
  // The larger remainder wins over the earlier position: shares 0.5, 0.75, 0.75 (+1 unit left).
  CHECK(split("2", {"2", "3", "3"}) == Texts{"0", "1", "1"});
  CHECK(split("3", {"2", "3", "3", "4"}) == Texts{"0", "1", "1", "1"});
}

TEST_CASE("allocate splits among many parts", "[allocate]") {
  // 1000 equal weights: 10.00 is 1000 units of 0.01, one each.
  const std::vector<Decimal> equal(1000, dec("1"));
  const std::vector<Decimal> parts = allocate(dec("10.00"), equal);
  REQUIRE(parts.size() == 1000);
  for (const Decimal& part : parts) CHECK(part.to_string() == "0.01");

  // 1000 equal weights and 12.34: the first 234 parts get 0.02, the rest 0.01.
  const std::vector<Decimal> uneven = allocate(dec("12.34"), equal);
  REQUIRE(uneven.size() == 1000);
  for (std::size_t index = 0; index < uneven.size(); ++index) {
    INFO("part " << index);
    CHECK(uneven[index].to_string() == (index < 234 ? "0.02" : "0.01"));
  }

  // Weights 1, 2, ..., 100 over 50.50: each part is exactly weight / 100.
  std::vector<Decimal> rising;
  for (std::int64_t weight = 1; weight <= 100; ++weight) {
    rising.push_back(Decimal::from_integer(weight));
  }
  const std::vector<Decimal> shares = allocate(dec("50.50"), rising);
  for (std::size_t index = 0; index < shares.size(); ++index) {
    CHECK(shares[index] ==
          Decimal::divide(rising[index], dec("100"), 2, fundledger::Rounding::Down));
  }
}

TEST_CASE("allocate handles the 38-digit edge of the total and of the weights", "[allocate]") {
  const std::string nines38(38, '9');
  CHECK(split(nines38, {"1", "2"}) ==
        Texts{"33333333333333333333333333333333333333", "66666666666666666666666666666666666666"});
  CHECK(split(nines38, {"1", "1"}) ==
        Texts{"50000000000000000000000000000000000000", "49999999999999999999999999999999999999"});
  CHECK(split("-" + nines38, {"1", "1"}) == Texts{"-50000000000000000000000000000000000000",
                                                  "-49999999999999999999999999999999999999"});
  CHECK(split("1.00", {nines38, "1"}) == Texts{"1.00", "0.00"});
  CHECK(split(nines38, {nines38, "1"}) == Texts{"99999999999999999999999999999999999998", "1"});
  CHECK(split("0.99999999999999999999999999999999999999", {"1", "1", "1"}) ==
        Texts{"0.33333333333333333333333333333333333333",
              "0.33333333333333333333333333333333333333",
              "0.33333333333333333333333333333333333333"});
}

TEST_CASE("allocate does not need the sum of the weights to fit in a Decimal", "[allocate]") {
  const std::string nines38(38, '9');
  // The weights sum to 2 * 10^38 - 2, a 39-digit number; the split is still plain halves.
  CHECK(split("1.00", {nines38, nines38}) == Texts{"0.50", "0.50"});
  // Weights at scale 38 and scale 0 sum to a value with 76 digits.
  CHECK(split("1.00", {"0.00000000000000000000000000000000000001", nines38}) ==
        Texts{"0.00", "1.00"});
}

TEST_CASE("allocate rejects empty, negative and zero-sum weights with bad_input", "[allocate]") {
  CHECK(error_code_of([] { (void)allocate(dec("1.00"), {}); }) == "bad_input");
  CHECK(error_code_of([] { (void)allocate(dec("0"), {}); }) == "bad_input");
  CHECK(error_code_of([] {
          (void)allocate(dec("1.00"), decimals({"1", "-1", "2"}));
        }) == "bad_input");
  CHECK(error_code_of([] { (void)allocate(dec("1.00"), decimals({"-1", "3"})); }) == "bad_input");
  CHECK(error_code_of([] { (void)allocate(dec("1.00"), decimals({"-0.01"})); }) == "bad_input");
  CHECK(error_code_of([] { (void)allocate(dec("1.00"), decimals({"0", "0"})); }) == "bad_input");
  CHECK(error_code_of([] { (void)allocate(dec("1.00"), decimals({"0"})); }) == "bad_input");
  CHECK(error_code_of([] {
          (void)allocate(dec("1.00"), decimals({"0.00", "-0.0"}));
        }) == "bad_input");
  // The checks do not depend on the total.
  CHECK(error_code_of([] { (void)allocate(dec("0.00"), decimals({"0", "0"})); }) == "bad_input");
  CHECK(error_code_of([] { (void)allocate(dec("-3"), decimals({"2", "-1"})); }) == "bad_input");
}

TEST_CASE("allocate matches the reference split on thousands of seeded random cases",
          "[allocate][property]") {
  std::mt19937_64 random(20261129);
  const auto uniform = [&](std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random);
  };
  // A random coefficient of up to digits digits, built digit by digit so every length is likely.
  const auto coefficient = [&](int max_digits) {
    const auto digits = static_cast<int>(uniform(1, max_digits));
    Decimal::Coefficient value = 0;
    for (int index = 0; index < digits; ++index) value = value * 10 + uniform(0, 9);
    return value;
  };

  constexpr int cases = 5000;
  for (int round = 0; round < cases; ++round) {
    const auto total_scale = static_cast<int>(uniform(0, 4));
    Decimal::Coefficient total_coefficient = coefficient(15);
    if (uniform(0, 2) == 0) total_coefficient = -total_coefficient;
    const Decimal total = Decimal::from_coefficient(total_coefficient, total_scale);

    const auto count = static_cast<std::size_t>(uniform(1, 12));
    std::vector<Decimal> weights;
    bool any_non_zero = false;
    for (std::size_t index = 0; index < count; ++index) {
      const Decimal::Coefficient weight =
          uniform(0, 4) == 0 ? Decimal::Coefficient(0) : coefficient(9);
      weights.push_back(Decimal::from_coefficient(weight, static_cast<int>(uniform(0, 3))));
      any_non_zero = any_non_zero || !weights.back().is_zero();
    }
    if (!any_non_zero) weights.front() = Decimal::from_integer(uniform(1, 1000));

    INFO("total " << total.to_string() << " over " << count << " weights, first "
                  << weights.front().to_string());
    const std::vector<Decimal> parts = allocate(total, weights);
    REQUIRE(parts.size() == weights.size());

    // The same parts as the independent largest-remainder split.
    CHECK(printed(parts) == printed(reference_allocate(total, weights)));

    // The parts sum exactly to the total, at the total's scale.
    Decimal sum = Decimal::from_coefficient(0, total.scale());
    Decimal weight_sum;
    for (std::size_t index = 0; index < parts.size(); ++index) {
      CHECK(parts[index].scale() == total.scale());
      sum += parts[index];
      weight_sum += weights[index];
    }
    CHECK(sum == total);
    CHECK(sum.to_string() == total.to_string());

    // Each part is within one unit of its exact share total * weight / weight_sum:
    // |part * weight_sum - total * weight| < unit * weight_sum, all exact.
    const Decimal unit = Decimal::from_coefficient(1, total.scale());
    for (std::size_t index = 0; index < parts.size(); ++index) {
      INFO("part " << index << " = " << parts[index].to_string() << " for weight "
                   << weights[index].to_string());
      const Decimal error = (parts[index] * weight_sum - total * weights[index]).abs();
      CHECK(error < unit * weight_sum);
      if (weights[index].is_zero()) CHECK(parts[index].is_zero());
      // No part has the opposite sign of the total.
      CHECK(parts[index].sign() * total.sign() >= 0);
    }
  }
}
