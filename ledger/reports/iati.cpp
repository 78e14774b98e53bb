// export_iati: the funds' transactions as IATI 2.03 activity XML (see fundledger/iati.hpp).
#include "core/event_json.hpp"
#include "core/master.hpp"
#include "engine/ledger_access.hpp"

#include <fundledger/error.hpp>
#include <fundledger/iati.hpp>
#include <fundledger/reports.hpp>

#include <map>
#include <ostream>
#include <set>
#include <vector>

namespace fundledger {

namespace {

using detail::MasterState;

// IATI codes (TransactionType, OrganisationRole, OrganisationType, BudgetType).
constexpr int incoming_commitment = 11;
constexpr int incoming_funds = 1;
constexpr int disbursement = 3;
constexpr int expenditure = 4;

struct Organisation {
  std::string ref;
  std::string name;
};

struct Transaction {
  int type = 0;
  Date date = Date::from_day_number(0);
  Decimal value;
  std::string currency;
  std::string description;
  std::optional<Organisation> provider;
  std::optional<Organisation> receiver;
};

struct Budget {
  int type = 1;  // 1 original, 2 revised
  int year = 0;
  Decimal value;
};

struct Activity {
  std::string identifier;
  std::string title;
  std::vector<Transaction> transactions;
  std::vector<Budget> budgets;
  std::map<std::string, std::string> funders;  // donor code -> name
  std::set<std::string> partners;
};

std::string escaped(std::string_view text) { return escape_markup(text); }

// A record the journal names by code (recorded before the event that names it).
template <class Table>
const auto& recorded(const Table& table, const std::string& code) {
  const auto* record = table.find(code);
  if (!record) throw Error(ErrorCode::storage, "the journal names " + code + ", which is not recorded");
  return *record;
}

std::string narrative(std::string_view text) { return "<narrative>" + escaped(text) + "</narrative>"; }

// The activities of the ledger, by fund and project, and what the export writes into them.
class Collector {
 public:
  // Names are those in force on day (the period's end).
  Collector(const MasterState& master, store::ReadTxn& txn, Organisation reporter, Date day)
      : master_(master), txn_(txn), reporter_(std::move(reporter)), day_(day) {}

  Activity& activity(const std::string& fund, const std::string& project) {
    const std::string identifier = reporter_.ref + "-" + fund + (project.empty() ? "" : "-" + project);
    auto [found, fresh] = activities_.try_emplace(identifier);
    if (fresh) {
      found->second.identifier = identifier;
      const auto* record = project.empty() ? nullptr : master_.projects.find(project);
      found->second.title = record ? detail::name_on(*record, day_) : detail::name_on(recorded(master_.funds, fund), day_);
    }
    return found->second;
  }

  Organisation donor(const std::string& code) const {
    const auto* record = master_.donors.find(code);
    return {code, record ? detail::name_on(*record, day_) : code};
  }

  // The transaction an event makes, into its activity; negated for a reversal.
  void add(const Event& event, Date date, int sign, const std::string& what);
  void add_budgets(const std::set<int>& years);
  const std::map<std::string, Activity>& activities() const { return activities_; }

 private:
  void add_transaction(const std::string& fund, const std::string& project, Transaction transaction) {
    Activity& target = activity(fund, project);
    if (transaction.provider && transaction.type != disbursement && transaction.type != expenditure) {
      target.funders[transaction.provider->ref] = transaction.provider->name;
    }
    target.transactions.push_back(std::move(transaction));
  }
  std::string project_of_pledge(const std::string& pledge) const {
    const auto* record = master_.pledges.find(pledge);
    return record && record->project_id ? master_.projects.by_id(record->project_id).code : std::string();
  }

  const MasterState& master_;
  store::ReadTxn& txn_;
  Organisation reporter_;
  Date day_;
  std::map<std::string, Activity> activities_;
};

void Collector::add(const Event& event, Date date, int sign, const std::string& what) {
  const Decimal minus_one = Decimal::from_integer(-1);
  auto signed_value = [&](const Decimal& value) { return sign < 0 ? value * minus_one : value; };
  const Organisation fund_receiver = reporter_;
  if (const auto* pledge = std::get_if<PledgeEvent>(&event)) {
    add_transaction(pledge->fund, pledge->project,
                    {incoming_commitment, date, signed_value(pledge->amount), pledge->currency, what + "Pledge " + pledge->id,
                     donor(pledge->donor), fund_receiver});
  } else if (const auto* reduction = std::get_if<ReductionEvent>(&event)) {
    const auto& reduced = recorded(master_.pledges, reduction->pledge);
    add_transaction(master_.funds.by_id(reduced.fund_id).code, project_of_pledge(reduction->pledge),
                    {incoming_commitment, date, signed_value(reduction->amount * minus_one),
                     master_.currencies.by_id(reduced.currency_id).code, what + "Reduction of pledge " + reduction->pledge,
                     donor(master_.donors.by_id(reduced.donor_id).code), fund_receiver});
  } else if (const auto* receipt = std::get_if<ReceiptEvent>(&event)) {
    std::string donor_code = receipt->donor;
    if (donor_code.empty() && !receipt->pledge.empty()) {
      donor_code = master_.donors.by_id(recorded(master_.pledges, receipt->pledge).donor_id).code;
    }
    add_transaction(receipt->fund, receipt->pledge.empty() ? std::string() : project_of_pledge(receipt->pledge),
                    {incoming_funds, date, signed_value(receipt->amount), receipt->currency, what + "Receipt " + receipt->id,
                     donor_code.empty() ? std::optional<Organisation>{} : donor(donor_code), fund_receiver});
  } else if (const auto* expense = std::get_if<ExpenseEvent>(&event)) {
    const bool grant = expense->category == ExpenseCategory::grant;
    add_transaction(expense->fund, expense->project,
                    {grant ? disbursement : expenditure, date, signed_value(expense->amount), expense->currency,
                     what + (grant ? "Grant " : "Expenditure ") + expense->id, reporter_, std::nullopt});
  } else if (const auto* advance = std::get_if<AdvanceEvent>(&event)) {
    activity(advance->fund, advance->project).partners.insert(advance->partner);
    add_transaction(advance->fund, advance->project,
                    {disbursement, date, signed_value(advance->amount), advance->currency,
                     what + "Advance " + advance->id + " to an implementing partner", reporter_,
                     Organisation{advance->partner, advance->partner}});
  }
}

void Collector::add_budgets(const std::set<int>& years) {
  std::vector<std::int64_t> funds;
  for (const auto& fund : master_.funds.all()) funds.push_back(fund.id);
  std::set<std::tuple<std::int64_t, std::int64_t, std::string, int>> seen;
  for (const detail::BudgetRow& row : txn_.budgets(funds)) {
    if (!years.count(row.year)) continue;
    const bool first = seen.insert({row.fund_id, row.project_id, row.category, row.year}).second;
    activity(master_.funds.by_id(row.fund_id).code, row.project_id ? master_.projects.by_id(row.project_id).code : "")
        .budgets.push_back({first ? 1 : 2, row.year, Decimal::from_minor_units(row.amount_minor, 2)});
  }
}

void write_transaction(std::ostream& out, const Transaction& t) {
  const std::string date = t.date.to_string();
  out << "    <transaction>\n      <transaction-type code=\"" << t.type << "\"/>\n      <transaction-date iso-date=\""
      << date << "\"/>\n      <value currency=\"" << escaped(t.currency) << "\" value-date=\"" << date << "\">"
      << t.value.to_string() << "</value>\n      <description>" << narrative(t.description) << "</description>\n";
  if (t.provider) {
    out << "      <provider-org ref=\"" << escaped(t.provider->ref) << "\">" << narrative(t.provider->name)
        << "</provider-org>\n";
  }
  if (t.receiver) {
    out << "      <receiver-org ref=\"" << escaped(t.receiver->ref) << "\">" << narrative(t.receiver->name)
        << "</receiver-org>\n";
  }
  out << "    </transaction>\n";
}

void write_activity(std::ostream& out, const Activity& activity, const Organisation& reporter, const std::string& sector,
                    const std::string& stamp) {
  out << "  <iati-activity last-updated-datetime=\"" << stamp << "\" xml:lang=\"en\" default-currency=\"USD\">\n"
      << "    <iati-identifier>" << escaped(activity.identifier) << "</iati-identifier>\n"
      << "    <reporting-org ref=\"" << escaped(reporter.ref) << "\" type=\"40\">" << narrative(reporter.name)
      << "</reporting-org>\n"
      << "    <title>" << narrative(activity.title) << "</title>\n"
      << "    <description>" << narrative("Voluntary contributions to " + activity.title + " and their use") << "</description>\n";
  for (const auto& [code, name] : activity.funders) {
    out << "    <participating-org ref=\"" << escaped(code) << "\" role=\"1\">" << narrative(name) << "</participating-org>\n";
  }
  out << "    <participating-org ref=\"" << escaped(reporter.ref) << "\" role=\"2\" type=\"40\">" << narrative(reporter.name)
      << "</participating-org>\n";
  for (const std::string& partner : activity.partners) {
    out << "    <participating-org ref=\"" << escaped(partner) << "\" role=\"4\">" << narrative(partner)
        << "</participating-org>\n";
  }
  Date start = Date::from_ymd(9999, 12, 31);
  for (const Transaction& t : activity.transactions) start = std::min(start, t.date);
  for (const Budget& b : activity.budgets) start = std::min(start, Date::from_ymd(b.year, 1, 1));
  out << "    <activity-status code=\"2\"/>\n    <activity-date iso-date=\"" << start.to_string() << "\" type=\"2\"/>\n"
      << "    <sector vocabulary=\"1\" code=\"" << escaped(sector) << "\"/>\n";
  for (const Budget& b : activity.budgets) {
    const std::string year = std::to_string(b.year);
    out << "    <budget type=\"" << b.type << "\" status=\"2\"><period-start iso-date=\"" << year
        << "-01-01\"/><period-end iso-date=\"" << year << "-12-31\"/><value currency=\"USD\" value-date=\"" << year
        << "-01-01\">" << b.value.to_string() << "</value></budget>\n";
  }
  for (const Transaction& t : activity.transactions) write_transaction(out, t);
  out << "  </iati-activity>\n";
}

}  // namespace

std::int64_t export_iati(const Ledger& ledger, std::ostream& out, const IatiOptions& options) {
  return detail::guarded(detail::LedgerAccess::store(ledger), "exporting IATI activities", [&] {
    const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger, detail::Pledges::read);
    const MasterState& master = snapshot.master;
    const Date to = options.period ? options.period->last_day() : Date::from_ymd(9999, 12, 31);
    const std::string org_ref = detail::setting_on(master, "iati_org_ref", to);
    if (org_ref.empty()) {
      throw Error(ErrorCode::usage, "the IATI identifier of the reporting organisation is not set: record it first, "
                                    "like fundledger setting set iati_org_ref XM-DAC-41114 (and iati_org_name)");
    }
    std::string org_name = detail::setting_on(master, "iati_org_name", to);
    std::string sector = detail::setting_on(master, "iati_sector", to);
    Collector collector(master, *snapshot.txn, {org_ref, org_name.empty() ? org_ref : org_name},
                        options.period ? to : Date::from_day_number(snapshot.txn->last_posting_day().value_or(0)));
    std::string stamp = "1970-01-01T00:00:00Z";
    std::set<int> years;
    snapshot.txn->scan_journal(1, [&](const store::JournalRow& row) {
      stamp = row.event.recorded_at;
      if (!row.event.day) return true;
      const Date date = Date::from_day_number(*row.event.day);
      if (options.period && (date < options.period->first_day() || options.period->last_day() < date)) return true;
      const Event event = detail::parse_stored_body(row.event.body);
      if (const auto* reversal = std::get_if<ReversalEvent>(&event)) {
        if (const auto target = snapshot.txn->find_event(reversal->reverses)) {
          collector.add(detail::parse_stored_body(target->body), date, -1, "Reversal " + reversal->id + " of: ");
        }
        return true;
      }
      collector.add(event, date, 1, "");
      return true;
    });
    if (options.period) {
      for (int year = options.period->first_day().year(); year <= options.period->last_day().year(); ++year) years.insert(year);
    } else {
      for (const detail::BudgetRow& row : snapshot.txn->budgets([&] {
             std::vector<std::int64_t> ids;
             for (const auto& fund : master.funds.all()) ids.push_back(fund.id);
             return ids;
           }())) {
        years.insert(row.year);
      }
    }
    collector.add_budgets(years);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\" generated-datetime=\"" << stamp
        << "\">\n";
    std::int64_t transactions = 0;
    for (const auto& [identifier, activity] : collector.activities()) {
      if (activity.transactions.empty() && activity.budgets.empty()) continue;
      write_activity(out, activity, {org_ref, org_name.empty() ? org_ref : org_name}, sector.empty() ? "15130" : sector,
                     stamp);
      transactions += static_cast<std::int64_t>(activity.transactions.size());
    }
    out << "</iati-activities>\n";
    return transactions;
  });
}

}  // namespace fundledger
