// The look-ups and checks the rules share.
#include "rules/rule_context.hpp"

#include "core/canonical_json.hpp"
#include "core/chart.hpp"
#include "core/master.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

namespace fundledger::detail {

const FundRecord& RuleContext::fund(const std::string& code, const std::string& field) const {
  const auto* record = master.funds.find(code);
  if (!record) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown fund " + quote(code)));
  return *record;
}

const DonorRecord& RuleContext::donor(const std::string& code, const std::string& field) const {
  const auto* record = master.donors.find(code);
  if (!record) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown donor " + quote(code)));
  return *record;
}

const PledgeRecord& RuleContext::pledge(const std::string& code, const std::string& field) const {
  const auto* record = master.pledges.find(code);
  if (!record) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown pledge " + quote(code)));
  return *record;
}

const ProjectRecord& RuleContext::project(const std::string& code, const std::string& field) const {
  const auto* record = master.projects.find(code);
  if (!record) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown project " + quote(code)));
  return *record;
}

const CurrencyRecord& RuleContext::currency_for_use(std::string_view code, const std::string& field) {
  if (const auto* known = master.currencies.find(code)) return *known;
  for (const CurrencyRecord& added : change.currencies_added) {
    if (added.code == code) return added;
  }
  auto iso = iso_currency(code);
  if (!iso) {
    throw Error(ErrorCode::unknown_reference,
                field_error(field, "unknown currency " + json::quoted(code) +
                                       ": not ISO 4217 and not declared with a currency event"));
  }
  const std::int64_t id = master.currencies.next_id() + static_cast<std::int64_t>(change.currencies_added.size());
  return change.currencies_added.emplace_back(CurrencyRecord{id, iso->code, iso->minor_units, 0, {}});
}

const CurrencyRecord& RuleContext::currency(std::int64_t id) const {
  if (id < master.currencies.next_id()) return master.currencies.by_id(id);
  return change.currencies_added.at(static_cast<std::size_t>(id - master.currencies.next_id()));
}

std::int64_t RuleContext::account(std::string_view code, const std::string& label) const {
  const auto* record = master.accounts.find(code);
  if (!record) {
    throw Error(ErrorCode::unknown_reference,
                label + " posts to account " + std::string(code) +
                    ", which this ledger does not have (it is in the standard chart that init creates)");
  }
  return record->id;
}

Decimal RuleContext::positive_amount(const Decimal& amount, const CurrencyRecord& currency,
                                     const std::string& field) const {
  if (amount.sign() <= 0) {
    throw Error(ErrorCode::bad_input, field_error(field, "the amount must be positive, not " + amount.to_string()));
  }
  if (amount.scale() > currency.minor_units && amount.rescale(currency.minor_units, Rounding::Down) != amount) {
    throw Error(ErrorCode::bad_input,
                field_error(field, "amount " + amount.to_string() + " has more decimals than " + currency.code +
                                       " allows (" + std::to_string(currency.minor_units) + ")"));
  }
  return amount.rescale(currency.minor_units, Rounding::Down);
}

void RuleContext::check_open_from(Date day, const std::string& label) const {
  const auto closed = state.last_closed();
  if (closed && day <= closed->last_day()) {
    throw Error(ErrorCode::closed_period,
                field_error("effective", label + " takes effect on " + day.to_string() + ", in period " +
                                             Period::month_of(day).to_string() +
                                             ", which is closed (periods are closed up to " + closed->to_string() +
                                             "); make it effective in an open period, or reopen the period first"));
  }
}

void RuleContext::check_open(Date day, const std::string& label) const {
  const auto closed = state.last_closed();
  if (closed && day <= closed->last_day()) {
    throw Error(ErrorCode::closed_period,
                label + " is dated " + day.to_string() + ", in period " + Period::month_of(day).to_string() +
                    ", which is closed (periods are closed up to " + closed->to_string() +
                    "); date it in an open period, or reopen the period first");
  }
}

void RuleContext::check_not_before_signing(const PledgeRecord& pledge, Date date, const std::string& what) const {
  if (date < pledge.signed_on) {
    throw Error(ErrorCode::bad_input, "field \"date\": " + what + " is dated " + date.to_string() + ", before pledge " +
                                          pledge.code + " was signed (" + pledge.signed_on.to_string() + ")");
  }
}

bool RuleContext::already_recorded(std::string_view id, std::string_view type, const std::string& body) {
  const auto stored = state.event(id);
  if (!stored) return false;
  if (stored->type != type || stored->body != body) {
    throw Error(ErrorCode::conflict, field_error("id", "id " + quote(id) + " is already recorded (seq " +
                                                           std::to_string(stored->seq) + ") with a different body"));
  }
  change.already_recorded_seq = stored->seq;
  return true;
}

std::string_view RuleContext::revenue_account(Purpose purpose) {
  return purpose == Purpose::special ? account::special_purpose : account::general_purpose;
}

BalanceKeyIds RuleContext::pledge_key(const PledgeRecord& pledge, std::string_view code) const {
  const auto* record = master.accounts.find(code);
  const bool on_revenue_side = code == account::deferred_revenue;
  return {record ? record->id : 0, pledge.fund_id, pledge.donor_id, on_revenue_side ? pledge.project_id : 0, pledge.id,
          pledge.currency_id};
}

Position RuleContext::pledge_balance(const PledgeRecord& pledge, std::string_view code) const {
  const BalanceKeyIds key = pledge_key(pledge, code);
  if (key[0] == 0) return {};
  const BalanceSums sums = state.balance(key);
  return {sums.debit - sums.credit, sums.functional_debit - sums.functional_credit};
}

bool RuleContext::pledge_cancelled(const PledgeRecord& pledge) const {
  if (pledge.reversed) return true;
  const PledgeCancellation figures = state.pledge_cancellation(pledge.id);
  if (figures.received_minor != 0) return false;
  std::int64_t reduced = figures.reduced_minor;
  if (reduced >= pledge.amount_minor) return true;
  // Instalments cut before they were recognized are reduced too, with no posting.
  for (const InstalmentRow& instalment : state.instalments(pledge.id)) reduced += instalment.cut_minor;
  return reduced >= pledge.amount_minor;
}

void check_not_far_future(const MasterState& master, const Event& event, Date recorded_day) {
  // The day an event is dated by, and the field that gives it.
  const auto [day, field] = std::visit(
      [](const auto& e) -> std::pair<std::optional<Date>, const char*> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, RateEvent> || std::is_same_v<T, SettingEvent>) {
          return {e.effective, "effective"};
        } else if constexpr (std::is_same_v<T, AmendEvent>) {
          return {e.effective, "effective"};
        } else if constexpr (std::is_same_v<T, BudgetEvent>) {
          // The first day of the year it budgets.
          if (e.year < 1 || e.year > 9999) return {std::nullopt, ""};
          return {Date::from_ymd(e.year, 1, 1), "year"};
        } else if constexpr (std::is_same_v<T, PledgeEvent>) {
          return {e.signed_on, "signed"};
        } else if constexpr (std::is_same_v<T, PeriodCloseEvent> || std::is_same_v<T, PeriodReopenEvent>) {
          return {e.period.last_day(), "period"};
        } else if constexpr (requires { e.date; }) {
          return {e.date, "date"};
        } else {
          return {std::nullopt, ""};
        }
      },
      event);
  if (!day) return;
  // Amendments and budgets are held to it from rules version 2.
  if ((std::holds_alternative<AmendEvent>(event) || std::holds_alternative<BudgetEvent>(event)) &&
      rules_version_on(master, recorded_day) < 2) {
    return;
  }
  const std::int64_t limit = std::stoll(setting_on(master, "max_future_days", recorded_day));
  if (static_cast<std::int64_t>(day->day_number()) - recorded_day.day_number() > limit) {
    const std::string what = std::string(field) == "year" ? "year " + std::to_string(day->year()) + " begins on " : "";
    throw Error(ErrorCode::bad_input,
                field_error(field, what + day->to_string() + " is more than " + std::to_string(limit) + " days after " +
                                       recorded_day.to_string() + ", the day it is recorded: a mistyped year? (the "
                                       "limit is the setting max_future_days)"));
  }
}

}  // namespace fundledger::detail
