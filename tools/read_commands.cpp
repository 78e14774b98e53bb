// balances: the ledger's balances grouped by any dimensions.
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <memory>

namespace fundledger::cli {

std::string balances_json(const std::vector<BalanceKey>& keys, const std::vector<BalanceRow>& rows) {
  const bool by_currency = std::find(keys.begin(), keys.end(), BalanceKey::currency) != keys.end();
  std::string out = "[";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const BalanceRow& row = rows[r];
    out += r ? ",\n " : "";
    out += "{";
    for (std::size_t i = 0; i < keys.size(); ++i) {
      out += fmt::format("\"{}\":{},", balance_key_name(keys[i]),
                         row.keys[i].empty() ? std::string("null") : "\"" + row.keys[i] + "\"");
    }
    if (!by_currency) out += "\"currency\":\"USD\",";
    out += fmt::format("\"debit\":\"{}\",\"credit\":\"{}\",\"balance\":\"{}\"}}", row.debit.to_string(),
                       row.credit.to_string(), row.balance().to_string());
  }
  return out + "]\n";
}

namespace {

void print_balances(const std::vector<BalanceKey>& keys, const std::vector<BalanceRow>& rows, Format format) {
  const bool by_currency = std::find(keys.begin(), keys.end(), BalanceKey::currency) != keys.end();
  if (format == Format::csv) {
    std::string out;
    for (BalanceKey key : keys) out += std::string(balance_key_name(key)) + ",";
    out += "debit,credit,balance\n";
    for (const BalanceRow& row : rows) {
      for (const std::string& key : row.keys) out += csv_field(key) + ",";
      out += row.debit.to_string() + "," + row.credit.to_string() + "," + row.balance().to_string() + "\n";
    }
    std::fputs(out.c_str(), stdout);
    return;
  }
  if (format == Format::json) {
    std::fputs(balances_json(keys, rows).c_str(), stdout);
    return;
  }
  Table table;
  for (BalanceKey key : keys) {
    table.headers.push_back(balance_key_name(key));
    table.right_aligned.push_back(false);
  }
  for (const char* column : {"debit", "credit", "balance"}) {
    table.headers.push_back(by_currency ? column : std::string(column) + " (USD)");
    table.right_aligned.push_back(true);
  }
  Decimal debit = Decimal::from_minor_units(0, 2);
  Decimal credit = Decimal::from_minor_units(0, 2);
  for (const BalanceRow& row : rows) {
    std::vector<std::string> cells = row.keys;
    cells.push_back(format_amount(row.debit));
    cells.push_back(format_amount(row.credit));
    cells.push_back(format_amount(row.balance()));
    table.rows.push_back(std::move(cells));
    debit += row.debit;
    credit += row.credit;
  }
  // Totals mean something only in one unit: USD, when the rows are not split by currency.
  if (!by_currency) {
    table.total.assign(keys.size(), "");
    if (!keys.empty()) table.total[0] = "Total";
    table.total.push_back(format_amount(debit));
    table.total.push_back(format_amount(credit));
    table.total.push_back(format_amount(debit - credit));
  }
  table.print(stdout);
}

}  // namespace

void register_read_commands(CLI::App& app, Context& context) {
  auto* balances = app.add_subcommand("balances", "balances grouped by account, fund, donor, project, pledge, currency");
  auto as_of = std::make_shared<std::string>();
  auto from = std::make_shared<std::string>();
  auto group_by = std::make_shared<std::string>("account,fund");
  auto format = std::make_shared<Format>(Format::table);
  balances->add_option("--as-of", *as_of, "only postings dated on or before this day, YYYY-MM-DD");
  balances->add_option("--from", *from, "only postings dated on or after this day, YYYY-MM-DD");
  balances->add_option("--group-by", *group_by, "comma-separated keys (default account,fund)");
  add_format_option(*balances, *format);
  balances->footer(
      "With currency among the keys, amounts are in that currency; otherwise in USD.\n\n"
      "Example:\n  fundledger balances --group-by account,fund,currency --as-of 2024-12-31 --format csv");
  balances->callback([&context, as_of, from, group_by, format] {
    BalanceQuery query;
    try {
      query.group_by = parse_balance_keys(*group_by);
    } catch (const Error& error) {
      throw Error(ErrorCode::usage, "--group-by " + *group_by + ": " + error.what());
    }
    if (!as_of->empty()) query.as_of = date_option(*as_of, "--as-of");
    if (!from->empty()) query.from = date_option(*from, "--from");
    Ledger ledger = open_ledger(context, OpenMode::read_only);
    print_balances(query.group_by, ledger.balances(query), *format);
  });
}

}  // namespace fundledger::cli
