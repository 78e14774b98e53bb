// Private: what one event changes in a ledger, as a rule returns it: the event as it is stored (its
// canonical body and postings), and every projection it adds to or updates. The core appends the
// event, gives it its seq and hash, and applies the rest, in this order: currencies, master data,
// the pledge, then what refers to the event's own seq (holdings, moves, recognitions, reversals,
// the seal).
#pragma once

#include "core/types.hpp"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace fundledger::detail {

struct Change {
  // An event already recorded identically: nothing to do, and its seq (idempotency).
  std::int64_t already_recorded_seq = 0;
  // What the officer should know of what was recorded (RecordResult::notes).
  std::vector<std::string> notes;

  // The event as stored.
  std::string type;
  std::string event_id;  // empty for master data and the period events
  std::optional<Date> date;
  std::string body;  // canonical JSON of its fields (an entry's without its postings)
  std::vector<StoredPosting> postings;
  // What its postings count as in the movements the reports read: the rule's, else its type's.
  std::optional<MovementKind> kind;

  // Master data. Currencies used or declared for the first time get the next ids, in order.
  std::deque<CurrencyRecord> currencies_added;
  std::optional<std::int64_t> currency_declared;  // an existing currency, now declared by this event
  std::optional<AccountRecord> account_added;
  std::optional<FundRecord> fund_added;
  std::int64_t fund_parent_id = 0;
  std::optional<DonorRecord> donor_added;
  std::optional<ProjectRecord> project_added;
  struct Rate {
    std::int64_t currency_id = 0;
    std::int32_t day = 0;
    Decimal per_usd;
  };
  std::optional<Rate> rate_added;
  struct Setting {
    std::string key;
    std::int32_t day = 0;
    std::string value;
  };
  std::optional<Setting> setting_added;

  // Pledges.
  std::optional<PledgeRecord> pledge_added;  // its seq is this event's
  std::vector<InstalmentRow> instalments_added;  // recognized_by_this_event where signing recognizes them
  struct Recognition {
    std::int64_t pledge_id = 0;
    std::vector<std::int64_t> lines;
  };
  std::vector<Recognition> recognized;             // instalments this event recognizes
  std::optional<std::int64_t> unrecognized_by;     // instalments recognized by that seq fall due again
  std::optional<std::int64_t> pledge_reversed;     // a pledge this event cancels by reversing it
  std::vector<InstalmentCut> cuts;                 // instalments not yet recognized that it reduces

  // Money held, and what moved it; which event this one reverses.
  // Each the posting of a holding this event creates: a liability's credit, or the debit of an
  // advance to a partner (held as its amount, positive either way).
  std::vector<StoredPosting> holdings_added;
  std::string partner;  // the implementing partner of an advance, kept with its holding
  std::vector<HoldingMove> moves;
  // Records a move of a holding, in effect on its event's date unless a day is given.
  void move(std::int64_t holding_seq, std::int64_t amount_minor, std::int64_t functional_minor,
            std::optional<std::int32_t> day = std::nullopt) {
    moves.push_back({holding_seq, amount_minor, functional_minor, day});
  }
  std::optional<std::int64_t> reverses;

  std::optional<BudgetRow> budget_added;  // its seq is this event's
  std::optional<AmendmentRow> amendment_added;  // its seq is this event's

  // The close.
  std::optional<Period> closes;    // sealed once the event is appended
  std::optional<Period> reopens;   // its seal removed
};

// The recognized_seq of an instalment that the pledge event itself recognizes.
inline constexpr std::int64_t recognized_by_this_event = -1;

}  // namespace fundledger::detail
