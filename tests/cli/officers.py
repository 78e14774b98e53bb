#!/usr/bin/env python3
"""What a finance officer sees and types: master data, amendments, messages, widths and exit codes.

Runs the built program as an officer would and checks, with exact expected text:

  * the list commands (account, fund, donor, project, rate, setting) as a table, CSV and JSON, the
    rate in force on a day, and the note on stderr when there is nothing to list;
  * `donor amend`: the names in force at a report's last day (Turkey before 2022-06-01, Türkiye
    from then), the history kept in the journal, an amendment in a closed month refused;
  * tables aligned by display width, not bytes, with "Côte d'Ivoire", "Türkiye" and "Curaçao";
  * one rule for a command-line value that cannot be read: exit 64 naming the option (a bad date, a
    bad amount, a month that is no month, a category outside its list, `--format 1`), while a
    well-formed value the ledger refuses (an unknown donor) is 65; every error begins with
    "fundledger: error:";
  * each group command's --help shows its own examples;
  * the messages: an over-payment says how much went to 2100 and `pledge show` shows it; an
    overdraft names --allow-overdraft; an id met twice in one import names the earlier line;
  * `pledges --as-of` and `--format json|csv`, `pledge show --format csv|json` with currencies;
  * a PSC fund's own spending carries no PSC; aging counts an instalment due on the day as not due;
  * a report without --period covers the fiscal year to the latest closed month and says so;
  * the README's five-minute tour runs as written.

Usage: python3 officers.py --fundledger PATH
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402 - shared by the CLI tests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def width(text):
    """Display width as a terminal counts it: combining marks 0, East Asian wide 2."""
    total = 0
    for c in text:
        if unicodedata.combining(c):
            continue
        total += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return total


class Officer:
    def __init__(self, fundledger, directory):
        self.fundledger = fundledger
        self.directory = directory
        self.env = dict(os.environ)
        self.env["FUNDLEDGER_DB"] = os.path.join(directory, "ledger.db")
        self.env.pop("NO_COLOR", None)

    def run(self, *args, stdin=None):
        result = subprocess.run([self.fundledger] + list(args), cwd=self.directory, env=self.env,
                                capture_output=True, input=(stdin or "").encode(), timeout=120)
        return result.returncode, result.stdout.decode(), result.stderr.decode()

    def ok(self, *args):
        code, out, err = self.run(*args)
        if code != 0:
            raise RuntimeError(f"{' '.join(args)} exited {code}: {err}")
        return out, err


def setup(officer):
    steps = [
        ["init"],
        ["fund", "add", "CPCJF", "--name", "Crime Prevention and Criminal Justice Fund", "--kind", "general"],
        ["fund", "add", "PSC", "--name", "Programme support costs", "--kind", "psc"],
        ["setting", "set", "psc_fund", "PSC"],
        ["donor", "add", "TUR", "--name", "Turkey", "--category", "government", "--country", "TR"],
        ["donor", "add", "CIV", "--name", "Côte d'Ivoire", "--category", "government", "--country", "CI"],
        ["donor", "add", "CUW", "--name", "Curaçao", "--category", "government", "--country", "CW"],
        ["donor", "add", "FRA", "--name", "France", "--category", "government", "--country", "FR"],
        ["rate", "set", "EUR", "0.90", "--effective", "2022-01-01"],
        ["rate", "set", "EUR", "0.95", "--effective", "2022-07-01"],
        ["rate", "set", "GBP", "0.80", "--effective", "2022-01-01"],
    ]
    for step in steps:
        officer.ok(*step)


def check_lists(checks, officer):
    out, _ = officer.ok("rate", "list", "--format", "csv")
    checks.check("rate list --format csv: every rate recorded",
                 out == "currency,effective,per_usd\nEUR,2022-01-01,0.90\nEUR,2022-07-01,0.95\nGBP,2022-01-01,0.80\n", out)
    out, _ = officer.ok("rate", "list", "--currency", "EUR", "--as-of", "2022-06-30", "--format", "json")
    checks.check("rate list --currency EUR --as-of 2022-06-30: the rate in force, as JSON",
                 json.loads(out) == {"list": "rates", "columns": ["currency", "effective", "per_usd"],
                                     "rows": [{"currency": "EUR", "effective": "2022-01-01", "per_usd": "0.90"}]}, out)
    code, out, err = officer.run("rate", "list", "--currency", "EUR", "--as-of", "2021-12-31")
    checks.check("rate list with nothing in force: empty stdout, a note on stderr, exit 0",
                 code == 0 and out == "" and err == "no rates to list\n", f"{code} {out!r} {err!r}")
    out, _ = officer.ok("fund", "list", "--format", "csv")
    checks.check("fund list --format csv", out == "code,name,kind,parent\n"
                 "CPCJF,Crime Prevention and Criminal Justice Fund,general,\nPSC,Programme support costs,psc,\n", out)
    out, _ = officer.ok("account", "list", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    checks.check("account list --format csv: the standard chart, 1100 first",
                 rows[0] == ["code", "name", "class"] and rows[1][0] == "1100" and rows[1][2] == "asset"
                 and any(r[0] == "2100" and r[2] == "liability" for r in rows), out)
    out, _ = officer.ok("setting", "list", "--format", "json")
    settings = {(r["key"], r["effective"]): r["value"] for r in json.loads(out)["rows"]}
    checks.check("setting list --format json: psc_fund PSC from the beginning, psc_rate 0.13",
                 settings.get(("psc_fund", "from the beginning")) == "PSC"
                 and settings.get(("psc_rate", "from the beginning")) == "0.13", out)
    out, _ = officer.ok("project", "list")
    checks.check("project list with no project", out == "", out)


def check_widths(checks, officer):
    out, _ = officer.ok("donor", "list")
    lines = out.rstrip("\n").split("\n")
    checks.check("donor list: four donors under a header and a rule", len(lines) == 6, out)
    # Every column starts at the same display column on every line: "Category" and "government".
    starts = set()
    for line in lines[:1] + lines[2:]:
        match = re.search(r"(Category|government)", line)
        starts.add(width(line[:match.start()]) if match else -1)
    checks.check("donor list: columns aligned by display width with Côte d'Ivoire and Curaçao", len(starts) == 1,
                 out)
    checks.check("donor list: the rule as wide as the widest line",
                 width(lines[1]) == max(width(line) for line in lines), out)


def check_amend(checks, officer):
    officer.ok("pledge", "TUR-2022", "--donor", "TUR", "--fund", "CPCJF", "--purpose", "general", "--currency", "EUR",
               "--amount", "90000.00", "--signed", "2022-03-01")
    out, err = officer.ok("donor", "amend", "TUR", "--effective", "2022-06-01", "--name", "Türkiye")
    checks.check("donor amend: says what it recorded", err.startswith("amended donor TUR from 2022-06-01 (seq "), err)
    before, _ = officer.ok("report", "contributions", "--as-of", "2022-05-31", "--format", "csv")
    after, _ = officer.ok("report", "contributions", "--as-of", "2022-06-30", "--format", "csv")
    checks.check("report at 2022-05-31: the name then in force, Turkey", ",TUR,Turkey,CPCJF," in before, before)
    checks.check("report at 2022-06-30: the name in force at its end, Türkiye", ",TUR,Türkiye,CPCJF," in after, after)
    out, _ = officer.ok("donor", "list", "--as-of", "2022-05-31", "--format", "csv")
    checks.check("donor list --as-of 2022-05-31: Turkey", "TUR,Turkey,government,TR" in out, out)
    out, _ = officer.ok("export")
    amendments = [json.loads(line) for line in out.splitlines() if '"type":"amend"' in line]
    checks.check("the journal keeps the amendment, dated",
                 len(amendments) == 1 and amendments[0]["name"] == "Türkiye"
                 and amendments[0]["effective"] == "2022-06-01" and amendments[0]["id"] == "AMD-donor-TUR-2022-06-01-name",
                 amendments)
    officer.ok("rate", "set", "EUR", "0.91", "--effective", "2022-02-01")
    officer.ok("rate", "set", "EUR", "0.92", "--effective", "2022-03-01")
    officer.ok("period", "close", "2022-03")
    code, _, err = officer.run("donor", "amend", "CIV", "--effective", "2022-03-15", "--name", "Ivory Coast")
    checks.check("donor amend in a closed month: exit 65, naming --effective and the closed period",
                 code == 65 and err == "fundledger: error: --effective: amend AMD-donor-CIV-2022-03-15-name takes effect on "
                 "2022-03-15, in period 2022-03, which is closed (periods are closed up to 2022-03); make it effective "
                 "in an open period, or reopen the period first\n", f"{code} {err}")


def check_exit_codes(checks, officer):
    cases = [
        ("a pledge signed on the 13th month",
         ["pledge", "X-1", "--donor", "FRA", "--fund", "CPCJF", "--purpose", "general", "--currency", "EUR",
          "--amount", "100.00", "--signed", "2024-13-01"], 64,
         'fundledger: error: --signed: invalid date "2024-13-01": expected a real day written YYYY-MM-DD\n'),
        ("an amount that is no number",
         ["pledge", "X-1", "--donor", "FRA", "--fund", "CPCJF", "--purpose", "general", "--currency", "EUR",
          "--amount", "1x00", "--signed", "2024-01-01"], 64,
         'fundledger: error: --amount: invalid decimal "1x00": expected digits with an optional sign and decimal '
         'point, like -1234.56\n'),
        ("period close 2025-1", ["period", "close", "2025-1"], 64,
         "fundledger: error: period 2025-1: expected a month like 2024-03\n"),
        ("period close 2025-Q1", ["period", "close", "2025-Q1"], 64,
         "fundledger: error: period 2025-Q1: expected a month like 2024-03 (periods close by month)\n"),
        ("balances --as-of 30 February", ["balances", "--as-of", "2024-02-30"], 64,
         'fundledger: error: --as-of 2024-02-30: invalid date "2024-02-30": expected a real day written YYYY-MM-DD\n'),
        ("a category outside its list", ["donor", "add", "DEU", "--name", "Germany", "--category", "governmnet"], 64,
         'fundledger: error: --category: invalid value "governmnet": expected government, financial-institution, '
         'un-entity, intergovernmental, ngo, foundation, private or other\n'),
        ("a country that is no ISO code", ["donor", "add", "DEU", "--name", "Germany", "--country", "Germany"], 64,
         'fundledger: error: --country: invalid value "Germany": expected an ISO 3166-1 alpha-2 country code, '
         'like "DE" or "CI"\n'),
        ("a well-formed donor code the ledger does not know",
         ["pledge", "X-1", "--donor", "FRB", "--fund", "CPCJF", "--purpose", "general", "--currency", "EUR",
          "--amount", "100.00", "--signed", "2024-01-01"], 65,
         'fundledger: error: --donor: unknown donor "FRB"\n'),
    ]
    for name, args, status, message in cases:
        code, out, err = officer.run(*args)
        checks.check(f"{name}: exit {status} and the message", code == status and err == message and out == "",
                     f"exit {code}\n{err}")
    code, _, err = officer.run("fund", "list", "--format", "1")
    checks.check("fund list --format 1: a choice given by number is refused (64)",
                 code == 64 and err.startswith("fundledger: error: --format: 1 not in {table,csv,json}"), f"{code} {err}")
    code, _, err = officer.run("pledge", "X-1", "--donor", "FRA", "--fund", "CPCJF", "--purpose", "1", "--currency",
                               "EUR", "--amount", "100.00", "--signed", "2024-01-01")
    checks.check("pledge --purpose 1: refused (64), naming the choices",
                 code == 64 and err == 'fundledger: error: --purpose: invalid value "1": expected general or special\n',
                 f"{code} {err}")
    code, _, err = officer.run("fund", "frobnicate")
    checks.check("an unknown subcommand: 64 with the prefix", code == 64 and err.startswith("fundledger: error:"),
                 f"{code} {err}")
    out, _ = officer.ok("fund", "add", "--help")
    checks.check("--help lists a choice by name, not by number",
                 "--kind :{general,special,psc} REQUIRED" in out and "->" not in out and "{1," not in out, out)


def check_help(checks, officer):
    for group, example in [("fund", "fundledger fund list"), ("donor", "fundledger donor amend TUR"),
                           ("rate", "fundledger rate list --currency EUR"), ("period", "fundledger period close"),
                           ("project", "fundledger project add"), ("account", "fundledger account list"),
                           ("setting", "fundledger setting list")]:
        out, _ = officer.ok(group, "--help")
        checks.check(f"{group} --help shows its own examples", "Examples:" in out and example in out
                     and "fundledger pledge DEU-2024-01" not in out, out)


def check_messages(checks, officer):
    officer.ok("pledge", "FRA-2024", "--donor", "FRA", "--fund", "CPCJF", "--purpose", "general", "--currency", "EUR",
               "--amount", "300000.00", "--signed", "2024-01-10")
    _, err = officer.ok("receipt", "BNK-1", "--date", "2024-02-01", "--fund", "CPCJF", "--currency", "EUR",
                        "--amount", "310000.00", "--pledge", "FRA-2024")
    checks.check("an over-payment says how much is held in 2100",
                 "note: EUR 10000.00 is more than pledge FRA-2024 had outstanding: it is held for donor FRA as an "
                 "advance (2100), to apply to another pledge (apply --receipt) or to refund (refund --receipt)\n" in err,
                 err)
    out, _ = officer.ok("pledge", "show", "FRA-2024")
    checks.check("pledge show: the amount held beyond the pledge",
                 "paid beyond the pledge: 10,000.00 EUR, held for the donor as an advance (2100); 10,000.00 EUR still "
                 "held" in out, out)
    out, _ = officer.ok("pledge", "show", "FRA-2024", "--format", "csv")
    lines = out.splitlines()
    checks.check("pledge show --format csv: one amount per line with its currency",
                 lines[0] == "section,item,date,seq,event,amount,currency"
                 and "figure,pledged,,,,300000.00,EUR" in lines and "figure,held_as_advance,,,,10000.00,EUR" in lines
                 and "figure,carrying_usd,,,,0.00,USD" in lines
                 and "instalment,paid,2024-01-10,,,300000.00,EUR" in lines
                 and all(line.rsplit(",", 1)[1] in ("EUR", "USD") for line in lines[1:]), out)
    shown = json.loads(officer.ok("pledge", "show", "FRA-2024", "--format", "json")[0])
    checks.check("pledge show --format json: the currency beside every amount",
                 shown["currency"] == "EUR" and shown["held_as_advance"] == "10000.00"
                 and all(i["currency"] == "EUR" for i in shown["installments"])
                 and all(m["currency"] == "EUR" and "usd" in m for m in shown["movements"]), shown)

    code, _, err = officer.run("expense", "EXP-1", "--fund", "CPCJF", "--date", "2024-02-02", "--currency", "USD",
                               "--amount", "900000.00", "--category", "programme")
    checks.check("an overdraft: exit 65 naming --allow-overdraft",
                 code == 65 and err == "fundledger: error: expense EXP-1 of 1017000.00 USD (with PSC) is more than the "
                 "cash of fund CPCJF (326315.79 USD); record it with allow_overdraft (--allow-overdraft) to spend "
                 "beyond it\n", f"{code} {err}")

    journal = "\n".join([
        '{"type":"receipt","id":"DUP-1","date":"2024-02-03","fund":"CPCJF","currency":"USD","amount":"10.00","donor":"FRA"}',
        '{"type":"receipt","id":"OK-2","date":"2024-02-03","fund":"CPCJF","currency":"USD","amount":"20.00","donor":"FRA"}',
        '{"type":"receipt","id":"DUP-1","date":"2024-02-03","fund":"CPCJF","currency":"USD","amount":"11.00","donor":"FRA"}',
    ]) + "\n"
    path = os.path.join(officer.directory, "dup.jsonl")
    with open(path, "w") as f:
        f.write(journal)
    code, _, err = officer.run("import", "dup.jsonl")
    receipt = '{{"type":"receipt","id":"{}","date":"2024-02-03","fund":"CPCJF","currency":"USD","amount":"{}","donor":"FRA"}}'
    with open(os.path.join(officer.directory, "dup2.jsonl"), "w") as f:
        f.write("\n".join([receipt.format("RUN-1", "1.00"), "", receipt.format("RUN-2", "2.00"),
                           receipt.format("RUN-1", "1.00"), receipt.format("RUN-3", "3.00"),
                           receipt.format("RUN-4", "4.00"), receipt.format("RUN-2", "2.50")]) + "\n")
    code2, _, err2 = officer.run("import", "dup2.jsonl")
    checks.check("... also after a blank line and a line already recorded (the lines counted right)",
                 code2 == 65 and err2 == 'fundledger: error: dup2.jsonl:7: field "id": id "RUN-2" is already '
                 'recorded (line 3 of dup2.jsonl, earlier in this import) with a different body\n', f"{code2} {err2}")
    checks.check("an id met twice in one import names the earlier line, not a seq that was rolled back",
                 code == 65 and err == 'fundledger: error: dup.jsonl:3: field "id": id "DUP-1" is already recorded '
                 '(line 1 of dup.jsonl, earlier in this import) with a different body\n', f"{code} {err}")


def check_pledges(checks, officer):
    listing = json.loads(officer.ok("pledges", "--as-of", "2022-12-31", "--format", "json")[0])
    checks.check("pledges --as-of --format json: an object like the reports, with project, deferred, allowance",
                 listing["list"] == "pledges" and listing["as_of"] == "2022-12-31"
                 and [r["pledge"] for r in listing["rows"]] == ["TUR-2022"]
                 and {"project", "deferred", "allowance"} <= set(listing["columns"])
                 and listing["rows"][0]["outstanding"] == "90000.00", listing)
    out, _ = officer.ok("pledges", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    checks.check("pledges --format csv: every pledge with its figures",
                 [(r["pledge"], r["status"], r["received"]) for r in rows]
                 == [("TUR-2022", "open", "0.00"), ("FRA-2024", "paid", "300000.00")], out)


def check_psc_and_aging(checks, officer):
    officer.ok("receipt", "PSC-IN", "--date", "2024-02-05", "--fund", "PSC", "--currency", "USD", "--amount",
               "5000.00")
    officer.ok("expense", "PSC-OWN", "--fund", "PSC", "--date", "2024-02-06", "--currency", "USD", "--amount",
               "1000.00", "--category", "programme")
    out, _ = officer.ok("balances", "--group-by", "account,fund", "--format", "csv")
    psc_rows = [line for line in out.splitlines() if line.startswith(("5300,", "4300,"))]
    checks.check("a PSC fund's own spending carries no PSC: no 5300 or 4300 in the PSC fund",
                 not any(",PSC," in line for line in psc_rows), psc_rows)
    # TUR-2022 fell due on signing, 2022-03-01: not yet overdue on that day, overdue the day after.
    on_day = officer.ok("report", "aging", "--as-of", "2022-03-01", "--format", "csv")[0]
    day_after = officer.ok("report", "aging", "--as-of", "2022-03-02", "--format", "csv")[0]
    header = on_day.splitlines()[0].split(",")
    due = dict(zip(header, next(line for line in on_day.splitlines() if ",TUR," in line).split(",")))
    late = dict(zip(header, next(line for line in day_after.splitlines() if ",TUR," in line).split(",")))
    checks.check("aging: due on the day itself is not yet due (100,000.00 USD at 0.90)",
                 due["not_due"] == "100000.00" and due["overdue_0_1"] == "0.00", due)
    checks.check("aging: the day after, overdue 0-1 year",
                 late["not_due"] == "0.00" and late["overdue_0_1"] == "100000.00", late)


def check_default_span(checks, officer):
    _, err = officer.ok("report", "trial-balance")
    checks.check("a report without --period: the fiscal year to the latest closed month, said on stderr",
                 err == "covering 2022-01-01 to 2022-03-31: the fiscal year to the end of the latest closed month, "
                 "2022-03; give --period or --as-of for another span\n", err)
    _, err = officer.ok("report", "trial-balance", "--period", "2024")
    checks.check("a report with --period says nothing of a default", err == "", err)


def check_readme_tour(checks, fundledger):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    tour = readme.split("## A five-minute tour for a finance officer", 1)[1].split("```", 2)[1]
    with tempfile.TemporaryDirectory() as directory:
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(os.path.abspath(fundledger)) + os.pathsep + env["PATH"]
        env.pop("FUNDLEDGER_DB", None)
        result = subprocess.run(["bash", "-e", "-c", tour], cwd=directory, env=env, capture_output=True, timeout=300)
        err = result.stderr.decode()
        checks.check("the README's tour runs as written", result.returncode == 0, err)
        balances = subprocess.run([fundledger, "--db", os.path.join(directory, "cpcjf.db"), "balances", "--format",
                                   "csv"], capture_output=True, timeout=60).stdout.decode()
        # 13% of EUR 120,000.00 is 15,600.00 EUR, at March's 0.925: 16,864.86 USD.
        checks.check("the tour's expense earns its PSC in the PSC fund: 13% of 120,000.00 EUR, in USD",
                     "4300,PSC,0.00,16864.86,-16864.86" in balances.splitlines(), balances)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True)
    args = parser.parse_args()
    checks = Checks()
    with tempfile.TemporaryDirectory() as directory:
        officer = Officer(os.path.abspath(args.fundledger), directory)
        setup(officer)
        check_lists(checks, officer)
        check_widths(checks, officer)
        check_amend(checks, officer)
        check_exit_codes(checks, officer)
        check_help(checks, officer)
        check_messages(checks, officer)
        check_pledges(checks, officer)
        check_psc_and_aging(checks, officer)
        check_default_span(checks, officer)
    check_readme_tour(checks, args.fundledger)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
