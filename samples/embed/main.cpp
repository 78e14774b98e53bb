// Prints the contributions report of a ledger, opened read-only: what a reporting service does.
//
//   contributions_report LEDGER.db [PERIOD]
#include <fundledger/error.hpp>
#include <fundledger/ledger.hpp>
#include <fundledger/reports.hpp>

#include <iostream>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: contributions_report LEDGER.db [PERIOD]\n";
    return 64;
  }
  try {
    // Read-only: the finance officers may keep recording while the report is read.
    const auto ledger = fundledger::Ledger::open(argv[1], fundledger::OpenMode::read_only);
    fundledger::ReportScope scope;
    if (argc == 3) scope.period = fundledger::Period::parse(argv[2]);
    const auto report = fundledger::build_report(ledger, "contributions", scope);
    std::cout << fundledger::render_table(report);
    return 0;
  } catch (const fundledger::Error& error) {
    std::cerr << "contributions_report: " << error.what() << "\n";
    return fundledger::exit_status(error.code());
  }
}
