"""What finance offices do, at random but from a seed: the simulator's generator of events.

A Generator walks month by month from January 2022, and each call to next_event() gives one event
as the journal's input JSON (a dict) with what it is meant to be: "valid" (the generator believes
the ledger should take it; the model and the ledger decide), "invalid" (built to be refused: both
must refuse it, the ledger with exit 65) or "close"/"reopen". accepted() tells it what the ledger
did, so that what it generates next refers to what exists: pledges to pay, money held to apply or
refund, advances to report, events to reverse.

Its bookkeeping is rough on purpose (amounts approximately held, cash approximately available):
it steers towards events that should be valid, and the exact judgement belongs to the model.
Nothing here reads the program's rules: the generator only needs to know the events' fields.

Also kept: the states each event meets, for the coverage table (tags()).
"""
import datetime
import random

CURRENCIES = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "KWD": 3}
START_RATE = {"EUR": 0.92, "GBP": 0.80, "JPY": 135.0, "KWD": 0.3065}
RATE_DECIMALS = {"EUR": 4, "GBP": 4, "JPY": 3, "KWD": 6}
ROUNDINGS = ["half-even", "half-up", "half-down", "up", "down", "ceiling", "floor"]
FUNDS = ["CPCJF", "UNTOC", "UNCAC"]
ALL_FUNDS = FUNDS + ["PSC"]
DONORS = ["DEU", "JPN", "GBR", "KWT", "USA", "WB", "OSF"]
PROJECTS = {"CPCJF": ["GLOZ82"], "UNTOC": ["GLOT59"], "UNCAC": ["GLOU68"], "PSC": []}

MASTER = [
    {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
    {"type": "fund", "code": "UNTOC", "name": "UNTOC funding mechanism", "kind": "special", "parent": "CPCJF"},
    {"type": "fund", "code": "UNCAC", "name": "UNCAC funding mechanism", "kind": "special"},
    {"type": "fund", "code": "PSC", "name": "Programme support costs", "kind": "psc"},
    {"type": "donor", "code": "DEU", "name": "Germany", "category": "government", "country": "DE"},
    {"type": "donor", "code": "JPN", "name": "Japan", "category": "government", "country": "JP"},
    {"type": "donor", "code": "GBR", "name": "United Kingdom", "category": "government", "country": "GB"},
    {"type": "donor", "code": "KWT", "name": "Kuwait", "category": "government", "country": "KW"},
    {"type": "donor", "code": "USA", "name": "United States", "category": "government", "country": "US"},
    {"type": "donor", "code": "WB", "name": "World Bank", "category": "financial-institution"},
    {"type": "donor", "code": "OSF", "name": "Open Society Foundations", "category": "foundation"},
    {"type": "project", "code": "GLOZ82", "name": "Trafficking in persons", "fund": "CPCJF"},
    {"type": "project", "code": "GLOT59", "name": "Smuggling of migrants", "fund": "UNTOC", "psc_rate": "0.08"},
    {"type": "project", "code": "GLOU68", "name": "Anti-corruption", "fund": "UNCAC"},
    {"type": "setting", "key": "psc_fund", "value": "PSC"},
]

WEIGHTS = {
    "pledge": 9, "receipt": 18, "held_receipt": 4, "apply": 5, "condition_met": 1.5, "reduction": 2.5,
    "allowance": 2, "write_off": 1.2, "refund": 3, "expense": 9, "advance": 3, "partner_report": 3,
    "transfer": 2.5, "interest": 1, "budget": 1, "amend": 0.6, "conversion": 2.5, "reversal": 5,
    "setting": 0.8, "mid_rate": 1.2,
}
INVALID_SHARE = 0.05


def fmt(minor, units):
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10 ** units)
    return f"{sign}{whole}.{part:0{units}d}" if units else f"{sign}{whole}"


def month_of(day):
    return day.year * 12 + day.month - 1


def first_day(month):
    return datetime.date(month // 12, month % 12 + 1, 1)


def last_day(month):
    return first_day(month + 1) - datetime.timedelta(days=1)


class Generator:
    def __init__(self, seed, first_month=2022 * 12):
        self.rng = random.Random(seed)
        self.seed = seed
        self.queue = list(MASTER)
        self.kinds = {e.get("code") or e.get("key"): "setup" for e in MASTER}
        self.rates = {c: START_RATE[c] * self.rng.uniform(0.9, 1.1) for c in START_RATE}
        self.month = first_month
        self.day = first_day(first_month)
        self.closed = None            # the latest closed month
        self.first_entry_month = None
        self.pending_close = None     # a month whose close waits for a few events of the next
        self.events_in_month = 0
        self.month_length = self.rng.randint(14, 34)
        self.per_instalment = False
        self.serial = 0
        self.pledges = {}     # id -> dict(fund, donor, currency, amount, paid, instalments, conditional, ...)
        self.held = {}        # receipt id -> dict(fund, donor, currency, amount)
        self.cash = {}        # (fund, currency) -> approximate minor units held
        self.advances = {}    # id -> dict(fund, currency, amount, reported)
        self.payables = {}    # refund id -> dict(fund, currency, amount, donor)
        self.reversible = []  # ids of events that may be reversed
        self.types = {}       # id -> type
        self.reversed = set()
        self.revalued = set()  # ids (pledges, receipts, advances) alive at a close in a foreign currency
        self.allowed = set()
        self.budgets = 0
        self.last = None
        self.rate_queue(self.month)

    # ---- helpers
    def new_id(self, prefix):
        self.serial += 1
        return f"{prefix}-{self.serial:05d}"

    def text(self, minor, currency):
        return fmt(minor, CURRENCIES[currency])

    def rate(self, currency):
        return 1.0 if currency == "USD" else self.rates[currency]

    def minor_for_usd(self, currency, usd):
        return max(1, int(usd * self.rate(currency) * 10 ** CURRENCIES[currency]))

    def usd_amount(self, low, high):
        return low * (high / low) ** self.rng.random()

    def currency(self):
        return self.rng.choices(list(CURRENCIES), weights=[4, 4, 2, 2, 1])[0]

    def event_day(self):
        """Mostly today; now and then a day back within what is open (a back-dated event)."""
        if self.rng.random() < 0.12:
            first_open = first_day(self.closed + 1) if self.closed is not None else first_day(self.month)
            span = (self.day - first_open).days
            if span > 0:
                return (self.day - datetime.timedelta(days=self.rng.randint(1, min(span, 45)))).isoformat()
        return self.day.isoformat()

    def rate_queue(self, month):
        """The month's rates, effective on its first day (a random walk)."""
        for currency in START_RATE:
            self.rates[currency] *= 2.718281828 ** self.rng.gauss(0, 0.03)
            self.queue.append({"type": "rate", "currency": currency, "effective": first_day(month).isoformat(),
                               "per_usd": f"{self.rates[currency]:.{RATE_DECIMALS[currency]}f}"})

    # ---- the walk of time
    def advance_day(self):
        self.events_in_month += 1
        if self.events_in_month >= self.month_length:
            self.next_month()
            return
        span = last_day(self.month).day
        step = max(1, span // self.month_length)
        candidate = self.day + datetime.timedelta(days=self.rng.randint(0, step))
        if month_of(candidate) == self.month:
            self.day = candidate

    def next_month(self):
        ended = self.month
        self.month += 1
        self.day = first_day(self.month)
        self.events_in_month = 0
        self.month_length = self.rng.randint(14, 34)
        self.rate_queue(self.month)
        # Close the month that ended: at once, or late (after a few events of the next month).
        if self.first_entry_month is not None and ended >= self.first_entry_month:
            if self.rng.random() < 0.3:
                self.pending_close = (ended, self.rng.randint(1, 8))
            else:
                self.queue_close(ended)

    def queue_close(self, month):
        if self.closed is not None and month <= self.closed:
            return
        start = self.first_entry_month if self.closed is None else self.closed + 1
        for m in range(start, month + 1):
            self.queue.append({"type": "period_close", "period": f"{m // 12}-{m % 12 + 1:02d}", "_close": m})
        # Now and then, a rate is corrected: reopen the month, a new rate within it, close again.
        if self.rng.random() < 0.06:
            self.queue.append({"type": "period_reopen", "period": f"{month // 12}-{month % 12 + 1:02d}",
                               "reason": "Rate corrected", "_reopen": month})
            currency = self.rng.choice(list(START_RATE))
            self.queue.append({"type": "rate", "currency": currency,
                               "effective": (last_day(month) - datetime.timedelta(days=self.rng.randint(0, 9))).isoformat(),
                               "per_usd": f"{self.rates[currency] * self.rng.uniform(0.97, 1.03):.{RATE_DECIMALS[currency]}f}"})
            self.queue.append({"type": "period_close", "period": f"{month // 12}-{month % 12 + 1:02d}", "_close": month})

    # ---- the next event
    def next_event(self):
        """(event, intent, tags)."""
        if self.pending_close is not None:
            month, wait = self.pending_close
            if wait <= 0:
                self.pending_close = None
                self.queue_close(month)
            else:
                self.pending_close = (month, wait - 1)
        if self.queue:
            event = self.queue.pop(0)
            intent = "close" if "_close" in event else "reopen" if "_reopen" in event else "valid"
            tags = []
            if "_close" in event:
                if month_of(self.day) > event["_close"] + 1 or self.events_in_month > 0:
                    tags.append("late close")
                tags.append("year-end" if event["_close"] % 12 == 11 else "month-end")
            event = {k: v for k, v in event.items() if not k.startswith("_")}
            return event, intent, tags
        self.advance_day()
        if self.queue:
            return self.next_event()
        if self.rng.random() < INVALID_SHARE:
            made = self.invalid_event()
            if made:
                return made[0], "invalid", ["invalid: " + made[1]]
        kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
        for _ in range(12):
            kind = self.rng.choices(kinds, weights=weights)[0]
            event = getattr(self, "gen_" + kind)()
            if event is not None:
                return event, "valid", self.tags(event)
        return self.gen_mid_rate(), "valid", []

    # ---- valid events
    def gen_pledge(self):
        rng = self.rng
        currency = self.currency()
        fund = rng.choice(FUNDS)
        amount = self.minor_for_usd(currency, self.usd_amount(500, 2_000_000))
        event = {"type": "pledge", "id": self.new_id("PLG"), "donor": rng.choice(DONORS), "fund": fund,
                 "purpose": rng.choice(["general", "special"]), "currency": currency,
                 "amount": self.text(amount, currency), "signed": self.event_day()}
        parts = rng.choices([1, 2, 3, 4], weights=[5, 3, 2, 1])[0]
        if parts > 1 and amount >= parts:
            cuts = sorted(rng.sample(range(1, amount), parts - 1))
            amounts = [b - a for a, b in zip([0] + cuts, cuts + [amount])]
            signed = datetime.date.fromisoformat(event["signed"])
            dues = sorted(signed + datetime.timedelta(days=max(0, 120 * i + rng.randint(-20, 60))) for i in range(parts))
            event["installments"] = [{"due": d.isoformat(), "amount": self.text(a, currency)} for d, a in zip(dues, amounts)]
        elif rng.random() < 0.12:
            event["conditional"] = True
        if rng.random() < 0.3 and PROJECTS[fund]:
            event["project"] = PROJECTS[fund][0]
        return event

    def open_pledge(self, predicate=None):
        candidates = [p for p, v in self.pledges.items() if not v["cancelled"] and p not in self.reversed
                      and (predicate is None or predicate(v))]
        return self.rng.choice(candidates) if candidates else None

    def gen_receipt(self):
        rng = self.rng
        pledge_id = self.open_pledge(lambda v: v["paid"] < v["amount"] or rng.random() < 0.05)
        if pledge_id is None:
            return None
        p = self.pledges[pledge_id]
        currency = p["currency"]
        left = max(1, p["amount"] - p["paid"])
        kind = rng.choices(["partial", "full", "over", "cross", "tiny"], weights=[50, 18, 8, 20, 4])[0]
        if kind == "partial":
            amount = max(1, int(left * rng.uniform(0.05, 0.7)))
        elif kind == "full":
            amount = left
        elif kind == "over":
            amount = left + rng.randint(1, max(1, left // 8))
        elif kind == "tiny":
            currency = rng.choice(list(CURRENCIES))
            amount = rng.randint(1, 4)
        else:
            currency = rng.choice([c for c in CURRENCIES if c != p["currency"]])
            usd = left * rng.uniform(0.1, 1.1) / 10 ** CURRENCIES[p["currency"]] / self.rate(p["currency"])
            amount = self.minor_for_usd(currency, usd)
        event = {"type": "receipt", "id": self.new_id("RCP"), "date": self.event_day(), "fund": p["fund"],
                 "currency": currency, "amount": self.text(amount, currency), "pledge": pledge_id}
        if rng.random() < 0.3:
            event["donor"] = p["donor"]
        return event

    def gen_held_receipt(self):
        currency = self.currency()
        amount = self.minor_for_usd(currency, self.usd_amount(200, 300_000))
        event = {"type": "receipt", "id": self.new_id("RCP"), "date": self.event_day(),
                 "fund": self.rng.choice(FUNDS), "currency": currency, "amount": self.text(amount, currency)}
        if self.rng.random() < 0.65:
            event["donor"] = self.rng.choice(DONORS)
        return event

    def held_receipt(self):
        candidates = [r for r, h in self.held.items() if h["amount"] > 0 and r not in self.reversed]
        return self.rng.choice(candidates) if candidates else None

    def gen_apply(self):
        rng = self.rng
        receipt = self.held_receipt()
        if receipt is None:
            return None
        h = self.held[receipt]
        event = {"type": "apply", "id": self.new_id("APP"), "date": self.event_day(), "receipt": receipt}
        pledge = self.open_pledge(lambda v: v["fund"] == h["fund"] and (not h["donor"] or v["donor"] == h["donor"]))
        if pledge and rng.random() < 0.75:
            event["pledge"] = pledge
            if not h["donor"]:
                event["donor"] = self.pledges[pledge]["donor"]
        elif not h["donor"]:
            event["donor"] = rng.choice(DONORS)
        if rng.random() < 0.5:
            event["amount"] = self.text(rng.randint(1, h["amount"]), h["currency"])
        return event

    def gen_condition_met(self):
        pledge = self.open_pledge(lambda v: v["conditional"] and v["met"] < v["amount"])
        if pledge is None:
            return None
        p = self.pledges[pledge]
        amount = p["amount"] - p["met"] if self.rng.random() < 0.5 else self.rng.randint(1, p["amount"] - p["met"])
        return {"type": "condition_met", "id": self.new_id("CND"), "pledge": pledge, "date": self.event_day(),
                "amount": self.text(amount, p["currency"])}

    def gen_reduction(self):
        pledge = self.open_pledge(lambda v: v["paid"] < v["amount"])
        if pledge is None:
            return None
        p = self.pledges[pledge]
        left = p["amount"] - p["paid"]
        amount = left if self.rng.random() < 0.3 else self.rng.randint(1, max(1, left // 2))
        return {"type": "reduction", "id": self.new_id("RED"), "pledge": pledge, "date": self.event_day(),
                "amount": self.text(amount, p["currency"]), "reason": "Agreement amended"}

    def gen_allowance(self):
        pledge = self.open_pledge(lambda v: v["paid"] < v["amount"] and not v["conditional"])
        if pledge is None:
            return None
        p = self.pledges[pledge]
        left = p["amount"] - p["paid"]
        amount = left if self.rng.random() < 0.3 else self.rng.randint(1, left)
        return {"type": "allowance", "id": self.new_id("ALW"), "pledge": pledge, "date": self.event_day(),
                "amount": self.text(amount, p["currency"])}

    def gen_write_off(self):
        candidates = [p for p in self.allowed if not self.pledges[p]["cancelled"] and p not in self.reversed]
        if not candidates:
            return None
        pledge = self.rng.choice(sorted(candidates))
        p = self.pledges[pledge]
        room = max(1, min(p["allowance"], p["amount"] - p["paid"]))
        amount = room if self.rng.random() < 0.5 else self.rng.randint(1, room)
        return {"type": "write_off", "id": self.new_id("WOF"), "pledge": pledge, "date": self.event_day(),
                "amount": self.text(amount, p["currency"])}

    def cash_position(self, funds=ALL_FUNDS):
        positions = [(k, v) for k, v in self.cash.items() if k[0] in funds and v > 0]
        return self.rng.choice(sorted(positions)) if positions else None

    def gen_refund(self):
        rng = self.rng
        event_day = self.event_day()
        if self.payables and rng.random() < 0.3:
            refund_id = rng.choice(sorted(self.payables))
            r = self.payables[refund_id]
            return {"type": "refund", "id": self.new_id("REF"), "donor": r["donor"], "fund": r["fund"],
                    "date": event_day, "currency": r["currency"], "amount": self.text(r["amount"], r["currency"]),
                    "pays": refund_id}
        receipt = self.held_receipt()
        if receipt is not None and rng.random() < 0.5:
            h = self.held[receipt]
            amount = h["amount"] if rng.random() < 0.4 else rng.randint(1, h["amount"])
            event = {"type": "refund", "id": self.new_id("REF"), "donor": h["donor"] or rng.choice(DONORS),
                     "fund": h["fund"], "date": event_day, "currency": h["currency"],
                     "amount": self.text(amount, h["currency"]), "receipt": receipt}
        else:
            position = self.cash_position(FUNDS)
            if position is None:
                return None
            (fund, currency), cash = position
            amount = max(1, int(cash * rng.uniform(0.01, 0.3)))
            event = {"type": "refund", "id": self.new_id("REF"), "donor": rng.choice(DONORS), "fund": fund,
                     "date": event_day, "currency": currency, "amount": self.text(amount, currency)}
            pledge = self.open_pledge(lambda v: v["fund"] == fund)
            if pledge and rng.random() < 0.4:
                event["pledge"] = pledge
                event["donor"] = self.pledges[pledge]["donor"]
        if rng.random() < 0.6:
            event["paid"] = True
        return event

    def gen_expense(self):
        position = self.cash_position()
        if position is None:
            return None
        (fund, currency), cash = position
        amount = max(1, int(cash * self.rng.uniform(0.01, 0.6) / 1.2))
        event = {"type": "expense", "id": self.new_id("EXP"), "fund": fund, "date": self.event_day(),
                 "currency": currency, "amount": self.text(amount, currency),
                 "category": self.rng.choice(["grant", "programme"])}
        if PROJECTS[fund] and self.rng.random() < 0.4:
            event["project"] = PROJECTS[fund][0]
        if self.rng.random() < 0.15:
            event["psc_rate"] = self.rng.choice(["0", "0.07", "0.1", "0.13", "0.135"])
        return event

    def gen_advance(self):
        position = self.cash_position(FUNDS)
        if position is None:
            return None
        (fund, currency), cash = position
        amount = max(1, int(cash * self.rng.uniform(0.05, 0.5)))
        return {"type": "advance", "id": self.new_id("ADV"), "fund": fund, "date": self.event_day(),
                "currency": currency, "amount": self.text(amount, currency),
                "partner": self.rng.choice(["UNODC-NGO-1", "Partner-B", "Ministry-C"])}

    def gen_partner_report(self):
        open_advances = [a for a, v in self.advances.items() if v["reported"] < v["amount"] and a not in self.reversed]
        if not open_advances:
            return None
        advance = self.rng.choice(sorted(open_advances))
        a = self.advances[advance]
        left = a["amount"] - a["reported"]
        amount = left if self.rng.random() < 0.4 else self.rng.randint(1, left)
        event = {"type": "partner_report", "id": self.new_id("PRP"), "advance": advance, "date": self.event_day(),
                 "amount": self.text(amount, a["currency"])}
        if self.rng.random() < 0.2:
            event["psc_rate"] = self.rng.choice(["0", "0.08"])
        return event

    def gen_transfer(self):
        position = self.cash_position()
        if position is None:
            return None
        (fund, currency), cash = position
        amount = max(1, int(cash * self.rng.uniform(0.01, 0.4)))
        return {"type": "transfer", "id": self.new_id("TRF"), "date": self.event_day(), "from_fund": fund,
                "to_fund": self.rng.choice([f for f in ALL_FUNDS if f != fund]), "currency": currency,
                "amount": self.text(amount, currency)}

    def gen_interest(self):
        return {"type": "interest", "id": self.new_id("INT"), "date": self.event_day(),
                "amount": fmt(self.rng.randint(1, 2_000_000), 2)}

    def gen_budget(self):
        self.budgets += 1
        event = {"type": "budget", "id": self.new_id("BUD"), "fund": self.rng.choice(FUNDS),
                 "year": str(self.day.year + self.rng.randint(0, 1)), "amount": fmt(self.rng.randint(10_000, 5_000_000) * 100, 2)}
        if self.rng.random() < 0.4:
            event["category"] = self.rng.choice(["grant", "programme"])
        return event

    def gen_amend(self):
        donor = self.rng.choice(DONORS)
        return {"type": "amend", "id": self.new_id("AMD"), "kind": "donor", "code": donor,
                "effective": self.day.isoformat(), "name": f"{donor} renamed {self.serial}"}

    def gen_conversion(self):
        """Treasury: foreign cash of a fund converted to USD (or back) by a generic entry through 1900."""
        position = self.cash_position()
        if position is None:
            return None
        (fund, currency), cash = position
        if currency == "USD":
            target = self.rng.choice([c for c in CURRENCIES if c != "USD"])
            usd = max(1, int(cash * self.rng.uniform(0.05, 0.5)))
            amount = self.minor_for_usd(target, usd / 100)
            sold, bought = ("USD", usd), (target, amount)
        else:
            amount = max(1, int(cash * self.rng.uniform(0.1, 0.9)))
            usd = max(1, int(amount / 10 ** CURRENCIES[currency] / self.rate(currency) * 100))
            sold, bought = (currency, amount), ("USD", usd)
        postings = [
            {"account": "1100", "fund": fund, "currency": sold[0], "amount": self.text(-sold[1], sold[0])},
            {"account": "1900", "fund": fund, "currency": sold[0], "amount": self.text(sold[1], sold[0])},
            {"account": "1900", "fund": fund, "currency": bought[0], "amount": self.text(-bought[1], bought[0])},
            {"account": "1100", "fund": fund, "currency": bought[0], "amount": self.text(bought[1], bought[0])},
        ]
        return {"type": "entry", "id": self.new_id("FXC"), "date": self.event_day(), "memo": "Treasury conversion",
                "postings": postings}

    def gen_reversal(self):
        candidates = [e for e in self.reversible if e not in self.reversed]
        if not candidates:
            return None
        # Most reversals are of recent events; some reach far back.
        target = candidates[-1 - min(len(candidates) - 1, int(self.rng.expovariate(0.15)))]
        if self.rng.random() < 0.2:
            target = self.rng.choice(candidates)
        return {"type": "reversal", "id": self.new_id("REV"), "reverses": target, "date": self.event_day(),
                "memo": "Recorded in error"}

    def gen_setting(self):
        effective = first_day(self.month + 1).isoformat()
        key = self.rng.choice(["rounding", "rounding", "psc_rate", "recognition", "year_end", "psc_own_spending"])
        value = {
            "rounding": lambda: self.rng.choice(ROUNDINGS),
            "psc_rate": lambda: self.rng.choice(["0.13", "0.12", "0.08"]),
            "recognition": lambda: self.rng.choice(["upfront", "per-instalment"]),
            "year_end": lambda: self.rng.choice(["usd", "by-currency"]),
            "psc_own_spending": lambda: self.rng.choice(["exempt", "charged"]),
        }[key]()
        return {"type": "setting", "key": key, "value": value, "effective": effective}

    def gen_mid_rate(self):
        currency = self.rng.choice(list(START_RATE))
        self.rates[currency] *= self.rng.uniform(0.97, 1.03)
        return {"type": "rate", "currency": currency, "effective": self.day.isoformat(),
                "per_usd": f"{self.rates[currency]:.{RATE_DECIMALS[currency]}f}"}

    # ---- invalid events: each must be refused and change nothing
    def invalid_event(self):
        rng = self.rng
        kind = rng.choice(["unknown pledge", "too many decimals", "closed month", "overdraft", "over-refund",
                           "reversed twice", "negative amount", "unbalanced entry", "control account",
                           "over-reduction", "unknown fund", "far future"])
        day = self.day.isoformat()
        if kind == "unknown pledge":
            return {"type": "receipt", "id": self.new_id("BAD"), "date": day, "fund": "CPCJF", "currency": "USD",
                    "amount": "10.00", "pledge": "NO-SUCH-PLEDGE"}, kind
        if kind == "too many decimals":
            currency = rng.choice(["EUR", "JPY", "KWD"])
            amount = {"EUR": "10.001", "JPY": "5.5", "KWD": "1.0001"}[currency]
            return {"type": "expense", "id": self.new_id("BAD"), "fund": "CPCJF", "date": day, "currency": currency,
                    "amount": amount, "category": "programme"}, kind
        if kind == "closed month" and self.closed is not None:
            return {"type": "interest", "id": self.new_id("BAD"), "date": last_day(self.closed).isoformat(),
                    "amount": "1.00"}, kind
        if kind == "overdraft":
            return {"type": "expense", "id": self.new_id("BAD"), "fund": rng.choice(ALL_FUNDS), "date": day,
                    "currency": "USD", "amount": "900000000000.00", "category": "grant"}, kind
        if kind == "over-refund":
            receipt = self.held_receipt()
            if receipt is not None:
                h = self.held[receipt]
                return {"type": "refund", "id": self.new_id("BAD"), "donor": h["donor"] or "DEU", "fund": h["fund"],
                        "date": day, "currency": h["currency"],
                        "amount": self.text(h["received"] + 1, h["currency"]),
                        "receipt": receipt}, kind
        if kind == "reversed twice" and self.reversed:
            return {"type": "reversal", "id": self.new_id("BAD"), "reverses": rng.choice(sorted(self.reversed)),
                    "date": day}, kind
        if kind == "negative amount":
            return {"type": "interest", "id": self.new_id("BAD"), "date": day, "amount": "-5.00"}, kind
        if kind == "unbalanced entry":
            return {"type": "entry", "id": self.new_id("BAD"), "date": day, "postings": [
                {"account": "5200", "fund": "CPCJF", "currency": "USD", "amount": "10.00"},
                {"account": "1100", "fund": "CPCJF", "currency": "USD", "amount": "-9.99"}]}, kind
        if kind == "control account":
            return {"type": "entry", "id": self.new_id("BAD"), "date": day, "postings": [
                {"account": "1200", "fund": "CPCJF", "currency": "USD", "amount": "10.00"},
                {"account": "4100", "fund": "CPCJF", "currency": "USD", "amount": "-10.00"}]}, kind
        if kind == "over-reduction":
            pledge = self.open_pledge()
            if pledge is not None:
                p = self.pledges[pledge]
                return {"type": "reduction", "id": self.new_id("BAD"), "pledge": pledge, "date": day,
                        "amount": self.text(p["pledged"] + 1, p["currency"])}, kind
        if kind == "unknown fund":
            return {"type": "expense", "id": self.new_id("BAD"), "fund": "NOFUND", "date": day, "currency": "USD",
                    "amount": "1.00", "category": "grant"}, kind
        if kind == "far future":
            return {"type": "interest", "id": self.new_id("BAD"), "date": "2099-01-01", "amount": "1.00"}, kind
        return None

    # ---- what the ledger did
    def accepted(self, event):
        """The ledger took event: keep what later events may refer to."""
        kind = event["type"]
        event_id = event.get("id")
        if event_id:
            self.types[event_id] = kind
        day = event.get("date") or event.get("signed")
        if day and kind not in ("rate", "setting", "amend", "budget") and self.first_entry_month is None:
            self.first_entry_month = month_of(datetime.date.fromisoformat(day))
        handler = getattr(self, "took_" + kind, None)
        if handler:
            handler(event)
        if kind in ("pledge", "receipt", "apply", "condition_met", "reduction", "allowance", "write_off", "refund",
                    "expense", "advance", "partner_report", "transfer", "interest", "entry"):
            self.reversible.append(event_id)

    def minor(self, event, field="amount", currency=None):
        units = CURRENCIES[currency or event["currency"]]
        return round(float(event[field]) * 10 ** units)

    def add_cash(self, fund, currency, minor):
        self.cash[(fund, currency)] = self.cash.get((fund, currency), 0) + minor

    def took_pledge(self, e):
        self.pledges[e["id"]] = {"fund": e["fund"], "donor": e["donor"], "currency": e["currency"],
                                 "amount": self.minor(e), "pledged": self.minor(e), "paid": 0, "cancelled": False, "allowance": 0,
                                 "conditional": bool(e.get("conditional")), "met": 0,
                                 "instalments": "installments" in e}

    def took_receipt(self, e):
        self.add_cash(e["fund"], e["currency"], self.minor(e))
        if e.get("pledge"):
            p = self.pledges[e["pledge"]]
            if e["currency"] == p["currency"]:
                over = p["paid"] + self.minor(e) - p["amount"]
                p["paid"] = min(p["amount"], p["paid"] + self.minor(e))
                if over > 0:
                    self.held[e["id"]] = {"fund": e["fund"], "donor": p["donor"], "currency": e["currency"], "amount": over,
                                          "received": self.minor(e)}
            else:
                p["paid"] = min(p["amount"], p["paid"] + max(1, p["amount"] // 3))
        else:
            self.held[e["id"]] = {"fund": e["fund"], "donor": e.get("donor", ""), "currency": e["currency"],
                                  "amount": self.minor(e), "received": self.minor(e)}

    def took_apply(self, e):
        h = self.held[e["receipt"]]
        taken = self.minor(e, currency=h["currency"]) if "amount" in e else h["amount"]
        h["amount"] = max(0, h["amount"] - taken)
        if e.get("pledge"):
            p = self.pledges[e["pledge"]]
            p["paid"] = min(p["amount"], p["paid"] + taken)

    def took_condition_met(self, e):
        self.pledges[e["pledge"]]["met"] += self.minor(e, currency=self.pledges[e["pledge"]]["currency"])

    def took_reduction(self, e):
        p = self.pledges[e["pledge"]]
        p["amount"] -= self.minor(e, currency=p["currency"])
        if p["amount"] <= p["paid"] and p["paid"] == 0:
            p["cancelled"] = True

    def took_allowance(self, e):
        p = self.pledges[e["pledge"]]
        p["allowance"] += self.minor(e, currency=p["currency"])
        self.allowed.add(e["pledge"])

    def took_write_off(self, e):
        p = self.pledges[e["pledge"]]
        taken = self.minor(e, currency=p["currency"])
        p["allowance"] = max(0, p["allowance"] - taken)
        p["amount"] -= taken
        if p["allowance"] == 0:
            self.allowed.discard(e["pledge"])

    def took_refund(self, e):
        if e.get("pays"):
            self.payables.pop(e["pays"], None)
        elif not e.get("paid"):
            self.payables[e["id"]] = {"fund": e["fund"], "currency": e["currency"], "amount": self.minor(e),
                                      "donor": e["donor"]}
        if e.get("receipt") and e["receipt"] in self.held:
            h = self.held[e["receipt"]]
            h["amount"] = max(0, h["amount"] - self.minor(e))
        if e.get("paid"):
            self.add_cash(e["fund"], e["currency"], -self.minor(e))

    def took_expense(self, e):
        self.add_cash(e["fund"], e["currency"], -int(self.minor(e) * 1.14))

    def took_advance(self, e):
        self.add_cash(e["fund"], e["currency"], -self.minor(e))
        self.advances[e["id"]] = {"fund": e["fund"], "currency": e["currency"], "amount": self.minor(e), "reported": 0}

    def took_partner_report(self, e):
        a = self.advances[e["advance"]]
        a["reported"] += self.minor(e, currency=a["currency"])
        self.add_cash(a["fund"], a["currency"], -int(self.minor(e, currency=a["currency"]) * 0.14))

    def took_transfer(self, e):
        self.add_cash(e["from_fund"], e["currency"], -self.minor(e))
        self.add_cash(e["to_fund"], e["currency"], self.minor(e))

    def took_entry(self, e):
        for p in e["postings"]:
            if p["account"] == "1100":
                self.add_cash(p["fund"], p["currency"], self.minor(p))

    def took_setting(self, e):
        if e["key"] == "recognition":
            self.per_instalment = e["value"] == "per-instalment"

    def took_period_close(self, e):
        year, month = map(int, e["period"].split("-"))
        self.closed = year * 12 + month - 1
        for pid, p in self.pledges.items():
            if p["currency"] != "USD" and p["paid"] < p["amount"]:
                self.revalued.add(pid)
        for rid, h in self.held.items():
            if h["currency"] != "USD" and h["amount"] > 0:
                self.revalued.add(rid)
        for aid, a in self.advances.items():
            if a["currency"] != "USD" and a["reported"] < a["amount"]:
                self.revalued.add(aid)

    def took_period_reopen(self, e):
        self.closed = (self.closed - 1) if self.closed is not None else None

    def took_reversal(self, e):
        target = e["reverses"]
        self.reversed.add(target)
        kind = self.types.get(target)
        if kind == "pledge" and target in self.pledges:
            self.pledges[target]["cancelled"] = True
        if kind == "receipt":
            self.held.pop(target, None)
        if kind == "advance":
            self.advances.pop(target, None)
        if kind == "refund":
            self.payables.pop(target, None)

    # ---- the coverage tags of a valid event
    def tags(self, event):
        tags = []
        kind = event["type"]
        day = event.get("date") or event.get("signed") or event.get("effective")
        if day and self.closed is not None and month_of(datetime.date.fromisoformat(day)) <= self.closed:
            tags.append("closed month")
        elif day and month_of(datetime.date.fromisoformat(day)) < self.month:
            tags.append("back-dated before a late close")
        refs = [event.get(k) for k in ("pledge", "receipt", "advance", "reverses", "pays") if event.get(k)]
        if any(r in self.revalued for r in refs):
            tags.append("after a revaluation")
        if kind == "reversal":
            tags.append("reversal of " + self.types.get(event["reverses"], "?"))
        pledge = event.get("pledge")
        if kind == "reversal" and self.types.get(event["reverses"]) == "pledge":
            pledge = event["reverses"]
        if pledge in self.pledges:
            p = self.pledges[pledge]
            tags.append("fully settled" if p["paid"] >= p["amount"] else "partly settled" if p["paid"] else "unsettled")
            if p["allowance"] > 0:
                tags.append("allowed for")
            if p["instalments"] and self.per_instalment:
                tags.append("per-instalment")
            if p["conditional"]:
                tags.append("conditional")
        if event.get("currency") not in (None, "USD"):
            tags.append("foreign currency")
        return tags
