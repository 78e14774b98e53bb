// The command line's shared pieces: the context every command gets, output formats, progress.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/error.hpp>
#include <fundledger/decimal.hpp>
#include <fundledger/events.hpp>
#include <fundledger/contributions.hpp>
#include <fundledger/files.hpp>
#include <fundledger/ledger.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

namespace fundledger::cli {

// What every command needs: where the ledger is, and how to say things.
struct Context {
  std::string database_path;
  // How long a writer waits for another: FUNDLEDGER_BUSY_TIMEOUT_MS, else ten seconds.
  LedgerOptions options;
  // Set by the command that ran: its exit status (0 unless it found a difference).
  int status = 0;
};

void register_setup_commands(CLI::App& app, Context& context);    // init and master data
void register_record_commands(CLI::App& app, Context& context);   // post, import
void register_read_commands(CLI::App& app, Context& context);     // balances
void register_audit_commands(CLI::App& app, Context& context);    // export, verify, replay
void register_contribution_commands(CLI::App& app, Context& context);  // pledge, receipt, ... pledges
void register_period_commands(CLI::App& app, Context& context);        // period close, reopen, list
void register_report_commands(CLI::App& app, Context& context);
void register_serve_command(CLI::App& app, Context& context);         // serve        // report NAME
// The list and amend subcommands of a master data family (master_commands.cpp): what is
// "account", "fund", "donor", "project", "rate" or "setting".
void add_list_command(CLI::App& family, Context& context, const std::string& what);
void add_amend_command(CLI::App& family, Context& context, AmendKind kind);

enum class Format { table, csv, json };
// Adds --format table|csv|json to a command.
void add_format_option(CLI::App& command, Format& format);

// An option that takes one of the names given, each standing for a value; its help lists the
// names, and any other value is wrong usage (exit 64).
template <class T>
CLI::Option* add_choice(CLI::App& command, const std::string& name, T& target,
                        const std::vector<std::pair<std::string, T>>& choices, const std::string& help) {
  std::vector<std::string> names;
  for (const auto& choice : choices) names.push_back(choice.first);
  return command.add_option(name, help)
      ->check(CLI::IsMember(names))
      ->each([&target, choices](const std::string& value) {
        for (const auto& choice : choices) {
          if (choice.first == value) target = choice.second;
        }
      });
}

// The values of options, read for the command line. One rule everywhere: a value the command line
// cannot read (a malformed date, period, amount, or a name outside its list) is wrong usage, exit
// 64, naming the option; a well-formed value the ledger refuses (a closed period, an unknown code)
// is bad input, exit 65.
Date date_option(const std::string& text, const std::string& option);
Period period_option(const std::string& text, const std::string& option);
Period month_option(const std::string& text, const std::string& option);
Decimal decimal_option(const std::string& text, const std::string& option);

// Reads an event built from a command's options: a value that cannot be read (a malformed date or
// amount, a value outside its list) is a usage error (exit 64) naming the option (--signed: ...).
Event event_from_options(const std::string& json);
// Records such an event: what the ledger refuses (an unknown pledge, no rate in force, a closed
// period) keeps its code (65 for bad input) and names the option too.
RecordResult record_from_options(Ledger& ledger, const Event& event);

// A listing of records: a table for people, CSV with a header of the keys, or JSON as an object
// {"list": name, meta..., "columns": [keys], "rows": [{key: value, ...}]} (values as strings).
struct Listing {
  std::string name;

  std::vector<std::string> keys;
  std::vector<std::string> titles;
  std::vector<bool> right_aligned;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::pair<std::string, std::string>> meta;  // JSON only: more fields beside "list"
  void print(Format format) const;
  std::string json() const;
};

// A table for a terminal: aligned columns, a ruled header and an optional ruled total row.
struct Table {
  std::vector<std::string> headers;
  std::vector<bool> right_aligned;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> total;  // empty: no total row
  void print(std::FILE* out) const;
};

// What `balances --format json`, `pledges --format json` and `pledge show --format json` print
// (serve answers the same).
std::string balances_json(const std::vector<BalanceKey>& keys, const std::vector<BalanceRow>& rows);
std::string pledges_json(const std::vector<PledgeStatus>& pledges, const std::optional<Date>& as_of);
std::string pledge_json(const PledgeStatus& pledge);

// Writes a file so that a failed or interrupted write leaves no partial file behind
// (fundledger/files.hpp); write(stream) fills it and returns what to report.
template <class Write>
auto write_file_atomically(const std::string& target, Write&& write) {
  std::optional<std::invoke_result_t<Write&, std::ostream&>> result;
  fundledger::write_file_atomically(target, [&](std::ostream& stream) { result = write(stream); });
  return std::move(*result);
}

// A CSV field, quoted when it needs to be.
std::string csv_field(const std::string& text);

// A progress bar on stderr when stderr is a terminal; nothing otherwise.
ProgressCallback progress_bar(const std::string& label);
void finish_progress();

// Whether colour may be used on stdout (a terminal, and NO_COLOR unset).
bool use_colour();

// Opens the context's ledger.
Ledger open_ledger(const Context& context, OpenMode mode);

}  // namespace fundledger::cli
