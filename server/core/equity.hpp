// Equity figures: how the floor has been shared. Derived from the state (itself derived from
// events) in time linear in participants, plus a sort for the Gini and top-fifth figures.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/meeting_state.hpp"

namespace everyvoice::core {

struct PersonFigures {
  ParticipantId id = 0;
  std::string name;
  Location location = Location::remote;
  bool present = false;
  bool proxy = false;
  Millis spoken_ms = 0;  // finished turns, plus the running turn up to `now`
  std::uint32_t turns = 0;
  double share = 0.0;  // of all speaking time in the meeting; the shares of all listed people sum to 1
  bool operator==(const PersonFigures&) const = default;
};

struct GroupFigures {
  std::uint32_t people = 0;      // present people in the group
  double people_share = 0.0;     // of present people
  Millis spoken_ms = 0;          // by people now in the group
  double speaking_share = 0.0;   // of all speaking time
  std::uint32_t waits = 0;       // people called from the queue while in the group
  Millis mean_wait_ms = 0;       // of those called
  Millis longest_wait_ms = 0;    // of those called, and of those waiting now (so far)
  std::uint32_t waiting = 0;     // people of the group in the queue now
  Millis longest_waiting_ms = 0; // the longest wait of someone still in the queue, up to `now`
  bool operator==(const GroupFigures&) const = default;
};

struct EquityFigures {
  Millis total_spoken_ms = 0;
  // Everyone present, and anyone who has spoken (even if now away or removed); not room displays.
  std::vector<PersonFigures> people;
  // Present people with no turn yet, in join order; not facilitators (they hold the meeting, not
  // the floor) nor room displays.
  std::vector<ParticipantId> not_spoken;
  double gini = 0.0;                      // of speaking time over present people: 0 equal, (n-1)/n one person
  double top_fifth_share = 0.0;           // share of present people's time held by the top fifth (rounded up)
  GroupFigures in_room;
  GroupFigures remote;
  std::vector<Override> overrides;
  bool operator==(const EquityFigures&) const = default;
};

EquityFigures equity_figures(const MeetingState& state, Millis now);

// Gini coefficient of non-negative values: sum |xi - xj| / (2 n^2 mean); 0 for no values or all zero.
double gini_coefficient(std::vector<Millis> values);

// Share of the total held by the largest ceil(n / 5) values; 0 when the total is 0.
double top_fifth_share(std::vector<Millis> values);

}  // namespace everyvoice::core
