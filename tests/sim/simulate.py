#!/usr/bin/env python3
"""The deterministic simulator: long seeded workloads of what finance offices do, every event
checked, the ledger compared with an independent model of ledger/README.md, storage faults on
the way, and any failure reproduced from its seed alone and shrunk to a few events.

    simulate.py --driver PATH [--seeds N] [--first-seed S] [--events M] [--faults] [--postgresql]
                [--jobs J] [--coverage] [--replay-seed S --replay-events M]

For each seed a Generator (generator.py) produces M events; each goes to the reference model
(model.py, written from the document alone) and to the ledger, through sim_driver (a small
program over the library). Then:

  - both must decide alike: the model's refusal is the ledger's refusal (exit 65, nothing
    written); an event built to be invalid must be refused by both;
  - after each recorded event the driver checks verify's invariants that do not trust the rules;
  - after each close and reopen, and at the end, every balance by (account, fund, donor, pledge,
    currency), in its currency and in USD, must equal the model's (the exchange and rounding
    accounts 4700, 4710 and 5900, whose postings carry a currency only by convention, across
    currencies; 1900 in each currency's amount, and in USD across currencies);
  - at the end, verify passes and export -> replay -> export is byte-identical;
  - with --faults: now and then the k-th write of an event fails (nothing may be written, and the
    event is recorded whole when tried again); the driver is killed with SIGKILL while an event
    is in flight and the ledger reopened (the journal whole, verify ok, the event re-sent unless it
    landed); on PostgreSQL the connection is dropped and the server stopped at random points.

A failure prints one line (seed, events, what differed first), then the sequence shrunk to the
fewest events that still fail the same way, as JSON lines to paste into a regression test.
Exit status 0 when every seed passes, 1 otherwise.
"""
import argparse
import collections
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import generator as gen  # noqa: E402
import model as reference  # noqa: E402

TODAY = "2026-12-07"  # the model's "today": the generated ledgers end in 2025 at the latest


class Failure(Exception):
    def __init__(self, kind, detail, index):
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.index = kind, detail, index


class Engine:
    """One sim_driver process over one ledger."""

    def __init__(self, driver, location):
        self.driver, self.location = driver, location
        self.start()

    def start(self):
        self.process = subprocess.Popen([self.driver, self.location], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, bufsize=1)
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("sim_driver did not start: " + self.process.stderr.read())
        self.ready = json.loads(line)

    def send(self, request):
        self.process.stdin.write(json.dumps(request, separators=(",", ":")) + "\n")
        self.process.stdin.flush()

    def receive(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("sim_driver ended: " + self.process.stderr.read()[-2000:])
        return json.loads(line)

    def call(self, request):
        self.send(request)
        return self.receive()

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process.stdout.close()
        self.process.stdin.close()
        self.process.stderr.close()

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)
        self.process.stdout.close()
        self.process.stderr.close()


def answer_seq(engine):
    return engine.call({"op": "head"})["seq"]


# Accounts that take only USD-only postings (amount 0) of exchange and rounding: the currency such a
# posting carries is a convention (the fund's first that day), so they are compared by fund, donor
# and pledge across currencies; and since the year-end closes them into 1900 by that currency, 1900
# is compared in each currency's amount and in USD across currencies.
USD_ONLY = ("4700", "4710", "5900")


def comparable(rows):
    """{key: (amount, usd)} with the USD-only accounts summed across currencies (currency "*"), and
    1900's USD apart from its amounts."""
    out = {}

    def add(key, amount, usd):
        a, u = out.get(key, (0, 0))
        out[key] = (a + amount, u + usd)

    for key, (amount, usd) in rows.items():
        if key[0] in USD_ONLY:
            add(key[:4] + ("*",), amount, usd)
        elif key[0] == "1900":
            add(key, amount, 0)
            add(key[:4] + ("*",), 0, usd)
        else:
            add(key, amount, usd)
    return {k: v for k, v in out.items() if v != (0, 0)}


def balance_difference(model_rows, engine_rows):
    """The differing balances, first by key order: (count, text of the first)."""
    engine = comparable({tuple(r[:5]): (r[5], r[6]) for r in engine_rows})
    model_rows = comparable(model_rows)
    keys = sorted(set(model_rows) | set(engine))
    differing = [k for k in keys if model_rows.get(k, (0, 0)) != engine.get(k, (0, 0))]
    if not differing:
        return 0, ""
    k = differing[0]
    return len(differing), (f"{' '.join(x or '-' for x in k)}: model {model_rows.get(k, (0, 0))}, "
                            f"ledger {engine.get(k, (0, 0))} (amount, usd in minor units)")


class NullModel:
    """What --engine-only runs with: no judgement of its own."""

    def apply(self, event):
        return None

    def balances(self):
        return {}


class Run:
    """One seed's run: the events as they went, the coverage they met, the first failure."""

    def __init__(self, options, location, pg=None):
        self.options, self.location, self.pg = options, location, pg
        self.coverage = collections.Counter()
        self.decisions = collections.Counter()
        self.trace = []  # (event, intent, fault) in the order sent
        self.events = 0

    def compare(self, engine, model, index, when):
        if self.options.engine_only:
            return
        count, first = balance_difference(model.balances(), engine.call({"op": "balances"})["rows"])
        if count:
            raise Failure("balance", f"{count} balances differ {when}; first {first}", index)

    def record(self, engine, model, event, intent, fault, index, rng):
        """Sends one event, with its fault if any; returns the engine's answer."""
        request = {"op": "record", "event": event}
        if fault is not None and fault[0] == "write":
            request["fault"] = fault[1]
        if fault is not None and fault[0] in ("kill", "drop", "stop"):
            return self.interrupted(engine, request, fault, index, rng)
        answer = engine.call(request)
        if "fault" in answer and answer["fault"].get("reached") and not answer["fault"].get("intact"):
            raise Failure("fault", f"a failed write at {answer['fault']['fired']} left the ledger changed: "
                          f"{answer['fault'].get('problem')}", index)
        if "fault" in answer and answer["fault"].get("reached"):
            self.coverage[(event["type"], "failed write, then again")] += 1
        return answer

    def interrupted(self, engine, request, fault, index, rng):
        """The event in flight when the process is killed, the connection dropped or the server
        stopped: after reopening, the journal ends before it or with it, never in between."""
        before = engine.call({"op": "head"})["seq"]
        engine.send(request)
        if fault[0] == "kill":
            time.sleep(fault[1] / 10000.0)
            engine.kill()
        elif fault[0] == "drop":
            time.sleep(fault[1] / 10000.0)
            self.pg.drop_connections(self.location)
            engine.receive()  # the driver answers (an error, or the event recorded before the drop)
            engine.close()
        else:
            time.sleep(fault[1] / 10000.0)
            self.pg.restart()
            try:
                engine.receive()
            except RuntimeError:
                pass
            engine.close()
        engine.start()
        after = engine.call({"op": "head"})["seq"]
        verified = engine.call({"op": "verify"})
        if not verified["ok"]:
            raise Failure("fault", f"after {fault[0]}: verify failed: {verified['problem']}", index)
        if after not in (before, before + 1):
            raise Failure("fault", f"after {fault[0]}: the journal went from {before} to {after} events", index)
        self.coverage[(request["event"]["type"], f"interrupted ({fault[0]})")] += 1
        if after == before + 1:
            return {"ok": True, "seq": after, "recorded": True}
        return engine.call({"op": "record", "event": request["event"]})  # the import re-run

    def step(self, engine, model, event, intent, tags, fault, index, rng):
        reason = model.apply(event)
        answer = self.record(engine, model, event, intent, fault, index, rng)
        took = answer["ok"]
        if self.options.engine_only:
            reason = None if took or intent == "invalid" else answer.get("error")
            if intent == "invalid" and not took:
                reason = "invalid"
        kind = event["type"]
        if "invariant" in answer:
            raise Failure("invariant", answer["invariant"], index)
        if not took and answer.get("exit") != 65:
            raise Failure("exit", f"{kind} refused with exit {answer.get('exit')}: {answer.get('error')}", index)
        if intent == "invalid":
            if took or reason is None:
                who = "the ledger" if took else "the model"
                raise Failure("decision", f"{who} took an invalid {kind} ({tags[0]})", index)
        elif reason is None and not took:
            raise Failure("decision", f"the ledger refused a {kind} the model takes: {answer.get('error')}", index)
        elif reason is not None and took:
            raise Failure("decision", f"the ledger took a {kind} the model refuses: {reason}", index)
        self.decisions["taken" if took else "refused"] += 1
        # The coverage: a reversal counts as what it reverses; each event once as recorded, refused
        # by both, or invalid and refused, then once for each state it met.
        row = next((t for t in tags if t.startswith("reversal of ")), kind) if kind == "reversal" else kind
        self.coverage[(row, "recorded" if took else "invalid, refused" if intent == "invalid" else "refused by both")] += 1
        if took:
            for tag in tags:
                if not tag.startswith("reversal of "):
                    self.coverage[(row, tag)] += 1
            if self.pg is not None:
                self.coverage[(row, "on PostgreSQL")] += 1
        return took

    def run(self, seed, count, sequence=None):
        """Generates count events from seed (or sends sequence as it is); raises Failure."""
        engine = Engine(self.options.driver, self.location)
        model = NullModel() if self.options.engine_only else reference.Model(TODAY)
        rng = random.Random(seed * 7919 + 1)
        try:
            for event in engine.ready["events"]:
                if model.apply(event) is not None:
                    raise Failure("decision", f"the model refuses init's {event}", 0)
            generator = gen.Generator(seed) if sequence is None else None
            total = count if sequence is None else len(sequence)
            for index in range(total):
                if sequence is None:
                    event, intent, tags = generator.next_event()
                    fault = self.choose_fault(rng) if self.options.faults else None
                else:
                    event, intent, tags, fault = sequence[index]
                self.trace.append((event, intent, tags, fault))
                took = self.step(engine, model, event, intent, tags, fault, index, rng)
                self.events += 1
                if took and generator is not None:
                    generator.accepted(event)
                if took and event["type"] in ("period_close", "period_reopen"):
                    self.compare(engine, model, index, f"after {event['type']} {event['period']}")
                elif took and self.options.check_each:
                    try:
                        self.compare(engine, model, index, f"after {event['type']} {event.get('id', '')}")
                    except Failure:
                        print(json.dumps(event), file=sys.stderr)
                        print("ledger's postings:", file=sys.stderr)
                        for row in engine.call({"op": "postings", "seq": answer_seq(engine)})["rows"]:
                            print("   ", row, file=sys.stderr)
                        recorded = getattr(model, "events", {}).get(event.get("id"))
                        if recorded is not None and hasattr(recorded, "postings"):
                            print("model's postings:", file=sys.stderr)
                            for p in recorded.postings:
                                print("   ", [p.acct, p.fund, p.donor, p.pledge, p.cur, p.amt, p.usd, p.date],
                                      file=sys.stderr)
                        raise
            self.compare(engine, model, total, "at the end")
            verified = engine.call({"op": "verify"})
            if not verified["ok"]:
                raise Failure("verify", f"seq {verified['first_bad_seq']}: {verified['problem']}", total)
            folder = tempfile.mkdtemp(prefix="sim-roundtrip-", dir=scratch_root())
            try:
                trip = engine.call({"op": "roundtrip", "dir": folder})
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            if not trip["ok"]:
                raise Failure("roundtrip", trip["problem"], total)
        finally:
            engine.close()

    def choose_fault(self, rng):
        roll = rng.random()
        if roll < 0.03:
            return ("write", rng.randint(0, 8))
        if roll < 0.036:
            return ("kill", rng.randint(0, 30))
        if self.pg is not None and roll < 0.040:
            return ("drop", rng.randint(0, 30))
        if self.pg is not None and roll < 0.042:
            return ("stop", rng.randint(0, 30))
        return None


# ---- where ledgers live

def scratch_root():
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else tempfile.gettempdir()


class Postgres:
    """A cluster of the simulator's own (tools/pg_cluster.py), a database per seed."""

    def __init__(self):
        import pg_cluster
        self.cluster = pg_cluster.Cluster(fsync=True)
        self.cluster.init()
        self.cluster.start()

    def location(self, seed):
        name = f"sim_{seed}_{os.getpid()}"
        self.cluster.psql(f"DROP DATABASE IF EXISTS {name}")
        return self.cluster.create_database(name)

    def release(self, location):
        name = location.rsplit("/", 1)[-1].split("?")[0]
        self.drop_connections(location)
        self.cluster.psql(f"DROP DATABASE IF EXISTS {name}", check=False)

    def drop_connections(self, location):
        name = location.rsplit("/", 1)[-1].split("?")[0]
        self.cluster.psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'",
                          check=False)

    def restart(self):
        self.cluster.stop("immediate")
        self.cluster.start()

    def close(self):
        self.cluster.stop()
        self.cluster.cleanup()


_pg = None  # the cluster of a --postgresql run, made by the main process and shared by its workers


def use_cluster(pg):
    global _pg
    _pg = pg


def run_seed(job):
    """One seed in a worker: (seed, ok, line, coverage, events, seconds, trace when it failed)."""
    options, seed = job
    started = time.time()
    folder = None
    if options.postgresql:
        location = _pg.location(seed)
    else:
        folder = tempfile.mkdtemp(prefix=f"sim-{seed}-", dir=scratch_root())
        location = os.path.join(folder, "ledger.db")
    run = Run(options, location, _pg)
    try:
        run.run(seed, options.events)
        return seed, True, "", run.coverage, run.decisions, run.events, time.time() - started, None
    except Failure as failure:
        line = (f"seed {seed}: FAILED after {failure.index + 1} of {options.events} events: {failure.kind}: "
                f"{failure.detail}")
        return seed, False, line, run.coverage, run.decisions, run.events, time.time() - started, \
            (failure.kind, run.trace[:failure.index + 1])
    except Exception as error:  # the driver died: a crash is a failure of its seed
        line = f"seed {seed}: FAILED after {run.events + 1} events: crash: {error}"
        return seed, False, line, run.coverage, run.decisions, run.events, time.time() - started, \
            ("crash", run.trace[:run.events + 1])
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if options.postgresql:
            _pg.release(location)


# ---- shrinking

def fails_same_way(options, sequence, kind):
    folder = tempfile.mkdtemp(prefix="sim-shrink-", dir=scratch_root())
    run = Run(options, os.path.join(folder, "ledger.db"))
    try:
        run.run(0, 0, sequence=sequence)
        return False
    except Failure as failure:
        # The same failure, at the same (last) event or at the end.
        return failure.kind == kind and failure.index >= len(sequence) - 1
    except Exception:
        return kind == "crash"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def shrink(options, kind, sequence, budget_seconds=300):
    """Delta debugging: drops chunks of events while the run still fails the same way."""
    deadline = time.time() + budget_seconds
    # Without its faults first: most failures do not need them.
    without_faults = [s[:3] + (None,) for s in sequence]
    if kind != "fault" and fails_same_way(options, without_faults, kind):
        sequence = without_faults
    chunks = 2
    while len(sequence) >= 2 and time.time() < deadline:
        size = max(1, len(sequence) // chunks)
        removed = False
        for start in range(0, len(sequence), size):
            candidate = sequence[:start] + sequence[start + size:]
            # The last event is where it fails: keep it.
            if sequence[-1] not in candidate or time.time() > deadline:
                continue
            if fails_same_way(options, candidate, kind):
                sequence = candidate
                chunks = max(chunks - 1, 2)
                removed = True
                break
        if not removed:
            if size == 1:
                break
            chunks = min(len(sequence), chunks * 2)
    return sequence


# ---- the coverage table

# The states of the coverage table, in its column order; what else an event met is counted under
# "other".
COVERAGE_COLUMNS = ["recorded", "refused by both", "invalid, refused", "closed month", "back-dated before a late close",
                    "after a revaluation", "unsettled", "partly settled", "fully settled", "allowed for",
                    "per-instalment", "conditional", "foreign currency", "late close", "year-end",
                    "failed write, then again", "interrupted (kill)", "interrupted (drop)", "interrupted (stop)",
                    "on PostgreSQL"]


def coverage_table(coverage):
    """Each event kind (a reversal by what it reverses) against the states it met, in Markdown."""
    kinds = sorted({k for k, _ in coverage})
    columns = [c for c in COVERAGE_COLUMNS if any(state == c for _, state in coverage)]
    lines = ["| event | " + " | ".join(columns) + " |", "|---|" + "---:|" * len(columns)]
    for kind in kinds:
        lines.append(f"| {kind} | " + " | ".join(f"{coverage[(kind, c)]:,}" if coverage.get((kind, c)) else ""
                                                 for c in columns) + " |")
    return "\n".join(lines)


def coverage_by_state(coverage):
    """Each event kind with the states it met and how often: one line each, for a terminal."""
    by_kind = collections.defaultdict(list)
    for (kind, state), n in sorted(coverage.items()):
        by_kind[kind].append(f"{state} {n}")
    return "\n".join(f"  {kind:15} " + ", ".join(states) for kind, states in sorted(by_kind.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--driver", required=True)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--seed-list", help="these seeds (comma-separated) instead of --seeds and --first-seed")
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--coverage", choices=["none", "lines", "markdown"], default="lines")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--progress", type=int, default=0, metavar="K",
                        help="print a line of progress every K seeds")
    parser.add_argument("--check-each", action="store_true",
                        help="compare every balance after every event, and print the first event that differs")
    parser.add_argument("--engine-only", action="store_true",
                        help="leave the model out: the invariants, exits, faults, verify and round trip alone")
    options = parser.parse_args()

    started = time.time()
    seeds = ([int(s) for s in options.seed_list.split(",")] if options.seed_list
             else list(range(options.first_seed, options.first_seed + options.seeds)))
    coverage = collections.Counter()
    decisions = collections.Counter()
    events = 0
    failures = []
    coverage_seen = set()
    jobs = [(options, seed) for seed in seeds]
    if options.postgresql:
        use_cluster(Postgres())
        if options.faults:
            options.jobs = 1  # a server stopped under one seed must not fail another's
    workers = max(1, min(options.jobs, len(seeds)))
    with multiprocessing.Pool(workers, initializer=use_cluster, initargs=(_pg,)) as pool:
        for seed, ok, line, cov, dec, n, seconds, trace in pool.imap_unordered(run_seed, jobs):
            coverage.update(cov)
            decisions.update(dec)
            events += n
            if not ok:
                print(line, flush=True)
                failures.append((seed, line, trace))
            done = len(coverage_seen) + 1
            coverage_seen.add(seed)
            if options.progress and done % options.progress == 0:
                elapsed = time.time() - started
                print(f"{done} seeds, {events} events in {elapsed:.0f} s, {len(failures)} failed", flush=True)
    elapsed = time.time() - started
    print(f"{len(seeds)} seeds, {events} events in {elapsed:.1f} s: {len(seeds) / elapsed:.2f} seeds/s, "
          f"{events / elapsed:.0f} events/s; {decisions['taken']} recorded, {decisions['refused']} refused "
          f"by both; {len(failures)} failed", flush=True)
    if options.coverage == "lines":
        print("coverage (event: state count):\n" + coverage_by_state(coverage))
    elif options.coverage == "markdown":
        print(coverage_table(coverage))
    if failures and not options.no_shrink and not options.postgresql:
        seed, line, (kind, trace) = min(failures, key=lambda f: f[0])
        small = shrink(options, kind, trace)
        print(f"seed {seed} shrunk to {len(small)} events that fail the same way ({kind}):")
        for event, intent, _tags, fault in small:
            print(json.dumps({"event": event, "intent": intent, **({"fault": fault} if fault else {})},
                             separators=(",", ":")))
    if _pg is not None:
        _pg.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
