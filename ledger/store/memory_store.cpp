// Verify's rebuild in memory: what the rules read, kept as the recorder writes it.
#include "store/memory_store.hpp"

#include "core/chart.hpp"
#include "core/master.hpp"

#include <fundledger/error.hpp>

#include <algorithm>
#include <limits>
#include <tuple>

namespace fundledger::store {

using detail::Holding;

namespace {

constexpr std::int32_t end_of_time = std::numeric_limits<std::int32_t>::max();

void add_checked(std::int64_t& total, std::int64_t value) {
  if (__builtin_add_overflow(total, value, &total)) {
    throw Error(ErrorCode::overflow, "a sum of balances would exceed the range of a stored amount");
  }
}

void add_position(Position& total, std::int64_t amount, std::int64_t usd) {
  add_checked(total.amount_minor, amount);
  add_checked(total.functional_minor, usd);
}

BalanceKeyIds key_of(const StoredPosting& p) {
  return {p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id};
}

bool wanted(const BalanceKeyIds& key, const std::vector<std::int64_t>& accounts, std::int64_t except_currency) {
  return key[5] != except_currency &&
         (accounts.empty() || std::find(accounts.begin(), accounts.end(), key[0]) != accounts.end());
}

std::vector<KeyedSums> keyed(const std::map<BalanceKeyIds, Position>& sums) {
  std::vector<KeyedSums> rows;
  rows.reserve(sums.size());
  for (const auto& [key, position] : sums) rows.push_back({key, position});
  return rows;
}

}  // namespace

// ---- Events and postings: what the journal holds, read from the ledger being verified ----

std::optional<detail::EventRef> MemoryLedger::find_event(std::string_view event_id) {
  auto event = source_->find_event(event_id);
  if (!event || event->seq > head_.seq) return std::nullopt;
  return event;
}

std::vector<std::string> MemoryLedger::recorded_ids(const std::vector<std::string>& event_ids) {
  std::vector<std::string> recorded;
  for (const std::string& id : event_ids) {
    if (find_event(id)) recorded.push_back(id);
  }
  return recorded;
}

std::optional<detail::EventRef> MemoryLedger::event_at(std::int64_t seq) {
  if (seq < 1 || seq > head_.seq) return std::nullopt;
  return source_->event_at(seq);
}

std::vector<StoredPosting> MemoryLedger::postings_of(std::int64_t seq) {
  if (seq < 1 || seq > head_.seq) return {};
  return source_->postings_of(seq);
}

std::string MemoryLedger::event_type(std::int64_t seq) {
  const auto event = event_at(seq);
  return event ? event->type : std::string();
}

std::vector<detail::DatedPosting> MemoryLedger::postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) {
  std::vector<detail::DatedPosting> rows = source_->postings_from(seq, accounts);
  rows.erase(std::remove_if(rows.begin(), rows.end(), [this](const detail::DatedPosting& row) { return row.seq > head_.seq; }),
             rows.end());
  return rows;
}

void MemoryLedger::scan_recorded(std::int32_t from, std::int32_t through,
                                 const std::function<void(std::int64_t, std::int32_t, const StoredPosting&)>& each) {
  if (through < from || head_.seq == 0) return;
  source_->scan_dated_postings(from, through, head_.seq, [&](std::int64_t seq, const StoredPosting& posting) {
    each(seq, posting.date.value_or(0), posting);
  });
}

// ---- Appending ----

void MemoryLedger::append(const EventRow& event, const std::vector<StoredPosting>& postings) {
  if (event.seq != head_.seq + 1) {
    throw Error(ErrorCode::storage, "the rebuild appends seq " + std::to_string(event.seq) + " after seq " +
                                        std::to_string(head_.seq));
  }
  head_ = {event.seq, event.hash};
  last_event_ = event;
  last_postings_ = postings;
  for (StoredPosting& posting : last_postings_) {
    const std::int32_t day = posting.date ? *posting.date : event.day.value_or(0);
    posting.date = day;
    add_checked(usd_by_account_fund_[{posting.account_id, posting.fund_id}], posting.functional_minor);
    auto [latest, fresh] = latest_day_.try_emplace({posting.account_id, posting.fund_id}, day);
    if (!fresh && latest->second < day) latest->second = day;
    if (!first_day_ || day < *first_day_) first_day_ = day;
    if (!last_day_ || day > *last_day_) last_day_ = day;
    if (day > horizon_) add_to_tail(event.seq, day, posting);
  }
  // Where no month closes, the tail keeps the last few months of postings alone.
  if (last_day_ && *last_day_ - tail_days > horizon_ + tail_slack) raise_horizon(*last_day_ - tail_days);
  count_for_pledges(event.type, last_postings_);
  source_->appended(event, last_postings_);
}

void MemoryLedger::add_to_tail(std::int64_t seq, std::int32_t day, const StoredPosting& posting) {
  TailDay& tail_day = tail_[day];
  if (tail_day.first_seq == 0 || seq < tail_day.first_seq) tail_day.first_seq = seq;
  add_position(tail_day.sums[key_of(posting)], posting.amount_minor, posting.functional_minor);
}

void MemoryLedger::add_balances(const detail::BalanceDeltas& deltas) {
  for (const auto& [key, sums] : deltas.balances) balances_[key] = detail::plus(balances_[key], sums);
  for (const auto& [key, sums] : deltas.monthly) monthly_[key] = detail::plus(monthly_[key], sums);
  movements_.add(deltas.movements);
  for (const auto& [key, sums] : deltas.monthly_kinds) {
    const std::array<std::int64_t, 4> ordered{key[2], key[0], key[1], key[3]};
    monthly_kinds_[ordered] = detail::plus(monthly_kinds_[ordered], sums);
  }
}

// ---- What received and reduced a pledge, and what else posted to it ----

// What pledge_cancellation counts: the postings of receipts and applications (and money paid
// ahead applied, whatever the event) as received, those of reductions and write-offs as reduced;
// a reversal as the type of event it reverses, with its own sign.
void MemoryLedger::classify(const std::string& type, const StoredPosting& posting, bool only_applied_ahead, int sign) {
  const bool applied_ahead = posting.kind == detail::PostingKind::applied_ahead;
  if (only_applied_ahead && !applied_ahead) return;
  detail::PledgeCancellation& figures = cancellation_[{posting.pledge_id, posting.account_id}];
  if (applied_ahead || type == "receipt" || type == "apply") add_checked(figures.received_minor, -sign * posting.amount_minor);
  if (!only_applied_ahead && (type == "reduction" || type == "write_off")) {
    add_checked(figures.reduced_minor, -sign * posting.amount_minor);
  }
}

void MemoryLedger::count_for_pledges(const std::string& type, const std::vector<StoredPosting>& postings) {
  for (const StoredPosting& posting : postings) {
    if (posting.pledge_id == 0) continue;
    if (type != "pledge") ++other_postings_[posting.pledge_id];
    // A reversal counts as what it reverses, known when its reversal row is added; money paid
    // ahead and applied counts as received whatever the event.
    classify(type, posting, type == "reversal", 1);
  }
}

void MemoryLedger::add_reversal(std::int64_t reversed_seq, std::int64_t reversal_seq) {
  if (reversal_seq != head_.seq) {
    throw Error(ErrorCode::storage, "the rebuild records a reversal other than its last event");
  }
  reversals_[reversed_seq] = reversal_seq;
  const std::string reversed_type = event_type(reversed_seq);
  for (const StoredPosting& posting : last_postings_) {
    if (posting.pledge_id == 0) continue;
    if (posting.kind != detail::PostingKind::applied_ahead) classify(reversed_type, posting, false, 1);
    else if (reversed_type == "reduction" || reversed_type == "write_off") {
      add_checked(cancellation_[{posting.pledge_id, posting.account_id}].reduced_minor, -posting.amount_minor);
    }
  }
  // Neither the reversed event nor its reversal is "another posting" of a pledge any more.
  for (const std::int64_t seq : {reversed_seq, reversal_seq}) {
    if (!excluded_.insert(seq).second) continue;
    const bool last = seq == reversal_seq;
    if ((last ? last_event_.type : reversed_type) == "pledge") continue;
    for (const StoredPosting& posting : last ? last_postings_ : postings_of(seq)) {
      if (posting.pledge_id != 0) --other_postings_[posting.pledge_id];
    }
  }
}

detail::PledgeCancellation MemoryLedger::pledge_cancellation(std::int64_t pledge_id, std::int64_t account) {
  const auto found = cancellation_.find({pledge_id, account});
  return found == cancellation_.end() ? detail::PledgeCancellation{} : found->second;
}

bool MemoryLedger::pledge_has_other_postings(std::int64_t pledge_id) {
  const auto found = other_postings_.find(pledge_id);
  return found != other_postings_.end() && found->second > 0;
}

// ---- Balances ----

BalanceSums MemoryLedger::balance(const BalanceKeyIds& key) {
  const auto found = balances_.find(key);
  return found == balances_.end() ? BalanceSums{} : found->second;
}

BalanceSums MemoryLedger::monthly_balance(std::int64_t account, std::int64_t fund, std::int64_t currency,
                                          std::int64_t month) {
  const auto found = monthly_.find({account, fund, currency, month});
  return found == monthly_.end() ? BalanceSums{} : found->second;
}

std::vector<BalanceSums> MemoryLedger::balances_of(const std::vector<BalanceKeyIds>& keys) {
  std::vector<BalanceSums> sums;
  sums.reserve(keys.size());
  for (const auto& key : keys) sums.push_back(balance(key));
  return sums;
}

std::vector<BalanceSums> MemoryLedger::monthly_balances_of(const std::vector<std::array<std::int64_t, 4>>& keys) {
  std::vector<BalanceSums> sums;
  sums.reserve(keys.size());
  for (const auto& key : keys) sums.push_back(monthly_balance(key[0], key[1], key[2], key[3]));
  return sums;
}

GrandTotals MemoryLedger::grand_totals() {
  GrandTotals totals;
  for (const auto& [key, sums] : balances_) {
    GrandTotals::Sums& by_currency = totals.by_currency[key[5]];
    by_currency.debit += sums.debit;
    by_currency.credit += sums.credit;
    totals.usd.debit += sums.functional_debit;
    totals.usd.credit += sums.functional_credit;
  }
  return totals;
}

Position MemoryLedger::account_position(std::int64_t account, std::int64_t fund, std::int64_t currency) {
  Position position;
  const BalanceKeyIds first{account, fund, std::numeric_limits<std::int64_t>::min(), 0, 0, 0};
  for (auto it = balances_.lower_bound(first); it != balances_.end() && it->first[0] == account && it->first[1] == fund;
       ++it) {
    if (it->first[5] != currency) continue;
    add_position(position, it->second.debit - it->second.credit, it->second.functional_debit - it->second.functional_credit);
  }
  return position;
}

std::int64_t MemoryLedger::account_usd(std::int64_t account, std::int64_t fund) {
  std::int64_t total = 0;
  const BalanceKeyIds first{account, fund, std::numeric_limits<std::int64_t>::min(), 0, 0, 0};
  for (auto it = balances_.lower_bound(first); it != balances_.end() && it->first[0] == account && it->first[1] == fund;
       ++it) {
    add_checked(total, it->second.functional_debit - it->second.functional_credit);
  }
  return total;
}

std::vector<KeyedSums> MemoryLedger::stored_balances(const std::vector<std::int64_t>& accounts,
                                                     std::int64_t except_currency) {
  std::vector<KeyedSums> rows;
  auto add = [&](auto first, auto last) {
    for (auto it = first; it != last; ++it) {
      if (it->first[5] == except_currency) continue;
      const BalanceSums& sums = it->second;
      rows.push_back({it->first, {sums.debit - sums.credit, sums.functional_debit - sums.functional_credit}});
    }
  };
  if (accounts.empty()) add(balances_.begin(), balances_.end());
  // The table is in account order: each account's rows are one range of it.
  constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
  for (const std::int64_t account : accounts) {
    add(balances_.lower_bound({account, lowest, lowest, lowest, lowest, lowest}),
        balances_.lower_bound({account + 1, lowest, lowest, lowest, lowest, lowest}));
  }
  return rows;
}

// ---- Postings by date: the open tail, and the journal for what lies before it ----

std::map<BalanceKeyIds, Position> MemoryLedger::dated_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                                            std::int64_t except_currency) {
  std::map<BalanceKeyIds, Position> sums;
  for (auto it = tail_.upper_bound(std::max(day, horizon_)); it != tail_.end(); ++it) {
    for (const auto& [key, position] : it->second.sums) {
      if (wanted(key, accounts, except_currency)) {
        add_position(sums[key], position.amount_minor, position.functional_minor);
      }
    }
  }
  if (day < horizon_) {
    scan_recorded(day + 1, horizon_, [&](std::int64_t, std::int32_t, const StoredPosting& posting) {
      const BalanceKeyIds key = key_of(posting);
      if (wanted(key, accounts, except_currency)) add_position(sums[key], posting.amount_minor, posting.functional_minor);
    });
  }
  return sums;
}

std::vector<KeyedSums> MemoryLedger::sums_after(std::int32_t day, const std::vector<std::int64_t>& accounts,
                                                std::int64_t except_currency) {
  return keyed(dated_after(day, accounts, except_currency));
}

std::int64_t MemoryLedger::account_usd_through(std::int64_t account, std::int64_t fund, std::int32_t day) {
  const auto found = usd_by_account_fund_.find({account, fund});
  std::int64_t total = found == usd_by_account_fund_.end() ? 0 : found->second;
  for (const auto& [key, position] : dated_after(day, {account}, 0)) {
    if (key[1] == fund) add_checked(total, -position.functional_minor);
  }
  return total;
}

std::map<std::int64_t, std::int32_t> MemoryLedger::latest_days(std::int64_t account) {
  std::map<std::int64_t, std::int32_t> days;
  for (const auto& [key, day] : latest_day_) {
    if (key.first == account) days[key.second] = day;
  }
  return days;
}

std::optional<std::int64_t> MemoryLedger::first_seq_dated_after(std::int32_t day) {
  std::optional<std::int64_t> first;
  for (auto it = tail_.upper_bound(std::max(day, horizon_)); it != tail_.end(); ++it) {
    if (!first || it->second.first_seq < *first) first = it->second.first_seq;
  }
  if (day < horizon_) {
    scan_recorded(day + 1, horizon_, [&first](std::int64_t seq, std::int32_t, const StoredPosting&) {
      if (!first || seq < *first) first = seq;
    });
  }
  return first;
}

std::vector<KeyedSums> MemoryLedger::sums_of_classes(std::int32_t from, std::int32_t through,
                                                     const std::vector<AccountClass>& classes) {
  std::map<BalanceKeyIds, Position> sums;
  scan_recorded(from, through, [&](std::int64_t, std::int32_t, const StoredPosting& posting) {
    const AccountClass account_class = master_.accounts.by_id(posting.account_id).event.account_class;
    if (std::find(classes.begin(), classes.end(), account_class) == classes.end()) return;
    add_position(sums[key_of(posting)], posting.amount_minor, posting.functional_minor);
  });
  return keyed(sums);
}

void MemoryLedger::raise_horizon(std::int32_t horizon) {
  if (horizon <= horizon_) return;
  tail_.erase(tail_.begin(), tail_.upper_bound(horizon));
  horizon_ = horizon;
}

// ---- Seals ----

std::optional<Period> MemoryLedger::last_closed() {
  if (seals_.empty()) return std::nullopt;
  return Period::parse(seals_.rbegin()->first);
}

std::optional<std::int64_t> MemoryLedger::close_seq(const Period& period) {
  const auto found = seals_.find(period.to_string());
  if (found == seals_.end()) return std::nullopt;
  return found->second.close_seq;
}

void MemoryLedger::add_seal(const detail::SealRow& seal) {
  seals_[seal.period] = seal;
  const std::int64_t month = detail::month_index(Period::parse(seal.period).first_day());
  if (!kept_months_.count(month)) sealed_months_.push_back(month);
  raise_horizon(last_closed()->last_day().day_number());
}

void MemoryLedger::remove_seal(const Period& period) {
  // The tail stays as it is: what a close asks of the days before it is read from the journal.
  seals_.erase(period.to_string());
}

void MemoryLedger::let_go(std::int64_t month) { movements_.erase_month(month); }

// ---- The movements table ----

void MovementRows::add(const std::vector<std::pair<detail::MovementKey, BalanceSums>>& batch) {
  auto narrow = [](std::int64_t value) {
    if (value < std::numeric_limits<std::int32_t>::min() || value > std::numeric_limits<std::int32_t>::max()) {
      throw Error(ErrorCode::storage, "a movement's key is beyond what verify's rebuild holds");
    }
    return static_cast<std::int32_t>(value);
  };
  for (const auto& [k, sums] : batch) {
    rows_.push_back({{narrow(k[6]), narrow(k[0]), narrow(k[1]), narrow(k[7]), narrow(k[2]), narrow(k[3]), narrow(k[4]),
                      narrow(k[5])},
                     sums});
  }
  // Merged when what was added since is a fair share of the whole: each row moves a few times.
  if (rows_.size() - merged_ > std::max<std::size_t>(65536, merged_ / 2)) merge();
}

void MovementRows::merge() {
  if (merged_ == rows_.size()) return;
  const auto by_key = [](const Row& a, const Row& b) { return a.key < b.key; };
  const auto middle = rows_.begin() + static_cast<std::ptrdiff_t>(merged_);
  std::sort(middle, rows_.end(), by_key);
  std::inplace_merge(rows_.begin(), middle, rows_.end(), by_key);
  // Rows of one key, now side by side, become one.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    if (kept > 0 && rows_[kept - 1].key == rows_[i].key) {
      rows_[kept - 1].sums = detail::plus(rows_[kept - 1].sums, rows_[i].sums);
    } else {
      rows_[kept++] = rows_[i];
    }
  }
  rows_.resize(kept);
  merged_ = kept;
}

const std::deque<MovementRows::Row>& MovementRows::rows() {
  merge();
  return rows_;
}

std::pair<std::deque<MovementRows::Row>::const_iterator, std::deque<MovementRows::Row>::const_iterator>
MovementRows::month(std::int64_t month) {
  merge();
  const auto first = std::lower_bound(rows_.cbegin(), rows_.cend(), month,
                                      [](const Row& row, std::int64_t m) { return row.key[0] < m; });
  const auto last = std::lower_bound(first, rows_.cend(), month + 1,
                                     [](const Row& row, std::int64_t m) { return row.key[0] < m; });
  return {first, last};
}

void MovementRows::erase_month(std::int64_t month) {
  const auto [first, last] = this->month(month);
  rows_.erase(first, last);
  merged_ = rows_.size();
}

// ---- Holdings and their moves ----

Holding MemoryLedger::holding_as_of(const HeldRecord& held, std::int32_t day) const {
  Holding holding = held.holding;
  for (const std::size_t at : held.moves) {
    const detail::DatedMove& row = moves_[at];
    if (row.day > day) continue;
    holding.amount_minor += row.move.amount_minor;
    holding.functional_minor += row.move.functional_minor;
  }
  return holding;
}

std::optional<Holding> MemoryLedger::holding(std::int64_t seq, std::optional<std::int32_t> as_of) {
  const auto found = holdings_.find(seq);
  if (found == holdings_.end()) return std::nullopt;
  return holding_as_of(found->second, as_of.value_or(end_of_time));
}

std::vector<Holding> MemoryLedger::holdings_as_of(std::int32_t day, std::int64_t except_currency) {
  std::vector<Holding> holdings;
  for (const auto& [seq, held] : holdings_) {
    if (held.day <= day && held.holding.currency_id != except_currency) holdings.push_back(holding_as_of(held, day));
  }
  return holdings;
}

std::vector<Holding> MemoryLedger::paid_ahead(std::int64_t pledge_id, std::int64_t account) {
  std::vector<Holding> holdings;
  const auto found = holdings_by_pledge_.find(pledge_id);
  if (pledge_id == 0 || found == holdings_by_pledge_.end()) return holdings;
  for (const std::int64_t seq : found->second) {
    const HeldRecord& held = holdings_.at(seq);
    if (held.holding.account_id == account) holdings.push_back(holding_as_of(held, end_of_time));
  }
  return holdings;
}

std::vector<detail::DatedMove> MemoryLedger::moves_of(std::int64_t event_seq, bool all_after) const {
  auto it = std::lower_bound(moves_.begin(), moves_.end(), event_seq,
                             [](const detail::DatedMove& row, std::int64_t seq) { return row.event_seq < seq; });
  std::vector<detail::DatedMove> moves;
  for (; it != moves_.end() && (all_after || it->event_seq == event_seq); ++it) moves.push_back(*it);
  std::sort(moves.begin(), moves.end(), move_order);
  return moves;
}

std::vector<detail::HoldingMove> MemoryLedger::moves_by(std::int64_t event_seq) {
  std::vector<detail::HoldingMove> moves;
  for (const detail::DatedMove& row : moves_of(event_seq, false)) moves.push_back(row.move);
  return moves;
}

std::vector<detail::DatedMove> MemoryLedger::moves_from(std::int64_t seq) { return moves_of(seq, true); }

void MemoryLedger::add_holding(std::int64_t seq, const StoredPosting& posting, const std::string& partner) {
  if (seq != head_.seq) throw Error(ErrorCode::storage, "the rebuild records a holding of an event other than its last");
  HeldRecord& held = holdings_[seq];
  Holding& holding = held.holding;
  const std::int64_t sign = posting.amount_minor < 0 ? -1 : 1;
  holding.seq = seq;
  holding.account_id = posting.account_id;
  holding.fund_id = posting.fund_id;
  holding.donor_id = posting.donor_id;
  holding.pledge_id = posting.pledge_id;
  holding.currency_id = posting.currency_id;
  holding.initial_minor = holding.amount_minor = sign * posting.amount_minor;
  holding.initial_functional_minor = holding.functional_minor = sign * posting.functional_minor;
  holding.asset = master_.accounts.by_id(posting.account_id).event.account_class == AccountClass::asset;
  holding.partner = partner;
  holding.project_id = posting.project_id;
  // An undated event's holding is held on no day.
  held.day = last_event_.day.value_or(end_of_time);
  if (posting.pledge_id != 0) holdings_by_pledge_[posting.pledge_id].push_back(seq);
}

void MemoryLedger::add_move(std::int64_t event_seq, std::int32_t day, const detail::HoldingMove& move) {
  if (!moves_.empty() && moves_.back().event_seq > event_seq) {
    throw Error(ErrorCode::storage, "the rebuild records moves out of order");
  }
  const std::int32_t effective = move.day.value_or(day);
  moves_.push_back({event_seq, effective, {move.holding_seq, move.amount_minor, move.functional_minor, effective}});
  const auto held = holdings_.find(move.holding_seq);
  if (held != holdings_.end()) held->second.moves.push_back(moves_.size() - 1);
}

// ---- Pledges and their instalments ----

void MemoryLedger::add_pledge(const detail::PledgeRecord& pledge, const std::vector<detail::InstalmentRow>& instalments) {
  master_.pledges.add(pledge);
  std::vector<detail::InstalmentRow>& rows = instalments_[pledge.id];
  for (detail::InstalmentRow row : instalments) {
    row.cut_minor = 0;
    if (row.recognized_seq) recognized_by_[row.recognized_seq].push_back({pledge.id, row.line});
    rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
}

void MemoryLedger::recognize(std::int64_t pledge_id, const std::vector<std::int64_t>& lines, std::int64_t seq) {
  for (detail::InstalmentRow& row : instalments_[pledge_id]) {
    if (std::find(lines.begin(), lines.end(), row.line) == lines.end()) continue;
    row.recognized_seq = seq;
    recognized_by_[seq].push_back({pledge_id, row.line});
  }
}

void MemoryLedger::unrecognize(std::int64_t by_seq) {
  const auto found = recognized_by_.find(by_seq);
  if (found == recognized_by_.end()) return;
  for (const auto& [pledge_id, line] : found->second) {
    for (detail::InstalmentRow& row : instalments_[pledge_id]) {
      if (row.line == line && row.recognized_seq == by_seq) row.recognized_seq = 0;
    }
  }
  recognized_by_.erase(found);
}

detail::MasterState MemoryLedger::load_master_records() {
  detail::MasterState master = master_;
  master.pledges.leave_unread();
  return master;
}

void MemoryLedger::set_pledge_reversed(std::int64_t pledge_id) { master_.pledges.by_id_mutable(pledge_id).reversed = true; }

void MemoryLedger::add_cut(std::int64_t event_seq, const detail::InstalmentCut& cut) {
  cuts_.push_back({event_seq, cut});
  for (detail::InstalmentRow& row : instalments_[cut.pledge_id]) {
    if (row.line == cut.line) add_checked(row.cut_minor, cut.amount_minor);
  }
}

std::vector<detail::InstalmentCut> MemoryLedger::cuts_by(std::int64_t event_seq) {
  std::vector<detail::InstalmentCut> cuts;
  for (const CutRow& row : cuts_) {
    if (row.event_seq == event_seq) cuts.push_back(row.cut);
  }
  std::sort(cuts.begin(), cuts.end(), [](const auto& a, const auto& b) {
    return std::tie(a.pledge_id, a.line) < std::tie(b.pledge_id, b.line);
  });
  return cuts;
}

std::vector<detail::InstalmentRow> MemoryLedger::instalments(std::int64_t pledge_id) {
  const auto found = instalments_.find(pledge_id);
  if (found == instalments_.end()) return {};
  std::vector<detail::InstalmentRow> rows = found->second;
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.due, a.line) < std::tie(b.due, b.line);
  });
  return rows;
}

std::vector<std::int64_t> MemoryLedger::pledges_due(std::int32_t day) {
  std::vector<std::int64_t> due;
  for (const auto& [pledge_id, rows] : instalments_) {
    if (master_.pledges.by_id(pledge_id).reversed) continue;
    for (const detail::InstalmentRow& row : rows) {
      if (row.recognized_seq == 0 && row.due <= day && row.amount_minor > row.cut_minor) {
        due.push_back(pledge_id);
        break;
      }
    }
  }
  return due;
}

std::optional<std::int64_t> MemoryLedger::reversal_of(std::int64_t seq) {
  const auto found = reversals_.find(seq);
  if (found == reversals_.end()) return std::nullopt;
  return found->second;
}

// ---- Master data ----

void MemoryLedger::add_currency(const detail::CurrencyRecord& currency) {
  detail::CurrencyRecord record = currency;
  record.rates.clear();
  master_.currencies.add(std::move(record));
}

void MemoryLedger::declare_currency(std::int64_t id, std::int64_t seq) {
  master_.currencies.by_id_mutable(id).declared_seq = seq;
}

void MemoryLedger::add_account(const detail::AccountRecord& account, std::int64_t seq) {
  detail::AccountRecord record = account;
  record.seq = seq;
  master_.accounts.add(std::move(record));
}

void MemoryLedger::add_fund(const detail::FundRecord& fund, std::int64_t parent_id, std::int64_t seq) {
  detail::FundRecord record = fund;
  record.seq = seq;
  record.amendments.clear();
  record.event.parent = parent_id ? master_.funds.by_id(parent_id).code : std::string();
  fund_parents_[fund.id] = parent_id;
  master_.funds.add(std::move(record));
}

void MemoryLedger::add_donor(const detail::DonorRecord& donor, std::int64_t seq) {
  detail::DonorRecord record = donor;
  record.seq = seq;
  record.amendments.clear();
  master_.donors.add(std::move(record));
}

void MemoryLedger::add_project(const detail::ProjectRecord& project, std::int64_t seq) {
  detail::ProjectRecord record = project;
  record.seq = seq;
  record.amendments.clear();
  record.event.fund = master_.funds.by_id(project.fund_id).code;
  master_.projects.add(std::move(record));
}

void MemoryLedger::add_rate(std::int64_t currency_id, std::int32_t day, const Decimal& per_usd, std::int64_t seq) {
  auto& rates = master_.currencies.by_id_mutable(currency_id).rates;
  const auto at = std::upper_bound(rates.begin(), rates.end(), day,
                                   [](std::int32_t d, const detail::RateEntry& rate) { return d < rate.day; });
  rates.insert(at, {day, per_usd, seq});
}

void MemoryLedger::add_setting(const std::string& key, std::int32_t day, const std::string& value, std::int64_t seq) {
  auto& values = master_.settings[key].values;
  const auto at = std::upper_bound(values.begin(), values.end(), day,
                                   [](std::int32_t d, const detail::SettingEntry& entry) { return d < entry.day; });
  values.insert(at, {day, value, seq});
}

void MemoryLedger::add_budget(const detail::BudgetRow& budget) { budgets_[budget.seq] = budget; }

void MemoryLedger::add_amendment(const detail::AmendmentRow& row) {
  amendments_[row.amendment.seq] = row;
  if (row.kind == "donor") detail::add_amendment(master_.donors.by_id_mutable(row.record_id).amendments, row.amendment);
  if (row.kind == "fund") detail::add_amendment(master_.funds.by_id_mutable(row.record_id).amendments, row.amendment);
  if (row.kind == "project") detail::add_amendment(master_.projects.by_id_mutable(row.record_id).amendments, row.amendment);
}

}  // namespace fundledger::store
