// Tests of fundledger::event_fields, the listing of each event type's fields that the command line
// builds its options from: it names every field the canonical form of a real event carries, and
// every field it calls required is carried by every event of the type.
#include <fundledger/events.hpp>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <string>

using fundledger::EventField;
using fundledger::EventFieldKind;

TEST_CASE("Every event type lists its fields, and an unknown type lists none") {
  for (const char* type :
       {"currency", "account", "fund", "donor", "project", "rate", "setting", "entry", "pledge", "receipt", "apply",
        "condition_met", "allowance", "write_off", "reduction", "refund", "expense", "transfer", "interest", "reversal",
        "period_close", "period_reopen", "advance", "partner_report", "budget", "amend"}) {
    INFO(type);
    const std::vector<EventField> fields = fundledger::event_fields(type);
    REQUIRE_FALSE(fields.empty());
    std::set<std::string> keys;
    for (const EventField& field : fields) {
      CHECK_FALSE(field.help.empty());
      CHECK(keys.insert(field.key).second);  // each key once
    }
  }
  CHECK(fundledger::event_fields("reciept").empty());
}

TEST_CASE("The listing of a receipt's fields, as the receipt command offers them") {
  std::string listed;
  for (const EventField& field : fundledger::event_fields("receipt")) {
    listed += field.key + (field.required ? "*" : "") + (field.kind == EventFieldKind::flag ? "!" : "") + " ";
  }
  CHECK(listed == "id* date* fund* currency* amount* donor pledge memo reference ");
  std::string refund;
  for (const EventField& field : fundledger::event_fields("refund")) {
    refund += field.key + (field.required ? "*" : "") + (field.kind == EventFieldKind::flag ? "!" : "") + " ";
  }
  CHECK(refund == "id* donor* fund* date* currency* amount* pledge paid! pays receipt memo allow_overdraft! ");
  const auto pledge = fundledger::event_fields("pledge");
  CHECK(pledge[7].key == "installments");
  CHECK(pledge[7].kind == EventFieldKind::list);
}

TEST_CASE("The listing names every field of the events of the sample journals, and they carry every required one") {
  const std::string journal = GENERATE(std::string(FUNDLEDGER_TEST_SOURCE_DIR "/../samples/cpcjf-2021-2024.jsonl"),
                                       std::string(FUNDLEDGER_TEST_SOURCE_DIR "/reports/ledger.jsonl"));
  INFO(journal);
  std::ifstream in(journal);
  std::map<std::string, int> seen;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const nlohmann::json event = nlohmann::json::parse(fundledger::canonical_json(fundledger::parse_event(line)));
    const std::string type = event.at("type").get<std::string>();
    INFO(line);
    std::set<std::string> listed;
    for (const EventField& field : fundledger::event_fields(type)) {
      listed.insert(field.key);
      if (field.required) CHECK(event.contains(field.key));
    }
    for (const auto& [key, value] : event.items()) {
      if (key != "type") CHECK(listed.count(key) == 1);
    }
    ++seen[type];
  }
  CHECK(seen.size() >= 18);
}
