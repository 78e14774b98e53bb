// build_report: the report modules by name, each over one consistent snapshot of the ledger.
#include "reports/support.hpp"

#include "engine/ledger_access.hpp"

#include <fundledger/error.hpp>
#include <fundledger/reports.hpp>


namespace fundledger {

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = {"trial-balance", "financial-position", "financial-performance",
                                                 "net-assets",    "cash-flow",          "contributions",
                                                 "aging",         "budget",             "donor-revenue",
                                                 "partners"};
  return names;
}

Report build_report(const Ledger& ledger, std::string_view name, const ReportScope& request) {
  using Builder = Report (*)(const reports::Scope&);
  static const std::pair<const char*, Builder> builders[] = {
      {"trial-balance", reports::trial_balance},       {"financial-position", reports::financial_position},
      {"financial-performance", reports::financial_performance}, {"net-assets", reports::net_assets},
      {"contributions", reports::contributions},       {"aging", reports::aging},
      {"cash-flow", reports::cash_flow},               {"budget", reports::budget},
      {"donor-revenue", reports::donor_revenue},       {"partners", reports::partners}};
  for (const auto& entry : builders) {
    if (name != entry.first) continue;
    const Builder builder = entry.second;
    return detail::guarded(detail::LedgerAccess::store(ledger), "building the " + std::string(name) + " report", [&] {
      // One consistent snapshot of the ledger.
      const detail::Snapshot snapshot = detail::LedgerAccess::read(ledger);
      Report report = builder(reports::resolve(*snapshot.txn, snapshot.master, request));
      if (!request.period && !request.as_of) {
        const auto closed = snapshot.txn->last_closed();
        report.default_span = closed ? "the fiscal year to the end of the latest closed month, " + closed->to_string()
                                     : "the fiscal year to the latest posting, " + report.to.to_string() +
                                           " (no month is closed yet)";
      }
      return report;
    });
  }
  std::string known;
  for (const auto& report : report_names()) known += (known.empty() ? "" : ", ") + report;
  throw Error(ErrorCode::usage, "unknown report \"" + std::string(name) + "\": expected one of " + known);
}

}  // namespace fundledger
