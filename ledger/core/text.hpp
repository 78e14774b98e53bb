// Private: how user text appears in messages, and the alphabet of codes and ids.
#pragma once

#include <string>
#include <string_view>

namespace fundledger::detail {

// A quotation of user text for an error message: at most 40 characters, with quotes, backslashes,
// control and non-ASCII bytes escaped, so that binary garbage cannot garble a terminal or a log.
std::string quote(std::string_view text);

// "field \"NAME\": WHAT", the form of every message about one field of an event.
std::string field_error(const std::string& field, const std::string& what);

// Codes: 1-32 characters of A-Z a-z 0-9 - _ . ; event ids: 1-64 of those plus / : #.
bool is_valid_code(std::string_view code);
bool is_valid_event_id(std::string_view id);

}  // namespace fundledger::detail
