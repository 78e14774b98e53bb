// The period-close report pack: trial balance, financial position, financial performance, changes
// in net assets, cash flow (the statements, each with the prior period beside it and inter-fund
// amounts eliminated from the total), contributions by donor, aging of contributions receivable,
// budget and actual, revenue by donor, and advances to implementing partners.
//
// Every report is built from the stored balances and movements by its own module (ledger/reports/)
// into a Report: a title, the scope it covers, the basis it used (settings and rates), named
// columns and rows of text and exact amounts (USD unless a column says otherwise), each row with a
// stable key. render_table prints it for a person (aligned, thousands separated, negative amounts
// in parentheses, totals ruled, the basis below); render_csv and render_json print the same figures
// unformatted for programs, with the column keys as names (and, in JSON, each row's key and the
// basis).
//
// Example:
//   auto ledger = Ledger::open("cpcjf.db", OpenMode::read_only);
//   ReportScope scope;
//   scope.period = Period::parse("2024");
//   Report report = build_report(ledger, "financial-position", scope);
//   std::cout << render_table(report);
//
// Errors: Error (usage) for an unknown report name; Error (unknown_reference) for an unknown fund;
// Error (bad_input) for a missing rate; Error (storage) when the database fails.
// Thread-safety: as for Ledger.
#pragma once

#include <fundledger/date.hpp>
#include <fundledger/decimal.hpp>
#include <fundledger/ledger.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace fundledger {

// What a report covers: a period (month "2024-03", quarter "2024-Q1" or year "2024"), or the
// fiscal year to a date (as_of), or, with neither, the fiscal year to the end of the latest closed
// month (the figures its close sealed), or to the latest posting while no month is closed. A fund
// includes the funds operated within it.
struct ReportScope {
  std::optional<Period> period;
  std::optional<Date> as_of;
  std::string fund;  // empty: every fund
};

struct ReportColumn {
  std::string key;    // the CSV header and JSON field: "account", "closing"...
  std::string title;  // the table heading: "Closing"
  bool amount = false;
};

enum class RowKind {
  heading,   // a section title; tables only
  line,      // a figure
  subtotal,  // ruled above in a table
  total,     // ruled above and below in a table
};

using ReportCell = std::variant<std::monostate, std::string, Decimal>;

struct ReportRow {
  RowKind kind = RowKind::line;
  std::vector<ReportCell> cells;  // one per column
  // A stable name of the line for programs ("net_assets_total", "receivable_current",
  // "account:1100:CPCJF", "donor:DEU:CPCJF:EUR"), whatever its label says.
  std::string key;
};

struct Report {
  std::string name;   // "trial-balance"
  std::string title;  // "Trial balance"
  Date from = Date::from_day_number(0);  // first day covered
  Date to = Date::from_day_number(0);    // last day covered (the "as of" of balances)
  std::string fund;                      // the fund in scope, empty for all
  std::vector<std::string> funds;        // the funds included
  std::vector<ReportColumn> columns;
  std::vector<ReportRow> rows;
  // The span of the comparative column of a statement ("prior"), the same days a year earlier.
  std::optional<Date> prior_from;
  std::optional<Date> prior_to;
  // What the figures rest on, as of the last day: recognition, rounding, psc_rate, psc_fund,
  // year_end, and "rate:EUR" = "0.955 from 2024-12-01" for each currency with a rate.
  std::vector<std::pair<std::string, std::string>> basis;
  // Set when the scope gave neither a period nor a date: the span chosen, in words ("the fiscal
  // year to the end of the latest closed month, 2025-03").
  std::string default_span;
};

// trial-balance, financial-position, financial-performance, net-assets, cash-flow, contributions,
// aging, budget, donor-revenue, partners.
const std::vector<std::string>& report_names();
Report build_report(const Ledger& ledger, std::string_view name, const ReportScope& scope);

std::string render_table(const Report& report, bool colour = false);
// An amount as tables show it: thousands separated, negatives in parentheses, "(1,234.50)", and
// positive amounts followed by a space so that the digits of both line up.
std::string format_amount(const Decimal& amount);
// Text for XML or HTML: & < > and " written as entities.
std::string escape_markup(std::string_view text);
// The width of UTF-8 text on a terminal: East Asian wide characters count two, combining marks and
// zero-width characters none, every other character one ("Côte d'Ivoire" is 13).
std::size_t display_width(std::string_view text);
std::string render_csv(const Report& report);
std::string render_json(const Report& report);

}  // namespace fundledger
