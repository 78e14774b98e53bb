#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster, for the tests and the benchmark.

    tools/pg_cluster.py run [--fsync] [--keep DIR] -- COMMAND ARGS...

starts a cluster of its own (initdb into a temporary folder, as an unprivileged user when run as
root, listening on a Unix socket in that folder only), runs COMMAND with FUNDLEDGER_TEST_POSTGRESQL
set to the URL of the cluster's "postgres" database, then stops the cluster and removes the folder.
It exits with COMMAND's status. Python code imports Cluster instead.

The cluster's superuser is "ledger", trusted on the socket (no password): nothing outside the
folder can reach it. Unless --fsync, the cluster runs with fsync off, which a test of speed or of
logic does not need; the fault tests turn it on.
"""

import argparse
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse


def server_bin():
    """The folder of the newest PostgreSQL server programs installed (Debian's layout)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(initdb)
    raise SystemExit("pg_cluster: no PostgreSQL server installed (apt-get install postgresql)")


class Cluster:
    """One PostgreSQL cluster in a folder of its own; a context manager that stops it at the end."""

    def __init__(self, fsync=False, folder=None, port=5432, name="primary"):
        self.bin = server_bin()
        self.owner = None
        self.keep = folder is not None
        self.root = folder or tempfile.mkdtemp(prefix="fundledger-pg-")
        os.makedirs(self.root, exist_ok=True)
        if os.geteuid() == 0:
            # initdb and postgres refuse to run as root: the cluster belongs to the "postgres" user
            # that Debian's package creates.
            self.owner = "postgres"
            entry = pwd.getpwnam(self.owner)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            os.chmod(self.root, 0o755)
        self.data = os.path.join(self.root, name)
        self.port = port
        self.fsync = fsync
        self.running = False

    # ---- running the server's programs ----
    def _command(self, program, *args):
        command = [os.path.join(self.bin, program)] + list(args)
        if self.owner:
            command = ["runuser", "-u", self.owner, "--"] + command
        return command

    def run(self, program, *args, check=True, timeout=120):
        result = subprocess.run(self._command(program, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, timeout=timeout, cwd=self.root)
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
        return result

    def init(self):
        self.run("initdb", "-D", self.data, "-U", "ledger", "-A", "trust", "--no-sync", "-E", "UTF8",
                 "--locale", "C.UTF-8")
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as conf:
            conf.write(f"listen_addresses = ''\nunix_socket_directories = '{self.root}'\nport = {self.port}\n")
            conf.write(f"fsync = {'on' if self.fsync else 'off'}\n")
            conf.write("max_connections = 60\nshared_buffers = 128MB\nwal_level = replica\n"
                       "max_wal_senders = 4\nhot_standby = on\n")
        return self

    def start(self):
        self.run("pg_ctl", "-w", "-t", "60", "-D", self.data, "-l", os.path.join(self.root, f"{os.path.basename(self.data)}.log"),
                 "start")
        self.running = True
        return self

    def stop(self, mode="fast"):
        if self.running:
            self.run("pg_ctl", "-w", "-t", "60", "-D", self.data, "-m", mode, "stop", check=False)
            self.running = False

    def cleanup(self):
        self.stop("immediate")
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.init().start()

    def __exit__(self, *exc):
        self.cleanup()

    def standby(self, name, port):
        """A hot standby of this cluster in the same folder (pg_basebackup -R: streaming replication),
        started on port; stopped by its own stop(), removed with this cluster's folder."""
        replica = Cluster(fsync=self.fsync, folder=self.root, port=port, name=name)
        self.run("pg_basebackup", "-D", replica.data, "-R", "-h", self.root, "-p", str(self.port), "-U", "ledger",
                 "-X", "stream", "-c", "fast")
        with open(os.path.join(replica.data, "postgresql.auto.conf"), "a") as conf:
            conf.write(f"port = {port}\n")
        return replica.start()

    # ---- connecting ----
    def url(self, database="postgres"):
        host = urllib.parse.quote(self.root, safe="")
        return f"postgresql://ledger@/{database}?host={host}&port={self.port}"

    def psql(self, sql, database="postgres", check=True):
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database),
                                 "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"psql {sql!r}: {result.stderr.strip()}")
        return result

    def create_database(self, name):
        self.psql(f'CREATE DATABASE "{name}"')
        return self.url(name)


def database_url(server_url, name):
    """The URL of database name on the server of server_url (a URL of its "postgres" database)."""
    return server_url.replace("/postgres?", f"/{name}?", 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    run = sub.add_parser("run", help="start a cluster, run a command against it, stop it")
    run.add_argument("--fsync", action="store_true", help="keep fsync on (for tests of durability)")
    run.add_argument("--keep", help="put the cluster in this folder and leave it behind")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command")
    started = time.monotonic()
    with Cluster(fsync=args.fsync, folder=args.keep) as cluster:
        print(f"pg_cluster: PostgreSQL at {cluster.root} started in {time.monotonic() - started:.1f} s",
              file=sys.stderr)
        env = dict(os.environ, FUNDLEDGER_TEST_POSTGRESQL=cluster.url())
        status = subprocess.run(command, env=env).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())
