// report NAME: the period-close reports; report pack: all of them in one HTML page or workbook.
#include "cli.hpp"
#include "pack.hpp"

#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <memory>

namespace fundledger::cli {

namespace {

struct ReportOptions {
  std::string name;
  std::string period;
  std::string as_of;
  std::string fund;
  std::string format = "table";
  std::string out;
};

void say_default_span(const Report& report) {
  if (report.default_span.empty()) return;
  std::fputs(fmt::format("covering {} to {}: {}; give --period or --as-of for another span\n", report.from.to_string(),
                         report.to.to_string(), report.default_span)
                 .c_str(),
             stderr);
}

void write_pack(const Context& context, const ReportOptions& options, const ReportScope& scope) {
  if (options.format != "html" && options.format != "xlsx") {
    throw Error(ErrorCode::usage, "report pack: --format html or --format xlsx, with --out FILE");
  }
  if (options.out.empty()) throw Error(ErrorCode::usage, "report pack: --out FILE is required");
  Ledger ledger = open_ledger(context, OpenMode::read_only);
  const Pack pack = build_pack(ledger, scope);
  if (options.format == "xlsx") {
    write_pack_xlsx(pack, options.out);
  } else {
    const std::string page = render_pack_html(pack);
    write_file_atomically(options.out, [&page](std::ostream& out) {
      out << page;
      return true;
    });
  }
  say_default_span(pack.reports.front());
  std::fputs(fmt::format("wrote the pack of {} reports, {} to {}, to {}\n", pack.reports.size(),
                         pack.reports.front().from.to_string(), pack.reports.front().to.to_string(), options.out)
                 .c_str(),
             stderr);
}

}  // namespace

void register_report_commands(CLI::App& app, Context& context) {
  auto* report = app.add_subcommand("report", "the period-close reports, or the whole pack as HTML or a workbook");
  auto options = std::make_shared<ReportOptions>();
  std::vector<std::string> names = report_names();
  names.push_back("pack");
  report->add_option("name", options->name,
                     "trial-balance, financial-position, financial-performance, net-assets, cash-flow, "
                     "contributions, aging, budget, donor-revenue, partners; or pack, every one of them")
      ->required()
      ->check(CLI::IsMember(names));
  auto* period_flag = report->add_option("--period", options->period, "a month 2024-03, a quarter 2024-Q1 or a year 2024");
  report->add_option("--as-of", options->as_of, "the fiscal year to this day, YYYY-MM-DD")->excludes(period_flag);
  report->add_option("--fund", options->fund, "one fund, with the funds operated within it");
  report->add_option("--format", options->format,
                     "table (for people), csv or json (for programs); for the pack, html or xlsx")
      ->check(CLI::IsMember({"table", "csv", "json", "html", "xlsx"}));
  report->add_option("--out", options->out, "the pack's file (report pack only)");
  report->footer(
      "Without --period or --as-of, a report covers the fiscal year to the end of the latest closed\n"
      "month (to the latest posting while none is closed), and says so on stderr. Amounts are in USD;\n"
      "CSV and JSON carry the same figures unformatted. The pack is one self-contained HTML page with\n"
      "charts (print it to PDF from a browser: A4, a page per statement) or a workbook with a sheet\n"
      "per report.\n\n"
      "Example:\n  fundledger report financial-position --period 2024 --fund CPCJF\n"
      "  fundledger report trial-balance --period 2024-Q1 --format csv\n"
      "  fundledger report pack --period 2023 --format html --out pack-2023.html");
  report->callback([&context, options] {
    ReportScope scope;
    if (!options->period.empty()) scope.period = period_option(options->period, "--period");
    if (!options->as_of.empty()) scope.as_of = date_option(options->as_of, "--as-of");
    scope.fund = options->fund;
    if (options->name == "pack") {
      write_pack(context, *options, scope);
      return;
    }
    if (options->format == "html" || options->format == "xlsx") {
      throw Error(ErrorCode::usage, "--format " + options->format + " is for the whole pack: report pack --format " +
                                        options->format + " --out FILE");
    }
    if (!options->out.empty()) throw Error(ErrorCode::usage, "--out is for the pack: a report prints to stdout");
    Ledger ledger = open_ledger(context, OpenMode::read_only);
    const Report built = build_report(ledger, options->name, scope);
    const std::string text = options->format == "csv"    ? render_csv(built)
                             : options->format == "json" ? render_json(built)
                                                         : render_table(built, use_colour());
    std::fputs(text.c_str(), stdout);
    say_default_span(built);
  });
}

}  // namespace fundledger::cli
