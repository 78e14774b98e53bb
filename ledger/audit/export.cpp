// export: the journal as JSON Lines, each line as it was hashed (README.md, "The journal and its
// events").
#include "audit/journal_support.hpp"
#include "core/journal_lines.hpp"
#include "engine/ledger_access.hpp"

#include <fundledger/error.hpp>
#include <fundledger/journal.hpp>

#include <ostream>

namespace fundledger {

using audit::postings_json_of;
using audit::references_exist;

std::int64_t export_journal(const Ledger& ledger, std::ostream& out, const ProgressCallback& progress) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "exporting the journal", [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger, detail::Pledges::read);
    const auto total = static_cast<std::uint64_t>(snapshot.txn->head().seq);
    std::int64_t written = 0;
    std::string line;
    snapshot.txn->scan_journal(1, [&](const store::JournalRow& row) {
      if (!references_exist(snapshot.master, row.postings)) {
        throw Error(ErrorCode::storage, "event " + std::to_string(row.event.seq) +
                                            " names a master record that does not exist: run fundledger verify");
      }
      line = detail::render_export_line(row.event.body, row.event.seq, row.event.recorded_at,
                                        postings_json_of(snapshot.master, row.postings), row.event.prev_hash,
                                        row.event.hash);
      line += '\n';
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
      ++written;
      if (progress && (written & 1023) == 0) progress({static_cast<std::uint64_t>(written), total});
      return true;
    });
    if (!out) throw Error(ErrorCode::output_uncreatable, "writing the journal failed");
    if (progress) progress({static_cast<std::uint64_t>(written), total});
    return written;
  });
}

}  // namespace fundledger
