// Meeting codes, facilitator keys and resume tokens. Keys and tokens are 128 random bits from the
// kernel, sent only inside messages (never in a URL) and kept only as SHA-256 hashes.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace everyvoice::net {

using SecretHash = std::array<std::uint8_t, 32>;

// 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G).
std::string new_meeting_code();
// Upper-cases a code typed by a person and drops spaces and dashes; "" if it cannot be a code.
std::string normalize_meeting_code(std::string_view typed);

// 128 random bits as 32 lowercase hex characters.
std::string new_secret();
SecretHash hash_secret(std::string_view secret);
std::uint64_t random_u64();

// The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key (RFC 6455 4.2.2: SHA-1, base64).
std::string websocket_accept_key(std::string_view client_key);

}  // namespace everyvoice::net
