// The listing and amend commands of the master data: account list, fund list, donor list, project
// list, rate list, setting list; donor amend, fund amend, project amend.
#include "cli.hpp"

#include <fundledger/error.hpp>
#include <fundledger/master_data.hpp>

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <optional>

namespace fundledger::cli {

namespace {

struct ListOptions {
  std::string as_of;
  std::string currency;
  Format format = Format::table;
};

std::optional<Date> as_of_of(const ListOptions& options) {
  if (options.as_of.empty()) return std::nullopt;
  return date_option(options.as_of, "--as-of");
}

CLI::App* list_command(CLI::App& family, const char* description, std::shared_ptr<ListOptions> options, bool dated,
                       const char* example) {
  auto* list = family.add_subcommand("list", description);
  if (dated) {
    list->add_option("--as-of", options->as_of,
                     "what was in force on this day, YYYY-MM-DD (without it, the latest recorded, a change "
                     "effective in the future included)");
  }
  add_format_option(*list, options->format);
  list->footer(std::string("Example:\n  ") + example);
  return list;
}

std::string effective_text(const std::optional<Date>& day) { return day ? day->to_string() : "from the beginning"; }

}  // namespace

void add_list_command(CLI::App& family, Context& context, const std::string& what) {
  auto options = std::make_shared<ListOptions>();
  if (what == "account") {
    list_command(family, "the chart of accounts", options, false, "fundledger account list --format csv")
        ->callback([&context, options] {
          Listing listing{"accounts", {"code", "name", "class"}, {"Code", "Name", "Class"}, {}, {}, {}};
          for (const AccountInfo& a : list_accounts(open_ledger(context, OpenMode::read_only))) {
            listing.rows.push_back({a.code, a.name, account_class_name(a.account_class)});
          }
          listing.print(options->format);
        });
  } else if (what == "fund") {
    list_command(family, "the funds, with their latest names (--as-of: those in force on a day)", options, true, "fundledger fund list")
        ->callback([&context, options] {
          Listing listing{"funds", {"code", "name", "kind", "parent"}, {"Code", "Name", "Kind", "Parent"}, {}, {}, {}};
          for (const FundInfo& f : list_funds(open_ledger(context, OpenMode::read_only), as_of_of(*options))) {
            listing.rows.push_back({f.code, f.name, fund_kind_name(f.kind), f.parent});
          }
          listing.print(options->format);
        });
  } else if (what == "donor") {
    list_command(family, "the donors, with their latest names, categories and countries (--as-of: on a day)", options, true,
                 "fundledger donor list --as-of 2021-12-31")
        ->callback([&context, options] {
          Listing listing{"donors", {"code", "name", "category", "country"}, {"Code", "Name", "Category", "Country"}, {}, {}, {}};
          for (const DonorInfo& d : list_donors(open_ledger(context, OpenMode::read_only), as_of_of(*options))) {
            listing.rows.push_back({d.code, d.name, d.category, d.country});
          }
          listing.print(options->format);
        });
  } else if (what == "project") {
    list_command(family, "the projects, with their funds and PSC rates", options, true, "fundledger project list")
        ->callback([&context, options] {
          Listing listing{"projects", {"code", "name", "fund", "psc_rate"}, {"Code", "Name", "Fund", "PSC rate"}, {}, {}, {}};
          for (const ProjectInfo& p : list_projects(open_ledger(context, OpenMode::read_only), as_of_of(*options))) {
            listing.rows.push_back({p.code, p.name, p.fund, p.psc_rate ? p.psc_rate->to_string() : ""});
          }
          listing.print(options->format);
        });
  } else if (what == "rate") {
    auto* list = list_command(family, "the rates recorded, or with --as-of the rate in force for each currency", options,
                              true, "fundledger rate list --currency EUR --as-of 2024-03-15");
    list->add_option("--currency", options->currency, "one currency, like EUR");
    list->callback([&context, options] {
      Listing listing{"rates", {"currency", "effective", "per_usd"}, {"Currency", "Effective", "Per USD"}, {false, false, true}, {}, {}};
      for (const RateInfo& r : list_rates(open_ledger(context, OpenMode::read_only), options->currency, as_of_of(*options))) {
        listing.rows.push_back({r.currency, r.effective.to_string(), r.per_usd.to_string()});
      }
      listing.print(options->format);
    });
  } else if (what == "setting") {
    list_command(family, "the settings recorded, or with --as-of those in force on a day", options, true,
                 "fundledger setting list --as-of 2025-01-01")
        ->callback([&context, options] {
          Listing listing{"settings", {"key", "effective", "value"}, {"Key", "Effective", "Value"}, {}, {}, {}};
          for (const SettingInfo& s : list_settings(open_ledger(context, OpenMode::read_only), as_of_of(*options))) {
            listing.rows.push_back({s.key, effective_text(s.effective), s.value});
          }
          listing.print(options->format);
        });
  }
}

namespace {

struct AmendOptions {
  std::string code;
  std::string id;
  std::string effective;
  std::string name;
  std::string category;
  std::string country;
  std::string memo;
};

}  // namespace

void add_amend_command(CLI::App& family, Context& context, AmendKind kind) {
  const std::string what = kind == AmendKind::donor ? "donor" : kind == AmendKind::fund ? "fund" : "project";
  auto options = std::make_shared<AmendOptions>();
  auto* amend = family.add_subcommand(
      "amend", "change a " + what + "'s " + (kind == AmendKind::donor ? "name, category or country" : "name") +
                   " from a date on; reports use what is in force at their end date");
  amend->add_option("code", options->code, what + " code")->required();
  amend->add_option("--effective", options->effective, "the first day the change applies, YYYY-MM-DD")->required();
  amend->add_option("--name", options->name, "the new name");
  if (kind == AmendKind::donor) {
    amend->add_option("--category", options->category, "the new category");
    amend->add_option("--country", options->country, "the new ISO 3166-1 alpha-2 country code");
  }
  amend->add_option("--id", options->id,
                    "the event's id (default: AMD-" + what + "-CODE-DATE-FIELDS, like AMD-" + what +
                        "-CODE-2025-01-01-name)");
  amend->add_option("--memo", options->memo, "why");
  amend->footer(kind == AmendKind::donor
                    ? "Example:\n  fundledger donor amend TUR --effective 2022-06-01 --name Türkiye"
                    : "Example:\n  fundledger " + what + " amend CODE --effective 2025-01-01 --name \"New name\"");
  amend->callback([&context, options, kind, what] {
    AmendEvent event;
    event.kind = kind;
    event.code = options->code;
    event.effective = date_option(options->effective, "--effective");
    if (!options->name.empty()) event.name = options->name;
    if (!options->category.empty()) event.category = options->category;
    if (!options->country.empty()) event.country = options->country;
    // The default id names what changes, so that a change of the name and one of the country on
    // the same day are two events.
    std::string fields = std::string(event.name ? "-name" : "") + (event.category ? "-category" : "") +
                         (event.country ? "-country" : "");
    event.id = options->id.empty()
                   ? "AMD-" + what + "-" + options->code + "-" + event.effective.to_string() + fields
                   : options->id;
    event.memo = options->memo;
    if (!event.name && !event.category && !event.country) {
      throw Error(ErrorCode::usage, "an amend changes at least one field: give --name" +
                                        std::string(kind == AmendKind::donor ? ", --category or --country" : ""));
    }
    Ledger ledger = open_ledger(context, OpenMode::read_write);
    const Event parsed = event_from_options(canonical_json(Event{event}));
    RecordResult result;
    try {
      result = record_from_options(ledger, parsed);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::conflict || !options->id.empty()) throw;
      throw Error(ErrorCode::conflict, std::string(error.what()) +
                                           ": another change of the same fields on the same day needs its own --id");
    }
    const std::string label = what + " " + event.code + " from " + event.effective.to_string();
    std::fputs((result.recorded ? fmt::format("amended {} (seq {})\n", label, result.seq)
                                : fmt::format("the amendment of {} was already recorded identically\n", label))
                   .c_str(),
               stderr);
  });
}

}  // namespace fundledger::cli
