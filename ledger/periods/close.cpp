// The period close and reopen (ACCOUNTING.md, "Periods and the close").
//
// Closing month P, in one transaction, appends one period_close event whose postings are:
//   1. the instalments of per-instalment pledges falling due up to P's last day (dated their due
//      day, at that day's rate): Dr 1200 / Cr revenue, or 2200 when conditional;
//   2. the revaluation of every foreign-currency balance of 1100, 1200, 1290, 2100, 2150 and 2300 at
//      the rate in force on P's last day, the difference to 4710 per fund and currency (dated the
//      last day) and, except in December, its reversal dated the first day of the next month;
//   3. in December, the year-end: every revenue and expense balance of the year to 3100, per fund
//      and currency, dated 31 December.
// Then every day up to P's last day is locked, and the periods table records the seal: the hash
// of the close event and the SHA-256 of the closing balances, listed as
//   account|fund|donor|project|pledge|currency|amount|functional_amount\n
// for every group with a non-zero balance as of P's last day, sorted by the codes (amounts as plain
// decimals). Reopening the latest closed month appends a period_reopen event negating every
// posting of its close, on the same days, and removes the seal.
#include "audit/hash.hpp"
#include "core/chart.hpp"
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"
#include "core/posting_builder.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

namespace fundledger {

using detail::PostingBuilder;
using detail::StoredPosting;

void Ledger::Impl::check_open(Date day, const std::string& label) const {
  if (last_closed && day <= last_closed->last_day()) {
    throw Error(ErrorCode::closed_period,
                label + " is dated " + day.to_string() + ", in period " + Period::month_of(day).to_string() +
                    ", which is closed (periods are closed up to " + last_closed->to_string() +
                    "); date it in an open period, or reopen the period first");
  }
}

namespace {

// The first period of the ledger: the month of its earliest dated posting.
std::optional<Period> first_period(SQLite::Database& database) {
  SQLite::Statement query(database, "SELECT MIN(date) FROM postings");
  if (!query.executeStep() || query.getColumn(0).isNull()) return std::nullopt;
  return Period::month_of(Date::from_day_number(query.getColumn(0).getInt()));
}

}  // namespace

std::string Ledger::Impl::closing_balances_hash(Date last_day) {
  SQLite::Statement query(
      database,
      "SELECT a.code, f.code, IFNULL(d.code, ''), IFNULL(j.code, ''), IFNULL(g.code, ''), c.code, c.minor_units, "
      "SUM(p.amount_minor), SUM(p.functional_minor) FROM postings p "
      "JOIN accounts a ON a.id = p.account_id JOIN funds f ON f.id = p.fund_id "
      "LEFT JOIN donors d ON d.id = p.donor_id LEFT JOIN projects j ON j.id = p.project_id "
      "LEFT JOIN pledges g ON g.id = p.pledge_id JOIN currencies c ON c.id = p.currency_id "
      "WHERE p.date <= ? GROUP BY 1, 2, 3, 4, 5, 6 "
      "HAVING SUM(p.amount_minor) != 0 OR SUM(p.functional_minor) != 0 ORDER BY 1, 2, 3, 4, 5, 6");
  query.bind(1, last_day.day_number());
  std::string listing;
  while (query.executeStep()) {
    for (int i = 0; i < 6; ++i) {
      listing += query.getColumn(i).getString();
      listing += '|';
    }
    listing += Decimal::from_minor_units(query.getColumn(7).getInt64(), query.getColumn(6).getInt()).to_string();
    listing += '|';
    listing += Decimal::from_minor_units(query.getColumn(8).getInt64(), 2).to_string();
    listing += '\n';
  }
  return audit::sha256_hex("", listing);
}

void Ledger::Impl::check_closable(const Period& period) {
  if (last_closed) {
    if (!(last_closed->next() == period)) {
      throw Error(ErrorCode::bad_input, "field \"period\": " + period.to_string() + " cannot be closed: periods close in "
                                        "order, and the next to close is " + last_closed->next().to_string());
    }
    return;
  }
  const auto first = first_period(database);
  if (!first) throw Error(ErrorCode::bad_input, "field \"period\": the ledger has no entries: there is nothing to close");
  if (!(*first == period)) {
    throw Error(ErrorCode::bad_input, "field \"period\": " + period.to_string() +
                                          " cannot be closed: periods close in order from the first, " +
                                          first->to_string() + " (the month of the earliest entry)");
  }
}

std::vector<std::pair<const detail::PledgeRecord*, std::vector<std::int64_t>>> Ledger::Impl::recognize_falling_due(
    PostingBuilder& builder, Date last_day) {
  std::vector<std::pair<const detail::PledgeRecord*, std::vector<std::int64_t>>> recognized;
  SQLite::Statement due(database,
                        "SELECT DISTINCT i.pledge_id FROM instalments i JOIN pledges p ON p.id = i.pledge_id "
                        "WHERE i.recognized = 0 AND p.reversed = 0 AND i.due <= ? ORDER BY i.pledge_id");
  due.bind(1, last_day.day_number());
  std::vector<std::int64_t> pledge_ids;
  while (due.executeStep()) pledge_ids.push_back(due.getColumn(0).getInt64());
  for (std::int64_t pledge_id : pledge_ids) {
    const auto& pledge = state.pledges.by_id(pledge_id);
    if (pledge_cancelled(pledge)) continue;  // reduced in full: nothing more falls due
    std::vector<std::int64_t> lines;
    recognize_due_instalments(builder, pledge, last_day, lines);
    recognized.emplace_back(&pledge, std::move(lines));
  }
  builder.post_on(last_day);
  builder.mark(detail::PostingKind::ordinary);
  return recognized;
}

std::vector<Ledger::Impl::MonetaryPosition> Ledger::Impl::monetary_positions(Date last_day,
                                                                            const PostingBuilder& builder) {
  std::vector<MonetaryPosition> positions;
  const auto& usd = currency_for_use(functional_currency_code, "period");
  auto id_of = [this](std::string_view code) {
    const auto* account = state.accounts.find(code);
    return account ? account->id : std::int64_t{-1};
  };
  // Cash by fund and currency, whoever paid it in.
  {
    SQLite::Statement query(database,
                            "SELECT fund_id, currency_id, SUM(amount_minor), SUM(functional_minor) FROM postings "
                            "WHERE account_id = ? AND date <= ? AND currency_id != ? GROUP BY 1, 2");
    query.bind(1, id_of(detail::account::cash));
    query.bind(2, last_day.day_number());
    query.bind(3, usd.id);
    while (query.executeStep()) {
      positions.push_back({{id_of(detail::account::cash), query.getColumn(0).getInt64(), 0, 0, 0,
                            query.getColumn(1).getInt64()},
                           0,
                           {query.getColumn(2).getInt64(), query.getColumn(3).getInt64()}});
    }
  }
  // Receivables and their allowances by pledge, with what this close has just recognized.
  {
    std::map<detail::BalanceKeyIds, detail::Position> by_pledge;
    SQLite::Statement query(database,
                            "SELECT account_id, fund_id, IFNULL(donor_id, 0), IFNULL(project_id, 0), "
                            "IFNULL(pledge_id, 0), currency_id, SUM(amount_minor), SUM(functional_minor) "
                            "FROM postings WHERE date <= ? AND currency_id != ? AND account_id IN (?, ?) "
                            "GROUP BY 1, 2, 3, 4, 5, 6");
    query.bind(1, last_day.day_number());
    query.bind(2, usd.id);
    query.bind(3, id_of(detail::account::receivable));
    query.bind(4, id_of(detail::account::allowance));
    while (query.executeStep()) {
      detail::BalanceKeyIds key;
      for (int i = 0; i < 6; ++i) key[static_cast<std::size_t>(i)] = query.getColumn(i).getInt64();
      by_pledge[key] = {query.getColumn(6).getInt64(), query.getColumn(7).getInt64()};
    }
    for (const StoredPosting& p : builder.postings()) {
      if (p.currency_id == usd.id || p.account_id != id_of(detail::account::receivable)) continue;
      auto& position = by_pledge[{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id}];
      position.amount_minor += p.amount_minor;
      position.functional_minor += p.functional_minor;
    }
    for (const auto& [key, position] : by_pledge) positions.push_back({key, 0, position});
  }
  // Money held per receipt (2100, 2150) and refunds payable (2300), each on its own.
  SQLite::Statement query(
      database,
      "SELECT h.seq, h.account_id, h.fund_id, h.donor_id, h.pledge_id, h.currency_id, "
      "h.amount_minor + IFNULL(m.amount_minor, 0), h.functional_minor + IFNULL(m.functional_minor, 0) "
      "FROM holdings h JOIN events e ON e.seq = h.seq LEFT JOIN (SELECT holding_seq, SUM(amount_minor) AS amount_minor, "
      "SUM(functional_minor) AS functional_minor FROM holding_moves JOIN events ON events.seq = holding_moves.event_seq "
      "WHERE events.date <= ?1 GROUP BY holding_seq) m ON m.holding_seq = h.seq "
      "WHERE e.date <= ?1 AND h.currency_id != ?2 ORDER BY h.seq");
  query.bind(1, last_day.day_number());
  query.bind(2, usd.id);
  while (query.executeStep()) {
    // Stored positive, as held: the balance of a liability is their negation.
    positions.push_back({{query.getColumn(1).getInt64(), query.getColumn(2).getInt64(), query.getColumn(3).getInt64(),
                          0, query.getColumn(4).getInt64(), query.getColumn(5).getInt64()},
                         query.getColumn(0).getInt64(),
                         {-query.getColumn(6).getInt64(), -query.getColumn(7).getInt64()}});
  }
  return positions;
}

void Ledger::Impl::check_rates_in_force(const std::vector<MonetaryPosition>& positions, const Period& period) {
  std::set<std::string> stale;
  for (const MonetaryPosition& position : positions) {
    if (position.balance.amount_minor == 0) continue;
    const auto& currency = state.currencies.by_id(position.key[5]);
    const auto& rates = currency.rates;
    const bool in_month = std::any_of(rates.begin(), rates.end(), [&period](const auto& rate) {
      return rate.first >= period.first_day().day_number() && rate.first <= period.last_day().day_number();
    });
    if (!in_month) stale.insert(currency.code);
  }
  if (stale.empty()) return;
  std::string names;
  for (const std::string& code : stale) names += (names.empty() ? "" : ", ") + code;
  throw Error(ErrorCode::bad_input,
              "field \"period\": " + period.to_string() + " cannot be closed: no rate effective within the month for " +
                  names + " (holding monetary balances); record the month's UN operational rates, or close with "
                  "allow_stale_rates (--allow-stale-rates) to revalue at the latest earlier rate");
}

// Restates every position at the last day's rate, the difference to 4710 per fund and currency;
// returns the restatement of each holding, which the close records against it.
std::vector<std::pair<std::int64_t, std::int64_t>> Ledger::Impl::revalue(
    PostingBuilder& builder, const std::vector<MonetaryPosition>& positions, bool year_end, Date next_first_day) {
  std::map<detail::BalanceKeyIds, std::int64_t> by_key;
  std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> unrealized;  // (fund, currency) -> USD
  std::vector<std::pair<std::int64_t, std::int64_t>> holdings;
  for (const MonetaryPosition& position : positions) {
    const auto& currency = state.currencies.by_id(position.key[5]);
    const std::int64_t restated =
        builder.usd_minor(currency, Decimal::from_minor_units(position.balance.amount_minor, currency.minor_units));
    const std::int64_t difference = restated - position.balance.functional_minor;
    if (difference == 0) continue;
    by_key[position.key] += difference;
    unrealized[{position.key[1], position.key[5]}] -= difference;
    if (position.holding_seq) holdings.emplace_back(position.holding_seq, -difference);
  }
  std::vector<StoredPosting> revaluation;
  for (const auto& [key, difference] : by_key) {
    if (difference == 0) continue;
    StoredPosting posting;
    posting.account_id = key[0];
    posting.fund_id = key[1];
    posting.donor_id = key[2];
    posting.project_id = key[3];
    posting.pledge_id = key[4];
    posting.currency_id = key[5];
    posting.functional_minor = difference;
    revaluation.push_back(posting);
  }
  for (const auto& [fund_currency, amount] : unrealized) {
    if (amount == 0) continue;
    StoredPosting posting;
    posting.account_id = builder.account(detail::account::unrealized_exchange);
    posting.fund_id = fund_currency.first;
    posting.currency_id = fund_currency.second;
    posting.functional_minor = amount;
    revaluation.push_back(posting);
  }
  for (const StoredPosting& posting : revaluation) builder.add_posting(posting);
  if (!year_end) {
    // Reversed on the first day of the next month, so that realized differences are measured
    // against the original carrying rate: the holdings keep theirs.
    for (StoredPosting posting : revaluation) {
      posting.functional_minor = -posting.functional_minor;
      posting.date = next_first_day.day_number();
      builder.add_posting(posting);
    }
    holdings.clear();
  }
  return holdings;
}

void Ledger::Impl::close_year(PostingBuilder& builder, const Period& period) {
  const Date first_day = Date::from_ymd(period.year(), 1, 1);
  const Date last_day = period.last_day();
  std::map<detail::BalanceKeyIds, std::pair<std::int64_t, std::int64_t>> results;
  SQLite::Statement query(database,
                          "SELECT p.account_id, p.fund_id, IFNULL(p.donor_id, 0), IFNULL(p.project_id, 0), "
                          "IFNULL(p.pledge_id, 0), p.currency_id, SUM(p.amount_minor), SUM(p.functional_minor) "
                          "FROM postings p JOIN accounts a ON a.id = p.account_id "
                          "WHERE p.date >= ? AND p.date <= ? AND a.class IN (?, ?) GROUP BY 1, 2, 3, 4, 5, 6");
  query.bind(1, first_day.day_number());
  query.bind(2, last_day.day_number());
  query.bind(3, static_cast<int>(AccountClass::revenue));
  query.bind(4, static_cast<int>(AccountClass::expense));
  while (query.executeStep()) {
    detail::BalanceKeyIds key;
    for (int i = 0; i < 6; ++i) key[static_cast<std::size_t>(i)] = query.getColumn(i).getInt64();
    results[key] = {query.getColumn(6).getInt64(), query.getColumn(7).getInt64()};
  }
  for (const StoredPosting& p : builder.postings()) {
    const auto account_class = state.accounts.by_id(p.account_id).event.account_class;
    if (account_class != AccountClass::revenue && account_class != AccountClass::expense) continue;
    auto& sums = results[{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id}];
    sums.first += p.amount_minor;
    sums.second += p.functional_minor;
  }
  std::map<std::pair<std::int64_t, std::int64_t>, std::pair<std::int64_t, std::int64_t>> surplus;
  for (const auto& [key, sums] : results) {
    if (sums.first == 0 && sums.second == 0) continue;
    StoredPosting posting;
    posting.account_id = key[0];
    posting.fund_id = key[1];
    posting.donor_id = key[2];
    posting.project_id = key[3];
    posting.pledge_id = key[4];
    posting.currency_id = key[5];
    posting.amount_minor = -sums.first;
    posting.functional_minor = -sums.second;
    posting.kind = detail::PostingKind::year_end;
    builder.add_posting(posting);
    auto& total = surplus[{key[1], key[5]}];
    total.first += sums.first;
    total.second += sums.second;
  }
  for (const auto& [fund_currency, sums] : surplus) {
    if (sums.first == 0 && sums.second == 0) continue;
    StoredPosting posting;
    posting.account_id = builder.account(detail::account::accumulated_surplus);
    posting.fund_id = fund_currency.first;
    posting.currency_id = fund_currency.second;
    posting.amount_minor = sums.first;
    posting.functional_minor = sums.second;
    posting.kind = detail::PostingKind::year_end;
    builder.add_posting(posting);
  }
}

RecordResult Ledger::Impl::record_period_close(const PeriodCloseEvent& event) {
  const Period period = event.period;
  const std::string body = detail::body_fields(Event{event}).render();
  {
    SQLite::Statement closed(database, "SELECT close_seq FROM periods WHERE period = ?");
    closed.bind(1, period.to_string());
    if (closed.executeStep()) return {false, closed.getColumn(0).getInt64()};  // already closed
  }
  check_closable(period);
  const Date last_day = period.last_day();
  const bool year_end = period.index() == 12;
  PostingBuilder builder(*this, last_day, "period_close " + period.to_string());

  // 1. Instalments falling due, for pledges recognized per instalment.
  const auto recognized_now = recognize_falling_due(builder, last_day);
  // 2. Revaluation of foreign-currency monetary balances at the last day's rate. The balances
  //    include what step 1 just recognized, which is already at its own day's rate.
  const std::vector<MonetaryPosition> positions = monetary_positions(last_day, builder);
  if (!event.allow_stale_rates) check_rates_in_force(positions, period);
  const auto restated_holdings = revalue(builder, positions, year_end, period.next().first_day());
  // 3. Year-end: the year's revenue and expenses into the accumulated surplus.
  if (year_end) close_year(builder, period);

  std::vector<StoredPosting> postings;
  if (!builder.empty()) postings = builder.finish();
  const std::int64_t seq = append_event("period_close", {}, last_day, body, postings);
  for (const auto& [pledge, lines] : recognized_now) mark_recognized(*pledge, lines, seq);
  for (const auto& [holding_seq, restatement] : restated_holdings) move_holding(seq, holding_seq, 0, restatement);
  // The lock and the seal.
  SQLite::Statement seal(database,
                         "INSERT INTO periods (period, close_seq, head_hash, balances_hash) VALUES (?, ?, ?, ?)");
  seal.bind(1, period.to_string());
  seal.bind(2, seq);
  seal.bind(3, last_hash);
  seal.bind(4, closing_balances_hash(last_day));
  seal.exec();
  last_closed = period;
  return {true, seq};
}

RecordResult Ledger::Impl::record_period_reopen(const PeriodReopenEvent& event) {
  const Period period = event.period;
  if (!last_closed || !(*last_closed == period)) {
    throw Error(ErrorCode::bad_input,
                "field \"period\": " + period.to_string() + " cannot be reopened: only the latest closed period can be" +
                    (last_closed ? " (" + last_closed->to_string() + ")" : ", and no period is closed"));
  }
  if (event.reason.empty()) throw Error(ErrorCode::bad_input, "field \"reason\": a reopening needs a reason");
  SQLite::Statement closed(database, "SELECT close_seq FROM periods WHERE period = ?");
  closed.bind(1, period.to_string());
  if (!closed.executeStep()) throw Error(ErrorCode::storage, "the seal of " + period.to_string() + " is missing: run verify");
  const std::int64_t close_seq = closed.getColumn(0).getInt64();
  closed.reset();

  // Unlock first: the reversing postings fall on the days of the close's own.
  // The month before stays closed if it was; the first month of the calendar has none before it.
  last_closed.reset();
  if (period.first_day() > Date::from_ymd(1400, 1, 31)) {
    const Period previous = period.previous();
    SQLite::Statement earlier(database, "SELECT COUNT(*) FROM periods WHERE period = ?");
    earlier.bind(1, previous.to_string());
    if (earlier.executeStep() && earlier.getColumn(0).getInt64() > 0) last_closed = previous;
  }

  std::vector<StoredPosting> postings = load_postings(close_seq);
  const Date last_day = period.last_day();
  for (StoredPosting& posting : postings) {
    posting.amount_minor = -posting.amount_minor;
    posting.functional_minor = -posting.functional_minor;
    if (!posting.date) posting.date = last_day.day_number();
    if (*posting.date == last_day.day_number()) posting.date.reset();
  }
  const std::string body = detail::body_fields(Event{event}).render();
  const std::int64_t seq = append_event("period_reopen", {}, last_day, body, postings);
  // The close's restatement of money held is undone with it.
  SQLite::Statement moves(database, "SELECT holding_seq, amount_minor, functional_minor FROM holding_moves WHERE event_seq = ?");
  moves.bind(1, close_seq);
  std::vector<std::array<std::int64_t, 3>> undo;
  while (moves.executeStep()) {
    undo.push_back({moves.getColumn(0).getInt64(), moves.getColumn(1).getInt64(), moves.getColumn(2).getInt64()});
  }
  for (const auto& move : undo) move_holding(seq, move[0], -move[1], -move[2]);
  SQLite::Statement unmark(database, "UPDATE instalments SET recognized = 0 WHERE recognized = ?");
  unmark.bind(1, close_seq);
  unmark.exec();
  SQLite::Statement unseal(database, "DELETE FROM periods WHERE period = ?");
  unseal.bind(1, period.to_string());
  unseal.exec();
  return {true, seq};
}

}  // namespace fundledger
