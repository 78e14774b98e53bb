// The pledge projection: each pledge's figures, instalments and movements, from the journal.
#include "core/chart.hpp"
#include "core/mutants.hpp"
#include "core/text.hpp"
#include "engine/ledger_access.hpp"
#include "engine/pledge_status.hpp"

#include <fundledger/contributions.hpp>
#include <fundledger/error.hpp>


#include <algorithm>
#include <map>

namespace fundledger {

namespace {

std::int64_t account_id(const detail::MasterState& master, std::string_view code) {
  const auto* account = master.accounts.find(code);
  return account ? account->id : -1;
}

// The pledge's movements of its receivable, summed into what was received, reduced and written off;
// with with_movements, kept one by one.
struct Figures {
  std::int64_t received = 0, reduced = 0, written_off = 0, receivable = 0, carrying = 0;
  std::int64_t held = 0, held_remaining = 0;  // over-payments held as advances (find_pledge only)
};

// Whether a movement dated day falls within the view (as_of unset: everything recorded).
bool within(std::int32_t day, const std::optional<Date>& as_of) { return !as_of || day <= as_of->day_number(); }

Figures movements_of(const detail::Snapshot& snapshot, const detail::PledgeRecord& pledge,
                     const std::optional<Date>& as_of, PledgeStatus* status) {
  Figures figures;
  const int units = snapshot.master.currencies.by_id(pledge.currency_id).minor_units;
  for (const store::PledgeMovementRow& row :
       snapshot.txn->pledge_movements(pledge.id, account_id(snapshot.master, detail::account::receivable))) {
    if (!within(row.day, as_of)) continue;
    figures.receivable += row.amount_minor;
    figures.carrying += row.functional_minor;
    if (row.kind == "receipt" || (row.kind == "apply" && !FUNDLEDGER_MUTANT("miscount_received"))) {
      figures.received -= row.amount_minor;
    }
    if (row.kind == "reduction") figures.reduced -= row.amount_minor;
    if (row.kind == "write_off") figures.written_off -= row.amount_minor;
    if (status && (row.type == "receipt" || row.type == "apply")) {
      // An over-payment: what the receipt (or the advance applied) held beyond the pledge.
      const std::optional<detail::Holding> held = snapshot.txn->holding(row.seq, std::nullopt);
      // Money paid ahead of instalments, held for this pledge, is not paid beyond it.
      if (held && !snapshot.txn->reversal_of(row.seq) && held->account_id == account_id(snapshot.master, detail::account::received_in_advance) &&
          held->currency_id == pledge.currency_id && held->pledge_id != pledge.id) {
        figures.held += held->initial_minor;
        figures.held_remaining += held->amount_minor;
      }
    }
    if (status) {
      status->movements.push_back({row.seq, row.event_id, row.type, Date::from_day_number(row.day),
                                   Decimal::from_minor_units(row.amount_minor, units),
                                   Decimal::from_minor_units(row.functional_minor, 2)});
    }
  }
  return figures;
}

// What reductions cut off each instalment before it was recognized, by line (by as_of, when set).
std::map<std::int64_t, std::int64_t> cuts_by_line(const detail::Snapshot& snapshot, const detail::PledgeRecord& pledge,
                                                  const std::vector<detail::InstalmentRow>& schedule,
                                                  const std::optional<Date>& as_of) {
  std::map<std::int64_t, std::int64_t> cuts;
  if (!as_of) {
    for (const detail::InstalmentRow& row : schedule) {
      if (row.cut_minor != 0) cuts[row.line] = row.cut_minor;
    }
  } else {
    for (const auto& [day, cut] : snapshot.txn->pledge_cuts(pledge.id)) {
      if (within(day, as_of)) cuts[cut.line] += cut.amount_minor;
    }
  }
  return cuts;
}

// Instalments: what reductions cut off them before they were recognized stays with each; receipts
// pay the oldest first; reductions and write-offs of what was recognized take the latest first.
void add_instalments(const std::vector<detail::InstalmentRow>& schedule, const std::map<std::int64_t, std::int64_t>& cuts,
                     std::int64_t received, std::int64_t cut_total, int units, PledgeStatus& status) {
  std::vector<std::int64_t> paid(schedule.size()), cut(schedule.size());
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    const auto found = cuts.find(schedule[i].line);
    cut[i] = found == cuts.end() ? 0 : found->second;
  }
  std::int64_t to_pay = std::max<std::int64_t>(0, received);
  for (std::size_t i = 0; i < schedule.size() && to_pay > 0; ++i) {
    paid[i] = std::min(to_pay, schedule[i].amount_minor - cut[i]);
    to_pay -= paid[i];
  }
  std::int64_t to_cut = std::max<std::int64_t>(0, cut_total);
  for (std::size_t i = schedule.size(); i-- > 0 && to_cut > 0;) {
    const std::int64_t part = std::min(to_cut, schedule[i].amount_minor - cut[i] - paid[i]);
    cut[i] += part;
    to_cut -= part;
  }
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    status.installments.push_back({Date::from_day_number(schedule[i].due),
                                   Decimal::from_minor_units(schedule[i].amount_minor, units),
                                   Decimal::from_minor_units(paid[i], units), Decimal::from_minor_units(cut[i], units),
                                   Decimal::from_minor_units(schedule[i].amount_minor - paid[i] - cut[i], units)});
  }
}

// What is paid ahead for the pledge and still held (at the end of as_of, when set).
std::int64_t paid_ahead_of(const detail::Snapshot& snapshot, const detail::PledgeRecord& pledge,
                           const std::optional<Date>& as_of) {
  const std::int64_t held = account_id(snapshot.master, detail::account::received_in_advance);
  std::int64_t total = 0;
  if (held < 0) return total;
  for (const detail::Holding& holding : snapshot.txn->paid_ahead(pledge.id, held)) {
    if (!as_of) {
      total += holding.amount_minor;
      continue;
    }
    const std::optional<detail::EventRef> event = snapshot.txn->event_at(holding.seq);
    if (!event || !event->day || !within(*event->day, as_of)) continue;
    if (const auto then = snapshot.txn->holding(holding.seq, as_of->day_number())) total += then->amount_minor;
  }
  return total;
}

// Whether the pledge event itself was reversed (by as_of, when set).
bool reversed_by(const detail::Snapshot& snapshot, const detail::PledgeRecord& pledge, const std::optional<Date>& as_of) {
  if (!pledge.reversed || !as_of) return pledge.reversed;
  const std::optional<std::int64_t> reversal = snapshot.txn->reversal_of(pledge.seq);
  if (!reversal) return false;
  const std::optional<detail::EventRef> event = snapshot.txn->event_at(*reversal);
  return event && event->day && within(*event->day, as_of);
}

PledgeStatus status_of(const detail::Snapshot& snapshot, const detail::PledgeRecord& pledge, bool with_movements,
                       const std::optional<Date>& as_of = std::nullopt) {
  const auto& master = snapshot.master;
  const auto& currency = master.currencies.by_id(pledge.currency_id);
  const int units = currency.minor_units;
  PledgeStatus status;
  status.id = pledge.code;
  status.donor = master.donors.by_id(pledge.donor_id).code;
  status.fund = master.funds.by_id(pledge.fund_id).code;
  if (pledge.project_id) status.project = master.projects.by_id(pledge.project_id).code;
  status.purpose = purpose_name(pledge.purpose);
  status.currency = currency.code;
  status.signed_on = pledge.signed_on;
  status.conditional = pledge.conditional;
  Figures figures = movements_of(snapshot, pledge, as_of, with_movements ? &status : nullptr);
  const std::int64_t pledged = pledge.amount_minor;
  const bool reversed = reversed_by(snapshot, pledge, as_of);
  // A reversed pledge is cancelled in full: what its reversal took off is not outstanding.
  if (reversed && figures.received == 0) figures.reduced = pledged - figures.written_off;
  // The credit balance of one of the pledge's accounts (2200, 1290), at the end of as_of when set.
  auto balance = [&](std::string_view account, bool revenue_side) {
    const std::int64_t id = account_id(master, account);
    if (id < 0) return std::int64_t{0};
    if (as_of) {
      std::int64_t credit = 0;
      for (const store::PledgeMovementRow& row : snapshot.txn->pledge_movements(pledge.id, id)) {
        if (within(row.day, as_of)) credit -= row.amount_minor;
      }
      return credit;
    }
    const auto sums = snapshot.txn->balance(
        {id, pledge.fund_id, pledge.donor_id, revenue_side ? pledge.project_id : 0, pledge.id, pledge.currency_id});
    return sums.credit - sums.debit;
  };
  const std::vector<detail::InstalmentRow> schedule = snapshot.txn->instalments(pledge.id);
  const std::map<std::int64_t, std::int64_t> cuts = cuts_by_line(snapshot, pledge, schedule, as_of);
  std::int64_t cut_before_recognition = 0;
  for (const auto& [line, cut] : cuts) cut_before_recognition += cut;
  const std::int64_t reduced_by_postings = figures.reduced;
  figures.reduced += cut_before_recognition;
  status.pledged = Decimal::from_minor_units(pledged, units);
  status.received = Decimal::from_minor_units(figures.received, units);
  status.reduced = Decimal::from_minor_units(figures.reduced, units);
  status.written_off = Decimal::from_minor_units(figures.written_off, units);
  const std::int64_t outstanding = pledged - figures.received - figures.reduced - figures.written_off;
  status.outstanding = Decimal::from_minor_units(outstanding, units);
  status.receivable = Decimal::from_minor_units(figures.receivable, units);
  status.carrying_usd = Decimal::from_minor_units(figures.carrying, 2);
  status.held_as_advance = Decimal::from_minor_units(figures.held, units);
  status.advance_remaining = Decimal::from_minor_units(figures.held_remaining, units);
  status.deferred = Decimal::from_minor_units(balance(detail::account::deferred_revenue, true), units);
  status.allowance = Decimal::from_minor_units(balance(detail::account::allowance, false), units);
  if (reversed || (outstanding <= 0 && figures.received == 0)) {
    status.status = "cancelled";
  } else if (outstanding > 0) {
    status.status = "open";
  } else {
    status.status = figures.reduced > 0 || figures.written_off > 0 ? "reduced" : "paid";
  }
  add_instalments(schedule, cuts, figures.received, reduced_by_postings + figures.written_off, units, status);
  const bool unrecognized = std::any_of(schedule.begin(), schedule.end(), [](const auto& row) { return row.recognized_seq == 0; });
  status.paid_ahead = Decimal::from_minor_units(with_movements || unrecognized ? paid_ahead_of(snapshot, pledge, as_of) : 0, units);
  return status;
}

}  // namespace

PledgeStatus detail::pledge_status(const Snapshot& snapshot, const PledgeRecord& pledge) {
  return status_of(snapshot, pledge, false);
}

std::vector<PledgeStatus> list_pledges(const Ledger& ledger, const PledgeQuery& query) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "reading pledges", [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger, detail::Pledges::read);
    std::vector<const detail::PledgeRecord*> pledges;
    for (const auto& pledge : snapshot.master.pledges.all()) {
      if (within(pledge.signed_on.day_number(), query.as_of)) pledges.push_back(&pledge);
    }
    std::stable_sort(pledges.begin(), pledges.end(), [](const auto* a, const auto* b) {
      return a->signed_on != b->signed_on ? a->signed_on < b->signed_on : a->code < b->code;
    });
    std::vector<PledgeStatus> result;
    for (const auto* pledge : pledges) {
      if (!query.donor.empty() && snapshot.master.donors.by_id(pledge->donor_id).code != query.donor) continue;
      if (!query.fund.empty() && snapshot.master.funds.by_id(pledge->fund_id).code != query.fund) continue;
      PledgeStatus status = status_of(snapshot, *pledge, false, query.as_of);
      if (!query.status.empty() && status.status != query.status) continue;
      result.push_back(std::move(status));
    }
    return result;
  });
}

PledgeStatus find_pledge(const Ledger& ledger, std::string_view id) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "reading pledge " + std::string(id), [&] {
    // The one pledge, read alone: not every pledge of the ledger with the master data.
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger);
    const std::optional<detail::PledgeRecord> pledge = snapshot.txn->pledge_named(id);
    if (!pledge) throw Error(ErrorCode::unknown_reference, "unknown pledge " + detail::quote(id));
    return status_of(snapshot, *pledge, true);
  });
}

}  // namespace fundledger
