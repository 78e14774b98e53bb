// Canonical JSON rendering (see canonical_json.hpp for the form).
#include "core/canonical_json.hpp"

#include <algorithm>
#include <charconv>

namespace fundledger::json {

void append_string(std::string& out, std::string_view text) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t run_start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text, run_start, i - run_start);
    run_start = i + 1;
    switch (byte) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += hex[byte >> 4];
        out += hex[byte & 0xf];
    }
  }
  out.append(text, run_start, text.size() - run_start);
  out += '"';
}

std::string quoted(std::string_view text) {
  std::string out;
  append_string(out, text);
  return out;
}

Object& Object::add_raw(std::string_view key, std::string value_json) {
  fields_.emplace_back(std::string(key), std::move(value_json));
  return *this;
}

Object& Object::add_string(std::string_view key, std::string_view value) {
  return add_raw(key, quoted(value));
}

Object& Object::add_integer(std::string_view key, std::int64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return add_raw(key, std::string(buffer, result.ptr));
}

Object& Object::add_bool(std::string_view key, bool value) {
  return add_raw(key, value ? "true" : "false");
}

void Object::render(std::string& out) const {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(fields_.size());
  for (const auto& field : fields_) sorted.push_back(&field);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  out += '{';
  bool first = true;
  for (const auto* field : sorted) {
    if (!first) out += ',';
    first = false;
    append_string(out, field->first);
    out += ':';
    out += field->second;
  }
  out += '}';
}

std::string Object::render() const {
  std::string out;
  render(out);
  return out;
}

namespace {

// Reads the four hex digits of a \u escape at text[at].
bool read_hex4(std::string_view text, std::size_t at, unsigned& value) {
  if (at + 4 > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = text[i];
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) return false;
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return true;
}

// A JSON number, true, false or null, exactly.
bool is_scalar(std::string_view text) {
  if (text == "true" || text == "false" || text == "null") return true;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  const std::size_t digits_start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == digits_start) return false;
  if (i < text.size() && text[i] == '.') {
    const std::size_t fraction_start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == fraction_start) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    const std::size_t exponent_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == exponent_start) return false;
  }
  return i == text.size();
}

// Reads a JSON string literal starting at text[position] == '"'; returns the index after it.
bool scan_string(std::string_view text, std::size_t& position, std::string* unescaped) {
  if (position >= text.size() || text[position] != '"') return false;
  ++position;
  while (position < text.size()) {
    const char c = text[position];
    if (c == '"') {
      ++position;
      return true;
    }
    if (c == '\\') {
      if (position + 1 >= text.size()) return false;
      const char escaped = text[position + 1];
      if (unescaped) {
        switch (escaped) {
          case 'n': *unescaped += '\n'; break;
          case 't': *unescaped += '\t'; break;
          case 'r': *unescaped += '\r'; break;
          case 'b': *unescaped += '\b'; break;
          case 'f': *unescaped += '\f'; break;
          case 'u': {
            // Canonical text only ever escapes control characters this way.
            unsigned value = 0;
            if (!read_hex4(text, position + 2, value) || value >= 0x20) return false;
            *unescaped += static_cast<char>(value);
            position += 4;
            break;
          }
          default: *unescaped += escaped;
        }
      } else if (escaped == 'u') {
        unsigned value = 0;
        if (!read_hex4(text, position + 2, value)) return false;
        position += 4;
      }
      position += 2;
      continue;
    }
    if (unescaped) *unescaped += c;
    ++position;
  }
  return false;
}

// Skips one JSON value (object, array, string or scalar) written without whitespace, checking its
// form; position ends after it.
bool scan_value(std::string_view text, std::size_t& position) {
  if (position >= text.size()) return false;
  const char c = text[position];
  if (c == '"') return scan_string(text, position, nullptr);
  if (c == '{' || c == '[') {
    const bool object = c == '{';
    const char close = object ? '}' : ']';
    ++position;
    if (position < text.size() && text[position] == close) {
      ++position;
      return true;
    }
    while (true) {
      if (object) {
        if (!scan_string(text, position, nullptr)) return false;
        if (position >= text.size() || text[position] != ':') return false;
        ++position;
      }
      if (!scan_value(text, position)) return false;
      if (position >= text.size()) return false;
      if (text[position] == close) {
        ++position;
        return true;
      }
      if (text[position] != ',') return false;
      ++position;
    }
  }
  const std::size_t start = position;
  while (position < text.size() && text[position] != ',' && text[position] != '}' &&
         text[position] != ']') {
    ++position;
  }
  return is_scalar(text.substr(start, position - start));
}

}  // namespace

bool members(std::string_view text, std::vector<Member>& out) {
  out.clear();
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
  std::size_t position = 1;
  if (text[position] == '}') return position + 1 == text.size();
  while (true) {
    const std::size_t start = position;
    if (!scan_string(text, position, nullptr)) return false;
    const std::string_view key = text.substr(start + 1, position - start - 2);
    if (key.find('\\') != std::string_view::npos) return false;
    if (position >= text.size() || text[position] != ':') return false;
    ++position;
    if (!scan_value(text, position)) return false;
    out.push_back({key, text.substr(start, position - start)});
    if (position >= text.size()) return false;
    if (text[position] == '}') return position + 1 == text.size();
    if (text[position] != ',') return false;
    ++position;
  }
}

bool split_object(std::string_view text, std::vector<std::pair<std::string, std::string>>& fields) {
  fields.clear();
  if (text.size() < 2 || text.front() != '{' || text.back() != '}') return false;
  std::size_t position = 1;
  if (text[position] == '}') return position + 1 == text.size();
  while (true) {
    std::string key;
    if (!scan_string(text, position, &key)) return false;
    if (position >= text.size() || text[position] != ':') return false;
    const std::size_t value_start = ++position;
    if (!scan_value(text, position)) return false;
    fields.emplace_back(std::move(key), std::string(text.substr(value_start, position - value_start)));
    if (position >= text.size()) return false;
    if (text[position] == '}') return position + 1 == text.size();
    if (text[position] != ',') return false;
    ++position;
  }
}

}  // namespace fundledger::json
