// Private: a pledge's figures as the pledges projection gives them (pledges.cpp), for verify to hold
// against the sums of its postings.
#pragma once

#include "engine/ledger_access.hpp"

#include <fundledger/contributions.hpp>

namespace fundledger::detail {

// The pledge as it stands, from the snapshot: what list_pledges gives for it.
PledgeStatus pledge_status(const Snapshot& snapshot, const PledgeRecord& pledge);

}  // namespace fundledger::detail
