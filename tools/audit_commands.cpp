// The auditors' commands: export, verify, replay, copy.
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/iati.hpp>
#include <fundledger/journal.hpp>
#include <fundledger/ledger.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace fundledger::cli {

namespace {

// An expected head hash: 64 lowercase hexadecimal digits, as verify and export print it.
void check_head_form(const std::string& head) {
  if (!head.empty() && (head.size() != 64 || head.find_first_not_of("0123456789abcdef") != std::string::npos)) {
    throw Error(ErrorCode::usage, "--expect-head " + head.substr(0, 80) +
                                      ": expected a head hash of 64 lowercase hexadecimal digits, as verify prints it");
  }
}


void register_iati_export(CLI::App& parent, Context& context) {
  auto* command = parent.add_subcommand("iati", "write the funds' transactions as IATI 2.03 activity XML");
  auto period = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  command->add_option("--period", *period, "a year, quarter or month, like 2024 (default: every event)");
  command->add_option("--out", *out, "the XML file to write")->required();
  command->footer(
      "One iati-activity per fund and per project: pledges (11) and their reductions, receipts (1),\n"
      "grants and advances to partners (3), expenditure (4), and the year's budgets. The reporting\n"
      "organisation is the setting iati_org_ref (and iati_org_name); the sector iati_sector.\n\n"
      "Example:\n  fundledger setting set iati_org_ref XM-DAC-41114\n"
      "  fundledger export iati --period 2024 --out cpcjf-2024-iati.xml");
  command->callback([&context, period, out] {
    IatiOptions options;
    if (!period->empty()) options.period = period_option(*period, "--period");
    Ledger ledger = open_ledger(context, OpenMode::read_only);
    const std::int64_t written =
        write_file_atomically(*out, [&](std::ostream& file) { return export_iati(ledger, file, options); });
    std::fputs(fmt::format("exported {} transactions to {}\n", written, *out).c_str(), stderr);
  });
}

}  // namespace

void register_audit_commands(CLI::App& app, Context& context) {
  {
    auto* command = app.add_subcommand("export", "write the hash-chained journal as JSON Lines");
    auto out = std::make_shared<std::string>();
    command->add_option("--out", *out, "the file to write (default: standard output)");
    command->footer("Example:\n  fundledger --db cpcjf.db export --out journal-2024.jsonl\n\n"
                    "fundledger export iati writes the funds' transactions as IATI 2.03 XML instead.");
    register_iati_export(*command, context);
    command->callback([&context, out, command] {
      if (command->got_subcommand("iati")) return;
      Ledger ledger = open_ledger(context, OpenMode::read_only);
      std::int64_t written = 0;
      if (out->empty()) {
        written = export_journal(ledger, std::cout);
        std::cout.flush();
      } else {
        // A failed or interrupted export leaves no partial journal behind.
        written = write_file_atomically(*out, [&](std::ostream& file) {
          return export_journal(ledger, file, progress_bar("exporting"));
        });
        finish_progress();
      }
      std::fputs(fmt::format("exported {} events\n", written).c_str(), stderr);
    });
  }
  {
    auto* command = app.add_subcommand("verify", "check the hash chain, every event re-derived, every stored row");
    auto head = std::make_shared<std::string>();
    command->add_option("--expect-head", *head,
                        "the head hash kept from an earlier verify or export: a journal cut short or extended "
                        "is a difference");
    command->footer(
        "Recomputes every hash, records every event again in memory through the same rules, and\n"
        "compares every stored row (projections, balances, monthly balances, seals) with what the\n"
        "journal gives. Exit status 0 and a summary when the ledger is intact; 1 and the first\n"
        "difference (its seq, or its table and row) otherwise.\n\n"
        "Example:\n  fundledger --db cpcjf.db verify --expect-head 3f2a...");
    command->callback([&context, head] {
      check_head_form(*head);
      Ledger ledger = open_ledger(context, OpenMode::read_only);
      VerifyReport report = verify(ledger, VerifyOptions{*head}, progress_bar("verifying"));
      finish_progress();
      if (!report.ok) {
        if (report.first_bad_seq) {
          std::fputs(fmt::format("verify: FAILED at seq {}: {}\n", report.first_bad_seq, report.problem).c_str(),
                     stderr);
        } else {
          std::fputs(fmt::format("verify: FAILED: {}\n", report.problem).c_str(), stderr);
        }
        context.status = 1;
        return;
      }
      std::fputs(fmt::format("verify: ok, {} events, head {}\n", report.events, report.head_hash).c_str(), stdout);
    });
  }
  {
    auto* command = app.add_subcommand("replay", "re-execute an exported journal into a new ledger (--db NEW)");
    auto file = std::make_shared<std::string>();
    auto head = std::make_shared<std::string>();
    command->add_option("file", *file, "the exported journal, or - for standard input")->required();
    command->add_option("--expect-head", *head,
                        "the head hash the journal must end at: a journal cut short or extended is a difference");
    command->footer(
        "Every event is recorded again into the new ledger named by --db, which must not exist;\n"
        "each re-derived posting and hash must equal the recorded one. Exit status 1 names the\n"
        "first seq and field that differ, and leaves no new ledger behind.\n\n"
        "Example:\n  fundledger replay journal-2024.jsonl --db check.db");
    command->callback([&context, file, head] {
      check_head_form(*head);
      ReplayReport report;
      if (*file == "-") {
        report = replay(std::cin, "<stdin>", context.database_path, VerifyOptions{*head});
      } else {
        std::ifstream input(*file, std::ios::binary);
        if (!input) throw Error(ErrorCode::input_unreadable, "cannot read " + *file + ": no such file or no permission");
        report = replay(input, *file, context.database_path, VerifyOptions{*head}, progress_bar("replaying"));
        finish_progress();
      }
      if (!report.ok) {
        std::fputs(fmt::format("replay: DIFFERS at seq {}: {}\n", report.first_bad_seq, report.problem).c_str(),
                   stderr);
        context.status = 1;
        return;
      }
      std::fputs(fmt::format("replay: ok, {} events, head {}\n", report.events, report.head_hash).c_str(), stdout);
    });
  }
  {
    auto* command = app.add_subcommand("copy", "copy a ledger to another store (a file or a postgresql:// URL)");
    auto from = std::make_shared<std::string>();
    auto to = std::make_shared<std::string>();
    command->add_option("--from", *from, "the ledger to copy: a file or a postgresql:// URL")->required();
    command->add_option("--to", *to, "the new ledger: a file that does not exist, or an empty database")->required();
    command->footer(
        "Exports the journal of --from, replays it into --to (every posting and hash re-derived) and\n"
        "verifies --to to the same head. Nothing is left at --to when the copy fails. --db is not used.\n\n"
        "Examples:\n"
        "  fundledger copy --from cpcjf.db --to postgresql://officer@ledgers.example.org/cpcjf\n"
        "  fundledger copy --from postgresql://auditor@ledgers.example.org/cpcjf --to cpcjf-2024.db");
    command->callback([&context, from, to] {
      CopyReport report = copy_ledger(*from, *to, context.options, progress_bar("copying"));
      finish_progress();
      if (!report.ok) {
        std::fputs(fmt::format("copy: FAILED at seq {}: {}\n", report.first_bad_seq, report.problem).c_str(), stderr);
        context.status = 1;
        return;
      }
      std::fputs(fmt::format("copy: ok, {} events, head {}\n", report.events, report.head_hash).c_str(), stdout);
    });
  }
}

}  // namespace fundledger::cli
