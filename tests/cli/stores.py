"""Which store a CLI test runs against: SQLite files, or databases of a PostgreSQL server.

A test names its ledgers as files ("ledger.db", "replayed.db") wherever it passes --db (or the
--from and --to of copy). With --store postgresql, each such name is rewritten to the URL of a
database of its own on the server that FUNDLEDGER_TEST_POSTGRESQL names (tools/pg_cluster.py run
starts one), created, empty, the first time the name is used: "ledger.db" is then a database
named after the test run and "ledger". Everything else the test does is the same on both stores.
"""

import os
import re
import subprocess
import sys

DB_OPTIONS = ("--db", "--from", "--to")


class Store:
    def __init__(self, kind, tag="t"):
        self.kind = kind
        self.server = None
        self.tag = re.sub(r"[^a-z0-9]", "_", tag.lower())
        self.databases = {}
        self.run_id = os.getpid()  # fixed at the start: forked workers name the same databases
        if kind == "postgresql":
            self.server = os.environ.get("FUNDLEDGER_TEST_POSTGRESQL")
            if not self.server:
                sys.exit("--store postgresql needs FUNDLEDGER_TEST_POSTGRESQL (run under tools/pg_cluster.py run)")

    @property
    def postgresql(self):
        return self.kind == "postgresql"

    def url(self, name):
        """The URL of the database standing for the ledger file name, created on first use."""
        stem = os.path.splitext(os.path.basename(name))[0]
        database = f"{self.tag}_{self.run_id}_{re.sub(r'[^a-z0-9]', '_', stem.lower())}"
        if database not in self.databases:
            self.psql(f'CREATE DATABASE "{database}"')
            self.databases[database] = self.server.replace("/postgres?", f"/{database}?", 1)
        return self.databases[database]

    def location(self, name):
        """What --db takes for the ledger file name: the name itself, or a database's URL."""
        if not self.postgresql or "://" in name:
            return name
        return self.url(name)

    def rewrite(self, args):
        """args with every ledger named after --db, --from or --to as this store has it."""
        args = list(args)
        for i, arg in enumerate(args[:-1]):
            if arg in DB_OPTIONS and args[i + 1].endswith(".db"):
                args[i + 1] = self.location(args[i + 1])
        return args

    def psql(self, sql, database="postgres"):
        url = self.server if database == "postgres" else self.server.replace("/postgres?", f"/{database}?", 1)
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {result.stderr.strip()}")
        return result.stdout


def add_argument(parser):
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite",
                        help="run against SQLite files (default) or a PostgreSQL server "
                             "(FUNDLEDGER_TEST_POSTGRESQL, see tools/pg_cluster.py)")


# The store of this run: set by the test's main from --store.
current = Store("sqlite")


def use(kind, tag):
    global current
    current = Store(kind, tag)
    return current


# ---- changing a ledger behind fundledger's back, as a tamperer would ----------------------------

def _literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class _SqliteTamper:
    def __init__(self, path):
        import sqlite3
        self.connection = sqlite3.connect(path)

    def disable_immutability(self):
        names = [r[0] for r in self.connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
        for name in names:
            self.connection.execute(f"DROP TRIGGER {name}")

    def execute(self, sql, params=()):
        return self.connection.execute(sql, params).fetchall()

    def commit(self):
        self.connection.commit()

    def close(self):
        self.connection.close()


class _PostgresTamper:
    """Statements run through psql as the cluster's superuser, all in one transaction at commit, with
    triggers off (session_replication_role = replica): what an administrator of the server could
    do. A SELECT runs at once, seeing the changes queued before it, and returns text."""

    def __init__(self, store, database):
        self.store = store
        self.database = database
        self.pending = []

    def disable_immutability(self):
        pass  # every batch runs with session_replication_role = replica

    def _bind(self, sql, params):
        parts = sql.split("?")
        if len(parts) - 1 != len(params):
            raise ValueError(f"{len(params)} parameters for {sql!r}")
        out = parts[0]
        for value, part in zip(params, parts[1:]):
            out += _literal(value) + part
        return out

    def execute(self, sql, params=()):
        statement = self._bind(sql, params)
        if statement.lstrip().upper().startswith("SELECT"):
            script = "BEGIN; SET LOCAL session_replication_role = replica; " + "; ".join(self.pending + [statement])
            script += "; ROLLBACK;"
            output = self.store.psql(script, self.database)
            # Values come back as text; bound again, PostgreSQL reads a quoted number as a number.
            return [tuple(line.split("|")) for line in output.splitlines() if line]
        self.pending.append(statement)
        return []

    def commit(self):
        if self.pending:
            script = "BEGIN; SET LOCAL session_replication_role = replica; " + "; ".join(self.pending) + "; COMMIT;"
            self.store.psql(script, self.database)
            self.pending = []

    def close(self):
        self.pending = []


def database_of(store, name):
    return store.url(name).split("/")[-1].split("?")[0]


def tamper(work, name):
    """A connection to the ledger file name (or its database) that changes it directly."""
    if current.postgresql:
        return _PostgresTamper(current, database_of(current, name))
    return _SqliteTamper(os.path.join(work, name))


def copy(work, source, target):
    """A copy of the ledger source under the name target, made outside fundledger."""
    if current.postgresql:
        source_db = database_of(current, source)
        target_db = f"{current.tag}_{current.run_id}_{re.sub(r'[^a-z0-9]', '_', os.path.splitext(target)[0].lower())}"
        current.psql(f'CREATE DATABASE "{target_db}" TEMPLATE "{source_db}"')
        current.databases[target_db] = current.server.replace("/postgres?", f"/{target_db}?", 1)
        return
    import shutil
    source_path, target_path = os.path.join(work, source), os.path.join(work, target)
    shutil.copyfile(source_path, target_path)
    if os.path.exists(source_path + "-wal") and os.path.getsize(source_path + "-wal") > 0:
        shutil.copyfile(source_path + "-wal", target_path + "-wal")
