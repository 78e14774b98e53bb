#!/usr/bin/env python3
"""Writes a reproducible synthetic ledger for tools/bench: the same postings as a fundledger JSON Lines
journal and as a ledger-cli journal.

    bench-journal.py --entries 1000000 --seed 7 --jsonl OUT.jsonl --ledger OUT.ledger

About 2.3 postings per entry over 3 funds, 60 donors and 5 currencies (USD, EUR, GBP, JPY with no
minor unit, CHF), dated over twenty years, each entry balanced per fund and currency. Each
ledger-cli account names the account, fund and currency ("A1100:CPCJF:EUR") so that both tools
report one balance per (account, fund, currency).
"""
import argparse
import datetime
import random

FUNDS = ["CPCJF", "UNTOC", "UNCAC"]
CURRENCIES = [("USD", 2), ("EUR", 2), ("GBP", 2), ("JPY", 0), ("CHF", 2)]
RATES = {"EUR": 0.92, "GBP": 0.79, "JPY": 140.0, "CHF": 0.90}
# (debit account, credit account): contributions, spending, interest, interfund cash. A generic
# entry posts to no control account (1200, 1290, 1400, 2100, 2150, 2200, 2300): those belong to the
# contribution events.
PAIRS = [("1100", "4100"), ("1100", "4200"), ("5200", "1100"), ("5100", "1100"), ("1100", "4800"),
         ("1100", "2500"), ("1500", "4100"), ("5300", "1100"), ("1500", "1100")]


def amount_text(minor, units):
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    if units == 0:
        return f"{sign}{minor}"
    return f"{sign}{minor // 10 ** units}.{minor % 10 ** units:0{units}d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jsonl", required=True)
    parser.add_argument("--ledger", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = datetime.date(2005, 1, 1)
    days = (datetime.date(2024, 12, 31) - start).days
    with open(args.jsonl, "w") as jsonl, open(args.ledger, "w") as ledger:
        for fund in FUNDS:
            jsonl.write(f'{{"type":"fund","code":"{fund}","name":"Fund {fund}","kind":"general"}}\n')
        for donor in range(60):
            jsonl.write(f'{{"type":"donor","code":"D{donor:02d}","name":"Donor {donor}","category":"government"}}\n')
        # Monthly rates over the whole span, drifting a little around their level.
        for code, level in RATES.items():
            month = datetime.date(2005, 1, 1)
            while month <= datetime.date(2024, 12, 1):
                rate = level * (1 + rng.uniform(-0.08, 0.08))
                text = f"{rate:.4f}" if code != "JPY" else f"{rate:.2f}"
                jsonl.write(f'{{"type":"rate","currency":"{code}","effective":"{month.isoformat()}","per_usd":"{text}"}}\n')
                month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        ordinals = sorted(rng.randrange(days + 1) for _ in range(args.entries))
        for number, ordinal in enumerate(ordinals):
            date = start + datetime.timedelta(days=ordinal)
            fund = FUNDS[rng.randrange(3)]
            code, units = CURRENCIES[rng.randrange(5)]
            debit, credit = PAIRS[rng.randrange(len(PAIRS))]
            donor = f"D{rng.randrange(60):02d}"
            scale = rng.choice((100, 10_000, 1_000_000, 100_000_000))
            minor = rng.randrange(1, scale)
            if units == 0:
                minor = max(1, minor // 100)
            lines = [(debit, minor, donor), (credit, -minor, donor)]
            if rng.random() < 0.3:
                # A third posting: the credit split in two.
                part = minor // 3 or 1
                if part < minor:
                    lines = [(debit, minor, donor), (credit, -(minor - part), donor), ("4800", -part, donor)]
            entry_id = f"B{number:07d}"
            postings = ",".join(
                f'{{"account":"{account}","fund":"{fund}","currency":"{code}","amount":"{amount_text(value, units)}","donor":"{who}"}}'
                for account, value, who in lines)
            jsonl.write(f'{{"type":"entry","id":"{entry_id}","date":"{date.isoformat()}","postings":[{postings}]}}\n')
            ledger.write(f"{date.strftime('%Y/%m/%d')} * {entry_id}\n")
            for account, value, _ in lines:
                ledger.write(f"    A{account}:{fund}:{code}    {amount_text(value, units)} {code}\n")
            ledger.write("\n")


if __name__ == "__main__":
    main()
