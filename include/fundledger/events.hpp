// The events a ledger records: master data, settings and journal entries.
//
// Every writer (the command line, import, replay, an embedding program) builds these values and
// hands them to Ledger::record, which validates them against what is stored, derives the postings
// and appends them to the journal. parse_event() reads one event from its JSON Lines form
// (INTERFACES.md), and canonical_json() writes the form that is stored, exported and hashed.
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

using Event = std::variant<CurrencyEvent, AccountEvent, FundEvent, DonorEvent, ProjectEvent,
                           RateEvent, SettingEvent, EntryEvent>;

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

}  // namespace fundledger
