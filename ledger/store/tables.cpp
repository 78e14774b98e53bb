// The ledger's tables, described once: schema.cpp writes them for SQLite, pg_schema.cpp for
// PostgreSQL, and verify compares them in this order (store.cpp, tables()).
//
// On-disk format, schema version 5 (in SQLite PRAGMA user_version = 5 and PRAGMA application_id =
// 0x464C4447; in PostgreSQL the fundledger_meta table):
//
//   events      the journal, one row per recorded event, append-only.
//               seq          1, 2, 3... with no gaps
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
//               A currency's `declared` is the seq of the currency event that declared it, else 0;
//               a pledge's `reversed` is 1 once a reversal event cancelled the pledge itself; an
//               instalment's `recognized` is the seq of the event that recognized it (the pledge
//               or a close), 0 if not yet.
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
//               balances (see engine/recorder.cpp). A reopened month's row is removed.
//
// Every amount is an integer. Triggers refuse UPDATE and DELETE on events and postings (and
// TRUNCATE in PostgreSQL): a correction is a new event.
//
// PostgreSQL keeps no foreign keys on the postings (the SQLite file does): each of their ids was
// resolved by the rules from a code in the same transaction, with the event appended just before
// them, and master rows are never deleted; verify names a posting whose event or master row is
// missing. PostgreSQL checks a foreign key with a trigger per row: the seven of a posting doubled
// the time of an import.
#include "store/tables.hpp"

namespace fundledger::store {

namespace {

ColumnDef column(std::string name, ColumnType type) {
  ColumnDef made;
  made.name = std::move(name);
  made.type = type;
  return made;
}
ColumnDef integer(std::string name) { return column(std::move(name), ColumnType::integer); }
ColumnDef exact(std::string name) { return column(std::move(name), ColumnType::exact); }
ColumnDef text(std::string name) { return column(std::move(name), ColumnType::text); }
ColumnDef hash(std::string name) { return column(std::move(name), ColumnType::hash); }
ColumnDef id_of(std::string name, std::string target) { return integer(std::move(name)).refers_to(std::move(target)); }

// The four sums of a balance row: debits and credits apart, in the currency and in USD.
std::vector<ColumnDef> with_sums(std::vector<ColumnDef> columns) {
  for (const char* name : {"debit_minor", "credit_minor", "functional_debit_minor", "functional_credit_minor"}) {
    columns.push_back(exact(name));
  }
  return columns;
}

std::vector<ColumnDef> integers(std::initializer_list<const char*> names) {
  std::vector<ColumnDef> columns;
  for (const char* name : names) columns.push_back(integer(name));
  return columns;
}

std::vector<TableDef> master_tables() {
  return {
      {"currencies", 1, {integer("id"), text("code").distinct(), exact("minor_units"), integer("declared").by_default("0")}, {"id"}},
      {"accounts", 1, {integer("id"), text("code").distinct(), text("name"), integer("class"), integer("seq")}, {"id"}},
      {"funds", 1,
       {integer("id"), text("code").distinct(), text("name"), integer("kind"), id_of("parent_id", "funds(id)").null(),
        integer("seq")},
       {"id"}},
      {"donors", 1,
       {integer("id"), text("code").distinct(), text("name"), text("category"), text("country"), integer("seq")},
       {"id"}},
      {"projects", 1,
       {integer("id"), text("code").distinct(), text("name"), id_of("fund_id", "funds(id)"), text("psc_rate").null(),
        integer("seq")},
       {"id"}},
      {"pledges", 1,
       {integer("id"), text("code").distinct(), integer("seq"), id_of("donor_id", "donors(id)"),
        id_of("fund_id", "funds(id)"), integer("purpose"), id_of("currency_id", "currencies(id)"), exact("amount_minor"),
        integer("signed"), integer("conditional"), id_of("project_id", "projects(id)").null(), text("psc_rate").null(),
        integer("reversed").by_default("0")},
       {"id"}},
      {"instalments", 1,
       {id_of("pledge_id", "pledges(id)"), integer("line"), integer("due"), exact("amount_minor"), integer("recognized")},
       {"pledge_id", "line"}, true},
      {"rates", 1, {id_of("currency_id", "currencies(id)"), integer("effective"), text("per_usd"), integer("seq")},
       {"currency_id", "effective"}, true},
      {"settings", 1, {text("key"), integer("effective"), text("value"), integer("seq")}, {"key", "effective"}, true},
  };
}

std::vector<TableDef> projection_tables() {
  return {
      {"holdings", 1,
       {id_of("seq", "events(seq)"), id_of("account_id", "accounts(id)"), id_of("fund_id", "funds(id)"),
        integer("donor_id"), id_of("currency_id", "currencies(id)"), exact("amount_minor"), exact("functional_minor"),
        integer("pledge_id").by_default("0"), text("partner").by_default("''"), integer("project_id").by_default("0")},
       {"seq"}},
      {"holding_moves", 1,
       {id_of("event_seq", "events(seq)"), id_of("holding_seq", "holdings(seq)"), exact("amount_minor"),
        exact("functional_minor"), exact("day")},
       {}},
      {"instalment_cuts", 4,
       {id_of("event_seq", "events(seq)"), id_of("pledge_id", "pledges(id)"), integer("line"), exact("amount_minor")},
       {}},
      {"reversals", 1, {id_of("reversed_seq", "events(seq)"), id_of("reversal_seq", "events(seq)")}, {"reversed_seq"}},
      {"periods", 1, {text("period"), id_of("close_seq", "events(seq)"), text("head_hash"), text("balances_hash")},
       {"period"}},
  };
}

std::vector<TableDef> sum_tables() {
  return {
      {"balances", 1,
       with_sums(integers({"account_id", "fund_id", "donor_id", "project_id", "pledge_id", "currency_id"})),
       {"account_id", "fund_id", "donor_id", "project_id", "pledge_id", "currency_id"}, true},
      {"monthly_balances", 1, with_sums(integers({"account_id", "fund_id", "currency_id", "month"})),
       {"account_id", "fund_id", "currency_id", "month"}, true},
      {"movements", 3,
       with_sums(integers({"account_id", "fund_id", "donor_id", "project_id", "pledge_id", "currency_id", "month", "kind"})),
       {"account_id", "month", "fund_id", "kind", "donor_id", "project_id", "pledge_id", "currency_id"}, true},
      {"monthly_kinds", 3, with_sums(integers({"account_id", "fund_id", "month", "kind"})),
       {"month", "account_id", "fund_id", "kind"}, true},
      {"movement_totals", 5,
       with_sums(integers({"account_id", "fund_id", "donor_id", "project_id", "pledge_id", "currency_id", "kind"})),
       {"account_id", "fund_id", "donor_id", "pledge_id", "currency_id", "project_id", "kind"}, true},
  };
}

std::vector<TableDef> all_tables() {
  std::vector<TableDef> all = {
      {"events", 1,
       {integer("seq"), text("event_id").null().distinct(), text("type"), integer("date").null(), text("body"),
        text("recorded_at"), hash("prev_hash"), hash("hash")},
       {"seq"}},
      {"postings", 1,
       {id_of("seq", "events(seq)"), integer("line"), integer("date"), id_of("account_id", "accounts(id)"),
        id_of("fund_id", "funds(id)"), id_of("donor_id", "donors(id)").null(), id_of("project_id", "projects(id)").null(),
        id_of("pledge_id", "pledges(id)").null(), id_of("currency_id", "currencies(id)"), exact("amount_minor"),
        exact("functional_minor"), integer("kind").by_default("0")},
       {"seq", "line"}, true, false},
  };
  for (auto part : {master_tables(), projection_tables(), sum_tables()}) {
    for (TableDef& table : part) all.push_back(std::move(table));
  }
  all.push_back({"budgets", 3,
                 {id_of("seq", "events(seq)"), id_of("fund_id", "funds(id)"), integer("project_id"), text("category"),
                  integer("year"), exact("amount_minor")},
                 {"seq"}});
  all.push_back({"amendments", 3,
                 {id_of("seq", "events(seq)"), text("kind"), integer("record_id"), integer("effective"),
                  text("name").null(), text("category").null(), text("country").null()},
                 {"seq"}});
  return all;
}

std::string column_sql(const ColumnDef& column, Dialect dialect, bool inline_key, bool with_references) {
  const bool sqlite = dialect == Dialect::sqlite;
  const bool is_text = column.type == ColumnType::text || column.type == ColumnType::hash;
  std::string sql = column.name + " " + (is_text ? (sqlite ? "TEXT" : "text COLLATE \"C\"") : (sqlite ? "INTEGER" : "bigint"));
  if (inline_key) sql += " PRIMARY KEY";
  if (!column.nullable && !inline_key) sql += " NOT NULL";
  if (column.unique) sql += " UNIQUE";
  if (!column.default_value.empty()) sql += " DEFAULT " + column.default_value;
  if (sqlite && column.type == ColumnType::exact) sql += " CHECK (typeof(" + column.name + ") = 'integer')";
  if (!sqlite && column.type == ColumnType::hash) sql += " CHECK (length(" + column.name + ") = 64)";
  if (with_references && !column.references.empty()) sql += " REFERENCES " + column.references;
  return sql;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string table_sql(const TableDef& table, Dialect dialect) {
  const bool inline_key = table.key.size() == 1;
  const bool with_references = dialect == Dialect::sqlite || table.postgresql_references;
  std::string sql = "CREATE TABLE " + table.name + " (";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const ColumnDef& column = table.columns[i];
    sql += (i ? ",\n  " : "\n  ") +
           column_sql(column, dialect, inline_key && column.name == table.key.front(), with_references);
  }
  if (table.key.size() > 1) sql += ",\n  PRIMARY KEY (" + joined(table.key) + ")";
  sql += "\n)";
  if (dialect == Dialect::sqlite && table.without_rowid) sql += " WITHOUT ROWID";
  return sql + ";\n";
}

}  // namespace

const std::vector<TableDef>& table_definitions() {
  static const std::vector<TableDef> all = all_tables();
  return all;
}

const std::vector<IndexDef>& index_definitions() {
  static const std::vector<IndexDef> all = {
      {"postings_by_date", "postings", "date", "", 1},
      // What a receipt or a reduction reads of the pledge it settles. It came within version 3,
      // which needs no other change for it: a ledger written before it gets it at its next writing.
      {"postings_by_pledge", "postings", "pledge_id, account_id", "pledge_id IS NOT NULL", 3},
      {"holding_moves_by_holding", "holding_moves", "holding_seq", "", 1},
      {"holding_moves_by_event", "holding_moves", "event_seq", "", 1},
      // The instalments a close recognized, which reopening it makes unrecognized again: in
      // PostgreSQL alone, which has had it from the first (an SQLite file never had it).
      {"instalments_by_recognition", "instalments", "recognized", "", 3, false},
      {"instalment_cuts_by_pledge", "instalment_cuts", "pledge_id", "", 4},
      {"instalment_cuts_by_event", "instalment_cuts", "event_seq", "", 4},
      {"holdings_by_pledge", "holdings", "pledge_id", "pledge_id != 0", 4},
  };
  return all;
}

std::string index_sql(const IndexDef& index) {
  return "CREATE INDEX " + index.name + " ON " + index.table + " (" + index.columns + ")" +
         (index.where.empty() ? "" : " WHERE " + index.where) + ";\n";
}

std::string schema_sql(Dialect dialect, int version) {
  std::string sql;
  for (const TableDef& table : table_definitions()) {
    if (version == 0 || table.since == version) sql += table_sql(table, dialect);
  }
  for (const IndexDef& index : index_definitions()) {
    if ((version == 0 || index.since == version) && (index.in_sqlite || dialect == Dialect::postgresql)) {
      sql += index_sql(index);
    }
  }
  return sql;
}

}  // namespace fundledger::store
