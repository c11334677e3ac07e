// The meeting's two pure functions, the whole of its behaviour:
//   decide(state, actor, command, now) -> events, or a Rejection that changes nothing;
//   apply(state, stamped event)        -> the next state.
// replay() applies a log from the start, giving the same state the live meeting had.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/commands.hpp"
#include "core/errors.hpp"
#include "core/events.hpp"
#include "core/meeting_state.hpp"

namespace everyvoice::core {

struct Outcome {
  std::vector<Event> events;
  std::optional<Rejection> rejection;

  bool accepted() const { return !rejection.has_value(); }
  static Outcome reject(ErrorCode code, std::string message) {
    return Outcome{{}, Rejection{code, std::move(message)}};
  }
  static Outcome of(std::vector<Event> events) { return Outcome{std::move(events), std::nullopt}; }
};

Outcome decide(const MeetingState& state, ParticipantId actor, const Command& command, Millis now);

void apply(MeetingState& state, const Stamped& stamped);

MeetingState replay(const std::vector<Stamped>& log);

// The events of an accepted command as they enter the log: numbered after state.seq, at `now`.
std::vector<Stamped> stamp(const MeetingState& state, std::vector<Event> events, Millis now);

// decide, stamp and apply in one step, for callers that keep no separate log (tests, tools).
struct Handled {
  std::vector<Stamped> events;
  std::optional<Rejection> rejection;
  bool accepted() const { return !rejection.has_value(); }
};
Handled handle(MeetingState& state, ParticipantId actor, const Command& command, Millis now);

// Soft turn limit: how far past the limit the current turn is, or nullopt when it is not over
// (or there is no limit, or no turn).
std::optional<Millis> turn_overrun(const MeetingState& state, Millis now);

}  // namespace everyvoice::core
