// Private: what every event that spends a fund's money shares (an expense, an advance to a partner,
// a partner's report): the PSC rate and charge, and the check that a fund spends no more than its
// cash.
#pragma once

#include "rules/posting_builder.hpp"
#include "rules/rules.hpp"

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

// Which events the cash rule checks under rules version 1: expenses, advances and transfers did, the
// others only from version 2 on.
enum class CashRuleSince { version_1, version_2 };

// The cash rule (ledger/README.md, "Cash is cash whoever takes it"), unless allow_overdraft: every
// fund whose cash (1100) the postings lower must have, after them, zero or more in USD at the end
// of date and, from rules version 2, in USD with every posting so far and in each currency they
// lower. Error (bad_input) naming the event (what, "expense EXP-1"), the fund and the cash it has;
// note follows the amount taken (" (with PSC)").
void check_cash_taken(const RuleContext& context, const std::string& what, Date date,
                      const std::vector<StoredPosting>& postings, bool allow_overdraft, CashRuleSince since,
                      std::string_view note = "");

// The USD amount as messages show it: "1234.50 USD".
std::string usd_text(std::int64_t minor);

}  // namespace fundledger::detail
