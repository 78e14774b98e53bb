#!/usr/bin/env python3
"""The pack as people see it, and `serve` as a reporting service calls it, with the real programs.

On the sample ledger (samples/cpcjf-2021-2024.jsonl), for 2023:

  * `report pack --format html`: one self-contained file (no script, no stylesheet or image
    fetched); real Chromium renders it: the screenshot is not blank, the DOM it reads back has
    every report's every row and figure equal to `report NAME --format json`, each shown with
    thousands separators and negatives in brackets; the four charts have a title and a text
    alternative; printed to PDF it gives A4 pages, more than one per statement set;
  * `report pack --format xlsx`: read back with openpyxl (Debian's python3-openpyxl), a cover
    sheet with the head hash and a sheet per report whose every cell equals the JSON, amounts as
    numbers in an accounting format, the header row frozen;
  * `serve` on a free loopback port: every path answers exactly what the command line prints with
    --format json; bad parameters 400, unknown names 404, other methods 405, a path outside the
    routes 404, all with a JSON error body; a --bind beyond this machine needs --token, which is
    then checked; it keeps answering while an officer imports; one log line per request; a store
    held by another process answers 503 after the busy wait rather than hanging; 8 clients for a
    few seconds see no error.

Usage: python3 pack_and_serve.py --fundledger PATH
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import html.parser
import json
import os
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402 - shared by the CLI tests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "samples", "cpcjf-2021-2024.jsonl")
PERIOD = "2023"
REPORTS = ["trial-balance", "financial-position", "financial-performance", "net-assets", "cash-flow",
           "contributions", "aging", "budget", "donor-revenue", "partners"]


def run(fundledger, db, *args, timeout=120):
    env = dict(os.environ)
    env.pop("FUNDLEDGER_DB", None)
    return subprocess.run([fundledger, "--db", db] + list(args), capture_output=True, timeout=timeout, env=env)


def shown_amount(value):
    """The text a table shows for an amount: thousands separated, negatives in brackets."""
    if not value:
        return ""
    negative = value.startswith("-")
    digits = value.lstrip("-")
    whole, _, fraction = digits.partition(".")
    grouped = f"{int(whole):,}" + ("." + fraction if fraction else "")
    return f"({grouped})" if negative else grouped


class Dom(html.parser.HTMLParser):
    """The tables (by data-report: rows of (data-key, {column: (value, text)})) and the charts."""

    def __init__(self):
        super().__init__()
        self.tables = {}
        self.amount_columns = {}  # report: the columns whose cells are amounts
        self.current = None
        self.table = None
        self.row = None
        self.cell = None
        self.figures = []
        self.svg_title = None
        self.svg_desc = None
        self.in_tag = None
        self.scripts = 0
        self.external = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if name in a and re.match(r"^[a-z]+:", a[name] or "") and not a[name].startswith("data:"):
                self.external.append(a[name])
        if tag == "link":
            self.external.append(a.get("href", "link"))
        if tag == "table" and "data-report" in a:
            self.table = self.tables.setdefault(a["data-report"], [])
            self.current = a["data-report"]
        elif tag == "tr" and self.table is not None and "data-key" in a:
            self.row = (a["data-key"], a.get("class", ""), {})
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None and "data-column" in a:
            self.cell = [a["data-column"], a.get("data-value", ""), ""]
            if "amount" in (a.get("class") or "").split():
                self.amount_columns.setdefault(self.current, set()).add(a["data-column"])
        elif tag == "svg":
            self.figures.append({"labelledby": a.get("aria-labelledby", ""), "role": a.get("role", ""),
                                 "title": "", "desc": ""})
        elif tag in ("title", "desc") and self.figures and self.in_tag is None and self.table is None:
            self.in_tag = tag

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            column, value, text = self.cell
            self.row[2][column] = (value, text.strip())
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "table":
            self.table = None
        elif tag == self.in_tag:
            self.in_tag = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data
        if self.in_tag and self.figures and not self.figures[-1][self.in_tag]:
            self.figures[-1][self.in_tag] = data.strip()


def png_colours(path):
    """The number of distinct RGB(A) pixels of a PNG, from its IDAT (8-bit, non-interlaced)."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, colour_type = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _, colour_type = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = 4 if colour_type == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    colours, previous = set(), bytearray(stride)
    for y in range(0, height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 255
        if y % 4 == 0:
            for x in range(0, width, 2):
                colours.add(bytes(line[x * channels:x * channels + 3]))
        previous = line
    return len(colours), width, height


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                  "--disable-dev-shm-usage"]


def check_html(checks, fundledger, db, work, reports):
    path = os.path.join(work, "pack.html")
    result = run(fundledger, db, "report", "pack", "--period", PERIOD, "--format", "html", "--out", path)
    checks.check("report pack --format html exits 0 and says where it wrote",
                 result.returncode == 0 and f"to {path}" in result.stderr.decode(), result.stderr.decode())
    with open(path, encoding="utf-8") as f:
        page = f.read()
    source = Dom()
    source.feed(page)
    checks.check("the page is self-contained: no script, nothing fetched",
                 source.scripts == 0 and not source.external, source.external[:5])
    browser = chromium()
    checks.check("Chromium is installed (tools/install-deps installs it)", browser is not None)
    if not browser:
        return {}
    dumped = subprocess.run([browser] + CHROMIUM_FLAGS + ["--dump-dom", "file://" + path], capture_output=True,
                            timeout=180)
    dom = Dom()
    dom.feed(dumped.stdout.decode("utf-8", errors="replace"))
    shown_rows = {name: [(key, kind) for key, kind, _ in rows] for name, rows in dom.tables.items()}
    shown_rows["amount columns"] = dom.amount_columns
    checks.check("Chromium reads back a table per report", sorted(dom.tables) == sorted(REPORTS), sorted(dom.tables))
    for name in REPORTS:
        expected = reports[name]
        # Headings title a table's sections; JSON and CSV carry the figures only.
        rows = [row for row in dom.tables.get(name, []) if row[1] != "heading"]
        problems = []
        if [key for key, _, _ in rows] != [row.get("key") for row in expected["rows"]]:
            problems.append("the rows' keys differ")
        for (key, kind, cells), row in zip(rows, expected["rows"]):
            if kind != row["row_kind"]:
                problems.append(f"{key}: kind {kind}, JSON {row['row_kind']}")
            for column in expected["columns"]:
                value = row.get(column)
                got = cells.get(column)
                if got is None:
                    problems.append(f"{key}.{column}: missing")
                    continue
                want_value = "" if value is None else value
                if got[0] != want_value:
                    problems.append(f"{key}.{column}: {got[0]!r}, JSON {want_value!r}")
                elif column in dom.amount_columns.get(name, set()) and got[1] != shown_amount(want_value):
                    problems.append(f"{key}.{column}: shown {got[1]!r}, expected {shown_amount(want_value)!r}")
        checks.check(f"the HTML {name}: every row and figure equals the JSON, shown as a table shows it",
                     not problems and rows, problems[:8])
    titles = [figure["title"] for figure in dom.figures]
    checks.check("four charts, each an image with a title and a text alternative",
                 len(dom.figures) == 4 and all(f["role"] == "img" and f["title"] and len(f["desc"]) > 20
                                               for f in dom.figures), dom.figures)
    checks.check("the charts: contributions by donor, roll-forward, receivables by age, cash by fund",
                 [t.split(" ")[0] for t in titles] == ["Contributions", "Fund", "Contributions", "Cash"], titles)
    norway = next((f["desc"] for f in dom.figures if f["title"].startswith("Contributions by donor")), "")
    donor_revenue = [row for row in reports["donor-revenue"]["rows"] if row.get("donor") == "NOR"]
    checks.check("the donors' chart says each figure in its text alternative (Norway's from donor-revenue)",
                 donor_revenue and all(shown_amount(row["amount"]) in norway for row in donor_revenue), norway[:300])

    shot = os.path.join(work, "pack.png")
    subprocess.run([browser] + CHROMIUM_FLAGS + ["--window-size=1280,2400", "--screenshot=" + shot, "file://" + path],
                   capture_output=True, timeout=180)
    colours, width, height = png_colours(shot) if os.path.exists(shot) else (0, 0, 0)
    checks.check(f"the screenshot is not blank ({width}x{height}, {colours} colours)",
                 width == 1280 and height == 2400 and colours > 20, f"{width}x{height} {colours}")

    pdf = os.path.join(work, "pack.pdf")
    subprocess.run([browser] + CHROMIUM_FLAGS + ["--no-pdf-header-footer", "--print-to-pdf=" + pdf, "file://" + path],
                   capture_output=True, timeout=180)
    data = open(pdf, "rb").read() if os.path.exists(pdf) else b""
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    checks.check(f"printed to PDF: A4 pages ({pages}), a page or more per report",
                 pages >= len(REPORTS) + 1 and all(abs(float(w) - 595.92) < 1 and abs(float(h) - 842.88) < 1
                                                   for w, h in boxes) and boxes, f"{pages} pages, {boxes}")
    return shown_rows


XLSX_DUMP = r"""
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
out = {}
for sheet in book.worksheets:
    out[sheet.title] = {"freeze": sheet.freeze_panes, "cells": [[
        {"v": c.value, "f": c.number_format, "t": c.data_type} for c in row] for row in sheet.iter_rows()]}
print(json.dumps(out))
"""


def check_xlsx(checks, fundledger, db, work, reports, head, shown_rows):
    path = os.path.join(work, "pack.xlsx")
    result = run(fundledger, db, "report", "pack", "--period", PERIOD, "--format", "xlsx", "--out", path)
    checks.check("report pack --format xlsx exits 0", result.returncode == 0, result.stderr.decode())
    reader = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    dumped = subprocess.run([reader, "-c", XLSX_DUMP, path], capture_output=True, timeout=120)
    checks.check("openpyxl reads the workbook", dumped.returncode == 0, dumped.stderr.decode()[-400:])
    if dumped.returncode != 0:
        return
    book = json.loads(dumped.stdout)
    checks.check("a cover sheet, then a sheet per report", list(book) == ["Pack"] + REPORTS, list(book))
    cover = {row[0]["v"]: row[1]["v"] for row in book["Pack"]["cells"] if len(row) > 1 and row[0]["v"]}
    checks.check("the cover has the head hash, the span and the basis",
                 cover.get("Head hash") == head and cover.get("From") == "2023-01-01" and cover.get("To") == "2023-12-31"
                 and cover.get("psc_rate") == "0.13", cover)
    for name in REPORTS:
        sheet = book[name]
        expected = reports[name]
        cells = sheet["cells"]
        problems = []
        header = [c["v"] for c in cells[3]]
        if len(header) < len(expected["columns"]):
            problems.append(f"header {header}")
        # The rows as the HTML table shows them: the headings dropped, as in JSON.
        kinds = [kind for _, kind in shown_rows.get(name, [])]
        data = [line for line, kind in zip(cells[4:], kinds) if kind != "heading"]
        if len(kinds) != len(cells[4:]):
            problems.append(f"{len(cells[4:])} rows in the sheet, {len(kinds)} in the HTML table")
        if len(data) != len(expected["rows"]):
            problems.append(f"{len(data)} rows, JSON {len(expected['rows'])}")
        for line, row in zip(data, expected["rows"]):
            for i, column in enumerate(expected["columns"]):
                value = row.get(column)
                cell = line[i] if i < len(line) else {"v": None, "f": "", "t": "n"}
                if column in shown_rows.get("amount columns", {}).get(name, set()) and value is not None:
                    places = len(value.partition(".")[2])
                    if not isinstance(cell["v"], (int, float)) or round(cell["v"] * 100) != round(float(value) * 100):
                        problems.append(f"{row.get('key')}.{column}: {cell['v']!r}, JSON {value}")
                    elif not cell["f"].startswith("#,##0" + ("." + "0" * places if places else "") + "_)") \
                            or "(" not in cell["f"]:
                        problems.append(f"{row.get('key')}.{column}: format {cell['f']!r}")
                elif (cell["v"] or "") != (value or ""):
                    problems.append(f"{row.get('key')}.{column}: {cell['v']!r}, JSON {value!r}")
        if sheet["freeze"] != "A5":
            problems.append(f"frozen at {sheet['freeze']}")
        checks.check(f"the workbook's {name}: every cell equals the JSON, amounts as numbers, header frozen",
                     not problems, problems[:8])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    def __init__(self, fundledger, db, *extra):
        env = dict(os.environ)
        env.pop("FUNDLEDGER_DB", None)
        env.pop("FUNDLEDGER_TOKEN", None)
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([fundledger, "--db", db, "serve", "--port", "0"] + list(extra),
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
        first = self.process.stderr.readline().decode()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        self.port = int(match.group(1)) if match else None
        self.first = first
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line.decode())

    def get(self, path, method="GET", headers=None):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def stop(self):
        self.process.terminate()
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return None


def check_serve(checks, fundledger, db, work, reports, head):
    served = Served(fundledger, db)
    checks.check("serve listens on a free loopback port and says where", served.port is not None, served.first)
    if served.port is None:
        return
    try:
        for name in REPORTS:
            status, body = served.get(f"/api/reports/{name}?period={PERIOD}")
            checks.check(f"/api/reports/{name}?period={PERIOD} is exactly report --format json",
                         status == 200 and body == reports[f"text:{name}"], f"{status} {body[:200]}")
        status, body = served.get("/api/reports/contributions?as_of=2023-06-30&fund=CPCJF")
        cli = run(fundledger, db, "report", "contributions", "--as-of", "2023-06-30", "--fund", "CPCJF", "--format",
                  "json").stdout.decode()
        checks.check("as_of and fund select as --as-of and --fund do", status == 200 and body == cli, body[:200])
        status, body = served.get("/api/balances?group_by=account,fund,currency&as_of=2023-12-31&from=2023-01-01")
        cli = run(fundledger, db, "balances", "--group-by", "account,fund,currency", "--as-of", "2023-12-31", "--from",
                  "2023-01-01", "--format", "json").stdout.decode()
        checks.check("/api/balances is exactly balances --format json", status == 200 and body == cli, body[:200])
        status, body = served.get("/api/pledges?fund=UNTOC&as_of=2023-12-31")
        cli = run(fundledger, db, "pledges", "--fund", "UNTOC", "--as-of", "2023-12-31", "--format", "json")
        checks.check("/api/pledges is exactly pledges --format json", status == 200 and body == cli.stdout.decode(),
                     body[:200])
        pledge_id = json.loads(cli.stdout)["rows"][0]["pledge"]
        status, body = served.get(f"/api/pledges/{pledge_id}")
        cli = run(fundledger, db, "pledge", "show", pledge_id, "--format", "json").stdout.decode()
        checks.check(f"/api/pledges/{pledge_id} is exactly pledge show --format json", status == 200 and body == cli,
                     body[:200])
        status, body = served.get("/api/verify")
        verified = json.loads(body) if status == 200 else {}
        checks.check("/api/verify: the head, the count and a verify that passed",
                     verified.get("head") == head and verified.get("verify", {}).get("ok") is True
                     and verified.get("events") == verified.get("verify", {}).get("events"), body[:300])
        status, body = served.get(f"/?period={PERIOD}")
        checks.check("/ is the dashboard with the charts and the funds' positions",
                     status == 200 and body.count("<svg") == 4 and 'data-report="financial-position"' in body,
                     f"{status} {body[:200]}")

        cases = [
            ("/api/reports/aging?period=2023-13", "GET", 400, "bad_parameter", "period=2023-13"),
            ("/api/reports/aging?as_of=2023-02-30", "GET", 400, "bad_parameter", "as_of=2023-02-30"),
            ("/api/balances?group_by=colour", "GET", 400, "bad_parameter", "group_by=colour"),
            ("/api/pledges?status=late", "GET", 400, "bad_parameter", "status=late"),
            ("/api/reports/everything", "GET", 404, "unknown_report", "no report everything"),
            ("/api/pledges/NO-SUCH-PLEDGE", "GET", 404, "unknown_reference", "NO-SUCH-PLEDGE"),
            ("/api/reports/contributions?fund=NOFUND", "GET", 404, "unknown_reference", "NOFUND"),
            ("/etc/passwd", "GET", 404, "not_found", "/etc/passwd"),
            ("/api/../../etc/passwd", "GET", 404, "not_found", "passwd"),
            ("/%FF%FE", "GET", 404, "not_found", "no such path"),
            ("/api/pledges/%FF", "GET", 404, "unknown_reference", "unknown pledge"),
            ("/api/pledges", "POST", 405, "method_not_allowed", "read-only"),
            ("/api/reports/aging", "DELETE", 405, "method_not_allowed", "read-only"),
            ("/", "PUT", 405, "method_not_allowed", "read-only"),
        ]
        for path, method, want, code, fragment in cases:
            status, body = served.get(path, method)
            try:
                error = json.loads(body)
            except ValueError:
                error = {}
            checks.check(f"{method} {path}: {want} with the JSON error {code}",
                         status == want and error.get("error") == code and fragment in error.get("message", ""),
                         f"{status} {body[:300]}")

        # An officer imports while the service answers: every answer is whole, the head moves on.
        extra = os.path.join(work, "more.jsonl")
        with open(extra, "w") as f:
            for i in range(2000):
                f.write(json.dumps({"type": "receipt", "id": f"LIVE-{i}", "date": "2024-12-30", "fund": "CPCJF",
                                    "currency": "USD", "amount": "1.00", "donor": "DEU"}) + "\n")
        statuses = []

        def hammer():
            for _ in range(40):
                statuses.append(served.get(f"/api/reports/trial-balance?period={PERIOD}")[0])

        threads = [threading.Thread(target=hammer) for _ in range(3)]
        for t in threads:
            t.start()
        imported = run(fundledger, db, "import", extra)
        for t in threads:
            t.join()
        status, body = served.get("/api/verify")
        checks.check("answers stay 200 while an officer imports, and the head moves on",
                     imported.returncode == 0 and set(statuses) == {200} and status == 200
                     and json.loads(body)["head"] != head and json.loads(body)["verify"]["ok"],
                     f"{imported.stderr.decode()[-200:]} {sorted(set(statuses))}")

        # 8 clients for 3 seconds: no error (tools/bench-serve measures 20 s and prints the latencies).
        errors, count = [], [0]
        deadline = time.monotonic() + 3

        def client():
            while time.monotonic() < deadline:
                code, _ = served.get("/api/reports/financial-position?period=2023")
                count[0] += 1
                if code != 200:
                    errors.append(code)

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        checks.check(f"8 clients for 3 s: {count[0]} requests, no error", count[0] > 8 and not errors, errors[:5])

        # A store locked by another process: 503 after the busy wait, not a hang.
        holder = sqlite3.connect(db, timeout=0, isolation_level=None)
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("CREATE TABLE IF NOT EXISTS lock_probe(x)")
        started = time.monotonic()
        status, body = served.get("/api/reports/aging?period=2023")
        waited = time.monotonic() - started
        holder.execute("ROLLBACK")
        holder.close()
        checks.check(f"a store held by another process: 503 busy after {waited:.1f} s, not a hang",
                     status == 503 and json.loads(body).get("error") == "busy" and waited < 10, f"{status} {body[:200]}")
    finally:
        code = served.stop()
    checks.check("SIGTERM stops the server (exit 0)", code == 0, code)
    logged = [line for line in served.lines if re.match(r"127\.0\.0\.1 (GET|POST|PUT|DELETE) /", line)]
    checks.check("one log line per request: address, method, path, status, time",
                 len(logged) > 150 and any(" 405 " in line for line in logged)
                 and all(re.search(r" \d{3} [\d.]+ ms$", line.strip()) for line in logged), logged[:3])

    code = subprocess.run([fundledger, "--db", db, "serve", "--bind", "0.0.0.0", "--port", str(free_port())],
                          capture_output=True, timeout=30, env={k: v for k, v in os.environ.items()
                                                                if k != "FUNDLEDGER_TOKEN"})
    checks.check("serve --bind 0.0.0.0 without --token: refused (64)",
                 code.returncode == 64 and "--token" in code.stderr.decode(), code.stderr.decode())
    guarded = Served(fundledger, db, "--token", "s3cret")
    try:
        status, body = guarded.get("/api/verify")
        checks.check("with --token: a request without it gets 401", status == 401
                     and json.loads(body)["error"] == "unauthorized", f"{status} {body}")
        status, _ = guarded.get("/api/verify", headers={"Authorization": "Bearer wrong"})
        checks.check("with --token: a wrong token gets 401", status == 401, status)
        status, _ = guarded.get("/api/verify", headers={"Authorization": "Bearer s3cret"})
        checks.check("with --token: the right bearer token gets 200", status == 200, status)
    finally:
        guarded.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fundledger", required=True)
    args = parser.parse_args()
    fundledger = os.path.abspath(args.fundledger)
    checks = Checks()
    with tempfile.TemporaryDirectory() as work:
        db = os.path.join(work, "cpcjf.db")
        for step in (["init"], ["import", SAMPLE]):
            result = run(fundledger, db, *step)
            if result.returncode != 0:
                print(result.stderr.decode())
                return 1
        reports = {}
        for name in REPORTS:
            text = run(fundledger, db, "report", name, "--period", PERIOD, "--format", "json").stdout.decode()
            reports[name] = json.loads(text)
            reports[f"text:{name}"] = text
        verified = run(fundledger, db, "verify").stdout.decode() + run(fundledger, db, "verify").stderr.decode()
        head = re.search(r"head ([0-9a-f]{64})", verified).group(1)
        shown_rows = check_html(checks, fundledger, db, work, reports)
        check_xlsx(checks, fundledger, db, work, reports, head, shown_rows)
        check_serve(checks, fundledger, db, work, reports, head)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
