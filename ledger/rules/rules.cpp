// Which rule an event goes to, and what every event's Change carries besides its rule's work: its
// type, id, date and stored body.
#include "rules/rules.hpp"

#include "core/event_json.hpp"

namespace fundledger::detail {

namespace {

struct Dispatch {
  RuleContext& context;
  void operator()(const CurrencyEvent& e) const { rule_currency(context, e); }
  void operator()(const AccountEvent& e) const { rule_account(context, e); }
  void operator()(const FundEvent& e) const { rule_fund(context, e); }
  void operator()(const DonorEvent& e) const { rule_donor(context, e); }
  void operator()(const ProjectEvent& e) const { rule_project(context, e); }
  void operator()(const RateEvent& e) const { rule_rate(context, e); }
  void operator()(const SettingEvent& e) const { rule_setting(context, e); }
  void operator()(const EntryEvent& e) const { rule_entry(context, e); }
  void operator()(const PledgeEvent& e) const { rule_pledge(context, e); }
  void operator()(const ReceiptEvent& e) const { rule_receipt(context, e); }
  void operator()(const ApplyEvent& e) const { rule_apply(context, e); }
  void operator()(const ConditionMetEvent& e) const { rule_condition_met(context, e); }
  void operator()(const ReductionEvent& e) const { rule_reduction(context, e); }
  void operator()(const RefundEvent& e) const { rule_refund(context, e); }
  void operator()(const AdvanceEvent& e) const { rule_advance(context, e); }
  void operator()(const PartnerReportEvent& e) const { rule_partner_report(context, e); }
  void operator()(const BudgetEvent& e) const { rule_budget(context, e); }
  void operator()(const AmendEvent& e) const { rule_amend(context, e); }
  void operator()(const ExpenseEvent& e) const { rule_expense(context, e); }
  void operator()(const TransferEvent& e) const { rule_transfer(context, e); }
  void operator()(const InterestEvent& e) const { rule_interest(context, e); }
  void operator()(const AllowanceEvent& e) const { rule_allowance(context, e); }
  void operator()(const WriteOffEvent& e) const { rule_write_off(context, e); }
  void operator()(const ReversalEvent& e) const { rule_reversal(context, e); }
  void operator()(const PeriodCloseEvent& e) const { rule_period_close(context, e); }
  void operator()(const PeriodReopenEvent& e) const { rule_period_reopen(context, e); }
};

}  // namespace

Change apply_rules(const StateView& state, const Event& event, Date recorded_day) {
  check_not_far_future(state.master(), event, recorded_day);
  RuleContext context(state, recorded_day);
  Change& change = context.change;
  change.type = event_type_name(event);
  change.event_id = event_id_of(event);
  if (std::holds_alternative<CurrencyEvent>(event) || std::holds_alternative<AccountEvent>(event) ||
      std::holds_alternative<FundEvent>(event) || std::holds_alternative<DonorEvent>(event) ||
      std::holds_alternative<ProjectEvent>(event) || std::holds_alternative<RateEvent>(event) ||
      std::holds_alternative<SettingEvent>(event)) {
    // Master data is stored by its canonical body as given; the other rules set their own, from
    // their amounts at the currency's minor units.
    change.body = body_fields(event).render();
  }
  change.date = event_date_of(event);
  std::visit(Dispatch{context}, event);
  if (!change.kind) change.kind = event_movement_kind(change.type);
  return std::move(change);
}

const char* movement_kind_name(MovementKind kind) noexcept {
  static constexpr const char* names[] = {
      "other",   "pledge",         "condition_met", "recognition", "receipt", "apply", "reduction",
      "allowance", "write_off",    "refund",        "expense_programme", "expense_grant", "advance",
      "partner_report", "transfer", "interest",     "revaluation", "year_end"};
  const auto index = static_cast<std::size_t>(kind);
  return index < std::size(names) ? names[index] : "unknown";
}

MovementKind event_movement_kind(std::string_view type, bool grant) {
  if (type == "expense") return grant ? MovementKind::expense_grant : MovementKind::expense_programme;
  for (const EventMovementKind& row : event_movement_kinds) {
    if (type == row.type) return row.kind;
  }
  return MovementKind::other;
}

}  // namespace fundledger::detail
