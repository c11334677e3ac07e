// The speaking queue's order: who speaks next, and why, under the meeting's policy.
//
// Kinds first: a point of process, then a clarifying question, then a direct reply, then a new
// point. Within a kind:
//   fifo         the earlier hand first;
//   progressive  people who have not spoken in this meeting first, then fewer turns, then less
//                speaking time, then the earlier hand;
//   hybrid       while both in-room and remote people wait, the two groups alternate (starting with
//                the group that did not speak last), progressive within each group.
// An entry a facilitator moved is pinned at the position they chose; the rest fill in around it.
// People who are away keep their place but are passed over by "call next".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/meeting_state.hpp"

namespace everyvoice::core {

enum class ReasonCode : std::uint8_t {
  moved_by_facilitator,  // "moved by the facilitator: time-sensitive"
  point_of_process,      // "point of process goes first"
  clarifying_question,   // "clarifying question goes before replies and new points"
  direct_reply,          // "direct reply goes before new points"
  not_spoken_yet,        // progressive / hybrid: "has not spoken yet"
  spoken_before,         // progressive / hybrid: "2 turns so far, 3 min 10 s"
  first_come,            // fifo: "first come, first served"
};
std::string_view name_of(ReasonCode);

struct QueuePlace {
  ParticipantId who = 0;
  HandKind kind = HandKind::new_point;
  std::uint32_t position = 0;  // 0 is next
  ReasonCode reason_code = ReasonCode::first_come;
  std::string reason;  // a sentence a person understands (English): reason_sentence(*this)
  Millis raised_at = 0;
  bool away = false;
  // What the sentence is made of, so that a client can word it in its own language:
  bool history = false;       // it tells the person's turns and time (policy part, progressive or hybrid)
  std::uint32_t turns = 0;    // with history: turns so far ("has not spoken yet" when 0)
  Millis spoken_ms = 0;       // with history: speaking time so far
  bool alternating = false;   // with history: "in-room and remote take turns; " comes first
  std::string moved_reason;   // moved_by_facilitator: the reason the queue runner gave
  bool operator==(const QueuePlace&) const = default;
};

// The English sentence of a place, from its reason_code, history, turns, spoken_ms, alternating,
// moved_reason and away ("clarifying question goes before replies and new points; in-room and
// remote take turns; 2 turns so far, 3 min 10 s (away: passed over until back)"). A place of a
// clarifying question or direct reply without history is under fifo: "...; first come, first served".
std::string reason_sentence(const QueuePlace& place);

// The queue in the order people will be served, each entry with why it is there.
std::vector<QueuePlace> ordered_queue(const MeetingState& state);

// Takes `who`'s entry out of the queue (called, lowered, taken down, removed). An entry a
// facilitator moved keeps that many people ahead of it, no more: each one ahead who leaves brings
// it one place nearer the front, so a move can never keep someone waiting for good.
void leave_queue(MeetingState& state, ParticipantId who);

// The first person "call next" would give the floor to: the first in order who is not away.
const QueuePlace* next_to_call(const std::vector<QueuePlace>& order);

}  // namespace everyvoice::core
