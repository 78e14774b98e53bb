#!/usr/bin/env python3
"""The rules of the period close (ledger/README.md, "Periods and the close"), with exact figures.

A small ledger of three funds (CPCJF, UNTOC operated within it, a PSC fund named by the psc_fund
setting), two donors and an EUR rate that moves in February and December is closed month by month
through 2024, with every figure worked out by hand below. The checks:

  * months close in order: closing 2024-02 first, or 2024-03 before 2024-02, exits 65 and the
    message names the month that must be closed next;
  * nothing may be dated in a closed month: an entry or a receipt dated in one exits 65, names the
    month, and records nothing;
  * the revaluation of an EUR cash balance at the end of February goes to 4710 and is reversed on
    1 March (balances --as-of 2024-02-29 against --as-of 2024-03-01);
  * the year-end: after closing December every revenue and expense account of 2024 is 0 as of
    2024-12-31, 3100 holds each fund's surplus of the year, and the December revaluation is not
    reversed on 2025-01-01;
  * only the latest closed month reopens (an earlier one exits 65); a reopening reverses what the
    close appended (the balances as of the last day, and of the first day of the next month, are
    those before the close) and closing again redoes the close;
  * `period list` shows every month's state and seal: the head hash is the hash of the close event,
    the balances hash the SHA-256 of the closing balances listed as close.cpp documents them;
  * `verify` checks the seals: a posting of a closed month changed in the database (its
    immutability triggers off, the balance row changed with it) is caught; when the hash chain and the head seals are rewritten
    to match as well, so that only the balances seal can tell, verify exits 1 naming the seal of
    the month;
  * export -> replay of this ledger (closes and two reopenings) reproduces the head hash (replay
    prints the head that verify prints) and a byte-identical export.

Usage: python3 close_rules.py --fundledger PATH [--keep DIR]
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
import stores

MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0}

# ---- the ledger and its figures, worked by hand ---------------------------------------------------
#
# EUR per USD: 0.80 from 2024-01-01, 0.78 from 2024-02-01, 0.80 from 2024-03-01, 0.85 from 2024-12-01.
#
# P-DEU-1   2024-01-05  DEU pledges EUR 100,000.00 to CPCJF, general purpose, at 0.80:
#                       100,000.00 / 0.80 = 125,000.00 USD: Dr 1200 / Cr 4100 125,000.00.
# R-DEU-1   2024-01-10  DEU pays EUR 100,000.00 at 0.80 = 125,000.00 USD: Dr 1100 / Cr 1200
#                       125,000.00 (the carrying USD, all of it), no exchange difference.
# P-NOR-1   2024-03-15  NOR pledges USD 50,000.00 to UNTOC, special purpose: Dr 1200 / Cr 4200.
# R-NOR-1   2024-03-20  NOR pays USD 50,000.00: Dr 1100 / Cr 1200 50,000.00.
# X-1       2024-04-10  UNTOC spends USD 10,000.00 on its programme, PSC 13% = 1,300.00:
#                       UNTOC Dr 5200 10,000.00, Dr 5300 1,300.00 / Cr 1100 11,300.00;
#                       PSC   Dr 1100 1,300.00 / Cr 4300 1,300.00.
# I-1       2024-06-30  interest USD 1,000.00 over the cash of 2024-06-29: CPCJF 125,000.00, UNTOC
#                       50,000.00 - 11,300.00 = 38,700.00, PSC 1,300.00; total 165,000.00.
#                       In cents, 100,000 x 125,000/165,000 = 75,757.57, x 38,700/165,000 = 23,454.54,
#                       x 1,300/165,000 = 787.87: floors 75,757 + 23,454 + 787 = 99,998, the 2 cents
#                       left go to the largest remainders (.87 PSC, .57 CPCJF):
#                       CPCJF 757.58, UNTOC 234.54, PSC 7.88 (sum 1,000.00).
#
# The close of 2024-02 restates CPCJF's EUR 100,000.00 of cash at the rate of 2024-02-29, 0.78:
#   100,000.00 / 0.78 = 128,205.128... = 128,205.13 USD; carried at 125,000.00, so
#   Dr 1100 3,205.13 / Cr 4710 3,205.13 dated 2024-02-29, and the reverse dated 2024-03-01.
# The closes of 2024-01 and 2024-03 .. 2024-11 restate it at 0.80: 125,000.00, no difference.
# The close of 2024-12 restates it at 0.85: 100,000.00 / 0.85 = 117,647.0588... = 117,647.06,
#   Dr 4710 7,352.94 / Cr 1100 7,352.94 dated 2024-12-31, not reversed.
# The year-end then moves the revenue and expenses of 2024 into 3100, per fund:
#   CPCJF 125,000.00 (4100) + 757.58 (4800) - 7,352.94 (4710) = 118,404.64 surplus
#   UNTOC  50,000.00 (4200) + 234.54 (4800) - 10,000.00 (5200) - 1,300.00 (5300) = 38,934.54
#   PSC     1,300.00 (4300) +   7.88 (4800) = 1,307.88
# and the cash that holds them: CPCJF 117,647.06 + 757.58 = 118,404.64, UNTOC 38,700.00 + 234.54 =
# 38,934.54, PSC 1,300.00 + 7.88 = 1,307.88.

MASTER = [
    {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
    {"type": "fund", "code": "UNTOC", "name": "UNTOC funding mechanism", "kind": "special", "parent": "CPCJF"},
    {"type": "fund", "code": "PSC", "name": "Programme support costs", "kind": "psc"},
    {"type": "donor", "code": "DEU", "name": "Germany", "category": "government", "country": "DE"},
    {"type": "donor", "code": "NOR", "name": "Norway", "category": "government", "country": "NO"},
    {"type": "setting", "key": "psc_fund", "value": "PSC"},
    {"type": "rate", "currency": "EUR", "effective": "2024-01-01", "per_usd": "0.80"},
    {"type": "rate", "currency": "EUR", "effective": "2024-02-01", "per_usd": "0.78"},
    {"type": "rate", "currency": "EUR", "effective": "2024-03-01", "per_usd": "0.80"},
    {"type": "rate", "currency": "EUR", "effective": "2024-12-01", "per_usd": "0.85"},
]
EVENTS = [
    {"type": "pledge", "id": "P-DEU-1", "donor": "DEU", "fund": "CPCJF", "purpose": "general", "currency": "EUR",
     "amount": "100000.00", "signed": "2024-01-05"},
    {"type": "receipt", "id": "R-DEU-1", "date": "2024-01-10", "fund": "CPCJF", "currency": "EUR",
     "amount": "100000.00", "pledge": "P-DEU-1"},
    {"type": "pledge", "id": "P-NOR-1", "donor": "NOR", "fund": "UNTOC", "purpose": "special", "currency": "USD",
     "amount": "50000.00", "signed": "2024-03-15"},
    {"type": "receipt", "id": "R-NOR-1", "date": "2024-03-20", "fund": "UNTOC", "currency": "USD",
     "amount": "50000.00", "pledge": "P-NOR-1"},
    {"type": "expense", "id": "X-1", "fund": "UNTOC", "date": "2024-04-10", "currency": "USD", "amount": "10000.00",
     "category": "programme"},
    {"type": "interest", "id": "I-1", "date": "2024-06-30", "amount": "1000.00"},
]

# The balances the hand computation above gives (USD, debit positive), by (account, fund).
FEB_CLOSED_AS_OF_0229 = {("1100", "CPCJF"): "128205.13", ("4710", "CPCJF"): "-3205.13"}
FEB_CLOSED_AS_OF_0301 = {("1100", "CPCJF"): "125000.00", ("4710", "CPCJF"): "0.00"}
YEAR_SURPLUS = {"CPCJF": "118404.64", "UNTOC": "38934.54", "PSC": "1307.88"}
YEAR_END_CASH = {"CPCJF": "118404.64", "UNTOC": "38934.54", "PSC": "1307.88"}
INTEREST = {"CPCJF": "757.58", "UNTOC": "234.54", "PSC": "7.88"}
DECEMBER_REVALUATION = "-7352.94"  # on CPCJF's 1100, and +7,352.94 on its 4710, dated 2024-12-31


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}")
            if detail:
                for line in str(detail).splitlines()[:25]:
                    print(f"     {line}")
        return ok

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def text(data):
    return data.decode("utf-8", errors="replace")


class Program:
    def __init__(self, fundledger, work, db):
        self.fundledger = fundledger
        self.work = work
        self.db = db

    def __call__(self, *args, db=None):
        env = dict(os.environ)
        env.pop("FUNDLEDGER_DB", None)
        env["NO_COLOR"] = "1"
        return subprocess.run([self.fundledger] + stores.current.rewrite(["--db", db or self.db] + list(args)), cwd=self.work, env=env,
                              capture_output=True, timeout=60)


def described(result):
    return (f"exit {result.returncode}, stdout {text(result.stdout)[:400]!r}, "
            f"stderr {text(result.stderr)[:600]!r}")


def balances(fl, as_of, keys="account,fund", extra=()):
    """balances --as-of D --group-by keys --format csv as {key tuple: balance text}; rows with a 0
    balance (debits equal to credits) are left out, so that two ledgers with the same balances
    compare equal whatever postings they took."""
    result = fl("balances", "--as-of", as_of, "--group-by", keys, "--format", "csv", *extra)
    if result.returncode != 0:
        raise RuntimeError(f"balances --as-of {as_of}: {described(result)}")
    names = keys.split(",")
    rows = {}
    for row in csv.DictReader(io.StringIO(text(result.stdout))):
        if Decimal(row["balance"]) != 0:
            rows[tuple(row[k] for k in names)] = row["balance"]
    return rows


def balance_of(rows, *key):
    return rows.get(tuple(key), "0.00")


def write_jsonl(work, name, events):
    with open(os.path.join(work, name), "w", encoding="utf-8", newline="\n") as out:
        for event in events:
            out.write(canonical(event) + "\n")


def difference(a, b):
    keys = sorted(set(a) | set(b))
    return "\n".join(f"{','.join(k)}: {a.get(k, '0.00')} vs {b.get(k, '0.00')}" for k in keys
                     if Decimal(a.get(k, "0")) != Decimal(b.get(k, "0")))


def event_count(fl):
    result = fl("verify")
    match = re.search(r"verify: ok, (\d+) events, head ([0-9a-f]{64})", text(result.stdout))
    return (int(match.group(1)), match.group(2)) if match else (None, None)


# The months whose EUR rate is one published in an earlier month: their close says so.
STALE_MONTHS = {f"2024-{month:02d}" for month in range(4, 12)}


def close(checks, fl, period):
    stale = ["--allow-stale-rates"] if period in STALE_MONTHS else []
    result = fl("period", "close", period, *stale)
    checks.check(f"period close {period} exits 0", result.returncode == 0, described(result))


# ---- the checks ---------------------------------------------------------------------------------

def order_and_lock(checks, fl, work):
    result = fl("period", "close", "2024-02")
    checks.check("closing 2024-02 before 2024-01 (the month of the earliest entry) exits 65 and names 2024-01",
                 result.returncode == 65 and "2024-01" in text(result.stderr), described(result))
    close(checks, fl, "2024-01")
    result = fl("period", "close", "2024-03")
    checks.check("closing 2024-03 while 2024-02 is open exits 65 and names 2024-02 as the next to close",
                 result.returncode == 65 and re.search(r"next to close is 2024-02\b", text(result.stderr)) is not None,
                 described(result))
    result = fl("period", "close", "2025-06")
    checks.check("closing 2025-06 (far ahead) exits 65 and names 2024-02 as the next to close",
                 result.returncode == 65 and re.search(r"next to close is 2024-02\b", text(result.stderr)) is not None,
                 described(result))
    before = event_count(fl)
    write_jsonl(work, "late-entry.jsonl", [
        {"type": "entry", "id": "LATE-1", "date": "2024-01-31", "memo": "A late bank charge",
         "postings": [{"account": "5200", "fund": "CPCJF", "currency": "USD", "amount": "10.00"},
                      {"account": "1100", "fund": "CPCJF", "currency": "USD", "amount": "-10.00"}]}])
    result = fl("import", "late-entry.jsonl")
    checks.check("an entry dated 2024-01-31, in the closed month 2024-01, exits 65 and names 2024-01 as closed",
                 result.returncode == 65 and re.search(r"2024-01\b.*closed", text(result.stderr)) is not None,
                 described(result))
    write_jsonl(work, "late-receipt.jsonl", [
        {"type": "receipt", "id": "LATE-2", "date": "2024-01-15", "fund": "CPCJF", "currency": "EUR",
         "amount": "500.00", "donor": "DEU"}])
    result = fl("import", "late-receipt.jsonl")
    checks.check("a receipt dated 2024-01-15, in the closed month 2024-01, exits 65 and names 2024-01 as closed",
                 result.returncode == 65 and re.search(r"2024-01\b.*closed", text(result.stderr)) is not None,
                 described(result))
    checks.check("the refused events recorded nothing (same count and head as before)",
                 event_count(fl) == before and before[0] is not None, f"{before} then {event_count(fl)}")


def revaluation_and_reopen(checks, fl):
    """February: the revaluation and its reversal; reopening and closing again."""
    before_0229 = balances(fl, "2024-02-29")
    before_0301 = balances(fl, "2024-03-01")
    checks.check("before the close of 2024-02, CPCJF's cash is carried at 125,000.00 (EUR 100,000.00 at 0.80)",
                 balance_of(before_0229, "1100", "CPCJF") == "125000.00", str(before_0229))
    close(checks, fl, "2024-02")
    after_0229 = balances(fl, "2024-02-29")
    after_0301 = balances(fl, "2024-03-01")
    for key, expected in FEB_CLOSED_AS_OF_0229.items():
        checks.check(f"as of 2024-02-29, {key[0]} {key[1]} is {expected}: EUR 100,000.00 / 0.78 = 128,205.13, "
                     f"revalued by +3,205.13 against 4710", balance_of(after_0229, *key) == expected,
                     f"got {balance_of(after_0229, *key)}")
    for key, expected in FEB_CLOSED_AS_OF_0301.items():
        checks.check(f"as of 2024-03-01, {key[0]} {key[1]} is {expected}: the revaluation is reversed on the first "
                     f"day of the next month", balance_of(after_0301, *key) == expected,
                     f"got {balance_of(after_0301, *key)}")
    moved = balances(fl, "2024-03-01", "account,fund", ("--from", "2024-02-29"))
    checks.check("the close posted exactly 1100 and 4710 of CPCJF on 2024-02-29..03-01, netting to 0 over the two days",
                 moved == {}, str(moved))
    currency = balances(fl, "2024-02-29", "account,fund,currency")
    checks.check("the revaluation moves USD only: CPCJF still holds EUR 100,000.00 of cash",
                 balance_of(currency, "1100", "CPCJF", "EUR") == "100000.00", str(currency))
    others = {k: v for k, v in after_0229.items() if k not in FEB_CLOSED_AS_OF_0229}
    checks.check("every other balance as of 2024-02-29 is as before the close",
                 others == {k: v for k, v in before_0229.items() if k not in FEB_CLOSED_AS_OF_0229},
                 difference(others, before_0229))

    result = fl("period", "reopen", "2024-01", "--reason", "Wrong month")
    checks.check("reopening 2024-01 while 2024-02 is the latest closed month exits 65 and names 2024-02",
                 result.returncode == 65 and "2024-02" in text(result.stderr), described(result))
    result = fl("period", "reopen", "2024-02")
    checks.check("reopening without a reason is refused (exit 64 or 65)", result.returncode in (64, 65),
                 described(result))
    result = fl("period", "reopen", "2024-02", "--reason", "Late bank statement from the field office")
    checks.check("reopening 2024-02 (the latest closed month) with a reason exits 0", result.returncode == 0,
                 described(result))
    checks.check("after the reopening, the balances as of 2024-02-29 are those before the close",
                 balances(fl, "2024-02-29") == before_0229, difference(balances(fl, "2024-02-29"), before_0229))
    checks.check("after the reopening, the balances as of 2024-03-01 are those before the close",
                 balances(fl, "2024-03-01") == before_0301, difference(balances(fl, "2024-03-01"), before_0301))
    listing = period_list(fl)
    checks.check("period list shows 2024-02 open again (no seal) and 2024-01 still closed",
                 listing.get("2024-02", {}).get("state") == "open" and listing["2024-02"]["head_hash"] == ""
                 and listing.get("2024-01", {}).get("state") == "closed", str(listing))
    close(checks, fl, "2024-02")
    checks.check("closing 2024-02 again redoes the close: balances as of 2024-02-29 as after the first close",
                 balances(fl, "2024-02-29") == after_0229, difference(balances(fl, "2024-02-29"), after_0229))
    checks.check("... and as of 2024-03-01 as after the first close",
                 balances(fl, "2024-03-01") == after_0301, difference(balances(fl, "2024-03-01"), after_0301))


def year_end(checks, fl):
    for month in range(3, 12):
        close(checks, fl, f"2024-{month:02d}")
    before = balances(fl, "2024-12-31")
    before_next = balances(fl, "2025-01-01")
    for fund, amount in INTEREST.items():
        checks.check(f"interest of 1,000.00 apportioned by cash: {fund} gets {amount}",
                     balance_of(before, "4800", fund) == "-" + amount, f"got {balance_of(before, '4800', fund)}")
    close(checks, fl, "2024-12")
    after = balances(fl, "2024-12-31")
    left = {k: v for k, v in after.items() if k[0][0] in "45"}
    checks.check("after closing 2024-12, every revenue and expense account is 0 as of 2024-12-31", left == {},
                 str(left))
    for fund, surplus in YEAR_SURPLUS.items():
        checks.check(f"3100 of {fund} holds its surplus of 2024, {surplus} (a credit)",
                     balance_of(after, "3100", fund) == "-" + surplus, f"got {balance_of(after, '3100', fund)}")
    for fund, cash in YEAR_END_CASH.items():
        checks.check(f"1100 of {fund} is {cash} as of 2024-12-31", balance_of(after, "1100", fund) == cash,
                     f"got {balance_of(after, '1100', fund)}")
    december = balances(fl, "2024-12-31", "account,fund", ("--from", "2024-12-31"))
    checks.check(f"the December revaluation: 1100 CPCJF {DECEMBER_REVALUATION} on 2024-12-31 "
                 f"(EUR 100,000.00 / 0.85 = 117,647.06 against 125,000.00)",
                 balance_of(december, "1100", "CPCJF") == DECEMBER_REVALUATION, str(december))
    next_day = balances(fl, "2025-01-01")
    checks.check("the December revaluation is not reversed: balances as of 2025-01-01 equal those of 2024-12-31",
                 next_day == after, difference(next_day, after))
    posted = balances(fl, "2025-01-01", "account,fund", ("--from", "2025-01-01"))
    checks.check("nothing at all is posted on 2025-01-01", posted == {}, str(posted))
    result = fl("report", "financial-performance", "--period", "2024", "--format", "csv")
    rows = {row["line"]: row for row in csv.DictReader(io.StringIO(text(result.stdout)))}
    surplus = rows.get("Surplus/(deficit)", {})
    checks.check("the 2024 statement of financial performance still shows the year's surplus per fund "
                 "(the year-end postings are not part of it)",
                 all(surplus.get(fund) == value for fund, value in YEAR_SURPLUS.items()), str(surplus))

    result = fl("period", "reopen", "2024-11", "--reason", "Wrong month")
    checks.check("reopening 2024-11 while 2024-12 is the latest closed month exits 65 and names 2024-12",
                 result.returncode == 65 and "2024-12" in text(result.stderr), described(result))
    result = fl("period", "reopen", "2024-12", "--reason", "Audit adjustment")
    checks.check("reopening 2024-12 exits 0", result.returncode == 0, described(result))
    checks.check("after reopening 2024-12, the balances as of 2024-12-31 are those before its close "
                 "(revenue and expenses back, 3100 empty, the revaluation gone)",
                 balances(fl, "2024-12-31") == before, difference(balances(fl, "2024-12-31"), before))
    checks.check("... and as of 2025-01-01 too", balances(fl, "2025-01-01") == before_next,
                 difference(balances(fl, "2025-01-01"), before_next))
    close(checks, fl, "2024-12")
    checks.check("closing 2024-12 again redoes the year-end: balances as of 2024-12-31 as after the first close",
                 balances(fl, "2024-12-31") == after, difference(balances(fl, "2024-12-31"), after))


def period_list(fl):
    result = fl("period", "list", "--format", "csv")
    if result.returncode != 0:
        raise RuntimeError(f"period list: {described(result)}")
    return {row["period"]: row for row in csv.DictReader(io.StringIO(text(result.stdout)))}


def export_events(fl, work, name, db=None):
    result = fl("export", "--out", name, db=db)
    if result.returncode != 0:
        raise RuntimeError(f"export: {described(result)}")
    with open(os.path.join(work, name), encoding="utf-8", newline="") as f:
        return [json.loads(line) for line in f.read().splitlines()]


def closing_balances_hash(events, last_day):
    """The seal as close.cpp documents it: SHA-256 of account|fund|donor|project|pledge|currency|
    amount|functional_amount lines for every group with a non-zero balance as of the day, sorted by
    the codes."""
    sums = {}
    for event in events:
        for posting in event.get("postings", []):
            day = posting.get("date") or event.get("date") or event.get("signed")
            if event["type"] in ("period_close", "period_reopen") and not posting.get("date"):
                day = period_last_day(event["period"])
            if day > last_day:
                continue
            key = (posting["account"], posting["fund"], posting.get("donor", ""), posting.get("project", ""),
                   posting.get("pledge", ""), posting["currency"])
            amount, usd = sums.get(key, (Decimal(0), Decimal(0)))
            sums[key] = (amount + Decimal(posting["amount"]), usd + Decimal(posting["functional_amount"]))
    listing = ""
    for key in sorted(k for k, (a, u) in sums.items() if a != 0 or u != 0):
        amount, usd = sums[key]
        units = MINOR_UNITS[key[5]]
        listing += "|".join(key) + "|" + f"{amount:.{units}f}" + "|" + f"{usd:.2f}" + "\n"
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def period_last_day(period):
    year, month = map(int, period.split("-"))
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31,
            30, 31][month - 1]
    return f"{period}-{days:02d}"


def seals(checks, fl, work):
    listing = period_list(fl)
    events = export_events(fl, work, "sealed.jsonl")
    by_seq = {e["seq"]: e for e in events}
    expected_periods = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01"]
    checks.check("period list covers 2024-01 .. 2025-01 (the month after the latest closed one)",
                 list(listing) == expected_periods, str(list(listing)))
    closed_ok = True
    detail = []
    for period in expected_periods[:-1]:
        row = listing.get(period, {})
        seq = int(row.get("close_seq") or 0)
        event = by_seq.get(seq, {})
        ok = (row.get("state") == "closed" and event.get("type") == "period_close" and event.get("period") == period
              and row.get("head_hash") == event.get("hash") and row.get("closed_at") == event.get("recorded_at"))
        closed_ok = closed_ok and ok
        if not ok:
            detail.append(f"{period}: {row}")
    checks.check("every month of 2024 is closed, and its seal's head hash is the hash of its (latest) "
                 "period_close event", closed_ok, "\n".join(detail))
    row = listing.get("2025-01", {})
    checks.check("2025-01 is open, with no close seq and no seal",
                 row.get("state") == "open" and row.get("close_seq") == "" and row.get("head_hash") == ""
                 and row.get("balances_hash") == "", str(row))
    for period in ("2024-01", "2024-02", "2024-12"):
        expected = closing_balances_hash(events, period_last_day(period))
        checks.check(f"the balances hash of {period} is the SHA-256 of its closing balances, listed as close.cpp "
                     f"documents", listing.get(period, {}).get("balances_hash") == expected,
                     f"period list {listing.get(period, {}).get('balances_hash')}, recomputed {expected}")
    result = fl("period", "list")
    table = text(result.stdout)
    checks.check("the table form of period list shows each state and the first 16 digits of both seals",
                 result.returncode == 0 and all(
                     re.search(rf"^{p}\s+closed\s+{listing[p]['close_seq']}\s+\S+\s+{listing[p]['head_hash'][:16]}\s+"
                               rf"{listing[p]['balances_hash'][:16]}\s*$", table, re.M) for p in expected_periods[:-1])
                 and re.search(r"^2025-01\s+open\s*$", table, re.M) is not None, table)
    return events


def tamper_receipt(connection, seq, delta_minor, delta_usd):
    """Adds delta to R-DEU-1's 1100 posting and takes it from its 1200 posting (still balanced), with
    the balance rows (and the monthly rows, where the ledger keeps them) changed to match."""
    rows = connection.execute(
        "SELECT p.line, a.code, p.account_id, p.fund_id, COALESCE(p.donor_id, 0), COALESCE(p.project_id, 0), "
        "COALESCE(p.pledge_id, 0), p.currency_id FROM postings p JOIN accounts a ON a.id = p.account_id "
        "WHERE p.seq = ?", (seq,))
    for line, code, account, fund, donor, project, pledge, currency in rows:
        if code not in ("1100", "1200"):
            continue
        sign = 1 if code == "1100" else -1
        amount, usd = sign * delta_minor, sign * delta_usd
        connection.execute("UPDATE postings SET amount_minor = amount_minor + ?, functional_minor = functional_minor + ? "
                           "WHERE seq = ? AND line = ?", (amount, usd, seq, line))
        side, usd_side = ("debit_minor", "functional_debit_minor") if sign > 0 else ("credit_minor",
                                                                                      "functional_credit_minor")
        connection.execute(f"UPDATE balances SET {side} = {side} + ?, {usd_side} = {usd_side} + ? WHERE account_id = ? "
                           "AND fund_id = ? AND donor_id = ? AND project_id = ? AND pledge_id = ? AND currency_id = ?",
                           (delta_minor, delta_usd, account, fund, donor, project, pledge, currency))
        # The receipt is dated 2024-01-10: month 2024 * 12 + 1 - 1.
        connection.execute(f"UPDATE monthly_balances SET {side} = {side} + ?, {usd_side} = {usd_side} + ? "
                           "WHERE account_id = ? AND fund_id = ? AND currency_id = ? AND month = ?",
                           (delta_minor, delta_usd, account, fund, currency, 2024 * 12))


def tampering(checks, fl, work, events):
    receipt_seq = next(e["seq"] for e in events if e.get("id") == "R-DEU-1")
    close_seqs = {e["period"]: e["seq"] for e in events if e["type"] == "period_close"}
    # 1. A posting of the closed month 2024-01 and its balance row changed: EUR 100,000.00 -> 100,001.00
    #    on 1100 (125,000.00 -> 125,001.25 USD) and the same taken from 1200, so that the entry still
    #    balances and the stored balances still equal the postings. The hash of the event covers its
    #    postings: verify names the event (or, at the latest, the seal of 2024-01).
    copy = "tampered-posting.db"
    stores.copy(work, "ledger.db", copy)
    connection = stores.tamper(work, copy)
    connection.disable_immutability()
    tamper_receipt(connection, receipt_seq, 100, 125)
    connection.commit()
    connection.close()
    result = fl("verify", db=copy)
    err = text(result.stderr)
    checks.check(f"verify catches a changed posting of closed 2024-01 (with its balance row): exit 1, naming seq "
                 f"{receipt_seq} or the seal of 2024-01",
                 result.returncode == 1 and (re.search(rf"\bseq {receipt_seq}\b", err) is not None or
                                             "seal of 2024-01" in err), described(result))

    # 2. The same change, and the hash chain rewritten from that event on, and the head hash of every
    #    seal with it: the chain and the head seals agree with the changed postings, but the event
    #    recorded again from its body posts what it always did, and so does not match them.
    exported = export_events(fl, work, "tampered.jsonl", db=copy)
    prev = None
    rewritten = {}
    for event in exported:
        if event["seq"] >= receipt_seq:
            event["prev_hash"] = prev
            body = {k: v for k, v in event.items() if k != "hash"}
            event["hash"] = hashlib.sha256((prev + canonical(body)).encode("utf-8")).hexdigest()
            rewritten[event["seq"]] = (event["prev_hash"], event["hash"])
        prev = event["hash"]
    connection = stores.tamper(work, copy)
    connection.disable_immutability()
    for seq, (prev_hash, hash_) in rewritten.items():
        connection.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev_hash, hash_, seq))
    for period, seq in close_seqs.items():
        connection.execute("UPDATE periods SET head_hash = ? WHERE close_seq = ?", (rewritten[seq][1], seq))
    connection.commit()
    connection.close()
    result = fl("verify", db=copy)
    err = text(result.stderr)
    checks.check(f"with the hash chain and head seals rewritten to match, verify still exits 1: seq {receipt_seq}, "
                 f"recorded again, posts otherwise than stored (postings[0].amount)",
                 result.returncode == 1 and re.search(rf"\bseq {receipt_seq}\b", err) is not None
                 and "postings[0].amount" in err, described(result))

    # 3. Only a seal changed: its balances hash.
    copy = "tampered-seal.db"
    stores.copy(work, "ledger.db", copy)
    connection = stores.tamper(work, copy)
    connection.execute("UPDATE periods SET balances_hash = ? WHERE period = '2024-06'", ("0" * 64,))
    connection.commit()
    connection.close()
    result = fl("verify", db=copy)
    err = text(result.stderr)
    checks.check(f"verify catches a changed balances seal of 2024-06: exit 1, naming the seal of 2024-06 "
                 f"(close seq {close_seqs['2024-06']})",
                 result.returncode == 1 and "seal of 2024-06" in err
                 and re.search(rf"\bseq {close_seqs['2024-06']}\b", err) is not None, described(result))


def replay_round_trip(checks, fl, work):
    original = os.path.join(work, "export.jsonl")
    result = fl("export", "--out", "export.jsonl")
    checks.check("export of the ledger with its closes and two reopenings exits 0", result.returncode == 0,
                 described(result))
    with open(original, "rb") as f:
        original_bytes = f.read()
    kinds = [json.loads(line)["type"] for line in original_bytes.decode("utf-8").splitlines()]
    checks.check("the export holds 14 period_close events (12 months, 2024-02 and 2024-12 closed twice) and 2 "
                 "period_reopen events",
                 kinds.count("period_close") == 14 and kinds.count("period_reopen") == 2,
                 f"{kinds.count('period_close')} closes, {kinds.count('period_reopen')} reopenings")
    count, head = event_count(fl)
    result = fl("replay", "export.jsonl", db="replayed.db")
    out = text(result.stdout)
    checks.check(f"replay exits 0 and prints the head that verify prints ({(head or '')[:12]}...)",
                 result.returncode == 0 and f"replay: ok, {count} events, head {head}" in out, described(result))
    result = fl("verify", db="replayed.db")
    checks.check("the replayed ledger verifies with the same count and head",
                 result.returncode == 0 and f"verify: ok, {count} events, head {head}" in text(result.stdout),
                 described(result))
    result = fl("export", "--out", "export-replayed.jsonl", db="replayed.db")
    with open(os.path.join(work, "export-replayed.jsonl"), "rb") as f:
        replayed_bytes = f.read()
    checks.check("the export of the replayed ledger is byte-identical to the original export",
                 result.returncode == 0 and replayed_bytes == original_bytes,
                 f"{len(replayed_bytes)} bytes against {len(original_bytes)}")
    replayed_list = period_list(Program(fl.fundledger, work, "replayed.db"))
    checks.check("the replayed ledger has the same periods and seals", replayed_list == period_list(fl),
                 f"{replayed_list}")


def body(checks, fundledger, work):
    fl = Program(fundledger, work, "ledger.db")
    result = fl("init")
    checks.check("init exits 0", result.returncode == 0, described(result))
    write_jsonl(work, "ledger.jsonl", MASTER + EVENTS)
    result = fl("import", "ledger.jsonl")
    checks.check(f"import of {len(MASTER + EVENTS)} events exits 0", result.returncode == 0, described(result))
    order_and_lock(checks, fl, work)
    revaluation_and_reopen(checks, fl)
    year_end(checks, fl)
    events = seals(checks, fl, work)
    result = fl("verify")
    checks.check("verify of the closed ledger exits 0", result.returncode == 0, described(result))
    tampering(checks, fl, work, events)
    replay_round_trip(checks, fl, work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--keep", help="work in this directory and leave it behind")
    stores.add_argument(parser)
    args = parser.parse_args()
    stores.use(args.store, "close_rules")
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            for name in os.listdir(args.keep):  # a fresh ledger each time
                if name.endswith((".db", ".db-wal", ".db-shm")):
                    os.remove(os.path.join(args.keep, name))
            body(checks, fundledger, os.path.abspath(args.keep))
        else:
            with tempfile.TemporaryDirectory(prefix="fundledger-close-") as work:
                body(checks, fundledger, work)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
