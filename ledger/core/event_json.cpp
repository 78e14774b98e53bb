// Reading events from their JSON Lines form (simdjson), each type by the description of its fields
// (core/event_fields.hpp); event_canonical.cpp writes them.
#include "core/event_json.hpp"
#include "core/countries.hpp"
#include "core/event_fields.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/limits.hpp>

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <string>

namespace fundledger {

namespace detail {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::size_t max_text_length = 2000;

[[noreturn]] void fail(const std::string& field, const std::string& what) {
  if (field.empty()) throw Error(ErrorCode::bad_input, what);
  throw Error(ErrorCode::bad_input, "field \"" + field + "\": " + what);
}

// Renders any JSON value canonically (used for the postings of an export line).
void render_element(const element& value, std::string& out, const std::string& field) {
  switch (value.type()) {
    case element_type::OBJECT: {
      json::Object object;
      simdjson::dom::object members;
      if (value.get_object().get(members)) fail(field, "unreadable JSON object");
      for (auto [key, child] : members) {
        std::string rendered;
        render_element(child, rendered, field);
        object.add_raw(key, std::move(rendered));
      }
      object.render(out);
      return;
    }
    case element_type::ARRAY: {
      out += '[';
      bool first = true;
      simdjson::dom::array items;
      if (value.get_array().get(items)) fail(field, "unreadable JSON array");
      for (element child : items) {
        if (!first) out += ',';
        first = false;
        render_element(child, out, field);
      }
      out += ']';
      return;
    }
    case element_type::STRING: json::append_string(out, value.get_string().value_unsafe()); return;
    case element_type::INT64: out += std::to_string(value.get_int64().value_unsafe()); return;
    case element_type::UINT64: out += std::to_string(value.get_uint64().value_unsafe()); return;
    case element_type::BOOL: out += value.get_bool().value_unsafe() ? "true" : "false"; return;
    case element_type::NULL_VALUE: out += "null"; return;
    default: fail(field, "a fractional JSON number where none belongs");
  }
}

// The fields of one JSON object, with the checks every event shares.
class Fields {
 public:
  Fields(const element& value, std::string prefix) : prefix_(std::move(prefix)) {
    if (value.type() != element_type::OBJECT) {
      fail(prefix_.empty() ? std::string() : prefix_.substr(0, prefix_.size() - 1),
           "expected a JSON object");
    }
    simdjson::dom::object members;
    if (value.get_object().get(members)) fail(prefix_, "unreadable JSON object");
    for (auto [key, child] : members) {
      for (const auto& [seen, ignored] : items_) {
        if (seen == key) fail(prefix_ + std::string(key), "appears twice");
      }
      items_.emplace_back(key, child);
    }
  }

  std::string name(std::string_view key) const { return prefix_ + std::string(key); }

  const element* find(std::string_view key) {
    for (auto& [name, value] : items_) {
      if (name == key) {
        used_.push_back(key);
        return &value;
      }
    }
    return nullptr;
  }

  bool has(std::string_view key) const {
    return std::any_of(items_.begin(), items_.end(),
                       [key](const auto& item) { return item.first == key; });
  }

  std::optional<std::string_view> optional_string(std::string_view key) {
    const element* value = find(key);
    if (!value) return std::nullopt;
    if (value->type() != element_type::STRING) fail(name(key), "expected a JSON string");
    std::string_view text = value->get_string().value_unsafe();
    if (text.size() > max_text_length) {
      fail(name(key), "longer than " + std::to_string(max_text_length) + " bytes");
    }
    return text;
  }

  std::string_view required_string(std::string_view key) {
    auto text = optional_string(key);
    if (!text) fail(name(key), "missing");
    return *text;
  }

  std::string text(std::string_view key, bool required = true) {
    auto value = required ? std::optional(required_string(key)) : optional_string(key);
    if (value && value->empty()) fail(name(key), "must not be empty");
    return value ? std::string(*value) : std::string();
  }

  std::string code(std::string_view key, bool required = true) {
    auto value = required ? std::optional(required_string(key)) : optional_string(key);
    if (!value) return {};
    if (!is_valid_code(*value)) {
      fail(name(key), "invalid code " + json::quoted(value->substr(0, 40)) +
                          ": expected 1-32 characters of A-Z a-z 0-9 - _ .");
    }
    return std::string(*value);
  }

  std::string event_id(std::string_view key) {
    std::string_view value = required_string(key);
    if (!is_valid_event_id(value)) {
      fail(name(key), "invalid id " + json::quoted(value.substr(0, 70)) +
                          ": expected 1-64 characters of A-Z a-z 0-9 - _ . / : #");
    }
    return std::string(value);
  }

  Decimal decimal(std::string_view key) {
    const element* value = find(key);
    if (!value) fail(name(key), "missing");
    if (value->type() != element_type::STRING) {
      fail(name(key), "expected an exact decimal in a JSON string, like \"1250.00\"");
    }
    try {
      return Decimal::parse(value->get_string().value_unsafe());
    } catch (const Error& error) {
      throw Error(error.code(), "field \"" + name(key) + "\": " + error.what());
    }
  }

  Date date(std::string_view key) {
    std::string_view value = required_string(key);
    try {
      return Date::parse(value);
    } catch (const Error& error) {
      throw Error(error.code(), "field \"" + name(key) + "\": " + error.what());
    }
  }

  std::optional<Date> optional_date(std::string_view key) {
    if (!has(key)) return std::nullopt;
    return date(key);
  }

  std::int64_t integer(std::string_view key) {
    const element* value = find(key);
    if (!value) fail(name(key), "missing");
    if (value->type() != element_type::INT64) fail(name(key), "expected a JSON integer");
    return value->get_int64().value_unsafe();
  }

  // A year: a string of four digits ("2024"), or a JSON integer (stored as the string).
  int year(std::string_view key) {
    const element* value = find(key);
    if (!value) fail(name(key), "missing");
    std::int64_t year = 0;
    if (value->type() == element_type::INT64) {
      year = value->get_int64().value_unsafe();
    } else if (value->type() == element_type::STRING) {
      const std::string_view text = value->get_string().value_unsafe();
      if (text.size() != 4 || text.find_first_not_of("0123456789") != std::string_view::npos) {
        fail(name(key), "expected a year like \"2024\", not " + json::quoted(text.substr(0, 20)));
      }
      year = std::stoi(std::string(text));
    } else {
      fail(name(key), "expected a year like \"2024\"");
    }
    if (year < 1900 || year > 2200) fail(name(key), "expected a year from 1900 to 2200, not " + std::to_string(year));
    return static_cast<int>(year);
  }

  std::optional<bool> optional_bool(std::string_view key) {
    const element* value = find(key);
    if (!value) return std::nullopt;
    if (value->type() != element_type::BOOL) fail(name(key), "expected true or false");
    return value->get_bool().value_unsafe();
  }

  // Refuses every field that was not read.
  void refuse_unknown() const {
    for (const auto& [key, value] : items_) {
      if (std::find(used_.begin(), used_.end(), key) != used_.end()) continue;
      for (const char* exported : {"seq", "recorded_at", "prev_hash", "hash", "functional_amount",
                                   "residual"}) {
        if (key == exported) {
          fail(prefix_ + std::string(key),
               "is written by export and read by replay: import takes events as written, without it");
        }
      }
      fail(prefix_ + std::string(key), "unknown field");
    }
  }

 private:
  std::string prefix_;
  std::vector<std::pair<std::string_view, element>> items_;
  std::vector<std::string_view> used_;
};

// A field as its description says: checked by its role, left empty (or unset, or false) when it
// may be left out and is.
void read_member(Fields& fields, const std::string_view key, TextRole role, Need need, std::string& out) {
  const bool required = need == Need::required;
  switch (role) {
    case TextRole::id: out = required || fields.has(key) ? fields.event_id(key) : std::string(); return;
    case TextRole::code: out = fields.code(key, required); return;
    case TextRole::text: out = fields.text(key, required); return;
    case TextRole::note: out = std::string(fields.optional_string(key).value_or("")); return;
  }
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, std::optional<std::string>& out) {
  if (fields.has(key)) out = fields.text(key);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, Decimal& out) { out = fields.decimal(key); }
void read_member(Fields& fields, std::string_view key, TextRole, Need, std::optional<Decimal>& out) {
  if (fields.has(key)) out = fields.decimal(key);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, Date& out) { out = fields.date(key); }
void read_member(Fields& fields, std::string_view key, TextRole, Need, std::optional<Date>& out) {
  out = fields.optional_date(key);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, bool& out) {
  out = fields.optional_bool(key).value_or(false);
}
template <class Enum, std::size_t N>
Enum read_choice(Fields& fields, std::string_view key, const Choice<Enum> (&choices)[N]) {
  std::string_view value = fields.required_string(key);
  std::string expected;
  for (std::size_t i = 0; i < N; ++i) {
    if (value == choices[i].name) return choices[i].value;
    expected += i == 0 ? "" : i + 1 == N ? " or " : ", ";
    expected += choices[i].name;
  }
  fail(fields.name(key), "invalid value " + json::quoted(value.substr(0, 40)) + ": expected " + expected);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, Purpose& out) {
  out = read_choice(fields, key, purpose_choices);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, ExpenseCategory& out) {
  out = read_choice(fields, key, expense_category_choices);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, AccountClass& out) {
  out = read_choice(fields, key, account_class_choices);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, FundKind& out) {
  out = read_choice(fields, key, fund_kind_choices);
}
void read_member(Fields& fields, std::string_view key, TextRole, Need, AmendKind& out) {
  out = read_choice(fields, key, amend_kind_choices);
}

// Every field the event type's description covers.
template <class E>
E read_described(Fields& fields) {
  E event;
  for (const FieldSpec<E>& spec : fields_of<E>()) {
    std::visit([&](auto member) { read_member(fields, spec.key, spec.role, spec.need, event.*member); }, spec.member);
  }
  return event;
}

std::vector<PostingInput> read_postings(Fields& fields, bool export_line, bool stored_body) {
  const element* value = fields.find("postings");
  if (!value && stored_body) return {};
  if (!value) fail("postings", "missing");
  if (value->type() != element_type::ARRAY) fail("postings", "expected a JSON array of postings");
  std::vector<PostingInput> postings;
  std::size_t index = 0;
  simdjson::dom::array items;
  if (value->get_array().get(items)) fail("postings", "unreadable JSON array");
  for (element item : items) {
    if (index >= limits::max_postings_per_entry) {
      fail("postings", "more than " + std::to_string(limits::max_postings_per_entry) + " postings");
    }
    Fields posting(item, "postings[" + std::to_string(index++) + "].");
    PostingInput input;
    input.account = posting.code("account");
    input.fund = posting.code("fund");
    input.currency = posting.code("currency");
    input.amount = posting.decimal("amount");
    input.donor = posting.code("donor", false);
    input.project = posting.code("project", false);
    input.pledge = posting.code("pledge", false);
    bool residual = false;
    if (export_line) {
      posting.decimal("functional_amount");
      residual = posting.optional_bool("residual").value_or(false);
    }
    posting.refuse_unknown();
    // The ledger adds the rounding residual and (version 3) the exchange realized on cash itself, each
    // with no amount: replay leaves them out of the input.
    if (!residual && !(export_line && input.amount.is_zero())) postings.push_back(std::move(input));
  }
  return postings;
}

Event read_currency(Fields& fields, std::string_view, bool, bool) {
  CurrencyEvent event = read_described<CurrencyEvent>(fields);
  const std::int64_t minor_units = fields.integer("minor_units");
  if (minor_units < 0 || minor_units > limits::max_minor_units) {
    fail("minor_units",
         "expected an integer from 0 to " + std::to_string(limits::max_minor_units));
  }
  event.minor_units = static_cast<int>(minor_units);
  return event;
}

// An event whose description covers every field.
template <class E>
Event read_plain(Fields& fields, std::string_view, bool, bool) {
  return read_described<E>(fields);
}

Event read_donor(Fields& fields, std::string_view, bool, bool) {
  DonorEvent event = read_described<DonorEvent>(fields);
  // Checked as it is read, so that the command line calls a bad value a usage error; the rule
  // checks again for an event built in code.
  check_donor_category_and_country(event.category, event.country);
  return event;
}

Event read_entry(Fields& fields, std::string_view, bool export_line, bool stored_body) {
  EntryEvent event = read_described<EntryEvent>(fields);
  event.postings = read_postings(fields, export_line, stored_body);
  return event;
}

Event read_pledge(Fields& fields, std::string_view, bool, bool) {
  PledgeEvent event = read_described<PledgeEvent>(fields);
  if (const element* list = fields.find("installments")) {
    if (list->type() != element_type::ARRAY) fail("installments", "expected a JSON array of {\"due\",\"amount\"}");
    simdjson::dom::array items;
    if (list->get_array().get(items)) fail("installments", "unreadable JSON array");
    std::size_t index = 0;
    for (element item : items) {
      Fields instalment(item, "installments[" + std::to_string(index++) + "].");
      event.installments.push_back({instalment.date("due"), instalment.decimal("amount")});
      instalment.refuse_unknown();
    }
    if (event.installments.empty()) fail("installments", "an empty schedule: leave the field out instead");
  }
  return event;
}

Event read_refund(Fields& fields, std::string_view, bool, bool) {
  RefundEvent event = read_described<RefundEvent>(fields);
  if (event.paid && !event.pays.empty()) fail("paid", "a payment of a payable refund (\"pays\") is paid by definition");
  if (!event.receipt.empty() && !event.pays.empty()) {
    fail("receipt", "a payment of a payable refund (\"pays\") returns no money held: the payable already did");
  }
  return event;
}

Event read_period_close(Fields& fields, std::string_view type, bool, bool) {
  std::string_view text = fields.required_string("period");
  Period period = Period::parse("2000-01");
  try {
    period = Period::parse(text);
  } catch (const Error& error) {
    throw Error(error.code(), "field \"period\": " + std::string(error.what()));
  }
  if (period.kind() != Period::Kind::Month) fail("period", "expected a month like 2024-03: periods close by month");
  if (type == "period_close") {
    return PeriodCloseEvent{period, fields.optional_bool("allow_stale_rates").value_or(false)};
  }
  return PeriodReopenEvent{period, fields.text("reason")};
}

Event read_budget(Fields& fields, std::string_view, bool, bool) {
  BudgetEvent event = read_described<BudgetEvent>(fields);
  event.year = fields.year("year");
  if (!event.category.empty() && event.category != "grant" && event.category != "programme") {
    fail("category", "expected grant or programme (or no category: every expenditure of the fund or project), not " +
                         json::quoted(event.category.substr(0, 40)));
  }
  return event;
}

Event read_amend(Fields& fields, std::string_view, bool, bool) {
  AmendEvent event = read_described<AmendEvent>(fields);
  if (!event.name && !event.category && !event.country) {
    fail("", "an amend changes at least one field: name, or a donor's category or country");
  }
  if (event.kind != AmendKind::donor && (event.category || event.country)) {
    fail(event.category ? "category" : "country", "only a donor has a category and a country");
  }
  check_donor_category_and_country(event.category.value_or(""), event.country.value_or(""));
  return event;
}

using EventReader = Event (*)(Fields&, std::string_view, bool, bool);

// The reader of each type: its description, and what it leaves to code of its own.
template <class E>
struct Reader {
  static constexpr EventReader value = read_plain<E>;
};
template <> struct Reader<CurrencyEvent> { static constexpr EventReader value = read_currency; };
template <> struct Reader<DonorEvent> { static constexpr EventReader value = read_donor; };
template <> struct Reader<EntryEvent> { static constexpr EventReader value = read_entry; };
template <> struct Reader<PledgeEvent> { static constexpr EventReader value = read_pledge; };
template <> struct Reader<RefundEvent> { static constexpr EventReader value = read_refund; };
template <> struct Reader<PeriodCloseEvent> { static constexpr EventReader value = read_period_close; };
template <> struct Reader<PeriodReopenEvent> { static constexpr EventReader value = read_period_close; };
template <> struct Reader<BudgetEvent> { static constexpr EventReader value = read_budget; };
template <> struct Reader<AmendEvent> { static constexpr EventReader value = read_amend; };

constexpr auto event_readers = per_event_type<EventReader, Reader>();

Event read_event(Fields& fields, std::string_view type, bool export_line, bool stored_body) {
  if (const auto index = event_type_index(type)) return event_readers[*index](fields, type, export_line, stored_body);
  std::string expected;
  for (std::size_t i = 0; i < std::size(event_type_names); ++i) {
    expected += std::string(i == 0 ? "" : i + 1 == std::size(event_type_names) ? " or " : ", ") + event_type_names[i];
  }
  fail("type", "unknown event type " + json::quoted(type.substr(0, 40)) + ": expected " + expected);
}

}  // namespace

ParsedLine parse_line(std::string_view text, bool export_line) {
  // One parser per thread: it keeps its buffers between lines, which is what makes it fast.
  thread_local simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(text.data(), text.size(), true).get(root)) {
    fail("", std::string("malformed JSON (") + simdjson::error_message(error) + ")");
  }
  Fields fields(root, "");
  std::string type(fields.required_string("type"));
  ParsedLine parsed{read_event(fields, type, export_line, false), std::nullopt};
  if (export_line) {
    ExportFields exported;
    exported.seq = fields.integer("seq");
    exported.recorded_at = fields.text("recorded_at");
    exported.prev_hash = fields.text("prev_hash");
    exported.hash = fields.text("hash");
    if (const element* postings = fields.find("postings")) {
      std::string rendered;
      render_element(*postings, rendered, "postings");
      exported.postings_json = std::move(rendered);
    }
    parsed.exported = std::move(exported);
  }
  fields.refuse_unknown();
  return parsed;
}

Event parse_stored_body(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(body.data(), body.size(), true).get(root)) {
    fail("", std::string("malformed JSON (") + simdjson::error_message(error) + ")");
  }
  Fields fields(root, "");
  std::string type(fields.required_string("type"));
  Event event = read_event(fields, type, false, true);
  fields.refuse_unknown();
  return event;
}

std::string event_id_of(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        if constexpr (requires { e.id; }) {
          return e.id;
        } else {
          return {};
        }
      },
      event);
}

std::optional<Date> event_date_of(const Event& event) {
  return std::visit(
      [](const auto& e) -> std::optional<Date> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, PledgeEvent>) {
          return e.signed_on;
        } else if constexpr (std::is_same_v<T, PeriodCloseEvent> || std::is_same_v<T, PeriodReopenEvent>) {
          return e.period.last_day();
        } else if constexpr (std::is_same_v<T, AmendEvent>) {
          return e.effective;
        } else if constexpr (requires { e.date; }) {
          return e.date;
        } else {
          return std::nullopt;
        }
      },
      event);
}

}  // namespace detail

Event parse_event(std::string_view json) { return detail::parse_line(json, false).event; }

}  // namespace fundledger
