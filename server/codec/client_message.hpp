// Messages from clients, decoded from JSON text (protocol/PROTOCOL.md, "Client messages").
//
// Decoding is strict: the text must be one JSON object of at most a few levels of nesting with a
// string `type` and a string `id` (1 to 64 characters); every field must have its documented type,
// length and enum value; unknown fields are an error (`unknown_field`), so a typo is never silently
// ignored. Errors carry a stable code and, where one could be read, the message's id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/commands.hpp"

namespace everyvoice::codec {

inline constexpr int protocol_version = 1;  // major: changes only when old clients would break
inline constexpr int protocol_minor = 2;    // 1.2: what changed is listed in PROTOCOL.md, "Changes since 1"
inline constexpr std::size_t max_id_chars = 64;
inline constexpr std::size_t max_code_chars = 16;
inline constexpr std::size_t max_secret_chars = 128;

// Enter a meeting as a new person. A valid facilitator_key makes the person a facilitator.
struct JoinRequest {
  std::string code;
  std::string name;
  core::Role role = core::Role::participant;  // participant or observer (a room display)
  core::Location location = core::Location::remote;
  core::Preference preference = core::Preference::none;
  std::optional<std::string> facilitator_key;
  // The member keys this browser keeps (at most max_member_keys): the one of the meeting's group,
  // if any, makes the person a member present (their group's participation record).
  std::vector<std::string> member_keys;
  // false: the welcome comes alone, without the snapshot after it (a join page that keeps the
  // token and resumes on the next page has no use for the meeting's state).
  bool snapshot = true;
};
inline constexpr std::size_t max_member_keys = 8;

// Come back as the same person, with the token from `welcome` and the last seq the client saw.
struct ResumeRequest {
  std::string code;
  std::string token;
  core::Seq last_seq = 0;
};

struct Ping {};

using ClientMessage = std::variant<JoinRequest, ResumeRequest, Ping, core::Command>;

struct DecodeError {
  std::string code;     // bad_json, not_an_object, too_deep, missing_field, wrong_type, bad_value,
                        // too_long, unknown_type, unknown_field
  std::string message;  // names the field
};

struct Decoded {
  std::string id;  // the client's id, when one could be read (also on error)
  std::optional<ClientMessage> message;
  std::optional<DecodeError> error;
};

// `self` is the sender's participant id (0 before joining): commands that act on oneself by
// default ("raise_hand" without "for") are decoded with it.
Decoded decode_client_message(std::string_view text, core::ParticipantId self);

// The message types a client may send, in the order PROTOCOL.md lists them.
const std::vector<std::string_view>& client_message_types();

}  // namespace everyvoice::codec
