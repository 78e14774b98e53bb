// Recording: the checks and postings of every event type, inside the write transaction.
#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"
#include "core/posting_builder.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <map>

namespace fundledger {

using detail::field_error;
using detail::StoredPosting;

namespace {

[[noreturn]] void conflict(const std::string& what, const std::string& stored,
                           const std::string& given) {
  throw Error(ErrorCode::conflict, what + " is already recorded differently: stored " + stored +
                                       ", given " + given);
}

}  // namespace

const detail::CurrencyRecord& Ledger::Impl::currency_for_use(std::string_view code,
                                                             const std::string& field) {
  if (const auto* known = state.currencies.find(code)) return *known;
  auto iso = iso_currency(code);
  if (!iso) {
    throw Error(ErrorCode::unknown_reference,
                field_error(field, "unknown currency " + json::quoted(code) +
                                       ": not ISO 4217 and not declared with a currency event"));
  }
  detail::CurrencyRecord record;
  record.id = state.currencies.next_id();
  record.code = iso->code;
  record.minor_units = iso->minor_units;
  SQLite::Statement insert(database,
                           "INSERT INTO currencies (id, code, minor_units, declared) VALUES (?, ?, ?, 0)");
  insert.bind(1, record.id);
  insert.bind(2, record.code);
  insert.bind(3, record.minor_units);
  insert.exec();
  state.currencies.add(std::move(record));
  return *state.currencies.find(code);
}

const Decimal& Ledger::Impl::rate_on(const detail::CurrencyRecord& currency, Date day) const {
  const auto& rates = currency.rates;
  auto after = std::upper_bound(rates.begin(), rates.end(), day.day_number(),
                                [](std::int32_t value, const auto& rate) { return value < rate.first; });
  if (after == rates.begin()) {
    std::string detail = rates.empty()
                             ? "it has no rate at all"
                             : "its earliest rate is effective " +
                                   Date::from_day_number(rates.front().first).to_string();
    throw Error(ErrorCode::bad_input, "no " + currency.code + " rate in force on " +
                                          day.to_string() + " (" + detail +
                                          "): record a rate event first");
  }
  return std::prev(after)->second;
}

std::string Ledger::Impl::setting_on(std::string_view key, Date day) const {
  auto found = state.settings.find(key);
  if (found != state.settings.end()) {
    const auto& values = found->second.values;
    auto after = std::upper_bound(values.begin(), values.end(), day.day_number(),
                                  [](std::int32_t value, const auto& item) { return value < item.first; });
    if (after != values.begin()) return std::prev(after)->second;
  }
  // The standard values, for a ledger created without them.
  if (key == "rounding") return "half-even";
  if (key == "psc_rate") return "0.13";
  if (key == "recognition") return "upfront";
  if (key == "functional_currency") return "USD";
  if (key == "max_future_days") return "400";
  return "";
}

Rounding Ledger::Impl::rounding_on(Date day) const { return parse_rounding(setting_on("rounding", day)); }

std::int64_t Ledger::Impl::usd_value_minor(const detail::CurrencyRecord& currency, const Decimal& amount,
                                           Date day) const {
  try {
    if (currency.code == functional_currency_code) return amount.to_minor_units(2);
    return Decimal::divide(amount, rate_on(currency, day), 2, rounding_on(day)).to_minor_units(2);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::overflow) throw;
    throw Error(ErrorCode::bad_input, field_error("amount", "the USD value of " + amount.to_string() + " " +
                                                                currency.code + " is beyond what the ledger holds "
                                                                "exactly (" + error.what() + ")"));
  }
}

Date Ledger::Impl::recorded_day() const {
  // transaction_recorded_at is "YYYY-MM-DDTHH:MM:SSZ".
  return Date::parse(std::string_view(transaction_recorded_at).substr(0, 10));
}

void Ledger::Impl::check_not_far_future(const Event& event) const {
  // The day an event is dated by, and the field that gives it.
  const auto [day, field] = std::visit(
      [](const auto& e) -> std::pair<std::optional<Date>, const char*> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, RateEvent>) {
          return {e.effective, "effective"};
        } else if constexpr (std::is_same_v<T, SettingEvent>) {
          return {e.effective, "effective"};
        } else if constexpr (std::is_same_v<T, PledgeEvent>) {
          return {e.signed_on, "signed"};
        } else if constexpr (std::is_same_v<T, PeriodCloseEvent> || std::is_same_v<T, PeriodReopenEvent>) {
          return {e.period.last_day(), "period"};
        } else if constexpr (requires { e.date; }) {
          return {e.date, "date"};
        } else {
          return {std::nullopt, ""};
        }
      },
      event);
  if (!day) return;
  const Date today = recorded_day();
  const std::int64_t limit = std::stoll(setting_on("max_future_days", today));
  if (static_cast<std::int64_t>(day->day_number()) - today.day_number() > limit) {
    throw Error(ErrorCode::bad_input,
                field_error(field, day->to_string() + " is more than " + std::to_string(limit) + " days after " +
                                       today.to_string() + ", the day it is recorded: a mistyped year? (the "
                                       "limit is the setting max_future_days)"));
  }
}

namespace {

// The checks of a setting's value, by key.
void check_setting(const SettingEvent& event, const detail::MasterState& state) {
  const std::string& value = event.value;
  auto bad = [&event](const std::string& expected) {
    throw Error(ErrorCode::bad_input, field_error("value", "invalid value " + json::quoted(event.value) +
                                                               " for setting " + event.key +
                                                               ": expected " + expected));
  };
  if (event.key == "rounding") {
    try {
      parse_rounding(value);
    } catch (const Error&) {
      bad("down, up, half-up, half-down, half-even, ceiling or floor");
    }
  } else if (event.key == "psc_rate") {
    try {
      Decimal rate = Decimal::parse(value);
      if (rate.sign() < 0 || rate >= Decimal::from_integer(1)) bad("a rate from 0 to below 1, like 0.13");
    } catch (const Error&) {
      bad("a rate from 0 to below 1, like 0.13");
    }
  } else if (event.key == "recognition") {
    if (value != "upfront" && value != "per-instalment") bad("upfront or per-instalment");
  } else if (event.key == "functional_currency") {
    if (value != "USD") bad("USD (the functional currency of every ledger)");
  } else if (event.key == "psc_fund") {
    if (!state.funds.find(value)) bad("the code of a recorded fund");
  } else if (event.key == "max_future_days") {
    const bool digits = !value.empty() && value.size() <= 5 &&
                        value.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoi(value) > 36600) bad("a whole number of days from 0 to 36600, like 400");
  } else {
    throw Error(ErrorCode::bad_input,
                field_error("key", "unknown setting " + json::quoted(event.key) +
                                       ": expected rounding, psc_rate, psc_fund, recognition, "
                                       "functional_currency or max_future_days"));
  }
}

}  // namespace

std::int64_t Ledger::Impl::stored_seq(const char* sql, const std::string& code) {
  SQLite::Statement query(database, sql);
  query.bind(1, code);
  return query.executeStep() ? query.getColumn(0).getInt64() : 0;
}

RecordResult Ledger::Impl::record_one(const Event& event) {
  check_not_far_future(event);
  return std::visit(
      [this, &event](const auto& e) -> RecordResult {
        using T = std::decay_t<decltype(e)>;
        // Master data is compared and stored by its canonical body; the other events build their own.
        json::Object body;
        if constexpr (std::is_same_v<T, CurrencyEvent> || std::is_same_v<T, AccountEvent> ||
                      std::is_same_v<T, FundEvent> || std::is_same_v<T, DonorEvent> ||
                      std::is_same_v<T, ProjectEvent> || std::is_same_v<T, RateEvent> ||
                      std::is_same_v<T, SettingEvent>) {
          body = detail::body_fields(event);
        }

        if constexpr (std::is_same_v<T, CurrencyEvent>) {
          if (auto iso = iso_currency(e.code); iso && iso->minor_units != e.minor_units) {
            throw Error(ErrorCode::conflict,
                        field_error("minor_units", e.code + " is ISO 4217 with " +
                                                       std::to_string(iso->minor_units) +
                                                       " minor units, not " + std::to_string(e.minor_units)));
          }
          auto* known = state.currencies.find_mutable(e.code);
          if (known) {
            if (known->minor_units != e.minor_units) {
              conflict("currency " + e.code, std::to_string(known->minor_units) + " minor units",
                       std::to_string(e.minor_units) + " minor units");
            }
            if (known->declared_seq) return {false, known->declared_seq};
          }
          const std::int64_t seq = append_event("currency", {}, std::nullopt, body.render(), {});
          if (known) {
            SQLite::Statement update(database, "UPDATE currencies SET declared = ? WHERE id = ?");
            update.bind(1, seq);
            update.bind(2, known->id);
            update.exec();
            known->declared_seq = seq;
          } else {
            detail::CurrencyRecord record{state.currencies.next_id(), e.code, e.minor_units, seq, {}};
            SQLite::Statement insert(
                database, "INSERT INTO currencies (id, code, minor_units, declared) VALUES (?, ?, ?, ?)");
            insert.bind(1, record.id);
            insert.bind(2, record.code);
            insert.bind(3, record.minor_units);
            insert.bind(4, seq);
            insert.exec();
            state.currencies.add(std::move(record));
          }
          return {true, seq};

        } else if constexpr (std::is_same_v<T, AccountEvent>) {
          if (const auto* known = state.accounts.find(e.code)) {
            const std::string stored = detail::body_fields(known->event).render();
            if (stored != body.render()) conflict("account " + e.code, stored, body.render());
            return {false, stored_seq("SELECT seq FROM accounts WHERE code = ?", e.code)};
          }
          const std::int64_t seq = append_event("account", {}, std::nullopt, body.render(), {});
          detail::AccountRecord record{state.accounts.next_id(), e.code, e};
          SQLite::Statement insert(database,
                                   "INSERT INTO accounts (id, code, name, class, seq) VALUES (?, ?, ?, ?, ?)");
          insert.bind(1, record.id);
          insert.bind(2, e.code);
          insert.bind(3, e.name);
          insert.bind(4, static_cast<int>(e.account_class));
          insert.bind(5, seq);
          insert.exec();
          state.accounts.add(std::move(record));
          return {true, seq};

        } else if constexpr (std::is_same_v<T, FundEvent>) {
          if (const auto* known = state.funds.find(e.code)) {
            const std::string stored = detail::body_fields(known->event).render();
            if (stored != body.render()) conflict("fund " + e.code, stored, body.render());
            return {false, stored_seq("SELECT seq FROM funds WHERE code = ?", e.code)};
          }
          std::int64_t parent_id = 0;
          if (!e.parent.empty()) {
            const auto* parent = state.funds.find(e.parent);
            if (!parent) {
              throw Error(ErrorCode::unknown_reference,
                          field_error("parent", "unknown fund " + json::quoted(e.parent)));
            }
            parent_id = parent->id;
          }
          const std::int64_t seq = append_event("fund", {}, std::nullopt, body.render(), {});
          detail::FundRecord record{state.funds.next_id(), e.code, e};
          SQLite::Statement insert(
              database, "INSERT INTO funds (id, code, name, kind, parent_id, seq) VALUES (?, ?, ?, ?, ?, ?)");
          insert.bind(1, record.id);
          insert.bind(2, e.code);
          insert.bind(3, e.name);
          insert.bind(4, static_cast<int>(e.kind));
          if (parent_id) {
            insert.bind(5, parent_id);
          } else {
            insert.bind(5);
          }
          insert.bind(6, seq);
          insert.exec();
          state.funds.add(std::move(record));
          return {true, seq};

        } else if constexpr (std::is_same_v<T, DonorEvent>) {
          if (const auto* known = state.donors.find(e.code)) {
            const std::string stored = detail::body_fields(known->event).render();
            if (stored != body.render()) conflict("donor " + e.code, stored, body.render());
            return {false, stored_seq("SELECT seq FROM donors WHERE code = ?", e.code)};
          }
          const std::int64_t seq = append_event("donor", {}, std::nullopt, body.render(), {});
          detail::DonorRecord record{state.donors.next_id(), e.code, e};
          SQLite::Statement insert(database,
                                   "INSERT INTO donors (id, code, name, category, country, seq) "
                                   "VALUES (?, ?, ?, ?, ?, ?)");
          insert.bind(1, record.id);
          insert.bind(2, e.code);
          insert.bind(3, e.name);
          insert.bind(4, e.category);
          insert.bind(5, e.country);
          insert.bind(6, seq);
          insert.exec();
          state.donors.add(std::move(record));
          return {true, seq};

        } else if constexpr (std::is_same_v<T, ProjectEvent>) {
          if (const auto* known = state.projects.find(e.code)) {
            const std::string stored = detail::body_fields(known->event).render();
            if (stored != body.render()) conflict("project " + e.code, stored, body.render());
            return {false, stored_seq("SELECT seq FROM projects WHERE code = ?", e.code)};
          }
          const auto* fund = state.funds.find(e.fund);
          if (!fund) {
            throw Error(ErrorCode::unknown_reference, field_error("fund", "unknown fund " + json::quoted(e.fund)));
          }
          if (e.psc_rate && (e.psc_rate->sign() < 0 || *e.psc_rate >= Decimal::from_integer(1))) {
            throw Error(ErrorCode::bad_input, field_error("psc_rate", "expected a rate from 0 to below 1, like 0.13"));
          }
          const std::int64_t seq = append_event("project", {}, std::nullopt, body.render(), {});
          detail::ProjectRecord record{state.projects.next_id(), e.code, e, fund->id};
          SQLite::Statement insert(
              database, "INSERT INTO projects (id, code, name, fund_id, psc_rate, seq) VALUES (?, ?, ?, ?, ?, ?)");
          insert.bind(1, record.id);
          insert.bind(2, e.code);
          insert.bind(3, e.name);
          insert.bind(4, fund->id);
          if (e.psc_rate) {
            insert.bind(5, e.psc_rate->to_string());
          } else {
            insert.bind(5);
          }
          insert.bind(6, seq);
          insert.exec();
          state.projects.add(std::move(record));
          return {true, seq};

        } else if constexpr (std::is_same_v<T, RateEvent>) {
          if (e.currency == functional_currency_code) {
            throw Error(ErrorCode::bad_input,
                        field_error("currency", "USD is the functional currency: its rate is always 1"));
          }
          if (e.per_usd.sign() <= 0) {
            throw Error(ErrorCode::bad_input, field_error("per_usd", "the rate must be positive, not " +
                                                                         e.per_usd.to_string()));
          }
          const auto& currency = currency_for_use(e.currency, "currency");
          const std::int32_t day = e.effective.day_number();
          auto& rates = const_cast<detail::CurrencyRecord&>(currency).rates;
          auto position = std::lower_bound(rates.begin(), rates.end(), day,
                                           [](const auto& rate, std::int32_t value) { return rate.first < value; });
          if (position != rates.end() && position->first == day) {
            // The same rate written with other trailing zeros is the same rate.
            if (position->second != e.per_usd) {
              conflict("the " + e.currency + " rate effective " + e.effective.to_string(),
                       position->second.to_string(), e.per_usd.to_string());
            }
            SQLite::Statement stored(database, "SELECT seq FROM rates WHERE currency_id = ? AND effective = ?");
            stored.bind(1, currency.id);
            stored.bind(2, day);
            return {false, stored.executeStep() ? stored.getColumn(0).getInt64() : 0};
          }
          check_open(e.effective, "the " + e.currency + " rate effective " + e.effective.to_string());
          const std::int64_t seq = append_event("rate", {}, std::nullopt, body.render(), {});
          SQLite::Statement insert(database,
                                   "INSERT INTO rates (currency_id, effective, per_usd, seq) VALUES (?, ?, ?, ?)");
          insert.bind(1, currency.id);
          insert.bind(2, day);
          insert.bind(3, e.per_usd.to_string());
          insert.bind(4, seq);
          insert.exec();
          rates.insert(position, {day, e.per_usd});
          return {true, seq};

        } else if constexpr (std::is_same_v<T, SettingEvent>) {
          check_setting(e, state);
          const std::int32_t day = e.effective ? e.effective->day_number() : detail::beginning_of_time;
          auto& values = state.settings[e.key].values;
          auto position = std::lower_bound(values.begin(), values.end(), day,
                                           [](const auto& item, std::int32_t value) { return item.first < value; });
          if (position != values.end() && position->first == day) {
            if (position->second != e.value) {
              conflict("setting " + e.key + (e.effective ? " effective " + e.effective->to_string() : ""),
                       json::quoted(position->second), json::quoted(e.value));
            }
            SQLite::Statement stored(database, "SELECT seq FROM settings WHERE key = ? AND effective = ?");
            stored.bind(1, e.key);
            stored.bind(2, day);
            return {false, stored.executeStep() ? stored.getColumn(0).getInt64() : 0};
          }
          if (e.effective) {
            check_open(*e.effective, "setting " + e.key + " effective " + e.effective->to_string());
          } else if (last_closed) {
            throw Error(ErrorCode::closed_period,
                        "setting " + e.key + " has no effective date, so it would apply from the beginning, "
                        "across periods that are closed (up to " + last_closed->to_string() +
                        "): give an effective date in an open period");
          }
          const std::int64_t seq = append_event("setting", {}, std::nullopt, body.render(), {});
          SQLite::Statement insert(database,
                                   "INSERT INTO settings (key, effective, value, seq) VALUES (?, ?, ?, ?)");
          insert.bind(1, e.key);
          insert.bind(2, day);
          insert.bind(3, e.value);
          insert.bind(4, seq);
          insert.exec();
          values.insert(position, {day, e.value});
          return {true, seq};

        } else if constexpr (std::is_same_v<T, EntryEvent>) {
          return record_entry(e);
        } else if constexpr (std::is_same_v<T, PledgeEvent>) {
          return record_pledge(e);
        } else if constexpr (std::is_same_v<T, ReceiptEvent>) {
          return record_receipt(e);
        } else if constexpr (std::is_same_v<T, ApplyEvent>) {
          return record_apply(e);
        } else if constexpr (std::is_same_v<T, ConditionMetEvent>) {
          return record_condition_met(e);
        } else if constexpr (std::is_same_v<T, ReductionEvent>) {
          return record_reduction(e);
        } else if constexpr (std::is_same_v<T, RefundEvent>) {
          return record_refund(e);
        } else if constexpr (std::is_same_v<T, ExpenseEvent>) {
          return record_expense(e);
        } else if constexpr (std::is_same_v<T, TransferEvent>) {
          return record_transfer(e);
        } else if constexpr (std::is_same_v<T, InterestEvent>) {
          return record_interest(e);
        } else if constexpr (std::is_same_v<T, AllowanceEvent>) {
          return record_allowance(e, false);
        } else if constexpr (std::is_same_v<T, WriteOffEvent>) {
          return record_allowance(AllowanceEvent{e.id, e.pledge, e.date, e.amount, e.memo}, true);
        } else if constexpr (std::is_same_v<T, ReversalEvent>) {
          return record_reversal(e);
        } else if constexpr (std::is_same_v<T, PeriodCloseEvent>) {
          return record_period_close(e);
        } else if constexpr (std::is_same_v<T, PeriodReopenEvent>) {
          return record_period_reopen(e);
        }
      },
      event);
}

RecordResult Ledger::Impl::record_entry(const EntryEvent& entry) {
  if (auto seq = find_identical_entry(entry)) return {false, *seq};
  check_open(entry.date, "entry " + entry.id);
  // Resolve and check every posting, normalizing each amount to its currency's minor units.
  if (entry.postings.size() < 2) {
    throw Error(ErrorCode::unbalanced, field_error("postings", "an entry needs at least two postings, it has " +
                                                                   std::to_string(entry.postings.size())));
  }
  EntryEvent normalized = entry;
  std::vector<StoredPosting> postings;
  postings.reserve(entry.postings.size() + 1);
  const Rounding rounding = rounding_on(entry.date);
  for (std::size_t i = 0; i < normalized.postings.size(); ++i) {
    PostingInput& input = normalized.postings[i];
    const std::string prefix = "postings[" + std::to_string(i) + "].";
    StoredPosting p;
    const auto* account = state.accounts.find(input.account);
    if (!account) {
      throw Error(ErrorCode::unknown_reference,
                  field_error(prefix + "account", "unknown account " + json::quoted(input.account)));
    }
    if (const char* owner = detail::account::control_account_owner(input.account)) {
      throw Error(ErrorCode::bad_input,
                  field_error(prefix + "account", "account " + input.account + " (" + account->event.name +
                                                      ") is a control account, kept by its own events: " + owner +
                                                      "; a generic entry cannot post to it"));
    }
    p.account_id = account->id;
    const auto* fund = state.funds.find(input.fund);
    if (!fund) {
      throw Error(ErrorCode::unknown_reference,
                  field_error(prefix + "fund", "unknown fund " + json::quoted(input.fund)));
    }
    p.fund_id = fund->id;
    if (!input.donor.empty()) {
      const auto* donor = state.donors.find(input.donor);
      if (!donor) {
        throw Error(ErrorCode::unknown_reference,
                    field_error(prefix + "donor", "unknown donor " + json::quoted(input.donor)));
      }
      p.donor_id = donor->id;
    }
    if (!input.project.empty()) {
      const auto* project = state.projects.find(input.project);
      if (!project) {
        throw Error(ErrorCode::unknown_reference,
                    field_error(prefix + "project", "unknown project " + json::quoted(input.project)));
      }
      if (project->fund_id != fund->id) {
        throw Error(ErrorCode::bad_input,
                    field_error(prefix + "project", "project " + input.project + " belongs to fund " +
                                                        project->event.fund + ", not " + input.fund));
      }
      p.project_id = project->id;
    }
    if (!input.pledge.empty()) {
      const auto* pledge = state.pledges.find(input.pledge);
      if (!pledge) {
        throw Error(ErrorCode::unknown_reference,
                    field_error(prefix + "pledge", "unknown pledge " + json::quoted(input.pledge)));
      }
      p.pledge_id = pledge->id;
    }
    const auto& currency = currency_for_use(input.currency, prefix + "currency");
    p.currency_id = currency.id;
    if (input.amount.is_zero()) {
      throw Error(ErrorCode::bad_input, field_error(prefix + "amount", "a posting's amount must not be zero"));
    }
    if (input.amount.scale() > currency.minor_units &&
        input.amount.rescale(currency.minor_units, Rounding::Down) != input.amount) {
      throw Error(ErrorCode::bad_input,
                  field_error(prefix + "amount", "amount " + input.amount.to_string() +
                                                     " has more decimals than " + currency.code +
                                                     " allows (" + std::to_string(currency.minor_units) + ")"));
    }
    try {
      input.amount = input.amount.rescale(currency.minor_units, Rounding::Down);
      p.amount_minor = input.amount.to_minor_units(currency.minor_units);
      Decimal functional = currency.code == functional_currency_code
                               ? input.amount
                               : Decimal::divide(input.amount, rate_on(currency, entry.date), 2, rounding);
      p.functional_minor = functional.to_minor_units(2);
    } catch (const Error& error) {
      throw Error(error.code(), field_error(prefix + "amount", error.what()));
    }
    postings.push_back(p);
  }

  detail::check_currency_balance("entry " + entry.id, postings, state);
  // Rounding each posting to cents leaves a residual of a few cents at most in a fund's USD; it
  // goes to 5900 in the same fund, amount 0 in the currency of the fund's first posting.
  std::map<std::int64_t, Decimal::Coefficient> functional_by_fund;
  std::map<std::int64_t, std::int64_t> first_currency_of_fund;
  for (const StoredPosting& p : postings) {
    functional_by_fund[p.fund_id] += p.functional_minor;
    first_currency_of_fund.emplace(p.fund_id, p.currency_id);
  }
  for (const auto& [fund_id, sum] : functional_by_fund) {
    if (sum == 0) continue;
    const auto* rounding_account = state.accounts.find("5900");
    if (!rounding_account) {
      throw Error(ErrorCode::unknown_reference,
                  "entry " + entry.id + " leaves a USD rounding residual of " +
                      Decimal::from_coefficient(-sum, 2).to_string() + " in fund " + state.funds.by_id(fund_id).code +
                      ", and account 5900 (Rounding differences) does not exist to take it");
    }
    StoredPosting residual;
    residual.account_id = rounding_account->id;
    residual.fund_id = fund_id;
    residual.currency_id = first_currency_of_fund[fund_id];
    residual.functional_minor = static_cast<std::int64_t>(-sum);
    residual.kind = detail::PostingKind::rounding_residual;
    postings.push_back(residual);
  }
  postings = detail::check_balanced("entry " + entry.id, std::move(postings), state);

  const Event normalized_event = normalized;
  return {true, append_event("entry", entry.id, entry.date, detail::body_fields(normalized_event).render(), postings)};
}

std::optional<std::int64_t> Ledger::Impl::find_identical_entry(const EntryEvent& entry) {
  if (!find_event_by_id) {
    find_event_by_id = std::make_unique<SQLite::Statement>(
        database, "SELECT seq, type, body FROM events WHERE event_id = ?");
  }
  find_event_by_id->bind(1, entry.id);
  if (!find_event_by_id->executeStep()) {
    find_event_by_id->reset();
    return std::nullopt;
  }
  const std::int64_t seq = find_event_by_id->getColumn(0).getInt64();
  const std::string type = find_event_by_id->getColumn(1).getString();
  const std::string stored_body = find_event_by_id->getColumn(2).getString();
  find_event_by_id->reset();
  std::vector<PostingInput> stored_inputs;
  for (const StoredPosting& p : load_postings(seq)) {
    if (p.kind == detail::PostingKind::rounding_residual) continue;
    const auto& currency = state.currencies.by_id(p.currency_id);
    PostingInput input;
    input.account = state.accounts.by_id(p.account_id).code;
    input.fund = state.funds.by_id(p.fund_id).code;
    input.currency = currency.code;
    input.amount = Decimal::from_minor_units(p.amount_minor, currency.minor_units);
    if (p.donor_id) input.donor = state.donors.by_id(p.donor_id).code;
    if (p.project_id) input.project = state.projects.by_id(p.project_id).code;
    if (p.pledge_id) input.pledge = state.pledges.by_id(p.pledge_id).code;
    stored_inputs.push_back(std::move(input));
  }
  // The given amounts at their currency's minor units, as they would have been stored.
  EntryEvent given = entry;
  for (PostingInput& input : given.postings) {
    // Trailing zeros beyond the minor units, or fewer decimals, do not make another entry.
    if (const auto* currency = state.currencies.find(input.currency)) {
      Decimal at_minor_units = input.amount.rescale(currency->minor_units, Rounding::Down);
      if (at_minor_units == input.amount) input.amount = at_minor_units;
    }
  }
  const Event given_event = given;
  if (type != "entry" || stored_body != detail::body_fields(given_event).render() ||
      detail::render_input_postings(stored_inputs) != detail::render_input_postings(given.postings)) {
    throw Error(ErrorCode::conflict, field_error("id", "id " + json::quoted(entry.id) +
                                                           " is already recorded (seq " +
                                                           std::to_string(seq) + ") with a different body"));
  }
  return seq;
}

}  // namespace fundledger
