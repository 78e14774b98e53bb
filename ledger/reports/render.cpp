// Printing a Report: a table for people, CSV and JSON for programs.
#include "core/canonical_json.hpp"

#include <fundledger/reports.hpp>

#include <algorithm>

namespace fundledger {

namespace {

const char* kind_name(RowKind kind) {
  switch (kind) {
    case RowKind::heading: return "heading";
    case RowKind::line: return "line";
    case RowKind::subtotal: return "subtotal";
    case RowKind::total: return "total";
  }
  return "line";
}

std::string csv_escape(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string scope_line(const Report& report) {
  std::string funds;
  if (report.fund.empty()) {
    funds = "All funds";
  } else {
    funds = "Fund " + report.fund;
    if (report.funds.size() > 1) {
      funds += ", with ";
      for (std::size_t i = 1; i < report.funds.size(); ++i) {
        funds += report.funds[i] + (i + 2 < report.funds.size() ? ", " : i + 2 == report.funds.size() ? " and " : "");
      }
    }
  }
  // Statements of balances are as of a day; the others cover the days from..to.
  const bool as_of = report.name == "financial-position" || report.name == "aging" || report.name == "partners";
  return funds + "\n" + (as_of ? "As of " + report.to.to_string() : report.from.to_string() + " to " + report.to.to_string()) +
         ", amounts in USD";
}

// "Basis: recognition upfront; rounding half-even; ...; rates per USD: EUR 0.955 from 2024-12-01, ..."
std::string basis_line(const Report& report) {
  std::string settings;
  std::string rates;
  for (const auto& [key, value] : report.basis) {
    if (key.rfind("rate:", 0) == 0) {
      rates += (rates.empty() ? "" : ", ") + key.substr(5) + " " + value;
    } else {
      settings += (settings.empty() ? "" : "; ") + key + " " + value;
    }
  }
  if (settings.empty() && rates.empty()) return {};
  return "Basis: " + settings + (rates.empty() ? "" : "; rates per USD: " + rates) + "\n";
}

}  // namespace

std::string format_amount(const Decimal& amount) {
  const std::string plain = amount.abs().to_string();
  const std::size_t point = plain.find('.');
  const std::size_t integer_digits = point == std::string::npos ? plain.size() : point;
  std::string out;
  for (std::size_t i = 0; i < integer_digits; ++i) {
    if (i > 0 && (integer_digits - i) % 3 == 0) out += ',';
    out += plain[i];
  }
  out += plain.substr(integer_digits);
  return amount.sign() < 0 ? "(" + out + ")" : out + " ";
}

std::string render_table(const Report& report, bool colour) {
  const std::size_t count = report.columns.size();
  std::vector<std::vector<std::string>> texts;
  std::vector<std::size_t> widths(count);
  for (std::size_t i = 0; i < count; ++i) widths[i] = report.columns[i].title.size();
  for (const ReportRow& row : report.rows) {
    std::vector<std::string> cells(count);
    for (std::size_t i = 0; i < count && i < row.cells.size(); ++i) {
      if (const auto* text = std::get_if<std::string>(&row.cells[i])) cells[i] = *text;
      if (const auto* amount = std::get_if<Decimal>(&row.cells[i])) cells[i] = format_amount(*amount);
      // A heading spans the row: its text does not widen the first column.
      if (row.kind != RowKind::heading) widths[i] = std::max(widths[i], cells[i].size());
    }
    texts.push_back(std::move(cells));
  }
  std::size_t total_width = 0;
  for (std::size_t width : widths) total_width += width;
  total_width += count ? 2 * (count - 1) : 0;
  const std::string bold = colour ? "\033[1m" : "";
  const std::string plain = colour ? "\033[0m" : "";
  auto line = [&](const std::vector<std::string>& cells, bool is_heading) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string& cell = cells[i];
      if (i) out += "  ";
      if (is_heading) {
        out += cell;
        continue;
      }
      const std::size_t pad = widths[i] > cell.size() ? widths[i] - cell.size() : 0;
      out += report.columns[i].amount ? std::string(pad, ' ') + cell : cell + std::string(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = bold + report.title + plain + "\n" + scope_line(report) + "\n\n";
  std::vector<std::string> headers;
  for (const auto& column : report.columns) headers.push_back(column.title);
  out += bold + line(headers, false);
  if (!bold.empty()) out.insert(out.size() - 1, plain);
  out += std::string(total_width, '-') + "\n";
  for (std::size_t r = 0; r < report.rows.size(); ++r) {
    const RowKind kind = report.rows[r].kind;
    if (kind == RowKind::subtotal || kind == RowKind::total) out += std::string(total_width, '-') + "\n";
    std::string text = line(texts[r], kind == RowKind::heading);
    if ((kind == RowKind::heading || kind == RowKind::total) && colour) {
      text = bold + text.substr(0, text.size() - 1) + plain + "\n";
    }
    out += text;
    if (kind == RowKind::total) out += std::string(total_width, '=') + "\n";
  }
  const std::string basis = basis_line(report);
  if (!basis.empty()) out += "\n" + basis;
  return out;
}

std::string render_csv(const Report& report) {
  std::string out = "row_kind";
  for (const auto& column : report.columns) out += "," + column.key;
  out += "\n";
  for (const ReportRow& row : report.rows) {
    if (row.kind == RowKind::heading) continue;
    out += kind_name(row.kind);
    for (std::size_t i = 0; i < report.columns.size(); ++i) {
      out += ',';
      if (i >= row.cells.size()) continue;
      if (const auto* text = std::get_if<std::string>(&row.cells[i])) out += csv_escape(*text);
      if (const auto* amount = std::get_if<Decimal>(&row.cells[i])) out += amount->to_string();
    }
    out += "\n";
  }
  return out;
}

std::string render_json(const Report& report) {
  std::string out = "{\"report\":" + json::quoted(report.name) + ",\"title\":" + json::quoted(report.title) +
                    ",\"from\":" + json::quoted(report.from.to_string()) + ",\"to\":" + json::quoted(report.to.to_string()) +
                    ",\"fund\":" + (report.fund.empty() ? std::string("null") : json::quoted(report.fund)) +
                    ",\"funds\":[";
  for (std::size_t i = 0; i < report.funds.size(); ++i) out += (i ? "," : "") + json::quoted(report.funds[i]);
  out += "],\"currency\":\"USD\"";
  if (report.prior_from && report.prior_to) {
    out += ",\"prior_from\":" + json::quoted(report.prior_from->to_string()) +
           ",\"prior_to\":" + json::quoted(report.prior_to->to_string());
  }
  out += ",\"basis\":{";
  for (std::size_t i = 0; i < report.basis.size(); ++i) {
    out += (i ? "," : "") + json::quoted(report.basis[i].first) + ":" + json::quoted(report.basis[i].second);
  }
  out += "},\"columns\":[";
  for (std::size_t i = 0; i < report.columns.size(); ++i) out += (i ? "," : "") + json::quoted(report.columns[i].key);
  out += "],\"rows\":[";
  bool first = true;
  for (const ReportRow& row : report.rows) {
    if (row.kind == RowKind::heading) continue;
    out += first ? "\n" : ",\n";
    first = false;
    out += "{\"row_kind\":" + json::quoted(kind_name(row.kind)) + ",\"key\":" + json::quoted(row.key);
    for (std::size_t i = 0; i < report.columns.size(); ++i) {
      out += "," + json::quoted(report.columns[i].key) + ":";
      const ReportCell* cell = i < row.cells.size() ? &row.cells[i] : nullptr;
      if (cell && std::holds_alternative<std::string>(*cell)) {
        out += json::quoted(std::get<std::string>(*cell));
      } else if (cell && std::holds_alternative<Decimal>(*cell)) {
        out += json::quoted(std::get<Decimal>(*cell).to_string());
      } else {
        out += "null";
      }
    }
    out += "}";
  }
  out += "]}\n";
  return out;
}

}  // namespace fundledger
