// report NAME: the period-close report pack.
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <memory>

namespace fundledger::cli {

void register_report_commands(CLI::App& app, Context& context) {
  auto* report = app.add_subcommand("report", "the period-close reports");
  auto name = std::make_shared<std::string>();
  auto period = std::make_shared<std::string>();
  auto as_of = std::make_shared<std::string>();
  auto fund = std::make_shared<std::string>();
  auto format = std::make_shared<Format>(Format::table);
  report->add_option("name", *name, "trial-balance, financial-position, financial-performance, net-assets, "
                                    "contributions, aging or cash-flow")
      ->required()
      ->check(CLI::IsMember(report_names()));
  auto* period_flag = report->add_option("--period", *period, "a month 2024-03, a quarter 2024-Q1 or a year 2024");
  report->add_option("--as-of", *as_of, "the fiscal year to this day, YYYY-MM-DD")->excludes(period_flag);
  report->add_option("--fund", *fund, "one fund, with the funds operated within it");
  add_format_option(*report, *format);
  report->footer(
      "Without --period or --as-of, a report covers the fiscal year to the end of the latest closed\n"
      "month (to the latest posting while none is closed), and says so on stderr. Amounts are in USD;\n"
      "CSV and JSON carry the same figures unformatted.\n\n"
      "Example:\n  fundledger report financial-position --period 2024 --fund CPCJF\n"
      "  fundledger report trial-balance --period 2024-Q1 --format csv");
  report->callback([&context, name, period, as_of, fund, format] {
    ReportScope scope;
    if (!period->empty()) scope.period = period_option(*period, "--period");
    if (!as_of->empty()) scope.as_of = date_option(*as_of, "--as-of");
    scope.fund = *fund;
    Ledger ledger = open_ledger(context, OpenMode::read_only);
    const Report built = build_report(ledger, *name, scope);
    const std::string text = *format == Format::csv    ? render_csv(built)
                             : *format == Format::json ? render_json(built)
                                                       : render_table(built, use_colour());
    std::fputs(text.c_str(), stdout);
    if (!built.default_span.empty()) {
      std::fputs(fmt::format("covering {} to {}: {}; give --period or --as-of for another span\n", built.from.to_string(),
                             built.to.to_string(), built.default_span)
                     .c_str(),
                 stderr);
    }
  });
}

}  // namespace fundledger::cli
