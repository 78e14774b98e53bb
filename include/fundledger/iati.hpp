// The funds' transactions as IATI 2.03 activity XML (the International Aid Transparency
// Initiative's standard), for publication to the IATI registry.
//
// One iati-activity per fund, and one per project (its identifier the fund's followed by the
// project code), each with its transactions dated in the period: a signed pledge as type 11
// (incoming commitment, in the pledge currency), a reduction as type 11 with a negative value, a
// receipt as type 1 (incoming funds, from the donor), a grant or an advance to an implementing
// partner as type 3 (disbursement), programme expenditure as type 4 (expenditure), a reversal as
// its event's type with the value negated. Budgets of the years in the period are budget elements
// (type 1 original for the first recorded, 2 revised for later ones). Values are in the currency of
// the event, each with its value date.
//
// The reporting organisation comes from the settings iati_org_ref (its IATI identifier, required)
// and iati_org_name; the sector of every activity from iati_sector (a DAC 5-digit purpose code,
// 15130 Legal and judicial development when not set).
//
// Errors: Error (usage) when iati_org_ref is not set; Error (storage) when the database fails.
// Thread-safety: as for Ledger.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/ledger.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>

namespace fundledger {

struct IatiOptions {
  std::optional<Period> period;  // none: every event
};

// Writes the XML to out; returns the number of transactions written.
std::int64_t export_iati(const Ledger& ledger, std::ostream& out, const IatiOptions& options = {});

}  // namespace fundledger
