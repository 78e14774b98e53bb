// Output for people (tables, progress bars) and for programs (CSV, JSON).
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/reports.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace fundledger::cli {

void add_format_option(CLI::App& command, Format& format) {
  command
      .add_option("--format", format, "output format: table (for people), csv or json (for programs)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Format>{{"table", Format::table}, {"csv", Format::csv}, {"json", Format::json}},
          CLI::ignore_case));
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

bool use_colour() {
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) && !(no_colour && *no_colour);
}

void Table::print(std::FILE* out) const {
  std::vector<std::size_t> widths(headers.size());
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(headers);
  for (const auto& row : rows) measure(row);
  measure(total);
  const bool colour = use_colour();
  auto print_row = [&](const std::vector<std::string>& row, bool bold) {
    std::string line;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string& cell = i < row.size() ? row[i] : std::string();
      const bool right = i < right_aligned.size() && right_aligned[i];
      if (i) line += "  ";
      line += right ? fmt::format("{:>{}}", cell, widths[i]) : fmt::format("{:<{}}", cell, widths[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (bold && colour) line = "\033[1m" + line + "\033[0m";
    std::fputs((line + "\n").c_str(), out);
  };
  auto rule = [&]() {
    std::size_t length = 0;
    for (std::size_t width : widths) length += width;
    length += widths.empty() ? 0 : 2 * (widths.size() - 1);
    std::fputs((std::string(length, '-') + "\n").c_str(), out);
  };
  print_row(headers, true);
  rule();
  for (const auto& row : rows) print_row(row, false);
  if (!total.empty()) {
    rule();
    print_row(total, true);
  }
}

namespace {
bool progress_shown = false;
}

ProgressCallback progress_bar(const std::string& label) {
  if (!isatty(STDERR_FILENO)) return {};
  return [label](const Progress& progress) {
    progress_shown = true;
    if (progress.total > 0) {
      const std::uint64_t percent = std::min<std::uint64_t>(100, progress.done * 100 / progress.total);
      const std::size_t filled = static_cast<std::size_t>(percent / 4);
      std::fprintf(stderr, "\r%s [%s%s] %3llu%%", label.c_str(), std::string(filled, '#').c_str(),
                   std::string(25 - filled, '.').c_str(), static_cast<unsigned long long>(percent));
    } else {
      std::fprintf(stderr, "\r%s %llu", label.c_str(), static_cast<unsigned long long>(progress.done));
    }
    std::fflush(stderr);
  };
}

void finish_progress() {
  if (progress_shown) {
    std::fputs("\n", stderr);
    progress_shown = false;
  }
}

Ledger open_ledger(const Context& context, OpenMode mode) {
  return Ledger::open(context.database_path, mode, context.options);
}

}  // namespace fundledger::cli
