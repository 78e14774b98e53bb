// Private: the donor categories and ISO 3166-1 alpha-2 country codes a donor may carry.
#pragma once

#include <string>
#include <string_view>

namespace fundledger::detail {

// "government", "financial-institution", "un-entity", "intergovernmental", "ngo", "foundation",
// "private", "other".
bool is_donor_category(std::string_view category);
inline constexpr const char* donor_categories_text =
    "government, financial-institution, un-entity, intergovernmental, ngo, foundation, private or other";
// An officially assigned ISO 3166-1 alpha-2 code ("DE", "CI", "TR").
bool is_iso_country(std::string_view code);

// Error (bad_input) naming the field unless category and country are empty or valid.
void check_donor_category_and_country(const std::string& category, const std::string& country);

}  // namespace fundledger::detail
