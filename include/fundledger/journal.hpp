// The auditors' side: export the hash-chained journal, verify a ledger, replay a journal.
//
// The export is JSON Lines, one event per line in journal order, each with the fields it was
// recorded with plus seq, recorded_at, the postings it produced (with functional_amount), prev_hash
// and hash. hash is the lowercase hex SHA-256 of prev_hash followed by the canonical JSON of the
// line without hash (keys sorted, no whitespace, UTF-8); the first prev_hash is 64 zeros.
//
// Example:
//   auto ledger = Ledger::open("fund.db", OpenMode::read_only);
//   std::ofstream out("journal.jsonl");
//   export_journal(ledger, out);
//   auto report = verify(ledger);     // report.ok, report.events, report.head_hash
//
// Thread-safety: as for Ledger; each function uses the ledger it is given for its whole call.
#pragma once

#include <fundledger/ledger.hpp>

#include <cstdint>
#include <iosfwd>
#include <string>

namespace fundledger {

// Writes every event in order. Returns the number of events written.
std::int64_t export_journal(const Ledger& ledger, std::ostream& out,
                            const ProgressCallback& progress = {});

// What verify, replay and copy_ledger found: ok, or the first event that differs and how.
struct JournalReport {
  bool ok = true;
  std::int64_t events = 0;         // the events checked (replayed, copied)
  std::string head_hash;
  std::int64_t first_bad_seq = 0;  // 0 when ok
  // What is wrong at first_bad_seq, or with the stored tables: the field that differs, or why the
  // event was refused (replay); for a copy, in its replay or in the verify of the copy.
  std::string problem;
};
using VerifyReport = JournalReport;
using ReplayReport = JournalReport;
using CopyReport = JournalReport;

struct VerifyOptions {
  // The head hash the auditor kept (from an earlier verify or export): a journal that ends
  // elsewhere, cut short or extended, is a difference. Empty: any head.
  std::string expect_head;
};

// Recomputes every hash and checks that seq has no gap and that every entry balances; records every
// event again, in memory, through the same rules, and requires each to post and hash exactly as
// stored; then compares every row of every table of the store (the master data, pledges and their
// instalments, money held and its moves, reversals, rates, settings, seals, the balances and the
// monthly balances) with what the journal gives, naming the table and the row of the first
// difference.
VerifyReport verify(const Ledger& ledger, const ProgressCallback& progress = {});
VerifyReport verify(const Ledger& ledger, const VerifyOptions& options, const ProgressCallback& progress = {});

// Re-executes every event of an exported journal into a new ledger at new_path and requires each
// re-derived posting and hash to equal the recorded one. Stops at the first difference. Throws
// Error (output_uncreatable) if new_path exists, Error (bad_input) for a line that is not a journal
// event (naming source_name and the line).
ReplayReport replay(std::istream& journal, const std::string& source_name,
                    const std::string& new_path, const ProgressCallback& progress = {});
// The same, and the journal must end at the head hash the options expect (a journal cut short or
// extended is a difference, and leaves no ledger).
ReplayReport replay(std::istream& journal, const std::string& source_name, const std::string& new_path,
                    const VerifyOptions& options, const ProgressCallback& progress = {});

// A copy is ok when it replayed and verified to the head of the original.
// Copies the ledger at from into a new ledger at to; either may be a file or a postgresql:// URL.
// The journal of from (as one snapshot; writers may go on meanwhile) is exported to a temporary
// file, replayed into to (every posting and hash re-derived), and to is then verified to end at the
// same head. to must not exist (a file) or hold no ledger with events (a database); a replay that
// fails leaves nothing at to (a copy that replays but then fails to verify is left for inspection). Throws Error as Ledger::open, export_journal and replay do.
CopyReport copy_ledger(const std::string& from, const std::string& to, const LedgerOptions& options = {},
                       const ProgressCallback& progress = {});

}  // namespace fundledger
