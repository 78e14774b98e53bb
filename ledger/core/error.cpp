// Names and exit statuses of the error codes.
#include <fundledger/error.hpp>

namespace fundledger {

const char* error_code_name(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::bad_input: return "bad_input";
    case ErrorCode::overflow: return "overflow";
    case ErrorCode::division_by_zero: return "division_by_zero";
    case ErrorCode::currency_mismatch: return "currency_mismatch";
    case ErrorCode::unknown_reference: return "unknown_reference";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::unbalanced: return "unbalanced";
    case ErrorCode::closed_period: return "closed_period";
    case ErrorCode::input_unreadable: return "input_unreadable";
    case ErrorCode::output_uncreatable: return "output_uncreatable";
    case ErrorCode::storage: return "storage";
    case ErrorCode::busy: return "busy";
    case ErrorCode::verification_failed: return "verification_failed";
    case ErrorCode::usage: return "usage";
  }
  return "unknown";
}

int exit_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::verification_failed: return 1;
    case ErrorCode::usage: return 64;
    case ErrorCode::input_unreadable: return 66;
    case ErrorCode::output_uncreatable: return 73;
    case ErrorCode::storage: return 74;
    case ErrorCode::busy: return 75;
    case ErrorCode::bad_input:
    case ErrorCode::overflow:
    case ErrorCode::division_by_zero:
    case ErrorCode::currency_mismatch:
    case ErrorCode::unknown_reference:
    case ErrorCode::conflict:
    case ErrorCode::unbalanced:
    case ErrorCode::closed_period: return 65;
  }
  return 70;
}

}  // namespace fundledger
