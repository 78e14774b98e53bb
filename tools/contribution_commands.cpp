// The contribution and expenditure events, one subcommand each, and the pledges they build.
//
// Each event subcommand gathers its options into the event's JSON Lines form and records it
// through parse_event, so that the command line and import accept exactly the same events and
// refuse bad ones with the same messages.
#include "cli.hpp"

#include <fundledger/contributions.hpp>
#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>

namespace fundledger::cli {

namespace {

// An event subcommand: its options are the event type's fields as the library describes them
// (fundledger::event_fields), the id given as the first argument.
struct EventSpec {
  const char* type;
  const char* command;
  const char* description;
  const char* example;
};

const std::vector<EventSpec>& event_specs() {
  static const std::vector<EventSpec> specs = {
      {"pledge", "pledge", "record a pledge (a signed agreement to pay); 'pledge show ID' shows one",
       "fundledger pledge DEU-2024-01 --donor DEU --fund CPCJF --purpose general --currency EUR \\\n"
       "    --amount 3000000.00 --signed 2024-02-01 --installments 2024-03-01:1000000.00 \\\n"
       "    --installments 2025-03-01:1000000.00 --installments 2026-03-01:1000000.00"},
      {"receipt", "receipt", "record money received: against a pledge, as an advance, or unidentified",
       "fundledger receipt BNK-2024-0107 --date 2024-03-04 --fund CPCJF --currency EUR \\\n"
       "    --amount 1000000.00 --pledge DEU-2024-01"},
      {"apply", "apply", "apply an advance or an unidentified receipt to a pledge, or to revenue",
       "fundledger apply APP-2024-0003 --date 2024-04-02 --receipt BNK-2024-0110 --pledge NOR-2024-01"},
      {"condition_met", "condition-met", "recognize the part of a conditional pledge whose conditions are met",
       "fundledger condition-met CM-2024-01 --pledge EU-2024-02 --date 2024-06-30 --amount 500000.00"},
      {"reduction", "reduction", "reduce or cancel what a pledge has outstanding",
       "fundledger reduction RED-2024-01 --pledge GBR-2023-02 --date 2024-05-10 --amount 50000.00 \\\n"
       "    --reason \"Budget cut announced by the donor\""},
      {"refund", "refund", "refund a donor: payable, paid at once (--paid), or the payment of a payable (--pays)",
       "fundledger refund REF-2024-01 --donor SWE --fund UNCAC --date 2024-11-15 --currency SEK \\\n"
       "    --amount 120000.00 --paid"},
      {"expense", "expense", "record expenditure (a grant or programme cost) with its programme support costs",
       "fundledger expense EXP-2024-0031 --fund UNTOC --date 2024-03-01 --currency USD \\\n"
       "    --amount 120000.00 --category programme --project GLOT59"},
      {"advance", "advance", "advance cash to an implementing partner (1400), until it reports its expenditure",
       "fundledger advance ADV-2024-07 --fund UNTOC --date 2024-07-15 --currency USD --amount 80000.00 \\\n"
       "    --partner NGO-KE-014 --project GLOT59"},
      {"partner_report", "partner-report", "expense what a partner reports it spent from its advance, with PSC",
       "fundledger partner-report PR-2024-07-1 --advance ADV-2024-07 --date 2024-10-31 --amount 52000.00"},
      {"budget", "budget", "record an approved budget in USD for a fund's year (a later one revises it)",
       "fundledger budget BUD-2024-UNTOC --fund UNTOC --year 2024 --amount 1500000.00"},
      {"transfer", "transfer", "move cash between funds",
       "fundledger transfer TRF-2024-01 --date 2024-07-01 --from-fund CPCJF --to-fund UNTOC \\\n"
       "    --currency USD --amount 250000.00"},
      {"interest", "interest", "record investment income (USD), apportioned across funds by their cash",
       "fundledger interest INT-2024-06 --date 2024-06-30 --amount 18234.55"},
      {"allowance", "allowance", "make an allowance for a doubtful pledge",
       "fundledger allowance ALW-2024-01 --pledge XYZ-2021-01 --date 2024-12-31 --amount 40000.00"},
      {"write_off", "write-off", "write off what an allowance covers",
       "fundledger write-off WO-2025-01 --pledge XYZ-2021-01 --date 2025-06-30 --amount 40000.00"},
      {"reversal", "reversal", "reverse an event: a new entry negating every posting it made",
       "fundledger reversal REV-2024-0001 --reverses BNK-2024-0107 --date 2024-03-05 --memo \"Duplicate\""},
  };
  return specs;
}

std::string option_name(const std::string& field) {
  std::string name = field;
  for (char& c : name) c = c == '_' ? '-' : c;
  return name;
}

struct Gathered {
  std::map<std::string, std::string> texts;
  std::map<std::string, bool> flags;
  std::vector<std::string> instalments;
};

void register_event(CLI::App& app, Context& context, const EventSpec& spec, CLI::App* existing) {
  CLI::App* command = existing ? existing : app.add_subcommand(spec.command, spec.description);
  if (std::string(spec.command) != spec.type) command->alias(spec.type);
  auto gathered = std::make_shared<Gathered>();
  auto fields = std::make_shared<std::vector<EventField>>(event_fields(spec.type));
  for (const EventField& field : *fields) {
    if (field.kind == EventFieldKind::flag) {
      command->add_flag("--" + option_name(field.key), gathered->flags[field.key], field.help);
    } else if (field.kind == EventFieldKind::list) {
      // A pledge's schedule, one instalment per option.
      command->add_option("--" + option_name(field.key), gathered->instalments,
                          "DUE:AMOUNT, repeated for a schedule: " + field.help);
    } else {
      const bool positional = field.key == "id";
      auto* option = command->add_option(positional ? field.key : "--" + option_name(field.key),
                                         gathered->texts[field.key], field.help);
      // 'pledge' also has 'pledge show': its fields are checked when it records, not when it parses.
      if (field.required && !existing) option->required();
    }
  }
  command->footer(std::string("Example:\n  ") + spec.example);
  const std::string type = spec.type;
  command->callback([&context, gathered, type, command, fields] {
    if (!command->get_subcommands().empty()) return;  // 'pledge show' runs instead
    std::string missing;
    for (const EventField& field : *fields) {
      if (field.required && field.kind == EventFieldKind::text && gathered->texts[field.key].empty()) {
        missing += std::string(missing.empty() ? "" : ", ") + (field.key == "id" ? "" : "--") + option_name(field.key);
      }
    }
    if (!missing.empty()) throw Error(ErrorCode::usage, std::string(type) + ": missing " + missing + " (see --help)");
    nlohmann::json event;
    event["type"] = type;
    for (const auto& [name, value] : gathered->texts) {
      if (!value.empty()) event[name] = value;
    }
    for (const auto& [name, value] : gathered->flags) {
      if (value) event[name] = true;
    }
    if (!gathered->instalments.empty()) {
      nlohmann::json list = nlohmann::json::array();
      for (const std::string& text : gathered->instalments) {
        const std::size_t colon = text.find(':');
        if (colon == std::string::npos) {
          throw Error(ErrorCode::usage, "--installments \"" + text + "\": expected DUE:AMOUNT, like 2025-03-01:1000000.00");
        }
        list.push_back({{"due", text.substr(0, colon)}, {"amount", text.substr(colon + 1)}});
      }
      event["installments"] = list;
    }
    const Event parsed = event_from_options(event.dump());
    Ledger ledger = open_ledger(context, OpenMode::read_write);
    const RecordResult result = record_from_options(ledger, parsed);
    const std::string id = event.value("id", "");
    if (result.recorded) {
      std::fputs(fmt::format("recorded {} {} (seq {})\n", type, id, result.seq).c_str(), stderr);
      for (const std::string& note : result.notes) std::fputs(("note: " + note + "\n").c_str(), stderr);
    } else {
      std::fputs(fmt::format("{} {} was already recorded identically (seq {}): nothing to do\n", type, id, result.seq)
                     .c_str(),
                 stderr);
    }
  });
}

// The pledges: in a table the figures an officer reads; in CSV and JSON every figure, with the
// project, what is deferred and the allowance.
Listing pledges_listing(const std::vector<PledgeStatus>& pledges, const std::optional<Date>& as_of, bool table) {
  Listing listing;
  listing.name = "pledges";
  if (as_of) listing.meta.push_back({"as_of", as_of->to_string()});
  listing.keys = {"pledge", "donor", "fund", "project", "purpose", "currency", "signed", "status", "pledged",
                  "received", "reduced", "written_off", "outstanding", "receivable", "carrying_usd", "deferred",
                  "allowance", "paid_ahead"};
  const std::vector<std::string> shown_in_table = {"pledge",   "donor",       "fund",        "purpose",
                                                   "currency", "signed",      "status",      "pledged",
                                                   "received", "reduced",     "written_off", "outstanding",
                                                   "receivable", "carrying_usd"};
  for (const PledgeStatus& p : pledges) {
    auto amount = [table](const Decimal& value) { return table ? format_amount(value) : value.to_string(); };
    const std::map<std::string, std::string> cells = {
        {"pledge", p.id},
        {"donor", p.donor},
        {"fund", p.fund},
        {"project", p.project},
        {"purpose", p.purpose},
        {"currency", p.currency},
        {"signed", p.signed_on.to_string()},
        {"status", p.status},
        {"pledged", amount(p.pledged)},
        {"received", amount(p.received)},
        {"reduced", amount(p.reduced)},
        {"written_off", amount(p.written_off)},
        {"outstanding", amount(p.outstanding)},
        {"receivable", amount(p.receivable)},
        {"carrying_usd", amount(p.carrying_usd)},
        {"deferred", amount(p.deferred)},
        {"allowance", amount(p.allowance)},
        {"paid_ahead", amount(p.paid_ahead)}};
    std::vector<std::string> row;
    for (const std::string& key : table ? shown_in_table : listing.keys) row.push_back(cells.at(key));
    listing.rows.push_back(std::move(row));
  }
  if (table) {
    listing.keys = shown_in_table;
    listing.titles = shown_in_table;
    for (std::size_t i = 0; i < shown_in_table.size(); ++i) listing.right_aligned.push_back(i >= 7);
  }
  return listing;
}

void print_pledges(const std::vector<PledgeStatus>& pledges, const std::optional<Date>& as_of, Format format) {
  pledges_listing(pledges, as_of, format == Format::table).print(format);
}

// One pledge. JSON: its figures (amounts in its currency, carrying_usd in USD), instalments and
// movements, each naming its currency. CSV: one amount per line with its currency, under the
// columns section, item, date, seq, event, amount, currency.
std::vector<std::pair<const char*, const Decimal*>> figures_of(const PledgeStatus& p) {
  return {
      {"pledged", &p.pledged},         {"received", &p.received},         {"reduced", &p.reduced},
      {"written_off", &p.written_off}, {"outstanding", &p.outstanding},   {"receivable", &p.receivable},
      {"deferred", &p.deferred},       {"allowance", &p.allowance},       {"paid_ahead", &p.paid_ahead},
      {"held_as_advance", &p.held_as_advance}, {"advance_remaining", &p.advance_remaining}};
}

}  // namespace

std::string pledges_json(const std::vector<PledgeStatus>& pledges, const std::optional<Date>& as_of) {
  return pledges_listing(pledges, as_of, false).json();
}

std::string pledge_json(const PledgeStatus& p) {
  nlohmann::json object = {{"pledge", p.id},       {"donor", p.donor},
                           {"fund", p.fund},       {"project", p.project},
                           {"purpose", p.purpose}, {"currency", p.currency},
                           {"signed", p.signed_on.to_string()},
                           {"conditional", p.conditional},
                           {"status", p.status}};
  for (const auto& [name, value] : figures_of(p)) object[name] = value->to_string();
  object["carrying_usd"] = p.carrying_usd.to_string();
  nlohmann::json instalments = nlohmann::json::array();
  for (const auto& i : p.installments) {
    instalments.push_back({{"due", i.due.to_string()},
                           {"currency", p.currency},
                           {"amount", i.amount.to_string()},
                           {"paid", i.paid.to_string()},
                           {"reduced", i.reduced.to_string()},
                           {"outstanding", i.outstanding.to_string()}});
  }
  object["installments"] = instalments;
  nlohmann::json movements = nlohmann::json::array();
  for (const auto& m : p.movements) {
    movements.push_back({{"seq", m.seq},
                         {"id", m.event_id},
                         {"type", m.type},
                         {"date", m.date.to_string()},
                         {"currency", p.currency},
                         {"amount", m.amount.to_string()},
                         {"usd", m.usd.to_string()}});
  }
  object["movements"] = movements;
  return object.dump(1) + "\n";
}

namespace {

void print_pledge(const PledgeStatus& p, Format format) {
  const auto figures = figures_of(p);
  if (format == Format::json) {
    std::fputs(pledge_json(p).c_str(), stdout);
    return;
  }
  if (format == Format::csv) {
    std::string out = "section,item,date,seq,event,amount,currency\n";
    auto line = [&out](const std::string& section, const std::string& item, const std::string& date,
                       const std::string& seq, const std::string& event, const Decimal& amount,
                       const std::string& currency) {
      out += section + "," + csv_field(item) + "," + date + "," + seq + "," + csv_field(event) + "," +
             amount.to_string() + "," + currency + "\n";
    };
    for (const auto& [name, value] : figures) line("figure", name, "", "", "", *value, p.currency);
    line("figure", "carrying_usd", "", "", "", p.carrying_usd, "USD");
    for (const auto& i : p.installments) {
      const std::string due = i.due.to_string();
      line("instalment", "amount", due, "", "", i.amount, p.currency);
      line("instalment", "paid", due, "", "", i.paid, p.currency);
      line("instalment", "reduced", due, "", "", i.reduced, p.currency);
      line("instalment", "outstanding", due, "", "", i.outstanding, p.currency);
    }
    for (const auto& m : p.movements) {
      const std::string seq = std::to_string(m.seq);
      line("movement", m.type, m.date.to_string(), seq, m.event_id, m.amount, p.currency);
      line("movement", m.type, m.date.to_string(), seq, m.event_id, m.usd, "USD");
    }
    std::fputs(out.c_str(), stdout);
    return;
  }
  std::string out = fmt::format("Pledge {}: {} to {}, {} purpose{}{}, signed {}, {}\n", p.id, p.donor, p.fund, p.purpose,
                                p.project.empty() ? "" : ", project " + p.project,
                                p.conditional ? ", conditional" : "", p.signed_on.to_string(), p.status);
  auto figure = [&out, &p](const char* label, const Decimal& value) {
    out += fmt::format("  {:<13}{:>20} {}\n", label, format_amount(value), p.currency);
  };
  figure("pledged", p.pledged);
  figure("received", p.received);
  figure("reduced", p.reduced);
  figure("written off", p.written_off);
  figure("outstanding", p.outstanding);
  out += fmt::format("  {:<13}{:>20} {}, carried at {} USD\n", "receivable", format_amount(p.receivable), p.currency,
                     format_amount(p.carrying_usd));
  if (!p.deferred.is_zero()) figure("deferred", p.deferred);
  if (!p.allowance.is_zero()) figure("allowance", p.allowance);
  if (!p.paid_ahead.is_zero()) {
    out += fmt::format("  {:<13}{:>20} {}, held for instalments not yet due (2100), applied as they fall due\n",
                       "paid ahead", format_amount(p.paid_ahead), p.currency);
  }
  if (!p.held_as_advance.is_zero()) {
    auto plain = [](const Decimal& value) {
      std::string text = format_amount(value);
      while (!text.empty() && text.back() == ' ') text.pop_back();
      return text;
    };
    out += fmt::format("  paid beyond the pledge: {} {}, held for the donor as an advance (2100); {} {} still held\n",
                       plain(p.held_as_advance), p.currency, plain(p.advance_remaining), p.currency);
  }
  std::fputs((out + "\nInstalments (" + p.currency + ")\n").c_str(), stdout);
  Table instalments;
  instalments.headers = {"due", "amount", "paid", "reduced", "outstanding"};
  instalments.right_aligned = {false, true, true, true, true};
  for (const auto& i : p.installments) {
    instalments.rows.push_back({i.due.to_string(), format_amount(i.amount), format_amount(i.paid),
                                format_amount(i.reduced), format_amount(i.outstanding)});
  }
  instalments.print(stdout);
  std::fputs("\nMovements of the receivable\n", stdout);
  Table movements;
  movements.headers = {"seq", "date", "type", "id", p.currency, "USD"};
  movements.right_aligned = {true, false, false, false, true, true};
  for (const auto& m : p.movements) {
    movements.rows.push_back({std::to_string(m.seq), m.date.to_string(), m.type, m.event_id,
                              format_amount(m.amount), format_amount(m.usd)});
  }
  movements.print(stdout);
}

}  // namespace

void register_contribution_commands(CLI::App& app, Context& context) {
  for (const EventSpec& spec : event_specs()) {
    if (std::string(spec.type) == "pledge") {
      CLI::App* pledge = app.add_subcommand("pledge", spec.description);
      pledge->require_subcommand(0, 1);
      auto* show = pledge->add_subcommand("show", "show a pledge: figures, instalments, movements");
      auto id = std::make_shared<std::string>();
      auto format = std::make_shared<Format>(Format::table);
      show->add_option("id", *id, "the pledge's id")->required();
      add_format_option(*show, *format);
      show->footer("Example:\n  fundledger pledge show DEU-2024-01");
      show->callback([&context, id, format] {
        Ledger ledger = open_ledger(context, OpenMode::read_only);
        print_pledge(find_pledge(ledger, *id), *format);
      });
      register_event(app, context, spec, pledge);
      continue;
    }
    register_event(app, context, spec, nullptr);
  }
  auto* pledges = app.add_subcommand("pledges", "list pledges with what is received and outstanding");
  auto query = std::make_shared<PledgeQuery>();
  auto format = std::make_shared<Format>(Format::table);
  pledges->add_option("--donor", query->donor, "only this donor's");
  pledges->add_option("--fund", query->fund, "only this fund's");
  pledges->add_option("--status", query->status, "open, paid, reduced or cancelled")
      ->check(CLI::IsMember({"open", "paid", "reduced", "cancelled"}));
  auto as_of = std::make_shared<std::string>();
  pledges->add_option("--as-of", *as_of, "the pledges signed by this day, as they stood at its end, YYYY-MM-DD");
  add_format_option(*pledges, *format);
  pledges->footer(
      "CSV and JSON add the project, what is deferred (conditions not yet met) and the allowance.\n\n"
      "Example:\n  fundledger pledges --fund CPCJF --status open --format csv\n"
      "  fundledger pledges --as-of 2023-12-31 --format json");
  pledges->callback([&context, query, format, as_of] {
    if (!as_of->empty()) query->as_of = date_option(*as_of, "--as-of");
    Ledger ledger = open_ledger(context, OpenMode::read_only);
    print_pledges(list_pledges(ledger, *query), query->as_of, *format);
  });
}

}  // namespace fundledger::cli
