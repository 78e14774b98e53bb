// Quoting of user text in messages, and the alphabet of codes and ids.
#include "core/text.hpp"

#include <fundledger/limits.hpp>

#include <algorithm>

namespace fundledger::detail {

std::string quote(std::string_view text) {
  constexpr std::size_t shown = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size() && i < shown; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += static_cast<char>(byte);
    } else if (byte < 0x20 || byte >= 0x7f) {
      static constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += static_cast<char>(byte);
    }
  }
  if (text.size() > shown) out += "...";
  out += '"';
  return out;
}

std::string field_error(const std::string& field, const std::string& what) {
  return "field \"" + field + "\": " + what;
}

namespace {

bool is_code_character(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

}  // namespace

bool is_valid_code(std::string_view code) {
  return !code.empty() && code.size() <= limits::max_code_length &&
         std::all_of(code.begin(), code.end(), is_code_character);
}

bool is_valid_event_id(std::string_view id) {
  return !id.empty() && id.size() <= limits::max_event_id_length &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return is_code_character(c) || c == '/' || c == ':' || c == '#';
         });
}

}  // namespace fundledger::detail
