#!/usr/bin/env python3
"""Writes the domain workload of tools/bench: a trust fund's journal scaled up from the sample's
kinds of events, as fundledger JSON Lines, over twenty years of monthly closes.

What it holds, month by month from January of the first year:
  - the operational rate of eight currencies on the first of the month (a random walk);
  - pledges from some 120 donors in their own currencies, general-purpose to CPCJF or
    special-purpose to a project of a fund, paid in one to four yearly instalments;
  - a receipt for each instalment that falls due (a few late, a few in two parts), and for some the
    money arrives unidentified (a receipt naming the donor alone) and is applied to the pledge a few
    days later;
  - a budget per fund each January;
  - expenditure with PSC on the funds' projects, in the currencies the funds hold, at about half of
    what each fund holds in each currency, and the PSC fund spending part of what it earned;
  - the cash pool's interest at each quarter's end, and the close of every month (the revaluation,
    the year-end closing each December).

Deterministic: the sample's pseudo-random generator with a fixed seed, so that every run writes the
same bytes. Every amount is exact in its currency's minor units.

    python3 tools/bench-domain.py --events 1000000 --out build/bench/domain-1000000.jsonl
"""
import argparse
import datetime
import json
import os
import sys
from decimal import Decimal

# The sample's pseudo-random generator (splitmix64): the same sequence on every Python version.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples"))
from generate_cpcjf import Random  # noqa: E402

CURRENCIES = {"USD": (2, Decimal(1)), "EUR": (2, Decimal("0.85")), "GBP": (2, Decimal("0.75")),
              "JPY": (0, Decimal("110.0")), "SEK": (2, Decimal("9.00")), "NOK": (2, Decimal("9.00")),
              "CHF": (2, Decimal("0.92")), "AUD": (2, Decimal("1.40")), "CAD": (2, Decimal("1.30"))}
FUNDS = [("CPCJF", "United Nations Crime Prevention and Criminal Justice Fund", "general", None),
         ("UNTOC", "Funding mechanism of the Convention against Transnational Organized Crime", "special", "CPCJF"),
         ("UNCAC", "Funding mechanism of the Convention against Corruption", "special", "CPCJF"),
         ("PSC", "Programme support cost account", "psc", None)]
PROGRAMME_FUNDS = ["CPCJF", "UNTOC", "UNCAC"]
CATEGORIES = ["government", "intergovernmental", "financial-institution", "un-entity", "ngo", "foundation", "private"]
MONTHS_PER_YEAR = 12


def minor_text(minor, currency):
    """The JSON text of an amount given in a currency's minor units."""
    digits = CURRENCIES[currency][0]
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    if digits == 0:
        return f"{sign}{minor}"
    return f"{sign}{minor // 10 ** digits}.{minor % 10 ** digits:0{digits}d}"


def month_start(start_year, index):
    return datetime.date(start_year + index // 12, index % 12 + 1, 1)


def month_end(day):
    following = datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def add_months(day, months):
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, day.day)


class Workload:
    def __init__(self, events, years, start_year):
        self.rng = Random(0x5EED_F00D)
        self.years = years
        self.start_year = start_year
        months = years * MONTHS_PER_YEAR
        # A steady month: P pledges with 2.5 instalments on average bring 2.5 P receipts, 0.1 of them
        # unidentified (an apply each), and the expenses come to about twice the pledges.
        per_month = events / months
        self.pledges_per_month = max(1, round(per_month * 0.17))
        self.expenses_per_month = max(1, round(per_month * 0.395))
        self.out = []           # (date, order, n, event) of the month being written
        self.written = 0
        self.rates = {code: rate for code, (_, rate) in CURRENCIES.items() if code != "USD"}
        self.cash = {}          # (fund, currency) -> minor units held
        self.due = {}           # month index -> [(pledge id, fund, currency, minor, donor)]
        self.counters = {}
        self.donors = []
        self.projects = {fund: [] for fund in PROGRAMME_FUNDS}

    def next_id(self, prefix, year):
        key = (prefix, year)
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{prefix}-{year}-{self.counters[key]:06d}"

    def emit(self, day, order, event):
        self.out.append((day, order, len(self.out), event))

    def master_data(self, write):
        first = datetime.date(self.start_year, 1, 1).isoformat()
        for code, name, kind, parent in FUNDS:
            fund = {"type": "fund", "code": code, "name": name, "kind": kind}
            if parent:
                fund["parent"] = parent
            write(fund)
        write({"type": "setting", "key": "psc_fund", "value": "PSC", "effective": first})
        codes = list(CURRENCIES)
        for n in range(120):
            code = f"D{n:03d}"
            self.donors.append((code, codes[n % len(codes)]))
            write({"type": "donor", "code": code, "name": f"Donor {n:03d}", "category": CATEGORIES[n % 7]})
        for n in range(24):
            fund = PROGRAMME_FUNDS[n % 3]
            code = f"PRJ{n:02d}"
            self.projects[fund].append(code)
            project = {"type": "project", "code": code, "name": f"Project {n:02d} of {fund}", "fund": fund}
            if n % 8 == 7:
                project["psc_rate"] = "0.08"
            write(project)

    def month_rates(self, first):
        for code in sorted(self.rates):
            step = Decimal(self.rng.between(-150, 150)) / 10000
            digits = 1 if code == "JPY" else 4
            self.rates[code] = (self.rates[code] * (1 + step)).quantize(Decimal(1).scaleb(-digits))
            self.emit(first, 0, {"type": "rate", "currency": code, "effective": first.isoformat(),
                                 "per_usd": str(self.rates[code])})

    def pledges(self, index, first):
        for _ in range(self.pledges_per_month):
            donor, currency = self.rng.pick(self.donors)
            signed = first.replace(day=self.rng.between(1, 10))
            usd = self.rng.between(20_000, 2_000_000)
            rate = CURRENCIES[currency][1] if currency == "USD" else self.rates[currency]
            digits = CURRENCIES[currency][0]
            total = int(Decimal(usd) * rate * 10 ** digits) // 100 * 100
            parts = self.rng.between(1, 4)
            shares = [total // parts] * parts
            shares[0] += total - sum(shares)
            special = self.rng.chance(600)
            fund = self.rng.pick(PROGRAMME_FUNDS) if special else "CPCJF"
            pledge = {"type": "pledge", "id": self.next_id("PLG", first.year), "donor": donor, "fund": fund,
                      "purpose": "special" if special else "general", "currency": currency,
                      "amount": minor_text(total, currency), "signed": signed.isoformat()}
            if special:
                pledge["project"] = self.rng.pick(self.projects[fund])
            if parts > 1:
                pledge["installments"] = [{"due": add_months(signed, 12 * k).isoformat(),
                                           "amount": minor_text(share, currency)} for k, share in enumerate(shares)]
            pledge["memo"] = f"Agreement of donor {donor}"
            self.emit(signed, 1, pledge)
            for k, share in enumerate(shares):
                late = 1 if self.rng.chance(50) else 0
                self.due.setdefault(index + 12 * k + late, []).append((pledge["id"], fund, currency, share, donor))

    def receipts(self, index, first):
        for pledge_id, fund, currency, minor, donor in self.due.pop(index, []):
            day = first.replace(day=self.rng.between(11, 20))
            parts = [minor] if minor < 2 or not self.rng.chance(40) else [minor // 2, minor - minor // 2]
            for part in parts:
                receipt = {"type": "receipt", "id": self.next_id("RCV", first.year), "date": day.isoformat(),
                           "fund": fund, "currency": currency, "amount": minor_text(part, currency)}
                if self.rng.chance(60):
                    receipt["donor"] = donor
                    receipt["memo"] = "Unidentified: bank advice awaited"
                    self.emit(day, 2, receipt)
                    applied = day + datetime.timedelta(days=self.rng.between(2, 5))
                    self.emit(applied, 3, {"type": "apply", "id": self.next_id("APL", first.year),
                                           "date": applied.isoformat(), "receipt": receipt["id"],
                                           "pledge": pledge_id})
                else:
                    receipt["pledge"] = pledge_id
                    self.emit(day, 2, receipt)
                self.cash[(fund, currency)] = self.cash.get((fund, currency), 0) + part

    def expenses(self, first):
        pools = sorted(pool for pool, minor in self.cash.items() if minor >= 10_000)
        if not pools:
            return
        each = max(1, self.expenses_per_month // len(pools))
        for fund, currency in pools:
            psc_rate = Decimal("0.13")
            budget = self.cash[(fund, currency)] // 2
            amount = int(Decimal(budget) / each / (1 + psc_rate + Decimal("0.01")))
            if amount < 100:
                continue
            for _ in range(each):
                day = first.replace(day=self.rng.between(21, 27))
                expense = {"type": "expense", "id": self.next_id("EXP", first.year), "date": day.isoformat(),
                           "fund": fund, "currency": currency, "amount": minor_text(amount, currency),
                           "category": "grant" if self.rng.chance(200) else "programme"}
                if fund != "PSC":
                    project = self.rng.pick(self.projects[fund])
                    expense["project"] = project
                    psc = -(-amount * 13 // 100)
                    self.cash[("PSC", currency)] = self.cash.get(("PSC", currency), 0) + amount * 8 // 100
                else:
                    psc = 0
                self.emit(day, 4, expense)
                self.cash[(fund, currency)] -= amount + psc

    def month(self, index):
        first = month_start(self.start_year, index)
        self.month_rates(first)
        if first.month == 1:
            for fund in PROGRAMME_FUNDS:
                self.emit(first.replace(day=2), 1, {"type": "budget", "id": f"BUD-{first.year}-{fund}", "fund": fund,
                                                    "year": first.year, "amount": "25000000.00"})
        self.pledges(index, first)
        self.receipts(index, first)
        self.expenses(first)
        last = month_end(first)
        if first.month % 3 == 0:
            self.emit(last, 8, {"type": "interest", "id": f"INT-{first.year}-Q{first.month // 3}",
                                "date": last.isoformat(), "amount": f"{self.rng.between(10_000, 90_000)}.00"})
        self.emit(last, 9, {"type": "period_close", "period": f"{first.year}-{first.month:02d}"})

    def write(self, path):
        with open(path, "w") as out:
            def line(event):
                out.write(json.dumps(event, separators=(",", ":"), ensure_ascii=False) + "\n")
                self.written += 1

            self.master_data(line)
            for index in range(self.years * MONTHS_PER_YEAR):
                self.out = []
                self.month(index)
                for _, _, _, event in sorted(self.out, key=lambda item: item[:3]):
                    line(event)
        return self.written


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="about how many events to write")
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--start", type=int, default=2005, help="the first year")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    written = Workload(args.events, args.years, args.start).write(args.out)
    print(f"wrote {written:,} events over {args.years} years to {args.out}")


if __name__ == "__main__":
    main()
