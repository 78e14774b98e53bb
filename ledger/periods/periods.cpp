// The list of periods and their seals.
#include "core/ledger_impl.hpp"

#include <fundledger/error.hpp>
#include <fundledger/periods.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <map>

namespace fundledger {

std::vector<PeriodStatus> list_periods(const Ledger& ledger) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  std::vector<PeriodStatus> periods;
  try {
    SQLite::Transaction snapshot(impl.database);
    impl.refresh_if_changed();
    SQLite::Statement range(impl.database, "SELECT MIN(date), MAX(date) FROM postings");
    if (!range.executeStep() || range.getColumn(0).isNull()) return periods;
    Period period = Period::month_of(Date::from_day_number(range.getColumn(0).getInt()));
    Period last = Period::month_of(Date::from_day_number(range.getColumn(1).getInt()));
    std::map<std::string, PeriodStatus> closed;
    SQLite::Statement seals(impl.database,
                            "SELECT p.period, p.close_seq, e.recorded_at, p.head_hash, p.balances_hash "
                            "FROM periods p JOIN events e ON e.seq = p.close_seq");
    while (seals.executeStep()) {
      PeriodStatus status;
      status.period = Period::parse(seals.getColumn(0).getString());
      status.state = "closed";
      status.close_seq = seals.getColumn(1).getInt64();
      status.closed_at = seals.getColumn(2).getString();
      status.head_hash = seals.getColumn(3).getString();
      status.balances_hash = seals.getColumn(4).getString();
      closed[status.period.to_string()] = status;
    }
    if (impl.last_closed && last.first_day() <= impl.last_closed->last_day()) last = impl.last_closed->next();
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
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "reading the periods");
  }
  return periods;
}

}  // namespace fundledger
