// Private: what every event that spends a fund's money shares (an expense, an advance to a partner,
// a partner's report): the PSC rate and charge, and the check that a fund spends no more than its
// cash.
#pragma once

#include "core/posting_builder.hpp"
#include "core/rules.hpp"

#include <optional>
#include <string>

namespace fundledger::detail {

// The PSC rate: the event's own, else its project's, else the ledger's psc_rate on day; Error
// (bad_input, naming psc_rate) unless from 0 to below 1.
Decimal psc_rate_for(const RuleContext& context, const std::optional<Decimal>& own, const ProjectRecord* project, Date day);

// PSC on amount at rate, rounded to the currency's minor units by the rounding in force on day.
Decimal psc_on(const RuleContext& context, const Decimal& amount, const Decimal& rate, const CurrencyRecord& currency,
               Date day);

// Whether the fund's spending on day carries no PSC: a PSC fund's own, where psc_own_spending is
// exempt.
bool psc_exempt(const RuleContext& context, const FundRecord& fund, Date day);

// Charges psc to the fund: Dr 5300 / Cr 1100 (the cash at the USD it carries, from held, which it
// updates) and, where a PSC fund is set on the day, Dr 1100 / Cr 4300 in that fund; nothing when
// the fund is exempt.
void charge_psc(RuleContext& context, PostingBuilder& builder, const FundRecord& fund, const CurrencyRecord& currency,
                const Decimal& psc, Dimensions on_project, Position& held);

// Error (bad_input) when the postings take more cash (in USD) out of the fund than it has at the end
// of the day, unless allow_overdraft; what names the event ("expense EXP-1").
void check_cash_available(const RuleContext& context, const std::string& what, const FundRecord& fund, Date day,
                          const std::vector<StoredPosting>& postings, std::int64_t cash_account, bool allow_overdraft);

// The USD amount as messages show it: "1234.50 USD".
std::string usd_text(std::int64_t minor);

}  // namespace fundledger::detail
