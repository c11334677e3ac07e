// What happened in a meeting. Events are facts: applying them in order (server/core/meeting.hpp:
// apply) rebuilds the state exactly, so they carry every value a rule computed (a shuffled order,
// a measured duration) rather than the inputs to compute it again.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/types.hpp"

namespace everyvoice::core {

struct MeetingOpened {
  std::string title;
  bool operator==(const MeetingOpened&) const = default;
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

using Event = std::variant<MeetingOpened, ParticipantJoined, ProfileChanged, PresenceChanged, RoleChanged,
                           ParticipantRemoved, LockChanged, HandRaised, HandLowered, EntryRemoved, EntryMoved,
                           TurnStarted, TurnEnded, PolicyChanged, TurnLimitChanged, RoundStarted, RoundPassed,
                           RoundSkipped, RoundEnded>;

// An event as stored and sent: its place in the meeting's log and when it happened.
struct Stamped {
  Seq seq;
  Millis at;
  Event event;
  bool operator==(const Stamped&) const = default;
};

}  // namespace everyvoice::core
