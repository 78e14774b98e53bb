// The list of periods and their seals.
#include "engine/ledger_access.hpp"

#include <fundledger/error.hpp>
#include <fundledger/periods.hpp>

#include <map>

namespace fundledger {

std::vector<PeriodStatus> list_periods(const Ledger& ledger) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "reading the periods", [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger);
    std::vector<PeriodStatus> periods;
    const auto first_day = snapshot.txn->first_posting_day();
    const auto last_day = snapshot.txn->last_posting_day();
    if (!first_day || !last_day) return periods;
    Period period = Period::month_of(Date::from_day_number(*first_day));
    Period last = Period::month_of(Date::from_day_number(*last_day));
    std::map<std::string, PeriodStatus> closed;
    for (const detail::SealRow& seal : snapshot.txn->seals()) {
      closed[seal.period] = {Period::parse(seal.period), "closed", seal.close_seq, seal.recorded_at, seal.head_hash,
                             seal.balances_hash};
    }
    const auto last_closed = snapshot.txn->last_closed();
    if (last_closed && last.first_day() <= last_closed->last_day()) last = last_closed->next();
    while (period.first_day() <= last.first_day()) {
      auto found = closed.find(period.to_string());
      if (found != closed.end()) {
        periods.push_back(found->second);
      } else {
        PeriodStatus status;
        status.period = period;
        status.state = "open";
        periods.push_back(status);
      }
      period = period.next();
    }
    return periods;
  });
}

}  // namespace fundledger
