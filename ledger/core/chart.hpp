// Private: the codes of the standard chart of accounts (ledger/README.md), by name, and which events
// own the control accounts.
#pragma once

#include <string_view>

namespace fundledger::detail::account {

inline constexpr std::string_view cash = "1100";
inline constexpr std::string_view receivable = "1200";
inline constexpr std::string_view allowance = "1290";
inline constexpr std::string_view partner_advances = "1400";
inline constexpr std::string_view due_from_funds = "1500";
inline constexpr std::string_view currency_exchange = "1900";
inline constexpr std::string_view received_in_advance = "2100";
inline constexpr std::string_view unidentified = "2150";
inline constexpr std::string_view deferred_revenue = "2200";
inline constexpr std::string_view refunds_payable = "2300";
inline constexpr std::string_view due_to_funds = "2500";
inline constexpr std::string_view accumulated_surplus = "3100";
inline constexpr std::string_view transfers = "3200";
inline constexpr std::string_view general_purpose = "4100";
inline constexpr std::string_view special_purpose = "4200";
inline constexpr std::string_view support_cost_income = "4300";
inline constexpr std::string_view realized_exchange = "4700";
inline constexpr std::string_view unrealized_exchange = "4710";
inline constexpr std::string_view investment_revenue = "4800";
inline constexpr std::string_view refunds_and_reductions = "4900";
inline constexpr std::string_view grants = "5100";
inline constexpr std::string_view programme = "5200";
inline constexpr std::string_view support_costs = "5300";
inline constexpr std::string_view impairment = "5400";
inline constexpr std::string_view rounding = "5900";

// The control accounts belong to sub-ledgers (pledges, money held per receipt, refunds payable,
// partner advances): only the events that keep those sub-ledgers may post to them, so that every
// projection agrees with the accounts. Returns what to record instead, or nullptr for an account a
// generic entry may use.
constexpr const char* control_account_owner(std::string_view code) {
  if (code == receivable) return "record a pledge, receipt, apply, reduction or write_off instead";
  if (code == allowance) return "record an allowance or write_off instead";
  if (code == partner_advances) return "record an advance or partner_report instead";
  if (code == received_in_advance) return "record a receipt from the donor, an apply, or a refund naming the receipt instead";
  if (code == unidentified) return "record a receipt without a donor, an apply, or a refund naming the receipt instead";
  if (code == deferred_revenue) return "record a conditional pledge, condition_met or reduction instead";
  if (code == refunds_payable) return "record a refund instead";
  return nullptr;
}

}  // namespace fundledger::detail::account
