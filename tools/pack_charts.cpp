// The pack's charts, drawn as inline SVG: contributions by donor, the receivable's roll-forward,
// its aging, and each fund's cash at the month ends.
#include "pack_html.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

namespace fundledger::cli {

namespace {

// An amount as a chart scales it: a position on the page, where a double is exact enough.
double as_double(const Decimal& amount) { return std::stod(amount.to_string()); }

const char* const palette[] = {"#1f5f8b", "#e08a1e", "#4a9c5d", "#b23a48", "#7a5ea8", "#6b7b8c", "#c9a227", "#2a9d8f"};

// A chart: an SVG with a title and a text alternative (desc), inside a figure with its caption.
struct Chart {
  std::string id;
  std::string title;
  std::string description;  // every figure the chart shows, for those who cannot see it
  std::string body;         // the SVG's shapes
  int width = 720;
  int height = 320;
  std::string html() const {
    return fmt::format(
        "<figure class=\"chart\" id=\"{0}\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
        "viewBox=\"0 0 {1} {2}\" width=\"{1}\" height=\"{2}\" aria-labelledby=\"{0}-title {0}-desc\">\n"
        "<title id=\"{0}-title\">{3}</title>\n<desc id=\"{0}-desc\">{4}</desc>\n{5}</svg>\n"
        "<figcaption>{3}</figcaption>\n</figure>\n",
        id, width, height, escape(title), escape(description), body);
  }
};

// Where value falls on an axis from low to high drawn from x0 to x1.
double scale(double value, double low, double high, double x0, double x1) {
  return high == low ? x0 : x0 + (value - low) / (high - low) * (x1 - x0);
}

std::string text_at(double x, double y, const std::string& text, const char* anchor = "start", int size = 11) {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\" text-anchor=\"{}\">{}</text>\n", x, y, size,
                     anchor, escape(text));
}

std::string rect(double x, double y, double w, double h, const char* fill, const std::string& tip) {
  return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}</title></rect>\n",
                     x, y, std::max(w, 0.0), std::max(h, 0.0), fill, escape(tip));
}

std::string legend(const std::vector<std::string>& names, double x, double y) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double left = x + static_cast<double>(i) * 130;
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n", left, y - 9,
                       palette[i % 8]);
    out += text_at(left + 14, y, names[i]);
  }
  return out;
}

// Horizontal bars, one per category, stacked by series; negative parts to the left of zero.
Chart stacked_bars(const std::string& id, const std::string& title, const std::vector<std::string>& categories,
                   const std::vector<std::string>& series, const std::vector<std::vector<Decimal>>& values) {
  Chart chart{id, title, "", "", 720, 0};
  const double row = 22, top = 30, left = 190, right = 700;
  chart.height = static_cast<int>(top + row * static_cast<double>(categories.size()) + 40);
  double low = 0, high = 0;
  for (const auto& parts : values) {
    double positive = 0, negative = 0;
    for (const Decimal& part : parts) (part.sign() > 0 ? positive : negative) += as_double(part);
    high = std::max(high, positive);
    low = std::min(low, negative);
  }
  if (high == low) high = 1;
  chart.body += legend(series, left, 16);
  const double zero = scale(0, low, high, left, right);
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const double y = top + row * static_cast<double>(c);
    chart.body += text_at(left - 6, y + 14, categories[c], "end");
    double positive = 0, negative = 0;
    std::string said;
    for (std::size_t s = 0; s < series.size(); ++s) {
      const Decimal& part = values[c][s];
      if (part.is_zero()) continue;
      const double v = as_double(part);
      const double from = part.sign() > 0 ? positive : negative + v;
      const double to = part.sign() > 0 ? positive + v : negative;
      (part.sign() > 0 ? positive : negative) += v;
      const double x0 = scale(from, low, high, left, right), x1 = scale(to, low, high, left, right);
      const std::string tip = categories[c] + ", " + series[s] + ": " + amount_text(part) + " USD";
      chart.body += rect(x0, y + 3, x1 - x0, row - 6, palette[s % 8], tip);
      said += (said.empty() ? "" : ", ") + series[s] + " " + amount_text(part);
    }
    chart.description += categories[c] + ": " + (said.empty() ? "none" : said) + " USD. ";
  }
  chart.body += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#333\"/>\n", zero,
                            top - 4, top + row * static_cast<double>(categories.size()));
  return chart;
}

// Vertical columns, one per label; a waterfall when steps says which are running (not totals).
Chart columns(const std::string& id, const std::string& title, const std::vector<std::string>& labels,
              const std::vector<Decimal>& values, const std::vector<bool>& running = {}) {
  Chart chart{id, title, "", "", 720, 300};
  const double top = 20, bottom = 250, left = 60, right = 700;
  std::vector<std::pair<double, double>> spans;  // each column's from and to
  double level = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = as_double(values[i]);
    if (!running.empty() && running[i]) {
      spans.emplace_back(level, level + v);
      level += v;
    } else {
      spans.emplace_back(0, v);
      level = v;
    }
  }
  double low = 0, high = 0;
  for (const auto& [from, to] : spans) {
    low = std::min({low, from, to});
    high = std::max({high, from, to});
  }
  if (high == low) high = 1;
  const double slot = (right - left) / static_cast<double>(std::max<std::size_t>(values.size(), 1));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double x = left + slot * static_cast<double>(i) + slot * 0.15;
    const double y0 = scale(spans[i].first, low, high, bottom, top), y1 = scale(spans[i].second, low, high, bottom, top);
    const bool total = running.empty() || !running[i];
    const char* colour = total ? palette[0] : values[i].sign() < 0 ? palette[3] : palette[2];
    chart.body += rect(x, std::min(y0, y1), slot * 0.7, std::abs(y1 - y0), colour,
                       labels[i] + ": " + amount_text(values[i]) + " USD");
    chart.body += text_at(x + slot * 0.35, bottom + 16, labels[i], "middle", 10);
    chart.body += text_at(x + slot * 0.35, std::min(y0, y1) - 4, amount_text(values[i]), "middle", 10);
    chart.description += labels[i] + ": " + amount_text(values[i]) + " USD. ";
  }
  const double zero = scale(0, low, high, bottom, top);
  chart.body += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#333\"/>\n", left, zero,
                            right, zero);
  return chart;
}

// One line per series over the months.
Chart lines(const std::string& id, const std::string& title, const std::vector<Date>& months,
            const std::vector<CashSeries>& series) {
  Chart chart{id, title, "", "", 720, 300};
  const double top = 30, bottom = 250, left = 90, right = 700;
  double low = 0, high = 0;
  for (const CashSeries& s : series) {
    for (const Decimal& v : s.month_ends) {
      low = std::min(low, as_double(v));
      high = std::max(high, as_double(v));
    }
  }
  if (high == low) high = 1;
  std::vector<std::string> names;
  for (const CashSeries& s : series) names.push_back(s.fund);
  chart.body += legend(names, left, 16);
  const auto x_of = [&](std::size_t i) {
    return months.size() < 2 ? (left + right) / 2
                             : scale(static_cast<double>(i), 0, static_cast<double>(months.size() - 1), left, right);
  };
  for (int tick = 0; tick <= 4; ++tick) {
    const double value = low + (high - low) * tick / 4;
    const double y = scale(value, low, high, bottom, top);
    chart.body += fmt::format("<line x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left, y, right, y);
    chart.body += text_at(left - 6, y + 4, fmt::format("{:.1f}M", value / 1e6), "end", 10);
  }
  for (std::size_t i = 0; i < months.size(); ++i) {
    chart.body += text_at(x_of(i), bottom + 16, months[i].to_string().substr(0, 7), "middle", 9);
  }
  for (std::size_t s = 0; s < series.size(); ++s) {
    std::string points;
    std::string said;
    for (std::size_t i = 0; i < series[s].month_ends.size(); ++i) {
      const double y = scale(as_double(series[s].month_ends[i]), low, high, bottom, top);
      points += fmt::format("{:.1f},{:.1f} ", x_of(i), y);
      chart.body += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"><title>{} {}: {} USD</title></circle>\n",
                                x_of(i), y, palette[s % 8], escape(series[s].fund), months[i].to_string(),
                                amount_text(series[s].month_ends[i]));
      said += (said.empty() ? "" : ", ") + months[i].to_string() + " " + amount_text(series[s].month_ends[i]);
    }
    chart.body += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n",
                              palette[s % 8], points);
    chart.description += "Cash of " + series[s].fund + " at each month end: " + said + " USD. ";
  }
  return chart;
}

// text cut to at most width columns on a character boundary, an ellipsis marking the cut.
std::string shortened(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) return text;
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
    const std::string next = text.substr(i, length);
    if (display_width(out + next) > width - 1) break;
    out += next;
    i += length;
  }
  return out + "…";
}

std::size_t column_of(const Report& report, const std::string& key) {
  for (std::size_t i = 0; i < report.columns.size(); ++i) {
    if (report.columns[i].key == key) return i;
  }
  throw Error(ErrorCode::unknown_reference, "the " + report.name + " report has no column " + key);
}

const ReportRow* row_of(const Report& report, const std::string& key) {
  for (const ReportRow& row : report.rows) {
    if (row.key == key) return &row;
  }
  return nullptr;
}

Decimal figure(const Report& report, const std::string& row_key, const std::string& column) {
  const ReportRow* row = row_of(report, row_key);
  const Decimal* value = row ? amount_at(*row, column_of(report, column)) : nullptr;
  return value ? *value : Decimal::parse("0.00");
}

// Contributions by donor: the revenue of each donor, general and special purpose, largest first.
Chart contributions_chart(const Pack& pack) {
  const Report& revenue = pack.report("donor-revenue");
  const std::size_t code_column = column_of(revenue, "donor"), name_column = column_of(revenue, "donor_name"),
                    type_column = column_of(revenue, "type"), amount_column = column_of(revenue, "amount");
  std::map<std::string, std::string> names;  // by donor code: two donors may share a name
  std::vector<std::string> types;
  std::map<std::string, std::map<std::string, Decimal>> by_donor;
  for (const ReportRow& row : revenue.rows) {
    if (row.kind != RowKind::line) continue;
    const Decimal* amount = amount_at(row, amount_column);
    if (!amount) continue;
    const std::string type = text_at_cell(row, type_column);
    if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
    const std::string code = text_at_cell(row, code_column);
    names[code] = text_at_cell(row, name_column);
    auto& cell = by_donor[code][type];
    cell = cell + *amount;
  }
  std::sort(types.begin(), types.end());
  std::vector<std::pair<std::string, Decimal>> donors;
  for (const auto& [donor, parts] : by_donor) {
    Decimal total = Decimal::parse("0.00");
    for (const auto& [type, amount] : parts) total = total + amount;
    donors.emplace_back(donor, total);
  }
  std::stable_sort(donors.begin(), donors.end(), [](const auto& a, const auto& b) { return b.second < a.second; });
  std::vector<std::string> categories;
  std::vector<std::vector<Decimal>> values;
  for (const auto& [donor, total] : donors) {
    categories.push_back(shortened(names[donor].empty() ? donor : names[donor], 28));
    std::vector<Decimal> parts;
    for (const std::string& type : types) {
      const auto& of_donor = by_donor[donor];
      parts.push_back(of_donor.count(type) ? of_donor.at(type) : Decimal::parse("0.00"));
    }
    values.push_back(std::move(parts));
  }
  std::vector<std::string> series;
  for (const std::string& type : types) series.push_back(type + " purpose");
  return stacked_bars("chart-contributions", "Contributions by donor, general and special purpose (USD)", categories,
                      series, values);
}

// The roll-forward of the funds' balances: opening, revenue, expenses, transfers and other, closing.
Chart roll_forward_chart(const Pack& pack) {
  const Report& performance = pack.report("financial-performance");
  const Report& changes = pack.report("net-assets");
  const Decimal opening = figure(changes, "opening", "total");
  const Decimal revenue = figure(performance, "revenue_total", "total");
  const Decimal expenses = Decimal::parse("0.00") - figure(performance, "expenses_total", "total");
  const Decimal moved = figure(changes, "transfers", "total") + figure(changes, "other", "total");
  const Decimal closing = figure(changes, "closing", "total");
  return columns("chart-roll-forward", "Fund balance roll-forward, all funds in scope (USD)",
                 {"Opening", "Revenue", "Expenses", "Transfers and other", "Closing"},
                 {opening, revenue, expenses, moved, closing}, {false, true, true, true, false});
}

// Receivables by age: the aging report's total row.
Chart aging_chart(const Pack& pack) {
  const Report& aging = pack.report("aging");
  const std::vector<std::pair<std::string, std::string>> buckets = {
      {"not_due", "Not yet due"},   {"overdue_0_1", "0-1 year"},  {"overdue_1_2", "1-2 years"},
      {"overdue_2_3", "2-3 years"}, {"overdue_3_4", "3-4 years"}, {"overdue_4_plus", "Over 4 years"}};
  std::vector<std::string> labels;
  std::vector<Decimal> values;
  for (const auto& [key, label] : buckets) {
    labels.push_back(label);
    values.push_back(figure(aging, "total", key));
  }
  return columns("chart-aging", "Contributions receivable by age (USD)", labels, values);
}

Chart cash_chart(const Pack& pack) {
  return lines("chart-cash", "Cash by fund at each month end (USD)", pack.month_ends, pack.cash);
}

}  // namespace

std::string charts_html(const Pack& pack) {
  return contributions_chart(pack).html() + roll_forward_chart(pack).html() + aging_chart(pack).html() +
         cash_chart(pack).html();
}

}  // namespace fundledger::cli
