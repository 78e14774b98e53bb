// fundledger::Money (an exact amount in a currency) and the table of currencies it may name.
//
// Amounts are held at their currency's minor units (USD 2, JPY 0, KWD 3, CLF 4...). The ISO 4217
// currencies are known without being declared; a ledger may add its own (CurrencyTable::add).
// Arithmetic between two currencies throws Error (currency_mismatch); conversion to and from USD
// uses a rate quoted as units of the currency per 1 USD, as the UN operational rates are, and rounds
// to the target's minor units with an explicit mode.
//
// Example:
//   CurrencyTable currencies;
//   Money eur = Money::parse("1000.00", currencies.get("EUR"));
//   Money usd = eur.to_usd(Decimal::parse("0.912"), Rounding::HalfEven);  // 1096.49 USD
//
// Thread-safety: Currency and Money are value types. A CurrencyTable may be read from several
// threads at once, but add() must not run concurrently with anything else on the same table.
#pragma once

#include <fundledger/decimal.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fundledger {

struct Currency {
  std::string code;     // "EUR"; 1-32 characters of A-Z a-z 0-9 - _ .
  int minor_units = 2;  // digits after the point, 0 to limits::max_minor_units

  friend bool operator==(const Currency&, const Currency&) = default;
};

// The ISO 4217 currency with this code, if there is one.
std::optional<Currency> iso_currency(std::string_view code);

// The functional and reporting currency of every ledger.
inline constexpr std::string_view functional_currency_code = "USD";

// The ISO 4217 table plus the currencies a ledger declared.
class CurrencyTable {
 public:
  // Declares a currency. Re-declaring one identically is a no-op; declaring an existing code
  // (ISO or not) with other minor units throws Error (conflict); a bad code or minor units throws
  // Error (bad_input).
  void add(const Currency& currency);
  // The currency with this code, or nothing.
  std::optional<Currency> find(std::string_view code) const;
  // The currency with this code; throws Error (unknown_reference) if there is none.
  Currency get(std::string_view code) const;

 private:
  std::map<std::string, Currency, std::less<>> declared_;
};

class Money {
 public:
  // Throws Error (bad_input) if amount has more decimals than the currency's minor units that are
  // not zeros; otherwise the amount is held at exactly the minor units.
  Money(const Decimal& amount, const Currency& currency);
  // Decimal::parse, then the check above; the message names the currency.
  static Money parse(std::string_view text, const Currency& currency);
  static Money zero(const Currency& currency);

  const Decimal& amount() const { return amount_; }
  const Currency& currency() const { return currency_; }
  // The amount in minor units (1234.50 USD is 123450).
  std::int64_t minor_units() const { return amount_.to_minor_units(currency_.minor_units); }

  // amount / per_usd in USD, rounded to cents by mode. Throws Error (bad_input) for a rate that
  // is not positive.
  Money to_usd(const Decimal& per_usd, Rounding mode) const;
  // A USD amount times per_usd, in the target currency, rounded to its minor units by mode. Throws
  // Error (currency_mismatch) if this is not USD.
  Money from_usd(const Decimal& per_usd, const Currency& target, Rounding mode) const;

  // "1250.00 EUR"
  std::string to_string() const;

  Money operator-() const;
  friend Money operator+(const Money& a, const Money& b);
  friend Money operator-(const Money& a, const Money& b);
  // Equal when the currencies and the values are equal.
  friend bool operator==(const Money& a, const Money& b);

 private:
  Decimal amount_;
  Currency currency_;
};

}  // namespace fundledger
