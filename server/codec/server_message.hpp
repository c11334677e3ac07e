// Messages to clients, encoded to JSON text once per audience (protocol/PROTOCOL.md, "Server
// messages"). What each audience may see is decided in views.cpp and nowhere else.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.hpp"
#include "core/meeting_state.hpp"

namespace everyvoice::codec {

// Who a frame is for. Every connection belongs to exactly one audience, from its person's role.
enum class Audience : std::uint8_t { participant, facilitator, display };
inline constexpr std::size_t audience_count = 3;
Audience audience_for(core::Role role);

// The answer to join and resume. `token` only on the connection that joined (never broadcast).
std::string encode_welcome(std::string_view id, std::string_view code, const core::MeetingState& state,
                           core::ParticipantId you, const std::optional<std::string>& token, core::Millis now);

// The whole view an audience may see.
std::string encode_snapshot(const core::MeetingState& state, std::string_view code, Audience audience, core::Millis now);

// One accepted command's events, with the derived sections (meeting, queue, turn, round) as they
// stand after them. `state` is the state after the events.
std::string encode_update(const core::MeetingState& state, const std::vector<core::Stamped>& events, Audience audience,
                          core::Millis now);

// The equity figures, for facilitators; sent coalesced (at most one per figures interval).
std::string encode_figures(const core::MeetingState& state, core::Millis now);

std::string encode_ack(std::string_view id, core::Seq seq);
std::string encode_error(std::string_view id, std::string_view code, std::string_view message);
std::string encode_heartbeat(core::Seq seq, core::Millis now);
std::string encode_pong(std::string_view id, core::Seq seq, core::Millis now);

}  // namespace everyvoice::codec
