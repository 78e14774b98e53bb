// Private: the mutants of the mutation tests. verify's invariants (audit/invariants.hpp) must catch a
// rule that is wrong; to prove that each can fail, a test-only build of the library (the target
// fundledger_mutants, never installed or shipped) compiles the rules with FUNDLEDGER_MUTANTS, and the
// environment variable FUNDLEDGER_MUTANT names the one rule to break:
//   skip_carrying_relief     a relief takes the day's value, not the USD the holding carries (2)
//   skew_trading_leg         a settlement across currencies passes 1900 at two USD values (1)
//   skip_allowance_release   an allowance stays beyond its receivable (3)
//   let_overdraft_through    the cash rule lets every overdraft through (4)
//   apply_twice              an apply leaves the money it applied held, to be applied again (2)
//   skip_year_end_3200       the year-end leaves the transfers in 3200 (5)
//   miscount_received        the pledge projection leaves applications out of what was received (6)
// (the invariant each breaks in brackets). In every other build FUNDLEDGER_MUTANT(name) is false.
#pragma once

#ifdef FUNDLEDGER_MUTANTS
#include <cstdlib>
#include <string_view>

namespace fundledger::detail {
inline bool mutant_active(std::string_view name) {
  const char* active = std::getenv("FUNDLEDGER_MUTANT");
  return active && name == active;
}
}  // namespace fundledger::detail
#define FUNDLEDGER_MUTANT(name) ::fundledger::detail::mutant_active(name)
#else
#define FUNDLEDGER_MUTANT(name) false
#endif
