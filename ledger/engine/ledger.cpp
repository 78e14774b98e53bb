// Ledger: opening a ledger, recording events in write transactions, balances and the head.
#include "core/event_json.hpp"
#include "engine/ledger_access.hpp"
#include "rules/standard_chart.hpp"

#include <fundledger/error.hpp>
#include <fundledger/limits.hpp>

#include <algorithm>
#include <charconv>
#include <istream>

namespace fundledger {

namespace detail {

Snapshot LedgerAccess::read(const Ledger& ledger, Pledges pledges) {
  Ledger::Impl& impl = *ledger.impl_;
  auto txn = impl.store->read();
  guarded(*impl.store, "reading " + impl.store->location(), [&] { impl.cache.refresh(*txn, pledges); });
  return {std::move(txn), impl.cache.master};
}

Ledger LedgerAccess::make(std::unique_ptr<store::Store> store) {
  return Ledger(std::make_unique<Ledger::Impl>(std::move(store)));
}

namespace {

// Runs work in one write transaction of the recorder: commits, or rolls back on any failure.
template <class Work>
auto in_write_transaction(const store::Store& store, Recorder& recorder, const std::string& doing, Work&& work) {
  return guarded(store, doing, [&] {
    recorder.begin();
    try {
      auto result = work();
      recorder.commit();
      return result;
    } catch (...) {
      recorder.rollback();
      throw;
    }
  });
}

store::Options store_options(const LedgerOptions& options) {
  return store::Options{options.busy_timeout_ms, options.shared_reads};
}

}  // namespace

}  // namespace detail

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

const std::string& Ledger::path() const { return impl_->store->location(); }

Ledger Ledger::create(const std::string& path, const LedgerOptions& options) {
  return detail::LedgerAccess::make(store::open_store(path, OpenMode::read_write, true, detail::store_options(options)));
}

Ledger Ledger::open(const std::string& path, OpenMode mode, const LedgerOptions& options) {
  return detail::LedgerAccess::make(store::open_store(path, mode, false, detail::store_options(options)));
}

Ledger Ledger::init(const std::string& path, bool bare, const LedgerOptions& options) {
  Ledger ledger = create(path, options);
  ledger.record_batch(detail::standard_events(bare));
  return ledger;
}

RecordResult Ledger::record(const Event& event) {
  return detail::in_write_transaction(*impl_->store, impl_->recorder, "recording an event", [&] { return impl_->recorder.record(event); });
}

std::vector<RecordResult> Ledger::record_batch(const std::vector<Event>& events) {
  return detail::in_write_transaction(*impl_->store, impl_->recorder, "recording events", [&] {
    std::vector<RecordResult> results;
    results.reserve(events.size());
    std::vector<std::string> ids;
    ids.reserve(events.size());
    for (const Event& event : events) ids.push_back(detail::event_id_of(event));
    impl_->recorder.look_up(ids);
    // The number of the event a check of the batch's balances refuses.
    const auto number_of = [&](std::int64_t seq) {
      const auto at = std::find_if(results.begin(), results.end(),
                                   [&](const RecordResult& result) { return result.recorded && result.seq == seq; });
      return at == results.end() ? results.size() : static_cast<std::size_t>(at - results.begin()) + 1;
    };
    try {
      for (std::size_t i = 0; i < events.size(); ++i) {
        try {
          results.push_back(impl_->recorder.record(events[i]));
        } catch (const detail::BatchRefusal&) {
          throw;
        } catch (const Error& error) {
          throw Error(error.code(), "event " + std::to_string(i + 1) + ": " + error.what());
        }
      }
      impl_->recorder.check_balances();
    } catch (const detail::BatchRefusal& refusal) {
      throw Error(refusal.code(), "event " + std::to_string(number_of(refusal.seq())) + ": " + refusal.what());
    }
    return results;
  });
}

namespace {

// The bytes left to read of a seekable input, 0 when it cannot tell.
std::uint64_t remaining_bytes(std::istream& input) {
  const auto start = input.tellg();
  if (start == std::streampos(-1)) return 0;
  input.seekg(0, std::ios::end);
  const auto total = static_cast<std::uint64_t>(input.tellg() - start);
  input.seekg(start);
  return total;
}

// One line of a JSON Lines file as an event, or nothing for a blank line. A byte-order mark before
// the first event and CR line ends (files from Windows) are accepted: they carry no meaning.
std::optional<Event> event_of_line(std::string& line, std::uint64_t line_number) {
  if (line.size() > limits::max_journal_line_bytes) {
    throw Error(ErrorCode::bad_input, "line longer than " + std::to_string(limits::max_journal_line_bytes) + " bytes");
  }
  if (line_number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  return parse_event(line);
}

}  // namespace

namespace {

// A line of an import read ahead: its event, nothing (a blank line), or why it is not one.
struct ReadLine {
  std::uint64_t number = 0;
  std::optional<Event> event;
  std::optional<Error> error;
};

// Lines are read, parsed and their ids looked up this many at a time.
constexpr std::size_t import_batch = 256;

// Reads ahead up to import_batch lines into batch, and the ids of their events into ids; false
// once the input is exhausted. A line that does not parse fails the import only when its turn
// comes, so that the first line at fault is the one named.
bool read_batch(std::istream& input, std::uint64_t& line_number, std::uint64_t& bytes, std::vector<ReadLine>& batch,
                std::vector<std::string>& ids) {
  batch.clear();
  ids.clear();
  std::string line;
  while (batch.size() < import_batch) {
    if (!std::getline(input, line)) return false;
    ++line_number;
    bytes += line.size() + 1;
    ReadLine read{line_number, std::nullopt, std::nullopt};
    try {
      read.event = event_of_line(line, line_number);
      if (read.event) ids.push_back(detail::event_id_of(*read.event));
    } catch (const Error& error) {
      read.error = error;
    }
    batch.push_back(std::move(read));
  }
  return true;
}

// The line of each event an import recorded, by seq. The seqs roll back with a refused import, so
// messages name lines instead: the line an event the balance check refuses came from, and the
// earlier line of an id met twice in the file. Kept as runs (seq, line) where both advance
// together, so that memory stays flat: a new run starts only after a line that recorded nothing
// (blank, or already recorded).
class RecordedLines {
 public:
  RecordedLines(std::int64_t first_seq, const std::string& source_name)
      : last_seq_(first_seq - 1), source_name_(source_name) {}

  void add(std::int64_t seq, std::uint64_t line) {
    if (runs_.empty() || line - runs_.back().second != static_cast<std::uint64_t>(seq - runs_.back().first)) {
      runs_.emplace_back(seq, line);
    }
    last_seq_ = seq;
  }

  std::optional<std::uint64_t> line_of(std::int64_t seq) const {
    if (runs_.empty() || seq < runs_.front().first || seq > last_seq_) return std::nullopt;
    auto run = std::upper_bound(runs_.begin(), runs_.end(), seq,
                                [](std::int64_t value, const auto& entry) { return value < entry.first; });
    --run;
    return run->second + static_cast<std::uint64_t>(seq - run->first);
  }

  // A conflict's message with "is already recorded (seq N)" naming the line of N when this import
  // recorded it.
  std::string naming_lines(const std::string& message) const {
    const std::string marker = "is already recorded (seq ";
    const std::size_t found = message.find(marker);
    if (found == std::string::npos) return message;
    const std::size_t at = found + marker.size() - 5;  // "(seq "
    const std::size_t end = message.find(')', at);
    if (end == std::string::npos) return message;
    std::int64_t seq = 0;
    const auto parsed = std::from_chars(message.data() + at + 5, message.data() + end, seq);
    if (parsed.ec != std::errc() || parsed.ptr != message.data() + end) return message;
    const std::optional<std::uint64_t> earlier = line_of(seq);
    if (!earlier) return message;
    return message.substr(0, at) + "(line " + std::to_string(*earlier) + " of " + source_name_ +
           ", earlier in this import" + message.substr(end);
  }

 private:
  std::vector<std::pair<std::int64_t, std::uint64_t>> runs_;
  std::int64_t last_seq_;
  const std::string& source_name_;
};

}  // namespace

ImportResult Ledger::import_jsonl(std::istream& input, const std::string& source_name, const ProgressCallback& progress) {
  const std::uint64_t total_bytes = progress ? remaining_bytes(input) : 0;
  return detail::in_write_transaction(*impl_->store, impl_->recorder, "importing " + source_name, [&] {
    ImportResult result;
    std::uint64_t line_number = 0;
    std::uint64_t bytes = 0;
    std::vector<ReadLine> batch;
    std::vector<std::string> ids;
    const auto where = [&](std::uint64_t number) { return source_name + ":" + std::to_string(number) + ": "; };
    RecordedLines lines(impl_->recorder.head().seq + 1, source_name);
    bool more = true;
    while (more) {
      more = read_batch(input, line_number, bytes, batch, ids);
      impl_->recorder.look_up(ids);
      try {
        for (const ReadLine& read : batch) {
          if (read.error) throw Error(read.error->code(), where(read.number) + read.error->what());
          if (!read.event) continue;
          try {
            const RecordResult recorded = impl_->recorder.record(*read.event);
            ++result.lines;
            recorded.recorded ? ++result.recorded : ++result.already_recorded;
            if (recorded.recorded) lines.add(recorded.seq, read.number);
          } catch (const detail::BatchRefusal&) {
            throw;
          } catch (const Error& error) {
            const std::string message = error.code() == ErrorCode::conflict ? lines.naming_lines(error.what()) : error.what();
            throw Error(error.code(), where(read.number) + message);
          }
        }
        impl_->recorder.check_balances();
      } catch (const detail::BatchRefusal& refusal) {
        const std::optional<std::uint64_t> line = lines.line_of(refusal.seq());
        throw Error(refusal.code(), (line ? where(*line) : source_name + ": ") + refusal.what());
      }
      if (progress) progress({bytes, total_bytes});
    }
    if (input.bad()) throw Error(ErrorCode::input_unreadable, "cannot read " + source_name);
    if (progress) progress({total_bytes ? total_bytes : bytes, total_bytes});
    return result;
  });
}

std::int64_t Ledger::event_count() const {
  return detail::guarded(*impl_->store, "reading the journal's head",
                         [&] { return detail::LedgerAccess::read(*this).txn->head().seq; });
}

std::string Ledger::head_hash() const {
  return detail::guarded(*impl_->store, "reading the journal's head",
                         [&] { return detail::LedgerAccess::read(*this).txn->head().hash; });
}

}  // namespace fundledger
