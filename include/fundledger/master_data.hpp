// The master data as a ledger holds it, for listings: accounts, funds, donors, projects, rates and
// settings.
//
// Names (and donors' categories and countries) are those in force on the day asked (the amend
// event dates a change), the latest when no day is given.
//
// Example:
//   auto ledger = Ledger::open("cpcjf.db", OpenMode::read_only);
//   for (const RateInfo& rate : list_rates(ledger, "EUR", Date::parse("2024-03-15"))) { ... }
//
// Errors: Error (storage) when the database fails.
// Thread-safety: as for Ledger.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/decimal.hpp>
#include <fundledger/events.hpp>
#include <fundledger/ledger.hpp>

#include <optional>
#include <string>
#include <vector>

namespace fundledger {

struct AccountInfo {
  std::string code;
  std::string name;
  AccountClass account_class = AccountClass::asset;
};

struct FundInfo {
  std::string code;
  std::string name;
  FundKind kind = FundKind::general;
  std::string parent;  // empty: none
};

struct DonorInfo {
  std::string code;
  std::string name;
  std::string category;  // empty: not given
  std::string country;   // ISO 3166-1 alpha-2, empty: not given
};

struct ProjectInfo {
  std::string code;
  std::string name;
  std::string fund;
  std::optional<Decimal> psc_rate;
};

struct RateInfo {
  std::string currency;
  Date effective = Date::from_day_number(0);
  Decimal per_usd;  // units of the currency per 1 USD
};

struct SettingInfo {
  std::string key;
  std::optional<Date> effective;  // none: from the beginning
  std::string value;
};

// By code. The names (and a donor's category and country) in force on as_of, or today (UTC) when
// it is not given: a change effective later shows from its day on.
std::vector<AccountInfo> list_accounts(const Ledger& ledger);
std::vector<FundInfo> list_funds(const Ledger& ledger, std::optional<Date> as_of = std::nullopt);
std::vector<DonorInfo> list_donors(const Ledger& ledger, std::optional<Date> as_of = std::nullopt);
std::vector<ProjectInfo> list_projects(const Ledger& ledger, std::optional<Date> as_of = std::nullopt);
// Every rate recorded (of currency, when not empty), by currency and date; with as_of, the rate in
// force on that day for each currency that has one.
std::vector<RateInfo> list_rates(const Ledger& ledger, const std::string& currency = "",
                                 std::optional<Date> as_of = std::nullopt);
// Every setting recorded, by key and date; with as_of, the value in force on that day for each key.
std::vector<SettingInfo> list_settings(const Ledger& ledger, std::optional<Date> as_of = std::nullopt);

}  // namespace fundledger
