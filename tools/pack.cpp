// The report pack as HTML: the cover, the charts (pack_charts.cpp) and every report as a table.
#include "pack.hpp"
#include "pack_html.hpp"

#include <fundledger/error.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

namespace fundledger::cli {

const Report& Pack::report(const std::string& name) const {
  for (const Report& report : reports) {
    if (report.name == name) return report;
  }
  throw Error(ErrorCode::unknown_reference, "the pack has no " + name + " report");
}

Pack build_pack(const Ledger& ledger, const ReportScope& scope) {
  Pack pack;
  pack.head_hash = ledger.head_hash();
  pack.events = ledger.event_count();
  for (const std::string& name : report_names()) pack.reports.push_back(build_report(ledger, name, scope));
  const Report& first = pack.reports.front();
  for (Date day = first.from; day <= first.to;) {
    const Date next_month = Date::from_ymd(day.month() == 12 ? day.year() + 1 : day.year(), day.month() % 12 + 1, 1);
    const Date month_end = std::min(next_month.add_days(-1), first.to);
    pack.month_ends.push_back(month_end);
    day = next_month;
  }
  std::map<std::string, std::vector<Decimal>> cash;
  for (const std::string& fund : first.funds) cash[fund].assign(pack.month_ends.size(), Decimal::parse("0.00"));
  for (std::size_t i = 0; i < pack.month_ends.size(); ++i) {
    BalanceQuery query;
    query.as_of = pack.month_ends[i];
    for (const BalanceRow& row : ledger.balances(query)) {
      if (row.keys.size() == 2 && row.keys[0] == "1100" && cash.count(row.keys[1])) cash[row.keys[1]][i] = row.balance();
    }
  }
  for (const std::string& fund : first.funds) pack.cash.push_back({fund, cash[fund]});
  return pack;
}

namespace {

const char* const style = R"css(
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1b1b1b; margin: 2em auto;
       max-width: 1100px; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 2px solid #1f5f8b; padding-bottom: 0.2em; margin-top: 2em; }
.meta { color: #555; margin: 0.2em 0; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.86em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { padding: 0.25em 0.6em; vertical-align: top; }
thead th { border-bottom: 1px solid #333; text-align: left; }
th.amount, td.amount { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody th { text-align: left; font-weight: normal; }
tr.subtotal td, tr.subtotal th { border-top: 1px solid #888; font-weight: bold; }
tr.total td, tr.total th { border-top: 1px solid #333; border-bottom: 3px double #333; font-weight: bold; }
tr.heading td, tr.heading th { font-weight: bold; padding-top: 0.8em; }
td.negative { color: #9b1c1c; }
figure.chart { margin: 1em 0 2em; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; color: #444; }
nav ul { columns: 2; }
dl.basis { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; font-size: 0.86em; }
dl.basis dt { font-weight: bold; }
code { font-size: 0.85em; word-break: break-all; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  nav, form { display: none; }
  section.report, section.charts { break-before: page; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
)css";

std::string span_text(const Report& report) {
  return report.from.to_string() + " to " + report.to.to_string();
}

std::string funds_text(const Report& report) {
  std::string text;
  for (const std::string& fund : report.funds) text += (text.empty() ? "" : ", ") + fund;
  return report.fund.empty() ? "all funds (" + text + ")" : report.fund + " (" + text + ")";
}

std::string basis_html(const Report& report) {
  std::string out = "<dl class=\"basis\">\n";
  for (const auto& [key, value] : report.basis) {
    out += "<dt>" + escape(key) + "</dt><dd>" + escape(value) + "</dd>\n";
  }
  return out + "</dl>\n";
}

// A report as an accessible table; every cell carries its column key and plain value.
std::string table_html(const Report& report) {
  std::string out = fmt::format("<table data-report=\"{}\">\n<caption>{}, {}, amounts in USD</caption>\n<thead><tr>",
                                escape(report.name), escape(report.title), escape(span_text(report)));
  for (const ReportColumn& column : report.columns) {
    out += fmt::format("<th scope=\"col\"{}>{}</th>", column.amount ? " class=\"amount\"" : "", escape(column.title));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const ReportRow& row : report.rows) {
    const char* kind = row.kind == RowKind::heading ? "heading" : row.kind == RowKind::subtotal ? "subtotal"
                       : row.kind == RowKind::total  ? "total"
                                                     : "line";
    out += fmt::format("<tr class=\"{}\" data-key=\"{}\">", kind, escape(row.key));
    for (std::size_t i = 0; i < report.columns.size(); ++i) {
      const std::string& key = report.columns[i].key;
      if (const Decimal* amount = amount_at(row, i)) {
        out += fmt::format("<td class=\"amount{}\" data-column=\"{}\" data-value=\"{}\">{}</td>",
                           amount->sign() < 0 ? " negative" : "", escape(key), amount->to_string(),
                           amount_text(*amount));
      } else if (i == 0) {
        out += fmt::format("<th scope=\"row\" data-column=\"{}\" data-value=\"{}\">{}</th>", escape(key),
                           escape(text_at_cell(row, i)), escape(text_at_cell(row, i)));
      } else {
        out += fmt::format("<td data-column=\"{}\" data-value=\"{}\">{}</td>", escape(key),
                           escape(text_at_cell(row, i)), escape(text_at_cell(row, i)));
      }
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}


std::string document(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         escape(title) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

}  // namespace

std::string render_pack_html(const Pack& pack) {
  const Report& first = pack.reports.front();
  std::string body = "<header>\n<h1>Report pack, " + escape(span_text(first)) + "</h1>\n";
  body += "<p class=\"meta\">" + escape(funds_text(first)) + "; amounts in USD.</p>\n";
  body += fmt::format("<p class=\"meta\">From a journal of {} events, head <code>{}</code>.</p>\n", pack.events,
                      pack.head_hash);
  body += "<h2>Basis of preparation</h2>\n" + basis_html(first) + "</header>\n";
  body += "<nav aria-label=\"Contents\"><h2>Contents</h2><ul>\n<li><a href=\"#charts\">At a glance</a></li>\n";
  for (const Report& report : pack.reports) {
    body += fmt::format("<li><a href=\"#{}\">{}</a></li>\n", escape(report.name), escape(report.title));
  }
  body += "</ul></nav>\n<section class=\"charts\" id=\"charts\">\n<h2>At a glance</h2>\n" + charts_html(pack) +
          "</section>\n";
  for (const Report& report : pack.reports) {
    body += fmt::format("<section class=\"report\" id=\"{}\">\n<h2>{}</h2>\n<p class=\"meta\">{}; {}{}</p>\n",
                        escape(report.name), escape(report.title), escape(span_text(report)), escape(funds_text(report)),
                        report.prior_from ? "; beside the same span a year earlier (" +
                                                report.prior_from->to_string() + " to " +
                                                report.prior_to->to_string() + ")"
                                          : std::string());
    body += table_html(report) + "</section>\n";
  }
  return document("Report pack " + span_text(first), body);
}

std::string render_dashboard_html(const Pack& pack, const std::string& period, const std::string& fund) {
  const Report& first = pack.reports.front();
  std::string body = "<header>\n<h1>fundledger dashboard</h1>\n";
  body += "<p class=\"meta\">" + escape(span_text(first)) + ", " + escape(funds_text(first)) + "; amounts in USD. " +
          fmt::format("Journal of {} events, head <code>{}</code>.</p>\n", pack.events, pack.head_hash);
  body += "<form method=\"get\" action=\"/\"><label>Period <input name=\"period\" value=\"" + escape(period) +
          "\" placeholder=\"2024 or 2024-Q1 or 2024-03\"></label> <label>Fund <input name=\"fund\" value=\"" +
          escape(fund) + "\" placeholder=\"all\"></label> <button type=\"submit\">Show</button></form>\n</header>\n";
  body += "<section><h2>Funds' positions</h2>\n" + table_html(pack.report("financial-position")) + "</section>\n";
  body += "<section class=\"charts\"><h2>At a glance</h2>\n" + charts_html(pack) + "</section>\n";
  return document("fundledger dashboard", body);
}

}  // namespace fundledger::cli
