// A group: the standing space of a co-production group across its meetings (design.md, "Group").
// It holds the group's working together agreement, versioned, and its decision log, chained across
// meetings. A group is its own aggregate with its own events (GroupEvent), kept apart from its
// meetings': a meeting never writes into its group. Instead, the group catches up with each of its
// meetings (group_sync): from what the meeting holds (GroupFacts) it derives the events the group
// still lacks. That is idempotent, so it runs after every relevant change and again at startup,
// and a crash between a meeting's commit and its group's loses nothing. Pure: the standard library only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/commands.hpp"
#include "core/decision_values.hpp"
#include "core/events.hpp"
#include "core/meeting_state.hpp"
#include "core/types.hpp"

namespace everyvoice::core {

inline constexpr std::size_t max_group_name_chars = 200;
inline constexpr std::size_t max_idea_reason_chars = 300;

// "You said, we did": where an idea carried forward from a meeting stands.
enum class IdeaStatus : std::uint8_t { open, working, done, not_possible };
std::string_view name_of(IdeaStatus);
std::optional<IdeaStatus> parse_idea_status(std::string_view);
inline constexpr std::uint32_t review_lead_days = 14;  // a review date this close is put on the next agenda

// What a member offers to do for the group (an asset-based approach: GroupMember::offers holds
// one bit per offer, 1 << Offer). Meeting roles are assigned from the first, second and fourth.
enum class Offer : std::uint8_t { notes, timekeeping, writing_up, welcoming };
inline constexpr std::size_t offer_count = 4;
std::string_view name_of(Offer);
std::optional<Offer> parse_offer(std::string_view);
Offer offer_for(MeetingRole);  // note_taker: notes, timekeeper: timekeeping, greeter: welcoming
inline constexpr std::size_t max_member_name_chars = max_name_chars;

// --- What a group holds ---------------------------------------------------------------------------

// An item of the group's agreement: adopted in some version, removed in a later one (or still in it).
struct GroupItem {
  std::uint32_t id = 0;  // items[id - 1]
  std::string text;
  std::string meeting;          // the meeting that adopted it
  std::uint32_t added_in = 0;   // the version that added it
  std::uint32_t removed_in = 0; // the version that removed it; 0 while it holds
  bool operator==(const GroupItem&) const = default;
};

// One version of the agreement: what changed, where and when. Version 0 is the empty agreement.
struct GroupVersion {
  std::uint32_t number = 0;
  Millis at = 0;
  std::string meeting;
  std::vector<std::uint32_t> added;    // group item ids
  std::vector<std::uint32_t> removed;  // group item ids
  bool operator==(const GroupVersion&) const = default;
};

// A meeting's decision, in the group's log: the meeting's own record (its hash chains the
// meeting's decisions) plus a link in the group's chain across meetings.
struct GroupDecision {
  std::string meeting;
  Decision decision;
  std::string prev_hash;  // the group chain: the previous entry's hash, 64 zeros for the first
  std::string hash;       // sha256 of prev_hash, the meeting code and decision.hash
  std::string review_in;  // the meeting whose agenda took up its review; empty until then
  bool operator==(const GroupDecision&) const = default;
};

struct IdeaChange {
  IdeaStatus status = IdeaStatus::open;
  std::string reason;
  Millis at = 0;
  bool operator==(const IdeaChange&) const = default;
};

// A written point a facilitator carried forward to the group (CarryPointForward), with a visible
// status and its history. Its author, named or anonymous, follows it with the secret whose hash
// the point kept; the group never learns who that is.
struct GroupIdea {
  std::uint32_t id = 0;  // ideas[id - 1]
  std::string meeting;
  std::uint32_t point = 0;  // its number in that meeting
  PointKind kind = PointKind::point;
  std::string text;
  std::string follow_hash;  // "" when its author did not keep a way to follow it
  std::vector<IdeaChange> history;  // the first: open, when it was carried forward
  IdeaStatus status() const { return history.empty() ? IdeaStatus::open : history.back().status; }
  bool operator==(const GroupIdea&) const = default;
};

// What the group knows of one of its meetings.
struct GroupMeeting {
  std::string code;
  std::string title;
  Millis created_at = 0;
  std::uint32_t agreement_version = 0;  // the version it started with
  // Meeting agreement item id -> group item id: the items carried in at its start, and the ones it
  // adopted since (synced).
  std::map<std::uint32_t, std::uint32_t> items;
  std::map<std::uint32_t, AgreementStatus> synced;  // meeting item id -> its status as last synced
  std::uint32_t decisions_logged = 0;               // its decisions[0 .. n) are in the group's log
  bool roles_logged = false;                        // its roles (GroupRolesAssigned) are in the group's record
  std::vector<RoleHolder> roles;                    // member ids only: names stay with the members
  bool operator==(const GroupMeeting&) const = default;
};

// A member of the group: a person who keeps an identity in it through their member link (no
// account, no email). What they hold here is theirs: it is erased when they leave (GroupMemberLeft),
// and their participation is recorded only while `record` (they agreed to it).
struct GroupMember {
  std::uint32_t id = 0;  // members[id - 1]
  std::string name;
  std::string key_hash;  // SHA-256 (hex) of their member key
  Preference preference = Preference::none;  // how they like to take part: speak, write, listen
  std::uint8_t offers = 0;                   // bits 1 << Offer
  bool record = false;  // agreed to a participation record (attendance, speaking time) across meetings
  // The meetings[] index from which the record is kept: the group's meeting count when they last
  // agreed. Meetings before it, attended before they agreed or while they had withdrawn, are never
  // recorded, whatever those meetings report later.
  std::uint32_t record_from = 0;
  bool left = false;    // left, their data erased; the id stays taken
  std::vector<Seq> data;  // the group events that hold their data: redacted when they leave
  // For rotation: 1 + the index (in GroupState::meetings) of the last meeting where they held each role; 0: never.
  std::array<std::uint32_t, meeting_role_count> last_held{};
  bool offers_to(Offer o) const { return (offers >> static_cast<unsigned>(o)) & 1U; }
  bool operator==(const GroupMember&) const = default;
};

// A consenting member's participation in one meeting of the group, as last synced.
struct Attendance {
  std::string meeting;
  std::uint32_t member = 0;
  Millis spoken_ms = 0;
  std::uint32_t turns = 0;
  std::vector<Seq> seqs;  // every event that recorded it (all redacted if the member leaves or withdraws consent)
  bool operator==(const Attendance&) const = default;
};

struct GroupState {
  Seq seq = 0;
  std::string name;
  Millis created_at = 0;
  std::vector<GroupMeeting> meetings;  // in the order they were added
  std::vector<GroupItem> items;        // items[id - 1]
  std::vector<GroupVersion> versions;  // versions[n - 1] is version n; none yet: version 0
  std::vector<GroupDecision> decisions;
  std::vector<GroupIdea> ideas;        // ideas[id - 1]
  std::uint32_t retention_days = 0;    // its meetings are deleted this many days after they end; 0: kept
  std::vector<GroupMember> members;    // members[id - 1]
  std::vector<Attendance> attendance;  // one per (meeting, member), consenting members only
  bool operator==(const GroupState&) const = default;

  const GroupMember* member(std::uint32_t id) const {
    return id >= 1 && id <= members.size() && !members[id - 1].left ? &members[id - 1] : nullptr;
  }
  // The member holding this key (its SHA-256, hex), if any.
  const GroupMember* member_by_key_hash(const std::string& key_hash) const;

  std::uint32_t version() const { return static_cast<std::uint32_t>(versions.size()); }
  const GroupMeeting* meeting(const std::string& code) const;
  // The items of the current version, in the order they were adopted.
  std::vector<const GroupItem*> current_items() const;
};

// --- The group's events ---------------------------------------------------------------------------

struct GroupCreated {
  std::string name;
  bool operator==(const GroupCreated&) const = default;
};
// A meeting of the group, as it began (from its GroupLink): the agreement version it carried, and
// the decisions whose review it put on its agenda.
struct GroupMeetingAdded {
  std::string code;
  std::string title;
  Millis created_at;
  std::uint32_t agreement_version;
  std::vector<std::uint32_t> carried;  // group item ids, as meeting items first_item, first_item + 1, ...
  std::uint32_t first_item;
  std::vector<std::uint32_t> reviews;  // indexes into the group's decisions
  bool operator==(const GroupMeetingAdded&) const = default;
};
// An agreement change consented in a meeting: the group's next version.
struct GroupAgreementChanged {
  std::string meeting;
  std::uint32_t meeting_item;
  std::uint32_t group_item;  // for an adoption: the new item's id (items.size() + 1)
  std::string text;
  bool adopted;  // false: removed
  bool operator==(const GroupAgreementChanged&) const = default;
};
struct GroupDecisionLogged {
  std::string meeting;
  Decision decision;
  std::string hash;  // the group chain's hash of this entry
  bool operator==(const GroupDecisionLogged&) const = default;
};

struct GroupIdeaAdded {
  std::string meeting;
  std::uint32_t point;
  PointKind kind;
  std::string text;
  std::string follow_hash;
  bool operator==(const GroupIdeaAdded&) const = default;
};
struct GroupIdeaStatusChanged {
  std::uint32_t idea;
  IdeaStatus status;
  std::string reason;
  bool operator==(const GroupIdeaStatusChanged&) const = default;
};

// How long the group keeps its meetings once they end (its own record, the agreement, the decision
// log and the ideas, stays: it holds copies).
struct GroupRetentionSet {
  std::uint32_t days;  // 0: kept
  bool operator==(const GroupRetentionSet&) const = default;
};
inline constexpr std::uint32_t max_retention_days = 3650;

// An organiser gave a person a member link (its key's hash is kept, never the key).
struct GroupMemberAdded {
  std::uint32_t member;  // members.size() + 1 when added
  std::string name;
  std::string key_hash;
  bool operator==(const GroupMemberAdded&) const = default;
};
// A member changed what they keep here.
struct GroupMemberChanged {
  std::uint32_t member;
  std::string name;
  Preference preference;
  std::uint8_t offers;
  bool record;
  bool operator==(const GroupMemberChanged&) const = default;
};
// A member left (or an organiser removed them): their data is erased, and the events that held it
// are redacted in the same write (GroupChange::redact).
struct GroupMemberLeft {
  std::uint32_t member;
  bool operator==(const GroupMemberLeft&) const = default;
};
// The roles a meeting of the group handed out (from its RolesAssigned), for the rotation.
struct GroupRolesAssigned {
  std::string meeting;
  std::vector<RoleHolder> roles;  // names left empty
  bool operator==(const GroupRolesAssigned&) const = default;
};
// A consenting member's participation in a meeting, as it now stands (replaces the one before).
struct GroupAttendanceRecorded {
  std::string meeting;
  std::uint32_t member;
  Millis spoken_ms;
  std::uint32_t turns;
  bool operator==(const GroupAttendanceRecorded&) const = default;
};
// What a redacted event became: it held a member's data, erased when they left. Changes nothing.
struct GroupRedacted {
  bool operator==(const GroupRedacted&) const = default;
};

using GroupEvent = std::variant<GroupCreated, GroupMeetingAdded, GroupAgreementChanged, GroupDecisionLogged,
                                GroupIdeaAdded, GroupIdeaStatusChanged, GroupRetentionSet, GroupMemberAdded,
                                GroupMemberChanged, GroupMemberLeft, GroupRolesAssigned, GroupAttendanceRecorded,
                                GroupRedacted>;

struct GroupStamped {
  Seq seq;
  Millis at;
  GroupEvent event;
  bool operator==(const GroupStamped&) const = default;
};

void apply(GroupState& state, const GroupStamped& stamped);

// An organiser's or a member's change: the events to append, the earlier events to redact in the
// same write (their data erased), or why not (error; no events and no error: nothing changes).
struct GroupChange {
  std::vector<GroupEvent> events;
  std::vector<Seq> redact;
  std::string error;
};
// A new member, named by an organiser; `key_hash` is the SHA-256 (hex) of the member key the
// shell made. Refused beyond `max_members`.
GroupChange add_member(const GroupState& group, std::string_view name, const std::string& key_hash, std::size_t max_members);
// A member changes their name, preference, offers and consent. Withdrawing consent erases the
// participation recorded so far.
GroupChange change_member(const GroupState& group, std::uint32_t member, std::string_view name, Preference preference,
                          std::uint8_t offers, bool record);
// A member leaves (or is removed): their data is erased.
GroupChange remove_member(const GroupState& group, std::uint32_t member);

// The roles for the group's next meeting: for each role, among the members who offer it, the one
// who held it longest ago (never first, then by id), and someone without a role in this meeting
// when there is one. Roles nobody offers stay out.
std::vector<RoleHolder> assign_roles(const GroupState& group);

// --- Between a group and its meetings -------------------------------------------------------------

// What a new meeting of the group starts with, as the events stamped right after its opening:
// GroupAgreementCarried (the group's current agreement, as the meeting's adopted items from
// `first_agreement_item` on: 1 in a new meeting) and an agenda item (AgendaItemAdded, ids from
// `first_agenda_item`, worded in `language`) for each
// decision whose review date falls within review_lead_days of `today` (YYYY-MM-DD) and whose review
// no earlier meeting took up.
std::vector<Event> open_group_meeting(const GroupState& group, const std::string& group_code, const std::string& today,
                                      const std::string& language, std::uint32_t first_agreement_item,
                                      std::uint32_t first_agenda_item);

// What a meeting holds that its group follows.
struct GroupFacts {
  std::string code;
  std::string title;
  Millis created_at = 0;
  GroupLink link;
  std::vector<AgreementItem> agreement;
  std::vector<Decision> decisions;
  std::vector<WrittenPoint> carried;  // the points carried forward (without upvoters)
  std::vector<RoleHolder> roles;
  // The group's members who attended, with their finished turns (summed over their joins).
  struct Present {
    std::uint32_t member = 0;
    Millis spoken_ms = 0;
    std::uint32_t turns = 0;
  };
  std::vector<Present> members;
};
GroupFacts group_facts(const std::string& code, const MeetingState& meeting);

// The events the group lacks to have caught up with the meeting: the meeting itself (when the
// group has not yet recorded it), each consented agreement change not yet synced, each decision not
// yet logged, its roles, and the participation of each member present who agreed to a record.
// Empty when the group is up to date. Applying them and calling again gives nothing.
std::vector<GroupEvent> group_sync(const GroupState& group, const GroupFacts& meeting);

// An organiser sets an idea's status: the event, or why not (nullopt error: accepted).
struct IdeaStatusOutcome {
  std::optional<GroupIdeaStatusChanged> event;
  std::string error;
};
IdeaStatusOutcome set_idea_status(const GroupState& group, std::uint32_t idea, IdeaStatus status, std::string_view reason);

// The hash of a group log entry, and where the chain first breaks (nullopt: intact).
std::string group_decision_hash(const std::string& prev_hash, const std::string& meeting, const Decision& d);
std::optional<std::size_t> verify_group_chain(const std::vector<GroupDecision>& log);

// A day YYYY-MM-DD `days` later (Gregorian), or "" if `date` is not such a date.
std::string add_days(const std::string& date, int days);

}  // namespace everyvoice::core
