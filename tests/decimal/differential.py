#!/usr/bin/env python3
"""The differential test of fundledger::Decimal against Python's decimal module.

It generates N random cases for each operation -- add, sub, mul, cmp, rescale in each of the
seven rounding modes, div in each of the seven modes, and parse -- computes the expected answer of
each with Python's decimal module, feeds all of them through one run of decimal_oracle_driver
and compares the answers line by line.

The cases mix small typical amounts (up to 18 digits, scale 0-4), big values of 30-38 digits,
values at the 38-digit edge (so that a fair share of the sums and products overflow), zeros,
negatives, exact ties and near-ties for the rounding operations, and malformed texts for parse.

The expected answers follow the semantics of Decimal: a coefficient of at most 38 digits and a
scale of at most 38, anything beyond is "ERR overflow"; + - * are exact; rescale and div round
once with the named mode; parse accepts exactly [+-]?[0-9]+(\\.[0-9]+)? with at most 38 digits
after the point ("ERR bad_input" otherwise) and at most 38 significant digits ("ERR overflow").

    differential.py --driver build/tests/decimal_oracle_driver --cases 100000 --seed 20261129

Exit status 0 when every answer matches, 1 otherwise. The last line printed is
"<passed> passed, <failed> failed".
"""

import argparse
import collections
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
from decimal import (Context, Decimal, Inexact, ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR,
                     ROUND_HALF_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP)

MAX_DIGITS = 38  # limits::max_decimal_digits
MAX_SCALE = 38  # limits::max_scale
POW10 = [10 ** exponent for exponent in range(100)]
MAX_COEFFICIENT = POW10[MAX_DIGITS] - 1

# The driver's rounding names and the matching modes of Python's decimal module.
MODES = {
    "down": ROUND_DOWN,
    "up": ROUND_UP,
    "half-up": ROUND_HALF_UP,
    "half-down": ROUND_HALF_DOWN,
    "half-even": ROUND_HALF_EVEN,
    "ceiling": ROUND_CEILING,
    "floor": ROUND_FLOOR,
}

OPERATIONS = (["add", "sub", "mul", "cmp"]
              + ["rescale " + name for name in MODES]
              + ["div " + name for name in MODES]
              + ["parse"])

# Exact arithmetic: 200 digits hold every product and sum of two 38-digit operands, and every
# quotient up to the 38th digit after the point (at most 76 + 38 digits). No condition traps.
EXACT = Context(prec=200, traps=[])
# The quotient truncated at 200 digits; its Inexact flag says whether digits were dropped.
TRUNCATING = Context(prec=200, rounding=ROUND_DOWN, traps=[])

OVERFLOW = "ERR overflow"
BAD_INPUT = "ERR bad_input"
DIVISION_BY_ZERO = "ERR division_by_zero"

QUANTUM = [Decimal((0, (1,), -scale)) for scale in range(MAX_SCALE + 1)]

PARSE_GRAMMAR = re.compile(r"[+-]?([0-9]+)(?:\.([0-9]+))?")


# ---------------------------------------------------------------------------------------------
# Expected answers, from Python's decimal module.

def expected_text(result):
    """The answer for an exact or rounded result: its text at its own scale, or overflow."""
    sign, digits, exponent = result.as_tuple()
    if len(digits) > MAX_DIGITS or -exponent > MAX_SCALE:
        return OVERFLOW
    text = format(result, "f")
    if sign and not any(digits):
        text = text[1:]  # Decimal never prints a negative zero.
    return text


def expected_rescale(value, scale, mode):
    if scale > MAX_SCALE:
        return OVERFLOW
    return expected_text(value.quantize(QUANTUM[scale], rounding=mode, context=EXACT))


def expected_divide(dividend, divisor, scale, mode):
    if divisor.is_zero():
        return DIVISION_BY_ZERO
    if scale > MAX_SCALE:
        return OVERFLOW
    TRUNCATING.clear_flags()
    quotient = TRUNCATING.divide(dividend, divisor)
    if TRUNCATING.flags[Inexact]:
        # A sticky digit below the last kept one: the truncated quotient now rounds like the exact
        # infinite one (never a tie, never exact), so the quantize below is the only rounding.
        sign, digits, exponent = quotient.as_tuple()
        quotient = Decimal((sign, digits + (1,), exponent - 1))
    return expected_text(quotient.quantize(QUANTUM[scale], rounding=mode, context=EXACT))


def expected_parse(text):
    match = PARSE_GRAMMAR.fullmatch(text)
    if match is None:
        return BAD_INPUT
    fraction = match.group(2) or ""
    if len(fraction) > MAX_SCALE:
        return BAD_INPUT
    if len((match.group(1) + fraction).lstrip("0")) > MAX_DIGITS:
        return OVERFLOW
    return expected_text(Decimal(text))


def expected_answer(line):
    """The expected driver answer for one input line."""
    operation, _, rest = line.partition(" ")
    if operation == "parse":
        return expected_parse(rest)
    fields = rest.split(" ")
    a = Decimal(fields[0])
    if operation == "rescale":
        return expected_rescale(a, int(fields[1]), MODES[fields[2]])
    b = Decimal(fields[1])
    if operation == "add":
        return expected_text(EXACT.add(a, b))
    if operation == "sub":
        return expected_text(EXACT.subtract(a, b))
    if operation == "mul":
        return expected_text(EXACT.multiply(a, b))
    if operation == "cmp":
        return str(int(a.compare(b, context=EXACT)))
    if operation == "div":
        return expected_divide(a, b, int(fields[2]), MODES[fields[3]])
    raise ValueError("unknown operation in " + repr(line))


# ---------------------------------------------------------------------------------------------
# Random operands.

def text_of(coefficient, scale, negative_zero=False):
    """The canonical text of coefficient / 10^scale ("-0.00" when asked for a negative zero)."""
    sign = "-" if coefficient < 0 or (negative_zero and coefficient == 0) else ""
    digits = str(abs(coefficient))
    if scale == 0:
        return sign + digits
    digits = digits.rjust(scale + 1, "0")
    return sign + digits[:-scale] + "." + digits[-scale:]


def with_digits(rng, count):
    """A random positive integer of exactly count digits."""
    return rng.randrange(POW10[count - 1], POW10[count])


def digit_count(coefficient):
    return len(str(abs(coefficient))) if coefficient else 0


def mixed_value(rng):
    """(coefficient, scale) from the mix of magnitudes; every result is a valid Decimal."""
    kind = rng.random()
    if kind < 0.35:  # a typical amount
        coefficient, scale = rng.randrange(POW10[rng.randint(1, 18)]), rng.randint(0, 4)
    elif kind < 0.55:  # a big value
        coefficient, scale = with_digits(rng, rng.randint(30, 38)), rng.randint(0, 38)
    elif kind < 0.68:  # just below the largest coefficient
        coefficient = MAX_COEFFICIENT - rng.randrange(POW10[rng.randint(0, 37)])
        scale = rng.randint(0, 38)
    elif kind < 0.80:  # around half the largest coefficient: sums of two overflow half the time
        spread = POW10[rng.randint(0, 36)]
        coefficient, scale = 5 * POW10[37] + rng.randrange(-spread, spread), rng.randint(0, 38)
    elif kind < 0.85:  # zero
        coefficient, scale = 0, rng.randint(0, 38)
    else:  # anything
        coefficient, scale = rng.randrange(POW10[rng.randint(1, 38)]), rng.randint(0, 38)
    if rng.random() < 0.5:
        coefficient = -coefficient
    return coefficient, scale


def operand_text(rng, coefficient, scale):
    """The text of an operand, now and then in a non-canonical but valid spelling."""
    text = text_of(coefficient, scale, negative_zero=coefficient == 0 and rng.random() < 0.5)
    if rng.random() < 0.03:
        unsigned = text.lstrip("-")
        sign = "-" if text.startswith("-") else rng.choice(["", "+"])
        text = sign + "0" * rng.randint(1, 5) + unsigned
    return text


def random_mode_free_pair(rng):
    """Operands for add and sub: independent, of equal scale, or typical amounts."""
    kind = rng.random()
    if kind < 0.4:
        return mixed_value(rng), mixed_value(rng)
    if kind < 0.7:
        (a, scale), (b, _) = mixed_value(rng), mixed_value(rng)
        return (a, scale), (b, scale)
    scale = rng.choice([0, 2, 2, 2, 3, 4])
    return ((rng.randrange(-POW10[14], POW10[14]), scale),
            (rng.randrange(-POW10[14], POW10[14]), rng.choice([scale, scale, rng.randint(0, 4)])))


def signed(rng, coefficient):
    return -coefficient if rng.random() < 0.5 else coefficient


def generate_add(rng):
    (a, sa), (b, sb) = random_mode_free_pair(rng)
    return "add {} {}".format(operand_text(rng, a, sa), operand_text(rng, b, sb))


def generate_sub(rng):
    (a, sa), (b, sb) = random_mode_free_pair(rng)
    return "sub {} {}".format(operand_text(rng, a, sa), operand_text(rng, b, sb))


def generate_mul(rng):
    kind = rng.random()
    if kind < 0.3:  # an amount times a rate
        a, sa = signed(rng, rng.randrange(POW10[rng.randint(1, 14)])), rng.choice([0, 2, 2, 3])
        b, sb = signed(rng, rng.randrange(POW10[rng.randint(1, 9)])), rng.randint(2, 6)
    elif kind < 0.7:  # digit counts whose product straddles 38 digits
        digits_a = rng.randint(1, 38)
        digits_b = min(38, max(1, 38 - digits_a + rng.randint(-1, 2)))
        a, b = signed(rng, with_digits(rng, digits_a)), signed(rng, with_digits(rng, digits_b))
        sa = rng.randint(0, 19)
        sb = rng.randint(0, 38 - sa)
    elif kind < 0.8:  # scales whose sum straddles 38
        total = rng.randint(36, 40)
        sa = rng.randint(max(0, total - 38), min(38, total))
        sb = total - sa
        a = signed(rng, rng.randrange(POW10[rng.randint(1, 10)]))
        b = signed(rng, rng.randrange(POW10[rng.randint(1, 10)]))
    else:
        (a, sa), (b, sb) = mixed_value(rng), mixed_value(rng)
    return "mul {} {}".format(operand_text(rng, a, sa), operand_text(rng, b, sb))


def generate_cmp(rng):
    kind = rng.random()
    a, sa = mixed_value(rng)
    if kind < 0.4:
        b, sb = mixed_value(rng)
    elif kind < 0.7:  # the same value at a larger scale
        room = min(MAX_DIGITS - digit_count(a), MAX_SCALE - sa)
        extra = rng.randint(0, room)
        b, sb = a * POW10[extra], sa + extra
    elif kind < 0.85:  # one unit away, possibly shown at a larger scale
        b, sb = a + rng.choice([-1, 1]), sa
        if abs(b) > MAX_COEFFICIENT:
            b = a - (1 if a > 0 else -1)
        room = min(MAX_DIGITS - digit_count(b), MAX_SCALE - sb)
        extra = rng.randint(0, max(0, room))
        b, sb = b * POW10[extra], sb + extra
    else:  # the opposite value, possibly shown at a larger scale
        room = min(MAX_DIGITS - digit_count(a), MAX_SCALE - sa)
        extra = rng.randint(0, room) if rng.random() < 0.5 else 0
        b, sb = -a * POW10[extra], sa + extra
    if rng.random() < 0.5:
        a, sa, b, sb = b, sb, a, sa
    return "cmp {} {}".format(operand_text(rng, a, sa), operand_text(rng, b, sb))


def tie_value(rng):
    """(coefficient, scale, target scale) with the dropped digits an exact tie or within one
    unit of it."""
    target = rng.randint(0, 36)
    dropped = rng.randint(1, min(6, MAX_SCALE - target))
    kept_digits = rng.randint(0, MAX_DIGITS - dropped)
    kept = rng.randrange(POW10[kept_digits]) if kept_digits else 0
    tail = 5 * POW10[dropped - 1] + rng.choice([0, 0, 0, -1, 1])
    return signed(rng, kept * POW10[dropped] + tail), target + dropped, target


def generate_rescale(rng, mode):
    kind = rng.random()
    if kind < 0.35:
        a, sa, scale = tie_value(rng)
    else:
        a, sa = mixed_value(rng)
        if kind < 0.7 and sa > 0:
            scale = rng.randint(0, sa - 1)  # drops digits
        elif kind < 0.9:
            scale = rng.randint(sa, 38)  # appends zeros, overflowing when there is no room
        else:
            scale = rng.randint(0, 38)
    return "rescale {} {} {}".format(operand_text(rng, a, sa), scale, mode)


# Divisors that make exact ties easy to build: a / b = r exactly for a = r * b.
TIE_DIVISORS = [Decimal(text) for text in
                ["2", "4", "8", "16", "0.5", "1.25", "0.8", "40", "0.02", "6.25", "32", "0.16"]]


def decimal_parts(value):
    """(coefficient, scale) of a Decimal with a non-positive exponent."""
    sign, digits, exponent = value.as_tuple()
    coefficient = int("".join(map(str, digits)))
    return (-coefficient if sign else coefficient), -exponent


def fits(coefficient, scale):
    return abs(coefficient) <= MAX_COEFFICIENT and 0 <= scale <= MAX_SCALE


def generate_div(rng, mode):
    kind = rng.random()
    if kind < 0.35:  # an exact tie, or one unit of the dividend away from it
        for _ in range(20):
            scale = rng.randint(0, 30)
            kept_digits = rng.randint(0, 20)
            kept = rng.randrange(POW10[kept_digits]) if kept_digits else 0
            quotient = Decimal((0, tuple(map(int, str(kept * 10 + 5))), -(scale + 1)))
            divisor = rng.choice(TIE_DIVISORS)
            a, sa = decimal_parts(EXACT.multiply(quotient, divisor))
            if rng.random() < 0.25:
                a += rng.choice([-1, 1])
            b, sb = decimal_parts(divisor)
            if fits(a, sa):
                break
        else:
            a, sa, b, sb, scale = 1, 0, 8, 0, 2
        a, b = signed(rng, a), signed(rng, b)
    elif kind < 0.6:  # an amount divided by a rate, to cents
        a, sa = signed(rng, rng.randrange(POW10[rng.randint(1, 14)])), 2
        b, sb = rng.randrange(1, POW10[rng.randint(1, 8)]), rng.randint(2, 6)
        scale = rng.choice([0, 2, 2, 2, 4])
    elif kind < 0.8:
        a, sa = mixed_value(rng)
        b, sb = mixed_value(rng)
        if b == 0:
            b = 7
        scale = rng.randint(0, 38)
    elif kind < 0.95:  # a big dividend over a small divisor: quotients around the 38-digit edge
        a, sa = signed(rng, with_digits(rng, rng.randint(34, 38))), rng.randint(0, 4)
        b, sb = signed(rng, rng.randrange(1, 1000)), rng.randint(0, 4)
        scale = rng.randint(0, 6)
    else:  # division by zero
        a, sa = mixed_value(rng)
        b, sb = 0, rng.randint(0, 38)
        scale = rng.randint(0, 38)
    return "div {} {} {} {}".format(operand_text(rng, a, sa), operand_text(rng, b, sb), scale, mode)


# Texts that are not numbers of the grammar, and characters to break valid ones with.
REJECTED = ["", "-", "+", ".", "1.", ".5", "-.5", " 1", "1 ", "1,000.00", "1e5", "1E5", "1e-5",
            "NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "-inf", "0x10", "0b1", "1_000",
            "\u0661\u0662\u0663", "\uff11\uff12", "\u22121", "--1", "+-1", "-+1", "1.2.3", "1..2",
            "\t1", "1\t", "\u00a01", "abc", "1-", "12a", "٣.٥"]
NOISE = [" ", "\t", "e", "E", ",", "_", ".", "+", "-", "x", "a", "\u0661", "\uff11", "\u00b2",
         "\u2212", "\u00a0", "\u0660", "'", "\"", "#", "/"]


def valid_number_text(rng):
    sign = rng.choice(["", "", "-", "+"])
    zeros = "0" * rng.choice([0, 0, 0, 1, 2, rng.randint(1, 60)])
    kind = rng.random()
    if kind < 0.5:
        whole_digits, fraction_digits = rng.randint(1, 18), rng.choice([0, 0, 2, 2, 4])
    else:
        whole_digits = rng.randint(1, 39)
        fraction_digits = rng.randint(0, 39)
    whole = str(rng.randrange(POW10[whole_digits])).rjust(whole_digits, "0")
    text = sign + zeros + whole
    if fraction_digits:
        text += "." + str(rng.randrange(POW10[fraction_digits])).rjust(fraction_digits, "0")
    return text


def ambiguous(text):
    """True for a text both too long after the point (bad_input) and too long in significant
    digits (overflow): Decimal does not promise which of the two it reports."""
    match = PARSE_GRAMMAR.fullmatch(text)
    if match is None:
        return False
    fraction = match.group(2) or ""
    return len(fraction) > MAX_SCALE and len((match.group(1) + fraction).lstrip("0")) > MAX_DIGITS


def generate_parse(rng):
    while True:
        kind = rng.random()
        if kind < 0.5:
            text = valid_number_text(rng)
        elif kind < 0.65:
            text = rng.choice(REJECTED)
        elif kind < 0.9:  # a valid number with a character inserted or replaced
            text = valid_number_text(rng)
            position = rng.randint(0, len(text))
            noise = rng.choice(NOISE)
            if rng.random() < 0.5:
                text = text[:position] + noise + text[position:]
            else:
                text = text[:position] + noise + text[position + 1:]
        else:  # a valid number cut short or padded at either end
            text = valid_number_text(rng)
            text = rng.choice([text + ".", "." + text.lstrip("+-"), text[:-1] + ".", text + " ",
                               " " + text, text.replace(".", ""), text + "." + text.lstrip("+-")])
        if not ambiguous(text):
            return "parse " + text


GENERATORS = {"add": generate_add, "sub": generate_sub, "mul": generate_mul, "cmp": generate_cmp,
              "parse": generate_parse}
for _name in MODES:
    GENERATORS["rescale " + _name] = (lambda mode: lambda rng: generate_rescale(rng, mode))(_name)
    GENERATORS["div " + _name] = (lambda mode: lambda rng: generate_div(rng, mode))(_name)


HALF = Decimal("0.5")


def is_tie(line):
    """True when a rescale or div case is an exact tie: the exact result at the asked scale has a
    dropped part of exactly one half. Only counted, to show that ties are well represented."""
    operation, _, rest = line.partition(" ")
    fields = rest.split(" ")
    if operation == "rescale":
        exact, scale = Decimal(fields[0]), int(fields[1])
    else:
        divisor = Decimal(fields[1])
        if divisor.is_zero():
            return False
        TRUNCATING.clear_flags()
        exact = TRUNCATING.divide(Decimal(fields[0]), divisor)
        if TRUNCATING.flags[Inexact]:
            return False
        scale = int(fields[2])
    shifted = EXACT.abs(exact.scaleb(scale, context=EXACT))
    return EXACT.subtract(shifted, shifted.to_integral_value(rounding=ROUND_DOWN)) == HALF


def generate_operation(job):
    """The input lines and expected answers of one operation, each joined into one string, and
    the number of exact ties among them."""
    operation, count, seed = job
    rng = random.Random("{}/{}".format(seed, operation))
    generate = GENERATORS[operation]
    lines = [generate(rng) for _ in range(count)]
    expected = [expected_answer(line) for line in lines]
    ties = None
    if operation.startswith(("rescale", "div")):
        ties = sum(1 for line in lines if is_tie(line))
    return operation, "\n".join(lines), "\n".join(expected), ties


# ---------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--driver", required=True, help="path of decimal_oracle_driver")
    parser.add_argument("--cases", type=int, default=10000, help="cases per operation")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random cases")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes generating cases")
    parser.add_argument("--show", type=int, default=20, help="mismatches to print")
    arguments = parser.parse_args()
    if arguments.cases < 0:
        parser.error("--cases must not be negative")

    started = time.monotonic()
    jobs = [(operation, arguments.cases, arguments.seed) for operation in OPERATIONS]
    if arguments.jobs > 1:
        with multiprocessing.Pool(arguments.jobs) as pool:
            blocks = pool.map(generate_operation, jobs, chunksize=1)
    else:
        blocks = [generate_operation(job) for job in jobs]
    generated = time.monotonic()

    # One run of the driver for every case.
    driver_input = "".join(block[1] + "\n" for block in blocks) if arguments.cases else ""
    total = arguments.cases * len(OPERATIONS)
    try:
        driver = subprocess.Popen([arguments.driver], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
    except OSError as error:
        print("cannot run the driver {}: {}".format(arguments.driver, error))
        print("0 passed, {} failed".format(total))
        return 1
    output, _ = driver.communicate(driver_input.encode("utf-8"), timeout=600)
    ran = time.monotonic()
    if driver.returncode != 0:
        print("the driver exited with status {}".format(driver.returncode))
    answers = output.decode("utf-8", errors="replace").split("\n")
    if answers and answers[-1] == "":
        answers.pop()
    if len(answers) != total:
        print("the driver answered {} lines for {} cases".format(len(answers), total))

    passed = failed = shown = 0
    print("{:<20} {:>9} {:>9} {:>9}  {}".format("operation", "cases", "passed", "failed",
                                               "share of the cases"))
    for index, (operation, lines_block, expected_block, ties) in enumerate(blocks):
        got = answers[index * arguments.cases:(index + 1) * arguments.cases]
        expected = expected_block.split("\n") if arguments.cases else []
        lines = None
        operation_failed = 0
        if "\n".join(got) != expected_block or len(got) != len(expected):
            lines = lines_block.split("\n")
            for position, want in enumerate(expected):
                answer = got[position] if position < len(got) else "(no answer)"
                if answer != want:
                    operation_failed += 1
                    if shown < arguments.show:
                        shown += 1
                        print("MISMATCH {!r}: expected {!r}, got {!r}".format(
                            lines[position], want, answer))
        errors = collections.Counter(want for want in expected if want.startswith("ERR "))
        described = ", ".join("{} {:.1%}".format(name[4:], count / max(1, len(expected)))
                              for name, count in sorted(errors.items()))
        if ties is not None:
            described += ", exact ties {:.1%}".format(ties / max(1, len(expected)))
        print("{:<20} {:>9} {:>9} {:>9}  {}".format(operation, len(expected),
                                                   len(expected) - operation_failed,
                                                   operation_failed, described or "-"))
        passed += len(expected) - operation_failed
        failed += operation_failed
    if driver.returncode != 0 or len(answers) != total:
        failed = max(failed, 1)
    print("generated in {:.1f}s, driver ran in {:.1f}s, checked in {:.1f}s".format(
        generated - started, ran - generated, time.monotonic() - ran))
    print("{} passed, {} failed".format(passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
