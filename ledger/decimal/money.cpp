// Money and CurrencyTable: an exact amount held at its currency's minor units, and the currencies a
// ledger may name.
//
// Every Money is built through the one constructor, which brings the amount to exactly the
// currency's minor units and refuses to drop a non-zero digit on the way. Everything else (parse,
// zero, the conversions, + and -) ends in that constructor, so no Money can exist at a scale other
// than its currency's.
#include "core/text.hpp"
#include <fundledger/error.hpp>
#include <fundledger/limits.hpp>
#include <fundledger/money.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace fundledger {

namespace {

using detail::quote;

// A currency must have a code of the journal's code alphabet and minor units a Decimal can carry;
// anything else would produce amounts that cannot be stored or printed faithfully.
void check_currency(const Currency& currency) {
  const std::string_view code = currency.code;
  if (!detail::is_valid_code(code)) {
    throw Error(ErrorCode::bad_input, "invalid currency code " + quote(code) + ": expected 1 to " +
                                          std::to_string(limits::max_code_length) +
                                          " characters of A-Z a-z 0-9 - _ .");
  }
  if (currency.minor_units < 0 || currency.minor_units > limits::max_minor_units) {
    throw Error(ErrorCode::bad_input,
                "invalid minor units " + std::to_string(currency.minor_units) + " for currency " +
                    currency.code + ": expected 0 to " + std::to_string(limits::max_minor_units));
  }
}

// The amount at exactly the currency's minor units. Rounding Down and comparing tells whether the
// digits beyond the minor units were all zeros without ever rounding a real amount: an amount that
// needs rounding is a data error for the caller to fix, not something to round silently. The
// message quotes the caller's text when there is one, else the amount as Decimal prints it; the
// latter is built only on failure, since every Money passes through here.
Decimal at_minor_units(const Decimal& amount, const Currency& currency,
                       std::optional<std::string_view> written = std::nullopt) {
  Decimal rescaled = amount.rescale(currency.minor_units, Rounding::Down);
  if (rescaled != amount) {
    const std::string shown = written ? std::string(*written) : amount.to_string();
    throw Error(ErrorCode::bad_input, "amount " + quote(shown) + " has more decimals than " +
                                          currency.code + " allows (" +
                                          std::to_string(currency.minor_units) + ")");
  }
  return rescaled;
}

// A conversion rate is units of a currency per 1 USD; zero or a negative rate has no meaning and
// would either divide by zero or flip the sign of every converted amount.
void check_rate(const Decimal& per_usd) {
  if (per_usd.sign() <= 0) {
    throw Error(ErrorCode::bad_input, "invalid exchange rate " + per_usd.to_string() +
                                          ": expected a positive number of units per USD");
  }
}

const Currency& functional_currency() {
  static const Currency usd = iso_currency(functional_currency_code).value();
  return usd;
}

// What the two currencies are, for a mismatch message: the codes, and the minor units too when the
// codes alone would not show the difference (two tables declaring one code differently).
std::string describe_currencies(const Currency& a, const Currency& b) {
  if (a.code != b.code) return a.code + " and " + b.code;
  return a.code + " with " + std::to_string(a.minor_units) + " minor units and " + b.code +
         " with " + std::to_string(b.minor_units);
}

[[noreturn]] void throw_mismatch(const std::string& what, const Money& a, const Money& b) {
  throw Error(ErrorCode::currency_mismatch, "cannot " + what + ": the currencies differ (" +
                                                describe_currencies(a.currency(), b.currency()) +
                                                ")");
}

}  // namespace

void CurrencyTable::add(const Currency& currency) {
  check_currency(currency);
  // A code keeps the same minor units for the life of a ledger: amounts already stored in minor
  // units would otherwise change value. So a different re-declaration is a conflict, never an
  // update.
  if (const auto iso = iso_currency(currency.code)) {
    if (iso->minor_units == currency.minor_units) return;
    throw Error(ErrorCode::conflict,
                "currency " + currency.code + " is an ISO 4217 currency with " +
                    std::to_string(iso->minor_units) + " minor units; it cannot be declared with " +
                    std::to_string(currency.minor_units));
  }
  const auto existing = declared_.find(currency.code);
  if (existing != declared_.end()) {
    if (existing->second == currency) return;
    throw Error(ErrorCode::conflict, "currency " + currency.code + " is already declared with " +
                                         std::to_string(existing->second.minor_units) +
                                         " minor units; it cannot be declared again with " +
                                         std::to_string(currency.minor_units));
  }
  declared_.emplace(currency.code, currency);
}

std::optional<Currency> CurrencyTable::find(std::string_view code) const {
  if (auto iso = iso_currency(code)) return iso;
  const auto found = declared_.find(code);
  if (found == declared_.end()) return std::nullopt;
  return found->second;
}

Currency CurrencyTable::get(std::string_view code) const {
  if (auto found = find(code)) return *std::move(found);
  throw Error(ErrorCode::unknown_reference,
              "unknown currency " + quote(code) +
                  ": expected an ISO 4217 code or a currency the ledger declared");
}

Money::Money(const Decimal& amount, const Currency& currency) : currency_(currency) {
  check_currency(currency_);
  amount_ = at_minor_units(amount, currency_);
}

Money Money::parse(std::string_view text, const Currency& currency) {
  check_currency(currency);
  Decimal amount;
  try {
    amount = Decimal::parse(text);
  } catch (const Error& error) {
    // Decimal's message says what is wrong with the text; the currency tells the reader which
    // amount of a record it was.
    throw Error(error.code(), std::string(error.what()) + " (amount in " + currency.code + ")");
  }
  // Checked here first so that the message quotes the text as written ("+1.230" stays as is).
  return Money(at_minor_units(amount, currency, text), currency);
}

Money Money::zero(const Currency& currency) { return Money(Decimal(), currency); }

Money Money::to_usd(const Decimal& per_usd, Rounding mode) const {
  check_rate(per_usd);
  const Currency& usd = functional_currency();
  return Money(Decimal::divide(amount_, per_usd, usd.minor_units, mode), usd);
}

Money Money::from_usd(const Decimal& per_usd, const Currency& target, Rounding mode) const {
  if (currency_.code != functional_currency_code) {
    throw Error(ErrorCode::currency_mismatch,
                "cannot convert " + to_string() + " from USD: the amount is not in USD");
  }
  check_rate(per_usd);
  check_currency(target);
  // The product is exact (its scale is the sum of the scales); rounding happens once, here.
  return Money((amount_ * per_usd).rescale(target.minor_units, mode), target);
}

std::string Money::to_string() const { return amount_.to_string() + " " + currency_.code; }

Money Money::operator-() const { return Money(-amount_, currency_); }

Money operator+(const Money& a, const Money& b) {
  if (!(a.currency_ == b.currency_)) {
    throw_mismatch("add " + a.to_string() + " and " + b.to_string(), a, b);
  }
  return Money(a.amount_ + b.amount_, a.currency_);
}

Money operator-(const Money& a, const Money& b) {
  if (!(a.currency_ == b.currency_)) {
    throw_mismatch("subtract " + b.to_string() + " from " + a.to_string(), a, b);
  }
  return Money(a.amount_ - b.amount_, a.currency_);
}

bool operator==(const Money& a, const Money& b) {
  return a.currency_ == b.currency_ && a.amount_ == b.amount_;
}

}  // namespace fundledger
