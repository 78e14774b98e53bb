// The standard chart of accounts and settings (ledger/README.md, "Standard chart of accounts"), that Ledger::init records.
#include "rules/standard_chart.hpp"

namespace fundledger::detail {

namespace {

struct StandardAccount {
  const char* code;
  const char* name;
  AccountClass account_class;
};

// The standard chart of ledger/README.md. Contra accounts keep the class of what they reduce.
constexpr StandardAccount standard_chart[] = {
    {"1100", "Cash and cash equivalents (share of the cash pool)", AccountClass::asset},
    {"1200", "Voluntary contributions receivable", AccountClass::asset},
    {"1290", "Allowance for doubtful contributions receivable", AccountClass::asset},
    {"1400", "Advances to implementing partners", AccountClass::asset},
    {"1500", "Due from other funds", AccountClass::asset},
    {"1900", "Currency exchange (trading account)", AccountClass::asset},
    {"2100", "Contributions received in advance", AccountClass::liability},
    {"2150", "Unidentified receipts", AccountClass::liability},
    {"2200", "Deferred revenue, conditional contributions", AccountClass::liability},
    {"2300", "Refunds payable to donors", AccountClass::liability},
    {"2500", "Due to other funds", AccountClass::liability},
    {"3100", "Accumulated surplus (fund balance)", AccountClass::net_assets},
    {"3200", "Transfers between funds", AccountClass::net_assets},
    {"4100", "Voluntary contributions, general-purpose", AccountClass::revenue},
    {"4200", "Voluntary contributions, special-purpose", AccountClass::revenue},
    {"4300", "Programme support cost income", AccountClass::revenue},
    {"4700", "Foreign exchange gains/(losses), realized", AccountClass::revenue},
    {"4710", "Foreign exchange gains/(losses), unrealized", AccountClass::revenue},
    {"4800", "Investment revenue", AccountClass::revenue},
    {"4900", "Refunds and reductions of contributions", AccountClass::revenue},
    {"5100", "Grants and transfers to implementing partners", AccountClass::expense},
    {"5200", "Programme expenditure", AccountClass::expense},
    {"5300", "Programme support costs", AccountClass::expense},
    {"5400", "Impairment of contributions receivable", AccountClass::expense},
    {"5900", "Rounding differences", AccountClass::expense},
};

}  // namespace

std::vector<Event> standard_events(bool bare) {
  std::vector<Event> events;
  events.push_back(SettingEvent{"functional_currency", "USD", std::nullopt});
  events.push_back(SettingEvent{"rounding", "half-even", std::nullopt});
  events.push_back(SettingEvent{"psc_rate", "0.13", std::nullopt});
  events.push_back(SettingEvent{"recognition", "upfront", std::nullopt});
  events.push_back(SettingEvent{"year_end", "usd", std::nullopt});
  events.push_back(SettingEvent{"psc_own_spending", "exempt", std::nullopt});
  events.push_back(SettingEvent{"rules_version", "5", std::nullopt});
  if (!bare) {
    for (const auto& account : standard_chart) {
      events.push_back(AccountEvent{account.code, account.name, account.account_class});
    }
  }
  return events;
}

}  // namespace fundledger::detail
