// The events a ledger records: master data, settings, journal entries, and the contribution and
// expenditure events that produce entries.
//
// Every writer (the command line, import, replay, an embedding program) builds these values and
// hands them to Ledger::record, which validates them against what is stored, derives the postings
// and appends them to the journal. parse_event() reads one event from its JSON Lines form
// (README.md, "The journal and its events"), and canonical_json() writes the form that is stored, exported and hashed.
//
// Thread-safety: plain values; the free functions are reentrant.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/decimal.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fundledger {

// Persisted in the accounts table: never renumber.
enum class AccountClass : int { asset = 1, liability = 2, net_assets = 3, revenue = 4, expense = 5 };
// Persisted in the funds table: never renumber.
enum class FundKind : int { general = 1, special = 2, psc = 3 };

const char* account_class_name(AccountClass account_class) noexcept;  // "net-assets"
const char* fund_kind_name(FundKind kind) noexcept;                    // "psc"

struct CurrencyEvent {
  std::string code;
  int minor_units = 2;
};

struct AccountEvent {
  std::string code;
  std::string name;
  AccountClass account_class = AccountClass::asset;
};

struct FundEvent {
  std::string code;
  std::string name;
  FundKind kind = FundKind::general;
  std::string parent;  // empty: none
};

struct DonorEvent {
  std::string code;
  std::string name;
  std::string category;  // government, financial-institution, un-entity, intergovernmental, ngo,
                         // foundation, private, other; empty: not given
  std::string country;   // ISO 3166-1 alpha-2 ("DE"); empty: not given
};

struct ProjectEvent {
  std::string code;
  std::string name;
  std::string fund;
  std::optional<Decimal> psc_rate;  // the PSC rate agreed for the project, if not the ledger's
};

// A UN operational rate: units of the currency per 1 USD, in force from the effective date.
struct RateEvent {
  std::string currency;
  Date effective = Date::from_day_number(0);
  Decimal per_usd;
};

// A ledger setting (rounding, psc_rate, psc_fund, recognition, functional_currency), in force from
// the effective date, or from the beginning when there is none.
struct SettingEvent {
  std::string key;
  std::string value;
  std::optional<Date> effective;
};

struct PostingInput {
  std::string account;
  std::string fund;
  std::string currency;
  Decimal amount;  // debit positive, credit negative, in the currency
  std::string donor;    // empty: none
  std::string project;  // empty: none
  std::string pledge;   // empty: none
};

// A generic journal entry; the ledger computes each posting's USD amount.
struct EntryEvent {
  std::string id;
  Date date = Date::from_day_number(0);
  std::string memo;
  std::vector<PostingInput> postings;
};

// ---- Contributions and expenditure (ledger/README.md, "Events and their postings") ----

// Persisted in the pledges table: never renumber.
enum class Purpose : int { general = 1, special = 2 };
const char* purpose_name(Purpose purpose) noexcept;  // "general", "special"

struct Instalment {
  Date due = Date::from_day_number(0);
  Decimal amount;
};

// A signed agreement to pay. Without instalments, one instalment of the whole amount falls due on
// the signing date.
struct PledgeEvent {
  std::string id;
  std::string donor;
  std::string fund;
  Purpose purpose = Purpose::general;
  std::string currency;
  Decimal amount;
  Date signed_on = Date::from_day_number(0);  // "signed" in JSON
  std::vector<Instalment> installments;
  bool conditional = false;
  std::string project;             // empty: none
  std::optional<Decimal> psc_rate;  // the agreement's PSC rate, if it differs from the ledger's
  std::string memo;
  std::string reference;  // the donor's agreement reference
};

// Money received: against a pledge, from a known donor (an advance), or unidentified.
struct ReceiptEvent {
  std::string id;
  Date date = Date::from_day_number(0);
  std::string fund;
  std::string currency;
  Decimal amount;
  std::string donor;   // empty: unknown payer (unless the pledge names the donor)
  std::string pledge;  // empty: no pledge
  std::string memo;
  std::string reference;
};

// Applies what a receipt holds (an advance or an unidentified receipt) to a pledge, or to revenue
// when no pledge is named.
struct ApplyEvent {
  std::string id;
  Date date = Date::from_day_number(0);
  std::string receipt;  // the id of the receipt event
  std::string pledge;   // empty: to revenue
  std::string donor;    // needed to identify an unidentified receipt applied to revenue
  std::optional<Decimal> amount;  // in the receipt's currency; all that is held when absent
  std::string memo;
};

struct ConditionMetEvent {
  std::string id;
  std::string pledge;
  Date date = Date::from_day_number(0);
  Decimal amount;  // in the pledge currency
  std::string memo;
};

struct ReductionEvent {
  std::string id;
  std::string pledge;
  Date date = Date::from_day_number(0);
  Decimal amount;  // in the pledge currency
  std::string reason;
};

// A refund to a donor: payable (2300), or paid at once; "pays" settles an earlier payable refund.
// Naming a receipt returns money still held from it (an over-payment in 2100, or an unidentified
// receipt in 2150); otherwise the refund is of revenue already recognized (4900).
struct RefundEvent {
  std::string id;
  std::string donor;
  std::string fund;
  Date date = Date::from_day_number(0);
  std::string currency;
  Decimal amount;
  std::string pledge;  // empty: none
  bool paid = false;
  std::string pays;  // the id of a payable refund this payment settles; empty: none
  std::string memo;
  std::string receipt;  // the id of the receipt whose held money is returned; empty: none
  bool allow_overdraft = false;  // paid beyond the fund's cash
};

enum class ExpenseCategory : int { grant = 1, programme = 2 };

struct ExpenseEvent {
  std::string id;
  std::string fund;
  Date date = Date::from_day_number(0);
  std::string currency;
  Decimal amount;
  ExpenseCategory category = ExpenseCategory::programme;
  std::string project;              // empty: none
  std::optional<Decimal> psc_rate;  // else the project's, else the ledger's
  bool allow_overdraft = false;
  std::string memo;
};

struct TransferEvent {
  std::string id;
  Date date = Date::from_day_number(0);
  std::string from_fund;
  std::string to_fund;
  std::string currency;
  Decimal amount;
  std::string memo;
  bool allow_overdraft = false;  // beyond the cash of the fund it leaves
};

// Investment income in USD, apportioned across the funds by their cash.
struct InterestEvent {
  std::string id;
  Date date = Date::from_day_number(0);
  Decimal amount;
  std::string memo;
};

struct AllowanceEvent {
  std::string id;
  std::string pledge;
  Date date = Date::from_day_number(0);
  Decimal amount;  // in the pledge currency
  std::string memo;
};

struct WriteOffEvent {
  std::string id;
  std::string pledge;
  Date date = Date::from_day_number(0);
  Decimal amount;  // in the pledge currency
  std::string memo;
};

// Negates every posting of the event it names; nothing is ever edited or deleted.
struct ReversalEvent {
  std::string id;
  std::string reverses;
  Date date = Date::from_day_number(0);
  std::string memo;
  bool allow_overdraft = false;  // taking back cash beyond what the fund has (a returned payment already spent)
};

// An advance to an implementing partner: Dr 1400 / Cr 1100 in the fund (the cash at the USD it
// carries), kept per advance, with its partner and project, until the partner reports what it
// spent; unreported, it is an asset at the close, restated like any foreign-currency balance.
struct AdvanceEvent {
  std::string id;
  std::string fund;
  Date date = Date::from_day_number(0);
  std::string currency;
  Decimal amount;
  std::string partner;  // the implementing partner's code
  std::string project;  // empty: none
  std::string memo;
  bool allow_overdraft = false;  // beyond the fund's cash
};

// A partner's report of expenditure against its advance (in the advance's currency): Dr 5100 /
// Cr 1400 at the USD the advance carries, and PSC on the reported amount as for any expenditure.
struct PartnerReportEvent {
  std::string id;
  std::string advance;  // the id of the advance
  Date date = Date::from_day_number(0);
  Decimal amount;
  std::optional<Decimal> psc_rate;  // else the project's, else the ledger's
  std::string memo;
  bool allow_overdraft = false;  // its PSC charged beyond the fund's cash
};

// An approved budget in USD (IPSAS 24) for a fund's year, optionally for a project and a category
// of expenditure (grant or programme). A later budget for the same fund, year, project and category
// revises it: the budget report shows the first as original, the latest as final.
struct BudgetEvent {
  std::string id;
  std::string fund;
  int year = 0;
  Decimal amount;       // USD
  std::string project;  // empty: the whole fund
  std::string category;  // "grant", "programme", or empty: every category
  std::string memo;
};

// A dated change of a donor's name, category or country, or of a fund's or project's name, from
// its effective day on (Turkey became Türkiye in 2022): reports use the names in force at their
// end date; the journal keeps the history. At least one field changes.
enum class AmendKind : int { donor = 1, fund = 2, project = 3 };
struct AmendEvent {
  std::string id;
  AmendKind kind = AmendKind::donor;
  std::string code;
  Date effective = Date::from_day_number(0);
  std::optional<std::string> name;
  std::optional<std::string> category;  // donors only
  std::optional<std::string> country;   // donors only
  std::string memo;
};

// ---- The close (ledger/README.md, "Periods and the close") ----

// Closes a month: revaluation, year-end at December, instalments falling due, the lock and seal.
// A close needs a rate effective within the month for every currency holding a monetary balance,
// unless allow_stale_rates says the latest earlier rate will do (and the event records that).
struct PeriodCloseEvent {
  Period period = Period::parse("2000-01");
  bool allow_stale_rates = false;
};

// Reopens the latest closed month, reversing what its close appended.
struct PeriodReopenEvent {
  Period period = Period::parse("2000-01");
  std::string reason;
};

using Event = std::variant<CurrencyEvent, AccountEvent, FundEvent, DonorEvent, ProjectEvent,
                           RateEvent, SettingEvent, EntryEvent, PledgeEvent, ReceiptEvent, ApplyEvent,
                           ConditionMetEvent, ReductionEvent, RefundEvent, ExpenseEvent, TransferEvent,
                           InterestEvent, AllowanceEvent, WriteOffEvent, ReversalEvent, PeriodCloseEvent,
                           PeriodReopenEvent, AdvanceEvent, PartnerReportEvent, BudgetEvent, AmendEvent>;

// The event's "type" in JSON ("currency", "entry", ...).
const char* event_type_name(const Event& event) noexcept;

// Reads one event from a JSON object, strictly: unknown fields, missing fields, a JSON number where
// an amount belongs, a malformed code, date or decimal are all Error (bad_input) whose message
// names the field ("postings[2].amount: ..."). The export-only fields (seq, recorded_at, postings
// of a non-entry event, prev_hash, hash) are refused too.
Event parse_event(std::string_view json);

// The canonical JSON of the event: keys sorted, no whitespace, UTF-8, optional fields present only
// when given. Two events with the same canonical JSON are the same event.
std::string canonical_json(const Event& event);

// One field of an event type, as its JSON Lines key names it (and the command line's option: --key,
// '_' written '-'): what it holds, and whether it must be given. The reader, the canonical writer
// and this listing follow one description of each type.
enum class EventFieldKind {
  text,  // a JSON string: a code, an id, a decimal, a date, a name
  flag,  // true, or left out
  list,  // a JSON array: an entry's postings, a pledge's instalments
};
struct EventField {
  std::string key;
  std::string help;  // a few words: "the pledge it pays"
  EventFieldKind kind = EventFieldKind::text;
  bool required = false;
};

// The fields of events of this type ("receipt", ...), in the order they are described; empty for
// a type that does not exist.
std::vector<EventField> event_fields(std::string_view type);

}  // namespace fundledger
