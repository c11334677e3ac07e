// What happened in a meeting. Events are facts: applying them in order (server/core/meeting.hpp:
// apply) rebuilds the state exactly, so they carry every value a rule computed (a shuffled order,
// a measured duration) rather than the inputs to compute it again.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/decision_values.hpp"
#include "core/types.hpp"

namespace everyvoice::core {

struct MeetingOpened {
  std::string title;
  bool operator==(const MeetingOpened&) const = default;
};
// The meeting's own time zone, as the facilitator's browser gave it at creation (an IANA name, and
// its offset from UTC then): the minutes give their times in it. Stamped right after MeetingOpened.
struct TimeZoneSet {
  std::string zone;                 // e.g. "Europe/London"; may be empty when only the offset is known
  std::int32_t utc_offset_minutes;  // local time minus UTC, -720 to 840
  bool operator==(const TimeZoneSet&) const = default;
};
// A meeting created to be prepared before it starts (stamped right after MeetingOpened and its
// settings): until MeetingStarted, facilitators prepare (agenda, drafts, agreement, settings) and
// people may join and wait, but nobody raises a hand, votes or writes (ErrorCode::not_started).
struct MeetingScheduled {
  bool operator==(const MeetingScheduled&) const = default;
};
struct MeetingStarted {
  bool operator==(const MeetingStarted&) const = default;
};
// The meeting's language ("en", "es"): the minutes are written in it. Stamped right after
// MeetingOpened (after TimeZoneSet) when the creator's page gave one; a meeting without it is English.
struct LanguageSet {
  std::string language;
  bool operator==(const LanguageSet&) const = default;
};
// The link of the meeting's video call (empty: none). Kept from facilitators, participants and
// their pages; never shown on the room display, in the minutes or in a log.
struct CallLinkSet {
  std::string link;
  bool operator==(const CallLinkSet&) const = default;
};
// How many written points the room display shows: those taken up first, then the most upvoted.
struct PointsShownChanged {
  std::uint32_t count;
  bool operator==(const PointsShownChanged&) const = default;
};
// Moderated written points: while on, a new point is `pending` (seen by facilitators and its author
// only) until a facilitator opens it; a point by someone who runs the queue is open at once.
struct PointsModerationChanged {
  bool moderated;
  bool operator==(const PointsModerationChanged&) const = default;
};
struct ParticipantJoined {
  ParticipantId id;
  std::string name;
  Role role;
  Location location;
  Preference preference;
  bool proxy;
  bool operator==(const ParticipantJoined&) const = default;
};
struct ProfileChanged {
  ParticipantId id;
  Location location;
  Preference preference;
  bool operator==(const ProfileChanged&) const = default;
};
struct PresenceChanged {
  ParticipantId id;
  Presence presence;
  bool operator==(const PresenceChanged&) const = default;
};
struct RoleChanged {
  ParticipantId id;
  Role role;
  bool operator==(const RoleChanged&) const = default;
};
struct ParticipantRemoved {
  ParticipantId id;
  bool operator==(const ParticipantRemoved&) const = default;
};
struct LockChanged {
  bool locked;
  bool operator==(const LockChanged&) const = default;
};
struct MeetingEnded {
  bool operator==(const MeetingEnded&) const = default;
};

struct HandRaised {
  ParticipantId id;
  HandKind kind;
  bool operator==(const HandRaised&) const = default;
};
struct HandLowered {  // by the person themself (or for a proxy); not an override
  ParticipantId id;
  bool operator==(const HandLowered&) const = default;
};
struct EntryRemoved {  // an override by a facilitator
  ParticipantId id;
  ParticipantId by;
  std::string reason;
  bool operator==(const EntryRemoved&) const = default;
};
struct EntryMoved {  // an override by a facilitator: the entry is pinned at `position`
  ParticipantId id;
  std::uint32_t position;
  ParticipantId by;
  std::string reason;
  bool operator==(const EntryMoved&) const = default;
};
struct TurnStarted {
  ParticipantId id;
  ParticipantId by;             // who gave the floor (the speaker themself in a go-round)
  bool from_queue;              // the speaker left the queue to take the floor
  Millis waited_ms;             // time in the queue, when from_queue
  std::string override_reason;  // non-empty when the floor was given out of order
  bool in_round;                // a spoken go-round turn
  bool operator==(const TurnStarted&) const = default;
};
struct TurnEnded {
  ParticipantId id;
  Millis duration_ms;
  bool operator==(const TurnEnded&) const = default;
};
struct PolicyChanged {
  QueuePolicy policy;
  bool operator==(const PolicyChanged&) const = default;
};
struct TurnLimitChanged {
  std::uint32_t seconds;
  bool operator==(const TurnLimitChanged&) const = default;
};

struct RoundStarted {
  std::uint32_t round_no;  // 1, 2, 3... within the meeting
  std::string topic;
  RoundOrder order_kind;
  std::uint64_t seed;
  std::vector<ParticipantId> order;
  bool operator==(const RoundStarted&) const = default;
};
struct RoundPassed {
  ParticipantId id;
  bool operator==(const RoundPassed&) const = default;
};
struct RoundSkipped {
  ParticipantId id;
  std::string reason;
  bool operator==(const RoundSkipped&) const = default;
};
struct RoundEnded {
  std::uint32_t round_no;
  bool completed;  // everyone had their go; false when ended early
  bool operator==(const RoundEnded&) const = default;
};

// Polls. A named vote is one event with its voter. An anonymous vote is two events that share
// nothing: VoterRecorded (who, no choice) and BallotCounted (the choice, no one).
struct PollOpened {
  std::uint32_t poll;
  PollSpec spec;
  std::uint32_t eligible;  // people present when it opened
  bool operator==(const PollOpened&) const = default;
};
// A poll prepared in advance (a draft): facilitators see it; it opens with DraftPollOpened.
struct PollDrafted {
  std::uint32_t poll;
  PollSpec spec;
  bool operator==(const PollDrafted&) const = default;
};
struct DraftPollOpened {
  std::uint32_t poll;
  std::uint32_t eligible;  // people present when it opened
  bool operator==(const DraftPollOpened&) const = default;
};
struct VoteRecorded {  // named polls only; a later one from the same person replaces the earlier
  std::uint32_t poll;
  ParticipantId who;
  Ballot ballot;
  bool operator==(const VoteRecorded&) const = default;
};
struct VoterRecorded {  // anonymous polls: this person has voted (for one vote per person)
  std::uint32_t poll;
  ParticipantId who;
  bool operator==(const VoterRecorded&) const = default;
};
struct BallotCounted {  // anonymous polls: a ballot, with no person
  std::uint32_t poll;
  Ballot ballot;
  bool operator==(const BallotCounted&) const = default;
};
struct PollClosed {
  std::uint32_t poll;
  PollResult result;
  bool operator==(const PollClosed&) const = default;
};
struct PollCancelled {
  std::uint32_t poll;
  bool operator==(const PollCancelled&) const = default;
};

// Consent rounds.
struct ProposalPresented {
  std::uint32_t proposal;
  std::string title;
  std::string text;
  std::uint32_t agreement_item;
  bool removes_item;
  bool operator==(const ProposalPresented&) const = default;
};
// A proposal prepared in advance (a draft): facilitators see it; DraftProposalPresented presents it.
// A draft deleted unpresented ends as withdrawn (ProposalEnded) with no decision recorded.
struct ProposalDrafted {
  std::uint32_t proposal;
  std::string title;
  std::string text;
  std::uint32_t agreement_item;
  bool removes_item;
  bool operator==(const ProposalDrafted&) const = default;
};
struct DraftProposalPresented {
  std::uint32_t proposal;
  bool operator==(const DraftProposalPresented&) const = default;
};
struct ConsentPhaseChanged {
  std::uint32_t proposal;
  ConsentPhase phase;
  bool operator==(const ConsentPhaseChanged&) const = default;
};
struct ConsentAnswered {  // an objection answer also opens objection number `objection`
  std::uint32_t proposal;
  std::uint32_t version;
  ParticipantId who;
  ConsentAnswer answer;
  std::string text;
  std::uint32_t objection;  // 0 unless answer is objection
  bool operator==(const ConsentAnswered&) const = default;
};
struct ObjectionWithdrawn {
  std::uint32_t objection;
  bool operator==(const ObjectionWithdrawn&) const = default;
};
struct ProposalAmended {  // a new version; open objections are integrated, answers start again
  std::uint32_t proposal;
  std::uint32_t version;
  std::string text;
  bool operator==(const ProposalAmended&) const = default;
};
struct ProposalRetitled {  // right after ProposalAmended: the new version has another title
  std::uint32_t proposal;
  std::string title;
  bool operator==(const ProposalRetitled&) const = default;
};
struct ProposalEnded {  // objections still open are closed with it (never resolved)
  std::uint32_t proposal;
  ConsentPhase outcome;  // adopted, not_adopted or withdrawn
  std::string reason;
  bool operator==(const ProposalEnded&) const = default;
};
struct DecisionRecorded {
  Decision decision;
  bool operator==(const DecisionRecorded&) const = default;
};

// Working together agreement.
struct AgreementItemProposed {
  std::uint32_t item;
  std::string text;
  ParticipantId author;  // 0 when anonymous
  bool operator==(const AgreementItemProposed&) const = default;
};
struct AgreementItemChanged {
  std::uint32_t item;
  AgreementStatus status;
  std::uint32_t version;
  bool operator==(const AgreementItemChanged&) const = default;
};
struct AgreementFlagged {  // no author, by design
  std::uint32_t item;
  bool operator==(const AgreementFlagged&) const = default;
};

// Written points and questions.
struct PointSubmitted {
  std::uint32_t point;
  PointKind kind;
  std::string text;
  ParticipantId author;  // 0 when anonymous
  bool operator==(const PointSubmitted&) const = default;
};
// A point's author can follow it (SubmitPoint::follow): the SHA-256 (hex) of their secret. Right
// after its PointSubmitted.
struct PointFollowable {
  std::uint32_t point;
  std::string follow_hash;
  bool operator==(const PointFollowable&) const = default;
};
// A facilitator carried the point forward to the meeting's group, where it becomes an idea with a
// status its author can follow (core/group.hpp).
struct PointCarried {
  std::uint32_t point;
  bool operator==(const PointCarried&) const = default;
};
struct PointUpvoted {
  std::uint32_t point;
  ParticipantId who;
  bool operator==(const PointUpvoted&) const = default;
};
struct PointStatusChanged {
  std::uint32_t point;
  PointStatus status;
  std::string reason;
  bool operator==(const PointStatusChanged&) const = default;
};

// Process signals: no author, ever.
struct SignalSent {
  SignalKind kind;
  bool operator==(const SignalSent&) const = default;
};
struct SignalSettingsChanged {
  std::uint32_t window_seconds;
  std::uint32_t display_threshold;
  bool operator==(const SignalSettingsChanged&) const = default;
};

// Agenda.
struct AgendaItemAdded {
  std::uint32_t item;
  std::string title;
  std::uint32_t timebox_minutes;
  bool operator==(const AgendaItemAdded&) const = default;
};
struct AgendaItemStarted {
  std::uint32_t item;  // 0: no current item
  bool operator==(const AgendaItemStarted&) const = default;
};

// A meeting created inside a group (core/group.hpp) starts with the group's current agreement:
// `texts` become its adopted agreement items from link.first_item on (no author: they are the group's). Stamped
// right after MeetingOpened and its settings.
struct GroupAgreementCarried {
  GroupLink link;
  std::vector<std::string> texts;
  bool operator==(const GroupAgreementCarried&) const = default;
};

// Whether the person who just joined (right after their ParticipantJoined, in every join to a
// meeting of a group) is a member of the group (Join::member; 0: not, or not known): what lets the
// group keep its participation record. Never shown to anyone, and stamped for members and others
// alike, so that nobody can tell a member's join from anyone else's.
struct MemberAttended {
  ParticipantId participant;
  std::uint32_t member;
  bool operator==(const MemberAttended&) const = default;
};
// The meeting's roles, handed out by its group from its members' offers (core/group.hpp:
// assign_roles). Stamped right after GroupAgreementCarried.
struct RolesAssigned {
  std::vector<RoleHolder> roles;
  bool operator==(const RolesAssigned&) const = default;
};

using Event = std::variant<MeetingOpened, ParticipantJoined, ProfileChanged, PresenceChanged, RoleChanged,
                           ParticipantRemoved, LockChanged, HandRaised, HandLowered, EntryRemoved, EntryMoved,
                           TurnStarted, TurnEnded, PolicyChanged, TurnLimitChanged, RoundStarted, RoundPassed,
                           RoundSkipped, RoundEnded, PollOpened, VoteRecorded, VoterRecorded, BallotCounted,
                           PollClosed, PollCancelled, ProposalPresented, ConsentPhaseChanged, ConsentAnswered,
                           ObjectionWithdrawn, ProposalAmended, ProposalRetitled, ProposalEnded,
                           DecisionRecorded, AgreementItemProposed, AgreementItemChanged, AgreementFlagged, PointSubmitted,
                           PointUpvoted, PointStatusChanged, SignalSent, SignalSettingsChanged, AgendaItemAdded,
                           AgendaItemStarted, MeetingEnded, TimeZoneSet, CallLinkSet, PointsShownChanged,
                           PointsModerationChanged, PollDrafted, DraftPollOpened, LanguageSet, MeetingScheduled,
                           MeetingStarted, ProposalDrafted, DraftProposalPresented, GroupAgreementCarried,
                           PointFollowable, PointCarried, MemberAttended, RolesAssigned>;

// An event as stored and sent: its place in the meeting's log and when it happened.
struct Stamped {
  Seq seq;
  Millis at;
  Event event;
  bool operator==(const Stamped&) const = default;
};

}  // namespace everyvoice::core
