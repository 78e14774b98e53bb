// The rules of master data and settings: currency, account, fund, donor, project, rate, setting.
// Re-sending what is recorded is a no-op that reports its seq; a conflicting one is an error.
#include "rules/rules.hpp"

#include "core/countries.hpp"
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <algorithm>

namespace fundledger::detail {

namespace {

[[noreturn]] void conflict(const std::string& what, const std::string& stored, const std::string& given) {
  throw Error(ErrorCode::conflict, what + " is already recorded differently: stored " + stored + ", given " + given);
}

void check_rate(const std::optional<Decimal>& rate, const std::string& field, const std::string& shown) {
  if (rate && (rate->sign() < 0 || *rate >= Decimal::from_integer(1))) {
    throw Error(ErrorCode::bad_input, field_error(field, "expected a rate from 0 to below 1, like 0.13" + shown));
  }
}

// Whether the master record is recorded already: identical (a no-op, its seq into the change), or
// not at all; a conflict otherwise.
template <class Record, class EventType>
bool recorded_as(RuleContext& context, const Record* known, const EventType& given, const std::string& what) {
  if (!known) return false;
  const std::string stored = body_fields(Event{known->event}).render();
  const std::string body = body_fields(Event{given}).render();
  if (stored != body) conflict(what, stored, body);
  context.change.already_recorded_seq = known->seq;
  return true;
}

// Names are never blank (from rules version 2, as of the day the event is recorded).
void check_name(const RuleContext& context, const std::string& name, const std::string& what) {
  if (name.find_first_not_of(" \t\r\n") != std::string::npos) return;
  if (rules_version_on(context.master, context.recorded_day) < 2) return;
  throw Error(ErrorCode::bad_input, field_error("name", what + " needs a name that is not blank"));
}

}  // namespace

void rule_currency(RuleContext& context, const CurrencyEvent& e) {
  if (auto iso = iso_currency(e.code); iso && iso->minor_units != e.minor_units) {
    throw Error(ErrorCode::conflict, field_error("minor_units", e.code + " is ISO 4217 with " +
                                                                    std::to_string(iso->minor_units) + " minor units, not " +
                                                                    std::to_string(e.minor_units)));
  }
  const auto* known = context.master.currencies.find(e.code);
  if (known && known->minor_units != e.minor_units) {
    conflict("currency " + e.code, std::to_string(known->minor_units) + " minor units",
             std::to_string(e.minor_units) + " minor units");
  }
  if (known && known->declared_seq) {
    context.change.already_recorded_seq = known->declared_seq;
    return;
  }
  if (known) {
    context.change.currency_declared = known->id;
  } else {
    context.change.currencies_added.push_back(
        {context.master.currencies.next_id(), e.code, e.minor_units, recognized_by_this_event, {}});
  }
}

void rule_account(RuleContext& context, const AccountEvent& e) {
  if (recorded_as(context, context.master.accounts.find(e.code), e, "account " + e.code)) return;
  check_name(context, e.name, "account " + e.code);
  context.change.account_added = AccountRecord{context.master.accounts.next_id(), e.code, e};
}

void rule_fund(RuleContext& context, const FundEvent& e) {
  if (recorded_as(context, context.master.funds.find(e.code), e, "fund " + e.code)) return;
  check_name(context, e.name, "fund " + e.code);
  if (!e.parent.empty()) context.change.fund_parent_id = context.fund(e.parent, "parent").id;
  context.change.fund_added = FundRecord{context.master.funds.next_id(), e.code, e, 0, {}};
}

void rule_donor(RuleContext& context, const DonorEvent& e) {
  check_donor_category_and_country(e.category, e.country);
  if (recorded_as(context, context.master.donors.find(e.code), e, "donor " + e.code)) return;
  check_name(context, e.name, "donor " + e.code);
  context.change.donor_added = DonorRecord{context.master.donors.next_id(), e.code, e, 0, {}};
}

void rule_project(RuleContext& context, const ProjectEvent& e) {
  if (recorded_as(context, context.master.projects.find(e.code), e, "project " + e.code)) return;
  check_name(context, e.name, "project " + e.code);
  const auto& fund = context.fund(e.fund, "fund");
  check_rate(e.psc_rate, "psc_rate", "");
  context.change.project_added = ProjectRecord{context.master.projects.next_id(), e.code, e, fund.id, 0, {}};
}

void rule_rate(RuleContext& context, const RateEvent& e) {
  if (e.currency == functional_currency_code) {
    throw Error(ErrorCode::bad_input, field_error("currency", "USD is the functional currency: its rate is always 1"));
  }
  if (e.per_usd.sign() <= 0) {
    throw Error(ErrorCode::bad_input, field_error("per_usd", "the rate must be positive, not " + e.per_usd.to_string()));
  }
  const auto& currency = context.currency_for_use(e.currency, "currency");
  const std::int32_t day = e.effective.day_number();
  const auto found = std::find_if(currency.rates.begin(), currency.rates.end(),
                                  [day](const RateEntry& rate) { return rate.day == day; });
  if (found != currency.rates.end()) {
    // The same rate written with other trailing zeros is the same rate.
    if (found->per_usd != e.per_usd) {
      conflict("the " + e.currency + " rate effective " + e.effective.to_string(), found->per_usd.to_string(),
               e.per_usd.to_string());
    }
    context.change.already_recorded_seq = found->seq;
    return;
  }
  context.check_open_from(e.effective, "the " + e.currency + " rate");
  context.change.rate_added = Change::Rate{currency.id, day, e.per_usd};
}

namespace {

// The checks of a setting's value, by key.
void check_setting(const SettingEvent& event, const MasterState& master) {
  const std::string& value = event.value;
  auto bad = [&event](const std::string& expected) {
    throw Error(ErrorCode::bad_input, field_error("value", "invalid value " + json::quoted(event.value) +
                                                               " for setting " + event.key + ": expected " + expected));
  };
  if (event.key == "rounding") {
    try {
      parse_rounding(value);
    } catch (const Error&) {
      bad("down, up, half-up, half-down, half-even, ceiling or floor");
    }
  } else if (event.key == "psc_rate") {
    try {
      Decimal rate = Decimal::parse(value);
      if (rate.sign() < 0 || rate >= Decimal::from_integer(1)) bad("a rate from 0 to below 1, like 0.13");
    } catch (const Error&) {
      bad("a rate from 0 to below 1, like 0.13");
    }
  } else if (event.key == "recognition") {
    if (value != "upfront" && value != "per-instalment") bad("upfront or per-instalment");
  } else if (event.key == "functional_currency") {
    if (value != "USD") bad("USD (the functional currency of every ledger)");
  } else if (event.key == "psc_fund") {
    if (!master.funds.find(value)) bad("the code of a recorded fund");
  } else if (event.key == "psc_own_spending") {
    if (value != "exempt" && value != "charged") bad("exempt or charged");
  } else if (event.key == "rules_version") {
    // Rules only move forward: version 1 is what a ledger without the setting follows.
    if (value != "2" && value != "3" && value != "4" && value != "5") bad("2, 3, 4 or 5");
    // Never back: no lower than the version in force from its date (without one, the latest).
    const int in_force = rules_version_on(master, event.effective ? *event.effective : Date::from_ymd(3000, 1, 1));
    if (std::stoi(value) < in_force) bad("no lower than version " + std::to_string(in_force) + ", already in force");
  } else if (event.key == "year_end") {
    if (value != "usd" && value != "by-currency") bad("usd or by-currency");
  } else if (event.key == "iati_org_ref") {
    if (value.empty() || value.size() > 64 || value.find_first_of(" /&|?") != std::string::npos) {
      bad("the reporting organisation's IATI identifier, like XM-DAC-41114 (no spaces or / & | ?)");
    }
  } else if (event.key == "iati_org_name") {
    if (value.empty() || value.size() > 200) bad("the reporting organisation's name, 1-200 characters");
  } else if (event.key == "iati_sector") {
    if (value.size() != 5 || value.find_first_not_of("0123456789") != std::string::npos) {
      bad("a DAC 5-digit purpose code, like 15130");
    }
  } else if (event.key == "max_future_days") {
    const bool digits = !value.empty() && value.size() <= 5 && value.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(value) > 36600) bad("a whole number of days from 0 to 36600, like 400");
  } else {
    throw Error(ErrorCode::bad_input,
                field_error("key", "unknown setting " + json::quoted(event.key) +
                                       ": expected rounding, psc_rate, psc_fund, recognition, functional_currency, "
                                       "max_future_days, year_end, psc_own_spending, rules_version, iati_org_ref, iati_org_name or iati_sector"));
  }
}

}  // namespace

void rule_setting(RuleContext& context, const SettingEvent& e) {
  check_setting(e, context.master);
  const std::int32_t day = e.effective ? e.effective->day_number() : beginning_of_time;
  if (const auto found = context.master.settings.find(e.key); found != context.master.settings.end()) {
    for (const SettingEntry& entry : found->second.values) {
      if (entry.day != day) continue;
      if (entry.value != e.value) {
        conflict("setting " + e.key + (e.effective ? " effective " + e.effective->to_string() : ""),
                 json::quoted(entry.value), json::quoted(e.value));
      }
      context.change.already_recorded_seq = entry.seq;
      return;
    }
  }
  // The IATI settings describe the publisher, not the books: they may be set at any time.
  const bool bookkeeping = e.key.rfind("iati_", 0) != 0;
  if (!bookkeeping) {
    // recorded as given
  } else if (e.effective) {
    context.check_open_from(*e.effective, "setting " + e.key);
  } else if (const auto closed = context.state.last_closed()) {
    throw Error(ErrorCode::closed_period,
                "setting " + e.key + " has no effective date, so it would apply from the beginning, across periods "
                "that are closed (up to " + closed->to_string() + "): give an effective date in an open period");
  }
  context.change.setting_added = Change::Setting{e.key, day, e.value};
}

}  // namespace fundledger::detail

namespace fundledger::detail {

namespace {

// The id of the record an amend names, or Error (unknown_reference).
std::int64_t amended_record(const RuleContext& context, const AmendEvent& e, std::string& kind) {
  switch (e.kind) {
    case AmendKind::donor: kind = "donor"; return context.donor(e.code, "code").id;
    case AmendKind::fund: kind = "fund"; return context.fund(e.code, "code").id;
    case AmendKind::project: kind = "project"; return context.project(e.code, "code").id;
  }
  return 0;
}

}  // namespace

void rule_amend(RuleContext& context, const AmendEvent& e) {
  const std::string body = body_fields(Event{e}).render();
  if (context.already_recorded(e.id, "amend", body)) return;
  context.change.body = body;
  std::string kind;
  const std::int64_t record_id = amended_record(context, e, kind);
  if (e.kind == AmendKind::donor) check_donor_category_and_country(e.category.value_or(""), e.country.value_or(""));
  if (e.name) check_name(context, *e.name, "amend " + e.id);
  context.check_open_from(e.effective, "amend " + e.id);
  context.change.amendment_added = AmendmentRow{kind, record_id, {0, e.effective.day_number(), e.name, e.category, e.country}};
}

}  // namespace fundledger::detail
