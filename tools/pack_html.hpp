// Private to the pack's HTML: what the page (pack.cpp) and its charts (pack_charts.cpp) share.
#pragma once

#include "pack.hpp"

#include <cstddef>
#include <string>
#include <variant>

namespace fundledger::cli {

inline std::string escape(const std::string& text) { return escape_markup(text); }

// An amount as the tables show it, without the space that aligns positives with bracketed negatives.
inline std::string amount_text(const Decimal& amount) {
  std::string text = format_amount(amount);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// The amount in a column of a row, or none (text, or no such column).
inline const Decimal* amount_at(const ReportRow& row, std::size_t column) {
  return column < row.cells.size() ? std::get_if<Decimal>(&row.cells[column]) : nullptr;
}

// The text in a column of a row, or empty.
inline std::string text_at_cell(const ReportRow& row, std::size_t column) {
  if (column >= row.cells.size()) return "";
  if (const auto* text = std::get_if<std::string>(&row.cells[column])) return *text;
  return "";
}

// The charts of the pack, each an SVG figure with its caption and a text alternative.
std::string charts_html(const Pack& pack);

}  // namespace fundledger::cli
