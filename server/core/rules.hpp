// Internal to server/core: one decide_command overload per command and one apply_event overload
// per event, defined next to the rules they belong to:
//   participants.cpp   joining, roles, presence, proxies, removal, lock
//   speaking_queue.cpp hands, calling, overrides, turns, policy, turn limit
//   go_round.cpp       go-rounds
//   polls.cpp          polls, named and anonymous
//   consent_round.cpp  proposals, consent answers, objections
//   agreement.cpp      the working together agreement
//   written_points.cpp written points and questions
//   signals.cpp        process signals
//   agenda.cpp         agenda items
// meeting.cpp dispatches to them with std::visit, so a forgotten case does not compile.
#pragma once

#include <set>
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
Outcome decide_command(const Context&, const SetCallLink&);
Outcome decide_command(const Context&, const EndMeeting&);
Outcome decide_command(const Context&, const StartMeeting&);
void apply_event(MeetingState&, const MeetingEnded&, Millis);
void apply_event(MeetingState&, const MeetingOpened&, Millis);
void apply_event(MeetingState&, const TimeZoneSet&, Millis);
void apply_event(MeetingState&, const LanguageSet&, Millis);
void apply_event(MeetingState&, const MeetingScheduled&, Millis);
void apply_event(MeetingState&, const MeetingStarted&, Millis);
void apply_event(MeetingState&, const ParticipantJoined&, Millis);
void apply_event(MeetingState&, const ProfileChanged&, Millis);
void apply_event(MeetingState&, const PresenceChanged&, Millis);
void apply_event(MeetingState&, const RoleChanged&, Millis);
void apply_event(MeetingState&, const ParticipantRemoved&, Millis);
void apply_event(MeetingState&, const LockChanged&, Millis);
void apply_event(MeetingState&, const CallLinkSet&, Millis);

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

// The people present now (see is_present), in join order.
std::vector<const Participant*> present_people(const MeetingState& state);
// A decision entry chained to the record so far (server/core/decision_record.cpp). Present: the
// people present now and, in join order with them, everyone in `took_part` (who voted or answered
// in what is decided) even if away or gone since: whoever acted took part.
Decision make_decision(const Context& ctx, std::string title, std::string text, std::string method, bool anonymous,
                       std::string result, std::vector<std::string> dissent, std::string review_date,
                       const std::set<ParticipantId>& took_part = {});
// Checks a review date: empty or YYYY-MM-DD.
std::optional<Outcome> check_review_date(std::string_view date);
// Checks free text: trimmed length 1..max (or 0..max when optional).
std::optional<Outcome> check_text(std::string_view text, std::size_t max_chars, std::string_view what, bool required);

// polls.cpp
Outcome decide_command(const Context&, const OpenPoll&);
Outcome decide_command(const Context&, const CastVote&);
Outcome decide_command(const Context&, const ClosePoll&);
Outcome decide_command(const Context&, const CancelPoll&);
void apply_event(MeetingState&, const PollOpened&, Millis);
void apply_event(MeetingState&, const VoteRecorded&, Millis);
void apply_event(MeetingState&, const VoterRecorded&, Millis);
void apply_event(MeetingState&, const BallotCounted&, Millis);
void apply_event(MeetingState&, const PollClosed&, Millis);
void apply_event(MeetingState&, const PollCancelled&, Millis);

// consent_round.cpp
Outcome decide_command(const Context&, const PresentProposal&);
Outcome decide_command(const Context&, const PresentDraftProposal&);
Outcome decide_command(const Context&, const SetConsentPhase&);
Outcome decide_command(const Context&, const AnswerConsent&);
Outcome decide_command(const Context&, const WithdrawObjection&);
Outcome decide_command(const Context&, const AmendProposal&);
Outcome decide_command(const Context&, const AdoptProposal&);
Outcome decide_command(const Context&, const CloseProposal&);
void apply_event(MeetingState&, const ProposalPresented&, Millis);
void apply_event(MeetingState&, const ProposalDrafted&, Millis);
void apply_event(MeetingState&, const DraftProposalPresented&, Millis);
void apply_event(MeetingState&, const ConsentPhaseChanged&, Millis);
void apply_event(MeetingState&, const ConsentAnswered&, Millis);
void apply_event(MeetingState&, const ObjectionWithdrawn&, Millis);
void apply_event(MeetingState&, const ProposalAmended&, Millis);
void apply_event(MeetingState&, const ProposalRetitled&, Millis);
void apply_event(MeetingState&, const ProposalEnded&, Millis);
void apply_event(MeetingState&, const DecisionRecorded&, Millis);

// agreement.cpp
Outcome decide_command(const Context&, const ProposeAgreementItem&);
Outcome decide_command(const Context&, const QuickConsentCheck&);
Outcome decide_command(const Context&, const FlagAgreementItem&);
void apply_event(MeetingState&, const AgreementItemProposed&, Millis);
void apply_event(MeetingState&, const AgreementItemChanged&, Millis);
void apply_event(MeetingState&, const AgreementFlagged&, Millis);
void apply_event(MeetingState&, const GroupAgreementCarried&, Millis);

// written_points.cpp
Outcome decide_command(const Context&, const SubmitPoint&);
Outcome decide_command(const Context&, const UpvotePoint&);
Outcome decide_command(const Context&, const SetPointStatus&);
Outcome decide_command(const Context&, const SetPointsShown&);
Outcome decide_command(const Context&, const SetPointsModerated&);
Outcome decide_command(const Context&, const CarryPointForward&);
void apply_event(MeetingState&, const PointFollowable&, Millis);
void apply_event(MeetingState&, const PointCarried&, Millis);
void apply_event(MeetingState&, const MemberAttended&, Millis);
void apply_event(MeetingState&, const RolesAssigned&, Millis);
Outcome decide_command(const Context&, const OpenDraftPoll&);
void apply_event(MeetingState&, const PointSubmitted&, Millis);
void apply_event(MeetingState&, const PointUpvoted&, Millis);
void apply_event(MeetingState&, const PointStatusChanged&, Millis);
void apply_event(MeetingState&, const PointsShownChanged&, Millis);
void apply_event(MeetingState&, const PointsModerationChanged&, Millis);
void apply_event(MeetingState&, const PollDrafted&, Millis);
void apply_event(MeetingState&, const DraftPollOpened&, Millis);

// signals.cpp
Outcome decide_command(const Context&, const SendSignal&);
Outcome decide_command(const Context&, const SetSignalSettings&);
void apply_event(MeetingState&, const SignalSent&, Millis);
void apply_event(MeetingState&, const SignalSettingsChanged&, Millis);

// agenda.cpp
Outcome decide_command(const Context&, const AddAgendaItem&);
Outcome decide_command(const Context&, const StartAgendaItem&);
void apply_event(MeetingState&, const AgendaItemAdded&, Millis);
void apply_event(MeetingState&, const AgendaItemStarted&, Millis);

}  // namespace everyvoice::core::rules
