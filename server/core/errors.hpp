// Why a command was refused. Codes are stable (they travel on the wire as their names); the message
// says, in plain words, what was wrong. A refused command changes nothing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace everyvoice::core {

enum class ErrorCode : std::uint8_t {
  invalid_argument,     // a field is out of range or malformed (an empty reason, a bad position)
  name_invalid,         // a display name is empty, too long or has control characters
  name_taken,           // another person in the meeting has that name (ignoring case)
  meeting_locked,       // the facilitator locked the meeting to new joins
  unknown_participant,  // no such person in this meeting (or they were removed)
  not_allowed,          // the actor's role may not do this
  already_in_queue,     // a person is in the queue at most once
  hand_not_raised,      // lowering or moving a hand that is not in the queue
  queue_empty,          // calling next with nobody waiting
  reason_required,      // an out-of-order act (override) needs a short reason
  no_current_turn,      // ending a turn when nobody has the floor
  round_in_progress,    // the queue is paused while a go-round runs; or a round is already running
  no_round,             // a go-round command with no round running
  not_your_turn,        // a go-round answer from someone who is not up
  last_facilitator,     // the meeting must keep at least one facilitator
  participant_away,     // the person is away and cannot take the floor
  already_speaking,     // the speaker cannot also wait in the queue
  text_invalid,         // a reason or topic is too long or not valid UTF-8
  not_found,            // no poll, proposal, objection, item or point with that number
  closed,               // the poll or proposal has ended
  already_voted,        // one ballot per person (anonymous polls); one upvote per point
  invalid_ballot,       // a ballot that does not fit the poll (an option that does not exist...)
  wrong_phase,          // a consent-round step out of its phase
  objection_open,       // a proposal cannot be adopted while an objection is open
  meeting_ended,        // the meeting has ended and is read-only
  not_started,          // the meeting is being prepared: only facilitators' preparation until it starts
};

std::string_view name_of(ErrorCode);

struct Rejection {
  ErrorCode code;
  std::string message;
  bool operator==(const Rejection&) const = default;
};

}  // namespace everyvoice::core
