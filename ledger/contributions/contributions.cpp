// Recording the contribution and expenditure events: their checks and postings
// (ACCOUNTING.md, "Events and their postings").
//
// Every amount a pledge carries lives in the balance of account 1200 keyed by (fund, donor, pledge,
// currency): its currency balance is what is outstanding and its USD balance the carrying USD. A
// settlement relieves the carrying USD in proportion (rounded half-even to cents), and the one that
// leaves nothing outstanding relieves all that remains, so that no cent is stranded.
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"
#include "core/posting_builder.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <limits>

namespace fundledger {

using detail::Dimensions;
using detail::PostingBuilder;
using detail::proportional_minor;
using detail::field_error;
using detail::quote;
using detail::StoredPosting;

// ---- Look-ups shared by the handlers ----

const detail::FundRecord& Ledger::Impl::fund_named(const std::string& code, const std::string& field) const {
  const auto* fund = state.funds.find(code);
  if (!fund) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown fund " + quote(code)));
  return *fund;
}

const detail::DonorRecord& Ledger::Impl::donor_named(const std::string& code, const std::string& field) const {
  const auto* donor = state.donors.find(code);
  if (!donor) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown donor " + quote(code)));
  return *donor;
}

const detail::PledgeRecord& Ledger::Impl::pledge_named(const std::string& code, const std::string& field) const {
  const auto* pledge = state.pledges.find(code);
  if (!pledge) throw Error(ErrorCode::unknown_reference, field_error(field, "unknown pledge " + quote(code)));
  return *pledge;
}

Decimal Ledger::Impl::positive_amount(const Decimal& amount, const detail::CurrencyRecord& currency,
                                      const std::string& field) const {
  if (amount.sign() <= 0) {
    throw Error(ErrorCode::bad_input, field_error(field, "the amount must be positive, not " + amount.to_string()));
  }
  if (amount.scale() > currency.minor_units &&
      amount.rescale(currency.minor_units, Rounding::Down) != amount) {
    throw Error(ErrorCode::bad_input,
                field_error(field, "amount " + amount.to_string() + " has more decimals than " + currency.code +
                                       " allows (" + std::to_string(currency.minor_units) + ")"));
  }
  return amount.rescale(currency.minor_units, Rounding::Down);
}

detail::BalanceSums Ledger::Impl::balance_of(const detail::BalanceKeyIds& key) {
  return detail::plus(stored_sums_of(key), pending_sums(pending, key));
}

std::int64_t Ledger::Impl::cash_usd_minor(std::int64_t fund_id, Date day) {
  const auto* cash = state.accounts.find("1100");
  if (!cash) return 0;
  if (!latest_cash_day) {
    latest_cash_day.emplace();
    SQLite::Statement latest(database, "SELECT fund_id, MAX(date) FROM postings WHERE account_id = ? GROUP BY fund_id");
    latest.bind(1, cash->id);
    while (latest.executeStep()) (*latest_cash_day)[latest.getColumn(0).getInt64()] = latest.getColumn(1).getInt();
  }
  const auto found = latest_cash_day->find(fund_id);
  if (found != latest_cash_day->end() && day.day_number() < found->second) {
    // A day before the latest movement: sum what had moved by then.
    SQLite::Statement query(database,
                            "SELECT IFNULL(SUM(functional_minor), 0) FROM postings WHERE account_id = ? AND fund_id = ? "
                            "AND date <= ?");
    query.bind(1, cash->id);
    query.bind(2, fund_id);
    query.bind(3, day.day_number());
    return query.executeStep() ? query.getColumn(0).getInt64() : 0;
  }
  SQLite::Statement query(database,
                          "SELECT IFNULL(SUM(functional_debit_minor - functional_credit_minor), 0) FROM balances "
                          "WHERE account_id = ? AND fund_id = ?");
  query.bind(1, cash->id);
  query.bind(2, fund_id);
  std::int64_t total = query.executeStep() ? query.getColumn(0).getInt64() : 0;
  for (const auto& [key, sums] : pending) {
    if (key[0] == cash->id && key[1] == fund_id) total += sums.functional_debit - sums.functional_credit;
  }
  return total;
}

detail::Position Ledger::Impl::cash_position(std::int64_t fund_id, std::int64_t currency_id) {
  const auto* cash = state.accounts.find("1100");
  if (!cash) return {};
  SQLite::Statement query(database,
                          "SELECT IFNULL(SUM(debit_minor - credit_minor), 0), "
                          "IFNULL(SUM(functional_debit_minor - functional_credit_minor), 0) FROM balances "
                          "WHERE account_id = ? AND fund_id = ? AND currency_id = ?");
  query.bind(1, cash->id);
  query.bind(2, fund_id);
  query.bind(3, currency_id);
  detail::Position position;
  if (query.executeStep()) position = {query.getColumn(0).getInt64(), query.getColumn(1).getInt64()};
  for (const auto& [key, sums] : pending) {
    if (key[0] == cash->id && key[1] == fund_id && key[5] == currency_id) {
      position.amount_minor += sums.debit - sums.credit;
      position.functional_minor += sums.functional_debit - sums.functional_credit;
    }
  }
  return position;
}

void Ledger::Impl::check_not_before_signing(const detail::PledgeRecord& pledge, Date date, const std::string& what) const {
  if (date < pledge.signed_on) {
    throw Error(ErrorCode::bad_input, "field \"date\": " + what + " is dated " + date.to_string() + ", before pledge " +
                                          pledge.code + " was signed (" + pledge.signed_on.to_string() + ")");
  }
}

// The receivable of a pledge: its 1200 balance (outstanding in the pledge currency, carrying USD).
Ledger::Impl::PledgeBalance Ledger::Impl::receivable_of(const detail::PledgeRecord& pledge, std::string_view account) {
  const auto* record = state.accounts.find(account);
  if (!record) return {};
  const bool on_revenue_side = account == "2200";
  auto sums = balance_of({record->id, pledge.fund_id, pledge.donor_id, on_revenue_side ? pledge.project_id : 0,
                          pledge.id, pledge.currency_id});
  return {sums.debit - sums.credit, sums.functional_debit - sums.functional_credit};
}

std::int64_t Ledger::Impl::existing_event_seq(std::string_view id, std::string_view type, const std::string& body) {
  if (!find_event_by_id) {
    find_event_by_id = std::make_unique<SQLite::Statement>(database, "SELECT seq, type, body FROM events WHERE event_id = ?");
  }
  find_event_by_id->bind(1, std::string(id));
  std::int64_t seq = 0;
  if (find_event_by_id->executeStep()) {
    seq = find_event_by_id->getColumn(0).getInt64();
    const std::string stored_type = find_event_by_id->getColumn(1).getString();
    const std::string stored_body = find_event_by_id->getColumn(2).getString();
    find_event_by_id->reset();
    if (stored_type != type || stored_body != body) {
      throw Error(ErrorCode::conflict, field_error("id", "id " + quote(id) + " is already recorded (seq " +
                                                             std::to_string(seq) + ") with a different body"));
    }
    return seq;
  }
  find_event_by_id->reset();
  return 0;
}

std::int64_t Ledger::Impl::seq_of_event(std::string_view id, std::string* type) {
  SQLite::Statement query(database, "SELECT seq, type FROM events WHERE event_id = ?");
  query.bind(1, std::string(id));
  if (!query.executeStep()) return 0;
  if (type) *type = query.getColumn(1).getString();
  return query.getColumn(0).getInt64();
}

// ---- Holdings: money held for a donor (2100), unidentified (2150), or owed back (2300) ----

void Ledger::Impl::add_holding(std::int64_t seq, const StoredPosting& posting) {
  SQLite::Statement insert(database,
                           "INSERT INTO holdings (seq, account_id, fund_id, donor_id, pledge_id, currency_id, "
                           "amount_minor, functional_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, seq);
  insert.bind(2, posting.account_id);
  insert.bind(3, posting.fund_id);
  insert.bind(4, posting.donor_id);
  insert.bind(5, posting.pledge_id);
  insert.bind(6, posting.currency_id);
  // Held amounts are stored positive: what the holding owes the fund's donors or payers.
  insert.bind(7, -posting.amount_minor);
  insert.bind(8, -posting.functional_minor);
  insert.exec();
}

std::optional<Ledger::Impl::Holding> Ledger::Impl::holding_of(std::int64_t seq, std::optional<Date> as_of) {
  // The moves of events dated after as_of do not count (a close restates what was held on its
  // last day).
  SQLite::Statement query(
      database,
      "SELECT h.account_id, h.fund_id, h.donor_id, h.pledge_id, h.currency_id, "
      "h.amount_minor + IFNULL((SELECT SUM(m.amount_minor) FROM holding_moves m JOIN events e ON e.seq = m.event_seq "
      "WHERE m.holding_seq = h.seq AND e.date <= ?2), 0), "
      "h.functional_minor + IFNULL((SELECT SUM(m.functional_minor) FROM holding_moves m JOIN events e "
      "ON e.seq = m.event_seq WHERE m.holding_seq = h.seq AND e.date <= ?2), 0), "
      "h.amount_minor, h.functional_minor FROM holdings h WHERE h.seq = ?1");
  query.bind(1, seq);
  query.bind(2, as_of ? as_of->day_number() : std::numeric_limits<std::int32_t>::max());
  if (!query.executeStep()) return std::nullopt;
  Holding holding;
  holding.seq = seq;
  holding.account_id = query.getColumn(0).getInt64();
  holding.fund_id = query.getColumn(1).getInt64();
  holding.donor_id = query.getColumn(2).getInt64();
  holding.pledge_id = query.getColumn(3).getInt64();
  holding.currency_id = query.getColumn(4).getInt64();
  holding.amount_minor = query.getColumn(5).getInt64();
  holding.functional_minor = query.getColumn(6).getInt64();
  holding.initial_minor = query.getColumn(7).getInt64();
  holding.initial_functional_minor = query.getColumn(8).getInt64();
  return holding;
}

void Ledger::Impl::move_holding(std::int64_t event_seq, std::int64_t holding_seq, std::int64_t amount_minor,
                                std::int64_t functional_minor) {
  SQLite::Statement insert(database,
                           "INSERT INTO holding_moves (event_seq, holding_seq, amount_minor, functional_minor) "
                           "VALUES (?, ?, ?, ?)");
  insert.bind(1, event_seq);
  insert.bind(2, holding_seq);
  insert.bind(3, amount_minor);
  insert.bind(4, functional_minor);
  insert.exec();
}

}  // namespace fundledger
