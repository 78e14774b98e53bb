"""The pass/fail tally the CLI test scripts print: a line per check, then "N passed, M failed"; and what
every script knows of a ledger made by init."""

# The events init records: 7 standard settings and the 25 accounts of the standard chart.
INIT_EVENTS = 32


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"PASS {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}")
            if detail:
                for line in str(detail).splitlines()[:20]:
                    print(f"     {line}")
        return ok

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
