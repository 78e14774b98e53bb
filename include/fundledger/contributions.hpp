// Pledges as the journal shows them: what was pledged, received, reduced and is outstanding.
//
// Everything here is derived from the journal (the postings to 1200, 2200 and 1290 of each pledge
// and the pledge events), so replay rebuilds it; it is never a second source of truth.
//
// Example:
//   auto ledger = Ledger::open("cpcjf.db", OpenMode::read_only);
//   PledgeQuery query;
//   query.donor = "DEU";
//   for (const auto& pledge : list_pledges(ledger, query))
//     std::cout << pledge.id << " " << pledge.outstanding.to_string() << "\n";
//
// Errors: Error (unknown_reference) for a pledge id that does not exist, Error (storage) when the
// database fails.
// Thread-safety: as for Ledger.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/decimal.hpp>
#include <fundledger/ledger.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fundledger {

struct InstalmentStatus {
  Date due = Date::from_day_number(0);
  Decimal amount;       // in the pledge currency
  Decimal paid;         // receipts applied to it, oldest instalment first
  Decimal reduced;      // reductions and write-offs, latest instalment first
  Decimal outstanding;  // amount - paid - reduced
};

// One event that moved the receivable of a pledge.
struct PledgeMovement {
  std::int64_t seq = 0;
  std::string event_id;
  std::string type;  // pledge, receipt, apply, reduction, write_off, reversal...
  Date date = Date::from_day_number(0);
  Decimal amount;  // change of the receivable, in the pledge currency (credits negative)
  Decimal usd;     // change of its carrying USD
};

struct PledgeStatus {
  std::string id;
  std::string donor;
  std::string fund;
  std::string project;  // empty: none
  std::string purpose;  // general | special
  std::string currency;
  Date signed_on = Date::from_day_number(0);
  bool conditional = false;
  std::string status;  // open | paid | reduced | cancelled
  Decimal pledged;
  Decimal received;
  Decimal reduced;
  Decimal written_off;
  Decimal outstanding;   // pledged - received - reduced - written off
  Decimal receivable;    // the 1200 balance: what is recognized and not yet settled
  Decimal carrying_usd;  // the USD that 1200 holds for it
  Decimal deferred;      // conditions not yet met (2200)
  Decimal allowance;     // allowance for doubtful collection (1290)
  std::vector<InstalmentStatus> installments;
  // Paid ahead of instalments not yet recognized, held for the pledge (2100) and applied to them
  // as they are recognized: what remains held.
  Decimal paid_ahead;
  // Received beyond what the pledge had outstanding and held for the donor as an advance (2100),
  // and what of it is still held: filled by find_pledge only.
  Decimal held_as_advance;
  Decimal advance_remaining;
  std::vector<PledgeMovement> movements;  // filled by find_pledge only
};

struct PledgeQuery {
  std::string donor;   // empty: all
  std::string fund;    // empty: all
  std::string status;  // empty: all; else open | paid | reduced | cancelled
  // Set: the pledges signed by this day, with their figures as they stood at its end (movements
  // dated after it left out). Unset: as they stand now.
  std::optional<Date> as_of;
};

// The pledges matching query, in the order they were signed (then by id).
std::vector<PledgeStatus> list_pledges(const Ledger& ledger, const PledgeQuery& query);
// One pledge with its movements.
PledgeStatus find_pledge(const Ledger& ledger, std::string_view id);

}  // namespace fundledger
