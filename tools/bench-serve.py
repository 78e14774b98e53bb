#!/usr/bin/env python3
"""The load benchmark of `fundledger serve` (not a test): N clients for S seconds on loopback.

Builds the sample ledger (samples/cpcjf-2021-2024.jsonl) in a temporary folder, starts `serve` on
a free port, and has each client call, in turn, a report, the balances, the pledges and one pledge,
as a reporting service would. Prints the requests served, the errors (any status but 200), the
requests per second and the latency percentiles.

Usage: tools/bench-serve.py [--fundledger build/tools/fundledger] [--clients 8] [--seconds 20]
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATHS = ["/api/reports/financial-position?period=2023", "/api/reports/contributions?period=2023",
         "/api/balances?group_by=account,fund", "/api/pledges?fund=CPCJF", "/api/pledges/PLG-2021-DEU-01",
         "/api/reports/aging?as_of=2023-06-30"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", default=os.path.join(ROOT, "build", "tools", "fundledger"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        db = os.path.join(work, "cpcjf.db")
        for step in (["init"], ["import", os.path.join(ROOT, "samples", "cpcjf-2021-2024.jsonl")]):
            subprocess.run([args.fundledger, "--db", db] + step, check=True, capture_output=True)
        server = subprocess.Popen([args.fundledger, "--db", db, "serve", "--port", "0"], stderr=subprocess.PIPE)
        port = re.search(r":(\d+)/", server.stderr.readline().decode()).group(1)
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
        latencies, errors = [], []
        deadline = time.monotonic() + args.seconds

        def client(offset):
            i = offset
            while time.monotonic() < deadline:
                path = PATHS[i % len(PATHS)]
                i += 1
                started = time.monotonic()
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                latencies.append(time.monotonic() - started)
                if status != 200:
                    errors.append((path, status))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        server.terminate()
        server.wait(timeout=10)
    latencies.sort()

    def percentile(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    print(f"serve: {args.clients} clients for {elapsed:.1f} s on loopback, the sample ledger (1,195 events)")
    print(f"  requests {len(latencies)}, errors {len(errors)}, {len(latencies) / elapsed:.0f} requests/s")
    print(f"  latency p50 {percentile(50):.1f} ms, p90 {percentile(90):.1f} ms, p99 {percentile(99):.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
