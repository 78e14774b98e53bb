// The fundledger command line: the finance officers' way into the ledger.
#include "cli.hpp"

#include <fundledger/error.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace {

constexpr const char* description =
    "fundledger: a double-entry ledger for voluntary-contribution trust funds.\n"
    "Records pledges, receipts, expenditure and the period close, exactly to the cent in every\n"
    "currency, in a tamper-evident journal.";

constexpr const char* footer =
    "The ledger is --db PATH, else $FUNDLEDGER_DB, else ./fundledger.db.\n"
    "Exit status: 0 ok, 1 verify or replay found a difference, 64 wrong usage (a value the command\n"
    "line cannot read: a malformed date, period or amount, a name outside its list), 65 bad input\n"
    "data (the ledger refused it; nothing was written), 66 unreadable input, 73 output not created,\n"
    "74 storage error, 75 the ledger stayed busy (safe to retry).\n\n"
    "Example:\n"
    "  fundledger --db fund.db init\n"
    "  fundledger --db fund.db import journal.jsonl\n"
    "  fundledger --db fund.db balances --format csv";

}  // namespace

int main(int argc, char** argv) {
  using namespace fundledger;
  CLI::App app{description, "fundledger"};
  app.set_version_flag("--version", std::string("fundledger ") + FUNDLEDGER_VERSION);
  app.footer(footer);
  app.require_subcommand(0, 1);
  app.fallthrough();

  cli::Context context;
  if (const char* timeout = std::getenv("FUNDLEDGER_BUSY_TIMEOUT_MS")) {
    char* end = nullptr;
    const long value = std::strtol(timeout, &end, 10);
    if (end != timeout && *end == '\0' && value >= 0 && value <= 3600000) context.options.busy_timeout_ms = static_cast<int>(value);
  }
  const char* from_environment = std::getenv("FUNDLEDGER_DB");
  context.database_path = from_environment && *from_environment ? from_environment : "fundledger.db";
  app.add_option("--db", context.database_path, "the ledger file")->envname("FUNDLEDGER_DB");

  cli::register_setup_commands(app, context);
  cli::register_record_commands(app, context);
  cli::register_contribution_commands(app, context);
  cli::register_period_commands(app, context);
  cli::register_report_commands(app, context);
  cli::register_read_commands(app, context);
  cli::register_audit_commands(app, context);
  cli::register_serve_command(app, context);

  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) {
      std::fputs(app.help().c_str(), stdout);
      return 0;
    }
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    std::fputs(fmt::format("fundledger: error: {}\nRun with --help for more information.\n", error.what()).c_str(),
               stderr);
    return 64;
  } catch (const Error& error) {
    cli::finish_progress();
    std::fputs(fmt::format("fundledger: error: {}\n", error.what()).c_str(), stderr);
    return exit_status(error.code());
  } catch (const std::exception& error) {
    cli::finish_progress();
    std::fputs(fmt::format("fundledger: internal error: {}\n", error.what()).c_str(), stderr);
    return 70;
  }
  return context.status;
}
