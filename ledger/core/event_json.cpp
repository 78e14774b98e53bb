// Reading events from their JSON Lines form (simdjson) and writing their canonical fields.
#include "core/event_json.hpp"
#include "core/countries.hpp"
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

template <class Enum>
Enum choose(Fields& fields, std::string_view key,
            std::initializer_list<std::pair<const char*, Enum>> choices) {
  std::string_view value = fields.required_string(key);
  std::string expected;
  std::size_t index = 0;
  for (const auto& [choice_name, choice] : choices) {
    if (value == choice_name) return choice;
    ++index;
    expected += index == 1 ? "" : index == choices.size() ? " or " : ", ";
    expected += choice_name;
  }
  fail(fields.name(key), "invalid value " + json::quoted(value.substr(0, 40)) + ": expected " +
                             expected);
}

AccountClass read_account_class(Fields& fields) {
  return choose<AccountClass>(fields, "class",
                              {{"asset", AccountClass::asset},
                               {"liability", AccountClass::liability},
                               {"net-assets", AccountClass::net_assets},
                               {"revenue", AccountClass::revenue},
                               {"expense", AccountClass::expense}});
}

FundKind read_fund_kind(Fields& fields) {
  return choose<FundKind>(fields, "kind",
                          {{"general", FundKind::general},
                           {"special", FundKind::special},
                           {"psc", FundKind::psc}});
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
  CurrencyEvent event;
  event.code = fields.code("code");
  const std::int64_t minor_units = fields.integer("minor_units");
  if (minor_units < 0 || minor_units > limits::max_minor_units) {
    fail("minor_units",
         "expected an integer from 0 to " + std::to_string(limits::max_minor_units));
  }
  event.minor_units = static_cast<int>(minor_units);
  return event;
}

Event read_account(Fields& fields, std::string_view, bool, bool) {
  AccountEvent event;
  event.code = fields.code("code");
  event.name = fields.text("name");
  event.account_class = read_account_class(fields);
  return event;
}

Event read_fund(Fields& fields, std::string_view, bool, bool) {
  FundEvent event;
  event.code = fields.code("code");
  event.name = fields.text("name");
  event.kind = read_fund_kind(fields);
  event.parent = fields.code("parent", false);
  return event;
}

Event read_donor(Fields& fields, std::string_view, bool, bool) {
  DonorEvent event;
  event.code = fields.code("code");
  event.name = fields.text("name");
  event.category = fields.text("category", false);
  event.country = fields.text("country", false);
  // Checked as it is read, so that the command line calls a bad value a usage error; the rule
  // checks again for an event built in code.
  check_donor_category_and_country(event.category, event.country);
  return event;
}

Event read_project(Fields& fields, std::string_view, bool, bool) {
  ProjectEvent event;
  event.code = fields.code("code");
  event.name = fields.text("name");
  event.fund = fields.code("fund");
  if (fields.has("psc_rate")) event.psc_rate = fields.decimal("psc_rate");
  return event;
}

Event read_rate(Fields& fields, std::string_view, bool, bool) {
  RateEvent event;
  event.currency = fields.code("currency");
  event.effective = fields.date("effective");
  event.per_usd = fields.decimal("per_usd");
  return event;
}

Event read_setting(Fields& fields, std::string_view, bool, bool) {
  SettingEvent event;
  event.key = fields.code("key");
  event.value = fields.text("value");
  event.effective = fields.optional_date("effective");
  return event;
}

Event read_entry(Fields& fields, std::string_view, bool export_line, bool stored_body) {
  EntryEvent event;
  event.id = fields.event_id("id");
  event.date = fields.date("date");
  event.memo = fields.optional_string("memo").value_or("");
  event.postings = read_postings(fields, export_line, stored_body);
  return event;
}

Event read_pledge(Fields& fields, std::string_view, bool, bool) {
  PledgeEvent event;
  event.id = fields.event_id("id");
  event.donor = fields.code("donor");
  event.fund = fields.code("fund");
  event.purpose = choose<Purpose>(fields, "purpose", {{"general", Purpose::general}, {"special", Purpose::special}});
  event.currency = fields.code("currency");
  event.amount = fields.decimal("amount");
  event.signed_on = fields.date("signed");
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
  event.conditional = fields.optional_bool("conditional").value_or(false);
  event.project = fields.code("project", false);
  if (fields.has("psc_rate")) event.psc_rate = fields.decimal("psc_rate");
  event.memo = fields.optional_string("memo").value_or("");
  event.reference = fields.optional_string("reference").value_or("");
  return event;
}

Event read_receipt(Fields& fields, std::string_view, bool, bool) {
  ReceiptEvent event;
  event.id = fields.event_id("id");
  event.date = fields.date("date");
  event.fund = fields.code("fund");
  event.currency = fields.code("currency");
  event.amount = fields.decimal("amount");
  event.donor = fields.code("donor", false);
  event.pledge = fields.code("pledge", false);
  event.memo = fields.optional_string("memo").value_or("");
  event.reference = fields.optional_string("reference").value_or("");
  return event;
}

Event read_apply(Fields& fields, std::string_view, bool, bool) {
  ApplyEvent event;
  event.id = fields.event_id("id");
  event.date = fields.date("date");
  event.receipt = fields.event_id("receipt");
  event.pledge = fields.code("pledge", false);
  event.donor = fields.code("donor", false);
  if (fields.has("amount")) event.amount = fields.decimal("amount");
  event.memo = fields.optional_string("memo").value_or("");
  return event;
}

Event read_condition_met(Fields& fields, std::string_view type, bool, bool) {
  const std::string id = fields.event_id("id");
  const std::string pledge = fields.code("pledge");
  const Date date = fields.date("date");
  const Decimal amount = fields.decimal("amount");
  const std::string memo(fields.optional_string("memo").value_or(""));
  if (type == "condition_met") return ConditionMetEvent{id, pledge, date, amount, memo};
  if (type == "allowance") return AllowanceEvent{id, pledge, date, amount, memo};
  return WriteOffEvent{id, pledge, date, amount, memo};
}

Event read_reduction(Fields& fields, std::string_view, bool, bool) {
  ReductionEvent event;
  event.id = fields.event_id("id");
  event.pledge = fields.code("pledge");
  event.date = fields.date("date");
  event.amount = fields.decimal("amount");
  event.reason = fields.optional_string("reason").value_or("");
  return event;
}

Event read_refund(Fields& fields, std::string_view, bool, bool) {
  RefundEvent event;
  event.id = fields.event_id("id");
  event.donor = fields.code("donor");
  event.fund = fields.code("fund");
  event.date = fields.date("date");
  event.currency = fields.code("currency");
  event.amount = fields.decimal("amount");
  event.pledge = fields.code("pledge", false);
  event.paid = fields.optional_bool("paid").value_or(false);
  if (fields.has("pays")) event.pays = fields.event_id("pays");
  if (fields.has("receipt")) event.receipt = fields.event_id("receipt");
  event.memo = fields.optional_string("memo").value_or("");
  event.allow_overdraft = fields.optional_bool("allow_overdraft").value_or(false);
  if (event.paid && !event.pays.empty()) fail("paid", "a payment of a payable refund (\"pays\") is paid by definition");
  if (!event.receipt.empty() && !event.pays.empty()) {
    fail("receipt", "a payment of a payable refund (\"pays\") returns no money held: the payable already did");
  }
  return event;
}

Event read_expense(Fields& fields, std::string_view, bool, bool) {
  ExpenseEvent event;
  event.id = fields.event_id("id");
  event.fund = fields.code("fund");
  event.date = fields.date("date");
  event.currency = fields.code("currency");
  event.amount = fields.decimal("amount");
  event.category = choose<ExpenseCategory>(fields, "category",
                                           {{"grant", ExpenseCategory::grant}, {"programme", ExpenseCategory::programme}});
  event.project = fields.code("project", false);
  if (fields.has("psc_rate")) event.psc_rate = fields.decimal("psc_rate");
  event.allow_overdraft = fields.optional_bool("allow_overdraft").value_or(false);
  event.memo = fields.optional_string("memo").value_or("");
  return event;
}

Event read_transfer(Fields& fields, std::string_view, bool, bool) {
  TransferEvent event;
  event.id = fields.event_id("id");
  event.date = fields.date("date");
  event.from_fund = fields.code("from_fund");
  event.to_fund = fields.code("to_fund");
  event.currency = fields.code("currency");
  event.amount = fields.decimal("amount");
  event.memo = fields.optional_string("memo").value_or("");
  event.allow_overdraft = fields.optional_bool("allow_overdraft").value_or(false);
  return event;
}

Event read_interest(Fields& fields, std::string_view, bool, bool) {
  InterestEvent event;
  event.id = fields.event_id("id");
  event.date = fields.date("date");
  event.amount = fields.decimal("amount");
  event.memo = fields.optional_string("memo").value_or("");
  return event;
}

Event read_reversal(Fields& fields, std::string_view, bool, bool) {
  ReversalEvent event;
  event.id = fields.event_id("id");
  event.reverses = fields.event_id("reverses");
  event.date = fields.date("date");
  event.memo = fields.optional_string("memo").value_or("");
  event.allow_overdraft = fields.optional_bool("allow_overdraft").value_or(false);
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

Event read_advance(Fields& fields, std::string_view, bool, bool) {
  AdvanceEvent event;
  event.id = fields.event_id("id");
  event.fund = fields.code("fund");
  event.date = fields.date("date");
  event.currency = fields.code("currency");
  event.amount = fields.decimal("amount");
  event.partner = fields.code("partner");
  event.project = fields.code("project", false);
  event.memo = fields.optional_string("memo").value_or("");
  event.allow_overdraft = fields.optional_bool("allow_overdraft").value_or(false);
  return event;
}

Event read_partner_report(Fields& fields, std::string_view, bool, bool) {
  PartnerReportEvent event;
  event.id = fields.event_id("id");
  event.advance = fields.event_id("advance");
  event.date = fields.date("date");
  event.amount = fields.decimal("amount");
  if (fields.has("psc_rate")) event.psc_rate = fields.decimal("psc_rate");
  event.memo = fields.optional_string("memo").value_or("");
  event.allow_overdraft = fields.optional_bool("allow_overdraft").value_or(false);
  return event;
}

Event read_budget(Fields& fields, std::string_view, bool, bool) {
  BudgetEvent event;
  event.id = fields.event_id("id");
  event.fund = fields.code("fund");
  event.year = fields.year("year");
  event.amount = fields.decimal("amount");
  event.project = fields.code("project", false);
  event.category = std::string(fields.optional_string("category").value_or(""));
  if (!event.category.empty() && event.category != "grant" && event.category != "programme") {
    fail("category", "expected grant or programme (or no category: every expenditure of the fund or project), not " +
                         json::quoted(event.category.substr(0, 40)));
  }
  event.memo = fields.optional_string("memo").value_or("");
  return event;
}

Event read_amend(Fields& fields, std::string_view, bool, bool) {
  AmendEvent event;
  event.id = fields.event_id("id");
  event.kind = choose<AmendKind>(fields, "kind",
                                 {{"donor", AmendKind::donor}, {"fund", AmendKind::fund}, {"project", AmendKind::project}});
  event.code = fields.code("code");
  event.effective = fields.date("effective");
  if (fields.has("name")) event.name = fields.text("name");
  if (fields.has("category")) event.category = fields.text("category");
  if (fields.has("country")) event.country = fields.text("country");
  event.memo = fields.optional_string("memo").value_or("");
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

// The reader of each event type.
const std::pair<std::string_view, EventReader> event_readers[] = {
    {"currency", read_currency},
    {"account", read_account},
    {"fund", read_fund},
    {"donor", read_donor},
    {"project", read_project},
    {"rate", read_rate},
    {"setting", read_setting},
    {"entry", read_entry},
    {"pledge", read_pledge},
    {"receipt", read_receipt},
    {"apply", read_apply},
    {"condition_met", read_condition_met},
    {"allowance", read_condition_met},
    {"write_off", read_condition_met},
    {"reduction", read_reduction},
    {"refund", read_refund},
    {"expense", read_expense},
    {"transfer", read_transfer},
    {"interest", read_interest},
    {"reversal", read_reversal},
    {"period_close", read_period_close},
    {"period_reopen", read_period_close},
    {"advance", read_advance},
    {"partner_report", read_partner_report},
    {"budget", read_budget},
    {"amend", read_amend},
};

Event read_event(Fields& fields, std::string_view type, bool export_line, bool stored_body) {
  for (const auto& [name, reader] : event_readers) {
    if (type == name) return reader(fields, type, export_line, stored_body);
  }
  fail("type", "unknown event type " + json::quoted(type.substr(0, 40)) +
                   ": expected currency, account, fund, donor, project, rate, setting, entry, pledge, receipt, "
                   "apply, condition_met, reduction, refund, expense, transfer, interest, allowance, write_off, "
                   "reversal, period_close, period_reopen, advance, partner_report, budget or amend");
}


// Optional text fields appear in the canonical form only when given.
void add_optional(json::Object& object, std::string_view key, const std::string& value) {
  if (!value.empty()) object.add_string(key, value);
}

void add_contribution_fields(json::Object& object, const PledgeEvent& e) {
  object.add_string("id", e.id).add_string("donor", e.donor).add_string("fund", e.fund)
      .add_string("purpose", purpose_name(e.purpose)).add_string("currency", e.currency)
      .add_string("amount", e.amount.to_string()).add_string("signed", e.signed_on.to_string());
  if (!e.installments.empty()) {
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
  if (e.conditional) object.add_bool("conditional", true);
  add_optional(object, "project", e.project);
  if (e.psc_rate) object.add_string("psc_rate", e.psc_rate->to_string());
  add_optional(object, "memo", e.memo);
  add_optional(object, "reference", e.reference);
}

void add_contribution_fields(json::Object& object, const ReceiptEvent& e) {
  object.add_string("id", e.id).add_string("date", e.date.to_string()).add_string("fund", e.fund)
      .add_string("currency", e.currency).add_string("amount", e.amount.to_string());
  add_optional(object, "donor", e.donor);
  add_optional(object, "pledge", e.pledge);
  add_optional(object, "memo", e.memo);
  add_optional(object, "reference", e.reference);
}

void add_contribution_fields(json::Object& object, const ApplyEvent& e) {
  object.add_string("id", e.id).add_string("date", e.date.to_string()).add_string("receipt", e.receipt);
  add_optional(object, "pledge", e.pledge);
  add_optional(object, "donor", e.donor);
  if (e.amount) object.add_string("amount", e.amount->to_string());
  add_optional(object, "memo", e.memo);
}

template <class PledgeAmountEvent>
void add_pledge_amount_fields(json::Object& object, const PledgeAmountEvent& e) {
  object.add_string("id", e.id).add_string("pledge", e.pledge).add_string("date", e.date.to_string())
      .add_string("amount", e.amount.to_string());
}

void add_contribution_fields(json::Object& object, const ConditionMetEvent& e) {
  add_pledge_amount_fields(object, e);
  add_optional(object, "memo", e.memo);
}
void add_contribution_fields(json::Object& object, const AllowanceEvent& e) {
  add_pledge_amount_fields(object, e);
  add_optional(object, "memo", e.memo);
}
void add_contribution_fields(json::Object& object, const WriteOffEvent& e) {
  add_pledge_amount_fields(object, e);
  add_optional(object, "memo", e.memo);
}
void add_contribution_fields(json::Object& object, const ReductionEvent& e) {
  add_pledge_amount_fields(object, e);
  add_optional(object, "reason", e.reason);
}

void add_contribution_fields(json::Object& object, const RefundEvent& e) {
  object.add_string("id", e.id).add_string("donor", e.donor).add_string("fund", e.fund)
      .add_string("date", e.date.to_string()).add_string("currency", e.currency)
      .add_string("amount", e.amount.to_string());
  add_optional(object, "pledge", e.pledge);
  if (e.paid) object.add_bool("paid", true);
  add_optional(object, "pays", e.pays);
  add_optional(object, "receipt", e.receipt);
  add_optional(object, "memo", e.memo);
  if (e.allow_overdraft) object.add_bool("allow_overdraft", true);
}

void add_contribution_fields(json::Object& object, const ExpenseEvent& e) {
  object.add_string("id", e.id).add_string("fund", e.fund).add_string("date", e.date.to_string())
      .add_string("currency", e.currency).add_string("amount", e.amount.to_string())
      .add_string("category", e.category == ExpenseCategory::grant ? "grant" : "programme");
  add_optional(object, "project", e.project);
  if (e.psc_rate) object.add_string("psc_rate", e.psc_rate->to_string());
  if (e.allow_overdraft) object.add_bool("allow_overdraft", true);
  add_optional(object, "memo", e.memo);
}

void add_contribution_fields(json::Object& object, const TransferEvent& e) {
  object.add_string("id", e.id).add_string("date", e.date.to_string()).add_string("from_fund", e.from_fund)
      .add_string("to_fund", e.to_fund).add_string("currency", e.currency)
      .add_string("amount", e.amount.to_string());
  add_optional(object, "memo", e.memo);
  if (e.allow_overdraft) object.add_bool("allow_overdraft", true);
}

void add_contribution_fields(json::Object& object, const InterestEvent& e) {
  object.add_string("id", e.id).add_string("date", e.date.to_string()).add_string("amount", e.amount.to_string());
  add_optional(object, "memo", e.memo);
}

void add_contribution_fields(json::Object& object, const PeriodCloseEvent& e) {
  if (e.allow_stale_rates) object.add_bool("allow_stale_rates", true);
  object.add_string("period", e.period.to_string());
}

void add_contribution_fields(json::Object& object, const PeriodReopenEvent& e) {
  object.add_string("period", e.period.to_string()).add_string("reason", e.reason);
}

void add_contribution_fields(json::Object& object, const AdvanceEvent& e) {
  object.add_string("id", e.id).add_string("fund", e.fund).add_string("date", e.date.to_string())
      .add_string("currency", e.currency).add_string("amount", e.amount.to_string()).add_string("partner", e.partner);
  add_optional(object, "project", e.project);
  add_optional(object, "memo", e.memo);
  if (e.allow_overdraft) object.add_bool("allow_overdraft", true);
}

void add_contribution_fields(json::Object& object, const PartnerReportEvent& e) {
  object.add_string("id", e.id).add_string("advance", e.advance).add_string("date", e.date.to_string())
      .add_string("amount", e.amount.to_string());
  if (e.psc_rate) object.add_string("psc_rate", e.psc_rate->to_string());
  add_optional(object, "memo", e.memo);
  if (e.allow_overdraft) object.add_bool("allow_overdraft", true);
}

void add_contribution_fields(json::Object& object, const BudgetEvent& e) {
  object.add_string("id", e.id).add_string("fund", e.fund).add_string("year", std::to_string(e.year))
      .add_string("amount", e.amount.to_string());
  add_optional(object, "project", e.project);
  add_optional(object, "category", e.category);
  add_optional(object, "memo", e.memo);
}

const char* amend_kind_name(AmendKind kind) {
  switch (kind) {
    case AmendKind::donor: return "donor";
    case AmendKind::fund: return "fund";
    case AmendKind::project: return "project";
  }
  return "donor";
}

void add_contribution_fields(json::Object& object, const AmendEvent& e) {
  object.add_string("id", e.id).add_string("kind", amend_kind_name(e.kind)).add_string("code", e.code)
      .add_string("effective", e.effective.to_string());
  if (e.name) object.add_string("name", *e.name);
  if (e.category) object.add_string("category", *e.category);
  if (e.country) object.add_string("country", *e.country);
  add_optional(object, "memo", e.memo);
}

void add_contribution_fields(json::Object& object, const ReversalEvent& e) {
  object.add_string("id", e.id).add_string("reverses", e.reverses).add_string("date", e.date.to_string());
  add_optional(object, "memo", e.memo);
  if (e.allow_overdraft) object.add_bool("allow_overdraft", true);
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

json::Object body_fields(const Event& event) {
  json::Object object;
  object.add_string("type", event_type_name(event));
  std::visit(
      [&object](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, CurrencyEvent>) {
          object.add_string("code", e.code).add_integer("minor_units", e.minor_units);
        } else if constexpr (std::is_same_v<T, AccountEvent>) {
          object.add_string("code", e.code)
              .add_string("name", e.name)
              .add_string("class", account_class_name(e.account_class));
        } else if constexpr (std::is_same_v<T, FundEvent>) {
          object.add_string("code", e.code)
              .add_string("name", e.name)
              .add_string("kind", fund_kind_name(e.kind));
          if (!e.parent.empty()) object.add_string("parent", e.parent);
        } else if constexpr (std::is_same_v<T, DonorEvent>) {
          object.add_string("code", e.code).add_string("name", e.name);
          if (!e.category.empty()) object.add_string("category", e.category);
          if (!e.country.empty()) object.add_string("country", e.country);
        } else if constexpr (std::is_same_v<T, ProjectEvent>) {
          object.add_string("code", e.code).add_string("name", e.name).add_string("fund", e.fund);
          if (e.psc_rate) object.add_string("psc_rate", e.psc_rate->to_string());
        } else if constexpr (std::is_same_v<T, RateEvent>) {
          object.add_string("currency", e.currency)
              .add_string("effective", e.effective.to_string())
              .add_string("per_usd", e.per_usd.to_string());
        } else if constexpr (std::is_same_v<T, SettingEvent>) {
          object.add_string("key", e.key).add_string("value", e.value);
          if (e.effective) object.add_string("effective", e.effective->to_string());
        } else if constexpr (std::is_same_v<T, EntryEvent>) {
          object.add_string("id", e.id).add_string("date", e.date.to_string());
          if (!e.memo.empty()) object.add_string("memo", e.memo);
        } else {
          add_contribution_fields(object, e);
        }
      },
      event);
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

}  // namespace detail

const char* account_class_name(AccountClass account_class) noexcept {
  switch (account_class) {
    case AccountClass::asset: return "asset";
    case AccountClass::liability: return "liability";
    case AccountClass::net_assets: return "net-assets";
    case AccountClass::revenue: return "revenue";
    case AccountClass::expense: return "expense";
  }
  return "unknown";
}

const char* purpose_name(Purpose purpose) noexcept {
  return purpose == Purpose::special ? "special" : "general";
}

const char* fund_kind_name(FundKind kind) noexcept {
  switch (kind) {
    case FundKind::general: return "general";
    case FundKind::special: return "special";
    case FundKind::psc: return "psc";
  }
  return "unknown";
}

const char* event_type_name(const Event& event) noexcept {
  static constexpr const char* names[] = {
      "currency", "account",  "fund",      "donor",    "project",  "rate",      "setting",
      "entry",    "pledge",   "receipt",   "apply",    "condition_met", "reduction", "refund",
      "expense",  "transfer", "interest",  "allowance", "write_off", "reversal", "period_close",
      "period_reopen", "advance", "partner_report", "budget", "amend"};
  static_assert(std::variant_size_v<Event> == std::size(names));
  return names[event.index()];
}

Event parse_event(std::string_view json) { return detail::parse_line(json, false).event; }

std::string canonical_json(const Event& event) {
  json::Object object = detail::body_fields(event);
  if (const auto* entry = std::get_if<EntryEvent>(&event)) {
    object.add_raw("postings", detail::render_input_postings(entry->postings));
  }
  return object.render();
}

}  // namespace fundledger
