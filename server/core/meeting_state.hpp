// The live state of one meeting: plain values, compared with ==, rebuilt by replaying events.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/decision_values.hpp"
#include "core/types.hpp"

namespace everyvoice::core {

struct Participant {
  ParticipantId id = 0;
  std::string name;
  Role role = Role::participant;
  Location location = Location::remote;
  Preference preference = Preference::none;
  Presence presence = Presence::here;
  bool proxy = false;    // an in-room person without a device; facilitators act for them
  bool removed = false;  // removed by a facilitator; kept so figures and history stay whole
  Millis joined_at = 0;
  std::uint32_t turns = 0;  // turns taken, counted when a turn starts
  Millis spoken_ms = 0;     // length of finished turns
  std::uint32_t member = 0; // MemberAttended: a member of the meeting's group; never shown
  bool operator==(const Participant&) const = default;
};

// A raised hand. The queue stores hands in the order they were raised; the order in which people
// are served is computed from the policy (server/core/speaking_queue.hpp: ordered_queue).
struct QueueEntry {
  ParticipantId who = 0;
  HandKind kind = HandKind::new_point;
  Millis raised_at = 0;
  std::uint64_t hand_no = 0;              // 1, 2, 3... over the meeting: breaks ties between equal times
  std::optional<std::uint32_t> pinned_at;  // set when a facilitator moved the entry
  std::string pin_reason;
  bool operator==(const QueueEntry&) const = default;
};

struct Turn {
  ParticipantId who = 0;
  Millis started_at = 0;
  bool in_round = false;
  bool operator==(const Turn&) const = default;
};

enum class OverrideKind : std::uint8_t { called_out_of_order, moved, removed_hand };

// Every time a facilitator set the queue's order aside, with the reason they gave.
struct Override {
  OverrideKind kind;
  ParticipantId by = 0;
  ParticipantId target = 0;
  std::string reason;
  Millis at = 0;
  bool operator==(const Override&) const = default;
};

// Waits of people who were called from the queue, per group.
struct WaitStats {
  std::uint32_t count = 0;
  Millis total_ms = 0;
  Millis longest_ms = 0;
  bool operator==(const WaitStats&) const = default;
};

enum class RoundStepKind : std::uint8_t { spoke, passed, skipped };

struct RoundStep {
  ParticipantId who = 0;
  RoundStepKind kind = RoundStepKind::spoke;
  std::string reason;  // for a skip
  bool operator==(const RoundStep&) const = default;
};

struct GoRound {
  std::uint32_t round_no = 0;
  std::string topic;
  RoundOrder order_kind = RoundOrder::join_order;
  std::uint64_t seed = 0;
  std::vector<ParticipantId> order;
  std::size_t next = 0;  // index in `order` of the person who is up
  std::vector<RoundStep> steps;
  bool active = true;
  bool completed = false;
  bool operator==(const GoRound&) const = default;
};

struct Poll {
  std::uint32_t id = 0;
  PollSpec spec;
  PollStatus status = PollStatus::open;
  // Who may be expected to vote: the people present when it opened, then each voter who was not
  // among them (away then, or joined later). `eligible` is their number, so voters never exceed it.
  std::uint32_t eligible = 0;
  std::set<ParticipantId> counted;
  Millis opened_at = 0;
  std::uint32_t agenda_item = 0;
  std::set<ParticipantId> voters;         // who has voted, in both kinds of poll
  std::map<ParticipantId, Ballot> named;  // named polls: each person's ballot
  std::vector<Ballot> anonymous;          // anonymous polls: ballots alone, kept sorted so that
                                          // their order says nothing about who cast them (never in a
                                          // stored snapshot: store/event_format.cpp)
  std::optional<PollResult> result;       // once closed
  bool opened = true;                     // false while a draft, and for a draft deleted unopened
  bool operator==(const Poll&) const = default;
};

struct ConsentRecord {
  ConsentAnswer answer = ConsentAnswer::consent;
  std::string text;
  bool operator==(const ConsentRecord&) const = default;
};

struct Proposal {
  std::uint32_t id = 0;
  std::string title;                  // the current version's title (titles.back())
  std::vector<std::string> versions;  // every text, the current one last
  std::vector<std::string> titles;    // the title of every version, in step with versions
  ConsentPhase phase = ConsentPhase::clarifying;
  std::uint32_t agreement_item = 0;
  bool removes_item = false;
  std::map<ParticipantId, ConsentRecord> answers;  // for the current version
  std::string end_reason;
  std::uint32_t agenda_item = 0;
  bool presented = true;  // false for a draft, and for a draft deleted without being presented
  bool active() const {
    return phase == ConsentPhase::clarifying || phase == ConsentPhase::reactions || phase == ConsentPhase::consent;
  }
  std::uint32_t version() const { return static_cast<std::uint32_t>(versions.size()); }
  bool operator==(const Proposal&) const = default;
};

struct Objection {
  std::uint32_t id = 0;
  std::uint32_t proposal = 0;
  std::uint32_t version = 0;
  ParticipantId author = 0;
  std::string reason;
  ObjectionStatus status = ObjectionStatus::open;
  bool operator==(const Objection&) const = default;
};

struct AgreementItem {
  std::uint32_t id = 0;
  std::string text;
  ParticipantId author = 0;  // 0 when proposed anonymously
  AgreementStatus status = AgreementStatus::proposed;
  std::uint32_t version = 1;
  std::uint32_t flags = 0;  // anonymous "this is being broken" flags
  bool operator==(const AgreementItem&) const = default;
};

struct WrittenPoint {
  std::uint32_t id = 0;
  PointKind kind = PointKind::point;
  std::string text;
  ParticipantId author = 0;  // 0 when anonymous
  PointStatus status = PointStatus::open;
  std::string reason;  // why it was hidden
  std::set<ParticipantId> upvoters;
  Millis at = 0;
  std::string follow_hash;  // PointFollowable: SHA-256 (hex) of its author's follow secret; never shown
  bool carried = false;     // PointCarried: carried forward to the meeting's group
  bool operator==(const WrittenPoint&) const = default;
};

struct SignalMark {
  SignalKind kind = SignalKind::slow_down;
  Millis at = 0;
  bool operator==(const SignalMark&) const = default;
};

struct AgendaItem {
  std::uint32_t id = 0;
  std::string title;
  std::uint32_t timebox_minutes = 0;
  Millis used_ms = 0;                   // finished stretches as the current item
  std::optional<Millis> started_at;     // while current
  std::map<ParticipantId, Millis> spoken_ms;
  std::map<ParticipantId, std::uint32_t> turns;
  bool operator==(const AgendaItem&) const = default;
};

struct MeetingState {
  Seq seq = 0;  // the last applied event
  std::string title;
  bool locked = false;
  bool ended = false;  // read-only: every command is refused
  Millis opened_at = 0;             // when the meeting was created (its first event)
  std::optional<Millis> ended_at;   // when it ended
  std::string time_zone;            // the meeting's own time zone (TimeZoneSet); empty: UTC
  std::int32_t utc_offset_minutes = 0;
  std::string call_link;            // the video call's https:// link (CallLinkSet); empty: none
  std::uint32_t points_shown = 0;   // written points on the room display (PointsShownChanged); 0: none
  bool points_moderated = false;    // new points wait for a facilitator's approval (PointsModerationChanged)
  std::string language = "en";      // the minutes' language (LanguageSet)
  bool started = true;              // false from MeetingScheduled until MeetingStarted
  std::optional<Millis> started_at; // MeetingStarted: when a prepared meeting started
  GroupLink group;                  // GroupAgreementCarried: the group it belongs to, if any
  std::vector<RoleHolder> roles;    // RolesAssigned: note-taker, timekeeper, greeter, from the group's offers
  std::vector<Participant> participants;           // participants[id - 1]
  std::map<std::string, ParticipantId> name_keys;  // folded names of people not removed
  std::vector<QueueEntry> queue;                   // in the order hands were raised
  std::uint64_t hands_raised = 0;
  QueuePolicy policy = QueuePolicy::progressive;
  std::uint32_t turn_limit_seconds = 0;  // 0: no limit
  std::optional<Turn> turn;
  std::optional<Location> last_speaker_location;
  std::vector<Override> overrides;
  std::array<WaitStats, 2> waits{};  // indexed by Location
  std::vector<GoRound> rounds;       // every round of the meeting; the last may be active

  std::vector<Poll> polls;              // polls[id - 1]
  std::vector<Proposal> proposals;      // proposals[id - 1]
  std::vector<Objection> objections;    // objections[id - 1]
  std::vector<Decision> decisions;      // the decision record, append-only
  std::vector<AgreementItem> agreement; // agreement[id - 1]
  std::vector<WrittenPoint> points;     // points[id - 1]
  std::vector<SignalMark> signals;      // within the window, oldest first
  std::uint32_t signal_window_seconds = 120;
  std::uint32_t signal_display_threshold = 3;
  std::vector<AgendaItem> agenda;       // agenda[id - 1]
  std::uint32_t current_item = 0;
  bool operator==(const MeetingState&) const = default;

  const Participant* find(ParticipantId id) const {
    return id >= 1 && id <= participants.size() ? &participants[id - 1] : nullptr;
  }
  // A person who has joined and was not removed.
  const Participant* find_active(ParticipantId id) const {
    const Participant* p = find(id);
    return p && !p->removed ? p : nullptr;
  }
  const GoRound* active_round() const {
    return !rounds.empty() && rounds.back().active ? &rounds.back() : nullptr;
  }
  const QueueEntry* queue_entry(ParticipantId id) const {
    for (const auto& e : queue)
      if (e.who == id) return &e;
    return nullptr;
  }
};

// People who count as present: joined, not removed, here, and not the room display.
inline bool is_present(const Participant& p) {
  return !p.removed && p.presence == Presence::here && p.role != Role::observer;
}

}  // namespace everyvoice::core
