// The ledger's schema in PostgreSQL, the same tables and columns as in an SQLite file (see
// schema.cpp), so that one set of queries serves both:
//
//   - every number is a bigint: amounts in minor units, USD in cents, days since 1970-01-01; no
//     column is floating point, and an overflow fails rather than rounds;
//   - text compares and sorts by its bytes (COLLATE "C"), as in SQLite, whatever the database's
//     locale: listings come out in the same order from either store;
//   - triggers refuse UPDATE, DELETE and TRUNCATE of events and postings: a correction is a new
//     event, whatever role connects;
//   - postings carry no foreign keys (the SQLite file's do): each of their ids was resolved by the
//     rules from a code in the same transaction, with the event appended just before them, and
//     master rows are never deleted; verify names a posting whose event or master row is missing.
//     PostgreSQL checks a foreign key with a trigger per row: the seven of a posting doubled the
//     time of an import;
//   - fundledger_meta says what the database holds (application "fundledger", schema_version);
//   - fundledger_head has one row, which every writer locks (SELECT ... FOR UPDATE) before it reads
//     the head of the journal, so that appends are serialized and the hash chain stays linear.
#include "store/pg_schema.hpp"

#include "store/schema.hpp"

#include <fundledger/error.hpp>

#include <functional>
#include <string>

namespace fundledger::store {

namespace {

constexpr const char* pg_schema_current = R"sql(
CREATE TABLE fundledger_meta (
  key text COLLATE "C" PRIMARY KEY,
  value text COLLATE "C" NOT NULL
);
CREATE TABLE fundledger_head (
  id integer PRIMARY KEY CHECK (id = 1)
);
INSERT INTO fundledger_head (id) VALUES (1);

CREATE TABLE events (
  seq bigint PRIMARY KEY,
  event_id text COLLATE "C" UNIQUE,
  type text COLLATE "C" NOT NULL,
  date bigint,
  body text COLLATE "C" NOT NULL,
  recorded_at text COLLATE "C" NOT NULL,
  prev_hash text COLLATE "C" NOT NULL CHECK (length(prev_hash) = 64),
  hash text COLLATE "C" NOT NULL CHECK (length(hash) = 64)
);
CREATE TABLE currencies (
  id bigint PRIMARY KEY,
  code text COLLATE "C" NOT NULL UNIQUE,
  minor_units bigint NOT NULL,
  declared bigint NOT NULL DEFAULT 0
);
CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  code text COLLATE "C" NOT NULL UNIQUE,
  name text COLLATE "C" NOT NULL,
  class bigint NOT NULL,
  seq bigint NOT NULL
);
CREATE TABLE funds (
  id bigint PRIMARY KEY,
  code text COLLATE "C" NOT NULL UNIQUE,
  name text COLLATE "C" NOT NULL,
  kind bigint NOT NULL,
  parent_id bigint REFERENCES funds(id),
  seq bigint NOT NULL
);
CREATE TABLE donors (
  id bigint PRIMARY KEY,
  code text COLLATE "C" NOT NULL UNIQUE,
  name text COLLATE "C" NOT NULL,
  category text COLLATE "C" NOT NULL,
  country text COLLATE "C" NOT NULL,
  seq bigint NOT NULL
);
CREATE TABLE projects (
  id bigint PRIMARY KEY,
  code text COLLATE "C" NOT NULL UNIQUE,
  name text COLLATE "C" NOT NULL,
  fund_id bigint NOT NULL REFERENCES funds(id),
  psc_rate text COLLATE "C",
  seq bigint NOT NULL
);
CREATE TABLE pledges (
  id bigint PRIMARY KEY,
  code text COLLATE "C" NOT NULL UNIQUE,
  seq bigint NOT NULL,
  donor_id bigint NOT NULL REFERENCES donors(id),
  fund_id bigint NOT NULL REFERENCES funds(id),
  purpose bigint NOT NULL,
  currency_id bigint NOT NULL REFERENCES currencies(id),
  amount_minor bigint NOT NULL,
  signed bigint NOT NULL,
  conditional bigint NOT NULL,
  project_id bigint REFERENCES projects(id),
  psc_rate text COLLATE "C",
  reversed bigint NOT NULL DEFAULT 0
);
CREATE TABLE instalments (
  pledge_id bigint NOT NULL REFERENCES pledges(id),
  line bigint NOT NULL,
  due bigint NOT NULL,
  amount_minor bigint NOT NULL,
  recognized bigint NOT NULL,
  PRIMARY KEY (pledge_id, line)
);
CREATE INDEX instalments_by_recognition ON instalments (recognized);
CREATE TABLE holdings (
  seq bigint PRIMARY KEY REFERENCES events(seq),
  account_id bigint NOT NULL REFERENCES accounts(id),
  fund_id bigint NOT NULL REFERENCES funds(id),
  donor_id bigint NOT NULL,
  currency_id bigint NOT NULL REFERENCES currencies(id),
  amount_minor bigint NOT NULL,
  functional_minor bigint NOT NULL,
  pledge_id bigint NOT NULL DEFAULT 0,
  partner text COLLATE "C" NOT NULL DEFAULT '',
  project_id bigint NOT NULL DEFAULT 0
);
CREATE TABLE holding_moves (
  event_seq bigint NOT NULL REFERENCES events(seq),
  holding_seq bigint NOT NULL REFERENCES holdings(seq),
  amount_minor bigint NOT NULL,
  functional_minor bigint NOT NULL,
  day bigint NOT NULL
);
CREATE INDEX holding_moves_by_holding ON holding_moves (holding_seq);
CREATE INDEX holding_moves_by_event ON holding_moves (event_seq);
CREATE TABLE periods (
  period text COLLATE "C" PRIMARY KEY,
  close_seq bigint NOT NULL REFERENCES events(seq),
  head_hash text COLLATE "C" NOT NULL,
  balances_hash text COLLATE "C" NOT NULL
);
CREATE TABLE reversals (
  reversed_seq bigint PRIMARY KEY REFERENCES events(seq),
  reversal_seq bigint NOT NULL REFERENCES events(seq)
);
CREATE TABLE rates (
  currency_id bigint NOT NULL REFERENCES currencies(id),
  effective bigint NOT NULL,
  per_usd text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (currency_id, effective)
);
CREATE TABLE settings (
  key text COLLATE "C" NOT NULL,
  effective bigint NOT NULL,
  value text COLLATE "C" NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (key, effective)
);
CREATE TABLE postings (
  seq bigint NOT NULL,
  line bigint NOT NULL,
  date bigint NOT NULL,
  account_id bigint NOT NULL,
  fund_id bigint NOT NULL,
  donor_id bigint,
  project_id bigint,
  pledge_id bigint,
  currency_id bigint NOT NULL,
  amount_minor bigint NOT NULL,
  functional_minor bigint NOT NULL,
  kind bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (seq, line)
);
CREATE INDEX postings_by_date ON postings (date);
CREATE INDEX postings_by_pledge ON postings (pledge_id) WHERE pledge_id IS NOT NULL;
CREATE TABLE balances (
  account_id bigint NOT NULL,
  fund_id bigint NOT NULL,
  donor_id bigint NOT NULL,
  project_id bigint NOT NULL,
  pledge_id bigint NOT NULL,
  currency_id bigint NOT NULL,
  debit_minor bigint NOT NULL,
  credit_minor bigint NOT NULL,
  functional_debit_minor bigint NOT NULL,
  functional_credit_minor bigint NOT NULL,
  PRIMARY KEY (account_id, fund_id, donor_id, project_id, pledge_id, currency_id)
);
CREATE TABLE amendments (
  seq bigint PRIMARY KEY REFERENCES events(seq),
  kind text COLLATE "C" NOT NULL,
  record_id bigint NOT NULL,
  effective bigint NOT NULL,
  name text COLLATE "C",
  category text COLLATE "C",
  country text COLLATE "C"
);
CREATE TABLE budgets (
  seq bigint PRIMARY KEY REFERENCES events(seq),
  fund_id bigint NOT NULL REFERENCES funds(id),
  project_id bigint NOT NULL,
  category text COLLATE "C" NOT NULL,
  year bigint NOT NULL,
  amount_minor bigint NOT NULL
);
CREATE TABLE movements (
  account_id bigint NOT NULL,
  fund_id bigint NOT NULL,
  donor_id bigint NOT NULL,
  project_id bigint NOT NULL,
  pledge_id bigint NOT NULL,
  currency_id bigint NOT NULL,
  month bigint NOT NULL,
  kind bigint NOT NULL,
  debit_minor bigint NOT NULL,
  credit_minor bigint NOT NULL,
  functional_debit_minor bigint NOT NULL,
  functional_credit_minor bigint NOT NULL,
  PRIMARY KEY (account_id, month, fund_id, kind, donor_id, project_id, pledge_id, currency_id)
);
CREATE TABLE monthly_kinds (
  account_id bigint NOT NULL,
  fund_id bigint NOT NULL,
  month bigint NOT NULL,
  kind bigint NOT NULL,
  debit_minor bigint NOT NULL,
  credit_minor bigint NOT NULL,
  functional_debit_minor bigint NOT NULL,
  functional_credit_minor bigint NOT NULL,
  PRIMARY KEY (month, account_id, fund_id, kind)
);
CREATE TABLE monthly_balances (
  account_id bigint NOT NULL,
  fund_id bigint NOT NULL,
  currency_id bigint NOT NULL,
  month bigint NOT NULL,
  debit_minor bigint NOT NULL,
  credit_minor bigint NOT NULL,
  functional_debit_minor bigint NOT NULL,
  functional_credit_minor bigint NOT NULL,
  PRIMARY KEY (account_id, fund_id, currency_id, month)
);

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

// The tables and indexes version 4 added (see schema.cpp): in every new ledger, and by the
// migration from version 3.
constexpr const char* pg_version_4_tables = R"sql(
CREATE TABLE instalment_cuts (
  event_seq bigint NOT NULL REFERENCES events(seq),
  pledge_id bigint NOT NULL REFERENCES pledges(id),
  line bigint NOT NULL,
  amount_minor bigint NOT NULL
);
CREATE INDEX instalment_cuts_by_pledge ON instalment_cuts (pledge_id);
CREATE INDEX instalment_cuts_by_event ON instalment_cuts (event_seq);
CREATE INDEX holdings_by_pledge ON holdings (pledge_id) WHERE pledge_id != 0;
)sql";

// The table version 5 added (see schema.cpp): in every new ledger, and by the migration from
// version 4.
constexpr const char* pg_version_5_tables = R"sql(
CREATE TABLE movement_totals (
  account_id bigint NOT NULL,
  fund_id bigint NOT NULL,
  donor_id bigint NOT NULL,
  project_id bigint NOT NULL,
  pledge_id bigint NOT NULL,
  currency_id bigint NOT NULL,
  kind bigint NOT NULL,
  debit_minor bigint NOT NULL,
  credit_minor bigint NOT NULL,
  functional_debit_minor bigint NOT NULL,
  functional_credit_minor bigint NOT NULL,
  PRIMARY KEY (account_id, fund_id, donor_id, pledge_id, currency_id, project_id, kind)
);
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
    connection.execute(pg_version_4_tables);
  });
}

// Version 5 (see schema.cpp): movement_totals, from the movements; nothing of version 4 changed.
void migrate_pg_to_5(Connection& connection) {
  migrate_pg(connection, 4, [&connection] {
    connection.execute(pg_version_5_tables);
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
    connection.execute(pg_schema_current);
    connection.execute(pg_version_4_tables);
    connection.execute(pg_version_5_tables);
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
    connection.execute(
        "DROP TABLE movement_totals, instalment_cuts, amendments, monthly_kinds, movements, budgets, monthly_balances, balances, postings, settings, rates, reversals, periods, holding_moves, "
        "holdings, instalments, pledges, projects, donors, funds, accounts, currencies, events, fundledger_head, "
        "fundledger_meta");
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
