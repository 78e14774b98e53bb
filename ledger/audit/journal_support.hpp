// Private: what export, verify and replay each check of a journal's lines and postings.
#pragma once

#include "core/event_json.hpp"
#include "core/types.hpp"

#include <fundledger/journal.hpp>

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace fundledger::audit {

// Why an entry's postings do not balance, or empty when they do (invariants 1-3).
std::string balance_problem(const std::vector<detail::StoredPosting>& postings);
// The postings as an export line carries them, or none for an event without postings.
std::optional<std::string> postings_json_of(const detail::MasterState& master,
                                            const std::vector<detail::StoredPosting>& postings);
// Whether every master record the postings name exists.
bool references_exist(const detail::MasterState& master, const std::vector<detail::StoredPosting>& postings);
// Whether an export line hashes to the hash it carries, as recorded.
bool line_hash_matches(const detail::ParsedLine& parsed);
// Whether the journal ends where the auditor's working papers say: a journal cut short or extended
// is a difference. Empty when it does, or when nothing is expected.
std::string head_difference(const std::string& head, std::int64_t events, const std::string& expected,
                            std::int64_t expected_seen_at);

// replay into a new file (new_path): the rules record into a rebuild in memory, which writes out
// the movements it holds whenever they number more than max_movement_rows
// (max_movement_rows_held; the tests make it few).
inline constexpr std::size_t max_movement_rows_held = 1 << 18;
ReplayReport replay_to_file(std::istream& journal, const std::string& source_name, const std::string& new_path,
                            const VerifyOptions& options, const ProgressCallback& progress,
                            std::size_t max_movement_rows);

// Replays an export as replay does, every event through the rules and its postings and hash
// compared, into a ledger held in memory alone (store::MemoryLedger keeping its own journal):
// nothing is written anywhere. Its memory grows with the journal, which it keeps: for the tests,
// which prove each rule on a state with no store behind it, and for the benchmark, which measures
// the rules apart from any store.
ReplayReport replay_in_memory(std::istream& journal, const std::string& source_name,
                              const VerifyOptions& options = {});

}  // namespace fundledger::audit
