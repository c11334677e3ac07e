// Per-role views: the one place that decides what each audience sees. Internal to server/codec.
#pragma once

#include <nlohmann/json.hpp>

#include "codec/server_message.hpp"
#include "core/meeting_state.hpp"

namespace everyvoice::codec::views {

// The meeting section; `code` left out when empty (an update's); `call_link` for facilitators and
// participants only (never on the room display).
// It carries `people_count`: people in the meeting, not removed, not room displays.
nlohmann::json meeting(const core::MeetingState& state, std::string_view code, Audience audience);
nlohmann::json person(const core::Participant& p, Audience audience);
// A person's own record in their welcome: what their audience sees of anyone, and what only they see
// of themselves (their preference, the polls they voted in and the points they upvoted, never what
// they chose).
nlohmann::json you(const core::MeetingState& state, core::ParticipantId you);
// Everyone not removed, for facilitators always and for the others while the meeting holds at most
// people_listed_max people; beyond that, participants and room displays get the facilitators only
// (a phone has no use for 5,000 rows: the queue, the turn and the round carry their own names).
nlohmann::json people(const core::MeetingState& state, Audience audience);
bool lists_everyone(const core::MeetingState& state, Audience audience);
// More than people_listed_max people (not removed, displays counted): the rule behind both the
// phones' short people list and the facilitators' figures without rows of zeros.
bool big_meeting(const core::MeetingState& state);
nlohmann::json queue(const core::MeetingState& state);
nlohmann::json turn(const core::MeetingState& state, core::Millis now);
nlohmann::json round(const core::MeetingState& state);
// The equity figures. Without `every_row`, the rows of people who have not spoken (all zeros) are
// left out and `people_complete` says so: what a big meeting sends its facilitators (7.6).
nlohmann::json figures(const core::MeetingState& state, core::Millis now, bool every_row = true);
nlohmann::json polls(const core::MeetingState& state, Audience audience);
nlohmann::json poll_result(const core::Poll& poll, const core::PollResult& result);
nlohmann::json proposals(const core::MeetingState& state, Audience audience);
nlohmann::json decisions(const core::MeetingState& state, std::size_t from);
nlohmann::json agreement(const core::MeetingState& state, Audience audience);
nlohmann::json points(const core::MeetingState& state, Audience audience);
nlohmann::json signals(const core::MeetingState& state, Audience audience, core::Millis now);
nlohmann::json agenda(const core::MeetingState& state, Audience audience, core::Millis now);
// The sections in `mask` as members of `out`.
void add_sections(nlohmann::json& out, const core::MeetingState& state, std::string_view code, Audience audience,
                  core::Millis now, std::uint32_t mask, std::size_t first_decision);
// An event as the audience may see it; people's events carry their person record after the change.
nlohmann::json event(const core::MeetingState& state, const core::Stamped& stamped, Audience audience);
// Whether the audience is told of the event at all. An audience whose people list leaves someone
// out (lists_everyone) is not told of that person's joining, details or presence either: the
// meeting section's people_count says how many there are. Without this, each phone in a join storm
// of N people would hear of every join: O(N^2) bytes in all.
bool event_shown(const core::MeetingState& state, const core::Stamped& stamped, Audience audience);

}  // namespace everyvoice::codec::views
