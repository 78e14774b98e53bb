// The report pack as a workbook (libxlsxwriter): a cover sheet with the span, the funds, the head
// hash and the basis; then a sheet per report, its header row frozen, amounts as numbers in an
// accounting format with two decimals (USD), negatives in brackets, and counts (days) as whole
// numbers.
#include "pack.hpp"

#include <fundledger/error.hpp>
#include <fundledger/files.hpp>

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

namespace fundledger::cli {

namespace {

struct WorkbookCloser {
  void operator()(lxw_workbook* workbook) const {
    if (workbook) workbook_close(workbook);
  }
};

std::string cell_text(const ReportCell& cell) {
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  return "";
}

// The workbook of the pack, written to partial (path names it in messages).
void write_workbook(const Pack& pack, const std::string& path, const std::string& partial) {
  std::unique_ptr<lxw_workbook, WorkbookCloser> workbook(workbook_new(partial.c_str()));
  if (!workbook) throw Error(ErrorCode::output_uncreatable, "cannot create " + path);
  lxw_workbook* book = workbook.get();
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  lxw_format* title = workbook_add_format(book);
  format_set_bold(title);
  format_set_font_size(title, 14);
  lxw_format* header = workbook_add_format(book);
  format_set_bold(header);
  format_set_bottom(header, LXW_BORDER_THIN);
  lxw_format* header_amount = workbook_add_format(book);
  format_set_bold(header_amount);
  format_set_bottom(header_amount, LXW_BORDER_THIN);
  format_set_align(header_amount, LXW_ALIGN_RIGHT);
  const char* accounting = "#,##0.00_);(#,##0.00);\"-\"??_)";
  lxw_format* amount = workbook_add_format(book);
  format_set_num_format(amount, accounting);
  lxw_format* total_amount = workbook_add_format(book);
  format_set_num_format(total_amount, accounting);
  format_set_bold(total_amount);
  format_set_top(total_amount, LXW_BORDER_THIN);
  lxw_format* whole = workbook_add_format(book);  // counts, like an advance's age in days
  format_set_num_format(whole, "#,##0_);(#,##0)");
  lxw_format* total_text = workbook_add_format(book);
  format_set_bold(total_text);
  format_set_top(total_text, LXW_BORDER_THIN);

  const Report& first = pack.reports.front();
  lxw_worksheet* cover = workbook_add_worksheet(book, "Pack");
  worksheet_write_string(cover, 0, 0, ("Report pack, " + first.from.to_string() + " to " + first.to.to_string()).c_str(),
                         title);
  std::string funds;
  for (const std::string& fund : first.funds) funds += (funds.empty() ? "" : ", ") + fund;
  const std::vector<std::pair<std::string, std::string>> facts = {
      {"From", first.from.to_string()},
      {"To", first.to.to_string()},
      {"Funds", first.fund.empty() ? "all: " + funds : first.fund + ": " + funds},
      {"Currency", "USD"},
      {"Events in the journal", std::to_string(pack.events)},
      {"Head hash", pack.head_hash}};
  lxw_row_t row = 2;
  for (const auto& [label, value] : facts) {
    worksheet_write_string(cover, row, 0, label.c_str(), bold);
    worksheet_write_string(cover, row++, 1, value.c_str(), nullptr);
  }
  worksheet_write_string(cover, ++row, 0, "Basis", title);
  ++row;
  for (const auto& [key, value] : first.basis) {
    worksheet_write_string(cover, row, 0, key.c_str(), bold);
    worksheet_write_string(cover, row++, 1, value.c_str(), nullptr);
  }
  worksheet_write_string(cover, ++row, 0, "Sheets", title);
  ++row;
  for (const Report& report : pack.reports) {
    worksheet_write_string(cover, row, 0, report.name.c_str(), bold);
    worksheet_write_string(cover, row++, 1, report.title.c_str(), nullptr);
  }
  worksheet_set_column(cover, 0, 0, 24, nullptr);
  worksheet_set_column(cover, 1, 1, 70, nullptr);

  for (const Report& report : pack.reports) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, report.name.c_str());
    worksheet_write_string(sheet, 0, 0, report.title.c_str(), title);
    worksheet_write_string(
        sheet, 1, 0, (report.from.to_string() + " to " + report.to.to_string() + ", amounts in USD").c_str(), nullptr);
    const lxw_row_t header_row = 3;
    std::vector<double> widths(report.columns.size(), 10);
    for (std::size_t c = 0; c < report.columns.size(); ++c) {
      const ReportColumn& column = report.columns[c];
      worksheet_write_string(sheet, header_row, static_cast<lxw_col_t>(c), column.title.c_str(),
                             column.amount ? header_amount : header);
      widths[c] = std::max(widths[c], static_cast<double>(display_width(column.title)) + 2);
    }
    lxw_row_t r = header_row + 1;
    for (const ReportRow& line : report.rows) {
      const bool total = line.kind == RowKind::total || line.kind == RowKind::subtotal;
      for (std::size_t c = 0; c < report.columns.size() && c < line.cells.size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        if (const auto* value = std::get_if<Decimal>(&line.cells[c])) {
          worksheet_write_number(sheet, r, col, std::stod(value->to_string()),
                                 value->scale() == 0 ? whole : total ? total_amount : amount);
          widths[c] = std::max(widths[c], static_cast<double>(format_amount(*value).size()) + 2);
        } else {
          const std::string text = cell_text(line.cells[c]);
          if (!text.empty() || total) {
            worksheet_write_string(sheet, r, col, text.c_str(),
                                   total ? total_text : line.kind == RowKind::heading ? bold : nullptr);
          }
          if (line.kind != RowKind::heading) {
            widths[c] = std::max(widths[c], std::min(60.0, static_cast<double>(display_width(text)) + 2));
          }
        }
      }
      ++r;
    }
    for (std::size_t c = 0; c < widths.size(); ++c) {
      worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c], nullptr);
    }
    worksheet_freeze_panes(sheet, header_row + 1, 0);
  }
  lxw_workbook* done = workbook.release();
  if (workbook_close(done) != LXW_NO_ERROR) throw Error(ErrorCode::output_uncreatable, "cannot write " + path);
}

}  // namespace

void write_pack_xlsx(const Pack& pack, const std::string& path) {
  // A failure, or a crash, leaves no partial workbook.
  write_file_atomically(path, [&](const std::string& partial) { write_workbook(pack, path, partial); });
}

}  // namespace fundledger::cli
