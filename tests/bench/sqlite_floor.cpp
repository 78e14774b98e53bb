// The floor of an import, for tools/bench: how long SQLite itself takes to store the same rows.
//
//   sqlite_floor SOURCE.db TARGET.db
//
// SOURCE is a ledger fundledger has imported. TARGET gets the same schema (tables, indexes,
// triggers) and, untimed, every row but the journal's; then, timed, the journal's events and
// postings exactly as SOURCE holds them, with prepared inserts in one transaction, WAL and
// synchronous=FULL as fundledger writes: no parsing, validation, conversion, hashing or balances.
// Prints "floor: E events, P postings in S s".
#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace {

struct EventRow {
  std::int64_t seq = 0;
  std::string event_id;
  bool has_id = false;
  std::string type;
  std::int64_t date = 0;
  bool has_date = false;
  std::string body, recorded_at, prev_hash, hash;
};

struct PostingRow {
  std::int64_t values[12] = {};
  bool null[12] = {};
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: sqlite_floor SOURCE.db TARGET.db\n", stderr);
    return 64;
  }
  const std::string target_path = argv[2];
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(target_path + suffix);
  try {
    SQLite::Database source(argv[1], SQLite::OPEN_READONLY);
    SQLite::Database target(target_path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    target.exec("PRAGMA journal_mode = WAL");
    target.exec("PRAGMA cache_size = -65536");
    target.exec("PRAGMA synchronous = FULL");
    // The schema, then every row but the journal's (untimed).
    SQLite::Statement schema(source,
                             "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                             "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid");
    std::vector<std::string> tables;
    while (schema.executeStep()) {
      target.exec(schema.getColumn(2).getString());
      if (schema.getColumn(0).getString() == "table") tables.push_back(schema.getColumn(1).getString());
    }
    target.exec("ATTACH DATABASE '" + std::string(argv[1]) + "' AS source");
    {
      SQLite::Transaction copy(target);
      for (const std::string& table : tables) {
        if (table == "events" || table == "postings") continue;
        target.exec("INSERT INTO main." + table + " SELECT * FROM source." + table);
      }
      copy.commit();
    }
    target.exec("DETACH DATABASE source");
    target.exec("PRAGMA foreign_keys = ON");

    std::vector<EventRow> events;
    SQLite::Statement read_events(source, "SELECT seq, event_id, type, date, body, recorded_at, prev_hash, hash FROM events ORDER BY seq");
    while (read_events.executeStep()) {
      EventRow row;
      row.seq = read_events.getColumn(0).getInt64();
      row.has_id = !read_events.getColumn(1).isNull();
      row.event_id = read_events.getColumn(1).getString();
      row.type = read_events.getColumn(2).getString();
      row.has_date = !read_events.getColumn(3).isNull();
      row.date = read_events.getColumn(3).getInt64();
      row.body = read_events.getColumn(4).getString();
      row.recorded_at = read_events.getColumn(5).getString();
      row.prev_hash = read_events.getColumn(6).getString();
      row.hash = read_events.getColumn(7).getString();
      events.push_back(std::move(row));
    }
    std::vector<PostingRow> postings;
    SQLite::Statement read_postings(source,
                                    "SELECT seq, line, date, account_id, fund_id, donor_id, project_id, pledge_id, "
                                    "currency_id, amount_minor, functional_minor, kind FROM postings ORDER BY seq, line");
    while (read_postings.executeStep()) {
      PostingRow row;
      for (int i = 0; i < 12; ++i) {
        row.null[i] = read_postings.getColumn(i).isNull();
        row.values[i] = read_postings.getColumn(i).getInt64();
      }
      postings.push_back(row);
    }

    // Timed: the journal's rows, prepared inserts, one transaction.
    const auto started = std::chrono::steady_clock::now();
    {
      SQLite::Transaction transaction(target);
      SQLite::Statement insert_event(target,
                                     "INSERT INTO events (seq, event_id, type, date, body, recorded_at, prev_hash, hash) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      SQLite::Statement insert_posting(target,
                                       "INSERT INTO postings (seq, line, date, account_id, fund_id, donor_id, project_id, "
                                       "pledge_id, currency_id, amount_minor, functional_minor, kind) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      std::size_t next_posting = 0;
      for (const EventRow& row : events) {
        insert_event.bind(1, row.seq);
        if (row.has_id) insert_event.bind(2, row.event_id); else insert_event.bind(2);
        insert_event.bind(3, row.type);
        if (row.has_date) insert_event.bind(4, row.date); else insert_event.bind(4);
        insert_event.bind(5, row.body);
        insert_event.bind(6, row.recorded_at);
        insert_event.bind(7, row.prev_hash);
        insert_event.bind(8, row.hash);
        insert_event.exec();
        insert_event.reset();
        for (; next_posting < postings.size() && postings[next_posting].values[0] == row.seq; ++next_posting) {
          const PostingRow& posting = postings[next_posting];
          for (int i = 0; i < 12; ++i) {
            if (posting.null[i]) insert_posting.bind(i + 1); else insert_posting.bind(i + 1, posting.values[i]);
          }
          insert_posting.exec();
          insert_posting.reset();
        }
      }
      transaction.commit();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("floor: %zu events, %zu postings in %.3f s\n", events.size(), postings.size(), seconds);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sqlite_floor: %s\n", error.what());
    return 74;
  }
}
