// A posting as the store keeps it, for the tests of the store and of the recorder's checks.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <optional>

namespace fundledger::test {

inline detail::StoredPosting posting(std::int64_t account, std::int64_t fund, std::int64_t currency,
                                     std::int64_t amount, std::int64_t usd,
                                     std::optional<std::int32_t> date = std::nullopt) {
  detail::StoredPosting p;
  p.account_id = account;
  p.fund_id = fund;
  p.currency_id = currency;
  p.amount_minor = amount;
  p.functional_minor = usd;
  p.date = date;
  return p;
}

}  // namespace fundledger::test
