// The decision record: append-only, each entry chained to the one before by SHA-256.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decision_values.hpp"

namespace everyvoice::core {

// The bytes hashed for a decision: every field but `hash`, each length-prefixed, and prev_hash.
std::string decision_digest_input(const Decision& d);

// The hash a decision should carry given its fields and prev_hash.
std::string decision_hash(const Decision& d);

// nullopt when every entry's prev_hash is the previous entry's hash (the first: 64 zeros) and every
// hash matches its fields; otherwise the index of the first entry that does not.
std::optional<std::size_t> verify_decision_chain(const std::vector<Decision>& record);

inline const std::string genesis_hash(64, '0');

}  // namespace everyvoice::core
