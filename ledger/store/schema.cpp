// The ledger's SQLite schema and its migrations.
//
// On-disk format, schema version 5 (PRAGMA user_version = 5, PRAGMA application_id = 0x464C4447):
//
//   events      the journal, one row per recorded event, append-only.
//               seq          1, 2, 3... with no gaps (the INTEGER PRIMARY KEY)
//               event_id     the idempotency key ("id" of the event), NULL for master data
//               type         "entry", "account", "rate"... as in the JSON Lines format
//               date         day number (days since 1970-01-01) of dated events, else NULL
//               body         canonical JSON of the event's fields, without the postings it produced
//               recorded_at  UTC timestamp "YYYY-MM-DDTHH:MM:SSZ"
//               prev_hash    hex SHA-256 of the previous event (64 zeros for seq 1)
//               hash         hex SHA-256 of prev_hash followed by the canonical export line
//   postings    what each event posted, append-only: (seq, line) with line 0, 1, 2... in the order
//               of the export. Dimensions are ids into the master tables (NULL when absent);
//               amount_minor is the amount in the currency's minor units, functional_minor the USD
//               amount in cents, both signed (debit positive). kind says what the posting is: 0
//               ordinary, 1 the rounding residual the ledger added, 2 the year-end closing.
//               Indexed by date, and by pledge (postings_by_pledge, which a version-3 ledger
//               written before it existed gets at its next writing).
//   balances    the sum of all postings per (account, fund, donor, project, pledge, currency), 0
//               standing for an absent dimension; debits and credits kept apart, in the currency's
//               minor units and in USD cents. Maintained in the transaction that stores postings.
//   monthly_balances
//               the postings summed by (account, fund, currency, month), month = year * 12 + month
//               - 1 of the posting's date: what the reports read, so that a year's trial balance
//               reads a few hundred rows rather than the whole journal. Maintained with balances.
//   movements   the postings summed by their full key, month and kind (core/types.hpp,
//               MovementKind: the kind of event a posting counts as, a reversal as what it
//               reverses): what the contributions, budget and donor reports read. Maintained
//               with balances.
//   monthly_kinds
//               the same by (account, fund, month, kind) alone: what the statements read.
//   movement_totals
//               the movements of every month summed: by full key and kind. A report as of a day
//               reads these less the months after it, for the keys with something outstanding,
//               rather than every month of every key. Maintained with balances.
//   budgets     approved budgets in USD cents per fund (project 0 for none), category ('' for
//               none) and year, keyed by the seq of their budget event.
//   amendments  the dated changes of donors', funds' and projects' names (and donors' category and
//               country), keyed by the seq of their amend event; NULL for a field left as it was.
//   currencies, accounts, funds, donors, projects, pledges (with instalments), rates, settings
//               master data, a projection of the master data and pledge events (rebuilt by replay).
//   holdings    money an event holds for later: an advance (2100), an unidentified receipt (2150),
//               a refund payable (2300), an advance to an implementing partner (1400, with its
//               partner and project), keyed by the seq of the event that holds it, with the keys
//               of its posting (donor and pledge, 0 when absent) and the amount and USD it held at
//               first (positive). holding_moves records what later events took from it (negative)
//               or gave back (a reversal), and the year-end revaluation of its USD by a December
//               close; what remains is the sum, and the USD its carrying USD. A move's day is the
//               day it takes effect: its event's date, except where a close recorded after the
//               events of the next year restates what they relieved, on their own days.
//               Indexed by pledge: the money paid ahead of a pledge's instalments is held for it.
//   instalment_cuts
//               what a reduction took off a pledge's instalments not yet recognized (which are then
//               never recognized), by the seq of the reduction; a reversal of the reduction appends
//               the negation under its own seq. An instalment's cut is the sum of its rows.
//   reversals   which event reversed which: an event is reversed at most once.
//   periods     the closed months, each with the seq of the close, its seal: the hash of the close
//               event (the head of the journal when it closed) and the SHA-256 of the closing
//               balances (see periods/close.cpp). A reopened month's row is removed.
//
// Every amount is an INTEGER; CHECK constraints refuse anything else, so an overflow that SQLite
// would turn into a REAL fails loudly instead. Triggers refuse UPDATE and DELETE on events and
// postings: a correction is a new event.
//
// Version 1 had no holdings.pledge_id; the migration adds it, taken from the holding's posting.
// Version 2 had no budgets, amendments, movements, monthly_kinds, holdings.partner or
// holdings.project_id (see migrate_to_3). Version 3 had no holding_moves.day, instalment_cuts or
// holdings_by_pledge (see migrate_to_4): what a ledger of version 3 holds reads the same in 4.
// Version 4 had no movement_totals (see migrate_to_5).
#include "store/schema.hpp"

#include "store/sql_txn.hpp"

#include <fundledger/error.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <string>

namespace fundledger::store {

namespace {

constexpr const char* schema_current = R"sql(
CREATE TABLE currencies (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  minor_units INTEGER NOT NULL CHECK (typeof(minor_units) = 'integer'),
  declared INTEGER NOT NULL DEFAULT 0  -- seq of the currency event that declared it, else 0
);
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  class INTEGER NOT NULL,
  seq INTEGER NOT NULL
);
CREATE TABLE funds (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  parent_id INTEGER REFERENCES funds(id),
  seq INTEGER NOT NULL
);
CREATE TABLE donors (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  category TEXT NOT NULL,
  country TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  fund_id INTEGER NOT NULL REFERENCES funds(id),
  psc_rate TEXT,
  seq INTEGER NOT NULL
);
CREATE TABLE pledges (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  seq INTEGER NOT NULL,
  donor_id INTEGER NOT NULL REFERENCES donors(id),
  fund_id INTEGER NOT NULL REFERENCES funds(id),
  purpose INTEGER NOT NULL,
  currency_id INTEGER NOT NULL REFERENCES currencies(id),
  amount_minor INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer'),
  signed INTEGER NOT NULL,
  conditional INTEGER NOT NULL,
  project_id INTEGER REFERENCES projects(id),
  psc_rate TEXT,
  reversed INTEGER NOT NULL DEFAULT 0  -- 1 once a reversal event cancelled the pledge itself
);
CREATE TABLE instalments (
  pledge_id INTEGER NOT NULL REFERENCES pledges(id),
  line INTEGER NOT NULL,
  due INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer'),
  recognized INTEGER NOT NULL,  -- seq of the event that recognized it (the pledge or a close), 0 if not yet
  PRIMARY KEY (pledge_id, line)
) WITHOUT ROWID;
CREATE TABLE holdings (
  seq INTEGER PRIMARY KEY REFERENCES events(seq),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  fund_id INTEGER NOT NULL REFERENCES funds(id),
  donor_id INTEGER NOT NULL,
  currency_id INTEGER NOT NULL REFERENCES currencies(id),
  amount_minor INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer'),
  functional_minor INTEGER NOT NULL CHECK (typeof(functional_minor) = 'integer'),
  pledge_id INTEGER NOT NULL DEFAULT 0,
  partner TEXT NOT NULL DEFAULT '',
  project_id INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE holding_moves (
  event_seq INTEGER NOT NULL REFERENCES events(seq),
  holding_seq INTEGER NOT NULL REFERENCES holdings(seq),
  amount_minor INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer'),
  functional_minor INTEGER NOT NULL CHECK (typeof(functional_minor) = 'integer'),
  day INTEGER NOT NULL CHECK (typeof(day) = 'integer')
);
CREATE INDEX holding_moves_by_holding ON holding_moves (holding_seq);
CREATE INDEX holding_moves_by_event ON holding_moves (event_seq);
CREATE TABLE periods (
  period TEXT PRIMARY KEY,
  close_seq INTEGER NOT NULL REFERENCES events(seq),
  head_hash TEXT NOT NULL,
  balances_hash TEXT NOT NULL
);
CREATE TABLE reversals (
  reversed_seq INTEGER PRIMARY KEY REFERENCES events(seq),
  reversal_seq INTEGER NOT NULL REFERENCES events(seq)
);
CREATE TABLE rates (
  currency_id INTEGER NOT NULL REFERENCES currencies(id),
  effective INTEGER NOT NULL,
  per_usd TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (currency_id, effective)
) WITHOUT ROWID;
CREATE TABLE settings (
  key TEXT NOT NULL,
  effective INTEGER NOT NULL,
  value TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (key, effective)
) WITHOUT ROWID;

CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  event_id TEXT UNIQUE,
  type TEXT NOT NULL,
  date INTEGER,
  body TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE postings (
  seq INTEGER NOT NULL REFERENCES events(seq),
  line INTEGER NOT NULL,
  date INTEGER NOT NULL,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  fund_id INTEGER NOT NULL REFERENCES funds(id),
  donor_id INTEGER REFERENCES donors(id),
  project_id INTEGER REFERENCES projects(id),
  pledge_id INTEGER REFERENCES pledges(id),
  currency_id INTEGER NOT NULL REFERENCES currencies(id),
  amount_minor INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer'),
  functional_minor INTEGER NOT NULL CHECK (typeof(functional_minor) = 'integer'),
  kind INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (seq, line)
) WITHOUT ROWID;
CREATE INDEX postings_by_date ON postings (date);

CREATE TABLE balances (
  account_id INTEGER NOT NULL,
  fund_id INTEGER NOT NULL,
  donor_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  pledge_id INTEGER NOT NULL,
  currency_id INTEGER NOT NULL,
  debit_minor INTEGER NOT NULL CHECK (typeof(debit_minor) = 'integer'),
  credit_minor INTEGER NOT NULL CHECK (typeof(credit_minor) = 'integer'),
  functional_debit_minor INTEGER NOT NULL CHECK (typeof(functional_debit_minor) = 'integer'),
  functional_credit_minor INTEGER NOT NULL CHECK (typeof(functional_credit_minor) = 'integer'),
  PRIMARY KEY (account_id, fund_id, donor_id, project_id, pledge_id, currency_id)
) WITHOUT ROWID;

)sql";

// The postings of a pledge: what a receipt or a reduction reads of the pledge it settles.
constexpr const char* pledge_index =
    "CREATE INDEX IF NOT EXISTS postings_by_pledge ON postings (pledge_id, account_id) WHERE pledge_id IS NOT NULL";

// The tables version 3 added: in every new ledger after schema_current, and by migrate_to_3.
constexpr const char* version_3_tables = R"sql(
CREATE TABLE amendments (
  seq INTEGER PRIMARY KEY REFERENCES events(seq),
  kind TEXT NOT NULL,
  record_id INTEGER NOT NULL,
  effective INTEGER NOT NULL,
  name TEXT,
  category TEXT,
  country TEXT
);
CREATE TABLE budgets (
  seq INTEGER PRIMARY KEY REFERENCES events(seq),
  fund_id INTEGER NOT NULL REFERENCES funds(id),
  project_id INTEGER NOT NULL,
  category TEXT NOT NULL,
  year INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer')
);
CREATE TABLE movements (
  account_id INTEGER NOT NULL,
  fund_id INTEGER NOT NULL,
  donor_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  pledge_id INTEGER NOT NULL,
  currency_id INTEGER NOT NULL,
  month INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  debit_minor INTEGER NOT NULL CHECK (typeof(debit_minor) = 'integer'),
  credit_minor INTEGER NOT NULL CHECK (typeof(credit_minor) = 'integer'),
  functional_debit_minor INTEGER NOT NULL CHECK (typeof(functional_debit_minor) = 'integer'),
  functional_credit_minor INTEGER NOT NULL CHECK (typeof(functional_credit_minor) = 'integer'),
  PRIMARY KEY (account_id, month, fund_id, kind, donor_id, project_id, pledge_id, currency_id)
) WITHOUT ROWID;
CREATE TABLE monthly_kinds (
  account_id INTEGER NOT NULL,
  fund_id INTEGER NOT NULL,
  month INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  debit_minor INTEGER NOT NULL CHECK (typeof(debit_minor) = 'integer'),
  credit_minor INTEGER NOT NULL CHECK (typeof(credit_minor) = 'integer'),
  functional_debit_minor INTEGER NOT NULL CHECK (typeof(functional_debit_minor) = 'integer'),
  functional_credit_minor INTEGER NOT NULL CHECK (typeof(functional_credit_minor) = 'integer'),
  PRIMARY KEY (month, account_id, fund_id, kind)
) WITHOUT ROWID;
)sql";

// The tables and indexes version 4 added: in every new ledger, and by migrate_to_4.
constexpr const char* version_4_tables = R"sql(
CREATE TABLE instalment_cuts (
  event_seq INTEGER NOT NULL REFERENCES events(seq),
  pledge_id INTEGER NOT NULL REFERENCES pledges(id),
  line INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer')
);
CREATE INDEX instalment_cuts_by_pledge ON instalment_cuts (pledge_id);
CREATE INDEX instalment_cuts_by_event ON instalment_cuts (event_seq);
CREATE INDEX holdings_by_pledge ON holdings (pledge_id) WHERE pledge_id != 0;
)sql";

// The table version 5 added: in every new ledger, and by migrate_to_5.
constexpr const char* version_5_tables = R"sql(
CREATE TABLE movement_totals (
  account_id INTEGER NOT NULL,
  fund_id INTEGER NOT NULL,
  donor_id INTEGER NOT NULL,
  project_id INTEGER NOT NULL,
  pledge_id INTEGER NOT NULL,
  currency_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  debit_minor INTEGER NOT NULL CHECK (typeof(debit_minor) = 'integer'),
  credit_minor INTEGER NOT NULL CHECK (typeof(credit_minor) = 'integer'),
  functional_debit_minor INTEGER NOT NULL CHECK (typeof(functional_debit_minor) = 'integer'),
  functional_credit_minor INTEGER NOT NULL CHECK (typeof(functional_credit_minor) = 'integer'),
  PRIMARY KEY (account_id, fund_id, donor_id, pledge_id, currency_id, project_id, kind)
) WITHOUT ROWID;
)sql";

// The rest of the current schema: the monthly balances and the triggers that keep the journal
// append-only.
constexpr const char* schema_triggers = R"sql(

CREATE TABLE monthly_balances (
  account_id INTEGER NOT NULL,
  fund_id INTEGER NOT NULL,
  currency_id INTEGER NOT NULL,
  month INTEGER NOT NULL,
  debit_minor INTEGER NOT NULL CHECK (typeof(debit_minor) = 'integer'),
  credit_minor INTEGER NOT NULL CHECK (typeof(credit_minor) = 'integer'),
  functional_debit_minor INTEGER NOT NULL CHECK (typeof(functional_debit_minor) = 'integer'),
  functional_credit_minor INTEGER NOT NULL CHECK (typeof(functional_credit_minor) = 'integer'),
  PRIMARY KEY (account_id, fund_id, currency_id, month)
) WITHOUT ROWID;

CREATE TRIGGER events_are_immutable BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'journal events are immutable: record a reversal instead'); END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'journal events are immutable: record a reversal instead'); END;
CREATE TRIGGER postings_are_immutable BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are immutable: record a reversal instead'); END;
CREATE TRIGGER postings_are_never_deleted BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are immutable: record a reversal instead'); END;
)sql";

// Version 3: advances to implementing partners keep their partner and project; budgets; the
// movements the reports read, filled from the postings as the recorder would have (the month of
// each posting's day, the kind of its event: movement_kind_sql).
void migrate_to_3(SQLite::Database& database) {
  SQLite::Transaction transaction(database);
  database.exec("ALTER TABLE holdings ADD COLUMN partner TEXT NOT NULL DEFAULT ''");
  database.exec("ALTER TABLE holdings ADD COLUMN project_id INTEGER NOT NULL DEFAULT 0");
  database.exec(version_3_tables);
  const std::string month =
      "(CAST(strftime('%Y', p.date * 86400, 'unixepoch') AS INTEGER) * 12 + "
      "CAST(strftime('%m', p.date * 86400, 'unixepoch') AS INTEGER) - 1)";
  database.exec(
      "INSERT INTO movements SELECT p.account_id, p.fund_id, COALESCE(p.donor_id, 0), COALESCE(p.project_id, 0), "
      "COALESCE(p.pledge_id, 0), p.currency_id, " + month + ", " + movement_kind_sql() + ", "
      "SUM(CASE WHEN p.amount_minor > 0 THEN p.amount_minor ELSE 0 END), "
      "SUM(CASE WHEN p.amount_minor < 0 THEN -p.amount_minor ELSE 0 END), "
      "SUM(CASE WHEN p.functional_minor > 0 THEN p.functional_minor ELSE 0 END), "
      "SUM(CASE WHEN p.functional_minor < 0 THEN -p.functional_minor ELSE 0 END) " +
      std::string(events_with_reversed) + "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8");
  database.exec(
      "INSERT INTO monthly_kinds SELECT account_id, fund_id, month, kind, SUM(debit_minor), SUM(credit_minor), "
      "SUM(functional_debit_minor), SUM(functional_credit_minor) FROM movements GROUP BY 1, 2, 3, 4");
  database.exec("PRAGMA user_version = 3");
  transaction.commit();
}

// Version 4: a holding's moves may take effect on a day of their own; reductions cut instalments
// not yet recognized; holdings by pledge. Nothing of version 3 changes.
void migrate_to_4(SQLite::Database& database) {
  SQLite::Transaction transaction(database);
  database.exec("ALTER TABLE holding_moves ADD COLUMN day INTEGER NOT NULL DEFAULT 0");
  database.exec("UPDATE holding_moves SET day = (SELECT date FROM events WHERE seq = holding_moves.event_seq)");
  database.exec(version_4_tables);
  database.exec("PRAGMA user_version = 4");
  transaction.commit();
}

// Version 5: the movements summed over their months, from the movements table.
void migrate_to_5(SQLite::Database& database) {
  SQLite::Transaction transaction(database);
  database.exec(version_5_tables);
  database.exec(movement_totals_fill);
  database.exec("PRAGMA user_version = 5");
  transaction.commit();
}

}  // namespace

void create_schema(SQLite::Database& database) {
  database.exec(schema_current);
  database.exec(pledge_index);
  database.exec(version_3_tables);
  database.exec(version_4_tables);
  database.exec(version_5_tables);
  database.exec(schema_triggers);
  database.exec("PRAGMA application_id = " + std::to_string(application_id));
  database.exec("PRAGMA user_version = " + std::to_string(schema_version));
}

void check_and_migrate(SQLite::Database& database, bool writable) {
  const auto id = database.execAndGet("PRAGMA application_id").getInt();
  const auto version = database.execAndGet("PRAGMA user_version").getInt();
  if (id != application_id) {
    throw Error(ErrorCode::storage,
                "it is not a fundledger ledger (wrong application id)");
  }
  if (version > schema_version) {
    throw Error(ErrorCode::storage, "it has schema version " +
                                        std::to_string(version) + ", newer than this fundledger (" +
                                        std::to_string(schema_version) + "): upgrade fundledger");
  }
  if (version < 1) {
    throw Error(ErrorCode::storage, "it has no fundledger schema");
  }
  if (version < schema_version && !writable) {
    throw Error(ErrorCode::storage, "it has schema version " + std::to_string(version) +
                                        ": upgrade it (fundledger upgrade, or any command that writes) to bring it up to version " +
                                        std::to_string(schema_version));
  }
  // Migrations from older versions, each in its own transaction, in order.
  if (version < 2) {
    // Version 2: a holding keeps the pledge its posting named (a refund payable for a pledge).
    SQLite::Transaction transaction(database);
    database.exec("ALTER TABLE holdings ADD COLUMN pledge_id INTEGER NOT NULL DEFAULT 0");
    database.exec(
        "UPDATE holdings SET pledge_id = IFNULL((SELECT p.pledge_id FROM postings p WHERE p.seq = holdings.seq "
        "AND p.account_id = holdings.account_id AND p.amount_minor < 0 ORDER BY p.line LIMIT 1), 0)");
    database.exec("PRAGMA user_version = 2");
    transaction.commit();
  }
  if (version < 3) migrate_to_3(database);
  if (version < 4) migrate_to_4(database);
  if (version < 5) migrate_to_5(database);
  // The index of the postings by pledge (what a receipt reads of its pledge) came within version 3,
  // which needs no other change for it: a ledger written before it gets it at its next writing.
  if (writable &&
      database.execAndGet("SELECT count(*) FROM sqlite_master WHERE name = 'postings_by_pledge'").getInt() == 0) {
    database.exec(pledge_index);
  }
}

void configure_connection(SQLite::Database& database, bool writable, int busy_timeout_ms) {
  database.setBusyTimeout(busy_timeout_ms);
  if (writable) database.exec("PRAGMA journal_mode = WAL");
  // A 64 MiB page cache: an import touches the journal's newest pages and the indexes over and
  // over, and re-reading them from the file would dominate its time.
  database.exec("PRAGMA cache_size = -65536");
  database.exec("PRAGMA synchronous = FULL");
  database.exec("PRAGMA foreign_keys = ON");
}

}  // namespace fundledger::store
