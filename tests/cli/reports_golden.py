#!/usr/bin/env python3
"""The period-close report pack against golden files, and the figures of the reports against each other.

tests/reports/ledger.jsonl (three funds, four donors, EUR/GBP/JPY rates moving every month of 2024,
pledges, receipts, expenditure with PSC, interest, a transfer, a refund, an allowance, the closes of
2024-01 .. 2024-12, then a few events of 2025) is imported into a new ledger. Then:

  * every report (trial-balance, financial-position, financial-performance, net-assets,
    contributions, aging, cash-flow) in every format (table, csv, json) for each scope (--period
    2024, --period 2024-Q2, --as-of 2025-01-31, --period 2024 --fund CPCJF, which includes UNTOC)
    must equal tests/reports/golden/<report>-<scope>.<format> byte for byte; a difference is printed
    as a unified diff. `--update` rewrites the golden files instead (review them by hand before
    committing: tests/reports/golden/README.md works a few lines of each report);
  * the CSV and JSON forms of each report carry the same rows;
  * the figures agree with each other and with `balances --as-of D` (D the last day in scope), for
    every scope and every fund column:
      - trial balance: each row's closing = opening + debits - credits and equals the balance of its
        account and fund; the totals of opening and closing are 0.00 and debits = credits;
      - financial position: total assets = total liabilities and net assets, and liabilities + net
        assets add up to that line; cash is the 1100 balance;
      - changes in net assets: closing - opening - transfers - other = surplus, that surplus equals
        the statement of financial performance's, and closing equals the total net assets of the
        statement of financial position;
      - contributions: total outstanding = the USD balance of 1200, total advances = the credit
        balance of 2100;
      - aging: total = the balance of 1200, allowance = the credit balance of 1290, net = 1200 less
        the allowance;
      - cash flow: opening = the 1100 balance the day before the period, opening + net change =
        closing = the 1100 balance on D, and the lines add up to the net change.

Usage: python3 reports_golden.py --fundledger PATH [--update] [--keep DIR]
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import csv
import datetime
import difflib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
import stores

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

HERE = os.path.dirname(os.path.abspath(__file__))
LEDGER = os.path.normpath(os.path.join(HERE, "..", "reports", "ledger.jsonl"))
GOLDEN = os.path.normpath(os.path.join(HERE, "..", "reports", "golden"))

REPORTS = ["trial-balance", "financial-position", "financial-performance", "net-assets", "cash-flow", "contributions",
           "aging", "budget", "donor-revenue", "partners"]
FORMATS = ["table", "csv", "json"]
# scope name -> (report options, first day, last day, funds in scope)
ALL_FUNDS = ["CPCJF", "PSC", "UNTOC"]
SCOPES = {
    "2024": (["--period", "2024"], "2024-01-01", "2024-12-31", ALL_FUNDS),
    "2024-Q2": (["--period", "2024-Q2"], "2024-04-01", "2024-06-30", ALL_FUNDS),
    "asof-2025-01-31": (["--as-of", "2025-01-31"], "2025-01-01", "2025-01-31", ALL_FUNDS),
    "CPCJF-2024": (["--period", "2024", "--fund", "CPCJF"], "2024-01-01", "2024-12-31", ["CPCJF", "UNTOC"]),
}


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail="", lines=25):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}")
            if detail:
                for line in str(detail).splitlines()[:lines]:
                    print(f"     {line}")
        return ok

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def text(data):
    return data.decode("utf-8", errors="replace")


class Program:
    def __init__(self, fundledger, work):
        self.fundledger = fundledger
        self.work = work

    def __call__(self, *args):
        env = dict(os.environ)
        env.pop("FUNDLEDGER_DB", None)
        env["NO_COLOR"] = "1"
        return subprocess.run([self.fundledger] + stores.current.rewrite(["--db", "ledger.db"] + list(args)), cwd=self.work, env=env,
                              capture_output=True, timeout=60)


def described(result):
    return f"exit {result.returncode}, stderr {text(result.stderr)[:600]!r}"


def csv_rows(data):
    return list(csv.DictReader(io.StringIO(text(data))))


def golden_name(report, scope, fmt):
    return f"{report}-{scope}.{fmt}"


# ---- golden files -------------------------------------------------------------------------------

def golden(checks, fl, update):
    outputs = {}
    for scope, (options, _, _, _) in SCOPES.items():
        for report in REPORTS:
            for fmt in FORMATS:
                name = golden_name(report, scope, fmt)
                result = fl("report", report, *options, "--format", fmt)
                outputs[(report, scope, fmt)] = result.stdout
                if result.returncode != 0:
                    checks.check(f"report {report} {' '.join(options)} --format {fmt} exits 0", False,
                                 described(result))
                    continue
                path = os.path.join(GOLDEN, name)
                if update:
                    with open(path, "wb") as f:
                        f.write(result.stdout)
                    print(f"UPDATED {name}")
                    continue
                expected = b""
                if os.path.exists(path):
                    with open(path, "rb") as f:
                        expected = f.read()
                ok = result.stdout == expected
                diff = ""
                if not ok:
                    diff = "".join(difflib.unified_diff(
                        text(expected).splitlines(True), text(result.stdout).splitlines(True),
                        f"golden/{name}", f"fundledger report {report} {' '.join(options)} --format {fmt}"))
                    if not os.path.exists(path):
                        diff = f"golden/{name} is missing (run with --update, then review it)\n" + diff
                checks.check(f"report {report} {' '.join(options)} --format {fmt} equals golden/{name}", ok, diff,
                             lines=80)
    if not update:
        expected_files = {golden_name(r, s, f) for r in REPORTS for s in SCOPES for f in FORMATS} | {"README.md"}
        stray = sorted(set(os.listdir(GOLDEN)) - expected_files)
        checks.check(f"tests/reports/golden holds the {len(expected_files) - 1} golden files and README.md, "
                     f"nothing else", not stray, f"not produced by any case: {stray}")
    return outputs


def csv_equals_json(checks, outputs):
    for scope in SCOPES:
        for report in REPORTS:
            try:
                from_csv = csv_rows(outputs[(report, scope, "csv")])
                document = json.loads(text(outputs[(report, scope, "json")]))
                keys = [row.pop("key", None) for row in document["rows"]]
                from_json = [{k: ("" if v is None else v) for k, v in row.items()} for row in document["rows"]]
                ok = from_csv == from_json and document["report"] == report and all(keys) and len(set(keys)) == len(keys)
                detail = "" if ok else f"csv {from_csv[:2]}...\njson {from_json[:2]}...\nkeys {keys}"
            except (ValueError, KeyError) as error:
                ok, detail = False, f"{type(error).__name__}: {error}"
            checks.check(f"{report} {scope}: the CSV and JSON forms carry the same rows, each JSON row with a key of "
                         f"its own", ok, detail)


# ---- cross-checks -------------------------------------------------------------------------------

def balances(fl, as_of):
    """USD balances by (account, fund) as of the day, from `balances --group-by account,fund`."""
    result = fl("balances", "--as-of", as_of, "--group-by", "account,fund", "--format", "csv")
    if result.returncode != 0:
        raise RuntimeError(f"balances --as-of {as_of}: {described(result)}")
    return {(row["account"], row["fund"]): Decimal(row["balance"]) for row in csv_rows(result.stdout)}


def balances_by_account(fl, as_of):
    result = fl("balances", "--as-of", as_of, "--group-by", "account", "--format", "csv")
    if result.returncode != 0:
        raise RuntimeError(f"balances --as-of {as_of} --group-by account: {described(result)}")
    return {row["account"]: Decimal(row["balance"]) for row in csv_rows(result.stdout)}


def account_total(by_account_fund, account, funds):
    return sum((by_account_fund.get((account, fund), Decimal(0)) for fund in funds), Decimal(0))


def by_key(outputs, report, scope):
    """The JSON rows of a report, by their key."""
    document = json.loads(text(outputs[(report, scope, "json")]))
    return {row["key"]: row for row in document["rows"]}


def amount(row, column):
    return Decimal(row[column]) if row.get(column) not in (None, "") else Decimal(0)


def check_trial_balance(checks, label, tb, start, end, funds, day_before, last_day):
    total = tb[-1] if tb else {}
    checks.check(f"trial balance {label}: the totals of opening and closing are 0.00, debits = credits "
                 f"({total.get('debit')})",
                 total.get("row_kind") == "total" and total.get("opening") == "0.00"
                 and total.get("closing") == "0.00" and total.get("debit") == total.get("credit"), str(total))
    bad = [row for row in tb[:-1]
           if amount(row, "opening") + amount(row, "debit") - amount(row, "credit") != amount(row, "closing")
           or amount(row, "closing") != end.get((row["account"], row["fund"]), Decimal(0))
           or amount(row, "opening") != start.get((row["account"], row["fund"]), Decimal(0))]
    missing = [key for key, value in end.items() if key[1] in funds and value != 0
               and not any((row["account"], row["fund"]) == key for row in tb)]
    checks.check(f"trial balance {label}: every row's closing = opening + debits - credits, opening and closing "
                 f"equal the balances of {day_before} and {last_day}, and no balance is missing",
                 not bad and not missing, f"rows {bad[:3]}, missing {missing[:3]}")


def check_statements(checks, label, rows, columns, per_column, end, start, tb):
    fp = rows["financial-position"]
    fp_ok = all(amount(fp["assets_total"], c) == amount(fp["liabilities_and_net_assets_total"], c)
                == amount(fp["liabilities_total"], c) + amount(fp["net_assets_total"], c) for c in columns)
    checks.check(f"financial position {label}: total assets = total liabilities + total net assets in every fund "
                 f"column ({', '.join(columns)})", fp_ok, f"{fp.get('assets_total')}\n{fp.get('net_assets_total')}")
    for key, account in (("cash", "1100"), ("advances_to_partners", "1400")):
        expected = per_column(end, account)
        checks.check(f"financial position {label}: {key} is the {account} balance of each fund",
                     all(amount(fp[key], c) == expected[c] for c in columns), f"{fp[key]} against {expected}")
    receivable = per_column(end, "1200")
    checks.check(f"financial position {label}: receivable current + non-current = the 1200 balance of each fund",
                 all(amount(fp["receivable_current"], c) + amount(fp["receivable_non_current"], c) == receivable[c]
                     for c in columns), f"{fp['receivable_current']}\n{fp['receivable_non_current']}\n{receivable}")

    na = rows["net-assets"]
    performance = rows["financial-performance"]
    for column in columns:
        derived = (amount(na["closing"], column) - amount(na["opening"], column) - amount(na["transfers"], column)
                   - amount(na["other"], column))
        checks.check(f"net assets {label}, {column}: closing - opening - transfers - other = surplus = the statement "
                     f"of financial performance's surplus, closing = total net assets of the position",
                     derived == amount(na["surplus"], column) == amount(performance["surplus"], column)
                     and amount(na["closing"], column) == amount(fp["net_assets_total"], column),
                     f"net assets {na}, performance {performance['surplus']}")

    # Eliminations: the PSC charged (5300 debits) and earned (4300 credits) within the scope; the total
    # column leaves out what both sides hold, the fund columns keep it.
    charged = sum((amount(row, "debit") for row in tb if row.get("account") == "5300"), Decimal(0))
    earned = sum((amount(row, "credit") for row in tb if row.get("account") == "4300"), Decimal(0))
    internal = max(Decimal(0), min(charged, earned))
    for key in ("revenue_eliminations", "expense_eliminations"):
        row = performance[key]
        checks.check(f"financial performance {label}: {key} is -{internal} (PSC charged {charged}, earned {earned}) in "
                     f"the total column alone",
                     amount(row, "total") == -internal and all(row[c] is None for c in columns if c != "total"),
                     str(row))
    revenue_lines = [r for k, r in performance.items() if r["row_kind"] == "line" and
                     list(performance).index(k) < list(performance).index("revenue_total")]
    for column in columns:
        checks.check(f"financial performance {label}, {column}: the revenue lines, eliminations included, add up to "
                     f"total revenue",
                     sum((amount(r, column) for r in revenue_lines), Decimal(0)) == amount(performance["revenue_total"],
                                                                                           column),
                     str(performance["revenue_total"]))


def check_contributions(checks, label, rows, end, start, funds):
    contributions = rows["contributions"]
    lines = [row for key, row in contributions.items() if row["row_kind"] == "line"]
    unfooted = [row for row in lines
                if amount(row, "receivable_opening") + amount(row, "recognized") - amount(row, "relieved")
                - amount(row, "reductions") - amount(row, "write_offs") + amount(row, "exchange_differences")
                != amount(row, "receivable_closing")]
    checks.check(f"contributions {label}: every row foots: receivable at start + recognized - relieved - reductions "
                 f"- write-offs + exchange differences = receivable at end ({len(lines)} rows)", not unfooted,
                 str(unfooted[:3]))
    total = contributions["total"]
    columns = [c for c in total if c not in ("row_kind", "key", "donor", "donor_name", "fund", "currency")]
    checks.check(f"contributions {label}: the rows add up to the total in every column",
                 all(sum((amount(row, c) for row in lines), Decimal(0)) == amount(total, c) for c in columns), str(total))
    receivable = account_total(end, "1200", funds)
    opening = account_total(start, "1200", funds)
    advances = -account_total(end, "2100", funds)
    checks.check(f"contributions {label}: the receivable at start and at end are the 1200 balances ({opening}, "
                 f"{receivable}), advances held the 2100 credit balance ({advances})",
                 amount(total, "receivable_opening") == opening and amount(total, "receivable_closing") == receivable
                 and amount(total, "advances_held") == advances, str(total))
    aging = rows["aging"]["total"]
    allowance = -account_total(end, "1290", funds)
    buckets = ["not_due", "overdue_0_1", "overdue_1_2", "overdue_2_3", "overdue_3_4", "overdue_4_plus"]
    checks.check(f"aging {label}: total = the 1200 balance ({receivable}), allowance = the 1290 credit balance "
                 f"({allowance}), net = 1200 less the allowance ({receivable - allowance})",
                 amount(aging, "total") == receivable and amount(aging, "allowance") == allowance
                 and amount(aging, "net") == receivable - allowance
                 and sum((amount(aging, b) for b in buckets), Decimal(0)) == receivable, str(aging))
    partners = rows["partners"]["total"]
    checks.check(f"partners {label}: outstanding USD = the 1400 balance",
                 amount(partners, "outstanding_usd") == account_total(end, "1400", funds), str(partners))
    revenue = rows["donor-revenue"]["total"]
    performance = rows["financial-performance"]
    expected = sum((amount(performance[k], "total") for k in ("contributions_general", "contributions_special",
                                                               "refunds_and_reductions")), Decimal(0))
    checks.check(f"donor revenue {label}: the total is the contribution revenue of the statement of financial "
                 f"performance, net of refunds and reductions ({expected})", amount(revenue, "amount") == expected,
                 str(revenue))


def check_cash_flow(checks, label, rows, columns, per_column, end, start, day_before, last_day):
    flow = rows["cash-flow"]
    opening_cash = per_column(start, "1100")
    cash = per_column(end, "1100")
    lines = [key for key, row in flow.items() if row["row_kind"] == "line" and key not in ("opening",)]
    flow_ok = all(
        amount(flow["opening"], c) == opening_cash[c]
        and amount(flow["opening"], c) + amount(flow["net_change"], c) == amount(flow["closing"], c) == cash[c]
        and sum((amount(flow[k], c) for k in lines), Decimal(0)) == amount(flow["net_change"], c)
        for c in columns)
    checks.check(f"cash flow {label}: cash at the beginning = 1100 as of {day_before}, beginning + net change = end "
                 f"= 1100 as of {last_day}, the lines add up to the net change, in every fund column", flow_ok,
                 f"opening {flow.get('opening')}\nnet {flow.get('net_change')}\nclosing {flow.get('closing')}\n"
                 f"1100 {cash}")


def cross_checks(checks, fl, outputs):
    for scope, (options, first_day, last_day, funds) in SCOPES.items():
        label = f"{scope} ({' '.join(options)})"
        end = balances(fl, last_day)
        day_before = (datetime.date.fromisoformat(first_day) - datetime.timedelta(days=1)).isoformat()
        start = balances(fl, day_before)
        columns = funds + ["total"]

        def per_column(by_account_fund, account):
            values = {fund: by_account_fund.get((account, fund), Decimal(0)) for fund in funds}
            values["total"] = sum(values.values(), Decimal(0))
            return values

        rows = {report: by_key(outputs, report, scope) for report in REPORTS}
        tb = csv_rows(outputs[("trial-balance", scope, "csv")])
        check_trial_balance(checks, label, tb, start, end, funds, day_before, last_day)
        check_statements(checks, label, rows, columns, per_column, end, start, tb)
        check_contributions(checks, label, rows, end, start, funds)
        check_cash_flow(checks, label, rows, columns, per_column, end, start, day_before, last_day)


def iati(checks, fl, work):
    """The IATI export of 2024 passes the 2.03 schema checks and holds the year's transactions."""
    import iati_check
    for key, value in (("iati_org_ref", "XM-EXAMPLE"), ("iati_org_name", "United Nations Office on Drugs and Crime")):
        result = fl("setting", "set", key, value)
        checks.check(f"setting {key} is recorded though 2024 is closed (it describes the publisher)",
                     result.returncode == 0, described(result))
    result = fl("export", "iati", "--period", "2024", "--out", "iati-2024.xml")
    checks.check("export iati --period 2024 exits 0 and says it wrote 14 transactions",
                 result.returncode == 0 and "exported 14 transactions" in text(result.stderr), described(result))
    path = os.path.join(work, "iati-2024.xml")
    problems = iati_check.check(path) if os.path.exists(path) else ["no file"]
    checks.check("the IATI file passes the checks of the 2.03 activity schema and its rules", not problems,
                 "\n".join(problems[:20]))
    if problems:
        return
    import xml.etree.ElementTree as ET
    root = ET.parse(path).getroot()
    activities = {a.findtext("iati-identifier"): a for a in root.findall("iati-activity")}
    checks.check("one activity per fund with transactions or budgets, and one for project GLOT59",
                 sorted(activities) == ["XM-EXAMPLE-CPCJF", "XM-EXAMPLE-UNTOC", "XM-EXAMPLE-UNTOC-GLOT59"],
                 str(sorted(activities)))
    types = {}
    for activity in activities.values():
        for t in activity.findall("transaction"):
            code = t.find("transaction-type").get("code")
            types.setdefault(code, []).append(t.find("value").text)
    checks.check("5 incoming commitments (4 pledges, 1 reduction of -50000.00), 5 incoming funds, 2 disbursements "
                 "(a grant, an advance), 2 expenditures",
                 len(types.get("11", [])) == 5 and "-50000.00" in types.get("11", []) and len(types.get("1", [])) == 5
                 and len(types.get("3", [])) == 2 and len(types.get("4", [])) == 2, str(types))
    budgets = [(b.get("type"), b.findtext("value")) for a in activities.values() for b in a.findall("budget")]
    checks.check("the budgets of 2024: CPCJF original 300000.00 and revised 250000.00, UNTOC 150000.00, GLOT59 "
                 "60000.00", sorted(budgets) == [("1", "150000.00"), ("1", "300000.00"), ("1", "60000.00"),
                                                ("2", "250000.00")], str(budgets))


def body(checks, fundledger, work, update):
    fl = Program(fundledger, work)
    result = fl("init")
    checks.check("init exits 0", result.returncode == 0, described(result))
    result = fl("import", LEDGER)
    checks.check("import of tests/reports/ledger.jsonl exits 0", result.returncode == 0, described(result))
    if result.returncode != 0:
        return
    result = fl("verify")
    checks.check("the imported ledger verifies", result.returncode == 0, described(result))
    outputs = golden(checks, fl, update)
    csv_equals_json(checks, outputs)
    cross_checks(checks, fl, outputs)
    iati(checks, fl, work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--update", action="store_true", help="rewrite the golden files from the program's output")
    parser.add_argument("--keep", help="work in this directory and leave it behind")
    stores.add_argument(parser)
    args = parser.parse_args()
    stores.use(args.store, "reports_golden")
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            for name in os.listdir(args.keep):  # a fresh ledger each time
                if name.endswith((".db", ".db-wal", ".db-shm")):
                    os.remove(os.path.join(args.keep, name))
            body(checks, fundledger, os.path.abspath(args.keep), args.update)
        else:
            with tempfile.TemporaryDirectory(prefix="fundledger-reports-") as work:
                body(checks, fundledger, work, args.update)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
