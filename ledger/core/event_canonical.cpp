// The canonical form of events: the stored body that is exported and hashed, written from each
// event type's description of its fields (core/event_fields.hpp).
#include "core/canonical_json.hpp"
#include "core/event_fields.hpp"
#include "core/event_json.hpp"

#include <fundledger/events.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>
#include <variant>

namespace fundledger {

namespace detail {

namespace {

// A field as its description says, in the canonical form: one that may be left out appears only
// when it holds something.
void write_member(json::Object& object, std::string_view key, Need need, const std::string& value) {
  if (need == Need::required || !value.empty()) object.add_string(key, value);
}
void write_member(json::Object& object, std::string_view key, Need, const std::optional<std::string>& value) {
  if (value) object.add_string(key, *value);
}
void write_member(json::Object& object, std::string_view key, Need, const Decimal& value) {
  object.add_string(key, value.to_string());
}
void write_member(json::Object& object, std::string_view key, Need, const std::optional<Decimal>& value) {
  if (value) object.add_string(key, value->to_string());
}
void write_member(json::Object& object, std::string_view key, Need, const Date& value) {
  object.add_string(key, value.to_string());
}
void write_member(json::Object& object, std::string_view key, Need, const std::optional<Date>& value) {
  if (value) object.add_string(key, value->to_string());
}
void write_member(json::Object& object, std::string_view key, Need, bool value) {
  if (value) object.add_bool(key, true);
}
template <class Enum, std::size_t N>
const char* choice_name(const Choice<Enum> (&choices)[N], Enum value) {
  for (const Choice<Enum>& choice : choices) {
    if (choice.value == value) return choice.name;
  }
  return "unknown";
}
void write_member(json::Object& object, std::string_view key, Need, Purpose value) {
  object.add_string(key, choice_name(purpose_choices, value));
}
void write_member(json::Object& object, std::string_view key, Need, ExpenseCategory value) {
  object.add_string(key, choice_name(expense_category_choices, value));
}
void write_member(json::Object& object, std::string_view key, Need, AccountClass value) {
  object.add_string(key, choice_name(account_class_choices, value));
}
void write_member(json::Object& object, std::string_view key, Need, FundKind value) {
  object.add_string(key, choice_name(fund_kind_choices, value));
}
void write_member(json::Object& object, std::string_view key, Need, AmendKind value) {
  object.add_string(key, choice_name(amend_kind_choices, value));
}

// Every field the event type's description covers, then what it does not: a currency's minor
// units, a pledge's schedule, a budget's year, a close's period.
template <class E>
void write_fields(json::Object& object, const E& event) {
  for (const FieldSpec<E>& spec : fields_of<E>()) {
    std::visit([&](auto member) { write_member(object, spec.key, spec.need, event.*member); }, spec.member);
  }
}
void write_fields(json::Object& object, const CurrencyEvent& e) {
  write_fields<CurrencyEvent>(object, e);
  object.add_integer("minor_units", e.minor_units);
}
void write_fields(json::Object& object, const PledgeEvent& e) {
  write_fields<PledgeEvent>(object, e);
  if (e.installments.empty()) return;
  std::string list = "[";
  for (std::size_t i = 0; i < e.installments.size(); ++i) {
    if (i) list += ',';
    json::Object instalment;
    instalment.add_string("due", e.installments[i].due.to_string())
        .add_string("amount", e.installments[i].amount.to_string());
    instalment.render(list);
  }
  object.add_raw("installments", list + "]");
}
void write_fields(json::Object& object, const BudgetEvent& e) {
  write_fields<BudgetEvent>(object, e);
  object.add_string("year", std::to_string(e.year));
}
void write_fields(json::Object& object, const PeriodCloseEvent& e) {
  if (e.allow_stale_rates) object.add_bool("allow_stale_rates", true);
  object.add_string("period", e.period.to_string());
}
void write_fields(json::Object& object, const PeriodReopenEvent& e) {
  object.add_string("period", e.period.to_string()).add_string("reason", e.reason);
}

}  // namespace

json::Object body_fields(const Event& event) {
  json::Object object;
  object.add_string("type", event_type_name(event));
  std::visit([&object](const auto& e) { write_fields(object, e); }, event);
  return object;
}

std::string render_input_postings(const std::vector<PostingInput>& postings) {
  std::string out = "[";
  for (std::size_t i = 0; i < postings.size(); ++i) {
    if (i) out += ',';
    const PostingInput& p = postings[i];
    json::Object object;
    object.add_string("account", p.account)
        .add_string("fund", p.fund)
        .add_string("currency", p.currency)
        .add_string("amount", p.amount.to_string());
    if (!p.donor.empty()) object.add_string("donor", p.donor);
    if (!p.project.empty()) object.add_string("project", p.project);
    if (!p.pledge.empty()) object.add_string("pledge", p.pledge);
    object.render(out);
  }
  out += ']';
  return out;
}

namespace {

// The listing of what a description covers: a flag for a boolean member, text otherwise.
template <class E>
std::vector<EventField> described() {
  std::vector<EventField> fields;
  for (const FieldSpec<E>& spec : fields_of<E>()) {
    const bool flag = std::holds_alternative<bool E::*>(spec.member);
    fields.push_back({std::string(spec.key), std::string(spec.help), flag ? EventFieldKind::flag : EventFieldKind::text,
                      spec.need == Need::required});
  }
  return fields;
}

// The same with the fields a description leaves to code of its own, each placed after a field
// (or first, after none).
template <class E>
std::vector<EventField> described(std::vector<std::pair<std::string_view, EventField>> own) {
  std::vector<EventField> fields = described<E>();
  for (auto& [after, field] : own) {
    auto at = std::find_if(fields.begin(), fields.end(), [after = after](const EventField& f) { return f.key == after; });
    fields.insert(at == fields.end() ? fields.end() : at + 1, std::move(field));
  }
  return fields;
}

using FieldListing = std::vector<EventField> (*)();

// The listing of each type: what its description covers, and the fields it leaves to code of its own.
template <class E>
struct Listing {
  static constexpr FieldListing value = described<E>;
};
template <>
struct Listing<CurrencyEvent> {
  static std::vector<EventField> make() {
    return described<CurrencyEvent>(
        {{"code", {"minor_units", "digits after the decimal point, 0 to 8", EventFieldKind::text, true}}});
  }
  static constexpr FieldListing value = make;
};
template <>
struct Listing<EntryEvent> {
  static std::vector<EventField> make() {
    return described<EntryEvent>({{"memo", {"postings", "the postings, debit positive", EventFieldKind::list, true}}});
  }
  static constexpr FieldListing value = make;
};
template <>
struct Listing<PledgeEvent> {
  static std::vector<EventField> make() {
    return described<PledgeEvent>(
        {{"signed", {"installments", "each instalment's due date and amount (default: one, due on signing)",
                     EventFieldKind::list, false}}});
  }
  static constexpr FieldListing value = make;
};
template <>
struct Listing<BudgetEvent> {
  static std::vector<EventField> make() {
    return described<BudgetEvent>({{"fund", {"year", "the year, like 2024", EventFieldKind::text, true}}});
  }
  static constexpr FieldListing value = make;
};
template <>
struct Listing<PeriodCloseEvent> {
  static std::vector<EventField> make() {
    return {{"period", "the month, like 2024-03", EventFieldKind::text, true},
            {"allow_stale_rates", "close with the latest earlier rate where the month has none", EventFieldKind::flag,
             false}};
  }
  static constexpr FieldListing value = make;
};
template <>
struct Listing<PeriodReopenEvent> {
  static std::vector<EventField> make() {
    return {{"period", "the latest closed month", EventFieldKind::text, true},
            {"reason", "why it is reopened", EventFieldKind::text, true}};
  }
  static constexpr FieldListing value = make;
};

constexpr auto field_listings = per_event_type<FieldListing, Listing>();

}  // namespace

}  // namespace detail

std::vector<EventField> event_fields(std::string_view type) {
  const auto index = detail::event_type_index(type);
  return index ? detail::field_listings[*index]() : std::vector<EventField>{};
}

const char* account_class_name(AccountClass account_class) noexcept {
  return detail::choice_name(detail::account_class_choices, account_class);
}

const char* purpose_name(Purpose purpose) noexcept { return detail::choice_name(detail::purpose_choices, purpose); }

const char* fund_kind_name(FundKind kind) noexcept { return detail::choice_name(detail::fund_kind_choices, kind); }

const char* event_type_name(const Event& event) noexcept { return detail::event_type_names[event.index()]; }

std::string canonical_json(const Event& event) {
  json::Object object = detail::body_fields(event);
  if (const auto* entry = std::get_if<EntryEvent>(&event)) {
    object.add_raw("postings", detail::render_input_postings(entry->postings));
  }
  return object.render();
}

}  // namespace fundledger
