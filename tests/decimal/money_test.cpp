// Tests of Money, the ISO 4217 table and CurrencyTable: amounts held at exactly their currency's
// minor units, refused when that would drop a digit, and converted to and from USD with one
// explicit rounding. Every expected value is written out, with the arithmetic behind it.
#include <fundledger/money.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <string>

using fundledger::Currency;
using fundledger::CurrencyTable;
using fundledger::Decimal;
using fundledger::Error;
using fundledger::ErrorCode;
using fundledger::Money;
using fundledger::Rounding;

namespace {

// The Error that action throws; fails the test if it throws nothing or something else.
template <class Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected a fundledger::Error, but nothing was thrown");
  throw std::logic_error("unreachable");
}

Decimal dec(const char* text) { return Decimal::parse(text); }

const Currency usd{"USD", 2};
const Currency eur{"EUR", 2};
const Currency jpy{"JPY", 0};
const Currency kwd{"KWD", 3};
const Currency clf{"CLF", 4};

// The minor units the ISO table gives a code, or -1 when it does not know the code.
int iso_minor_units(const char* code) {
  const auto currency = fundledger::iso_currency(code);
  return currency ? currency->minor_units : -1;
}

}  // namespace

TEST_CASE("Money: the ISO 4217 table gives each currency the minor units ISO publishes") {
  CHECK(iso_minor_units("USD") == 2);
  CHECK(iso_minor_units("JPY") == 0);
  CHECK(iso_minor_units("KWD") == 3);
  CHECK(iso_minor_units("CLF") == 4);
  CHECK(iso_minor_units("XOF") == 0);

  // Three decimals: the dinars and the Omani rial.
  for (const char* code : {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}) {
    INFO(code);
    CHECK(iso_minor_units(code) == 3);
  }
  // Four decimals: the Chilean and Uruguayan indexed units.
  for (const char* code : {"CLF", "UYW"}) {
    INFO(code);
    CHECK(iso_minor_units(code) == 4);
  }
  // No minor unit at all.
  for (const char* code : {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                           "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"}) {
    INFO(code);
    CHECK(iso_minor_units(code) == 0);
  }
  // The common donor currencies, all with cents.
  for (const char* code : {"AUD", "CAD", "CHF", "CNY", "DKK", "EUR", "GBP", "INR", "NOK", "NZD",
                           "SEK", "USD", "XCG", "ZWG"}) {
    INFO(code);
    CHECK(iso_minor_units(code) == 2);
  }
}

TEST_CASE("Money: the ISO table returns the code and nothing for codes it does not hold") {
  const auto euro = fundledger::iso_currency("EUR");
  REQUIRE(euro.has_value());
  CHECK(euro->code == "EUR");
  CHECK(euro->minor_units == 2);

  // Unknown codes, codes whose minor units ISO gives as N.A. (gold, SDR, the test code), and the
  // right letters in the wrong case or with surrounding text are all absent: the lookup is exact.
  for (const char* code :
       {"XYZ", "XAU", "XDR", "XTS", "XXX", "usd", "Usd", "", "US", "USDX", " USD", "USD "}) {
    INFO("code \"" << code << "\"");
    CHECK_FALSE(fundledger::iso_currency(code).has_value());
  }
  // Codes withdrawn since 2023 stay known, so that a ledger with history from before the
  // withdrawal replays without declaring them.
  for (const char* code : {"ANG", "BGN", "CUC", "HRK", "SLL", "ZWL"}) {
    INFO(code);
    CHECK(iso_minor_units(code) == 2);
  }
  // The first and the last rows of the sorted table are found too: a binary search that is off by
  // one at either end would miss them.
  CHECK(iso_minor_units("AED") == 2);
  CHECK(iso_minor_units("ZWL") == 2);
}

TEST_CASE("Money: a currency table knows ISO codes without declaring them") {
  CurrencyTable currencies;
  CHECK(currencies.get("USD") == usd);
  CHECK(currencies.get("KWD") == kwd);
  CHECK(currencies.find("JPY") == std::optional<Currency>(jpy));
  CHECK_FALSE(currencies.find("XYZ").has_value());

  const Error error = error_from([&] { currencies.get("XYZ"); });
  CHECK(error.code() == ErrorCode::unknown_reference);
  CHECK(std::string(error.what()) ==
        "unknown currency \"XYZ\": expected an ISO 4217 code or a currency the ledger declared");
}

TEST_CASE("Money: a currency table accepts user currencies and identical re-declarations") {
  CurrencyTable currencies;
  currencies.add({"UNITS.LOCAL-1", 0});
  currencies.add({"carbon_credit", 8});
  CHECK(currencies.get("UNITS.LOCAL-1") == Currency{"UNITS.LOCAL-1", 0});
  CHECK(currencies.get("carbon_credit") == Currency{"carbon_credit", 8});

  // Sending the same master data twice is a no-op, for a user currency and for an ISO one.
  currencies.add({"UNITS.LOCAL-1", 0});
  currencies.add({"USD", 2});
  currencies.add({"JPY", 0});
  CHECK(currencies.get("UNITS.LOCAL-1") == Currency{"UNITS.LOCAL-1", 0});
  CHECK(currencies.get("USD") == usd);

  // Codes are case-sensitive, like every code in the journal.
  CHECK_FALSE(currencies.find("units.local-1").has_value());
}

TEST_CASE("Money: a currency table refuses to change the minor units of a known code") {
  CurrencyTable currencies;
  currencies.add({"VOUCHER", 2});

  const Error user = error_from([&] { currencies.add({"VOUCHER", 3}); });
  CHECK(user.code() == ErrorCode::conflict);
  CHECK(std::string(user.what()) ==
        "currency VOUCHER is already declared with 2 minor units; it cannot be declared again "
        "with 3");
  CHECK(currencies.get("VOUCHER") == Currency{"VOUCHER", 2});

  // An ISO code keeps ISO's minor units, even in a table that never declared it.
  const Error iso = error_from([&] { currencies.add({"JPY", 2}); });
  CHECK(iso.code() == ErrorCode::conflict);
  CHECK(std::string(iso.what()) ==
        "currency JPY is an ISO 4217 currency with 0 minor units; it cannot be declared with 2");
  CHECK(error_from([&] { currencies.add({"KWD", 2}); }).code() == ErrorCode::conflict);
  CHECK(currencies.get("JPY") == jpy);
}

TEST_CASE("Money: a currency table refuses malformed codes and minor units") {
  CurrencyTable currencies;
  const std::string longest(32, 'A');
  currencies.add({longest, 2});
  CHECK(currencies.get(longest).minor_units == 2);

  // Codes are 1 to 32 characters of A-Z a-z 0-9 - _ .
  for (const std::string& code :
       {std::string(""), std::string(33, 'A'), std::string("EU R"), std::string("EUR/USD"),
        std::string("EUR\xe2\x82\xac"), std::string("EUR\n"), std::string("EU\0R", 4)}) {
    INFO("code of " << code.size() << " bytes");
    CHECK(error_from([&] { currencies.add({code, 2}); }).code() == ErrorCode::bad_input);
  }
  const Error quoted = error_from([&] { currencies.add({"EUR\xe2\x82\xac", 2}); });
  CHECK(std::string(quoted.what()) ==
        "invalid currency code \"EUR\\xe2\\x82\\xac\": expected 1 to 32 characters of "
        "A-Z a-z 0-9 - _ .");

  // Minor units are 0 to 8.
  currencies.add({"EIGHT", 8});
  CHECK(error_from([&] { currencies.add({"NEGATIVE", -1}); }).code() == ErrorCode::bad_input);
  const Error nine = error_from([&] { currencies.add({"NINE", 9}); });
  CHECK(nine.code() == ErrorCode::bad_input);
  CHECK(std::string(nine.what()) == "invalid minor units 9 for currency NINE: expected 0 to 8");
  CHECK_FALSE(currencies.find("NINE").has_value());
}

TEST_CASE("Money holds its amount at exactly the currency's minor units") {
  CHECK(Money::parse("1250", eur).amount().to_string() == "1250.00");
  CHECK(Money::parse("1250.5", eur).amount().to_string() == "1250.50");
  // Trailing zeros beyond the minor units drop no value, so they are accepted and removed.
  CHECK(Money::parse("12.3400", usd).amount().to_string() == "12.34");
  CHECK(Money::parse("1500.000", jpy).amount().to_string() == "1500");
  CHECK(Money::parse("1.5", kwd).amount().to_string() == "1.500");
  CHECK(Money::parse("0.0001", clf).amount().to_string() == "0.0001");
  CHECK(Money(dec("7"), usd).amount().scale() == 2);
  CHECK(Money(dec("7.000"), jpy).amount().scale() == 0);

  CHECK(Money::parse("1234.50", usd).minor_units() == 123450);
  CHECK(Money::parse("-1234.50", usd).minor_units() == -123450);
  CHECK(Money::parse("1.005", kwd).minor_units() == 1005);
  CHECK(Money::parse("1.2345", clf).minor_units() == 12345);
  CHECK(Money::parse("150000000", jpy).minor_units() == 150000000);
}

TEST_CASE("Money refuses an amount with more decimals than its currency has") {
  const Error cents = error_from([] { Money::parse("12.345", usd); });
  CHECK(cents.code() == ErrorCode::bad_input);
  CHECK(std::string(cents.what()) == "amount \"12.345\" has more decimals than USD allows (2)");

  // The yen has no minor unit: any non-zero fraction is refused.
  const Error yen = error_from([] { Money::parse("1500.5", jpy); });
  CHECK(yen.code() == ErrorCode::bad_input);
  CHECK(std::string(yen.what()) == "amount \"1500.5\" has more decimals than JPY allows (0)");
  CHECK(error_from([] { Money::parse("0.001", jpy); }).code() == ErrorCode::bad_input);
  CHECK(error_from([] { Money::parse("-3.10", jpy); }).code() == ErrorCode::bad_input);

  // The message quotes the text as written, even when Decimal would print it differently.
  CHECK(std::string(error_from([] { Money::parse("+0.125", eur); }).what()) ==
        "amount \"+0.125\" has more decimals than EUR allows (2)");
  // The constructor from a Decimal refuses the same way, quoting the Decimal's text.
  const Error constructed = error_from([] { Money(dec("0.0005"), kwd); });
  CHECK(constructed.code() == ErrorCode::bad_input);
  CHECK(std::string(constructed.what()) ==
        "amount \"0.0005\" has more decimals than KWD allows (3)");
  // A non-zero digit far beyond the minor units is found too, not only the first one.
  CHECK(error_from([] { Money::parse("1.00000000000000000001", usd); }).code() ==
        ErrorCode::bad_input);
}

TEST_CASE("Money: an unreadable amount names the currency it was meant for") {
  const Error error = error_from([] { Money::parse("12,50", eur); });
  CHECK(error.code() == ErrorCode::bad_input);
  const std::string message = error.what();
  CHECK_THAT(message, Catch::Matchers::StartsWith("invalid decimal \"12,50\""));
  CHECK_THAT(message, Catch::Matchers::EndsWith(" (amount in EUR)"));
  CHECK(error_from([] { Money::parse("", usd); }).code() == ErrorCode::bad_input);
  CHECK(error_from([] { Money::parse("1e3", usd); }).code() == ErrorCode::bad_input);
}

TEST_CASE("Money prints as the amount then the code") {
  CHECK(Money::parse("1250", eur).to_string() == "1250.00 EUR");
  CHECK(Money::parse("-0.5", usd).to_string() == "-0.50 USD");
  CHECK(Money::zero(jpy).to_string() == "0 JPY");
  CHECK(Money::zero(kwd).to_string() == "0.000 KWD");
  CHECK(Money::zero(clf).to_string() == "0.0000 CLF");
  // Negating zero must not print a negative zero.
  CHECK((-Money::zero(usd)).to_string() == "0.00 USD");
}

TEST_CASE("Money adds, subtracts and negates within one currency") {
  const Money a = Money::parse("1000.10", eur);
  const Money b = Money::parse("250.25", eur);
  CHECK((a + b).to_string() == "1250.35 EUR");
  CHECK((a - b).to_string() == "749.85 EUR");
  CHECK((b - a).to_string() == "-749.85 EUR");
  CHECK((-a).to_string() == "-1000.10 EUR");
  CHECK((a + (-a)) == Money::zero(eur));

  // Equal means same currency and same value; amounts in two currencies are simply unequal.
  CHECK(Money::parse("10", usd) == Money::parse("10.00", usd));
  CHECK_FALSE(Money::parse("10.00", usd) == Money::parse("10.00", eur));
  CHECK_FALSE(Money::parse("10.00", usd) == Money::parse("10.01", usd));
}

TEST_CASE("Money refuses arithmetic between two currencies") {
  const Money euros = Money::parse("10.00", eur);
  const Money dollars = Money::parse("5.00", usd);

  const Error sum = error_from([&] { (void)(euros + dollars); });
  CHECK(sum.code() == ErrorCode::currency_mismatch);
  CHECK(std::string(sum.what()) ==
        "cannot add 10.00 EUR and 5.00 USD: the currencies differ (EUR and USD)");

  const Error difference = error_from([&] { (void)(euros - dollars); });
  CHECK(difference.code() == ErrorCode::currency_mismatch);
  CHECK(std::string(difference.what()) ==
        "cannot subtract 5.00 USD from 10.00 EUR: the currencies differ (EUR and USD)");

  // One code declared with two minor units (two different tables) is still two currencies.
  const Money two = Money::parse("1.00", Currency{"PTS", 2});
  const Money three = Money::parse("1.000", Currency{"PTS", 3});
  const Error same_code = error_from([&] { (void)(two + three); });
  CHECK(same_code.code() == ErrorCode::currency_mismatch);
  CHECK(std::string(same_code.what()) ==
        "cannot add 1.00 PTS and 1.000 PTS: the currencies differ (PTS with 2 minor units and "
        "PTS with 3)");
}

TEST_CASE("Money converts to USD at a rate per USD, rounding once to cents") {
  // 1000.00 EUR / 0.912 = 1096.491228070175... USD: the nearest cent is 1096.49 in every
  // to-nearest mode; Up and Ceiling go to 1096.50.
  const Money euros = Money::parse("1000.00", eur);
  CHECK(euros.to_usd(dec("0.912"), Rounding::HalfEven).to_string() == "1096.49 USD");
  CHECK(euros.to_usd(dec("0.912"), Rounding::HalfUp).to_string() == "1096.49 USD");
  CHECK(euros.to_usd(dec("0.912"), Rounding::Down).to_string() == "1096.49 USD");
  CHECK(euros.to_usd(dec("0.912"), Rounding::Up).to_string() == "1096.50 USD");
  CHECK(euros.to_usd(dec("0.912"), Rounding::Ceiling).to_string() == "1096.50 USD");

  // 150000000 JPY / 151.37 = 990949.329457620400... USD -> 990949.33 half-even, 990949.32 down.
  const Money yen = Money::parse("150000000", jpy);
  CHECK(yen.to_usd(dec("151.37"), Rounding::HalfEven).to_string() == "990949.33 USD");
  CHECK(yen.to_usd(dec("151.37"), Rounding::Down).to_string() == "990949.32 USD");
  CHECK(yen.to_usd(dec("151.37"), Rounding::HalfEven).minor_units() == 99094933);

  // 2.25 EUR / 2 = 1.125 USD, an exact tie: half-even keeps the even 1.12, half-up goes to 1.13.
  const Money tie = Money::parse("2.25", eur);
  CHECK(tie.to_usd(dec("2"), Rounding::HalfEven).to_string() == "1.12 USD");
  CHECK(tie.to_usd(dec("2"), Rounding::HalfUp).to_string() == "1.13 USD");
  CHECK(tie.to_usd(dec("2"), Rounding::HalfDown).to_string() == "1.12 USD");
  // -2.25 EUR / 2 = -1.125 USD: Floor goes down to -1.13, Ceiling up to -1.12.
  const Money negative_tie = Money::parse("-2.25", eur);
  CHECK(negative_tie.to_usd(dec("2"), Rounding::HalfEven).to_string() == "-1.12 USD");
  CHECK(negative_tie.to_usd(dec("2"), Rounding::HalfUp).to_string() == "-1.13 USD");
  CHECK(negative_tie.to_usd(dec("2"), Rounding::Floor).to_string() == "-1.13 USD");
  CHECK(negative_tie.to_usd(dec("2"), Rounding::Ceiling).to_string() == "-1.12 USD");

  // 2500000.000 KWD / 0.30725 = 8136696.50122050... USD -> 8136696.50.
  CHECK(Money::parse("2500000", kwd).to_usd(dec("0.30725"), Rounding::HalfEven).to_string() ==
        "8136696.50 USD");
  // USD itself at rate 1 is unchanged.
  CHECK(Money::parse("42.42", usd).to_usd(dec("1"), Rounding::HalfEven).to_string() == "42.42 USD");
}

TEST_CASE("Money refuses to convert at a rate that is not positive") {
  const Money euros = Money::parse("1000.00", eur);
  const Error zero = error_from([&] { euros.to_usd(dec("0.000"), Rounding::HalfEven); });
  CHECK(zero.code() == ErrorCode::bad_input);
  CHECK(std::string(zero.what()) ==
        "invalid exchange rate 0.000: expected a positive number of units per USD");
  CHECK(error_from([&] { euros.to_usd(dec("-0.912"), Rounding::HalfEven); }).code() ==
        ErrorCode::bad_input);
  const Money dollars = Money::parse("1.00", usd);
  CHECK(error_from([&] { dollars.from_usd(dec("0"), eur, Rounding::HalfEven); }).code() ==
        ErrorCode::bad_input);
}

TEST_CASE("Money converts from USD at a rate per USD, rounding once to the target's units") {
  // 1096.49 USD * 0.912 = 999.99888 EUR -> 1000.00 half-even, 999.99 down.
  const Money dollars = Money::parse("1096.49", usd);
  CHECK(dollars.from_usd(dec("0.912"), eur, Rounding::HalfEven).to_string() == "1000.00 EUR");
  CHECK(dollars.from_usd(dec("0.912"), eur, Rounding::Down).to_string() == "999.99 EUR");

  // 990949.33 USD * 151.37 = 150000000.0821 JPY -> 150000000 (no minor unit); Up gives 150000001.
  const Money yen_back = Money::parse("990949.33", usd);
  CHECK(yen_back.from_usd(dec("151.37"), jpy, Rounding::HalfEven).to_string() == "150000000 JPY");
  CHECK(yen_back.from_usd(dec("151.37"), jpy, Rounding::Up).to_string() == "150000001 JPY");

  // 1000.00 USD * 0.3074565 = 307.4565000 KWD, a tie at three decimals: half-even keeps the even
  // 307.456, half-up goes to 307.457.
  const Money thousand = Money::parse("1000.00", usd);
  CHECK(thousand.from_usd(dec("0.3074565"), kwd, Rounding::HalfEven).to_string() == "307.456 KWD");
  CHECK(thousand.from_usd(dec("0.3074565"), kwd, Rounding::HalfUp).to_string() == "307.457 KWD");

  // 100.00 USD * 0.0254321 = 2.54321 CLF -> 2.5432 at four decimals.
  CHECK(
      Money::parse("100.00", usd).from_usd(dec("0.0254321"), clf, Rounding::HalfEven).to_string() ==
      "2.5432 CLF");

  // A negative amount keeps its sign: -10.00 USD * 655.957 = -6559.57 XOF -> -6560 half-even.
  CHECK(Money::parse("-10.00", usd)
            .from_usd(dec("655.957"), Currency{"XOF", 0}, Rounding::HalfEven)
            .to_string() == "-6560 XOF");
}

TEST_CASE("Money converts from USD only when the amount is in USD") {
  const Money euros = Money::parse("10.00", eur);
  const Error error = error_from([&] { euros.from_usd(dec("151.37"), jpy, Rounding::HalfEven); });
  CHECK(error.code() == ErrorCode::currency_mismatch);
  CHECK(std::string(error.what()) == "cannot convert 10.00 EUR from USD: the amount is not in USD");
}
