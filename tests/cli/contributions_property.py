#!/usr/bin/env python3
"""Contribution events at random: the ledger's invariants hold after thousands of valid events.

`--seed S --events N` (defaults 1 and 10000) generates a random but valid sequence of contribution
events over 2022-2025 in USD, EUR, GBP, NOK (2 minor units), JPY (0) and KWD (3) with monthly UN
rates: pledges with instalments, receipts (partial, exact, over, in another currency, of a few
minor units, to a paid pledge), advances and unidentified receipts, applies (to pledges and to revenue, in part or in
full), reductions within what is outstanding, allowances and write-offs within their limits,
refunds, expenses and transfers within the fund's cash, interest, and reversals of receipts not yet
applied, of applies, of pledges with nothing against them and of expenses. A model of the ledger
(ledger/README.md's rules, exact integers and fractions) keeps what is outstanding, held and in cash so
that every event is valid; the whole sequence is imported as one file, which must exit 0. Then:

  - every fund balances in USD (`balances --group-by fund`) and in every currency
    (`--group-by fund,currency`: debit == credit on each row); 1900's USD balance is 0 in every fund;
  - every pledge: pledged - received - reduced - written_off == outstanding, the receivable equals
    its 1200 balance in the pledge currency and carrying_usd its 1200 balance in USD, and the
    figures equal the model's; every pledge with nothing outstanding (fully paid, reduced, written
    off) has exactly 0 in 1200, in its currency and in USD;
  - `pledge show --format json` of 10 pledges: the same figures, the instalments (paid oldest
    first, reduced latest first), and movements that sum to the receivable and the carrying USD;
  - the balances by account,fund,currency and by account,fund (USD) equal the model's exactly (on a
    difference, the first events whose postings differ are printed);
  - `verify` exits 0; export, replay, export is byte-identical and both ledgers verify with the same
    head hash.

Usage: python3 contributions_property.py --fundledger PATH [--seed S] [--events N] [--keep DIR]
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import bisect
import csv
import datetime
import io
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contribution_model import *  # noqa: E402,F401,F403 - the shared model and helpers
import stores



# ---- the generator ----------------------------------------------------------------------------

FOREIGN = ["EUR", "GBP", "NOK", "JPY", "KWD"]
CURRENCY_WEIGHTS = {"USD": 4, "EUR": 4, "GBP": 2, "NOK": 2, "JPY": 2, "KWD": 1}
START_RATE = {"EUR": 0.92, "GBP": 0.80, "NOK": 10.2, "JPY": 135.0, "KWD": 0.3065}
RATE_DECIMALS = {"EUR": 4, "GBP": 4, "NOK": 4, "JPY": 3, "KWD": 6}
FIRST_DAY = datetime.date(2022, 1, 3)
DAYS = 4 * 365

MASTER = [
    {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
    {"type": "fund", "code": "UNTOC", "name": "UNTOC funding mechanism", "kind": "special", "parent": "CPCJF"},
    {"type": "fund", "code": "UNCAC", "name": "UNCAC funding mechanism", "kind": "special", "parent": "CPCJF"},
    {"type": "fund", "code": "PSC", "name": "Programme support costs", "kind": "psc"},
    {"type": "donor", "code": "DEU", "name": "Germany", "category": "government", "country": "DE"},
    {"type": "donor", "code": "JPN", "name": "Japan", "category": "government", "country": "JP"},
    {"type": "donor", "code": "GBR", "name": "United Kingdom", "category": "government", "country": "GB"},
    {"type": "donor", "code": "NOR", "name": "Norway", "category": "government", "country": "NO"},
    {"type": "donor", "code": "KWT", "name": "Kuwait", "category": "government", "country": "KW"},
    {"type": "donor", "code": "USA", "name": "United States", "category": "government", "country": "US"},
    {"type": "donor", "code": "WB", "name": "World Bank", "category": "financial-institution"},
    {"type": "donor", "code": "UNDP", "name": "UNDP", "category": "un-entity"},
    {"type": "donor", "code": "OSF", "name": "Open Society Foundations", "category": "foundation", "country": "US"},
    {"type": "donor", "code": "PRIV-01", "name": "Private donor", "category": "private"},
    {"type": "project", "code": "GLOZ82", "name": "Trafficking in persons", "fund": "CPCJF"},
    {"type": "project", "code": "GLOT59", "name": "Smuggling of migrants", "fund": "UNTOC", "psc_rate": "0.08"},
    {"type": "project", "code": "GLOU68", "name": "Anti-corruption", "fund": "UNCAC"},
    {"type": "project", "code": "GLOU40", "name": "Asset recovery", "fund": "UNCAC", "psc_rate": "0.1"},
    {"type": "setting", "key": "psc_fund", "value": "PSC"},
    {"type": "setting", "key": "psc_rate", "value": "0.12", "effective": "2025-01-01"},
]
PLEDGE_FUNDS = ["CPCJF", "UNTOC", "UNCAC"]
ALL_FUNDS = ["CPCJF", "UNTOC", "UNCAC", "PSC"]
DONORS = [e["code"] for e in MASTER if e["type"] == "donor"]
PROJECTS_OF = {f: [e["code"] for e in MASTER if e["type"] == "project" and e["fund"] == f] for f in ALL_FUNDS}

WEIGHTS = {"pledge": 12, "receipt": 28, "advance": 4, "unidentified": 4, "apply": 7, "reduction": 5,
           "refund": 3, "expense": 12, "transfer": 4, "interest": 1.5, "allowance": 2.5, "write_off": 1.5,
           "reversal": 2.5}


class IndexedSet:
    """A set with O(1) add, discard and random choice."""

    def __init__(self):
        self.items, self.index = [], {}

    def add(self, item):
        if item not in self.index:
            self.index[item] = len(self.items)
            self.items.append(item)

    def discard(self, item):
        i = self.index.pop(item, None)
        if i is not None:
            last = self.items.pop()
            if i < len(self.items):
                self.items[i] = last
                self.index[last] = i

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(list(self.items))

    def choice(self, rng):
        return self.items[rng.randrange(len(self.items))]


def rate_events(rng):
    """Monthly rates from 2022-01 to 2026-12: a random walk of a few percent a month."""
    events = []
    for currency in FOREIGN:
        rate = START_RATE[currency]
        for k in range(60):
            rate *= math.exp(rng.gauss(0, 0.025))
            text_rate = f"{rate:.{RATE_DECIMALS[currency]}f}"
            events.append({"type": "rate", "currency": currency, "effective": f"{2022 + k // 12}-{k % 12 + 1:02d}-01",
                           "per_usd": text_rate})
    return events


class Generator:
    def __init__(self, seed, count, rounding="half-even"):
        self.rng = random.Random(seed)
        self.count = count
        self.model = Model(MINOR_UNITS)
        # The rounding of every event (init records half-even from the beginning).
        rounding_events = [] if rounding == "half-even" else [
            {"type": "setting", "key": "rounding", "value": rounding, "effective": "2022-01-01"}]
        self.master = MASTER + rounding_events + rate_events(self.rng)
        for event in self.master:
            self.model.record(event)
        self.events = []
        self.counts = Counter()
        self.skipped = Counter()
        self.open = IndexedSet()          # pledges with something outstanding
        self.paid = IndexedSet()          # pledges with nothing outstanding, not cancelled
        self.with_allowance = IndexedSet()
        self.receipts = IndexedSet()      # receipts that may be reversed
        self.applies = IndexedSet()
        self.expenses = IndexedSet()
        self.unsettled_pledges = IndexedSet()  # pledges with nothing against them
        self.serial = Counter()
        self.kinds = Counter()            # what the receipts and reversals were, for the summary

    def new_id(self, prefix):
        self.serial[prefix] += 1
        return f"{prefix}-{self.serial[prefix]:06d}"

    # -- amounts
    def usd_value(self, low, high):
        return math.exp(self.rng.uniform(math.log(low), math.log(high)))

    def minor_for_usd(self, currency, usd, date):
        rate = 1.0 if currency == "USD" else float(self.model.rate(currency, date))
        return max(1, int(round(usd * rate * 10 ** MINOR_UNITS[currency])))

    def text(self, minor, currency):
        return fmt(minor, MINOR_UNITS[currency])

    def currency(self):
        return self.rng.choices(list(CURRENCY_WEIGHTS), weights=list(CURRENCY_WEIGHTS.values()))[0]

    # -- the events
    def gen_pledge(self, date):
        rng = self.rng
        currency = self.currency()
        fund = rng.choice(PLEDGE_FUNDS)
        amount = self.minor_for_usd(currency, self.usd_value(2000, 3000000), date)
        parts = rng.choices([1, 2, 3, 4], weights=[5, 3, 2, 1])[0]
        event = {"type": "pledge", "id": self.new_id("PLG"), "donor": rng.choice(DONORS), "fund": fund,
                 "purpose": rng.choice(["general", "special"]), "currency": currency,
                 "amount": self.text(amount, currency), "signed": date}
        if parts > 1 and amount >= parts:
            cuts = sorted(rng.sample(range(1, amount), parts - 1))
            amounts = [b - a for a, b in zip([0] + cuts, cuts + [amount])]
            signed = datetime.date.fromisoformat(date)
            dues = sorted(signed + datetime.timedelta(days=max(0, 365 * i + rng.randint(-40, 40))) for i in range(parts))
            event["installments"] = [{"due": d.isoformat(), "amount": self.text(a, currency)}
                                     for d, a in zip(dues, amounts)]
        if rng.random() < 0.3 and PROJECTS_OF[fund]:
            event["project"] = rng.choice(PROJECTS_OF[fund])
        if rng.random() < 0.1:
            event["reference"] = f"AGR-{rng.randrange(10 ** 6):06d}"
        return event

    def gen_receipt(self, date):
        rng = self.rng
        if rng.random() < 0.03 and len(self.paid):
            pledge_id = self.paid.choice(rng)
            kind = "to a paid pledge"
        elif len(self.open):
            pledge_id = self.open.choice(rng)
            kind = rng.choices(["partial", "full", "over", "cross", "tiny"], weights=[52, 12, 8, 26, 2])[0]
        else:
            return None
        p = self.model.pledges[pledge_id]
        pc = p["currency"]
        outstanding, _ = self.model.receivable(pledge_id)
        currency = pc
        if kind == "partial":
            amount = min(outstanding, max(1, int(outstanding * rng.uniform(0.02, 0.6))))
        elif kind == "full":
            amount = outstanding
        elif kind == "over":
            amount = outstanding + rng.randint(1, max(1, outstanding // 10))
        elif kind == "tiny":  # 1 to 5 minor units of any currency: conversions near zero
            currency = rng.choice(list(MINOR_UNITS))
            amount = rng.randint(1, 5)
        elif kind == "cross":
            currency = rng.choice([c for c in MINOR_UNITS if c != pc])
            target = outstanding * rng.uniform(0.05, 1.1) / 10 ** MINOR_UNITS[pc]
            usd = target / (1.0 if pc == "USD" else float(self.model.rate(pc, date)))
            amount = self.minor_for_usd(currency, usd, date)
        else:
            currency = self.currency()
            amount = self.minor_for_usd(currency, self.usd_value(100, 100000), date)
        event = {"type": "receipt", "id": self.new_id("RCP"), "date": date, "fund": p["fund"], "currency": currency,
                 "amount": self.text(amount, currency), "pledge": pledge_id}
        self.kinds[f"receipt {kind}{'' if kind in ('cross', 'tiny') or currency == pc else ' (other currency)'}"] += 1
        if rng.random() < 0.3:
            event["donor"] = p["donor"]
        return event

    def gen_held_receipt(self, date, with_donor):
        currency = self.currency()
        amount = self.minor_for_usd(currency, self.usd_value(500, 800000), date)
        event = {"type": "receipt", "id": self.new_id("RCP"), "date": date, "fund": self.rng.choice(PLEDGE_FUNDS),
                 "currency": currency, "amount": self.text(amount, currency)}
        if with_donor:
            event["donor"] = self.rng.choice(DONORS)
        return event

    def gen_apply(self, date):
        rng = self.rng
        held = [k for k, h in self.model.holdings.items() if h["account"] in ("2100", "2150") and h["amount"] > 0]
        if not held:
            return None
        receipt_id = rng.choice(held)
        h = self.model.holdings[receipt_id]
        event = {"type": "apply", "id": self.new_id("APP"), "date": date, "receipt": receipt_id}
        pledges = [pid for pid in self.open if self.model.pledges[pid]["fund"] == h["fund"]
                   and self.model.pledges[pid]["currency"] == h["currency"]
                   and (not h["donor"] or self.model.pledges[pid]["donor"] == h["donor"])]
        if pledges and rng.random() < 0.75:
            event["pledge"] = rng.choice(pledges)
            if not h["donor"] and rng.random() < 0.5:
                event["donor"] = self.model.pledges[event["pledge"]]["donor"]
        elif not h["donor"]:
            event["donor"] = rng.choice(DONORS)
        elif rng.random() < 0.3:
            event["donor"] = h["donor"]
        if rng.random() < 0.5:
            event["amount"] = self.text(rng.randint(1, h["amount"]), h["currency"])
        return event

    def gen_reduction(self, date):
        if not len(self.open):
            return None
        pledge_id = self.open.choice(self.rng)
        outstanding, _ = self.model.receivable(pledge_id)
        amount = outstanding if self.rng.random() < 0.2 else self.rng.randint(1, max(1, outstanding // 2))
        return {"type": "reduction", "id": self.new_id("RED"), "pledge": pledge_id, "date": date,
                "amount": self.text(amount, self.model.pledges[pledge_id]["currency"]),
                "reason": self.rng.choice(["Budget cut", "Agreement amended", "Cancelled by the donor"])}

    def cash_positions(self, funds):
        return [(f, c) for (f, c), amount in self.model.cash_minor.items() if f in funds and amount > 0
                and self.model.cash_total[f] > 0]

    def gen_refund(self, date):
        rng = self.rng
        held = [k for k, h in self.model.holdings.items() if h["account"] in ("2100", "2150") and h["amount"] > 0]
        if held and rng.random() < 0.3:
            # Money still held from a receipt goes back to the donor.
            receipt_id = rng.choice(held)
            h = self.model.holdings[receipt_id]
            amount = h["amount"] if rng.random() < 0.3 else rng.randint(1, h["amount"])
            self.kinds["refund of money held"] += 1
            event = {"type": "refund", "id": self.new_id("REF"), "donor": h["donor"] or rng.choice(DONORS),
                     "fund": h["fund"], "date": date, "currency": h["currency"],
                     "amount": self.text(amount, h["currency"]), "receipt": receipt_id}
            # Paid at once only from cash the fund still holds in that currency (the cash rule).
            usd = self.model.usd(amount, h["currency"], date)
            if rng.random() < 0.75 and self.model.cash_minor[(h["fund"], h["currency"])] >= amount \
                    and self.model.cash_total[h["fund"]] >= 2 * usd:
                event["paid"] = True
            return event
        positions = self.cash_positions(PLEDGE_FUNDS)
        if not positions:
            return None
        fund, currency = rng.choice(positions)
        amount = max(1, int(self.model.cash_minor[(fund, currency)] * rng.uniform(0.001, 0.2)))
        mine = [pid for pid in (self.open.items[:200] + self.paid.items[:200])
                if self.model.pledges[pid]["fund"] == fund]
        event = {"type": "refund", "id": self.new_id("REF"), "donor": rng.choice(DONORS), "fund": fund, "date": date,
                 "currency": currency, "amount": self.text(amount, currency)}
        if mine and rng.random() < 0.5:
            event["pledge"] = rng.choice(mine)
            event["donor"] = self.model.pledges[event["pledge"]]["donor"]
        if rng.random() < 0.75:
            event["paid"] = True
        return event

    def gen_expense(self, date):
        rng = self.rng
        positions = self.cash_positions(ALL_FUNDS)
        if not positions:
            return None
        fund, currency = rng.choice(positions)
        cash = self.model.cash_minor[(fund, currency)]
        amount = max(1, int(cash * rng.uniform(0.005, 0.5) / 1.2))
        event = {"type": "expense", "id": self.new_id("EXP"), "fund": fund, "date": date, "currency": currency,
                 "amount": self.text(amount, currency), "category": rng.choice(["grant", "programme"])}
        if PROJECTS_OF[fund] and rng.random() < 0.4:
            event["project"] = rng.choice(PROJECTS_OF[fund])
        if rng.random() < 0.15:
            event["psc_rate"] = rng.choice(["0", "0.07", "0.1", "0.13", "0.135"])
        postings, psc = self.model.expense_postings(event)
        spent = -sum(p[5] for p in postings if p[0] == "1100" and p[1] == fund)
        if amount + psc > cash or spent > self.model.cash_total[fund] * 0.9:
            return None
        return event

    def gen_transfer(self, date):
        rng = self.rng
        positions = self.cash_positions(ALL_FUNDS)
        if not positions:
            return None
        fund, currency = rng.choice(positions)
        amount = max(1, int(self.model.cash_minor[(fund, currency)] * rng.uniform(0.005, 0.4)))
        if self.model.usd(amount, currency, date) > self.model.cash_total[fund] * 0.9:
            return None
        return {"type": "transfer", "id": self.new_id("TRF"), "date": date, "from_fund": fund,
                "to_fund": rng.choice([f for f in ALL_FUNDS if f != fund]), "currency": currency,
                "amount": self.text(amount, currency)}

    def gen_interest(self, date):
        amount = int(self.usd_value(1, 50000) * 100)
        event = {"type": "interest", "id": self.new_id("INT"), "date": date, "amount": fmt(max(1, amount), 2)}
        try:
            self.model.interest_parts(event)
        except ModelError:
            return None
        return event

    def gen_allowance(self, date):
        candidates = []
        for _ in range(20):
            if not len(self.open):
                break
            pledge_id = self.open.choice(self.rng)
            p = self.model.pledges[pledge_id]
            outstanding, _ = self.model.receivable(pledge_id)
            allowed, _ = self.model.balance("1290", p["fund"], pledge_id, p["currency"])
            if outstanding + allowed > 0:
                candidates.append((pledge_id, outstanding + allowed))
                break
        if not candidates:
            return None
        pledge_id, room = candidates[0]
        amount = room if self.rng.random() < 0.3 else self.rng.randint(1, room)
        return {"type": "allowance", "id": self.new_id("ALW"), "pledge": pledge_id, "date": date,
                "amount": self.text(amount, self.model.pledges[pledge_id]["currency"])}

    def gen_write_off(self, date):
        candidates = []
        for pledge_id in self.with_allowance:
            p = self.model.pledges[pledge_id]
            outstanding, _ = self.model.receivable(pledge_id)
            allowed, _ = self.model.balance("1290", p["fund"], pledge_id, p["currency"])
            room = min(outstanding, -allowed)
            if room > 0:
                candidates.append((pledge_id, room))
            else:
                self.with_allowance.discard(pledge_id)
        if not candidates:
            return None
        pledge_id, room = self.rng.choice(candidates)
        amount = room if self.rng.random() < 0.4 else self.rng.randint(1, room)
        return {"type": "write_off", "id": self.new_id("WOF"), "pledge": pledge_id, "date": date,
                "amount": self.text(amount, self.model.pledges[pledge_id]["currency"])}

    def reversible_receipt(self):
        for _ in range(10):
            if not len(self.receipts):
                return None
            receipt_id = self.receipts.choice(self.rng)
            h = self.model.holdings.get(receipt_id)
            if receipt_id in self.model.reversed or (h is not None and h["amount"] != h["initial"]):
                self.receipts.discard(receipt_id)
                continue
            _, fund, _, currency, amount, usd = self.model.postings_of[receipt_id][0]  # its 1100
            if self.model.cash_minor[(fund, currency)] >= amount and self.model.cash_total[fund] >= 2 * usd:
                return receipt_id
        return None

    def gen_reversal(self, date):
        rng = self.rng
        kind = rng.choices(["receipt", "apply", "pledge", "expense"], weights=[60, 15, 10, 15])[0]
        target = None
        if kind == "receipt":
            target = self.reversible_receipt()
        elif kind == "apply" and len(self.applies):
            target = self.applies.choice(rng)
        elif kind == "pledge" and len(self.unsettled_pledges):
            target = self.unsettled_pledges.choice(rng)
            if self.model.pledges[target]["touched"] or self.model.pledges[target]["cancelled"]:
                self.unsettled_pledges.discard(target)
                target = None
        elif kind == "expense" and len(self.expenses):
            target = self.expenses.choice(rng)
        if target is None or target in self.model.reversed:
            return None
        self.kinds[f"reversed {kind}"] += 1
        return {"type": "reversal", "id": self.new_id("REV"), "reverses": target, "date": date,
                "memo": rng.choice(["Duplicate", "Recorded in error", "Returned by the bank"])}

    # -- bookkeeping of the candidates
    def note(self, event, postings):
        kind, id_ = event["type"], event["id"]
        touched = {p[2] for p in postings if p[2]}
        if kind == "pledge":
            touched.add(id_)
            self.unsettled_pledges.add(id_)
        elif kind == "receipt":
            self.receipts.add(id_)
        elif kind == "apply":
            self.applies.add(id_)
        elif kind == "expense":
            self.expenses.add(id_)
        elif kind == "allowance":
            self.with_allowance.add(event["pledge"])
        elif kind == "reversal":
            for pool in (self.receipts, self.applies, self.expenses, self.unsettled_pledges):
                pool.discard(event["reverses"])
        for pledge_id in touched:
            p = self.model.pledges[pledge_id]
            outstanding, _ = self.model.receivable(pledge_id)
            if p["touched"]:
                self.unsettled_pledges.discard(pledge_id)
            if p["cancelled"]:
                self.open.discard(pledge_id)
                self.paid.discard(pledge_id)
            elif outstanding > 0:
                self.open.add(pledge_id)
                self.paid.discard(pledge_id)
            else:
                self.open.discard(pledge_id)
                self.paid.add(pledge_id)

    def generate(self):
        offsets = sorted(self.rng.randrange(DAYS) for _ in range(self.count))
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        for offset in offsets:
            date = (FIRST_DAY + datetime.timedelta(days=offset)).isoformat()
            kind = self.rng.choices(kinds, weights=weights)[0]
            event = None
            for attempt in (kind, "receipt", "pledge"):
                maker = {"advance": lambda d: self.gen_held_receipt(d, True),
                         "unidentified": lambda d: self.gen_held_receipt(d, False)}.get(attempt)
                event = (maker or getattr(self, "gen_" + attempt))(date)
                if event is not None:
                    try:
                        postings = self.model.record(event)
                    except ModelError as error:  # a generator bug: say so, and try another kind
                        self.skipped[f"{attempt}: {error}"] += 1
                        event = None
                        continue
                    self.note(event, postings)
                    self.counts[attempt] += 1
                    break
                self.skipped[attempt] += 1
            self.events.append(event)
        return self.master, self.events


# ---- the checks -------------------------------------------------------------------------------

def body(checks, fundledger, work, seed, count, rounding):
    def fl(*args, db="property.db"):
        return run(fundledger, ["--db", db] + list(args), work, timeout=300)

    started = time.monotonic()
    generator = Generator(seed, count, rounding)
    master, events = generator.generate()
    model = generator.model
    print(f"generated {len(events)} events in {time.monotonic() - started:.1f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(generator.counts.items())))
    print("  of which " + ", ".join(f"{k} {v}" for k, v in sorted(generator.kinds.items())))
    bugs = {k: v for k, v in generator.skipped.items() if ":" in k}
    checks.check(f"the generator made {count} events, each valid in the model", len(events) == count and not bugs, bugs)

    result = fl("init")
    checks.check("init exits 0", result.returncode == 0, described(result))
    with open(os.path.join(work, "property.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        out.write("".join(event_line(e) + "\n" for e in master + events))
    total = len(master) + len(events)
    t = time.monotonic()
    result = fl("import", "property.jsonl")
    print(f"import took {time.monotonic() - t:.1f} s")
    ok = checks.check(f"import of the {total} events in one file exits 0: '{total} recorded'",
                      result.returncode == 0 and f"{total} recorded, 0 already recorded" in text(result.stderr),
                      described(result))
    if not ok:
        return

    # ---- every fund balances, 1900 nets to zero ----------------------------------------------------
    by_fund = balances_csv(fl, ["fund"])
    bad = [r for r in by_fund.values() if r["balance"] != "0.00" or r["debit"] != r["credit"]]
    checks.check(f"every fund balances in USD (balances --group-by fund: {len(by_fund)} funds at 0.00)",
                 len(by_fund) > 0 and not bad, bad or by_fund)
    by_fund_currency = balances_csv(fl, ["fund", "currency"])
    bad = [r for r in by_fund_currency.values() if r["debit"] != r["credit"]]
    checks.check(f"every fund balances in every currency (balances --group-by fund,currency: {len(by_fund_currency)} "
                 "rows with debit == credit)", by_fund_currency and not bad, bad)
    by_account_fund = balances_csv(fl, ["account", "fund"])
    trading = {k[1]: r["balance"] for k, r in by_account_fund.items() if k[0] == "1900"}
    checks.check("1900 (currency exchange) is 0.00 USD in every fund: "
                 + ", ".join(f"{f} {b}" for f, b in sorted(trading.items())),
                 all(b == "0.00" for b in trading.values()), trading)

    # ---- pledges -----------------------------------------------------------------------------------
    result = fl("pledges", "--format", "csv")
    listed = {row["pledge"]: row for row in csv_rows(result)}
    checks.check(f"pledges --format csv exits 0 and lists the {len(model.pledges)} pledges",
                 result.returncode == 0 and sorted(listed) == sorted(model.pledges), described(result))
    by_pledge_currency = balances_csv(fl, ["account", "pledge", "currency"])
    by_pledge_usd = balances_csv(fl, ["account", "pledge"])
    identity, receivable, figures, zero, paid = [], [], [], [], 0
    fields = ["pledged", "received", "reduced", "written_off", "outstanding", "receivable", "carrying_usd"]
    for pledge_id, p in sorted(model.pledges.items()):
        units = MINOR_UNITS[p["currency"]]
        row = listed.get(pledge_id)
        if row is None:
            continue
        try:
            if (to_minor(row["pledged"], units) - to_minor(row["received"], units) - to_minor(row["reduced"], units)
                    - to_minor(row["written_off"], units)) != to_minor(row["outstanding"], units):
                identity.append(f"{pledge_id}: {[row[f] for f in fields[:5]]}")
        except (KeyError, ValueError, ArithmeticError):
            identity.append(f"{pledge_id}: unreadable row {row}")
        in_currency = by_pledge_currency.get(("1200", pledge_id, p["currency"]), {}).get("balance", fmt(0, units))
        in_usd = by_pledge_usd.get(("1200", pledge_id), {}).get("balance", "0.00")
        if row["receivable"] != in_currency or row["carrying_usd"] != in_usd:
            receivable.append(f"{pledge_id}: receivable {row['receivable']} {p['currency']} carried at "
                              f"{row['carrying_usd']} USD, 1200 holds {in_currency} {p['currency']} and {in_usd} USD")
        expected = model.pledge_figures(pledge_id)
        got = {f: row[f] for f in fields}
        if got != expected:
            figures.append(f"{pledge_id}: expected {expected}\n  the program {got}")
        if expected["outstanding"] == fmt(0, units):
            paid += 1
            if in_currency != fmt(0, units) or in_usd != "0.00":
                zero.append(f"{pledge_id} ({row['status']}): 1200 holds {in_currency} {p['currency']} and {in_usd} USD")
    checks.check(f"every pledge: pledged - received - reduced - written_off == outstanding ({len(listed)} pledges)",
                 not identity, "\n".join(identity))
    checks.check("every pledge: its receivable is its 1200 balance in the pledge currency, its carrying_usd its 1200 "
                 "balance in USD", not receivable, "\n".join(receivable))
    checks.check("every pledge: pledged, received, reduced, written off, outstanding, receivable and carrying USD equal "
                 "the model's", not figures, "\n".join(figures))
    checks.check(f"every pledge with nothing outstanding ({paid}, {sum(r['status'] == 'paid' for r in listed.values())} "
                 "of them paid) has exactly 0 in 1200, in its currency and in USD", not zero, "\n".join(zero))
    sample = random.Random(seed).sample(sorted(model.pledges), min(10, len(model.pledges)))
    shown_bad = []
    for pledge_id in sample:
        shown = fl("pledge", "show", pledge_id, "--format", "json")
        try:
            data = json.loads(text(shown.stdout))
        except ValueError:
            data = {}
        units = MINOR_UNITS[model.pledges[pledge_id]["currency"]]
        expected = model.pledge_figures(pledge_id)
        instalments = [{k: i.get(k) for k in ("due", "amount", "paid", "reduced", "outstanding")}
                       for i in data.get("installments", [])]
        moved = [sum(to_minor(m["amount"], units) for m in data.get("movements", [])),
                 sum(to_minor(m["usd"], 2) for m in data.get("movements", []))]
        if ({f: data.get(f) for f in fields} != expected or instalments != model.installment_figures(pledge_id)
                or [fmt(moved[0], units), fmt(moved[1], 2)] != [expected["receivable"], expected["carrying_usd"]]):
            shown_bad.append(f"{pledge_id}: expected {expected}, instalments {model.installment_figures(pledge_id)}; "
                             f"{described(shown)}")
    checks.check(f"pledge show --format json of {len(sample)} pledges ({', '.join(sample[:3])}...): the same figures, "
                 "instalments paid oldest first and reduced latest first, movements summing to the receivable and "
                 "the carrying USD", not shown_bad, "\n".join(shown_bad))

    # ---- every balance, exactly --------------------------------------------------------------------
    failed = False
    for keys, by_currency, label in [(["account", "fund", "currency"], True, "in each currency"),
                                     (["account", "fund"], False, "in USD")]:
        differences, rows = compare_grouped(model, fl, keys, by_currency)
        failed |= not checks.check(f"balances by {','.join(keys)} ({rows} rows) equal the model's {label}",
                                   not differences, "\n".join(differences))
    if failed:
        by_id = {e["id"]: e for e in master + events if "id" in e}
        for found in posting_differences(model, text(fl("export").stdout), by_id):
            print("     " + found.replace("\n", "\n     "))

    # ---- verify, export, replay, export ------------------------------------------------------------
    t = time.monotonic()
    verified = fl("verify")
    checks.check("verify exits 0", verified.returncode == 0 and text(verified.stdout).startswith("verify: ok"),
                 described(verified))
    result = fl("export", "--out", "export-a.jsonl")
    checks.check("export --out exits 0", result.returncode == 0, described(result))
    result = run(fundledger, ["replay", "export-a.jsonl", "--db", "replayed.db"], work, timeout=300)
    checks.check("replay of the export into a new ledger exits 0", result.returncode == 0, described(result))
    replayed = fl("verify", db="replayed.db")
    head = lambda r: text(r.stdout).strip().rsplit(" ", 1)[-1]  # noqa: E731
    checks.check(f"verify of the replayed ledger exits 0 with the same head ({head(verified)[:12]}...)",
                 replayed.returncode == 0 and head(replayed) == head(verified) and len(head(verified)) == 64,
                 f"{described(verified)}\n{described(replayed)}")
    result = fl("export", "--out", "export-b.jsonl", db="replayed.db")
    with open(os.path.join(work, "export-a.jsonl"), "rb") as a, open(os.path.join(work, "export-b.jsonl"), "rb") as b:
        export_a, export_b = a.read(), b.read()
    checks.check(f"export, replay, export is byte-identical ({len(export_a)} bytes)",
                 result.returncode == 0 and export_a == export_b and len(export_a) > 0,
                 f"{len(export_a)} vs {len(export_b)} bytes")
    print(f"verify, export, replay, export took {time.monotonic() - t:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    parser.add_argument("--events", type=int, default=10000, help="how many contribution events (default 10000)")
    parser.add_argument("--keep", help="work in this directory (created) and keep it, instead of a temporary one")
    parser.add_argument("--rounding", default="half-even", choices=ROUNDINGS,
                        help="the ledger's rounding for every event (default half-even)")
    stores.add_argument(parser)
    args = parser.parse_args()
    stores.use(args.store, "contributions_property")
    fundledger = os.path.abspath(args.fundledger)
    print(f"seed {args.seed}, {args.events} events, rounding {args.rounding} "
          f"(rerun with --seed {args.seed} --events {args.events} --rounding {args.rounding})")
    checks = Checks()
    started = time.monotonic()
    try:
        if args.keep:
            os.makedirs(args.keep, exist_ok=False)
            body(checks, fundledger, os.path.abspath(args.keep), args.seed, args.events, args.rounding)
        else:
            with tempfile.TemporaryDirectory(prefix="fundledger-property-") as work:
                body(checks, fundledger, work, args.seed, args.events, args.rounding)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        import traceback
        traceback.print_exc()
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"seed {args.seed}; ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
