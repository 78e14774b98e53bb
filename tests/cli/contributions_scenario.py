#!/usr/bin/env python3
"""Contributions over three years and six currencies: every figure agrees with an independent model.

A ledger for the CPCJF (general), its UNTOC and UNCAC funding mechanisms (special, parent CPCJF) and
a PSC fund is built from monthly UN operational rates over 2022-2024 for EUR, GBP, NOK (2 minor
units), JPY (0) and KWD (3), then a JSON Lines import of contribution events: single and multi-year
pledges with instalments, partial payments, overpayments (one in JPY, one in EUR), cross-currency
receipts (USD for a GBP pledge; EUR for a NOK pledge, paying it over), an unidentified receipt later
applied, an advance applied in two parts, an excess applied to revenue, reductions in the signing
year and in a later year, a pledge reduced to nothing (cancelled), a pledge reversed, an allowance
and a write-off, expenditure with PSC (the psc_fund setting, a project's rate, an event's rate, a
half-even tie, 0 and 3 minor units), interest, transfers, refunds and the reversal of an
unidentified receipt; then more events through the subcommands (`fundledger pledge ID ...
--installments DUE:AMOUNT`, `receipt`, `expense`, `transfer`, `refund --paid`, `reduction`,
`interest`).

An independent model in Python (exact integers and fractions, ledger/README.md's rules: each posting
converted amount / per_usd at the latest rate on or before its date, half-even to cents; carrying USD
relieved in proportion, half-even, the settlement that leaves nothing outstanding taking all that
remains; the FX difference to 4700; a cross-currency settlement worth the receipt's USD at the
pledge currency's rate, through 1900; PSC = amount x rate, half-even at the currency's minor units;
interest apportioned by the funds' USD cash of the day before, largest remainder) gives the expected
postings. The checks:

  - some postings worked by hand (the cross-currency settlement, PSC ties and minor units, the
    overpayments held in 2100, the interest apportionment);
  - every pledge: pledged - received - reduced - written_off = outstanding, each figure and the
    status as expected, in `pledges --format csv` and `pledge show ID --format json` (with its
    instalments, paid oldest first and reduced latest first);
  - the 1200 balance of every pledge (`balances --group-by account,pledge,currency` and, in USD,
    `--group-by account,pledge`) equals its outstanding and its carrying USD; a fully paid pledge
    shows exactly 0 in both;
  - every fund balances to 0 in USD (`--group-by fund`) and per currency (`--group-by fund,currency`),
    and 1900's USD balance is 0 in every fund;
  - the balances by account,fund,currency and by account,fund (USD) equal the model's exactly (on a
    difference, the first events whose postings differ are printed);
  - events the ledger must refuse (beyond what is outstanding, held, allowed or in cash; a cancelled
    pledge; the reversal of an applied receipt) exit 65; importing the scenario again records
    nothing; neither changes the export;
  - `verify` passes; export, replay, export is byte-identical, with the same head hash.

Usage: python3 contributions_scenario.py --fundledger PATH [--keep DIR]
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import bisect
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contribution_model import *  # noqa: E402,F401,F403 - the shared model and helpers
import stores


def command_of(event):
    """The subcommand that records event: `fundledger pledge ID --donor ... --installments DUE:AMOUNT`."""
    names = {"condition_met": "condition-met", "write_off": "write-off"}
    args = [names.get(event["type"], event["type"]), event["id"]]
    for field, value in event.items():
        if field in ("type", "id"):
            continue
        option = "--" + field.replace("_", "-")
        if field == "installments":
            for i in value:
                args += [option, f"{i['due']}:{i['amount']}"]
        elif value is True:
            args.append(option)
        else:
            args += [option, str(value)]
    return args


# ---- the scenario -----------------------------------------------------------------------------

def monthly_rates():
    """UN operational rates, units per USD, on the 1st of every month of 2022-2024 (deterministic)."""
    base = {"EUR": ("0.8800", "0.0047", 37, 23), "GBP": ("0.7300", "0.0071", 29, 19),
            "NOK": ("8.5000", "0.1537", 31, 17), "JPY": ("110.00", "1.73", 13, 29),
            "KWD": ("0.30200", "0.00071", 11, 7)}
    events = []
    for k in range(36):
        date = f"{2022 + k // 12}-{k % 12 + 1:02d}-01"
        for currency, (start, step, mult, mod) in base.items():
            per_usd = Decimal(start) + Decimal((k * mult) % mod) * Decimal(step)
            events.append({"type": "rate", "currency": currency, "effective": date, "per_usd": str(per_usd)})
    return events


def pledge(id_, donor, fund, purpose, currency, amount, signed, installments=None, **extra):
    event = {"type": "pledge", "id": id_, "donor": donor, "fund": fund, "purpose": purpose, "currency": currency,
             "amount": amount, "signed": signed}
    if installments:
        event["installments"] = [{"due": d, "amount": a} for d, a in installments]
    event.update(extra)
    return event


def receipt(id_, date, fund, currency, amount, **extra):
    event = {"type": "receipt", "id": id_, "date": date, "fund": fund, "currency": currency, "amount": amount}
    event.update(extra)
    return event


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
    {"type": "project", "code": "GLOT59", "name": "Smuggling of migrants", "fund": "UNTOC"},
    {"type": "project", "code": "GLOU68", "name": "Anti-corruption", "fund": "UNCAC", "psc_rate": "0.08"},
    {"type": "setting", "key": "psc_fund", "value": "PSC"},
]

IMPORTED = [
    # 2022
    pledge("DEU-2022-01", "DEU", "CPCJF", "general", "EUR", "3000000.00", "2022-02-15",
           [("2022-03-01", "1000000.00"), ("2023-03-01", "1000000.00"), ("2024-03-01", "1000000.00")],
           reference="DE-BMZ-2022-117"),
    receipt("BNK-2022-0001", "2022-03-10", "CPCJF", "EUR", "1000000.00", pledge="DEU-2022-01"),
    pledge("JPN-2022-01", "JPN", "UNCAC", "special", "JPY", "250000000", "2022-04-01",
           [("2022-06-30", "100000000"), ("2023-06-30", "150000000")], project="GLOU68"),
    receipt("BNK-2022-0002", "2022-07-15", "UNCAC", "JPY", "100000000", pledge="JPN-2022-01"),
    pledge("NOR-2022-01", "NOR", "CPCJF", "general", "NOK", "5000000.00", "2022-09-01"),
    receipt("BNK-2022-0003", "2022-10-03", "CPCJF", "NOK", "2000000.00", pledge="NOR-2022-01", donor="NOR"),
    {"type": "expense", "id": "EXP-2022-0001", "fund": "CPCJF", "date": "2022-11-15", "currency": "EUR",
     "amount": "250000.00", "category": "programme"},
    {"type": "reduction", "id": "RED-2022-01", "pledge": "NOR-2022-01", "date": "2022-12-15", "amount": "500000.00",
     "reason": "Budget cut in the signing year"},
    {"type": "interest", "id": "INT-2022-12", "date": "2022-12-31", "amount": "23456.78"},
    # 2023
    pledge("GBR-2023-01", "GBR", "UNTOC", "special", "GBP", "750000.00", "2023-01-20",
           [("2023-02-01", "250000.00"), ("2024-02-01", "250000.00"), ("2025-02-01", "250000.00")],
           project="GLOT59"),
    receipt("BNK-2023-0001", "2023-01-23", "CPCJF", "NOK", "2500000.00", memo="No reference: unidentified"),
    receipt("BNK-2023-0002", "2023-02-10", "UNTOC", "GBP", "250000.00", pledge="GBR-2023-01"),
    {"type": "apply", "id": "APP-2023-0001", "date": "2023-02-14", "receipt": "BNK-2023-0001",
     "pledge": "NOR-2022-01", "donor": "NOR"},
    receipt("BNK-2023-0003", "2023-03-20", "CPCJF", "EUR", "600000.00", pledge="DEU-2022-01"),
    pledge("DEU-2023-02", "DEU", "UNTOC", "general", "EUR", "10000.00", "2023-04-03"),
    receipt("BNK-2023-0010", "2023-04-20", "UNTOC", "EUR", "10046.90", pledge="DEU-2023-02"),
    pledge("KWT-2023-01", "KWT", "UNCAC", "special", "KWD", "150000.000", "2023-05-01",
           [("2023-06-01", "75000.000"), ("2024-06-01", "75000.000")]),
    receipt("BNK-2023-0004", "2023-06-12", "UNCAC", "KWD", "75000.000", pledge="KWT-2023-01"),
    receipt("BNK-2023-0005", "2023-06-15", "CPCJF", "EUR", "400000.00", pledge="DEU-2022-01"),
    receipt("BNK-2023-0006", "2023-07-20", "UNCAC", "JPY", "150000123", pledge="JPN-2022-01"),
    {"type": "expense", "id": "EXP-2023-0001", "fund": "UNCAC", "date": "2023-08-01", "currency": "JPY",
     "amount": "12345678", "category": "programme", "project": "GLOU68"},
    receipt("BNK-2023-0007", "2023-09-01", "UNTOC", "EUR", "200000.00", donor="DEU"),
    {"type": "expense", "id": "EXP-2023-0002", "fund": "UNTOC", "date": "2023-10-02", "currency": "GBP",
     "amount": "100050.50", "category": "grant"},
    {"type": "apply", "id": "APP-2023-0002", "date": "2023-11-15", "receipt": "BNK-2023-0006"},
    {"type": "interest", "id": "INT-2023-12", "date": "2023-12-31", "amount": "45678.91"},
    # 2024
    pledge("USA-2024-01", "USA", "CPCJF", "special", "USD", "2000000.00", "2024-01-10"),
    pledge("DEU-2024-02", "DEU", "UNTOC", "special", "EUR", "500000.00", "2024-01-15"),
    {"type": "apply", "id": "APP-2024-0001", "date": "2024-01-20", "receipt": "BNK-2023-0007",
     "pledge": "DEU-2024-02", "amount": "150000.00"},
    receipt("BNK-2024-0001", "2024-02-01", "CPCJF", "USD", "1200000.00", pledge="USA-2024-01"),
    receipt("BNK-2024-0002", "2024-02-15", "UNTOC", "USD", "317000.00", pledge="GBR-2023-01"),
    {"type": "apply", "id": "APP-2024-0002", "date": "2024-03-01", "receipt": "BNK-2023-0007",
     "pledge": "DEU-2024-02"},
    receipt("BNK-2024-0003", "2024-03-05", "CPCJF", "EUR", "1000000.00", pledge="DEU-2022-01"),
    {"type": "reduction", "id": "RED-2024-01", "pledge": "GBR-2023-01", "date": "2024-05-10", "amount": "250000.00",
     "reason": "The 2025 instalment is cancelled"},
    receipt("BNK-2024-0004", "2024-06-20", "UNCAC", "KWD", "45123.456", pledge="KWT-2023-01"),
    {"type": "interest", "id": "INT-2024-06", "date": "2024-06-30", "amount": "12345.67"},
    {"type": "transfer", "id": "TRF-2024-01", "date": "2024-07-01", "from_fund": "CPCJF", "to_fund": "UNTOC",
     "currency": "EUR", "amount": "100000.00"},
    {"type": "expense", "id": "EXP-2024-0001", "fund": "UNCAC", "date": "2024-07-15", "currency": "KWD",
     "amount": "12345.678", "category": "programme"},
    {"type": "refund", "id": "REF-2024-01", "donor": "GBR", "fund": "UNTOC", "date": "2024-08-01", "currency": "GBP",
     "amount": "10000.00", "pledge": "GBR-2023-01", "paid": True},
    pledge("NOR-2024-01", "NOR", "UNCAC", "general", "NOK", "1000000.00", "2024-08-15"),
    receipt("BNK-2024-0005", "2024-09-02", "UNCAC", "EUR", "100000.00", pledge="NOR-2024-01"),
    receipt("BNK-2024-0006", "2024-09-05", "CPCJF", "USD", "999.99"),
    {"type": "reversal", "id": "REV-2024-01", "reverses": "BNK-2024-0006", "date": "2024-09-06",
     "memo": "Returned by the bank"},
    {"type": "expense", "id": "EXP-2024-0002", "fund": "CPCJF", "date": "2024-09-10", "currency": "USD",
     "amount": "500000.00", "category": "grant", "psc_rate": "0.07"},
    pledge("KWT-2024-01", "KWT", "UNTOC", "special", "KWD", "10000.000", "2024-09-20"),
    pledge("JPN-2024-99", "JPN", "CPCJF", "general", "JPY", "7777777", "2024-09-21", memo="Recorded in error"),
    {"type": "reversal", "id": "REV-2024-02", "reverses": "JPN-2024-99", "date": "2024-09-22",
     "memo": "A pledge recorded in error"},
    {"type": "reduction", "id": "RED-2024-02", "pledge": "KWT-2024-01", "date": "2024-09-25", "amount": "10000.000",
     "reason": "Cancelled before any payment"},
    {"type": "allowance", "id": "ALW-2024-01", "pledge": "KWT-2023-01", "date": "2024-09-30", "amount": "10000.000"},
    {"type": "write_off", "id": "WO-2024-01", "pledge": "KWT-2023-01", "date": "2024-10-01", "amount": "5000.000"},
]

# Recorded one by one through the subcommands, after the import.
BY_COMMAND = [
    pledge("GBR-2024-02", "GBR", "CPCJF", "general", "GBP", "120000.00", "2024-10-01",
           [("2024-10-15", "60000.00"), ("2025-10-15", "60000.00")]),
    receipt("BNK-2024-0101", "2024-10-16", "CPCJF", "GBP", "60000.00", pledge="GBR-2024-02"),
    receipt("BNK-2024-0102", "2024-11-04", "CPCJF", "EUR", "30000.00", pledge="GBR-2024-02"),
    receipt("BNK-2024-0103", "2024-11-20", "UNCAC", "KWD", "24876.544", pledge="KWT-2023-01"),
    {"type": "expense", "id": "EXP-2024-0101", "fund": "UNTOC", "date": "2024-12-02", "currency": "EUR",
     "amount": "80000.00", "category": "grant", "project": "GLOT59"},
    {"type": "transfer", "id": "TRF-2024-0101", "date": "2024-12-10", "from_fund": "UNCAC", "to_fund": "CPCJF",
     "currency": "JPY", "amount": "5000000"},
    # UNCAC holds no NOK: the treasury pays the refund before it buys the NOK, an overdraft it allows.
    {"type": "refund", "id": "REF-2024-0101", "donor": "NOR", "fund": "UNCAC", "date": "2024-12-15",
     "currency": "NOK", "amount": "50000.00", "paid": True, "allow_overdraft": True},
    {"type": "reduction", "id": "RED-2024-0101", "pledge": "USA-2024-01", "date": "2024-12-20",
     "amount": "300000.00"},
    {"type": "interest", "id": "INT-2024-12", "date": "2024-12-31", "amount": "9876.54"},
]

FULLY_PAID = ["DEU-2023-02", "DEU-2022-01", "JPN-2022-01", "NOR-2022-01", "KWT-2023-01", "NOR-2024-01"]
EXPECTED_STATUS = {"DEU-2023-02": "paid", "DEU-2022-01": "paid", "JPN-2022-01": "paid", "NOR-2022-01": "reduced",
                   "KWT-2023-01": "reduced", "NOR-2024-01": "paid", "DEU-2024-02": "open", "KWT-2024-01": "cancelled",
                   "GBR-2023-01": "open", "USA-2024-01": "open", "GBR-2024-02": "open", "JPN-2024-99": "cancelled"}


def body(checks, fundledger, work):
    def fl(*args):
        return run(fundledger, ["--db", "scenario.db"] + list(args), work)

    model = Model(MINOR_UNITS)
    rates = monthly_rates()
    file_events = MASTER + rates + IMPORTED
    for event in file_events:
        model.record(event)

    result = fl("init")
    checks.check("init exits 0", result.returncode == 0, described(result))
    with open(os.path.join(work, "scenario.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        out.write("".join(event_line(e) + "\n" for e in file_events))
    result = fl("import", "scenario.jsonl")
    n = len(file_events)
    checks.check(f"import of the scenario ({n} events: master data, {len(rates)} rates, {len(IMPORTED)} contribution "
                 f"events) exits 0: '{n} recorded'",
                 result.returncode == 0 and f"{n} recorded, 0 already recorded" in text(result.stderr),
                 described(result))
    for event in BY_COMMAND:
        model.record(event)
        args = command_of(event)
        result = fl(*args)
        checks.check(f"fundledger {' '.join(args[:2])} ... exits 0 and says 'recorded {event['type']} {event['id']}'",
                     result.returncode == 0 and f"recorded {event['type']} {event['id']}" in text(result.stderr),
                     f"{' '.join(args)}\n{described(result)}")

    # ---- a few postings worked by hand, so that the model itself is checked -------------------------
    def usd_of(currency, amount, date):
        return fmt(model.usd(to_minor(amount, MINOR_UNITS[currency]), currency, date), 2)

    exported = fl("export")
    events_by_id = {}
    for raw in text(exported.stdout).splitlines():
        event = json.loads(raw)
        if "id" in event:
            events_by_id[event["id"]] = event

    def posted(id_, account, currency=None):
        return [(p["amount"], p["functional_amount"]) for p in events_by_id.get(id_, {}).get("postings", [])
                if p["account"] == account and (currency is None or p["currency"] == currency)]

    gbp_feb = model.rate("GBP", "2024-02-15")
    settled_gbp = round_half_even(Fraction(31700000, 100) * gbp_feb * 100)
    checks.check(f"BNK-2024-0002: 317000.00 USD settles 317000.00 x {model.rate_text('GBP', '2024-02-15')} "
                 f"= {fmt(settled_gbp, 2)} GBP of GBR-2023-01 (1900: -317000.00 USD / +{fmt(settled_gbp, 2)} GBP at "
                 "317000.00 USD each)",
                 posted("BNK-2024-0002", "1900") == [("-317000.00", "-317000.00"), (fmt(settled_gbp, 2), "317000.00")]
                 and [a for a, _ in posted("BNK-2024-0002", "1200")] == [fmt(-settled_gbp, 2)],
                 posted("BNK-2024-0002", "1900") + posted("BNK-2024-0002", "1200"))
    checks.check("EXP-2023-0002: PSC on 100050.50 GBP at 13% is 13006.565, half-even 13006.56 (5300, and 4300 in PSC)",
                 [a for a, _ in posted("EXP-2023-0002", "5300")] == ["13006.56"]
                 and [a for a, _ in posted("EXP-2023-0002", "4300")] == ["-13006.56"],
                 posted("EXP-2023-0002", "5300") + posted("EXP-2023-0002", "4300"))
    checks.check("EXP-2024-0001: PSC on 12345.678 KWD at 13% is 1604.93814, 1604.938 at 3 minor units",
                 [a for a, _ in posted("EXP-2024-0001", "5300")] == ["1604.938"], posted("EXP-2024-0001", "5300"))
    checks.check("EXP-2023-0001: PSC on 12345678 JPY at the project's 8% is 987654.24, 987654 at 0 minor units",
                 [a for a, _ in posted("EXP-2023-0001", "5300")] == ["987654"], posted("EXP-2023-0001", "5300"))
    checks.check("EXP-2024-0002: PSC at the event's 7% on 500000.00 USD is 35000.00",
                 [a for a, _ in posted("EXP-2024-0002", "5300")] == ["35000.00"], posted("EXP-2024-0002", "5300"))
    checks.check(f"BNK-2023-0006: the 123 JPY paid over JPN-2022-01 is held in 2100 at 123 / "
                 f"{model.rate_text('JPY', '2023-07-20')} = {usd_of('JPY', '123', '2023-07-20')} USD",
                 posted("BNK-2023-0006", "2100") == [("-123", "-" + usd_of("JPY", "123", "2023-07-20"))],
                 posted("BNK-2023-0006", "2100"))
    checks.check("BNK-2023-0010: 10046.90 EUR against 10000.00 EUR outstanding (carried at 10000.00 / 0.8941 = "
                 "11184.43 USD): 1100 at 10046.90 / 0.8941 = 11236.89 USD; 1200 -10000.00 EUR at -11184.43 USD; the "
                 "46.90 EUR paid over held in 2100 at 46.90 / 0.8941 = 52.45 USD (52.4549...); the receivable "
                 "is relieved at what it is worth today (no exchange difference, 4700 takes nothing), and the "
                 "rounding of the three postings leaves 11236.89 - 11184.43 - 52.45 = 0.01 USD to 5900",
                 posted("BNK-2023-0010", "1100") == [("10046.90", "11236.89")]
                 and posted("BNK-2023-0010", "1200") == [("-10000.00", "-11184.43")]
                 and posted("BNK-2023-0010", "2100") == [("-46.90", "-52.45")]
                 and posted("BNK-2023-0010", "4700") == []
                 and [u for _, u in posted("BNK-2023-0010", "5900")] == ["-0.01"],
                 [(a, posted("BNK-2023-0010", a)) for a in ("1100", "1200", "2100", "4700", "5900")])
    eur_usd = model.usd(10000000, "EUR", "2024-09-02")
    nok = round_half_even(Fraction(eur_usd, 100) * model.rate("NOK", "2024-09-02") * 100)
    excess = nok - 100000000
    checks.check(f"BNK-2024-0005: 100000.00 EUR = {fmt(eur_usd, 2)} USD = {fmt(nok, 2)} NOK against 1000000.00 NOK "
                 f"outstanding: {fmt(excess, 2)} NOK held in 2100 at {fmt(model.usd(excess, 'NOK', '2024-09-02'), 2)} USD",
                 posted("BNK-2024-0005", "2100") == [(fmt(-excess, 2), fmt(-model.usd(excess, "NOK", "2024-09-02"), 2))],
                 posted("BNK-2024-0005", "2100"))
    parts = model.interest_parts({"id": "INT-2024-12", "date": "2024-12-31", "amount": "9876.54"})
    checks.check("INT-2024-12: 9876.54 USD apportioned by the funds' USD cash on 2024-12-30: "
                 + ", ".join(f"{f} {fmt(p, 2)}" for f, p in parts),
                 posted("INT-2024-12", "4800") == [(fmt(-p, 2), fmt(-p, 2)) for _, p in parts if p],
                 posted("INT-2024-12", "4800"))

    # ---- pledges -----------------------------------------------------------------------------------
    result = fl("pledges", "--format", "csv")
    checks.check("pledges --format csv exits 0", result.returncode == 0, described(result))
    listed = {row["pledge"]: row for row in csv_rows(result)}
    checks.check(f"pledges lists the {len(model.pledges)} pledges", sorted(listed) == sorted(model.pledges),
                 sorted(listed))
    by_pledge_currency = balances_csv(fl, ["account", "pledge", "currency"])
    by_pledge_usd = balances_csv(fl, ["account", "pledge"])
    fields = ["pledged", "received", "reduced", "written_off", "outstanding", "receivable", "carrying_usd"]
    for pledge_id in sorted(model.pledges):
        p = model.pledges[pledge_id]
        units = MINOR_UNITS[p["currency"]]
        expected = model.pledge_figures(pledge_id)
        row = listed.get(pledge_id, {})
        got = {f: row.get(f) for f in fields}
        identity = None
        try:
            identity = (to_minor(row["pledged"], units) - to_minor(row["received"], units) - to_minor(row["reduced"], units)
                        - to_minor(row["written_off"], units)) == to_minor(row["outstanding"], units)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            identity = False
        checks.check(f"{pledge_id} (pledges csv): pledged {expected['pledged']} - received {expected['received']} - "
                     f"reduced {expected['reduced']} - written off {expected['written_off']} = outstanding "
                     f"{expected['outstanding']} {p['currency']}, receivable {expected['receivable']}, carried at "
                     f"{expected['carrying_usd']} USD",
                     identity and got == expected, f"expected {expected}\nthe program: {got}")
        if pledge_id in EXPECTED_STATUS:
            checks.check(f"{pledge_id}: status {EXPECTED_STATUS[pledge_id]}",
                         row.get("status") == EXPECTED_STATUS[pledge_id], row.get("status"))
        shown = fl("pledge", "show", pledge_id, "--format", "json")
        try:
            data = json.loads(text(shown.stdout))
        except ValueError:
            data = {}
        got = {f: data.get(f) for f in fields}
        checks.check(f"{pledge_id} (pledge show --format json): the same figures",
                     shown.returncode == 0 and got == expected,
                     f"expected {expected}\nthe program: {got}\n{described(shown)}")
        instalments = [{k: i.get(k) for k in ("due", "amount", "paid", "reduced", "outstanding")}
                       for i in data.get("installments", [])]
        expected_instalments = model.installment_figures(pledge_id)
        checks.check(f"{pledge_id}: instalments paid oldest first, reduced latest first: "
                     + "; ".join(f"{i['due']} {i['paid']}/{i['reduced']}/{i['outstanding']}" for i in expected_instalments),
                     instalments == expected_instalments, f"expected {expected_instalments}\nthe program: {instalments}")
        in_currency = by_pledge_currency.get(("1200", pledge_id, p["currency"]), {}).get("balance")
        in_usd = by_pledge_usd.get(("1200", pledge_id), {}).get("balance")
        zero_c, zero_u = fmt(0, units), fmt(0, 2)
        checks.check(f"{pledge_id}: 1200 by pledge is {expected['outstanding']} {p['currency']} (the outstanding) and "
                     f"{expected['carrying_usd']} USD (the carrying USD)",
                     (in_currency or zero_c) == expected["outstanding"] == expected["receivable"]
                     and (in_usd or zero_u) == expected["carrying_usd"] == row.get("carrying_usd"),
                     f"1200 {in_currency} {p['currency']}, {in_usd} USD; pledges csv carrying {row.get('carrying_usd')}")
        if pledge_id in FULLY_PAID:
            checks.check(f"{pledge_id} is fully paid: 1200 shows exactly {zero_c} {p['currency']} and 0.00 USD "
                         "(no cent stranded)", in_currency == zero_c and in_usd == zero_u,
                         f"1200: {in_currency} {p['currency']}, {in_usd} USD")

    # ---- funds balance, 1900 nets to zero ----------------------------------------------------------
    by_fund = balances_csv(fl, ["fund"])
    checks.check("every fund balances to 0.00 USD (balances --group-by fund)",
                 len(by_fund) == 4 and all(r["balance"] == "0.00" and r["debit"] == r["credit"] for r in by_fund.values()),
                 list(by_fund.values()))
    by_fund_currency = balances_csv(fl, ["fund", "currency"])
    unbalanced = [r for r in by_fund_currency.values() if r["debit"] != r["credit"]]
    checks.check(f"every fund balances in every currency (balances --group-by fund,currency: {len(by_fund_currency)} rows, "
                 "debit == credit)", by_fund_currency and not unbalanced, unbalanced)
    by_account_fund = balances_csv(fl, ["account", "fund"])
    trading = {k[1]: r["balance"] for k, r in by_account_fund.items() if k[0] == "1900"}
    checks.check("1900 (currency exchange) is 0.00 USD in every fund that used it: "
                 + ", ".join(f"{f} {b}" for f, b in sorted(trading.items())),
                 set(trading) == {"UNTOC", "UNCAC", "CPCJF"} and all(b == "0.00" for b in trading.values()), trading)

    # ---- every balance, exactly --------------------------------------------------------------------
    failed = False
    for keys, by_currency, label in [(["account", "fund", "currency"], True, "in each currency"),
                                     (["account", "fund"], False, "in USD")]:
        differences, count = compare_grouped(model, fl, keys, by_currency)
        failed |= not checks.check(f"balances by {','.join(keys)} ({count} rows) equal the model's {label}",
                                   not differences, "\n".join(differences))
    if failed:
        by_id = {e["id"]: e for e in file_events + BY_COMMAND if "id" in e}
        for found in posting_differences(model, text(fl("export").stdout), by_id):
            print("     " + found.replace("\n", "\n     "))

    # ---- what the ledger must refuse, writing nothing -----------------------------------------------
    before = fl("export").stdout
    refused = [
        ("a reduction of 11837.91 GBP, one penny more than GBR-2023-01 has outstanding",
         {"type": "reduction", "id": "BAD-RED", "pledge": "GBR-2023-01", "date": "2024-12-30", "amount": "11837.91"}),
        ("a receipt against KWT-2024-01, cancelled by a reduction to nothing",
         receipt("BAD-RCP", "2024-12-30", "UNTOC", "KWD", "1.000", pledge="KWT-2024-01")),
        ("an expense of 5000000.00 USD from UNTOC, more than its cash",
         {"type": "expense", "id": "BAD-EXP", "fund": "UNTOC", "date": "2024-12-30", "currency": "USD",
          "amount": "5000000.00", "category": "programme"}),
        ("a transfer of 50000000.00 USD from PSC, more than its cash",
         {"type": "transfer", "id": "BAD-TRF", "date": "2024-12-30", "from_fund": "PSC", "to_fund": "CPCJF",
          "currency": "USD", "amount": "50000000.00"}),
        ("applying 11291.24 NOK of BNK-2024-0005, which holds 11291.23 NOK",
         {"type": "apply", "id": "BAD-APP", "date": "2024-12-30", "receipt": "BNK-2024-0005", "amount": "11291.24"}),
        ("a write-off of 0.001 KWD of KWT-2023-01, which has nothing outstanding",
         {"type": "write_off", "id": "BAD-WOF", "pledge": "KWT-2023-01", "date": "2024-12-30", "amount": "0.001"}),
        ("a reversal of BNK-2023-0001, whose money was applied to NOR-2022-01",
         {"type": "reversal", "id": "BAD-REV", "reverses": "BNK-2023-0001", "date": "2024-12-30"}),
        ("an allowance of 11837.91 GBP on GBR-2023-01, more than it has outstanding",
         {"type": "allowance", "id": "BAD-ALW", "pledge": "GBR-2023-01", "date": "2024-12-30", "amount": "11837.91"}),
    ]
    for label, event in refused:
        with open(os.path.join(work, "refused.jsonl"), "w", encoding="utf-8", newline="\n") as out:
            out.write(event_line(event) + "\n")
        result = fl("import", "refused.jsonl")
        checks.check(f"refused: {label} (exit 65, the message names refused.jsonl:1)",
                     result.returncode == 65 and "refused.jsonl:1" in text(result.stderr), described(result))
    result = fl("import", "scenario.jsonl")
    checks.check(f"importing the scenario again records nothing: '0 recorded, {n} already recorded'",
                 result.returncode == 0 and f"0 recorded, {n} already recorded" in text(result.stderr),
                 described(result))
    checks.check("the refusals and the repeated import left the export byte-identical", fl("export").stdout == before)

    # ---- verify, export, replay, export ------------------------------------------------------------
    verified = fl("verify")
    checks.check("verify exits 0", verified.returncode == 0 and text(verified.stdout).startswith("verify: ok"),
                 described(verified))
    result = fl("export", "--out", "export-a.jsonl")
    checks.check("export --out exits 0", result.returncode == 0, described(result))
    result = run(fundledger, ["replay", "export-a.jsonl", "--db", "replayed.db"], work)
    checks.check("replay of the export into a new ledger exits 0", result.returncode == 0, described(result))
    result = run(fundledger, ["--db", "replayed.db", "export", "--out", "export-b.jsonl"], work)
    with open(os.path.join(work, "export-a.jsonl"), "rb") as a, open(os.path.join(work, "export-b.jsonl"), "rb") as b:
        export_a, export_b = a.read(), b.read()
    checks.check(f"export, replay, export is byte-identical ({len(export_a)} bytes)",
                 result.returncode == 0 and export_a == export_b and len(export_a) > 0,
                 f"{len(export_a)} vs {len(export_b)} bytes")
    replayed = run(fundledger, ["--db", "replayed.db", "verify"], work)
    head = lambda r: text(r.stdout).strip().rsplit(" ", 1)[-1]  # noqa: E731
    checks.check(f"verify of the replayed ledger exits 0 with the same head ({head(verified)[:12]}...)",
                 replayed.returncode == 0 and head(replayed) == head(verified) and len(head(verified)) == 64,
                 f"{described(verified)}\n{described(replayed)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--keep", help="work in this directory (created) and keep it, instead of a temporary one")
    stores.add_argument(parser)
    args = parser.parse_args()
    stores.use(args.store, "contributions_scenario")
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        if args.keep:
            os.makedirs(args.keep, exist_ok=False)
            body(checks, fundledger, os.path.abspath(args.keep))
        else:
            with tempfile.TemporaryDirectory(prefix="fundledger-contributions-") as work:
                body(checks, fundledger, work)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        import traceback
        traceback.print_exc()
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
