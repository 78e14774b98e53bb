// The ISO 4217 currencies that every ledger knows without declaring them, with their minor units.
//
// Source: ISO 4217 List One as published by the maintenance agency (SIX) on 2026-01-01. The table
// keeps every active code whose minor units ISO publishes as a number. Codes whose minor units ISO
// gives as "N.A." (precious metals XAU XAG XPD XPT, bond market units XBA-XBD, XDR, XSU, XUA and
// the technical codes XTS and XXX) are left out: an amount in them has no defined number of
// decimals, so a ledger that needs one must declare it with the minor units it uses.
//
// A handful of codes withdrawn since 2023 (List Three) are kept as well, marked below. Their minor
// units will never change, and a ledger that records history from before the withdrawal (a 2025
// pledge in Bulgarian lev, say) should be able to replay it without declaring the currency first.
//
// The array is sorted by code so that a lookup is a binary search; a static_assert checks the
// order and the shape of every row when this file is compiled, so a careless edit cannot ship.
#include <fundledger/limits.hpp>
#include <fundledger/money.hpp>

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

namespace fundledger {

namespace {

struct IsoRow {
  std::string_view code;
  int minor_units;
};

// clang-format off
constexpr std::array iso_rows{
    IsoRow{"AED", 2}, IsoRow{"AFN", 2}, IsoRow{"ALL", 2}, IsoRow{"AMD", 2},
    IsoRow{"ANG", 2},  // withdrawn 2025-03-31, replaced by XCG
    IsoRow{"AOA", 2}, IsoRow{"ARS", 2}, IsoRow{"AUD", 2}, IsoRow{"AWG", 2}, IsoRow{"AZN", 2},
    IsoRow{"BAM", 2}, IsoRow{"BBD", 2}, IsoRow{"BDT", 2},
    IsoRow{"BGN", 2},  // withdrawn 2026-01-01, when Bulgaria adopted the euro
    IsoRow{"BHD", 3}, IsoRow{"BIF", 0}, IsoRow{"BMD", 2}, IsoRow{"BND", 2}, IsoRow{"BOB", 2},
    IsoRow{"BOV", 2}, IsoRow{"BRL", 2}, IsoRow{"BSD", 2}, IsoRow{"BTN", 2}, IsoRow{"BWP", 2},
    IsoRow{"BYN", 2}, IsoRow{"BZD", 2}, IsoRow{"CAD", 2}, IsoRow{"CDF", 2}, IsoRow{"CHE", 2},
    IsoRow{"CHF", 2}, IsoRow{"CHW", 2}, IsoRow{"CLF", 4}, IsoRow{"CLP", 0}, IsoRow{"CNY", 2},
    IsoRow{"COP", 2}, IsoRow{"COU", 2}, IsoRow{"CRC", 2},
    IsoRow{"CUC", 2},  // withdrawn after Cuba's 2021 monetary unification
    IsoRow{"CUP", 2}, IsoRow{"CVE", 2}, IsoRow{"CZK", 2}, IsoRow{"DJF", 0}, IsoRow{"DKK", 2},
    IsoRow{"DOP", 2}, IsoRow{"DZD", 2}, IsoRow{"EGP", 2}, IsoRow{"ERN", 2}, IsoRow{"ETB", 2},
    IsoRow{"EUR", 2}, IsoRow{"FJD", 2}, IsoRow{"FKP", 2}, IsoRow{"GBP", 2}, IsoRow{"GEL", 2},
    IsoRow{"GHS", 2}, IsoRow{"GIP", 2}, IsoRow{"GMD", 2}, IsoRow{"GNF", 0}, IsoRow{"GTQ", 2},
    IsoRow{"GYD", 2}, IsoRow{"HKD", 2}, IsoRow{"HNL", 2},
    IsoRow{"HRK", 2},  // withdrawn 2023-01-01, when Croatia adopted the euro
    IsoRow{"HTG", 2}, IsoRow{"HUF", 2}, IsoRow{"IDR", 2}, IsoRow{"ILS", 2}, IsoRow{"INR", 2},
    IsoRow{"IQD", 3}, IsoRow{"IRR", 2}, IsoRow{"ISK", 0}, IsoRow{"JMD", 2}, IsoRow{"JOD", 3},
    IsoRow{"JPY", 0}, IsoRow{"KES", 2}, IsoRow{"KGS", 2}, IsoRow{"KHR", 2}, IsoRow{"KMF", 0},
    IsoRow{"KPW", 2}, IsoRow{"KRW", 0}, IsoRow{"KWD", 3}, IsoRow{"KYD", 2}, IsoRow{"KZT", 2},
    IsoRow{"LAK", 2}, IsoRow{"LBP", 2}, IsoRow{"LKR", 2}, IsoRow{"LRD", 2}, IsoRow{"LSL", 2},
    IsoRow{"LYD", 3}, IsoRow{"MAD", 2}, IsoRow{"MDL", 2}, IsoRow{"MGA", 2}, IsoRow{"MKD", 2},
    IsoRow{"MMK", 2}, IsoRow{"MNT", 2}, IsoRow{"MOP", 2}, IsoRow{"MRU", 2}, IsoRow{"MUR", 2},
    IsoRow{"MVR", 2}, IsoRow{"MWK", 2}, IsoRow{"MXN", 2}, IsoRow{"MXV", 2}, IsoRow{"MYR", 2},
    IsoRow{"MZN", 2}, IsoRow{"NAD", 2}, IsoRow{"NGN", 2}, IsoRow{"NIO", 2}, IsoRow{"NOK", 2},
    IsoRow{"NPR", 2}, IsoRow{"NZD", 2}, IsoRow{"OMR", 3}, IsoRow{"PAB", 2}, IsoRow{"PEN", 2},
    IsoRow{"PGK", 2}, IsoRow{"PHP", 2}, IsoRow{"PKR", 2}, IsoRow{"PLN", 2}, IsoRow{"PYG", 0},
    IsoRow{"QAR", 2}, IsoRow{"RON", 2}, IsoRow{"RSD", 2}, IsoRow{"RUB", 2}, IsoRow{"RWF", 0},
    IsoRow{"SAR", 2}, IsoRow{"SBD", 2}, IsoRow{"SCR", 2}, IsoRow{"SDG", 2}, IsoRow{"SEK", 2},
    IsoRow{"SGD", 2}, IsoRow{"SHP", 2}, IsoRow{"SLE", 2},
    IsoRow{"SLL", 2},  // withdrawn after the 2022 redenomination to SLE
    IsoRow{"SOS", 2}, IsoRow{"SRD", 2}, IsoRow{"SSP", 2}, IsoRow{"STN", 2}, IsoRow{"SVC", 2},
    IsoRow{"SYP", 2}, IsoRow{"SZL", 2}, IsoRow{"THB", 2}, IsoRow{"TJS", 2}, IsoRow{"TMT", 2},
    IsoRow{"TND", 3}, IsoRow{"TOP", 2}, IsoRow{"TRY", 2}, IsoRow{"TTD", 2}, IsoRow{"TWD", 2},
    IsoRow{"TZS", 2}, IsoRow{"UAH", 2}, IsoRow{"UGX", 0}, IsoRow{"USD", 2}, IsoRow{"USN", 2},
    IsoRow{"UYI", 0}, IsoRow{"UYU", 2}, IsoRow{"UYW", 4}, IsoRow{"UZS", 2}, IsoRow{"VED", 2},
    IsoRow{"VES", 2}, IsoRow{"VND", 0}, IsoRow{"VUV", 0}, IsoRow{"WST", 2}, IsoRow{"XAD", 2},
    IsoRow{"XAF", 0}, IsoRow{"XCD", 2}, IsoRow{"XCG", 2}, IsoRow{"XOF", 0}, IsoRow{"XPF", 0},
    IsoRow{"YER", 2}, IsoRow{"ZAR", 2}, IsoRow{"ZMW", 2}, IsoRow{"ZWG", 2},
    IsoRow{"ZWL", 2},  // withdrawn 2024, replaced by ZWG
};
// clang-format on

constexpr bool less_by_code(const IsoRow& a, const IsoRow& b) { return a.code < b.code; }

// Every row must be three capital letters with minor units ISO could publish, and the codes must be
// strictly increasing: a duplicate or a row out of place would make the binary search miss codes.
constexpr bool rows_are_well_formed() {
  for (std::size_t i = 0; i < iso_rows.size(); ++i) {
    const IsoRow& row = iso_rows[i];
    if (row.code.size() != 3) return false;
    for (char c : row.code) {
      if (c < 'A' || c > 'Z') return false;
    }
    if (row.minor_units < 0 || row.minor_units > limits::max_minor_units) return false;
    if (i > 0 && !less_by_code(iso_rows[i - 1], row)) return false;
  }
  return true;
}

static_assert(rows_are_well_formed(),
              "the ISO 4217 table must be sorted by code, without duplicates, with valid rows");
static_assert(iso_rows.size() == 171, "165 active codes plus 6 recently withdrawn ones");

}  // namespace

std::optional<Currency> iso_currency(std::string_view code) {
  const auto found =
      std::lower_bound(iso_rows.begin(), iso_rows.end(), IsoRow{code, 0}, less_by_code);
  if (found == iso_rows.end() || found->code != code) return std::nullopt;
  return Currency{std::string(found->code), found->minor_units};
}

}  // namespace fundledger
