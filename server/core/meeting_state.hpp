// The live state of one meeting: plain values, compared with ==, rebuilt by replaying events.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

struct MeetingState {
  Seq seq = 0;  // the last applied event
  std::string title;
  bool locked = false;
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
