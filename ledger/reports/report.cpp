// build_report: the report modules by name, each over one consistent snapshot of the ledger.
#include "reports/support.hpp"

#include <fundledger/error.hpp>
#include <fundledger/reports.hpp>

#include <SQLiteCpp/Transaction.h>

namespace fundledger {

const std::vector<std::string>& report_names() {
  static const std::vector<std::string> names = {"trial-balance", "financial-position", "financial-performance",
                                                 "net-assets",    "contributions",      "aging",
                                                 "cash-flow"};
  return names;
}

Report build_report(const Ledger& ledger, std::string_view name, const ReportScope& request) {
  Ledger::Impl& impl = const_cast<Ledger&>(ledger).impl();
  using Builder = Report (*)(const reports::Scope&);
  static const std::pair<const char*, Builder> builders[] = {
      {"trial-balance", reports::trial_balance},       {"financial-position", reports::financial_position},
      {"financial-performance", reports::financial_performance}, {"net-assets", reports::net_assets},
      {"contributions", reports::contributions},       {"aging", reports::aging},
      {"cash-flow", reports::cash_flow}};
  for (const auto& [builder_name, builder] : builders) {
    if (name != builder_name) continue;
    try {
      SQLite::Transaction snapshot(impl.database);
      impl.refresh_if_changed();
      return builder(reports::resolve(impl, request));
    } catch (const Error&) {
      throw;
    } catch (const std::exception& error) {
      detail::throw_storage_error(error, "building the " + std::string(name) + " report");
    }
  }
  std::string known;
  for (const auto& report : report_names()) known += (known.empty() ? "" : ", ") + report;
  throw Error(ErrorCode::usage, "unknown report \"" + std::string(name) + "\": expected one of " + known);
}

}  // namespace fundledger
