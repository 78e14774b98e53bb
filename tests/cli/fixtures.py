#!/usr/bin/env python3
"""A ledger made by an earlier version keeps working: tests/fixtures/ledger-schema-2.sqlite, written
before the rules engine and the store were separated, is refused by read-only commands until
`fundledger upgrade` brings its format up to date; then it verifies with its recorded head, exports
byte for byte as it did, gives the same balances, and its export replays into a new ledger that
exports the same bytes again (tests/fixtures/README.md). A ledger of the current schema written
before the index of the postings by pledge gets it from the first command that writes.

Usage: python3 fixtures.py --fundledger PATH
"""
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "fixtures")
HEAD = "b56681ab7bb34c3a80fc0a29bdf8c8a1574a551522d200d2eaa0f1b0a35e7b49"


def run(fundledger, args, cwd):
    import subprocess
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    return subprocess.run([fundledger] + args, cwd=cwd, env=env, capture_output=True, timeout=120)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True)
    args = parser.parse_args()
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="fundledger-fixtures-") as work:
        ledger = os.path.join(work, "old.db")
        shutil.copyfile(os.path.join(FIXTURES, "ledger-schema-2.sqlite"), ledger)
        # A read-only command refuses the older format, saying how to upgrade it, and changes nothing.
        result = run(fundledger, ["--db", ledger, "verify"], work)
        checks.check("verify of the ledger of schema 2, before it is upgraded, exits 74 and says to upgrade it",
                     result.returncode == 74 and b"it has schema version 2: upgrade it (fundledger upgrade" in result.stderr
                     and read(ledger) == read(os.path.join(FIXTURES, "ledger-schema-2.sqlite")),
                     f"exit {result.returncode}: {result.stderr!r}")
        result = run(fundledger, ["--db", ledger, "upgrade"], work)
        checks.check("fundledger upgrade brings it up to date, its 113 events as they were",
                     result.returncode == 0 and b"is up to date (113 events)" in result.stderr,
                     f"exit {result.returncode}: {result.stderr!r}")
        result = run(fundledger, ["--db", ledger, "verify", "--expect-head", HEAD], work)
        checks.check(f"the upgraded ledger verifies with its recorded head (every table, the movements the upgrade "
                     f"derived too): 'verify: ok, 113 events, head {HEAD[:12]}...'",
                     result.returncode == 0 and result.stdout.decode() == f"verify: ok, 113 events, head {HEAD}\n",
                     f"exit {result.returncode}: {result.stdout!r} {result.stderr!r}")
        result = run(fundledger, ["--db", ledger, "export", "--out", "export.jsonl"], work)
        expected = read(os.path.join(FIXTURES, "ledger-schema-2.jsonl"))
        actual = read(os.path.join(work, "export.jsonl")) if result.returncode == 0 else b""
        checks.check(f"it exports byte for byte what its own version exported ({len(expected)} bytes)",
                     result.returncode == 0 and actual == expected, f"exit {result.returncode}: {result.stderr!r}")
        result = run(fundledger, ["--db", ledger, "balances", "--group-by", "account,fund,donor,pledge,currency",
                                  "--format", "csv"], work)
        checks.check("its balances by account, fund, donor, pledge and currency are those its own version printed",
                     result.returncode == 0 and result.stdout == read(os.path.join(FIXTURES,
                                                                                  "ledger-schema-2.balances.csv")),
                     f"exit {result.returncode}: {result.stderr!r}")
        result = run(fundledger, ["replay", os.path.join(FIXTURES, "ledger-schema-2.jsonl"), "--db", "new.db",
                                  "--expect-head", HEAD], work)
        checks.check("its export replays into a new ledger, ending at the same head",
                     result.returncode == 0 and result.stdout.decode() == f"replay: ok, 113 events, head {HEAD}\n",
                     f"exit {result.returncode}: {result.stdout!r} {result.stderr!r}")
        result = run(fundledger, ["--db", "new.db", "export", "--out", "again.jsonl"], work)
        again = read(os.path.join(work, "again.jsonl")) if result.returncode == 0 else b""
        checks.check("the replayed ledger exports the same bytes again", again == expected,
                     f"exit {result.returncode}: {result.stderr!r}")
        checks.check("the upgraded ledger and the replayed one have the index of the postings by pledge",
                     has_pledge_index(ledger) and has_pledge_index(os.path.join(work, "new.db")))
        upgraded, made = structure(ledger), structure(os.path.join(work, "new.db"))
        checks.check(f"the upgraded ledger has the structure of a new one: its {len(made)} tables, indexes and "
                     "triggers, each table's columns in the same order with the same types, NOT NULL and primary key",
                     upgraded == made and len(made) > 30,
                     f"only upgraded: {sorted(set(upgraded) - set(made))}, only new: {sorted(set(made) - set(upgraded))}, "
                     f"different: {[name for name in made if name in upgraded and upgraded[name] != made[name]]}")
        check_pledge_index_added(checks, fundledger, os.path.join(work, "new.db"), work)
    return checks.finish()


def structure(path):
    """Each table's columns (name, type, NOT NULL, place in the primary key), each index's table and
    columns, each trigger's table: what an upgrade must bring an old ledger to, whatever wrote it."""
    import sqlite3
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
        found = {}
        rows = database.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        for kind, name, table in rows:
            if kind == "table":
                found[name] = [(r[1], r[2], r[3], r[5]) for r in database.execute(f"PRAGMA table_info({name})")]
            elif kind == "index":
                found[name] = (table, [r[2] for r in database.execute(f"PRAGMA index_info({name})")])
            else:
                found[name] = (kind, table)
        return found


def has_pledge_index(path):
    import sqlite3
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as database:
        return database.execute("SELECT count(*) FROM sqlite_master WHERE name = 'postings_by_pledge'").fetchone()[0] == 1


def check_pledge_index_added(checks, fundledger, ledger, work):
    """A version-3 ledger written before the index by pledge existed: read-only commands read it as it
    is, and the first command that writes adds the index, changing nothing recorded."""
    import sqlite3
    database = sqlite3.connect(ledger)
    database.execute("DROP INDEX postings_by_pledge")
    database.commit()
    database.close()
    before = run(fundledger, ["--db", ledger, "export"], work)
    result = run(fundledger, ["--db", ledger, "verify", "--expect-head", HEAD], work)
    checks.check("a ledger of schema 3 without the index by pledge verifies read-only, and is left without it",
                 result.returncode == 0 and not has_pledge_index(ledger), f"exit {result.returncode}: {result.stderr!r}")
    result = run(fundledger, ["--db", ledger, "upgrade"], work)
    after = run(fundledger, ["--db", ledger, "export"], work)
    checks.check("the first command that writes adds the index, and the ledger exports the same bytes",
                 result.returncode == 0 and has_pledge_index(ledger) and before.stdout == after.stdout
                 and len(after.stdout) > 0, f"exit {result.returncode}: {result.stderr!r}")


if __name__ == "__main__":
    sys.exit(main())
