// Private: the rules of the ledger (ledger/README.md), one function per event type. Each reads the
// state through the context and fills the context's Change: the event as stored, its postings, and
// the projections it updates. No rule writes, reads a clock or speaks SQL: given the same state and
// event, a rule gives the same Change, which is what lets verify and replay run them again.
#pragma once

#include "rules/change.hpp"
#include "rules/rule_context.hpp"
#include "rules/state.hpp"

#include <fundledger/events.hpp>

namespace fundledger::detail {

// The Change that event makes to a ledger in state, recorded on recorded_day. Throws Error for an
// event the ledger refuses, naming the field and saying what was expected.
Change apply_rules(const StateView& state, const Event& event, Date recorded_day);

// A stored posting as an entry gives it (codes, the amount at its currency's minor units).
PostingInput posting_input_of(const MasterState& master, const StoredPosting& posting);

// Master data and settings (rules/master_rules.cpp).
void rule_currency(RuleContext& context, const CurrencyEvent& event);
void rule_account(RuleContext& context, const AccountEvent& event);
void rule_fund(RuleContext& context, const FundEvent& event);
void rule_donor(RuleContext& context, const DonorEvent& event);
void rule_project(RuleContext& context, const ProjectEvent& event);
void rule_rate(RuleContext& context, const RateEvent& event);
void rule_setting(RuleContext& context, const SettingEvent& event);
// The generic journal entry (rules/entry_rule.cpp).
void rule_entry(RuleContext& context, const EntryEvent& event);
// Pledges and what settles them (rules/pledge_rules.cpp).
void rule_pledge(RuleContext& context, const PledgeEvent& event);
void rule_receipt(RuleContext& context, const ReceiptEvent& event);
void rule_apply(RuleContext& context, const ApplyEvent& event);
void rule_condition_met(RuleContext& context, const ConditionMetEvent& event);
void rule_reduction(RuleContext& context, const ReductionEvent& event);
void rule_allowance(RuleContext& context, const AllowanceEvent& event);
void rule_write_off(RuleContext& context, const WriteOffEvent& event);
// Money leaving or moving between funds, and corrections (rules/fund_rules.cpp).
void rule_refund(RuleContext& context, const RefundEvent& event);
void rule_expense(RuleContext& context, const ExpenseEvent& event);
void rule_transfer(RuleContext& context, const TransferEvent& event);
void rule_interest(RuleContext& context, const InterestEvent& event);
void rule_reversal(RuleContext& context, const ReversalEvent& event);
// rules/partner_rules.cpp
void rule_advance(RuleContext& context, const AdvanceEvent& event);
void rule_partner_report(RuleContext& context, const PartnerReportEvent& event);
void rule_budget(RuleContext& context, const BudgetEvent& event);
// rules/master_rules.cpp
void rule_amend(RuleContext& context, const AmendEvent& event);
// The close (rules/close_rules.cpp).
void rule_period_close(RuleContext& context, const PeriodCloseEvent& event);
void rule_period_reopen(RuleContext& context, const PeriodReopenEvent& event);

}  // namespace fundledger::detail
