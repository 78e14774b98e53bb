// allocate(): splitting a total into exact parts by the largest-remainder method.
#include "decimal/arithmetic.hpp"

#include <fundledger/decimal.hpp>

#include <algorithm>
#include <numeric>
#include <string>

namespace fundledger {

std::vector<Decimal> allocate(const Decimal& total, const std::vector<Decimal>& weights) {
  using detail::Int512;
  if (weights.empty()) throw Error(ErrorCode::bad_input, "allocate: no weights to allocate over");
  int weight_scale = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i].sign() < 0) {
      throw Error(ErrorCode::bad_input, "allocate: weight " + std::to_string(i + 1) + " (" +
                                            weights[i].to_string() + ") is negative");
    }
    weight_scale = std::max(weight_scale, weights[i].scale());
  }
  // Weights as integers at a common scale; their sum is below 10^38 * 10^38 * count.
  std::vector<Int512> units(weights.size());
  Int512 weight_sum = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    units[i] = Int512(weights[i].coefficient()) *
               detail::power_of_ten_512(weight_scale - weights[i].scale());
    weight_sum += units[i];
  }
  if (weight_sum.is_zero()) throw Error(ErrorCode::bad_input, "allocate: the weights sum to zero");

  // Split |total| in units of its last digit: each part gets floor(T * w / W), then the units left
  // over go one each to the parts with the largest remainders, the earlier part first on a tie.
  const Int512 magnitude = Int512(detail::magnitude_of(total.coefficient()));
  std::vector<Int512> shares(weights.size());
  std::vector<Int512> remainders(weights.size());
  Int512 distributed = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    boost::multiprecision::divide_qr(magnitude * units[i], weight_sum, shares[i], remainders[i]);
    distributed += shares[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&remainders](std::size_t a, std::size_t b) {
    return remainders[a] > remainders[b];
  });
  // The leftover is below the number of parts, since each remainder is below the weight sum.
  auto leftover = static_cast<std::size_t>(magnitude - distributed);
  for (std::size_t k = 0; k < leftover; ++k) shares[order[k]] += 1;

  const bool negative = total.sign() < 0;
  std::vector<Decimal> parts;
  parts.reserve(weights.size());
  for (const Int512& share : shares) {
    // Every share is at most |total|, so it fits the coefficient.
    auto coefficient = static_cast<Decimal::Coefficient>(share);
    parts.push_back(Decimal::from_coefficient(negative ? -coefficient : coefficient, total.scale()));
  }
  return parts;
}

}  // namespace fundledger
