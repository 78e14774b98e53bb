// Output for people (tables, progress bars) and for programs (CSV, JSON).
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/reports.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unistd.h>

namespace fundledger::cli {

void add_format_option(CLI::App& command, Format& format) {
  add_choice<Format>(command, "--format", format, {{"table", Format::table}, {"csv", Format::csv}, {"json", Format::json}},
                     "output format: table (for people), csv or json (for programs)");
}

namespace {

// Reads an option's value with parse; a failure is wrong usage naming the option.
template <class Parse>
auto read_option(const std::string& text, const std::string& option, Parse parse) {
  try {
    return parse(text);
  } catch (const Error& error) {
    throw Error(ErrorCode::usage, option + " " + text + ": " + error.what());
  }
}

}  // namespace

Date date_option(const std::string& text, const std::string& option) {
  return read_option(text, option, [](const std::string& value) { return Date::parse(value); });
}

Period period_option(const std::string& text, const std::string& option) {
  return read_option(text, option, [](const std::string& value) { return Period::parse(value); });
}

Period month_option(const std::string& text, const std::string& option) {
  const Period period = read_option(text, option, [](const std::string& value) {
    if (value.size() != 7 || value[4] != '-') throw Error(ErrorCode::bad_input, "expected a month like 2024-03");
    return Period::parse(value);
  });
  if (period.kind() != Period::Kind::Month) {
    throw Error(ErrorCode::usage, option + " " + text + ": expected a month like 2024-03 (periods close by month)");
  }
  return period;
}

Decimal decimal_option(const std::string& text, const std::string& option) {
  return read_option(text, option, [](const std::string& value) { return Decimal::parse(value); });
}

namespace {

// The error of an event's field as the command line names it: field "signed" is --signed; the
// field of a positional id, code or period is left unsaid. Other errors pass unchanged.
template <class Run>
auto naming_options(Run run, std::optional<ErrorCode> code) {
  try {
    return run();
  } catch (const Error& error) {
    const std::string message = error.what();
    const std::string prefix = "field \"";
    const std::size_t close = message.find('"', prefix.size());
    if (message.rfind(prefix, 0) != 0 || close == std::string::npos) throw;
    std::string field = message.substr(prefix.size(), close - prefix.size());
    const std::size_t end = field.find_first_of("[.");
    if (end != std::string::npos) field = field.substr(0, end);
    // A positional argument (an id, a code, a period) is the message's subject already.
    std::string rest = message.substr(close + 1);
    if (field == "id" || field == "code" || field == "period") {
      throw Error(code.value_or(error.code()), rest.rfind(": ", 0) == 0 ? rest.substr(2) : rest);
    }
    std::string option = field;
    for (char& c : option) c = c == '_' ? '-' : c;
    throw Error(code.value_or(error.code()), "--" + option + rest);
  }
}

}  // namespace

RecordResult record_from_options(Ledger& ledger, const Event& event) {
  return naming_options([&] { return ledger.record(event); }, std::nullopt);
}

Event event_from_options(const std::string& json) {
  return naming_options([&] { return parse_event(json); }, ErrorCode::usage);
}

void Listing::print(Format format) const {
  if (format == Format::table) {
    if (rows.empty()) {
      std::fputs(fmt::format("no {} to list\n", name).c_str(), stderr);
      return;
    }
    Table table;
    table.headers = titles;
    table.right_aligned = right_aligned;
    table.rows = rows;
    table.print(stdout);
    return;
  }
  if (format == Format::csv) {
    std::string out;
    for (std::size_t i = 0; i < keys.size(); ++i) out += (i ? "," : "") + keys[i];
    out += "\n";
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_field(row[i]);
      out += "\n";
    }
    std::fputs(out.c_str(), stdout);
    return;
  }
  std::fputs(json().c_str(), stdout);
}

std::string Listing::json() const {
  nlohmann::json document = nlohmann::json::object();
  document["list"] = name;
  for (const auto& [key, value] : meta) document[key] = value;
  document["columns"] = keys;
  document["rows"] = nlohmann::json::array();
  for (const auto& row : rows) {
    nlohmann::json object = nlohmann::json::object();
    for (std::size_t i = 0; i < keys.size() && i < row.size(); ++i) object[keys[i]] = row[i];
    document["rows"].push_back(object);
  }
  return document.dump() + "\n";
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
      widths[i] = std::max(widths[i], display_width(row[i]));
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
      const std::size_t shown = display_width(cell);
      const std::string pad(widths[i] > shown ? widths[i] - shown : 0, ' ');
      line += right ? pad + cell : cell + pad;
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
