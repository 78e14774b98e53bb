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

HERE = os.path.dirname(os.path.abspath(__file__))
LEDGER = os.path.normpath(os.path.join(HERE, "..", "reports", "ledger.jsonl"))
GOLDEN = os.path.normpath(os.path.join(HERE, "..", "reports", "golden"))

REPORTS = ["trial-balance", "financial-position", "financial-performance", "net-assets", "contributions", "aging",
           "cash-flow"]
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
                from_json = [{k: ("" if v is None else v) for k, v in row.items()} for row in document["rows"]]
                ok = from_csv == from_json and document["report"] == report
                detail = "" if ok else f"csv {from_csv[:2]}...\njson {from_json[:2]}..."
            except (ValueError, KeyError) as error:
                ok, detail = False, f"{type(error).__name__}: {error}"
            checks.check(f"{report} {scope}: the CSV and JSON forms carry the same rows", ok, detail)


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


def by_line(rows):
    return {row["line"]: row for row in rows}


def amount(row, column):
    return Decimal(row[column]) if row.get(column) not in (None, "") else Decimal(0)


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

        rows = {report: csv_rows(outputs[(report, scope, "csv")]) for report in REPORTS}

        # The trial balance.
        tb = rows["trial-balance"]
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

        # The statement of financial position.
        fp = by_line(rows["financial-position"])
        cash = per_column(end, "1100")
        fp_ok = all(amount(fp["Total assets"], c) == amount(fp["Total liabilities and net assets"], c)
                    == amount(fp["Total liabilities"], c) + amount(fp["Total net assets"], c) for c in columns)
        checks.check(f"financial position {label}: total assets = total liabilities + total net assets in "
                     f"every fund column ({', '.join(columns)})", fp_ok,
                     f"{fp.get('Total assets')}\n{fp.get('Total liabilities and net assets')}")
        line = fp["Cash and cash equivalents (share of the cash pool)"]
        checks.check(f"financial position {label}: cash is the 1100 balance of each fund as of {last_day}",
                     all(amount(line, c) == cash[c] for c in columns), f"{line} against {cash}")

        # Changes in net assets against performance and position.
        na = {row["fund"]: row for row in rows["net-assets"]}
        surplus = by_line(rows["financial-performance"])["Surplus/(deficit)"]
        for fund in funds + ["Total"]:
            row = na.get(fund, {})
            column = "total" if fund == "Total" else fund
            derived = amount(row, "closing") - amount(row, "opening") - amount(row, "transfers") - amount(row, "other")
            checks.check(f"net assets {label}, {fund}: closing - opening - transfers - other = surplus = the "
                         f"statement of financial performance's surplus ({surplus.get(column)}), and closing = total "
                         f"net assets of the statement of financial position",
                         derived == amount(row, "surplus") == amount(surplus, column)
                         and amount(row, "closing") == amount(fp["Total net assets"], column),
                         f"net assets {row}, performance {surplus.get(column)}, position "
                         f"{fp['Total net assets'].get(column)}")

        # Contributions and aging against the receivable.
        receivable = account_total(end, "1200", funds)
        allowance = -account_total(end, "1290", funds)
        advances = -account_total(end, "2100", funds)
        if funds == ALL_FUNDS:
            by_account = balances_by_account(fl, last_day)
            checks.check(f"balances --as-of {last_day} --group-by account agrees with the sum by fund for 1200, "
                         f"1290 and 2100",
                         by_account.get("1200", Decimal(0)) == receivable
                         and -by_account.get("1290", Decimal(0)) == allowance
                         and -by_account.get("2100", Decimal(0)) == advances, str(by_account))
        contributions = rows["contributions"][-1]
        checks.check(f"contributions {label}: total outstanding = the 1200 balance ({receivable}), total advances = "
                     f"the 2100 credit balance ({advances})",
                     contributions.get("row_kind") == "total" and amount(contributions, "outstanding") == receivable
                     and amount(contributions, "advances") == advances, str(contributions))
        lines = [row for row in rows["contributions"] if row["row_kind"] == "line"]
        checks.check(f"contributions {label}: the lines add up to the total",
                     all(sum((amount(row, c) for row in lines), Decimal(0)) == amount(contributions, c)
                         for c in ("pledged_usd", "received_prior", "received_period", "reductions_refunds",
                                   "outstanding", "advances")), str(contributions))
        aging = rows["aging"][-1]
        buckets = ["not_due", "overdue_0_1", "overdue_1_2", "overdue_2_3", "overdue_3_4", "overdue_4_plus"]
        checks.check(f"aging {label}: total = the 1200 balance ({receivable}), allowance = the 1290 credit balance "
                     f"({allowance}), net = 1200 less the allowance ({receivable - allowance})",
                     aging.get("row_kind") == "total" and amount(aging, "total") == receivable
                     and amount(aging, "allowance") == allowance and amount(aging, "net") == receivable - allowance
                     and sum((amount(aging, b) for b in buckets), Decimal(0)) == receivable, str(aging))

        # Cash flow.
        flow = by_line(rows["cash-flow"])
        opening_cash = per_column(start, "1100")
        movement_lines = [name for name in flow if name not in ("Opening cash", "Net change in cash", "Closing cash")]
        flow_ok = all(
            amount(flow["Opening cash"], c) == opening_cash[c]
            and amount(flow["Opening cash"], c) + amount(flow["Net change in cash"], c) == amount(flow["Closing cash"], c)
            == cash[c]
            and sum((amount(flow[name], c) for name in movement_lines), Decimal(0)) == amount(flow["Net change in cash"], c)
            for c in columns)
        checks.check(f"cash flow {label}: opening = 1100 as of {day_before}, opening + net change = closing = 1100 as "
                     f"of {last_day}, the lines add up to the net change, in every fund column", flow_ok,
                     f"opening {flow.get('Opening cash')}\nnet {flow.get('Net change in cash')}\n"
                     f"closing {flow.get('Closing cash')}\n1100 {cash}")


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
