// Private: building the postings of one event, with USD conversion and the invariant checks.
#pragma once

#include "core/ledger_impl.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace fundledger::detail {

// The optional dimensions of a posting (0 when absent).
struct Dimensions {
  std::int64_t donor_id = 0;
  std::int64_t project_id = 0;
  std::int64_t pledge_id = 0;
};

// Collects the postings of one event dated `date`. Amounts are converted to USD at the rate in
// force on that date with the ledger's rounding, unless the caller gives the USD amount (a
// receivable relieved at its carrying USD, say). finish() closes each fund's USD difference to
// the account it names and checks invariants 1-3 of ACCOUNTING.md.
class PostingBuilder {
 public:
  PostingBuilder(Ledger::Impl& impl, Date date, std::string label);

  // The id of a standard account, or an Error naming it when the chart lacks it.
  std::int64_t account(std::string_view code) const;

  // amount in currency, USD at the rate in force.
  void add(std::int64_t account_id, std::int64_t fund_id, const CurrencyRecord& currency,
           const Decimal& amount, Dimensions dimensions = {});
  // amount in currency with the USD amount given.
  void add_with_usd(std::int64_t account_id, std::int64_t fund_id, const CurrencyRecord& currency,
                    const Decimal& amount, std::int64_t functional_minor, Dimensions dimensions = {});
  // The USD value of amount at the rate in force, in cents (on another day with on).
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

  // Posts each fund's remaining USD difference to account_id (amount 0, in the currency of the
  // fund's first posting). residual marks it as the ledger's rounding residual (account 5900).
  void close_usd_difference(std::int64_t account_id, bool residual);
  // Checks invariants 1-3 and returns the postings.
  std::vector<StoredPosting> finish();

  Date date() const { return date_; }

 private:
  Ledger::Impl& impl_;
  Date date_;
  std::string label_;
  Rounding rounding_;
  std::optional<Date> posting_date_;
  PostingKind kind_ = PostingKind::ordinary;
  std::vector<StoredPosting> postings_;
};

// The USD share of total_minor for part/whole: total * part / whole rounded half-even to cents,
// all of it when part == whole. Used to relieve a balance carried at historical rates.
std::int64_t proportional_minor(std::int64_t total_minor, std::int64_t part_minor, std::int64_t whole_minor);

}  // namespace fundledger::detail
