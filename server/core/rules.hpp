// Internal to server/core: one decide_command overload per command and one apply_event overload
// per event, defined next to the rules they belong to:
//   participants.cpp   joining, roles, presence, proxies, removal, lock
//   speaking_queue.cpp hands, calling, overrides, turns, policy, turn limit
//   go_round.cpp       go-rounds
// meeting.cpp dispatches to them with std::visit, so a forgotten case does not compile.
#pragma once

#include <string>
#include <string_view>

#include "core/commands.hpp"
#include "core/events.hpp"
#include "core/meeting.hpp"

namespace everyvoice::core::rules {

struct Context {
  const MeetingState& state;
  ParticipantId actor;
  Millis now;

  const Participant* actor_participant() const { return state.find_active(actor); }
  bool actor_runs_queue() const {
    const Participant* p = actor_participant();
    return p && runs_queue(p->role);
  }
  bool actor_is_facilitator() const {
    const Participant* p = actor_participant();
    return p && p->role == Role::facilitator;
  }
  // The actor is `who`, or runs the queue and `who` is a proxy they act for.
  bool acts_for(ParticipantId who) const;
};

Outcome unknown(ParticipantId who);
Outcome not_allowed(std::string_view what);
// A reason for an override: required, trimmed, at most max_reason_chars.
std::optional<Outcome> check_reason(std::string_view reason, std::string_view what);

// Events that end the current turn at ctx.now (a TurnEnded, and a RoundEnded when it was the
// round's last go). Empty when nobody holds the floor.
std::vector<Event> end_current_turn(const Context& ctx);

// participants.cpp
Outcome decide_command(const Context&, const Join&);
Outcome decide_command(const Context&, const AddProxy&);
Outcome decide_command(const Context&, const UpdateProfile&);
Outcome decide_command(const Context&, const SetPresence&);
Outcome decide_command(const Context&, const SetRole&);
Outcome decide_command(const Context&, const HandOverFacilitation&);
Outcome decide_command(const Context&, const RemoveParticipant&);
Outcome decide_command(const Context&, const SetLocked&);
void apply_event(MeetingState&, const MeetingOpened&, Millis);
void apply_event(MeetingState&, const ParticipantJoined&, Millis);
void apply_event(MeetingState&, const ProfileChanged&, Millis);
void apply_event(MeetingState&, const PresenceChanged&, Millis);
void apply_event(MeetingState&, const RoleChanged&, Millis);
void apply_event(MeetingState&, const ParticipantRemoved&, Millis);
void apply_event(MeetingState&, const LockChanged&, Millis);

// speaking_queue.cpp
Outcome decide_command(const Context&, const RaiseHand&);
Outcome decide_command(const Context&, const LowerHand&);
Outcome decide_command(const Context&, const CallNext&);
Outcome decide_command(const Context&, const CallSpeaker&);
Outcome decide_command(const Context&, const MoveEntry&);
Outcome decide_command(const Context&, const RemoveEntry&);
Outcome decide_command(const Context&, const EndTurn&);
Outcome decide_command(const Context&, const SetPolicy&);
Outcome decide_command(const Context&, const SetTurnLimit&);
void apply_event(MeetingState&, const HandRaised&, Millis);
void apply_event(MeetingState&, const HandLowered&, Millis);
void apply_event(MeetingState&, const EntryRemoved&, Millis);
void apply_event(MeetingState&, const EntryMoved&, Millis);
void apply_event(MeetingState&, const TurnStarted&, Millis);
void apply_event(MeetingState&, const TurnEnded&, Millis);
void apply_event(MeetingState&, const PolicyChanged&, Millis);
void apply_event(MeetingState&, const TurnLimitChanged&, Millis);

// go_round.cpp
Outcome decide_command(const Context&, const StartRound&);
Outcome decide_command(const Context&, const RoundSpeak&);
Outcome decide_command(const Context&, const RoundPass&);
Outcome decide_command(const Context&, const RoundSkip&);
Outcome decide_command(const Context&, const EndRound&);
void apply_event(MeetingState&, const RoundStarted&, Millis);
void apply_event(MeetingState&, const RoundPassed&, Millis);
void apply_event(MeetingState&, const RoundSkipped&, Millis);
void apply_event(MeetingState&, const RoundEnded&, Millis);

}  // namespace everyvoice::core::rules
