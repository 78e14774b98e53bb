#!/usr/bin/env python3
"""Tampering is caught: verify and replay find every change made behind the ledger's back.

A small ledger (the standard chart, a fund, two donors, rates, 30 entries) is built with fundledger
and exported. Then:

  * on copies of the database file, changed with sqlite3 after dropping the immutability triggers
    (a posting's amount with its balance, a pair of postings so that only the hash can tell, an
    event's body, a deleted event, two swapped bodies, a balance row alone, and the columns that the
    ledger reads beside the hashed text: a posting's date, an event's id, a stored rate), `verify`
    must exit 1 and name the first broken seq, or say that the balances differ;
  * on an untouched copy, the triggers refuse UPDATE and DELETE of events and postings;
  * in copies of the export (an amount changed, a line deleted, two lines swapped, a hash, a
    recorded_at or a prev_hash changed), `replay FILE --db NEW` must exit 1, name the seq and the
    field, and leave no NEW behind; the intact export replays with exit 0.

Usage: python3 tamper.py --fundledger PATH
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks, INIT_EVENTS  # noqa: E402 - shared by the CLI tests

TRIGGERS = ["events_are_immutable", "events_are_never_deleted", "postings_are_immutable",
            "postings_are_never_deleted"]


def run(fundledger, args, cwd, timeout=60):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    return subprocess.run([fundledger] + args, cwd=cwd, env=env, capture_output=True, timeout=timeout)


def text(data):
    return data.decode("utf-8", errors="replace")


def canonical(obj):
    """The canonical JSON of the journal format (README.md): keys sorted, no whitespace, UTF-8."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def names_seq(message, seq):
    return re.search(rf"\bseq {seq}\b", message) is not None


# ---- the ledger under test -----------------------------------------------------------------------

def journal_events():
    """Master data, rates and 30 entries; entry E-nn is the nn-th entry (seq INIT_EVENTS + 6 + nn)."""
    events = [
        {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
        {"type": "donor", "code": "DEU", "name": "Germany", "category": "government", "country": "DE"},
        {"type": "donor", "code": "JPN", "name": "Japan", "category": "government", "country": "JP"},
        {"type": "rate", "currency": "EUR", "effective": "2024-01-01", "per_usd": "0.9123"},
        {"type": "rate", "currency": "GBP", "effective": "2024-01-01", "per_usd": "0.78654"},
        {"type": "rate", "currency": "JPY", "effective": "2024-01-01", "per_usd": "141.2345"},
    ]
    currencies = ["USD", "EUR", "GBP", "JPY", "USD", "EUR"]
    for n in range(1, 31):
        currency = currencies[n % len(currencies)]
        amount = f"{n * 1000 + 37}" if currency == "JPY" else f"{n * 1250}.{(n * 7) % 100:02d}"
        donor = "JPN" if currency == "JPY" else "DEU"
        postings = [
            {"account": "1100", "fund": "CPCJF", "currency": currency, "amount": amount, "donor": donor},
            {"account": "4100" if n % 2 else "4200", "fund": "CPCJF", "currency": currency,
             "amount": "-" + amount, "donor": donor},
        ]
        events.append({"type": "entry", "id": f"E-{n:02d}", "date": f"2024-{(n - 1) // 3 + 1:02d}-{(n % 28) + 1:02d}",
                       "memo": f"Contribution {n}", "postings": postings})
    return events


def seq_of_entry(n):
    return INIT_EVENTS + 6 + n


# ---- database tampering --------------------------------------------------------------------------

def copy_ledger(source, target):
    shutil.copyfile(source, target)
    if os.path.exists(source + "-wal") and os.path.getsize(source + "-wal") > 0:
        shutil.copyfile(source + "-wal", target + "-wal")


def tampered(source, target, statements):
    copy_ledger(source, target)
    connection = sqlite3.connect(target)
    try:
        for trigger in TRIGGERS:
            connection.execute(f"DROP TRIGGER {trigger}")
        for statement, parameters in statements:
            connection.execute(statement, parameters)
        connection.commit()
    finally:
        connection.close()


def balance_key_of(connection, seq, line):
    row = connection.execute(
        "SELECT account_id, fund_id, IFNULL(donor_id, 0), IFNULL(project_id, 0), IFNULL(pledge_id, 0), "
        "currency_id, amount_minor, functional_minor FROM postings WHERE seq = ? AND line = ?", (seq, line)).fetchone()
    return row[:6], row[6], row[7]


BALANCE_WHERE = ("account_id = ? AND fund_id = ? AND donor_id = ? AND project_id = ? AND pledge_id = ? "
                 "AND currency_id = ?")


def database_cases(checks, fundledger, work, ledger):
    """verify must catch every change to a copy of the database."""
    path = os.path.join(work, ledger)
    connection = sqlite3.connect(path)
    entry_seq = seq_of_entry(7)       # E-07: EUR, 2 postings
    usd_seq = seq_of_entry(12)        # E-12: USD, 2 postings
    key0, amount0, functional0 = balance_key_of(connection, entry_seq, 0)
    key_usd0, amount_usd0, _ = balance_key_of(connection, usd_seq, 0)
    key_usd1, amount_usd1, _ = balance_key_of(connection, usd_seq, 1)
    rate_seq = INIT_EVENTS + 4        # the EUR rate
    body_rate = connection.execute("SELECT body FROM events WHERE seq = ?", (rate_seq,)).fetchone()[0]
    memo_seq = seq_of_entry(20)
    body_memo = connection.execute("SELECT body FROM events WHERE seq = ?", (memo_seq,)).fetchone()[0]
    swap_a, swap_b = seq_of_entry(3), seq_of_entry(25)
    body_a = connection.execute("SELECT body FROM events WHERE seq = ?", (swap_a,)).fetchone()[0]
    body_b = connection.execute("SELECT body FROM events WHERE seq = ?", (swap_b,)).fetchone()[0]
    deleted_seq = seq_of_entry(15)
    connection.close()
    checks.check("the chosen postings are as built (E-07 debits 8750.49 EUR, E-12 debits 15000.84 USD)",
                 amount0 == 875049 and amount_usd0 == 1500084 and amount_usd1 == -1500084,
                 f"{amount0}, {amount_usd0}, {amount_usd1}")

    cases = [
        ("one posting's amount_minor changed, and its balance row with it", entry_seq, [
            ("UPDATE postings SET amount_minor = amount_minor + 100 WHERE seq = ? AND line = 0", (entry_seq,)),
            ("UPDATE balances SET debit_minor = debit_minor + 100 WHERE " + BALANCE_WHERE, key0),
        ], None),
        ("two postings of a USD entry changed to a still-balanced 15100.84, balances and USD amounts too "
         "(only the hash can tell)", usd_seq, [
            ("UPDATE postings SET amount_minor = amount_minor + 10000, functional_minor = functional_minor + 10000 "
             "WHERE seq = ? AND line = 0", (usd_seq,)),
            ("UPDATE postings SET amount_minor = amount_minor - 10000, functional_minor = functional_minor - 10000 "
             "WHERE seq = ? AND line = 1", (usd_seq,)),
            ("UPDATE balances SET debit_minor = debit_minor + 10000, functional_debit_minor = "
             "functional_debit_minor + 10000 WHERE " + BALANCE_WHERE, key_usd0),
            ("UPDATE balances SET credit_minor = credit_minor + 10000, functional_credit_minor = "
             "functional_credit_minor + 10000 WHERE " + BALANCE_WHERE, key_usd1),
        ], "hash"),
        ("a rate event's body text changed (per_usd 0.9123 -> 0.9124)", rate_seq, [
            ("UPDATE events SET body = ? WHERE seq = ?", (body_rate.replace('"0.9123"', '"0.9124"'), rate_seq)),
        ], "hash"),
        ("an entry's body text changed (its memo)", memo_seq, [
            ("UPDATE events SET body = ? WHERE seq = ?",
             (body_memo.replace("Contribution 20", "Contribution 21"), memo_seq)),
        ], "hash"),
        ("an event deleted with its postings", deleted_seq, [
            ("DELETE FROM postings WHERE seq = ?", (deleted_seq,)),
            ("DELETE FROM events WHERE seq = ?", (deleted_seq,)),
        ], None),
        ("the bodies of two events swapped", swap_a, [
            ("UPDATE events SET body = ? WHERE seq = ?", (body_b, swap_a)),
            ("UPDATE events SET body = ? WHERE seq = ?", (body_a, swap_b)),
        ], "hash"),
        # Columns that the hash does not cover directly but that the ledger reads: the date of the
        # postings (dated balances), the idempotency key, the rates that later entries convert at.
        ("the date column of an entry's postings moved 40 days later (dated balances change)", entry_seq, [
            ("UPDATE postings SET date = date + 40 WHERE seq = ?", (entry_seq,)),
        ], None),
        ("an entry's idempotency key changed in the event_id column (E-07 -> E-99)", entry_seq, [
            ("UPDATE events SET event_id = 'E-99' WHERE seq = ?", (entry_seq,)),
        ], None),
        ("the EUR rate changed in the rates table, the projection of its rate event", rate_seq, [
            ("UPDATE rates SET per_usd = '0.5' WHERE seq = ?", (rate_seq,)),
        ], None),
    ]
    if '"0.9123"' not in body_rate or "Contribution 20" not in body_memo:
        checks.check("the bodies to tamper with are as built", False, f"{body_rate}\n{body_memo}")
    for number, (label, seq, statements, field) in enumerate(cases, start=1):
        copy = f"tampered-{number}.db"
        tampered(path, os.path.join(work, copy), statements)
        result = run(fundledger, ["--db", copy, "verify"], work)
        err = text(result.stderr)
        ok = result.returncode == 1 and names_seq(err, seq) and (field is None or field in err)
        expectation = f"exit 1, stderr naming seq {seq}" + (f" and the {field}" if field else "")
        checks.check(f"verify catches {label}: {expectation}", ok,
                     f"exit {result.returncode}, stdout {text(result.stdout)!r}, stderr {err!r}")

    # A balance row alone: the postings and the chain are intact, the stored balances are not.
    copy = "tampered-balance.db"
    tampered(path, os.path.join(work, copy),
             [("UPDATE balances SET credit_minor = credit_minor + 1 WHERE " + BALANCE_WHERE, key0)])
    result = run(fundledger, ["--db", copy, "verify"], work)
    err = text(result.stderr)
    checks.check("verify catches a balance row changed alone: exit 1, stderr names the balances table",
                 result.returncode == 1 and re.search(r"\bbalances row\b", err) is not None,
                 f"exit {result.returncode}, stdout {text(result.stdout)!r}, stderr {err!r}")
    checks.check("verify names the group that was changed: account, fund, donor and currency",
                 re.search(r"account 1100, fund CPCJF, donor DEU, currency EUR\b", err) is not None, f"stderr {err!r}")

    # An untouched copy verifies, and its triggers refuse every UPDATE and DELETE of the journal.
    copy = os.path.join(work, "untouched.db")
    copy_ledger(path, copy)
    connection = sqlite3.connect(copy)
    for label, statement in [
        ("an UPDATE of postings", f"UPDATE postings SET amount_minor = amount_minor + 1 WHERE seq = {entry_seq}"),
        ("a DELETE of postings", f"DELETE FROM postings WHERE seq = {entry_seq}"),
        ("an UPDATE of events", f"UPDATE events SET body = body || ' ' WHERE seq = {entry_seq}"),
        ("a DELETE of events", f"DELETE FROM events WHERE seq = {entry_seq}"),
    ]:
        try:
            connection.execute(statement)
            connection.commit()
            checks.check(f"the triggers refuse {label} on an untouched ledger (error says immutable)", False,
                         "the statement succeeded")
        except sqlite3.DatabaseError as error:
            connection.rollback()
            checks.check(f"the triggers refuse {label} on an untouched ledger (error says immutable)",
                         "immutable" in str(error), str(error))
    connection.close()
    result = run(fundledger, ["--db", "untouched.db", "verify"], work)
    checks.check(f"the untouched copy still verifies: exit 0, 'verify: ok, {seq_of_entry(30)} events'",
                 result.returncode == 0 and text(result.stdout).startswith(f"verify: ok, {seq_of_entry(30)} events"),
                 f"exit {result.returncode}, stdout {text(result.stdout)!r}, stderr {text(result.stderr)!r}")


# ---- export tampering ----------------------------------------------------------------------------

def export_cases(checks, fundledger, work, export_lines):
    def write(name, lines):
        with open(os.path.join(work, name), "w", encoding="utf-8", newline="\n") as out:
            out.write("".join(line + "\n" for line in lines))

    def edit(index, change):
        lines = list(export_lines)
        event = json.loads(lines[index])
        change(event)
        lines[index] = canonical(event)
        return lines

    amount_seq = seq_of_entry(8)       # E-08: GBP
    pair_seq = seq_of_entry(9)         # E-09: JPY
    usd_seq = seq_of_entry(12)         # E-12: USD
    deleted_seq = seq_of_entry(10)
    swap_a, swap_b = seq_of_entry(4), seq_of_entry(11)
    hash_seq = seq_of_entry(14)
    recorded_seq = seq_of_entry(16)
    prev_seq = seq_of_entry(18)
    rate_seq = INIT_EVENTS + 5         # the GBP rate

    def change_amount(event):
        event["postings"][0]["amount"] = "10000.12"

    def change_pair(event):  # still balanced in JPY, but the USD amounts no longer follow
        event["postings"][0]["amount"] = str(int(event["postings"][0]["amount"]) + 1000)
        event["postings"][1]["amount"] = str(int(event["postings"][1]["amount"]) - 1000)

    def change_pair_and_usd(event):  # balanced, USD consistent: only the hash can tell
        for posting, delta in zip(event["postings"], (100, -100)):
            posting["amount"] = str(Decimal(posting["amount"]) + delta)
            posting["functional_amount"] = posting["amount"]

    def change_hash(event):
        event["hash"] = event["hash"][:10] + ("0" if event["hash"][10] != "0" else "1") + event["hash"][11:]

    def change_recorded_at(event):
        event["recorded_at"] = "2001-01-01T00:00:00Z"

    def change_prev_hash(event):
        event["prev_hash"] = "f" * 64

    def change_rate(event):
        event["per_usd"] = "0.78655"

    deleted = list(export_lines)
    del deleted[deleted_seq - 1]
    swapped = list(export_lines)
    swapped[swap_a - 1], swapped[swap_b - 1] = swapped[swap_b - 1], swapped[swap_a - 1]
    cases = [
        ("one posting's amount changed in one line (E-08)", edit(amount_seq - 1, change_amount), amount_seq,
         ["postings"]),
        ("two amounts of one line changed, still balanced (E-09, JPY)", edit(pair_seq - 1, change_pair), pair_seq,
         ["postings"]),
        ("two amounts and their USD amounts changed consistently (E-12, USD)",
         edit(usd_seq - 1, change_pair_and_usd), usd_seq, ["hash"]),
        ("a rate changed in its line", edit(rate_seq - 1, change_rate), rate_seq, ["hash"]),
        ("one line deleted", deleted, deleted_seq, ["seq"]),
        ("two lines swapped", swapped, swap_a, ["seq"]),
        ("one hash changed", edit(hash_seq - 1, change_hash), hash_seq, ["hash"]),
        ("one recorded_at changed", edit(recorded_seq - 1, change_recorded_at), recorded_seq, ["hash"]),
        ("one prev_hash changed", edit(prev_seq - 1, change_prev_hash), prev_seq, ["prev_hash"]),
    ]
    for number, (label, lines, seq, fields) in enumerate(cases, start=1):
        name = f"export-tampered-{number}.jsonl"
        write(name, lines)
        new = f"replayed-{number}.db"
        result = run(fundledger, ["replay", name, "--db", new], work)
        err = text(result.stderr)
        field_named = any(re.search(rf"(?<![A-Za-z_]){field}(?![A-Za-z_])", err) for field in fields)
        left = [f for f in (new, new + "-wal", new + "-shm") if os.path.exists(os.path.join(work, f))]
        checks.check(f"replay catches {label}: exit 1, stderr names seq {seq} and the field "
                     f"{' or '.join(fields)}, no new ledger left",
                     result.returncode == 1 and names_seq(err, seq) and field_named and not left,
                     f"exit {result.returncode}, stderr {err!r}, left behind {left}")

    # The intact export replays, and the new ledger verifies with the same head.
    write("export-intact.jsonl", export_lines)
    result = run(fundledger, ["replay", "export-intact.jsonl", "--db", "replayed-intact.db"], work)
    head = json.loads(export_lines[-1])["hash"]
    expected = f"replay: ok, {len(export_lines)} events"
    checks.check(f"the intact export replays: exit 0, '{expected}', head {head[:12]}...",
                 result.returncode == 0 and text(result.stdout).startswith(expected) and head in text(result.stdout),
                 f"exit {result.returncode}, stdout {text(result.stdout)!r}, stderr {text(result.stderr)!r}")
    result = run(fundledger, ["--db", "replayed-intact.db", "verify"], work)
    checks.check("the replayed ledger verifies with exit 0 and the same head",
                 result.returncode == 0 and f"verify: ok, {len(export_lines)} events, head {head}" in text(result.stdout),
                 f"exit {result.returncode}, stdout {text(result.stdout)!r}, stderr {text(result.stderr)!r}")


# ---- the test ------------------------------------------------------------------------------------

def body(checks, fundledger, work):
    with open(os.path.join(work, "journal.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        for event in journal_events():
            out.write(canonical(event) + "\n")
    ledger = "ledger.db"
    result = run(fundledger, ["--db", ledger, "init"], work)
    checks.check("init exits 0", result.returncode == 0, text(result.stderr))
    result = run(fundledger, ["--db", ledger, "import", "journal.jsonl"], work)
    checks.check("import of the fund, donors, rates and 30 entries exits 0", result.returncode == 0,
                 text(result.stderr))
    result = run(fundledger, ["--db", ledger, "export", "--out", "export.jsonl"], work)
    checks.check("export exits 0", result.returncode == 0, text(result.stderr))
    with open(os.path.join(work, "export.jsonl"), encoding="utf-8", newline="") as f:
        export_lines = f.read().split("\n")
    if export_lines and export_lines[-1] == "":
        export_lines.pop()
    events = [json.loads(line) for line in export_lines]
    checks.check(f"the export has {seq_of_entry(30)} events and entry E-nn is seq {INIT_EVENTS + 6}+nn",
                 len(events) == seq_of_entry(30)
                 and all(e["seq"] == seq_of_entry(int(e["id"][2:])) for e in events if e["type"] == "entry"),
                 f"{len(events)} events")

    # The hash chain as the README defines it, recomputed here: the tampering below breaks it.
    prev = "0" * 64
    broken = []
    for event in events:
        without = {k: v for k, v in event.items() if k != "hash"}
        digest = hashlib.sha256((prev + canonical(without)).encode("utf-8")).hexdigest()
        if event["prev_hash"] != prev or event["hash"] != digest:
            broken.append(event["seq"])
        prev = event["hash"]
    checks.check("every exported hash is SHA-256 of prev_hash and the canonical JSON (first prev_hash 64 zeros)",
                 not broken, f"broken at seq {broken[:5]}")
    checks.check("every export line is canonical JSON (keys sorted, no whitespace)",
                 all(canonical(json.loads(line)) == line for line in export_lines))

    result = run(fundledger, ["--db", ledger, "verify"], work)
    checks.check(f"the original ledger verifies: exit 0, 'verify: ok, {seq_of_entry(30)} events'",
                 result.returncode == 0 and text(result.stdout).startswith(f"verify: ok, {seq_of_entry(30)} events"),
                 f"exit {result.returncode}, stdout {text(result.stdout)!r}, stderr {text(result.stderr)!r}")

    database_cases(checks, fundledger, work, ledger)
    export_cases(checks, fundledger, work, export_lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    args = parser.parse_args()
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-tamper-") as work:
            body(checks, fundledger, work)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
