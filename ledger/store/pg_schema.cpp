// The ledger's schema in PostgreSQL: the tables of tables.cpp, as in an SQLite file, so that one set
// of queries serves both:
//
//   - every number is a bigint: amounts in minor units, USD in cents, days since 1970-01-01; no
//     column is floating point, and an overflow fails rather than rounds;
//   - text compares and sorts by its bytes (COLLATE "C"), as in SQLite, whatever the database's
//     locale: listings come out in the same order from either store;
//   - triggers refuse UPDATE, DELETE and TRUNCATE of events and postings: a correction is a new
//     event, whatever role connects;
//   - postings carry no foreign keys (the SQLite file's do; tables.cpp says why);
//   - fundledger_meta says what the database holds (application "fundledger", schema_version);
//   - fundledger_head has one row, which every writer locks (SELECT ... FOR UPDATE) before it reads
//     the head of the journal, so that appends are serialized and the hash chain stays linear.
#include "store/pg_schema.hpp"

#include "store/schema.hpp"
#include "store/tables.hpp"

#include <fundledger/error.hpp>

#include <functional>
#include <string>

namespace fundledger::store {

namespace {

// What the database says of itself, and the row writers lock.
constexpr const char* pg_meta_tables = R"sql(
CREATE TABLE fundledger_meta (
  key text COLLATE "C" PRIMARY KEY,
  value text COLLATE "C" NOT NULL
);
CREATE TABLE fundledger_head (
  id integer PRIMARY KEY CHECK (id = 1)
);
INSERT INTO fundledger_head (id) VALUES (1);
)sql";

// The triggers that keep the journal append-only.
constexpr const char* pg_triggers = R"sql(
CREATE FUNCTION fundledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  RAISE EXCEPTION 'the % of the journal are immutable: record a reversal instead', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END
$body$;
CREATE TRIGGER events_are_immutable BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_change();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION fundledger_refuse_change();
CREATE TRIGGER postings_are_immutable BEFORE UPDATE OR DELETE ON postings
  FOR EACH ROW EXECUTE FUNCTION fundledger_refuse_change();
CREATE TRIGGER postings_are_never_truncated BEFORE TRUNCATE ON postings
  FOR EACH STATEMENT EXECUTE FUNCTION fundledger_refuse_change();
)sql";

std::int64_t count_of(Connection& connection, const std::string& sql) {
  auto statement = connection.prepare_once(sql);
  return statement->step() ? statement->integer(0) : 0;
}

bool holds_meta_table(Connection& connection) {
  return count_of(connection,
                  "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
                  "AND table_name = 'fundledger_meta'") > 0;
}

// Brings a ledger of version from up to from + 1 by steps, under one writer: the head row is locked
// first, and the version read again (another writer may have migrated it meanwhile).
void migrate_pg(Connection& connection, int from, const std::function<void()>& steps) {
  connection.execute("BEGIN");
  try {
    connection.execute("SELECT id FROM fundledger_head FOR UPDATE");
    if (count_of(connection, "SELECT count(*) FROM fundledger_meta WHERE key = 'schema_version' AND value = '" +
                                 std::to_string(from) + "'") == 1) {
      steps();
      connection.execute("UPDATE fundledger_meta SET value = '" + std::to_string(from + 1) +
                         "' WHERE key = 'schema_version'");
    }
    connection.execute("COMMIT");
  } catch (...) {
    connection.rollback();
    throw;
  }
}

// Version 4 (see schema.cpp): holding_moves.day, instalment_cuts and holdings_by_pledge, nothing of
// version 3 changed.
void migrate_pg_to_4(Connection& connection) {
  migrate_pg(connection, 3, [&connection] {
    connection.execute("ALTER TABLE holding_moves ADD COLUMN day bigint NOT NULL DEFAULT 0");
    connection.execute("UPDATE holding_moves m SET day = e.date FROM events e WHERE e.seq = m.event_seq");
    connection.execute("ALTER TABLE holding_moves ALTER COLUMN day DROP DEFAULT");
    connection.execute(schema_sql(Dialect::postgresql, 4));
  });
}

// Version 5 (see schema.cpp): movement_totals, from the movements; nothing of version 4 changed.
void migrate_pg_to_5(Connection& connection) {
  migrate_pg(connection, 4, [&connection] {
    connection.execute(schema_sql(Dialect::postgresql, 5));
    connection.execute(movement_totals_fill);
  });
}

}  // namespace

void create_pg_schema(Connection& connection) {
  connection.execute("BEGIN");
  try {
    const std::int64_t tables = count_of(
        connection, "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()");
    if (tables > 0 && holds_meta_table(connection)) {
      check_pg_schema(connection, false);
      const std::int64_t events = count_of(connection, "SELECT count(*) FROM events");
      if (events > 0) {
        throw Error(ErrorCode::output_uncreatable,
                    "the database already holds a ledger of " + std::to_string(events) + " events");
      }
      connection.execute("COMMIT");  // a ledger with no event: an interrupted init or replay, taken as it is
      return;
    }
    if (tables > 0) {
      throw Error(ErrorCode::output_uncreatable,
                  "the database already holds " + std::to_string(tables) +
                      " other table(s): create the ledger in an empty database (or schema)");
    }
    connection.execute(pg_meta_tables);
    connection.execute(schema_sql(Dialect::postgresql));
    connection.execute(pg_triggers);
    connection.execute("INSERT INTO fundledger_meta (key, value) VALUES ('application', 'fundledger'), "
                       "('schema_version', '" + std::to_string(schema_version) + "')");
    connection.execute("COMMIT");
  } catch (...) {
    connection.rollback();
    throw;
  }
}

void drop_empty_pg_ledger(Connection& connection) {
  connection.execute("BEGIN");
  try {
    if (!holds_meta_table(connection) || count_of(connection, "SELECT count(*) FROM events") > 0) {
      connection.rollback();
      return;
    }
    std::string tables;
    for (const TableDef& table : table_definitions()) tables += table.name + ", ";
    connection.execute("DROP TABLE " + tables + "fundledger_head, fundledger_meta");
    connection.execute("DROP FUNCTION fundledger_refuse_change()");
    connection.execute("COMMIT");
  } catch (...) {
    connection.rollback();
    throw;
  }
}

void check_pg_schema(Connection& connection, bool migrate) {
  if (!holds_meta_table(connection)) {
    throw Error(ErrorCode::input_unreadable, "the database holds no ledger (create one with fundledger init)");
  }
  std::string application;
  std::int64_t version = 0;
  auto statement = connection.prepare_once("SELECT key, value FROM fundledger_meta");
  while (statement->step()) {
    if (statement->text(0) == "application") application = statement->text(1);
    if (statement->text(0) == "schema_version") version = std::stoll(statement->text(1));
  }
  if (application != "fundledger") throw Error(ErrorCode::storage, "it is not a fundledger ledger");
  if (version > schema_version) {
    throw Error(ErrorCode::storage, "it has schema version " + std::to_string(version) +
                                        ", newer than this fundledger (" + std::to_string(schema_version) +
                                        "): upgrade fundledger");
  }
  if ((version == 3 || version == 4) && migrate && connection.writable()) {
    if (version == 3) migrate_pg_to_4(connection);
    migrate_pg_to_5(connection);
  } else if (version < schema_version) {
    throw Error(ErrorCode::storage, "it has schema version " + std::to_string(version) +
                                        (version >= 3 ? ": open it once to write (any command that writes brings it "
                                                        "up to version " + std::to_string(schema_version) + ")"
                                                      : ", which this fundledger cannot read"));
  }
}

}  // namespace fundledger::store
