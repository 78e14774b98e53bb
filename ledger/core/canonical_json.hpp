// Private: the canonical JSON that is stored, exported and hashed.
//
// Canonical form: objects with keys sorted by their UTF-8 bytes, no whitespace, strings with only
// '"', '\\' and control characters escaped (\b \f \n \r \t, else \u00XX), other characters as raw
// UTF-8, integers in plain decimal, true/false/null. Amounts are JSON strings.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fundledger::json {

// Appends text as a JSON string literal, quotes included.
void append_string(std::string& out, std::string_view text);
std::string quoted(std::string_view text);

// The fields of one object: each key with its value already rendered as canonical JSON.
class Object {
 public:
  Object& add_raw(std::string_view key, std::string value_json);
  Object& add_string(std::string_view key, std::string_view value);
  Object& add_integer(std::string_view key, std::int64_t value);
  Object& add_bool(std::string_view key, bool value);
  // Appends {"k":v,...} with the keys sorted.
  void render(std::string& out) const;
  std::string render() const;
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// A top-level member of an object's text: its key (as written, between the quotes) and the whole
// member text ("key":value).
struct Member {
  std::string_view key;
  std::string_view text;
};
// The members of an object written without whitespace, in order, without copying. Returns false
// if the text is not such an object, or a key holds an escape (split_object reads those).
bool members(std::string_view text, std::vector<Member>& out);

// Splits a canonical object's text into its top-level (key, value-json) pairs, keys unescaped.
// Returns false if the text is not a JSON object of that form.
bool split_object(std::string_view text, std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace fundledger::json
