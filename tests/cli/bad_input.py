#!/usr/bin/env python3
"""Bad input is refused with the documented exit status, a message that names the place, and no change.

A table of bad inputs to `import` (JSON Lines that is malformed, truncated, binary, or well-formed but
wrong: numbers for amounts, unknown fields, impossible dates, too many decimals for the currency,
unknown references, a missing rate, unbalanced entries, a reused id, amounts out of range, NaN,
thousands separators, a closed period...), to `replay` (a broken chain, a changed hash, a deleted
line, an import journal, a NEW that exists or cannot be created...) and to the command line
(unknown commands and options, missing files, outputs that cannot be created, files that are not a
ledger...). For each case:

  * the exit status is the documented one (64 usage, 65 bad input, 66 unreadable input, 73 output
    not created, 74 not a ledger, 1 a replay difference);
  * the message on stderr names the file and line (`bad.jsonl:3:`) and the field where one applies,
    or the option, path or seq that is wrong;
  * the ledger is unchanged: its `export` is the same before and after, byte for byte, and so is
    the database file; a file that is not a ledger is left as it was; a refused replay leaves no NEW.

Then the accepted cases are documented by testing them: a UTF-8 byte-order mark at the start, CRLF
line ends and blank lines are accepted (exit 0); an empty file imports nothing (exit 0, "imported 0
events") and changes nothing; importing the same events again changes nothing.

Usage: python3 bad_input.py --fundledger PATH
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks, INIT_EVENTS  # noqa: E402 - shared by the CLI tests


def run(fundledger, args, cwd, stdin=None, timeout=60):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    env.pop("FUNDLEDGER_BUSY_TIMEOUT_MS", None)
    return subprocess.run([fundledger] + args, cwd=cwd, env=env, capture_output=True, timeout=timeout,
                          input=stdin if stdin is not None else b"")


def text(data):
    return data.decode("utf-8", errors="replace")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def difference(before, after):
    if after is None:
        return f"{len(before)} bytes before, the file is gone after"
    if len(after) != len(before):
        return f"{len(before)} bytes before, {len(after)} bytes after"
    first = next((i for i in range(len(before)) if before[i] != after[i]), None)
    return f"same length ({len(before)} bytes), first difference at byte offset {first}"


def remove_ledger(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.lexists(path + suffix):
            os.remove(path + suffix)


# ---- the ledger the bad input is thrown at -------------------------------------------------------

SETUP = [
    {"type": "fund", "code": "CPCJF", "name": "Crime Prevention and Criminal Justice Fund", "kind": "general"},
    {"type": "fund", "code": "UNTOC", "name": "UNTOC funding mechanism", "kind": "special", "parent": "CPCJF"},
    {"type": "donor", "code": "DEU", "name": "Germany", "category": "government", "country": "DE"},
    {"type": "rate", "currency": "EUR", "effective": "2024-01-01", "per_usd": "0.9123"},
    {"type": "rate", "currency": "JPY", "effective": "2024-01-01", "per_usd": "141.2345"},
    {"type": "pledge", "id": "PL-1", "donor": "DEU", "fund": "CPCJF", "purpose": "general", "currency": "EUR",
     "amount": "1000.00", "signed": "2024-01-05"},
    {"type": "entry", "id": "E-1", "date": "2024-01-15", "memo": "unidentified",
     "postings": [{"account": "1100", "fund": "CPCJF", "currency": "USD", "amount": "10.00"},
                  {"account": "4800", "fund": "CPCJF", "currency": "USD", "amount": "-10.00"}]},
    {"type": "receipt", "id": "R-1", "date": "2024-01-20", "fund": "CPCJF", "currency": "USD", "amount": "100.00"},
    {"type": "period_close", "period": "2024-01"},
    {"type": "entry", "id": "E-2", "date": "2024-02-10",
     "postings": [{"account": "1100", "fund": "UNTOC", "currency": "JPY", "amount": "50000", "donor": "DEU"},
                  {"account": "4200", "fund": "UNTOC", "currency": "JPY", "amount": "-50000", "donor": "DEU"}]},
    {"type": "rate", "currency": "NOK", "effective": "2024-03-01", "per_usd": "10.16"},
]
BASE_EVENTS = INIT_EVENTS + len(SETUP)


def line(event):
    return json.dumps(event, separators=(",", ":"))


def entry(amount="10.00", currency="USD", date="2024-02-01", id="N-1", account2="4800", amount2=None,
          extra=None, **fields):
    """A balanced two-posting entry (unless amount2 says otherwise), as a dict."""
    first = {"account": "1100", "fund": "CPCJF", "currency": currency, "amount": amount}
    if extra:
        first.update(extra)
    if amount2 is None:
        amount2 = amount[1:] if amount.startswith("-") else "-" + amount
    event = {"type": "entry", "id": id, "date": date,
             "postings": [first, {"account": account2, "fund": "CPCJF", "currency": currency, "amount": amount2}]}
    event.update(fields)
    return event


GOOD_1 = line({"type": "fund", "code": "UNCAC", "name": "UNCAC funding mechanism", "kind": "special",
               "parent": "CPCJF"})
GOOD_2 = line(entry(id="OK-1", amount="25.00"))
GOOD_3 = line({"type": "donor", "code": "JPN", "name": "Japan", "category": "government", "country": "JP"})


def jsonl(*lines, end="\n"):
    return ("".join(l + end for l in lines)).encode("utf-8")


def swap_amount_to_number(event_line):
    return event_line.replace('"amount":"10.00"', '"amount":10.00', 1)


# Each import case: (name, file content, exit status, regexes the message must match). The file is
# written as bad.jsonl in the working directory and imported by that relative name.
def import_cases():
    e = entry()
    deep = 200000
    return [
        ("malformed JSON on line 3", jsonl(GOOD_1, GOOD_2, '{"type":"entry",,}'), 65, [r"bad\.jsonl:3:", r"JSON"]),
        ("a truncated last line (no newline)", jsonl(GOOD_1) + line(entry())[:70].encode(), 65,
         [r"bad\.jsonl:2:"]),
        ("a line cut in the middle of a string", jsonl(GOOD_1, line(entry())[:40], GOOD_3), 65, [r"bad\.jsonl:2:"]),
        ("a JSON number for a posting amount", jsonl(GOOD_1, swap_amount_to_number(line(e))), 65,
         [r"bad\.jsonl:2:", r"postings\[0\]\.amount", r"string"]),
        ("a JSON number for a receipt amount",
         jsonl('{"type":"receipt","id":"R-9","date":"2024-02-01","fund":"CPCJF","currency":"USD","amount":5}'),
         65, [r"bad\.jsonl:1:", r'"amount"']),
        ("a JSON number for a rate",
         jsonl('{"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":0.78}'), 65,
         [r"bad\.jsonl:1:", r'"per_usd"']),
        ("null for an amount",
         jsonl('{"type":"receipt","id":"R-9","date":"2024-02-01","fund":"CPCJF","currency":"USD","amount":null}'),
         65, [r"bad\.jsonl:1:", r'"amount"']),
        ("an unknown field in the event", jsonl(GOOD_1, line(entry(colour="red"))), 65,
         [r"bad\.jsonl:2:", r'"colour"', r"unknown"]),
        ("an unknown field in a posting", jsonl(line(entry(extra={"colour": "red"}))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.colour"]),
        ("a field written by export (seq) in an import", jsonl(line(dict(entry(), seq=40))), 65,
         [r"bad\.jsonl:1:", r'"seq"']),
        ("a field written by export (functional_amount) in a posting",
         jsonl(line(entry(extra={"functional_amount": "10.00"}))), 65,
         [r"bad\.jsonl:1:", r"functional_amount"]),
        ("a duplicate field", jsonl(line(entry())[:-1] + ',"id":"N-2"}'), 65, [r"bad\.jsonl:1:", r'"id"']),
        ("a missing required field",
         jsonl('{"type":"receipt","id":"R-9","date":"2024-02-01","fund":"CPCJF","currency":"USD"}'), 65,
         [r"bad\.jsonl:1:", r'"amount"', r"missing"]),
        ("an impossible date (30 February)", jsonl(line(entry(date="2024-02-30"))), 65,
         [r"bad\.jsonl:1:", r'"date"', r"2024-02-30"]),
        ("an impossible date (29 February of a common year)", jsonl(line(entry(date="2025-02-29"))), 65,
         [r"bad\.jsonl:1:", r'"date"']),
        ("an impossible date (month 13)", jsonl(line(entry(date="2024-13-01"))), 65, [r"bad\.jsonl:1:", r'"date"']),
        ("a date not written YYYY-MM-DD", jsonl(line(entry(date="01/02/2024"))), 65, [r"bad\.jsonl:1:", r'"date"']),
        ("year 0000", jsonl(line(entry(date="0000-01-01"))), 65, [r"bad\.jsonl:1:", r'"date"']),
        ("a cent fraction of USD", jsonl(line(entry(amount="10.001"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.amount", r"USD"]),
        ("a fraction of JPY", jsonl(line(entry(amount="50.5", currency="JPY"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.amount", r"JPY"]),
        ("an unknown account", jsonl(line(entry(account2="9999"))), 65,
         [r"bad\.jsonl:1:", r"postings\[1\]\.account", r"9999"]),
        ("an unknown fund", jsonl(line(entry()).replace('"fund":"CPCJF"', '"fund":"NOFUND"', 1)), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.fund", r"NOFUND"]),
        ("an unknown donor", jsonl(line(entry(extra={"donor": "NODONOR"}))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.donor", r"NODONOR"]),
        ("an unknown pledge", jsonl(line(entry(extra={"pledge": "NOPLEDGE"}))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.pledge", r"NOPLEDGE"]),
        ("an unknown currency", jsonl(line(entry(currency="XYZ"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.currency", r"XYZ"]),
        ("a missing rate (GBP has none)", jsonl(line(entry(currency="GBP"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]", r"GBP", r"rate"]),
        ("a date before the first rate (NOK from 2024-03-01)", jsonl(line(entry(currency="NOK", date="2024-02-15"))),
         65, [r"bad\.jsonl:1:", r"postings\[0\]", r"NOK", r"rate"]),
        ("an unbalanced entry", jsonl(GOOD_1, line(entry(amount2="-9.99"))), 65,
         [r"bad\.jsonl:2:", r"balance", r"CPCJF"]),
        ("a single posting", jsonl(line(dict(entry(), postings=entry()["postings"][:1]))), 65,
         [r"bad\.jsonl:1:", r'"postings"', r"two postings"]),
        ("no postings", jsonl(line(dict(entry(), postings=[]))), 65, [r"bad\.jsonl:1:", r'"postings"']),
        ("a reused id with another body (stored)", jsonl(GOOD_1, line(entry(id="E-1"))), 65,
         [r"bad\.jsonl:2:", r'"id"', r"E-1"]),
        ("a reused id with another body (within the file)",
         jsonl(GOOD_2, line(entry(id="OK-1", amount="26.00"))), 65, [r"bad\.jsonl:2:", r'"id"', r"OK-1"]),
        ("an amount of 39 digits", jsonl(line(entry(amount="1" + "0" * 38))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.amount", r"38"]),
        ("an amount beyond the stored range (64-bit minor units)",
         jsonl(line(entry(amount="999999999999999999999.99"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.amount", r"range"]),
        ("NaN as an amount", jsonl(line(entry(amount="NaN"))), 65, [r"bad\.jsonl:1:", r"postings\[0\]\.amount"]),
        ("Infinity as an amount", jsonl(line(entry(amount="Infinity"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.amount"]),
        ("a thousands separator in an amount", jsonl(line(entry(amount="1,000.00"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.amount", r"1,000\.00"]),
        ("an exponent in an amount", jsonl(line(entry(amount="1e3"))), 65,
         [r"bad\.jsonl:1:", r"postings\[0\]\.amount"]),
        ("an empty amount", jsonl(line(entry(amount=""))), 65, [r"bad\.jsonl:1:", r"postings\[0\]\.amount"]),
        ("a negative receipt",
         jsonl('{"type":"receipt","id":"R-9","date":"2024-02-01","fund":"CPCJF","currency":"USD","amount":"-5.00"}'),
         65, [r"bad\.jsonl:1:", r'"amount"']),
        ("a zero rate", jsonl('{"type":"rate","currency":"GBP","effective":"2024-01-01","per_usd":"0"}'), 65,
         [r"bad\.jsonl:1:", r'"per_usd"']),
        ("an entry dated in a closed period", jsonl(GOOD_1, line(entry(date="2024-01-20"))), 65,
         [r"bad\.jsonl:2:", r"closed", r"2024-01"]),
        ("a transfer of more cash than the fund has",
         jsonl('{"type":"transfer","id":"T-9","date":"2024-02-01","from_fund":"CPCJF","to_fund":"UNTOC",'
               '"currency":"USD","amount":"1000000.00"}'), 65, [r"bad\.jsonl:1:", r"CPCJF", r"cash"]),
        ("master data conflicting with the stored record",
         jsonl(GOOD_1, line(dict(SETUP[0], name="Another name"))), 65, [r"bad\.jsonl:2:", r"CPCJF"]),
        ("an invalid id", jsonl(line(entry(id="has space"))), 65, [r"bad\.jsonl:1:", r'"id"']),
        ("a code longer than 32 characters",
         jsonl(line({"type": "fund", "code": "A" * 33, "name": "X", "kind": "general"})), 65,
         [r"bad\.jsonl:1:", r'"code"']),
        ("an invalid enumeration value",
         jsonl(line({"type": "fund", "code": "XF", "name": "X", "kind": "weird"})), 65,
         [r"bad\.jsonl:1:", r'"kind"', r"weird"]),
        ("an unknown event type", jsonl(GOOD_1, GOOD_3, '{"type":"bogus"}'), 65,
         [r"bad\.jsonl:3:", r'"type"', r"bogus"]),
        ("a JSON array instead of an object", jsonl("[1,2,3]"), 65, [r"bad\.jsonl:1:", r"object"]),
        ("two objects on one line", jsonl(GOOD_1 + " " + GOOD_3), 65, [r"bad\.jsonl:1:"]),
        ("binary garbage", b"\x00\xff\xfe\x89PNG\r\n\x1a\n\x00\x01\x02garbage\n", 65, [r"bad\.jsonl:1:"]),
        ("invalid UTF-8 inside a string",
         b'{"type":"fund","code":"XF","name":"\xc3\x28","kind":"general"}\n', 65, [r"bad\.jsonl:1:", r"UTF-8"]),
        ("a byte-order mark on line 2 (only the start of the file may carry one)",
         jsonl(GOOD_1) + b"\xef\xbb\xbf" + jsonl(GOOD_3), 65, [r"bad\.jsonl:2:"]),
        ("a line longer than 4 MiB",
         jsonl(GOOD_1) + b'{"type":"fund","code":"XF","name":"' + b"x" * (4 * 1024 * 1024 + 10) +
         b'","kind":"general"}\n', 65, [r"bad\.jsonl:2:", r"longer"]),
        ("JSON nested 200000 deep", jsonl(GOOD_1) + b'{"type":"entry","memo":' + b"[" * deep + b"]" * deep + b"}\n",
         65, [r"bad\.jsonl:2:"]),
        ("a bad line after 2 good ones: nothing is written", jsonl(GOOD_1, GOOD_3, line(entry(amount="1.234"))), 65,
         [r"bad\.jsonl:3:", r"postings\[0\]\.amount"]),
    ]


def export_of(fundledger, db, cwd):
    result = run(fundledger, ["--db", db, "export"], cwd)
    return result.returncode, result.stdout


class Harness:
    def __init__(self, checks, fundledger, work):
        self.checks = checks
        self.fundledger = fundledger
        self.work = work
        self.base = os.path.join(work, "base.db")
        self.ledger = os.path.join(work, "ledger.db")
        self.cases = 0
        self.problems = []

    def fresh(self):
        remove_ledger(self.ledger)
        shutil.copyfile(self.base, self.ledger)

    def unchanged(self, name):
        status, exported = export_of(self.fundledger, self.ledger, self.work)
        ok = self.checks.check(f"{name}: the ledger's export is unchanged, byte for byte",
                               status == 0 and exported == self.base_export,
                               f"export exit {status}, {len(exported)} bytes against {len(self.base_export)}")
        ok &= self.checks.check(f"{name}: the database file is unchanged, byte for byte",
                                read_bytes(self.ledger) == self.base_bytes)
        return ok

    def expect(self, name, result, status, patterns, command):
        self.cases += 1
        statuses = status if isinstance(status, (set, tuple)) else {status}
        message = text(result.stderr)
        ok = self.checks.check(f"{name}: exit {'/'.join(map(str, sorted(statuses)))}",
                               result.returncode in statuses,
                               f"command: fundledger {command}\nexit {result.returncode}, stderr {message[-600:]!r}")
        missing = [p for p in patterns if not re.search(p, message)]
        ok &= self.checks.check(f"{name}: the message names the place ({', '.join(patterns)})", not missing,
                                f"command: fundledger {command}\nstderr {message[-600:]!r}\nmissing {missing}")
        if result.returncode != 0:
            ok &= self.checks.check(f"{name}: nothing on stdout, the message on stderr",
                                    result.stdout == b"" and message.strip() != "",
                                    f"stdout {text(result.stdout)[:200]!r}")
        if not ok:
            self.problems.append(name)
        return ok

    def run_import(self, name, content, status, patterns, via_stdin=False):
        self.fresh()
        if via_stdin:
            result = run(self.fundledger, ["--db", "ledger.db", "import", "-"], self.work, stdin=content)
            command = "--db ledger.db import - < bad.jsonl"
        else:
            with open(os.path.join(self.work, "bad.jsonl"), "wb") as out:
                out.write(content)
            result = run(self.fundledger, ["--db", "ledger.db", "import", "bad.jsonl"], self.work)
            command = "--db ledger.db import bad.jsonl"
        ok = self.expect(f"import {name}", result, status, patterns, command)
        if not self.unchanged(f"import {name}") and ok:
            self.problems.append(f"import {name}")


def import_section(h):
    for name, content, status, patterns in import_cases():
        h.run_import(name, content, status, patterns)
    h.run_import("from standard input, a bad line 2", jsonl(GOOD_1, line(entry(date="2024-02-31"))), 65,
                 [r"<stdin>:2:", r'"date"'], via_stdin=True)


# ---- replay -------------------------------------------------------------------------------------

def replay_section(h, export_lines):
    new = os.path.join(h.work, "new.db")

    def replay_case(name, content, status, patterns, target="new.db", prepare=None, keeps=None):
        remove_ledger(new)
        if prepare:
            prepare()
        before = read_bytes(os.path.join(h.work, target)) if keeps else None
        if content is not None:
            with open(os.path.join(h.work, "journal.jsonl"), "wb") as out:
                out.write(content)
        source = "journal.jsonl" if content is not None else "missing.jsonl"
        result = run(h.fundledger, ["replay", source, "--db", target], h.work)
        h.expect(f"replay {name}", result, status, patterns, f"replay {source} --db {target}")
        if keeps:
            h.checks.check(f"replay {name}: {target} is left as it was",
                           read_bytes(os.path.join(h.work, target)) == before)
        else:
            leftovers = [s for s in ("", "-wal", "-shm") if os.path.exists(new + s)]
            h.checks.check(f"replay {name}: no NEW ledger is left behind", not leftovers, f"left: {leftovers}")
        remove_ledger(new)

    def edited(index, change):
        lines = list(export_lines)
        event = json.loads(lines[index])
        change(event)
        lines[index] = json.dumps(event, separators=(",", ":"), sort_keys=True)
        return ("\n".join(lines) + "\n").encode()

    seq_e1 = INIT_EVENTS + 7  # E-1 is the 7th setup event
    i = seq_e1 - 1
    replay_case("a broken chain (prev_hash of one line changed)",
                edited(i, lambda e: e.__setitem__("prev_hash", "0" * 64)), 1,
                [rf"\bseq {seq_e1}\b", r"prev_hash", rf"journal\.jsonl:{seq_e1}:"])
    replay_case("a changed hash", edited(i, lambda e: e.__setitem__("hash", "a" * 64)), 1,
                [rf"\bseq {seq_e1}\b", r"hash"])
    replay_case("a changed amount",
                edited(i, lambda e: e["postings"][0].__setitem__("amount", "10.01")), 1, [rf"\bseq {seq_e1}\b"])
    replay_case("a deleted line", ("\n".join(export_lines[:10] + export_lines[11:]) + "\n").encode(), 1,
                [r"\bseq 11\b", r"journal\.jsonl:11:"])
    replay_case("two lines swapped",
                ("\n".join(export_lines[:20] + [export_lines[21], export_lines[20]] + export_lines[22:]) + "\n").encode(),
                1, [r"\bseq 21\b"])
    replay_case("malformed JSON on line 6", ("\n".join(export_lines[:5]) + '\n{"seq":\n').encode(), 65,
                [r"journal\.jsonl:6:"])
    replay_case("a line without its hash", edited(3, lambda e: e.pop("hash")), 65,
                [r"journal\.jsonl:4:", r'"hash"'])
    replay_case("a journal for import, not an export", jsonl(GOOD_1), 65, [r"journal\.jsonl:1:", r'"seq"'])
    replay_case("a JSON number for an amount",
                edited(i, lambda e: e["postings"][0].__setitem__("amount", 10)), 65,
                [rf"journal\.jsonl:{seq_e1}:", r"amount"])
    replay_case("binary garbage", b"\x00\xff\x01\x02garbage\n", 65, [r"journal\.jsonl:1:"])
    replay_case("a missing journal file", None, 66, [r"missing\.jsonl"])

    def make_existing():
        shutil.copyfile(h.base, os.path.join(h.work, "existing.db"))
    good = ("\n".join(export_lines) + "\n").encode()
    replay_case("into a NEW that already exists", good, 73, [r"existing\.db", r"exists"], target="existing.db",
                prepare=make_existing, keeps=True)
    replay_case("into a NEW in a directory that does not exist", good, 73, [r"/nonexistent/dir/new\.db"],
                target="/nonexistent/dir/new.db")
    # The intact export replays: the cases above fail for what was changed, not for the journal.
    remove_ledger(new)
    with open(os.path.join(h.work, "journal.jsonl"), "wb") as out:
        out.write(good)
    result = run(h.fundledger, ["replay", "journal.jsonl", "--db", "new.db"], h.work)
    h.checks.check("replay of the intact export exits 0", result.returncode == 0,
                   f"exit {result.returncode}, {text(result.stderr)!r}")
    remove_ledger(new)


# ---- the command line ---------------------------------------------------------------------------

def cli_section(h):
    work = h.work

    def cli_case(name, args, status, patterns, stdin=None):
        h.fresh()
        result = run(h.fundledger, args, work, stdin=stdin)
        ok = h.expect(f"command line: {name}", result, status, patterns, " ".join(args))
        if not h.unchanged(f"command line: {name}") and ok:
            h.problems.append(f"command line: {name}")
        return result

    db = ["--db", "ledger.db"]
    cli_case("an unknown command", db + ["frobnicate"], 64, [r"frobnicate"])
    cli_case("an unknown global option", ["--frobnicate"] + db + ["balances"], 64, [r"--frobnicate"])
    cli_case("an unknown option of a command", db + ["balances", "--colour"], 64, [r"--colour"])
    cli_case("an unknown option of import", db + ["import", "--dry-run", "x.jsonl"], 64, [r"--dry-run"])
    cli_case("a --format that does not exist", db + ["balances", "--format", "xml"], 64, [r"--format", r"xml"])
    cli_case("an unknown report", db + ["report", "nope"], 64, [r"nope"])
    cli_case("import without its file", db + ["import"], 64, [r"file"])
    cli_case("a command without a required option",
             db + ["receipt", "R-9", "--date", "2024-02-03", "--fund", "CPCJF", "--currency", "USD"], 64,
             [r"--amount"])
    cli_case("post with a malformed --posting", db + ["post", "P-9", "--date", "2024-02-01", "--posting",
                                                        "1100:CPCJF:USD", "--posting", "4800:CPCJF:USD:-1.00"],
             64, [r"--posting 1"])
    # A value the command line cannot read is wrong usage (64), named by its option; a well-formed
    # value the ledger refuses is bad input (65).
    cli_case("a group key that does not exist", db + ["balances", "--group-by", "colour"], 64, [r"--group-by colour"])
    cli_case("an impossible --as-of date", db + ["balances", "--as-of", "2024-02-30"], 64, [r"--as-of 2024-02-30"])
    cli_case("an impossible period to close", db + ["period", "close", "2024-13"], 64, [r"period 2024-13"])
    cli_case("a receipt with a cent fraction of USD", db + ["receipt", "R-9", "--date", "2024-02-03", "--fund", "CPCJF",
                                                          "--currency", "USD", "--amount", "1.001"], 65,
             [r"amount", r"1\.001"])
    cli_case("a receipt with a thousands separator", db + ["receipt", "R-9", "--date", "2024-02-03", "--fund",
                                                         "CPCJF", "--currency", "USD", "--amount", "1,000.00"], 64,
             [r"--amount", r"1,000\.00"])
    cli_case("a receipt on an impossible date", db + ["receipt", "R-9", "--date", "2024-02-30", "--fund", "CPCJF",
                                                    "--currency", "USD", "--amount", "1.00"], 64,
             [r"--date", r"2024-02-30"])
    cli_case("an unbalanced post", db + ["post", "P-9", "--date", "2024-02-01", "--posting", "1100:CPCJF:USD:1.00",
                                       "--posting", "4800:CPCJF:USD:-1.01"], 65, [r"P-9", r"balance"])
    cli_case("a transfer to an unknown fund", db + ["transfer", "T-9", "--date", "2024-02-01", "--from-fund", "CPCJF",
                                                  "--to-fund", "NOFUND", "--currency", "USD", "--amount", "1.00"], 65,
             [r"--to-fund", r"NOFUND"])
    cli_case("a receipt into a closed period", db + ["receipt", "R-9", "--date", "2024-01-25", "--fund", "CPCJF",
                                                   "--currency", "USD", "--amount", "1.00"], 65,
             [r"closed", r"2024-01"])
    cli_case("a reused id with another body", db + ["receipt", "R-1", "--date", "2024-02-20", "--fund", "CPCJF",
                                                  "--currency", "USD", "--amount", "100.00"], 65, [r"R-1", r"id"])
    cli_case("a missing input file", db + ["import", "nothere.jsonl"], 66, [r"nothere\.jsonl"])
    cli_case("a directory as the input file", db + ["import", work], 66, [re.escape(work)])
    cli_case("an output that cannot be created", db + ["export", "--out", "/nonexistent/dir/x"], 73,
             [r"/nonexistent/dir/x"])
    os.makedirs(os.path.join(work, "adir"), exist_ok=True)
    cli_case("an output that is a directory", db + ["export", "--out", "adir"], 73, [r"adir"])
    h.checks.check("command line: a failed export leaves no partial file",
                   not os.path.exists(os.path.join(work, "adir.partial")))
    cli_case("init over an existing ledger", db + ["init"], 73, [r"ledger\.db", r"exists"])

    # Files that are not a ledger: refused with 74, and left exactly as they were.
    def not_a_ledger(name, make, command, status=74, patterns=None):
        path = os.path.join(work, "notledger.db")
        remove_ledger(path)
        make(path)
        before = read_bytes(path)
        h.fresh()
        with open(os.path.join(work, "good.jsonl"), "wb") as out:
            out.write(jsonl(GOOD_1))
        result = run(h.fundledger, ["--db", "notledger.db"] + command, work)
        label = f"--db {name}, {command[0]}"
        h.expect(label, result, status, patterns or [r"notledger\.db", r"not a fundledger ledger"],
                 f"--db notledger.db {' '.join(command)}")
        after = read_bytes(path) if os.path.exists(path) else None
        if not h.checks.check(f"{label}: the file is left exactly as it was", after == before,
                              difference(before, after)):
            h.problems.append(f"{label}: the file is changed")
        leftovers = [s for s in ("-wal", "-shm") if os.path.exists(path + s)]
        h.checks.check(f"{label}: no -wal or -shm is left beside it", not leftovers, f"left: {leftovers}")
        remove_ledger(path)

    def text_file(path):
        with open(path, "w") as out:
            out.write("this is a text file, not a ledger\n" * 20)

    def foreign_sqlite(path):
        connection = sqlite3.connect(path)
        connection.execute("CREATE TABLE accounts (code TEXT, name TEXT)")
        connection.execute("INSERT INTO accounts VALUES ('1100', 'Cash')")
        connection.commit()
        connection.close()

    def empty_file(path):
        open(path, "wb").close()

    def garbage(path):
        with open(path, "wb") as out:
            out.write(bytes(range(256)) * 64)

    for name, make in (("a text file", text_file), ("another application's SQLite database", foreign_sqlite),
                       ("an empty file", empty_file), ("binary garbage", garbage)):
        not_a_ledger(name, make, ["import", "good.jsonl"])
        not_a_ledger(name, make, ["balances", "--format", "csv"])
    not_a_ledger("another application's SQLite database", foreign_sqlite, ["verify"])
    not_a_ledger("another application's SQLite database", foreign_sqlite,
                 ["receipt", "R-9", "--date", "2024-02-03", "--fund", "CPCJF", "--currency", "USD", "--amount", "1.00"])

    # A ledger that does not exist: 66, and it is not created.
    for command in (["balances"], ["import", "good.jsonl"], ["verify"]):
        remove_ledger(os.path.join(work, "nothere.db"))
        result = run(h.fundledger, ["--db", "nothere.db"] + command, work)
        label = f"--db a file that does not exist, {command[0]}"
        h.expect(label, result, 66, [r"nothere\.db"], f"--db nothere.db {' '.join(command)}")
        h.checks.check(f"{label}: no file is created", not os.path.exists(os.path.join(work, "nothere.db")))


# ---- the accepted cases ---------------------------------------------------------------------------

def accepted_section(h):
    def accepted(name, content, events, recorded, changes=True, via_stdin=False):
        h.fresh()
        if via_stdin:
            result = run(h.fundledger, ["--db", "ledger.db", "import", "-"], h.work, stdin=content)
        else:
            with open(os.path.join(h.work, "ok.jsonl"), "wb") as out:
                out.write(content)
            result = run(h.fundledger, ["--db", "ledger.db", "import", "ok.jsonl"], h.work)
        message = text(result.stderr)
        h.checks.check(f"accepted: {name}: exit 0, 'imported {events} events: {recorded} recorded'",
                       result.returncode == 0 and re.search(rf"imported {events} events: {recorded} recorded", message),
                       f"exit {result.returncode}, stderr {message[-400:]!r}")
        status, exported = export_of(h.fundledger, h.ledger, h.work)
        count = len(exported.splitlines())
        if changes:
            h.checks.check(f"accepted: {name}: the ledger holds {BASE_EVENTS + recorded} events, the base unchanged "
                           f"before them", count == BASE_EVENTS + recorded and exported.startswith(h.base_export),
                           f"{count} events")
        else:
            h.unchanged(f"accepted: {name}")
        result = run(h.fundledger, ["--db", "ledger.db", "verify"], h.work)
        h.checks.check(f"accepted: {name}: verify exits 0", result.returncode == 0, text(result.stderr))

    bom = b"\xef\xbb\xbf"
    accepted("a UTF-8 byte-order mark at the start", bom + jsonl(GOOD_1, GOOD_2), 2, 2)
    accepted("CRLF line ends", jsonl(GOOD_1, GOOD_2, GOOD_3, end="\r\n"), 3, 3)
    accepted("blank lines (empty, spaces, tabs, CRLF) between and after events",
             b"\n" + jsonl(GOOD_1) + b"\n   \n\t\n" + jsonl(GOOD_2) + b"\r\n\n", 2, 2)
    accepted("a byte-order mark, CRLF and blank lines together", bom + jsonl(GOOD_1, "", GOOD_2, "  ", GOOD_3,
                                                                           end="\r\n"), 3, 3)
    accepted("the last line without a newline", jsonl(GOOD_1) + GOOD_2.encode(), 2, 2)
    accepted("from standard input", jsonl(GOOD_1, GOOD_2), 2, 2, via_stdin=True)
    accepted("an empty file imports nothing", b"", 0, 0, changes=False)
    accepted("a file of blank lines imports nothing", b"\n\r\n  \n", 0, 0, changes=False)
    accepted("a file holding only a byte-order mark imports nothing", bom, 0, 0, changes=False)
    accepted("an empty standard input imports nothing", b"", 0, 0, changes=False, via_stdin=True)
    # The same events again: recorded once, so nothing changes.
    h.fresh()
    with open(os.path.join(h.work, "again.jsonl"), "wb") as out:
        out.write(jsonl(*[line(e) for e in SETUP if e["type"] != "period_close"]))
    result = run(h.fundledger, ["--db", "ledger.db", "import", "again.jsonl"], h.work)
    n = len(SETUP) - 1
    h.checks.check(f"accepted: the setup events imported again: exit 0, 'imported {n} events: 0 recorded, {n} already "
                   f"recorded'", result.returncode == 0 and
                   f"imported {n} events: 0 recorded, {n} already recorded" in text(result.stderr),
                   f"exit {result.returncode}, {text(result.stderr)!r}")
    h.unchanged("accepted: the setup events imported again")


def body(checks, fundledger, work):
    base = os.path.join(work, "base.db")
    result = run(fundledger, ["--db", base, "init"], work)
    checks.check("init the base ledger", result.returncode == 0, text(result.stderr))
    with open(os.path.join(work, "setup.jsonl"), "wb") as out:
        out.write(jsonl(*[line(e) for e in SETUP]))
    result = run(fundledger, ["--db", base, "import", "setup.jsonl"], work)
    checks.check("import the base ledger's master data and entries, and close January", result.returncode == 0,
                 text(result.stderr))
    for suffix in ("-wal", "-shm"):
        if os.path.exists(base + suffix) and os.path.getsize(base + suffix) > 0 and suffix == "-wal":
            checks.check("the base ledger is checkpointed (no WAL left)", False)
    h = Harness(checks, fundledger, work)
    status, h.base_export = export_of(fundledger, base, work)
    export_lines = h.base_export.decode().splitlines()
    checks.check(f"the base ledger exports {BASE_EVENTS} events", status == 0 and len(export_lines) == BASE_EVENTS,
                 f"{len(export_lines)} lines")
    h.base_bytes = read_bytes(base)

    import_section(h)
    replay_section(h, export_lines)
    cli_section(h)
    accepted_section(h)
    print(f"bad input cases: {h.cases} (import, replay and command line), each checked for its exit status, "
          f"its message and an unchanged ledger")
    if h.problems:
        print(f"cases where the program misbehaved: {len(h.problems)}")
        for problem in h.problems:
            print(f"  - {problem}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    args = parser.parse_args()
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-bad-input-") as work:
            body(checks, fundledger, work)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
