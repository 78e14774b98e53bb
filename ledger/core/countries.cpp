// The donor categories and the ISO 3166-1 alpha-2 country codes.
#include "core/countries.hpp"

#include "core/canonical_json.hpp"
#include "core/text.hpp"

#include <fundledger/error.hpp>

#include <algorithm>
#include <iterator>

namespace fundledger::detail {

namespace {

constexpr std::string_view categories[] = {"government", "financial-institution", "un-entity", "intergovernmental",
                                           "ngo",        "foundation",            "private",   "other"};

// The 249 officially assigned codes of ISO 3166-1, sorted.
constexpr std::string_view countries[] = {
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD", "BE",
    "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD",
    "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU",
    "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME",
    "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
    "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI",
    "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK",
    "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"};
static_assert(std::size(countries) == 249);

}  // namespace

bool is_donor_category(std::string_view category) {
  return std::find(std::begin(categories), std::end(categories), category) != std::end(categories);
}

bool is_iso_country(std::string_view code) {
  return std::binary_search(std::begin(countries), std::end(countries), code);
}

void check_donor_category_and_country(const std::string& category, const std::string& country) {
  if (!category.empty() && !is_donor_category(category)) {
    throw Error(ErrorCode::bad_input, field_error("category", "invalid value " + json::quoted(category) + ": expected " +
                                                                  donor_categories_text));
  }
  if (!country.empty() && !is_iso_country(country)) {
    throw Error(ErrorCode::bad_input,
                field_error("country", "invalid value " + json::quoted(country) +
                                           ": expected an ISO 3166-1 alpha-2 country code, like \"DE\" or \"CI\""));
  }
}

}  // namespace fundledger::detail
