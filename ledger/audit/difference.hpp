// Private: what differs between two canonical JSON arrays of postings, said as a person would.
#pragma once

#include <optional>
#include <string>

namespace fundledger::audit {

// "postings[2].functional_amount: re-derived "-10810.81", recorded "-11363.64"", or the counts when
// they differ; empty when both are the same. derived and recorded are canonical JSON arrays of
// objects (or absent: no postings).
std::string postings_difference(const std::optional<std::string>& derived, const std::optional<std::string>& recorded);

}  // namespace fundledger::audit
