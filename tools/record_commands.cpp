// post (a generic entry from the command line) and import (JSON Lines, all or nothing).
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/ledger.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace fundledger::cli {

namespace {

// "ACCOUNT:FUND:CURRENCY:AMOUNT[:donor=D][:project=P][:pledge=X]"
PostingInput parse_posting(const std::string& text, std::size_t index) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  const std::string where = "--posting " + std::to_string(index + 1) + " \"" + text + "\": ";
  if (parts.size() < 4) {
    throw Error(ErrorCode::usage, where + "expected ACCOUNT:FUND:CURRENCY:AMOUNT[:donor=D][:project=P][:pledge=X]");
  }
  PostingInput posting;
  posting.account = parts[0];
  posting.fund = parts[1];
  posting.currency = parts[2];
  try {
    posting.amount = Decimal::parse(parts[3]);
  } catch (const Error& error) {
    throw Error(ErrorCode::usage, where + error.what());
  }
  for (std::size_t i = 4; i < parts.size(); ++i) {
    const std::size_t equals = parts[i].find('=');
    const std::string name = parts[i].substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : parts[i].substr(equals + 1);
    if (name == "donor") {
      posting.donor = value;
    } else if (name == "project") {
      posting.project = value;
    } else if (name == "pledge") {
      posting.pledge = value;
    } else {
      throw Error(ErrorCode::usage, where + "unknown dimension \"" + name + "\": expected donor=, project= or pledge=");
    }
  }
  return posting;
}

}  // namespace

void register_record_commands(CLI::App& app, Context& context) {
  {
    auto* post = app.add_subcommand("post", "record a generic journal entry");
    auto id = std::make_shared<std::string>();
    auto date = std::make_shared<std::string>();
    auto memo = std::make_shared<std::string>();
    auto postings = std::make_shared<std::vector<std::string>>();
    post->add_option("id", *id, "the entry's id (its idempotency key), like BNK-2024-0001")->required();
    post->add_option("--date", *date, "YYYY-MM-DD")->required();
    post->add_option("--memo", *memo, "what the entry is for");
    post->add_option("--posting", *postings,
                     "ACCOUNT:FUND:CURRENCY:AMOUNT[:donor=D][:project=P][:pledge=X], debit positive; "
                     "repeat for each posting")
        ->required();
    post->footer(
        "Example:\n"
        "  fundledger post BNK-2024-0001 --date 2024-01-15 --memo \"Unidentified transfer\" \\\n"
        "    --posting 1100:CPCJF:EUR:1000.00 --posting 2150:CPCJF:EUR:-1000.00");
    post->callback([&context, id, date, memo, postings] {
      EntryEvent entry;
      entry.id = *id;
      entry.date = date_option(*date, "--date");
      entry.memo = *memo;
      for (std::size_t i = 0; i < postings->size(); ++i) entry.postings.push_back(parse_posting((*postings)[i], i));
      Ledger ledger = open_ledger(context, OpenMode::read_write);
      RecordResult result = ledger.record(entry);
      if (result.recorded) {
        std::fputs(fmt::format("recorded entry {} (seq {})\n", entry.id, result.seq).c_str(), stderr);
      } else {
        std::fputs(fmt::format("entry {} was already recorded identically (seq {}): nothing to do\n", entry.id,
                               result.seq)
                       .c_str(),
                   stderr);
      }
    });
  }
  {
    auto* import = app.add_subcommand("import", "record events from a JSON Lines file, all or nothing");
    auto file = std::make_shared<std::string>();
    import->add_option("file", *file, "the JSON Lines file, or - for standard input")->required();
    import->footer(
        "One event per line, as in the journal format (a byte-order mark and CRLF line ends are\n"
        "accepted). Events already recorded identically are skipped; if any line is refused,\n"
        "nothing is written and the error names the line and field.\n\n"
        "Example:\n  fundledger --db cpcjf.db import contributions-2024.jsonl");
    import->callback([&context, file] {
      Ledger ledger = open_ledger(context, OpenMode::read_write);
      ImportResult result;
      if (*file == "-") {
        result = ledger.import_jsonl(std::cin, "<stdin>");
      } else {
        std::ifstream input(*file, std::ios::binary);
        if (!input) throw Error(ErrorCode::input_unreadable, "cannot read " + *file + ": no such file or no permission");
        result = ledger.import_jsonl(input, *file, progress_bar("importing"));
        finish_progress();
      }
      std::fputs(fmt::format("imported {} events: {} recorded, {} already recorded\n", result.lines,
                             result.recorded, result.already_recorded)
                     .c_str(),
                 stderr);
    });
  }
}

}  // namespace fundledger::cli
