#!/usr/bin/env python3
"""Runs the benchmark of tools/bench: times fundledger on the same synthetic ledger in an SQLite file
and in a PostgreSQL database (a throwaway server of its own), and ledger-cli; checks that their
balances agree, prints a table and writes it as CSV. Not a test: it measures."""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal


REPORTS = ["trial-balance", "financial-position", "financial-performance", "net-assets", "cash-flow",
           "contributions", "aging", "budget", "donor-revenue", "partners"]


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


def measure(fl, db, replayed, args, events, label, jsonl=None):
    """Times every operation on one store; returns {operation: (seconds, peak MiB, rate text)}."""
    results = {}
    jsonl = jsonl or args.jsonl

    def record(operation, seconds, peak, count=None, unit=None):
        rate = f"{count / seconds:,.0f} {unit}/s" if count else ""
        results[operation] = (seconds, peak, rate)
        print(f"  {label:<10} {operation:<50} {seconds:9.3f} s  {rate:>22}  {peak:7.0f} MiB", flush=True)

    exported = os.path.join(args.work, f"export-{label.lower().replace(' ', '-')}.jsonl")
    run([fl, "--db", db, "init"])
    seconds, peak, _ = run([fl, "--db", db, "import", jsonl])
    record("import", seconds, peak, events, "events")
    seconds, peak, _ = run([fl, "--db", db, "balances", "--format", "csv"])
    record("balances, right after import", seconds, peak)
    seconds, peak = median_run([fl, "--db", db, "balances", "--format", "csv"], args.runs)
    record(f"balances, warm (median of {args.runs})", seconds, peak)
    for report in REPORTS:
        seconds, peak = median_run([fl, "--db", db, "report", report, "--period", "2024", "--format", "csv"],
                                   args.runs)
        record(f"report {report} 2024 (median of {args.runs})", seconds, peak)
    seconds, peak, _ = run([fl, "--db", db, "verify"])
    record("verify", seconds, peak, events, "events")
    seconds, peak, _ = run([fl, "--db", db, "export", "--out", exported])
    record("export", seconds, peak, events, "events")
    seconds, peak, _ = run([fl, "replay", exported, "--db", replayed])
    record("replay", seconds, peak, events, "events")
    return results


def agree_with_ledger(fl, db, journal):
    """Whether fundledger and ledger-cli give the same balance per account, fund and currency."""
    _, _, ours = run([fl, "--db", db, "balances", "--group-by", "account,fund,currency", "--format", "csv"],
                     stdout=subprocess.PIPE)
    mine = {}
    for line in ours.splitlines()[1:]:
        account, fund, currency, _, _, balance = line.split(",")
        if Decimal(balance) != 0:
            mine[f"A{account}:{fund}:{currency}"] = Decimal(balance)
    _, _, theirs = run(["ledger", "-f", journal, "bal", "--flat", "--no-total", "--balance-format",
                        "%(account)|%(quantity(display_total))\n"], stdout=subprocess.PIPE)
    other = {}
    for line in theirs.splitlines():
        account, quantity = line.split("|")
        if Decimal(quantity) != 0:
            other[account] = Decimal(quantity)
    return mine == other, len(mine)


def floor(args, db, label):
    """The raw SQLite floor of the import into db: SQLite storing the same rows (events and postings)
    with prepared inserts, nothing else. None without the floor program."""
    if not args.floor:
        return None
    _, _, said = run([args.floor, db, os.path.join(args.work, "floor.db")], stdout=subprocess.PIPE)
    seconds = float(said.split(" in ")[1].split(" s")[0])
    print(f"  {label:<10} {'the floor: ' + said.split(': ')[1].split(' in ')[0]:<50} {seconds:9.3f} s", flush=True)
    return seconds


def rules_floors(args, label, events):
    """The floors of verify and replay on the export measure() wrote for label: the export read and
    its hashes checked, then the whole replay into a ledger held in memory, no store behind it
    (tests/bench/rules_floor.cpp). {name: (seconds, peak MiB, rate)}; empty without the program."""
    if not args.rules_floor:
        return {}
    exported = os.path.join(args.work, f"export-{label.lower().replace(' ', '-')}.jsonl")
    _, peak, said = run([args.rules_floor, exported], stdout=subprocess.PIPE)
    floors = {}
    for line in said.splitlines():
        name, figures = line.split(": ", 1)
        seconds = float(figures.split(" in ")[1].split(" s")[0])
        # The program's peak is the replay's, which keeps the journal in memory (its last line).
        floors[name] = (seconds, peak if name == "the rules in memory" else 0, f"{events / seconds:,.0f} events/s")
        print(f"  {label:<10} {'the floor of verify and replay, ' + name:<50} {seconds:9.3f} s  "
              f"{floors[name][2]:>22}", flush=True)
    return floors


def targets_of(results, events, floor_seconds, workload):
    """The targets every workload shares: (name, measured, target, met)."""
    def per_second(operation):
        return events / results[operation][0]

    import_seconds = results["import"][0]
    peak = max(results[operation][1] for operation in ("import", "export", "verify", "replay"))
    slowest_report = max((results[op][0], op) for op in results if op.startswith(("report", "balances, warm")))
    return [
        (f"{workload}: import / raw SQLite floor",
         f"{import_seconds / floor_seconds:.2f}x" if floor_seconds else "not run", "<= 2x",
         bool(floor_seconds) and import_seconds / floor_seconds <= 2),
        (f"{workload}: replay", f"{per_second('replay'):,.0f} events/s", ">= 150,000/s", per_second("replay") >= 150000),
        (f"{workload}: verify", f"{per_second('verify'):,.0f} events/s", ">= 500,000/s", per_second("verify") >= 500000),
        (f"{workload}: export", f"{per_second('export'):,.0f} events/s", ">= 400,000/s", per_second("export") >= 400000),
        (f"{workload}: peak memory of import, export, verify, replay", f"{peak:.0f} MiB", "< 200 MiB", peak < 200),
        (f"{workload}: slowest report or balances", f"{slowest_report[0]:.3f} s ({slowest_report[1].split(' (')[0]})",
         "< 0.1 s", slowest_report[0] < 0.1),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fundledger", required=True)
    parser.add_argument("--jsonl", required=True)
    parser.add_argument("--journal", required=True, help="the same postings as a ledger-cli journal")
    parser.add_argument("--entries", type=int, required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--no-postgresql", action="store_true", help="measure the SQLite store only")
    parser.add_argument("--floor", help="the sqlite_floor program (the raw SQLite floor of an import)")
    parser.add_argument("--rules-floor", help="the rules_floor program (verify's and replay's floor, no store)")
    parser.add_argument("--domain", help="the domain workload's journal (tools/bench-domain.py)")
    args = parser.parse_args()
    fl = args.fundledger
    db = os.path.join(args.work, "bench.db")
    replayed = os.path.join(args.work, "replayed.db")
    domain_db = os.path.join(args.work, "domain.db")
    domain_replayed = os.path.join(args.work, "domain-replayed.db")
    for base in (db, replayed, domain_db, domain_replayed):
        for path in (base, base + "-wal", base + "-shm"):
            if os.path.exists(path):
                os.remove(path)
    events = sum(1 for _ in open(args.jsonl))

    print(f"fundledger and ledger-cli on {args.entries:,} entries ({events:,} events)")
    stores = {"SQLite": measure(fl, db, replayed, args, events, "SQLite")}
    agree, count = agree_with_ledger(fl, db, args.journal)
    floor_seconds = floor(args, db, "SQLite")
    floors = {"generic": rules_floors(args, "SQLite", events)}
    domain = None
    if args.domain:
        domain_events = sum(1 for _ in open(args.domain))
        print(f"\nthe domain workload: {domain_events:,} events of a trust fund over twenty years")
        domain = measure(fl, domain_db, domain_replayed, args, domain_events, "Domain", jsonl=args.domain)
        domain_floor = floor(args, domain_db, "Domain")
        floors["domain"] = rules_floors(args, "Domain", domain_events)
    if not args.no_postgresql:
        # A throwaway server of the benchmark's own, with fsync on, as a real one runs.
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from pg_cluster import Cluster
        with Cluster(fsync=True) as cluster:
            cluster.create_database("bench")
            cluster.create_database("replayed")
            stores["PostgreSQL"] = measure(fl, cluster.url("bench"), cluster.url("replayed"), args, events,
                                           "PostgreSQL")
            pg_agree, _ = agree_with_ledger(fl, cluster.url("bench"), args.journal)
            agree = agree and pg_agree
    ledger_runs = max(1, min(args.runs, 3))
    ledger_times = [run(["ledger", "-f", args.journal, "bal"]) for _ in range(ledger_runs)]
    ledger_seconds = statistics.median(r[0] for r in ledger_times)
    ledger_peak = max(r[1] for r in ledger_times)

    # The table: each operation on each store, and PostgreSQL's time over SQLite's.
    names = list(stores)
    print()
    header = f"  {'operation':<50}" + "".join(f" {name + ' s':>12} {'rate':>20} {'MiB':>6}" for name in names)
    if len(names) == 2:
        header += f" {'PG/SQLite':>10}"
    print(header)
    rows = []
    for operation in stores["SQLite"]:
        line = f"  {operation:<50}"
        for name in names:
            seconds, peak, rate = stores[name][operation]
            line += f" {seconds:12.3f} {rate:>20} {peak:6.0f}"
            rows.append({"store": name, "operation": operation, "seconds": f"{seconds:.3f}", "rate": rate,
                         "peak_mib": f"{peak:.0f}"})
        if len(names) == 2:
            line += f" {stores['PostgreSQL'][operation][0] / stores['SQLite'][operation][0]:9.2f}x"
        print(line)
    print(f"  {'ledger-cli bal (median of ' + str(ledger_runs) + ')':<50} {ledger_seconds:12.3f}")
    rows.append({"store": "ledger-cli", "operation": "bal", "seconds": f"{ledger_seconds:.3f}", "rate": "",
                 "peak_mib": f"{ledger_peak:.0f}"})
    if domain:
        print(f"\n  {'the domain workload (SQLite)':<50} {'s':>12} {'rate':>20} {'MiB':>6}")
        for operation, (seconds, peak, rate) in domain.items():
            print(f"  {operation:<50} {seconds:12.3f} {rate:>20} {peak:6.0f}")
            rows.append({"store": "SQLite, domain workload", "operation": operation, "seconds": f"{seconds:.3f}",
                         "rate": rate, "peak_mib": f"{peak:.0f}"})
    import_seconds = stores["SQLite"]["import"][0]
    first_balances = stores["SQLite"]["balances, right after import"][0]
    ratio = (import_seconds + first_balances) / ledger_seconds
    print(f"\n  fundledger import + balances (SQLite) = {import_seconds + first_balances:.2f} s, "
          f"{ratio:.2f} x ledger-cli bal ({ledger_seconds:.2f} s); the target is 0.33 or less")
    rows.append({"store": "SQLite", "operation": "ratio (import + balances) / ledger bal", "seconds": f"{ratio:.3f}",
                 "rate": "", "peak_mib": ""})
    # Each target of the benchmark beside what was measured (SQLite store).
    targets = [("generic: import + balances / ledger-cli bal", f"{ratio:.2f}x", "<= 0.33x", ratio <= 0.33)]
    targets += targets_of(stores["SQLite"], events, floor_seconds, "generic")
    if domain:
        targets += targets_of(domain, domain_events, domain_floor, "domain")
    print(f"\n  {'target':<44} {'measured':>38} {'target':>14}  met")
    for name, measured, target, met in targets:
        print(f"  {name:<44} {measured:>38} {target:>14}  {'yes' if met else 'NO'}")
        rows.append({"store": "SQLite", "operation": f"target: {name} {target}", "seconds": "",
                     "rate": measured, "peak_mib": "met" if met else "not met"})
    for workload, measured in floors.items():
        for name, (seconds, peak, rate) in measured.items():
            print(f"  {workload + ' floor of verify and replay, ' + name:<58} {seconds:9.3f} s {rate:>22}")
            rows.append({"store": f"in memory, {workload}", "operation": f"floor of verify and replay: {name}",
                         "seconds": f"{seconds:.3f}", "rate": rate, "peak_mib": f"{peak:.0f}"})
    print(f"  balances agree with ledger-cli: {'yes' if agree else 'NO'} ({count} balances"
          f"{', on both stores' if len(names) == 2 else ''})")
    rows.append({"store": "", "operation": "balances agree with ledger-cli", "seconds": "",
                 "rate": "yes" if agree else "no", "peak_mib": ""})
    with open(args.csv, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=["store", "operation", "seconds", "rate", "peak_mib"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"\n  written to {args.csv}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
