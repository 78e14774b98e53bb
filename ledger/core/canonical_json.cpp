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
            // Canonical keys only ever escape control characters this way.
            if (position + 5 >= text.size()) return false;
            unsigned value = 0;
            auto result = std::from_chars(text.data() + position + 2, text.data() + position + 6,
                                          value, 16);
            if (result.ec != std::errc() || value >= 0x20) return false;
            *unescaped += static_cast<char>(value);
            position += 4;
            break;
          }
          default: *unescaped += escaped;
        }
      } else if (escaped == 'u') {
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

// Skips one JSON value (object, array, string or scalar); returns the index after it.
bool scan_value(std::string_view text, std::size_t& position) {
  if (position >= text.size()) return false;
  const char c = text[position];
  if (c == '"') return scan_string(text, position, nullptr);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (position < text.size()) {
      const char d = text[position];
      if (d == '"') {
        if (!scan_string(text, position, nullptr)) return false;
        continue;
      }
      if (d == '{' || d == '[') ++depth;
      if (d == '}' || d == ']') {
        if (--depth == 0) {
          ++position;
          return true;
        }
      }
      ++position;
    }
    return false;
  }
  while (position < text.size() && text[position] != ',' && text[position] != '}' &&
         text[position] != ']') {
    ++position;
  }
  return true;
}

}  // namespace

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
