// Private: the fields of each event type, described once: the key each has in JSON, the member of
// the event it fills, how it is checked, and whether it may be left out. The reader of JSON Lines
// (event_json.cpp) and the canonical writer (the stored body that is hashed) both follow these
// descriptions, so that a field cannot be read one way and written another. What a description
// cannot say (an entry's postings, a pledge's schedule, a currency's minor units, a close's
// period, the checks between fields) stays written out beside it.
#pragma once

#include <fundledger/events.hpp>

#include <array>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
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
  std::string_view help;           // what it holds, in a few words (the command line's help)
  TextRole role = TextRole::text;  // for a text member
  Need need = Need::required;
};

template <class E>
FieldSpec<E> event_id(std::string_view key, std::string E::*member, std::string_view help,
                      Need need = Need::required) {
  return {key, member, help, TextRole::id, need};
}
template <class E>
FieldSpec<E> code(std::string_view key, std::string E::*member, std::string_view help, Need need = Need::required) {
  return {key, member, help, TextRole::code, need};
}
template <class E>
FieldSpec<E> text(std::string_view key, std::string E::*member, std::string_view help, Need need = Need::required) {
  return {key, member, help, TextRole::text, need};
}
template <class E>
FieldSpec<E> note(std::string_view key, std::string E::*member, std::string_view help = "a note") {
  return {key, member, help, TextRole::note, Need::if_given};
}
// A value of its own type: a decimal, a date, a choice among names; an optional one, or a flag, may
// be left out.
template <class E, class T>
FieldSpec<E> value(std::string_view key, T E::*member, std::string_view help) {
  constexpr bool may_be_absent =
      std::is_same_v<T, bool> || std::is_same_v<T, std::optional<Decimal>> || std::is_same_v<T, std::optional<Date>> ||
      std::is_same_v<T, std::optional<std::string>>;
  return {key, member, help, TextRole::text, may_be_absent ? Need::if_given : Need::required};
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

// The "type" of each event in JSON, in the order of the Event variant's alternatives.
inline constexpr const char* event_type_names[] = {
    "currency", "account",  "fund",     "donor",     "project",   "rate",     "setting",      "entry",
    "pledge",   "receipt",  "apply",    "condition_met", "reduction", "refund", "expense",   "transfer",
    "interest", "allowance", "write_off", "reversal", "period_close", "period_reopen", "advance",
    "partner_report", "budget", "amend"};
static_assert(std::variant_size_v<Event> == std::size(event_type_names));

// The index in Event of the alternative of this type, or none.
inline std::optional<std::size_t> event_type_index(std::string_view type) {
  for (std::size_t i = 0; i < std::size(event_type_names); ++i) {
    if (type == event_type_names[i]) return i;
  }
  return std::nullopt;
}

// A table with an entry for each alternative of Event, in its order: entry<Alternative>.
template <class Entry, template <class> class Make, std::size_t... I>
constexpr std::array<Entry, sizeof...(I)> per_event_type(std::index_sequence<I...>) {
  return {Make<std::variant_alternative_t<I, Event>>::value...};
}
template <class Entry, template <class> class Make>
constexpr std::array<Entry, std::variant_size_v<Event>> per_event_type() {
  return per_event_type<Entry, Make>(std::make_index_sequence<std::variant_size_v<Event>>{});
}

// The fields of each event type that a description covers, in the order they are read.
template <class E>
const std::vector<FieldSpec<E>>& fields_of();

#define FUNDLEDGER_FIELDS(Event, ...)                                   \
  template <>                                                           \
  inline const std::vector<FieldSpec<Event>>& fields_of<Event>() {      \
    static const std::vector<FieldSpec<Event>> fields = {__VA_ARGS__};  \
    return fields;                                                      \
  }

inline constexpr std::string_view help_day = "YYYY-MM-DD";
inline constexpr std::string_view help_this_id = "this event's id";
inline constexpr std::string_view help_fund = "fund code";
inline constexpr std::string_view help_project = "project code";
inline constexpr std::string_view help_pledge_amount = "amount, in the pledge currency";
inline constexpr std::string_view help_psc_rate = "PSC rate (default: the project's, else the ledger's)";

// The minor units of a currency are read and written beside its code.
FUNDLEDGER_FIELDS(CurrencyEvent, code("code", &CurrencyEvent::code, "ISO 4217 code, like EUR"))
FUNDLEDGER_FIELDS(AccountEvent, code("code", &AccountEvent::code, "account code, like 1100"),
                  text("name", &AccountEvent::name, "the account's name"),
                  value("class", &AccountEvent::account_class, "asset, liability, net-assets, revenue or expense"))
FUNDLEDGER_FIELDS(FundEvent, code("code", &FundEvent::code, help_fund), text("name", &FundEvent::name, "the fund's name"),
                  value("kind", &FundEvent::kind, "general, special or psc"),
                  code("parent", &FundEvent::parent, "the fund it belongs to", Need::if_given))
FUNDLEDGER_FIELDS(DonorEvent, code("code", &DonorEvent::code, "donor code, like DEU"),
                  text("name", &DonorEvent::name, "the donor's name"),
                  text("category", &DonorEvent::category, "government, un-entity, foundation...", Need::if_given),
                  text("country", &DonorEvent::country, "ISO 3166-1 alpha-2 country code", Need::if_given))
FUNDLEDGER_FIELDS(ProjectEvent, code("code", &ProjectEvent::code, help_project),
                  text("name", &ProjectEvent::name, "the project's name"), code("fund", &ProjectEvent::fund, help_fund),
                  value("psc_rate", &ProjectEvent::psc_rate, "the project's PSC rate"))
FUNDLEDGER_FIELDS(RateEvent, code("currency", &RateEvent::currency, "currency code"),
                  value("effective", &RateEvent::effective, "the first day it applies"),
                  value("per_usd", &RateEvent::per_usd, "units of the currency per USD"))
FUNDLEDGER_FIELDS(SettingEvent, code("key", &SettingEvent::key, "the setting"),
                  text("value", &SettingEvent::value, "its value"),
                  value("effective", &SettingEvent::effective, "the first day it applies (default: from the beginning)"))
// An entry's postings are read beside these, and are not part of its stored body.
FUNDLEDGER_FIELDS(EntryEvent, event_id("id", &EntryEvent::id, "the entry's id"), value("date", &EntryEvent::date, help_day),
                  note("memo", &EntryEvent::memo, "what the entry is for"))
// A pledge's schedule of instalments ("installments") is read and written beside these.
FUNDLEDGER_FIELDS(PledgeEvent, event_id("id", &PledgeEvent::id, "the pledge's id, like DEU-2024-01 (1-32 characters)"),
                  code("donor", &PledgeEvent::donor, "donor code"), code("fund", &PledgeEvent::fund, help_fund),
                  value("purpose", &PledgeEvent::purpose, "general or special"),
                  code("currency", &PledgeEvent::currency, "currency of the agreement"),
                  value("amount", &PledgeEvent::amount, "the amount pledged"),
                  value("signed", &PledgeEvent::signed_on, "signing date, YYYY-MM-DD"),
                  value("conditional", &PledgeEvent::conditional,
                        "the contribution is conditional (deferred until conditions are met)"),
                  code("project", &PledgeEvent::project, "project code, for an earmarked contribution", Need::if_given),
                  value("psc_rate", &PledgeEvent::psc_rate, "the agreement's PSC rate, like 0.08"),
                  note("memo", &PledgeEvent::memo), note("reference", &PledgeEvent::reference, "the donor's agreement reference"))
FUNDLEDGER_FIELDS(ReceiptEvent, event_id("id", &ReceiptEvent::id, "the receipt's id, like BNK-2024-0107"),
                  value("date", &ReceiptEvent::date, "value date, YYYY-MM-DD"), code("fund", &ReceiptEvent::fund, help_fund),
                  code("currency", &ReceiptEvent::currency, "currency received"),
                  value("amount", &ReceiptEvent::amount, "amount received"),
                  code("donor", &ReceiptEvent::donor, "the payer, if known (an advance when no pledge is named)",
                       Need::if_given),
                  code("pledge", &ReceiptEvent::pledge, "the pledge it pays", Need::if_given),
                  note("memo", &ReceiptEvent::memo), note("reference", &ReceiptEvent::reference, "the bank's reference"))
FUNDLEDGER_FIELDS(ApplyEvent, event_id("id", &ApplyEvent::id, help_this_id), value("date", &ApplyEvent::date, help_day),
                  event_id("receipt", &ApplyEvent::receipt, "the id of the receipt holding the money"),
                  code("pledge", &ApplyEvent::pledge, "the pledge to apply it to (else revenue)", Need::if_given),
                  code("donor", &ApplyEvent::donor, "the donor, to identify an unidentified receipt", Need::if_given),
                  value("amount", &ApplyEvent::amount, "how much, in the receipt's currency (default: all it holds)"),
                  note("memo", &ApplyEvent::memo))
// Condition met, allowance and write-off: an amount of a pledge on a help_day.
#define FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(Event, pledge_help)                                                \
  FUNDLEDGER_FIELDS(Event, event_id("id", &Event::id, help_this_id), code("pledge", &Event::pledge, pledge_help), \
                    value("date", &Event::date, help_day), value("amount", &Event::amount, help_pledge_amount),       \
                    note("memo", &Event::memo))
FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(ConditionMetEvent, "the conditional pledge")
FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(AllowanceEvent, "the pledge")
FUNDLEDGER_PLEDGE_AMOUNT_FIELDS(WriteOffEvent, "the pledge")
#undef FUNDLEDGER_PLEDGE_AMOUNT_FIELDS
FUNDLEDGER_FIELDS(ReductionEvent, event_id("id", &ReductionEvent::id, help_this_id),
                  code("pledge", &ReductionEvent::pledge, "the pledge"), value("date", &ReductionEvent::date, help_day),
                  value("amount", &ReductionEvent::amount, help_pledge_amount), note("reason", &ReductionEvent::reason, "why"))
FUNDLEDGER_FIELDS(RefundEvent, event_id("id", &RefundEvent::id, help_this_id), code("donor", &RefundEvent::donor, "donor code"),
                  code("fund", &RefundEvent::fund, help_fund), value("date", &RefundEvent::date, help_day),
                  code("currency", &RefundEvent::currency, "currency of the refund"),
                  value("amount", &RefundEvent::amount, "amount refunded"),
                  code("pledge", &RefundEvent::pledge, "the pledge it relates to", Need::if_given),
                  value("paid", &RefundEvent::paid, "paid at once"),
                  event_id("pays", &RefundEvent::pays, "the id of the payable refund this pays", Need::if_given),
                  event_id("receipt", &RefundEvent::receipt, "the id of the receipt whose held money it returns",
                           Need::if_given),
                  note("memo", &RefundEvent::memo),
                  value("allow_overdraft", &RefundEvent::allow_overdraft, "pay it even beyond the fund's cash"))
FUNDLEDGER_FIELDS(ExpenseEvent, event_id("id", &ExpenseEvent::id, help_this_id), code("fund", &ExpenseEvent::fund, help_fund),
                  value("date", &ExpenseEvent::date, help_day), code("currency", &ExpenseEvent::currency, "currency spent"),
                  value("amount", &ExpenseEvent::amount, "amount spent, before PSC"),
                  value("category", &ExpenseEvent::category, "grant or programme"),
                  code("project", &ExpenseEvent::project, help_project, Need::if_given),
                  value("psc_rate", &ExpenseEvent::psc_rate, help_psc_rate),
                  value("allow_overdraft", &ExpenseEvent::allow_overdraft, "record it even beyond the fund's cash"),
                  note("memo", &ExpenseEvent::memo))
FUNDLEDGER_FIELDS(TransferEvent, event_id("id", &TransferEvent::id, help_this_id), value("date", &TransferEvent::date, help_day),
                  code("from_fund", &TransferEvent::from_fund, "the fund paying"),
                  code("to_fund", &TransferEvent::to_fund, "the fund receiving"),
                  code("currency", &TransferEvent::currency, "currency"), value("amount", &TransferEvent::amount, "amount"),
                  note("memo", &TransferEvent::memo),
                  value("allow_overdraft", &TransferEvent::allow_overdraft,
                        "transfer it even beyond the paying fund's cash"))
FUNDLEDGER_FIELDS(InterestEvent, event_id("id", &InterestEvent::id, help_this_id), value("date", &InterestEvent::date, help_day),
                  value("amount", &InterestEvent::amount, "amount in USD"), note("memo", &InterestEvent::memo))
FUNDLEDGER_FIELDS(ReversalEvent, event_id("id", &ReversalEvent::id, help_this_id),
                  event_id("reverses", &ReversalEvent::reverses, "the id of the event to reverse"),
                  value("date", &ReversalEvent::date, help_day), note("memo", &ReversalEvent::memo, "why"),
                  value("allow_overdraft", &ReversalEvent::allow_overdraft,
                        "take back cash even beyond the fund's cash (a returned payment already spent)"))
FUNDLEDGER_FIELDS(AdvanceEvent, event_id("id", &AdvanceEvent::id, help_this_id), code("fund", &AdvanceEvent::fund, help_fund),
                  value("date", &AdvanceEvent::date, help_day), code("currency", &AdvanceEvent::currency, "currency advanced"),
                  value("amount", &AdvanceEvent::amount, "amount advanced"),
                  code("partner", &AdvanceEvent::partner, "the implementing partner's code"),
                  code("project", &AdvanceEvent::project, help_project, Need::if_given), note("memo", &AdvanceEvent::memo),
                  value("allow_overdraft", &AdvanceEvent::allow_overdraft, "advance it even beyond the fund's cash"))
FUNDLEDGER_FIELDS(PartnerReportEvent, event_id("id", &PartnerReportEvent::id, help_this_id),
                  event_id("advance", &PartnerReportEvent::advance, "the id of the advance"),
                  value("date", &PartnerReportEvent::date, help_day),
                  value("amount", &PartnerReportEvent::amount, "amount reported, in the advance's currency"),
                  value("psc_rate", &PartnerReportEvent::psc_rate, help_psc_rate), note("memo", &PartnerReportEvent::memo),
                  value("allow_overdraft", &PartnerReportEvent::allow_overdraft,
                        "charge its PSC even beyond the fund's cash"))
// A budget's year is read beside these (a string or an integer), and its category checked after.
FUNDLEDGER_FIELDS(BudgetEvent, event_id("id", &BudgetEvent::id, help_this_id), code("fund", &BudgetEvent::fund, help_fund),
                  value("amount", &BudgetEvent::amount, "the budget in USD"),
                  code("project", &BudgetEvent::project, "project code (default: the whole fund)", Need::if_given),
                  note("category", &BudgetEvent::category, "grant or programme (default: every category)"),
                  note("memo", &BudgetEvent::memo))
FUNDLEDGER_FIELDS(AmendEvent, event_id("id", &AmendEvent::id, help_this_id),
                  value("kind", &AmendEvent::kind, "donor, fund or project"),
                  code("code", &AmendEvent::code, "the code of the record amended"),
                  value("effective", &AmendEvent::effective, "the first day the change applies, YYYY-MM-DD"),
                  value("name", &AmendEvent::name, "the new name"),
                  value("category", &AmendEvent::category, "the new category"),
                  value("country", &AmendEvent::country, "the new ISO 3166-1 alpha-2 country code"),
                  note("memo", &AmendEvent::memo, "why"))

#undef FUNDLEDGER_FIELDS

}  // namespace fundledger::detail
