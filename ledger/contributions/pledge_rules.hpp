// Private: the pieces of the pledge rules that several events share (a receipt and an apply settle
// a pledge; a receipt, an apply and the close recognize instalments falling due).
#pragma once

#include "core/posting_builder.hpp"
#include "core/rules.hpp"

#include <string>

namespace fundledger::detail {

struct Settlement {
  std::int64_t settled_minor = 0;  // in the pledge currency
  std::int64_t excess_minor = 0;   // what the pledge could not take, in the pledge currency
};

// Settles a pledge with money worth money_usd today: in the pledge currency when the money is in
// it, else converted at the date's rate of the pledge currency through 1900. The receivable (with
// what was recognized_now) is relieved at its carrying USD; the builder posts the realized exchange.
Settlement settle_pledge(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge,
                         const CurrencyRecord& money_currency, const Decimal& money_amount, std::int64_t money_usd,
                         Position recognized_now);

// With per-instalment recognition, the instalments of the pledge due by day and not yet recognized
// are recognized now, each dated its due day at that day's rate, as the close would (the lines go
// into the change). Returns what they added to the receivable.
Position recognize_due_instalments(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge, Date day);

// Holds what pledge could not take for the donor (2100), at the day's rate, and says so in the
// change's notes; returns the posting.
StoredPosting hold_excess(RuleContext& context, PostingBuilder& builder, std::int64_t fund_id, std::int64_t donor_id,
                          const CurrencyRecord& currency, std::int64_t excess_minor, const std::string& pledge);

// The pledge that money for fund (from donor, when known) settles on date; Error when it is to
// another fund or donor, cancelled, or signed after date.
const PledgeRecord& pledge_to_settle(RuleContext& context, const std::string& code, std::int64_t fund_id,
                                     std::int64_t donor_id, Date date, const std::string& what);

}  // namespace fundledger::detail
