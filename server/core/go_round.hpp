// Go-rounds: everyone present is invited in turn, in a fixed order; each speaks or passes.
#pragma once

#include <cstdint>
#include <vector>

#include "core/meeting_state.hpp"

namespace everyvoice::core {

// The order of a new round over the people present (proxies included):
//   join_order      as they joined;
//   shuffled        a Fisher-Yates shuffle of join order driven by `seed` (splitmix64), so the
//                   same seed always gives the same order on every platform;
//   quietest_first  least speaking time first, then fewer turns, then join order.
std::vector<ParticipantId> round_order(const MeetingState& state, RoundOrder kind, std::uint64_t seed);

// The person who is up in the active round, or 0 when there is none.
ParticipantId round_up_next(const MeetingState& state);

}  // namespace everyvoice::core
