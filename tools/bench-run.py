#!/usr/bin/env python3
"""Runs the benchmark of tools/bench: times fundledger and ledger-cli on the same synthetic ledger,
checks that their balances agree, prints a table and writes it as CSV. Not a test: it measures."""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal


def run(command, stdout=subprocess.DEVNULL):
    """Runs a command; returns (seconds, peak resident MiB, stdout text or None)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE)
    output = process.stdout.read() if stdout == subprocess.PIPE else None
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    error = process.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{error.decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024, output.decode() if output is not None else None


def median_run(command, runs):
    results = [run(command) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fundledger", required=True)
    parser.add_argument("--jsonl", required=True)
    parser.add_argument("--journal", required=True, help="the same postings as a ledger-cli journal")
    parser.add_argument("--entries", type=int, required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--csv", required=True)
    args = parser.parse_args()
    fl = args.fundledger
    db = os.path.join(args.work, "bench.db")
    replayed = os.path.join(args.work, "replayed.db")
    exported = os.path.join(args.work, "export.jsonl")
    for path in (db, db + "-wal", db + "-shm", replayed, replayed + "-wal", replayed + "-shm", exported):
        if os.path.exists(path):
            os.remove(path)
    events = sum(1 for _ in open(args.jsonl))
    rows = []

    def record(operation, seconds, peak, count=None, unit=None):
        rate = f"{count / seconds:,.0f} {unit}/s" if count else ""
        rows.append({"operation": operation, "seconds": f"{seconds:.3f}", "rate": rate, "peak_mib": f"{peak:.0f}"})
        print(f"  {operation:<42} {seconds:9.3f} s  {rate:>22}  {peak:7.0f} MiB", flush=True)

    print(f"fundledger and ledger-cli on {args.entries:,} entries ({events:,} events)")
    run([fl, "--db", db, "init"])
    seconds, peak, _ = run([fl, "--db", db, "import", args.jsonl])
    record("fundledger import", seconds, peak, args.entries, "entries")
    import_seconds = seconds
    seconds, peak, _ = run([fl, "--db", db, "balances", "--format", "csv"])
    record("fundledger balances, right after import", seconds, peak)
    first_balances = seconds
    seconds, peak = median_run([fl, "--db", db, "balances", "--format", "csv"], args.runs)
    record(f"fundledger balances, warm (median of {args.runs})", seconds, peak)
    seconds, peak = median_run([fl, "--db", db, "report", "trial-balance", "--period", "2024", "--format", "csv"],
                               args.runs)
    record(f"fundledger report trial-balance 2024 (median of {args.runs})", seconds, peak)
    seconds, peak, _ = run([fl, "--db", db, "verify"])
    record("fundledger verify", seconds, peak, events, "events")
    seconds, peak, _ = run([fl, "--db", db, "export", "--out", exported])
    record("fundledger export", seconds, peak, events, "events")
    seconds, peak, _ = run([fl, "replay", exported, "--db", replayed])
    record("fundledger replay", seconds, peak, events, "events")
    ledger_runs = max(1, min(args.runs, 3))
    ledger_times = [run(["ledger", "-f", args.journal, "bal"]) for _ in range(ledger_runs)]
    ledger_seconds = statistics.median(r[0] for r in ledger_times)
    record(f"ledger-cli bal (median of {ledger_runs})", ledger_seconds, max(r[1] for r in ledger_times))
    ratio = (import_seconds + first_balances) / ledger_seconds
    print(f"\n  fundledger import + balances = {import_seconds + first_balances:.2f} s, "
          f"{ratio:.2f} x ledger-cli bal ({ledger_seconds:.2f} s); the target is 0.33 or less")
    rows.append({"operation": "ratio (import + balances) / ledger bal", "seconds": f"{ratio:.3f}", "rate": "",
                 "peak_mib": ""})

    # Both tools must agree on every balance, per account, fund and currency.
    _, _, ours = run([fl, "--db", db, "balances", "--group-by", "account,fund,currency", "--format", "csv"],
                     stdout=subprocess.PIPE)
    mine = {}
    for line in ours.splitlines()[1:]:
        account, fund, currency, _, _, balance = line.split(",")
        if Decimal(balance) != 0:
            mine[f"A{account}:{fund}:{currency}"] = Decimal(balance)
    _, _, theirs = run(["ledger", "-f", args.journal, "bal", "--flat", "--no-total", "--balance-format",
                        "%(account)|%(quantity(display_total))\n"], stdout=subprocess.PIPE)
    other = {}
    for line in theirs.splitlines():
        account, quantity = line.split("|")
        if Decimal(quantity) != 0:
            other[account] = Decimal(quantity)
    agree = mine == other
    print(f"  balances agree with ledger-cli: {'yes' if agree else 'NO'} ({len(mine)} balances)")
    rows.append({"operation": "balances agree with ledger-cli", "seconds": "", "rate": "yes" if agree else "no",
                 "peak_mib": ""})
    with open(args.csv, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["operation", "seconds", "rate", "peak_mib"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"\n  written to {args.csv}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
