#!/usr/bin/env python3
"""Export, replay, export is byte-identical; import is all-or-nothing and idempotent.

A ledger is built with every kind of event fundledger supports today (currencies with 0 and 3 minor
units, an account, funds with a parent, donors, a project, rates, settings with and without an
effective date, entries including one that leaves a rounding residual), partly through the
command line's own commands and partly by import. Its export is replayed into a new ledger whose
export must be the same bytes; both verify. Then the import's contract: a bad 5th line writes
nothing and names file and line, an id re-used with another body is refused, the identical event is
a no-op, export-only fields and JSON numbers are refused, a missing file and a file that is not a
ledger get their exit status, and CRLF line ends and a UTF-8 byte-order mark are accepted.

Usage: python3 round_trip.py --fundledger PATH
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks, INIT_EVENTS  # noqa: E402 - shared by the CLI tests
import stores



def run(fundledger, args, cwd, timeout=60):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    return subprocess.run([fundledger] + stores.current.rewrite(args), cwd=cwd, env=env, capture_output=True,
                          timeout=timeout)


def text(data):
    return data.decode("utf-8", errors="replace")


def line(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def described(result):
    return f"exit {result.returncode}, stdout {text(result.stdout)[:300]!r}, stderr {text(result.stderr)[:500]!r}"


def entry(id_, date, postings, memo=None):
    event = {"type": "entry", "id": id_, "date": date}
    if memo is not None:
        event["memo"] = memo
    event["postings"] = [dict(zip(("account", "fund", "currency", "amount"), p[:4]), **(p[4] if len(p) > 4 else {}))
                         for p in postings]
    return event


# The part of the ledger recorded through the command line's own commands.
COMMANDS = [
    ["currency", "add", "XMT", "--minor-units", "3"],
    ["account", "add", "1150", "--name", "Cash held by field offices", "--class", "asset"],
    ["fund", "add", "CPCJF", "--name", "Crime Prevention and Criminal Justice Fund", "--kind", "general"],
    ["fund", "add", "UNTOC", "--name", "UNTOC funding mechanism", "--kind", "special", "--parent", "CPCJF"],
    ["donor", "add", "DEU", "--name", "Germany", "--category", "government", "--country", "DE"],
    ["project", "add", "GLOZ82", "--name", "Trafficking in persons", "--fund", "CPCJF"],
    ["rate", "set", "EUR", "0.9", "--effective", "2024-01-01"],
    ["setting", "set", "psc_rate", "0.08", "--effective", "2025-01-01"],
    ["post", "CLI-0001", "--date", "2024-01-20", "--memo", "Posted from the command line",
     "--posting", "1150:CPCJF:EUR:250.00:donor=DEU", "--posting", "4200:CPCJF:EUR:-250.00:donor=DEU"],
]

# The rest, imported from JSON Lines.
IMPORTED = [
    {"type": "currency", "code": "VCU", "minor_units": 0},
    {"type": "currency", "code": "JPY", "minor_units": 0},
    {"type": "fund", "code": "PSC", "name": "Programme support costs", "kind": "psc"},
    {"type": "fund", "code": "UNCAC", "name": "UNCAC funding mechanism", "kind": "special", "parent": "CPCJF"},
    {"type": "donor", "code": "CIV", "name": "Côte d'Ivoire", "category": "government", "country": "CI"},
    {"type": "donor", "code": "ANON-7", "name": "Anonymous donor"},
    {"type": "project", "code": "GLOU68", "name": "Anti-corruption \"Merida\" projects", "fund": "UNCAC"},
    {"type": "account", "code": "4150", "name": "Contributions in kind", "class": "revenue"},
    {"type": "rate", "currency": "XMT", "effective": "2024-01-01", "per_usd": "0.307715"},
    {"type": "rate", "currency": "VCU", "effective": "2024-01-01", "per_usd": "1250.5"},
    {"type": "rate", "currency": "JPY", "effective": "2024-01-01", "per_usd": "141.2345"},
    {"type": "rate", "currency": "GBP", "effective": "2024-01-01", "per_usd": "0.8000"},
    {"type": "rate", "currency": "EUR", "effective": "2024-07-01", "per_usd": "0.9243"},
    {"type": "setting", "key": "psc_fund", "value": "PSC"},
    {"type": "setting", "key": "rounding", "value": "half-up", "effective": "2024-07-01"},
    entry("RT-0001", "2024-02-01", [["1100", "CPCJF", "EUR", "1.00"], ["4100", "CPCJF", "EUR", "-0.50"],
                                    ["4100", "CPCJF", "EUR", "-0.50"]], "Three postings, one rounding residual"),
    entry("RT-0002", "2024-02-02", [["1100", "UNCAC", "XMT", "1234.567", {"donor": "CIV"}],
                                    ["4200", "UNCAC", "XMT", "-1234.567", {"donor": "CIV"}]],
          "Quotes \" backslash \\ tab \t control \u0001 newline \n and non-ASCII: Côte d'Ivoire, Zürich, 東京, €, 😀"),
    entry("RT-0003", "2024-02-03", [["1100", "UNTOC", "VCU", "987654321"], ["4150", "UNTOC", "VCU", "-987654321"]]),
    entry("RT-0004", "2024-02-04", [["5200", "UNCAC", "JPY", "1500000", {"project": "GLOU68"}],
                                    ["1100", "UNCAC", "JPY", "-1500000"]]),
    entry("RT-0005", "2024-03-01", [["1100", "CPCJF", "GBP", "0.02", {"donor": "ANON-7"}],
                                    ["4100", "CPCJF", "GBP", "-0.02", {"donor": "ANON-7"}]],
          "Half a cent before the rounding setting changes: half-even"),
    entry("RT-0006", "2024-07-01", [["1100", "CPCJF", "GBP", "0.02"], ["4100", "CPCJF", "GBP", "-0.02"]],
          "Half a cent once rounding is half-up"),
    entry("RT-0007", "2024-07-15", [["1100", "CPCJF", "GBP", "1000.00", {"donor": "DEU"}],
                                    ["1900", "CPCJF", "GBP", "-1000.00"],
                                    ["1900", "CPCJF", "EUR", "1155.38"],
                                    ["4100", "CPCJF", "EUR", "-1155.38", {"donor": "DEU"}]],
          "GBP received for a EUR contribution, through 1900"),
    entry("RT-0008", "2024-08-01", [["1500", "CPCJF", "USD", "5000.00"], ["1100", "CPCJF", "USD", "-5000.00"],
                                    ["1100", "PSC", "USD", "5000.00"], ["2500", "PSC", "USD", "-5000.00"]]),
    entry("RT-0009", "2024-08-02", [["5100", "CPCJF", "USD", "0.01", {"project": "GLOZ82"}],
                                    ["1100", "CPCJF", "USD", "-0.01"]]),
]
IMPORTED_BY_ID = {e["id"]: e for e in IMPORTED if "id" in e}
# Events recorded by the commands and the import (every one is new).
BUILT_EVENTS = INIT_EVENTS + len(COMMANDS) + len(IMPORTED)


def exported_entry(lines, id_):
    for raw in lines:
        event = json.loads(raw)
        if event.get("id") == id_:
            return event
    return None


def body(checks, fundledger, work):
    def fl(*args):
        return run(fundledger, list(args), work)

    def export_bytes(db):
        result = fl("--db", db, "export")
        return result.stdout if result.returncode == 0 else None

    # ---- build the ledger ----------------------------------------------------------------------
    result = fl("--db", "original.db", "init")
    checks.check("init exits 0", result.returncode == 0, described(result))
    failed = [(c, described(r)) for c in COMMANDS for r in [fl("--db", "original.db", *c)] if r.returncode != 0]
    checks.check(f"the {len(COMMANDS)} master data, setting and post commands exit 0", not failed, failed)
    with open(os.path.join(work, "events.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        out.write("".join(line(e) + "\n" for e in IMPORTED))
    result = fl("--db", "original.db", "import", "events.jsonl")
    expected = f"imported {len(IMPORTED)} events: {len(IMPORTED)} recorded, 0 already recorded"
    checks.check(f"import of every other kind of event exits 0 and says '{expected}'",
                 result.returncode == 0 and expected in text(result.stderr), described(result))

    result = fl("--db", "original.db", "export", "--out", "export-a.jsonl")
    checks.check("export --out exits 0 and says how many events it wrote",
                 result.returncode == 0 and f"exported {BUILT_EVENTS} events" in text(result.stderr), described(result))
    with open(os.path.join(work, "export-a.jsonl"), "rb") as f:
        export_a = f.read()
    lines = export_a.decode("utf-8").splitlines()
    checks.check(f"the export has {BUILT_EVENTS} lines, one per event", len(lines) == BUILT_EVENTS, f"{len(lines)} lines")
    checks.check("export --out and export to stdout write the same bytes", export_bytes("original.db") == export_a)
    types = {json.loads(raw)["type"] for raw in lines}
    checks.check("the export holds every kind of event: currency, account, fund, donor, project, rate, setting, entry",
                 types == {"currency", "account", "fund", "donor", "project", "rate", "setting", "entry"}, sorted(types))

    # What the entries derived, exactly.
    residual = exported_entry(lines, "RT-0001")
    residual_postings = [p for p in (residual or {}).get("postings", []) if p.get("residual")]
    checks.check("RT-0001 (1.00 EUR against 2 x 0.50 at 0.9) leaves a residual: 5900, amount 0.00, USD 0.01",
                 residual_postings == [{"account": "5900", "amount": "0.00", "currency": "EUR",
                                        "functional_amount": "0.01", "fund": "CPCJF", "residual": True}],
                 residual_postings)
    usd = [[p["amount"], p["functional_amount"]] for p in (residual or {}).get("postings", [])[:3]]
    checks.check("RT-0001 converts 1.00 and -0.50 EUR at 0.9 to 1.11 and -0.56 USD",
                 usd == [["1.00", "1.11"], ["-0.50", "-0.56"], ["-0.50", "-0.56"]], usd)
    for id_, expected_usd, label in [("RT-0005", ["0.02", "-0.02"], "half-even before 2024-07-01"),
                                     ("RT-0006", ["0.03", "-0.03"], "half-up from 2024-07-01")]:
        event = exported_entry(lines, id_) or {}
        got = [p["functional_amount"] for p in event.get("postings", [])]
        checks.check(f"{id_}: 0.02 GBP at 0.8000 is 0.025 USD, rounded {label} to {expected_usd}", got == expected_usd,
                     got)
    minor = {p["currency"]: p["amount"] for raw in lines for p in json.loads(raw).get("postings", [])
             if p["currency"] in ("XMT", "VCU", "JPY")}
    checks.check("amounts keep their currency's minor units: XMT 3 decimals, VCU and JPY none",
                 minor == {"XMT": "-1234.567", "VCU": "-987654321", "JPY": "-1500000"}, minor)
    memo = (exported_entry(lines, "RT-0002") or {}).get("memo")
    checks.check("a memo with quotes, a backslash, a tab and non-ASCII text is exported unchanged",
                 memo == IMPORTED_BY_ID["RT-0002"]["memo"], repr(memo))

    # ---- export, replay, export ----------------------------------------------------------------
    result = fl("replay", "export-a.jsonl", "--db", "replayed.db")
    head = json.loads(lines[-1])["hash"]
    checks.check(f"replay of the export into a new ledger exits 0: 'replay: ok, {BUILT_EVENTS} events, head {head[:12]}...'",
                 result.returncode == 0 and f"replay: ok, {BUILT_EVENTS} events, head {head}" in text(result.stdout),
                 described(result))
    export_b = export_bytes("replayed.db")
    checks.check("the replayed ledger's export is byte-identical to the original export", export_b == export_a,
                 f"{len(export_a)} bytes vs {len(export_b or b'')} bytes")
    for db in ("original.db", "replayed.db"):
        result = fl("--db", db, "verify")
        checks.check(f"verify of {db} exits 0: 'verify: ok, {BUILT_EVENTS} events, head {head[:12]}...'",
                     result.returncode == 0 and text(result.stdout).startswith(
                         f"verify: ok, {BUILT_EVENTS} events, head {head}"), described(result))
    for keys in ("account,fund", "account,fund,donor,project,currency"):
        a = fl("--db", "original.db", "balances", "--group-by", keys, "--format", "csv")
        b = fl("--db", "replayed.db", "balances", "--group-by", keys, "--format", "csv")
        checks.check(f"both ledgers have the same balances by {keys}",
                     a.returncode == 0 and b.returncode == 0 and a.stdout == b.stdout and a.stdout.count(b"\n") > 5,
                     f"{described(a)}\n{described(b)}")

    def content():
        # The file's bytes; a database's export.
        if stores.current.postgresql:
            return export_bytes("original.db")
        with open(os.path.join(work, "original.db"), "rb") as f:
            return f.read()
    original_content = content()
    result = fl("replay", "export-a.jsonl", "--db", "original.db")
    checks.check("replay into an existing ledger exits 73 and leaves it unchanged",
                 result.returncode == 73 and content() == original_content, described(result))

    # ---- import is all or nothing --------------------------------------------------------------
    before = export_bytes("original.db")
    bad = [
        {"type": "donor", "code": "NOR", "name": "Norway", "category": "government", "country": "NO"},
        {"type": "project", "code": "GLOZ31", "name": "Firearms", "fund": "CPCJF"},
        {"type": "rate", "currency": "CHF", "effective": "2024-01-01", "per_usd": "0.8712"},
        entry("BAD-0004", "2024-09-01", [["1100", "CPCJF", "USD", "10.00"], ["4100", "CPCJF", "USD", "-10.00"]]),
        entry("BAD-0005", "2024-09-02", [["1100", "CPCJF", "USD", "10.00"], ["4100", "CPCJF", "USD", "-9.99"]]),
        entry("BAD-0006", "2024-09-03", [["1100", "CPCJF", "USD", "1.00"], ["4100", "CPCJF", "USD", "-1.00"]]),
    ]
    with open(os.path.join(work, "bad5.jsonl"), "w", encoding="utf-8", newline="\n") as out:
        out.write("".join(line(e) + "\n" for e in bad))
    result = fl("--db", "original.db", "import", "bad5.jsonl")
    err = text(result.stderr)
    checks.check("an import whose 5th line is an unbalanced entry exits 65",
                 result.returncode == 65, described(result))
    checks.check("its message names the file and line 5 (bad5.jsonl:5)",
                 re.search(r"bad5\.jsonl:5\b", err) is not None, err)
    checks.check("nothing of the four good lines before it was written (export byte-identical)",
                 export_bytes("original.db") == before)

    def import_lines(name, events_or_lines, code, stderr_pattern, label):
        with open(os.path.join(work, name), "w", encoding="utf-8", newline="\n") as out:
            out.write("".join((e if isinstance(e, str) else line(e)) + "\n" for e in events_or_lines))
        result = fl("--db", "original.db", "import", name)
        err = text(result.stderr)
        checks.check(f"{label}: exit {code}, stderr matches /{stderr_pattern}/",
                     result.returncode == code and re.search(stderr_pattern, err) is not None, described(result))
        checks.check(f"{label}: the export is byte-identical afterwards", export_bytes("original.db") == before)

    changed = json.loads(json.dumps(IMPORTED_BY_ID["RT-0001"]))
    changed["postings"][0]["amount"] = "1.01"
    changed["postings"][1]["amount"] = "-0.51"
    import_lines("different.jsonl", [changed], 65, r"different body",
                 "re-importing id RT-0001 with a different amount is refused")
    import_lines("same.jsonl", [IMPORTED_BY_ID["RT-0001"]], 0, r"(?<!\d)0 recorded, 1 already recorded",
                 "re-importing id RT-0001 with the same body is a no-op")
    with_seq = entry("NEW-0001", "2024-09-04", [["1100", "CPCJF", "USD", "1.00"], ["4100", "CPCJF", "USD", "-1.00"]])
    with_seq["seq"] = 42
    import_lines("seq.jsonl", [with_seq], 65, r"\bseq\b", "an import line with the export-only field seq is refused")
    with_functional = entry("NEW-0002", "2024-09-04",
                            [["1100", "CPCJF", "USD", "1.00", {"functional_amount": "1.00"}],
                             ["4100", "CPCJF", "USD", "-1.00"]])
    import_lines("functional.jsonl", [with_functional], 65, r"postings\[0\]\.functional_amount",
                 "an import line with the export-only field functional_amount is refused")
    number = ('{"type":"entry","id":"NEW-0003","date":"2024-09-04","postings":['
              '{"account":"1100","fund":"CPCJF","currency":"USD","amount":"1.00"},'
              '{"account":"4100","fund":"CPCJF","currency":"USD","amount":-1.00}]}')
    import_lines("number.jsonl", [number], 65, r"postings\[1\]\.amount",
                 "a JSON number for an amount is refused, naming the field postings[1].amount")
    rate_number = '{"type":"rate","currency":"CHF","effective":"2024-01-01","per_usd":0.8712}'
    import_lines("rate-number.jsonl", [rate_number], 65, r"per_usd",
                 "a JSON number for a rate is refused, naming the field per_usd")

    result = fl("--db", "original.db", "import", "missing-file.jsonl")
    checks.check("import of a missing file exits 66 and names it",
                 result.returncode == 66 and "missing-file.jsonl" in text(result.stderr), described(result))

    # ---- amounts not written at their currency's minor units -----------------------------------
    fl("--db", "normalize.db", "init")

    def import_lines_into(name, events):
        with open(os.path.join(work, name), "w", encoding="utf-8", newline="\n") as out:
            out.write("".join(line(e) + "\n" for e in events))
        return fl("--db", "normalize.db", "import", name)

    result = import_lines_into("normalize-base.jsonl", [
        {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
        {"type": "rate", "currency": "EUR", "effective": "2024-01-01", "per_usd": "0.9"},
        {"type": "rate", "currency": "JPY", "effective": "2024-01-01", "per_usd": "141.2345"}])
    checks.check("a fresh ledger takes a fund and two rates", result.returncode == 0, described(result))
    for name, label, events in [
        ("fewer-decimals.jsonl", "fewer decimals than the minor units (250.5 EUR)",
         [entry("N-0001", "2024-02-01", [["1100", "CPCJF", "EUR", "250.5"], ["4100", "CPCJF", "EUR", "-250.5"]])]),
        ("trailing-zeros.jsonl", "trailing zeros beyond the minor units (100.000 USD, 500.0 JPY)",
         [entry("N-0002", "2024-02-01", [["1100", "CPCJF", "USD", "100.000"], ["4100", "CPCJF", "USD", "-100"]]),
          entry("N-0003", "2024-02-01", [["1100", "CPCJF", "JPY", "500.0"], ["4100", "CPCJF", "JPY", "-500"]])]),
    ]:
        first = import_lines_into(name, events)
        second = fl("--db", "normalize.db", "import", name)
        n = len(events)
        checks.check(f"entries with {label} import: exit 0, '{n} recorded'",
                     first.returncode == 0 and f"{n} recorded, 0 already recorded" in text(first.stderr),
                     described(first))
        checks.check(f"importing the entries with {label} again is a no-op: exit 0, '0 recorded, {n} already recorded'",
                     second.returncode == 0 and f"0 recorded, {n} already recorded" in text(second.stderr),
                     described(second))
    normalized = export_bytes("normalize.db") or b""
    amounts = [p["amount"] for raw in normalized.decode("utf-8").splitlines()
               for p in json.loads(raw).get("postings", [])]
    checks.check("those amounts are stored at the minor units: 250.50, 100.00 and 500",
                 amounts == ["250.50", "-250.50", "100.00", "-100.00", "500", "-500"], amounts)

    # ---- files that are not ledgers ------------------------------------------------------------
    rng = random.Random(20241129)
    with open(os.path.join(work, "random.bin"), "wb") as out:
        out.write(bytes(rng.randrange(256) for _ in range(4096)))
    other = sqlite3.connect(os.path.join(work, "other.sqlite"))
    other.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    other.execute("INSERT INTO customers (name) VALUES ('Acme')")
    other.commit()
    other.close()
    for name, label in [("random.bin", "a file of random bytes"), ("other.sqlite", "an SQLite database of another program")]:
        with open(os.path.join(work, name), "rb") as f:
            content = f.read()
        result = fl("--db", name, "balances")
        with open(os.path.join(work, name), "rb") as f:
            same = f.read() == content
        checks.check(f"balances on {label} exits 74 and leaves the file unchanged",
                     result.returncode == 74 and same, described(result))
        checks.check(f"the error for {label} names the file {name}", name in text(result.stderr), described(result))

    # ---- CRLF line ends and a byte-order mark --------------------------------------------------
    windows = [
        {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
        {"type": "donor", "code": "CIV", "name": "Côte d'Ivoire", "category": "government", "country": "CI"},
        {"type": "rate", "currency": "EUR", "effective": "2024-01-01", "per_usd": "0.9"},
        entry("WIN-0001", "2024-02-01", [["1100", "CPCJF", "EUR", "1.00", {"donor": "CIV"}],
                                         ["4100", "CPCJF", "EUR", "-0.50"], ["4100", "CPCJF", "EUR", "-0.50"]],
              "Côte d'Ivoire"),
    ]
    plain = "".join(line(e) + "\n" for e in windows).encode("utf-8")
    variants = [("crlf.jsonl", "a CRLF file", plain.replace(b"\n", b"\r\n")),
                ("bom.jsonl", "a file with a UTF-8 byte-order mark", b"\xef\xbb\xbf" + plain),
                ("bom-crlf.jsonl", "a CRLF file with a byte-order mark", b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n"))]
    with open(os.path.join(work, "plain.jsonl"), "wb") as out:
        out.write(plain)
    for name, label, data in variants:
        with open(os.path.join(work, name), "wb") as out:
            out.write(data)
        db = name.replace(".jsonl", ".db")
        fl("--db", db, "init")
        result = fl("--db", db, "import", name)
        checks.check(f"{label} imports fine: exit 0, '{len(windows)} recorded'",
                     result.returncode == 0 and f"{len(windows)} recorded, 0 already recorded" in text(result.stderr),
                     described(result))
        result = fl("--db", db, "import", "plain.jsonl")
        checks.check(f"{label} gave the same events as the plain LF file (importing that one records 0)",
                     result.returncode == 0 and f"0 recorded, {len(windows)} already recorded" in text(result.stderr),
                     described(result))
        result = fl("--db", db, "verify")
        checks.check(f"the ledger imported from {label} verifies ({INIT_EVENTS + len(windows)} events)",
                     result.returncode == 0 and text(result.stdout).startswith(f"verify: ok, {INIT_EVENTS + len(windows)} events"),
                     described(result))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    stores.add_argument(parser)
    args = parser.parse_args()
    stores.use(args.store, "round_trip")
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-round-trip-") as work:
            body(checks, fundledger, work)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
