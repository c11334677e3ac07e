// SHA-256 (FIPS 180-4), for the decision record's hash chain. In the core because the chain is
// computed when a decision is decided, and the core links only the standard library.
#pragma once

#include <string>
#include <string_view>

namespace everyvoice::core {

// The digest of `data` as 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);

}  // namespace everyvoice::core
