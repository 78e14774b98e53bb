// Tests of reading events from their JSON Lines form and writing their canonical JSON.
//
// parse_event is the gate every imported event passes: it must read each event type field by
// field, and refuse anything that is not exactly an event (unknown or repeated fields, a JSON
// number where an amount belongs, a malformed code, id, date or decimal, the fields that only an
// export carries) with Error (bad_input) and a message naming the field. canonical_json is what is
// stored and hashed: the same event must give the same bytes however its input was laid out.
#include "core/event_json.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <variant>

using fundledger::AccountClass;
using fundledger::AccountEvent;
using fundledger::canonical_json;
using fundledger::CurrencyEvent;
using fundledger::Date;
using fundledger::Decimal;
using fundledger::DonorEvent;
using fundledger::EntryEvent;
using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Event;
using fundledger::FundEvent;
using fundledger::FundKind;
using fundledger::parse_event;
using fundledger::ProjectEvent;
using fundledger::RateEvent;
using fundledger::SettingEvent;

namespace {

// The Error that parse_event throws for text; fails the test if it throws nothing or something else.
Error refusal_of(const std::string& text) {
  try {
    parse_event(text);
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected parse_event to refuse: " << text);
  throw std::logic_error("unreachable");
}

// Checks that text is refused with bad_input and exactly this message.
void check_refused(const std::string& text, const std::string& message) {
  INFO("input: " << text);
  const Error error = refusal_of(text);
  CHECK(error.code() == ErrorCode::bad_input);
  CHECK(std::string(error.what()) == message);
}

template <class T>
T parse_as(const std::string& text) {
  INFO("input: " << text);
  const Event event = parse_event(text);
  REQUIRE(std::holds_alternative<T>(event));
  return std::get<T>(event);
}

// An entry whose second posting's amount is replaced by amount_json (already JSON).
std::string entry_with_second_amount(const std::string& amount_json) {
  return R"({"type":"entry","id":"BNK-1","date":"2024-01-15","postings":[)"
         R"({"account":"1100","fund":"CPCJF","currency":"EUR","amount":"1000.00"},)"
         R"({"account":"2150","fund":"CPCJF","currency":"EUR","amount":)" +
         amount_json + "}]}";
}

const std::string code_expectation = ": expected 1-32 characters of A-Z a-z 0-9 - _ .";
const std::string export_only = ": is written by export and read by replay: import takes events "
                                "as written, without it";

}  // namespace

// ---- Reading every event type ----

TEST_CASE("parse_event reads a currency with its minor units") {
  const auto currency = parse_as<CurrencyEvent>(R"({"type":"currency","code":"XOF","minor_units":0})");
  CHECK(currency.code == "XOF");
  CHECK(currency.minor_units == 0);
  CHECK(parse_as<CurrencyEvent>(R"({"type":"currency","code":"CLF","minor_units":4})").minor_units == 4);
  CHECK(parse_as<CurrencyEvent>(R"({"type":"currency","code":"X.Y_Z-1","minor_units":8})").minor_units == 8);
}

TEST_CASE("parse_event reads an account of every class") {
  const auto account =
      parse_as<AccountEvent>(R"({"type":"account","code":"X-CASH","name":"Cash","class":"asset"})");
  CHECK(account.code == "X-CASH");
  CHECK(account.name == "Cash");
  CHECK(account.account_class == AccountClass::asset);
  const std::pair<const char*, AccountClass> classes[] = {{"asset", AccountClass::asset},
                                                          {"liability", AccountClass::liability},
                                                          {"net-assets", AccountClass::net_assets},
                                                          {"revenue", AccountClass::revenue},
                                                          {"expense", AccountClass::expense}};
  for (const auto& [name, account_class] : classes) {
    const auto parsed = parse_as<AccountEvent>(std::string(R"({"type":"account","code":"A","name":"n","class":")") +
                                               name + "\"}");
    CHECK(parsed.account_class == account_class);
    CHECK(std::string(fundledger::account_class_name(account_class)) == name);
  }
}

TEST_CASE("parse_event reads a fund with and without a parent") {
  const auto general = parse_as<FundEvent>(
      R"({"type":"fund","code":"CPCJF","name":"Crime Prevention and Criminal Justice Fund","kind":"general"})");
  CHECK(general.code == "CPCJF");
  CHECK(general.name == "Crime Prevention and Criminal Justice Fund");
  CHECK(general.kind == FundKind::general);
  CHECK(general.parent.empty());

  const auto child = parse_as<FundEvent>(
      R"({"type":"fund","code":"UNTOC","name":"UNTOC funding mechanism","kind":"special","parent":"CPCJF"})");
  CHECK(child.code == "UNTOC");
  CHECK(child.name == "UNTOC funding mechanism");
  CHECK(child.kind == FundKind::special);
  CHECK(child.parent == "CPCJF");

  CHECK(parse_as<FundEvent>(R"({"type":"fund","code":"PSC","name":"PSC","kind":"psc"})").kind ==
        FundKind::psc);
  CHECK(std::string(fundledger::fund_kind_name(FundKind::psc)) == "psc");
}

TEST_CASE("parse_event reads a donor, with its category and country optional") {
  const auto germany = parse_as<DonorEvent>(
      R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})");
  CHECK(germany.code == "DEU");
  CHECK(germany.name == "Germany");
  CHECK(germany.category == "government");
  CHECK(germany.country == "DE");

  const auto bare = parse_as<DonorEvent>(R"({"type":"donor","code":"ANON-1","name":"Private donor"})");
  CHECK(bare.code == "ANON-1");
  CHECK(bare.name == "Private donor");
  CHECK(bare.category.empty());
  CHECK(bare.country.empty());

  for (const char* category : {"government", "financial-institution", "un-entity", "intergovernmental",
                               "ngo", "foundation", "private", "other"}) {
    const auto donor = parse_as<DonorEvent>(
        std::string(R"({"type":"donor","code":"D","name":"n","category":")") + category + "\"}");
    CHECK(donor.category == category);
  }
}

TEST_CASE("parse_event reads a project and the fund it belongs to") {
  const auto project = parse_as<ProjectEvent>(
      R"({"type":"project","code":"GLOZ82","name":"Global programme against trafficking","fund":"CPCJF"})");
  CHECK(project.code == "GLOZ82");
  CHECK(project.name == "Global programme against trafficking");
  CHECK(project.fund == "CPCJF");
}

TEST_CASE("parse_event reads a rate with its exact decimal and scale") {
  const auto rate = parse_as<RateEvent>(
      R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9120"})");
  CHECK(rate.currency == "EUR");
  CHECK(rate.effective == Date::parse("2024-01-01"));
  CHECK(rate.per_usd.to_string() == "0.9120");
  CHECK(rate.per_usd.scale() == 4);
}

TEST_CASE("parse_event reads a setting with and without an effective date") {
  const auto always = parse_as<SettingEvent>(R"({"type":"setting","key":"rounding","value":"half-even"})");
  CHECK(always.key == "rounding");
  CHECK(always.value == "half-even");
  CHECK_FALSE(always.effective.has_value());

  const auto dated = parse_as<SettingEvent>(
      R"({"type":"setting","key":"recognition","value":"per-instalment","effective":"2026-01-01"})");
  CHECK(dated.key == "recognition");
  CHECK(dated.value == "per-instalment");
  REQUIRE(dated.effective.has_value());
  CHECK(*dated.effective == Date::parse("2026-01-01"));
}

TEST_CASE("parse_event reads an entry with its postings and their donor, project and pledge") {
  const auto entry = parse_as<EntryEvent>(
      R"({"type":"entry","id":"BNK-2024/0001:a#1","date":"2024-01-15","memo":"Germany, first instalment",)"
      R"("postings":[{"account":"1100","fund":"CPCJF","currency":"EUR","amount":"1000.00",)"
      R"("donor":"DEU","project":"GLOZ82","pledge":"P-DEU-2024"},)"
      R"({"account":"1200","fund":"CPCJF","currency":"EUR","amount":"-1000.00","donor":"DEU"}]})");
  CHECK(entry.id == "BNK-2024/0001:a#1");
  CHECK(entry.date == Date::parse("2024-01-15"));
  CHECK(entry.memo == "Germany, first instalment");
  REQUIRE(entry.postings.size() == 2);
  CHECK(entry.postings[0].account == "1100");
  CHECK(entry.postings[0].fund == "CPCJF");
  CHECK(entry.postings[0].currency == "EUR");
  CHECK(entry.postings[0].amount.to_string() == "1000.00");
  CHECK(entry.postings[0].donor == "DEU");
  CHECK(entry.postings[0].project == "GLOZ82");
  CHECK(entry.postings[0].pledge == "P-DEU-2024");
  CHECK(entry.postings[1].account == "1200");
  CHECK(entry.postings[1].fund == "CPCJF");
  CHECK(entry.postings[1].currency == "EUR");
  CHECK(entry.postings[1].amount.to_string() == "-1000.00");
  CHECK(entry.postings[1].donor == "DEU");
  CHECK(entry.postings[1].project.empty());
  CHECK(entry.postings[1].pledge.empty());
}

TEST_CASE("parse_event reads an entry without a memo, and an amount exactly as written") {
  const auto entry = parse_as<EntryEvent>(
      R"({"type":"entry","id":"J1","date":"2024-12-31","postings":[)"
      R"({"account":"1100","fund":"F","currency":"JPY","amount":"+150000"},)"
      R"({"account":"4100","fund":"F","currency":"JPY","amount":"-150000.000"}]})");
  CHECK(entry.memo.empty());
  REQUIRE(entry.postings.size() == 2);
  CHECK(entry.postings[0].amount.to_string() == "150000");
  CHECK(entry.postings[1].amount.to_string() == "-150000.000");
}

TEST_CASE("parse_event reads JSON escapes in text into UTF-8") {
  const auto donor = parse_as<DonorEvent>(
      R"({"type":"donor","code":"CIV","name":"C\u00f4te d'Ivoire \"CI\"\n","country":"CI"})");
  CHECK(donor.name == "C\xC3\xB4te d'Ivoire \"CI\"\n");
}

// ---- Canonical JSON ----

TEST_CASE("canonical_json of an account is its fields sorted, with no whitespace") {
  const Event account = parse_event(R"({"type":"account","code":"X-CASH","name":"Cash","class":"asset"})");
  CHECK(canonical_json(account) == R"({"class":"asset","code":"X-CASH","name":"Cash","type":"account"})");
}

TEST_CASE("canonical_json does not depend on the key order or whitespace of the input") {
  const std::string canonical = R"({"class":"net-assets","code":"3100","name":"Fund balance","type":"account"})";
  for (const char* text :
       {R"({"type":"account","code":"3100","name":"Fund balance","class":"net-assets"})",
        R"({"name":"Fund balance","class":"net-assets","type":"account","code":"3100"})",
        " {\n  \"class\" : \"net-assets\",\t\"code\":\"3100\" ,\r\n \"name\": \"Fund balance\", \"type\":\"account\" }\n",
        R"({"class":"net-assets","code":"3100","name":"Fund balance","type":"account"})"}) {
    INFO("input: " << text);
    CHECK(canonical_json(parse_event(text)) == canonical);
  }
}

TEST_CASE("canonical_json of each master data and setting event, optional fields only when given") {
  CHECK(canonical_json(parse_event(R"({"type":"currency","code":"XOF","minor_units":0})")) ==
        R"({"code":"XOF","minor_units":0,"type":"currency"})");
  CHECK(canonical_json(parse_event(R"({"type":"fund","code":"CPCJF","name":"CPCJ Fund","kind":"general"})")) ==
        R"({"code":"CPCJF","kind":"general","name":"CPCJ Fund","type":"fund"})");
  CHECK(canonical_json(parse_event(
            R"({"type":"fund","parent":"CPCJF","code":"UNCAC","name":"UNCAC mechanism","kind":"special"})")) ==
        R"({"code":"UNCAC","kind":"special","name":"UNCAC mechanism","parent":"CPCJF","type":"fund"})");
  CHECK(canonical_json(parse_event(
            R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})")) ==
        R"({"category":"government","code":"DEU","country":"DE","name":"Germany","type":"donor"})");
  CHECK(canonical_json(parse_event(R"({"type":"donor","code":"X","name":"Anonymous"})")) ==
        R"({"code":"X","name":"Anonymous","type":"donor"})");
  CHECK(canonical_json(parse_event(R"({"type":"project","code":"GLOZ82","name":"TIP","fund":"CPCJF"})")) ==
        R"({"code":"GLOZ82","fund":"CPCJF","name":"TIP","type":"project"})");
  CHECK(canonical_json(parse_event(
            R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0.9120"})")) ==
        R"({"currency":"EUR","effective":"2024-01-01","per_usd":"0.9120","type":"rate"})");
  CHECK(canonical_json(parse_event(R"({"type":"setting","key":"psc_rate","value":"0.13"})")) ==
        R"({"key":"psc_rate","type":"setting","value":"0.13"})");
  CHECK(canonical_json(parse_event(
            R"({"type":"setting","key":"psc_rate","value":"0.10","effective":"2024-07-01"})")) ==
        R"({"effective":"2024-07-01","key":"psc_rate","type":"setting","value":"0.10"})");
}

TEST_CASE("canonical_json of an entry sorts the keys of every posting and keeps their order") {
  const Event entry = parse_event(
      R"({"type":"entry","id":"BNK-2024-0001","date":"2024-01-15","memo":"Caf\u00e9 \"receipt\"",)"
      R"("postings":[{"pledge":"P1","project":"GLOZ82","donor":"DEU","amount":"1000.00","currency":"EUR",)"
      R"("fund":"CPCJF","account":"1100"},)"
      R"({"account":"2150","fund":"CPCJF","currency":"EUR","amount":"-1000.00"}]})");
  CHECK(canonical_json(entry) ==
        "{\"date\":\"2024-01-15\",\"id\":\"BNK-2024-0001\",\"memo\":\"Caf\xC3\xA9 \\\"receipt\\\"\","
        "\"postings\":[{\"account\":\"1100\",\"amount\":\"1000.00\",\"currency\":\"EUR\",\"donor\":\"DEU\","
        "\"fund\":\"CPCJF\",\"pledge\":\"P1\",\"project\":\"GLOZ82\"},"
        "{\"account\":\"2150\",\"amount\":\"-1000.00\",\"currency\":\"EUR\",\"fund\":\"CPCJF\"}],"
        "\"type\":\"entry\"}");
  // An empty memo is no memo.
  CHECK(canonical_json(parse_event(
            R"({"type":"entry","id":"E","date":"2024-01-15","memo":"","postings":[]})")) ==
        R"({"date":"2024-01-15","id":"E","postings":[],"type":"entry"})");
}

TEST_CASE("canonical_json reads back as the same event") {
  for (const char* text :
       {R"({"type":"currency","code":"XOF","minor_units":0})",
        R"({"type":"fund","code":"UNTOC","name":"UNTOC","kind":"special","parent":"CPCJF"})",
        R"({"type":"donor","code":"DEU","name":"Germany","category":"government","country":"DE"})",
        R"({"type":"setting","key":"psc_rate","value":"0.10","effective":"2024-07-01"})",
        R"({"type":"entry","id":"E/1","date":"2024-01-15","memo":"tab\there","postings":[)"
        R"({"account":"1100","fund":"F","currency":"EUR","amount":"1.50","donor":"D"},)"
        R"({"account":"4100","fund":"F","currency":"EUR","amount":"-1.50","project":"P"}]})"}) {
    INFO("input: " << text);
    const std::string canonical = canonical_json(parse_event(text));
    CHECK(canonical_json(parse_event(canonical)) == canonical);
  }
}

TEST_CASE("event_type_name names the JSON type of every event") {
  CHECK(std::string(fundledger::event_type_name(CurrencyEvent{})) == "currency");
  CHECK(std::string(fundledger::event_type_name(AccountEvent{})) == "account");
  CHECK(std::string(fundledger::event_type_name(FundEvent{})) == "fund");
  CHECK(std::string(fundledger::event_type_name(DonorEvent{})) == "donor");
  CHECK(std::string(fundledger::event_type_name(ProjectEvent{})) == "project");
  CHECK(std::string(fundledger::event_type_name(RateEvent{})) == "rate");
  CHECK(std::string(fundledger::event_type_name(SettingEvent{})) == "setting");
  CHECK(std::string(fundledger::event_type_name(EntryEvent{})) == "entry");
}

// ---- Refusals ----

TEST_CASE("parse_event refuses text that is not one JSON object") {
  for (const char* text : {"", "{", R"({"type":"account",)", "not json", R"({"type":"account"} {})",
                           R"({"type":'account'})"}) {
    INFO("input: " << text);
    const Error error = refusal_of(text);
    CHECK(error.code() == ErrorCode::bad_input);
    CHECK(std::string(error.what()).rfind("malformed JSON (", 0) == 0);
  }
  check_refused("[1,2]", "expected a JSON object");
  check_refused(R"("account")", "expected a JSON object");
  check_refused("42", "expected a JSON object");
  check_refused("null", "expected a JSON object");
}

TEST_CASE("parse_event refuses an event without a type, or of a type it does not know") {
  check_refused(R"({"code":"X","name":"n","class":"asset"})", R"(field "type": missing)");
  check_refused(R"({})", R"(field "type": missing)");
  check_refused(R"({"type":7})", R"(field "type": expected a JSON string)");
  check_refused(R"({"type":"bogus","code":"X"})",
                R"(field "type": unknown event type "bogus": expected currency, account, fund, donor, )"
                R"(project, rate, setting, entry, pledge, receipt, apply, condition_met, reduction, refund, )"
                R"(expense, transfer, interest, allowance, write_off, reversal, period_close, period_reopen, advance, )"
                R"(partner_report, budget or amend)");
  check_refused(R"({"type":"Account","code":"X","name":"n","class":"asset"})",
                R"(field "type": unknown event type "Account": expected currency, account, fund, donor, )"
                R"(project, rate, setting, entry, pledge, receipt, apply, condition_met, reduction, refund, )"
                R"(expense, transfer, interest, allowance, write_off, reversal, period_close, period_reopen, advance, )"
                R"(partner_report, budget or amend)");
}

TEST_CASE("parse_event refuses an unknown field, so that a typo is never silently dropped") {
  check_refused(R"({"type":"account","code":"X","name":"n","class":"asset","colour":"red"})",
                R"(field "colour": unknown field)");
  check_refused(R"({"type":"fund","code":"F","name":"n","kind":"general","parnet":"CPCJF"})",
                R"(field "parnet": unknown field)");
  check_refused(
      R"({"type":"entry","id":"E","date":"2024-01-15","postings":[)"
      R"({"account":"1100","fund":"F","currency":"EUR","amount":"1.00","doner":"DEU"},)"
      R"({"account":"4100","fund":"F","currency":"EUR","amount":"-1.00"}]})",
      R"(field "postings[0].doner": unknown field)");
  // A non-entry event has no postings.
  check_refused(R"({"type":"setting","key":"psc_rate","value":"0.13","postings":[]})",
                R"(field "postings": unknown field)");
}

TEST_CASE("parse_event refuses a field that appears twice") {
  check_refused(R"({"type":"account","code":"X","code":"Y","name":"n","class":"asset"})",
                R"(field "code": appears twice)");
  check_refused(R"({"type":"account","type":"account","code":"X","name":"n","class":"asset"})",
                R"(field "type": appears twice)");
  check_refused(
      R"({"type":"entry","id":"E","date":"2024-01-15","postings":[)"
      R"({"account":"1100","fund":"F","currency":"EUR","amount":"1.00"},)"
      R"({"account":"4100","fund":"F","currency":"EUR","amount":"-1.00","amount":"-1.00"}]})",
      R"(field "postings[1].amount": appears twice)");
}

TEST_CASE("parse_event refuses a required field that is missing or empty") {
  check_refused(R"({"type":"account","code":"X","class":"asset"})", R"(field "name": missing)");
  check_refused(R"({"type":"account","code":"X","name":"","class":"asset"})",
                R"(field "name": must not be empty)");
  check_refused(R"({"type":"account","name":"n","class":"asset"})", R"(field "code": missing)");
  check_refused(R"({"type":"rate","currency":"EUR","effective":"2024-01-01"})",
                R"(field "per_usd": missing)");
  check_refused(R"({"type":"currency","code":"XOF"})", R"(field "minor_units": missing)");
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15"})", R"(field "postings": missing)");
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15","postings":{}})",
                R"(field "postings": expected a JSON array of postings)");
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15","postings":[1]})",
                R"(field "postings[0]": expected a JSON object)");
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15","postings":[)"
                R"({"account":"1100","fund":"F","currency":"EUR"}]})",
                R"(field "postings[0].amount": missing)");
  check_refused(R"({"type":"entry","date":"2024-01-15","postings":[]})", R"(field "id": missing)");
  check_refused(R"({"type":"entry","id":"E","postings":[]})", R"(field "date": missing)");
  check_refused(R"({"type":"account","code":"X","name":5,"class":"asset"})",
                R"(field "name": expected a JSON string)");
}

TEST_CASE("parse_event refuses a JSON number where an amount or rate belongs") {
  check_refused(entry_with_second_amount("-1000.00"),
                R"(field "postings[1].amount": expected an exact decimal in a JSON string, like "1250.00")");
  check_refused(entry_with_second_amount("-1000"),
                R"(field "postings[1].amount": expected an exact decimal in a JSON string, like "1250.00")");
  check_refused(R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":0.912})",
                R"(field "per_usd": expected an exact decimal in a JSON string, like "1250.00")");
}

TEST_CASE("parse_event refuses an amount that is not an exact decimal, quoting it") {
  const std::string expected = ": expected digits with an optional sign and decimal point, like -1234.56";
  check_refused(entry_with_second_amount(R"("-1,000.00")"),
                R"(field "postings[1].amount": invalid decimal "-1,000.00")" + expected);
  check_refused(entry_with_second_amount(R"("-1e3")"),
                R"(field "postings[1].amount": invalid decimal "-1e3")" + expected);
  check_refused(entry_with_second_amount(R"(".5")"), R"(field "postings[1].amount": invalid decimal ".5")" + expected);
  check_refused(entry_with_second_amount(R"("5.")"), R"(field "postings[1].amount": invalid decimal "5.")" + expected);
  check_refused(entry_with_second_amount(R"("")"), R"(field "postings[1].amount": invalid decimal "")" + expected);
  check_refused(entry_with_second_amount(R"(" 1.00")"),
                R"(field "postings[1].amount": invalid decimal " 1.00")" + expected);
  check_refused(R"({"type":"rate","currency":"EUR","effective":"2024-01-01","per_usd":"0,912"})",
                R"(field "per_usd": invalid decimal "0,912")" + expected);
}

TEST_CASE("parse_event refuses a date that is not a real day written YYYY-MM-DD") {
  check_refused(R"({"type":"rate","currency":"EUR","effective":"2024-02-30","per_usd":"0.912"})",
                R"(field "effective": invalid date "2024-02-30": expected a real day written YYYY-MM-DD)");
  check_refused(R"({"type":"entry","id":"E","date":"2023-02-29","postings":[]})",
                R"(field "date": invalid date "2023-02-29": expected a real day written YYYY-MM-DD)");
  check_refused(R"({"type":"entry","id":"E","date":"15/01/2024","postings":[]})",
                R"(field "date": invalid date "15/01/2024": expected YYYY-MM-DD, like 2024-03-31)");
  check_refused(R"({"type":"entry","id":"E","date":"2024-1-15","postings":[]})",
                R"(field "date": invalid date "2024-1-15": expected YYYY-MM-DD, like 2024-03-31)");
  check_refused(R"({"type":"setting","key":"psc_rate","value":"0.1","effective":"2024-13-01"})",
                R"(field "effective": invalid date "2024-13-01": expected a real day written YYYY-MM-DD)");
  check_refused(R"({"type":"entry","id":"E","date":20240115,"postings":[]})",
                R"(field "date": expected a JSON string)");
}

TEST_CASE("parse_event refuses a code that is too long or has characters outside the alphabet") {
  const std::string code_32(32, 'A');
  CHECK(parse_as<AccountEvent>(R"({"type":"account","code":")" + code_32 + R"(","name":"n","class":"asset"})").code ==
        code_32);
  const std::string code_33(33, 'A');
  check_refused(R"({"type":"account","code":")" + code_33 + R"(","name":"n","class":"asset"})",
                R"(field "code": invalid code ")" + code_33 + "\"" + code_expectation);
  check_refused(R"({"type":"account","code":"","name":"n","class":"asset"})",
                R"(field "code": invalid code "")" + code_expectation);
  check_refused(R"({"type":"account","code":"X CASH","name":"n","class":"asset"})",
                R"(field "code": invalid code "X CASH")" + code_expectation);
  // '/' is allowed in event ids, not in codes.
  check_refused(R"({"type":"fund","code":"CPCJF/1","name":"n","kind":"general"})",
                R"(field "code": invalid code "CPCJF/1")" + code_expectation);
  check_refused(R"({"type":"fund","code":"F","name":"n","kind":"general","parent":"CPC\u00e9"})",
                "field \"parent\": invalid code \"CPC\xC3\xA9\"" + code_expectation);
  check_refused(R"({"type":"project","code":"P","name":"n","fund":"F;1"})",
                R"(field "fund": invalid code "F;1")" + code_expectation);
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15","postings":[)"
                R"({"account":"1100","fund":"F","currency":"EU R","amount":"1.00"}]})",
                R"(field "postings[0].currency": invalid code "EU R")" + code_expectation);
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15","postings":[)"
                R"({"account":"1100","fund":"F","currency":"EUR","amount":"1.00","pledge":""}]})",
                R"(field "postings[0].pledge": invalid code "")" + code_expectation);
  // A long code is quoted up to its first 40 characters.
  const std::string code_50(50, 'B');
  check_refused(R"({"type":"donor","code":")" + code_50 + R"(","name":"n"})",
                R"(field "code": invalid code ")" + std::string(40, 'B') + "\"" + code_expectation);
}

TEST_CASE("parse_event refuses an event id that is too long or has characters outside its alphabet") {
  const std::string id_expectation = ": expected 1-64 characters of A-Z a-z 0-9 - _ . / : #";
  const std::string id_64(64, '7');
  CHECK(parse_as<EntryEvent>(R"({"type":"entry","id":")" + id_64 + R"(","date":"2024-01-15","postings":[]})").id ==
        id_64);
  const std::string id_65(65, '7');
  check_refused(R"({"type":"entry","id":")" + id_65 + R"(","date":"2024-01-15","postings":[]})",
                R"(field "id": invalid id ")" + id_65 + "\"" + id_expectation);
  check_refused(R"({"type":"entry","id":"BNK 1","date":"2024-01-15","postings":[]})",
                R"(field "id": invalid id "BNK 1")" + id_expectation);
  check_refused(R"({"type":"entry","id":"","date":"2024-01-15","postings":[]})",
                R"(field "id": invalid id "")" + id_expectation);
  check_refused(R"({"type":"entry","id":"A?B","date":"2024-01-15","postings":[]})",
                R"(field "id": invalid id "A?B")" + id_expectation);
}

TEST_CASE("parse_event refuses the fields that only an export carries") {
  check_refused(R"({"type":"setting","key":"psc_rate","value":"0.13","seq":1})",
                R"(field "seq")" + export_only);
  check_refused(R"({"type":"setting","key":"psc_rate","value":"0.13","recorded_at":"2024-01-01T00:00:00Z"})",
                R"(field "recorded_at")" + export_only);
  check_refused(R"({"type":"setting","key":"psc_rate","value":"0.13","prev_hash":"00"})",
                R"(field "prev_hash")" + export_only);
  check_refused(R"({"type":"setting","key":"psc_rate","value":"0.13","hash":"ab"})",
                R"(field "hash")" + export_only);
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15","postings":[)"
                R"({"account":"1100","fund":"F","currency":"EUR","amount":"1.00","functional_amount":"1.10"},)"
                R"({"account":"4100","fund":"F","currency":"EUR","amount":"-1.00"}]})",
                R"(field "postings[0].functional_amount")" + export_only);
  check_refused(R"({"type":"entry","id":"E","date":"2024-01-15","postings":[)"
                R"({"account":"1100","fund":"F","currency":"EUR","amount":"1.00"},)"
                R"({"account":"5900","fund":"F","currency":"EUR","amount":"0.00","residual":true}]})",
                R"(field "postings[1].residual")" + export_only);
}

TEST_CASE("parse_event refuses minor units that are not an integer from 0 to 8") {
  const std::string expected = R"(field "minor_units": expected an integer from 0 to 8)";
  check_refused(R"({"type":"currency","code":"XTS","minor_units":9})", expected);
  check_refused(R"({"type":"currency","code":"XTS","minor_units":-1})", expected);
  check_refused(R"({"type":"currency","code":"XTS","minor_units":9223372036854775807})", expected);
  check_refused(R"({"type":"currency","code":"XTS","minor_units":"2"})",
                R"(field "minor_units": expected a JSON integer)");
  check_refused(R"({"type":"currency","code":"XTS","minor_units":2.0})",
                R"(field "minor_units": expected a JSON integer)");
  CHECK(parse_as<CurrencyEvent>(R"({"type":"currency","code":"XTS","minor_units":8})").minor_units == 8);
}

TEST_CASE("parse_event refuses an account class or fund kind it does not know, and an empty country") {
  check_refused(R"({"type":"account","code":"X","name":"n","class":"equity"})",
                R"(field "class": invalid value "equity": expected asset, liability, net-assets, revenue or expense)");
  check_refused(R"({"type":"account","code":"X","name":"n","class":"Asset"})",
                R"(field "class": invalid value "Asset": expected asset, liability, net-assets, revenue or expense)");
  check_refused(R"({"type":"fund","code":"F","name":"n","kind":"trust"})",
                R"(field "kind": invalid value "trust": expected general, special or psc)");
  check_refused(R"({"type":"donor","code":"D","name":"n","country":""})", R"(field "country": must not be empty)");
}
