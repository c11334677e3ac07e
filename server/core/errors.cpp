#include "core/errors.hpp"

namespace everyvoice::core {

std::string_view name_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::name_invalid: return "name_invalid";
    case ErrorCode::name_taken: return "name_taken";
    case ErrorCode::meeting_locked: return "meeting_locked";
    case ErrorCode::unknown_participant: return "unknown_participant";
    case ErrorCode::not_allowed: return "not_allowed";
    case ErrorCode::already_in_queue: return "already_in_queue";
    case ErrorCode::hand_not_raised: return "hand_not_raised";
    case ErrorCode::queue_empty: return "queue_empty";
    case ErrorCode::reason_required: return "reason_required";
    case ErrorCode::no_current_turn: return "no_current_turn";
    case ErrorCode::round_in_progress: return "round_in_progress";
    case ErrorCode::no_round: return "no_round";
    case ErrorCode::not_your_turn: return "not_your_turn";
    case ErrorCode::last_facilitator: return "last_facilitator";
    case ErrorCode::participant_away: return "participant_away";
    case ErrorCode::already_speaking: return "already_speaking";
    case ErrorCode::text_invalid: return "text_invalid";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::closed: return "closed";
    case ErrorCode::already_voted: return "already_voted";
    case ErrorCode::invalid_ballot: return "invalid_ballot";
    case ErrorCode::wrong_phase: return "wrong_phase";
    case ErrorCode::objection_open: return "objection_open";
    case ErrorCode::meeting_ended: return "meeting_ended";
    case ErrorCode::not_started: return "not_started";
  }
  return "unknown";
}

}  // namespace everyvoice::core
