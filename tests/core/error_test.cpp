// Tests of the error codes: their names, their numbers and the exit statuses the command line maps
// them to. Scripts and the reporting service store the numbers and react to the exit statuses, so
// each one is checked explicitly, not by a loop that would accept any renumbering.
#include <fundledger/error.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using fundledger::Error;
using fundledger::ErrorCode;

namespace {

struct CodeRow {
  ErrorCode code;
  int number;
  const char* name;
  int exit_status;
};

// The contract, written out once: the number stored on disk, the stable name and the exit status
// of the command line (1 verification, 64 usage, 65 bad data, 66 unreadable input, 73 uncreatable
// output, 74 storage, 75 busy).
const CodeRow contract[] = {
    {ErrorCode::bad_input, 1, "bad_input", 65},
    {ErrorCode::overflow, 2, "overflow", 65},
    {ErrorCode::division_by_zero, 3, "division_by_zero", 65},
    {ErrorCode::currency_mismatch, 4, "currency_mismatch", 65},
    {ErrorCode::unknown_reference, 5, "unknown_reference", 65},
    {ErrorCode::conflict, 6, "conflict", 65},
    {ErrorCode::unbalanced, 7, "unbalanced", 65},
    {ErrorCode::closed_period, 8, "closed_period", 65},
    {ErrorCode::input_unreadable, 9, "input_unreadable", 66},
    {ErrorCode::output_uncreatable, 10, "output_uncreatable", 73},
    {ErrorCode::storage, 11, "storage", 74},
    {ErrorCode::busy, 12, "busy", 75},
    {ErrorCode::verification_failed, 13, "verification_failed", 1},
    {ErrorCode::usage, 14, "usage", 64},
};

}  // namespace

TEST_CASE("Error codes keep the numbers that are stored on disk") {
  for (const CodeRow& row : contract) {
    INFO("code " << row.name);
    CHECK(static_cast<int>(row.code) == row.number);
  }
}

TEST_CASE("Error code names are the short stable names") {
  for (const CodeRow& row : contract) {
    INFO("code number " << row.number);
    CHECK(std::string(fundledger::error_code_name(row.code)) == row.name);
  }
}

TEST_CASE("Error codes map to the documented exit statuses") {
  for (const CodeRow& row : contract) {
    INFO("code " << row.name);
    CHECK(fundledger::exit_status(row.code) == row.exit_status);
  }
}

TEST_CASE("Error codes beyond the enumerators get a name and a software-error status") {
  // A number read from a newer database may not be an enumerator this build knows; the functions
  // must still answer instead of reading past a table.
  const auto unknown = static_cast<ErrorCode>(999);
  CHECK(std::string(fundledger::error_code_name(unknown)) == "unknown");
  CHECK(fundledger::exit_status(unknown) == 70);
}

TEST_CASE("Error carries its code and message and is a std::runtime_error") {
  const Error error(ErrorCode::conflict, "event \"E-1\" already recorded with another body");
  CHECK(error.code() == ErrorCode::conflict);
  CHECK(std::string(error.what()) == "event \"E-1\" already recorded with another body");
  // Callers that only know the standard library must still be able to catch it and read it.
  try {
    throw Error(ErrorCode::busy, "database is locked");
  } catch (const std::runtime_error& caught) {
    CHECK(std::string(caught.what()) == "database is locked");
  }
}
