// The numbers that stand for event kinds and enum values on disk: one table, independent of the
// order of any C++ declaration, and append-only. A tag is never changed or reused: a new event
// kind or enum value takes the next free number. tests/store/event_format_test.cpp pins every tag
// listed here (and the bytes of one example of each event kind), so a change to this table or to
// an event's fields fails a test before it can change what a stored meeting means.
//
// The first tags are the positions the kinds and values had in 722a9e2, whose databases stored
// those positions; so its events are read unchanged.
#pragma once

#include <array>
#include <cstdint>

#include "core/events.hpp"
#include "core/group.hpp"
#include "core/meeting_state.hpp"

namespace everyvoice::store {

// --- Event kinds ---------------------------------------------------------------------------------
// A meeting's events and a group's events are numbered apart: a tag is unique within its variant
// (core::Event, core::GroupEvent).
template <class E>
inline constexpr std::uint32_t event_tag = 0xFFFFFFFF;  // no tag: such an event cannot be stored

// clang-format off
template <> inline constexpr std::uint32_t event_tag<core::MeetingOpened> = 0;
template <> inline constexpr std::uint32_t event_tag<core::ParticipantJoined> = 1;
template <> inline constexpr std::uint32_t event_tag<core::ProfileChanged> = 2;
template <> inline constexpr std::uint32_t event_tag<core::PresenceChanged> = 3;
template <> inline constexpr std::uint32_t event_tag<core::RoleChanged> = 4;
template <> inline constexpr std::uint32_t event_tag<core::ParticipantRemoved> = 5;
template <> inline constexpr std::uint32_t event_tag<core::LockChanged> = 6;
template <> inline constexpr std::uint32_t event_tag<core::HandRaised> = 7;
template <> inline constexpr std::uint32_t event_tag<core::HandLowered> = 8;
template <> inline constexpr std::uint32_t event_tag<core::EntryRemoved> = 9;
template <> inline constexpr std::uint32_t event_tag<core::EntryMoved> = 10;
template <> inline constexpr std::uint32_t event_tag<core::TurnStarted> = 11;
template <> inline constexpr std::uint32_t event_tag<core::TurnEnded> = 12;
template <> inline constexpr std::uint32_t event_tag<core::PolicyChanged> = 13;
template <> inline constexpr std::uint32_t event_tag<core::TurnLimitChanged> = 14;
template <> inline constexpr std::uint32_t event_tag<core::RoundStarted> = 15;
template <> inline constexpr std::uint32_t event_tag<core::RoundPassed> = 16;
template <> inline constexpr std::uint32_t event_tag<core::RoundSkipped> = 17;
template <> inline constexpr std::uint32_t event_tag<core::RoundEnded> = 18;
template <> inline constexpr std::uint32_t event_tag<core::PollOpened> = 19;
template <> inline constexpr std::uint32_t event_tag<core::VoteRecorded> = 20;
template <> inline constexpr std::uint32_t event_tag<core::VoterRecorded> = 21;
template <> inline constexpr std::uint32_t event_tag<core::BallotCounted> = 22;
template <> inline constexpr std::uint32_t event_tag<core::PollClosed> = 23;
template <> inline constexpr std::uint32_t event_tag<core::PollCancelled> = 24;
template <> inline constexpr std::uint32_t event_tag<core::ProposalPresented> = 25;
template <> inline constexpr std::uint32_t event_tag<core::ConsentPhaseChanged> = 26;
template <> inline constexpr std::uint32_t event_tag<core::ConsentAnswered> = 27;
template <> inline constexpr std::uint32_t event_tag<core::ObjectionWithdrawn> = 28;
template <> inline constexpr std::uint32_t event_tag<core::ProposalAmended> = 29;
template <> inline constexpr std::uint32_t event_tag<core::ProposalEnded> = 30;
template <> inline constexpr std::uint32_t event_tag<core::DecisionRecorded> = 31;
template <> inline constexpr std::uint32_t event_tag<core::AgreementItemProposed> = 32;
template <> inline constexpr std::uint32_t event_tag<core::AgreementItemChanged> = 33;
template <> inline constexpr std::uint32_t event_tag<core::AgreementFlagged> = 34;
template <> inline constexpr std::uint32_t event_tag<core::PointSubmitted> = 35;
template <> inline constexpr std::uint32_t event_tag<core::PointUpvoted> = 36;
template <> inline constexpr std::uint32_t event_tag<core::PointStatusChanged> = 37;
template <> inline constexpr std::uint32_t event_tag<core::SignalSent> = 38;
template <> inline constexpr std::uint32_t event_tag<core::SignalSettingsChanged> = 39;
template <> inline constexpr std::uint32_t event_tag<core::AgendaItemAdded> = 40;
template <> inline constexpr std::uint32_t event_tag<core::AgendaItemStarted> = 41;
template <> inline constexpr std::uint32_t event_tag<core::MeetingEnded> = 42;
template <> inline constexpr std::uint32_t event_tag<core::ProposalRetitled> = 43;
template <> inline constexpr std::uint32_t event_tag<core::TimeZoneSet> = 44;
template <> inline constexpr std::uint32_t event_tag<core::CallLinkSet> = 45;
template <> inline constexpr std::uint32_t event_tag<core::PointsShownChanged> = 46;
template <> inline constexpr std::uint32_t event_tag<core::PointsModerationChanged> = 47;
template <> inline constexpr std::uint32_t event_tag<core::PollDrafted> = 48;
template <> inline constexpr std::uint32_t event_tag<core::DraftPollOpened> = 49;
template <> inline constexpr std::uint32_t event_tag<core::LanguageSet> = 50;
template <> inline constexpr std::uint32_t event_tag<core::MeetingScheduled> = 51;
template <> inline constexpr std::uint32_t event_tag<core::MeetingStarted> = 52;
template <> inline constexpr std::uint32_t event_tag<core::ProposalDrafted> = 53;
template <> inline constexpr std::uint32_t event_tag<core::DraftProposalPresented> = 54;
template <> inline constexpr std::uint32_t event_tag<core::GroupAgreementCarried> = 55;
template <> inline constexpr std::uint32_t event_tag<core::PointFollowable> = 56;
template <> inline constexpr std::uint32_t event_tag<core::PointCarried> = 57;
template <> inline constexpr std::uint32_t event_tag<core::MemberAttended> = 58;
template <> inline constexpr std::uint32_t event_tag<core::RolesAssigned> = 59;

// A group's events (core/group.hpp): their own numbering, in the group_events table.
template <> inline constexpr std::uint32_t event_tag<core::GroupCreated> = 0;
template <> inline constexpr std::uint32_t event_tag<core::GroupMeetingAdded> = 1;
template <> inline constexpr std::uint32_t event_tag<core::GroupAgreementChanged> = 2;
template <> inline constexpr std::uint32_t event_tag<core::GroupDecisionLogged> = 3;
template <> inline constexpr std::uint32_t event_tag<core::GroupIdeaAdded> = 4;
template <> inline constexpr std::uint32_t event_tag<core::GroupIdeaStatusChanged> = 5;
template <> inline constexpr std::uint32_t event_tag<core::GroupRetentionSet> = 6;
template <> inline constexpr std::uint32_t event_tag<core::GroupMemberAdded> = 7;
template <> inline constexpr std::uint32_t event_tag<core::GroupMemberChanged> = 8;
template <> inline constexpr std::uint32_t event_tag<core::GroupMemberLeft> = 9;
template <> inline constexpr std::uint32_t event_tag<core::GroupRolesAssigned> = 10;
template <> inline constexpr std::uint32_t event_tag<core::GroupAttendanceRecorded> = 11;
template <> inline constexpr std::uint32_t event_tag<core::GroupRedacted> = 12;
// clang-format on

// --- Enum values ---------------------------------------------------------------------------------
// StoredEnum<E>::by_tag lists E's values in tag order: a value's tag is its position here, never
// its position in the enum's declaration. Append new values at the end.
template <class E>
struct StoredEnum;

// clang-format off
template <> struct StoredEnum<core::Role> {
  static constexpr std::array by_tag{core::Role::facilitator, core::Role::co_facilitator, core::Role::participant,
                                     core::Role::observer};
};
template <> struct StoredEnum<core::Location> {
  static constexpr std::array by_tag{core::Location::in_room, core::Location::remote};
};
template <> struct StoredEnum<core::Preference> {
  static constexpr std::array by_tag{core::Preference::none, core::Preference::speak, core::Preference::write,
                                     core::Preference::listen};
};
template <> struct StoredEnum<core::Presence> {
  static constexpr std::array by_tag{core::Presence::here, core::Presence::away};
};
template <> struct StoredEnum<core::HandKind> {
  static constexpr std::array by_tag{core::HandKind::point_of_process, core::HandKind::clarifying_question,
                                     core::HandKind::direct_reply, core::HandKind::new_point};
};
template <> struct StoredEnum<core::QueuePolicy> {
  static constexpr std::array by_tag{core::QueuePolicy::fifo, core::QueuePolicy::progressive, core::QueuePolicy::hybrid};
};
template <> struct StoredEnum<core::RoundOrder> {
  static constexpr std::array by_tag{core::RoundOrder::join_order, core::RoundOrder::shuffled,
                                     core::RoundOrder::quietest_first};
};
template <> struct StoredEnum<core::PollKind> {
  static constexpr std::array by_tag{core::PollKind::single_choice, core::PollKind::multiple_choice, core::PollKind::scale,
                                     core::PollKind::ranked_choice, core::PollKind::open_text};
};
template <> struct StoredEnum<core::ResultsShown> {
  static constexpr std::array by_tag{core::ResultsShown::live, core::ResultsShown::after_vote, core::ResultsShown::at_close};
};
template <> struct StoredEnum<core::PollStatus> {
  static constexpr std::array by_tag{core::PollStatus::open, core::PollStatus::closed, core::PollStatus::cancelled,
                                     core::PollStatus::draft};
};
template <> struct StoredEnum<core::ConsentPhase> {
  static constexpr std::array by_tag{core::ConsentPhase::clarifying, core::ConsentPhase::reactions,
                                     core::ConsentPhase::consent,    core::ConsentPhase::adopted,
                                     core::ConsentPhase::not_adopted, core::ConsentPhase::withdrawn,
                                     core::ConsentPhase::draft};
};
template <> struct StoredEnum<core::ConsentAnswer> {
  static constexpr std::array by_tag{core::ConsentAnswer::consent, core::ConsentAnswer::concern,
                                     core::ConsentAnswer::objection, core::ConsentAnswer::stand_aside};
};
template <> struct StoredEnum<core::ObjectionStatus> {
  static constexpr std::array by_tag{core::ObjectionStatus::open, core::ObjectionStatus::withdrawn,
                                     core::ObjectionStatus::integrated, core::ObjectionStatus::closed};
};
template <> struct StoredEnum<core::IdeaStatus> {
  static constexpr std::array by_tag{core::IdeaStatus::open, core::IdeaStatus::working, core::IdeaStatus::done,
                                     core::IdeaStatus::not_possible};
};
template <> struct StoredEnum<core::MeetingRole> {
  static constexpr std::array by_tag{core::MeetingRole::note_taker, core::MeetingRole::timekeeper, core::MeetingRole::greeter};
};
template <> struct StoredEnum<core::PointKind> {
  static constexpr std::array by_tag{core::PointKind::point, core::PointKind::question};
};
template <> struct StoredEnum<core::PointStatus> {
  static constexpr std::array by_tag{core::PointStatus::open, core::PointStatus::taken_up, core::PointStatus::answered,
                                     core::PointStatus::hidden, core::PointStatus::pending};
};
template <> struct StoredEnum<core::SignalKind> {
  static constexpr std::array by_tag{core::SignalKind::slow_down, core::SignalKind::lost,      core::SignalKind::cant_hear,
                                     core::SignalKind::off_topic, core::SignalKind::need_break, core::SignalKind::not_heard};
};
template <> struct StoredEnum<core::AgreementStatus> {
  static constexpr std::array by_tag{core::AgreementStatus::proposed, core::AgreementStatus::adopted,
                                     core::AgreementStatus::removed};
};
template <> struct StoredEnum<core::OverrideKind> {
  static constexpr std::array by_tag{core::OverrideKind::called_out_of_order, core::OverrideKind::moved,
                                     core::OverrideKind::removed_hand};
};
template <> struct StoredEnum<core::RoundStepKind> {
  static constexpr std::array by_tag{core::RoundStepKind::spoke, core::RoundStepKind::passed, core::RoundStepKind::skipped};
};
// clang-format on

}  // namespace everyvoice::store
