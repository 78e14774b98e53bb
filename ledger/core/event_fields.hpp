// Private: the fields of each event type, described once: the key each has in JSON, the member of
// the event it fills, how it is checked, and whether it may be left out. The reader of JSON Lines
// (event_json.cpp) and the canonical writer (the stored body that is hashed) both follow these
// descriptions, so that a field cannot be read one way and written another. What a description
// cannot say (an entry's postings, a pledge's schedule, a currency's minor units, a close's
// period, the checks between fields) stays written out beside it.
#pragma once

#include <fundledger/events.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace fundledger::detail {

// How a text field is checked.
enum class TextRole {
  id,    // an event id: 1-64 characters of A-Z a-z 0-9 - _ . / : #
  code,  // a code: 1-32 characters of A-Z a-z 0-9 - _ .
  text,  // any text but empty
  note,  // any text; empty is the same as absent (a memo)
};

// Whether a field must be given. One that may be left out is written only when it holds something
// (a text not empty, a flag true, an optional value set).
enum class Need { required, if_given };

template <class E>
using MemberOf = std::variant<std::string E::*, std::optional<std::string> E::*, Decimal E::*,
                              std::optional<Decimal> E::*, Date E::*, std::optional<Date> E::*, bool E::*,
                              Purpose E::*, ExpenseCategory E::*, AccountClass E::*, FundKind E::*, AmendKind E::*>;

template <class E>
struct FieldSpec {
  std::string_view key;
  MemberOf<E> member;
  TextRole role = TextRole::text;  // for a text member
  Need need = Need::required;
};

template <class E>
FieldSpec<E> event_id(std::string_view key, std::string E::*member, Need need = Need::required) {
  return {key, member, TextRole::id, need};
}
template <class E>
FieldSpec<E> code(std::string_view key, std::string E::*member, Need need = Need::required) {
  return {key, member, TextRole::code, need};
}
template <class E>
FieldSpec<E> text(std::string_view key, std::string E::*member, Need need = Need::required) {
  return {key, member, TextRole::text, need};
}
template <class E>
FieldSpec<E> note(std::string_view key, std::string E::*member) {
  return {key, member, TextRole::note, Need::if_given};
}
// A value of its own type: a decimal, a date, a choice among names; an optional one, or a flag, may
// be left out.
template <class E, class T>
FieldSpec<E> value(std::string_view key, T E::*member) {
  constexpr bool may_be_absent =
      std::is_same_v<T, bool> || std::is_same_v<T, std::optional<Decimal>> || std::is_same_v<T, std::optional<Date>> ||
      std::is_same_v<T, std::optional<std::string>>;
  return {key, member, TextRole::text, may_be_absent ? Need::if_given : Need::required};
}

// The names of each choice, in the order the messages list them.
template <class Enum>
struct Choice {
  const char* name;
  Enum value;
};
inline constexpr Choice<Purpose> purpose_choices[] = {{"general", Purpose::general}, {"special", Purpose::special}};
inline constexpr Choice<ExpenseCategory> expense_category_choices[] = {{"grant", ExpenseCategory::grant},
                                                                       {"programme", ExpenseCategory::programme}};
inline constexpr Choice<AccountClass> account_class_choices[] = {
    {"asset", AccountClass::asset},         {"liability", AccountClass::liability},
    {"net-assets", AccountClass::net_assets}, {"revenue", AccountClass::revenue},
    {"expense", AccountClass::expense}};
inline constexpr Choice<FundKind> fund_kind_choices[] = {
    {"general", FundKind::general}, {"special", FundKind::special}, {"psc", FundKind::psc}};
inline constexpr Choice<AmendKind> amend_kind_choices[] = {
    {"donor", AmendKind::donor}, {"fund", AmendKind::fund}, {"project", AmendKind::project}};

// The fields of each event type that a description covers, in the order they are read.
template <class E>
const std::vector<FieldSpec<E>>& fields_of();

#define FUNDLEDGER_FIELDS(Event, ...)                                   \
  template <>                                                           \
  inline const std::vector<FieldSpec<Event>>& fields_of<Event>() {      \
    static const std::vector<FieldSpec<Event>> fields = {__VA_ARGS__};  \
    return fields;                                                      \
  }

// The minor units of a currency are read and written beside its code.
FUNDLEDGER_FIELDS(CurrencyEvent, code("code", &CurrencyEvent::code))
FUNDLEDGER_FIELDS(AccountEvent, code("code", &AccountEvent::code), text("name", &AccountEvent::name),
                  value("class", &AccountEvent::account_class))
FUNDLEDGER_FIELDS(FundEvent, code("code", &FundEvent::code), text("name", &FundEvent::name),
                  value("kind", &FundEvent::kind), code("parent", &FundEvent::parent, Need::if_given))
FUNDLEDGER_FIELDS(DonorEvent, code("code", &DonorEvent::code), text("name", &DonorEvent::name),
                  text("category", &DonorEvent::category, Need::if_given),
                  text("country", &DonorEvent::country, Need::if_given))
FUNDLEDGER_FIELDS(ProjectEvent, code("code", &ProjectEvent::code), text("name", &ProjectEvent::name),
                  code("fund", &ProjectEvent::fund), value("psc_rate", &ProjectEvent::psc_rate))
FUNDLEDGER_FIELDS(RateEvent, code("currency", &RateEvent::currency), value("effective", &RateEvent::effective),
                  value("per_usd", &RateEvent::per_usd))
FUNDLEDGER_FIELDS(SettingEvent, code("key", &SettingEvent::key), text("value", &SettingEvent::value),
                  value("effective", &SettingEvent::effective))
// An entry's postings are read beside these, and are not part of its stored body.
FUNDLEDGER_FIELDS(EntryEvent, event_id("id", &EntryEvent::id), value("date", &EntryEvent::date),
                  note("memo", &EntryEvent::memo))
// A pledge's schedule of instalments ("installments") is read and written beside these.
FUNDLEDGER_FIELDS(PledgeEvent, event_id("id", &PledgeEvent::id), code("donor", &PledgeEvent::donor),
                  code("fund", &PledgeEvent::fund), value("purpose", &PledgeEvent::purpose),
                  code("currency", &PledgeEvent::currency), value("amount", &PledgeEvent::amount),
                  value("signed", &PledgeEvent::signed_on), value("conditional", &PledgeEvent::conditional),
                  code("project", &PledgeEvent::project, Need::if_given), value("psc_rate", &PledgeEvent::psc_rate),
                  note("memo", &PledgeEvent::memo), note("reference", &PledgeEvent::reference))
FUNDLEDGER_FIELDS(ReceiptEvent, event_id("id", &ReceiptEvent::id), value("date", &ReceiptEvent::date),
                  code("fund", &ReceiptEvent::fund), code("currency", &ReceiptEvent::currency),
                  value("amount", &ReceiptEvent::amount), code("donor", &ReceiptEvent::donor, Need::if_given),
                  code("pledge", &ReceiptEvent::pledge, Need::if_given), note("memo", &ReceiptEvent::memo),
                  note("reference", &ReceiptEvent::reference))
FUNDLEDGER_FIELDS(ApplyEvent, event_id("id", &ApplyEvent::id), value("date", &ApplyEvent::date),
                  event_id("receipt", &ApplyEvent::receipt), code("pledge", &ApplyEvent::pledge, Need::if_given),
                  code("donor", &ApplyEvent::donor, Need::if_given), value("amount", &ApplyEvent::amount),
                  note("memo", &ApplyEvent::memo))
// Condition met, allowance and write-off: an amount of a pledge on a day.
#define FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(Event)                                                               \
  FUNDLEDGER_FIELDS(Event, event_id("id", &Event::id), code("pledge", &Event::pledge), value("date", &Event::date), \
                    value("amount", &Event::amount), note("memo", &Event::memo))
FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(ConditionMetEvent)
FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(AllowanceEvent)
FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(WriteOffEvent)
#undef FUNDLEDGER_PLEDGE_AMOUNT_FIELDS
FUNDLEDGER_FIELDS(ReductionEvent, event_id("id", &ReductionEvent::id), code("pledge", &ReductionEvent::pledge),
                  value("date", &ReductionEvent::date), value("amount", &ReductionEvent::amount),
                  note("reason", &ReductionEvent::reason))
FUNDLEDGER_FIELDS(RefundEvent, event_id("id", &RefundEvent::id), code("donor", &RefundEvent::donor),
                  code("fund", &RefundEvent::fund), value("date", &RefundEvent::date),
                  code("currency", &RefundEvent::currency), value("amount", &RefundEvent::amount),
                  code("pledge", &RefundEvent::pledge, Need::if_given), value("paid", &RefundEvent::paid),
                  event_id("pays", &RefundEvent::pays, Need::if_given),
                  event_id("receipt", &RefundEvent::receipt, Need::if_given), note("memo", &RefundEvent::memo),
                  value("allow_overdraft", &RefundEvent::allow_overdraft))
FUNDLEDGER_FIELDS(ExpenseEvent, event_id("id", &ExpenseEvent::id), code("fund", &ExpenseEvent::fund),
                  value("date", &ExpenseEvent::date), code("currency", &ExpenseEvent::currency),
                  value("amount", &ExpenseEvent::amount), value("category", &ExpenseEvent::category),
                  code("project", &ExpenseEvent::project, Need::if_given), value("psc_rate", &ExpenseEvent::psc_rate),
                  value("allow_overdraft", &ExpenseEvent::allow_overdraft), note("memo", &ExpenseEvent::memo))
FUNDLEDGER_FIELDS(TransferEvent, event_id("id", &TransferEvent::id), value("date", &TransferEvent::date),
                  code("from_fund", &TransferEvent::from_fund), code("to_fund", &TransferEvent::to_fund),
                  code("currency", &TransferEvent::currency), value("amount", &TransferEvent::amount),
                  note("memo", &TransferEvent::memo), value("allow_overdraft", &TransferEvent::allow_overdraft))
FUNDLEDGER_FIELDS(InterestEvent, event_id("id", &InterestEvent::id), value("date", &InterestEvent::date),
                  value("amount", &InterestEvent::amount), note("memo", &InterestEvent::memo))
FUNDLEDGER_FIELDS(ReversalEvent, event_id("id", &ReversalEvent::id), event_id("reverses", &ReversalEvent::reverses),
                  value("date", &ReversalEvent::date), note("memo", &ReversalEvent::memo),
                  value("allow_overdraft", &ReversalEvent::allow_overdraft))
FUNDLEDGER_FIELDS(AdvanceEvent, event_id("id", &AdvanceEvent::id), code("fund", &AdvanceEvent::fund),
                  value("date", &AdvanceEvent::date), code("currency", &AdvanceEvent::currency),
                  value("amount", &AdvanceEvent::amount), code("partner", &AdvanceEvent::partner),
                  code("project", &AdvanceEvent::project, Need::if_given), note("memo", &AdvanceEvent::memo),
                  value("allow_overdraft", &AdvanceEvent::allow_overdraft))
FUNDLEDGER_FIELDS(PartnerReportEvent, event_id("id", &PartnerReportEvent::id),
                  event_id("advance", &PartnerReportEvent::advance), value("date", &PartnerReportEvent::date),
                  value("amount", &PartnerReportEvent::amount), value("psc_rate", &PartnerReportEvent::psc_rate),
                  note("memo", &PartnerReportEvent::memo),
                  value("allow_overdraft", &PartnerReportEvent::allow_overdraft))
// A budget's year is read beside these (a string or an integer), and its category checked after.
FUNDLEDGER_FIELDS(BudgetEvent, event_id("id", &BudgetEvent::id), code("fund", &BudgetEvent::fund),
                  value("amount", &BudgetEvent::amount), code("project", &BudgetEvent::project, Need::if_given),
                  note("category", &BudgetEvent::category), note("memo", &BudgetEvent::memo))
FUNDLEDGER_FIELDS(AmendEvent, event_id("id", &AmendEvent::id), value("kind", &AmendEvent::kind),
                  code("code", &AmendEvent::code), value("effective", &AmendEvent::effective),
                  value("name", &AmendEvent::name), value("category", &AmendEvent::category),
                  value("country", &AmendEvent::country), note("memo", &AmendEvent::memo))

#undef FUNDLEDGER_FIELDS

}  // namespace fundledger::detail
