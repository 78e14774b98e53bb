// Private: the journal's lines as exported and hashed (README.md, "The journal and its events"): the
// canonical JSON of an event's postings, and the export line of an event.
#pragma once

#include "core/types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fundledger::detail {

// Canonical JSON of stored postings, as exported (codes for ids).
std::string render_postings(const MasterState& master, const std::vector<StoredPosting>& postings);

// The export line of an event, without its hash when hash is empty.
std::string render_export_line(std::string_view body, std::int64_t seq, std::string_view recorded_at,
                               const std::optional<std::string>& postings_json, std::string_view prev_hash,
                               std::string_view hash);

// "YYYY-MM-DDTHH:MM:SSZ" now.
std::string utc_timestamp_now();

}  // namespace fundledger::detail
