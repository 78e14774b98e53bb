#!/usr/bin/env python3
"""The library's layers (ledger/CMakeLists.txt): each folder of ledger/ includes only itself and the
folders it may use, so that the rules never reach a store, the store never runs a rule, and the
engine is the one place that joins them.

Usage: python3 layers.py [--root PATH]
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402

# Each folder, with the folders its files may include besides itself.
ALLOWED = {
    "core": set(),
    "decimal": {"core"},
    "rules": {"core", "decimal"},
    "store": {"core", "decimal"},
    "engine": {"core", "decimal", "rules", "store"},
    "audit": {"core", "decimal", "rules", "store", "engine"},
    "reports": {"core", "decimal", "store", "engine"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([^"]+)"', re.M)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    args = parser.parse_args()
    library = os.path.join(args.root, "ledger")
    checks = Checks()
    folders = sorted(name for name in os.listdir(library) if os.path.isdir(os.path.join(library, name)))
    checks.check(f"ledger/ holds the seven layers and nothing else: {', '.join(sorted(ALLOWED))}",
                 folders == sorted(ALLOWED), f"found {folders}")
    for folder in folders:
        allowed = ALLOWED.get(folder, set()) | {folder}
        crossings = []
        files = sorted(os.listdir(os.path.join(library, folder)))
        for name in files:
            with open(os.path.join(library, folder, name), encoding="utf-8") as source:
                for used, header in INCLUDE.findall(source.read()):
                    if used not in allowed:
                        crossings.append(f"{folder}/{name} includes {used}/{header}")
        checks.check(f"ledger/{folder}/ ({len(files)} files) includes only "
                     f"{', '.join(sorted(allowed))}", not crossings and len(files) > 1, "\n".join(crossings))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
