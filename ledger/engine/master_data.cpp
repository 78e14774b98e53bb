// The listings of master data (fundledger/master_data.hpp), from one snapshot of the ledger.
#include "core/journal_lines.hpp"
#include "core/master.hpp"
#include "engine/ledger_access.hpp"

#include <fundledger/master_data.hpp>

#include <algorithm>

namespace fundledger {

namespace {

using detail::MasterState;

// The day names are taken on: the one asked, else today (UTC), so that a change effective later
// does not show before its day.
Date naming_day(std::optional<Date> as_of) {
  return as_of ? *as_of : Date::parse(std::string_view(detail::utc_timestamp_now()).substr(0, 10));
}

template <class Info, class Make>
std::vector<Info> listed(const Ledger& ledger, const char* what, Make make) {
  return detail::guarded(detail::LedgerAccess::store(ledger), std::string("listing ") + what, [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger);
    std::vector<Info> rows = make(snapshot.master);
    std::sort(rows.begin(), rows.end(), [](const Info& a, const Info& b) { return a.code < b.code; });
    return rows;
  });
}

}  // namespace

std::vector<AccountInfo> list_accounts(const Ledger& ledger) {
  return listed<AccountInfo>(ledger, "accounts", [](const MasterState& master) {
    std::vector<AccountInfo> rows;
    for (const auto& a : master.accounts.all()) rows.push_back({a.code, a.event.name, a.event.account_class});
    return rows;
  });
}

std::vector<FundInfo> list_funds(const Ledger& ledger, std::optional<Date> as_of) {
  return listed<FundInfo>(ledger, "funds", [as_of](const MasterState& master) {
    std::vector<FundInfo> rows;
    for (const auto& f : master.funds.all()) {
      rows.push_back({f.code, detail::name_on(f, naming_day(as_of)), f.event.kind, f.event.parent});
    }
    return rows;
  });
}

std::vector<DonorInfo> list_donors(const Ledger& ledger, std::optional<Date> as_of) {
  return listed<DonorInfo>(ledger, "donors", [as_of](const MasterState& master) {
    std::vector<DonorInfo> rows;
    const Date day = naming_day(as_of);
    for (const auto& d : master.donors.all()) {
      rows.push_back({d.code, detail::name_on(d, day), detail::category_on(d, day), detail::country_on(d, day)});
    }
    return rows;
  });
}

std::vector<ProjectInfo> list_projects(const Ledger& ledger, std::optional<Date> as_of) {
  return listed<ProjectInfo>(ledger, "projects", [as_of](const MasterState& master) {
    std::vector<ProjectInfo> rows;
    for (const auto& p : master.projects.all()) {
      rows.push_back({p.code, detail::name_on(p, naming_day(as_of)), p.event.fund, p.event.psc_rate});
    }
    return rows;
  });
}

std::vector<RateInfo> list_rates(const Ledger& ledger, const std::string& currency, std::optional<Date> as_of) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "listing rates", [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger);
    std::vector<const detail::CurrencyRecord*> currencies;
    for (const auto& c : snapshot.master.currencies.all()) {
      if (currency.empty() || c.code == currency) currencies.push_back(&c);
    }
    std::sort(currencies.begin(), currencies.end(), [](const auto* a, const auto* b) { return a->code < b->code; });
    std::vector<RateInfo> rows;
    for (const auto* c : currencies) {
      const detail::RateEntry* in_force = nullptr;
      for (const detail::RateEntry& rate : c->rates) {
        if (!as_of) {
          rows.push_back({c->code, Date::from_day_number(rate.day), rate.per_usd});
        } else if (rate.day <= as_of->day_number()) {
          in_force = &rate;
        }
      }
      if (in_force) rows.push_back({c->code, Date::from_day_number(in_force->day), in_force->per_usd});
    }
    return rows;
  });
}

std::vector<SettingInfo> list_settings(const Ledger& ledger, std::optional<Date> as_of) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "listing settings", [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger);
    std::vector<SettingInfo> rows;
    for (const auto& [key, history] : snapshot.master.settings) {
      const detail::SettingEntry* in_force = nullptr;
      for (const detail::SettingEntry& entry : history.values) {
        const auto effective = entry.day == detail::beginning_of_time ? std::optional<Date>{}
                                                                      : std::optional(Date::from_day_number(entry.day));
        if (!as_of) {
          rows.push_back({key, effective, entry.value});
        } else if (entry.day <= as_of->day_number()) {
          in_force = &entry;
        }
      }
      if (in_force) {
        rows.push_back({key,
                        in_force->day == detail::beginning_of_time ? std::optional<Date>{}
                                                                   : std::optional(Date::from_day_number(in_force->day)),
                        in_force->value});
      }
    }
    return rows;
  });
}

}  // namespace fundledger
