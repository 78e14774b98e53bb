#!/usr/bin/env python3
"""Self-test of iati_check.py, the IATI 2.03 activity-file checker.

A valid document (two activities, budgets, transactions of types 11 - one of them negative -,
1, 3 and 4, each with a provider-org and a receiver-org) must give no problem, as must two
variants of it the schema allows (extensions in another namespace; a budget of exactly one
year). Then each mutation of it must give exactly one problem, holding the expected text (which
names the element's path). The command line is run on the valid file and on a broken one.

Usage: python3 iati_check_selftest.py
Exit status 0 when every case passes, 1 otherwise; the last line is "N passed, M failed".
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Checks  # noqa: E402 - shared by the CLI tests
import iati_check  # noqa: E402

CHECKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "iati_check.py")

VALID = """\
<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2024-12-31T00:00:00Z">
  <iati-activity last-updated-datetime="2024-12-31T00:00:00Z" xml:lang="en" default-currency="USD">
    <iati-identifier>XM-EXAMPLE-CPCJF</iati-identifier>
    <reporting-org ref="XM-EXAMPLE" type="40"><narrative>United Nations Office on Drugs and Crime</narrative></reporting-org>
    <title><narrative>Crime Prevention and Criminal Justice Fund</narrative></title>
    <description><narrative>Voluntary contributions and their use, as recorded by fundledger</narrative></description>
    <participating-org ref="DEU" role="1"><narrative>Germany</narrative></participating-org>
    <participating-org ref="XM-EXAMPLE" role="2" type="40"><narrative>United Nations Office on Drugs and Crime</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date iso-date="2024-01-15" type="2"/>
    <sector vocabulary="1" code="15130"/>
    <budget type="1" status="2"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value currency="USD" value-date="2024-01-01">500000.00</value></budget>
    <transaction>
      <transaction-type code="11"/>
      <transaction-date iso-date="2024-01-15"/>
      <value currency="EUR" value-date="2024-01-15">1200000.00</value>
      <description><narrative>Pledge DEU-2024-01</narrative></description>
      <provider-org ref="DEU"><narrative>Germany</narrative></provider-org>
      <receiver-org ref="XM-EXAMPLE"><narrative>Crime Prevention and Criminal Justice Fund</narrative></receiver-org>
    </transaction>
    <transaction>
      <transaction-type code="1"/>
      <transaction-date iso-date="2024-03-01"/>
      <value currency="EUR" value-date="2024-03-01">1000000.00</value>
      <description><narrative>Receipt against pledge DEU-2024-01</narrative></description>
      <provider-org ref="DEU"><narrative>Germany</narrative></provider-org>
      <receiver-org ref="XM-EXAMPLE"><narrative>Crime Prevention and Criminal Justice Fund</narrative></receiver-org>
    </transaction>
    <transaction>
      <transaction-type code="11"/>
      <transaction-date iso-date="2024-06-30"/>
      <value currency="EUR" value-date="2024-06-30">-200000.00</value>
      <description><narrative>Pledge DEU-2024-01 reduced</narrative></description>
      <provider-org ref="DEU"><narrative>Germany</narrative></provider-org>
      <receiver-org ref="XM-EXAMPLE"><narrative>Crime Prevention and Criminal Justice Fund</narrative></receiver-org>
    </transaction>
  </iati-activity>
  <iati-activity last-updated-datetime="2024-12-31T00:00:00Z" xml:lang="en">
    <iati-identifier>XM-EXAMPLE-GPML</iati-identifier>
    <reporting-org ref="XM-EXAMPLE" type="40"><narrative>United Nations Office on Drugs and Crime</narrative></reporting-org>
    <title><narrative>Global Programme against Money Laundering</narrative></title>
    <description><narrative>Earmarked contributions to the programme</narrative></description>
    <participating-org ref="NOR" role="1"><narrative>Norway</narrative></participating-org>
    <participating-org ref="XM-EXAMPLE" role="2" type="40"><narrative>United Nations Office on Drugs and Crime</narrative></participating-org>
    <participating-org ref="XM-EXAMPLE-PARTNER" role="4" type="22"><narrative>Example implementing partner</narrative></participating-org>
    <activity-status code="2"/>
    <activity-date iso-date="2024-02-01" type="1"/>
    <activity-date iso-date="2024-02-05" type="2"/>
    <activity-date iso-date="2025-12-31" type="3"/>
    <sector vocabulary="1" code="15130"/>
    <budget type="1" status="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/><value currency="USD" value-date="2024-01-02">250000.00</value></budget>
    <transaction>
      <transaction-type code="11"/>
      <transaction-date iso-date="2024-02-01"/>
      <value currency="USD" value-date="2024-02-01">300000.00</value>
      <description><narrative>Pledge NOR-2024-07</narrative></description>
      <provider-org ref="NOR"><narrative>Norway</narrative></provider-org>
      <receiver-org ref="XM-EXAMPLE"><narrative>Global Programme against Money Laundering</narrative></receiver-org>
    </transaction>
    <transaction>
      <transaction-type code="1"/>
      <transaction-date iso-date="2024-02-20"/>
      <value currency="USD" value-date="2024-02-20">300000.00</value>
      <description><narrative>Receipt against pledge NOR-2024-07</narrative></description>
      <provider-org ref="NOR"><narrative>Norway</narrative></provider-org>
      <receiver-org ref="XM-EXAMPLE"><narrative>Global Programme against Money Laundering</narrative></receiver-org>
    </transaction>
    <transaction>
      <transaction-type code="3"/>
      <transaction-date iso-date="2024-05-10"/>
      <value currency="USD" value-date="2024-05-10">120000.00</value>
      <description><narrative>Grant to the implementing partner</narrative></description>
      <provider-org ref="XM-EXAMPLE" provider-activity-id="XM-EXAMPLE-GPML"><narrative>United Nations Office on Drugs and Crime</narrative></provider-org>
      <receiver-org ref="XM-EXAMPLE-PARTNER" type="22"><narrative>Example implementing partner</narrative></receiver-org>
    </transaction>
    <transaction>
      <transaction-type code="4"/>
      <transaction-date iso-date="2024-09-30"/>
      <value currency="USD" value-date="2024-09-30">15000.50</value>
      <description><narrative>Training workshop</narrative></description>
      <provider-org ref="XM-EXAMPLE"><narrative>United Nations Office on Drugs and Crime</narrative></provider-org>
      <receiver-org><narrative>Conference services supplier</narrative></receiver-org>
    </transaction>
  </iati-activity>
</iati-activities>
"""


def replace(old, new):
    """A mutation: the one occurrence of old becomes new."""
    def mutate(document):
        if document.count(old) != 1:
            raise ValueError(f"the test's text {old!r} occurs {document.count(old)} times")
        return document.replace(old, new)
    return mutate


def transaction_block(document, marker):
    """The text of the one <transaction> element that holds marker, with its indentation."""
    blocks = [m.group(0) for m in re.finditer(r"    <transaction>\n.*?</transaction>\n",
                                              document, re.S) if marker in m.group(0)]
    if len(blocks) != 1:
        raise ValueError(f"{len(blocks)} transactions hold {marker!r}")
    return blocks[0]


def move_transaction_before(marker, anchor):
    """A mutation: the transaction holding marker moves to just before the line at anchor."""
    def mutate(document):
        block = transaction_block(document, marker)
        document = document.replace(block, "")
        return replace(anchor, block + anchor)(document)
    return mutate


def latin1(old, new):
    """A mutation that writes bytes: new encoded as ISO 8859-1 in place of old."""
    def mutate(document):
        before, after = replace(old, "\0")(document).split("\0")
        return before.encode("utf-8") + new.encode("latin-1") + after.encode("utf-8")
    return mutate


def line_of(text):
    """The line of VALID on which text (found once) begins."""
    assert VALID.count(text) == 1, text
    return VALID[:VALID.index(text)].count("\n") + 1


BUDGET_2 = '    <budget type="1" status="1">'

# (name, mutation, the one expected problem holds this text)
MUTATIONS = [
    ("a transaction placed before the budget",
     move_transaction_before("Pledge NOR-2024-07", BUDGET_2),
     "iati-activity[2]/transaction[1]: out of order: transaction must come after budget"),
    ("value before transaction-date in a transaction",
     replace('      <transaction-date iso-date="2024-02-20"/>\n'
             '      <value currency="USD" value-date="2024-02-20">300000.00</value>\n',
             '      <value currency="USD" value-date="2024-02-20">300000.00</value>\n'
             '      <transaction-date iso-date="2024-02-20"/>\n'),
     "iati-activity[2]/transaction[2]/value: out of order: value must come after "
     "transaction-date"),
    ("a transaction value without value-date",
     replace(' value-date="2024-03-01"', ""),
     "iati-activity[1]/transaction[2]/value: missing required attribute @value-date"),
    ("an exponent in a value",
     replace(">1200000.00<", ">1.2E6<"),
     "iati-activity[1]/transaction[1]/value: '1.2E6' is not an xsd:decimal"),
    ("a thousands separator in a value",
     replace(">15000.50<", ">15,000.50<"),
     "iati-activity[2]/transaction[4]/value: '15,000.50' is not an xsd:decimal"),
    ("an unknown transaction-type code",
     replace('<transaction-type code="3"/>', '<transaction-type code="99"/>'),
     "iati-activity[2]/transaction[3]/transaction-type: @code '99' is not in the "
     "TransactionType codelist"),
    ("an unknown currency",
     replace('currency="EUR" value-date="2024-06-30"', 'currency="EUX" value-date="2024-06-30"'),
     "iati-activity[1]/transaction[3]/value: @currency 'EUX' is not in the Currency codelist"),
    ("a withdrawn currency as default-currency",
     replace('default-currency="USD"', 'default-currency="VEF"'),
     "iati-activity[1]: @default-currency 'VEF' has been withdrawn"),
    ("a value without currency in an activity without default-currency",
     replace('currency="USD" value-date="2024-09-30"', 'value-date="2024-09-30"'),
     "iati-activity[2]/transaction[4]/value: no @currency, and the activity has no "
     "@default-currency"),
    ("an iati-identifier not starting with the reporting-org ref",
     replace("<iati-identifier>XM-EXAMPLE-CPCJF<", "<iati-identifier>XM-OTHER-CPCJF<"),
     "iati-activity[1]/iati-identifier: 'XM-OTHER-CPCJF' does not begin with the "
     "reporting-org/@ref 'XM-EXAMPLE'"),
    ("an iati-identifier used twice",
     replace("<iati-identifier>XM-EXAMPLE-GPML<", "<iati-identifier>XM-EXAMPLE-CPCJF<"),
     "iati-activity[2]/iati-identifier: 'XM-EXAMPLE-CPCJF' is also the identifier of "
     "iati-activity[1]"),
    ("a missing reporting-org",
     replace('    <iati-identifier>XM-EXAMPLE-CPCJF</iati-identifier>\n'
             '    <reporting-org ref="XM-EXAMPLE" type="40"><narrative>United Nations Office on '
             'Drugs and Crime</narrative></reporting-org>\n',
             '    <iati-identifier>XM-EXAMPLE-CPCJF</iati-identifier>\n'),
     "iati-activity[1]: missing <reporting-org>: the schema requires exactly one"),
    ("a reporting-org type not in OrganisationType",
     replace('<iati-identifier>XM-EXAMPLE-GPML</iati-identifier>\n'
             '    <reporting-org ref="XM-EXAMPLE" type="40">',
             '<iati-identifier>XM-EXAMPLE-GPML</iati-identifier>\n'
             '    <reporting-org ref="XM-EXAMPLE" type="41">'),
     "iati-activity[2]/reporting-org: @type '41' is not in the OrganisationType codelist"),
    ("a participating-org with an unknown role",
     replace('<participating-org ref="NOR" role="1">', '<participating-org ref="NOR" role="5">'),
     "iati-activity[2]/participating-org[1]: @role '5' is not in the OrganisationRole codelist"),
    ("an activity-date that is not a date",
     replace('<activity-date iso-date="2024-01-15" type="2"/>',
             '<activity-date iso-date="2024-02-30" type="2"/>'),
     "iati-activity[1]/activity-date[1]: @iso-date '2024-02-30' is not a valid xsd:date"),
    ("two titles",
     replace("    <title><narrative>Global Programme against Money Laundering</narrative></title>\n",
             "    <title><narrative>Global Programme against Money Laundering</narrative></title>\n"
             "    <title><narrative>Programme mondial contre le blanchiment</narrative></title>\n"),
     "iati-activity[2]/title: occurs 2 times; the schema allows at most 1"),
    ("an element the schema does not know",
     replace('    <activity-status code="2"/>\n    <activity-date iso-date="2024-01-15"',
             '    <activity-status code="2"/>\n    <fund-code>CPCJF</fund-code>\n'
             '    <activity-date iso-date="2024-01-15"'),
     "iati-activity[1]/fund-code[1]: unknown element <fund-code>"),
    ("an attribute the schema does not know",
     replace('<transaction-type code="4"/>', '<transaction-type code="4" kind="expense"/>'),
     "iati-activity[2]/transaction[4]/transaction-type: unknown attribute @kind"),
    ("a budget period longer than a year",
     replace('<period-end iso-date="2024-12-31"/><value currency="USD" value-date="2024-01-01">',
             '<period-end iso-date="2025-01-02"/><value currency="USD" value-date="2024-01-01">'),
     "iati-activity[1]/budget[1]: budget period 2024-01-01 to 2025-01-02 is longer than one year"),
    ("a budget ending before it starts",
     replace('<period-end iso-date="2024-12-31"/><value currency="USD" value-date="2024-01-02">',
             '<period-end iso-date="2023-12-31"/><value currency="USD" value-date="2024-01-02">'),
     "iati-activity[2]/budget[1]: period-end 2023-12-31 is before period-start 2024-01-01"),
    ("an empty narrative",
     replace("<title><narrative>Crime Prevention and Criminal Justice Fund</narrative></title>",
             "<title><narrative> </narrative></title>"),
     "iati-activity[1]/title/narrative[1]: empty narrative"),
    ("a narrative with a three-letter xml:lang",
     replace("<narrative>Training workshop</narrative>",
             '<narrative xml:lang="eng">Training workshop</narrative>'),
     "iati-activity[2]/transaction[4]/description/narrative[1]: @xml:lang 'eng' is not a "
     "two-letter ISO 639-1 code"),
    ("a transaction dated in the future",
     replace('<transaction-date iso-date="2024-09-30"/>', '<transaction-date iso-date="2999-09-30"/>'),
     "iati-activity[2]/transaction[4]/transaction-date: transaction date 2999-09-30 is in the "
     "future"),
    ("an activity without sector",
     replace('    <activity-date iso-date="2024-01-15" type="2"/>\n'
             '    <sector vocabulary="1" code="15130"/>\n',
             '    <activity-date iso-date="2024-01-15" type="2"/>\n'),
     "iati-activity[1]: no sector"),
    ("an activity without activity-status",
     replace('    <participating-org ref="XM-EXAMPLE-PARTNER" role="4" type="22"><narrative>Example '
             'implementing partner</narrative></participating-org>\n    <activity-status code="2"/>\n',
             '    <participating-org ref="XM-EXAMPLE-PARTNER" role="4" type="22"><narrative>Example '
             'implementing partner</narrative></participating-org>\n'),
     "iati-activity[2]: missing <activity-status>: the schema requires exactly one"),
    ("a missing version attribute",
     replace('<iati-activities version="2.03" ', "<iati-activities "),
     "iati-activities: missing required attribute @version"),
    ("another version",
     replace('<iati-activities version="2.03" ', '<iati-activities version="2.02" '),
     "iati-activities: @version '2.02'"),
    ("a generated-datetime that is not an xsd:dateTime",
     replace('generated-datetime="2024-12-31T00:00:00Z"',
             'generated-datetime="2024-12-31 00:00:00"'),
     "iati-activities: @generated-datetime '2024-12-31 00:00:00' is not a valid xsd:dateTime"),
    ("malformed XML (a mismatched end tag)",
     replace("Money Laundering</narrative></title>", "Money Laundering</narrative></titel>"),
     # column 78 (1-based) is where the name of the wrong end tag begins on that line
     f"document: line {line_of('Money Laundering</narrative></title>')}, column 78: "
     f"not well-formed XML: mismatched tag"),
    ("a byte that is not UTF-8",
     latin1("<narrative>Norway</narrative></participating-org>",
            "<narrative>Norv\u00e8ge</narrative></participating-org>"),
     f"document: line {line_of('<narrative>Norway</narrative></participating-org>')}: "
     f"byte 0xe8 is not UTF-8"),
]

# Variants the schema allows: each must give no problem.
STILL_VALID = [
    ("extensions in another namespace",
     lambda document: replace(
         '<iati-activities version="2.03" ',
         '<iati-activities xmlns:fl="https://example.org/fundledger" version="2.03" ')(
         replace('      <receiver-org><narrative>Conference services supplier</narrative>'
                 '</receiver-org>\n',
                 '      <receiver-org><narrative>Conference services supplier</narrative>'
                 '</receiver-org>\n      <fl:entry seq="42"/>\n')(
         replace("  </iati-activity>\n</iati-activities>",
                 '    <fl:fund code="GPML"/>\n  </iati-activity>\n</iati-activities>')(
         replace('<transaction-type code="3"/>', '<transaction-type code="3" fl:kind="grant"/>')(
             document))))),
    ("an identifier prefixed with a previous reporting-org identifier (other-identifier B1)",
     lambda document: replace("<iati-identifier>XM-EXAMPLE-GPML<", "<iati-identifier>XM-OLD-GPML<")(
         replace('    <activity-status code="2"/>\n    <activity-date iso-date="2024-02-01"',
                 '    <other-identifier ref="XM-OLD" type="B1"/>\n'
                 '    <activity-status code="2"/>\n    <activity-date iso-date="2024-02-01"')(
             document))),
    ("a budget of exactly one year",
     replace('<period-end iso-date="2024-12-31"/><value currency="USD" value-date="2024-01-01">',
             '<period-end iso-date="2025-01-01"/><value currency="USD" value-date="2024-01-01">')),
]


def write(directory, name, content):
    path = os.path.join(directory, name)
    with open(path, "wb") as file:
        file.write(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def run_case(checks, directory, name, mutate, expected):
    try:
        content = mutate(VALID)
    except ValueError as error:  # the test itself is wrong
        checks.check(name, False, error)
        return
    problems = iati_check.check(write(directory, "case.xml", content))
    checks.check(name, len(problems) == 1 and expected in problems[0],
                 f"expected exactly one problem holding: {expected}\ngot:\n" + "\n".join(problems))


def run_command(path):
    result = subprocess.run([sys.executable, CHECKER, path], capture_output=True, text=True)
    return result.returncode, result.stdout


def main():
    checks = Checks()
    with tempfile.TemporaryDirectory() as directory:
        valid = write(directory, "valid.xml", VALID)
        problems = iati_check.check(valid)
        checks.check("the valid document gives no problem", problems == [], "\n".join(problems))
        for name, mutate in STILL_VALID:
            problems = iati_check.check(write(directory, "variant.xml", mutate(VALID)))
            checks.check(f"still valid: {name}", problems == [], "\n".join(problems))
        for name, mutate, expected in MUTATIONS:
            run_case(checks, directory, name, mutate, expected)

        status, output = run_command(valid)
        checks.check("command on the valid file: exit 0, counts",
                     status == 0 and output == "ok: 2 activities, 7 transactions\n",
                     f"exit {status}, output {output!r}")
        broken = write(directory, "broken.xml", replace(">1200000.00<", ">1.2E6<")(VALID))
        status, output = run_command(broken)
        checks.check("command on a broken file: exit 1, the problem printed",
                     status == 1 and "is not an xsd:decimal" in output,
                     f"exit {status}, output {output!r}")
        status, _ = run_command(os.path.join(directory, "missing.xml"))
        checks.check("command on a missing file: exit 1", status == 1, f"exit {status}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
