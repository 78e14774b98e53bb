// The journal's lines as exported and hashed.
#include "core/journal_lines.hpp"

#include "core/canonical_json.hpp"

#include <fundledger/error.hpp>

#include <ctime>

namespace fundledger::detail {

std::string utc_timestamp_now() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

std::string render_export_line(std::string_view body, std::int64_t seq, std::string_view recorded_at,
                               const std::optional<std::string>& postings_json,
                               std::string_view prev_hash, std::string_view hash) {
  // The export fields, in the order of their keys: hash, postings, prev_hash, recorded_at, seq.
  std::string seq_text = std::to_string(seq);
  std::string recorded_text = json::quoted(recorded_at);
  std::string prev_text = json::quoted(prev_hash);
  std::string hash_text = hash.empty() ? std::string() : json::quoted(hash);
  const std::pair<std::string_view, const std::string*> extras[] = {
      {"hash", hash.empty() ? nullptr : &hash_text},
      {"postings", postings_json ? &*postings_json : nullptr},
      {"prev_hash", &prev_text},
      {"recorded_at", &recorded_text},
      {"seq", &seq_text}};
  // The body is canonical: its keys are sorted, so the export fields merge in without sorting.
  thread_local std::vector<json::Member> body_members;
  if (!json::members(body, body_members)) {
    std::vector<std::pair<std::string, std::string>> fields;
    if (!json::split_object(body, fields)) {
      throw Error(ErrorCode::storage, "the stored body of event " + std::to_string(seq) +
                                          " is not a canonical JSON object");
    }
    json::Object object;
    for (auto& [key, value] : fields) object.add_raw(key, std::move(value));
    for (const auto& [key, value] : extras) {
      if (value) object.add_raw(key, *value);
    }
    return object.render();
  }
  std::string out;
  out.reserve(body.size() + 256 + (postings_json ? postings_json->size() : 0));
  out += '{';
  bool first = true;
  auto emit_extra = [&](std::string_view key, const std::string& value) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += key;
    out += "\":";
    out += value;
  };
  std::size_t next_extra = 0;
  for (const json::Member& member : body_members) {
    for (; next_extra < std::size(extras) && extras[next_extra].first < member.key; ++next_extra) {
      if (extras[next_extra].second) emit_extra(extras[next_extra].first, *extras[next_extra].second);
    }
    if (!first) out += ',';
    first = false;
    out += member.text;
  }
  for (; next_extra < std::size(extras); ++next_extra) {
    if (extras[next_extra].second) emit_extra(extras[next_extra].first, *extras[next_extra].second);
  }
  out += '}';
  return out;
}

std::string render_postings(const MasterState& state, const std::vector<StoredPosting>& postings) {
  // Written field by field in the sorted order of the keys (account, amount, applied, currency,
  // date, donor, functional_amount, fund, pledge, project, recognition, residual, year_end): the
  // canonical form, without building an object per posting.
  std::string out = "[";
  for (std::size_t i = 0; i < postings.size(); ++i) {
    const StoredPosting& p = postings[i];
    if (i) out += ',';
    const auto& currency = state.currencies.by_id(p.currency_id);
    out += "{\"account\":";
    json::append_string(out, state.accounts.by_id(p.account_id).code);
    out += ",\"amount\":\"";
    out += Decimal::from_minor_units(p.amount_minor, currency.minor_units).to_string();
    out += p.kind == PostingKind::applied_ahead ? "\",\"applied\":true,\"currency\":" : "\",\"currency\":";
    json::append_string(out, currency.code);
    if (p.date) {
      out += ",\"date\":\"";
      out += Date::from_day_number(*p.date).to_string();
      out += '"';
    }
    if (p.donor_id) {
      out += ",\"donor\":";
      json::append_string(out, state.donors.by_id(p.donor_id).code);
    }
    out += ",\"functional_amount\":\"";
    out += Decimal::from_minor_units(p.functional_minor, 2).to_string();
    out += "\",\"fund\":";
    json::append_string(out, state.funds.by_id(p.fund_id).code);
    if (p.pledge_id) {
      out += ",\"pledge\":";
      json::append_string(out, state.pledges.by_id(p.pledge_id).code);
    }
    if (p.project_id) {
      out += ",\"project\":";
      json::append_string(out, state.projects.by_id(p.project_id).code);
    }
    if (p.kind == PostingKind::recognition) out += ",\"recognition\":true";
    if (p.kind == PostingKind::rounding_residual) out += ",\"residual\":true";
    if (p.kind == PostingKind::year_end) out += ",\"year_end\":true";
    out += '}';
  }
  out += ']';
  return out;
}

}  // namespace fundledger::detail
