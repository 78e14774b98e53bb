#!/usr/bin/env python3
"""PostgreSQL: the ledger on a real server, as offices that share one would run it.

The test starts a throwaway PostgreSQL cluster of its own (tools/pg_cluster.py, fsync on) and runs
the built program against it:

  * init: a ledger in an empty database; refused (exit 73, saying why) in a database holding other
    tables, or a ledger already; a database that does not exist, or holds no ledger, exits 66; a
    server that cannot be reached exits 74; the URL in messages never shows a password;
  * the same journal, hash for hash: the committed fixture ledger's export replayed into
    PostgreSQL exports byte for byte as the fixture, and that export replayed into a new SQLite file
    does too; the balances and the trial balance read the same from both stores;
  * copy --from A --to B, SQLite to PostgreSQL and back, verified to the same head; a copy into a
    database that holds a ledger exits 73 and changes nothing;
  * roles and rights: after the owner's init, an "officer" role with only the rights the README
    lists records the fixture's events (pledges, receipts, refunds, closes...) and reopens a month,
    with the fixture's balances to the cent; a "reporter" role with SELECT only reads reports and
    verifies, and its write exits 74 saying the role may not write; the officer cannot UPDATE or
    DELETE events (permission denied), and even the owner cannot (the immutability triggers), nor
    TRUNCATE postings;
  * backups: pg_dump -Fc of a ledger restored with pg_restore into an empty database verifies to
    the same head, with the same balances;
  * two processes importing the same file at once: one records every event, the other finds them
    recorded;
  * faults: a writer killed with SIGKILL mid-import leaves all or nothing (verify ok, the events
    before it or all of them), and the import re-run completes with the reference balances; the
    server stopped with pg_ctl stop -m immediate mid-import: the import exits 74, and once the server
    is back the ledger holds what it held before (verify ok), and the re-run completes;
  * a hot standby (pg_basebackup -R, streaming replication): once it has replayed the primary's
    WAL, report and balances against the standby print what they print against the primary, before
    and after more events; a write against the standby exits 74 (read-only).

Usage: python3 postgresql.py --fundledger PATH [--keep DIR]
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tools"))
from checks import Checks, INIT_EVENTS  # noqa: E402 - shared by the CLI tests
from crash_consistency import big_journal  # noqa: E402 - the journal its file-based twin kills imports in
from pg_cluster import Cluster  # noqa: E402

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "ledger-schema-2.jsonl")
FIXTURE_HEAD = "b56681ab7bb34c3a80fc0a29bdf8c8a1574a551522d200d2eaa0f1b0a35e7b49"
FIXTURE_BALANCES = os.path.join(ROOT, "tests", "fixtures", "ledger-schema-2.balances.csv")
FIXTURE_EVENTS = 113
FIXTURE_INIT_EVENTS = 29  # the fixture's init: 4 standard settings then, and the 25 accounts
# A ledger made now that takes the fixture's events: init, then the year-end by currency as the
# fixture's version closed it, then the events after the fixture's init.
SHARED_EVENTS = INIT_EVENTS + 1 + FIXTURE_EVENTS - FIXTURE_INIT_EVENTS
EXPORT_FIELDS = ("seq", "recorded_at", "postings", "prev_hash", "hash")
BY_KEY = ["balances", "--group-by", "account,fund,donor,pledge,currency", "--format", "csv"]

# The rights of the roles, as the README gives them.
OFFICER_GRANTS = [
    "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO officer",
    "GRANT UPDATE ON currencies, pledges, instalments, balances, monthly_balances, movements, monthly_kinds, movement_totals, "
    "fundledger_head TO officer",
    "GRANT DELETE ON periods TO officer",
]
REPORTER_GRANTS = ["GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporter"]


class Server:
    """The cluster, its databases, and the program run against them."""

    def __init__(self, cluster, fundledger, work):
        self.cluster = cluster
        self.fundledger = fundledger
        self.work = work

    def url(self, database, user="ledger", cluster=None):
        return (cluster or self.cluster).url(database).replace("postgresql://ledger@", f"postgresql://{user}@", 1)

    def database(self, name):
        self.cluster.create_database(name)
        return self.url(name)

    def sql(self, database, sql, user="ledger", check=True):
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-d", self.url(database, user), "-v", "ON_ERROR_STOP=1",
                                 "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {result.stderr.strip()}")
        return result

    def run(self, *args, env=None, timeout=600):
        environment = dict(os.environ)
        environment.pop("FUNDLEDGER_DB", None)
        environment.update(env or {})
        return subprocess.run([self.fundledger] + list(args), cwd=self.work, env=environment, capture_output=True,
                              timeout=timeout)

    def start(self, *args, env=None):
        environment = dict(os.environ)
        environment.pop("FUNDLEDGER_DB", None)
        environment.update(env or {})
        return subprocess.Popen([self.fundledger] + list(args), cwd=self.work, env=environment,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def text(data):
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def described(result):
    return f"exit {result.returncode}, stdout {text(result.stdout)[:300]!r}, stderr {text(result.stderr)[:500]!r}"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def head_of(server, db):
    result = server.run("--db", db, "verify")
    out = text(result.stdout)
    if result.returncode != 0 or not out.startswith("verify: ok"):
        return None, None
    words = out.split()
    return int(words[2]), words[5]


def write_jsonl(path, events):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for event in events:
            out.write(json.dumps(event, separators=(",", ":")) + "\n")


# ---- init and opening ----------------------------------------------------------------------------

def opening(checks, server):
    url = server.database("fresh")
    result = server.run("--db", url, "init")
    checks.check(f"init in an empty database exits 0 and records the {INIT_EVENTS} standard events",
                 result.returncode == 0 and f"with {INIT_EVENTS} events" in text(result.stdout + result.stderr), described(result))
    result = server.run("--db", url, "init")
    checks.check("init again exits 73: the database already holds a ledger",
                 result.returncode == 73 and f"already holds a ledger of {INIT_EVENTS} events" in text(result.stderr),
                 described(result))

    other = server.database("other")
    server.sql("other", "CREATE TABLE customers (id integer PRIMARY KEY, name text)")
    result = server.run("--db", other, "init")
    checks.check("init in a database holding another application's table exits 73 and says so",
                 result.returncode == 73 and "1 other table(s)" in text(result.stderr), described(result))
    tables = server.sql("other", "SELECT string_agg(table_name, ',') FROM information_schema.tables "
                                 "WHERE table_schema = 'public'").stdout.strip()
    checks.check("... and leaves that database as it was (one table, customers)", tables == "customers", tables)

    empty = server.database("empty")
    result = server.run("--db", empty, "balances")
    checks.check("balances on a database without a ledger exits 66, saying to create one with init",
                 result.returncode == 66 and "holds no ledger" in text(result.stderr), described(result))
    result = server.run("--db", server.url("missing"), "balances")
    checks.check("balances on a database that does not exist exits 66: no such database",
                 result.returncode == 66 and "no such database" in text(result.stderr), described(result))
    unreachable = "postgresql://ledger@/fresh?host=/nonexistent-folder&port=5999"
    result = server.run("--db", unreachable, "balances")
    checks.check("balances against a server that cannot be reached exits 74",
                 result.returncode == 74 and "cannot be reached" in text(result.stderr), described(result))
    secret = url.replace("postgresql://ledger@", "postgresql://ledger:s3cret-word@", 1)
    result = server.run("--db", secret.replace("/fresh?", "/missing?"), "balances")
    checks.check("a password in the URL never appears in a message",
                 result.returncode == 66 and "s3cret-word" not in text(result.stderr) and "***" in text(result.stderr),
                 described(result))
    result = server.run("--db", url, "period", "list")
    checks.check("period list on the new ledger exits 0", result.returncode == 0, described(result))


# ---- the same journal on both stores -------------------------------------------------------------

def same_journal(checks, server):
    pg = server.database("from_fixture")
    result = server.run("replay", FIXTURE, "--db", pg)
    checks.check(f"the fixture's export replays into PostgreSQL: replay ok, {FIXTURE_EVENTS} events, head "
                 f"{FIXTURE_HEAD[:12]}...",
                 result.returncode == 0 and f"replay: ok, {FIXTURE_EVENTS} events, head {FIXTURE_HEAD}" in text(result.stdout),
                 described(result))
    result = server.run("--db", pg, "export", "--out", "from-postgresql.jsonl")
    exported = read(os.path.join(server.work, "from-postgresql.jsonl")) if result.returncode == 0 else b""
    checks.check("PostgreSQL exports it byte for byte as the fixture", exported == read(FIXTURE),
                 f"{len(exported)} bytes against {len(read(FIXTURE))}")
    result = server.run("--db", pg, "verify", "--expect-head", FIXTURE_HEAD)
    checks.check("verify on PostgreSQL: ok at the fixture's head", result.returncode == 0, described(result))
    result = server.run("replay", "from-postgresql.jsonl", "--db", "back.db")
    result = server.run("--db", "back.db", "export", "--out", "back.jsonl")
    back = read(os.path.join(server.work, "back.jsonl")) if result.returncode == 0 else b""
    checks.check("... and that export replayed into a new SQLite file exports the same bytes again",
                 back == read(FIXTURE), described(result))
    a = server.run("--db", pg, *BY_KEY)
    b = server.run("--db", "back.db", *BY_KEY)
    checks.check("the balances by account, fund, donor, pledge and currency are the fixture's, on both stores",
                 a.returncode == 0 and a.stdout == b.stdout and a.stdout == read(FIXTURE_BALANCES),
                 f"{described(a)}\n{described(b)}")
    for report in (["trial-balance", "--period", "2024"], ["contributions", "--period", "2024"],
                   ["financial-position", "--as-of", "2024-12-31"]):
        a = server.run("--db", pg, "report", *report, "--format", "csv")
        b = server.run("--db", "back.db", "report", *report, "--format", "csv")
        checks.check(f"report {' '.join(report)} reads the same from both stores",
                     a.returncode == 0 and a.stdout == b.stdout and len(a.stdout) > 100, f"{described(a)}\n{described(b)}")

    # A replay that fails leaves the database as it was: empty, ready for a corrected journal.
    lines = read(FIXTURE).decode("utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if json.loads(line)["type"] == "receipt")
    changed = json.loads(lines[at])
    changed["amount"] = changed["amount"] + "1" if "." in changed["amount"] else changed["amount"] + ".01"
    with open(os.path.join(server.work, "changed.jsonl"), "w") as out:
        out.write("\n".join(lines[:at] + [json.dumps(changed, separators=(",", ":"))] + lines[at + 1:]) + "\n")
    target = server.database("failed_replay")
    result = server.run("replay", "changed.jsonl", "--db", target)
    tables = server.sql("failed_replay", "SELECT count(*) FROM information_schema.tables "
                                         "WHERE table_schema = 'public'").stdout.strip()
    checks.check(f"a replay that differs at seq {at + 1} (a receipt's amount changed) exits 1, naming it, and "
                 f"leaves the database empty (no table)",
                 result.returncode == 1 and f"seq {at + 1}" in text(result.stderr) and tables == "0",
                 f"{described(result)}; {tables} tables")
    result = server.run("replay", FIXTURE, "--db", target)
    checks.check("... and the intact journal then replays into it", result.returncode == 0, described(result))


def copying(checks, server):
    source = "copy-source.db"
    server.run("replay", FIXTURE, "--db", source)
    target = server.database("copied")
    result = server.run("copy", "--from", source, "--to", target)
    checks.check(f"copy from an SQLite file to PostgreSQL: ok, {FIXTURE_EVENTS} events, the same head",
                 result.returncode == 0 and f"copy: ok, {FIXTURE_EVENTS} events, head {FIXTURE_HEAD}" in text(result.stdout),
                 described(result))
    result = server.run("copy", "--from", target, "--to", "copied-back.db")
    checks.check("copy from PostgreSQL to a new SQLite file: ok, the same head",
                 result.returncode == 0 and f"head {FIXTURE_HEAD}" in text(result.stdout), described(result))
    a = server.run("--db", "copied-back.db", *BY_KEY)
    checks.check("the copied-back file has the fixture's balances", a.stdout == read(FIXTURE_BALANCES), described(a))
    before = server.run("--db", target, "export").stdout
    result = server.run("copy", "--from", source, "--to", target)
    checks.check("copy into a database that holds a ledger exits 73 and changes nothing",
                 result.returncode == 73 and server.run("--db", target, "export").stdout == before, described(result))
    result = server.run("copy", "--from", source, "--to", "copied-back.db")
    checks.check("copy onto an existing file exits 73", result.returncode == 73, described(result))


def upgrading(checks, server):
    """A ledger of schema 4 (before movement_totals): read-only commands refuse it, naming the
    version; the first command that writes derives the table from the movements, and verify checks it."""
    target = server.database("schema_four")
    server.run("replay", FIXTURE, "--db", target)
    expected = server.run("--db", target, "report", "contributions", "--period", "2024", "--format", "csv").stdout
    server.sql("schema_four", "DROP TABLE movement_totals; "
                              "UPDATE fundledger_meta SET value = '4' WHERE key = 'schema_version'")
    result = server.run("--db", target, "report", "contributions", "--period", "2024", "--format", "csv")
    checks.check("a PostgreSQL ledger of schema 4 is refused by a read-only command (exit 74), saying how to bring "
                 "it up to date", result.returncode == 74 and "schema version 4: open it once to write" in text(result.stderr)
                 and "up to version 5" in text(result.stderr), described(result))
    result = server.run("--db", target, "upgrade")
    rows = server.sql("schema_four", "SELECT count(*) FROM movement_totals").stdout.strip()
    checks.check("upgrade brings it to schema 5, filling movement_totals from the movements",
                 result.returncode == 0 and rows.isdigit() and int(rows) > 10
                 and server.sql("schema_four", "SELECT value FROM fundledger_meta WHERE key = 'schema_version'").stdout.strip() == "5",
                 f"{described(result)}; {rows} rows")
    result = server.run("--db", target, "verify", "--expect-head", FIXTURE_HEAD)
    after = server.run("--db", target, "report", "contributions", "--period", "2024", "--format", "csv")
    checks.check("... it verifies at the same head, and its reports read as before",
                 result.returncode == 0 and after.returncode == 0 and after.stdout == expected and len(expected) > 100,
                 f"{described(result)}\n{described(after)}")


# ---- roles and rights ----------------------------------------------------------------------------

def fixture_events_after_init():
    events = []
    for line in read(FIXTURE).decode("utf-8").splitlines()[FIXTURE_INIT_EVENTS:]:
        event = json.loads(line)
        events.append({k: v for k, v in event.items() if k not in EXPORT_FIELDS})
    return events


def roles(checks, server):
    owner = server.database("shared")
    result = server.run("--db", owner, "init")
    checks.check("the owner creates the ledger (init)", result.returncode == 0, described(result))
    # The fixture's version closed the year by currency: so does this ledger, for the same balances.
    result = server.run("--db", owner, "setting", "set", "year_end", "by-currency", "--effective", "2024-01-01")
    checks.check("the owner sets the year-end by currency, as the fixture's ledger closed", result.returncode == 0,
                 described(result))
    server.sql("shared", "CREATE ROLE officer LOGIN")
    server.sql("shared", "CREATE ROLE reporter LOGIN")
    for grant in OFFICER_GRANTS + REPORTER_GRANTS:
        server.sql("shared", grant)
    officer = server.url("shared", "officer")
    reporter = server.url("shared", "reporter")
    write_jsonl(os.path.join(server.work, "fixture-events.jsonl"), fixture_events_after_init())
    result = server.run("--db", officer, "import", "fixture-events.jsonl")
    checks.check(f"the officer imports the fixture's {FIXTURE_EVENTS - FIXTURE_INIT_EVENTS} events (pledges, receipts, "
                 f"refunds, a reversal, twelve closes) with only the rights the README lists",
                 result.returncode == 0 and f"{FIXTURE_EVENTS - FIXTURE_INIT_EVENTS} recorded" in text(result.stderr),
                 described(result))
    # The same events in an SQLite ledger made the same way: this program's rules (version 2, which
    # the fixture's version predates) give the figures both stores must hold.
    reference = os.path.join(server.work, "roles-reference.db")
    for args in (["init"], ["setting", "set", "year_end", "by-currency", "--effective", "2024-01-01"],
                 ["import", os.path.join(server.work, "fixture-events.jsonl")]):
        server.run("--db", reference, *args)
    expected = server.run("--db", reference, *BY_KEY)
    result = server.run("--db", reporter, *BY_KEY)
    checks.check("the reporter (SELECT only) reads the fixture's events' balances, to the cent, as SQLite has them",
                 result.returncode == 0 and expected.returncode == 0 and result.stdout == expected.stdout,
                 described(result))
    result = server.run("--db", reporter, "report", "trial-balance", "--period", "2024", "--format", "csv")
    checks.check("the reporter reads the trial balance", result.returncode == 0 and b"total" in result.stdout,
                 described(result))
    result = server.run("--db", reporter, "verify")
    checks.check(f"the reporter verifies the ledger ({SHARED_EVENTS} events)",
                 result.returncode == 0 and f"verify: ok, {SHARED_EVENTS} events" in text(result.stdout),
                 described(result))
    result = server.run("--db", reporter, "rate", "set", "EUR", "0.95", "--effective", "2025-01-01")
    checks.check("a write by the reporter exits 74, saying its role may not write",
                 result.returncode == 74 and "may not write" in text(result.stderr), described(result))
    result = server.run("--db", officer, "period", "reopen", "2024-12", "--reason", "audit adjustment")
    checks.check("the officer reopens 2024-12 (deleting its seal)", result.returncode == 0, described(result))
    result = server.run("--db", officer, "period", "close", "2024-12")
    checks.check("... and closes it again", result.returncode == 0, described(result))

    denied = server.sql("shared", "UPDATE events SET body = '{}' WHERE seq = 40", user="officer", check=False)
    checks.check("the officer cannot UPDATE an event: permission denied",
                 denied.returncode != 0 and "permission denied" in denied.stderr, denied.stderr)
    denied = server.sql("shared", "DELETE FROM postings WHERE seq = 40", user="officer", check=False)
    checks.check("the officer cannot DELETE a posting: permission denied",
                 denied.returncode != 0 and "permission denied" in denied.stderr, denied.stderr)
    refused = server.sql("shared", "UPDATE events SET body = '{}' WHERE seq = 40", check=False)
    checks.check("the owner cannot UPDATE an event either: the trigger refuses it (immutable)",
                 refused.returncode != 0 and "immutable" in refused.stderr, refused.stderr)
    refused = server.sql("shared", "DELETE FROM events WHERE seq = 40", check=False)
    checks.check("... nor DELETE one", refused.returncode != 0 and "immutable" in refused.stderr, refused.stderr)
    refused = server.sql("shared", "TRUNCATE postings CASCADE", check=False)
    checks.check("... nor TRUNCATE the postings", refused.returncode != 0 and "immutable" in refused.stderr,
                 refused.stderr)
    result = server.run("--db", owner, "verify")
    checks.check("the ledger verifies after all that", result.returncode == 0, described(result))


# ---- backups, and two imports of one file at once -------------------------------------------------

def backups(checks, server, cluster):
    count, head = head_of(server, server.url("shared"))
    dump = os.path.join(server.work, "shared.dump")
    result = subprocess.run(["pg_dump", "-Fc", "-f", dump, "-d", server.url("shared")], capture_output=True, text=True,
                            timeout=300)
    checks.check("pg_dump -Fc of the shared ledger exits 0", result.returncode == 0, result.stderr)
    restored = server.database("restored")
    result = subprocess.run(["pg_restore", "--no-owner", "-d", restored, dump], capture_output=True, text=True,
                            timeout=300)
    checks.check("pg_restore into an empty database exits 0", result.returncode == 0, result.stderr)
    result = server.run("--db", restored, "verify", "--expect-head", head or "")
    checks.check(f"the restored ledger verifies to the head the original had ({count} events)",
                 head is not None and result.returncode == 0 and f"verify: ok, {count} events" in text(result.stdout),
                 described(result))
    a = server.run("--db", server.url("shared"), *BY_KEY)
    b = server.run("--db", restored, *BY_KEY)
    checks.check("... with the same balances", a.returncode == 0 and a.stdout == b.stdout, described(b))


def same_file_twice(checks, server, journal, events):
    twice = server.database("twice")
    server.run("--db", twice, "init")
    # The second waits for the first however long its import takes (a busy timeout of five minutes).
    patient = {"FUNDLEDGER_BUSY_TIMEOUT_MS": "300000"}
    first = server.start("--db", twice, "import", journal, env=patient)
    second = server.start("--db", twice, "import", journal, env=patient)
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    messages = [text(err) for _, err in outputs]
    recorded = sorted(int(m.split(": ")[1].split(" recorded")[0]) if "recorded," in m else -1 for m in messages)
    count = count_events(server, twice)
    result = server.run("--db", twice, "verify")
    checks.check(f"two processes importing the same {events} events at once: both exit 0, one records them all, "
                 f"the other finds them recorded; the ledger holds each once and verifies",
                 first.returncode == 0 and second.returncode == 0 and recorded == [0, events]
                 and count == INIT_EVENTS + events and result.returncode == 0,
                 f"exits {first.returncode}, {second.returncode}; {messages}; {count} events; {described(result)}")


# ---- faults --------------------------------------------------------------------------------------

def count_events(server, db):
    result = server.run("--db", db, "export")
    return len(result.stdout.splitlines()) if result.returncode == 0 else None


def settled(server, name, timeout=30):
    """Waits until no session but this one is connected to the database name: the server finishes a
    killed client's transaction (its COMMIT, if it was sent) on its own, after the client is gone."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        others = server.sql(name, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                  "AND pid != pg_backend_pid()").stdout.strip()
        if others == "0":
            return True
        time.sleep(0.05)
    return False


def faults(checks, server, cluster):
    journal = os.path.join(server.work, "big.jsonl")
    write_jsonl(journal, big_journal(random.Random(13), 20000))
    events = sum(1 for _ in open(journal))
    reference = server.database("reference")
    server.run("--db", reference, "init")
    started = time.monotonic()
    result = server.run("--db", reference, "import", journal)
    duration = time.monotonic() - started
    checks.check(f"the reference import of {events} events exits 0 ({duration:.1f} s)", result.returncode == 0,
                 described(result))
    reference_balances = server.run("--db", reference, *BY_KEY).stdout

    victim = server.database("victim")
    server.run("--db", victim, "init")
    pristine = server.run("--db", victim, *BY_KEY).stdout
    killed_mid = 0
    for fraction in (0.3, 0.7):
        process = server.start("--db", victim, "import", journal)
        time.sleep(duration * fraction)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_mid += 1
        process.wait()
        settled(server, "victim")
        count = count_events(server, victim)
        result = server.run("--db", victim, "verify")
        balances = server.run("--db", victim, *BY_KEY).stdout
        checks.check(f"SIGKILL at {fraction:.0%} of the import: verify ok, and the ledger holds the {INIT_EVENTS} "
                     f"events before it or all {INIT_EVENTS + events}, with the matching balances",
                     result.returncode == 0 and ((count == INIT_EVENTS and balances == pristine) or
                                                 (count == INIT_EVENTS + events and balances == reference_balances)),
                     f"{count} events; {described(result)}")
        if count != INIT_EVENTS:
            break
    checks.check("at least one import was killed while it ran", killed_mid > 0, "every import ended first")
    result = server.run("--db", victim, "import", journal)
    balances = server.run("--db", victim, *BY_KEY).stdout
    checks.check("the import re-run completes, with the reference balances",
                 result.returncode == 0 and balances == reference_balances, described(result))
    same_file_twice(checks, server, journal, events)

    # The server stopped at once mid-import (as a crash would), then started again. The import it
    # stops is of a journal twice as long as the reference, so that half the reference's time is a
    # quarter of the way through it, however much faster than the reference this import runs.
    longer = os.path.join(server.work, "longer.jsonl")
    write_jsonl(longer, big_journal(random.Random(17), 40000))
    stopped = server.database("stopped")
    server.run("--db", stopped, "init")
    process = server.start("--db", stopped, "import", longer)
    time.sleep(duration * 0.5)
    was_running = process.poll() is None
    cluster.stop("immediate")
    _, err = process.communicate(timeout=120)
    cluster.start()
    checks.check("the server stopped (immediate) mid-import: the import exits 74, saying the server cannot be "
                 "reached or failed",
                 was_running and process.returncode == 74 and "fundledger: error" in text(err),
                 f"running when stopped: {was_running}; exit {process.returncode}; {text(err)[-400:]!r}")
    result = server.run("--db", stopped, "verify")
    count = count_events(server, stopped)
    checks.check(f"once the server is back the ledger verifies and holds what it held before ({INIT_EVENTS} events)",
                 result.returncode == 0 and count == INIT_EVENTS, f"{count} events; {described(result)}")
    result = server.run("--db", stopped, "import", journal)
    balances = server.run("--db", stopped, *BY_KEY).stdout
    checks.check("the import re-run completes, with the reference balances",
                 result.returncode == 0 and balances == reference_balances, described(result))


# ---- a hot standby for reporting -------------------------------------------------------------------

def caught_up(primary, standby, timeout=60):
    """Waits until the standby has replayed the primary's WAL; returns the seconds it took."""
    target = primary.psql("SELECT pg_current_wal_lsn()").stdout.strip()
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        behind = standby.psql(f"SELECT pg_wal_lsn_diff('{target}', pg_last_wal_replay_lsn())").stdout.strip()
        if behind and float(behind) <= 0:
            return time.monotonic() - started
        time.sleep(0.02)
    raise RuntimeError(f"the standby did not reach {target} in {timeout} s")


def standby(checks, server, cluster):
    primary_db = server.database("reported")
    server.run("--db", primary_db, "init")
    server.run("--db", primary_db, "setting", "set", "year_end", "by-currency", "--effective", "2024-01-01")
    server.run("--db", primary_db, "import", "fixture-events.jsonl")
    replica = cluster.standby("standby", cluster.port + 1)
    try:
        seconds = caught_up(cluster, replica)
        in_recovery = replica.psql("SELECT pg_is_in_recovery()").stdout.strip()
        checks.check(f"a streaming-replication hot standby (pg_basebackup -R) catches up with the primary "
                     f"({seconds * 1000:.0f} ms)", in_recovery == "t", in_recovery)
        on_standby = server.url("reported", cluster=replica)
        for args in (["report", "trial-balance", "--period", "2024", "--format", "csv"], BY_KEY,
                     ["report", "contributions", "--period", "2024", "--format", "csv"]):
            a = server.run("--db", primary_db, *args)
            b = server.run("--db", on_standby, *args)
            checks.check(f"{' '.join(args[:2])} against the standby prints what it prints against the primary",
                         a.returncode == 0 and a.stdout == b.stdout and len(a.stdout) > 100,
                         f"{described(a)}\n{described(b)}")
        result = server.run("--db", primary_db, "receipt", "R-LATE-1", "--date", "2025-01-06", "--fund", "CPCJF",
                            "--currency", "USD", "--amount", "1234.56")
        seconds = caught_up(cluster, replica)
        a = server.run("--db", primary_db, *BY_KEY)
        b = server.run("--db", on_standby, *BY_KEY)
        checks.check(f"a receipt recorded on the primary reads the same on the standby once replayed "
                     f"({seconds * 1000:.0f} ms later)",
                     result.returncode == 0 and a.stdout == b.stdout and b"1234.56" in b.stdout,
                     f"{described(result)}\n{described(b)}")
        result = server.run("--db", on_standby, "verify")
        checks.check("verify runs on the standby", result.returncode == 0, described(result))
        result = server.run("--db", on_standby, "receipt", "R-LATE-2", "--date", "2025-01-06", "--fund", "CPCJF",
                            "--currency", "USD", "--amount", "1.00")
        checks.check("a write against the standby exits 74: it is read-only",
                     result.returncode == 74 and "read-only" in text(result.stderr), described(result))
    finally:
        replica.stop("immediate")


# ---- the test -------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--keep", help="put the cluster and the files in this folder and leave them behind")
    args = parser.parse_args()
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-postgresql-") as temporary:
            work = args.keep or temporary
            os.makedirs(work, exist_ok=True)
            with Cluster(fsync=True, folder=os.path.join(args.keep, "cluster") if args.keep else None) as cluster:
                server = Server(cluster, fundledger, work)
                for part in (opening, same_journal, copying, upgrading, roles):
                    part(checks, server)
                backups(checks, server, cluster)
                faults(checks, server, cluster)
                standby(checks, server, cluster)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
