// The pledge projection: each pledge's figures, instalments and movements, from the journal.
#include "core/ledger_impl.hpp"
#include "core/text.hpp"

#include <fundledger/contributions.hpp>
#include <fundledger/error.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>

namespace fundledger {

namespace {

// The receivable's movements of one pledge, by the kind of event that made them. A reversal counts
// as the kind of event it reverses, so that a reversed receipt is no longer received.
constexpr const char* movements_sql =
    "SELECT p.seq, IFNULL(e.event_id, ''), e.type, CASE WHEN p.kind = 3 THEN 'recognition' "
    "ELSE IFNULL(o.type, e.type) END, e.date, "
    "SUM(p.amount_minor), SUM(p.functional_minor) "
    "FROM postings p JOIN events e ON e.seq = p.seq "
    "LEFT JOIN reversals r ON r.reversal_seq = e.seq LEFT JOIN events o ON o.seq = r.reversed_seq "
    "WHERE p.pledge_id = ? AND p.account_id = ? GROUP BY p.seq, 4 "
    "HAVING SUM(p.amount_minor) != 0 OR SUM(p.functional_minor) != 0 ORDER BY p.seq";

std::int64_t account_id(const Ledger::Impl& impl, std::string_view code) {
  const auto* account = impl.state.accounts.find(code);
  return account ? account->id : -1;
}

PledgeStatus status_of(Ledger::Impl& impl, const detail::PledgeRecord& pledge, bool with_movements) {
  const auto& state = impl.state;
  const auto& currency = state.currencies.by_id(pledge.currency_id);
  const int units = currency.minor_units;
  PledgeStatus status;
  status.id = pledge.code;
  status.donor = state.donors.by_id(pledge.donor_id).code;
  status.fund = state.funds.by_id(pledge.fund_id).code;
  if (pledge.project_id) status.project = state.projects.by_id(pledge.project_id).code;
  status.purpose = purpose_name(pledge.purpose);
  status.currency = currency.code;
  status.signed_on = pledge.signed_on;
  status.conditional = pledge.conditional;

  std::int64_t pledged = 0;
  bool reversed = false;
  {
    SQLite::Statement query(impl.database, "SELECT amount_minor, reversed FROM pledges WHERE id = ?");
    query.bind(1, pledge.id);
    if (query.executeStep()) {
      pledged = query.getColumn(0).getInt64();
      reversed = query.getColumn(1).getInt() != 0;
    }
  }
  std::int64_t received = 0, reduced = 0, written_off = 0, receivable = 0, carrying = 0;
  SQLite::Statement query(impl.database, movements_sql);
  query.bind(1, pledge.id);
  query.bind(2, account_id(impl, "1200"));
  while (query.executeStep()) {
    const std::string kind = query.getColumn(3).getString();
    const std::int64_t amount = query.getColumn(5).getInt64();
    const std::int64_t usd = query.getColumn(6).getInt64();
    receivable += amount;
    carrying += usd;
    if (kind == "receipt" || kind == "apply") received -= amount;
    if (kind == "reduction") reduced -= amount;
    if (kind == "write_off") written_off -= amount;
    if (with_movements) {
      status.movements.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(),
                                  query.getColumn(2).getString(), Date::from_day_number(query.getColumn(4).getInt()),
                                  Decimal::from_minor_units(amount, units), Decimal::from_minor_units(usd, 2)});
    }
  }
  // A reversed pledge is cancelled in full: what its reversal took off is not outstanding.
  if (reversed && received == 0) reduced = pledged - written_off;
  auto balance = [&](std::string_view account, bool revenue_side) {
    const std::int64_t id = account_id(impl, account);
    if (id < 0) return std::int64_t{0};
    auto sums = impl.balance_of({id, pledge.fund_id, pledge.donor_id, revenue_side ? pledge.project_id : 0, pledge.id,
                                 pledge.currency_id});
    return sums.credit - sums.debit;
  };
  status.pledged = Decimal::from_minor_units(pledged, units);
  status.received = Decimal::from_minor_units(received, units);
  status.reduced = Decimal::from_minor_units(reduced, units);
  status.written_off = Decimal::from_minor_units(written_off, units);
  const std::int64_t outstanding = pledged - received - reduced - written_off;
  status.outstanding = Decimal::from_minor_units(outstanding, units);
  status.receivable = Decimal::from_minor_units(receivable, units);
  status.carrying_usd = Decimal::from_minor_units(carrying, 2);
  status.deferred = Decimal::from_minor_units(balance("2200", true), units);
  status.allowance = Decimal::from_minor_units(balance("1290", false), units);
  if (reversed || (outstanding <= 0 && received == 0)) {
    status.status = "cancelled";
  } else if (outstanding > 0) {
    status.status = "open";
  } else {
    status.status = reduced > 0 || written_off > 0 ? "reduced" : "paid";
  }

  // Instalments: receipts pay the oldest first; reductions and write-offs take the latest first.
  SQLite::Statement instalments(impl.database,
                                "SELECT due, amount_minor FROM instalments WHERE pledge_id = ? ORDER BY due, line");
  instalments.bind(1, pledge.id);
  std::vector<std::pair<std::int32_t, std::int64_t>> schedule;
  while (instalments.executeStep()) schedule.emplace_back(instalments.getColumn(0).getInt(), instalments.getColumn(1).getInt64());
  std::vector<std::int64_t> paid(schedule.size()), cut(schedule.size());
  std::int64_t to_pay = std::max<std::int64_t>(0, received);
  for (std::size_t i = 0; i < schedule.size() && to_pay > 0; ++i) {
    paid[i] = std::min(to_pay, schedule[i].second);
    to_pay -= paid[i];
  }
  std::int64_t to_cut = std::max<std::int64_t>(0, reduced + written_off);
  for (std::size_t i = schedule.size(); i-- > 0 && to_cut > 0;) {
    cut[i] = std::min(to_cut, schedule[i].second - paid[i]);
    to_cut -= cut[i];
  }
  for (std::size_t i = 0; i < schedule.size(); ++i) {
    status.installments.push_back({Date::from_day_number(schedule[i].first),
                                   Decimal::from_minor_units(schedule[i].second, units),
                                   Decimal::from_minor_units(paid[i], units), Decimal::from_minor_units(cut[i], units),
                                   Decimal::from_minor_units(schedule[i].second - paid[i] - cut[i], units)});
  }
  return status;
}

}  // namespace

std::vector<PledgeStatus> list_pledges(const Ledger& ledger, const PledgeQuery& query) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  std::vector<PledgeStatus> result;
  try {
    SQLite::Transaction snapshot(impl.database);
    impl.refresh_if_changed();
    std::vector<const detail::PledgeRecord*> pledges;
    for (const auto& pledge : impl.state.pledges.all()) pledges.push_back(&pledge);
    std::stable_sort(pledges.begin(), pledges.end(), [](const auto* a, const auto* b) {
      return a->signed_on != b->signed_on ? a->signed_on < b->signed_on : a->code < b->code;
    });
    for (const auto* pledge : pledges) {
      if (!query.donor.empty() && impl.state.donors.by_id(pledge->donor_id).code != query.donor) continue;
      if (!query.fund.empty() && impl.state.funds.by_id(pledge->fund_id).code != query.fund) continue;
      PledgeStatus status = status_of(impl, *pledge, false);
      if (!query.status.empty() && status.status != query.status) continue;
      result.push_back(std::move(status));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "reading pledges");
  }
  return result;
}

PledgeStatus find_pledge(const Ledger& ledger, std::string_view id) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  try {
    SQLite::Transaction snapshot(impl.database);
    impl.refresh_if_changed();
    const auto* pledge = impl.state.pledges.find(id);
    if (!pledge) throw Error(ErrorCode::unknown_reference, "unknown pledge " + detail::quote(id));
    return status_of(impl, *pledge, true);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "reading pledge " + std::string(id));
  }
}

}  // namespace fundledger
