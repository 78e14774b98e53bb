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

namespace {

bool in(char32_t c, char32_t low, char32_t high) { return c >= low && c <= high; }

// The columns a code point takes: 0 for combining marks and zero-width characters, 2 for East
// Asian wide and full-width ones (the ranges of Unicode's East Asian Width W and F), 1 otherwise.
int columns_of(char32_t c) {
  if (in(c, 0x0300, 0x036F) || in(c, 0x1AB0, 0x1AFF) || in(c, 0x1DC0, 0x1DFF) || in(c, 0x20D0, 0x20FF) ||
      in(c, 0xFE20, 0xFE2F) || in(c, 0x200B, 0x200F) || c == 0xFEFF) {
    return 0;
  }
  if (in(c, 0x1100, 0x115F) || in(c, 0x2E80, 0x303E) || in(c, 0x3041, 0x33FF) || in(c, 0x3400, 0x4DBF) ||
      in(c, 0x4E00, 0x9FFF) || in(c, 0xA000, 0xA4CF) || in(c, 0xAC00, 0xD7A3) || in(c, 0xF900, 0xFAFF) ||
      in(c, 0xFE30, 0xFE4F) || in(c, 0xFF00, 0xFF60) || in(c, 0xFFE0, 0xFFE6) || in(c, 0x1F300, 0x1F64F) ||
      in(c, 0x1F900, 0x1F9FF) || in(c, 0x20000, 0x3FFFD)) {
    return 2;
  }
  return 1;
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    char32_t c = length == 1 ? byte : length == 2 ? byte & 0x1F : length == 3 ? byte & 0x0F : byte & 0x07;
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    width += static_cast<std::size_t>(columns_of(c));
    i += length;
  }
  return width;
}

std::string escape_markup(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

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
  for (std::size_t i = 0; i < count; ++i) widths[i] = display_width(report.columns[i].title);
  for (const ReportRow& row : report.rows) {
    std::vector<std::string> cells(count);
    for (std::size_t i = 0; i < count && i < row.cells.size(); ++i) {
      if (const auto* text = std::get_if<std::string>(&row.cells[i])) cells[i] = *text;
      if (const auto* amount = std::get_if<Decimal>(&row.cells[i])) cells[i] = format_amount(*amount);
      // A heading spans the row: its text does not widen the first column.
      if (row.kind != RowKind::heading) widths[i] = std::max(widths[i], display_width(cells[i]));
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
      const std::size_t shown = display_width(cell);
      const std::size_t pad = widths[i] > shown ? widths[i] - shown : 0;
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
