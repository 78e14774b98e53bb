"""The model shared by the contribution tests: what each contribution event should post, computed
exactly in whole minor units and fractions, independently of the program, following ledger/README.md:
each posting converted as amount / per_usd, half-even to cents, at the latest rate on or before its
date; carrying USD relieved in proportion (half-even), the settlement that clears a pledge taking all
that remains, any excess held at the day's rate; the exchange difference to 4700; PSC = amount x rate,
half-even at the currency's minor units; interest split by each fund's cash at the end of the
previous day by largest remainder. Also the helpers that run the program and compare its balances
with the model."""
import bisect
import csv
import io
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
import stores

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


ROUNDINGS = ("down", "up", "half-up", "half-down", "half-even", "ceiling", "floor")


def round_with(value, mode):
    """A Fraction to an integer by one of the ledger's rounding modes, the value's sign included:
    floor(-111.111) is -112, down (toward zero) of it -111, half-up of -0.5 is -1 (away from zero)."""
    value = Fraction(value)
    floor = value.numerator // value.denominator
    rest = value - floor
    if rest == 0:
        return floor
    positive = value > 0
    if mode == "floor":
        return floor
    if mode == "ceiling":
        return floor + 1
    if mode == "down":
        return floor if positive else floor + 1
    if mode == "up":
        return floor + 1 if positive else floor
    if rest != Fraction(1, 2):
        return floor if rest < Fraction(1, 2) else floor + 1
    if mode == "half-up":
        return floor + 1 if positive else floor
    if mode == "half-down":
        return floor if positive else floor + 1
    if mode == "half-even":
        return floor if floor % 2 == 0 else floor + 1
    raise ValueError(f"unknown rounding {mode}")


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


class Entry:
    """The postings of one event as ledger/README.md builds them: each converted at the day's rate with
    its own sign (add), or at a USD given (given), or relieving a monetary balance at the USD it
    carries (relieve), whose difference from the day's value is realized exchange. finish() posts,
    per fund, the realized exchange to 4700 and what the rounding of each posting left to 5900."""

    def __init__(self, model, date):
        self.model, self.date = model, date
        self.postings = []
        self.exchange = defaultdict(int)

    def add(self, account, fund, pledge, currency, amount):
        usd = self.model.usd(amount, currency, self.date)
        self.postings.append((account, fund, pledge, currency, amount, usd))
        return usd

    def given(self, account, fund, pledge, currency, amount, usd):
        self.postings.append((account, fund, pledge, currency, amount, usd))
        return usd

    def relieve(self, account, fund, pledge, currency, amount, balance_amount, balance_usd, value_now=None):
        """amount (against the balance's sign) taken out of a balance of balance_amount carrying
        balance_usd: the carrying USD in proportion for the part it covers, the day's value beyond."""
        value = self.model.usd(amount, currency, self.date) if value_now is None else value_now
        covered = 0
        if amount > 0 and balance_amount < 0:
            covered = min(amount, -balance_amount)
        elif amount < 0 and balance_amount > 0:
            covered = -min(-amount, balance_amount)
        usd = value
        if covered:
            carried = -proportional(balance_usd, abs(covered), abs(balance_amount))
            beyond = 0 if covered == amount else self.model.usd(amount - covered, currency, self.date)
            usd = carried + beyond
        self.postings.append((account, fund, pledge, currency, amount, usd))
        self.exchange[fund] += usd - value
        return usd

    def finish(self):
        first = {}
        for _, fund, _, currency, _, _ in self.postings:
            first.setdefault(fund, currency)
        for fund, difference in self.exchange.items():
            if difference:
                self.postings.append(("4700", fund, None, first[fund], 0, -difference))
        by_fund = defaultdict(int)
        for _, fund, _, _, _, usd in self.postings:
            by_fund[fund] += usd
        for fund, total in by_fund.items():
            if total:
                self.postings.append(("5900", fund, None, first[fund], 0, -total))
        return self.postings


class Model:
    """The ledger's postings per ledger/README.md, computed independently of the program.

    Amounts are integers in minor units; USD in cents. A posting is (account, fund, pledge,
    currency, amount, usd); donor and project are not modelled (no check groups by them).
    """

    def __init__(self, minor_units):
        self.minor = dict(minor_units)
        self.rates = defaultdict(list)        # currency -> sorted [(effective, per_usd as a Fraction, as text)]
        self.settings = defaultdict(list)     # key -> sorted [(effective or "", value)]
        self.settings["psc_rate"].append(("", "0.13"))
        self.settings["rounding"].append(("", "half-even"))
        # What init records: a PSC fund's own spending carries no PSC.
        self.settings["psc_own_spending"].append(("", "exempt"))
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
        self.cash_usd = defaultdict(int)      # (fund, currency) -> the USD that amount carries

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

    def rounding(self, date):
        return self.setting("rounding", date, "half-even")

    def usd(self, amount, currency, date):
        """amount (minor units, signed) in USD cents: amount / per_usd, rounded to cents by the
        rounding in force on date, with the amount's own sign."""
        if currency == "USD":
            return amount
        return round_with(Fraction(amount, 10 ** self.minor[currency]) / self.rate(currency, date) * 100,
                          self.rounding(date))

    def cash_position(self, fund, currency):
        return self.cash_minor[(fund, currency)], self.cash_usd[(fund, currency)]

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

    def position(self, entry, account, fund, pledge, currency):
        """A balance with what the entry has posted to it so far; cash is one pool per fund and currency."""
        if account == "1100":
            amount, usd = self.cash_position(fund, currency)
            same = lambda p: p[0] == "1100" and p[1] == fund and p[3] == currency  # noqa: E731
        else:
            amount, usd = self.balance(account, fund, pledge, currency)
            same = lambda p: p[0] == account and p[1] == fund and p[2] == pledge and p[3] == currency  # noqa: E731
        for posting in entry.postings:
            if same(posting):
                amount += posting[4]
                usd += posting[5]
        return amount, usd

    def release_allowance(self, entry, pledge_id):
        """Allowances follow their receivable: what 1290 holds beyond 1200, in the currency or in USD, is
        released (Dr 1290 / Cr 5400); what stays is its carrying USD in proportion, never more than the
        receivable carries."""
        p = self.pledges[pledge_id]
        fund, pc = p["fund"], p["currency"]
        allowed, allowed_usd = self.position(entry, "1290", fund, pledge_id, pc)
        owed, owed_usd = self.position(entry, "1200", fund, pledge_id, pc)
        allowed, allowed_usd = -allowed, -allowed_usd
        if allowed <= 0 and allowed_usd <= 0:
            return
        owed, owed_usd = max(0, owed), max(0, owed_usd)
        if allowed <= owed and allowed_usd <= owed_usd:
            return
        kept = min(allowed, owed)
        kept_usd = max(0, min(proportional(allowed_usd, kept, allowed), owed_usd))
        entry.given("1290", fund, pledge_id, pc, allowed - kept, allowed_usd - kept_usd)
        entry.given("5400", fund, pledge_id, pc, kept - allowed, kept_usd - allowed_usd)

    def check_cash(self, event, postings, what):
        """The cash rule: unless the event says allow_overdraft, every fund whose cash it lowers keeps
        zero or more in USD at the end of the event's date and with every posting so far, and in each
        currency it lowers."""
        if event.get("allow_overdraft"):
            return
        usd_added, amount_added = defaultdict(int), defaultdict(int)
        for account, fund, _, currency, amount, usd in postings:
            if account == "1100":
                usd_added[fund] += usd
                amount_added[(fund, currency)] += amount
        for fund, added in usd_added.items():
            if added < 0:
                later = self.cash_days[bisect.bisect_right(self.cash_days, event["date"]):]
                at_end_of_day = self.cash_total[fund] - sum(self.cash_by_day[d][fund] for d in later)
                if min(at_end_of_day, self.cash_total[fund]) + added < 0:
                    raise ModelError(f"{what} {event['id']}: more than the USD cash of fund {fund}")
        for (fund, currency), added in amount_added.items():
            if added < 0 and self.cash_minor[(fund, currency)] + added < 0:
                raise ModelError(f"{what} {event['id']}: more than the {currency} cash of fund {fund}")

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
                self.cash_usd[(fund, currency)] += usd
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
        if e["key"] == "recognition" and e["value"] != "upfront":
            raise ModelError(f"the model knows only upfront recognition, not {e['value']}")
        if e["key"] == "rounding" and e["value"] not in ROUNDINGS:
            raise ModelError(f"unknown rounding {e['value']}")
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
            "cancelled": False, "touched": set(),
            "received": 0, "reduced": 0, "written_off": 0,
        }
        credit = "2200" if e.get("conditional") else self.revenue_account(e["purpose"])
        entry = Entry(self, e["signed"])
        entry.add("1200", e["fund"], e["id"], currency, amount)
        entry.add(credit, e["fund"], e["id"], currency, -amount)
        return entry.finish()

    def settle(self, entry, pledge_id, money_currency, money_amount, money_usd):
        """Settles a pledge with money worth money_usd; returns (settled, excess) in the pledge currency."""
        p = self.pledges[pledge_id]
        pc = p["currency"]
        outstanding, carrying = self.receivable(pledge_id)
        value = money_amount
        cross = money_currency != pc
        if cross:
            # The money's USD value converted at the date's rate of the pledge currency, through 1900.
            if pc == "USD":
                value = money_usd
            else:
                value = round_with(Fraction(money_usd, 100) * self.rate(pc, entry.date) * 10 ** self.minor[pc],
                                   self.rounding(entry.date))
            entry.given("1900", p["fund"], None, money_currency, -money_amount, -money_usd)
            entry.given("1900", p["fund"], None, pc, value, money_usd)
        settled = min(max(outstanding, 0), value)
        if settled > 0:
            # Across currencies, what the settled part is worth today is its share of the money's USD.
            value_now = -proportional(money_usd, settled, value) if cross else None
            entry.relieve("1200", p["fund"], pledge_id, pc, -settled, outstanding, carrying, value_now)
            p["received"] += settled
            self.release_allowance(entry, pledge_id)
        excess = value - settled
        if excess > 0:
            # Money held for the donor: a new posting, converted at the date's rate.
            entry.add("2100", p["fund"], None, pc, -excess)
        return settled, excess

    def hold(self, event_id, account, fund, donor, currency, amount, usd, pledge=None):
        self.holdings[event_id] = {"account": account, "fund": fund, "donor": donor, "currency": currency,
                                   "amount": amount, "usd": usd, "initial": amount, "initial_usd": usd,
                                   "pledge": pledge}

    def on_receipt(self, e):
        currency, date, fund = e["currency"], e["date"], e["fund"]
        amount = to_minor(e["amount"], self.minor[currency])
        entry = Entry(self, date)
        usd = entry.add("1100", fund, None, currency, amount)
        pledge_id = e.get("pledge")
        if pledge_id:
            p = self.pledges[pledge_id]
            if p["fund"] != fund or p["cancelled"]:
                raise ModelError(f"receipt {e['id']}: pledge {pledge_id} is to another fund or cancelled")
            _, excess = self.settle(entry, pledge_id, currency, amount, usd)
            if excess:
                held = entry.postings[-1]
                self.hold(e["id"], "2100", fund, p["donor"], held[3], -held[4], -held[5])
        else:
            account = "2100" if e.get("donor") else "2150"
            held_usd = entry.add(account, fund, None, currency, -amount)
            self.hold(e["id"], account, fund, e.get("donor", ""), currency, amount, -held_usd)
        return entry.finish()

    def on_apply(self, e):
        h = self.holdings.get(e["receipt"])
        if h is None or h["account"] not in ("2100", "2150") or h["amount"] <= 0:
            raise ModelError(f"apply {e['id']}: {e['receipt']} holds nothing to apply")
        currency = h["currency"]
        wanted = to_minor(e["amount"], self.minor[currency]) if "amount" in e else h["amount"]
        if wanted > h["amount"]:
            raise ModelError(f"apply {e['id']}: more than is held")
        donor = h["donor"] or e.get("donor", "")
        entry = Entry(self, e["date"])
        pledge_id = e.get("pledge")
        if pledge_id:
            p = self.pledges[pledge_id]
            outstanding, _ = self.receivable(pledge_id)
            if p["fund"] != h["fund"] or p["cancelled"] or outstanding <= 0 or (donor and donor != p["donor"]):
                raise ModelError(f"apply {e['id']}: pledge {pledge_id} cannot take it")
            if p["currency"] != currency:
                raise ModelError("the model applies held money only to a pledge in the same currency")
            applied = min(wanted, outstanding)
            # The money held leaves at the USD it carries, and settles the pledge at today's value.
            relieved = entry.relieve(h["account"], h["fund"], None, currency, applied, -h["amount"], -h["usd"])
            _, excess = self.settle(entry, pledge_id, currency, applied, self.usd(applied, currency, e["date"]))
            assert excess == 0
        else:
            if not donor:
                raise ModelError(f"apply {e['id']}: revenue needs the donor")
            applied = wanted
            relieved = proportional(h["usd"], applied, h["amount"])
            kind = self.fund_kind[h["fund"]]
            entry.given(h["account"], h["fund"], None, currency, applied, relieved)
            entry.given(self.revenue_account("special" if kind == "special" else "general"), h["fund"], None,
                        currency, -applied, -relieved)
        h["amount"] -= applied
        h["usd"] -= relieved
        self.moves_of[e["id"]].append((e["receipt"], -applied, -relieved))
        return entry.finish()

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
        # Reduced in full before anything was received, net of reversals: cancelled.
        if amount == outstanding and p["received"] == 0:
            p["cancelled"] = True
        entry = Entry(self, e["date"])
        entry.given("1200", p["fund"], e["pledge"], p["currency"], -amount, -carry)
        entry.given(account, p["fund"], e["pledge"], p["currency"], amount, carry)
        self.release_allowance(entry, e["pledge"])
        return entry.postings

    def on_allowance(self, e):
        p = self.pledges[e["pledge"]]
        pc = p["currency"]
        amount = to_minor(e["amount"], self.minor[pc])
        outstanding, carrying = self.receivable(e["pledge"])
        allowed, _ = self.balance("1290", p["fund"], e["pledge"], pc)
        if amount > outstanding + allowed:
            raise ModelError(f"allowance {e['id']}: more than is outstanding and not allowed for")
        # The carrying USD of what is not yet allowed for, in proportion.
        usd = proportional(carrying + self.balance("1290", p["fund"], e["pledge"], pc)[1], amount, outstanding + allowed)
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
        entry = Entry(self, e["date"])
        entry.postings = postings
        self.release_allowance(entry, e["pledge"])
        p["written_off"] += amount
        # Written off in full before anything was received, net of reversals: cancelled.
        if amount == outstanding and p["received"] == 0:
            p["cancelled"] = True
        return postings

    def on_refund(self, e):
        currency, fund, date = e["currency"], e["fund"], e["date"]
        amount = to_minor(e["amount"], self.minor[currency])
        pledge = e.get("pledge")
        entry = Entry(self, date)
        h = None
        if e.get("receipt"):
            # Money still held from a receipt goes back, at the USD it carries.
            h = self.holdings.get(e["receipt"])
            if h is None or h["account"] not in ("2100", "2150") or h["amount"] < amount or h["fund"] != fund \
                    or h["currency"] != currency or (h["donor"] and h["donor"] != e["donor"]):
                raise ModelError(f"refund {e['id']}: {e['receipt']} does not hold it")
            relieved = entry.relieve(h["account"], fund, None, currency, amount, -h["amount"], -h["usd"])
        else:
            entry.add("4900", fund, pledge, currency, amount)
        owed = entry.add("2300", fund, pledge, currency, -amount)
        if e.get("paid"):
            # Paid at once posts what the two steps would: the payable relieved at the USD it carries.
            entry.relieve("2300", fund, pledge, currency, amount, -amount, owed)
            entry.relieve("1100", fund, None, currency, -amount, *self.cash_position(fund, currency))
            self.check_cash(e, entry.postings, "refund")
        else:
            self.hold(e["id"], "2300", fund, e["donor"], currency, amount, -owed, pledge)
        if h is not None:
            h["amount"] -= amount
            h["usd"] -= relieved
            self.moves_of[e["id"]].append((e["receipt"], -amount, -relieved))
        return entry.finish()

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
        psc = round_with(amount * Fraction(Decimal(self.psc_rate_of(e))), self.rounding(date))
        if self.fund_kind.get(fund) == "psc" and self.setting("psc_own_spending", date) == "exempt":
            psc = 0
        entry = Entry(self, date)
        held = list(self.cash_position(fund, currency))

        def pay(part):
            # The cash leaves at the USD it carries.
            usd = entry.relieve("1100", fund, None, currency, -part, held[0], held[1])
            held[0] -= part
            held[1] += usd

        entry.add("5100" if e["category"] == "grant" else "5200", fund, None, currency, amount)
        pay(amount)
        if psc:
            entry.add("5300", fund, None, currency, psc)
            pay(psc)
            psc_fund = self.setting("psc_fund", date)
            if psc_fund:
                entry.add("1100", psc_fund, None, currency, psc)
                entry.add("4300", psc_fund, None, currency, -psc)
        return entry.finish(), psc

    def on_expense(self, e):
        postings, _ = self.expense_postings(e)
        self.check_cash(e, postings, "expense")
        return postings

    def transfer_postings(self, e):
        currency, date = e["currency"], e["date"]
        amount = to_minor(e["amount"], self.minor[currency])
        entry = Entry(self, date)
        entry.add("3200", e["from_fund"], None, currency, amount)
        usd = -entry.relieve("1100", e["from_fund"], None, currency, -amount,
                             *self.cash_position(e["from_fund"], currency))
        entry.add("1100", e["to_fund"], None, currency, amount)
        entry.add("3200", e["to_fund"], None, currency, -amount)
        return entry.finish(), usd

    def on_transfer(self, e):
        postings, _ = self.transfer_postings(e)
        self.check_cash(e, postings, "transfer")
        return postings

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
        """Negates every posting of the event; a negation that takes from a foreign-currency holding (the
        event's own money held, a fund's cash, a pledge's receivable or allowance) is relieved at the USD
        the holding carries, the difference from the original USD realized (4700)."""
        target = e["reverses"]
        if target not in self.postings_of or target in self.reversed or self.type_of[target] == "reversal":
            raise ModelError(f"reversal {e['id']}: cannot reverse {target}")
        h = self.holdings.get(target)
        if h is not None and h["amount"] != h["initial"]:
            raise ModelError(f"reversal {e['id']}: part of {target} was applied")
        if self.type_of[target] == "pledge":
            if self.pledges[target]["touched"]:
                raise ModelError(f"reversal {e['id']}: pledge {target} has events against it")
        entry = Entry(self, e["date"])
        own_usd, own_done = 0, False
        for account, fund, pledge, currency, amount, usd in self.postings_of[target]:
            if h is not None and not own_done and account == h["account"] and fund == h["fund"] \
                    and currency == h["currency"] and amount == -h["initial"]:
                own_done = True
                own_usd = entry.relieve(account, fund, pledge, currency, -amount, -h["amount"], -h["usd"], -usd)
                continue
            if currency != "USD" and amount != 0 and account in ("1100", "1200", "1290"):
                balance = self.position(entry, account, fund, pledge, currency)
                if (-amount > 0 and balance[0] < 0) or (-amount < 0 and balance[0] > 0):
                    entry.relieve(account, fund, pledge, currency, -amount, balance[0], balance[1], -usd)
                    continue
            entry.given(account, fund, pledge, currency, -amount, -usd)
        postings = entry.finish()
        if self.type_of[target] != "entry":
            self.check_cash(e, postings, "reversal")
        if self.type_of[target] == "pledge":
            self.pledges[target]["cancelled"] = True
        for p in self.pledges.values():
            p["touched"].discard(target)
        for a, f, pl, c, amt, usd in postings:
            if a == "1200" and pl and self.type_of[target] in ("receipt", "apply"):
                self.pledges[pl]["received"] -= amt  # amt > 0: a reversed receipt is no longer received
        if h is not None:
            h["amount"] -= h["initial"]
            h["usd"] += own_usd
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
    return subprocess.run([fundledger] + stores.current.rewrite(args), cwd=cwd, env=env, capture_output=True,
                          timeout=timeout)


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
