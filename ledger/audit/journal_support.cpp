// What export, verify and replay each check of a journal's lines and postings.
#include "audit/journal_support.hpp"

#include "core/hash.hpp"
#include "core/journal_lines.hpp"

#include <fundledger/decimal.hpp>
#include <fundledger/error.hpp>

#include <map>
#include <utility>

namespace fundledger::audit {

using detail::StoredPosting;

// Why an entry's postings do not balance, or empty when they do (invariants 1-3).
std::string balance_problem(const std::vector<StoredPosting>& postings) {
  if (postings.size() < 2) return "an entry has fewer than two postings";
  std::map<std::pair<std::int64_t, std::int64_t>, Decimal::Coefficient> by_fund_currency;
  std::map<std::int64_t, Decimal::Coefficient> functional_by_fund;
  for (const StoredPosting& p : postings) {
    by_fund_currency[{p.fund_id, p.currency_id}] += p.amount_minor;
    functional_by_fund[p.fund_id] += p.functional_minor;
  }
  for (const auto& [key, sum] : by_fund_currency) {
    if (sum != 0) return "the postings of a fund in one currency do not sum to zero";
  }
  for (const auto& [fund, sum] : functional_by_fund) {
    if (sum != 0) return "the USD amounts of a fund do not sum to zero";
  }
  return {};
}

std::optional<std::string> postings_json_of(const detail::MasterState& master, const std::vector<StoredPosting>& postings) {
  if (postings.empty()) return std::nullopt;
  return detail::render_postings(master, postings);
}

bool references_exist(const detail::MasterState& master, const std::vector<StoredPosting>& postings) {
  auto in = [](const auto& table, std::int64_t id, bool optional) {
    if (optional && id == 0) return true;
    return id >= 1 && id <= static_cast<std::int64_t>(table.all().size());
  };
  for (const StoredPosting& p : postings) {
    if (!in(master.accounts, p.account_id, false) || !in(master.funds, p.fund_id, false) ||
        !in(master.donors, p.donor_id, true) || !in(master.projects, p.project_id, true) ||
        !in(master.pledges, p.pledge_id, true) || !in(master.currencies, p.currency_id, false)) {
      return false;
    }
  }
  return true;
}

// Whether an export line hashes to the hash it carries, as recorded.
bool line_hash_matches(const detail::ParsedLine& parsed) {
  const detail::ExportFields& exported = *parsed.exported;
  std::string line;
  try {
    line = detail::render_export_line(detail::body_fields(parsed.event).render(), exported.seq, exported.recorded_at,
                                      exported.postings_json, exported.prev_hash, {});
  } catch (const Error&) {
    return false;
  }
  return audit::sha256_hex(exported.prev_hash, line) == exported.hash;
}

// Whether the journal ends where the auditor's working papers say: a journal cut short or extended
// is a difference.
std::string head_difference(const std::string& head, std::int64_t events, const std::string& expected,
                            std::int64_t expected_seen_at) {
  if (expected.empty() || head == expected) return {};
  if (expected_seen_at) {
    return "the journal goes on after the expected head " + expected + " (seq " + std::to_string(expected_seen_at) +
           "): " + std::to_string(events - expected_seen_at) + " more event(s), to head " + head;
  }
  return "the journal's head is " + head + " (" + std::to_string(events) + " events), not the expected " + expected +
         ": the journal was cut short, or rewritten";
}

}  // namespace fundledger::audit
