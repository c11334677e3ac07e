// Messages to clients, encoded to JSON text once per audience (protocol/PROTOCOL.md, "Server
// messages"). What each audience may see is decided in views.cpp and nowhere else.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/events.hpp"
#include "core/meeting_state.hpp"

namespace everyvoice::codec {

// Who a frame is for. Every connection belongs to exactly one audience, from its person's role.
enum class Audience : std::uint8_t { participant, facilitator, display };
inline constexpr std::size_t audience_count = 3;

// Who receives what. These rules, like the views themselves, are defined in views.cpp and nowhere
// else: the meeting room asks them, it does not decide them.
Audience audience_for(core::Role role);
std::string_view audience_name(Audience audience);
// Whether a person's connections get the meeting's updates at all (not once removed).
bool receives_updates(const core::Participant& person);
// The equity figures (a `figures` message, and in snapshots) go to facilitators only.
bool receives_figures(Audience audience);
// The running result of a named "after_vote" poll goes, while it is open, to the people who have
// voted in it (facilitators see results in their polls section already).
bool receives_poll_results(const core::MeetingState& state, std::uint32_t poll, Audience audience, core::ParticipantId who);

// Above this many people (not removed, displays counted), a snapshot for participants and room
// displays lists only the facilitators in `people` and says `people_complete: false`.
inline constexpr std::size_t people_listed_max = 200;

// The parts of a view. An update carries only the sections its events touched (a client replaces
// each section it receives whole), except `decisions`, which is append-only: an update carries
// only the decisions it added.
enum Section : std::uint32_t {
  section_meeting = 1u << 0,
  section_queue = 1u << 1,
  section_turn = 1u << 2,
  section_round = 1u << 3,
  section_polls = 1u << 4,
  section_proposals = 1u << 5,
  section_decisions = 1u << 6,
  section_agreement = 1u << 7,
  section_points = 1u << 8,
  section_signals = 1u << 9,
  section_agenda = 1u << 10,
  all_sections = (1u << 11) - 1,
};

// The sections an event changes.
std::uint32_t sections_of(const core::Event& event);

// Events that change only counts (votes, upvotes, flags, signals). They are never sent one by one:
// their sections go out coalesced, a few times a second at most.
bool is_count_event(const core::Event& event);

// Joins and presence changes: sent at once when the meeting is quiet, else batched, at most one
// update of them per coalesce interval (a join storm would otherwise be one broadcast per person).
bool is_batched_event(const core::Event& event);

// The answer to join and resume. `token` only on the connection that joined (never broadcast).
std::string encode_welcome(std::string_view id, std::string_view code, const core::MeetingState& state,
                           core::ParticipantId you, const std::optional<std::string>& token, core::Millis now);

// The whole view an audience may see.
std::string encode_snapshot(const core::MeetingState& state, std::string_view code, Audience audience, core::Millis now);

// Whether an update to `audience` lists this event: count events never are, and in a big meeting
// neither are the person events of people the audience does not list (views::event_shown).
bool update_lists(const core::MeetingState& state, const core::Stamped& event, Audience audience);

// The events an update to `audience` lists and the given sections as they stand after them. `state`
// is the state after the events; `new_decisions` is how many decisions the events added.
std::string encode_update(const core::MeetingState& state, std::span<const core::Stamped> events, Audience audience,
                          core::Millis now, std::uint32_t sections, std::size_t new_decisions);

// A named poll's running result, for people who voted in an `after_vote` poll.
std::string encode_poll_results(const core::MeetingState& state, std::uint32_t poll);

// The equity figures, for facilitators; sent coalesced (at most one per figures interval).
std::string encode_figures(const core::MeetingState& state, core::Millis now);

std::string encode_ack(std::string_view id, core::Seq seq);
std::string encode_error(std::string_view id, std::string_view code, std::string_view message);
std::string encode_heartbeat(core::Seq seq, core::Millis now);
std::string encode_pong(std::string_view id, core::Seq seq, core::Millis now);

}  // namespace everyvoice::codec
