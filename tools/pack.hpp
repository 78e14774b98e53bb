// The report pack as one document: every report of a period with the charts people would rather
// look at, as a self-contained HTML page (inline CSS and SVG, nothing fetched, a print stylesheet
// for A4) or as a workbook (a sheet per report). serve's dashboard draws the same charts.
#pragma once
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fundledger::cli {

// Cash (1100) of one fund at the end of each month of the pack's span, in USD.
struct CashSeries {
  std::string fund;
  std::vector<Decimal> month_ends;
};

struct Pack {
  std::vector<Report> reports;  // in the order of report_names()
  std::string head_hash;        // the journal's head when the pack was read
  std::int64_t events = 0;
  std::vector<Date> month_ends;  // the months of the span, for the cash chart
  std::vector<CashSeries> cash;
  const Report& report(const std::string& name) const;
};

// Reads every report for scope, and the month-end cash of each fund over its span.
Pack build_pack(const Ledger& ledger, const ReportScope& scope);

// The whole pack: a cover with the basis and the head hash, the charts, then every report.
std::string render_pack_html(const Pack& pack);
// serve's dashboard: the charts and the funds' positions, with a form to choose period and fund.
std::string render_dashboard_html(const Pack& pack, const std::string& period, const std::string& fund);
// The workbook: a cover sheet, then a sheet per report with amounts as numbers. Error
// (output_uncreatable) when path cannot be written.
void write_pack_xlsx(const Pack& pack, const std::string& path);

}  // namespace fundledger::cli
