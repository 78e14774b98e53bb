// The journal the rebuild in memory reads: the stored ledger's, or one of its own.
#include "store/memory_store.hpp"

#include <algorithm>
#include <unordered_map>

namespace fundledger::store {

namespace {

// The journal of a stored ledger: the ledger being verified, every read of which the rebuild bounds
// by its own head; or the ledger a replay builds (writing), to which each event appended is
// written at once, read back within the same transaction when the rules ask for what the rebuild
// does not keep.
class StoredJournal final : public JournalSource {
 public:
  StoredJournal(ReadTxn& stored, RecordTxn* writing) : stored_(stored), writing_(writing) {}
  std::optional<detail::EventRef> find_event(std::string_view event_id) override { return stored_.find_event(event_id); }
  std::optional<detail::EventRef> event_at(std::int64_t seq) override { return stored_.event_at(seq); }
  std::vector<StoredPosting> postings_of(std::int64_t seq) override { return stored_.postings_of(seq); }
  std::vector<detail::DatedPosting> postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) override {
    return stored_.postings_from(seq, accounts);
  }
  void scan_dated_postings(std::int32_t from, std::int32_t through, std::int64_t through_seq,
                           const std::function<void(std::int64_t, const StoredPosting&)>& each) override {
    stored_.scan_dated_postings(from, through, through_seq, each);
  }
  void appended(const EventRow& event, const std::vector<StoredPosting>& postings) override {
    if (writing_) writing_->append(event, postings);
  }

 private:
  ReadTxn& stored_;
  RecordTxn* writing_;
};

// The events appended, kept as the SQL stores give them back.
class KeptJournal final : public JournalSource {
 public:
  std::optional<detail::EventRef> find_event(std::string_view event_id) override {
    const auto found = by_id_.find(std::string(event_id));
    if (found == by_id_.end()) return std::nullopt;
    return event_at(found->second);
  }
  std::optional<detail::EventRef> event_at(std::int64_t seq) override {
    if (seq < 1 || seq > static_cast<std::int64_t>(events_.size())) return std::nullopt;
    return events_[static_cast<std::size_t>(seq - 1)].event;
  }
  std::vector<StoredPosting> postings_of(std::int64_t seq) override {
    if (seq < 1 || seq > static_cast<std::int64_t>(events_.size())) return {};
    const Kept& kept = events_[static_cast<std::size_t>(seq - 1)];
    std::vector<StoredPosting> postings = kept.postings;
    for (StoredPosting& posting : postings) {
      if (posting.date == kept.event.day) posting.date.reset();
    }
    return postings;
  }
  std::vector<detail::DatedPosting> postings_from(std::int64_t seq, const std::vector<std::int64_t>& accounts) override {
    std::vector<detail::DatedPosting> rows;
    for (std::size_t i = static_cast<std::size_t>(std::max<std::int64_t>(seq, 1) - 1); i < events_.size(); ++i) {
      for (const StoredPosting& posting : events_[i].postings) {
        if (std::find(accounts.begin(), accounts.end(), posting.account_id) == accounts.end()) continue;
        rows.push_back({static_cast<std::int64_t>(i) + 1, posting.date.value_or(0), posting});
      }
    }
    return rows;
  }
  void scan_dated_postings(std::int32_t from, std::int32_t through, std::int64_t through_seq,
                           const std::function<void(std::int64_t, const StoredPosting&)>& each) override {
    const std::size_t last = static_cast<std::size_t>(std::min<std::int64_t>(through_seq, static_cast<std::int64_t>(events_.size())));
    for (std::size_t i = 0; i < last; ++i) {
      for (const StoredPosting& posting : events_[i].postings) {
        const std::int32_t day = posting.date.value_or(0);
        if (day >= from && day <= through) each(static_cast<std::int64_t>(i) + 1, posting);
      }
    }
  }
  void appended(const EventRow& event, const std::vector<StoredPosting>& postings) override {
    if (!event.event_id.empty()) by_id_[event.event_id] = event.seq;
    events_.push_back({{event.seq, event.type, event.body, event.day}, postings});
  }

 private:
  struct Kept {
    detail::EventRef event;
    std::vector<StoredPosting> postings;  // each with its day
  };
  std::vector<Kept> events_;  // by seq - 1
  std::unordered_map<std::string, std::int64_t> by_id_;
};

}  // namespace

std::unique_ptr<JournalSource> stored_journal(ReadTxn& stored) { return std::make_unique<StoredJournal>(stored, nullptr); }
std::unique_ptr<JournalSource> written_journal(WriteTxn& target) {
  return std::make_unique<StoredJournal>(target, &target);
}
std::unique_ptr<JournalSource> kept_journal() { return std::make_unique<KeptJournal>(); }

}  // namespace fundledger::store
