#!/usr/bin/env python3
"""Contribution events at random: the ledger's invariants hold after thousands of valid events.

`--seed S --events N` (defaults 1 and 10000) generates a random but valid sequence of contribution
events over 2022-2025 in USD, EUR, GBP, NOK (2 minor units), JPY (0) and KWD (3) with monthly UN
rates: pledges with instalments, receipts (partial, exact, over, in another currency, of a few
minor units, to a paid pledge), advances and unidentified receipts, applies (to pledges and to revenue, in part or in
full), reductions within what is outstanding, allowances and write-offs within their limits,
refunds, expenses and transfers within the fund's cash, interest, and reversals of receipts not yet
applied, of applies, of pledges with nothing against them and of expenses. A model of the ledger
(ACCOUNTING.md's rules, exact integers and fractions) keeps what is outstanding, held and in cash so
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

MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "NOK": 2, "JPY": 0, "KWD": 3}

# ---- exact money ------------------------------------------------------------------------------

def to_minor(text, units):
    """'1234.5' at 2 minor units -> 123450 (exact; refuses more decimals than the currency has)."""
    value = Decimal(text).scaleb(units)
    if value != value.to_integral_value():
        raise ValueError(f"{text} has more than {units} decimals")
    return int(value)


def fmt(minor, units):
    """123450 at 2 minor units -> '1234.50'; -5 at 0 -> '-5'."""
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10 ** units)
    return f"{sign}{whole}.{part:0{units}d}" if units else f"{sign}{whole}"


def round_half_even(value):
    """A Fraction to the nearest integer, ties to even (Python's round of a Fraction does exactly that)."""
    return round(Fraction(value))


def proportional(total, part, whole):
    """total * part / whole rounded half-even; all of total when part == whole (nothing stranded)."""
    if part == whole:
        return total
    if whole == 0:
        return 0
    return round_half_even(Fraction(total * part, whole))


def allocate(total, weights):
    """Largest remainder: parts proportional to weights summing exactly to total, ties to the earlier."""
    weight_sum = sum(weights)
    parts, remainders = [], []
    for w in weights:
        q, r = divmod(total * w, weight_sum)
        parts.append(q)
        remainders.append(r)
    left = total - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        parts[i] += 1
    return parts


# ---- the model --------------------------------------------------------------------------------

class ModelError(Exception):
    """The model refuses an event the ledger must refuse too (or that the test should not generate)."""


class Model:
    """The ledger's postings per ACCOUNTING.md, computed independently of the program.

    Amounts are integers in minor units; USD in cents. A posting is (account, fund, pledge,
    currency, amount, usd); donor and project are not modelled (no check groups by them).
    """

    def __init__(self, minor_units):
        self.minor = dict(minor_units)
        self.rates = defaultdict(list)        # currency -> sorted [(effective, per_usd as a Fraction, as text)]
        self.settings = defaultdict(list)     # key -> sorted [(effective or "", value)]
        self.settings["psc_rate"].append(("", "0.13"))
        self.settings["rounding"].append(("", "half-even"))
        self.fund_kind = {}
        self.fund_order = []
        self.projects = {}                    # code -> (fund, psc_rate or None)
        self.donors = set()
        self.pledges = {}                     # id -> dict
        self.balances = defaultdict(lambda: [0, 0])  # (account, fund, pledge, currency) -> [amount, usd]
        self.holdings = {}                    # event id -> dict(account, fund, donor, currency, amount, usd, initial)
        self.postings_of = {}                 # event id -> postings
        self.type_of = {}                     # event id -> type
        self.moves_of = defaultdict(list)     # event id -> [(holding id, amount, usd)]
        self.reversed = set()
        self.cash_total = defaultdict(int)    # fund -> USD of 1100, all dates
        self.cash_days = []                   # sorted dates with 1100 postings
        self.cash_by_day = defaultdict(lambda: defaultdict(int))
        self.cash_minor = defaultdict(int)    # (fund, currency) -> 1100 amount

    # -- look-ups
    def rate(self, currency, date):
        return self.rate_entry(currency, date)[1]

    def rate_text(self, currency, date):
        return self.rate_entry(currency, date)[2]

    def rate_entry(self, currency, date):
        table = self.rates[currency]
        i = bisect.bisect_right(table, (date, Fraction(10) ** 40, "")) - 1
        if i < 0:
            raise ModelError(f"no rate for {currency} on {date}")
        return table[i]

    def setting(self, key, date, default=""):
        value = default
        for effective, v in self.settings[key]:
            if effective <= date:
                value = v
        return value

    def usd(self, amount, currency, date):
        """amount (minor units) in USD cents: amount / per_usd, half-even to cents."""
        if currency == "USD":
            return amount
        return round_half_even(Fraction(amount, 10 ** self.minor[currency]) / self.rate(currency, date) * 100)

    def balance(self, account, fund, pledge, currency):
        return tuple(self.balances.get((account, fund, pledge, currency), (0, 0)))

    def receivable(self, pledge_id):
        p = self.pledges[pledge_id]
        return self.balance("1200", p["fund"], pledge_id, p["currency"])

    def cash_before(self, fund, date):
        """The fund's 1100 balance in USD at the end of the day before date."""
        later = self.cash_days[bisect.bisect_left(self.cash_days, date):]
        return self.cash_total[fund] - sum(self.cash_by_day[d][fund] for d in later)

    def revenue_account(self, purpose):
        return "4200" if purpose == "special" else "4100"

    # -- recording
    def record(self, event):
        handler = getattr(self, "on_" + event["type"])
        postings = handler(event)
        if postings is None:
            return None
        self.check_balanced(event, postings)
        for account, fund, pledge, currency, amount, usd in postings:
            if pledge and event["type"] not in ("pledge", "reversal"):
                self.pledges[pledge]["touched"].add(event["id"])
            key = (account, fund, pledge, currency)
            self.balances[key][0] += amount
            self.balances[key][1] += usd
            if account == "1100":
                date = event["date"]
                if date not in self.cash_by_day:
                    bisect.insort(self.cash_days, date)
                self.cash_by_day[date][fund] += usd
                self.cash_total[fund] += usd
                self.cash_minor[(fund, currency)] += amount
        self.postings_of[event["id"]] = postings
        self.type_of[event["id"]] = event["type"]
        return postings

    def check_balanced(self, event, postings):
        by_fund_currency, by_fund = defaultdict(int), defaultdict(int)
        for account, fund, pledge, currency, amount, usd in postings:
            by_fund_currency[(fund, currency)] += amount
            by_fund[fund] += usd
        bad = {k: v for k, v in list(by_fund_currency.items()) + list(by_fund.items()) if v}
        if bad:
            raise AssertionError(f"the model's own postings for {event.get('id')} do not balance: {bad}")

    @staticmethod
    def close_usd(postings, account, fallback_currency=None):
        """Posts each fund's USD difference to account (amount 0, in the fund's first currency)."""
        by_fund, first = defaultdict(int), {}
        for _, fund, _, currency, _, usd in postings:
            by_fund[fund] += usd
            first.setdefault(fund, currency)
        for fund, total in by_fund.items():
            if total:
                postings.append((account, fund, None, first.get(fund, fallback_currency), 0, -total))

    # master data
    def on_currency(self, e):
        self.minor[e["code"]] = e["minor_units"]

    def on_rate(self, e):
        bisect.insort(self.rates[e["currency"]], (e["effective"], Fraction(Decimal(e["per_usd"])), e["per_usd"]))

    def on_setting(self, e):
        if (e["key"], e["value"]) not in {("rounding", "half-even"), ("recognition", "upfront")} and \
                e["key"] in ("rounding", "recognition"):
            raise ModelError(f"the model knows only half-even rounding and upfront recognition, not {e['value']}")
        bisect.insort(self.settings[e["key"]], (e.get("effective", ""), e["value"]))

    def on_fund(self, e):
        self.fund_kind[e["code"]] = e["kind"]
        self.fund_order.append(e["code"])

    def on_donor(self, e):
        self.donors.add(e["code"])

    def on_project(self, e):
        self.projects[e["code"]] = (e["fund"], e.get("psc_rate"))

    # contributions
    def on_pledge(self, e):
        currency, units = e["currency"], self.minor[e["currency"]]
        amount = to_minor(e["amount"], units)
        installments = [(i["due"], to_minor(i["amount"], units)) for i in e.get("installments", [])]
        if not installments:
            installments = [(e["signed"], amount)]
        if sum(a for _, a in installments) != amount:
            raise ModelError("instalments do not sum to the amount")
        installments.sort(key=lambda i: i[0])
        self.pledges[e["id"]] = {
            "id": e["id"], "donor": e["donor"], "fund": e["fund"], "currency": currency,
            "purpose": e["purpose"], "signed": e["signed"], "amount": amount, "installments": installments,
            "conditional": bool(e.get("conditional")), "project": e.get("project", ""),
            "cancelled": False, "settled_ever": False, "touched": set(),
            "received": 0, "reduced": 0, "written_off": 0,
        }
        usd = self.usd(amount, currency, e["signed"])
        credit = "2200" if e.get("conditional") else self.revenue_account(e["purpose"])
        return [("1200", e["fund"], e["id"], currency, amount, usd),
                (credit, e["fund"], e["id"], currency, -amount, -usd)]

    def settle(self, postings, pledge_id, money_currency, money_amount, money_usd, date):
        """Settles a pledge with money worth money_usd; returns (settled, excess) in the pledge currency."""
        p = self.pledges[pledge_id]
        pc = p["currency"]
        outstanding, carrying = self.receivable(pledge_id)
        value = money_amount
        if money_currency != pc:
            # The receipt's USD value converted at the date's rate of the pledge currency, through 1900.
            if pc == "USD":
                value = money_usd
            else:
                value = round_half_even(Fraction(money_usd, 100) * self.rate(pc, date) * 10 ** self.minor[pc])
            postings.append(("1900", p["fund"], None, money_currency, -money_amount, -money_usd))
            postings.append(("1900", p["fund"], None, pc, value, money_usd))
        settled = min(max(outstanding, 0), value)
        if settled > 0:
            relieved = proportional(carrying, settled, outstanding)
            postings.append(("1200", p["fund"], pledge_id, pc, -settled, -relieved))
            p["settled_ever"] = True
            p["received"] += settled
        excess = value - settled
        if excess > 0:
            # Money held for the donor: a new posting, converted at the date's rate.
            postings.append(("2100", p["fund"], None, pc, -excess, -self.usd(excess, pc, date)))
        return settled, excess

    def hold(self, event_id, account, fund, donor, currency, amount, usd):
        self.holdings[event_id] = {"account": account, "fund": fund, "donor": donor, "currency": currency,
                                   "amount": amount, "usd": usd, "initial": amount}

    def on_receipt(self, e):
        currency, date, fund = e["currency"], e["date"], e["fund"]
        amount = to_minor(e["amount"], self.minor[currency])
        usd = self.usd(amount, currency, date)
        postings = [("1100", fund, None, currency, amount, usd)]
        pledge_id = e.get("pledge")
        if pledge_id:
            p = self.pledges[pledge_id]
            if p["fund"] != fund or p["cancelled"]:
                raise ModelError(f"receipt {e['id']}: pledge {pledge_id} is to another fund or cancelled")
            _, excess = self.settle(postings, pledge_id, currency, amount, usd, date)
            if excess:
                held = postings[-1]
                self.hold(e["id"], "2100", fund, p["donor"], held[3], -held[4], -held[5])
            self.close_usd(postings, "4700")
        else:
            account = "2100" if e.get("donor") else "2150"
            postings.append((account, fund, None, currency, -amount, -usd))
            self.hold(e["id"], account, fund, e.get("donor", ""), currency, amount, usd)
        return postings

    def on_apply(self, e):
        h = self.holdings.get(e["receipt"])
        if h is None or h["account"] not in ("2100", "2150") or h["amount"] <= 0:
            raise ModelError(f"apply {e['id']}: {e['receipt']} holds nothing to apply")
        currency = h["currency"]
        wanted = to_minor(e["amount"], self.minor[currency]) if "amount" in e else h["amount"]
        if wanted > h["amount"]:
            raise ModelError(f"apply {e['id']}: more than is held")
        donor = h["donor"] or e.get("donor", "")
        postings = []
        pledge_id = e.get("pledge")
        if pledge_id:
            p = self.pledges[pledge_id]
            outstanding, _ = self.receivable(pledge_id)
            if p["fund"] != h["fund"] or p["cancelled"] or outstanding <= 0 or (donor and donor != p["donor"]):
                raise ModelError(f"apply {e['id']}: pledge {pledge_id} cannot take it")
            if p["currency"] != currency:
                raise ModelError("the model applies held money only to a pledge in the same currency")
            applied = min(wanted, outstanding)
            relieved = proportional(h["usd"], applied, h["amount"])
            postings.append((h["account"], h["fund"], None, currency, applied, relieved))
            _, excess = self.settle(postings, pledge_id, currency, applied, relieved, e["date"])
            assert excess == 0
            self.close_usd(postings, "4700")
        else:
            if not donor:
                raise ModelError(f"apply {e['id']}: revenue needs the donor")
            applied = wanted
            relieved = proportional(h["usd"], applied, h["amount"])
            kind = self.fund_kind[h["fund"]]
            postings.append((h["account"], h["fund"], None, currency, applied, relieved))
            postings.append((self.revenue_account("special" if kind == "special" else "general"), h["fund"], None,
                             currency, -applied, -relieved))
        h["amount"] -= applied
        h["usd"] -= relieved
        self.moves_of[e["id"]].append((e["receipt"], -applied, -relieved))
        return postings

    def on_reduction(self, e):
        p = self.pledges[e["pledge"]]
        if p["conditional"]:
            raise ModelError("the model does not reduce conditional pledges")
        amount = to_minor(e["amount"], self.minor[p["currency"]])
        outstanding, carrying = self.receivable(e["pledge"])
        if amount > outstanding or amount <= 0:
            raise ModelError(f"reduction {e['id']}: more than is outstanding")
        carry = proportional(carrying, amount, outstanding)
        account = self.revenue_account(p["purpose"]) if e["date"][:4] == p["signed"][:4] else "4900"
        p["reduced"] += amount
        if amount == outstanding and not p["settled_ever"]:
            p["cancelled"] = True
        return [("1200", p["fund"], e["pledge"], p["currency"], -amount, -carry),
                (account, p["fund"], e["pledge"], p["currency"], amount, carry)]

    def on_allowance(self, e):
        p = self.pledges[e["pledge"]]
        pc = p["currency"]
        amount = to_minor(e["amount"], self.minor[pc])
        outstanding, carrying = self.receivable(e["pledge"])
        allowed, _ = self.balance("1290", p["fund"], e["pledge"], pc)
        if amount > outstanding + allowed:
            raise ModelError(f"allowance {e['id']}: more than is outstanding and not allowed for")
        usd = proportional(carrying, amount, outstanding)
        return [("5400", p["fund"], e["pledge"], pc, amount, usd),
                ("1290", p["fund"], e["pledge"], pc, -amount, -usd)]

    def on_write_off(self, e):
        p = self.pledges[e["pledge"]]
        pc = p["currency"]
        amount = to_minor(e["amount"], self.minor[pc])
        outstanding, carrying = self.receivable(e["pledge"])
        allowed, allowed_usd = self.balance("1290", p["fund"], e["pledge"], pc)
        if amount > -allowed or amount > outstanding:
            raise ModelError(f"write_off {e['id']}: more than is allowed for or outstanding")
        postings = [("1290", p["fund"], e["pledge"], pc, amount, proportional(-allowed_usd, amount, -allowed)),
                    ("1200", p["fund"], e["pledge"], pc, -amount, -proportional(carrying, amount, outstanding))]
        self.close_usd(postings, "5400")
        p["written_off"] += amount
        return postings

    def on_refund(self, e):
        currency, fund = e["currency"], e["fund"]
        amount = to_minor(e["amount"], self.minor[currency])
        usd = self.usd(amount, currency, e["date"])
        pledge = e.get("pledge")
        postings = [("4900", fund, pledge, currency, amount, usd), ("2300", fund, pledge, currency, -amount, -usd)]
        if e.get("paid"):
            postings += [("2300", fund, pledge, currency, amount, usd), ("1100", fund, None, currency, -amount, -usd)]
        else:
            self.hold(e["id"], "2300", fund, e["donor"], currency, amount, usd)
        return postings

    def psc_rate_of(self, e):
        if "psc_rate" in e:
            return e["psc_rate"]
        if e.get("project") and self.projects[e["project"]][1] is not None:
            return self.projects[e["project"]][1]
        return self.setting("psc_rate", e["date"])

    def expense_postings(self, e):
        currency, fund, date = e["currency"], e["fund"], e["date"]
        units = self.minor[currency]
        amount = to_minor(e["amount"], units)
        psc = round_half_even(amount * Fraction(Decimal(self.psc_rate_of(e))))
        usd = lambda minor: self.usd(minor, currency, date)  # noqa: E731
        postings = [("5100" if e["category"] == "grant" else "5200", fund, None, currency, amount, usd(amount)),
                    ("1100", fund, None, currency, -amount, usd(-amount))]
        if psc:
            postings += [("5300", fund, None, currency, psc, usd(psc)), ("1100", fund, None, currency, -psc, usd(-psc))]
            psc_fund = self.setting("psc_fund", date)
            if psc_fund:
                postings += [("1100", psc_fund, None, currency, psc, usd(psc)),
                             ("4300", psc_fund, None, currency, -psc, usd(-psc))]
        self.close_usd(postings, "5900")
        return postings, psc

    def on_expense(self, e):
        postings, _ = self.expense_postings(e)
        spent = -sum(p[5] for p in postings if p[0] == "1100" and p[1] == e["fund"])
        if not e.get("allow_overdraft") and spent > self.cash_total[e["fund"]]:
            raise ModelError(f"expense {e['id']}: more than the fund's cash")
        return postings

    def on_transfer(self, e):
        currency, date = e["currency"], e["date"]
        amount = to_minor(e["amount"], self.minor[currency])
        usd = self.usd(amount, currency, date)
        if usd > self.cash_total[e["from_fund"]]:
            raise ModelError(f"transfer {e['id']}: more than the fund's cash")
        return [("3200", e["from_fund"], None, currency, amount, usd),
                ("1100", e["from_fund"], None, currency, -amount, -usd),
                ("1100", e["to_fund"], None, currency, amount, usd),
                ("3200", e["to_fund"], None, currency, -amount, -usd)]

    def interest_parts(self, e):
        amount = to_minor(e["amount"], 2)
        funds = [f for f in self.fund_order if self.cash_before(f, e["date"]) > 0]
        if not funds:
            raise ModelError(f"interest {e['id']}: no fund has cash")
        return list(zip(funds, allocate(amount, [self.cash_before(f, e["date"]) for f in funds])))

    def on_interest(self, e):
        postings = []
        for fund, part in self.interest_parts(e):
            if part:
                postings += [("1100", fund, None, "USD", part, part), ("4800", fund, None, "USD", -part, -part)]
        return postings

    def on_reversal(self, e):
        target = e["reverses"]
        if target not in self.postings_of or target in self.reversed or self.type_of[target] == "reversal":
            raise ModelError(f"reversal {e['id']}: cannot reverse {target}")
        h = self.holdings.get(target)
        if h is not None and h["amount"] != h["initial"]:
            raise ModelError(f"reversal {e['id']}: part of {target} was applied")
        postings = [(a, f, pl, c, -amt, -usd) for a, f, pl, c, amt, usd in self.postings_of[target]]
        if self.type_of[target] == "pledge":
            if self.pledges[target]["touched"]:
                raise ModelError(f"reversal {e['id']}: pledge {target} has events against it")
            self.pledges[target]["cancelled"] = True
        for p in self.pledges.values():
            p["touched"].discard(target)
        for a, f, pl, c, amt, usd in postings:
            if a == "1200" and pl and self.type_of[target] in ("receipt", "apply"):
                self.pledges[pl]["received"] -= amt  # amt > 0: a reversed receipt is no longer received
        if h is not None:
            h["amount"], h["usd"] = 0, 0
        for holding_id, amount, usd in self.moves_of.get(target, []):
            self.holdings[holding_id]["amount"] -= amount
            self.holdings[holding_id]["usd"] -= usd
        self.reversed.add(target)
        return postings

    # -- what the reports should show
    def pledge_figures(self, pledge_id):
        p = self.pledges[pledge_id]
        units = self.minor[p["currency"]]
        receivable, carrying = self.receivable(pledge_id)
        reduced = p["reduced"]
        if p["cancelled"] and p["received"] == 0:
            reduced = p["amount"] - p["written_off"]  # a reversed pledge is cancelled in full
        outstanding = p["amount"] - p["received"] - reduced - p["written_off"]
        return {"pledged": fmt(p["amount"], units), "received": fmt(p["received"], units),
                "reduced": fmt(reduced, units), "written_off": fmt(p["written_off"], units),
                "outstanding": fmt(outstanding, units), "receivable": fmt(receivable, units),
                "carrying_usd": fmt(carrying, 2)}

    def installment_figures(self, pledge_id):
        """Receipts pay the oldest instalment first; reductions and write-offs cut the latest first."""
        p = self.pledges[pledge_id]
        units = self.minor[p["currency"]]
        figures = self.pledge_figures(pledge_id)
        to_pay = max(0, p["received"])
        to_cut = max(0, to_minor(figures["reduced"], units) + p["written_off"])
        rows = []
        paid = []
        for due, amount in p["installments"]:
            part = min(to_pay, amount)
            to_pay -= part
            paid.append(part)
        cut = [0] * len(paid)
        for i in reversed(range(len(paid))):
            cut[i] = min(to_cut, p["installments"][i][1] - paid[i])
            to_cut -= cut[i]
        for (due, amount), pa, cu in zip(p["installments"], paid, cut):
            rows.append({"due": due, "amount": fmt(amount, units), "paid": fmt(pa, units), "reduced": fmt(cu, units),
                         "outstanding": fmt(amount - pa - cu, units)})
        return rows

    def grouped(self, keys, by_currency):
        """Balances grouped like `balances --group-by keys`: {key tuple: balance in minor units}."""
        index = {"account": 0, "fund": 1, "pledge": 2, "currency": 3}
        out = defaultdict(int)
        for key, (amount, usd) in self.balances.items():
            out[tuple(key[index[k]] or "" for k in keys)] += amount if by_currency else usd
        return {k: v for k, v in out.items() if v}


# ---- running the program ----------------------------------------------------------------------

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


def run(fundledger, args, cwd, timeout=120):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    return subprocess.run([fundledger] + args, cwd=cwd, env=env, capture_output=True, timeout=timeout)


def text(data):
    return data.decode("utf-8", errors="replace")


def described(result):
    return f"exit {result.returncode}, stdout {text(result.stdout)[:300]!r}, stderr {text(result.stderr)[:600]!r}"


def csv_rows(result):
    return list(csv.DictReader(io.StringIO(text(result.stdout))))


def balances_csv(fl, keys):
    """`balances --group-by keys --format csv` as {key tuple: row dict}."""
    result = fl("balances", "--group-by", ",".join(keys), "--format", "csv")
    if result.returncode != 0:
        raise RuntimeError(f"balances --group-by {','.join(keys)}: {described(result)}")
    return {tuple(row[k] for k in keys): row for row in csv_rows(result)}


def minor_of(text_value, units):
    return to_minor(text_value, units)


def compare_grouped(model, fl, keys, by_currency):
    """Differences between the program's balances and the model's, as printable lines."""
    rows = balances_csv(fl, keys)
    actual = {}
    for key, row in rows.items():
        units = model.minor[row["currency"]] if by_currency else 2
        value = minor_of(row["balance"], units)
        if value:
            actual[key] = value
    expected = model.grouped(keys, by_currency)
    lines = []
    for key in sorted(set(actual) | set(expected)):
        if actual.get(key, 0) != expected.get(key, 0):
            units = model.minor[key[keys.index("currency")]] if by_currency else 2
            lines.append(f"{','.join(key)}: expected {fmt(expected.get(key, 0), units)}, "
                         f"the program has {fmt(actual.get(key, 0), units)}")
    return lines, len(rows)


def posting_differences(model, export_text, events_by_id, limit=3):
    """The first events whose exported postings differ from the model's, described for a report.

    Postings are compared summed by (account, fund, pledge, currency) in the currency and by
    (account, fund, pledge) in USD, so that the currency a USD-only posting names does not matter.
    """
    def sums(postings):
        amounts, usd = defaultdict(int), defaultdict(int)
        for account, fund, pledge, currency, amount, functional in postings:
            amounts[(account, fund, pledge or "", currency)] += amount
            usd[(account, fund, pledge or "")] += functional
        return {k: v for k, v in amounts.items() if v}, {k: v for k, v in usd.items() if v}

    found = []
    for raw in export_text.splitlines():
        event = json.loads(raw)
        id_ = event.get("id")
        if id_ is None or id_ not in model.postings_of:
            continue
        actual = [(p["account"], p["fund"], p.get("pledge"), p["currency"],
                   to_minor(p["amount"], model.minor[p["currency"]]), to_minor(p["functional_amount"], 2))
                  for p in event.get("postings", [])]
        expected = model.postings_of[id_]
        if sums(actual) != sums(expected):
            show = lambda ps: "; ".join(f"{a} {f}{' ' + pl if pl else ''} {fmt(m, model.minor[c])} {c} = "  # noqa: E731
                                        f"{fmt(u, 2)} USD" for a, f, pl, c, m, u in ps)
            found.append(f"event {event_line(events_by_id.get(id_, {'id': id_}))}\n"
                         f"  expected: {show(expected)}\n  the program: {show(actual)}")
            if len(found) >= limit:
                break
    return found


def event_line(event):
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)



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
    def __init__(self, seed, count):
        self.rng = random.Random(seed)
        self.count = count
        self.model = Model(MINOR_UNITS)
        self.master = MASTER + rate_events(self.rng)
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

def body(checks, fundledger, work, seed, count):
    def fl(*args, db="property.db"):
        return run(fundledger, ["--db", db] + list(args), work, timeout=300)

    started = time.monotonic()
    generator = Generator(seed, count)
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
    args = parser.parse_args()
    fundledger = os.path.abspath(args.fundledger)
    print(f"seed {args.seed}, {args.events} events (rerun with --seed {args.seed} --events {args.events})")
    checks = Checks()
    started = time.monotonic()
    try:
        if args.keep:
            os.makedirs(args.keep, exist_ok=False)
            body(checks, fundledger, os.path.abspath(args.keep), args.seed, args.events)
        else:
            with tempfile.TemporaryDirectory(prefix="fundledger-property-") as work:
                body(checks, fundledger, work, args.seed, args.events)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        import traceback
        traceback.print_exc()
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"seed {args.seed}; ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
