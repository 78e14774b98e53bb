#!/usr/bin/env python3
"""Check an IATI activity file against version 2.03 of the IATI activity standard.

This is an independent checker for what `fundledger export iati` writes. It does not use the
official XSD (which may not be shipped or downloaded here): its rules were read from the IATI 2.03
activity schema (iati-activities-schema.xsd and iati-common.xsd, release 2.03 of 2018-02-19),
the 2.03 codelists and the IATI standard ruleset, and written down again below.

What is checked:
  - the file is UTF-8 and well-formed XML (a parse error is one problem, with its line);
  - iati-activities: @version is "2.03" (required), @generated-datetime an xsd:dateTime (optional
    in the schema), at least one iati-activity;
  - every element the exporter writes (iati-activity, iati-identifier, reporting-org, title,
    description, participating-org, activity-status, activity-date, sector and the other coded
    elements, budget, transaction and everything in it, value, narrative): its children are known
    to the schema, come in the order of the schema's xsd:sequence, and occur between minOccurs and
    maxOccurs times; its required attributes are present and no unknown attribute is (attributes
    and elements in another namespace are extensions the schema allows); no stray text;
  - attribute and content types: xsd:date, xsd:dateTime, xsd:decimal (no exponent, no thousands
    separator), xsd:boolean, xsd:int; codes from the OrganisationType, OrganisationRole,
    ActivityStatus, ActivityDateType, BudgetType, BudgetStatus, TransactionType and Currency
    codelists; xml:lang a two-letter ISO 639-1 code;
  - every narrative is non-empty; narratives are present where the schema requires one;
  - rules of the schema's documentation and the standard ruleset: iati-identifier begins with
    reporting-org/@ref and "-"; identifiers contain none of / & | ?; identifiers are unique in a
    file and all activities share one reporting-org/@ref; a currency on every value unless the
    activity has @default-currency; an xml:lang on every narrative unless the activity has one;
    a participating-org has @ref or a narrative; a sector either on the activity or on every
    transaction; an activity start date (type 1 or 2), start dates not after end dates, actual
    dates, transaction dates, value dates and @last-updated-datetime not in the future; a budget
    period ends no earlier than it starts and lasts at most one year; no @budget-not-provided
    beside a budget.
Elements the exporter does not write (contact-info, location, result, ...) are checked for place,
count and narratives only.

Usage: python3 iati_check.py FILE
Prints each problem and exits 1, or prints "ok: N activities, M transactions" and exits 0.
As a module: check(path) returns the list of problems, empty when the file is valid.
"""

import datetime
import re
import sys
import xml.etree.ElementTree as ET
from bisect import bisect_right
from collections import Counter

MANY = None  # maxOccurs="unbounded"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EXTENSION = "(extension element)"  # an element in another namespace: xsd:any at a sequence's end

# --- The xsd:sequence of each element, as (name, minOccurs, maxOccurs), in the schema's order. ---

ROOT_SEQUENCE = [("iati-activity", 1, MANY)]

ACTIVITY_SEQUENCE = [
    ("iati-identifier", 1, 1),
    ("reporting-org", 1, 1),
    ("title", 1, 1),
    ("description", 1, MANY),
    ("participating-org", 1, MANY),
    ("other-identifier", 0, MANY),
    ("activity-status", 1, 1),
    ("activity-date", 1, MANY),
    ("contact-info", 0, MANY),
    ("activity-scope", 0, 1),
    ("recipient-country", 0, MANY),
    ("recipient-region", 0, MANY),
    ("location", 0, MANY),
    ("sector", 0, MANY),
    ("tag", 0, MANY),
    ("country-budget-items", 0, 1),
    ("humanitarian-scope", 0, MANY),
    ("policy-marker", 0, MANY),
    ("collaboration-type", 0, 1),
    ("default-flow-type", 0, 1),
    ("default-finance-type", 0, 1),
    ("default-aid-type", 0, MANY),
    ("default-tied-status", 0, 1),
    ("budget", 0, MANY),
    ("planned-disbursement", 0, MANY),
    ("capital-spend", 0, 1),
    ("transaction", 0, MANY),
    ("document-link", 0, MANY),
    ("related-activity", 0, MANY),
    ("legacy-data", 0, MANY),
    ("conditions", 0, 1),
    ("result", 0, MANY),
    ("crs-add", 0, 1),
    ("fss", 0, 1),
]

TRANSACTION_SEQUENCE = [
    ("transaction-type", 1, 1),
    ("transaction-date", 1, 1),
    ("value", 1, 1),
    ("description", 0, 1),
    ("provider-org", 0, 1),
    ("receiver-org", 0, 1),
    ("disbursement-channel", 0, 1),
    ("sector", 0, MANY),
    ("recipient-country", 0, 1),
    ("recipient-region", 0, 1),
    ("flow-type", 0, 1),
    ("finance-type", 0, 1),
    ("aid-type", 0, MANY),
    ("tied-status", 0, 1),
]

BUDGET_SEQUENCE = [("period-start", 1, 1), ("period-end", 1, 1), ("value", 1, 1)]
NARRATIVE_REQUIRED = [("narrative", 1, MANY)]  # textRequiredType, reporting-org, description
NARRATIVE_OPTIONAL = [("narrative", 0, MANY)]
EMPTY = []  # only extension elements allowed

# --- Attributes: (required, optional) unqualified attribute names. ---

ROOT_ATTRIBUTES = ({"version"}, {"generated-datetime", "linked-data-default"})
ACTIVITY_ATTRIBUTES = (set(), {"last-updated-datetime", "default-currency", "humanitarian",
                               "hierarchy", "linked-data-uri", "budget-not-provided"})
REPORTING_ORG_ATTRIBUTES = ({"ref", "type"}, {"secondary-reporter"})
PARTICIPATING_ORG_ATTRIBUTES = ({"role"}, {"ref", "type", "activity-id", "crs-channel-code"})
PROVIDER_ORG_ATTRIBUTES = (set(), {"ref", "provider-activity-id", "type"})
RECEIVER_ORG_ATTRIBUTES = (set(), {"ref", "receiver-activity-id", "type"})
VALUE_ATTRIBUTES = ({"value-date"}, {"currency"})

# Simple coded elements: name -> (required attributes, optional attributes, may hold narratives).
ACTIVITY_CODED = {
    "activity-scope": ({"code"}, set(), False),
    "recipient-country": ({"code"}, {"percentage"}, True),
    "recipient-region": ({"code"}, {"vocabulary", "vocabulary-uri", "percentage"}, True),
    "sector": ({"code"}, {"vocabulary", "vocabulary-uri", "percentage"}, True),
    "collaboration-type": ({"code"}, set(), False),
    "default-flow-type": ({"code"}, set(), False),
    "default-finance-type": ({"code"}, set(), False),
    "default-aid-type": ({"code"}, {"vocabulary"}, False),
    "default-tied-status": ({"code"}, set(), False),
    "capital-spend": ({"percentage"}, set(), False),
}
TRANSACTION_CODED = {
    "disbursement-channel": ({"code"}, set(), False),
    "sector": ({"code"}, {"vocabulary", "vocabulary-uri"}, True),
    "recipient-country": ({"code"}, set(), True),
    "recipient-region": ({"code"}, {"vocabulary", "vocabulary-uri"}, True),
    "flow-type": ({"code"}, set(), False),
    "finance-type": ({"code"}, set(), False),
    "aid-type": ({"code"}, {"vocabulary"}, False),
    "tied-status": ({"code"}, set(), False),
}

# --- Codelists of IATI 2.03 (codes only). The embedded ones are fixed for 2.03; OrganisationType
# and Currency are non-embedded lists, taken as IATI-Codelists-NonEmbedded holds them (Currency:
# ISO 4217 as replicated by IATI, with the codes it marks withdrawn kept apart). ---

TRANSACTION_TYPE = {str(n) for n in range(1, 14)}  # 1 Incoming Funds ... 11 Incoming Commitment,
#                                                    12 Outgoing Pledge, 13 Incoming Pledge
ORGANISATION_TYPE = {"10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71",
                     "72", "73", "80", "90"}
ORGANISATION_ROLE = {"1", "2", "3", "4"}  # Funding, Accountable, Extending, Implementing
ACTIVITY_STATUS = {"1", "2", "3", "4", "5", "6"}
ACTIVITY_DATE_TYPE = {"1", "2", "3", "4"}  # planned start, actual start, planned end, actual end
BUDGET_TYPE = {"1", "2"}  # original, revised
BUDGET_STATUS = {"1", "2"}  # indicative, committed
CURRENCY = set("""
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB
    EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD
    JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UZS VES VND VUV WST XAF XBT XCD XDR XOF XPF
    YER ZAR ZMW ZWL""".split())
CURRENCY_WITHDRAWN = {"BYR", "EEK", "LTL", "LVL", "MRO", "STD", "USS", "VEF", "ZMK"}

IDENTIFIER_FORBIDDEN = set("/&|?")  # ruleset: identifiers match [^/&|?]+
PREVIOUS_REPORTING_ORG = "B1"  # OtherIdentifierType: a previous reporting-org identifier

# --- Simple types. ---

DATE_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?")
DATETIME_RE = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?")
DECIMAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
INT_RE = re.compile(r"[+-]?\d+")
LANG_RE = re.compile(r"[a-z]{2}")
BOOLEANS = {"true", "false", "1", "0"}
DECIMAL_SYNTAX = "an xsd:decimal (optional sign, digits, optional decimal point; no exponent, " \
                 "no thousands separator)"


def zone_ok(zone):
    """A time zone of xsd:date/xsd:dateTime: absent, Z, or +hh:mm / -hh:mm up to 14:00."""
    if zone is None or zone == "Z":
        return True
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    return minutes < 60 and (hours < 14 or (hours == 14 and minutes == 0))


def zone_offset(zone):
    if zone is None or zone == "Z":
        return datetime.timezone.utc
    offset = datetime.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return datetime.timezone(-offset if zone[0] == "-" else offset)


def parse_date(text):
    """The datetime.date of an xsd:date, or None when text is not one."""
    match = DATE_RE.fullmatch((text or "").strip())
    if not match or not zone_ok(match.group(4)):
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_datetime(text):
    """The aware datetime of an xsd:dateTime (UTC when it has no zone), or None."""
    match = DATETIME_RE.fullmatch((text or "").strip())
    if not match or not zone_ok(match.group(8)):
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    fraction = match.group(7) or ""
    end_of_day = hour == 24 and minute == 0 and second == 0 and not fraction.strip(".0")
    try:
        moment = datetime.datetime(year, month, day, 0 if end_of_day else hour, minute, second,
                                   tzinfo=zone_offset(match.group(8)))
    except ValueError:
        return None
    return moment + datetime.timedelta(days=1) if end_of_day else moment


def is_decimal(text):
    return text is not None and DECIMAL_RE.fullmatch(text.strip()) is not None


def is_int(text):
    return INT_RE.fullmatch((text or "").strip()) is not None and \
        -2**31 <= int(text) < 2**31


def one_year_after(date):
    try:
        return date.replace(year=date.year + 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year + 1, day=28)


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


# --- Paths, children, attributes. ---

def join(path, name):
    return f"{path}/{name}" if path else name


def child_paths(element, path, sequence=()):
    """(child, path) for each child; repeatable names and repeated ones get a 1-based [n]."""
    single = {name for name, _, high in sequence if high == 1}
    totals = Counter(child.tag for child in element)
    seen = Counter()
    for child in element:
        name = child.tag
        seen[name] += 1
        if name in single and totals[name] == 1:
            yield child, join(path, name)
        else:
            yield child, join(path, f"{name}[{seen[name]}]")


def longest_ordered(ranks):
    """Indexes of a longest run of ranks in non-decreasing order (the ones in their place)."""
    tails, tail_at, previous = [], [], [None] * len(ranks)
    for i, rank in enumerate(ranks):
        k = bisect_right(tails, rank)
        previous[i] = tail_at[k - 1] if k else None
        if k == len(tails):
            tails.append(rank)
            tail_at.append(i)
        else:
            tails[k] = rank
            tail_at[k] = i
    kept, i = set(), tail_at[-1] if tail_at else None
    while i is not None:
        kept.add(i)
        i = previous[i]
    return kept


def check_children(element, path, sequence, out):
    """Children against an xsd:sequence: known names, the schema's order, min/maxOccurs.

    Elements in another namespace are extensions, allowed after all the sequence's elements.
    Of elements out of order, only those that must move to restore the order are reported."""
    rank = {name: i for i, (name, _, _) in enumerate(sequence)}
    placed = []  # (child, path, rank)
    for child, child_path in child_paths(element, path, sequence):
        if child.tag.startswith("{"):
            placed.append((child, child_path, len(sequence)))
        elif child.tag in rank:
            placed.append((child, child_path, rank[child.tag]))
        else:
            out.append(f"{child_path}: unknown element <{child.tag}>: the IATI 2.03 schema "
                       f"does not allow it in <{element.tag}>")
    kept = longest_ordered([r for _, _, r in placed])
    for i, (_, child_path, _) in enumerate(placed):
        if i not in kept:
            out.append(f"{child_path}: out of order: {order_hint(placed, kept, i)} "
                       f"(the schema's sequence for <{element.tag}>)")
    counts = Counter(child.tag for child in element)
    for name, low, high in sequence:
        n = counts[name]
        if n < low:
            need = "at least one" if high is MANY else "exactly one"
            out.append(f"{path}: missing <{name}>: the schema requires {need}")
        elif high is not MANY and n > high:
            out.append(f"{join(path, name)}: occurs {n} times; the schema allows at most {high}")
    check_no_text(element, path, out)


def order_hint(placed, kept, i):
    name = tag_name(placed[i][0])
    rank = placed[i][2]
    for j in range(i + 1, len(placed)):
        if j in kept and placed[j][2] < rank:
            return f"{name} must come after {tag_name(placed[j][0])}"
    for j in range(i - 1, -1, -1):
        if j in kept and placed[j][2] > rank:
            return f"{name} must come before {tag_name(placed[j][0])}"
    return f"{name} is not in its place"


def tag_name(element):
    return EXTENSION if element.tag.startswith("{") else element.tag


def check_no_text(element, path, out):
    """Element-only content: nothing but white space between the children."""
    if any(text and text.strip() for text in [element.text] + [c.tail for c in element]):
        out.append(f"{path}: unexpected text: <{element.tag}> holds elements only")


def check_text_only(element, path, out):
    """Simple content (a string or a decimal): no child element at all."""
    if len(element):
        out.append(f"{path}: unexpected child element <{element[0].tag}>: "
                   f"<{element.tag}> holds text only")


def check_attributes(element, path, attributes, out):
    """Required attributes present, no unknown unqualified one, any xml:lang well-formed.

    Attributes in another namespace are extensions the schema allows."""
    required, optional = attributes
    for name in sorted(required):
        if element.get(name) is None:
            out.append(f"{path}: missing required attribute @{name}")
    for name in element.attrib:
        if not name.startswith("{") and name not in required and name not in optional:
            out.append(f"{path}: unknown attribute @{name}: the IATI 2.03 schema does not "
                       f"allow it on <{element.tag}>")
    lang = element.get(XML_LANG)
    if lang is not None and not LANG_RE.fullmatch(lang):
        out.append(f"{path}: @xml:lang {lang!r} is not a two-letter ISO 639-1 code "
                   f"(lower case, e.g. 'en')")


def check_code(element, path, attribute, codelist, name, out):
    """An attribute, when present, holds a code of the named codelist."""
    code = element.get(attribute)
    if code is not None and code not in codelist:
        out.append(f"{path}: @{attribute} {code!r} is not in the {name} codelist "
                   f"(expected one of {', '.join(sorted(codelist, key=sort_key))})")


def sort_key(code):
    return (len(code), code)


def check_date_attribute(element, path, attribute, out):
    """An attribute, when present, is an xsd:date; returns the date or None."""
    text = element.get(attribute)
    if text is None:
        return None
    date = parse_date(text)
    if date is None:
        out.append(f"{path}: @{attribute} {text!r} is not a valid xsd:date (YYYY-MM-DD)")
    return date


def check_datetime_attribute(element, path, attribute, out):
    text = element.get(attribute)
    if text is None:
        return None
    moment = parse_datetime(text)
    if moment is None:
        out.append(f"{path}: @{attribute} {text!r} is not a valid xsd:dateTime "
                   f"(YYYY-MM-DDThh:mm:ss with an optional zone)")
    return moment


def check_boolean_attribute(element, path, attribute, out):
    text = element.get(attribute)
    if text is not None and text.strip() not in BOOLEANS:
        out.append(f"{path}: @{attribute} {text!r} is not an xsd:boolean (true, false, 1 or 0)")


def check_decimal_attribute(element, path, attribute, out):
    text = element.get(attribute)
    if text is not None and not is_decimal(text):
        out.append(f"{path}: @{attribute} {text!r} is not {DECIMAL_SYNTAX}")


def check_not_future(date, path, what, out):
    if date is not None and date > today():
        out.append(f"{path}: {what} {date.isoformat()} is in the future (IATI ruleset)")


def check_identifier_characters(text, path, what, out):
    if text and IDENTIFIER_FORBIDDEN & set(text):
        out.append(f"{path}: {what} {text!r} must not contain any of / & | ? (IATI ruleset)")


# --- Element checkers. Each takes (element, path, activity context, problems). ---

def check_narrative(element, path, context, out):
    check_attributes(element, path, (set(), set()), out)
    check_text_only(element, path, out)
    if not (element.text or "").strip():
        out.append(f"{path}: empty narrative: a narrative must hold text")
    if element.get(XML_LANG) is None and context.get("lang") is None:
        out.append(f"{path}: no @xml:lang, and the activity declares no default @xml:lang "
                   f"(one of the two is required)")


def check_narratives(element, path, context, out):
    for child, child_path in child_paths(element, path):
        if child.tag == "narrative":
            check_narrative(child, child_path, context, out)


def check_text_container(element, path, context, out, attributes=(set(), set())):
    """title, description and the like: one or more narratives (textRequiredType)."""
    check_attributes(element, path, attributes, out)
    check_children(element, path, NARRATIVE_REQUIRED, out)
    check_narratives(element, path, context, out)


def check_description(element, path, context, out):
    check_text_container(element, path, context, out, (set(), {"type"}))


def check_iati_identifier(element, path, context, out):
    check_attributes(element, path, (set(), set()), out)
    check_text_only(element, path, out)
    text = element.text or ""
    if not text.strip():
        out.append(f"{path}: empty iati-identifier")
    elif text != text.strip():
        out.append(f"{path}: iati-identifier {text!r} has white space around it")
    check_identifier_characters(text.strip(), path, "iati-identifier", out)


def check_reporting_org(element, path, context, out):
    check_attributes(element, path, REPORTING_ORG_ATTRIBUTES, out)
    check_code(element, path, "type", ORGANISATION_TYPE, "OrganisationType", out)
    check_boolean_attribute(element, path, "secondary-reporter", out)
    ref = element.get("ref")
    if ref is not None and not ref.strip():
        out.append(f"{path}: empty @ref: the reporting organisation's identifier is required")
    check_identifier_characters(ref, path, "@ref", out)
    check_children(element, path, NARRATIVE_REQUIRED, out)
    check_narratives(element, path, context, out)


def check_participating_org(element, path, context, out):
    check_attributes(element, path, PARTICIPATING_ORG_ATTRIBUTES, out)
    check_code(element, path, "role", ORGANISATION_ROLE, "OrganisationRole", out)
    check_code(element, path, "type", ORGANISATION_TYPE, "OrganisationType", out)
    check_identifier_characters(element.get("ref"), path, "@ref", out)
    check_children(element, path, NARRATIVE_OPTIONAL, out)
    check_narratives(element, path, context, out)
    if not element.get("ref") and element.find("narrative") is None:
        out.append(f"{path}: neither @ref nor a narrative: one of them is required (IATI ruleset)")


def check_activity_status(element, path, context, out):
    check_attributes(element, path, ({"code"}, set()), out)
    check_code(element, path, "code", ACTIVITY_STATUS, "ActivityStatus", out)
    check_children(element, path, EMPTY, out)


def check_activity_date(element, path, context, out):
    check_attributes(element, path, ({"type", "iso-date"}, set()), out)
    check_code(element, path, "type", ACTIVITY_DATE_TYPE, "ActivityDateType", out)
    date = check_date_attribute(element, path, "iso-date", out)
    if element.get("type") in ("2", "4"):
        check_not_future(date, path, "actual date", out)
    check_children(element, path, NARRATIVE_OPTIONAL, out)
    check_narratives(element, path, context, out)


def check_coded(table):
    """A checker for the simple coded elements of a table (ACTIVITY_CODED, TRANSACTION_CODED)."""
    def check_element(element, path, context, out):
        required, optional, narratives = table[element.tag]
        check_attributes(element, path, (required, optional), out)
        check_decimal_attribute(element, path, "percentage", out)
        check_children(element, path, NARRATIVE_OPTIONAL if narratives else EMPTY, out)
        check_narratives(element, path, context, out)
        if element.tag == "sector" and element.get("vocabulary") in ("98", "99") \
                and element.find("narrative") is None:
            out.append(f"{path}: a sector of the reporting organisation's own vocabulary "
                       f"({element.get('vocabulary')}) needs a narrative (IATI ruleset)")
    return check_element


def check_value(element, path, context, out):
    """A currencyType: decimal content, @value-date required, @currency or a default."""
    check_attributes(element, path, VALUE_ATTRIBUTES, out)
    check_text_only(element, path, out)
    check_date_attribute(element, path, "value-date", out)
    text = element.text
    if not (text or "").strip():
        out.append(f"{path}: empty value: expected {DECIMAL_SYNTAX}")
    elif not is_decimal(text):
        out.append(f"{path}: {text.strip()!r} is not {DECIMAL_SYNTAX}")
    currency = element.get("currency")
    if currency is None:
        if context.get("currency") is None:
            out.append(f"{path}: no @currency, and the activity has no @default-currency "
                       f"(one of the two is required)")
    else:
        check_currency(currency, path, "@currency", out)


def check_currency(code, path, what, out):
    if code in CURRENCY_WITHDRAWN:
        out.append(f"{path}: {what} {code!r} has been withdrawn from the Currency codelist")
    elif code not in CURRENCY:
        out.append(f"{path}: {what} {code!r} is not in the Currency codelist "
                   f"(a three-letter ISO 4217 code such as USD or EUR)")


def check_period(element, path, context, out):
    """budget/period-start and budget/period-end."""
    check_attributes(element, path, ({"iso-date"}, set()), out)
    check_date_attribute(element, path, "iso-date", out)
    check_children(element, path, EMPTY, out)


def check_budget(element, path, context, out):
    check_attributes(element, path, (set(), {"type", "status"}), out)
    check_code(element, path, "type", BUDGET_TYPE, "BudgetType", out)
    check_code(element, path, "status", BUDGET_STATUS, "BudgetStatus", out)
    check_children(element, path, BUDGET_SEQUENCE, out)
    checkers = {"period-start": check_period, "period-end": check_period, "value": check_value}
    visit_children(element, path, context, checkers, BUDGET_SEQUENCE, out)
    start = parse_date(child_attribute(element, "period-start", "iso-date"))
    end = parse_date(child_attribute(element, "period-end", "iso-date"))
    if start and end:
        if end < start:
            out.append(f"{path}: period-end {end} is before period-start {start} (IATI ruleset)")
        elif end > one_year_after(start):
            out.append(f"{path}: budget period {start} to {end} is longer than one year "
                       f"(IATI ruleset: at most one year)")


def child_attribute(element, child_name, attribute):
    child = element.find(child_name)
    return None if child is None else child.get(attribute)


def check_organisation(attributes):
    """A checker for transaction/provider-org and transaction/receiver-org."""
    def check_element(element, path, context, out):
        check_attributes(element, path, attributes, out)
        check_code(element, path, "type", ORGANISATION_TYPE, "OrganisationType", out)
        check_identifier_characters(element.get("ref"), path, "@ref", out)
        check_children(element, path, NARRATIVE_OPTIONAL, out)
        check_narratives(element, path, context, out)
    return check_element


def check_transaction_type(element, path, context, out):
    check_attributes(element, path, ({"code"}, set()), out)
    check_code(element, path, "code", TRANSACTION_TYPE, "TransactionType", out)
    check_children(element, path, EMPTY, out)


def check_transaction_date(element, path, context, out):
    check_attributes(element, path, ({"iso-date"}, set()), out)
    date = check_date_attribute(element, path, "iso-date", out)
    check_not_future(date, path, "transaction date", out)
    check_children(element, path, EMPTY, out)


def check_transaction_value(element, path, context, out):
    check_value(element, path, context, out)
    check_not_future(parse_date(element.get("value-date")), path, "value date", out)


TRANSACTION_CHECKERS = {
    "transaction-type": check_transaction_type,
    "transaction-date": check_transaction_date,
    "value": check_transaction_value,
    "description": check_text_container,
    "provider-org": check_organisation(PROVIDER_ORG_ATTRIBUTES),
    "receiver-org": check_organisation(RECEIVER_ORG_ATTRIBUTES),
    **{name: check_coded(TRANSACTION_CODED) for name in TRANSACTION_CODED},
}


def check_transaction(element, path, context, out):
    check_attributes(element, path, (set(), {"ref", "humanitarian"}), out)
    check_boolean_attribute(element, path, "humanitarian", out)
    check_children(element, path, TRANSACTION_SEQUENCE, out)
    visit_children(element, path, context, TRANSACTION_CHECKERS, TRANSACTION_SEQUENCE, out)


def check_other_elements(element, path, context, out):
    """Elements the exporter does not write: only the narratives anywhere inside them."""
    for child, child_path in child_paths(element, path):
        if child.tag == "narrative":
            check_narrative(child, child_path, context, out)
        else:
            check_other_elements(child, child_path, context, out)


ACTIVITY_CHECKERS = {
    "iati-identifier": check_iati_identifier,
    "reporting-org": check_reporting_org,
    "title": check_text_container,
    "description": check_description,
    "participating-org": check_participating_org,
    "activity-status": check_activity_status,
    "activity-date": check_activity_date,
    "budget": check_budget,
    "transaction": check_transaction,
    **{name: check_coded(ACTIVITY_CODED) for name in ACTIVITY_CODED},
}


def visit_children(element, path, context, checkers, sequence, out):
    """Run the checker of each known child; other IATI children get check_other_elements."""
    for child, child_path in child_paths(element, path, sequence):
        if child.tag in checkers:
            checkers[child.tag](child, child_path, context, out)
        elif not child.tag.startswith("{"):
            check_other_elements(child, child_path, context, out)


# --- Activity and file. ---

def check_activity(activity, path, out):
    check_attributes(activity, path, ACTIVITY_ATTRIBUTES, out)
    updated = check_datetime_attribute(activity, path, "last-updated-datetime", out)
    if updated is not None and updated > datetime.datetime.now(datetime.timezone.utc):
        out.append(f"{path}: @last-updated-datetime {activity.get('last-updated-datetime')} is "
                   f"in the future (IATI ruleset)")
    currency = activity.get("default-currency")
    if currency is not None:
        check_currency(currency, path, "@default-currency", out)
    check_boolean_attribute(activity, path, "humanitarian", out)
    if activity.get("hierarchy") is not None and not is_int(activity.get("hierarchy")):
        out.append(f"{path}: @hierarchy {activity.get('hierarchy')!r} is not an xsd:int")
    if activity.get("budget-not-provided") is not None and activity.find("budget") is not None:
        out.append(f"{path}: @budget-not-provided is set, but the activity has a budget")
    check_children(activity, path, ACTIVITY_SEQUENCE, out)
    context = {"currency": currency, "lang": activity.get(XML_LANG)}
    visit_children(activity, path, context, ACTIVITY_CHECKERS, ACTIVITY_SEQUENCE, out)
    check_identifier_prefix(activity, path, out)
    check_sectors(activity, path, out)
    check_activity_dates(activity, path, out)


def check_identifier_prefix(activity, path, out):
    """iati-identifier = reporting-org/@ref (or a previous one, other-identifier type B1) + '-'."""
    identifier = activity.find("iati-identifier")
    ref = child_attribute(activity, "reporting-org", "ref")
    if identifier is None or not (identifier.text or "").strip() or not ref:
        return  # already reported
    text = identifier.text.strip()
    prefixes = [ref] + [other.get("ref") for other in activity.findall("other-identifier")
                        if other.get("type") == PREVIOUS_REPORTING_ORG and other.get("ref")]
    if not any(text.startswith(prefix + "-") and len(text) > len(prefix) + 1
               for prefix in prefixes):
        out.append(f"{join(path, 'iati-identifier')}: {text!r} does not begin with the "
                   f"reporting-org/@ref {ref!r} followed by '-' and the activity's own identifier")


def check_sectors(activity, path, out):
    """Ruleset: a sector on the activity, or on every transaction, but not on both."""
    transactions = activity.findall("transaction")
    with_sector = [t for t in transactions if t.find("sector") is not None]
    if activity.find("sector") is not None:
        if with_sector:
            out.append(f"{path}: sector is given on the activity and on transactions: "
                       f"only one of the two is allowed (IATI ruleset)")
    elif not with_sector:
        out.append(f"{path}: no sector: the activity, or every one of its transactions, "
                   f"must have a sector (IATI ruleset)")
    else:
        for n, transaction in enumerate(transactions, 1):
            if transaction.find("sector") is None:
                out.append(f"{path}/transaction[{n}]: no sector, while other transactions of "
                           f"the activity have one: every transaction needs one (IATI ruleset)")


def check_activity_dates(activity, path, out):
    """Ruleset: a start date (planned or actual); starts not after the matching ends."""
    dates = {}
    for element in activity.findall("activity-date"):
        dates.setdefault(element.get("type"), parse_date(element.get("iso-date")))
    if not {"1", "2"} & set(dates):
        out.append(f"{path}: no start date: an activity-date of type 1 (planned start) or "
                   f"2 (actual start) is required (IATI ruleset)")
    for start, end, kind in (("1", "3", "planned"), ("2", "4", "actual")):
        if dates.get(start) and dates.get(end) and dates[end] < dates[start]:
            out.append(f"{path}: {kind} end {dates[end]} is before {kind} start {dates[start]} "
                       f"(IATI ruleset)")


def check_root(root, out):
    """iati-activities and, through it, every activity."""
    path = "iati-activities"
    if root.tag != "iati-activities":
        out.append(f"{root.tag}: the root element must be <iati-activities> (no namespace)")
        return
    check_attributes(root, path, ROOT_ATTRIBUTES, out)
    version = root.get("version")
    if version is not None and version != "2.03":
        out.append(f"{path}: @version {version!r}: this checker and the exporter are for "
                   f"version '2.03'")
    check_datetime_attribute(root, path, "generated-datetime", out)
    check_children(root, path, ROOT_SEQUENCE, out)
    for activity, activity_path in child_paths(root, "", ROOT_SEQUENCE):
        if activity.tag == "iati-activity":
            check_activity(activity, activity_path, out)
    check_across_activities(root, out)


def check_across_activities(root, out):
    """Identifiers unique in the file; one reporting-org/@ref for all activities."""
    first_identifier, first_ref = {}, None
    for n, activity in enumerate(root.findall("iati-activity"), 1):
        path = f"iati-activity[{n}]"
        identifier = (activity.findtext("iati-identifier") or "").strip()
        if identifier in first_identifier:
            out.append(f"{path}/iati-identifier: {identifier!r} is also the identifier of "
                       f"iati-activity[{first_identifier[identifier]}]: identifiers must be unique")
        elif identifier:
            first_identifier[identifier] = n
        ref = child_attribute(activity, "reporting-org", "ref")
        if ref and first_ref is None:
            first_ref = (ref, n)
        elif ref and ref != first_ref[0]:
            out.append(f"{path}/reporting-org: @ref {ref!r} differs from {first_ref[0]!r} of "
                       f"iati-activity[{first_ref[1]}]: all activities in a file must have the "
                       f"same reporting organisation")


def check_encoding(data):
    """UTF-8 bytes, and no XML declaration naming another encoding."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        return [f"document: line {line}: byte 0x{data[error.start]:02x} is not UTF-8"]
    declaration = re.match(rb"(\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)", data)
    if declaration and declaration.group(2).decode("ascii", "replace").upper() != "UTF-8":
        return [f"document: line 1: the XML declaration names encoding "
                f"{declaration.group(2).decode('ascii', 'replace')!r}; expected UTF-8"]
    return []


def inspect(path):
    """(problems, activities, transactions) of the file at path."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        return [f"{path}: cannot read: {error.strerror}"], 0, 0
    problems = check_encoding(data)
    if problems:
        return problems, 0, 0
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        line, column = error.position
        reason = re.sub(r": line \d+, column \d+$", "", str(error))
        return [f"document: line {line}, column {column + 1}: not well-formed XML: {reason}"], 0, 0
    check_root(root, problems)
    activities = root.findall("iati-activity")
    transactions = sum(len(activity.findall("transaction")) for activity in activities)
    return problems, len(activities), transactions


def check(path):
    """The problems of the IATI 2.03 activity file at path; an empty list when it is valid."""
    return inspect(path)[0]


def main(argv):
    if len(argv) != 2:
        print("usage: iati_check.py FILE", file=sys.stderr)
        return 2
    problems, activities, transactions = inspect(argv[1])
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"ok: {activities} activities, {transactions} transactions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
