// Process signals: anonymous, counted over a sliding window ("slow down", "I'm lost", ...).
#pragma once

#include <array>

#include "core/meeting_state.hpp"

namespace everyvoice::core {

inline constexpr std::size_t signal_kind_count = 6;

// How many of each signal were sent within the window ending at `now`.
std::array<std::uint32_t, signal_kind_count> signal_counts(const MeetingState& state, Millis now);

}  // namespace everyvoice::core
