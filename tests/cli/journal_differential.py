#!/usr/bin/env python3
"""Balances are exact: fundledger's balances agree to the cent with an independent computation.

A seeded, reproducible JSON Lines journal (three funds, twelve donors, projects, monthly UN rates for
EUR, GBP, JPY and CHF over 2023-2024, and at least 10,000 entries in USD, EUR, GBP, JPY and CHF) is
imported into a new ledger. Python's decimal module then recomputes, independently of the program:

  (a) the balances by account, fund, donor and currency, in each currency (exact sums), and
  (b) the USD (functional) balances by account and fund: each posting's USD is amount / per_usd at
      the rate with the latest effective date on or before the entry date, rounded half-even to
      cents, except foreign cash taken (1100, a credit), which leaves at the USD the fund's cash in
      that currency carries, in proportion (rules version 3), and foreign cash put into a fund whose
      cash in it is below zero, which fills the overdraft at the USD it carries (version 4), the
      difference to 4700; and per entry
      and fund the residual (minus the sum of that fund's USD) goes to account 5900 in that fund,

for all time, as of 2023-12-31, and from 2024-01-01 to 2024-06-30, and compares them byte for byte
with `balances --format csv`. It also checks `verify`, that importing the same file again records
nothing, and that it leaves the export byte-identical.

Usage: python3 journal_differential.py --fundledger PATH [--seed N] [--entries N]
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
from fractions import Fraction
import datetime
import decimal
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
import stores
from checks import INIT_EVENTS

decimal.getcontext().prec = 80
decimal.getcontext().traps[decimal.Inexact] = False

MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CHF": 2}
FOREIGN = ["EUR", "GBP", "JPY", "CHF"]
# Realistic UN operational rates, units per 1 USD, at the start of 2023.
BASE_RATE = {"EUR": Decimal("0.9350"), "GBP": Decimal("0.8290"), "JPY": Decimal("131.50"),
             "CHF": Decimal("0.9240")}

FUNDS = [
    {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund",
     "kind": "general"},
    {"type": "fund", "code": "UNTOC", "name": "UNTOC funding mechanism", "kind": "special",
     "parent": "CPCJF"},
    {"type": "fund", "code": "UNCAC", "name": "UNCAC funding mechanism", "kind": "special",
     "parent": "CPCJF"},
]
DONORS = [
    ("DEU", "Germany", "government", "DE"), ("FRA", "France", "government", "FR"),
    ("GBR", "United Kingdom", "government", "GB"), ("JPN", "Japan", "government", "JP"),
    ("CHE", "Switzerland", "government", "CH"), ("USA", "United States", "government", "US"),
    ("NOR", "Norway", "government", "NO"), ("SWE", "Sweden", "government", "SE"),
    ("WB", "World Bank", "financial-institution", None), ("UNDP", "UNDP", "un-entity", None),
    ("OSF", "Open Society Foundations", "foundation", "US"), ("PRIV-01", "Private donor", "private", None),
]
PROJECTS = [("GLOZ82", "Trafficking in persons", "CPCJF"), ("GLOZ31", "Firearms", "CPCJF"),
            ("XAMT72", "Smuggling of migrants", "UNTOC"), ("GLOU68", "Anti-corruption", "UNCAC")]
FUND_CODES = [f["code"] for f in FUNDS]
PROJECTS_OF = {f: [p[0] for p in PROJECTS if p[2] == f] for f in FUND_CODES}
START = datetime.date(2023, 1, 1)
END = datetime.date(2024, 12, 31)


# ---- the checks ----------------------------------------------------------------------------------

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
                for line in str(detail).splitlines()[:40]:
                    print(f"     {line}")
        return ok

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def run(fundledger, args, cwd, timeout=120):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    return subprocess.run([fundledger] + stores.current.rewrite(args), cwd=cwd, env=env, capture_output=True,
                          timeout=timeout)


def text(data):
    return data.decode("utf-8", errors="replace")


def first_difference(expected, actual):
    """A short description of where two texts differ."""
    e_lines, a_lines = expected.splitlines(), actual.splitlines()
    for i in range(max(len(e_lines), len(a_lines))):
        e = e_lines[i] if i < len(e_lines) else "<none>"
        a = a_lines[i] if i < len(a_lines) else "<none>"
        if e != a:
            return (f"first difference at line {i + 1}:\n  expected: {e}\n  actual:   {a}\n"
                    f"(expected {len(e_lines)} lines, got {len(a_lines)})")
    return "texts differ only in line ends or a final newline"


# ---- the journal ---------------------------------------------------------------------------------

def minor_to_decimal(minor, currency):
    return Decimal(minor).scaleb(-MINOR_UNITS[currency])


def amount_text(minor, currency):
    return format(minor_to_decimal(minor, currency), "f")


def random_minor(rng, currency, top=None):
    """A positive amount in minor units, from cents (or one yen) to hundreds of millions."""
    mu = MINOR_UNITS[currency]
    low = -mu
    high = 8.9 if top is None else top
    if currency == "JPY":
        high += 2  # hundreds of millions of yen are a few million dollars
    major = 10 ** rng.uniform(low, high)
    return max(1, int(Decimal(str(major)).scaleb(mu)))


def split(rng, total, parts):
    """total (positive minor units) into `parts` positive parts that sum to it."""
    parts = max(1, min(parts, total))
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0] + cuts + [total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def generate_rates(rng):
    """Monthly rates on the first of each month, and a few mid-month revisions, at 4-6 decimals."""
    events = []
    level = dict(BASE_RATE)
    day = START
    while day <= END:
        for currency in FOREIGN:
            level[currency] = level[currency] * Decimal(str(1 + rng.uniform(-0.025, 0.025)))
            places = rng.choice([4, 5, 6])
            value = level[currency].quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN)
            if rng.random() < 0.3:
                # A rate whose digits let some amounts convert to exactly half a cent, so that
                # half-even rounding shows: its coefficient is a multiple of 2^(places + 3 - minor units).
                step = 2 ** (places + 3 - MINOR_UNITS[currency])
                coefficient = int(value.scaleb(places))
                value = Decimal(max(step, (coefficient + step // 2) // step * step)).scaleb(-places)
            events.append({"type": "rate", "currency": currency, "effective": day.isoformat(),
                           "per_usd": format(value, "f")})
            if rng.random() < 0.15:  # a revision later in the month
                revised_day = day + datetime.timedelta(days=rng.randint(9, 20))
                revised = (value * Decimal(str(1 + rng.uniform(-0.01, 0.01)))).quantize(
                    Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_EVEN)
                events.append({"type": "rate", "currency": currency, "effective": revised_day.isoformat(),
                               "per_usd": format(revised, "f")})
        day = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return events


class RateTable:
    def __init__(self, rate_events):
        self.by_currency = {}
        for event in rate_events:
            self.by_currency.setdefault(event["currency"], []).append(
                (event["effective"], Decimal(event["per_usd"])))
        for rates in self.by_currency.values():
            rates.sort()

    def on(self, currency, day):
        """The rate with the latest effective date on or before day (ISO strings sort as dates)."""
        best = None
        for effective, per_usd in self.by_currency[currency]:
            if effective <= day:
                best = per_usd
            else:
                break
        if best is None:
            raise ValueError(f"no {currency} rate on {day}")
        return best


def half_even_div(numerator, denominator):
    """numerator / denominator rounded half-even to an integer, exactly (a Fraction rounds so)."""
    return round(Fraction(Decimal(numerator)) / Fraction(Decimal(denominator)))


def usd_cents(amount, per_usd):
    """amount / per_usd rounded half-even to cents, exactly, as an integer number of cents."""
    numerator = amount * 100
    quotient = numerator // per_usd          # truncated toward zero, exact at this precision
    remainder = numerator - quotient * per_usd
    twice = abs(remainder) * 2
    cents = int(quotient)
    if twice > abs(per_usd) or (twice == abs(per_usd) and cents % 2 != 0):
        cents += 1 if numerator > 0 else -1
    return cents


def tie_amount(rng, currency, per_usd):
    """A positive amount (minor units) whose USD value is exactly k + 1/2 cents, or None.

    amount / per_usd * 100 = k + 1/2 with per_usd = p / 10^s and amount = a / 10^mu means
    a * 2 * 10^(s+2-mu) = (2k+1) * p: a = j * p / gcd(p, D) for odd j, with D = 2 * 10^(s+2-mu),
    works when D / gcd(p, D) is odd."""
    sign, digits, exponent = per_usd.as_tuple()
    p = int("".join(map(str, digits)))
    s = -exponent
    mu = MINOR_UNITS[currency]
    if s + 2 - mu < 0:
        return None
    d = 2 * 10 ** (s + 2 - mu)
    g = math.gcd(p, d)
    if (d // g) % 2 == 0:
        return None
    j = 2 * rng.randint(0, 400) + 1
    return j * p // g


def posting(account, fund, currency, minor, donor=None, project=None):
    p = {"account": account, "fund": fund, "currency": currency, "amount": amount_text(minor, currency)}
    if donor:
        p["donor"] = donor
    if project:
        p["project"] = project
    return p


def generate_entries(rng, count, rates):
    entries = []
    donors = [d[0] for d in DONORS]
    days = (END - START).days
    for i in range(count):
        day = (START + datetime.timedelta(days=rng.randint(0, days))).isoformat()
        fund = rng.choice(FUND_CODES)
        currency = rng.choice(["USD", "USD", "EUR", "EUR", "GBP", "JPY", "CHF"])
        kind = rng.random()
        donor = rng.choice(donors)
        postings = []
        tie = None
        if kind < 0.06 and currency != "USD":
            tie = tie_amount(rng, currency, rates.on(currency, day))
        if tie is not None:
            # An amount worth exactly half a cent more than a whole number of cents: half-even shows.
            postings = [posting("1100", fund, currency, tie, donor), posting("4100", fund, currency, -tie, donor)]
        elif kind < 0.35:
            # A contribution received: Dr cash / Cr revenue, the donor on both or on revenue only.
            minor = random_minor(rng, currency)
            revenue = rng.choice(["4100", "4200"])
            postings = [posting("1100", fund, currency, minor, donor if rng.random() < 0.5 else None),
                        posting(revenue, fund, currency, -minor, donor)]
        elif kind < 0.55:
            # Expenditure split over 2-4 expense lines, paid from cash: 3-5 postings.
            total = random_minor(rng, currency)
            parts = split(rng, total, rng.randint(2, 4))
            project = rng.choice(PROJECTS_OF[fund]) if rng.random() < 0.6 else None
            for part in parts:
                postings.append(posting(rng.choice(["5100", "5200", "5300"]), fund, currency, part,
                                        project=project))
            postings.append(posting("1100", fund, currency, -total))
            rng.shuffle(postings)
        elif kind < 0.75:
            # A receipt in one currency recognized as revenue in another, through 1900 at the same
            # USD value on both legs (the USD rounding difference goes to 5900). A generic entry
            # may not settle a receivable (1200 is a control account, kept by the pledge events).
            other = rng.choice([c for c in ["USD"] + FOREIGN if c != currency])
            paid = random_minor(rng, currency)
            usd = Decimal(paid).scaleb(-MINOR_UNITS[currency])
            if currency != "USD":
                usd = usd / rates.on(currency, day)
            settled = usd if other == "USD" else usd * rates.on(other, day)
            settled_minor = int(settled.scaleb(MINOR_UNITS[other]).to_integral_value(decimal.ROUND_HALF_EVEN))
            if settled_minor == 0:
                settled_minor = 1
            postings = [posting("1100", fund, currency, paid, donor),
                        posting("1900", fund, currency, -paid),
                        posting("1900", fund, other, settled_minor)]
            if rng.random() < 0.5 and settled_minor >= 2:
                first, second = split(rng, settled_minor, 2)
                postings += [posting("4100", fund, other, -first, donor),
                             posting("4200", fund, other, -second, rng.choice(donors))]
            else:
                postings.append(posting("4100", fund, other, -settled_minor, donor))
        elif kind < 0.88:
            # A transfer between two funds through the interfund accounts: two funds, 4 postings.
            to_fund = rng.choice([f for f in FUND_CODES if f != fund])
            minor = random_minor(rng, currency, top=7)
            postings = [posting("1500", fund, currency, minor), posting("1100", fund, currency, -minor),
                        posting("1100", to_fund, currency, minor), posting("2500", to_fund, currency, -minor)]
        else:
            # A refund paid back from cash: Dr 4900 / Cr 1100, donor on both.
            minor = random_minor(rng, currency, top=6)
            postings = [posting("4900", fund, currency, minor, donor),
                        posting("1100", fund, currency, -minor, donor)]
        entry = {"type": "entry", "id": f"JV-{day[:4]}-{i + 1:06d}", "date": day}
        if rng.random() < 0.3:
            entry["memo"] = rng.choice(["Contribution received", "Project expenditure", "Interfund transfer",
                                        "Settlement of pledge", "Adjustment"])
        entry["postings"] = postings
        entries.append(entry)
    return entries


def generate_journal(seed, count):
    rng = random.Random(seed)
    events = list(FUNDS)
    for code, name, category, country in DONORS:
        donor = {"type": "donor", "code": code, "name": name, "category": category}
        if country:
            donor["country"] = country
        events.append(donor)
    for code, name, fund in PROJECTS:
        events.append({"type": "project", "code": code, "name": name, "fund": fund})
    rate_events = generate_rates(rng)
    rates = RateTable(rate_events)
    entries = generate_entries(rng, count, rates)
    return events + rate_events + entries, rates, entries


# ---- the independent computation ------------------------------------------------------------------

def derive_postings(entries, rates):
    """Every posting with its date, amount (Decimal) and USD cents, and the 5900 residuals."""
    derived = []  # (date, account, fund, donor, currency, amount Decimal, usd cents, residual?)
    per_entry = {}
    pools = {}  # (fund, currency) -> [amount, usd cents]: each fund's foreign cash, in the order recorded
    for entry in entries:
        day = entry["date"]
        usd_by_fund = {}
        rows = []
        realized = {}  # fund -> [currency of the first cash taken, cents]
        for p in entry["postings"]:
            amount = Decimal(p["amount"])
            currency = p["currency"]
            cents = int(amount * 100) if currency == "USD" else usd_cents(amount, rates.on(currency, day))
            if p["account"] == "1100" and currency != "USD":
                pool = pools.setdefault((p["fund"], currency), [Decimal(0), 0])
                if amount < 0 < pool[0] or amount > 0 > pool[0]:
                    # Rules version 3: foreign cash leaves at the USD it carries; version 4: cash put
                    # into an overdrawn pool fills the overdraft at the USD it carries. In proportion
                    # (all of it at zero), beyond it at the day's rate; 4700 the difference.
                    held, posted = abs(pool[0]), abs(amount)
                    taken = min(posted, held)
                    carried = pool[1] if taken == held else half_even_div(pool[1] * taken, held)
                    beyond = (posted - taken) * (1 if amount > 0 else -1)
                    relieved = -carried + (usd_cents(beyond, rates.on(currency, day)) if beyond else 0)
                    realized.setdefault(p["fund"], [currency, 0])[1] += cents - relieved
                    cents = relieved
                pool[0] += amount
                pool[1] += cents
            usd_by_fund[p["fund"]] = usd_by_fund.get(p["fund"], 0) + cents
            rows.append((day, p["account"], p["fund"], p.get("donor", ""), currency, amount, cents, False))
        # One 4700 per fund, the funds in the order they were created (ledger/README.md, version 3).
        for fund, (currency, cents) in sorted(realized.items(), key=lambda item: FUND_CODES.index(item[0])):
            if cents:
                usd_by_fund[fund] += cents
                rows.append((day, "4700", fund, "", currency, Decimal(0), cents, False))
        for fund, total in usd_by_fund.items():
            if total != 0:
                rows.append((day, "5900", fund, "", None, Decimal(0), -total, True))
        per_entry[entry["id"]] = rows
        derived.extend(rows)
    return derived, per_entry


def in_range(day, start, end):
    return (start is None or day >= start) and (end is None or day <= end)


def expected_currency_balances(derived, start=None, end=None):
    sums = {}
    for day, account, fund, donor, currency, amount, _cents, residual in derived:
        if residual or not in_range(day, start, end):
            continue
        key = (account, fund, donor, currency)
        debit, credit = sums.get(key, (Decimal(0), Decimal(0)))
        if amount > 0:
            debit += amount
        else:
            credit -= amount
        sums[key] = (debit, credit)
    out = ["account,fund,donor,currency,debit,credit,balance"]
    for key in sorted(sums):
        debit, credit = sums[key]
        if debit == 0 and credit == 0:
            continue
        quantum = Decimal(1).scaleb(-MINOR_UNITS[key[3]])
        d, c = debit.quantize(quantum), credit.quantize(quantum)
        out.append(",".join(key) + f",{d:f},{c:f},{(d - c):f}")
    return "\n".join(out) + "\n"


def expected_usd_balances(derived, start=None, end=None):
    sums = {}
    for day, account, fund, _donor, _currency, _amount, cents, _residual in derived:
        if not in_range(day, start, end):
            continue
        debit, credit = sums.get((account, fund), (0, 0))
        if cents > 0:
            debit += cents
        else:
            credit -= cents
        sums[(account, fund)] = (debit, credit)
    out = ["account,fund,debit,credit,balance"]
    for key in sorted(sums):
        debit, credit = sums[key]
        if debit == 0 and credit == 0:
            continue
        d, c = Decimal(debit).scaleb(-2), Decimal(credit).scaleb(-2)
        out.append(",".join(key) + f",{d:f},{c:f},{(d - c):f}")
    return "\n".join(out) + "\n"


def expected_fund_totals(derived):
    sums = {}
    for _day, _account, fund, _donor, _currency, _amount, cents, _residual in derived:
        debit, credit = sums.get(fund, (0, 0))
        if cents > 0:
            debit += cents
        else:
            credit -= cents
        sums[fund] = (debit, credit)
    out = ["fund,debit,credit,balance"]
    for fund in sorted(sums):
        d, c = Decimal(sums[fund][0]).scaleb(-2), Decimal(sums[fund][1]).scaleb(-2)
        out.append(f"{fund},{d:f},{c:f},{(d - c):f}")
    return "\n".join(out) + "\n"


# ---- the test ------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--seed", type=int, default=20241129)
    parser.add_argument("--entries", type=int, default=10000)
    stores.add_argument(parser)
    args = parser.parse_args()
    stores.use(args.store, "journal_differential")
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-differential-") as work:
            body(checks, fundledger, work, args.entries, args.seed)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


def body(checks, fundledger, work, count, seed):
    events, rates, entries = generate_journal(seed, count)
    journal = os.path.join(work, "journal.jsonl")
    with open(journal, "w", encoding="utf-8", newline="\n") as out:
        for event in events:
            out.write(json.dumps(event, separators=(",", ":")) + "\n")
    ids = [e["id"] for e in entries]
    currencies = {p["currency"] for e in entries for p in e["postings"]}
    mixed = sum(1 for e in entries if len({(p["fund"], p["currency"]) for p in e["postings"]}) > 1
                and len({p["fund"] for p in e["postings"]}) == 1)
    print(f"generated {len(events)} events ({len(entries)} entries, {mixed} mixing two currencies in a fund), "
          f"seed {seed}")
    checks.check("the generated journal has at least 10,000 entries with unique ids in all five currencies",
                 len(entries) >= min(count, 10000) and len(set(ids)) == len(ids)
                 and currencies == set(MINOR_UNITS), f"{len(entries)} entries, currencies {sorted(currencies)}")

    ledger = "ledger.db"
    result = run(fundledger, ["--db", ledger, "init"], work)
    checks.check("init creates the ledger (exit 0)", result.returncode == 0, text(result.stderr))
    init_events = INIT_EVENTS

    result = run(fundledger, ["--db", ledger, "import", "journal.jsonl"], work)
    checks.check("import of the journal exits 0", result.returncode == 0, text(result.stderr))
    expected_summary = f"imported {len(events)} events: {len(events)} recorded, 0 already recorded"
    checks.check("import says every event was recorded", expected_summary in text(result.stderr),
                 f"expected {expected_summary!r}, got {text(result.stderr)!r}")

    derived, per_entry = derive_postings(entries, rates)
    residuals = sum(1 for row in derived if row[7])
    print(f"independently derived {len(derived)} postings, {residuals} of them rounding residuals to 5900")
    checks.check("the journal exercises the rounding residual (some entries leave one)", residuals > 100,
                 f"{residuals} residuals")

    windows = [("all time", None, None), ("as of 2023-12-31", None, "2023-12-31"),
               ("from 2024-01-01 as of 2024-06-30", "2024-01-01", "2024-06-30")]
    for label, start, end in windows:
        options = (["--from", start] if start else []) + (["--as-of", end] if end else [])
        result = run(fundledger, ["--db", ledger, "balances", "--group-by", "account,fund,donor,currency",
                                  "--format", "csv"] + options, work)
        expected = expected_currency_balances(derived, start, end)
        actual = text(result.stdout)
        checks.check(f"balances by account,fund,donor,currency in currency ({label}) equal the exact sums, "
                     f"byte for byte ({expected.count(chr(10)) - 1} rows)",
                     result.returncode == 0 and actual == expected,
                     f"exit {result.returncode}; {text(result.stderr)}" if result.returncode
                     else first_difference(expected, actual))

        result = run(fundledger, ["--db", ledger, "balances", "--group-by", "account,fund", "--format", "csv"]
                     + options, work)
        expected = expected_usd_balances(derived, start, end)
        actual = text(result.stdout)
        checks.check(f"USD balances by account,fund ({label}) equal amount/per_usd rounded half-even to cents "
                     f"with the residual in 5900, byte for byte ({expected.count(chr(10)) - 1} rows)",
                     result.returncode == 0 and actual == expected,
                     f"exit {result.returncode}; {text(result.stderr)}" if result.returncode
                     else first_difference(expected, actual))

    result = run(fundledger, ["--db", ledger, "balances", "--group-by", "fund", "--format", "csv"], work)
    expected = expected_fund_totals(derived)
    checks.check("every fund balances on its own in USD (balance 0.00, debits equal to the exact sum)",
                 result.returncode == 0 and text(result.stdout) == expected
                 and all(line.endswith(",0.00") for line in expected.splitlines()[1:]),
                 first_difference(expected, text(result.stdout)))

    # The same figures in JSON: one object per row, with null for an absent donor.
    result = run(fundledger, ["--db", ledger, "balances", "--group-by", "account,fund,donor,currency",
                              "--format", "json"], work)
    try:
        rows = json.loads(text(result.stdout))
        as_csv = ["account,fund,donor,currency,debit,credit,balance"] + [
            ",".join([r["account"], r["fund"], r["donor"] or "", r["currency"], r["debit"], r["credit"],
                      r["balance"]]) for r in rows]
        actual = "\n".join(as_csv) + "\n"
    except Exception as error:  # noqa: BLE001 - shown in the failure
        actual = f"unreadable JSON: {error}"
    expected = expected_currency_balances(derived)
    checks.check("balances --format json carries the same exact figures as strings",
                 result.returncode == 0 and actual == expected, first_difference(expected, actual))

    # Each exported entry carries the USD amount of every posting and the residual we derived.
    result = run(fundledger, ["--db", ledger, "export", "--out", "export1.jsonl"], work)
    checks.check("export exits 0", result.returncode == 0, text(result.stderr))
    with open(os.path.join(work, "export1.jsonl"), "rb") as f:
        export1 = f.read()
    lines = export1.decode("utf-8").splitlines()
    mismatches = []
    last_hash = None
    seen = 0
    for line in lines:
        event = json.loads(line)
        last_hash = event["hash"]
        if event["type"] != "entry":
            continue
        seen += 1
        expected_rows = per_entry.get(event["id"])
        if expected_rows is None:
            mismatches.append(f"{event['id']}: not in the generated journal")
            continue
        plain = [(p["account"], p["fund"], p["currency"], p["amount"], p["functional_amount"])
                 for p in event["postings"] if not p.get("residual")]
        want = [(r[1], r[2], r[4], amount_text(int(r[5].scaleb(MINOR_UNITS[r[4]])), r[4]),
                 format(Decimal(r[6]).scaleb(-2), "f")) for r in expected_rows if not r[7]]
        got_residuals = sorted((p["account"], p["fund"], p["functional_amount"]) for p in event["postings"]
                               if p.get("residual"))
        want_residuals = sorted((r[1], r[2], format(Decimal(r[6]).scaleb(-2), "f"))
                                for r in expected_rows if r[7])
        zero_residual_amounts = all(Decimal(p["amount"]) == 0 for p in event["postings"] if p.get("residual"))
        if plain != want or got_residuals != want_residuals or not zero_residual_amounts:
            mismatches.append(f"{event['id']} (seq {event['seq']}): exported {event['postings']}, "
                              f"expected {want} with residuals {want_residuals}")
    checks.check(f"every exported entry ({seen}) has the USD amount of each posting and the 5900 residual "
                 f"(amount 0) derived independently", not mismatches and seen == len(entries),
                 f"{len(mismatches)} entries differ, {seen} seen:\n" + "\n".join(mismatches[:10]))

    total_events = init_events + len(events)
    checks.check(f"export writes all {total_events} events with seq 1..{total_events}",
                 len(lines) == total_events
                 and [json.loads(line)["seq"] for line in lines] == list(range(1, total_events + 1)),
                 f"{len(lines)} lines")

    result = run(fundledger, ["--db", ledger, "verify"], work)
    out = text(result.stdout)
    expected_verify = f"verify: ok, {total_events} events"
    checks.check(f"verify exits 0 and prints '{expected_verify}'",
                 result.returncode == 0 and re.match(re.escape(expected_verify) + r"(,|\s|$)", out) is not None,
                 f"exit {result.returncode}, stdout {out!r}, stderr {text(result.stderr)!r}")
    checks.check("verify reports as head the hash of the last exported event",
                 last_hash is not None and f"head {last_hash}" in out, f"stdout {out!r}, last hash {last_hash}")

    # Importing the very same file again is a no-op: every event is already recorded identically.
    result = run(fundledger, ["--db", ledger, "import", "journal.jsonl"], work)
    err = text(result.stderr)
    checks.check("importing the same file again exits 0", result.returncode == 0, err)
    checks.check("importing the same file again records nothing (stderr says 0 recorded)",
                 re.search(r"(?<!\d)0 recorded", err) is not None
                 and f"{len(events)} already recorded" in err, f"stderr {err!r}")
    result = run(fundledger, ["--db", ledger, "export"], work)
    checks.check("after the second import the export is byte-identical",
                 result.returncode == 0 and result.stdout == export1,
                 first_difference(export1.decode("utf-8"), text(result.stdout)))
    result = run(fundledger, ["--db", ledger, "verify"], work)
    checks.check(f"after the second import verify still says '{expected_verify}'",
                 result.returncode == 0 and text(result.stdout).startswith(expected_verify + ","),
                 f"exit {result.returncode}, stdout {text(result.stdout)!r}")


if __name__ == "__main__":
    sys.exit(main())
