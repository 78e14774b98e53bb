// The fundledger command line: the finance officers' way into the ledger.
#include <fundledger/error.hpp>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cstdio>
#include <exception>

namespace {

constexpr const char* description =
    "fundledger: a double-entry ledger for voluntary-contribution trust funds.\n"
    "Records pledges, receipts, expenditure and the period close, exactly to the cent in every\n"
    "currency, in a tamper-evident journal.";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{description, "fundledger"};
  app.set_version_flag("--version", std::string("fundledger ") + FUNDLEDGER_VERSION);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int status = app.exit(error);
    return status == 0 ? 0 : 64;
  }
  if (app.get_subcommands().empty()) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  }
  return 0;
}
