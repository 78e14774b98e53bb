// Private: the read view of a ledger's state that the rules are given. A rule is a function of this
// view and one event; it reads, never writes, and returns the Change the event makes (change.hpp).
// The core implements the view over a store transaction (store_state.hpp), with what the
// transaction has recorded so far included.
#pragma once

#include "core/types.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace fundledger::detail {

class StateView {
 public:
  virtual ~StateView() = default;

  virtual const MasterState& master() const = 0;
  // The latest closed month: every day up to its end is locked.
  virtual std::optional<Period> last_closed() const = 0;

  // Events by id or seq, and the postings of one.
  virtual std::optional<EventRef> event(std::string_view id) const = 0;
  virtual std::optional<EventRef> event_at(std::int64_t seq) const = 0;
  virtual std::vector<StoredPosting> postings_of(std::int64_t seq) const = 0;

  // A balance by its full key, every posting so far included.
  virtual BalanceSums balance(const BalanceKeyIds& key) const = 0;
  // A fund's cash in one currency as it stands now, with the USD it carries (every donor's).
  virtual Position cash_position(std::int64_t fund, std::int64_t currency) const = 0;
  // A fund's cash in USD cents at the end of a day.
  virtual std::int64_t cash_usd(std::int64_t fund, Date day) const = 0;
  // The funds with cash (in USD cents, positive) at the end of the day before day, by fund id.
  virtual std::vector<std::pair<std::int64_t, std::int64_t>> positive_cash_before(Date day) const = 0;

  // Money held by an event, what events moved, which event reversed which.
  virtual std::optional<Holding> holding(std::int64_t seq) const = 0;
  virtual std::vector<HoldingMove> moves_by(std::int64_t event_seq) const = 0;
  virtual std::optional<std::int64_t> reversal_of(std::int64_t seq) const = 0;

  // Pledges: instalments (by due date), what received and what reduced them, whether anything but
  // the pledge posted to one.
  virtual std::vector<InstalmentRow> instalments(std::int64_t pledge_id) const = 0;
  // What one event cut off instalments not yet recognized.
  virtual std::vector<InstalmentCut> cuts_by(std::int64_t event_seq) const = 0;
  // The money paid ahead for a pledge (held in 2100 for it) that remains, oldest first.
  virtual std::vector<Holding> paid_ahead(std::int64_t pledge_id) const = 0;
  virtual PledgeCancellation pledge_cancellation(std::int64_t pledge_id) const = 0;
  virtual bool pledge_has_other_postings(std::int64_t pledge_id) const = 0;

  // The close: the first month, the seals, the pledges with instalments falling due, the
  // foreign-currency monetary positions on a day, and the year's revenue and expenses.
  virtual std::optional<Date> first_posting_day() const = 0;
  virtual std::optional<std::int64_t> close_seq(const Period& period) const = 0;
  virtual std::vector<std::int64_t> pledges_due(Date day) const = 0;
  virtual std::vector<MonetaryPosition> monetary_positions(Date day) const = 0;
  virtual std::vector<KeyedSums> results(Date from, Date through) const = 0;
  // The balances of these accounts by full key, of every posting dated through day, that are not zero.
  virtual std::vector<KeyedSums> balances_through(Date day, const std::vector<std::int64_t>& accounts) const = 0;

  // The walks through what was recorded after a point, in the order it was recorded: the first seq
  // that posted anything dated after day (none: nothing did), the postings to these accounts from
  // seq on, and the moves of holdings by the events from seq on.
  virtual std::optional<std::int64_t> first_seq_dated_after(Date day) const = 0;
  virtual std::vector<DatedPosting> postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) const = 0;
  virtual std::vector<DatedMove> moves_from(std::int64_t seq) const = 0;
  // A fund's cash in USD cents, every posting so far, whatever its date.
  virtual std::int64_t cash_usd_now(std::int64_t fund) const = 0;
};

}  // namespace fundledger::detail
