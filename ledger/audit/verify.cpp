// verify: the hash chain, and the events recorded again through the same rules as every writer (the
// recorder) into a rebuild held in memory, each event compared with its stored row as it goes and
// every other table at the end; the invariants that do not trust the rules beside it.
#include "audit/difference.hpp"
#include "audit/invariants.hpp"
#include "audit/journal_support.hpp"
#include "audit/table_compare.hpp"
#include "core/event_json.hpp"
#include "core/hash.hpp"
#include "core/journal_lines.hpp"
#include "engine/ledger_access.hpp"
#include "engine/recorder.hpp"
#include "rules/rules.hpp"
#include "store/memory_store.hpp"

#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace fundledger {

using audit::balance_problem;
using audit::head_difference;
using audit::postings_json_of;
using audit::references_exist;
using detail::StoredPosting;

namespace {

// The ledger built again from the stored events, through the same recorder as every writer, into
// memory (store/memory_store.hpp): what the journal says every stored row should be. Each event is
// compared with its stored row and postings as it is recorded; the other tables at the end.
class Rebuild {
 public:
  explicit Rebuild(store::ReadTxn& stored)
      : stored_(stored),
        recorder_(
            [this, &stored] {
              auto memory = std::make_unique<store::MemoryLedger>(stored);
              memory_ = memory.get();
              return std::unique_ptr<store::RecordTxn>(std::move(memory));
            },
            cache_) {
    recorder_.begin();
    // The months the journal reopens: their movements are compared at the end, as they stand then.
    std::set<std::int64_t> reopened;
    for (const std::string& body : stored.bodies_of_type("period_reopen")) {
      try {
        const Event event = detail::parse_stored_body(body);
        if (const auto* reopen = std::get_if<PeriodReopenEvent>(&event)) {
          reopened.insert(detail::month_index(reopen->period.first_day()));
        }
      } catch (const Error&) {
        // A body that is not an event is named when its event is recorded again.
      }
    }
    memory_->keep_months(std::move(reopened));
  }

  // Records the stored event again and returns what differs from its stored columns, postings and
  // hash, or empty when the event re-derives to what is stored.
  std::string record(const store::JournalRow& row, const detail::MasterState& stored) {
    Event event;
    try {
      event = stored_event(row, stored);
    } catch (const Error& error) {
      return std::string("the stored body is not a valid event: ") + error.what();
    }
    recorder_.set_recorded_at(row.event.recorded_at);
    RecordResult result;
    try {
      result = recorder_.record(event);
    } catch (const Error& error) {
      return std::string("re-executed, the event is refused: ") + error.what();
    }
    if (!result.recorded) return "re-executed, the event repeats seq " + std::to_string(result.seq);
    const std::string difference =
        audit::postings_difference(recorder_.last_postings_json(), postings_json_of(stored, row.postings));
    if (!difference.empty()) return "re-executed, the event posts otherwise: " + difference;
    if (recorder_.head().hash != row.event.hash) return "re-executed, the event hashes otherwise: " + recorder_.head().hash;
    if (std::string problem = stored_rows_difference(row, stored); !problem.empty()) return problem;
    return closed_months_difference(stored);
  }

  // The months whose movements were compared as they closed: the stored table's rows of them are
  // left out of the comparison at the end.
  const std::set<std::int64_t>& compared_months() const { return compared_months_; }

  // The rebuilt ledger, committed, for its tables to be compared.
  store::TableReader& finish() {
    kept_ = recorder_.commit_and_release();
    return *memory_;
  }

 private:
  // The movements of the months the event closed (final: the journal never reopens them), against
  // the stored ones; then memory lets them go.
  std::string closed_months_difference(const detail::MasterState& stored) {
    const std::vector<std::int64_t> months = memory_->take_sealed_months();
    if (months.empty()) return {};
    recorder_.flush();
    for (const std::int64_t month : months) {
      const auto difference = audit::month_difference(stored, stored_, *memory_, month);
      if (!difference.problem.empty()) return difference.problem;
      memory_->let_go(month);
      compared_months_.insert(month);
    }
    return {};
  }

  // The stored event row and postings against those recorded again, column by column.
  std::string stored_rows_difference(const store::JournalRow& row, const detail::MasterState& stored) {
    if (same_rows(row)) return {};
    const auto event_values = [](const store::EventRow& event) {
      return std::vector<std::string>{std::to_string(event.seq), event.event_id.empty() ? "NULL" : event.event_id,
                                      event.type, event.day ? std::to_string(*event.day) : "NULL", event.body,
                                      event.recorded_at, event.prev_hash, event.hash};
    };
    const auto stored_event = event_values(row.event);
    const auto rebuilt_event = event_values(memory_->last_event());
    if (auto difference = audit::row_difference(stored, store::table_named("events"), &stored_event, &rebuilt_event); !difference.problem.empty()) {
      return difference.problem;
    }
    const auto posting_values = [&row](const StoredPosting& p, std::size_t line) {
      auto id = [](std::int64_t value) { return value ? std::to_string(value) : std::string("NULL"); };
      return std::vector<std::string>{
          std::to_string(row.event.seq), std::to_string(line), std::to_string(p.date.value_or(row.event.day.value_or(0))),
          std::to_string(p.account_id), std::to_string(p.fund_id), id(p.donor_id), id(p.project_id), id(p.pledge_id),
          std::to_string(p.currency_id), std::to_string(p.amount_minor), std::to_string(p.functional_minor),
          std::to_string(static_cast<int>(p.kind))};
    };
    const auto& rebuilt = memory_->last_postings();
    for (std::size_t line = 0; line < std::max(rebuilt.size(), row.postings.size()); ++line) {
      std::optional<std::vector<std::string>> kept;
      std::optional<std::vector<std::string>> given;
      if (line < row.postings.size()) kept = posting_values(row.postings[line], line);
      if (line < rebuilt.size()) given = posting_values(rebuilt[line], line);
      const auto difference = audit::row_difference(stored, store::table_named("postings"), kept ? &*kept : nullptr, given ? &*given : nullptr);
      if (!difference.problem.empty()) return difference.problem;
    }
    return {};
  }

  // Whether the stored event row and postings are those recorded again, every column (what the
  // message of a difference is made from, when they are not).
  bool same_rows(const store::JournalRow& row) const {
    const store::EventRow& stored = row.event;
    const store::EventRow& rebuilt = memory_->last_event();
    if (stored.seq != rebuilt.seq || stored.event_id != rebuilt.event_id || stored.type != rebuilt.type ||
        stored.day != rebuilt.day || stored.body != rebuilt.body || stored.recorded_at != rebuilt.recorded_at ||
        stored.prev_hash != rebuilt.prev_hash || stored.hash != rebuilt.hash) {
      return false;
    }
    const auto& postings = memory_->last_postings();
    if (postings.size() != row.postings.size()) return false;
    for (std::size_t line = 0; line < postings.size(); ++line) {
      const StoredPosting& a = row.postings[line];
      const StoredPosting& b = postings[line];
      if (a.account_id != b.account_id || a.fund_id != b.fund_id || a.donor_id != b.donor_id ||
          a.project_id != b.project_id || a.pledge_id != b.pledge_id || a.currency_id != b.currency_id ||
          a.amount_minor != b.amount_minor || a.functional_minor != b.functional_minor || a.kind != b.kind ||
          a.date.value_or(stored.day.value_or(0)) != b.date.value_or(stored.day.value_or(0))) {
        return false;
      }
    }
    return true;
  }

  // The event as recorded: its stored body, and for an entry the postings it was given (the stored
  // ones but those the ledger added: the residual, and the exchange realized on cash, version 3;
  // both have no amount, which a given posting never has).
  static Event stored_event(const store::JournalRow& row, const detail::MasterState& stored) {
    Event event = detail::parse_stored_body(row.event.body);
    if (auto* entry = std::get_if<EntryEvent>(&event)) {
      for (const StoredPosting& p : row.postings) {
        if (p.kind != detail::PostingKind::rounding_residual && p.amount_minor != 0) {
          entry->postings.push_back(detail::posting_input_of(stored, p));
        }
      }
    }
    return event;
  }

  store::ReadTxn& stored_;
  detail::LedgerCache cache_;
  store::MemoryLedger* memory_ = nullptr;
  std::set<std::int64_t> compared_months_;
  detail::Recorder recorder_;
  std::unique_ptr<store::RecordTxn> kept_;
};

// The stored tables but the movements of the months verify compared as they closed.
class StoredLeavingOut final : public store::TableReader {
 public:
  StoredLeavingOut(store::ReadTxn& txn, const std::set<std::int64_t>& months) : txn_(txn), months_(months) {}
  std::unique_ptr<store::RowCursor> table_rows(const store::TableSpec& table) override {
    auto rows = txn_.table_rows(table);
    if (std::string_view(table.name) != "movements" || months_.empty()) return rows;
    return std::make_unique<Skipping>(std::move(rows), months_);
  }
  std::unique_ptr<store::RowCursor> movement_rows(std::int64_t month) override { return txn_.movement_rows(month); }

 private:
  // The movements rows (account, month, ...) of the other months.
  class Skipping final : public store::RowCursor {
   public:
    Skipping(std::unique_ptr<store::RowCursor> rows, const std::set<std::int64_t>& months)
        : rows_(std::move(rows)), months_(months) {}
    bool next() override {
      while (rows_->next()) {
        if (!months_.count(std::stoll(rows_->values().at(1)))) return true;
      }
      return false;
    }
    const std::vector<std::string>& values() const override { return rows_->values(); }

   private:
    std::unique_ptr<store::RowCursor> rows_;
    const std::set<std::int64_t>& months_;
  };

  store::ReadTxn& txn_;
  const std::set<std::int64_t>& months_;
};

// What is wrong with one stored event and its postings, before they are recorded again: the chain,
// the references, the balance of its postings, its hash.
std::string chain_problem(const store::JournalRow& row, const detail::MasterState& master, const std::string& expected_prev) {
  if (row.event.prev_hash != expected_prev) return "prev_hash does not equal the hash of the event before it";
  if (!references_exist(master, row.postings)) return "a posting names a master record that does not exist";
  if (row.event.type == "entry" || !row.postings.empty()) {
    if (std::string problem = balance_problem(row.postings); !problem.empty()) return problem;
  }
  std::string line;
  try {
    line = detail::render_export_line(row.event.body, row.event.seq, row.event.recorded_at,
                                      postings_json_of(master, row.postings), row.event.prev_hash, {});
  } catch (const Error& error) {
    return error.what();
  }
  if (audit::sha256_hex(row.event.prev_hash, line) != row.event.hash) {
    return "the hash does not match the event's content: the event or its postings were changed";
  }
  return {};
}

// Walks the journal, checking the chain and recording every event again into the rebuild.
struct JournalCheck {
  JournalCheck(const detail::Snapshot& snapshot, const VerifyOptions& verify_options, const ProgressCallback& callback,
               std::uint64_t events)
      : master(snapshot.master), options(verify_options), progress(callback), total(events),
        rebuild(*snapshot.txn), txn(*snapshot.txn), invariants(snapshot.master) {}

  const detail::MasterState& master;
  const VerifyOptions& options;
  const ProgressCallback& progress;
  std::uint64_t total = 0;
  Rebuild rebuild;
  store::ReadTxn& txn;
  audit::InvariantCheck invariants;
  VerifyReport report;
  std::string expected_prev = audit::genesis_hash;
  std::int64_t expected_head_seq = 0;

  bool fail(std::int64_t seq, std::string problem) {
    report.ok = false;
    report.first_bad_seq = seq;
    report.problem = std::move(problem);
    return false;
  }

  bool operator()(const store::JournalRow& row) {
    const std::int64_t expected_seq = report.events + 1;
    if (row.orphan_postings_seq) {
      return fail(row.orphan_postings_seq, "postings of seq " + std::to_string(row.orphan_postings_seq) +
                                               " belong to no event: an event was deleted");
    }
    if (row.event.seq != expected_seq) {
      return fail(expected_seq, "seq " + std::to_string(expected_seq) + " is missing: the journal jumps to seq " +
                                    std::to_string(row.event.seq));
    }
    if (std::string problem = chain_problem(row, master, expected_prev); !problem.empty()) {
      return fail(row.event.seq, problem);
    }
    // The event recorded again must post and hash exactly as stored.
    if (std::string problem = rebuild.record(row, master); !problem.empty()) return fail(row.event.seq, problem);
    // What holds whatever the rules did.
    if (const auto failure = invariants.add(row, txn)) return fail(failure->seq, failure->describe());
    if (row.event.hash == options.expect_head) expected_head_seq = row.event.seq;
    expected_prev = row.event.hash;
    ++report.events;
    if (progress && (report.events & 1023) == 0) progress({static_cast<std::uint64_t>(report.events), total});
    return true;
  }
};

}  // namespace

VerifyReport verify(const Ledger& ledger, const ProgressCallback& progress) { return verify(ledger, VerifyOptions{}, progress); }

VerifyReport verify(const Ledger& ledger, const VerifyOptions& options, const ProgressCallback& progress) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "verifying the ledger", [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger, detail::Pledges::read);
    JournalCheck check(snapshot, options, progress, static_cast<std::uint64_t>(snapshot.txn->head().seq));
    snapshot.txn->scan_journal(1, std::ref(check));
    if (!check.report.ok) return check.report;
    check.report.head_hash = check.expected_prev;
    // Postings after the last event.
    if (const std::int64_t stray = snapshot.txn->stray_posting_seq(check.report.events)) {
      check.fail(stray, "postings of seq " + std::to_string(stray) + " belong to no event");
      return check.report;
    }
    // Every row of every table is what the journal gives: the projections, the balances by group
    // and by month, the seals.
    // (The events and postings were compared as they were recorded again.)
    store::TableReader& rebuilt = check.rebuild.finish();
    StoredLeavingOut stored(*snapshot.txn, check.rebuild.compared_months());
    if (audit::TableDifference difference =
            audit::first_difference(snapshot.master, stored, rebuilt, {"events", "postings", "movement_totals"});
        !difference.problem.empty()) {
      check.fail(difference.seq, difference.problem);
      return check.report;
    }
    // The totals of the movements, against the movements just compared.
    if (audit::TableDifference difference = audit::totals_difference(snapshot.master, *snapshot.txn);
        !difference.problem.empty()) {
      check.fail(difference.seq, difference.problem);
      return check.report;
    }
    if (const auto failure = check.invariants.finish(snapshot)) {
      check.fail(failure->seq, failure->describe());
      return check.report;
    }
    if (std::string problem =
            head_difference(check.report.head_hash, check.report.events, options.expect_head, check.expected_head_seq);
        !problem.empty()) {
      check.fail(0, problem);
      return check.report;
    }
    if (progress) progress({static_cast<std::uint64_t>(check.report.events), check.total});
    return check.report;
  });
}

}  // namespace fundledger
