#!/usr/bin/env python3
"""The ledger's controls hold through the command line: verify misses nothing, heads are checked,
read-only use writes nothing, and refusals write nothing.

A small ledger (the standard chart and settings, a fund, two donors, a project, a EUR rate, a pledge
with two instalments, a receipt against it, an advance partly applied to it, an unidentified
receipt and its reversal, the close of 2024-01, and a later advance) has at least one row in every
table of the SQLite store. Then:

  * verify misses nothing: for each table of the store, a copy of the ledger with ONE row of that
    table changed (after dropping the immutability triggers where needed) fails `verify` with exit
    1 and a message naming the table and the row's key; so does a copy with a holding_moves row
    deleted, and one with an extra balances row; the untouched copy verifies with exit 0;
  * --expect-head: `verify` and `replay` accept the true head, and refuse an earlier event's hash
    ("goes on after the expected head") and a made-up one ("cut short, or rewritten"); a replay of
    an export cut short leaves no new ledger behind;
  * read-only use creates nothing: on a read-only file in a read-only directory (as the user
    nobody when run as root), `verify`, `report` and `balances` succeed and leave no -wal or -shm;
    in a writable directory they leave none either;
  * refusals through the command line exit 65 with a message naming the rule and write nothing
    (the export is byte for byte the same): a generic entry to a control account, a rate or a
    setting dated in a closed month, a date too far in the future, a close without the month's
    rate (then accepted with --allow-stale-rates), and an amount the balances cannot hold.

Usage: python3 controls.py --fundledger PATH
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks, INIT_EVENTS  # noqa: E402 - shared by the CLI tests

TRIGGERS = ["events_are_immutable", "events_are_never_deleted", "postings_are_immutable",
            "postings_are_never_deleted"]
# Every table of the store (ledger/store/schema.cpp, compared_tables in ledger/audit/journal.cpp).
STORE_TABLES = ["events", "postings", "currencies", "accounts", "funds", "donors", "projects", "pledges",
                "instalments", "rates", "settings", "holdings", "holding_moves", "reversals", "periods",
                "balances", "monthly_balances", "movements", "monthly_kinds", "movement_totals", "budgets", "amendments",
                "instalment_cuts"]
ZEROS = "0" * 64
HEAD_LINE = re.compile(r"verify: ok, (\d+) events, head ([0-9a-f]{64})\n?\Z")


def run(fundledger, args, cwd, prefix=None, timeout=60):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    env.pop("FUNDLEDGER_BUSY_TIMEOUT_MS", None)
    env["NO_COLOR"] = "1"
    command = (prefix or []) + [fundledger] + args
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)


def text(data):
    return data.decode("utf-8", errors="replace")


def shown(result):
    return f"exit {result.returncode}, stdout {text(result.stdout)[:400]!r}, stderr {text(result.stderr)[:600]!r}"


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def side_files(path):
    return [path + suffix for suffix in ("-wal", "-shm", "-journal") if os.path.exists(path + suffix)]


# ---- the ledger under test -----------------------------------------------------------------------

def journal_events():
    """Master data, a pledge, receipts, an advance applied, a reversal, a close: a row in every table."""
    return [
        {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
        {"type": "donor", "code": "DEU", "name": "Germany", "category": "government", "country": "DE"},
        {"type": "donor", "code": "FRA", "name": "France", "category": "government", "country": "FR"},
        {"type": "project", "code": "GLOZ82", "name": "Trafficking in persons", "fund": "CPCJF"},
        {"type": "rate", "currency": "EUR", "effective": "2024-01-01", "per_usd": "0.9123"},
        {"type": "pledge", "id": "DEU-2024-01", "donor": "DEU", "fund": "CPCJF", "purpose": "general",
         "currency": "EUR", "amount": "300000.00", "signed": "2024-01-05",
         "installments": [{"due": "2024-01-05", "amount": "100000.00"},
                          {"due": "2025-01-05", "amount": "200000.00"}]},
        {"type": "receipt", "id": "BNK-1", "date": "2024-01-10", "fund": "CPCJF", "currency": "EUR",
         "amount": "100000.00", "pledge": "DEU-2024-01"},
        # An advance: a donor and no pledge (a holdings row), then partly applied (a holding_moves row).
        {"type": "receipt", "id": "BNK-2", "date": "2024-01-12", "fund": "CPCJF", "currency": "EUR",
         "amount": "50000.00", "donor": "DEU"},
        {"type": "apply", "id": "APP-1", "date": "2024-01-20", "receipt": "BNK-2", "pledge": "DEU-2024-01",
         "amount": "20000.00"},
        # An unidentified receipt and its reversal (a reversals row).
        {"type": "receipt", "id": "BNK-3", "date": "2024-01-22", "fund": "CPCJF", "currency": "USD",
         "amount": "1000.00"},
        {"type": "reversal", "id": "REV-1", "reverses": "BNK-3", "date": "2024-01-23", "memo": "Duplicate"},
        # EUR has a rate effective within January: the close needs no stale rates (a periods row).
        {"type": "period_close", "period": "2024-01"},
        {"type": "receipt", "id": "BNK-4", "date": "2024-02-03", "fund": "CPCJF", "currency": "USD",
         "amount": "2500.00", "donor": "FRA"},
        # An approved budget (a budgets row).
        {"type": "budget", "id": "BUD-2024", "fund": "CPCJF", "year": "2024", "amount": "250000.00"},
        # A dated change of a donor's name (an amendments row).
        {"type": "amend", "id": "AMD-DEU", "kind": "donor", "code": "DEU", "effective": "2024-02-01",
         "name": "Federal Republic of Germany"},
        # A reduction of an instalment not yet recognized (an instalment_cuts row).
        {"type": "setting", "key": "recognition", "value": "per-instalment", "effective": "2024-02-01"},
        {"type": "pledge", "id": "FRA-2024-01", "donor": "FRA", "fund": "CPCJF", "purpose": "general",
         "currency": "USD", "amount": "5000.00", "signed": "2024-02-05",
         "installments": [{"due": "2024-02-05", "amount": "2500.00"}, {"due": "2025-02-05", "amount": "2500.00"}]},
        {"type": "reduction", "id": "RED-FRA", "pledge": "FRA-2024-01", "date": "2024-02-10", "amount": "1000.00"},
    ]


def write_journal(path, events):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for event in events:
            out.write(canonical(event) + "\n")


def checkpoint(path):
    """Folds any -wal into the file; the last connection closing removes -wal and -shm."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        connection.close()


def copy_ledger(source, target):
    checkpoint(source)
    shutil.copyfile(source, target)
    if os.path.exists(source + "-wal") and os.path.getsize(source + "-wal") > 0:
        shutil.copyfile(source + "-wal", target + "-wal")


def build_ledger(checks, fundledger, work, name):
    write_journal(os.path.join(work, "journal.jsonl"), journal_events())
    result = run(fundledger, ["--db", name, "init"], work)
    checks.check("init of the ledger under test exits 0", result.returncode == 0, shown(result))
    result = run(fundledger, ["--db", name, "import", "journal.jsonl"], work)
    count = len(journal_events())
    checks.check(f"import of the {count} events exits 0, 'imported {count} events: {count} recorded'",
                 result.returncode == 0 and f"imported {count} events: {count} recorded" in text(result.stderr + result.stdout),
                 shown(result))


def lookups(path):
    """Seqs by event id and ids by code, read from the store (the keys the messages name)."""
    connection = sqlite3.connect(path)
    try:
        seq = dict(connection.execute("SELECT event_id, seq FROM events WHERE event_id IS NOT NULL").fetchall())
        seq["close"] = connection.execute("SELECT seq FROM events WHERE type = 'period_close'").fetchone()[0]
        ids = {}
        for table in ("currencies", "accounts", "funds", "donors", "projects", "pledges"):
            ids[table] = dict(connection.execute(f"SELECT code, id FROM {table}").fetchall())
        counts = {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in STORE_TABLES}
        tables = sorted(r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        seal = connection.execute("SELECT balances_hash FROM periods WHERE period = '2024-01'").fetchone()
    finally:
        connection.close()
    return seq, ids, counts, tables, seal[0] if seal else None


# ---- 1. verify misses nothing --------------------------------------------------------------------

def tampered(source, target, statements):
    copy_ledger(source, target)
    connection = sqlite3.connect(target)
    try:
        for trigger in TRIGGERS:
            connection.execute(f"DROP TRIGGER {trigger}")
        for statement, parameters in statements:
            cursor = connection.execute(statement, parameters)
            if cursor.rowcount != 1:
                raise RuntimeError(f"{statement} {parameters} changed {cursor.rowcount} rows, not 1")
        connection.commit()
    finally:
        connection.close()


def verify_cases(checks, fundledger, work, ledger, head, events_count):
    path = os.path.join(work, ledger)
    seq, ids, counts, tables, seal = lookups(path)
    empty = [table for table in STORE_TABLES if counts[table] == 0]
    checks.check("the ledger under test has at least one row in every one of the 22 tables of the store",
                 not empty, f"empty tables: {empty}; counts {counts}")
    checks.check("the store has exactly the 22 tables this test tampers with (a new table needs a case here)",
                 tables == sorted(STORE_TABLES), f"tables in the store: {tables}")

    account = ids["accounts"]
    currency = ids["currencies"]
    donor = ids["donors"]
    s_bnk2, s_app1, s_bnk3, s_rev1, s_bnk4 = seq["BNK-2"], seq["APP-1"], seq["BNK-3"], seq["REV-1"], seq["BNK-4"]
    balance_where = ("account_id = ? AND fund_id = ? AND donor_id = ? AND project_id = 0 AND pledge_id = 0 "
                     "AND currency_id = ?")
    # (label, statements, expected exit, the fragments stderr must hold)
    cases = [
        ("events: the hash column of the last event (BNK-4)",
         [("UPDATE events SET hash = ? WHERE seq = ?", ("a" * 64, s_bnk4))],
         [f"verify: FAILED at seq {s_bnk4}: the hash does not match the event's content"]),
        ("events: the event_id column of the advance BNK-2 (BNK-2 -> BNK-9), outside the hashed text",
         [("UPDATE events SET event_id = 'BNK-9' WHERE seq = ?", (s_bnk2,))],
         [f"verify: FAILED at seq {s_bnk2}: the event of seq {s_bnk2} differs from what the journal gives: "
          "event_id stored BNK-9, the journal gives BNK-2"]),
        ("postings: two postings of BNK-4 changed by 1.00 USD, still balanced in USD and currency",
         [("UPDATE postings SET amount_minor = amount_minor + 100, functional_minor = functional_minor + 100 "
           "WHERE seq = ? AND line = 0", (s_bnk4,)),
          ("UPDATE postings SET amount_minor = amount_minor - 100, functional_minor = functional_minor - 100 "
           "WHERE seq = ? AND line = 1", (s_bnk4,))],
         [f"verify: FAILED at seq {s_bnk4}: the hash does not match the event's content"]),
        ("postings: the USD amount of one posting of BNK-2 changed by one cent",
         [("UPDATE postings SET functional_minor = functional_minor + 1 WHERE seq = ? AND line = 0", (s_bnk2,))],
         [f"verify: FAILED at seq {s_bnk2}: the USD amounts of a fund do not sum to zero"]),
        ("currencies: the declared column of USD (0 -> 5)",
         [("UPDATE currencies SET declared = 5 WHERE code = 'USD'", ())],
         ["the currencies row of USD differs from what the journal gives: "
          "declared stored 5, the journal gives 0"]),
        ("accounts: the name of account 1100",
         [("UPDATE accounts SET name = 'Cash' WHERE code = '1100'", ())],
         ["the accounts row of 1100 differs from what the journal gives: name stored Cash, "
          "the journal gives Cash and cash equivalents"]),
        ("funds: the name of fund CPCJF",
         [("UPDATE funds SET name = 'Other fund' WHERE code = 'CPCJF'", ())],
         ["the funds row of CPCJF differs from what the journal gives: name stored "
          "Other fund, the journal gives Crime Prevention and Criminal Justice Fund"]),
        ("donors: the name of donor DEU",
         [("UPDATE donors SET name = 'Allemagne' WHERE code = 'DEU'", ())],
         ["the donors row of DEU differs from what the journal gives: name stored Allemagne, "
          "the journal gives Germany"]),
        ("projects: the name of project GLOZ82",
         [("UPDATE projects SET name = 'Smuggling' WHERE code = 'GLOZ82'", ())],
         ["the projects row of GLOZ82 differs from what the journal gives: name stored "
          "Smuggling, the journal gives Trafficking in persons"]),
        ("pledges: the amount of pledge DEU-2024-01 (one minor unit more)",
         [("UPDATE pledges SET amount_minor = amount_minor + 1 WHERE code = 'DEU-2024-01'", ())],
         ["the pledges row of DEU-2024-01 differs from what the journal gives: "
          "amount_minor stored 30000001, the journal gives 30000000"]),
        ("instalments: the amount of the second instalment of DEU-2024-01",
         [("UPDATE instalments SET amount_minor = amount_minor + 1 WHERE pledge_id = ? AND line = 1",
           (ids["pledges"]["DEU-2024-01"],))],
         ["the instalments row of pledge DEU-2024-01, line 1 differs from what the journal gives: "
          "amount_minor stored 20000001, the journal gives 20000000"]),
        ("rates: per_usd of the EUR rate (0.9123 -> 0.5)",
         [("UPDATE rates SET per_usd = '0.5' WHERE currency_id = ?", (currency["EUR"],))],
         ["the rates row of currency EUR, effective 2024-01-01 differs from what the journal gives: "
          "per_usd stored 0.5, the journal gives 0.9123"]),
        ("settings: the value of psc_rate (0.13 -> 0.08)",
         [("UPDATE settings SET value = '0.08' WHERE key = 'psc_rate'", ())],
         ["the settings row of key psc_rate, effective from the beginning differs from what the journal gives: value stored 0.08, "
          "the journal gives 0.13"]),
        ("holdings: the amount held by the advance BNK-2 (one cent more)",
         [("UPDATE holdings SET amount_minor = amount_minor + 1 WHERE seq = ?", (s_bnk2,))],
         [f"verify: FAILED at seq {s_bnk2}: the holdings row of seq {s_bnk2} differs from what the journal gives: "
          "amount_minor stored 5000001, the journal gives 5000000"]),
        ("holding_moves: the amount APP-1 took from BNK-2 (one cent more)",
         [("UPDATE holding_moves SET amount_minor = amount_minor - 1 WHERE event_seq = ? AND holding_seq = ?",
           (s_app1, s_bnk2))],
         [f"the holding_moves row of event_seq {s_app1}, holding_seq {s_bnk2}, amount_minor -2000001",
          "is stored, but the journal gives no such row"]),
        ("reversals: the reversal_seq of BNK-3's reversal pointed at BNK-4",
         [("UPDATE reversals SET reversal_seq = ? WHERE reversed_seq = ?", (s_bnk4, s_bnk3))],
         [f"the reversals row of reversed_seq {s_bnk3} differs from what the journal gives: "
          f"reversal_seq stored {s_bnk4}, the journal gives {s_rev1}"]),
        ("periods: the balances_hash of the seal of 2024-01 (64 zeros)",
         [("UPDATE periods SET balances_hash = ? WHERE period = '2024-01'", (ZEROS,))],
         [f"verify: FAILED at seq {seq['close']}: the seal of 2024-01 differs from what the journal gives: "
          f"balances_hash stored {ZEROS}, the journal gives {seal}"]),
        ("balances: the credit of account 1100, fund CPCJF, donor DEU, EUR (one cent more)",
         [("UPDATE balances SET credit_minor = credit_minor + 1 WHERE " + balance_where,
           (account["1100"], ids["funds"]["CPCJF"], donor["DEU"], currency["EUR"]))],
         ["the balances row of account 1100, fund CPCJF, donor DEU, currency EUR differs from what the journal "
          "gives: credit_minor stored 1, the journal gives 0"]),
        ("monthly_balances: the debit of account 1100, fund CPCJF, EUR, 2024-01 (one cent more)",
         [("UPDATE monthly_balances SET debit_minor = debit_minor + 1 WHERE account_id = ? AND fund_id = ? "
           "AND currency_id = ? AND month = ?", (account["1100"], ids["funds"]["CPCJF"], currency["EUR"], 2024 * 12))],
         ["the monthly_balances row of account 1100, fund CPCJF, currency EUR, month 2024-01 differs from what "
          "the journal gives: debit_minor stored 15000001, the journal gives 15000000"]),
        ("movements: the debit of account 1100, fund CPCJF, EUR, 2024-01, the receipts of DEU (one cent more)",
         [("UPDATE movements SET debit_minor = debit_minor + 1 WHERE account_id = ? AND fund_id = ? "
           "AND currency_id = ? AND month = ? AND kind = 4 AND donor_id = ? AND pledge_id = 0",
           (account["1100"], ids["funds"]["CPCJF"], currency["EUR"], 2024 * 12, donor["DEU"]))],
         ["the movements row of account 1100, month 2024-01, fund CPCJF, kind receipt, donor DEU, currency EUR "
          "differs from what the journal gives: debit_minor stored 15000001, the journal gives 15000000"]),
        ("monthly_kinds: the credit of account 4100, fund CPCJF, 2024-01, the pledges (one cent more)",
         [("UPDATE monthly_kinds SET credit_minor = credit_minor + 1 WHERE account_id = ? AND fund_id = ? "
           "AND month = ? AND kind = 1", (account["4100"], ids["funds"]["CPCJF"], 2024 * 12))],
         ["the monthly_kinds row of month 2024-01, account 4100, fund CPCJF, kind pledge differs from what the "
          "journal gives: credit_minor stored 30000001, the journal gives 30000000"]),
        ("movement_totals: the debit of account 1100, fund CPCJF, EUR, the receipts of DEU (one cent more)",
         [("UPDATE movement_totals SET debit_minor = debit_minor + 1 WHERE account_id = ? AND fund_id = ? "
           "AND currency_id = ? AND kind = 4 AND donor_id = ? AND pledge_id = 0",
           (account["1100"], ids["funds"]["CPCJF"], currency["EUR"], donor["DEU"]))],
         ["the movement_totals row of account 1100, fund CPCJF, donor DEU, currency EUR, kind receipt differs from "
          "what the journal gives: debit_minor stored 15000001, the journal gives 15000000"]),
        ("budgets: the amount of BUD-2024 (one cent more)",
         [("UPDATE budgets SET amount_minor = amount_minor + 1 WHERE seq = ?", (seq["BUD-2024"],))],
         [f"verify: FAILED at seq {seq['BUD-2024']}: the budgets row of seq {seq['BUD-2024']} differs from what "
          "the journal gives: amount_minor stored 25000001, the journal gives 25000000"]),
        ("amendments: the name AMD-DEU gives Germany from 2024-02-01",
         [("UPDATE amendments SET name = 'Germany (changed)' WHERE seq = ?", (seq["AMD-DEU"],))],
         [f"verify: FAILED at seq {seq['AMD-DEU']}: the amendments row of seq {seq['AMD-DEU']} differs from what "
          "the journal gives: name stored Germany (changed), the journal gives Federal Republic of Germany"]),
        ("instalment_cuts: what RED-FRA cut off FRA-2024-01's second instalment (one cent more)",
         [("UPDATE instalment_cuts SET amount_minor = amount_minor + 1 WHERE event_seq = ?", (seq["RED-FRA"],))],
         [f"verify: FAILED at seq {seq['RED-FRA']}: the instalment_cuts row of event_seq {seq['RED-FRA']}, "
          "pledge FRA-2024-01, line 1, amount_minor 100000 is missing, though the journal gives it"]),
        ("a holding_moves row DELETED (APP-1's move of BNK-2)",
         [("DELETE FROM holding_moves WHERE event_seq = ? AND holding_seq = ?", (s_app1, s_bnk2))],
         [f"the holding_moves row of event_seq {s_app1}, holding_seq {s_bnk2}, amount_minor -2000000",
          "is missing, though the journal gives it"]),
        ("a balances row INSERTED (account 4100, fund CPCJF, donor FRA, USD, all zero)",
         [("INSERT INTO balances VALUES (?, ?, ?, 0, 0, ?, 0, 0, 0, 0)",
           (account["4100"], ids["funds"]["CPCJF"], donor["FRA"], currency["USD"]))],
         ["the balances row of account 4100, fund CPCJF, donor FRA, currency USD is stored, but the journal "
          "gives no such row"]),
        ("a periods row DELETED (the seal of 2024-01)",
         [("DELETE FROM periods WHERE period = '2024-01'", ())],
         ["the seal of 2024-01 is missing, though the journal gives it"]),
    ]
    covered = set()
    for number, (label, statements, fragments) in enumerate(cases, start=1):
        copy = f"tampered-{number:02d}.db"
        try:
            tampered(path, os.path.join(work, copy), statements)
        except (sqlite3.DatabaseError, RuntimeError) as error:
            checks.check(f"verify catches {label}: the tampering applies", False, str(error))
            continue
        for statement, _ in statements:
            match = re.match(r"(?:UPDATE|DELETE FROM|INSERT INTO) (\w+)", statement)
            covered.add(match.group(1))
        result = run(fundledger, ["--db", copy, "verify"], work)
        err = text(result.stderr)
        missing = [fragment for fragment in fragments if fragment not in err]
        checks.check(f"verify catches {label}: exit 1, nothing on stdout, stderr says "
                     + " ... ".join(repr(f) for f in fragments),
                     result.returncode == 1 and not missing and result.stdout == b""
                     and err.startswith("verify: FAILED"),
                     shown(result) + (f"\nmissing {missing}" if missing else ""))
    checks.check("every table of the store is tampered with by some case above",
                 covered == set(STORE_TABLES), f"not covered: {sorted(set(STORE_TABLES) - covered)}")

    copy = os.path.join(work, "untouched.db")
    copy_ledger(path, copy)
    result = run(fundledger, ["--db", "untouched.db", "verify"], work)
    out = text(result.stdout)
    match = HEAD_LINE.match(out)
    checks.check(f"the untouched copy verifies: exit 0, stdout exactly 'verify: ok, {events_count} events, head "
                 f"{head[:12]}...' (64 hex)",
                 result.returncode == 0 and match is not None and int(match.group(1)) == events_count
                 and match.group(2) == head, shown(result))


def month_cases(checks, fundledger, work):
    """Verify compares a month's movements when it closes, unless the journal reopens it later: then
    at the end. A ledger with January closed, and February closed, reopened and closed again."""
    events = [
        {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
        {"type": "donor", "code": "FRA", "name": "France", "category": "government", "country": "FR"},
        {"type": "receipt", "id": "M-1", "date": "2024-01-10", "fund": "CPCJF", "currency": "USD",
         "amount": "700.00", "donor": "FRA"},
        {"type": "period_close", "period": "2024-01"},
        {"type": "receipt", "id": "M-2", "date": "2024-02-10", "fund": "CPCJF", "currency": "USD",
         "amount": "800.00", "donor": "FRA"},
        {"type": "period_close", "period": "2024-02"},
        {"type": "period_reopen", "period": "2024-02", "reason": "A receipt of February came late"},
        {"type": "receipt", "id": "M-3", "date": "2024-02-27", "fund": "CPCJF", "currency": "USD",
         "amount": "100.00", "donor": "FRA"},
        {"type": "period_close", "period": "2024-02"},
    ]
    write_journal(os.path.join(work, "months.jsonl"), events)
    path = os.path.join(work, "months.db")
    created = run(fundledger, ["--db", "months.db", "init"], work)
    result = run(fundledger, ["--db", "months.db", "import", "months.jsonl"], work)
    checks.check("months: the ledger of two closed months, one reopened, is built",
                 created.returncode == 0 and result.returncode == 0, shown(created) + shown(result))
    connection = sqlite3.connect(path)
    try:
        january_close = connection.execute("SELECT MIN(seq) FROM events WHERE type = 'period_close'").fetchone()[0]
        cash = connection.execute("SELECT id FROM accounts WHERE code = '1100'").fetchone()[0]
    finally:
        connection.close()
    movement = ("UPDATE movements SET debit_minor = debit_minor + 1 WHERE account_id = ? AND month = ? AND kind = 4",)
    cases = [
        ("the movements of January, closed once", [(movement[0], (cash, 2024 * 12))],
         [f"verify: FAILED at seq {january_close}: the movements row of account 1100, month 2024-01, fund CPCJF, "
          "kind receipt, donor FRA, currency USD differs from what the journal gives: debit_minor stored 70001, "
          "the journal gives 70000"]),
        ("the movements of February, closed, reopened and closed again", [(movement[0], (cash, 2024 * 12 + 1))],
         ["verify: FAILED", "the movements row of account 1100, month 2024-02, fund CPCJF, kind receipt, donor FRA, "
          "currency USD differs from what the journal gives: debit_minor stored 90001, the journal gives 90000"]),
        ("the seal of January deleted, February's kept", [("DELETE FROM periods WHERE period = '2024-01'", ())],
         [f"verify: FAILED at seq {january_close}: the seal of 2024-01 is missing, though the journal gives it"]),
    ]
    for number, (label, statements, fragments) in enumerate(cases, start=1):
        copy = f"months-{number}.db"
        tampered(path, os.path.join(work, copy), statements)
        result = run(fundledger, ["--db", copy, "verify"], work)
        err = text(result.stderr)
        missing = [fragment for fragment in fragments if fragment not in err]
        checks.check(f"months: verify catches {label}: exit 1, stderr says " + " ... ".join(repr(f) for f in fragments),
                     result.returncode == 1 and not missing, shown(result) + (f"\nmissing {missing}" if missing else ""))


# ---- 2. --expect-head ----------------------------------------------------------------------------

def head_cases(checks, fundledger, work, ledger, export_lines, head):
    earlier_k = INIT_EVENTS + 1  # the fund CPCJF
    earlier = json.loads(export_lines[earlier_k - 1])["hash"]
    total = len(export_lines)

    result = run(fundledger, ["--db", ledger, "verify", "--expect-head", head], work)
    checks.check("verify --expect-head with the true head: exit 0, 'verify: ok, N events, head HEAD'",
                 result.returncode == 0 and text(result.stdout) == f"verify: ok, {total} events, head {head}\n",
                 shown(result))
    result = run(fundledger, ["--db", ledger, "verify", "--expect-head", earlier], work)
    err = text(result.stderr)
    checks.check(f"verify --expect-head with the hash of seq {earlier_k}: exit 1, stderr 'goes on after the "
                 f"expected head {earlier[:12]}... (seq {earlier_k}): {total - earlier_k} more event(s)'",
                 result.returncode == 1
                 and f"goes on after the expected head {earlier} (seq {earlier_k}): {total - earlier_k} more event(s), "
                     f"to head {head}" in err,
                 shown(result))
    result = run(fundledger, ["--db", ledger, "verify", "--expect-head", ZEROS], work)
    err = text(result.stderr)
    checks.check("verify --expect-head with 64 zeros: exit 1, stderr names the true head and 'cut short, or rewritten'",
                 result.returncode == 1 and "cut short, or rewritten" in err
                 and f"the journal's head is {head} ({total} events), not the expected {ZEROS}" in err, shown(result))
    result = run(fundledger, ["--db", ledger, "verify", "--expect-head", "abc"], work)
    checks.check("verify --expect-head abc (not a hash): exit 64, stderr says a head hash has 64 hexadecimal digits",
                 result.returncode == 64 and "64 lowercase hexadecimal digits" in text(result.stderr), shown(result))

    def write(name, lines):
        with open(os.path.join(work, name), "w", encoding="utf-8", newline="\n") as out:
            out.write("".join(line + "\n" for line in lines))

    def leftovers(new):
        return [f for f in (new, new + ".replaying", new + "-wal", new + "-shm")
                if os.path.exists(os.path.join(work, f))]

    write("cut.jsonl", export_lines[:-5])
    result = run(fundledger, ["replay", "cut.jsonl", "--db", "new.db", "--expect-head", head], work)
    err = text(result.stderr)
    left = leftovers("new.db")
    checks.check("replay of the export cut by its last five lines, --expect-head the true head: exit 1, stderr "
                 "starts 'replay: DIFFERS' and says 'cut short, or rewritten', no new.db (nor .replaying, -wal, -shm)",
                 result.returncode == 1 and err.startswith("replay: DIFFERS") and "cut short, or rewritten" in err
                 and not left, shown(result) + f"\nleft behind: {left}")

    write("full.jsonl", export_lines)
    result = run(fundledger, ["replay", "full.jsonl", "--db", "full.db", "--expect-head", head], work)
    checks.check("replay of the full export with --expect-head the true head: exit 0, "
                 f"'replay: ok, {total} events, head {head[:12]}...'",
                 result.returncode == 0 and text(result.stdout).startswith(f"replay: ok, {total} events, head {head}"),
                 shown(result))
    result = run(fundledger, ["replay", "full.jsonl", "--db", "early.db", "--expect-head", earlier], work)
    err = text(result.stderr)
    left = leftovers("early.db")
    checks.check(f"replay of the full export with --expect-head the hash of seq {earlier_k}: exit 1, "
                 "'replay: DIFFERS', 'goes on after the expected head', no new ledger left",
                 result.returncode == 1 and err.startswith("replay: DIFFERS")
                 and "goes on after the expected head" in err and not left,
                 shown(result) + f"\nleft behind: {left}")

    # One replay at a time builds a given path: the lock another replay holds beside it refuses a
    # second, which leaves the first one's files alone; once released, the path is free again.
    import fcntl
    lock_path = os.path.join(work, "busy.db.replaying.lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run(fundledger, ["replay", "full.jsonl", "--db", "busy.db"], work)
        checks.check("replay to a path another replay is building: exit 73, 'cannot create the ledger busy.db: "
                     "another replay is building it', no busy.db, the lock file left to its holder",
                     result.returncode == 73 and "cannot create the ledger busy.db: another replay is building it"
                     in text(result.stderr) and not leftovers("busy.db") and os.path.exists(lock_path), shown(result))
    result = run(fundledger, ["replay", "full.jsonl", "--db", "busy.db", "--expect-head", head], work)
    checks.check("once that lock is released, the replay builds busy.db and removes the lock file",
                 result.returncode == 0 and os.path.exists(os.path.join(work, "busy.db"))
                 and not os.path.exists(lock_path), shown(result))


# ---- 3. read-only use creates nothing ------------------------------------------------------------

READ_COMMANDS = [
    ("verify", ["verify"]),
    ("report trial-balance --period 2024", ["report", "trial-balance", "--period", "2024"]),
    ("balances", ["balances"]),
]


def readonly_cases(checks, fundledger, work, ledger, events_count):
    source = os.path.join(work, ledger)

    # In a writable directory, as the current user.
    writable = os.path.join(work, "writable")
    os.mkdir(writable)
    target = os.path.join(writable, "ledger.db")
    copy_ledger(source, target)
    checks.check("the copy in a writable directory has no -wal or -shm to begin with",
                 not side_files(target), f"{side_files(target)}")
    before = digest(target)
    for label, args in READ_COMMANDS:
        result = run(fundledger, ["--db", target] + args, writable)
        checks.check(f"in a writable directory, '{label}' exits 0", result.returncode == 0, shown(result))
    checks.check("in a writable directory, the read-only commands leave only the ledger file (no -wal, no -shm)",
                 sorted(os.listdir(writable)) == ["ledger.db"], f"{sorted(os.listdir(writable))}")
    checks.check("in a writable directory, the ledger file is byte for byte as before the read-only commands",
                 digest(target) == before)

    # On read-only media: a 0444 file in a 0555 directory.
    prefix = None
    binary = fundledger
    public = None
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        try:
            import pwd
            pwd.getpwnam("nobody")
            has_nobody = True
        except KeyError:
            has_nobody = False
        if runuser is None or not has_nobody:
            print("SKIP read-only media: running as root, and "
                  + ("runuser is not installed" if runuser is None else "the user nobody does not exist")
                  + ", so the permissions would not apply")
            return
        public = tempfile.mkdtemp(prefix="fundledger-controls-ro-")
        os.chmod(public, 0o755)
        binary = os.path.join(public, "fundledger")
        shutil.copyfile(fundledger, binary)
        os.chmod(binary, 0o755)
        prefix = [runuser, "-u", "nobody", "--"]
    else:
        public = tempfile.mkdtemp(prefix="fundledger-controls-ro-")
    media = os.path.join(public, "media")
    try:
        os.mkdir(media)
        os.chmod(media, 0o755)
        target = os.path.join(media, "ledger.db")
        copy_ledger(source, target)
        before = digest(target)
        os.chmod(target, 0o444)
        os.chmod(media, 0o555)
        who = "as the user nobody" if prefix else "as the current user"
        for label, args in READ_COMMANDS:
            result = run(binary, ["--db", target] + args, public, prefix=prefix)
            ok = result.returncode == 0
            if label == "verify":
                match = HEAD_LINE.match(text(result.stdout))
                ok = ok and match is not None and int(match.group(1)) == events_count
            elif label.startswith("report"):
                ok = ok and text(result.stdout).startswith("Trial balance")
            else:
                ok = ok and "1100" in text(result.stdout)
            checks.check(f"on a 0444 ledger in a 0555 directory, {who}, '{label}' exits 0 with its output", ok,
                         shown(result))
        checks.check(f"on read-only media, {who}, the directory holds only the ledger file afterwards "
                     "(no -wal, no -shm)", sorted(os.listdir(media)) == ["ledger.db"], f"{sorted(os.listdir(media))}")
        checks.check("on read-only media, the ledger file is byte for byte as before", digest(target) == before)
    finally:
        if os.path.isdir(media):
            os.chmod(media, 0o755)
        shutil.rmtree(public, ignore_errors=True)


# ---- 4. refusals write nothing -------------------------------------------------------------------

def refusal_cases(checks, fundledger, work, ledger):
    db = "refusals.db"
    copy_ledger(os.path.join(work, ledger), os.path.join(work, db))

    def export():
        result = run(fundledger, ["--db", db, "export"], work)
        return result.returncode, result.stdout

    def refused(label, args, fragments, status=65):
        before = export()
        result = run(fundledger, ["--db", db] + args, work)
        after = export()
        err = text(result.stderr)
        missing = [fragment for fragment in fragments if fragment not in err]
        checks.check(f"{label}: exit {status}, stderr says " + ", ".join(repr(f) for f in fragments)
                     + ", the export byte for byte the same",
                     result.returncode == status and not missing and before[0] == 0 and before == after,
                     shown(result) + (f"\nmissing {missing}" if missing else "")
                     + ("" if before == after else "\nthe export changed"))

    refused("a generic entry debiting the control account 2100",
            ["post", "P-1", "--date", "2024-02-10",
             "--posting", "2100:CPCJF:EUR:10000.00:donor=DEU", "--posting", "1100:CPCJF:EUR:-10000.00:donor=DEU"],
            ["account 2100", "control account", "an apply", 'field "postings[0].account"'])
    refused("a rate dated in the closed month 2024-01",
            ["rate", "set", "EUR", "0.5", "--effective", "2024-01-15"],
            ["--effective: the EUR rate takes effect on 2024-01-15", "in period 2024-01, which is closed"])
    refused("a psc_rate setting effective 2022-01-01, before the closed 2024-01",
            ["setting", "set", "psc_rate", "0.20", "--effective", "2022-01-01"],
            ["--effective: setting psc_rate takes effect on 2022-01-01", "in period 2022-01, which is closed"])
    refused("a receipt dated 2099-04-03",
            ["receipt", "R-FUTURE", "--date", "2099-04-03", "--fund", "CPCJF", "--currency", "USD",
             "--amount", "10.00"],
            ['--date: 2099-04-03 is more than 400 days after', "max_future_days"])
    refused("closing 2024-02 with EUR balances and no EUR rate effective within February",
            ["period", "close", "2024-02"],
            ["fundledger: error: 2024-02 cannot be closed", "no rate effective within the month for EUR",
             "--allow-stale-rates"])

    result = run(fundledger, ["--db", db, "period", "close", "2024-02", "--allow-stale-rates"], work)
    checks.check("closing 2024-02 with --allow-stale-rates exits 0", result.returncode == 0, shown(result))
    result = run(fundledger, ["--db", db, "period", "list"], work)
    checks.check("period list then shows 2024-02 closed",
                 result.returncode == 0 and re.search(r"^2024-02\s+closed\b", text(result.stdout), re.M) is not None,
                 shown(result))

    big = "90000000000000000.00"
    result = run(fundledger, ["--db", db, "receipt", "R-BIG-1", "--date", "2024-03-04", "--fund", "CPCJF",
                              "--currency", "USD", "--amount", big], work)
    checks.check(f"a first receipt of {big} USD is recorded: exit 0", result.returncode == 0, shown(result))
    refused(f"a second receipt of {big} USD, which the balances cannot hold",
            ["receipt", "R-BIG-2", "--date", "2024-03-04", "--fund", "CPCJF", "--currency", "USD", "--amount", big],
            ['--amount: the balance of account 1100', "would exceed what the ledger can hold exactly"])

    result = run(fundledger, ["--db", db, "verify"], work)
    checks.check("the ledger of the refusals still verifies: exit 0, 'verify: ok'",
                 result.returncode == 0 and HEAD_LINE.match(text(result.stdout)) is not None, shown(result))


# ---- the test ------------------------------------------------------------------------------------

def body(checks, fundledger, work):
    ledger = "ledger.db"
    build_ledger(checks, fundledger, work, ledger)
    result = run(fundledger, ["--db", ledger, "export", "--out", "export.jsonl"], work)
    checks.check("export exits 0", result.returncode == 0, shown(result))
    with open(os.path.join(work, "export.jsonl"), encoding="utf-8", newline="") as f:
        export_lines = f.read().split("\n")
    if export_lines and export_lines[-1] == "":
        export_lines.pop()
    events_count = INIT_EVENTS + len(journal_events())
    checks.check(f"the export has {events_count} events ({INIT_EVENTS} from init, {len(journal_events())} imported)",
                 len(export_lines) == events_count, f"{len(export_lines)} lines")
    head = json.loads(export_lines[-1])["hash"]
    result = run(fundledger, ["--db", ledger, "verify"], work)
    checks.check("the ledger under test verifies with the export's last hash as its head",
                 result.returncode == 0 and text(result.stdout) == f"verify: ok, {events_count} events, head {head}\n",
                 shown(result))

    verify_cases(checks, fundledger, work, ledger, head, events_count)
    month_cases(checks, fundledger, work)
    head_cases(checks, fundledger, work, ledger, export_lines, head)
    readonly_cases(checks, fundledger, work, ledger, events_count)
    refusal_cases(checks, fundledger, work, ledger)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    args = parser.parse_args()
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-controls-") as work:
            body(checks, fundledger, work)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
