// fundledger::Error, the one exception type that crosses the library's boundary.
//
// Every failure the caller can act on (bad input, a conflict with what is stored, an overflow, a
// busy or broken database) is an Error carrying a stable ErrorCode. The command line maps each code
// to its exit status with exit_status(). Broken internal invariants are bugs, not Errors: they
// assert and stop.
//
// Thread-safety: Error is an immutable value; copies may be used from any thread.
#pragma once

#include <stdexcept>
#include <string>

namespace fundledger {

// The numbers are part of the contract (scripts and the reporting service may store them): never
// renumber or reuse one; add new codes at the end.
enum class ErrorCode : int {
  bad_input = 1,             // text or data that does not have the expected form
  overflow = 2,              // a result beyond the supported range
  division_by_zero = 3,      // a division whose divisor is zero
  currency_mismatch = 4,     // arithmetic between amounts of different currencies
  unknown_reference = 5,     // a code (account, fund, currency...) that does not exist or is closed
  conflict = 6,              // an id or code already recorded with a different body
  unbalanced = 7,            // an entry whose postings do not sum to zero
  closed_period = 8,         // an entry dated in a closed period
  input_unreadable = 9,      // an input file that cannot be opened or read
  output_uncreatable = 10,   // an output file that cannot be created or written
  storage = 11,              // the database failed, or is not a fundledger ledger
  busy = 12,                 // the database stayed locked by another writer; safe to retry
  verification_failed = 13,  // verify or replay found a difference
  usage = 14,                // a command used the wrong way
};

// The short, stable name of a code ("bad_input", "overflow", ...).
const char* error_code_name(ErrorCode code) noexcept;

// The exit status of the command line for an error of this code (README.md, "Exit status"):
// 1 verification, 64 usage, 65 bad input data, 66 unreadable input, 73 uncreatable output,
// 74 storage, 75 busy.
int exit_status(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace fundledger
