#!/usr/bin/env python3
"""Concurrency: writers and readers at once on one ledger, each a separate fundledger invocation.

A ledger gets four funds, each seeded with USD 1,000,000.00 of cash (unidentified receipts). Then
writers (four by default, --writers) and two readers run at once, as separate processes:

  * the writers, each in a loop of `fundledger transfer` (between two funds) and
    `fundledger receipt` (into a fund) with its own ids, plus a set of shared ids that every writer
    posts with the same body (the ledger must record each once and answer the others "already
    recorded identically"); writer 0 also imports batches of thousands of receipts (`import FILE`),
    which holds the write lock for a while. The last two writers run with FUNDLEDGER_BUSY_TIMEOUT_MS=200,
    so some of their invocations give up: each such invocation must exit 75 saying that it is safe
    to retry, must have written nothing (the retry of an id of its own must say "recorded", never
    "already recorded"), and the writer retries it;
  * two readers, in loops: `balances --group-by fund --format csv` (every fund's balance is 0.00),
    `balances --format csv` (by account and fund: each fund nets to zero, the cash across funds
    equals the unidentified receipts, the transfers account nets to zero across funds, and the cash
    never decreases from one read to the next), and `report trial-balance --format csv` (the lines
    of each fund net to zero, the totals row nets to zero and equals the sum of the lines).

Afterwards: every id is recorded exactly once and no other id is, the cash of every fund is what
the seeds, receipts and transfers that succeeded make it (the cash across funds equals the
receipts' total), and `verify` exits 0 with the expected number of events.

With --duration S the writers stop after S seconds wherever they are in their plans, and the checks
cover what they did (the PostgreSQL run: eight writers for a minute).

Usage: python3 concurrency.py --fundledger PATH [--ops N] [--seed S] [--budget SECONDS]
                              [--writers N] [--duration SECONDS] [--store sqlite|postgresql]
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import collections
import csv
import io
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks, INIT_EVENTS  # noqa: E402 - shared by the CLI tests
import stores

FUNDS = ["F1", "F2", "F3", "F4"]
SEED_CASH = Decimal("1000000.00")
SHORT_TIMEOUT_MS = "200"
SAFE_TO_RETRY = re.compile(r"safe to retry", re.I)
MAX_ATTEMPTS = 400


def environment(busy_timeout_ms=None):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    env.pop("FUNDLEDGER_BUSY_TIMEOUT_MS", None)
    if busy_timeout_ms is not None:
        env["FUNDLEDGER_BUSY_TIMEOUT_MS"] = busy_timeout_ms
    return env


def run(fundledger, args, cwd, env=None, timeout=120):
    return subprocess.run([fundledger] + stores.current.rewrite(args), cwd=cwd, env=env or environment(), capture_output=True,
                          timeout=timeout)


def text(data):
    return data.decode("utf-8", errors="replace")


def describe(result):
    return f"exit {result.returncode}, stdout {text(result.stdout)[-300:]!r}, stderr {text(result.stderr)[-400:]!r}"


def money(value):
    return f"{value:.2f}"


# ---- the operations -----------------------------------------------------------------------------

def random_amount(rng):
    return Decimal(rng.randint(1, 50000)) / 100


def transfer_op(op_id, rng):
    source, target = rng.sample(FUNDS, 2)
    return {"kind": "transfer", "id": op_id, "date": f"2024-06-{rng.randint(1, 28):02d}", "from": source,
            "to": target, "amount": money(random_amount(rng))}


def receipt_op(op_id, rng):
    return {"kind": "receipt", "id": op_id, "date": f"2024-03-{rng.randint(1, 28):02d}", "fund": rng.choice(FUNDS),
            "amount": money(random_amount(rng))}


def command_of(op):
    if op["kind"] == "transfer":
        return ["transfer", op["id"], "--date", op["date"], "--from-fund", op["from"], "--to-fund", op["to"],
                "--currency", "USD", "--amount", op["amount"]]
    if op["kind"] == "receipt":
        return ["receipt", op["id"], "--date", op["date"], "--fund", op["fund"], "--currency", "USD",
                "--amount", op["amount"]]
    return ["import", op["file"]]


def short_timeout_writers(writers):
    """The writers that run with a short busy timeout: the last two."""
    return {writers - 2, writers - 1}


def plan(seed, writers_count, ops, shared_ops, batches, batch_size, work, front=None):
    """The operations of every writer: its own, the shared ones (same body for all), batches for W0.
    With front, the shared operations are mixed into a writer's first front operations only (a
    writer that runs for a set time may not reach the end of its plan)."""
    shared_rng = random.Random(seed)
    shared = []
    for k in range(shared_ops):
        op_id = f"SH-{k:03d}"
        shared.append(transfer_op(op_id, shared_rng) if k % 2 else receipt_op(op_id, shared_rng))
    writers = []
    for w in range(writers_count):
        rng = random.Random(seed * 100 + w + 1)
        own = []
        for k in range(ops):
            op_id = f"W{w}-{k:04d}"
            own.append(transfer_op(op_id, rng) if rng.random() < 0.45 else receipt_op(op_id, rng))
        head = own if front is None else own[:front]
        mine = head + [dict(op) for op in shared]
        rng.shuffle(mine)
        mine += [] if front is None else own[front:]
        if w == 0:
            for b in range(batches):
                path = os.path.join(work, f"batch-{b}.jsonl")
                receipts = []
                with open(path, "w") as out:
                    for n in range(batch_size):
                        receipt = receipt_op(f"W0-B{b:02d}-{n:05d}", rng)
                        receipts.append(receipt)
                        out.write(json.dumps({"type": "receipt", "id": receipt["id"], "date": receipt["date"],
                                              "fund": receipt["fund"], "currency": "USD",
                                              "amount": receipt["amount"]}) + "\n")
                span = len(mine) if front is None else min(len(mine), front + len(shared))
                position = (b + 1) * span // (batches + 1) + b
                mine.insert(position, {"kind": "import", "id": f"batch-{b}", "file": path, "receipts": receipts})
        writers.append(mine)
    return writers, shared


RECORDED = re.compile(r"^recorded (transfer|receipt) (\S+) \(seq \d+\)", re.M)
ALREADY = re.compile(r"^(transfer|receipt) (\S+) was already recorded identically", re.M)
IMPORTED = re.compile(r"^imported (\d+) events: (\d+) recorded, (\d+) already recorded", re.M)


def writer(index, fundledger, db, work, operations, budget_end, short_timeout, result_path):
    env = environment(SHORT_TIMEOUT_MS if short_timeout else None)
    rng = random.Random(index)
    log = []
    for op in operations:
        if time.monotonic() > budget_end:
            break
        entry = {"op": {k: v for k, v in op.items() if k != "receipts"}, "attempts": [], "busy_problems": []}
        for _ in range(MAX_ATTEMPTS):
            started = time.monotonic()
            result = run(fundledger, ["--db", db] + command_of(op), work, env)
            attempt = {"exit": result.returncode, "stderr": text(result.stderr)[-400:],
                       "seconds": round(time.monotonic() - started, 3)}
            entry["attempts"].append(attempt)
            if result.returncode != 75:
                break
            if not SAFE_TO_RETRY.search(attempt["stderr"]):
                entry["busy_problems"].append(attempt["stderr"])
            time.sleep(rng.uniform(0.005, 0.05))
        log.append(entry)
    with open(result_path, "w") as out:
        json.dump(log, out)


# ---- the readers --------------------------------------------------------------------------------

def parse_csv(output):
    return list(csv.DictReader(io.StringIO(output)))


def check_fund_balances(output):
    rows = parse_csv(output)
    problems = [f"fund {r['fund']} balance {r['balance']}" for r in rows if Decimal(r["balance"]) != 0]
    if {r["fund"] for r in rows} - set(FUNDS):
        problems.append(f"unexpected funds {sorted({r['fund'] for r in rows} - set(FUNDS))}")
    if len(rows) != len(FUNDS):
        problems.append(f"{len(rows)} fund rows, expected {len(FUNDS)}")
    return problems


def check_account_fund_balances(output):
    rows = parse_csv(output)
    problems = []
    by_fund = collections.defaultdict(Decimal)
    by_account = collections.defaultdict(Decimal)
    for r in rows:
        balance = Decimal(r["balance"])
        if Decimal(r["debit"]) - Decimal(r["credit"]) != balance:
            problems.append(f"row {r}: debit - credit != balance")
        by_fund[r["fund"]] += balance
        by_account[r["account"]] += balance
    for fund, total in by_fund.items():
        if total != 0:
            problems.append(f"fund {fund} nets to {total}")
    if by_account["1100"] != -by_account["2150"]:
        problems.append(f"cash {by_account['1100']} differs from the unidentified receipts {-by_account['2150']}")
    if by_account["3200"] != 0:
        problems.append(f"the transfers account nets to {by_account['3200']} across funds")
    return problems, by_account["1100"]


def check_trial_balance(output):
    rows = parse_csv(output)
    problems = []
    lines = [r for r in rows if r["row_kind"] == "line"]
    totals = [r for r in rows if r["row_kind"] == "total"]
    if len(totals) != 1:
        return [f"{len(totals)} totals rows"]
    total = totals[0]
    by_fund = collections.defaultdict(Decimal)
    sums = collections.defaultdict(Decimal)
    for r in lines:
        by_fund[r["fund"]] += Decimal(r["closing"])
        for column in ("opening", "debit", "credit", "closing"):
            sums[column] += Decimal(r[column])
    for fund, closing in by_fund.items():
        if closing != 0:
            problems.append(f"the lines of fund {fund} close at {closing}")
    if Decimal(total["debit"]) != Decimal(total["credit"]):
        problems.append(f"total debit {total['debit']} != total credit {total['credit']}")
    if Decimal(total["closing"]) != 0 or Decimal(total["opening"]) != 0:
        problems.append(f"totals row opening {total['opening']}, closing {total['closing']}")
    for column in ("opening", "debit", "credit", "closing"):
        if sums[column] != Decimal(total[column]):
            problems.append(f"totals row {column} {total[column]} != sum of the lines {sums[column]}")
    return problems


def reader(index, fundledger, db, work, stop, result_path):
    env = environment()
    log = {"snapshots": 0, "busy": 0, "busy_problems": [], "problems": [], "by_command": {}}
    commands = [["balances", "--group-by", "fund", "--format", "csv"], ["balances", "--format", "csv"],
                ["report", "trial-balance", "--format", "csv"]]
    if index == 1:
        commands = commands[::-1]
    last_cash = None
    turn = 0
    while not stop.is_set() or turn < len(commands):
        args = commands[turn % len(commands)]
        turn += 1
        result = run(fundledger, ["--db", db] + args, work, env)
        name = " ".join(args[:2])
        if result.returncode == 75:
            log["busy"] += 1
            if not SAFE_TO_RETRY.search(text(result.stderr)):
                log["busy_problems"].append(text(result.stderr)[-300:])
            continue
        if result.returncode != 0:
            log["problems"].append(f"{name}: {describe(result)}")
            continue
        output = text(result.stdout)
        try:
            if args[0] == "report":
                problems = check_trial_balance(output)
            elif "fund" in args:
                problems = check_fund_balances(output)
            else:
                problems, cash = check_account_fund_balances(output)
                if last_cash is not None and cash < last_cash:
                    problems.append(f"the cash across funds went down from {last_cash} to {cash}")
                last_cash = cash
        except (KeyError, ValueError, ArithmeticError) as error:
            problems = [f"unreadable output ({type(error).__name__}: {error}): {output[:300]!r}"]
        log["snapshots"] += 1
        log["by_command"][name] = log["by_command"].get(name, 0) + 1
        for problem in problems:
            log["problems"].append(f"{name}: {problem}")
    with open(result_path, "w") as out:
        json.dump(log, out)


# ---- the test -----------------------------------------------------------------------------------

def body(checks, fundledger, work, args):
    db = os.path.join(work, "ledger.db")
    result = run(fundledger, ["--db", db, "init"], work)
    checks.check("init", result.returncode == 0, describe(result))
    for fund in FUNDS:
        result = run(fundledger, ["--db", db, "fund", "add", fund, "--name", f"Fund {fund}", "--kind", "general"], work)
        checks.check(f"fund add {fund}", result.returncode == 0, describe(result))
    for fund in FUNDS:
        result = run(fundledger, ["--db", db, "receipt", f"SEED-{fund}", "--date", "2024-01-02", "--fund", fund,
                                  "--currency", "USD", "--amount", money(SEED_CASH)], work)
        checks.check(f"seed {fund} with {SEED_CASH} of cash", result.returncode == 0, describe(result))

    front = 60 if args.duration else None
    writers_plan, shared = plan(args.seed, args.writers, args.ops, args.shared, args.batches, args.batch_size, work,
                                front)
    short = short_timeout_writers(args.writers)
    started = time.monotonic()
    budget_end = started + (args.duration or args.budget)
    context = multiprocessing.get_context("fork")
    stop = context.Event()
    processes = []
    for w in range(args.writers):
        processes.append(context.Process(name=f"writer {w}", target=writer,
                                         args=(w, fundledger, db, work, writers_plan[w], budget_end, w in short,
                                               os.path.join(work, f"writer-{w}.json"))))
    readers = [context.Process(name=f"reader {r}", target=reader, args=(r, fundledger, db, work, stop,
                                                    os.path.join(work, f"reader-{r}.json"))) for r in range(2)]
    for process in readers + processes:
        process.start()
    for process in processes:
        process.join()
    stop.set()
    for process in readers:
        process.join()
    elapsed = time.monotonic() - started
    print(f"writers and readers ran for {elapsed:.1f} s")
    for process in readers + processes:
        checks.check(f"{process.name} ran to its end", process.exitcode == 0, f"exit {process.exitcode}")

    # ---- what the writers saw
    logs = []
    for w in range(args.writers):
        path = os.path.join(work, f"writer-{w}.json")
        logs.append(json.load(open(path)) if os.path.exists(path) else [])
    invocations = sum(len(entry["attempts"]) for log in logs for entry in log)
    writer_busy = sum(1 for log in logs for entry in log for a in entry["attempts"] if a["exit"] == 75)
    busy_by_writer = [sum(1 for entry in log for a in entry["attempts"] if a["exit"] == 75) for log in logs]
    operations = sum(len(log) for log in logs)
    planned = sum(len(p) for p in writers_plan)
    print(f"writers: {operations} of {planned} planned operations in {invocations} invocations; "
          f"busy exits per writer {busy_by_writer}")
    if args.duration:
        checks.check(f"{args.writers} writers and 2 readers ran together for {args.duration:.0f} s or more",
                     elapsed >= args.duration and operations > 0, f"{elapsed:.1f} s, {operations} operations")
    else:
        checks.check("the writers did every planned operation within the time budget", operations == planned,
                     f"{operations} of {planned}")

    failed = []
    bad_busy = []
    lied = []
    wrong_message = []
    expected_ids = collections.Counter()
    cash = {fund: SEED_CASH for fund in FUNDS}
    receipts_total = SEED_CASH * len(FUNDS)
    done_shared = {}
    for w, log in enumerate(logs):
        for entry in log:
            op = entry["op"]
            final = entry["attempts"][-1]
            bad_busy += [f"W{w} {op['id']}: {problem!r}" for problem in entry["busy_problems"]]
            if final["exit"] != 0:
                failed.append(f"W{w} {op['id']}: exit {final['exit']} after {len(entry['attempts'])} attempts: "
                              f"{final['stderr']!r}")
                continue
            retried = len(entry["attempts"]) > 1
            message = final["stderr"]
            if op["kind"] == "import":
                size = args.batch_size
                match = IMPORTED.search(message)
                if not match or match.groups() != (str(size), str(size), "0"):
                    (lied if retried else wrong_message).append(f"W{w} {op['id']}: {message!r}")
                receipts = next(p for p in writers_plan[0] if p["id"] == op["id"])["receipts"]
                for receipt in receipts:
                    expected_ids[receipt["id"]] += 1
                    cash[receipt["fund"]] += Decimal(receipt["amount"])
                    receipts_total += Decimal(receipt["amount"])
                continue
            recorded = RECORDED.search(message)
            already = ALREADY.search(message)
            if op["id"].startswith("SH-"):
                if not (recorded or already):
                    wrong_message.append(f"W{w} {op['id']}: {message!r}")
                done_shared.setdefault(op["id"], []).append("recorded" if recorded else "already")
                if op["id"] in expected_ids:
                    continue
            elif not recorded:
                # An id of this writer alone: if an earlier attempt exited 75 ("nothing was written"),
                # the retry must record it now.
                (lied if retried and already else wrong_message).append(f"W{w} {op['id']}: {message!r}")
            expected_ids[op["id"]] += 1
            amount = Decimal(op["amount"])
            if op["kind"] == "receipt":
                cash[op["fund"]] += amount
                receipts_total += amount
            else:
                cash[op["from"]] -= amount
                cash[op["to"]] += amount

    checks.check("every writer invocation ended with exit 0 (after retrying exit 75)", not failed,
                 "\n".join(failed[:20]))
    checks.check(f"some invocations of the writers with a {SHORT_TIMEOUT_MS} ms busy timeout timed out "
                 f"({sum(busy_by_writer[w] for w in short)})",
                 sum(busy_by_writer[w] for w in short) > 0,
                 "no exit 75 was seen: the test did not exercise the busy path")
    checks.check(f"every exit 75 of a writer ({writer_busy}) says that it is safe to retry", not bad_busy,
                 "\n".join(bad_busy[:10]))
    checks.check("no invocation that exited 75 had written anything (its retry recorded the event itself)",
                 not lied, "\n".join(lied[:10]))
    checks.check("every successful invocation said what it recorded", not wrong_message,
                 "\n".join(wrong_message[:10]))
    shared_recorded_once = {i: v.count("recorded") for i, v in done_shared.items()}
    checks.check(f"each of the {len(done_shared)} shared ids was recorded by exactly one writer, the others were "
                 f"told it was already recorded",
                 all(n == 1 for n in shared_recorded_once.values()),
                 "\n".join(f"{i}: {v}" for i, v in done_shared.items() if v.count("recorded") != 1))

    # ---- what the readers saw
    snapshots = 0
    reader_busy = 0
    for r in range(2):
        path = os.path.join(work, f"reader-{r}.json")
        log = json.load(open(path)) if os.path.exists(path) else {"snapshots": 0, "busy": 0, "busy_problems": [],
                                                                   "problems": ["no log"], "by_command": {}}
        snapshots += log["snapshots"]
        reader_busy += log["busy"]
        print(f"reader {r}: {log['snapshots']} outputs checked {log['by_command']}, {log['busy']} busy exits")
        checks.check(f"reader {r}: every output it saw balances (each fund nets to zero, cash equals the "
                     f"receipts, the trial balance totals net to zero, the cash never goes down)",
                     log["snapshots"] > 0 and not log["problems"], "\n".join(log["problems"][:20]))
        checks.check(f"reader {r}: every exit 75 says it is safe to retry", not log["busy_problems"],
                     "\n".join(log["busy_problems"][:5]))

    # ---- the ledger afterwards
    result = run(fundledger, ["--db", db, "export"], work)
    checks.check("export", result.returncode == 0, describe(result))
    stored_ids = collections.Counter()
    for line in text(result.stdout).splitlines():
        event = json.loads(line)
        if "id" in event:
            stored_ids[event["id"]] += 1
    for fund in FUNDS:
        expected_ids[f"SEED-{fund}"] += 1
    repeated = [f"{i} x{n}" for i, n in stored_ids.items() if n != 1]
    missing = sorted(set(expected_ids) - set(stored_ids))
    unexpected = sorted(set(stored_ids) - set(expected_ids))
    checks.check(f"every one of the {len(expected_ids)} ids is recorded exactly once, and no other id",
                 not repeated and not missing and not unexpected and all(n == 1 for n in expected_ids.values()),
                 f"repeated {repeated[:10]}, missing {missing[:10]}, unexpected {unexpected[:10]}")

    result = run(fundledger, ["--db", db, "balances", "--group-by", "account,fund", "--format", "csv"], work)
    stored_cash = {r["fund"]: Decimal(r["balance"]) for r in parse_csv(text(result.stdout)) if r["account"] == "1100"}
    checks.check("the cash of every fund is its seed, plus its receipts, plus the transfers in, minus the transfers "
                 "out", all(stored_cash.get(f) == cash[f] for f in FUNDS),
                 "\n".join(f"{f}: stored {stored_cash.get(f)}, expected {cash[f]}" for f in FUNDS))
    checks.check(f"the cash across funds ({sum(stored_cash.values())}) equals the receipts' total ({receipts_total})",
                 sum(stored_cash.values()) == receipts_total)

    result = run(fundledger, ["--db", db, "verify"], work)
    expected_events = INIT_EVENTS + len(FUNDS) + len(expected_ids)
    checks.check(f"verify exits 0 with {expected_events} events", result.returncode == 0 and
                 text(result.stdout).startswith(f"verify: ok, {expected_events} events"), describe(result))

    checked = invocations + snapshots + reader_busy
    print(f"operations checked: {checked} ({invocations} writer invocations for {operations} operations, "
          f"{snapshots} reader outputs, {reader_busy} reader busy exits); busy exits: {writer_busy + reader_busy} "
          f"({writer_busy} writers, {reader_busy} readers)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True, help="the fundledger program")
    parser.add_argument("--ops", type=int, default=150, help="own operations per writer")
    parser.add_argument("--shared", type=int, default=24, help="operations that every writer posts")
    parser.add_argument("--batches", type=int, default=6, help="batch imports by writer 0")
    parser.add_argument("--batch-size", type=int, default=8000, help="receipts per batch import")
    parser.add_argument("--budget", type=float, default=70.0, help="seconds the writers may run")
    parser.add_argument("--writers", type=int, default=4, help="writer processes (at least 3)")
    parser.add_argument("--duration", type=float, default=0,
                        help="run the writers for this many seconds instead of to the end of their plans "
                             "(give them enough --ops)")
    parser.add_argument("--seed", type=int, default=20261129)
    stores.add_argument(parser)
    args = parser.parse_args()
    stores.use(args.store, "concurrency")
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="fundledger-concurrency-") as work:
            body(checks, fundledger, work, args)
    except Exception as error:  # a crash of the test itself is a failure, never a pass
        checks.check("the test ran to its end", False, f"{type(error).__name__}: {error}")
    print(f"ran in {time.monotonic() - started:.1f} s")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
