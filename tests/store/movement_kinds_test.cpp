// The movement kind written in SQL (store/sql_txn.hpp, movement_kind_sql) against the recorder's:
// every event type of the table, an expense of either category, types the table does not name,
// every posting kind, as recorded and as reversed, evaluated by SQLite.
#include "core/types.hpp"
#include "store/sql_txn.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using fundledger::detail::event_movement_kind;
using fundledger::detail::event_movement_kinds;
using fundledger::detail::movement_kind;
using fundledger::detail::MovementKind;

struct EventCase {
  std::string type;
  std::string body;
  bool grant = false;
};

std::vector<EventCase> event_cases() {
  std::vector<EventCase> cases;
  for (const auto& row : event_movement_kinds) cases.push_back({std::string(row.type), "{}", false});
  cases.push_back({"expense", R"({"amount":"10.00","category":"grant","fund":"CPCJF"})", true});
  cases.push_back({"expense", R"({"amount":"10.00","category":"programme","fund":"CPCJF"})", false});
  cases.push_back({"expense", R"({"amount":"10.00","fund":"CPCJF"})", false});
  for (const char* other : {"entry", "rate", "account", "budget"}) cases.push_back({other, "{}", false});
  return cases;
}

}  // namespace

TEST_CASE("The movement kind in SQL is the recorder's for every event type and posting kind", "[store][movements]") {
  SQLite::Database database(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  // p the posting, e its event, o the event e reverses (no row when e reverses nothing).
  const std::string sql = "SELECT " + fundledger::store::movement_kind_sql() +
                          " FROM (SELECT ? AS kind) p, (SELECT ? AS type, ? AS body) e"
                          " LEFT JOIN (SELECT ? AS type, ? AS body) o ON ?";
  SQLite::Statement query(database, sql);
  int checked = 0;
  for (const EventCase& event : event_cases()) {
    const MovementKind event_kind = event_movement_kind(event.type, event.grant);
    for (int posting_kind = 0; posting_kind <= 4; ++posting_kind) {
      const int expected = static_cast<int>(movement_kind(event_kind, posting_kind));
      for (const bool reversed : {false, true}) {
        query.bind(1, posting_kind);
        query.bind(2, reversed ? std::string("reversal") : event.type);
        query.bind(3, reversed ? std::string(R"({"reverses":"E-1"})") : event.body);
        query.bind(4, event.type);
        query.bind(5, event.body);
        query.bind(6, reversed ? 1 : 0);
        REQUIRE(query.executeStep());
        INFO(event.type << " " << event.body << ", posting kind " << posting_kind << (reversed ? ", reversed" : ""));
        CHECK(query.getColumn(0).getInt() == expected);
        query.reset();
        ++checked;
      }
    }
  }
  CHECK(checked == static_cast<int>(event_cases().size()) * 10);
  // The table's kinds are distinct from the default: a type it names never falls to other.
  for (const auto& row : event_movement_kinds) CHECK(row.kind != MovementKind::other);
  CHECK(event_movement_kind("expense", true) == MovementKind::expense_grant);
  CHECK(event_movement_kind("expense", false) == MovementKind::expense_programme);
  CHECK(movement_kind(MovementKind::receipt, 4) == MovementKind::apply);
  CHECK(movement_kind(MovementKind::revaluation, 3) == MovementKind::recognition);
  CHECK(movement_kind(MovementKind::revaluation, 2) == MovementKind::year_end);
  CHECK(movement_kind(MovementKind::receipt, 1) == MovementKind::receipt);
}
