// Private: SHA-256 of the hash chain, through OpenSSL's libcrypto.
#pragma once

#include <string>
#include <string_view>

namespace fundledger::audit {

// Lowercase hex SHA-256 of first followed by second.
std::string sha256_hex(std::string_view first, std::string_view second);

// The prev_hash of the first event.
inline const std::string genesis_hash(64, '0');

}  // namespace fundledger::audit
