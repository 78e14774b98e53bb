#!/usr/bin/env python3
"""Writes samples/cpcjf-2021-2024.jsonl: a sample journal of the UN Crime Prevention and Criminal
Justice Fund (CPCJF) and the funding mechanisms of UNTOC and UNCAC, from January 2021 to December
2024, in the JSON Lines format that `fundledger import` reads.

What the sample holds, so that every line of the report pack has figures in 2021-2024:
  - master data: four funds, 26 donors, nine projects, monthly rates of eight currencies, and the
    settings psc_fund, iati_org_ref and iati_org_name (the publisher of `export iati`);
  - pledges general and special, single- and multi-year (some with instalments more than twelve
    months after a year end: non-current receivables), conditional ones with condition_met, paid
    in full, in part, late, in another currency or over the amount; unidentified receipts applied
    later, a reversal, a reduction, an allowance and a write-off, refunds (of a contribution, and
    of an over-payment held for the donor, payable over a year end);
  - expenditure (programme costs and grants, with PSC), the PSC account's own costs, treasury
    conversions, quarterly interest, transfers between funds, a cost one fund paid for another
    (due from and due to other funds over a year end) and the correction of a prior-period error
    straight to accumulated surplus;
  - advances to implementing partners in USD and EUR each year, reported in part and in full by
    partner_report events, some outstanding at the end of 2023, one of them for over a year;
  - budgets for each fund and year, revised for some during the year, and budgets for a few
    projects by category, set around what the year spends so that the budget report shows
    spending both below and above the final budget;
  - period_close events for every month of 2021-2023; 2024 stays open.

Deterministic: standard library only, its own pseudo-random generator (splitmix64) with a fixed
seed and exact decimal arithmetic, so that every run writes the same bytes.

    python3 samples/generate_cpcjf.py            # writes the journal beside this script
    python3 samples/generate_cpcjf.py --summary  # ... and prints the story's figures

The donors, the amounts, the projects and the implementing partners are illustrative, not the
funds' real accounts; the exchange rates are approximate monthly values of the UN operational
rates of exchange.
"""

import datetime
import decimal
import json
import os
import sys
from decimal import Decimal, ROUND_HALF_EVEN, ROUND_DOWN

decimal.getcontext().prec = 60

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUT = os.path.join(HERE, "cpcjf-2021-2024.jsonl")
CLOSED_THROUGH = (2023, 12)  # every month from the first through this one is closed; 2024 stays open


# ---------------------------------------------------------------------------------------------
# Deterministic pseudo-random numbers (splitmix64): the same sequence on every Python version.

class Random:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        """An integer from 0 to n - 1."""
        return self.next64() % n

    def between(self, low, high):
        """An integer from low to high, both included."""
        return low + self.below(high - low + 1)

    def fraction(self, low, high):
        """An exact Decimal from low to high, in steps of 0.0001."""
        low, high = Decimal(low), Decimal(high)
        steps = int((high - low) * 10000)
        return low + Decimal(self.below(steps + 1)) / 10000

    def chance(self, per_thousand):
        return self.below(1000) < per_thousand

    def pick(self, items):
        return items[self.below(len(items))]


RNG = Random(20210101)


# ---------------------------------------------------------------------------------------------
# Currencies and approximate monthly UN operational rates of exchange (units per 1 USD),
# effective the first day of each month, January 2021 to December 2024.

MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "SEK": 2, "NOK": 2, "CHF": 2, "AUD": 2, "CAD": 2}

RATES = {
    "EUR": """0.816 0.826 0.826 0.851 0.830 0.820 0.843 0.847 0.847 0.864 0.862 0.887
              0.880 0.891 0.892 0.904 0.949 0.934 0.956 0.978 0.995 1.022 1.012 0.963
              0.936 0.925 0.944 0.920 0.910 0.935 0.919 0.909 0.923 0.948 0.946 0.915
              0.905 0.926 0.924 0.926 0.937 0.921 0.924 0.924 0.897 0.899 0.921 0.946""",
    "GBP": """0.731 0.729 0.727 0.725 0.723 0.706 0.724 0.720 0.727 0.741 0.739 0.752
              0.740 0.745 0.746 0.763 0.796 0.796 0.823 0.823 0.862 0.896 0.873 0.829
              0.827 0.817 0.831 0.810 0.800 0.805 0.787 0.781 0.787 0.823 0.818 0.794
              0.786 0.787 0.793 0.791 0.801 0.785 0.787 0.777 0.762 0.748 0.776 0.786""",
    "JPY": """103.5 104.7 106.5 110.7 109.1 109.7 111.1 109.8 110.1 111.6 113.7 113.4
              115.1 115.1 115.0 121.6 130.8 128.7 136.5 133.1 138.9 144.7 147.9 138.2
              131.9 130.1 136.2 133.3 136.3 139.3 144.7 142.1 145.5 149.4 151.7 147.6
              141.5 147.9 150.2 151.0 157.4 157.0 161.1 150.2 145.9 143.8 152.5 150.5""",
    "SEK": """8.22 8.33 8.40 8.79 8.40 8.26 8.60 8.59 8.59 8.78 8.59 9.05
              9.06 9.31 9.42 9.42 9.89 9.78 10.22 10.18 10.69 11.12 11.00 10.47
              10.43 10.45 10.45 10.39 10.35 10.85 10.76 10.51 10.90 10.92 11.13 10.48
              10.08 10.40 10.36 10.70 10.89 10.50 10.59 10.70 10.24 10.20 10.72 10.97""",
    "NOK": """8.58 8.64 8.54 8.54 8.37 8.34 8.60 8.83 8.70 8.73 8.43 8.99
              8.83 8.95 8.86 8.78 9.32 9.43 9.84 9.89 9.74 10.84 10.46 9.86
              9.86 10.00 10.45 10.49 10.73 11.00 10.71 10.14 10.68 10.65 11.19 11.05
              10.16 10.47 10.57 10.86 11.11 10.67 10.68 10.89 10.51 10.57 10.99 11.07""",
    "CHF": """0.884 0.889 0.903 0.939 0.920 0.897 0.925 0.918 0.915 0.935 0.911 0.922
              0.912 0.929 0.918 0.922 0.968 0.963 0.959 0.954 0.978 0.988 0.999 0.946
              0.923 0.917 0.943 0.915 0.894 0.905 0.894 0.873 0.883 0.917 0.910 0.869
              0.846 0.870 0.883 0.902 0.914 0.902 0.897 0.879 0.850 0.846 0.864 0.881""",
    "AUD": """1.295 1.310 1.287 1.313 1.295 1.293 1.335 1.360 1.371 1.385 1.331 1.403
              1.377 1.423 1.401 1.336 1.414 1.409 1.454 1.432 1.458 1.564 1.573 1.484
              1.471 1.414 1.486 1.495 1.512 1.535 1.500 1.486 1.544 1.554 1.581 1.515
              1.468 1.520 1.535 1.530 1.544 1.503 1.498 1.520 1.476 1.446 1.526 1.535""",
    "CAD": """1.273 1.279 1.280 1.264 1.257 1.206 1.241 1.247 1.262 1.269 1.237 1.277
              1.277 1.271 1.273 1.251 1.285 1.273 1.289 1.280 1.314 1.373 1.366 1.356
              1.355 1.334 1.365 1.358 1.355 1.361 1.325 1.324 1.352 1.359 1.373 1.360
              1.323 1.347 1.355 1.356 1.376 1.368 1.373 1.382 1.347 1.356 1.393 1.401""",
}
RATES = {code: text.split() for code, text in RATES.items()}
for _code, _values in RATES.items():
    assert len(_values) == 48, _code

MONTHS = [(year, month) for year in range(2021, 2025) for month in range(1, 13)]


def rate(currency, day):
    """The operational rate in force on day: the one effective on the first of its month."""
    if currency == "USD":
        return Decimal(1)
    index = (day.year - 2021) * 12 + day.month - 1
    assert 0 <= index < 48, (currency, day)
    return Decimal(RATES[currency][index])


def quantize(amount, currency):
    exponent = Decimal(1).scaleb(-MINOR_UNITS[currency])
    return amount.quantize(exponent, rounding=ROUND_HALF_EVEN)


def money(amount, currency):
    """The JSON text of an amount in a currency's minor units."""
    return str(quantize(Decimal(amount), currency))


def usd(amount, currency, day):
    """The USD value of an amount on day, as the ledger computes it: half-even to cents."""
    return (Decimal(amount) / rate(currency, day)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)


def d(text):
    return datetime.date.fromisoformat(text)


def last_day(year, month):
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def fmt_usd(amount):
    return "USD {:,.2f}".format(amount)


# ---------------------------------------------------------------------------------------------
# Master data.

FUNDS = [
    {"type": "fund", "code": "CPCJF", "name": "United Nations Crime Prevention and Criminal Justice Fund",
     "kind": "general"},
    {"type": "fund", "code": "UNTOC",
     "name": "Funding mechanism of the Convention against Transnational Organized Crime (Palermo)",
     "kind": "special", "parent": "CPCJF"},
    {"type": "fund", "code": "UNCAC",
     "name": "Funding mechanism of the Convention against Corruption (Merida)",
     "kind": "special", "parent": "CPCJF"},
    {"type": "fund", "code": "PSC", "name": "Programme support cost account", "kind": "psc"},
]

# code, name, category, country (ISO 3166 alpha-2, or None), currency of its pledges
DONORS = [
    ("DEU", "Germany", "government", "DE", "EUR"),
    ("JPN", "Japan", "government", "JP", "JPY"),
    ("GBR", "United Kingdom of Great Britain and Northern Ireland", "government", "GB", "GBP"),
    ("FRA", "France", "government", "FR", "EUR"),
    ("ITA", "Italy", "government", "IT", "EUR"),
    ("NOR", "Norway", "government", "NO", "NOK"),
    ("SWE", "Sweden", "government", "SE", "SEK"),
    ("CHE", "Switzerland", "government", "CH", "CHF"),
    ("AUS", "Australia", "government", "AU", "AUD"),
    ("CAN", "Canada", "government", "CA", "CAD"),
    ("USA", "United States of America", "government", "US", "USD"),
    ("NLD", "Netherlands (Kingdom of the)", "government", "NL", "EUR"),
    ("DNK", "Denmark", "government", "DK", "USD"),
    ("AUT", "Austria", "government", "AT", "EUR"),
    ("KOR", "Republic of Korea", "government", "KR", "USD"),
    ("QAT", "Qatar", "government", "QA", "USD"),
    ("FIN", "Finland", "government", "FI", "EUR"),
    ("MEX", "Mexico", "government", "MX", "USD"),
    ("SAU", "Saudi Arabia", "government", "SA", "USD"),
    ("CHN", "China", "government", "CN", "USD"),
    ("EU", "European Union", "intergovernmental", None, "EUR"),
    ("WB", "World Bank (International Bank for Reconstruction and Development)", "financial-institution",
     None, "USD"),
    ("UNDP", "United Nations Development Programme", "un-entity", None, "USD"),
    ("NGO-CSCAT", "Civil Society Coalition against Trafficking (illustrative)", "ngo", "NL", "USD"),
    ("FDN-ROL", "Foundation for the Rule of Law (illustrative)", "foundation", "CH", "USD"),
    ("PRV-0001", "Private donor (an individual, anonymous)", "private", None, "USD"),
]
DONOR_NAMES = {code: name for code, name, *_ in DONORS}

# code, name, fund, theme, PSC rate agreed for the project (None: the standard 13%)
PROJECTS = [
    ("GLOZ43", "Crime prevention and criminal justice reform", "CPCJF", "criminal justice", None),
    ("GLOR35", "Terrorism prevention: strengthening the legal regime against terrorism", "CPCJF",
     "terrorism prevention", None),
    ("GLOZ80", "Global programme on cybercrime", "CPCJF", "cybercrime", None),
    ("GLOT59", "Global action against trafficking in persons", "UNTOC", "trafficking in persons", None),
    ("GLOT92", "Smuggling of migrants: protection of rights and prosecution of smugglers", "UNTOC",
     "smuggling of migrants", None),
    ("GLOX40", "Global firearms programme", "UNTOC", "firearms", None),
    ("GLOU68", "Anti-corruption mentors and advisers", "UNCAC", "corruption", None),
    ("GLOZ82", "Support to the UNCAC implementation review mechanism", "UNCAC", "corruption", None),
    ("GLOU40", "Stolen asset recovery, with the World Bank", "UNCAC", "corruption", "0.08"),
]
PROJECT_FUND = {code: fund for code, _, fund, _, _ in PROJECTS}
PROJECT_PSC = {code: Decimal(psc) if psc else Decimal("0.13") for code, _, _, _, psc in PROJECTS}

# What each fund does with the money it receives without a project: shares per project; the rest
# of 1 is the fund's operating reserve, from which transfers and refunds are paid.
UNEARMARKED_SHARES = {
    "CPCJF": [("GLOZ43", Decimal("0.40")), ("GLOR35", Decimal("0.20")), ("GLOZ80", Decimal("0.20"))],
    "UNTOC": [("GLOT59", Decimal("0.30")), ("GLOT92", Decimal("0.30")), ("GLOX40", Decimal("0.30"))],
    "UNCAC": [("GLOZ82", Decimal("0.90"))],
}

EXPENSE_TEXT = {
    "GLOZ43": (["Regional workshop on criminal justice reform", "Advisory services on prison reform",
                "Expert group meeting on crime prevention standards", "Technical assistance missions"],
               ["Grant to implementing partner: legal aid services",
                "Grant to implementing partner: juvenile justice programme"]),
    "GLOR35": (["Training of criminal justice officials in counter-terrorism law",
                "Legislative drafting assistance", "Workshop on terrorist financing investigations"],
               ["Grant to implementing partner: prevention of violent extremism in prisons"]),
    "GLOZ80": (["Cybercrime investigation training", "Digital forensics equipment and training",
                "Regional conference on electronic evidence"],
               ["Grant to implementing partner: online child sexual exploitation prevention"]),
    "GLOT59": (["Training of investigators and prosecutors on trafficking in persons",
                "Global report on trafficking in persons: data collection", "Victim identification workshop"],
               ["Grant to implementing partner: shelter and victim support services",
                "Grant to implementing partner: legal assistance to victims"]),
    "GLOT92": (["Training of border officials on smuggling of migrants", "Maritime law enforcement workshop",
                "Migrant smuggling observatory: data and research"],
               ["Grant to implementing partner: protection of smuggled migrants"]),
    "GLOX40": (["Firearms marking and record-keeping equipment", "Training on illicit firearms investigations",
                "Legislative assistance on the Firearms Protocol"],
               ["Grant to implementing partner: weapons collection and destruction"]),
    "GLOU68": (["Anti-corruption mentor deployment", "Training of anti-corruption authorities",
                "Workshop on public procurement integrity"],
               ["Grant to implementing partner: civil society anti-corruption monitoring"]),
    "GLOZ82": (["Country review visit under the implementation review mechanism",
                "Training of governmental experts for the review mechanism", "Translation of review reports"],
               ["Grant to implementing partner: civil society participation in reviews"]),
    "GLOU40": (["Asset recovery case assistance", "Training on financial investigations and asset tracing",
                "Mutual legal assistance workshop"],
               ["Grant to implementing partner: asset recovery knowledge centre"]),
}


# ---------------------------------------------------------------------------------------------
# Events: each created with its date and an order within the day; auto ids are given after sorting,
# so that they run in date order (RCV-2021-0001, RCV-2021-0002, ...).

class AutoId:
    def __init__(self, prefix):
        self.prefix = prefix
        self.value = None

    def __str__(self):
        assert self.value is not None, self.prefix
        return self.value


EVENTS = []      # (date, order, creation, event)
MASTER = []      # master data, first in the file
ORDER = {"budget": 0, "pledge": 0, "receipt": 1, "reversal": 1, "apply": 2, "condition_met": 2, "reduction": 2,
         "refund": 3, "transfer": 3, "advance": 4, "expense": 4, "partner_report": 4, "entry": 5,
         "allowance": 6, "write_off": 6, "interest": 7, "period_close": 9}


def add(day, event):
    EVENTS.append((day, ORDER[event["type"]], len(EVENTS), event))
    return event


# The simulation that keeps expenditure within each fund's cash, in USD.
INFLOWS = []          # (date, fund, project or None, usd): cash received
OUTFLOWS = []         # (date, fund, usd): cash paid out of a fund's reserve (transfers, refunds)
SPENT = []            # (date, project, usd, psc): cash a project pays outside the monthly expenses
                      # (advances, partners' PSC, refunds of what it received); psc goes to the PSC account
FOREIGN_CASH = {}     # (year, month, fund, currency) -> [(donor or None, amount)] received, converted on the 28th
STORY = []            # (date, text): the highlights, for the README


def note(day, text):
    STORY.append((day, text))


PLEDGES = {}


def pledge(pid, donor, fund, purpose, currency, amount, signed, installments=None, project=None,
           psc_rate=None, conditional=False, memo=None, reference=None, pay=None):
    """A pledge and, unless pay is False, the receipts that pay it: pay lists (date, amount) pairs;
    without it, each instalment is paid in full on the dates of paid_on."""
    signed_day = d(signed)
    event = {"type": "pledge", "id": pid, "donor": donor, "fund": fund, "purpose": purpose,
             "currency": currency, "amount": money(amount, currency), "signed": signed}
    schedule = [(signed_day, Decimal(amount))]
    if installments:
        event["installments"] = [{"due": due, "amount": money(part, currency)} for due, part in installments]
        schedule = [(d(due), Decimal(part)) for due, part in installments]
        assert sum(part for _, part in schedule) == Decimal(amount), pid
    if conditional:
        event["conditional"] = True
    if project:
        assert PROJECT_FUND[project] == fund, pid
        event["project"] = project
    if psc_rate:
        event["psc_rate"] = psc_rate
    if memo is None:
        what = "general-purpose contribution" if purpose == "general" else "special-purpose contribution"
        if project:
            theme = next(p[3] for p in PROJECTS if p[0] == project)
            what += " (" + theme + ", " + project + ")"
        years = sorted({due.year for due, _ in schedule} | {signed_day.year})
        span = str(years[0]) if len(years) == 1 else "{}-{}".format(years[0], years[-1])
        memo = "{}: {} {}".format(DONOR_NAMES[donor], what, span)
    event["memo"] = memo
    event["reference"] = reference or "AGR/{}/{}/{}".format(signed_day.year, donor, fund)
    add(signed_day, event)
    PLEDGES[pid] = {"donor": donor, "fund": fund, "currency": currency, "amount": Decimal(amount),
                    "signed": signed_day, "project": project, "schedule": schedule}
    if pay is None:
        raise ValueError("say how pledge " + pid + " is paid")
    for day, part in pay:
        receipt(day, fund, currency, part, pledge=pid)
    return event


def receipt(day, fund, currency, amount, pledge=None, donor=None, memo=None, project=None, cash=True):
    day = d(day) if isinstance(day, str) else day
    assert day.day <= 27, "receipts are converted on the 28th: " + str(day)
    event = {"type": "receipt", "id": AutoId("RCV"), "date": day.isoformat(), "fund": fund,
             "currency": currency, "amount": money(amount, currency)}
    if donor:
        event["donor"] = donor
    if pledge:
        event["pledge"] = pledge
        info = PLEDGES[pledge]
        assert info["fund"] == fund and day >= info["signed"], pledge
        project = project or info["project"]
        donor_name = DONOR_NAMES[info["donor"]]
        memo = memo or "{}: payment against pledge {}".format(donor_name, pledge)
    event["memo"] = memo or "Receipt"
    add(day, event)
    if cash:
        INFLOWS.append((day, fund, project, usd(amount, currency, day)))
        if currency != "USD":
            payer = PLEDGES[pledge]["donor"] if pledge else donor
            FOREIGN_CASH.setdefault((day.year, day.month, fund, currency), []).append((payer, Decimal(amount)))
    return event


def auto(prefix, type_, day, **fields):
    event = {"type": type_, "id": AutoId(prefix)}
    event.update(fields)
    return add(day, event)


# ---------------------------------------------------------------------------------------------
# The contributions, year by year.

def contributions():
    # ---- 2021
    pledge("PLG-2021-DEU-01", "DEU", "CPCJF", "general", "EUR", "1000000.00", "2021-01-18",
           pay=[("2021-02-15", "1000000.00")])
    pledge("PLG-2021-SWE-01", "SWE", "CPCJF", "general", "SEK", "8000000.00", "2021-01-25",
           installments=[("2021-03-01", "2000000.00"), ("2022-03-01", "2000000.00"),
                         ("2023-03-01", "2000000.00"), ("2024-03-01", "2000000.00")],
           pay=[("2021-03-15", "2000000.00"), ("2022-03-14", "2000000.00"), ("2023-03-13", "2000000.00"),
                ("2024-03-11", "2000000.00")])
    pledge("PLG-2021-AUT-01", "AUT", "CPCJF", "general", "EUR", "150000.00", "2021-02-01",
           pay=[("2021-03-08", "150000.00")])
    # Paid in part: the first instalment in two payments.
    pledge("PLG-2021-USA-01", "USA", "UNTOC", "special", "USD", "2500000.00", "2021-02-10",
           installments=[("2021-03-01", "1250000.00"), ("2021-09-01", "1250000.00")], project="GLOT59",
           pay=[("2021-03-22", "750000.00"), ("2021-04-19", "500000.00"), ("2021-09-20", "1250000.00")])
    pledge("PLG-2021-CHE-01", "CHE", "UNCAC", "special", "CHF", "400000.00", "2021-02-22", project="GLOU68",
           pay=[("2021-03-24", "400000.00")])
    pledge("PLG-2021-GBR-01", "GBR", "UNCAC", "special", "GBP", "1200000.00", "2021-03-03",
           installments=[("2021-04-01", "400000.00"), ("2022-04-01", "400000.00"), ("2023-04-01", "400000.00")],
           project="GLOU68",
           pay=[("2021-04-20", "400000.00"), ("2022-04-21", "400000.00"), ("2023-04-20", "400000.00")])
    pledge("PLG-2021-FRA-01", "FRA", "CPCJF", "general", "EUR", "300000.00", "2021-03-15",
           pay=[("2021-05-10", "300000.00")])
    pledge("PLG-2021-CAN-01", "CAN", "CPCJF", "special", "CAD", "750000.00", "2021-03-29", project="GLOR35",
           pay=[("2021-04-26", "750000.00")])
    pledge("PLG-2021-NOR-01", "NOR", "UNCAC", "special", "NOK", "10000000.00", "2021-04-06", project="GLOZ82",
           pay=[("2021-05-17", "10000000.00")])
    pledge("PLG-2021-JPN-01", "JPN", "UNTOC", "special", "JPY", "150000000", "2021-04-20", project="GLOT92",
           pay=[("2021-06-14", "150000000")])
    pledge("PLG-2021-KOR-01", "KOR", "CPCJF", "special", "USD", "600000.00", "2021-05-03", project="GLOZ80",
           pay=[("2021-06-07", "600000.00")])
    # Reduced in 2023 (below): the last instalment is cut from EUR 500,000 to EUR 200,000.
    pledge("PLG-2021-ITA-01", "ITA", "UNTOC", "special", "EUR", "1500000.00", "2021-05-12",
           installments=[("2021-06-30", "500000.00"), ("2022-06-30", "500000.00"), ("2023-06-30", "500000.00")],
           project="GLOX40",
           pay=[("2021-07-14", "500000.00"), ("2022-07-12", "500000.00"), ("2023-07-11", "200000.00")])
    # The project with an agreed PSC rate of 8%.
    pledge("PLG-2021-WB-01", "WB", "UNCAC", "special", "USD", "1200000.00", "2021-06-01",
           installments=[("2021-07-01", "600000.00"), ("2022-07-01", "600000.00")], project="GLOU40",
           psc_rate="0.08", reference="WB/StAR/TF0A1234",
           pay=[("2021-07-12", "600000.00"), ("2022-07-11", "600000.00")])
    pledge("PLG-2021-AUS-01", "AUS", "UNTOC", "special", "AUD", "1000000.00", "2021-06-07",
           installments=[("2021-07-01", "500000.00"), ("2022-07-01", "500000.00")], project="GLOT92",
           pay=[("2021-07-26", "500000.00"), ("2022-07-25", "500000.00")])
    pledge("PLG-2021-DNK-01", "DNK", "UNCAC", "special", "USD", "350000.00", "2021-06-21", project="GLOU68",
           pay=[("2021-07-19", "350000.00")])
    pledge("PLG-2021-UNDP-01", "UNDP", "UNTOC", "special", "USD", "400000.00", "2021-08-02", project="GLOT92",
           reference="UNDP/UNODC/2021/017", pay=[("2021-08-23", "400000.00")])
    pledge("PLG-2021-MEX-01", "MEX", "CPCJF", "general", "USD", "50000.00", "2021-09-13",
           pay=[("2021-11-08", "50000.00")])
    # The conditional contribution: deferred (2200) until the steering committee approves each phase.
    pledge("PLG-2021-EU-01", "EU", "UNCAC", "special", "EUR", "2000000.00", "2021-09-15",
           installments=[("2022-04-30", "1000000.00"), ("2023-04-30", "1000000.00")], project="GLOZ82",
           conditional=True, reference="EU/ISF/2021/426-118",
           memo="European Union: conditional contribution to the UNCAC review mechanism 2022-2023, each "
                "phase released on approval of its work plan by the steering committee",
           pay=[("2022-05-12", "1000000.00"), ("2023-05-10", "1000000.00")])
    pledge("PLG-2021-CHN-01", "CHN", "CPCJF", "general", "USD", "100000.00", "2021-10-11",
           pay=[("2021-11-22", "100000.00")])
    pledge("PLG-2021-NGO-01", "NGO-CSCAT", "UNTOC", "special", "USD", "45000.00", "2021-11-03", project="GLOT59",
           pay=[("2021-12-06", "45000.00")])

    # ---- 2022
    pledge("PLG-2022-DEU-01", "DEU", "CPCJF", "general", "EUR", "1000000.00", "2022-01-24",
           pay=[("2022-02-21", "1000000.00")])
    pledge("PLG-2022-AUT-01", "AUT", "CPCJF", "general", "EUR", "150000.00", "2022-02-07", pay=[])
    # The overpayment: EUR 520,000 against EUR 500,000; EUR 20,000 held as an advance (2100).
    pledge("PLG-2022-NLD-01", "NLD", "UNTOC", "special", "EUR", "500000.00", "2022-02-10", project="GLOT59", pay=[])
    overpayment = receipt("2022-03-15", "UNTOC", "EUR", "520000.00", pledge="PLG-2022-NLD-01",
                          memo="Netherlands: payment of EUR 520,000 against pledge PLG-2022-NLD-01 of EUR 500,000 "
                               "(overpaid by EUR 20,000)")
    pledge("PLG-2022-CHE-01", "CHE", "UNCAC", "special", "CHF", "400000.00", "2022-02-21", project="GLOU68", pay=[])
    pledge("PLG-2022-DEU-02", "DEU", "UNTOC", "special", "EUR", "3000000.00", "2022-03-01",
           installments=[("2022-04-01", "1000000.00"), ("2023-04-01", "1000000.00"), ("2024-04-01", "1000000.00")],
           project="GLOT59",
           pay=[("2022-04-19", "1000000.00"), ("2023-04-18", "1000000.00"), ("2024-04-16", "1000000.00")])
    pledge("PLG-2022-USA-01", "USA", "CPCJF", "special", "USD", "1500000.00", "2022-03-08",
           installments=[("2022-04-01", "750000.00"), ("2023-04-01", "750000.00")], project="GLOZ80",
           pay=[("2022-04-25", "750000.00"), ("2023-04-24", "750000.00")])
    pledge("PLG-2022-FRA-01", "FRA", "CPCJF", "general", "EUR", "300000.00", "2022-03-14",
           pay=[("2022-05-09", "300000.00")])
    pledge("PLG-2022-NOR-01", "NOR", "UNCAC", "special", "NOK", "10000000.00", "2022-04-05", project="GLOZ82",
           pay=[("2022-05-16", "10000000.00")])
    # The unidentified receipt: CHF 400,000 into UNCAC without a reference, identified a month later.
    unidentified = receipt("2022-04-12", "UNCAC", "CHF", "400000.00", project="GLOU68",
                           memo="Unidentified transfer received, no payer reference")
    apply_unidentified = auto("APL", "apply", d("2022-05-23"), date="2022-05-23", receipt=unidentified["id"],
                              pledge="PLG-2022-CHE-01", donor="CHE",
                              memo="Identified as Switzerland's payment of pledge PLG-2022-CHE-01 "
                                   "(bank advice received from the Swiss mission)")
    pledge("PLG-2022-JPN-01", "JPN", "UNTOC", "special", "JPY", "150000000", "2022-04-19", project="GLOT92",
           pay=[("2022-06-13", "150000000")])
    # The private donor who paid one instalment of two: allowance in 2023, write-off in 2024.
    pledge("PLG-2022-PRV-01", "PRV-0001", "UNTOC", "special", "USD", "60000.00", "2022-05-10",
           installments=[("2022-06-30", "30000.00"), ("2023-06-30", "30000.00")], project="GLOT59",
           pay=[("2022-07-05", "30000.00")])
    pledge("PLG-2022-SAU-01", "SAU", "CPCJF", "special", "USD", "500000.00", "2022-05-16", project="GLOR35",
           pay=[("2022-06-20", "500000.00")])
    pledge("PLG-2022-QAT-01", "QAT", "UNCAC", "special", "USD", "1000000.00", "2022-06-06", project="GLOU68",
           pay=[("2022-06-27", "1000000.00")])
    pledge("PLG-2022-DNK-01", "DNK", "UNCAC", "special", "USD", "350000.00", "2022-06-20", project="GLOU68",
           pay=[("2022-07-18", "350000.00")])
    pledge("PLG-2022-FIN-01", "FIN", "UNCAC", "special", "EUR", "200000.00", "2022-09-05", project="GLOU68",
           pay=[("2022-10-10", "200000.00")])
    pledge("PLG-2022-MEX-01", "MEX", "CPCJF", "general", "USD", "50000.00", "2022-09-12",
           pay=[("2022-12-05", "50000.00")])
    pledge("PLG-2022-CHN-01", "CHN", "CPCJF", "general", "USD", "100000.00", "2022-10-10",
           pay=[("2022-11-21", "100000.00")])
    pledge("PLG-2022-FDN-01", "FDN-ROL", "CPCJF", "special", "USD", "250000.00", "2022-10-17", project="GLOZ43",
           pay=[("2022-11-14", "250000.00")])

    # Austria's 2022 payment, first recorded by mistake as an advance to UNTOC, reversed three days
    # later and recorded again against its CPCJF pledge.
    wrong = receipt("2022-10-03", "UNTOC", "EUR", "150000.00", donor="AUT", cash=False,
                    memo="Austria: contribution (recorded to the wrong fund)")
    auto("REV", "reversal", d("2022-10-06"), reverses=wrong["id"], date="2022-10-06",
         memo="Correction: Austria's contribution belongs to the CPCJF, not UNTOC")
    receipt("2022-10-06", "CPCJF", "EUR", "150000.00", pledge="PLG-2022-AUT-01",
            memo="Austria: payment against pledge PLG-2022-AUT-01 (re-recorded to the right fund)")

    # The condition of the EU contribution met in two phases.
    auto("CND", "condition_met", d("2022-03-31"), pledge="PLG-2021-EU-01", date="2022-03-31",
         amount="1000000.00", memo="Steering committee approved the 2022 work plan: phase 1 released")
    auto("CND", "condition_met", d("2023-03-30"), pledge="PLG-2021-EU-01", date="2023-03-30",
         amount="1000000.00", memo="Steering committee approved the 2023 work plan: phase 2 released")

    # ---- 2023
    # Paid in two parts.
    pledge("PLG-2023-DEU-01", "DEU", "CPCJF", "general", "EUR", "1000000.00", "2023-01-23",
           pay=[("2023-02-20", "600000.00"), ("2023-05-15", "400000.00")])
    pledge("PLG-2023-AUT-01", "AUT", "CPCJF", "general", "EUR", "150000.00", "2023-02-06",
           pay=[("2023-03-06", "150000.00")])
    # The Netherlands' advance of 2022 applied to its 2023 pledge, and the balance paid.
    pledge("PLG-2023-NLD-01", "NLD", "UNTOC", "special", "EUR", "500000.00", "2023-02-08", project="GLOT59",
           pay=[("2023-03-20", "480000.00")])
    auto("APL", "apply", d("2023-02-20"), date="2023-02-20", receipt=overpayment["id"], pledge="PLG-2023-NLD-01",
         memo="The Netherlands' overpayment of 2022 (EUR 20,000) applied to its 2023 pledge")
    pledge("PLG-2023-USA-01", "USA", "UNTOC", "special", "USD", "2000000.00", "2023-02-14", project="GLOT59",
           pay=[("2023-03-20", "1000000.00"), ("2023-08-21", "1000000.00")])
    pledge("PLG-2023-CHE-01", "CHE", "UNCAC", "special", "CHF", "400000.00", "2023-02-20", project="GLOU68",
           pay=[("2023-03-20", "400000.00")])
    pledge("PLG-2023-FRA-01", "FRA", "CPCJF", "general", "EUR", "300000.00", "2023-03-13",
           pay=[("2023-05-08", "300000.00")])
    pledge("PLG-2023-CAN-01", "CAN", "CPCJF", "special", "CAD", "900000.00", "2023-03-27",
           installments=[("2023-04-30", "450000.00"), ("2024-04-30", "450000.00")], project="GLOZ80",
           pay=[("2023-05-22", "450000.00"), ("2024-05-21", "450000.00")])
    pledge("PLG-2023-NOR-01", "NOR", "UNCAC", "special", "NOK", "12000000.00", "2023-04-04", project="GLOZ82",
           pay=[("2023-05-15", "12000000.00")])
    pledge("PLG-2023-JPN-01", "JPN", "UNTOC", "special", "JPY", "140000000", "2023-04-18", project="GLOT92",
           pay=[("2023-06-12", "140000000")])
    pledge("PLG-2023-KOR-01", "KOR", "CPCJF", "special", "USD", "600000.00", "2023-05-08", project="GLOZ80",
           pay=[("2023-06-05", "600000.00")])
    pledge("PLG-2023-AUS-01", "AUS", "UNTOC", "special", "AUD", "1200000.00", "2023-06-05",
           installments=[("2023-07-01", "600000.00"), ("2024-07-01", "600000.00")], project="GLOT92",
           pay=[("2023-07-24", "600000.00"), ("2024-07-22", "600000.00")])
    # Denmark pays the amount of an earlier draft of its agreement: the USD 35,000 excess is held for
    # it (2100) and, at its request, refunded: payable in December, paid in January 2024.
    pledge("PLG-2023-DNK-01", "DNK", "UNCAC", "special", "USD", "350000.00", "2023-06-19", project="GLOU68",
           pay=[])
    dnk_overpaid = receipt("2023-07-17", "UNCAC", "USD", "385000.00", pledge="PLG-2023-DNK-01",
                           memo="Denmark: payment of USD 385,000 against pledge PLG-2023-DNK-01 of USD 350,000 "
                                "(the amount of an earlier draft of the agreement)")
    dnk_payable = auto("RFD", "refund", d("2023-12-14"), donor="DNK", fund="UNCAC", date="2023-12-14",
                       currency="USD", amount="35000.00", receipt=dnk_overpaid["id"],
                       memo="Denmark's over-payment of July 2023, held for it, to be returned at its request")
    auto("RFD", "refund", d("2024-01-16"), donor="DNK", fund="UNCAC", date="2024-01-16", currency="USD",
         amount="35000.00", pays=dnk_payable["id"], memo="Payment of the refund to Denmark")
    SPENT.append((d("2024-01-16"), "GLOU68", Decimal("35000.00"), Decimal(0)))
    pledge("PLG-2023-WB-01", "WB", "UNCAC", "special", "USD", "800000.00", "2023-07-03",
           installments=[("2023-08-01", "400000.00"), ("2024-08-01", "400000.00")], project="GLOU40",
           psc_rate="0.08", reference="WB/StAR/TF0B5678",
           pay=[("2023-08-14", "400000.00"), ("2024-08-12", "400000.00")])
    pledge("PLG-2023-UNDP-01", "UNDP", "UNTOC", "special", "USD", "300000.00", "2023-08-01", project="GLOT92",
           reference="UNDP/UNODC/2023/044", pay=[("2023-08-21", "300000.00")])
    # Finland pays its EUR pledge in US dollars: the receipt settles it through account 1900.
    pledge("PLG-2023-FIN-01", "FIN", "UNCAC", "special", "EUR", "200000.00", "2023-09-04", project="GLOU68", pay=[])
    fin_day = d("2023-10-09")
    fin_usd = usd_paying_exactly(Decimal("200000.00"), "EUR", fin_day)
    receipt(fin_day, "UNCAC", "USD", fin_usd, pledge="PLG-2023-FIN-01",
            memo="Finland: payment in USD of its EUR 200,000 pledge PLG-2023-FIN-01")
    note(fin_day, "Finland pays its EUR 200,000 pledge PLG-2023-FIN-01 in US dollars: {} at the October "
                  "rate of 0.948 EUR per USD, settled through account 1900".format(fmt_usd(fin_usd)))
    # Paid by a transfer without a reference on 18 December, identified only in February 2024: the
    # pledge is overdue in the aging at the end of 2023, the money held as unidentified (2150).
    pledge("PLG-2023-MEX-01", "MEX", "CPCJF", "general", "USD", "50000.00", "2023-09-11", pay=[])
    year_end_unidentified = receipt("2023-12-18", "CPCJF", "USD", "50000.00",
                                    memo="Unidentified transfer received, reference illegible")
    auto("APL", "apply", d("2024-02-12"), date="2024-02-12", receipt=year_end_unidentified["id"],
         pledge="PLG-2023-MEX-01", donor="MEX",
         memo="Identified as Mexico's payment of pledge PLG-2023-MEX-01 (confirmed by the Permanent Mission)")
    pledge("PLG-2023-NGO-01", "NGO-CSCAT", "UNTOC", "special", "USD", "40000.00", "2023-10-02", project="GLOT59",
           pay=[("2023-11-06", "40000.00")])
    pledge("PLG-2023-CHN-01", "CHN", "CPCJF", "general", "USD", "100000.00", "2023-10-09",
           pay=[("2023-11-27", "100000.00")])

    # Norway moves to a three-year agreement for 2024-2026: the instalments of 2025 and 2026 fall
    # due more than twelve months after 31 December 2023 (non-current at the end of 2023).
    pledge("PLG-2023-NOR-02", "NOR", "UNCAC", "special", "NOK", "36000000.00", "2023-12-04",
           installments=[("2024-05-01", "12000000.00"), ("2025-05-01", "12000000.00"),
                         ("2026-05-01", "12000000.00")], project="GLOZ82", reference="NOR/MFA/2023/UNODC-3Y",
           memo="Norway: three-year special-purpose contribution to the UNCAC implementation review mechanism "
                "(GLOZ82), 2024-2026",
           pay=[("2024-05-13", "12000000.00")])

    # The reduction: Italy cuts its last instalment by EUR 300,000 (a 2021 pledge: Dr 4900).
    auto("RED", "reduction", d("2023-05-15"), pledge="PLG-2021-ITA-01", date="2023-05-15", amount="300000.00",
         reason="Budgetary constraints: the 2023 instalment is reduced from EUR 500,000 to EUR 200,000 "
                "(note verbale of 10 May 2023)")
    # The doubtful pledge of the private donor.
    auto("ALW", "allowance", d("2023-12-12"), pledge="PLG-2022-PRV-01", date="2023-12-12", amount="30000.00",
         memo="Allowance for the second instalment, six months overdue and the donor unreachable")

    # ---- 2024
    pledge("PLG-2024-DEU-01", "DEU", "CPCJF", "general", "EUR", "1000000.00", "2024-01-22",
           pay=[("2024-02-19", "1000000.00")])
    pledge("PLG-2024-AUT-01", "AUT", "CPCJF", "general", "EUR", "150000.00", "2024-02-05",
           pay=[("2024-03-04", "150000.00")])
    pledge("PLG-2024-NLD-01", "NLD", "UNTOC", "special", "EUR", "500000.00", "2024-02-12", project="GLOT59",
           pay=[("2024-03-18", "500000.00")])
    pledge("PLG-2024-CHE-01", "CHE", "UNCAC", "special", "CHF", "400000.00", "2024-02-19", project="GLOU68",
           pay=[("2024-03-18", "400000.00")])
    pledge("PLG-2024-GBR-01", "GBR", "UNCAC", "special", "GBP", "500000.00", "2024-03-04", project="GLOU68",
           pay=[("2024-04-08", "500000.00")])
    pledge("PLG-2024-FRA-01", "FRA", "CPCJF", "general", "EUR", "300000.00", "2024-03-11",
           pay=[("2024-05-13", "300000.00")])
    pledge("PLG-2024-USA-01", "USA", "UNTOC", "special", "USD", "1800000.00", "2024-03-12",
           installments=[("2024-04-01", "900000.00"), ("2025-04-01", "900000.00")], project="GLOT59",
           pay=[("2024-04-22", "900000.00")])
    pledge("PLG-2024-JPN-01", "JPN", "UNTOC", "special", "JPY", "140000000", "2024-04-16", project="GLOT92",
           pay=[("2024-06-10", "140000000")])
    pledge("PLG-2024-ITA-01", "ITA", "UNTOC", "special", "EUR", "400000.00", "2024-05-13", project="GLOX40",
           pay=[("2024-07-08", "400000.00")])
    pledge("PLG-2024-SAU-01", "SAU", "CPCJF", "special", "USD", "500000.00", "2024-05-20", project="GLOR35",
           pay=[("2024-06-17", "500000.00")])
    pledge("PLG-2024-QAT-01", "QAT", "UNCAC", "special", "USD", "1000000.00", "2024-06-03",
           installments=[("2024-07-01", "500000.00"), ("2025-07-01", "500000.00")], project="GLOU68",
           pay=[("2024-07-15", "500000.00")])
    pledge("PLG-2024-DNK-01", "DNK", "UNCAC", "special", "USD", "350000.00", "2024-06-17", project="GLOU68",
           pay=[("2024-07-15", "350000.00")])
    pledge("PLG-2024-FIN-01", "FIN", "UNCAC", "special", "EUR", "200000.00", "2024-09-02", project="GLOU68",
           pay=[("2024-10-07", "200000.00")])
    pledge("PLG-2024-MEX-01", "MEX", "CPCJF", "general", "USD", "50000.00", "2024-09-09", pay=[])
    pledge("PLG-2024-CHN-01", "CHN", "CPCJF", "general", "USD", "100000.00", "2024-10-07",
           pay=[("2024-11-25", "100000.00")])
    pledge("PLG-2024-FDN-01", "FDN-ROL", "CPCJF", "special", "USD", "150000.00", "2024-10-14", project="GLOZ43",
           pay=[("2024-11-18", "75000.00")])
    pledge("PLG-2024-EU-01", "EU", "UNCAC", "special", "EUR", "1500000.00", "2024-11-04",
           installments=[("2024-12-01", "750000.00"), ("2025-12-01", "750000.00")], project="GLOZ82",
           reference="EU/ISF/2024/512-207", pay=[("2024-12-16", "750000.00")])
    auto("WOF", "write_off", d("2024-06-26"), pledge="PLG-2022-PRV-01", date="2024-06-26", amount="30000.00",
         memo="Written off: the second instalment will not be collected")

    # The transfer between funds and the refund, paid from the funds' reserves.
    transfer_day = d("2022-07-01")
    auto("TRF", "transfer", transfer_day, date="2022-07-01", from_fund="CPCJF", to_fund="UNCAC", currency="USD",
         amount="250000.00",
         memo="Allocation of general-purpose CPCJF resources to the UNCAC implementation review mechanism")
    OUTFLOWS.append((transfer_day, "CPCJF", Decimal("250000.00")))
    INFLOWS.append((transfer_day, "UNCAC", None, Decimal("250000.00")))
    payable = auto("RFD", "refund", d("2023-11-15"), donor="KOR", fund="CPCJF", date="2023-11-15", currency="USD",
                   amount="38450.00", pledge="PLG-2021-KOR-01",
                   memo="Unspent balance of the Republic of Korea's 2021 cybercrime contribution, returned on the "
                        "financial closure of its project phase")
    auto("RFD", "refund", d("2023-12-05"), donor="KOR", fund="CPCJF", date="2023-12-05", currency="USD",
         amount="38450.00", pledge="PLG-2021-KOR-01", pays=payable["id"],
         memo="Payment of the refund to the Republic of Korea")
    OUTFLOWS.append((d("2023-12-05"), "CPCJF", Decimal("38450.00")))
    transfer_day = d("2024-03-01")
    auto("TRF", "transfer", transfer_day, date="2024-03-01", from_fund="CPCJF", to_fund="UNTOC", currency="USD",
         amount="200000.00",
         memo="Allocation of general-purpose CPCJF resources to the UNTOC migrant smuggling observatory (GLOT92)")
    OUTFLOWS.append((transfer_day, "CPCJF", Decimal("200000.00")))
    INFLOWS.append((transfer_day, "UNTOC", "GLOT92", Decimal("200000.00")))
    return unidentified, apply_unidentified, overpayment, wrong


# ---------------------------------------------------------------------------------------------
# Implementing partners: advances of cash (1400), reported in part or in full by partner_report
# events (5100 with PSC). EUR advances are paid from EUR that the treasury buys on the 28th of the
# month before (held over that month end, then paid out at the next month's rate: an exchange
# difference); the PSC on a EUR report is paid from EUR the treasury buys for the fund the day
# before, and the PSC account sells the EUR it earned for USD on the 28th of the month, so that no
# other foreign-currency cash stays in a fund over a month end and no fund spends cash it lacks.

PARTNERS = {
    "NGO-KE-014": "shelters and support for victims of trafficking, Kenya",
    "NGO-NG-007": "legal aid for pre-trial detainees, Nigeria",
    "NGO-IT-021": "protection of smuggled migrants at sea arrival points, Italy",
    "NGO-BA-009": "collection and destruction of small arms, Bosnia and Herzegovina",
    "NGO-PH-031": "prevention of online child sexual exploitation, Philippines",
    "NGO-DE-012": "civil society participation in the UNCAC reviews, Germany",
    "NGO-ZA-005": "civil society monitoring of public procurement, South Africa",
}

# date, project, partner, currency, amount, what it is for, reports [(date, amount, memo)]
ADVANCES = [
    ("2021-05-10", "GLOT59", "NGO-KE-014", "USD", "120000.00", "first tranche of the 2021-2022 agreement",
     [("2021-09-20", "70000.00", "expenditure report, May to August 2021"),
      ("2022-01-24", "50000.00", "final expenditure report of the tranche")]),
    ("2021-09-06", "GLOT92", "NGO-IT-021", "EUR", "150000.00", "reception and legal counselling, 2021-2022",
     [("2021-12-13", "60000.00", "expenditure report, September to November 2021"),
      ("2022-04-11", "90000.00", "final expenditure report")]),
    ("2022-03-07", "GLOZ43", "NGO-NG-007", "USD", "90000.00", "legal aid clinics in three states, 2022",
     [("2022-08-22", "90000.00", "expenditure report for the whole advance")]),
    ("2022-06-13", "GLOZ82", "NGO-DE-012", "EUR", "100000.00", "training of civil society for the country visits",
     [("2022-11-14", "45000.00", "expenditure report, June to October 2022"),
      ("2023-03-13", "55000.00", "final expenditure report")]),
    # Operations suspended by the security situation: the balance is outstanding for over a year.
    ("2022-10-10", "GLOX40", "NGO-BA-009", "EUR", "80000.00", "weapons collection campaign, 2022-2023",
     [("2023-02-13", "30000.00", "expenditure report, October 2022 to January 2023; operations then suspended"),
      ("2024-04-15", "50000.00", "final expenditure report, operations resumed in February 2024")]),
    ("2023-02-06", "GLOT59", "NGO-KE-014", "USD", "150000.00", "second agreement, 2023",
     [("2023-06-19", "80000.00", "expenditure report, February to May 2023"),
      ("2023-10-16", "70000.00", "final expenditure report")]),
    ("2023-05-08", "GLOZ80", "NGO-PH-031", "USD", "110000.00", "hotline and school awareness programme, 2023-2024",
     [("2023-11-20", "60000.00", "expenditure report, May to October 2023"),
      ("2024-03-18", "50000.00", "final expenditure report")]),
    ("2023-09-11", "GLOT92", "NGO-IT-021", "EUR", "200000.00", "reception and legal counselling, 2023-2024",
     [("2023-12-11", "80000.00", "expenditure report, September to November 2023"),
      ("2024-04-22", "120000.00", "final expenditure report")]),
    ("2023-11-13", "GLOU68", "NGO-ZA-005", "USD", "75000.00", "procurement monitoring in five municipalities",
     [("2024-06-17", "75000.00", "expenditure report for the whole advance")]),
    ("2024-02-12", "GLOZ43", "NGO-NG-007", "USD", "100000.00", "legal aid clinics, 2024",
     [("2024-07-15", "60000.00", "expenditure report, February to June 2024"),
      ("2024-11-18", "40000.00", "final expenditure report")]),
    ("2024-05-13", "GLOZ82", "NGO-DE-012", "EUR", "120000.00", "civil society reports for the second review cycle",
     [("2024-10-14", "70000.00", "expenditure report, May to September 2024")]),
    ("2024-09-09", "GLOT59", "NGO-KE-014", "USD", "160000.00", "third agreement, 2024-2025",
     [("2024-12-09", "90000.00", "expenditure report, September to November 2024")]),
]


def treasury_entry(day, memo, legs):
    """An entry (FXC-...) that buys or sells foreign currency for USD at the day's operational rate,
    through the trading account 1900; legs lists (fund, currency, amount): the currency the fund
    receives (negative: gives up) against USD."""
    postings = []
    for fund, currency, amount in legs:
        value = usd(amount, currency, day)
        postings += [{"account": "1100", "fund": fund, "currency": currency, "amount": money(amount, currency)},
                     {"account": "1900", "fund": fund, "currency": currency, "amount": money(-amount, currency)},
                     {"account": "1900", "fund": fund, "currency": "USD", "amount": money(value, "USD")},
                     {"account": "1100", "fund": fund, "currency": "USD", "amount": money(-value, "USD")}]
    return auto("FXC", "entry", day, date=day.isoformat(), memo=memo, postings=postings)


def month_before_28th(day):
    first = day.replace(day=1) - datetime.timedelta(days=1)
    return first.replace(day=28)


def advance(day, project, partner, currency, amount, purpose, reports):
    """An advance from the project's fund to a partner, the EUR it needs bought beforehand, and the
    partner's reports with the settlement of their PSC in EUR; the project pays it all (SPENT)."""
    fund = PROJECT_FUND[project]
    amount = Decimal(amount)
    if currency != "USD":
        bought = month_before_28th(day)
        treasury_entry(bought, "Treasury: {} {:,.2f} bought for {} at the operational rate {}, for the advance to "
                               "implementing partner {} ({})".format(currency, amount, fund, rate(currency, bought),
                                                                     partner, project),
                       [(fund, currency, amount)])
    event = auto("ADV", "advance", day, fund=fund, date=day.isoformat(), currency=currency,
                 amount=money(amount, currency), partner=partner, project=project,
                 memo="Advance to {} ({}): {}".format(partner, PARTNERS[partner], purpose))
    SPENT.append((day, project, usd(amount, currency, day) + Decimal(100), Decimal(0)))  # 100: the exchange
    psc_rate = PROJECT_PSC[project]
    for report_day, reported, memo in reports:
        report_day, reported = d(report_day), Decimal(reported)
        assert report_day.day <= 27 and report_day >= day, report_day
        auto("PR", "partner_report", report_day, advance=event["id"], date=report_day.isoformat(),
             amount=money(reported, currency), memo="{}: {}".format(partner, memo))
        psc = quantize(reported * psc_rate, currency)
        psc_usd = usd(psc, currency, report_day)
        SPENT.append((report_day, project, psc_usd, psc_usd))
        if currency != "USD":
            bought = report_day - datetime.timedelta(days=1)
            treasury_entry(bought, "Treasury: {} {:,.2f} bought for {} at the operational rate {}, for the PSC on {}'s "
                                   "report of {}".format(currency, psc, fund, rate(currency, bought), partner,
                                                         report_day.isoformat()),
                           [(fund, currency, psc)])
            settled = report_day.replace(day=28)
            treasury_entry(settled, "Treasury: the {} {:,.2f} of PSC earned on {}'s report of {} sold for USD by the "
                                    "PSC account at the operational rate {}".format(
                                        currency, psc, partner, report_day.isoformat(), rate(currency, settled)),
                           [("PSC", currency, -psc)])
    return event


def partners():
    for day, project, partner, currency, amount, purpose, reports in ADVANCES:
        advance(d(day), project, partner, currency, amount, purpose, reports)


# ---------------------------------------------------------------------------------------------
# Between funds, and a prior-period correction: generic entries (JNL-...).

def between_funds():
    """A cost one fund pays for another, its reimbursement, and an expense recorded twice in 2023 and
    corrected in 2024; returns the duplicate and the correction, for the summary."""
    # The CPCJF pays a cost of UNTOC's (1500 / 2500 over the year end), reimbursed in January 2024.
    shared = Decimal("48600.00")
    auto("JNL", "entry", d("2023-11-20"), date="2023-11-20",
         memo="Venue and interpretation of the UNTOC side event on migrant smuggling at the Conference of the "
              "Parties: UNTOC's share, paid by the CPCJF on its behalf, to be reimbursed",
         postings=[{"account": "1500", "fund": "CPCJF", "currency": "USD", "amount": money(shared, "USD")},
                   {"account": "1100", "fund": "CPCJF", "currency": "USD", "amount": money(-shared, "USD")},
                   {"account": "5200", "fund": "UNTOC", "currency": "USD", "amount": money(shared, "USD"),
                    "project": "GLOT92"},
                   {"account": "2500", "fund": "UNTOC", "currency": "USD", "amount": money(-shared, "USD")}])
    OUTFLOWS.append((d("2023-11-20"), "CPCJF", shared))
    auto("JNL", "entry", d("2024-01-18"), date="2024-01-18",
         memo="UNTOC reimburses the CPCJF for the side event of November 2023",
         postings=[{"account": "2500", "fund": "UNTOC", "currency": "USD", "amount": money(shared, "USD")},
                   {"account": "1100", "fund": "UNTOC", "currency": "USD", "amount": money(-shared, "USD")},
                   {"account": "1100", "fund": "CPCJF", "currency": "USD", "amount": money(shared, "USD")},
                   {"account": "1500", "fund": "CPCJF", "currency": "USD", "amount": money(-shared, "USD")}])
    SPENT.append((d("2024-01-18"), "GLOT92", shared, Decimal(0)))
    INFLOWS.append((d("2024-01-18"), "CPCJF", None, shared))

    # An invoice recorded twice in November 2023 (from the purchase order, then from the invoice),
    # found by the bank reconciliation after the year was closed: corrected in accumulated surplus
    # (a prior-period error, IPSAS 3), not in the expenses of 2024.
    amount = Decimal("64250.00")
    psc = quantize(amount * PROJECT_PSC["GLOX40"], "USD")
    auto("EXP", "expense", d("2023-11-14"), fund="UNTOC", date="2023-11-14", currency="USD",
         amount=money(amount, "USD"), category="programme", project="GLOX40",
         memo="Firearms marking machines for national authorities, purchase order PO-2023-1187 (GLOX40)")
    duplicate = auto("EXP", "expense", d("2023-11-16"), fund="UNTOC", date="2023-11-16", currency="USD",
                     amount=money(amount, "USD"), category="programme", project="GLOX40",
                     memo="Firearms marking machines: supplier invoice for purchase order PO-2023-1187 (GLOX40)")
    SPENT.append((d("2023-11-14"), "GLOX40", 2 * (amount + psc), Decimal(0)))
    correction = auto("JNL", "entry", d("2024-02-20"), date="2024-02-20",
                      memo="Prior-period error: purchase order PO-2023-1187 was expensed twice in November 2023; the "
                           "duplicate and its PSC are corrected in accumulated surplus",
                      postings=[{"account": "1100", "fund": "UNTOC", "currency": "USD",
                                 "amount": money(amount + psc, "USD")},
                                {"account": "3100", "fund": "UNTOC", "currency": "USD",
                                 "amount": money(-(amount + psc), "USD")},
                                {"account": "3100", "fund": "PSC", "currency": "USD", "amount": money(psc, "USD")},
                                {"account": "1100", "fund": "PSC", "currency": "USD", "amount": money(-psc, "USD")}])
    INFLOWS.append((d("2024-02-20"), "UNTOC", "GLOX40", amount + psc))
    return duplicate, correction


def usd_paying_exactly(amount, currency, day):
    """The smallest USD amount whose value in currency on day, as the ledger converts it (USD times
    the rate, half-even to the minor unit), is exactly amount."""
    r = rate(currency, day)
    cents = int((amount / r * 100).to_integral_value(rounding=ROUND_DOWN)) - 5
    while True:
        candidate = Decimal(cents) / 100
        if quantize(candidate * r, currency) == amount:
            return candidate
        assert quantize(candidate * r, currency) < amount, "no USD amount converts exactly"
        cents += 1


# ---------------------------------------------------------------------------------------------
# Expenditure, the PSC account's own costs, the treasury conversions and the interest.

INTEREST_RATES = {  # approximate annual yield of the UN cash pool, by quarter
    (2021, 1): "0.0030", (2021, 2): "0.0025", (2021, 3): "0.0025", (2021, 4): "0.0030",
    (2022, 1): "0.0040", (2022, 2): "0.0090", (2022, 3): "0.0200", (2022, 4): "0.0330",
    (2023, 1): "0.0420", (2023, 2): "0.0470", (2023, 3): "0.0500", (2023, 4): "0.0510",
    (2024, 1): "0.0500", (2024, 2): "0.0500", (2024, 3): "0.0490", (2024, 4): "0.0460",
}


def split_cents(total, rng_low="0.35", rng_high="0.65"):
    """Two parts of a USD total, in cents, the first a random share of it."""
    first = (total * RNG.fraction(rng_low, rng_high)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return first, total - first


def spending():
    available = {code: Decimal(0) for code, *_ in PROJECTS}
    reserve = {"CPCJF": Decimal(0), "UNTOC": Decimal(0), "UNCAC": Decimal(0)}
    psc_available = Decimal(0)
    psc_pending = []  # (date, usd)
    inflows = sorted(INFLOWS, key=lambda item: item[0])
    outflows = sorted(OUTFLOWS, key=lambda item: item[0])
    spent = sorted(SPENT, key=lambda item: item[0])
    cash_estimate = Decimal(0)
    interest_total = Decimal(0)
    expense_count = 0
    for year, month in MONTHS:
        first = datetime.date(year, month, 1)
        # What had arrived before this month is what this month may spend.
        while inflows and inflows[0][0] < first:
            day, fund, project, value = inflows.pop(0)
            cash_estimate += value
            if project:
                available[project] += value
            else:
                shares = UNEARMARKED_SHARES[fund]
                for code, share in shares:
                    available[code] += (value * share).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
                reserve[fund] += value - sum((value * s).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
                                             for _, s in shares)
        while psc_pending and psc_pending[0][0] < first:
            psc_available += psc_pending.pop(0)[1]
        # Transfers and refunds of this month come out of the reserve.
        while outflows and outflows[0][0] < last_day(year, month) + datetime.timedelta(days=1):
            day, fund, value = outflows.pop(0)
            assert reserve[fund] >= value, (day, fund, reserve[fund], value)
            reserve[fund] -= value
            cash_estimate -= value
        # What the projects pay this month besides their expenses (advances, partners' PSC, refunds).
        while spent and spent[0][0] <= last_day(year, month):
            day, code, value, psc = spent.pop(0)
            available[code] -= value
            assert available[code] >= 0, (day, code, available[code])
            cash_estimate -= value - psc
            if psc:
                psc_pending.append((day, psc))
                psc_pending.sort(key=lambda item: item[0])
        for code, _, fund, _, _ in PROJECTS:
            if available[code] < Decimal("25000") or RNG.chance(250):
                continue
            budget = (available[code] * RNG.fraction("0.10", "0.22")).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            psc_rate = PROJECT_PSC[code]
            base = (budget / (1 + psc_rate)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
            programme_texts, grant_texts = EXPENSE_TEXT[code]
            parts = [("programme", base)]
            if base > Decimal("60000") and RNG.chance(450):
                programme, grant = split_cents(base)
                parts = [("programme", programme), ("grant", grant)]
            for category, amount in parts:
                day = datetime.date(year, month, RNG.between(2, 27))
                psc = (amount * psc_rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
                texts = grant_texts if category == "grant" else programme_texts
                event = {"date": day.isoformat(), "fund": fund, "currency": "USD", "amount": money(amount, "USD"),
                         "category": category, "project": code}
                event["memo"] = RNG.pick(texts) + " ({}, {})".format(code, day.strftime("%B %Y"))
                auto("EXP", "expense", day, **event)
                expense_count += 1
                available[code] -= amount + psc
                cash_estimate -= amount + psc
                psc_pending.append((day, psc))
                psc_pending.sort(key=lambda item: item[0])
        if month % 3 == 0:
            # The PSC account pays for the support services it funds, from what it had earned.
            if psc_available > Decimal("10000"):
                amount = (psc_available * RNG.fraction("0.70", "0.85")).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
                day = datetime.date(year, month, 27)
                auto("EXP", "expense", day, fund="PSC", date=day.isoformat(), currency="USD",
                     amount=money(amount, "USD"), category="programme", psc_rate="0",
                     memo="Programme support: finance, human resources and procurement services, "
                          "quarter {} of {}".format(month // 3, year))
                psc_available -= amount
            # The quarter's investment income of the cash pool, apportioned by the ledger.
            annual = Decimal(INTEREST_RATES[(year, month // 3)])
            amount = (cash_estimate * annual / 4).quantize(Decimal("1"), rounding=ROUND_DOWN)
            amount += Decimal(RNG.below(100)) / 100
            interest_total += amount
            day = last_day(year, month)
            add(day, {"type": "interest", "id": "INT-{}-Q{}".format(year, month // 3), "date": day.isoformat(),
                      "amount": money(amount, "USD"),
                      "memo": "Investment income of the cash pool, quarter {} of {}".format(month // 3, year)})
            note(day, "interest {} of {}: {}".format("Q" + str(month // 3), year, fmt_usd(amount)))
    return expense_count, interest_total


def conversions():
    """The treasury converts each month's foreign-currency receipts to USD on the 28th, at the
    month's operational rate (the rate of the receipts themselves: no exchange difference). Each
    receipt's cash is taken out with its donor, at the USD value it came in with, so that the cash
    of every donor and currency nets to zero in amount and in USD."""
    for (year, month, fund, currency), received in sorted(FOREIGN_CASH.items()):
        day = datetime.date(year, month, 28)
        postings = []
        total = Decimal(0)
        for donor, amount in received:
            cash = {"account": "1100", "fund": fund, "currency": currency, "amount": money(-amount, currency)}
            if donor:
                cash["donor"] = donor
            postings.append(cash)
            postings.append({"account": "1900", "fund": fund, "currency": currency, "amount": money(amount, currency)})
            total += usd(amount, currency, day)
        postings.append({"account": "1900", "fund": fund, "currency": "USD", "amount": money(-total, "USD")})
        postings.append({"account": "1100", "fund": fund, "currency": "USD", "amount": money(total, "USD")})
        auto("FXC", "entry", day, date=day.isoformat(),
             memo="Treasury: {} received in {} converted to USD at the operational rate {}".format(
                 currency, day.strftime("%B %Y"), RATES[currency][(year - 2021) * 12 + month - 1]),
             postings=postings)


# ---------------------------------------------------------------------------------------------
# Budgets (USD, no postings): each fund's budget for each year, approved in January, some revised
# at the mid-year review; and a few project budgets by category. The simulation decides what is
# spent, so each budget is set from what its year spends (expenses and partners' reports, with
# PSC, as the budget report counts them) times a factor, rounded to USD 10,000: a factor above 1
# leaves the budget underspent, below 1 overspent.

# (year, fund, project, category): (original factor, revised factor or None)
BUDGET_PLAN = {
    (2021, "CPCJF", None, None): ("1.10", None),
    (2021, "UNTOC", None, None): ("1.05", "0.96"),
    (2021, "UNCAC", None, None): ("1.20", None),
    (2021, "PSC", None, None): ("1.00", None),
    (2022, "CPCJF", None, None): ("0.95", "1.04"),
    (2022, "UNTOC", None, None): ("1.08", None),
    (2022, "UNCAC", None, None): ("0.90", "0.97"),
    (2022, "PSC", None, None): ("1.05", None),
    (2022, "UNTOC", "GLOX40", "programme"): ("1.15", None),
    (2023, "CPCJF", None, None): ("1.15", "1.06"),
    (2023, "UNTOC", None, None): ("1.02", "0.97"),
    (2023, "UNCAC", None, None): ("1.12", None),
    (2023, "PSC", None, None): ("0.98", None),
    (2023, "UNTOC", "GLOT59", "grant"): ("0.85", "1.10"),
    (2023, "CPCJF", "GLOZ80", "programme"): ("1.10", "0.92"),
    (2024, "CPCJF", None, None): ("1.08", None),
    (2024, "UNTOC", None, None): ("1.00", "1.06"),
    (2024, "UNCAC", None, None): ("1.10", "0.95"),
    (2024, "PSC", None, None): ("1.02", None),
    (2024, "UNCAC", "GLOZ82", "grant"): ("1.20", None),
    (2024, "UNTOC", "GLOT92", "programme"): ("0.90", "1.05"),
}


def spending_by_budget_line():
    """What each budget line spends in its year, in USD: {(year, fund, project, category): usd}."""
    advances = {id(event["id"]): event for _, _, _, event in EVENTS if event["type"] == "advance"}
    items = []  # (year, fund, project, category, usd)
    for _, _, _, event in EVENTS:
        if event["type"] == "expense":
            day, rate_ = d(event["date"]), event.get("psc_rate")
            psc_rate = Decimal(rate_) if rate_ is not None else PROJECT_PSC.get(event.get("project"), Decimal("0.13"))
            amount = Decimal(event["amount"])
            value = amount + quantize(amount * psc_rate, "USD")
            items.append((day.year, event["fund"], event.get("project"), event["category"], value))
        elif event["type"] == "partner_report":
            day, made = d(event["date"]), advances[id(event["advance"])]
            amount, currency = Decimal(event["amount"]), made["currency"]
            psc = quantize(amount * PROJECT_PSC[made["project"]], currency)
            value = usd(amount, currency, day) + usd(psc, currency, day)
            items.append((day.year, made["fund"], made["project"], "grant", value))
    totals = {}
    for key in BUDGET_PLAN:
        year, fund, project, category = key
        totals[key] = sum((value for y, f, p, c, value in items
                           if y == year and f == fund and project in (None, p) and category in (None, c)), Decimal(0))
    return totals


def budgets():
    def rounded(amount):
        return (amount / 10000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN) * 10000

    spent = spending_by_budget_line()
    for key, (original, revised) in BUDGET_PLAN.items():
        year, fund, project, category = key
        name = "BUD-{}-{}".format(year, project or fund) + ("-" + category.upper() if category else "")
        what = "{} {}".format(fund, year) + (", project {} ({})".format(project, category) if project else "")
        for factor, suffix, day, text in ((original, "", datetime.date(year, 1, 4), "Approved budget"),
                                           (revised, "-R1", datetime.date(year, 7, 1),
                                            "Revised budget (mid-year review)")):
            if factor is None:
                continue
            event = {"type": "budget", "id": name + suffix, "fund": fund, "year": str(year),
                     "amount": money(rounded(spent[key] * Decimal(factor)), "USD")}
            if project:
                event.update(project=project, category=category)
            event["memo"] = "{}: {}".format(text, what)
            add(day, event)


def period_closes():
    for year, month in MONTHS:
        if (year, month) > CLOSED_THROUGH:
            break
        add(last_day(year, month), {"type": "period_close", "period": "{}-{:02d}".format(year, month)})


# ---------------------------------------------------------------------------------------------

def master_data():
    MASTER.extend(FUNDS)
    MASTER.append({"type": "setting", "key": "psc_fund", "value": "PSC", "effective": "2021-01-01"})
    # The publisher of `fundledger export iati` (illustrative identifier).
    MASTER.append({"type": "setting", "key": "iati_org_ref", "value": "XM-EXAMPLE"})
    MASTER.append({"type": "setting", "key": "iati_org_name", "value": "United Nations Office on Drugs and Crime"})
    for code, name, category, country, _ in DONORS:
        donor = {"type": "donor", "code": code, "name": name, "category": category}
        if country:
            donor["country"] = country
        MASTER.append(donor)
    for code, name, fund, _, psc in PROJECTS:
        project = {"type": "project", "code": code, "name": name, "fund": fund}
        if psc:
            project["psc_rate"] = psc
        MASTER.append(project)
    for index, (year, month) in enumerate(MONTHS):
        for currency in RATES:
            MASTER.append({"type": "rate", "currency": currency, "effective": "{}-{:02d}-01".format(year, month),
                           "per_usd": RATES[currency][index]})


def assign_ids(ordered):
    counters = {}
    for event in ordered:
        value = event.get("id")
        if isinstance(value, AutoId):
            year = event["date"][:4]
            counters[(value.prefix, year)] = counters.get((value.prefix, year), 0) + 1
            value.value = "{}-{}-{:04d}".format(value.prefix, year, counters[(value.prefix, year)])


def render(event):
    def plain(value):
        if isinstance(value, AutoId):
            return str(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value
    return json.dumps(plain(event), ensure_ascii=False, separators=(",", ":"))


def main():
    master_data()
    unidentified, apply_unidentified, overpayment, wrong = contributions()
    partners()
    duplicate, correction = between_funds()
    expense_count, interest_total = spending()
    conversions()
    budgets()
    period_closes()
    ordered = [event for _, _, _, event in sorted(EVENTS, key=lambda item: item[:3])]
    assign_ids(ordered)
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as out:
        for event in MASTER + ordered:
            out.write(render(event) + "\n")
    if "--summary" in sys.argv[1:]:
        summary(ordered, unidentified, apply_unidentified, overpayment, wrong, interest_total, duplicate, correction)
    print("wrote {} events to {}".format(len(MASTER) + len(ordered), os.path.relpath(OUTPUT)), file=sys.stderr)


def summary(ordered, unidentified, apply_unidentified, overpayment, wrong, interest_total, duplicate, correction):
    counts = {}
    for event in MASTER + ordered:
        counts[event["type"]] = counts.get(event["type"], 0) + 1
    print("events by type:", ", ".join("{} {}".format(k, v) for k, v in sorted(counts.items())))
    entries = {}
    for event in ordered:
        if event["type"] == "entry":
            prefix = str(event["id"]).split("-")[0]
            entries[prefix] = entries.get(prefix, 0) + 1
    print("entries by prefix:", ", ".join("{} {}".format(k, v) for k, v in sorted(entries.items())))
    print("donors:", len(DONORS), " pledges:", len(PLEDGES),
          " currencies:", ", ".join(sorted({p["currency"] for p in PLEDGES.values()})))
    total = Decimal(0)
    for pid, info in PLEDGES.items():
        total += usd(info["amount"], info["currency"], info["signed"])
    print("pledged in all, at the signing rates:", fmt_usd(total))
    print("unidentified receipt:", unidentified["id"], unidentified["date"], "applied by", apply_unidentified["id"],
          apply_unidentified["date"])
    print("overpayment receipt:", overpayment["id"], overpayment["date"])
    print("wrong-fund receipt reversed:", wrong["id"], wrong["date"])
    print("interest in all:", fmt_usd(interest_total))
    print("expense recorded twice:", duplicate["id"], duplicate["date"], "corrected by", correction["id"],
          correction["date"])
    for event in ordered:
        if event["type"] in ("apply", "reduction", "refund", "transfer", "condition_met", "allowance", "write_off",
                             "reversal", "advance", "partner_report") or \
                (event["type"] == "entry" and str(event["id"]).startswith("JNL")):
            print(" ", render(event))
    for event in ordered:
        if event["type"] == "budget":
            print("  budget {} {} {}{}: USD {}".format(event["id"], event["fund"], event["year"],
                                                       " " + event["project"] if "project" in event else "",
                                                       event["amount"]))
    for day, text in sorted(STORY):
        print(" ", day, text)
    for year in range(2021, 2025):
        spent = {}
        for event in ordered:
            if event["type"] == "expense" and event["date"].startswith(str(year)):
                spent[event["fund"]] = spent.get(event["fund"], Decimal(0)) + Decimal(event["amount"])
        print("expenditure before PSC,", year, {k: str(v) for k, v in sorted(spent.items())})


if __name__ == "__main__":
    main()
