// What people ask the meeting to do. Each command is a small value; the core checks it against the
// state (server/core/meeting.hpp: decide) and answers with events or a Rejection.
// Who sends a command (the actor) travels beside it, not inside it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/decision_values.hpp"
#include "core/types.hpp"

namespace everyvoice::core {

// --- participants (server/core/participants.cpp) ---
struct Join {  // actor: server_actor; the shell decides the role (the facilitator key grants facilitator)
  std::string name;
  Role role = Role::participant;
  Location location = Location::remote;
  Preference preference = Preference::none;
  std::uint32_t member = 0;  // a member of the meeting's group (the shell checked their member key); 0: none
  bool operator==(const Join&) const = default;
};
struct AddProxy {  // facilitator: an in-room person without a device, acted for by facilitators
  std::string name;
  Location location = Location::in_room;
  bool operator==(const AddProxy&) const = default;
};
struct UpdateProfile {  // self (or a facilitator for a proxy)
  ParticipantId who;
  Location location;
  Preference preference;
  bool operator==(const UpdateProfile&) const = default;
};
struct SetPresence {  // self, a facilitator, or the server (a dropped connection after its grace period)
  ParticipantId who;
  Presence presence;
  bool operator==(const SetPresence&) const = default;
};
struct SetRole {  // facilitator: make someone co-facilitator, facilitator (shared), participant, observer
  ParticipantId who;
  Role role;
  bool operator==(const SetRole&) const = default;
};
struct HandOverFacilitation {  // facilitator: `to` becomes facilitator, the actor becomes a participant
  ParticipantId to;
  bool operator==(const HandOverFacilitation&) const = default;
};
struct RemoveParticipant {  // facilitator
  ParticipantId who;
  bool operator==(const RemoveParticipant&) const = default;
};
struct SetLocked {  // facilitator: lock or unlock the meeting to new joins
  bool locked;
  bool operator==(const SetLocked&) const = default;
};
struct EndMeeting {  // facilitator: the meeting becomes read-only
  bool operator==(const EndMeeting&) const = default;
};
struct StartMeeting {  // facilitator / co-facilitator: a meeting created to be prepared starts now
  bool operator==(const StartMeeting&) const = default;
};

// --- speaking queue (server/core/speaking_queue.cpp) ---
struct RaiseHand {  // self, or a facilitator / co-facilitator for a proxy
  ParticipantId who;
  HandKind kind = HandKind::new_point;
  bool operator==(const RaiseHand&) const = default;
};
struct LowerHand {  // self, or a facilitator / co-facilitator for a proxy
  ParticipantId who;
  bool operator==(const LowerHand&) const = default;
};
struct CallNext {  // facilitator / co-facilitator: the first in order takes the floor
  bool operator==(const CallNext&) const = default;
};
struct CallSpeaker {  // facilitator / co-facilitator: give the floor to `who`; out of order needs a reason
  ParticipantId who;
  std::string reason;
  bool operator==(const CallSpeaker&) const = default;
};
struct MoveEntry {  // facilitator / co-facilitator: pin an entry at a 0-based position (override)
  ParticipantId who;
  std::uint32_t position;
  std::string reason;
  bool operator==(const MoveEntry&) const = default;
};
struct RemoveEntry {  // facilitator / co-facilitator: take someone's hand down (override)
  ParticipantId who;
  std::string reason;
  bool operator==(const RemoveEntry&) const = default;
};
struct EndTurn {  // facilitator / co-facilitator, or the speaker
  bool operator==(const EndTurn&) const = default;
};
struct SetPolicy {  // facilitator / co-facilitator
  QueuePolicy policy;
  bool operator==(const SetPolicy&) const = default;
};
struct SetTurnLimit {  // facilitator / co-facilitator: soft limit per turn, 0 for none
  std::uint32_t seconds;
  bool operator==(const SetTurnLimit&) const = default;
};

// --- go-rounds (server/core/go_round.cpp) ---
struct StartRound {  // facilitator / co-facilitator
  std::string topic;
  RoundOrder order = RoundOrder::join_order;
  std::uint64_t seed = 0;  // chosen by the shell for `shuffled`, recorded in the event
  bool operator==(const StartRound&) const = default;
};
struct RoundSpeak {  // the person who is up (or a facilitator for them): take the floor
  bool operator==(const RoundSpeak&) const = default;
};
struct RoundPass {  // the person who is up (or a facilitator for them): pass, recorded
  bool operator==(const RoundPass&) const = default;
};
struct RoundSkip {  // facilitator / co-facilitator: skip the person who is up (they are away)
  std::string reason;
  bool operator==(const RoundSkip&) const = default;
};
struct EndRound {  // facilitator / co-facilitator: end the round early
  bool operator==(const EndRound&) const = default;
};

// --- polls (server/core/polls.cpp) ---
struct OpenPoll {  // facilitator / co-facilitator
  PollSpec spec;
  bool draft = false;  // prepared in advance: seen by facilitators only until OpenDraftPoll
  bool operator==(const OpenPoll&) const = default;
};
struct OpenDraftPoll {  // facilitator / co-facilitator: a poll prepared in advance opens now
  std::uint32_t poll;
  bool operator==(const OpenDraftPoll&) const = default;
};
struct CastVote {  // anyone present; a facilitator for a proxy in a named poll
  std::uint32_t poll;
  ParticipantId who;
  Ballot ballot;
  bool operator==(const CastVote&) const = default;
};
struct ClosePoll {  // facilitator / co-facilitator
  std::uint32_t poll;
  std::string review_date;  // for a poll that is a decision: YYYY-MM-DD or empty
  bool operator==(const ClosePoll&) const = default;
};
struct CancelPoll {  // facilitator / co-facilitator
  std::uint32_t poll;
  bool operator==(const CancelPoll&) const = default;
};

// --- consent rounds (server/core/consent_round.cpp) ---
struct PresentProposal {  // facilitator / co-facilitator
  std::string title;
  std::string text;
  std::uint32_t agreement_item = 0;  // a proposed agreement item this proposal would adopt (or remove)
  bool removes_item = false;
  bool draft = false;  // prepared in advance: seen by facilitators only until PresentDraftProposal
  bool operator==(const PresentProposal&) const = default;
};
struct PresentDraftProposal {  // facilitator / co-facilitator: a proposal prepared in advance is presented now
  std::uint32_t proposal;
  bool operator==(const PresentDraftProposal&) const = default;
};
struct SetConsentPhase {  // facilitator / co-facilitator: clarifying, reactions (starts a go-round) or consent
  std::uint32_t proposal;
  ConsentPhase phase;
  bool operator==(const SetConsentPhase&) const = default;
};
struct AnswerConsent {  // anyone present, in the consent phase (a facilitator for a proxy)
  std::uint32_t proposal;
  ParticipantId who;
  ConsentAnswer answer;
  std::string text;  // required for concern and objection
  bool operator==(const AnswerConsent&) const = default;
};
struct WithdrawObjection {  // the objection's author
  std::uint32_t objection;
  bool operator==(const WithdrawObjection&) const = default;
};
struct AmendProposal {  // facilitator / co-facilitator: a new version; consent is asked again
  std::uint32_t proposal;
  std::string text;
  std::optional<std::string> title = std::nullopt;  // a new title for the new version; none: the title stays
  bool operator==(const AmendProposal&) const = default;
};
struct AdoptProposal {  // facilitator / co-facilitator; refused while an objection is open
  std::uint32_t proposal;
  std::string review_date;
  bool operator==(const AdoptProposal&) const = default;
};
struct CloseProposal {  // facilitator / co-facilitator: not adopted, or withdrawn
  std::uint32_t proposal;
  bool withdrawn = false;
  std::string reason;
  bool operator==(const CloseProposal&) const = default;
};

// --- working together agreement (server/core/agreement.cpp) ---
struct ProposeAgreementItem {  // anyone
  std::string text;
  bool anonymous = false;
  bool operator==(const ProposeAgreementItem&) const = default;
};
struct QuickConsentCheck {  // facilitator / co-facilitator: the room agreed to adopt (or remove) the item
  std::uint32_t item;
  bool adopt = true;
  bool operator==(const QuickConsentCheck&) const = default;
};
struct FlagAgreementItem {  // anyone, anonymously: the item is being broken
  std::uint32_t item;
  bool operator==(const FlagAgreementItem&) const = default;
};

// --- written points and questions (server/core/written_points.cpp) ---
struct SubmitPoint {  // anyone
  PointKind kind = PointKind::point;
  std::string text;
  bool anonymous = false;
  // The author's follow secret (32 lowercase hex, made by their browser), or "": whoever holds it
  // can follow the point once it is carried forward to the group (only its SHA-256 is kept).
  std::string follow;
  bool operator==(const SubmitPoint&) const = default;
};
struct UpvotePoint {  // anyone, once per point
  std::uint32_t point;
  bool operator==(const UpvotePoint&) const = default;
};
struct SetPointStatus {  // facilitator / co-facilitator: take up, mark answered, or hide (with a reason)
  std::uint32_t point;
  PointStatus status;
  std::string reason;
  bool operator==(const SetPointStatus&) const = default;
};

// --- process signals (server/core/signals.cpp) ---
struct SendSignal {  // anyone, anonymously
  SignalKind kind;
  bool operator==(const SendSignal&) const = default;
};
struct SetSignalSettings {  // facilitator
  std::uint32_t window_seconds;
  std::uint32_t display_threshold;  // the room display shows a signal once this many agree
  bool operator==(const SetSignalSettings&) const = default;
};

// --- agenda (server/core/agenda.cpp) ---
struct AddAgendaItem {  // facilitator / co-facilitator
  std::string title;
  std::uint32_t timebox_minutes = 0;
  bool operator==(const AddAgendaItem&) const = default;
};
struct SetPointsShown {  // facilitator / co-facilitator: how many written points the room display shows (0 to 5)
  std::uint32_t count;
  bool operator==(const SetPointsShown&) const = default;
};
struct CarryPointForward {  // facilitator / co-facilitator, in a meeting of a group: "you said, we did"
  std::uint32_t point;
  bool operator==(const CarryPointForward&) const = default;
};
struct SetPointsModerated {  // facilitator / co-facilitator: new points wait for approval before others see them
  bool moderated = false;
  bool operator==(const SetPointsModerated&) const = default;
};
struct SetCallLink {  // facilitator: the link of the meeting's video call; empty: none
  std::string link;
  bool operator==(const SetCallLink&) const = default;
};
struct StartAgendaItem {  // facilitator / co-facilitator: the item becomes current (0: none)
  std::uint32_t item;
  bool operator==(const StartAgendaItem&) const = default;
};

using Command = std::variant<Join, AddProxy, UpdateProfile, SetPresence, SetRole, HandOverFacilitation,
                             RemoveParticipant, SetLocked, RaiseHand, LowerHand, CallNext, CallSpeaker,
                             MoveEntry, RemoveEntry, EndTurn, SetPolicy, SetTurnLimit, StartRound,
                             RoundSpeak, RoundPass, RoundSkip, EndRound, OpenPoll, CastVote, ClosePoll,
                             CancelPoll, PresentProposal, SetConsentPhase, AnswerConsent, WithdrawObjection,
                             AmendProposal, AdoptProposal, CloseProposal, ProposeAgreementItem,
                             QuickConsentCheck, FlagAgreementItem, SubmitPoint, UpvotePoint, SetPointStatus,
                             SendSignal, SetSignalSettings, AddAgendaItem, StartAgendaItem, EndMeeting,
                             SetCallLink, SetPointsShown, SetPointsModerated, OpenDraftPoll, StartMeeting,
                             PresentDraftProposal, CarryPointForward>;

// Limits the core enforces on free text, in Unicode code points.
inline constexpr std::size_t max_name_chars = 60;
inline constexpr std::size_t max_reason_chars = 200;
inline constexpr std::size_t max_topic_chars = 200;
inline constexpr std::size_t max_call_link_bytes = 500;
inline constexpr std::uint32_t max_points_shown = 5;

}  // namespace everyvoice::core
