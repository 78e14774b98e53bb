// The command line's shared pieces: the context every command gets, output formats, progress.
#pragma once

#include <fundledger/decimal.hpp>
#include <fundledger/ledger.hpp>

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
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
void register_report_commands(CLI::App& app, Context& context);        // report NAME

enum class Format { table, csv, json };
// Adds --format table|csv|json to a command.
void add_format_option(CLI::App& command, Format& format);

// A table for a terminal: aligned columns, a ruled header and an optional ruled total row.
struct Table {
  std::vector<std::string> headers;
  std::vector<bool> right_aligned;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> total;  // empty: no total row
  void print(std::FILE* out) const;
};

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
