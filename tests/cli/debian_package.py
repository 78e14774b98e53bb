#!/usr/bin/env python3
"""cpack -G DEB builds the Debian package, and it holds what the README says it does.

Runs cpack on the build folder (into a temporary folder), then reads the package with dpkg-deb:
its name and version, its dependencies (found by dpkg-shlibdeps), and its files: the command line,
the library, the public headers, the CMake package, the manual page and the bash completion. The
manual page must be the program's own help (it names its commands).

Usage: python3 debian_package.py --build BUILD_FOLDER --version VERSION
Exit status 0 when every check passes, 1 otherwise; the last line is "N passed, M failed".
"""

import argparse
import gzip
import io
import os
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402 - shared by the CLI tests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--version", required=True)
    args = parser.parse_args()
    checks = Checks()
    with tempfile.TemporaryDirectory() as out:
        result = subprocess.run(["cpack", "-G", "DEB", "--config", os.path.join(args.build, "CPackConfig.cmake"),
                                 "-B", out], capture_output=True, timeout=600)
        name = f"fundledger_{args.version}_amd64.deb"
        path = os.path.join(out, name)
        checks.check(f"cpack -G DEB writes {name}", result.returncode == 0 and os.path.exists(path),
                     (result.stdout + result.stderr).decode()[-1500:])
        if not os.path.exists(path):
            return checks.finish()
        info = subprocess.run(["dpkg-deb", "--info", path], capture_output=True).stdout.decode()
        fields = dict(line.strip().split(": ", 1) for line in info.splitlines() if ": " in line and line.startswith(" "))
        checks.check("its control: package fundledger, the version, amd64",
                     fields.get("Package") == "fundledger" and fields.get("Version") == args.version
                     and fields.get("Architecture") == "amd64", info)
        depends = fields.get("Depends", "")
        checks.check("it depends on the shared libraries the program links (libsqlite3, libxlsxwriter, libcpp-httplib)",
                     all(lib in depends for lib in ("libsqlite3", "libxlsxwriter", "libcpp-httplib")), depends)
        listing = subprocess.run(["dpkg-deb", "--contents", path], capture_output=True).stdout.decode()
        files = {line.split()[-1].lstrip(".") for line in listing.splitlines() if line.strip()}
        wanted = ["/usr/bin/fundledger", "/usr/lib/libfundledger.a", "/usr/include/fundledger/ledger.hpp",
                  "/usr/include/fundledger/reports.hpp", "/usr/lib/cmake/fundledger/fundledgerConfig.cmake",
                  "/usr/share/man/man1/fundledger.1", "/usr/share/bash-completion/completions/fundledger"]
        present = {f for f in files for w in wanted if f == w or f.replace("/x86_64-linux-gnu", "") == w}
        missing = [w for w in wanted if not any(f == w or f.replace("/x86_64-linux-gnu", "") == w for f in files)]
        checks.check("it holds the command line, the library, the headers, the CMake package, the manual and the "
                     "completion", not missing, f"missing {missing}; present {sorted(present)}")
        manual = subprocess.run(["dpkg-deb", "--fsys-tarfile", path], capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(manual)) as archive:
            member = next((m for m in archive.getmembers() if m.name.endswith("man1/fundledger.1")), None)
            page = archive.extractfile(member).read().decode() if member and member.isfile() else ""
            if not page and member is None:
                gz = next((m for m in archive.getmembers() if m.name.endswith("man1/fundledger.1.gz")), None)
                page = gzip.decompress(archive.extractfile(gz).read()).decode() if gz else ""
            completion = next((m for m in archive.getmembers() if m.name.endswith("completions/fundledger")), None)
            script = archive.extractfile(completion).read().decode() if completion else ""
        checks.check("the manual page is the program's help: it names init, import, report and serve",
                     all(command in page for command in ("init", "import", "report", "serve")) and ".TH" in page,
                     page[:400])
        checks.check("the completion script completes fundledger from its own help",
                     "complete -F _fundledger fundledger" in script and "--help" in script, script[:300])
        syntax = subprocess.run(["bash", "-n"], input=script.encode(), capture_output=True)
        checks.check("the completion script is valid bash", syntax.returncode == 0, syntax.stderr.decode())
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
