// Building an event's postings: USD conversion, relief at carrying USD, the realized exchange and
// rounding residual, and invariants 1-3.
#include "rules/posting_builder.hpp"

#include "core/chart.hpp"
#include "core/master.hpp"
#include "core/mutants.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>
#include <fundledger/money.hpp>

#include <algorithm>
#include <map>

namespace fundledger::detail {

PostingBuilder::PostingBuilder(RuleContext& context, Date date, std::string label, bool check_open)
    : context_(context), date_(date), label_(std::move(label)) {
  if (check_open) context.check_open(date, label_);
}

std::int64_t PostingBuilder::account(std::string_view code) const { return context_.account(code, label_); }

std::int64_t PostingBuilder::usd_minor(const CurrencyRecord& currency, const Decimal& amount) const {
  return usd_minor_on(currency, amount, Date::from_day_number(current_day()));
}

std::int64_t PostingBuilder::usd_minor_on(const CurrencyRecord& currency, const Decimal& amount, Date on) const {
  try {
    return usd_value_minor(context_.master, currency, amount, on);
  } catch (const Error& error) {
    throw Error(error.code(), "field \"currency\": " + std::string(error.what()));
  }
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

std::int64_t PostingBuilder::relieve(std::int64_t account_id, std::int64_t fund_id, const CurrencyRecord& currency,
                                     const Decimal& amount, Position balance, Dimensions dimensions,
                                     std::optional<std::int64_t> value_now) {
  const std::int64_t posting_minor = amount.to_minor_units(currency.minor_units);
  const std::int64_t value = value_now ? *value_now : usd_minor(currency, amount);
  const std::int64_t covered = covered_minor(posting_minor, balance);
  std::int64_t usd = value;
  if (covered != 0 && !FUNDLEDGER_MUTANT("skip_carrying_relief")) {
    const std::int64_t whole = balance.amount_minor < 0 ? -balance.amount_minor : balance.amount_minor;
    const std::int64_t part = covered < 0 ? -covered : covered;
    // The carrying USD of the part covered, with the posting's sign; beyond it, the day's value.
    const std::int64_t carried = -proportional_minor(balance.functional_minor, part, whole);
    const std::int64_t beyond = covered == posting_minor
                                    ? 0
                                    : usd_minor(currency, Decimal::from_minor_units(posting_minor - covered,
                                                                                     currency.minor_units));
    usd = carried + beyond;
  }
  add_with_usd(account_id, fund_id, currency, amount, usd, dimensions);
  exchange_of_kind()[{fund_id, current_day()}] += static_cast<Decimal::Coefficient>(usd) - value;
  return usd;
}

std::int64_t PostingBuilder::add_cash(std::int64_t fund_id, const CurrencyRecord& currency, const Decimal& amount,
                                      Dimensions dimensions, std::optional<std::int64_t> value_now) {
  const std::int64_t cash = account(account::cash);
  if (rules_at_least(context_.master, date_, 4) && currency.code != functional_currency_code) {
    const Position held = cash_held(fund_id, currency.id);
    if (held.amount_minor < 0) return relieve(cash, fund_id, currency, amount, held, dimensions, value_now);
  }
  const std::int64_t usd = value_now ? *value_now : usd_minor(currency, amount);
  add_with_usd(cash, fund_id, currency, amount, usd, dimensions);
  return usd;
}

Position PostingBuilder::cash_held(std::int64_t fund_id, std::int64_t currency_id) const {
  const std::int64_t cash = account(account::cash);
  Position held = context_.state.cash_position(fund_id, currency_id);
  for (const StoredPosting& p : postings_) {
    if (p.account_id != cash || p.fund_id != fund_id || p.currency_id != currency_id) continue;
    held.amount_minor += p.amount_minor;
    held.functional_minor += p.functional_minor;
  }
  return held;
}

Position PostingBuilder::added_to(const BalanceKeyIds& key) const {
  Position added;
  for (const StoredPosting& p : postings_) {
    if (BalanceKeyIds{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id} != key) continue;
    added.amount_minor += p.amount_minor;
    added.functional_minor += p.functional_minor;
  }
  return added;
}

StoredPosting usd_only(const BalanceKeyIds& key, std::int64_t functional_minor) {
  StoredPosting posting;
  posting.account_id = key[0];
  posting.fund_id = key[1];
  posting.donor_id = key[2];
  posting.project_id = key[3];
  posting.pledge_id = key[4];
  posting.currency_id = key[5];
  posting.functional_minor = functional_minor;
  return posting;
}

void PostingBuilder::restate_relief(const BalanceKeyIds& balance_key, std::int32_t day, std::int64_t usd) {
  if (usd == 0) return;
  StoredPosting posting = usd_only(balance_key, usd);
  posting.kind = kind_;
  if (day != date_.day_number()) posting.date = day;
  postings_.push_back(posting);
  // The relief carried usd more: the realized exchange of its day is that much less.
  exchange_[{balance_key[1], day}] += usd;
}

void PostingBuilder::close_by_fund_and_day(
    const std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient>& amounts, std::string_view account_code,
    PostingKind kind) {
  std::map<std::pair<std::int64_t, std::int32_t>, std::int64_t> first_currency;
  for (const StoredPosting& p : postings_) {
    first_currency.emplace(std::make_pair(p.fund_id, p.date ? *p.date : date_.day_number()), p.currency_id);
  }
  for (const auto& [fund_day, amount] : amounts) {
    if (amount == 0) continue;
    StoredPosting posting;
    posting.account_id = account(account_code);
    posting.fund_id = fund_day.first;
    posting.currency_id = first_currency[fund_day];
    posting.functional_minor = static_cast<std::int64_t>(amount);
    posting.kind = kind;
    if (fund_day.second != date_.day_number()) posting.date = fund_day.second;
    postings_.push_back(posting);
  }
}

void PostingBuilder::close_usd_difference(std::int64_t account_id) {
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
    if (posting_date_ && *posting_date_ != date_) difference.date = posting_date_->day_number();
    postings_.push_back(difference);
  }
}

void PostingBuilder::settle_through(std::int32_t day) {
  for (auto [exchange, kind] : {std::make_pair(&exchange_, PostingKind::ordinary),
                                std::make_pair(&applied_exchange_, PostingKind::applied_ahead)}) {
    std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient> realized;
    for (auto it = exchange->begin(); it != exchange->end();) {
      if (it->first.second > day) {
        ++it;
        continue;
      }
      realized[it->first] = -it->second;
      it = exchange->erase(it);
    }
    close_by_fund_and_day(realized, "4700", kind);
  }
  std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient> residual;
  for (const StoredPosting& p : postings_) {
    const std::int32_t posted = p.date ? *p.date : date_.day_number();
    if (posted <= day) residual[{p.fund_id, posted}] -= p.functional_minor;
  }
  close_by_fund_and_day(residual, "5900", PostingKind::rounding_residual);
}

std::vector<StoredPosting> PostingBuilder::finish() {
  // Realized exchange: the carrying USD of what was relieved against its value today; that of money
  // paid ahead applied to an instalment counts as the application.
  for (auto [exchange, kind] : {std::make_pair(&exchange_, PostingKind::ordinary),
                                std::make_pair(&applied_exchange_, PostingKind::applied_ahead)}) {
    std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient> realized;
    for (const auto& [fund_day, difference] : *exchange) realized[fund_day] = -difference;
    close_by_fund_and_day(realized, "4700", kind);
    exchange->clear();
  }
  // What the rounding of each posting to cents leaves, per fund and day, is the residual (5900).
  std::map<std::pair<std::int64_t, std::int32_t>, Decimal::Coefficient> residual;
  for (const StoredPosting& p : postings_) {
    residual[{p.fund_id, p.date ? *p.date : date_.day_number()}] -= p.functional_minor;
  }
  close_by_fund_and_day(residual, "5900", PostingKind::rounding_residual);
  return check_balanced(label_, std::move(postings_), context_);
}

void check_currency_balance(const std::string& label, const std::vector<StoredPosting>& postings,
                            const RuleContext& context) {
  std::map<std::pair<std::int64_t, std::int64_t>, Decimal::Coefficient> by_fund_currency;
  for (const StoredPosting& p : postings) by_fund_currency[{p.fund_id, p.currency_id}] += p.amount_minor;
  for (const auto& [key, sum] : by_fund_currency) {
    if (sum != 0) {
      const auto& currency = context.currency(key.second);
      throw Error(ErrorCode::unbalanced,
                  label + " does not balance: in fund " + context.master.funds.by_id(key.first).code + " the " +
                      currency.code + " postings sum to " +
                      Decimal::from_coefficient(sum, currency.minor_units).to_string() + ", expected 0");
    }
  }
}

std::vector<StoredPosting> check_balanced(const std::string& label, std::vector<StoredPosting> postings,
                                          const RuleContext& context) {
  if (postings.size() < 2) {
    throw Error(ErrorCode::unbalanced, label + " needs at least two postings, it has " +
                                           std::to_string(postings.size()));
  }
  check_currency_balance(label, postings, context);
  std::map<std::int64_t, Decimal::Coefficient> functional_by_fund;
  for (const StoredPosting& p : postings) functional_by_fund[p.fund_id] += p.functional_minor;
  for (const auto& [fund_id, sum] : functional_by_fund) {
    if (sum != 0) {
      throw Error(ErrorCode::unbalanced,
                  label + " does not balance in USD: in fund " + context.master.funds.by_id(fund_id).code +
                      " the USD amounts sum to " + Decimal::from_coefficient(sum, 2).to_string() + ", expected 0");
    }
  }
  return postings;
}

std::int64_t proportional_minor(std::int64_t total_minor, std::int64_t part_minor, std::int64_t whole_minor) {
  if (part_minor == whole_minor) return total_minor;
  if (whole_minor == 0) return 0;
  return static_cast<std::int64_t>(
      Decimal::divide(Decimal::from_integer(total_minor) * Decimal::from_integer(part_minor),
                      Decimal::from_integer(whole_minor), 0, Rounding::HalfEven)
          .coefficient());
}

std::int64_t covered_minor(std::int64_t posting_minor, const Position& balance) {
  if (posting_minor > 0 && balance.amount_minor < 0) return std::min(posting_minor, -balance.amount_minor);
  if (posting_minor < 0 && balance.amount_minor > 0) return -std::min(-posting_minor, balance.amount_minor);
  return 0;
}

}  // namespace fundledger::detail
