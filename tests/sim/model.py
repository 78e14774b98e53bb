"""Independent reference model of fundledger's accounting rules (rules versions 2 and 3).

Written from ledger/README.md and the top-level README.md ("The journal and its events", "The close",
"How the figures are computed", "Exit status") alone. Standard library only, exact arithmetic (ints in
minor units, fractions.Fraction), no floats.

    m = Model("2026-12-07"); m.apply(event_dict) -> None | reason; m.balances(); m.coverage_state(ev)

WHERE THE DOCUMENT WAS SILENT OR AMBIGUOUS, AND THE CHOICE MADE HERE
(section names are those of ledger/README.md unless said otherwise). Where the simulator found the
model and the ledger apart, the difference was decided against the document and the document made
precise; those items say "decided".

 1. [Dimensions of a posting: Conversion; Relief at carrying USD] Realized exchange (4700) and the
    rounding residual (5900) are each ONE USD-only posting per fund and day of the entry, keyed
    (account, fund, no donor, no pledge, currency of the fund's first posting that day in the entry).
    The document gives that currency only for 5900; 4700 is taken to follow the same rule (so a
    cross-currency receipt's 4700 is in the receipt's currency). The close's restatement of later
    reliefs follows the same rule (its 4700 per fund and day).
    The residual makes each fund's USD sum zero per day of the entry.
    Decided (seed 1826): the close restates holdings in the order the document now gives (cash,
    1200, 1290 by fund, donor, pledge and currency as the ledger first recorded each; then money
    held), which decides the currency of a restatement day's 4700, and so, under a by-currency
    year-end, how 3100's USD splits by currency.
 2. [Events and their postings] Which postings carry a donor / pledge (the balance key): 1200, 1290,
    2200 and the counter-postings of pledge events (4100/4200, 4900, 5400) carry the pledge's donor
    and the pledge; a receipt's 1100 carries the donor ("with the donor"), no pledge; a refund's 1100
    (paid / pays) carries the refund's donor; every other 1100 posting (expense, PSC, advance,
    transfer, interest, revaluation and restatement of the pool) none. So only the pool (fund,
    currency), not each 1100 balance key, is whole in USD. 2100 carries the donor, and the pledge only
    when it is money paid ahead for that pledge (money held beyond a pledge: pledge ""); 2150 none;
    2300 the refund's donor and its pledge if given; an apply to revenue credits revenue with the
    donor, no pledge; 1400, 1900, 3100, 3200, 4300, 4710, 4800, 5100, 5200, 5300 carry neither.
    Entry postings carry what they name.
 3. [Relief at carrying USD; reduction, expense, transfer, partner_report, refund] Where the table
    says only "Dr X / Cr <balance> at its carrying USD", the other side (5100/5200/5300, 3200, 4900,
    a 2300 created) is at the day's value and the relief's difference from the day's value of the
    relieved amount goes to 4700 (the general relief rule). A reduction posts revenue (or 4900) at
    R's carrying USD, no exchange (decided: the document now says so); a conditional pledge's 2200
    part at R's USD in version 2, at 2200's own carrying in version 3 (rule 5).
 4. [receipt / apply in another currency] The whole amount passes through 1900 (its currency leg and
    the pledge-currency leg at the same USD V; V = the receipt's 1100 USD, or for an apply the day's
    value of the held amount applied); P = V at the pledge currency's day rate, rounded by the
    ledger's rounding; settled s = min(P, receivable), worth w = V*s/P (half-even; all of V when
    s = P); the excess P - s is held in the pledge currency at its own value at the day's rate, the
    rounding between the legs to 5900 (decided: the document now says so).
 5. [receipt] A receipt relieves the pledge's whole receivable as ONE relief (carrying x part / whole,
    all of it when it clears the balance), not one relief per instalment.
 6. [expense, partner_report] The PSC's Cr 1100 is a second relief of the fund's pool, computed after
    the expense's own relief. "A PSC fund spending its own money" is exempt when the fund is the
    psc_fund setting's fund OR of kind psc (with psc_own_spending exempt in force that day).
 7. [pledge] Instalments must add up to the amount. A pledge without instalments is one instalment
    due on its signing day. Under per-instalment, the instalments due on or before signing are
    recognized by the pledge as ONE Dr R / Cr revenue pair for their sum; with none due the pledge
    posts nothing. Whether a pledge is per-instalment is fixed by `recognition` on its signing day.
 8. [Periods and the close, 1] A receipt or apply recognizes the instalments due on or before its
    date (decided: "dated on or after an instalment's due day"); the close those due on or before
    L. Recognition is dated max(due, first day after the last closed month); with no month closed,
    the due day.
 9. [Money paid ahead; apply] An apply in the pledge currency applies at most the receivable; the
    rest stays where it is held (decided: only a receipt, or an apply in another currency, holds an
    excess for the pledge). An apply to a pledge with nothing receivable once what fell due is
    recognized is refused, in any currency. The excess of a receipt goes to the pledge's holding
    when its instalments not yet recognized (after the receipt's own recognitions) are not all paid
    ahead, even beyond the pledge. Money paid ahead is applied after each recognition up to the
    receivable, oldest holding first, then the allowance rule. "Paid ahead" in the reduction limit
    and cuts is min(money held for the pledge, instalments not yet recognized less their cuts).
10. [apply, refund, receipt] Refused: an apply that would move nothing; money held in another fund
    than the pledge's; money held for donor X applied to donor Y's pledge or, naming Y, to revenue;
    a receipt whose fund is not its pledge's, or whose donor is not its pledge's. `receipt` (apply,
    refund) may name a receipt or an apply that holds money (an apply's held-again excess is its own
    holding). An apply's `amount` above what the holding still has after recognition is cut to it.
11. [Cash is cash whoever takes it] A fund "whose cash it lowers": its 1100 postings in the event net
    negative in some currency. Then that currency counting every posting recorded so far (decided),
    and the fund's USD over all currencies both as of the end of the event's date and counting every
    posting recorded so far, must be >= 0.
12. [Reversals at carrying USD] Negations are made in the original posting order. One that goes
    against the balance of the fund's cash pool (overdrawn or not), the pledge's receivable or
    allowance is relieved at carrying for the part the balance covers; beyond it, the day's value
    (decided: "as a relief would"). The own holding ends with all its carrying USD taken (a USD-only
    posting on it for what the original USD leaves, difference to 4700). 2200 and all other
    postings: the negated original USD. A generic entry's reversal is exempt from the cash rule, yet
    its cash negations are relieved at carrying. From version 3 a reversal releases an allowance it
    leaves beyond the receivable (rule 8);
    recognizing "now" an instalment cut restored by reversing a reduction does not apply money paid
    ahead.
13. [Reversals] Refused (decided where the document was silent): of a budget or an amendment (no
    postings); of a pledge to which another event not reversed posted (a close's revaluation or
    recognition, and a year-end that closed its revenue, count), or with any instalment cut; of an
    allowance when the pledge's 1290 now holds less than it; of an event any of whose own holdings
    another event moved (a refund paid at once moves its own payable, which does not count). A pledge
    that posted nothing can be reversed.
14. [allowance] "Outstanding and not yet allowed for" = receivable - allowance (instalments not yet
    recognized excluded), which keeps invariant 3.
15. [condition_met, partner_report, refund pays] Dated before the signing / the advance: refused like
    the listed cases. A refund that pays a payable dated later: refused from version 3 (rule 7).
16. [refund] A refund of revenue has no upper limit (only the cash rule when paid). `pays` with
    `receipt` is refused; `paid: true` with `pays` is refused by the ledger (paid by definition); the
    simulator never sends it. A refund naming a receipt must be in its fund and currency and, for
    2100, its donor; a named pledge must be of the refund's fund and donor.
17. [Controls; top-level README, idempotency] A setting without an effective date replaces the
    undated value (refused once any month is closed); the same key and date with another value is
    refused, as is a rate with the same currency and date and another per_usd (so a rate is corrected
    with another date); identical ones are no-ops even in a closed month. A rate for USD is refused;
    functional_currency must be USD; rules_version "2" to "5" (see 27). The setting in force on a
    day: the latest dated one on or before it, else the undated one.
18. [Currencies] A `currency` event for an ISO 4217 code with other minor units is refused;
    minor_units 0..6. Master data (currency, account, fund, donor, project) with an existing code:
    a no-op if identical, refused otherwise.
19. [Amounts] More decimal digits than the currency's minor units is refused even when they are zeros
    ("100.000" EUR); zero and negative amounts refused, except entry postings (signed, non-zero) and
    budgets (zero allowed). A psc_rate lies in [0, 1].
20. [Master data] A project named by an expense, advance or pledge must belong to the same fund (an
    entry posting's project only has to exist). Event ids share one namespace across event types.
21. [Periods and the close] The first close must be the month of the earliest posting (refused when
    there is none); later closes the month after the last closed; closing a month on or before the
    last closed is a no-op. A month whose last day is beyond max_future_days is refused. Rates are
    needed for every non-USD currency with a non-zero position amount as of L after step 1; with
    allow_stale_rates the rate in force on L is used. Reopen needs a non-blank reason. A posting may
    be dated before the first period while nothing is closed (that month becomes the first period).
22. [Revaluation] Positions: 1100 per fund and currency (posted on key 1100/fund/""/""), 1200 and
    1290 per pledge, each 2100/2150/2300/1400 holding; 4710 one posting per fund and currency (none
    when they net to zero). A monthly revaluation and its reversal are postings of the position (net
    zero from L + 1; they count for "as of" checks dated L, e.g. interest the day after L).
23. [A close recorded after later events] The walk covers the position's moves recorded from the
    first event whose postings include a date after L up to (not including) the close; moves made by
    the close itself (step 1) are not walked; USD-only moves are skipped. A reopening's "change" per
    position = the close's revaluation + restatement postings on it; its walk covers moves recorded
    after the close and before the reopening.
24. [Year-end, year_end usd] Per fund: each revenue / expense (user accounts included) / 3200 key is
    closed as of L; for each currency c != USD with result (S, T) (amount, USD): 1900 c (S, T) and
    1900 USD (-T, -T); for USD a USD-only difference S - T goes to 1900 USD at USD 0; 3100 USD takes
    the sum of T. By-currency: 3100 per currency (S, T). Setting read on L.
25. [No far future] max_future_days is the value in force on `today`; it applies to event dates,
    signing days, effective dates, the first day of a budget's year, and the last day of a closed
    month; not to instalment due days.
26. [Dimensions; pledges] A pledge is cancelled when reversed, or when what receipts and applies
    settled (net of reversals) is zero and reductions (with cuts) plus write-offs reach its amount.
27. [Versions of the rules] Only the rules of versions 2, 3 and 4 are modelled: a ledger without
    the setting (version 1) follows version 2's. Version 3's rules hold where the version in force on
    the event's date (a close: L; a reversal: its own date, whatever the version of the event
    reversed) is 3 or more, version 4's where it is 4. "Lower than the one in force from the setting's date" is read as: the version in force ON
    that date (earlier dated ones, else the undated one, else 1); an undated setting is compared
    with the latest in force (the latest-dated value, else the undated one). The text does not
    refuse a dated version above a later-dated lower one (versions 2 from D2 then 3 at D1 < D2
    would move back at D2): accepted here.
28. [Version 3, 1] Foreign cash taken = an entry posting to 1100 in a currency other than USD with a
    negative amount; each is relieved in the entry's order from the fund's pool as it stands (the
    entry's earlier postings included, nothing netted). The realized exchange is the posting's whole
    value at the day's rate minus the USD it got (for a posting beyond what the fund holds, the
    rounding of the part at the day's rate included), not the covered part's value as in the general
    relief rule; none is posted when it is zero. "One posting per fund, in the currency of the cash
    taken": when one fund gives two foreign currencies, ONE posting with the sum, in the currency of
    the first taken. Postings to 1100 that add cash, and USD cash, are at the day's value. The entry
    stays outside the cash rule; its reversal negates the 4700 at its original USD.
29. [Version 3, 3] The document implies that version 2 posts what step 1 of a December close
    realizes (4700 / 5900 of money paid ahead applied) after the year-end, leaving it in the year
    (invariant 5 fails): modelled so (before version 3 existed, this model closed it in version 2
    too). Version 3 posts it before the year-end. Other months: no difference.
30. [Version 3, 4] What a receipt or apply "recognized" is everything it did while recognizing what
    fell due, before its own settlement: the recognition postings, the money paid ahead applied
    (both reliefs), an allowance released by that application, and that application's part of
    `received`. Its realized exchange (one 4700 per fund and day) is split: the reversal negates it
    less the recognition's part. Its residual (one 5900 per fund and day): from version 5 split the
    same way (the reversal negates it less the residual of the recognition's postings and exchange),
    so both parts stay balanced, each in its own currency; in versions 3 and 4 negated whole, the
    reversal's own residual (in the currency of its first posting that day) making up the rest.
    (Decided with seeds 9409 and 9486: under a by-currency year-end the two readings put a cent of
    3100 in different currencies; ledger/README.md, "Version 5".) "An apply's own receipt gets back what it
    gave" = what the apply itself took from it; when that receipt was itself money paid ahead for
    the pledge, what recognition applied from it stays applied. While a reversed event's
    recognition is kept, the pledge keeps that event against it (the pledge cannot be reversed).
31. [Version 4] Cash coming into a fund = a receipt's 1100, a transfer's 1100 in the receiving fund,
    the PSC fund's 1100 for the PSC an expense or partner report charges, and an entry posting to
    1100 with a positive amount, in a currency other than USD. Where the fund's pool in that
    currency is below zero as it stands (the event's earlier postings included), it is a relief of
    the pool (rule "Relief at carrying USD"): the part that brings it to zero at the pool's carrying
    USD, the rest at the day's value, the difference to 4700. An entry's follows rule 28 (one 4700
    per fund, in the currency of the first cash relieved). Elsewhere, the day's value as before.
"""

import datetime
import re
from bisect import bisect_left, bisect_right, insort
from fractions import Fraction

FUNC = 'USD'
MAXI = (1 << 63) - 1
CONTROL = frozenset(('1200', '1290', '1400', '2100', '2150', '2200', '2300'))
EXPORT_FIELDS = frozenset(('seq', 'hash', 'prev_hash', 'recorded_at'))
ROUNDING = ('half-even', 'half-up', 'half-down', 'down', 'up', 'ceiling', 'floor')
CATEGORIES = ('government', 'financial-institution', 'un-entity', 'intergovernmental', 'ngo',
              'foundation', 'private', 'other')
CODE_RE = re.compile(r'^[A-Za-z0-9._-]{1,32}$')
ID_RE = re.compile(r'^[A-Za-z0-9._/:#-]{1,64}$')
AMT_RE = re.compile(r'^(-)?([0-9]+)(?:\.([0-9]+))?$')
DEC_RE = re.compile(r'^([0-9]+)(?:\.([0-9]+))?$')
DATE_RE = re.compile(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
MONTH_RE = re.compile(r'^[0-9]{4}-[0-9]{2}$')

ISO_MINOR = {}
for _t in ('AED2 AFN2 ALL2 AMD2 ANG2 AOA2 ARS2 AUD2 AWG2 AZN2 BAM2 BBD2 BDT2 BGN2 BHD3 BIF0 BMD2 '
           'BND2 BOB2 BRL2 BSD2 BTN2 BWP2 BYN2 BZD2 CAD2 CDF2 CHF2 CLF4 CLP0 CNY2 COP2 CRC2 CUP2 '
           'CVE2 CZK2 DJF0 DKK2 DOP2 DZD2 EGP2 ERN2 ETB2 EUR2 FJD2 FKP2 GBP2 GEL2 GHS2 GIP2 GMD2 '
           'GNF0 GTQ2 GYD2 HKD2 HNL2 HTG2 HUF2 IDR2 ILS2 INR2 IQD3 IRR2 ISK0 JMD2 JOD3 JPY0 KES2 '
           'KGS2 KHR2 KMF0 KPW2 KRW0 KWD3 KYD2 KZT2 LAK2 LBP2 LKR2 LRD2 LSL2 LYD3 MAD2 MDL2 MGA2 '
           'MKD2 MMK2 MNT2 MOP2 MRU2 MUR2 MVR2 MWK2 MXN2 MYR2 MZN2 NAD2 NGN2 NIO2 NOK2 NPR2 NZD2 '
           'OMR3 PAB2 PEN2 PGK2 PHP2 PKR2 PLN2 PYG0 QAR2 RON2 RSD2 RUB2 RWF0 SAR2 SBD2 SCR2 SDG2 '
           'SEK2 SGD2 SHP2 SLE2 SLL2 SOS2 SRD2 SSP2 STN2 SVC2 SYP2 SZL2 THB2 TJS2 TMT2 TND3 TOP2 '
           'TRY2 TTD2 TWD2 TZS2 UAH2 UGX0 USD2 UYI0 UYU2 UYW4 UZS2 VED2 VES2 VND0 VUV0 WST2 XAF0 '
           'XCD2 XOF0 XPF0 YER2 ZAR2 ZMW2 ZWL2').split():
    ISO_MINOR[_t[:3]] = int(_t[3:])

ISO_COUNTRIES = frozenset((
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS '
    'BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE '
    'EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM '
    'HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC '
    'LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA '
    'NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW '
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO '
    'TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split())

DEFAULTS = {'functional_currency': 'USD', 'rounding': 'half-even', 'psc_rate': '0.13',
            'recognition': 'upfront', 'year_end': 'usd', 'psc_own_spending': 'exempt',
            'rules_version': '1', 'max_future_days': '400', 'psc_fund': None,
            'iati_org_ref': None, 'iati_org_name': None, 'iati_sector': None}

# event type -> (required fields, optional fields)
SPEC = {
    'currency': (('code', 'minor_units'), ()),
    'account': (('code', 'name', 'class'), ()),
    'fund': (('code', 'name', 'kind'), ('parent',)),
    'donor': (('code', 'name'), ('category', 'country')),
    'project': (('code', 'name', 'fund'), ('psc_rate',)),
    'rate': (('currency', 'effective', 'per_usd'), ()),
    'setting': (('key', 'value'), ('effective',)),
    'amend': (('id', 'kind', 'code', 'effective'), ('name', 'category', 'country', 'memo')),
    'entry': (('id', 'date', 'postings'), ('memo',)),
    'pledge': (('id', 'donor', 'fund', 'purpose', 'currency', 'amount', 'signed'),
               ('installments', 'conditional', 'project', 'psc_rate', 'memo', 'reference')),
    'receipt': (('id', 'date', 'fund', 'currency', 'amount'), ('donor', 'pledge', 'memo', 'reference')),
    'apply': (('id', 'date', 'receipt'), ('pledge', 'donor', 'amount')),
    'condition_met': (('id', 'pledge', 'date', 'amount'), ()),
    'reduction': (('id', 'pledge', 'date', 'amount'), ('reason',)),
    'refund': (('id', 'donor', 'fund', 'date', 'currency', 'amount'),
               ('pledge', 'receipt', 'paid', 'pays', 'allow_overdraft')),
    'expense': (('id', 'fund', 'date', 'currency', 'amount', 'category'),
                ('project', 'psc_rate', 'allow_overdraft')),
    'advance': (('id', 'fund', 'date', 'currency', 'amount', 'partner'),
                ('project', 'memo', 'allow_overdraft')),
    'partner_report': (('id', 'advance', 'date', 'amount'), ('psc_rate', 'memo', 'allow_overdraft')),
    'budget': (('id', 'fund', 'year', 'amount'), ('project', 'category', 'memo')),
    'transfer': (('id', 'date', 'from_fund', 'to_fund', 'currency', 'amount'), ('allow_overdraft',)),
    'interest': (('id', 'date', 'amount'), ()),
    'allowance': (('id', 'pledge', 'date', 'amount'), ()),
    'write_off': (('id', 'pledge', 'date', 'amount'), ()),
    'reversal': (('id', 'reverses', 'date'), ('memo', 'allow_overdraft')),
    'period_close': (('period',), ('allow_stale_rates',)),
    'period_reopen': (('period', 'reason'), ()),
}


class Refuse(Exception):
    pass


NOOP = object()


# ----------------------------------------------------------------------------- arithmetic

def rnd_int(n, d, mode):
    """Round n/d (d > 0) to an int by one of the seven modes (applied to the signed value)."""
    f = n // d
    r = n - f * d
    if r == 0:
        return f
    if mode == 'floor':
        return f
    if mode == 'ceiling':
        return f + 1
    if mode == 'down':
        return f if n > 0 else f + 1
    if mode == 'up':
        return f + 1 if n > 0 else f
    twice = 2 * r
    if twice < d:
        return f
    if twice > d:
        return f + 1
    if mode == 'half-even':
        return f if f % 2 == 0 else f + 1
    if mode == 'half-up':
        return f + 1 if n > 0 else f
    if mode == 'half-down':
        return f if n > 0 else f + 1
    raise ValueError(mode)


def rnd(q, mode):
    """Round a Fraction to an int by one of the seven modes."""
    return rnd_int(q.numerator, q.denominator, mode)


def half_even(q):
    return rnd(q, 'half-even')


def _d(s):
    return datetime.date.fromisoformat(s)


def next_day(s):
    return (_d(s) + datetime.timedelta(days=1)).isoformat()


def prev_day(s):
    return (_d(s) - datetime.timedelta(days=1)).isoformat()


def next_month(p):
    y, m = int(p[:4]), int(p[5:7])
    return '%04d-%02d' % ((y + 1, 1) if m == 12 else (y, m + 1))


def last_day(p):
    return prev_day(next_month(p) + '-01')


# ----------------------------------------------------------------------------- state objects

class Dated:
    """A running balance (amount, usd) that can also be read as of the end of a day."""
    __slots__ = ('amt', 'usd', 'dates', 'by')

    def __init__(self):
        self.amt = 0
        self.usd = 0
        self.dates = []
        self.by = {}

    def add(self, d, a, u):
        self.amt += a
        self.usd += u
        x = self.by.get(d)
        if x is None:
            self.by[d] = [a, u]
            if not self.dates or d > self.dates[-1]:
                self.dates.append(d)
            else:
                insort(self.dates, d)
        else:
            x[0] += a
            x[1] += u

    def as_of(self, d):
        a, u = self.amt, self.usd
        ds = self.dates
        for j in range(bisect_right(ds, d), len(ds)):
            x = self.by[ds[j]]
            a -= x[0]
            u -= x[1]
        return a, u


class Position(Dated):
    """A monetary position: a cash pool, a pledge's 1200/1290/2200, or a holding. Keeps its moves."""
    __slots__ = ('key', 'kind', 'fund', 'cur', 'moves', 'revalued')

    def __init__(self, key, kind):
        Dated.__init__(self)
        self.key = key
        self.kind = kind
        self.fund = key[1]
        self.cur = key[4]
        self.moves = []          # (seq, date, amount, usd) in recorded order
        self.revalued = 0


class Holding(Position):
    __slots__ = ('acct', 'donor', 'owner', 'created', 'date', 'ahead_for')

    def __init__(self, key, owner, date):
        Position.__init__(self, key, 'holding')
        self.acct = key[0]
        self.donor = key[2]
        self.owner = owner
        self.created = 0
        self.date = date
        self.ahead_for = None


class Inst:
    __slots__ = ('due', 'amount', 'cut', 'recognized')

    def __init__(self, due, amount):
        self.due = due
        self.amount = amount
        self.cut = 0
        self.recognized = False


class Pledge:
    def __init__(self, pid, donor, fund, purpose, cur, amount, signed, conditional, per_inst, insts,
                 seq):
        self.id = pid
        self.donor = donor
        self.fund = fund
        self.purpose = purpose
        self.cur = cur
        self.amount = amount
        self.signed = signed
        self.conditional = conditional
        self.per_inst = per_inst
        self.insts = insts
        self.seq = seq
        self.rev = '4200' if purpose == 'special' else '4100'
        self.R = Position(('1200', fund, donor, pid, cur), 'R')
        self.A = Position(('1290', fund, donor, pid, cur), 'A')
        self.D = Position(('2200', fund, donor, pid, cur), 'D')
        self.against = set()
        self.consumers = set()   # seqs of events that debited 1290 (write-offs, releases)
        self.reversed = False
        self.received = 0
        self.reduced = 0
        self.written_off = 0
        self.ahead = []

    def key(self, acct):
        return (acct, self.fund, self.donor, self.id, self.cur)

    def unrecognized(self):
        return sum(i.amount - i.cut for i in self.insts if not i.recognized)

    def paid_ahead(self):
        return sum(-h.amt for h in self.ahead if h.amt < 0)

    def cancelled(self):
        return self.reversed or (self.received == 0 and
                                 self.reduced + self.written_off >= self.amount)


class Posting:
    __slots__ = ('acct', 'fund', 'donor', 'pledge', 'cur', 'amt', 'usd', 'date', 'pos', 'tag')

    def __init__(self, acct, fund, donor, pledge, cur, amt, usd, date, pos, tag):
        self.acct = acct
        self.fund = fund
        self.donor = donor
        self.pledge = pledge
        self.cur = cur
        self.amt = amt
        self.usd = usd
        self.date = date
        self.pos = pos
        self.tag = tag

    @property
    def key(self):
        return (self.acct, self.fund, self.donor, self.pledge, self.cur)


class EventRec:
    def __init__(self, eid, typ, seq):
        self.id = eid
        self.type = typ
        self.seq = seq
        self.date = None
        self.postings = []
        self.own = []            # holdings the event created
        self.recognized = []     # instalments it recognized
        self.cuts = []           # (inst, amount) it cut
        self.deltas = []         # (pledge, attribute, delta)
        self.against = set()     # pledge ids it is against
        self.consumers = set()   # pledge ids whose allowance it used or released
        self.reversed = False
        self.pledge = None
        self.amount = 0
        self.changes = {}        # close: position -> USD its revaluation/restatements put on it
        self.period = None
        # receipt / apply: what recognizing instalments first did (rules version 3 keeps it when
        # the event is reversed): postings [0, kept), realized exchange per (fund, day), deltas
        # [0, kept_deltas), pledges whose allowance it released; fin: index of finalize's postings
        self.kept = 0
        self.kept_fx = {}
        self.kept_deltas = 0
        self.kept_cons = set()
        self.fin = None


class Ctx:
    def __init__(self, seq, rec):
        self.seq = seq
        self.rec = rec
        self.date = None
        self.fx = {}             # (fund, date) -> realized exchange to post to 4700
        self.first = {}          # (fund, date) -> currency of the fund's first posting that day
        self.order = []
        self.usd_sum = {}        # (fund, date) -> sum of USD posted
        self.cash = {}           # (fund, currency) -> net 1100 amount of the event


# ----------------------------------------------------------------------------- the model

class Model:
    def __init__(self, today: str):
        if not DATE_RE.match(today):
            raise ValueError('today must be YYYY-MM-DD')
        self.today = today
        self.seq = 0
        self.ids = {}
        self.events = {}
        self.posted_to = {}      # pledge id -> the events that posted to it, in order
        self.master = {}
        self.currencies = {}
        self.accounts = {}
        self.funds = {}
        self.fund_order = []
        self.currency_order = []     # in the order an accepted event first named each
        self.donors = {}
        self.projects = {}
        self.rates = {}
        self.rate_keys = {}
        self.settings = {}
        self.last_closed = None
        self.closed_L = None
        self.close_recs = {}
        self.min_post_date = None
        self.bal = {}
        self.pools = {}
        self.fund_pools = {}
        self.pledges = {}
        self.holdings = []
        self.holding_of = {}
        self.ev_maxdate = []
        self.tot = {}
        self.tot_usd = [0, 0]
        self._undo = []
        self._lim = None

    # ------------------------------------------------------------------ public interface

    def apply(self, event):
        if not isinstance(event, dict):
            return 'an event is a JSON object'
        e = {k: v for k, v in event.items() if k not in EXPORT_FIELDS and v is not None}
        t = e.get('type')
        spec = SPEC.get(t)
        if spec is None:
            return 'unknown event type %r' % (t,)
        req, opt = spec
        for k in e:
            if k != 'type' and k not in req and k not in opt:
                return 'unknown field %s' % k
        for k in req:
            if k not in e:
                return 'missing field %s' % k
        eid = e.get('id')
        if eid is not None:
            if not isinstance(eid, str) or not ID_RE.match(eid):
                return 'bad id'
            prev = self.ids.get(eid)
            if prev is not None:
                return None if prev == e else 'id %s already recorded with other content' % eid
        rec = EventRec(eid, t, self.seq + 1)
        ctx = Ctx(self.seq + 1, rec)
        self._undo = []
        try:
            r = getattr(self, '_ev_' + t)(e, ctx)
        except Refuse as x:
            self._rollback()
            return str(x) or 'refused'
        self._undo = []
        if r is NOOP:
            return None
        self.seq += 1
        named = [e.get('currency'), e.get('code') if t == 'currency' else None] + [p.cur for p in rec.postings]
        for cur in named:
            if isinstance(cur, str) and cur not in self.currency_order:
                self.currency_order.append(cur)
        if eid is not None:
            self.ids[eid] = e
            self.events[eid] = rec
        if any(p.pledge for p in rec.postings):
            for pid in {p.pledge for p in rec.postings if p.pledge}:
                self.posted_to.setdefault(pid, []).append(rec)
        if rec.postings:
            self.ev_maxdate.append((rec.seq, max(p.date for p in rec.postings)))
        return None

    def balances(self):
        return {k: (b.amt, b.usd) for k, b in self.bal.items() if b.amt or b.usd}

    def coverage_state(self, event):
        try:
            return self._coverage(event)
        except Exception:
            return []

    # ------------------------------------------------------------------ undo log

    def _rollback(self):
        u = self._undo
        while u:
            op = u.pop()
            k = op[0]
            if k == 'set':
                setattr(op[1], op[2], op[3])
            elif k == 'dset':
                if op[3]:
                    op[1][op[2]] = op[4]
                else:
                    op[1].pop(op[2], None)
            elif k == 'app':
                op[1].pop()
            elif k == 'sadd':
                op[1].discard(op[2])
            elif k == 'sdis':
                op[1].add(op[2])
            elif k == 'newpool':
                del self.pools[(op[1], op[2])]
                self.fund_pools[op[1]].pop()
            elif k == 'newbal':
                del self.bal[op[1]]
            elif k == 'post':
                p = op[1]
                self.bal[p.key].add(p.date, -p.amt, -p.usd)
                if p.pos is not None:
                    p.pos.add(p.date, -p.amt, -p.usd)
                    p.pos.moves.pop()
                t = self.tot[p.cur]
                t[0 if p.amt > 0 else 1] -= abs(p.amt)
                self.tot_usd[0 if p.usd > 0 else 1] -= abs(p.usd)

    def _set(self, obj, attr, val):
        self._undo.append(('set', obj, attr, getattr(obj, attr)))
        setattr(obj, attr, val)

    def _dset(self, d, k, v):
        self._undo.append(('dset', d, k, k in d, d.get(k)))
        d[k] = v

    def _append(self, lst, x):
        lst.append(x)
        self._undo.append(('app', lst))

    def _sadd(self, s, x):
        if x not in s:
            s.add(x)
            self._undo.append(('sadd', s, x))

    def _sdiscard(self, s, x):
        if x in s:
            s.discard(x)
            self._undo.append(('sdis', s, x))

    # ------------------------------------------------------------------ validation helpers

    def _str(self, v, field):
        if not isinstance(v, str):
            raise Refuse('%s must be a string' % field)
        return v

    def _code(self, v, field):
        if not isinstance(v, str) or not CODE_RE.match(v):
            raise Refuse('%s must be a code' % field)
        return v

    def _name(self, v, field):
        if not isinstance(v, str) or not v.strip():
            raise Refuse('%s must not be blank' % field)
        return v

    def _bool(self, e, field):
        v = e.get(field, False)
        if not isinstance(v, bool):
            raise Refuse('%s must be true or false' % field)
        return v

    def _date(self, v, field='date'):
        if not isinstance(v, str) or not DATE_RE.match(v):
            raise Refuse('%s must be YYYY-MM-DD' % field)
        try:
            _d(v)
        except ValueError:
            raise Refuse('%s is not a day' % field)
        return v

    def _minor(self, cur):
        m = self.currencies.get(cur)
        if m is None:
            m = ISO_MINOR.get(cur)
        return m

    def _cur(self, v):
        if not isinstance(v, str) or self._minor(v) is None:
            raise Refuse('unknown currency %r' % (v,))
        return v

    def _amount(self, v, cur, field='amount', signed=False, zero=False):
        if not isinstance(v, str):
            raise Refuse('%s must be a decimal string' % field)
        m = AMT_RE.match(v)
        if not m:
            raise Refuse('%s is not a decimal' % field)
        neg, ip, fp = m.groups()
        mu = self._minor(cur)
        fp = fp or ''
        if len(fp) > mu:
            raise Refuse('%s has more decimals than %s allows' % (field, cur))
        x = int(ip) * 10 ** mu + (int(fp.ljust(mu, '0')) if mu else 0)
        if neg:
            x = -x
        if x < 0 and not signed:
            raise Refuse('%s must be positive' % field)
        if x == 0 and not zero:
            raise Refuse('%s must not be zero' % field)
        if abs(x) > MAXI:
            raise Refuse('%s out of range' % field)
        return x

    def _decimal(self, v, field):
        if not isinstance(v, str):
            raise Refuse('%s must be a decimal string' % field)
        m = DEC_RE.match(v)
        if not m:
            raise Refuse('%s is not a decimal' % field)
        ip, fp = m.groups()
        fp = fp or ''
        return Fraction(int(ip + fp), 10 ** len(fp))

    def _psc(self, v, field='psc_rate'):
        r = self._decimal(v, field)
        if r > 1:
            raise Refuse('%s must lie between 0 and 1' % field)
        return r

    def _fund(self, v, field='fund'):
        if not isinstance(v, str) or v not in self.funds:
            raise Refuse('unknown %s %r' % (field, v))
        return v

    def _donor(self, v):
        if not isinstance(v, str) or v not in self.donors:
            raise Refuse('unknown donor %r' % (v,))
        return v

    def _project(self, v, fund):
        if not isinstance(v, str) or v not in self.projects:
            raise Refuse('unknown project %r' % (v,))
        p = self.projects[v]
        if fund is not None and p['fund'] != fund:
            raise Refuse('project %s belongs to fund %s' % (v, p['fund']))
        return p

    def _pledge(self, v):
        if not isinstance(v, str) or v not in self.pledges:
            raise Refuse('unknown pledge %r' % (v,))
        return self.pledges[v]

    def _open(self, d):
        if self.closed_L is not None and d <= self.closed_L:
            raise Refuse('%s is in a closed period' % d)

    def _max_future(self):
        return int(self._setting('max_future_days', self.today))

    def _notfuture(self, d):
        n = self._max_future()
        if self._lim is None or self._lim[0] != n:
            self._lim = (n, (_d(self.today) + datetime.timedelta(days=n)).isoformat())
        if d > self._lim[1]:
            raise Refuse('%s is more than max_future_days ahead' % d)

    def _event_date(self, e, ctx, field='date'):
        d = self._date(e[field], field)
        self._open(d)
        self._notfuture(d)
        ctx.date = d
        ctx.rec.date = d
        return d

    # ------------------------------------------------------------------ settings and rates

    def _setting(self, key, d):
        s = self.settings.get(key)
        if s is None:
            return DEFAULTS.get(key)
        i = bisect_right(s['d'], d)
        if i:
            return s['v'][i - 1]
        return s['base'] if s['base'] is not None else DEFAULTS.get(key)

    def _ver(self, d):
        """The rules version in force on day d (1 for a ledger without the setting)."""
        return int(self._setting('rules_version', d))

    def _rate(self, cur, d):
        if cur == FUNC:
            return Fraction(1)
        r = self.rates.get(cur)
        if r is not None:
            i = bisect_right(r[0], d)
            if i:
                return r[1][i - 1]
        raise Refuse('no rate in force for %s on %s' % (cur, d))

    def _v(self, a, cur, d):
        """USD cents of `a` minor units of `cur` at the rate and rounding in force on d."""
        if a == 0:
            return 0
        if cur == FUNC:
            return a
        r = self._rate(cur, d)
        return rnd_int(a * 100 * r.denominator, 10 ** self._minor(cur) * r.numerator,
                       self._setting('rounding', d))

    def _to_cur(self, usd, cur, d):
        if usd == 0:
            return 0
        if cur == FUNC:
            return usd
        r = self._rate(cur, d)
        return rnd_int(usd * 10 ** self._minor(cur) * r.numerator, 100 * r.denominator,
                       self._setting('rounding', d))

    # ------------------------------------------------------------------ posting machinery

    def _pool(self, fund, cur):
        p = self.pools.get((fund, cur))
        if p is None:
            p = Position(('1100', fund, '', '', cur), 'pool')
            self.pools[(fund, cur)] = p
            self.fund_pools.setdefault(fund, []).append(p)
            self._undo.append(('newpool', fund, cur))
        return p

    def post(self, ctx, acct, fund, donor, pledge, cur, amt, usd, date=None, pos=None, tag=None):
        if amt == 0 and usd == 0:
            return None
        if abs(amt) > MAXI or abs(usd) > MAXI:
            raise Refuse('amount out of range')
        d = date or ctx.date
        if acct == '1100' and pos is None:
            pos = self._pool(fund, cur)
        p = Posting(acct, fund, donor, pledge, cur, amt, usd, d, pos, tag)
        k = p.key
        b = self.bal.get(k)
        if b is None:
            b = self.bal[k] = Dated()
            self._undo.append(('newbal', k))
        b.add(d, amt, usd)
        if pos is not None:
            pos.add(d, amt, usd)
            pos.moves.append((ctx.seq, d, amt, usd))
        t = self.tot.get(cur)
        if t is None:
            t = self.tot[cur] = [0, 0]
        t[0 if amt > 0 else 1] += abs(amt)
        self.tot_usd[0 if usd > 0 else 1] += abs(usd)
        self._undo.append(('post', p))
        if t[0] > MAXI or t[1] > MAXI or self.tot_usd[0] > MAXI or self.tot_usd[1] > MAXI:
            raise Refuse('the ledger totals would go beyond range')
        if self.min_post_date is None or d < self.min_post_date:
            self._set(self, 'min_post_date', d)
        fd = (fund, d)
        if fd not in ctx.first:
            ctx.first[fd] = cur
            ctx.order.append(fd)
        ctx.usd_sum[fd] = ctx.usd_sum.get(fd, 0) + usd
        if acct == '1100':
            ck = (fund, cur)
            ctx.cash[ck] = ctx.cash.get(ck, 0) + amt
        ctx.rec.postings.append(p)
        return p

    @staticmethod
    def _carry(pos, amt):
        """The part of a posting `amt` that the position covers, and the USD it carries for it."""
        b = pos.amt
        if b == 0 or amt == 0 or (b > 0) == (amt > 0):
            return 0, 0
        if abs(amt) >= abs(b):
            return -b, -pos.usd
        return amt, rnd_int(-pos.usd * abs(amt), abs(b), 'half-even')

    def relief(self, ctx, key, amt, pos, date=None, worth=None):
        """Post `amt` on `key` taking from `pos` at its carrying USD; the realized exchange to 4700."""
        d = date or ctx.date
        cur = key[4]
        ca, cu = self._carry(pos, amt)
        rest = amt - ca
        usd = cu + (self._v(rest, cur, d) if rest else 0)
        if ca:
            # [Relief at carrying USD] the exchange is what was posted (carrying for the part
            # covered, the day's value beyond it) against the whole amount's value (decided)
            w = worth if worth is not None else self._v(amt, cur, d)
            fd = (key[1], d)
            ctx.fx[fd] = ctx.fx.get(fd, 0) + w - usd
        self.post(ctx, key[0], key[1], key[2], key[3], cur, amt, usd, d, pos)
        return usd

    def _cash_in(self, ctx, fund, donor, cur, amt, worth, d):
        """[Version 4] Cash `amt` (> 0) into fund: a relief of the pool where it is below zero."""
        pool = self._pool(fund, cur)
        if self._ver(d) >= 4 and cur != FUNC and pool.amt < 0:
            return self.relief(ctx, ('1100', fund, donor, '', cur), amt, pool, d, worth)
        self.post(ctx, '1100', fund, donor, '', cur, amt, worth)
        return worth

    def _fx(self, ctx, fund, d, x):
        if x:
            fd = (fund, d)
            ctx.fx[fd] = ctx.fx.get(fd, 0) + x

    def finalize(self, ctx):
        ctx.rec.fin = len(ctx.rec.postings)
        for fd in list(ctx.order):
            x = ctx.fx.get(fd, 0)
            if x:
                self.post(ctx, '4700', fd[0], '', '', ctx.first[fd], 0, x, fd[1], tag='fx')
        for fd in list(ctx.order):
            s = ctx.usd_sum.get(fd, 0)
            if s:
                self.post(ctx, '5900', fd[0], '', '', ctx.first[fd], 0, -s, fd[1], tag='residual')

    def _cash_check(self, ctx):
        low = {}
        for (f, c), delta in ctx.cash.items():
            if delta < 0:
                low.setdefault(f, []).append(c)
        d = ctx.date
        for f, curs in low.items():
            for c in curs:
                p = self.pools[(f, c)]
                # [Cash is cash] in the currency, with everything recorded so far
                if p.amt < 0:
                    raise Refuse('fund %s does not hold enough %s' % (f, c))
            tu = du = 0
            for p in self.fund_pools.get(f, ()):
                tu += p.usd
                du += p.as_of(d)[1]
            if tu < 0 or du < 0:
                raise Refuse('fund %s cash would go below zero in USD' % f)

    def _new_holding(self, ctx, acct, fund, donor, pk, cur, amt, usd, owner):
        h = Holding((acct, fund, donor, pk, cur), owner, ctx.date)
        self._append(self.holdings, h)
        ctx.rec.own.append(h)
        if owner not in self.holding_of:
            self._dset(self.holding_of, owner, h)
        self.post(ctx, acct, fund, donor, pk, cur, amt, usd, pos=h)
        h.created += amt
        return h

    def _padd(self, ctx, pl, attr, delta):
        if delta:
            self._set(pl, attr, getattr(pl, attr) + delta)
            ctx.rec.deltas.append((pl, attr, delta))

    def _consume(self, ctx, pl):
        self._sadd(pl.consumers, ctx.seq)
        ctx.rec.consumers.add(pl.id)

    def _against(self, ctx, pl):
        self._sadd(pl.against, ctx.seq)
        ctx.rec.against.add(pl.id)

    def _floor(self):
        return next_month(self.last_closed) + '-01' if self.last_closed else None

    # ------------------------------------------------------------------ pledge helpers

    def _recognize(self, ctx, pl, inst, d, x):
        self.post(ctx, '1200', pl.fund, pl.donor, pl.id, pl.cur, x, self._v(x, pl.cur, d), d, pl.R,
                  tag='recognition')
        if pl.conditional:
            self.post(ctx, '2200', pl.fund, pl.donor, pl.id, pl.cur, -x, self._v(-x, pl.cur, d), d,
                      pl.D, tag='recognition')
        else:
            self.post(ctx, pl.rev, pl.fund, pl.donor, pl.id, pl.cur, -x, self._v(-x, pl.cur, d), d,
                      tag='recognition')

    def _recognize_due(self, ctx, pl, limit, strict):
        """Recognize the instalments due before `limit` (strict) or on or before it, then apply
        money paid ahead to each. Returns whether anything was recognized."""
        if not pl.per_inst or pl.reversed:
            return False
        floor = self._floor()
        done = False
        for inst in pl.insts:
            if inst.recognized:
                continue
            if (inst.due >= limit) if strict else (inst.due > limit):
                continue
            x = inst.amount - inst.cut
            if x <= 0:
                continue
            d = inst.due if floor is None or inst.due >= floor else floor
            self._recognize(ctx, pl, inst, d, x)
            self._set(inst, 'recognized', True)
            ctx.rec.recognized.append(inst)
            self._apply_ahead(ctx, pl, d)
            done = True
        return done

    def _mark_kept(self, ctx):
        """After a receipt or apply recognized what fell due (and applied money paid ahead to it):
        remember what that did, which a version 3 reversal keeps."""
        rec = ctx.rec
        rec.kept = len(rec.postings)
        rec.kept_fx = dict(ctx.fx)
        rec.kept_deltas = len(rec.deltas)
        rec.kept_cons = set(rec.consumers)

    def _apply_ahead(self, ctx, pl, d):
        applied = False
        for h in pl.ahead:
            r = pl.R.amt
            if r <= 0:
                break
            held = -h.amt
            if held <= 0:
                continue
            s = min(held, r)
            self.relief(ctx, h.key, s, h, d)
            self.relief(ctx, pl.key('1200'), -s, pl.R, d)
            self._padd(ctx, pl, 'received', s)
            applied = True
        if applied:
            self._release(ctx, pl, d)

    def _release(self, ctx, pl, d):
        a, au = -pl.A.amt, -pl.A.usd
        r, ru = pl.R.amt, pl.R.usd
        if a <= 0 and au <= 0:
            return
        if a > r or au > ru:
            kept = max(min(a, r), 0)
            ku = rnd_int(au * kept, a, 'half-even') if a else 0
            ku = min(ku, ru)
            ra, rau = a - kept, au - ku
            if ra or rau:
                self._consume(ctx, pl)
                self.post(ctx, '1290', pl.fund, pl.donor, pl.id, pl.cur, ra, rau, d, pl.A)
                self.post(ctx, '5400', pl.fund, pl.donor, pl.id, pl.cur, -ra, -rau, d)

    def _ahead_cond(self, pl):
        return pl.per_inst and pl.unrecognized() > pl.paid_ahead()

    def _hold_excess(self, ctx, pl, amt, usd, owner):
        """Hold `amt` (> 0) of the pledge currency, worth `usd` (> 0), for the pledge or the donor."""
        ahead = self._ahead_cond(pl)
        h = self._new_holding(ctx, '2100', pl.fund, pl.donor, pl.id if ahead else '', pl.cur,
                              -amt, -usd, owner)
        if ahead:
            h.ahead_for = pl.id
            self._append(pl.ahead, h)
        return h

    def _cross(self, ctx, pl, X, A, V, d, owner):
        """Settle pledge `pl` with A of currency X worth V USD, through 1900."""
        Y = pl.cur
        self.post(ctx, '1900', pl.fund, '', '', X, -A, -V)
        P = self._to_cur(V, Y, d)
        self.post(ctx, '1900', pl.fund, '', '', Y, P, V)
        r = max(pl.R.amt, 0)
        s = min(P, r)
        if s:
            w = V if s == P else rnd_int(V * s, P, 'half-even')
            self.relief(ctx, pl.key('1200'), -s, pl.R, d, worth=-w)
        else:
            w = 0
        if P - s > 0:
            # [receipt in another currency] the excess is held at its own value at the day's rate
            # of the pledge currency; what rounding leaves between the legs is the residual (5900)
            self._hold_excess(ctx, pl, P - s, -self._v(-(P - s), Y, d), owner)
        return s

    def _money_pledge(self, pid, d):
        pl = self._pledge(pid)
        if pl.cancelled():
            raise Refuse('pledge %s is cancelled' % pid)
        if d < pl.signed:
            raise Refuse('dated before the pledge was signed')
        return pl

    # ------------------------------------------------------------------ master data

    def _master(self, e, typ, code):
        prev = self.master.get((typ, code))
        if prev is not None:
            if prev == e:
                return True
            raise Refuse('%s %s already exists' % (typ, code))
        return False

    def _ev_currency(self, e, ctx):
        code = self._code(e['code'], 'code')
        mu = e['minor_units']
        if isinstance(mu, str) and mu.isdigit():
            mu = int(mu)
        if isinstance(mu, bool) or not isinstance(mu, int) or not 0 <= mu <= 6:
            raise Refuse('minor_units must be 0..6')
        if self._master(e, 'currency', code):
            return NOOP
        if code in ISO_MINOR and ISO_MINOR[code] != mu:
            raise Refuse('%s has %d minor units' % (code, ISO_MINOR[code]))
        self.master[('currency', code)] = e
        self.currencies[code] = mu

    def _ev_account(self, e, ctx):
        code = self._code(e['code'], 'code')
        self._name(e['name'], 'name')
        cls = e['class']
        if cls not in ('asset', 'liability', 'net-assets', 'revenue', 'expense'):
            raise Refuse('bad class')
        if self._master(e, 'account', code):
            return NOOP
        self.master[('account', code)] = e
        self.accounts[code] = cls

    def _ev_fund(self, e, ctx):
        code = self._code(e['code'], 'code')
        self._name(e['name'], 'name')
        if e['kind'] not in ('general', 'special', 'psc'):
            raise Refuse('bad kind')
        if 'parent' in e:
            if e['parent'] == code:
                raise Refuse('a fund cannot be its own parent')
            self._fund(e['parent'], 'parent')
        if self._master(e, 'fund', code):
            return NOOP
        self.master[('fund', code)] = e
        self.funds[code] = e['kind']
        self.fund_order.append(code)

    def _ev_donor(self, e, ctx):
        code = self._code(e['code'], 'code')
        self._name(e['name'], 'name')
        if 'category' in e and e['category'] not in CATEGORIES:
            raise Refuse('bad category')
        if 'country' in e and e['country'] not in ISO_COUNTRIES:
            raise Refuse('bad country')
        if self._master(e, 'donor', code):
            return NOOP
        self.master[('donor', code)] = e
        self.donors[code] = e

    def _ev_project(self, e, ctx):
        code = self._code(e['code'], 'code')
        self._name(e['name'], 'name')
        self._fund(e['fund'])
        rate = self._psc(e['psc_rate']) if 'psc_rate' in e else None
        if self._master(e, 'project', code):
            return NOOP
        self.master[('project', code)] = e
        self.projects[code] = {'fund': e['fund'], 'psc_rate': rate}

    def _ev_rate(self, e, ctx):
        cur = self._cur(e['currency'])
        if cur == FUNC:
            raise Refuse('the functional currency has no rate')
        d = self._date(e['effective'], 'effective')
        per = self._decimal(e['per_usd'], 'per_usd')
        if per <= 0:
            raise Refuse('per_usd must be positive')
        prev = self.rate_keys.get((cur, d))
        if prev is not None:
            if prev == per:
                return NOOP
            raise Refuse('a different rate for %s on %s is recorded' % (cur, d))
        self._open(d)
        self._notfuture(d)
        self.rate_keys[(cur, d)] = per
        ds, vs = self.rates.setdefault(cur, ([], []))
        i = bisect_right(ds, d)
        ds.insert(i, d)
        vs.insert(i, per)

    def _ev_setting(self, e, ctx):
        key, val = e['key'], e['value']
        if not isinstance(val, str):
            raise Refuse('value must be a string')
        if key == 'rounding':
            ok = val in ROUNDING
        elif key == 'psc_rate':
            self._psc(val, 'value')
            ok = True
        elif key == 'psc_fund':
            ok = val in self.funds
        elif key == 'recognition':
            ok = val in ('upfront', 'per-instalment')
        elif key == 'max_future_days':
            ok = val.isdigit()
        elif key == 'year_end':
            ok = val in ('usd', 'by-currency')
        elif key == 'psc_own_spending':
            ok = val in ('exempt', 'charged')
        elif key == 'rules_version':
            ok = val in ('2', '3', '4', '5')
        elif key == 'functional_currency':
            ok = val == FUNC
        elif key in ('iati_org_ref', 'iati_org_name', 'iati_sector'):
            ok = bool(val.strip())
        else:
            raise Refuse('unknown setting %r' % (key,))
        if not ok:
            raise Refuse('bad value for %s' % key)
        s = self.settings.get(key)
        eff = e.get('effective')
        if eff is None:
            if s is not None and s['base'] == val:
                return NOOP
            if self.last_closed is not None:
                raise Refuse('a setting without effective date once a month is closed')
            if key == 'rules_version':
                # the latest in force: that of the latest dated setting, else the undated one
                cur = int(s['v'][-1] if s and s['v'] else self._setting(key, '0000-01-01'))
                if int(val) < cur:
                    raise Refuse('rules_version %s is lower than version %d in force' % (val, cur))
            if s is None:
                s = self.settings[key] = {'base': None, 'd': [], 'v': []}
            s['base'] = val
            return None
        d = self._date(eff, 'effective')
        if s is not None and d in s['d']:
            if s['v'][s['d'].index(d)] == val:
                return NOOP
            raise Refuse('another value of %s is recorded for %s' % (key, d))
        self._open(d)
        self._notfuture(d)
        if key == 'rules_version' and int(val) < self._ver(d):
            raise Refuse('rules_version %s is lower than version %d in force on %s'
                         % (val, self._ver(d), d))
        if s is None:
            s = self.settings[key] = {'base': None, 'd': [], 'v': []}
        i = bisect_right(s['d'], d)
        s['d'].insert(i, d)
        s['v'].insert(i, val)

    def _ev_amend(self, e, ctx):
        kind = e['kind']
        code = e['code']
        reg = {'donor': self.donors, 'fund': self.funds, 'project': self.projects}.get(kind)
        if reg is None:
            raise Refuse('bad kind')
        if not isinstance(code, str) or code not in reg:
            raise Refuse('unknown %s %r' % (kind, code))
        d = self._date(e['effective'], 'effective')
        self._open(d)
        self._notfuture(d)
        if not any(k in e for k in ('name', 'category', 'country')):
            raise Refuse('nothing to amend')
        if 'name' in e:
            self._name(e['name'], 'name')
        if kind != 'donor' and ('category' in e or 'country' in e):
            raise Refuse('only a donor has a category and a country')
        if 'category' in e and e['category'] not in CATEGORIES:
            raise Refuse('bad category')
        if 'country' in e and e['country'] not in ISO_COUNTRIES:
            raise Refuse('bad country')
        ctx.rec.date = d

    def _ev_budget(self, e, ctx):
        self._fund(e['fund'])
        y = e['year']
        if isinstance(y, str) and re.match(r'^[0-9]{4}$', y):
            y = int(y)
        if isinstance(y, bool) or not isinstance(y, int) or not 1 <= y <= 9999:
            raise Refuse('bad year')
        self._notfuture('%04d-01-01' % y)
        self._amount(e['amount'], FUNC, zero=True)
        if 'project' in e:
            self._project(e['project'], e['fund'])
        if 'category' in e and e['category'] not in ('grant', 'programme'):
            raise Refuse('bad category')

    # ------------------------------------------------------------------ entries

    def _ev_entry(self, e, ctx):
        d = self._event_date(e, ctx)
        ps = e['postings']
        if not isinstance(ps, list) or len(ps) < 2:
            raise Refuse('an entry has at least two postings')
        rows = []
        sums = {}
        for p in ps:
            if not isinstance(p, dict):
                raise Refuse('a posting is an object')
            for k in p:
                if k not in ('account', 'fund', 'currency', 'amount', 'donor', 'project', 'pledge'):
                    raise Refuse('unknown posting field %s' % k)
            for k in ('account', 'fund', 'currency', 'amount'):
                if k not in p:
                    raise Refuse('posting lacks %s' % k)
            acct = p['account']
            if not isinstance(acct, str) or acct not in self.accounts:
                raise Refuse('unknown account %r' % (acct,))
            if acct in CONTROL:
                raise Refuse('account %s belongs to its own events' % acct)
            fund = self._fund(p['fund'])
            cur = self._cur(p['currency'])
            a = self._amount(p['amount'], cur, signed=True)
            donor = self._donor(p['donor']) if p.get('donor') is not None else ''
            if p.get('project') is not None:
                self._project(p['project'], None)
            pid = p.get('pledge')
            pl = self._pledge(pid) if pid is not None else None
            rows.append((acct, fund, donor, pl, cur, a))
            sums[(fund, cur)] = sums.get((fund, cur), 0) + a
        if any(sums.values()):
            raise Refuse('the entry does not balance per fund and currency')
        v3 = self._ver(d) >= 3
        v4 = self._ver(d) >= 4
        fx = {}                  # version 3: fund -> [currency of the first cash taken, exchange]
        for acct, fund, donor, pl, cur, a in rows:
            if acct == '1100' and cur != FUNC and ((v3 and a < 0) or (v4 and a > 0 and self._pool(fund, cur).amt < 0)):
                # version 3, rule 1: foreign cash taken leaves at the USD it carries
                pool = self._pool(fund, cur)
                ca, cu = self._carry(pool, a)
                rest = a - ca
                usd = cu + (self._v(rest, cur, d) if rest else 0)
                x = fx.setdefault(fund, [cur, 0])
                x[1] += self._v(a, cur, d) - usd
                self.post(ctx, acct, fund, donor, pl.id if pl else '', cur, a, usd, d, pool)
            else:
                self.post(ctx, acct, fund, donor, pl.id if pl else '', cur, a, self._v(a, cur, d))
            if pl is not None:
                self._against(ctx, pl)
        for fund, (cur, x) in fx.items():
            if x:
                self.post(ctx, '4700', fund, '', '', cur, 0, x, d, tag='fx')
        self.finalize(ctx)

    # ------------------------------------------------------------------ contributions

    def _ev_pledge(self, e, ctx):
        pid = self._code(e['id'], 'id')
        donor = self._donor(e['donor'])
        fund = self._fund(e['fund'])
        purpose = e['purpose']
        if purpose not in ('general', 'special'):
            raise Refuse('bad purpose')
        cur = self._cur(e['currency'])
        amt = self._amount(e['amount'], cur)
        signed = self._event_date(e, ctx, 'signed')
        conditional = self._bool(e, 'conditional')
        if 'project' in e:
            self._project(e['project'], fund)
        if 'psc_rate' in e:
            self._psc(e['psc_rate'])
        if pid in self.pledges:
            raise Refuse('pledge %s exists' % pid)
        if 'installments' in e:
            raw = e['installments']
            if not isinstance(raw, list) or not raw:
                raise Refuse('installments must be a non-empty list')
            insts = []
            for it in raw:
                if not isinstance(it, dict) or set(it) != {'due', 'amount'}:
                    raise Refuse('an instalment has a due day and an amount')
                insts.append(Inst(self._date(it['due'], 'due'), self._amount(it['amount'], cur)))
            if sum(i.amount for i in insts) != amt:
                raise Refuse('the instalments do not add up to the amount')
            insts.sort(key=lambda i: i.due)
        else:
            insts = [Inst(signed, amt)]
        per_inst = self._setting('recognition', signed) == 'per-instalment'
        pl = Pledge(pid, donor, fund, purpose, cur, amt, signed, conditional, per_inst, insts, ctx.seq)
        x = 0
        for i in insts:
            if not per_inst or i.due <= signed:
                i.recognized = True
                ctx.rec.recognized.append(i)
                x += i.amount
        if x:
            self.post(ctx, '1200', fund, donor, pid, cur, x, self._v(x, cur, signed), pos=pl.R)
            if conditional:
                self.post(ctx, '2200', fund, donor, pid, cur, -x, self._v(-x, cur, signed), pos=pl.D)
            else:
                self.post(ctx, pl.rev, fund, donor, pid, cur, -x, self._v(-x, cur, signed))
        self._dset(self.pledges, pid, pl)
        ctx.rec.pledge = pl
        self.finalize(ctx)

    def _ev_receipt(self, e, ctx):
        d = self._event_date(e, ctx)
        fund = self._fund(e['fund'])
        cur = self._cur(e['currency'])
        A = self._amount(e['amount'], cur)
        donor = self._donor(e['donor']) if 'donor' in e else ''
        if 'pledge' not in e:
            U = self._v(A, cur, d)
            self._cash_in(ctx, fund, donor, cur, A, U, d)
            self._new_holding(ctx, '2100' if donor else '2150', fund, donor, '', cur, -A,
                              self._v(-A, cur, d), e['id'])
            self.finalize(ctx)
            return
        pl = self._money_pledge(e['pledge'], d)
        if pl.fund != fund:
            raise Refuse('pledge %s is in fund %s' % (pl.id, pl.fund))
        if donor and donor != pl.donor:
            raise Refuse('pledge %s is from donor %s' % (pl.id, pl.donor))
        ctx.rec.pledge = pl
        self._against(ctx, pl)
        # [Conversion] the receipt's 1100 is its first posting: 4700 and 5900 of its day are in its
        # currency, though what it recognizes is posted first here (decided)
        if (fund, d) not in ctx.first:
            ctx.first[(fund, d)] = cur
            ctx.order.append((fund, d))
        self._recognize_due(ctx, pl, d, False)
        self._mark_kept(ctx)
        U = self._v(A, cur, d)
        self._cash_in(ctx, fund, pl.donor, cur, A, U, d)
        if cur == pl.cur:
            s = min(A, max(pl.R.amt, 0))
            if s:
                self.relief(ctx, pl.key('1200'), -s, pl.R)
            if A - s:
                self._hold_excess(ctx, pl, A - s, -self._v(-(A - s), cur, d), e['id'])
        else:
            self._rate(pl.cur, d)
            s = self._cross(ctx, pl, cur, A, U, d, e['id'])
        self._padd(ctx, pl, 'received', s)
        self._release(ctx, pl, d)
        self.finalize(ctx)

    def _held(self, ref, d, accts):
        if not isinstance(ref, str):
            raise Refuse('bad receipt')
        h = self.holding_of.get(ref)
        if h is None or h.acct not in accts:
            raise Refuse('%s holds no money' % ref)
        if h.amt == 0:
            raise Refuse('%s holds nothing any more' % ref)
        if d < h.date:
            raise Refuse('dated before %s' % ref)
        return h

    def _ev_apply(self, e, ctx):
        d = self._event_date(e, ctx)
        h = self._held(e['receipt'], d, ('2100', '2150'))
        X = h.cur
        held = -h.amt
        if held <= 0:
            raise Refuse('nothing held')
        a = self._amount(e['amount'], X) if 'amount' in e else held
        if a > held:
            raise Refuse('more than %s holds' % e['receipt'])
        donor = self._donor(e['donor']) if 'donor' in e else ''
        if 'pledge' not in e:
            if h.acct == '2100':
                if donor and donor != h.donor:
                    raise Refuse('the money is held for donor %s' % h.donor)
                donor = h.donor
            elif not donor:
                raise Refuse('an unidentified receipt needs the donor')
            ca, cu = self._carry(h, a)
            self.post(ctx, h.acct, h.fund, h.key[2], h.key[3], X, a, cu, pos=h)
            rev = '4200' if self.funds[h.fund] == 'special' else '4100'
            self.post(ctx, rev, h.fund, donor, '', X, -a, -cu)
            self.finalize(ctx)
            return
        pl = self._money_pledge(e['pledge'], d)
        if pl.fund != h.fund:
            raise Refuse('the money is held in fund %s' % h.fund)
        if donor and donor != pl.donor:
            raise Refuse('pledge %s is from donor %s' % (pl.id, pl.donor))
        if h.acct == '2100' and h.donor != pl.donor:
            raise Refuse('the money is held for donor %s' % h.donor)
        ctx.rec.pledge = pl
        self._against(ctx, pl)
        self._recognize_due(ctx, pl, d, False)
        self._mark_kept(ctx)
        if h.amt >= 0:
            raise Refuse('nothing held any more')
        # [apply to a pledge] nothing receivable once what fell due is recognized: refused, in any
        # currency
        if pl.R.amt <= 0:
            raise Refuse('pledge %s has nothing receivable' % pl.id)
        a = min(a, -h.amt)
        if X == pl.cur:
            s = min(a, max(pl.R.amt, 0))
            ex = a - s
            # [apply to a pledge; Money paid ahead] in the pledge currency the rest stays where it is
            # held: only a receipt, or an apply in another currency, holds an excess for the pledge
            move = False
            taken = s + (ex if move else 0)
            if taken == 0:
                if not ctx.rec.postings:
                    raise Refuse('nothing to apply: pledge %s has nothing receivable' % pl.id)
            else:
                self.relief(ctx, h.key, taken, h)
                if s:
                    self.relief(ctx, pl.key('1200'), -s, pl.R)
                if move:
                    self._hold_excess(ctx, pl, ex, -self._v(-ex, X, d), e['id'])
        else:
            self._rate(pl.cur, d)
            V = self._v(a, X, d)
            self.relief(ctx, h.key, a, h, worth=V)
            s = self._cross(ctx, pl, X, a, V, d, e['id'])
        self._padd(ctx, pl, 'received', s)
        self._release(ctx, pl, d)
        self.finalize(ctx)

    def _ev_condition_met(self, e, ctx):
        d = self._event_date(e, ctx)
        pl = self._pledge(e['pledge'])
        a = self._amount(e['amount'], pl.cur)
        if pl.reversed:
            raise Refuse('pledge %s is reversed' % pl.id)
        if not pl.conditional:
            raise Refuse('pledge %s is not conditional' % pl.id)
        if d < pl.signed:
            raise Refuse('dated before the pledge was signed')
        if a > -pl.D.amt:
            raise Refuse('more than is deferred')
        ca, cu = self._carry(pl.D, a)
        self.post(ctx, '2200', pl.fund, pl.donor, pl.id, pl.cur, a, cu, pos=pl.D)
        self.post(ctx, pl.rev, pl.fund, pl.donor, pl.id, pl.cur, -a, -cu)
        ctx.rec.pledge = pl
        self._against(ctx, pl)
        self.finalize(ctx)

    def _against_pledge(self, e, ctx):
        """An event against a pledge (reduction, allowance, write-off): its date, the pledge, the
        amount; refused for a reversed pledge or a date before its signing."""
        d = self._event_date(e, ctx)
        pl = self._pledge(e['pledge'])
        a = self._amount(e['amount'], pl.cur)
        if pl.reversed:
            raise Refuse('pledge %s is reversed' % pl.id)
        if d < pl.signed:
            raise Refuse('dated before the pledge was signed')
        return d, pl, a

    def _ev_reduction(self, e, ctx):
        d, pl, a = self._against_pledge(e, ctx)
        r = max(pl.R.amt, 0)
        u = pl.unrecognized()
        ahead = min(pl.paid_ahead(), u)
        if a > r + u - ahead:
            raise Refuse('reduction %d more than outstanding %d less paid ahead %d'
                         % (a, r + u, ahead))
        cut = min(a, u - ahead)
        left = cut
        for inst in reversed(pl.insts):
            if left <= 0:
                break
            if inst.recognized:
                continue
            c = min(left, inst.amount - inst.cut)
            if c > 0:
                self._set(inst, 'cut', inst.cut + c)
                ctx.rec.cuts.append((inst, c))
                left -= c
        rest = a - cut
        if rest:
            # [reduction] Dr revenue (or 4900) / Cr R, both at R's carrying USD: no money moves, no
            # exchange. [Version 3, rule 5] 2200 gives up what it carries; the difference from
            # what R gives up for that part is realized exchange (version 2: 2200 at R's USD).
            acct = pl.rev if d[:4] == pl.signed[:4] else '4900'
            _, cu = self._carry(pl.R, -rest)
            r_usd = -cu
            dd = min(rest, max(-pl.D.amt, 0)) if pl.conditional else 0
            d_usd = 0
            if dd:
                if self._ver(d) >= 3 or dd < rest:
                    d_usd = self._carry(pl.D, dd)[1]
                else:
                    d_usd = r_usd
                self.post(ctx, '2200', pl.fund, pl.donor, pl.id, pl.cur, dd, d_usd, pos=pl.D)
            if self._ver(d) >= 3:
                rev_usd = rnd_int(r_usd * (rest - dd), rest, 'half-even') if rest - dd < rest else r_usd
                fx = r_usd - d_usd - rev_usd
            else:
                rev_usd, fx = r_usd - d_usd, 0
            if rest - dd or rev_usd:
                self.post(ctx, acct, pl.fund, pl.donor, pl.id, pl.cur, rest - dd, rev_usd)
            self.post(ctx, '1200', pl.fund, pl.donor, pl.id, pl.cur, -rest, cu, pos=pl.R)
            if fx:
                fd = (pl.fund, d)
                ctx.fx[fd] = ctx.fx.get(fd, 0) + fx
            self._release(ctx, pl, d)
        self._padd(ctx, pl, 'reduced', a)
        ctx.rec.pledge = pl
        self._against(ctx, pl)
        self.finalize(ctx)

    def _ev_allowance(self, e, ctx):
        d, pl, a = self._against_pledge(e, ctx)
        room = pl.R.amt + pl.A.amt
        if a > room:
            raise Refuse('more than is outstanding and not yet allowed for')
        room_u = pl.R.usd + pl.A.usd
        u = room_u if a == room else rnd_int(room_u * a, room, 'half-even')
        self.post(ctx, '5400', pl.fund, pl.donor, pl.id, pl.cur, a, u)
        self.post(ctx, '1290', pl.fund, pl.donor, pl.id, pl.cur, -a, -u, pos=pl.A)
        ctx.rec.pledge = pl
        ctx.rec.amount = a
        self._against(ctx, pl)
        self.finalize(ctx)

    def _ev_write_off(self, e, ctx):
        d, pl, a = self._against_pledge(e, ctx)
        if a > -pl.A.amt:
            raise Refuse('more than is allowed for')
        if a > pl.R.amt:
            raise Refuse('more than is outstanding')
        _, u1 = self._carry(pl.A, a)
        _, u2 = self._carry(pl.R, -a)
        self._consume(ctx, pl)
        self.post(ctx, '1290', pl.fund, pl.donor, pl.id, pl.cur, a, u1, pos=pl.A)
        self.post(ctx, '1200', pl.fund, pl.donor, pl.id, pl.cur, -a, u2, pos=pl.R)
        self.post(ctx, '5400', pl.fund, '', '', pl.cur, 0, -(u1 + u2))
        self._release(ctx, pl, d)
        self._padd(ctx, pl, 'written_off', a)
        ctx.rec.pledge = pl
        self._against(ctx, pl)
        self.finalize(ctx)

    def _ev_refund(self, e, ctx):
        d = self._event_date(e, ctx)
        donor = self._donor(e['donor'])
        fund = self._fund(e['fund'])
        cur = self._cur(e['currency'])
        a = self._amount(e['amount'], cur)
        paid = self._bool(e, 'paid')
        allow = self._bool(e, 'allow_overdraft')
        pk = ''
        if 'pledge' in e:
            pl = self._pledge(e['pledge'])
            if pl.fund != fund or pl.donor != donor:
                raise Refuse('pledge %s is of another fund or donor' % pl.id)
            pk = pl.id
            self._against(ctx, pl)
        if 'pays' in e:
            if 'receipt' in e:
                raise Refuse('a refund pays a payable or refunds a receipt, not both')
            if paid:
                raise Refuse('a payment of a payable refund is paid by definition')
            H = self._held(e['pays'], d, ('2300',))
            if H.fund != fund or H.cur != cur or H.donor != donor:
                raise Refuse('the payable is of another fund, currency or donor')
            if a > -H.amt:
                raise Refuse('more than the refund payable')
            self.relief(ctx, H.key, a, H)
            self.relief(ctx, ('1100', fund, donor, '', cur), -a, self._pool(fund, cur))
        else:
            if 'receipt' in e:
                h = self._held(e['receipt'], d, ('2100', '2150'))
                if h.fund != fund or h.cur != cur:
                    raise Refuse('the money is held in another fund or currency')
                if h.acct == '2100' and h.donor != donor:
                    raise Refuse('the money is held for donor %s' % h.donor)
                if a > -h.amt:
                    raise Refuse('more than is held')
                self.relief(ctx, h.key, a, h)
            else:
                self.post(ctx, '4900', fund, donor, pk, cur, a, self._v(a, cur, d))
            H = self._new_holding(ctx, '2300', fund, donor, pk, cur, -a, self._v(-a, cur, d),
                                  e['id'])
            if paid:
                self.relief(ctx, H.key, a, H)
                self.relief(ctx, ('1100', fund, donor, '', cur), -a, self._pool(fund, cur))
                # [Reversals] a refund paid at once moves its own payable: that is no move by
                # another event, and the refund can still be reversed
                H.created = H.amt
        self.finalize(ctx)
        if not allow:
            self._cash_check(ctx)

    # ------------------------------------------------------------------ spending

    def _charge_psc(self, ctx, fund, cur, a, d, rate):
        psc_fund = self._setting('psc_fund', d)
        if (psc_fund == fund or self.funds[fund] == 'psc') and \
                self._setting('psc_own_spending', d) == 'exempt':
            return
        p = rnd(Fraction(a) * rate, self._setting('rounding', d))
        if p <= 0:
            return
        self.post(ctx, '5300', fund, '', '', cur, p, self._v(p, cur, d))
        self.relief(ctx, ('1100', fund, '', '', cur), -p, self._pool(fund, cur))
        if psc_fund:
            self._cash_in(ctx, psc_fund, '', cur, p, self._v(p, cur, d), d)
            self.post(ctx, '4300', psc_fund, '', '', cur, -p, self._v(-p, cur, d))

    def _psc_rate(self, e, project, d):
        if 'psc_rate' in e:
            return self._psc(e['psc_rate'])
        if project is not None and project['psc_rate'] is not None:
            return project['psc_rate']
        return self._psc(self._setting('psc_rate', d))

    def _ev_expense(self, e, ctx):
        d = self._event_date(e, ctx)
        fund = self._fund(e['fund'])
        cur = self._cur(e['currency'])
        a = self._amount(e['amount'], cur)
        cat = e['category']
        if cat not in ('grant', 'programme'):
            raise Refuse('bad category')
        project = self._project(e['project'], fund) if 'project' in e else None
        rate = self._psc_rate(e, project, d)
        allow = self._bool(e, 'allow_overdraft')
        self.post(ctx, '5100' if cat == 'grant' else '5200', fund, '', '', cur, a, self._v(a, cur, d))
        self.relief(ctx, ('1100', fund, '', '', cur), -a, self._pool(fund, cur))
        self._charge_psc(ctx, fund, cur, a, d, rate)
        self.finalize(ctx)
        if not allow:
            self._cash_check(ctx)

    def _ev_advance(self, e, ctx):
        d = self._event_date(e, ctx)
        fund = self._fund(e['fund'])
        cur = self._cur(e['currency'])
        a = self._amount(e['amount'], cur)
        self._name(e['partner'], 'partner')
        project = self._project(e['project'], fund) if 'project' in e else None
        allow = self._bool(e, 'allow_overdraft')
        self._new_holding(ctx, '1400', fund, '', '', cur, a, self._v(a, cur, d), e['id'])
        self.relief(ctx, ('1100', fund, '', '', cur), -a, self._pool(fund, cur))
        self.finalize(ctx)
        if not allow:
            self._cash_check(ctx)

    def _ev_partner_report(self, e, ctx):
        d = self._event_date(e, ctx)
        ref = e['advance']
        h = self.holding_of.get(ref) if isinstance(ref, str) else None
        if h is None or h.acct != '1400':
            raise Refuse('unknown advance %r' % (ref,))
        if d < h.date:
            raise Refuse('dated before the advance')
        a = self._amount(e['amount'], h.cur)
        if a > h.amt:
            raise Refuse('more than the advance still holds')
        adv = self.ids.get(h.owner, {})
        project = self.projects.get(adv.get('project')) if adv.get('project') else None
        rate = self._psc_rate(e, project, d)
        allow = self._bool(e, 'allow_overdraft')
        self.post(ctx, '5100', h.fund, '', '', h.cur, a, self._v(a, h.cur, d))
        self.relief(ctx, h.key, -a, h)
        self._charge_psc(ctx, h.fund, h.cur, a, d, rate)
        self.finalize(ctx)
        if not allow:
            self._cash_check(ctx)

    def _ev_transfer(self, e, ctx):
        d = self._event_date(e, ctx)
        f1 = self._fund(e['from_fund'], 'from_fund')
        f2 = self._fund(e['to_fund'], 'to_fund')
        if f1 == f2:
            raise Refuse('a transfer goes between two funds')
        cur = self._cur(e['currency'])
        a = self._amount(e['amount'], cur)
        allow = self._bool(e, 'allow_overdraft')
        self.post(ctx, '3200', f1, '', '', cur, a, self._v(a, cur, d))
        self.relief(ctx, ('1100', f1, '', '', cur), -a, self._pool(f1, cur))
        self._cash_in(ctx, f2, '', cur, a, self._v(a, cur, d), d)
        self.post(ctx, '3200', f2, '', '', cur, -a, self._v(-a, cur, d))
        self.finalize(ctx)
        if not allow:
            self._cash_check(ctx)

    def _ev_interest(self, e, ctx):
        d = self._event_date(e, ctx)
        amt = self._amount(e['amount'], FUNC)
        dm1 = prev_day(d)
        ws = []
        for f in self.fund_order:
            w = 0
            for p in self.fund_pools.get(f, ()):
                w += p.as_of(dm1)[1]
            if w > 0:
                ws.append((f, w))
        if not ws:
            raise Refuse('no fund holds cash to earn interest')
        W = sum(w for _, w in ws)
        shares = []
        rems = []
        for i, (f, w) in enumerate(ws):
            q, r = divmod(amt * w, W)
            shares.append(q)
            rems.append((-r, i))
        left = amt - sum(shares)
        for _, i in sorted(rems)[:left]:
            shares[i] += 1
        for (f, _), s in zip(ws, shares):
            if s:
                self.post(ctx, '1100', f, '', '', FUNC, s, s)
                self.post(ctx, '4800', f, '', '', FUNC, -s, -s)
        self.finalize(ctx)

    # ------------------------------------------------------------------ reversal

    def _check_reversible(self, t, tid, d):
        """[Reversals] The reversals refused."""
        if t is None:
            raise Refuse('unknown event %r' % (tid,))
        if t.type == 'reversal':
            raise Refuse('a reversal cannot be reversed')
        if t.reversed:
            raise Refuse('%s is already reversed' % tid)
        if t.type in ('budget', 'amend'):
            raise Refuse('%s has no postings to reverse' % tid)
        if d < t.date:
            raise Refuse('dated before the event it reverses')
        for h in t.own:
            if h.amt != h.created:
                raise Refuse('the money %s holds was moved: reverse that first' % tid)
        if t.type == 'pledge':
            pl = t.pledge
            # [Reversals] a close that revalued its receivable counts as an event against it
            # ... and so does a year-end that closed the revenue it recognized
            year_closed = (self.last_closed is not None and any(p.acct == pl.rev for p in t.postings)
                           and self.last_closed >= pl.signed[:4] + '-12')
            # ... an event against it is one that posted to it (a receipt worth nothing in the
            # pledge currency names it and posts nothing to it)
            posted = any(r is not t and not r.reversed and r.type != 'reversal'
                         for r in self.posted_to.get(pl.id, ()))
            if posted or any(i.cut for i in pl.insts) or pl.R.revalued or year_closed:
                raise Refuse('pledge %s has events against it' % pl.id)
        if t.type == 'allowance':
            # [Reversals] refused only when 1290 now holds less than the allowance
            if -t.pledge.A.amt < t.amount:
                raise Refuse('the allowance was used or released: reverse the write-off first')

    def _ev_reversal(self, e, ctx):
        d = self._event_date(e, ctx)
        tid = e['reverses']
        t = self.events.get(tid) if isinstance(tid, str) else None
        self._check_reversible(t, tid, d)
        allow = self._bool(e, 'allow_overdraft')
        own = set(id(h) for h in t.own)
        # version 3, rule 4: a receipt or apply keeps the instalments it recognized and the money
        # paid ahead applied to them; its realized exchange and residual are split accordingly
        keep = t.type in ('receipt', 'apply') and self._ver(d) >= 3
        kfx, ksum = {}, {}
        if keep:
            kfx = t.kept_fx
            for p in t.postings[:t.kept]:
                fd = (p.fund, p.date)
                ksum[fd] = ksum.get(fd, 0) + p.usd
        for i, p in enumerate(t.postings):
            na, nu = -p.amt, -p.usd
            pos = p.pos
            if keep:
                if i < t.kept:
                    continue
                if t.fin is not None and i >= t.fin:
                    fd = (p.fund, p.date)
                    if p.tag == 'fx':
                        nu = -(p.usd - kfx.get(fd, 0))
                    elif p.tag == 'residual' and self._ver(d) >= 5:
                        nu = -(p.usd + ksum.get(fd, 0) + kfx.get(fd, 0))
            if (pos is not None and na and id(pos) not in own and pos.kind in ('pool', 'R', 'A')):
                ca, cu = self._carry(pos, na)
                if ca:
                    rest = na - ca
                    # [Reversals at carrying USD] "as a relief would": past the balance, the day's value
                    usd = cu + (self._v(rest, p.cur, d) if rest else 0)
                    self._fx(ctx, p.fund, d, nu - usd)
                    self.post(ctx, p.acct, p.fund, p.donor, p.pledge, p.cur, na, usd, d, pos)
                    continue
            self.post(ctx, p.acct, p.fund, p.donor, p.pledge, p.cur, na, nu, d, pos)
        for h in t.own:
            if h.usd:
                x = h.usd
                self.post(ctx, h.key[0], h.fund, h.key[2], h.key[3], h.cur, 0, -x, d, h)
                self._fx(ctx, h.fund, d, x)
        if not keep:
            for inst in t.recognized:
                self._set(inst, 'recognized', False)
        for inst, c in t.cuts:
            self._set(inst, 'cut', inst.cut - c)
            if inst.recognized:
                self._recognize(ctx, t.pledge, inst, d, c)
        for pl, attr, delta in t.deltas[t.kept_deltas if keep else 0:]:
            self._set(pl, attr, getattr(pl, attr) - delta)
        for pid in t.against:
            if not (keep and t.recognized and t.pledge is not None and pid == t.pledge.id):
                self._sdiscard(self.pledges[pid].against, t.seq)
        for pid in t.consumers:
            if not (keep and pid in t.kept_cons):
                self._sdiscard(self.pledges[pid].consumers, t.seq)
        if t.type == 'pledge':
            self._set(t.pledge, 'reversed', True)
        self._set(t, 'reversed', True)
        if self._ver(d) >= 3:
            # [Version 3, rule 8] an allowance the reversal leaves beyond its receivable is released
            for pid in dict.fromkeys(p.pledge for p in t.postings if p.pledge):
                pl = self.pledges[pid]
                if not pl.reversed:
                    self._release(ctx, pl, d)
        self.finalize(ctx)
        if not allow and t.type != 'entry':
            self._cash_check(ctx)

    # ------------------------------------------------------------------ the close

    def _positions(self):
        for p in self.pools.values():
            yield p
        for pl in self.pledges.values():
            yield pl.R
            yield pl.A
        for h in self.holdings:
            yield h

    def _ev_period_close(self, e, ctx):
        P = e['period']
        if not isinstance(P, str) or not MONTH_RE.match(P) or not 1 <= int(P[5:]) <= 12:
            raise Refuse('period must be YYYY-MM')
        stale = self._bool(e, 'allow_stale_rates')
        if self.last_closed is not None and P <= self.last_closed:
            return NOOP
        if self.last_closed is not None:
            expected = next_month(self.last_closed)
        elif self.min_post_date is not None:
            expected = self.min_post_date[:7]
        else:
            raise Refuse('nothing to close: no posting yet')
        if P != expected:
            raise Refuse('the next month to close is %s' % expected)
        L = last_day(P)
        self._notfuture(L)
        L1 = next_day(L)
        ctx.date = L
        ctx.rec.date = L
        ctx.rec.period = P
        rec = ctx.rec
        # 1. recognition
        for pl in list(self.pledges.values()):
            if pl.per_inst and not pl.reversed:
                if self._recognize_due(ctx, pl, L, False):
                    self._against(ctx, pl)
        december = P[5:] == '12'
        late = None
        if december and self._ver(L) < 3:
            # version 2: what step 1 realized (money paid ahead applied) is posted after the
            # year-end, which therefore leaves it in the year's 4700 / 5900
            late = (ctx.fx, ctx.usd_sum)
        else:
            # version 3, rule 3 (and every month that is not December): posted before the year-end
            self.finalize(ctx)
        ctx.fx = {}
        ctx.usd_sum = {}
        # 2. revaluation
        revals, agg = self._revalue(ctx, P, L, stale)
        if not december:
            for pos, x in revals:
                self.post(ctx, *pos.key, 0, -x, L1, pos, tag='revaluation')
                rec.changes[pos] -= x
            for (f, c), x in agg.items():
                self.post(ctx, '4710', f, '', '', c, 0, x, L1, tag='revaluation')
        else:
            self._december(ctx, revals, late, L, L1)
        self._set(self, 'last_closed', P)
        self._set(self, 'closed_L', L)
        self._dset(self.close_recs, P, rec)

    def _december(self, ctx, revals, late, L, L1):
        """Steps 3 and 4 of a December close: the restatement of later reliefs, the year-end."""
        # 3. restatement of later reliefs
        seq0 = None
        for s, md in self.ev_maxdate:
            if md > L:
                seq0 = s
                break
        if seq0 is not None:
            for pos, x in self._in_ledger_order(revals):
                self._walk(ctx, pos, x, seq0, ctx.seq, L, L1)
            if self._ver(L) >= 3:
                # [Version 3, rule 8] an allowance the restatement leaves beyond its receivable is
                # released on the first day after the month
                for pid in dict.fromkeys(pos.key[3] for pos, _ in revals if pos.kind in ('R', 'A')):
                    self._release(ctx, self.pledges[pid], L1)
        # 4. year-end
        self._year_end(ctx, L)
        if late is not None:
            # steps 2 to 4 net to zero per fund and day but for the exchange the restatement
            # realized: step 1's sums are added to theirs
            fx, usd_sum = late
            for k, v in fx.items():
                ctx.fx[k] = ctx.fx.get(k, 0) + v
            for k, v in usd_sum.items():
                ctx.usd_sum[k] = ctx.usd_sum.get(k, 0) + v
            self.finalize(ctx)
        else:
            # the exchange the restatement realized on days of the next year
            self.finalize(ctx)

    def _revalue(self, ctx, P, L, stale):
        """Step 2 of the close: every foreign-currency position restated at L's rate, 4710 the
        opposite per fund and currency. Returns the restatements and their sums by fund and
        currency."""
        rec = ctx.rec
        positions = []
        need = set()
        for pos in self._positions():
            if pos.cur == FUNC:
                continue
            a, u = pos.as_of(L)
            if a == 0 and u == 0:
                continue
            positions.append((pos, a, u))
            if a:
                need.add(pos.cur)
        if not stale:
            missing = []
            for c in sorted(need):
                ds = self.rates.get(c, ([], []))[0]
                i = bisect_left(ds, P + '-01')
                if i >= len(ds) or ds[i] > L:
                    missing.append(c)
            if missing:
                raise Refuse('no rate effective in %s for %s' % (P, ', '.join(missing)))
        agg = {}
        revals = []
        contra = self._ver(L) >= 3
        for pos, a, u in positions:
            if contra and pos.kind == 'A':
                x = -self._v(-a, pos.cur, L) - u       # version 3, rule 2: as the contra of R
            else:
                x = self._v(a, pos.cur, L) - u
            if x:
                self.post(ctx, *pos.key, 0, x, L, pos, tag='revaluation')
                k = (pos.fund, pos.cur)
                agg[k] = agg.get(k, 0) + x
                revals.append((pos, x))
                rec.changes[pos] = rec.changes.get(pos, 0) + x
                self._set(pos, 'revalued', pos.revalued + 1)
        for (f, c), x in agg.items():
            self.post(ctx, '4710', f, '', '', c, 0, -x, L, tag='revaluation')
        return revals, agg

    def _in_ledger_order(self, items):
        """[A close recorded after later events] The (position, change) pairs in the order the close
        restates them: cash, then receivables (1200), then allowances (1290), each by fund, donor,
        pledge and currency in the order the ledger first recorded each; then money held, by the
        event that holds it."""
        funds = {c: i for i, c in enumerate(self.fund_order)}
        donors = {c: i for i, c in enumerate(self.donors)}
        pledges = {c: i for i, c in enumerate(self.pledges)}
        currencies = {c: i for i, c in enumerate(self.currency_order)}
        holdings = {id(h): i for i, h in enumerate(self.holdings)}

        def order(item):
            pos = item[0]
            if isinstance(pos, Holding):
                return (3, holdings[id(pos)])
            acct, fund, donor, pledge, cur = pos.key
            rank = {'1100': 0, '1200': 1, '1290': 2}[acct]
            return (rank, funds[fund], donors.get(donor, -1), pledges.get(pledge, -1), currencies[cur])
        return sorted(items, key=order)

    def _walk(self, ctx, pos, untaken, seq_from, seq_to, L, L1):
        mv = pos.moves
        i0 = bisect_left(mv, (seq_from,))
        held = 0
        for m in mv[:i0]:
            held += m[2]
        rec = ctx.rec
        for s, dt, da, du in mv[i0:]:
            if s >= seq_to:
                break
            if da == 0:
                continue
            if held != 0 and (da > 0) != (held > 0):
                b = abs(held)
                c = min(abs(da), b)
                share = untaken if c == b else rnd_int(untaken * c, b, 'half-even')
                if share:
                    pd = dt if dt > L else L1
                    self.post(ctx, *pos.key, 0, -share, pd, pos, tag='restatement')
                    # [Conversion] 4700 is one posting per fund and day, in the currency of the
                    # fund's first posting that day in the event
                    ctx.fx[(pos.fund, pd)] = ctx.fx.get((pos.fund, pd), 0) + share
                    untaken -= share
                    rec.changes[pos] = rec.changes.get(pos, 0) - share
            held += da

    def _year_end(self, ctx, L):
        mode = self._setting('year_end', L)
        groups = {}
        for k, b in list(self.bal.items()):
            cls = self.accounts.get(k[0])
            if cls not in ('revenue', 'expense') and k[0] != '3200':
                continue
            a, u = b.as_of(L)
            if a == 0 and u == 0:
                continue
            self.post(ctx, k[0], k[1], k[2], k[3], k[4], -a, -u, L, tag='year_end')
            g = groups.setdefault(k[1], {})
            st = g.setdefault(k[4], [0, 0])
            st[0] += a
            st[1] += u
        for f, g in groups.items():
            if mode == 'by-currency':
                for c, (S, T) in g.items():
                    self.post(ctx, '3100', f, '', '', c, S, T, L, tag='year_end')
                continue
            tot = 0
            for c, (S, T) in g.items():
                if c == FUNC:
                    if S - T:
                        self.post(ctx, '1900', f, '', '', FUNC, S - T, 0, L, tag='year_end')
                else:
                    self.post(ctx, '1900', f, '', '', c, S, T, L, tag='year_end')
                    self.post(ctx, '1900', f, '', '', FUNC, -T, -T, L, tag='year_end')
                tot += T
            self.post(ctx, '3100', f, '', '', FUNC, tot, tot, L, tag='year_end')

    def _ev_period_reopen(self, e, ctx):
        P = e['period']
        if not isinstance(P, str) or not MONTH_RE.match(P):
            raise Refuse('period must be YYYY-MM')
        self._name(e['reason'], 'reason')
        if self.last_closed is None or P != self.last_closed:
            raise Refuse('only the latest closed month can be reopened')
        crec = self.close_recs[P]
        L = last_day(P)
        L1 = next_day(L)
        ctx.date = L
        ctx.rec.date = L
        for p in crec.postings:
            self.post(ctx, p.acct, p.fund, p.donor, p.pledge, p.cur, -p.amt, -p.usd, p.date, p.pos,
                      tag='reopen')
        for inst in crec.recognized:
            self._set(inst, 'recognized', False)
        for pl, attr, delta in crec.deltas:
            self._set(pl, attr, getattr(pl, attr) - delta)
        for pid in crec.against:
            self._sdiscard(self.pledges[pid].against, crec.seq)
        for pid in crec.consumers:
            self._sdiscard(self.pledges[pid].consumers, crec.seq)
        for pos, ch in self._in_ledger_order(list(crec.changes.items())):
            if ch:
                self._walk(ctx, pos, -ch, crec.seq + 1, ctx.seq, L, L1)
        for pos in crec.changes:
            self._set(pos, 'revalued', max(pos.revalued - 1, 0))
        prev = None
        if P != (self.min_post_date or P)[:7]:
            y, m = int(P[:4]), int(P[5:])
            prev = '%04d-%02d' % ((y - 1, 12) if m == 1 else (y, m - 1))
        self._set(self, 'last_closed', prev)
        self._set(self, 'closed_L', last_day(prev) if prev else None)

    # ------------------------------------------------------------------ coverage

    def _coverage(self, ev):
        tags = []
        t = ev.get('type')
        d = ev.get('date') or ev.get('signed') or ev.get('effective')
        if t == 'period_close' or t == 'period_reopen':
            d = None
        if isinstance(d, str) and self.closed_L is not None and d <= self.closed_L:
            tags.append('closed_month')
        pl = None
        hold = None
        target = None
        if t == 'reversal':
            target = self.events.get(ev.get('reverses'))
            if target is not None:
                if target.reversed or target.type == 'reversal':
                    tags.append('reversed')
                pl = target.pledge
                if target.own:
                    hold = target.own[0]
        if isinstance(ev.get('pledge'), str):
            pl = self.pledges.get(ev['pledge']) or pl
        for f in ('receipt', 'pays', 'advance'):
            if isinstance(ev.get(f), str) and ev[f] in self.holding_of:
                hold = self.holding_of[ev[f]]
                ref = self.events.get(ev[f])
                if ref is not None and ref.reversed and 'reversed' not in tags:
                    tags.append('reversed')
        reval = False
        if pl is not None:
            if pl.reversed and 'reversed' not in tags:
                tags.append('reversed')
            if pl.R.revalued or pl.A.revalued:
                reval = True
        if hold is not None and hold.revalued:
            reval = True
        fund, cur = ev.get('fund') or ev.get('from_fund'), ev.get('currency')
        if fund and cur and (fund, cur) in self.pools and self.pools[(fund, cur)].revalued:
            reval = True
        if reval:
            tags.append('after_revaluation')
        if pl is not None:
            if pl.received > 0:
                if pl.R.amt > 0 or pl.unrecognized() > 0:
                    tags.append('partly_settled')
                else:
                    tags.append('fully_settled')
            if pl.A.amt:
                tags.append('allowed_for')
            if pl.per_inst or len(pl.insts) > 1:
                tags.append('per_instalment')
        elif isinstance(d, str) and DATE_RE.match(d) and \
                self._setting('recognition', d) == 'per-instalment':
            tags.append('per_instalment')
        if t == 'pledge' and ev.get('installments') and 'per_instalment' not in tags:
            tags.append('per_instalment')
        return tags
