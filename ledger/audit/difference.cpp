// Naming the first posting and field in which two renderings of an event's postings differ.
#include "audit/difference.hpp"

#include "core/canonical_json.hpp"

#include <string_view>
#include <vector>

namespace fundledger::audit {

namespace {

// The top-level elements of a JSON array written without whitespace ([{...},{...}]).
std::vector<std::string_view> elements(std::string_view array) {
  std::vector<std::string_view> out;
  if (array.size() < 2 || array.front() != '[' || array.back() != ']') return out;
  int depth = 0;
  bool in_string = false;
  std::size_t start = 1;
  for (std::size_t i = 1; i + 1 < array.size(); ++i) {
    const char c = array[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      out.push_back(array.substr(start, i - start));
      start = i + 1;
    }
  }
  if (array.size() > 2) out.push_back(array.substr(start, array.size() - 1 - start));
  return out;
}

std::string value_of(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& key) {
  for (const auto& [name, value] : fields) {
    if (name == key) return value;
  }
  return "nothing";
}

// The first field in which two posting objects differ, or empty.
std::string field_difference(std::string_view derived, std::string_view recorded, std::size_t index) {
  std::vector<std::pair<std::string, std::string>> a;
  std::vector<std::pair<std::string, std::string>> b;
  const std::string where = "postings[" + std::to_string(index) + "]";
  if (!json::split_object(derived, a) || !json::split_object(recorded, b)) {
    return where + ": re-derived " + std::string(derived) + ", recorded " + std::string(recorded);
  }
  std::vector<std::string> keys;
  for (const auto& [key, value] : a) keys.push_back(key);
  for (const auto& [key, value] : b) keys.push_back(key);
  for (const std::string& key : keys) {
    const std::string left = value_of(a, key);
    const std::string right = value_of(b, key);
    if (left != right) return where + "." + key + ": re-derived " + left + ", recorded " + right;
  }
  return {};
}

}  // namespace

std::string postings_difference(const std::optional<std::string>& derived, const std::optional<std::string>& recorded) {
  if (derived == recorded) return {};
  const std::vector<std::string_view> a = derived ? elements(*derived) : std::vector<std::string_view>{};
  const std::vector<std::string_view> b = recorded ? elements(*recorded) : std::vector<std::string_view>{};
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) {
      std::string difference = field_difference(a[i], b[i], i);
      if (!difference.empty()) return difference;
    }
  }
  return "postings: re-derived " + std::to_string(a.size()) + " posting(s), recorded " + std::to_string(b.size());
}

}  // namespace fundledger::audit
