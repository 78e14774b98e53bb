// Building an event's postings: USD conversion, the USD difference, and invariants 1-3.
#include "core/posting_builder.hpp"

#include "core/text.hpp"

#include <fundledger/error.hpp>

#include <map>

namespace fundledger::detail {

PostingBuilder::PostingBuilder(Ledger::Impl& impl, Date date, std::string label)
    : impl_(impl), date_(date), label_(std::move(label)), rounding_(impl.rounding_on(date)) {
  impl.check_open(date, label_);
}

std::int64_t PostingBuilder::account(std::string_view code) const {
  const auto* record = impl_.state.accounts.find(code);
  if (!record) {
    throw Error(ErrorCode::unknown_reference,
                label_ + " posts to account " + std::string(code) +
                    ", which this ledger does not have (it is in the standard chart that init creates)");
  }
  return record->id;
}

std::int64_t PostingBuilder::usd_minor(const CurrencyRecord& currency, const Decimal& amount) const {
  return usd_minor_on(currency, amount, date_);
}

std::int64_t PostingBuilder::usd_minor_on(const CurrencyRecord& currency, const Decimal& amount, Date on) const {
  if (currency.code == functional_currency_code) return amount.to_minor_units(2);
  const Decimal* rate = nullptr;
  try {
    rate = &impl_.rate_on(currency, on);
  } catch (const Error& error) {
    throw Error(error.code(), "field \"currency\": " + std::string(error.what()));
  }
  return Decimal::divide(amount, *rate, 2, impl_.rounding_on(on)).to_minor_units(2);
}

void PostingBuilder::add(std::int64_t account_id, std::int64_t fund_id, const CurrencyRecord& currency,
                         const Decimal& amount, Dimensions dimensions) {
  add_with_usd(account_id, fund_id, currency, amount, usd_minor(currency, amount), dimensions);
}

void PostingBuilder::add_with_usd(std::int64_t account_id, std::int64_t fund_id,
                                  const CurrencyRecord& currency, const Decimal& amount,
                                  std::int64_t functional_minor, Dimensions dimensions) {
  StoredPosting posting;
  posting.account_id = account_id;
  posting.fund_id = fund_id;
  posting.donor_id = dimensions.donor_id;
  posting.project_id = dimensions.project_id;
  posting.pledge_id = dimensions.pledge_id;
  posting.currency_id = currency.id;
  posting.amount_minor = amount.to_minor_units(currency.minor_units);
  posting.functional_minor = functional_minor;
  if (posting_date_ && *posting_date_ != date_) posting.date = posting_date_->day_number();
  posting.kind = kind_;
  if (posting.amount_minor == 0 && posting.functional_minor == 0) return;  // nothing to post
  postings_.push_back(posting);
}

void PostingBuilder::close_usd_difference(std::int64_t account_id, bool residual) {
  std::map<std::int64_t, Decimal::Coefficient> by_fund;
  std::map<std::int64_t, std::int64_t> first_currency;
  for (const StoredPosting& p : postings_) {
    by_fund[p.fund_id] += p.functional_minor;
    first_currency.emplace(p.fund_id, p.currency_id);
  }
  for (const auto& [fund_id, sum] : by_fund) {
    if (sum == 0) continue;
    StoredPosting difference;
    difference.account_id = account_id;
    difference.fund_id = fund_id;
    difference.currency_id = first_currency[fund_id];
    difference.functional_minor = static_cast<std::int64_t>(-sum);
    if (residual) difference.kind = PostingKind::rounding_residual;
    if (posting_date_ && *posting_date_ != date_) difference.date = posting_date_->day_number();
    postings_.push_back(difference);
  }
}

std::vector<StoredPosting> PostingBuilder::finish() {
  if (postings_.size() < 2) {
    throw Error(ErrorCode::unbalanced, label_ + " needs at least two postings, it has " +
                                           std::to_string(postings_.size()));
  }
  std::map<std::pair<std::int64_t, std::int64_t>, Decimal::Coefficient> by_fund_currency;
  std::map<std::int64_t, Decimal::Coefficient> functional_by_fund;
  for (const StoredPosting& p : postings_) {
    by_fund_currency[{p.fund_id, p.currency_id}] += p.amount_minor;
    functional_by_fund[p.fund_id] += p.functional_minor;
  }
  const auto& state = impl_.state;
  for (const auto& [key, sum] : by_fund_currency) {
    if (sum != 0) {
      const auto& currency = state.currencies.by_id(key.second);
      throw Error(ErrorCode::unbalanced,
                  label_ + " does not balance: in fund " + state.funds.by_id(key.first).code + " the " +
                      currency.code + " postings sum to " +
                      Decimal::from_coefficient(sum, currency.minor_units).to_string() +
                      ", expected 0");
    }
  }
  for (const auto& [fund_id, sum] : functional_by_fund) {
    if (sum != 0) {
      throw Error(ErrorCode::unbalanced,
                  label_ + " does not balance in USD: in fund " + state.funds.by_id(fund_id).code +
                      " the USD amounts sum to " +
                      Decimal::from_coefficient(sum, 2).to_string() + ", expected 0");
    }
  }
  return std::move(postings_);
}

std::int64_t proportional_minor(std::int64_t total_minor, std::int64_t part_minor, std::int64_t whole_minor) {
  if (part_minor == whole_minor) return total_minor;
  if (whole_minor == 0) return 0;
  return static_cast<std::int64_t>(
      Decimal::divide(Decimal::from_integer(total_minor) * Decimal::from_integer(part_minor),
                      Decimal::from_integer(whole_minor), 0, Rounding::HalfEven)
          .coefficient());
}

}  // namespace fundledger::detail
