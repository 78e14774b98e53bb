// Private: the pieces of the pledge rules that several events share (a receipt and an apply settle
// a pledge; a receipt, an apply and the close recognize instalments falling due).
#pragma once

#include "rules/posting_builder.hpp"
#include "rules/rules.hpp"

#include <string>

namespace fundledger::detail {

struct Settlement {
  std::int64_t settled_minor = 0;  // in the pledge currency
  std::int64_t excess_minor = 0;   // what the pledge could not take, in the pledge currency
};

// A pledge's balance in one of its accounts (1200, 1290; 2200 by its project), with what the builder
// has posted to it so far.
Position pledge_position(const RuleContext& context, const PostingBuilder& builder, const PledgeRecord& pledge,
                         std::string_view account);

// Settles a pledge with money worth money_usd today: in the pledge currency when the money is in
// it, else converted at the date's rate of the pledge currency through 1900. The receivable (with
// what the builder recognized so far) is relieved at its carrying USD; the builder posts the
// realized exchange; from rules version 2 an allowance beyond what remains is released.
Settlement settle_pledge(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge,
                         const CurrencyRecord& money_currency, const Decimal& money_amount, std::int64_t money_usd);

// With per-instalment recognition, the instalments of the pledge due by day and not yet recognized
// are recognized now, each dated its due day at that day's rate, as the close would (the lines go
// into the change); from rules version 2 less what reductions cut off them, on the first open day
// for one due in a closed month, and each followed by the money paid ahead for the pledge, applied
// to it. Returns what they added to the receivable.
Position recognize_due_instalments(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge, Date day);

// A holding as this change has moved it so far.
Holding as_moved(const Change& change, Holding holding);

// What is outstanding on a pledge besides its receivable: the instalments not yet recognized (less
// their cuts) and the money paid ahead of them, held for the pledge (no more than they come to).
struct Unrecognized {
  std::int64_t remaining_minor = 0;
  std::int64_t paid_ahead_minor = 0;
};
Unrecognized unrecognized_of(const RuleContext& context, const PledgeRecord& pledge, Date on);

// Allowances follow their receivable (rules version 2): where the pledge's allowance (1290, with
// the builder's postings) is more than its receivable, in the currency or in USD, the excess is
// released (Dr 1290 / Cr 5400, a reversal of impairment), so that the allowance is never more.
void release_excess_allowance(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge);

// Holds what pledge could not take (2100), at the day's rate, and says so in the change's notes;
// returns the posting. From rules version 2, while instalments of the pledge not yet recognized are
// not all paid ahead, it is held for the pledge and applied to them as they are recognized; else
// for the donor, as an advance.
StoredPosting hold_excess(RuleContext& context, PostingBuilder& builder, const PledgeRecord& pledge,
                          std::int64_t fund_id, std::int64_t excess_minor);

// The pledge that money for fund (from donor, when known) settles on date; Error when it is to
// another fund or donor, cancelled, or signed after date.
const PledgeRecord& pledge_to_settle(RuleContext& context, const std::string& code, std::int64_t fund_id,
                                     std::int64_t donor_id, Date date, const std::string& what);

}  // namespace fundledger::detail
