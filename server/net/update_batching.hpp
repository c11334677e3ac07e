// When a committed change goes out to a meeting's members: at once, or held for a batch. A pure
// policy: no sockets, no timers, no clock of its own. The room tells it each committed change with
// the time, sends the update it returns, and calls due() at wake_at().
//
// The rules (PROTOCOL.md 3.3 and "Ordering"):
//   - counts (votes, upvotes, flags, signals) are never sent one by one: their sections wait for
//     the next update, at most one coalesce interval;
//   - joins and presence changes go out at once when no batch of them went out in the last
//     interval, else together at the interval's end (a join storm costs one update per interval);
//   - every other change goes out at once, carrying whatever was held before it, so that events
//     always reach a client in seq order and each exactly once;
//   - the room takes what is held with flush() before anything that must follow it: a resume's
//     catch-up, a command's ack.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "core/events.hpp"

namespace everyvoice::net {

using SteadyTime = std::chrono::steady_clock::time_point;

// One update for every member: the events in seq order and the sections to send as they stand.
struct Outgoing {
  std::vector<core::Stamped> events;
  std::uint32_t sections = 0;
  std::size_t new_decisions = 0;          // decisions added by these events
  std::set<std::uint32_t> voted_polls;    // polls with new votes: their voters' running results are due
};

class UpdateBatching {
 public:
  explicit UpdateBatching(std::chrono::milliseconds interval) : interval_(interval) {}

  // A committed change. Returns the update to send now, or nothing when the change is held.
  std::optional<Outgoing> committed(const std::vector<core::Stamped>& events, SteadyTime now);
  // Sections to send with the next update, though no event changed them (signals fading).
  void touch(std::uint32_t sections) { sections_ |= sections; }
  // Everything held, to send now; nothing if nothing is held.
  std::optional<Outgoing> flush(SteadyTime now);
  // Held events only (joins, presence changes): what must go before a catch-up or an ack.
  // Counts alone stay held: they never delay an answer.
  std::optional<Outgoing> flush_events(SteadyTime now);
  // The timer's turn: what is due at `now`, if anything.
  std::optional<Outgoing> due(SteadyTime now);
  // When due() has something to send; nothing when nothing waits for the timer. It only moves
  // later: a timer armed for an earlier wake_at finds nothing due and is armed again.
  std::optional<SteadyTime> wake_at() const { return wake_at_; }
  bool holding_events() const { return !held_.empty(); }

 private:
  void hold_until(SteadyTime at);

  std::chrono::milliseconds interval_;
  std::vector<core::Stamped> held_;         // joins and presence changes, in seq order
  std::uint32_t sections_ = 0;              // changed by held or count events, not yet sent
  std::set<std::uint32_t> voted_polls_;
  std::optional<SteadyTime> wake_at_;
  std::optional<SteadyTime> last_batch_sent_;  // when held events last went out
};

}  // namespace everyvoice::net
