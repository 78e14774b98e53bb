// Looking up the master data: rates, settings, rounding, and conversion to USD.
#include "core/master.hpp"

#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <algorithm>

namespace fundledger::detail {

const Decimal& rate_on(const CurrencyRecord& currency, Date day) {
  const auto& rates = currency.rates;
  auto after = std::upper_bound(rates.begin(), rates.end(), day.day_number(),
                                [](std::int32_t value, const RateEntry& rate) { return value < rate.day; });
  if (after == rates.begin()) {
    std::string detail = rates.empty() ? "it has no rate at all"
                                       : "its earliest rate is effective " +
                                             Date::from_day_number(rates.front().day).to_string();
    throw Error(ErrorCode::bad_input, "no " + currency.code + " rate in force on " + day.to_string() + " (" + detail +
                                          "): record a rate event first");
  }
  return std::prev(after)->per_usd;
}

std::string setting_on(const MasterState& master, std::string_view key, Date day) {
  auto found = master.settings.find(key);
  if (found != master.settings.end()) {
    const auto& values = found->second.values;
    auto after = std::upper_bound(values.begin(), values.end(), day.day_number(),
                                  [](std::int32_t value, const SettingEntry& item) { return value < item.day; });
    if (after != values.begin()) return std::prev(after)->value;
  }
  // The standard values, for a ledger created without them.
  if (key == "rounding") return "half-even";
  if (key == "psc_rate") return "0.13";
  if (key == "recognition") return "upfront";
  if (key == "functional_currency") return "USD";
  if (key == "max_future_days") return "400";
  return "";
}

Rounding rounding_on(const MasterState& master, Date day) { return parse_rounding(setting_on(master, "rounding", day)); }

int rules_version_on(const MasterState& master, Date day) {
  const std::string value = setting_on(master, "rules_version", day);
  return value.empty() ? 1 : std::stoi(value);
}

std::int64_t usd_value_minor(const MasterState& master, const CurrencyRecord& currency, const Decimal& amount,
                             Date day) {
  try {
    if (currency.code == functional_currency_code) return amount.to_minor_units(2);
    return Decimal::divide(amount, rate_on(currency, day), 2, rounding_on(master, day)).to_minor_units(2);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::overflow) throw;
    throw Error(ErrorCode::bad_input, field_error("amount", "the USD value of " + amount.to_string() + " " +
                                                                currency.code + " is beyond what the ledger holds "
                                                                "exactly (" + error.what() + ")"));
  }
}

std::string category_on(const DonorRecord& donor, Date day) {
  std::string value = donor.event.category;
  for (const Amendment& amendment : donor.amendments) {
    if (amendment.day <= day.day_number() && amendment.category) value = *amendment.category;
  }
  return value;
}

std::string country_on(const DonorRecord& donor, Date day) {
  std::string value = donor.event.country;
  for (const Amendment& amendment : donor.amendments) {
    if (amendment.day <= day.day_number() && amendment.country) value = *amendment.country;
  }
  return value;
}

void add_amendment(std::vector<Amendment>& history, Amendment amendment) {
  const auto at = std::upper_bound(history.begin(), history.end(), amendment, [](const Amendment& a, const Amendment& b) {
    return a.day != b.day ? a.day < b.day : a.seq < b.seq;
  });
  history.insert(at, std::move(amendment));
}

}  // namespace fundledger::detail
