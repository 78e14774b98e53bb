#!/usr/bin/env python3
"""Crash consistency: a fundledger killed with SIGKILL leaves a ledger that is whole.

A large valid journal is generated (master data, rates and M entries in four currencies across three
funds). Then three kill loops run, each with seeded random delays spread evenly over the duration of
the operation (measured once, uninterrupted, before the loop):

  * import: a copy of a pristine initialized ledger, `fundledger import FILE`, SIGKILL after the
    delay; then the SQLite file passes `PRAGMA integrity_check`, `fundledger verify` exits 0, and
    the import is entirely present or entirely absent (the event count is the pristine count or the
    pristine count plus every line of the journal); the import run again exits 0 with the full
    count, verify exits 0, and the balances equal those of the uninterrupted run;
  * period close: a copy of a ledger with many entries in January 2024 (many donors, foreign
    currencies whose rate changes within the month, so the close revalues many balances),
    `fundledger period close 2024-01`, SIGKILL; then integrity, verify, and the month is closed with
    its close event (one more event and a seal) or open with neither; closing it again exits 0 and
    gives the balances of the uninterrupted close;
  * replay: the export of the closed January ledger (its entries and the close with its thousands of
    postings), `fundledger replay EXPORT --db NEW`, SIGKILL; then NEW does not exist, or it passes the
    integrity check and is not a ledger that verifies with fewer events than the journal (that
    would be a half-written ledger that an auditor could take for the result); what a second
    replay into the same NEW does is checked (it completes, or refuses with 73 because NEW exists),
    and a replay into a fresh NEW completes.

Usage: python3 crash_consistency.py --fundledger PATH [--kills N] [--events M] [--seed S]
       the suite runs the defaults (12 import kills, 60000 entries); the long run is
       --kills 300 --events 300000. Close and replay get a third of the kills (at least 4).
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

FAIL_DETAIL_LINES = 20


class Checks:
    def __init__(self, quiet_passes=False):
        self.passed = 0
        self.failed = 0
        self.quiet_passes = quiet_passes
        self.failures = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            if not self.quiet_passes:
                print(f"PASS {name}")
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"FAIL {name}")
            if detail:
                for line in str(detail).splitlines()[:FAIL_DETAIL_LINES]:
                    print(f"     {line}")
        return ok

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def environment():
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    env.pop("FUNDLEDGER_BUSY_TIMEOUT_MS", None)
    return env


def run(fundledger, args, cwd, timeout=600):
    return subprocess.run([fundledger] + args, cwd=cwd, env=environment(), capture_output=True, timeout=timeout)


def text(data):
    return data.decode("utf-8", errors="replace")


def describe(result):
    return f"exit {result.returncode}, stdout {text(result.stdout)[-300:]!r}, stderr {text(result.stderr)[-500:]!r}"


def remove_ledger(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def copy_ledger(source, target):
    remove_ledger(target)
    shutil.copyfile(source, target)
    for suffix in ("-wal",):
        if os.path.exists(source + suffix) and os.path.getsize(source + suffix) > 0:
            shutil.copyfile(source + suffix, target + suffix)


def integrity(path):
    """PRAGMA integrity_check through a read-only connection (it must not repair anything itself)."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
        return "ok" if rows == [("ok",)] else "; ".join(str(row[0]) for row in rows[:10])
    except sqlite3.Error as error:
        return f"sqlite3 error: {error}"


def stored_count(path, sql="SELECT COUNT(*) FROM events"):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


VERIFY_OK = re.compile(r"^verify: ok, (\d+) events")


def verify(fundledger, db, cwd):
    """(exit status, event count or None, result)."""
    result = run(fundledger, ["--db", db, "verify"], cwd)
    match = VERIFY_OK.match(text(result.stdout))
    return result.returncode, int(match.group(1)) if match else None, result


def balances(fundledger, db, cwd):
    result = run(fundledger, ["--db", db, "balances", "--group-by", "account,fund,donor,currency", "--format", "csv"],
                 cwd)
    return result.returncode, text(result.stdout)


def stratified_delays(rng, count, duration):
    """count delays in [0, duration), one in each of count equal slices, in random order."""
    delays = [(i + rng.random()) / count * duration for i in range(count)]
    rng.shuffle(delays)
    return delays


def start_and_kill(fundledger, args, cwd, delay):
    """Starts fundledger, SIGKILLs it after delay seconds; returns (killed, exit status)."""
    process = subprocess.Popen([fundledger] + args, cwd=cwd, env=environment(), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + delay
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            process.wait(timeout=remaining)
            break
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    status = process.wait()
    return status == -signal.SIGKILL, status


def timed(fundledger, args, cwd):
    started = time.monotonic()
    result = run(fundledger, args, cwd)
    return result, time.monotonic() - started


# ---- the journals ------------------------------------------------------------------------------

CURRENCIES = ["USD", "EUR", "GBP", "JPY"]
FUNDS = ["CPCJF", "UNTOC", "UNCAC"]
DONORS = ["DEU", "JPN", "GBR", "NOR", "FRA", "ITA"]


def amount_text(rng, currency):
    if currency == "JPY":
        return str(rng.randint(1000, 5_000_000))
    return f"{rng.randint(1, 2_000_000)}.{rng.randint(0, 99):02d}"


def big_journal(rng, entries):
    """Master data, rates, and `entries` entries: the journal that import is killed in."""
    events = [
        {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
        {"type": "fund", "code": "UNTOC", "name": "UNTOC funding mechanism", "kind": "special", "parent": "CPCJF"},
        {"type": "fund", "code": "UNCAC", "name": "UNCAC funding mechanism", "kind": "special", "parent": "CPCJF"},
    ]
    for code in DONORS:
        events.append({"type": "donor", "code": code, "name": f"Donor {code}", "category": "government",
                       "country": code[:2]})
    events.append({"type": "project", "code": "GLOT59", "name": "Trafficking in persons", "fund": "UNTOC"})
    events.append({"type": "project", "code": "GLOU68", "name": "Anti-corruption mentors", "fund": "UNCAC"})
    base = {"EUR": 0.91, "GBP": 0.78, "JPY": 141.0}
    for month in range(1, 13):
        for currency, rate in base.items():
            per_usd = rate * (1 + 0.01 * ((month * 7) % 5 - 2))
            digits = 2 if currency == "JPY" else 4
            events.append({"type": "rate", "currency": currency, "effective": f"2024-{month:02d}-01",
                           "per_usd": f"{per_usd:.{digits}f}"})
    for n in range(entries):
        currency = CURRENCIES[n % len(CURRENCIES)]
        fund = FUNDS[n % len(FUNDS)]
        date = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        amount = amount_text(rng, currency)
        kind = n % 10
        if kind < 6:  # a contribution
            donor = rng.choice(DONORS)
            postings = [
                {"account": "1100", "fund": fund, "currency": currency, "amount": amount, "donor": donor},
                {"account": "4200" if fund != "CPCJF" else "4100", "fund": fund, "currency": currency,
                 "amount": "-" + amount, "donor": donor},
            ]
        elif kind < 9:  # programme expenditure with support costs, paid in the same currency
            project = "GLOT59" if fund == "UNTOC" else "GLOU68" if fund == "UNCAC" else None
            if currency == "JPY":
                main, psc = int(amount), int(amount) * 13 // 100
                main_text, psc_text, total_text = str(main), str(psc), str(main + psc)
            else:
                cents = int(amount.replace(".", ""))
                psc = cents * 13 // 100
                main_text = f"{cents // 100}.{cents % 100:02d}"
                psc_text = f"{psc // 100}.{psc % 100:02d}"
                total_text = f"{(cents + psc) // 100}.{(cents + psc) % 100:02d}"
            first = {"account": "5200", "fund": fund, "currency": currency, "amount": main_text}
            second = {"account": "5300", "fund": fund, "currency": currency, "amount": psc_text}
            if project:
                first["project"] = project
                second["project"] = project
            postings = [first, second, {"account": "1100", "fund": fund, "currency": currency,
                                        "amount": "-" + total_text}]
        else:  # interest received
            postings = [
                {"account": "1100", "fund": fund, "currency": currency, "amount": amount},
                {"account": "4800", "fund": fund, "currency": currency, "amount": "-" + amount},
            ]
        events.append({"type": "entry", "id": f"CC-{n:07d}", "date": date, "memo": f"entry {n}",
                       "postings": postings})
    return events


def close_journal(rng, entries, donors):
    """Many January entries in foreign currencies over many donors, with a rate change in the month."""
    events = [
        {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
        {"type": "fund", "code": "UNTOC", "name": "UNTOC funding mechanism", "kind": "special", "parent": "CPCJF"},
    ]
    for d in range(donors):
        events.append({"type": "donor", "code": f"D{d:05d}", "name": f"Donor {d}", "category": "government",
                       "country": "DE"})
    events += [
        {"type": "rate", "currency": "EUR", "effective": "2024-01-01", "per_usd": "0.9123"},
        {"type": "rate", "currency": "GBP", "effective": "2024-01-01", "per_usd": "0.7865"},
        {"type": "rate", "currency": "JPY", "effective": "2024-01-01", "per_usd": "141.23"},
        {"type": "rate", "currency": "EUR", "effective": "2024-01-20", "per_usd": "0.9311"},
        {"type": "rate", "currency": "GBP", "effective": "2024-01-20", "per_usd": "0.7701"},
        {"type": "rate", "currency": "JPY", "effective": "2024-01-20", "per_usd": "144.01"},
    ]
    for n in range(entries):
        currency = CURRENCIES[n % len(CURRENCIES)]
        fund = FUNDS[n % 2]
        donor = f"D{n % donors:05d}"
        amount = amount_text(rng, currency)
        second = "4800" if n % 3 == 0 else ("4100" if fund == "CPCJF" else "4200")
        events.append({"type": "entry", "id": f"JAN-{n:07d}", "date": f"2024-01-{rng.randint(1, 31):02d}",
                       "postings": [
                           {"account": "1100", "fund": fund, "currency": currency, "amount": amount, "donor": donor},
                           {"account": second, "fund": fund, "currency": currency, "amount": "-" + amount,
                            "donor": donor}]})
    return events


def write_journal(path, events):
    with open(path, "w", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event, separators=(",", ":")))
            out.write("\n")


# ---- the kill loops ----------------------------------------------------------------------------

class Tally:
    def __init__(self, name):
        self.name = name
        self.kills = 0          # the process was killed by the signal
        self.finished_first = 0  # the process had finished before the signal was due
        self.survived = 0       # every check after the kill passed
        self.outcomes = {}

    def progress(self, done):
        if done % 25 == 0:
            print(f"  {self.name}: {done} runs, {self.survived} survived", flush=True)

    def note(self, outcome):
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1

    def summary(self):
        outcomes = ", ".join(f"{count} {name}" for name, count in sorted(self.outcomes.items()))
        return (f"{self.name}: {self.survived} of {self.kills + self.finished_first} runs survived "
                f"({self.kills} killed, {self.finished_first} finished before the signal; {outcomes})")


def import_loop(checks, fundledger, work, rng, kills, journal, journal_lines):
    tally = Tally("import")
    pristine = os.path.join(work, "pristine.db")
    result = run(fundledger, ["--db", pristine, "init"], work)
    if not checks.check("init creates the pristine ledger", result.returncode == 0, describe(result)):
        return tally, None
    status, pristine_count, result = verify(fundledger, pristine, work)
    checks.check("the pristine ledger verifies", status == 0 and pristine_count is not None, describe(result))
    full_count = pristine_count + journal_lines

    reference = os.path.join(work, "import-reference.db")
    copy_ledger(pristine, reference)
    result, duration = timed(fundledger, ["--db", reference, "import", journal], work)
    checks.check(f"the uninterrupted import exits 0 ({duration:.2f} s)", result.returncode == 0, describe(result))
    status, count, result = verify(fundledger, reference, work)
    checks.check(f"after the uninterrupted import verify says ok with {full_count} events",
                 status == 0 and count == full_count, describe(result))
    _, reference_balances = balances(fundledger, reference, work)
    print(f"import: {journal_lines} events in {duration:.2f} s; killing {kills} times within that")

    victim = os.path.join(work, "import-victim.db")
    for i, delay in enumerate(stratified_delays(rng, kills, duration)):
        copy_ledger(pristine, victim)
        killed, exit_status = start_and_kill(fundledger, ["--db", victim, "import", journal], work, delay)
        label = f"import kill {i + 1} at {delay:.3f} s"
        ok = True
        if killed:
            tally.kills += 1
        else:
            tally.finished_first += 1
            ok &= checks.check(f"{label}: finished before the signal with exit 0", exit_status == 0,
                               f"exit {exit_status}")
        verdict = integrity(victim)
        ok &= checks.check(f"{label}: PRAGMA integrity_check is ok", verdict == "ok", verdict)
        status, count, result = verify(fundledger, victim, work)
        ok &= checks.check(f"{label}: verify exits 0", status == 0, describe(result))
        ok &= checks.check(f"{label}: the import is all there or not there ({count} events; "
                           f"{pristine_count} or {full_count} expected)",
                           count in (pristine_count, full_count), describe(result))
        if count is not None:
            stored = stored_count(victim)
            ok &= checks.check(f"{label}: the events table holds what verify counted", stored == count,
                               f"{stored} rows, verify said {count}")
        tally.note("absent" if count == pristine_count else "present" if count == full_count else "partial")
        result = run(fundledger, ["--db", victim, "import", journal], work)
        ok &= checks.check(f"{label}: the import run again exits 0", result.returncode == 0, describe(result))
        if count in (pristine_count, full_count):
            recorded = journal_lines if count == pristine_count else 0
            expected = (f"imported {journal_lines} events: {recorded} recorded, "
                        f"{journal_lines - recorded} already recorded")
            ok &= checks.check(f"{label}: it says '{expected}'", expected in text(result.stderr), describe(result))
        status, count, result = verify(fundledger, victim, work)
        ok &= checks.check(f"{label}: then verify says ok with {full_count} events",
                           status == 0 and count == full_count, describe(result))
        _, after = balances(fundledger, victim, work)
        ok &= checks.check(f"{label}: then the balances equal those of the uninterrupted import",
                           after == reference_balances, "the balances differ")
        if ok:
            tally.survived += 1
        tally.progress(i + 1)
    remove_ledger(victim)
    return tally, reference


def close_loop(checks, fundledger, work, rng, kills, journal):
    tally = Tally("period close")
    reference = os.path.join(work, "close-reference.db")
    pristine = os.path.join(work, "close-pristine.db")
    result = run(fundledger, ["--db", pristine, "init"], work)
    checks.check("init creates the ledger to close", result.returncode == 0, describe(result))
    result = run(fundledger, ["--db", pristine, "import", journal], work)
    checks.check("the January entries import", result.returncode == 0, describe(result))
    status, pristine_count, result = verify(fundledger, pristine, work)
    checks.check("the ledger to close verifies", status == 0 and pristine_count is not None, describe(result))
    if pristine_count is None:
        return tally, None

    copy_ledger(pristine, reference)
    result, duration = timed(fundledger, ["--db", reference, "period", "close", "2024-01"], work)
    checks.check(f"the uninterrupted close exits 0 ({duration:.2f} s)", result.returncode == 0, describe(result))
    status, count, result = verify(fundledger, reference, work)
    checks.check(f"after the uninterrupted close verify says ok with {pristine_count + 1} events",
                 status == 0 and count == pristine_count + 1, describe(result))
    postings = stored_count(reference, "SELECT COUNT(*) FROM postings WHERE seq = (SELECT MAX(seq) FROM events)")
    _, reference_balances = balances(fundledger, reference, work)
    print(f"period close: {pristine_count} events before, the close posts {postings} postings in "
          f"{duration:.2f} s; killing {kills} times within that")

    victim = os.path.join(work, "close-victim.db")
    for i, delay in enumerate(stratified_delays(rng, kills, duration)):
        copy_ledger(pristine, victim)
        killed, exit_status = start_and_kill(fundledger, ["--db", victim, "period", "close", "2024-01"], work, delay)
        label = f"close kill {i + 1} at {delay:.3f} s"
        ok = True
        if killed:
            tally.kills += 1
        else:
            tally.finished_first += 1
            ok &= checks.check(f"{label}: finished before the signal with exit 0", exit_status == 0,
                               f"exit {exit_status}")
        verdict = integrity(victim)
        ok &= checks.check(f"{label}: PRAGMA integrity_check is ok", verdict == "ok", verdict)
        status, count, result = verify(fundledger, victim, work)
        ok &= checks.check(f"{label}: verify exits 0", status == 0, describe(result))
        ok &= checks.check(f"{label}: the close is all there or not there ({count} events)",
                           count in (pristine_count, pristine_count + 1), describe(result))
        sealed = stored_count(victim, "SELECT COUNT(*) FROM periods WHERE period = '2024-01'")
        closed = count == pristine_count + 1
        ok &= checks.check(f"{label}: the seal is there exactly when the close event is",
                           sealed == (1 if closed else 0), f"{sealed} seal rows, {count} events")
        listing = run(fundledger, ["--db", victim, "period", "list"], work)
        listed_closed = re.search(r"^2024-01\s+closed\b", text(listing.stdout), re.M) is not None
        ok &= checks.check(f"{label}: period list agrees ({'closed' if closed else 'open'})",
                           listing.returncode == 0 and listed_closed == closed, describe(listing))
        tally.note("closed" if closed else "open")
        result = run(fundledger, ["--db", victim, "period", "close", "2024-01"], work)
        ok &= checks.check(f"{label}: closing again exits 0", result.returncode == 0, describe(result))
        status, count, result = verify(fundledger, victim, work)
        ok &= checks.check(f"{label}: then verify says ok with {pristine_count + 1} events",
                           status == 0 and count == pristine_count + 1, describe(result))
        _, after = balances(fundledger, victim, work)
        ok &= checks.check(f"{label}: then the balances equal those of the uninterrupted close",
                           after == reference_balances, "the balances differ")
        if ok:
            tally.survived += 1
        tally.progress(i + 1)
    remove_ledger(victim)
    return tally, reference


def replay_loop(checks, fundledger, work, rng, kills, source_ledger):
    tally = Tally("replay")
    export = os.path.join(work, "export.jsonl")
    result = run(fundledger, ["--db", source_ledger, "export", "--out", export], work)
    if not checks.check("the closed January ledger exports", result.returncode == 0, describe(result)):
        return tally
    with open(export, "rb") as f:
        journal_count = sum(1 for line in f if line.strip())
    fresh = os.path.join(work, "replay-reference.db")
    remove_ledger(fresh)
    result, duration = timed(fundledger, ["replay", export, "--db", fresh], work)
    checks.check(f"the uninterrupted replay exits 0 ({duration:.2f} s)", result.returncode == 0, describe(result))
    remove_ledger(fresh)
    print(f"replay: {journal_count} events in {duration:.2f} s; killing {kills} times within that")

    new = os.path.join(work, "replayed.db")
    half_written = []
    second_replay = {}
    for i, delay in enumerate(stratified_delays(rng, kills, duration)):
        remove_ledger(new)
        killed, exit_status = start_and_kill(fundledger, ["replay", export, "--db", new], work, delay)
        label = f"replay kill {i + 1} at {delay:.3f} s"
        ok = True
        if killed:
            tally.kills += 1
        else:
            tally.finished_first += 1
            ok &= checks.check(f"{label}: finished before the signal with exit 0", exit_status == 0,
                               f"exit {exit_status}")
        if not os.path.exists(new):
            tally.note("no NEW")
            strays = [s for s in ("-wal", "-shm", "-journal") if os.path.exists(new + s)]
            ok &= checks.check(f"{label}: NEW is absent, and so are its -wal and -shm", not strays,
                               f"left behind: {strays}")
        else:
            verdict = integrity(new)
            ok &= checks.check(f"{label}: the NEW left behind passes PRAGMA integrity_check", verdict == "ok", verdict)
            status, count, result = verify(fundledger, new, work)
            if status == 0 and count == journal_count:
                tally.note("NEW complete")
            elif status == 0:
                tally.note("NEW half-written")
                half_written.append((round(delay, 3), count))
            else:
                tally.note("NEW that fails verify")
            ok &= checks.check(
                f"{label}: the NEW left behind is not a half-written ledger that verifies "
                f"(verify exit {status}, {count} of {journal_count} events)",
                not (status == 0 and count is not None and count < journal_count),
                f"`fundledger --db NEW verify` exits 0 and says {count} events, but the journal has "
                f"{journal_count}: an auditor cannot tell this ledger from a complete replay")
            # What a second replay into the same NEW does: complete it, or refuse because it exists.
            again = run(fundledger, ["replay", export, "--db", new], work)
            outcome = f"exit {again.returncode}"
            second_replay[outcome] = second_replay.get(outcome, 0) + 1
            refused = again.returncode == 73 and "exists" in text(again.stderr)
            completed = again.returncode == 0 and verify(fundledger, new, work)[1] == journal_count
            ok &= checks.check(f"{label}: a second replay into the same NEW completes or refuses with 73 "
                               f"(NEW exists)", refused or completed, describe(again))
        remove_ledger(new)
        result = run(fundledger, ["replay", export, "--db", new], work)
        status, count, vresult = verify(fundledger, new, work)
        ok &= checks.check(f"{label}: a replay into a fresh NEW then completes and verifies with "
                           f"{journal_count} events",
                           result.returncode == 0 and status == 0 and count == journal_count,
                           describe(result) + "\n" + describe(vresult))
        if ok:
            tally.survived += 1
        tally.progress(i + 1)
    remove_ledger(new)
    if half_written:
        print(f"replay: {len(half_written)} kill(s) left a NEW that verifies with fewer events than the journal "
              f"(delay s, events): {half_written[:10]}")
    if second_replay:
        print(f"replay: a second replay into a NEW left behind by a kill: "
              f"{', '.join(f'{n} x {k}' for k, n in sorted(second_replay.items()))}")
    return tally


def body(checks, fundledger, work, args):
    rng = random.Random(args.seed)
    started = time.monotonic()
    journal = os.path.join(work, "journal.jsonl")
    events = big_journal(rng, args.events)
    write_journal(journal, events)
    close_events = close_journal(rng, args.close_entries, args.close_donors)
    close_file = os.path.join(work, "january.jsonl")
    write_journal(close_file, close_events)
    print(f"generated {len(events)} events ({os.path.getsize(journal) // 1024} KiB) and {len(close_events)} "
          f"January events in {time.monotonic() - started:.1f} s")

    tallies = []
    phase = time.monotonic()
    tally, _ = import_loop(checks, fundledger, work, rng, args.kills, journal, len(events))
    tallies.append(tally)
    print(f"{tally.summary()} [{time.monotonic() - phase:.1f} s]")

    phase = time.monotonic()
    tally, reference = close_loop(checks, fundledger, work, rng, args.close_kills, close_file)
    tallies.append(tally)
    print(f"{tally.summary()} [{time.monotonic() - phase:.1f} s]")

    if reference:
        phase = time.monotonic()
        tally = replay_loop(checks, fundledger, work, rng, args.replay_kills, reference)
        tallies.append(tally)
        print(f"{tally.summary()} [{time.monotonic() - phase:.1f} s]")

    total_runs = sum(t.kills + t.finished_first for t in tallies)
    print(f"kills survived: {sum(t.survived for t in tallies)} of {total_runs} "
          f"({sum(t.kills for t in tallies)} processes killed); "
          + "; ".join(f"{t.name} {t.survived}/{t.kills + t.finished_first}" for t in tallies))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--kills", type=int, default=12, help="import kills (default 12; the long run: 300)")
    parser.add_argument("--events", type=int, default=60000, help="entries in the journal (long run: 300000)")
    parser.add_argument("--close-kills", type=int, default=None, help="period close kills (default kills/3, >= 4)")
    parser.add_argument("--replay-kills", type=int, default=None, help="replay kills (default kills/3, >= 4)")
    parser.add_argument("--close-entries", type=int, default=None,
                        help="January entries of the close ledger (default events/3, >= 5000)")
    parser.add_argument("--close-donors", type=int, default=2000, help="donors of the close ledger")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--quiet", action="store_true", help="print only failing checks (and the summaries)")
    args = parser.parse_args()
    if args.close_kills is None:
        args.close_kills = max(4, args.kills // 3)
    if args.replay_kills is None:
        args.replay_kills = max(4, args.kills // 3)
    if args.close_entries is None:
        args.close_entries = max(5000, args.events // 3)
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks(quiet_passes=args.quiet)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-crash-") as work:
            body(checks, fundledger, work, args)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
