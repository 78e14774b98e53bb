// Micro-benchmarks of fundledger::Decimal on typical ledger values: amounts with two decimals,
// exchange rates with several, and the conversions between text and Decimal.
//
// Run: build/tests/decimal_bench (Release build). These are measurements, not tests.
#include <fundledger/decimal.hpp>

#include <benchmark/benchmark.h>

#include <string>

namespace {

using fundledger::Decimal;
using fundledger::Rounding;

void parse_amount(benchmark::State& state) {
  const std::string text = "1234567.89";
  for (auto _ : state) {
    Decimal value = Decimal::parse(text);
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(parse_amount);

void parse_38_digits(benchmark::State& state) {
  const std::string text = "1234567890123456789012345678.9012345678";
  for (auto _ : state) {
    Decimal value = Decimal::parse(text);
    benchmark::DoNotOptimize(value);
  }
}
BENCHMARK(parse_38_digits);

void to_string_amount(benchmark::State& state) {
  const Decimal value = Decimal::parse("-1234567.89");
  for (auto _ : state) {
    std::string text = value.to_string();
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(to_string_amount);

void add_same_scale(benchmark::State& state) {
  Decimal a = Decimal::parse("1234567.89");
  Decimal b = Decimal::parse("98765.43");
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    Decimal sum = a + b;
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(add_same_scale);

void add_different_scales(benchmark::State& state) {
  Decimal a = Decimal::parse("1234567.89");
  Decimal b = Decimal::parse("0.912345");
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    Decimal sum = a + b;
    benchmark::DoNotOptimize(sum);
  }
}
BENCHMARK(add_different_scales);

void compare_different_scales(benchmark::State& state) {
  Decimal a = Decimal::parse("1234567.89");
  Decimal b = Decimal::parse("1234567.891");
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
    bool less = a < b;
    benchmark::DoNotOptimize(less);
  }
}
BENCHMARK(compare_different_scales);

void multiply_amount_by_rate(benchmark::State& state) {
  Decimal amount = Decimal::parse("1250000.00");
  Decimal rate = Decimal::parse("0.912345");
  for (auto _ : state) {
    benchmark::DoNotOptimize(amount);
    benchmark::DoNotOptimize(rate);
    Decimal product = amount * rate;
    benchmark::DoNotOptimize(product);
  }
}
BENCHMARK(multiply_amount_by_rate);

void rescale_half_even_down_4_digits(benchmark::State& state) {
  Decimal product = Decimal::parse("1140431.250000");
  for (auto _ : state) {
    benchmark::DoNotOptimize(product);
    Decimal rounded = product.rescale(2, Rounding::HalfEven);
    benchmark::DoNotOptimize(rounded);
  }
}
BENCHMARK(rescale_half_even_down_4_digits);

void divide_amount_by_rate(benchmark::State& state) {
  Decimal amount = Decimal::parse("1250000.00");
  Decimal rate = Decimal::parse("0.912");
  for (auto _ : state) {
    benchmark::DoNotOptimize(amount);
    benchmark::DoNotOptimize(rate);
    Decimal quotient = Decimal::divide(amount, rate, 2, Rounding::HalfEven);
    benchmark::DoNotOptimize(quotient);
  }
}
BENCHMARK(divide_amount_by_rate);

}  // namespace

BENCHMARK_MAIN();
