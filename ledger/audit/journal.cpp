// The audit trail: export, verify and replay of the hash-chained journal.
#include "audit/hash.hpp"
#include "core/event_json.hpp"
#include "core/ledger_impl.hpp"

#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <filesystem>
#include <limits>
#include <istream>
#include <map>
#include <unordered_map>
#include <ostream>

namespace fundledger {

using detail::StoredPosting;

namespace {

// Walks the journal in seq order, each event with its stored postings.
class JournalReader {
 public:
  explicit JournalReader(SQLite::Database& database)
      : events_(database,
                "SELECT seq, type, body, recorded_at, prev_hash, hash, IFNULL(event_id, ''), date "
                "FROM events ORDER BY seq"),
        postings_(database,
                  "SELECT seq, account_id, fund_id, IFNULL(donor_id, 0), IFNULL(project_id, 0), "
                  "IFNULL(pledge_id, 0), currency_id, amount_minor, functional_minor, kind, date "
                  "FROM postings ORDER BY seq, line") {
    posting_pending_ = postings_.executeStep();
  }

  bool next() {
    if (!events_.executeStep()) return false;
    seq = events_.getColumn(0).getInt64();
    type = events_.getColumn(1).getString();
    body = events_.getColumn(2).getString();
    recorded_at = events_.getColumn(3).getString();
    prev_hash = events_.getColumn(4).getString();
    hash = events_.getColumn(5).getString();
    event_id = events_.getColumn(6).getString();
    date = events_.getColumn(7).isNull() ? std::optional<std::int32_t>() : events_.getColumn(7).getInt();
    postings.clear();
    posting_dates.clear();
    orphan_postings_seq = 0;
    // Postings of a seq that has no event (a deleted event) are reported by the caller.
    while (posting_pending_ && postings_.getColumn(0).getInt64() < seq) {
      orphan_postings_seq = postings_.getColumn(0).getInt64();
      posting_pending_ = postings_.executeStep();
    }
    while (posting_pending_ && postings_.getColumn(0).getInt64() == seq) {
      StoredPosting p;
      p.account_id = postings_.getColumn(1).getInt64();
      p.fund_id = postings_.getColumn(2).getInt64();
      p.donor_id = postings_.getColumn(3).getInt64();
      p.project_id = postings_.getColumn(4).getInt64();
      p.pledge_id = postings_.getColumn(5).getInt64();
      p.currency_id = postings_.getColumn(6).getInt64();
      p.amount_minor = postings_.getColumn(7).getInt64();
      p.functional_minor = postings_.getColumn(8).getInt64();
      p.kind = static_cast<detail::PostingKind>(postings_.getColumn(9).getInt());
      const std::int32_t posting_date = postings_.getColumn(10).getInt();
      if (!date || posting_date != *date) p.date = posting_date;
      postings.push_back(p);
      posting_dates.push_back(posting_date);
      posting_pending_ = postings_.executeStep();
    }
    return true;
  }

  std::int64_t seq = 0;
  std::string type;
  std::string body;
  std::string recorded_at;
  std::string prev_hash;
  std::string hash;
  std::string event_id;
  std::optional<std::int32_t> date;
  std::vector<StoredPosting> postings;
  std::vector<std::int32_t> posting_dates;
  std::int64_t orphan_postings_seq = 0;

 private:
  SQLite::Statement events_;
  SQLite::Statement postings_;
  bool posting_pending_ = false;
};

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

std::optional<std::string> postings_json_of(const Ledger::Impl& impl,
                                            const std::vector<StoredPosting>& postings) {
  if (postings.empty()) return std::nullopt;
  return impl.render_postings(postings);
}

bool references_exist(const Ledger::Impl& impl, const std::vector<StoredPosting>& postings) {
  const auto& state = impl.state;
  auto in = [](const auto& table, std::int64_t id, bool optional) {
    if (optional && id == 0) return true;
    return id >= 1 && id <= static_cast<std::int64_t>(table.all().size());
  };
  for (const StoredPosting& p : postings) {
    if (!in(state.accounts, p.account_id, false) || !in(state.funds, p.fund_id, false) ||
        !in(state.donors, p.donor_id, true) || !in(state.projects, p.project_id, true) ||
        !in(state.pledges, p.pledge_id, true) || !in(state.currencies, p.currency_id, false)) {
      return false;
    }
  }
  return true;
}


// Projection rows by (table, seq of the event that recorded them), rendered as text.
using ProjectionRows = std::map<std::pair<std::string, std::int64_t>, std::string>;

std::string join(std::initializer_list<std::string> parts) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += '|';
    out += part;
  }
  return out;
}

std::string optional_rate(const std::optional<Decimal>& rate) { return rate ? rate->to_string() : ""; }

ProjectionRows read_projections(SQLite::Database& database) {
  ProjectionRows rows;
  auto read = [&](const std::string& table, const char* sql) {
    SQLite::Statement query(database, sql);
    const int columns = query.getColumnCount();
    while (query.executeStep()) {
      std::string row;
      for (int i = 1; i < columns; ++i) {
        if (i > 1) row += '|';
        row += query.getColumn(i).getString();
      }
      rows[{table, query.getColumn(0).getInt64()}] = row;
    }
  };
  read("currency", "SELECT declared, code, minor_units FROM currencies WHERE declared != 0");
  read("period", "SELECT close_seq, period, head_hash FROM periods");
  read("account", "SELECT seq, code, name, class FROM accounts");
  read("fund", "SELECT f.seq, f.code, f.name, f.kind, IFNULL(p.code, '') FROM funds f LEFT JOIN funds p ON p.id = f.parent_id");
  read("donor", "SELECT seq, code, name, category, country FROM donors");
  read("project", "SELECT p.seq, p.code, p.name, f.code, IFNULL(p.psc_rate, '') FROM projects p JOIN funds f ON f.id = p.fund_id");
  read("rate", "SELECT r.seq, c.code, r.effective, r.per_usd FROM rates r JOIN currencies c ON c.id = r.currency_id");
  read("setting", "SELECT seq, key, effective, value FROM settings");
  read("pledge",
       "SELECT p.seq, p.code, d.code, f.code, p.purpose, c.code, p.amount_minor, p.signed, p.conditional, "
       "IFNULL(j.code, ''), IFNULL(p.psc_rate, '') FROM pledges p JOIN donors d ON d.id = p.donor_id "
       "JOIN funds f ON f.id = p.fund_id JOIN currencies c ON c.id = p.currency_id "
       "LEFT JOIN projects j ON j.id = p.project_id");
  return rows;
}

void expected_projection(const Event& event, std::int64_t seq, const std::string& hash, const Ledger::Impl& impl,
                         ProjectionRows& rows) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, PeriodCloseEvent>) {
          rows[{"period", seq}] = join({e.period.to_string(), hash});
        } else if constexpr (std::is_same_v<T, PeriodReopenEvent>) {
          // The seal of the reopened month is gone with it.
          for (auto it = rows.begin(); it != rows.end(); ++it) {
            if (it->first.first == "period" && it->second.rfind(e.period.to_string() + "|", 0) == 0) {
              rows.erase(it);
              break;
            }
          }
        } else if constexpr (std::is_same_v<T, CurrencyEvent>) {
          rows[{"currency", seq}] = join({e.code, std::to_string(e.minor_units)});
        } else if constexpr (std::is_same_v<T, AccountEvent>) {
          rows[{"account", seq}] = join({e.code, e.name, std::to_string(static_cast<int>(e.account_class))});
        } else if constexpr (std::is_same_v<T, FundEvent>) {
          rows[{"fund", seq}] = join({e.code, e.name, std::to_string(static_cast<int>(e.kind)), e.parent});
        } else if constexpr (std::is_same_v<T, DonorEvent>) {
          rows[{"donor", seq}] = join({e.code, e.name, e.category, e.country});
        } else if constexpr (std::is_same_v<T, ProjectEvent>) {
          rows[{"project", seq}] = join({e.code, e.name, e.fund, optional_rate(e.psc_rate)});
        } else if constexpr (std::is_same_v<T, RateEvent>) {
          rows[{"rate", seq}] = join({e.currency, std::to_string(e.effective.day_number()), e.per_usd.to_string()});
        } else if constexpr (std::is_same_v<T, SettingEvent>) {
          rows[{"setting", seq}] =
              join({e.key, std::to_string(e.effective ? e.effective->day_number() : detail::beginning_of_time), e.value});
        } else if constexpr (std::is_same_v<T, PledgeEvent>) {
          const auto* currency = impl.state.currencies.find(e.currency);
          const int minor_units = currency ? currency->minor_units : 0;
          std::string amount;
          try {
            amount = std::to_string(e.amount.to_minor_units(minor_units));
          } catch (const Error&) {
            amount = e.amount.to_string();
          }
          rows[{"pledge", seq}] = join({e.id, e.donor, e.fund, std::to_string(static_cast<int>(e.purpose)), e.currency,
                                        amount, std::to_string(e.signed_on.day_number()), e.conditional ? "1" : "0",
                                        e.project, optional_rate(e.psc_rate)});
        }
      },
      event);
}


// Checks the columns stored beside a hashed body against it, and notes the projection rows the
// event should have produced. Returns what is wrong, or nothing.
std::string check_columns(const JournalReader& reader, const Ledger::Impl& impl, ProjectionRows& projections) {
  Event event;
  try {
    event = detail::parse_stored_body(reader.body);
  } catch (const Error& error) {
    return std::string("the stored body is not a valid event: ") + error.what();
  }
  if (reader.type != event_type_name(event)) return "the stored type differs from the event's type";
  if (reader.event_id != detail::event_id_of(event)) return "the stored id differs from the event's id";
  const auto date = detail::event_date_of(event);
  const bool dated = date.has_value();
  const std::int32_t day = dated ? date->day_number() : 0;
  if (reader.date.has_value() != dated || (dated && *reader.date != day)) {
    return "the stored date differs from the event's date";
  }
  // Only a close or reopen posts on other days: within its month, or the first day of the next.
  const bool spans_days = std::holds_alternative<PeriodCloseEvent>(event) || std::holds_alternative<PeriodReopenEvent>(event);
  std::int32_t earliest = day;
  std::int32_t latest = day;
  if (spans_days) {
    const Period period = std::holds_alternative<PeriodCloseEvent>(event) ? std::get<PeriodCloseEvent>(event).period
                                                                          : std::get<PeriodReopenEvent>(event).period;
    earliest = period.first_day().day_number();
    latest = period.next().first_day().day_number();
  }
  // A receipt or an apply may recognize instalments that fell due earlier, on their due days.
  if (std::holds_alternative<ReceiptEvent>(event) || std::holds_alternative<ApplyEvent>(event)) {
    earliest = std::numeric_limits<std::int32_t>::min();
  }
  for (std::int32_t posting_date : reader.posting_dates) {
    if (!dated || posting_date < earliest || posting_date > latest) {
      return "a posting's date differs from the event's date";
    }
  }
  expected_projection(event, reader.seq, reader.hash, impl, projections);
  return {};
}

// The month index (year * 12 + month - 1) of a day number, by the civil calendar's arithmetic
// (eras of 400 years, March-based years), without a calendar library call per posting.
std::int64_t month_of_day(std::int32_t day_number) {
  const std::int64_t shifted = static_cast<std::int64_t>(day_number) + 719468;  // days from 0000-03-01
  const std::int64_t era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
  const std::int64_t day_of_era = shifted - era * 146097;
  const std::int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::int64_t march_month = (5 * day_of_year + 2) / 153;  // 0 = March
  const std::int64_t month = march_month < 10 ? march_month + 3 : march_month - 9;
  const std::int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  return year * 12 + month - 1;
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

}  // namespace

std::int64_t export_journal(const Ledger& ledger, std::ostream& out, const ProgressCallback& progress) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  std::int64_t written = 0;
  try {
    SQLite::Transaction snapshot(impl.database);
    impl.refresh_if_changed();
    const std::int64_t total = impl.last_seq;
    JournalReader reader(impl.database);
    std::string line;
    while (reader.next()) {
      if (!references_exist(impl, reader.postings)) {
        throw Error(ErrorCode::storage, "event " + std::to_string(reader.seq) +
                                            " names a master record that does not exist: run fundledger verify");
      }
      line = detail::render_export_line(reader.body, reader.seq, reader.recorded_at,
                                        postings_json_of(impl, reader.postings), reader.prev_hash,
                                        reader.hash);
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      ++written;
      if (progress && (written & 1023) == 0) progress({static_cast<std::uint64_t>(written), static_cast<std::uint64_t>(total)});
    }
    if (!out) throw Error(ErrorCode::output_uncreatable, "writing the journal failed");
    if (progress) progress({static_cast<std::uint64_t>(written), static_cast<std::uint64_t>(total)});
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "exporting the journal");
  }
  return written;
}

VerifyReport verify(const Ledger& ledger, const ProgressCallback& progress) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  VerifyReport report;
  auto fail = [&report](std::int64_t seq, std::string problem) {
    report.ok = false;
    report.first_bad_seq = seq;
    report.problem = std::move(problem);
    return report;
  };
  try {
    SQLite::Transaction snapshot(impl.database);
    impl.load_state();
    const std::int64_t total = impl.last_seq;
    JournalReader reader(impl.database);
    ProjectionRows projections;
    std::unordered_map<detail::BalanceKeyIds, detail::BalanceSums, detail::BalanceKeyHash> balance_sums;
    std::map<std::array<std::int64_t, 4>, detail::BalanceSums> monthly_sums;
    std::string expected_prev = audit::genesis_hash;
    std::int64_t expected_seq = 1;
    while (reader.next()) {
      const std::int64_t seq = reader.seq;
      if (reader.orphan_postings_seq) {
        return fail(reader.orphan_postings_seq, "postings of seq " + std::to_string(reader.orphan_postings_seq) +
                                                    " belong to no event: an event was deleted");
      }
      if (seq != expected_seq) {
        return fail(expected_seq, "seq " + std::to_string(expected_seq) + " is missing: the journal jumps to seq " +
                                      std::to_string(seq));
      }
      if (reader.prev_hash != expected_prev) {
        return fail(seq, "prev_hash does not equal the hash of the event before it");
      }
      if (!references_exist(impl, reader.postings)) {
        return fail(seq, "a posting names a master record that does not exist");
      }
      for (std::size_t i = 0; i < reader.postings.size(); ++i) {
        const StoredPosting& p = reader.postings[i];
        auto& sums = balance_sums[{p.account_id, p.fund_id, p.donor_id, p.project_id, p.pledge_id, p.currency_id}];
        auto& monthly = monthly_sums[{p.account_id, p.fund_id, p.currency_id,
                                      month_of_day(reader.posting_dates[i])}];
        for (auto* totals : {&sums, &monthly}) {
          (p.amount_minor > 0 ? totals->debit : totals->credit) += p.amount_minor > 0 ? p.amount_minor : -p.amount_minor;
          (p.functional_minor > 0 ? totals->functional_debit : totals->functional_credit) +=
              p.functional_minor > 0 ? p.functional_minor : -p.functional_minor;
        }
      }
      if (reader.type == "entry" || !reader.postings.empty()) {
        std::string problem = balance_problem(reader.postings);
        if (!problem.empty()) return fail(seq, problem);
      }
      std::string line;
      try {
        line = detail::render_export_line(reader.body, seq, reader.recorded_at,
                                          postings_json_of(impl, reader.postings), reader.prev_hash, {});
      } catch (const Error& error) {
        return fail(seq, error.what());
      }
      const std::string hash = audit::sha256_hex(reader.prev_hash, line);
      if (hash != reader.hash) {
        return fail(seq, "the hash does not match the event's content: the event or its postings were changed");
      }
      // The columns that queries read beside the hashed body must say what the body says.
      if (std::string column_problem = check_columns(reader, impl, projections); !column_problem.empty()) {
        return fail(seq, column_problem);
      }
      expected_prev = hash;
      ++expected_seq;
      ++report.events;
      if (progress && (report.events & 1023) == 0) {
        progress({static_cast<std::uint64_t>(report.events), static_cast<std::uint64_t>(total)});
      }
    }
    // Postings after the last event.
    const std::int64_t stray = impl.database
                                   .execAndGet("SELECT IFNULL(MAX(seq), 0) FROM postings WHERE seq > " +
                                               std::to_string(expected_seq - 1))
                                   .getInt64();
    if (stray) return fail(stray, "postings of seq " + std::to_string(stray) + " belong to no event");
    report.head_hash = expected_prev;

    // The master data and pledge tables are projections of the journal: each row must be what
    // the event that recorded it says.
    {
      ProjectionRows stored = read_projections(impl.database);
      for (const auto& [key, expected] : projections) {
        auto found = stored.find(key);
        if (found == stored.end() || found->second != expected) {
          return fail(key.second, "the " + key.first + " row recorded by this event was changed: it says " +
                                      (found == stored.end() ? std::string("nothing") : found->second) +
                                      ", the event says " + expected);
        }
      }
      for (const auto& [key, row] : stored) {
        if (!projections.count(key)) {
          return fail(key.second, "a " + key.first + " row names this event, which did not record it");
        }
      }
    }

    // Every seal still matches the balances as of the end of its month.
    {
      SQLite::Statement seals(impl.database, "SELECT period, close_seq, balances_hash FROM periods ORDER BY period");
      std::vector<std::tuple<std::string, std::int64_t, std::string>> rows;
      while (seals.executeStep()) {
        rows.emplace_back(seals.getColumn(0).getString(), seals.getColumn(1).getInt64(), seals.getColumn(2).getString());
      }
      for (const auto& [period, close_seq, balances_hash] : rows) {
        const Period month = Period::parse(period);
        if (impl.closing_balances_hash(month.last_day()) != balances_hash) {
          return fail(close_seq, "the seal of " + period + " does not match the balances as of " +
                                     month.last_day().to_string() + ": the seal, or the postings of the closed period, were changed");
        }
      }
    }

    // The balance table, and the monthly one, equal the sums of the postings read above, group by
    // group. Each differing group counts once, whether its row is changed, missing or added.
    auto count_differences = [](auto& summed, SQLite::Statement& stored, std::size_t key_size) {
      std::int64_t differences = 0;
      while (stored.executeStep()) {
        typename std::decay_t<decltype(summed)>::key_type key{};
        for (std::size_t i = 0; i < key_size; ++i) key[i] = stored.getColumn(static_cast<int>(i)).getInt64();
        const detail::BalanceSums row{stored.getColumn(static_cast<int>(key_size)).getInt64(),
                                      stored.getColumn(static_cast<int>(key_size + 1)).getInt64(),
                                      stored.getColumn(static_cast<int>(key_size + 2)).getInt64(),
                                      stored.getColumn(static_cast<int>(key_size + 3)).getInt64()};
        const bool zero = row.debit == 0 && row.credit == 0 && row.functional_debit == 0 && row.functional_credit == 0;
        auto found = summed.find(key);
        if (found == summed.end()) {
          if (!zero) ++differences;
          continue;
        }
        const detail::BalanceSums& expected = found->second;
        if (expected.debit != row.debit || expected.credit != row.credit ||
            expected.functional_debit != row.functional_debit || expected.functional_credit != row.functional_credit) {
          ++differences;
        }
        summed.erase(found);
      }
      return differences + static_cast<std::int64_t>(summed.size());
    };
    SQLite::Statement stored_balances(impl.database,
                                      "SELECT account_id, fund_id, donor_id, project_id, pledge_id, currency_id, "
                                      "debit_minor, credit_minor, functional_debit_minor, functional_credit_minor "
                                      "FROM balances");
    if (const std::int64_t differences = count_differences(balance_sums, stored_balances, 6)) {
      report.ok = false;
      report.problem = "the stored balances differ from the sum of the postings in " + std::to_string(differences) +
                       " group(s)";
      return report;
    }
    SQLite::Statement stored_monthly(impl.database,
                                     "SELECT account_id, fund_id, currency_id, month, debit_minor, credit_minor, "
                                     "functional_debit_minor, functional_credit_minor FROM monthly_balances");
    if (const std::int64_t differences = count_differences(monthly_sums, stored_monthly, 4)) {
      report.ok = false;
      report.problem = "the stored monthly balances differ from the sum of the postings in " +
                       std::to_string(differences) + " group(s)";
      return report;
    }
    if (progress) progress({static_cast<std::uint64_t>(report.events), static_cast<std::uint64_t>(total)});
  } catch (const Error&) {
    throw;
  } catch (const std::exception& error) {
    detail::throw_storage_error(error, "verifying the ledger");
  }
  return report;
}

ReplayReport replay(std::istream& journal, const std::string& source_name, const std::string& new_path,
                    const ProgressCallback& progress) {
  ReplayReport report;
  bool keep = false;
  std::exception_ptr failure;
  // The ledger is built under another name and given its own only once complete, so that a replay
  // that fails, or is killed, never leaves a half-built ledger at new_path. A leftover of a killed
  // replay is cleared first.
  std::error_code exists_error;
  if (std::filesystem::exists(new_path, exists_error)) {
    throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + new_path + ": the file already exists");
  }
  const std::string building = new_path + ".replaying";
  auto remove_ledger_files = [](const std::string& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::filesystem::remove(path + "-wal", ignored);
    std::filesystem::remove(path + "-shm", ignored);
  };
  remove_ledger_files(building);
  {
    Ledger ledger = Ledger::create(building);
    Ledger::Impl& impl = ledger.impl();
    try {
      impl.begin_write();
      std::string line;
      std::uint64_t line_number = 0;
      std::uint64_t bytes = 0;
      while (std::getline(journal, line)) {
        ++line_number;
        bytes += line.size() + 1;
        if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        const std::string where = source_name + ":" + std::to_string(line_number) + ": ";
        detail::ParsedLine parsed;
        try {
          if (line.size() > limits::max_journal_line_bytes) {
            throw Error(ErrorCode::bad_input, "line longer than " + std::to_string(limits::max_journal_line_bytes) + " bytes");
          }
          parsed = detail::parse_line(line, true);
        } catch (const Error& error) {
          throw Error(error.code(), where + error.what());
        }
        const detail::ExportFields& exported = *parsed.exported;
        const std::int64_t expected_seq = impl.last_seq + 1;
        auto differ = [&](std::int64_t seq, std::string problem) {
          report.ok = false;
          report.first_bad_seq = seq;
          report.problem = where + problem;
        };
        if (exported.seq != expected_seq) {
          differ(expected_seq, "seq is " + std::to_string(exported.seq) + ", expected " +
                                   std::to_string(expected_seq) + " (an event is missing, repeated or moved)");
          break;
        }
        if (exported.prev_hash != impl.last_hash) {
          differ(expected_seq, "prev_hash differs from the hash of the event before it");
          break;
        }
        impl.recorded_at_override = exported.recorded_at;
        impl.transaction_recorded_at = exported.recorded_at;
        RecordResult result;
        try {
          result = impl.record_one(parsed.event);
        } catch (const Error& error) {
          // A line changed after export is named as such, rather than by what its change made the
          // ledger refuse.
          const std::string changed = line_hash_matches(parsed)
                                          ? std::string()
                                          : "hash differs: the line was changed after export (its content no "
                                            "longer hashes to " + exported.hash + "), and re-executed, ";
          differ(expected_seq, changed + "the event is refused: " + error.what());
          break;
        }
        if (!result.recorded) {
          differ(expected_seq, "the event repeats one recorded earlier (seq " + std::to_string(result.seq) + ")");
          break;
        }
        const auto& derived = impl.last_postings_json;
        if (derived != exported.postings_json) {
          differ(expected_seq, "postings differ: re-derived " + derived.value_or("none") + ", recorded " +
                                   exported.postings_json.value_or("none"));
          break;
        }
        if (impl.last_hash != exported.hash) {
          differ(expected_seq, "hash differs: re-derived " + impl.last_hash + ", recorded " + exported.hash);
          break;
        }
        ++report.events;
        if (progress && (line_number & 1023) == 0) progress({bytes, 0});
      }
      if (journal.bad()) throw Error(ErrorCode::input_unreadable, "cannot read " + source_name);
      if (report.ok) {
        impl.commit();
        report.head_hash = impl.last_hash;
        keep = true;
      } else {
        impl.rollback();
      }
    } catch (...) {
      impl.rollback();
      failure = std::current_exception();
    }
  }
  if (keep) {
    // Closed above, the ledger is whole in its one file (SQLite checkpoints the WAL on close).
    std::error_code renamed;
    std::filesystem::rename(building, new_path, renamed);
    if (renamed) {
      remove_ledger_files(building);
      throw Error(ErrorCode::output_uncreatable, "cannot create the ledger " + new_path + ": " + renamed.message());
    }
  } else {
    // A journal that does not replay leaves no half-built ledger behind.
    remove_ledger_files(building);
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& error) {
      detail::throw_storage_error(error, "replaying " + source_name);
    }
  }
  return report;
}

}  // namespace fundledger
