"""Unit tests of tests/sim/model.py from examples worked out by hand from ledger/README.md.

Run: python3 tests/sim/model_selftest.py   (exit 0 on success)
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import Model, rnd  # noqa: E402
from fractions import Fraction  # noqa: E402

INIT_SETTINGS = [('functional_currency', 'USD'), ('rounding', 'half-even'), ('psc_rate', '0.13'),
                 ('recognition', 'upfront'), ('year_end', 'usd'), ('psc_own_spending', 'exempt'),
                 ('rules_version', '5')]
INIT_ACCOUNTS = [('1100', 'asset'), ('1200', 'asset'), ('1290', 'asset'), ('1400', 'asset'),
                 ('1500', 'asset'), ('1900', 'asset'), ('2100', 'liability'), ('2150', 'liability'),
                 ('2200', 'liability'), ('2300', 'liability'), ('2500', 'liability'),
                 ('3100', 'net-assets'), ('3200', 'net-assets'), ('4100', 'revenue'),
                 ('4200', 'revenue'), ('4300', 'revenue'), ('4700', 'revenue'), ('4710', 'revenue'),
                 ('4800', 'revenue'), ('4900', 'revenue'), ('5100', 'expense'), ('5200', 'expense'),
                 ('5300', 'expense'), ('5400', 'expense'), ('5900', 'expense')]


def new_model(today='2026-12-07', version='5'):
    """A ledger as `init` makes it (rules version 5), or with `version` one made under that version."""
    m = Model(today)
    for k, v in INIT_SETTINGS:
        if k == 'rules_version':
            v = version
        assert m.apply({'type': 'setting', 'key': k, 'value': v}) is None
    for code, cls in INIT_ACCOUNTS:
        assert m.apply({'type': 'account', 'code': code, 'name': 'Account ' + code,
                        'class': cls}) is None
    ok(m, {'type': 'fund', 'code': 'F', 'name': 'Fund F', 'kind': 'general'})
    ok(m, {'type': 'fund', 'code': 'G', 'name': 'Fund G', 'kind': 'special'})
    ok(m, {'type': 'fund', 'code': 'PSC', 'name': 'PSC fund', 'kind': 'psc'})
    ok(m, {'type': 'donor', 'code': 'DEU', 'name': 'Germany', 'category': 'government',
           'country': 'DE'})
    ok(m, {'type': 'donor', 'code': 'NOR', 'name': 'Norway'})
    return m


def ok(m, ev):
    r = m.apply(ev)
    assert r is None, 'refused %r: %s' % (ev, r)


def bad(m, ev):
    before = m.balances()
    r = m.apply(ev)
    assert r is not None, 'accepted %r' % (ev,)
    assert m.balances() == before, 'a refusal changed the balances'
    return r


def fund_sums(m):
    """Every fund balances per currency and in USD (rule 2 and 3, summed over all entries)."""
    cur, usd = {}, {}
    for (a, f, d, p, c), (x, u) in m.balances().items():
        cur[(f, c)] = cur.get((f, c), 0) + x
        usd[f] = usd.get(f, 0) + u
    return {k: v for k, v in cur.items() if v}, {k: v for k, v in usd.items() if v}


class Rounding(unittest.TestCase):
    def test_modes(self):
        q = Fraction(-1111111, 10000)      # EUR -100.00 at 0.9 in cents: -11111.11
        self.assertEqual(rnd(Fraction(-100000, 9), 'floor'), -11112)
        self.assertEqual(rnd(Fraction(100000, 9), 'floor'), 11111)
        self.assertEqual(rnd(Fraction(100000, 9), 'ceiling'), 11112)
        self.assertEqual(rnd(Fraction(-100000, 9), 'ceiling'), -11111)
        self.assertEqual(rnd(q, 'down'), -111)
        self.assertEqual(rnd(Fraction(5, 2), 'half-even'), 2)
        self.assertEqual(rnd(Fraction(7, 2), 'half-even'), 4)
        self.assertEqual(rnd(Fraction(-5, 2), 'half-up'), -3)
        self.assertEqual(rnd(Fraction(-5, 2), 'half-down'), -2)
        self.assertEqual(rnd(Fraction(5, 2), 'half-down'), 2)
        self.assertEqual(rnd(Fraction(-21, 10), 'up'), -3)


class Basics(unittest.TestCase):
    def setUp(self):
        m = self.m = new_model()
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.9'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-02-01', 'per_usd': '0.8'})

    def test_pledge_receipt_expense_close(self):
        m = self.m
        ok(m, {'type': 'pledge', 'id': 'P1', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '1000.00', 'signed': '2024-01-10'})
        # 1000 / 0.9 = 1111.111 -> 1111.11
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'P1', 'EUR')], (100000, 111111))
        self.assertEqual(b[('4100', 'F', 'DEU', 'P1', 'EUR')], (-100000, -111111))
        ok(m, {'type': 'receipt', 'id': 'R1', 'date': '2024-02-05', 'fund': 'F', 'currency': 'EUR',
               'amount': '400.00', 'pledge': 'P1'})
        # cash 400/0.8 = 500.00; R relieved 1111.11*400/1000 = 444.444 -> 444.44; 4700 -55.56
        b = m.balances()
        self.assertEqual(b[('1100', 'F', 'DEU', '', 'EUR')], (40000, 50000))
        self.assertEqual(b[('1200', 'F', 'DEU', 'P1', 'EUR')], (60000, 66667))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, -5556))
        ok(m, {'type': 'expense', 'id': 'E1', 'fund': 'F', 'date': '2024-02-10', 'currency': 'EUR',
               'amount': '100.00', 'category': 'programme'})
        # 5200 125.00; PSC 13.00 EUR = 16.25 USD; cash relieved at 500/400 per EUR: no 4700
        b = m.balances()
        self.assertEqual(b[('5200', 'F', '', '', 'EUR')], (10000, 12500))
        self.assertEqual(b[('5300', 'F', '', '', 'EUR')], (1300, 1625))
        self.assertEqual(b[('1100', 'F', '', '', 'EUR')], (-11300, -14125))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, -5556))
        before = m.balances()
        ok(m, {'type': 'period_close', 'period': '2024-01'})
        ok(m, {'type': 'period_close', 'period': '2024-02'})
        # a monthly revaluation is reversed the next day: balances unchanged
        self.assertEqual(m.balances(), before)
        ok(m, {'type': 'period_close', 'period': '2024-01'})          # closed: a no-op
        r = bad(m, {'type': 'expense', 'id': 'E2', 'fund': 'F', 'date': '2024-02-20',
                    'currency': 'EUR', 'amount': '1.00', 'category': 'programme'})
        self.assertIn('closed', r)
        self.assertEqual(fund_sums(m), ({}, {}))

    def test_refusals(self):
        m = self.m
        bad(m, {'type': 'receipt', 'id': 'X1', 'date': '2024-02-05', 'fund': 'F',
                'currency': 'EUR', 'amount': '1.00', 'pledge': 'NOPE'})
        bad(m, {'type': 'receipt', 'id': 'X2', 'date': '2024-02-05', 'fund': 'F',
                'currency': 'EUR', 'amount': '1.001'})
        bad(m, {'type': 'receipt', 'id': 'X3', 'date': '2024-02-05', 'fund': 'F',
                'currency': 'EUR', 'amount': 1})
        bad(m, {'type': 'expense', 'id': 'X4', 'fund': 'F', 'date': '2024-02-10',
                'currency': 'EUR', 'amount': '1.00', 'category': 'programme'})   # overdraft
        ok(m, {'type': 'expense', 'id': 'X5', 'fund': 'F', 'date': '2024-02-10',
               'currency': 'EUR', 'amount': '1.00', 'category': 'programme',
               'allow_overdraft': True})
        bad(m, {'type': 'entry', 'id': 'X6', 'date': '2024-02-10', 'postings': [
            {'account': '1200', 'fund': 'F', 'currency': 'USD', 'amount': '1.00'},
            {'account': '4100', 'fund': 'F', 'currency': 'USD', 'amount': '-1.00'}]})
        bad(m, {'type': 'receipt', 'id': 'X7', 'date': '2028-02-05', 'fund': 'F',
                'currency': 'EUR', 'amount': '1.00'})                           # far future
        bad(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.95'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.90'})
        # idempotency
        ok(m, {'type': 'expense', 'id': 'X5', 'fund': 'F', 'date': '2024-02-10',
               'currency': 'EUR', 'amount': '1.00', 'category': 'programme',
               'allow_overdraft': True})
        bad(m, {'type': 'expense', 'id': 'X5', 'fund': 'F', 'date': '2024-02-10',
                'currency': 'EUR', 'amount': '2.00', 'category': 'programme',
                'allow_overdraft': True})

    def test_floor_and_ceiling_residual(self):
        m = self.m
        ok(m, {'type': 'setting', 'key': 'rounding', 'value': 'floor', 'effective': '2024-01-01'})
        ok(m, {'type': 'entry', 'id': 'N1', 'date': '2024-01-15', 'postings': [
            {'account': '5200', 'fund': 'F', 'currency': 'EUR', 'amount': '10.00'},
            {'account': '1500', 'fund': 'F', 'currency': 'EUR', 'amount': '-10.00'}]})
        # 11.11 and -11.12: a debit cent of residual
        b = m.balances()
        self.assertEqual(b[('5200', 'F', '', '', 'EUR')], (1000, 1111))
        self.assertEqual(b[('1500', 'F', '', '', 'EUR')], (-1000, -1112))
        self.assertEqual(b[('5900', 'F', '', '', 'EUR')], (0, 1))
        ok(m, {'type': 'setting', 'key': 'rounding', 'value': 'ceiling',
               'effective': '2024-01-20'})
        ok(m, {'type': 'entry', 'id': 'N2', 'date': '2024-01-21', 'postings': [
            {'account': '5200', 'fund': 'F', 'currency': 'EUR', 'amount': '10.00'},
            {'account': '1500', 'fund': 'F', 'currency': 'EUR', 'amount': '-10.00'}]})
        self.assertNotIn(('5900', 'F', '', '', 'EUR'), m.balances())   # +1 then -1


class Instalments(unittest.TestCase):
    def test_paid_ahead_and_reduction(self):
        m = new_model()
        ok(m, {'type': 'setting', 'key': 'recognition', 'value': 'per-instalment',
               'effective': '2024-01-01'})
        ok(m, {'type': 'pledge', 'id': 'P2', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'USD', 'amount': '300.00', 'signed': '2024-01-10',
               'installments': [{'due': '2024-01-15', 'amount': '100.00'},
                                {'due': '2024-02-15', 'amount': '100.00'},
                                {'due': '2024-03-15', 'amount': '100.00'}]})
        self.assertEqual(m.balances(), {})          # nothing due at signing
        ok(m, {'type': 'receipt', 'id': 'R2', 'date': '2024-01-20', 'fund': 'F',
               'currency': 'USD', 'amount': '150.00', 'pledge': 'P2'})
        b = m.balances()
        self.assertEqual(b[('4100', 'F', 'DEU', 'P2', 'USD')], (-10000, -10000))
        self.assertEqual(b[('2100', 'F', 'DEU', 'P2', 'USD')], (-5000, -5000))   # paid ahead
        self.assertNotIn(('1200', 'F', 'DEU', 'P2', 'USD'), b)
        ok(m, {'type': 'period_close', 'period': '2024-01'})
        self.assertNotIn(('1200', 'F', 'DEU', 'P2', 'USD'), m.balances())
        ok(m, {'type': 'period_close', 'period': '2024-02'})
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'P2', 'USD')], (5000, 5000))
        self.assertNotIn(('2100', 'F', 'DEU', 'P2', 'USD'), b)
        self.assertEqual(b[('4100', 'F', 'DEU', 'P2', 'USD')], (-20000, -20000))
        # outstanding 50 + 100 not yet recognized = 150, nothing paid ahead
        bad(m, {'type': 'reduction', 'id': 'D0', 'pledge': 'P2', 'date': '2024-03-05',
                'amount': '150.01'})
        ok(m, {'type': 'reduction', 'id': 'D1', 'pledge': 'P2', 'date': '2024-03-05',
               'amount': '150.00'})
        b = m.balances()
        self.assertNotIn(('1200', 'F', 'DEU', 'P2', 'USD'), b)
        self.assertEqual(b[('4100', 'F', 'DEU', 'P2', 'USD')], (-15000, -15000))
        ok(m, {'type': 'period_close', 'period': '2024-03'})    # instalment 3 cut in full
        self.assertNotIn(('1200', 'F', 'DEU', 'P2', 'USD'), m.balances())
        self.assertEqual(fund_sums(m), ({}, {}))


class December(unittest.TestCase):
    def setUp(self):
        m = self.m = new_model()
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-12-01', 'per_usd': '0.8'})

    def test_late_close_restates_relief(self):
        m = self.m
        ok(m, {'type': 'pledge', 'id': 'P3', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '100.00', 'signed': '2024-12-05'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-12-31', 'per_usd': '1.0'})
        ok(m, {'type': 'receipt', 'id': 'R3', 'date': '2025-01-10', 'fund': 'F',
               'currency': 'EUR', 'amount': '100.00', 'pledge': 'P3'})
        # R carried 125.00, cash worth 100.00: a realized loss of 25.00
        self.assertEqual(m.balances()[('4700', 'F', '', '', 'EUR')], (0, 2500))
        ok(m, {'type': 'period_close', 'period': '2024-12'})
        b = m.balances()
        # the loss is unrealized in December (4710), closed into 3100 in USD; January keeps none
        self.assertNotIn(('1200', 'F', 'DEU', 'P3', 'EUR'), b)
        self.assertNotIn(('4700', 'F', '', '', 'EUR'), b)
        self.assertNotIn(('4100', 'F', 'DEU', 'P3', 'EUR'), b)
        self.assertEqual(b[('1100', 'F', 'DEU', '', 'EUR')], (10000, 10000))
        self.assertEqual(b[('1900', 'F', '', '', 'EUR')], (-10000, -10000))
        self.assertEqual(b[('1900', 'F', '', '', 'USD')], (10000, 10000))
        self.assertEqual(b[('3100', 'F', '', '', 'USD')], (-10000, -10000))
        self.assertEqual(fund_sums(m), ({}, {}))
        # reopen takes it all back
        ok(m, {'type': 'period_reopen', 'period': '2024-12', 'reason': 'rate'})
        b = m.balances()
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, 2500))
        self.assertEqual(b[('4100', 'F', 'DEU', 'P3', 'EUR')], (-10000, -12500))
        self.assertNotIn(('3100', 'F', '', '', 'USD'), b)
        ok(m, {'type': 'period_close', 'period': '2024-12'})
        self.assertEqual(m.balances()[('3100', 'F', '', '', 'USD')], (-10000, -10000))

    def test_reversal_after_year_end(self):
        m = self.m
        ok(m, {'type': 'receipt', 'id': 'R4', 'date': '2024-12-10', 'fund': 'F',
               'currency': 'EUR', 'amount': '100.00', 'donor': 'DEU'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-12-20', 'per_usd': '1.0'})
        ok(m, {'type': 'period_close', 'period': '2024-12'})
        b = m.balances()
        self.assertEqual(b[('2100', 'F', 'DEU', '', 'EUR')], (-10000, -10000))
        self.assertEqual(b[('1100', 'F', '', '', 'EUR')], (0, -2500))
        ok(m, {'type': 'reversal', 'id': 'V4', 'reverses': 'R4', 'date': '2025-01-05'})
        b = m.balances()
        pool = [v for k, v in b.items() if k[0] == '1100']
        self.assertEqual(sum(x for x, _ in pool), 0)
        self.assertEqual(sum(u for _, u in pool), 0)          # no USD left behind
        self.assertNotIn(('2100', 'F', 'DEU', '', 'EUR'), b)
        self.assertNotIn(('4700', 'F', '', '', 'EUR'), b)
        bad(m, {'type': 'reversal', 'id': 'V5', 'reverses': 'R4', 'date': '2025-01-06'})
        bad(m, {'type': 'reversal', 'id': 'V6', 'reverses': 'V4', 'date': '2025-01-06'})


class Holdings(unittest.TestCase):
    def test_refunds_and_applies(self):
        m = new_model()
        ok(m, {'type': 'receipt', 'id': 'U1', 'date': '2024-03-01', 'fund': 'F',
               'currency': 'USD', 'amount': '500.00'})
        self.assertEqual(m.balances()[('2150', 'F', '', '', 'USD')], (-50000, -50000))
        bad(m, {'type': 'apply', 'id': 'A0', 'date': '2024-03-02', 'receipt': 'U1'})  # no donor
        ok(m, {'type': 'pledge', 'id': 'P4', 'donor': 'NOR', 'fund': 'F', 'purpose': 'special',
               'currency': 'USD', 'amount': '200.00', 'signed': '2024-03-01'})
        ok(m, {'type': 'apply', 'id': 'A1', 'date': '2024-03-02', 'receipt': 'U1',
               'pledge': 'P4'})
        b = m.balances()
        self.assertEqual(b[('2150', 'F', '', '', 'USD')], (-30000, -30000))   # rest stays held
        self.assertNotIn(('1200', 'F', 'NOR', 'P4', 'USD'), b)
        bad(m, {'type': 'refund', 'id': 'F0', 'donor': 'NOR', 'fund': 'F', 'date': '2024-03-03',
                'currency': 'USD', 'amount': '300.01', 'receipt': 'U1'})       # over-refund
        ok(m, {'type': 'refund', 'id': 'F1', 'donor': 'NOR', 'fund': 'F', 'date': '2024-03-03',
               'currency': 'USD', 'amount': '100.00', 'receipt': 'U1'})
        self.assertEqual(m.balances()[('2300', 'F', 'NOR', '', 'USD')], (-10000, -10000))
        ok(m, {'type': 'refund', 'id': 'F2', 'donor': 'NOR', 'fund': 'F', 'date': '2024-03-04',
               'currency': 'USD', 'amount': '100.00', 'pays': 'F1'})
        b = m.balances()
        self.assertNotIn(('2300', 'F', 'NOR', '', 'USD'), b)
        self.assertEqual(b[('1100', 'F', '', '', 'USD')], (50000, 50000))
        self.assertEqual(b[('1100', 'F', 'NOR', '', 'USD')], (-10000, -10000))
        bad(m, {'type': 'reversal', 'id': 'V1', 'reverses': 'F1', 'date': '2024-03-05'})  # paid
        ok(m, {'type': 'apply', 'id': 'A2', 'date': '2024-03-05', 'receipt': 'U1',
               'donor': 'NOR'})
        # apply to revenue: 4100 in a general fund (the fund's kind, not the pledge's purpose)
        self.assertEqual(m.balances()[('4100', 'F', 'NOR', '', 'USD')], (-20000, -20000))
        self.assertEqual(fund_sums(m), ({}, {}))

    def test_interest_largest_remainder(self):
        m = new_model()
        for f, amt in (('F', '1.00'), ('G', '1.00'), ('PSC', '1.00')):
            ok(m, {'type': 'receipt', 'id': 'I' + f, 'date': '2024-03-01', 'fund': f,
                   'currency': 'USD', 'amount': amt, 'donor': 'DEU'})
        ok(m, {'type': 'interest', 'id': 'INT', 'date': '2024-03-02', 'amount': '0.05'})
        b = m.balances()
        self.assertEqual(b[('4800', 'F', '', '', 'USD')], (-2, -2))     # ties to the first fund
        self.assertEqual(b[('4800', 'G', '', '', 'USD')], (-2, -2))
        self.assertEqual(b[('4800', 'PSC', '', '', 'USD')], (-1, -1))
        bad(m, {'type': 'interest', 'id': 'INT2', 'date': '2024-03-01', 'amount': '0.05'})

    def test_psc_fund_and_cross_currency(self):
        m = new_model()
        ok(m, {'type': 'setting', 'key': 'psc_fund', 'value': 'PSC'})
        ok(m, {'type': 'rate', 'currency': 'JPY', 'effective': '2024-01-01', 'per_usd': '150'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.9'})
        ok(m, {'type': 'pledge', 'id': 'P5', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '90.00', 'signed': '2024-01-02'})
        # JPY 15000 = USD 100.00 = EUR 90.00: settles the pledge exactly through 1900
        ok(m, {'type': 'receipt', 'id': 'R5', 'date': '2024-01-03', 'fund': 'F',
               'currency': 'JPY', 'amount': '15000', 'pledge': 'P5'})
        b = m.balances()
        self.assertEqual(b[('1100', 'F', 'DEU', '', 'JPY')], (15000, 10000))
        self.assertEqual(b[('1900', 'F', '', '', 'JPY')], (-15000, -10000))
        self.assertEqual(b[('1900', 'F', '', '', 'EUR')], (9000, 10000))
        self.assertNotIn(('1200', 'F', 'DEU', 'P5', 'EUR'), b)
        ok(m, {'type': 'expense', 'id': 'E5', 'fund': 'F', 'date': '2024-01-04',
               'currency': 'JPY', 'amount': '1000', 'category': 'grant'})
        b = m.balances()
        self.assertEqual(b[('5300', 'F', '', '', 'JPY')], (130, 87))    # 130/150 = 0.8667
        self.assertEqual(b[('1100', 'PSC', '', '', 'JPY')], (130, 87))
        self.assertEqual(b[('4300', 'PSC', '', '', 'JPY')], (-130, -87))
        self.assertEqual(fund_sums(m), ({}, {}))


class MoreCases(unittest.TestCase):
    def setUp(self):
        m = self.m = new_model()
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.8'})

    def test_allowance_write_off_release(self):
        m = self.m
        ok(m, {'type': 'pledge', 'id': 'P6', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '100.00', 'signed': '2024-01-05'})
        bad(m, {'type': 'allowance', 'id': 'L0', 'pledge': 'P6', 'date': '2024-01-06',
                'amount': '100.01'})
        ok(m, {'type': 'allowance', 'id': 'L1', 'pledge': 'P6', 'date': '2024-01-06',
               'amount': '40.00'})
        # (125.00 - 0) x 40 / 100 = 50.00
        self.assertEqual(m.balances()[('1290', 'F', 'DEU', 'P6', 'EUR')], (-4000, -5000))
        bad(m, {'type': 'write_off', 'id': 'W0', 'pledge': 'P6', 'date': '2024-01-07',
                'amount': '40.01'})
        ok(m, {'type': 'write_off', 'id': 'W1', 'pledge': 'P6', 'date': '2024-01-07',
               'amount': '10.00'})
        ok(m, {'type': 'receipt', 'id': 'R6', 'date': '2024-01-08', 'fund': 'F',
               'currency': 'EUR', 'amount': '80.00', 'pledge': 'P6'})
        # receivable 10.00 (12.50) left, allowance 30.00 (37.50): 20.00 (25.00) released
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'P6', 'EUR')], (1000, 1250))
        self.assertEqual(b[('1290', 'F', 'DEU', 'P6', 'EUR')], (-1000, -1250))
        self.assertEqual(b[('5400', 'F', 'DEU', 'P6', 'EUR')], (2000, 2500))
        bad(m, {'type': 'reversal', 'id': 'VL1', 'reverses': 'L1', 'date': '2024-01-09'})
        ok(m, {'type': 'reversal', 'id': 'VW1', 'reverses': 'W1', 'date': '2024-01-09'})
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'P6', 'EUR')], (2000, 2500))
        self.assertEqual(b[('1290', 'F', 'DEU', 'P6', 'EUR')], (-2000, -2500))
        bad(m, {'type': 'reversal', 'id': 'VL1', 'reverses': 'L1', 'date': '2024-01-09'})
        self.assertEqual(fund_sums(m), ({}, {}))

    def test_conditional_and_cancelled(self):
        m = self.m
        ok(m, {'type': 'pledge', 'id': 'P7', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'USD', 'amount': '100.00', 'signed': '2024-01-05', 'conditional': True})
        self.assertEqual(m.balances()[('2200', 'F', 'DEU', 'P7', 'USD')], (-10000, -10000))
        bad(m, {'type': 'condition_met', 'id': 'C0', 'pledge': 'P7', 'date': '2024-01-06',
                'amount': '100.01'})
        ok(m, {'type': 'condition_met', 'id': 'C1', 'pledge': 'P7', 'date': '2024-01-06',
               'amount': '30.00'})
        ok(m, {'type': 'reduction', 'id': 'D1', 'pledge': 'P7', 'date': '2024-02-01',
               'amount': '50.00'})
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'P7', 'USD')], (5000, 5000))
        self.assertEqual(b[('2200', 'F', 'DEU', 'P7', 'USD')], (-2000, -2000))
        self.assertEqual(b[('4100', 'F', 'DEU', 'P7', 'USD')], (-3000, -3000))
        ok(m, {'type': 'reduction', 'id': 'D2', 'pledge': 'P7', 'date': '2024-02-02',
               'amount': '50.00'})
        self.assertEqual(m.balances(), {})
        bad(m, {'type': 'receipt', 'id': 'R7', 'date': '2024-02-03', 'fund': 'F',
                'currency': 'USD', 'amount': '1.00', 'pledge': 'P7'})        # cancelled

    def test_cross_currency_excess(self):
        m = self.m
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-02', 'per_usd': '0.9'})
        ok(m, {'type': 'pledge', 'id': 'P8', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '45.00', 'signed': '2024-01-05'})
        ok(m, {'type': 'receipt', 'id': 'R8', 'date': '2024-01-06', 'fund': 'F',
               'currency': 'USD', 'amount': '100.00', 'pledge': 'P8'})
        # USD 100 = EUR 90: 45 settle the pledge (worth 50), 45 held in EUR worth 50
        b = m.balances()
        self.assertEqual(b[('1100', 'F', 'DEU', '', 'USD')], (10000, 10000))
        self.assertEqual(b[('1900', 'F', '', '', 'USD')], (-10000, -10000))
        self.assertEqual(b[('1900', 'F', '', '', 'EUR')], (9000, 10000))
        self.assertEqual(b[('2100', 'F', 'DEU', '', 'EUR')], (-4500, -5000))
        self.assertNotIn(('1200', 'F', 'DEU', 'P8', 'EUR'), b)
        self.assertEqual(fund_sums(m), ({}, {}))
        # EUR for a USD pledge: EUR 27.00 at 0.9 = USD 30.00 settles USD 30.00
        ok(m, {'type': 'pledge', 'id': 'P9', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'USD', 'amount': '50.00', 'signed': '2024-01-05'})
        ok(m, {'type': 'receipt', 'id': 'R9', 'date': '2024-01-06', 'fund': 'F',
               'currency': 'EUR', 'amount': '27.00', 'pledge': 'P9'})
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'P9', 'USD')], (2000, 2000))
        self.assertEqual(b[('1900', 'F', '', '', 'EUR')], (9000 - 2700, 10000 - 3000))
        self.assertEqual(b[('1900', 'F', '', '', 'USD')], (-10000 + 3000, -10000 + 3000))

    def test_transfer_advance_report(self):
        m = self.m
        ok(m, {'type': 'receipt', 'id': 'R9', 'date': '2024-01-10', 'fund': 'F',
               'currency': 'EUR', 'amount': '100.00', 'donor': 'DEU'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-15', 'per_usd': '1'})
        ok(m, {'type': 'transfer', 'id': 'T9', 'date': '2024-01-16', 'from_fund': 'F',
               'to_fund': 'G', 'currency': 'EUR', 'amount': '50.00'})
        # cash carried 125.00 per 100 EUR: 62.50 leaves, worth 50.00 today: a loss of 12.50
        b = m.balances()
        self.assertEqual(b[('3200', 'F', '', '', 'EUR')], (5000, 5000))
        self.assertEqual(b[('1100', 'F', '', '', 'EUR')], (-5000, -6250))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, 1250))
        self.assertEqual(b[('1100', 'G', '', '', 'EUR')], (5000, 5000))
        self.assertEqual(b[('3200', 'G', '', '', 'EUR')], (-5000, -5000))
        ok(m, {'type': 'advance', 'id': 'AD', 'fund': 'G', 'date': '2024-01-17',
               'currency': 'EUR', 'amount': '40.00', 'partner': 'UNDP'})
        bad(m, {'type': 'partner_report', 'id': 'PR0', 'advance': 'AD', 'date': '2024-01-18',
                'amount': '40.01'})
        ok(m, {'type': 'partner_report', 'id': 'PR1', 'advance': 'AD', 'date': '2024-01-18',
               'amount': '20.00'})
        b = m.balances()
        self.assertEqual(b[('1400', 'G', '', '', 'EUR')], (2000, 2000))
        self.assertEqual(b[('5100', 'G', '', '', 'EUR')], (2000, 2000))
        self.assertEqual(b[('5300', 'G', '', '', 'EUR')], (260, 260))
        self.assertEqual(b[('1100', 'G', '', '', 'EUR')], (5000 - 4000 - 260, 740))
        bad(m, {'type': 'reversal', 'id': 'VAD', 'reverses': 'AD', 'date': '2024-01-19'})
        bad(m, {'type': 'transfer', 'id': 'T10', 'date': '2024-01-19', 'from_fund': 'G',
                'to_fund': 'F', 'currency': 'EUR', 'amount': '7.41'})        # overdraft
        self.assertEqual(fund_sums(m), ({}, {}))

    def test_late_close_proportional(self):
        m = self.m
        ok(m, {'type': 'receipt', 'id': 'RA', 'date': '2024-12-10', 'fund': 'F',
               'currency': 'EUR', 'amount': '100.00', 'donor': 'DEU'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-12-31', 'per_usd': '1'})
        ok(m, {'type': 'expense', 'id': 'EA', 'fund': 'F', 'date': '2025-01-05',
               'currency': 'EUR', 'amount': '40.00', 'category': 'programme'})
        # reliefs 50.00 and 6.50 for EUR 40 and 5.20 worth 40.00 and 5.20: 11.30 of loss
        self.assertEqual(m.balances()[('4700', 'F', '', '', 'EUR')], (0, 1130))
        for P in ('2024-01', '2024-02'):
            bad(m, {'type': 'period_close', 'period': P})
        ok(m, {'type': 'period_close', 'period': '2024-12'})
        b = m.balances()
        # the December revaluation (-25.00 on the cash) is restated on the two reliefs
        # (-10.00, then -15.00 x 5.20 / 60 = -1.30): January realizes nothing
        self.assertNotIn(('4700', 'F', '', '', 'EUR'), b)
        pool = [v for k, v in b.items() if k[0] == '1100' and k[1] == 'F']
        self.assertEqual((sum(x for x, _ in pool), sum(u for _, u in pool)), (5480, 5480))
        self.assertEqual(fund_sums(m), ({}, {}))


class Version3(unittest.TestCase):
    """The four rules of "### Version 3", each against what version 2 does with the same events."""

    def test_rules_version_setting(self):
        m = new_model(version='3')                        # made under version 3, no effective date
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '2'})
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '2', 'effective': '2024-01-01'})
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '1', 'effective': '2024-01-01'})
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '6'})
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '3'})          # identical
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '3', 'effective': '2024-01-01'})
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '4', 'effective': '2024-02-01'})
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '3', 'effective': '2024-03-01'})
        m = new_model()                                   # init: version 5
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '4'})
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '5'})          # identical
        m = new_model(version='2')
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '3', 'effective': '2024-06-01'})
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '2', 'effective': '2024-07-01'})
        # version 2 is in force on 2024-05-01: not lower (the date's version decides)
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '2', 'effective': '2024-05-01'})
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '2', 'effective': '2024-06-01'})
        m = Model('2026-12-07')                           # made before the setting: version 1
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '1', 'effective': '2024-01-01'})
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '2', 'effective': '2024-03-01'})
        ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '3', 'effective': '2024-04-01'})
        bad(m, {'type': 'setting', 'key': 'rules_version', 'value': '2'})   # latest in force: 3

    def _cash_fund(self, version, v3_from=None):
        """Fund F holding EUR 1000.00 carrying USD 1100.00 (600 at 1.0, then 400 at 0.8)."""
        m = new_model(version=version)
        if v3_from:
            ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '3', 'effective': v3_from})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '1'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-02-01', 'per_usd': '0.8'})
        ok(m, {'type': 'receipt', 'id': 'C1', 'date': '2024-01-10', 'fund': 'F',
               'currency': 'EUR', 'amount': '600.00', 'donor': 'DEU'})
        ok(m, {'type': 'receipt', 'id': 'C2', 'date': '2024-02-05', 'fund': 'F',
               'currency': 'EUR', 'amount': '400.00', 'donor': 'DEU'})
        self.assertEqual(m.balances()[('1100', 'F', 'DEU', '', 'EUR')], (100000, 110000))
        return m

    CONVERT = {'type': 'entry', 'id': 'X1', 'date': '2024-02-10', 'postings': [
        {'account': '1100', 'fund': 'F', 'currency': 'EUR', 'amount': '-400.00'},
        {'account': '1900', 'fund': 'F', 'currency': 'EUR', 'amount': '400.00'},
        {'account': '1900', 'fund': 'F', 'currency': 'USD', 'amount': '-500.00'},
        {'account': '1100', 'fund': 'F', 'currency': 'USD', 'amount': '500.00'}]}

    def test_rule1_entry_takes_cash_at_carrying(self):
        m = self._cash_fund('3')
        ok(m, self.CONVERT)
        # EUR 400 of 1000 carry 1100.00 x 400 / 1000 = 440.00; worth 500.00 at 0.8: a gain of 60.00
        b = m.balances()
        self.assertEqual(b[('1100', 'F', '', '', 'EUR')], (-40000, -44000))
        self.assertEqual(b[('1900', 'F', '', '', 'EUR')], (40000, 50000))
        self.assertEqual(b[('1900', 'F', '', '', 'USD')], (-50000, -50000))
        self.assertEqual(b[('1100', 'F', '', '', 'USD')], (50000, 50000))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, -6000))
        self.assertNotIn(('5900', 'F', '', '', 'EUR'), b)
        # 700 taken from the 600 left (660.00): 660.00 + 100 at the day's rate 125.00 = 785.00,
        # worth 875.00: 4700 -90.00, in EUR (the cash taken) although USD is posted first
        ok(m, {'type': 'entry', 'id': 'X2', 'date': '2024-02-12', 'postings': [
            {'account': '1100', 'fund': 'F', 'currency': 'USD', 'amount': '875.00'},
            {'account': '1900', 'fund': 'F', 'currency': 'USD', 'amount': '-875.00'},
            {'account': '1900', 'fund': 'F', 'currency': 'EUR', 'amount': '700.00'},
            {'account': '1100', 'fund': 'F', 'currency': 'EUR', 'amount': '-700.00'}]})
        b = m.balances()
        self.assertEqual(b[('1100', 'F', '', '', 'EUR')], (-110000, -122500))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, -15000))
        self.assertNotIn(('4700', 'F', '', '', 'USD'), b)
        self.assertNotIn(('5900', 'F', '', '', 'USD'), b)
        pool = [v for k, v in b.items() if k[:2] == ('1100', 'F') and k[4] == 'EUR']
        self.assertEqual((sum(x for x, _ in pool), sum(u for _, u in pool)), (-10000, -12500))
        self.assertEqual(fund_sums(m), ({}, {}))
        # version 2: the cash leaves at the day's value, 500.00; nothing realized
        m = self._cash_fund('2')
        ok(m, self.CONVERT)
        b = m.balances()
        self.assertEqual(b[('1100', 'F', '', '', 'EUR')], (-40000, -50000))
        self.assertNotIn(('4700', 'F', '', '', 'EUR'), b)
        # a version 2 ledger given version 3 from the entry's day follows rule 1
        m = self._cash_fund('2', '2024-02-10')
        ok(m, self.CONVERT)
        self.assertEqual(m.balances()[('4700', 'F', '', '', 'EUR')], (0, -6000))

    def _allowance_at_close(self, version, v3_from=None):
        m = new_model(version=version)
        if v3_from:
            ok(m, {'type': 'setting', 'key': 'rules_version', 'value': '3', 'effective': v3_from})
        ok(m, {'type': 'setting', 'key': 'rounding', 'value': 'floor'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-12-01', 'per_usd': '0.9'})
        ok(m, {'type': 'pledge', 'id': 'PA', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '100.00', 'signed': '2024-12-05'})
        ok(m, {'type': 'allowance', 'id': 'LA', 'pledge': 'PA', 'date': '2024-12-06',
               'amount': '100.00'})
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'PA', 'EUR')], (10000, 11111))   # floor 11111.11
        self.assertEqual(b[('1290', 'F', 'DEU', 'PA', 'EUR')], (-10000, -11111))  # all of it
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-12-20', 'per_usd': '0.7'})
        ok(m, {'type': 'period_close', 'period': '2024-12'})
        self.assertEqual(fund_sums(m), ({}, {}))
        return m.balances()

    def test_rule2_allowance_revalued_as_contra(self):
        # at 0.7: usd(100.00) = floor(142.857) = 142.85; usd(-100.00) = -142.86
        b = self._allowance_at_close('3')
        self.assertEqual(b[('1200', 'F', 'DEU', 'PA', 'EUR')], (10000, 14285))
        self.assertEqual(b[('1290', 'F', 'DEU', 'PA', 'EUR')], (-10000, -14285))   # -usd(100.00)
        b = self._allowance_at_close('2', '2024-12-31')                          # v3 on L
        self.assertEqual(b[('1290', 'F', 'DEU', 'PA', 'EUR')], (-10000, -14285))
        b = self._allowance_at_close('2')
        self.assertEqual(b[('1290', 'F', 'DEU', 'PA', 'EUR')], (-10000, -14286))   # usd(-100.00)

    def _ahead_at_december(self, version):
        m = new_model(version=version)
        ok(m, {'type': 'setting', 'key': 'recognition', 'value': 'per-instalment'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-11-01', 'per_usd': '0.8'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-12-01', 'per_usd': '1'})
        ok(m, {'type': 'pledge', 'id': 'PY', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '200.00', 'signed': '2024-11-10',
               'installments': [{'due': '2024-11-15', 'amount': '100.00'},
                                {'due': '2024-12-15', 'amount': '100.00'}]})
        ok(m, {'type': 'receipt', 'id': 'RY', 'date': '2024-11-20', 'fund': 'F',
               'currency': 'EUR', 'amount': '200.00', 'pledge': 'PY'})
        # instalment 1 recognized (125.00) and settled; EUR 100 paid ahead, held at 125.00
        self.assertEqual(m.balances()[('2100', 'F', 'DEU', 'PY', 'EUR')], (-10000, -12500))
        ok(m, {'type': 'period_close', 'period': '2024-11'})
        ok(m, {'type': 'period_close', 'period': '2024-12'})
        return m

    def test_rule3_year_end_closes_what_the_close_realized(self):
        # December: instalment 2 recognized 12-15 at 1.0 (100.00), the EUR 100 paid ahead (125.00)
        # applied to it: 4700 -25.00 dated 12-15. Cash EUR 200 carrying 250.00 revalued -50.00
        # (4710 +50.00). Year: 4100 -225.00, 4700 -25.00, 4710 +50.00: T = -200.00, S = EUR -200
        m = self._ahead_at_december('3')
        b = m.balances()
        self.assertNotIn(('4700', 'F', '', '', 'EUR'), b)
        self.assertNotIn(('4100', 'F', 'DEU', 'PY', 'EUR'), b)
        self.assertNotIn(('4710', 'F', '', '', 'EUR'), b)
        self.assertNotIn(('2100', 'F', 'DEU', 'PY', 'EUR'), b)
        self.assertNotIn(('1200', 'F', 'DEU', 'PY', 'EUR'), b)
        self.assertEqual(b[('1900', 'F', '', '', 'EUR')], (-20000, -20000))
        self.assertEqual(b[('1900', 'F', '', '', 'USD')], (20000, 20000))
        self.assertEqual(b[('3100', 'F', '', '', 'USD')], (-20000, -20000))
        self.assertEqual(b[('1100', 'F', '', '', 'EUR')], (0, -5000))
        self.assertEqual(fund_sums(m), ({}, {}))
        # version 2: the 4700 is posted after the year-end and stays in the year (invariant 5)
        m = self._ahead_at_december('2')
        b = m.balances()
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, -2500))
        self.assertEqual(b[('1900', 'F', '', '', 'EUR')], (-20000, -17500))
        self.assertEqual(b[('3100', 'F', '', '', 'USD')], (-17500, -17500))
        self.assertEqual(fund_sums(m), ({}, {}))

    def _receipt_recognizes(self, version):
        m = new_model(version=version)
        ok(m, {'type': 'setting', 'key': 'recognition', 'value': 'per-instalment'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.8'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-02-01', 'per_usd': '1'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-02-18', 'per_usd': '1.25'})
        ok(m, {'type': 'pledge', 'id': 'PZ', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'EUR', 'amount': '300.00', 'signed': '2024-01-10',
               'installments': [{'due': '2024-01-15', 'amount': '100.00'},
                                {'due': '2024-02-15', 'amount': '100.00'},
                                {'due': '2024-03-15', 'amount': '100.00'}]})
        # Z1: instalment 1 (125.00) settled, EUR 50 paid ahead at 62.50; cash 150 at 187.50
        ok(m, {'type': 'receipt', 'id': 'Z1', 'date': '2024-01-20', 'fund': 'F',
               'currency': 'EUR', 'amount': '150.00', 'pledge': 'PZ'})
        # Z2 (at 1.25): recognizes instalment 2 on 02-15 at 1.0 (100.00), applies Z1's 50 to it
        # (62.50 for 50.00: 4700 -12.50 on 02-15); cash 100 at 80.00 settles the other 50
        # (carrying 50.00, worth 40.00: 4700 +10.00 on 02-20); EUR 50 held ahead at 40.00
        ok(m, {'type': 'receipt', 'id': 'Z2', 'date': '2024-02-20', 'fund': 'F',
               'currency': 'EUR', 'amount': '100.00', 'pledge': 'PZ'})
        self.assertEqual(m.balances()[('4700', 'F', '', '', 'EUR')], (0, -250))
        ok(m, {'type': 'reversal', 'id': 'VZ2', 'reverses': 'Z2', 'date': '2024-02-25'})
        return m

    def test_rule4_reversed_receipt_keeps_recognition(self):
        m = self._receipt_recognizes('3')
        # kept: instalment 2 and Z1's 50 applied. Negated: cash EUR 100 at the pool's carrying
        # 267.50 x 100 / 250 = 107.00 (against 80.00: 4700 +27.00), R +50 at 50.00, Z2's holding,
        # and Z2's own 4700 of 02-20 (-10.00); its 4700 of 02-15 (the application's) stays
        b = m.balances()
        self.assertEqual(b[('1200', 'F', 'DEU', 'PZ', 'EUR')], (5000, 5000))
        self.assertEqual(b[('4100', 'F', 'DEU', 'PZ', 'EUR')], (-20000, -22500))
        self.assertNotIn(('2100', 'F', 'DEU', 'PZ', 'EUR'), b)
        self.assertEqual(b[('1100', 'F', 'DEU', '', 'EUR')], (15000, 16050))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, 1450))
        self.assertEqual(m.pledges['PZ'].received, 15000)
        self.assertEqual(fund_sums(m), ({}, {}))
        ok(m, {'type': 'period_close', 'period': '2024-01'})
        ok(m, {'type': 'period_close', 'period': '2024-02'})
        self.assertEqual(m.balances()[('4100', 'F', 'DEU', 'PZ', 'EUR')], (-20000, -22500))
        # version 2: instalment 2 falls due again and Z1 gets its 50 back
        m = self._receipt_recognizes('2')
        b = m.balances()
        self.assertNotIn(('1200', 'F', 'DEU', 'PZ', 'EUR'), b)
        self.assertEqual(b[('4100', 'F', 'DEU', 'PZ', 'EUR')], (-10000, -12500))
        self.assertEqual(b[('2100', 'F', 'DEU', 'PZ', 'EUR')], (-5000, -6250))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, 2700))
        self.assertEqual(m.pledges['PZ'].received, 10000)
        self.assertEqual(fund_sums(m), ({}, {}))

    def _apply_recognizes(self, version):
        m = new_model(version=version)
        ok(m, {'type': 'setting', 'key': 'recognition', 'value': 'per-instalment'})
        ok(m, {'type': 'pledge', 'id': 'PQ', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
               'currency': 'USD', 'amount': '300.00', 'signed': '2024-01-10',
               'installments': [{'due': '2024-01-15', 'amount': '100.00'},
                                {'due': '2024-02-15', 'amount': '100.00'},
                                {'due': '2024-03-15', 'amount': '100.00'}]})
        ok(m, {'type': 'receipt', 'id': 'QU', 'date': '2024-01-12', 'fund': 'F',
               'currency': 'USD', 'amount': '80.00', 'donor': 'DEU'})
        ok(m, {'type': 'receipt', 'id': 'Q1', 'date': '2024-01-20', 'fund': 'F',
               'currency': 'USD', 'amount': '150.00', 'pledge': 'PQ'})     # 50 paid ahead
        # QA recognizes instalment 2, applies Q1's 50 to it, then settles the other 50 from QU;
        # in the pledge currency an apply takes no more than the receivable: 30 stays in QU
        ok(m, {'type': 'apply', 'id': 'QA', 'date': '2024-02-20', 'receipt': 'QU',
               'pledge': 'PQ', 'amount': '80.00'})
        b = m.balances()
        self.assertEqual(b[('2100', 'F', 'DEU', '', 'USD')], (-3000, -3000))
        self.assertNotIn(('2100', 'F', 'DEU', 'PQ', 'USD'), b)
        ok(m, {'type': 'reversal', 'id': 'VQA', 'reverses': 'QA', 'date': '2024-02-25'})
        return m.balances()

    def test_rule4_reversed_apply_keeps_recognition(self):
        b = self._apply_recognizes('3')
        self.assertEqual(b[('2100', 'F', 'DEU', '', 'USD')], (-8000, -8000))   # QU gets back 80
        self.assertNotIn(('2100', 'F', 'DEU', 'PQ', 'USD'), b)                # Q1: stays applied
        self.assertEqual(b[('1200', 'F', 'DEU', 'PQ', 'USD')], (5000, 5000))
        self.assertEqual(b[('4100', 'F', 'DEU', 'PQ', 'USD')], (-20000, -20000))
        b = self._apply_recognizes('2')
        self.assertEqual(b[('2100', 'F', 'DEU', '', 'USD')], (-8000, -8000))
        self.assertEqual(b[('2100', 'F', 'DEU', 'PQ', 'USD')], (-5000, -5000))   # Q1's 50 back
        self.assertNotIn(('1200', 'F', 'DEU', 'PQ', 'USD'), b)
        self.assertEqual(b[('4100', 'F', 'DEU', 'PQ', 'USD')], (-10000, -10000))


class Version4(unittest.TestCase):
    """Cash coming into an overdrawn pool fills it at the USD the overdraft carries."""

    def _overdrawn(self, version):
        """Fund F owes EUR 100.00 carrying USD -111.11 (spent at 0.9); EUR is 0.8 from February."""
        m = new_model(version=version)
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.9'})
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-02-01', 'per_usd': '0.8'})
        ok(m, {'type': 'expense', 'id': 'E1', 'fund': 'F', 'date': '2024-01-10', 'currency': 'EUR',
               'amount': '100.00', 'category': 'programme', 'psc_rate': '0', 'allow_overdraft': True})
        return m

    @staticmethod
    def _cash(b, fund, cur='EUR'):
        amt = sum(x for (a, f, d, p, c), (x, u) in b.items() if (a, f, c) == ('1100', fund, cur))
        usd = sum(u for (a, f, d, p, c), (x, u) in b.items() if (a, f, c) == ('1100', fund, cur))
        return amt, usd

    def test_receipt_fills_the_overdraft_at_what_it_carries(self):
        m = self._overdrawn('4')
        ok(m, {'type': 'receipt', 'id': 'R1', 'date': '2024-02-10', 'fund': 'F', 'currency': 'EUR',
               'amount': '150.00', 'donor': 'DEU'})
        b = m.balances()
        # 100.00 fills the overdraft at 111.11; 50.00 beyond at 62.50; the donor's 150.00 held at
        # 187.50; the difference, 13.89, is a loss (4700 debit).
        self.assertEqual(self._cash(b, 'F'), (5000, 6250))
        self.assertEqual(b[('2100', 'F', 'DEU', '', 'EUR')], (-15000, -18750))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, 1389))
        m = self._overdrawn('3')
        ok(m, {'type': 'receipt', 'id': 'R1', 'date': '2024-02-10', 'fund': 'F', 'currency': 'EUR',
               'amount': '100.00', 'donor': 'DEU'})
        self.assertEqual(self._cash(m.balances(), 'F'), (0, 1389))   # version 3: USD left behind

    def test_transfer_and_entry_fill_it_the_same_way(self):
        m = self._overdrawn('4')
        ok(m, {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '0.9'})
        ok(m, {'type': 'receipt', 'id': 'G1', 'date': '2024-02-01', 'fund': 'G', 'currency': 'EUR',
               'amount': '40.00', 'donor': 'NOR'})
        ok(m, {'type': 'transfer', 'id': 'T1', 'date': '2024-02-12', 'from_fund': 'G', 'to_fund': 'F',
               'currency': 'EUR', 'amount': '40.00'})
        b = m.balances()
        # 40 of the 100 owed: 111.11 x 40 / 100 = 44.44 (half-even); worth 50.00 today.
        self.assertEqual(self._cash(b, 'F'), (-6000, -6667))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, 556))
        ok(m, {'type': 'entry', 'id': 'X1', 'date': '2024-02-15', 'postings': [
            {'account': '1100', 'fund': 'F', 'currency': 'EUR', 'amount': '60.00'},
            {'account': '1900', 'fund': 'F', 'currency': 'EUR', 'amount': '-60.00'},
            {'account': '1900', 'fund': 'F', 'currency': 'USD', 'amount': '75.00'},
            {'account': '1100', 'fund': 'F', 'currency': 'USD', 'amount': '-75.00'}]})
        b = m.balances()
        self.assertEqual(self._cash(b, 'F'), (0, 0))
        self.assertEqual(b[('4700', 'F', '', '', 'EUR')], (0, 556 + 833))


class Version5(unittest.TestCase):
    """A reversed receipt's kept recognition keeps the residual of its own rounding."""

    def _reversed(self, version):
        """An instalment of EUR 5,481.67 recognized by a pound receipt the day after it fell due,
        under ceiling rounding (a debit of 5,451.69 and a credit of 5,451.68 at 1.0055: a cent of
        residual in euros on its day); the receipt reversed; then the year closed by currency."""
        m = new_model(version=version)
        for ev in ({'type': 'setting', 'key': 'rounding', 'value': 'ceiling', 'effective': '2024-01-01'},
                   {'type': 'setting', 'key': 'recognition', 'value': 'per-instalment', 'effective': '2024-01-01'},
                   {'type': 'setting', 'key': 'year_end', 'value': 'by-currency', 'effective': '2024-01-01'},
                   {'type': 'rate', 'currency': 'EUR', 'effective': '2024-01-01', 'per_usd': '1.0055'},
                   {'type': 'rate', 'currency': 'GBP', 'effective': '2024-01-01', 'per_usd': '0.7825'},
                   {'type': 'pledge', 'id': 'P', 'donor': 'DEU', 'fund': 'F', 'purpose': 'general',
                    'currency': 'EUR', 'amount': '5481.67', 'signed': '2024-03-03',
                    'installments': [{'due': '2024-08-03', 'amount': '5481.67'}]},
                   {'type': 'receipt', 'id': 'R', 'date': '2024-08-04', 'fund': 'F', 'currency': 'GBP',
                    'amount': '2113.27', 'pledge': 'P'},
                   {'type': 'reversal', 'id': 'V', 'reverses': 'R', 'date': '2024-09-09',
                    'memo': 'Recorded in error'}):
            ok(m, ev)
        residuals = {c: u for (a, f, d, p, c), (x, u) in m.balances().items() if (a, f) == ('5900', 'F') and u}
        for month in ('2024-08', '2024-09', '2024-10', '2024-11', '2024-12'):
            ok(m, {'type': 'period_close', 'period': month, 'allow_stale_rates': True})
        surplus = {c: (x, u) for (a, f, d, p, c), (x, u) in m.balances().items() if (a, f) == ('3100', 'F')}
        return residuals, surplus

    def test_the_recognition_keeps_its_residual_in_its_currency(self):
        residuals, surplus = self._reversed('5')
        # The receipt's residual was the recognition's (-0.01 EUR on 3 August): it stays.
        self.assertEqual(residuals, {'EUR': -1})
        self.assertEqual(surplus, {'EUR': (-548167, -545169)})

    def test_version_4_negated_it_and_the_reversal_made_its_own_in_pounds(self):
        residuals, surplus = self._reversed('4')
        self.assertEqual(residuals, {'GBP': -1})
        self.assertEqual(surplus, {'EUR': (-548167, -545168), 'GBP': (0, -1)})


if __name__ == '__main__':
    unittest.main()
