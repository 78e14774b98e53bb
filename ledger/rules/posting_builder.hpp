// Private: building the postings of one event, with USD conversion and the invariant checks.
#pragma once

#include "rules/rule_context.hpp"

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fundledger::detail {

// The optional dimensions of a posting (0 when absent).
struct Dimensions {
  std::int64_t donor_id = 0;
  std::int64_t project_id = 0;
  std::int64_t pledge_id = 0;
};

// Collects the postings of one event dated `date` (ledger/README.md, "Dimensions of a posting"):
//   add          converts the amount at the rate in force with the ledger's rounding, each posting
//                with its own sign (under floor, EUR -100.00 at 0.9 is USD -111.12, EUR 100.00 is
//                111.11);
//   relieve      takes an amount out of a monetary balance at the USD that balance carries, in
//                proportion; the difference from the amount's value at the day's rate is realized
//                exchange, which finish() posts to 4700;
//   add_with_usd takes the USD as given (the other side of a relief, a 1900 leg, a revaluation).
// finish() then posts, per fund and day, the realized exchange to 4700 and whatever the rounding
// of each posting left to 5900 (marked as the ledger's residual), and checks invariants 1-3.
class PostingBuilder {
 public:
  // Error (closed_period) when date falls in a closed month, unless the event is the one that
  // reopens it (check_open false).
  PostingBuilder(RuleContext& context, Date date, std::string label, bool check_open = true);

  // The id of a standard account, or an Error naming it when the chart lacks it.
  std::int64_t account(std::string_view code) const;

  // amount in currency, USD at the rate in force.
  void add(std::int64_t account_id, std::int64_t fund_id, const CurrencyRecord& currency,
           const Decimal& amount, Dimensions dimensions = {});
  // amount in currency with the USD amount given.
  void add_with_usd(std::int64_t account_id, std::int64_t fund_id, const CurrencyRecord& currency,
                    const Decimal& amount, std::int64_t functional_minor, Dimensions dimensions = {});
  // amount (of the opposite sign to the balance) relieved from balance at its carrying USD; what
  // goes beyond the balance is valued at the day's rate. value_now, when given, is the USD the
  // amount is worth today (in a settlement across currencies, the USD of the money that settles
  // it); otherwise the amount is converted at the day's rate. Returns the USD posted.
  std::int64_t relieve(std::int64_t account_id, std::int64_t fund_id, const CurrencyRecord& currency,
                       const Decimal& amount, Position balance, Dimensions dimensions = {},
                       std::optional<std::int64_t> value_now = std::nullopt);
  // Cash coming into a fund (amount positive). From rules version 4, where the fund's cash in the
  // currency is below zero (an overdraft), the part that fills it comes in at the USD the overdraft
  // carries (all of it when it brings the cash to zero), beyond it at the day's value, the
  // difference realized (relieve); otherwise at the day's value (value_now, when given). Returns the
  // USD posted.
  std::int64_t add_cash(std::int64_t fund_id, const CurrencyRecord& currency, const Decimal& amount,
                        Dimensions dimensions = {}, std::optional<std::int64_t> value_now = std::nullopt);
  // The USD value of amount at the rate in force, in cents (on another day with on), rounded with
  // the ledger's rounding in force that day, with the amount's own sign.
  std::int64_t usd_minor(const CurrencyRecord& currency, const Decimal& amount) const;
  std::int64_t usd_minor_on(const CurrencyRecord& currency, const Decimal& amount, Date on) const;
  // Dates the postings added from now on (the event's own date when never called).
  void post_on(Date day) { posting_date_ = day; }
  // Marks the postings added from now on (ordinary unless called).
  void mark(PostingKind kind) { kind_ = kind; }
  // Adds a posting exactly as given (its date included).
  void add_posting(const StoredPosting& posting) { postings_.push_back(posting); }
  bool empty() const { return postings_.empty(); }
  const std::vector<StoredPosting>& postings() const { return postings_; }
  // A fund's cash in a currency as it stands: what the ledger holds and the postings built so far.
  Position cash_held(std::int64_t fund_id, std::int64_t currency_id) const;
  // What the postings built so far add to one balance, by its full key.
  Position added_to(const BalanceKeyIds& key) const;
  // Posts a USD-only restatement of what a relief of balance_key on day carried (amount 0, usd
  // signed as a posting on that balance), its difference realized (4700) on the same day.
  void restate_relief(const BalanceKeyIds& balance_key, std::int32_t day, std::int64_t usd);

  // Posts each fund's remaining USD difference to account_id (amount 0, in the currency of the
  // fund's first posting): for events whose own rule names where a difference goes.
  void close_usd_difference(std::int64_t account_id);
  // Posts the realized exchange and the rounding residual of the postings so far dated through day
  // (a year-end close does so before it sums the year's results, which include them).
  void settle_through(std::int32_t day);
  // Posts the realized exchange and the rounding residual, checks invariants 1-3 and returns the
  // postings.
  std::vector<StoredPosting> finish();

  Date date() const { return date_; }

 private:
  std::int32_t current_day() const { return (posting_date_ ? *posting_date_ : date_).day_number(); }
  void close_by_fund_and_day(const std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient>& amounts,
                             std::string_view account_code, PostingKind kind);

  RuleContext& context_;
  Date date_;
  std::string label_;
  std::optional<Date> posting_date_;
  PostingKind kind_ = PostingKind::ordinary;
  std::vector<StoredPosting> postings_;
  // Realized exchange by (fund, day): carrying USD minus the value at the day's rate.
  std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient> exchange_;
  std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient> applied_exchange_;  // of applied_ahead
  std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient>& exchange_of_kind() {
    return kind_ == PostingKind::applied_ahead ? applied_exchange_ : exchange_;
  }
};

// A posting of USD alone (amount 0) on the balance with this key: a revaluation or a restatement.
StoredPosting usd_only(const BalanceKeyIds& key, std::int64_t functional_minor);

// The USD share of total_minor for part/whole: total * part / whole rounded half-even to cents,
// all of it when part == whole. Used to relieve a balance carried at historical rates.
std::int64_t proportional_minor(std::int64_t total_minor, std::int64_t part_minor, std::int64_t whole_minor);

// Checks invariants 1-3 of an entry (ledger/README.md, "Dimensions of a posting") (at least two postings; each fund and currency sums to
// zero; each fund's USD sums to zero) and returns the postings; throws Error (unbalanced) naming
// the fund and currency otherwise.
std::vector<StoredPosting> check_balanced(const std::string& label, std::vector<StoredPosting> postings,
                                          const RuleContext& context);
// Invariant 2 alone: each fund and currency sums to zero.
void check_currency_balance(const std::string& label, const std::vector<StoredPosting>& postings,
                            const RuleContext& context);

// The part of a posting of posting_minor that the balance covers: none unless the posting goes
// against the balance, and never more than the balance holds (in the posting's sign).
std::int64_t covered_minor(std::int64_t posting_minor, const Position& balance);

}  // namespace fundledger::detail
