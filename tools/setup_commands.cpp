// init and the master data commands: account, fund, donor, project, currency, rate, setting.
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/events.hpp>
#include <fundledger/ledger.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <memory>

namespace fundledger::cli {

namespace {

// Records one master data event and says what happened.
void record_and_report(const Context& context, const Event& event, const std::string& what) {
  Ledger ledger = open_ledger(context, OpenMode::read_write);
  const RecordResult result = record_from_options(ledger, event_from_options(canonical_json(event)));
  if (result.recorded) {
    std::fputs(fmt::format("recorded {} (seq {})\n", what, result.seq).c_str(), stderr);
  } else {
    std::fputs(fmt::format("{} was already recorded identically: nothing to do\n", what).c_str(), stderr);
  }
}

// A group of subcommands (fund add, fund list, fund amend...), with its own examples.
CLI::App* family(CLI::App& app, const char* name, const char* description, const char* examples) {
  CLI::App* command = app.add_subcommand(name, description);
  command->require_subcommand(1);
  command->footer(std::string("Examples:\n") + examples);
  return command;
}

}  // namespace

void register_setup_commands(CLI::App& app, Context& context) {
  {
    auto* init = app.add_subcommand("init", "create a ledger with the standard chart of accounts and settings");
    auto bare = std::make_shared<bool>(false);
    init->add_flag("--bare", *bare, "create no accounts (settings only)");
    init->footer("Example:\n  fundledger --db cpcjf.db init");
    init->callback([&context, bare] {
      Ledger ledger = Ledger::init(context.database_path, *bare, context.options);
      std::fputs(fmt::format("created {} with {} events\n", context.database_path, ledger.event_count()).c_str(),
                 stderr);
    });
  }
  {
    auto* upgrade = app.add_subcommand("upgrade", "bring a ledger written by an older fundledger up to this one's format");
    upgrade->footer(
        "Adds what a newer format holds (tables the reports read, derived from the journal) and changes\n"
        "nothing recorded: the journal, its hashes and every balance stay as they were. Read-only\n"
        "commands refuse an older format until it is upgraded; any command that writes upgrades it too.\n\n"
        "Example:\n  fundledger --db cpcjf-2023.db upgrade");
    upgrade->callback([&context] {
      Ledger ledger = Ledger::open(context.database_path, OpenMode::read_write, context.options);
      std::fputs(fmt::format("{} is up to date ({} events)\n", ledger.path(), ledger.event_count()).c_str(), stderr);
    });
  }
  {
    auto* account = family(app, "account", "accounts of the chart",
                           "  fundledger account add 1150 --name \"Cash held by field offices\" --class asset\n"
                           "  fundledger account list");
    add_list_command(*account, context, "account");
    auto* add = account->add_subcommand("add", "add an account to the chart");
    auto event = std::make_shared<AccountEvent>();
    add->add_option("code", event->code, "account code, like 1150")->required();
    add->add_option("--name", event->name, "what the account holds")->required();
    add_choice<AccountClass>(*add, "--class", event->account_class,
                             {{"asset", AccountClass::asset},
                              {"liability", AccountClass::liability},
                              {"net-assets", AccountClass::net_assets},
                              {"revenue", AccountClass::revenue},
                              {"expense", AccountClass::expense}},
                             "asset, liability, net-assets, revenue or expense")
        ->required();
    add->footer("Example:\n  fundledger account add 1150 --name \"Cash held by field offices\" --class asset");
    add->callback([&context, event] { record_and_report(context, *event, "account " + event->code); });
  }
  {
    auto* fund = family(app, "fund", "funds, each balancing on its own",
                        "  fundledger fund add UNTOC --name \"UNTOC funding mechanism\" --kind special --parent CPCJF\n"
                        "  fundledger fund list\n"
                        "  fundledger fund amend UNTOC --effective 2025-01-01 --name \"UNTOC mechanism\"");
    add_list_command(*fund, context, "fund");
    add_amend_command(*fund, context, AmendKind::fund);
    auto* add = fund->add_subcommand("add", "add a fund");
    auto event = std::make_shared<FundEvent>();
    add->add_option("code", event->code, "fund code, like CPCJF")->required();
    add->add_option("--name", event->name, "the fund's name")->required();
    add_choice<FundKind>(*add, "--kind", event->kind,
                         {{"general", FundKind::general}, {"special", FundKind::special}, {"psc", FundKind::psc}},
                         "general, special or psc")
        ->required();
    add->add_option("--parent", event->parent, "the fund this one is operated within");
    add->footer(
        "Example:\n  fundledger fund add UNTOC --name \"UNTOC funding mechanism\" --kind special --parent CPCJF");
    add->callback([&context, event] { record_and_report(context, *event, "fund " + event->code); });
  }
  {
    auto* donor = family(app, "donor", "donors: Member States, institutions, private donors",
                         "  fundledger donor add DEU --name Germany --category government --country DE\n"
                         "  fundledger donor list\n"
                         "  fundledger donor amend TUR --effective 2022-06-01 --name Türkiye");
    add_list_command(*donor, context, "donor");
    add_amend_command(*donor, context, AmendKind::donor);
    auto* add = donor->add_subcommand("add", "add a donor");
    auto event = std::make_shared<DonorEvent>();
    add->add_option("code", event->code, "donor code, like DEU")->required();
    add->add_option("--name", event->name, "the donor's name")->required();
    add->add_option("--category", event->category,
                    "government, financial-institution, un-entity, intergovernmental, ngo, foundation, "
                    "private or other");
    add->add_option("--country", event->country, "ISO 3166-1 alpha-2 country code, like DE");
    add->footer("Example:\n  fundledger donor add DEU --name Germany --category government --country DE");
    add->callback([&context, event] { record_and_report(context, *event, "donor " + event->code); });
  }
  {
    auto* project = family(app, "project", "projects that spend from a fund",
                           "  fundledger project add GLOZ82 --name \"Trafficking in persons\" --fund CPCJF\n"
                           "  fundledger project list");
    add_list_command(*project, context, "project");
    add_amend_command(*project, context, AmendKind::project);
    auto* add = project->add_subcommand("add", "add a project");
    auto event = std::make_shared<ProjectEvent>();
    add->add_option("code", event->code, "project code, like GLOZ82")->required();
    add->add_option("--name", event->name, "the project's name")->required();
    add->add_option("--fund", event->fund, "the fund it spends from")->required();
    add->footer("Example:\n  fundledger project add GLOZ82 --name \"Trafficking in persons\" --fund CPCJF");
    add->callback([&context, event] { record_and_report(context, *event, "project " + event->code); });
  }
  {
    auto* currency = family(app, "currency", "currencies beyond ISO 4217", "  fundledger currency add XUA --minor-units 2");
    auto* add = currency->add_subcommand("add", "declare a currency and its minor units");
    auto event = std::make_shared<CurrencyEvent>();
    add->add_option("code", event->code, "currency code")->required();
    add->add_option("--minor-units", event->minor_units, "digits after the point")->required();
    add->footer("Example:\n  fundledger currency add XUA --minor-units 2");
    add->callback([&context, event] { record_and_report(context, *event, "currency " + event->code); });
  }
  {
    auto* rate = family(app, "rate", "UN operational rates of exchange",
                        "  fundledger rate set EUR 0.912 --effective 2024-01-01\n"
                        "  fundledger rate list --currency EUR --as-of 2024-03-15");
    add_list_command(*rate, context, "rate");
    auto* set = rate->add_subcommand("set", "record a rate: units of the currency per 1 USD");
    auto currency = std::make_shared<std::string>();
    auto per_usd = std::make_shared<std::string>();
    auto effective = std::make_shared<std::string>();
    set->add_option("currency", *currency, "currency code, like EUR")->required();
    set->add_option("per_usd", *per_usd, "units of the currency per 1 USD, like 0.912")->required();
    set->add_option("--effective", *effective, "first day the rate applies, YYYY-MM-DD")->required();
    set->footer("Example:\n  fundledger rate set EUR 0.912 --effective 2024-01-01");
    set->callback([&context, currency, per_usd, effective] {
      RateEvent event;
      event.currency = *currency;
      event.per_usd = decimal_option(*per_usd, "per_usd");
      event.effective = date_option(*effective, "--effective");
      record_and_report(context, event, "the " + *currency + " rate effective " + *effective);
    });
  }
  {
    auto* setting = family(app, "setting", "ledger settings, each in force from a date",
                           "  fundledger setting set psc_fund PSC\n"
                           "  fundledger setting set psc_rate 0.08 --effective 2025-01-01\n"
                           "  fundledger setting list --as-of 2025-01-01");
    add_list_command(*setting, context, "setting");
    auto* set = setting->add_subcommand("set", "record a setting, in force from a date or from the start");
    auto key = std::make_shared<std::string>();
    auto value = std::make_shared<std::string>();
    auto effective = std::make_shared<std::string>();
    set->add_option("key", *key,
                    "rounding, psc_rate, psc_fund, recognition, max_future_days, year_end, psc_own_spending, "
                    "rules_version, iati_org_ref, iati_org_name or iati_sector")
        ->required();
    set->add_option("value", *value, "the value")->required();
    set->add_option("--effective", *effective, "first day it applies, YYYY-MM-DD");
    set->footer("Example:\n  fundledger setting set psc_rate 0.08 --effective 2025-01-01");
    set->callback([&context, key, value, effective] {
      SettingEvent event{*key, *value, std::nullopt};
      if (!effective->empty()) event.effective = date_option(*effective, "--effective");
      record_and_report(context, event, "setting " + *key);
    });
  }
}

}  // namespace fundledger::cli
