// Private: reading events from JSON Lines, and the fields the ledger stores and hashes.
#pragma once

#include "core/canonical_json.hpp"

#include <fundledger/events.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fundledger::detail {

// The fields an export line adds to an event.
struct ExportFields {
  std::int64_t seq = 0;
  std::string recorded_at;
  std::string prev_hash;
  std::string hash;
  std::optional<std::string> postings_json;  // canonical JSON of the postings array, if present
};

struct ParsedLine {
  Event event;
  std::optional<ExportFields> exported;  // set when parsed as an export line
};

// Parses one JSON Lines event. With export_line, the export fields are required and returned, and
// an entry's postings are read as exported (functional_amount given, rounding residuals marked).
// Throws Error (bad_input) naming the field.
ParsedLine parse_line(std::string_view json, bool export_line);
// Parses the stored body of an event (an entry's body has no postings).
Event parse_stored_body(std::string_view body);

// The event's id (empty for master data) and the date it is dated by (none for master data).
std::string event_id_of(const Event& event);
std::optional<Date> event_date_of(const Event& event);

// The stored body of an event: its canonical fields, without an entry's postings.
json::Object body_fields(const Event& event);

// The canonical JSON array of an entry's postings as given (no functional amounts).
std::string render_input_postings(const std::vector<PostingInput>& postings);


}  // namespace fundledger::detail
