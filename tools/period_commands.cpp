// The close: period close, period reopen, period list.
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/periods.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace fundledger::cli {

void register_period_commands(CLI::App& app, Context& context) {
  auto* period = app.add_subcommand("period", "the monthly and yearly close");
  period->footer(
      "Months close in order; December's close also closes the year.\n\n"
      "Examples:\n  fundledger period close 2024-03\n  fundledger period list\n"
      "  fundledger period reopen 2024-03 --reason \"Late bank statement from the field office\"");
  period->require_subcommand(1);
  {
    auto* close = period->add_subcommand("close", "close a month: revaluation, year-end in December, lock and seal");
    auto name = std::make_shared<std::string>();
    auto stale = std::make_shared<bool>(false);
    close->add_option("period", *name, "the month, like 2024-03")->required();
    close->add_flag("--allow-stale-rates", *stale,
                    "revalue at the latest earlier rate where a currency has no rate effective within the month "
                    "(recorded in the close event)");
    close->footer(
        "Months close in order. Closing December also moves the year's revenue and expenses to\n"
        "3100, Accumulated surplus. Every currency holding a monetary balance needs a rate effective\n"
        "within the month, unless --allow-stale-rates.\n\nExample:\n  fundledger period close 2024-03");
    close->callback([&context, name, stale] {
      Ledger ledger = open_ledger(context, OpenMode::read_write);
      const RecordResult result = record_from_options(ledger, PeriodCloseEvent{month_option(*name, "period"), *stale});
      std::fputs((result.recorded ? fmt::format("closed {} (seq {})\n", *name, result.seq)
                                  : fmt::format("{} was already closed (seq {})\n", *name, result.seq))
                     .c_str(),
                 stderr);
    });
  }
  {
    auto* reopen = period->add_subcommand("reopen", "reopen the latest closed month, reversing what its close posted");
    auto name = std::make_shared<std::string>();
    auto reason = std::make_shared<std::string>();
    reopen->add_option("period", *name, "the month, like 2024-03")->required();
    reopen->add_option("--reason", *reason, "why it is reopened (kept in the journal)")->required();
    reopen->footer("Example:\n  fundledger period reopen 2024-03 --reason \"Late bank statement from the field office\"");
    reopen->callback([&context, name, reason] {
      Ledger ledger = open_ledger(context, OpenMode::read_write);
      const RecordResult result = record_from_options(ledger, PeriodReopenEvent{month_option(*name, "period"), *reason});
      std::fputs(fmt::format("reopened {} (seq {})\n", *name, result.seq).c_str(), stderr);
    });
  }
  {
    auto* list = period->add_subcommand("list", "the periods: state, when closed, by which event, seal");
    auto format = std::make_shared<Format>(Format::table);
    add_format_option(*list, *format);
    list->footer("Example:\n  fundledger period list --format csv");
    list->callback([&context, format] {
      Ledger ledger = open_ledger(context, OpenMode::read_only);
      const auto periods = list_periods(ledger);
      if (*format == Format::csv) {
        std::string out = "period,state,close_seq,closed_at,head_hash,balances_hash\n";
        for (const auto& p : periods) {
          out += fmt::format("{},{},{},{},{},{}\n", p.period.to_string(), p.state,
                             p.close_seq ? std::to_string(p.close_seq) : "", p.closed_at, p.head_hash, p.balances_hash);
        }
        std::fputs(out.c_str(), stdout);
      } else if (*format == Format::json) {
        nlohmann::json list_json = nlohmann::json::array();
        for (const auto& p : periods) {
          list_json.push_back({{"period", p.period.to_string()},
                               {"state", p.state},
                               {"close_seq", p.close_seq ? nlohmann::json(p.close_seq) : nlohmann::json()},
                               {"closed_at", p.closed_at},
                               {"head_hash", p.head_hash},
                               {"balances_hash", p.balances_hash}});
        }
        std::fputs((list_json.dump(1) + "\n").c_str(), stdout);
      } else {
        Table table;
        table.headers = {"period", "state", "close seq", "closed at", "seal: head hash", "seal: balances hash"};
        table.right_aligned = {false, false, true, false, false, false};
        for (const auto& p : periods) {
          table.rows.push_back({p.period.to_string(), p.state, p.close_seq ? std::to_string(p.close_seq) : "",
                                p.closed_at, p.head_hash.substr(0, 16), p.balances_hash.substr(0, 16)});
        }
        table.print(stdout);
      }
    });
  }
}

}  // namespace fundledger::cli
