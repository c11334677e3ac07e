// When a committed change goes out to a meeting's members: at once, or held for a batch. A pure
// policy: no sockets, no timers, no clock of its own. The room tells it each committed change with
// the time, sends the update it returns, and calls due() at wake_at().
//
// The rules (PROTOCOL.md 3.3 and "Ordering"):
//   - counts (votes, upvotes, flags, signals) are never sent one by one: their sections wait for
//     the next update. They go out once they have settled (no count changed for the settle time),
//     but never within one coalesce interval of the last update; while they keep changing (a vote
//     storm) they wait at most the hold, one interval, longer in a big meeting: every count update
//     is one frame per member, so a meeting of N people holds counts for N / frames_per_second s
//     (5,000 people at 10,000 frames/s: 500 ms). The final count of a storm thus goes out one
//     settle time after the last vote, not up to a whole interval later;
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

// The times of the rules above (settings: --coalesce-ms, --count-settle-ms, --count-frames-per-second).
struct BatchingTimes {
  std::chrono::milliseconds interval{150};  // least time between updates of held changes
  std::chrono::milliseconds settle{25};     // counts still for this long go out
  std::size_t frames_per_second = 10000;    // a big meeting's budget of count frames (0: no scaling)
};

class UpdateBatching {
 public:
  explicit UpdateBatching(BatchingTimes times) : times_(times) {}

  // A committed change in a meeting of `members` connections. Returns the update to send now, or
  // nothing when the change is held.
  std::optional<Outgoing> committed(const std::vector<core::Stamped>& events, SteadyTime now, std::size_t members);
  // Sections to send with the next update, though no event changed them (signals fading).
  void touch(std::uint32_t sections) { sections_ |= sections; }
  // Everything held, to send now; nothing if nothing is held.
  std::optional<Outgoing> flush(SteadyTime now);
  // Held events only (joins, presence changes): what must go before a catch-up or an ack.
  // Counts alone stay held: they never delay an answer.
  std::optional<Outgoing> flush_events(SteadyTime now);
  // The timer's turn: what is due at `now`, if anything.
  std::optional<Outgoing> due(SteadyTime now);
  // When due() has something to send; nothing when nothing waits for the timer. It moves later
  // as counts keep changing (a timer armed for an earlier time finds nothing due and is armed
  // again), and may move earlier when a count arrives while joins are held.
  std::optional<SteadyTime> wake_at() const;
  bool holding_events() const { return !held_.empty(); }
  // How long counts may wait while they keep changing, in a meeting of `members` connections.
  std::chrono::milliseconds count_hold(std::size_t members) const;

 private:
  BatchingTimes times_;
  std::vector<core::Stamped> held_;         // joins and presence changes, in seq order
  std::uint32_t sections_ = 0;              // changed by held or count events, not yet sent
  std::set<std::uint32_t> voted_polls_;
  std::optional<SteadyTime> events_due_;    // when the held joins go out
  std::optional<SteadyTime> counts_since_;  // the oldest count change held
  SteadyTime counts_last_{};                // the latest count change held
  std::chrono::milliseconds counts_hold_{};  // the hold for the counts held now
  std::optional<SteadyTime> last_sent_;        // when any update last went out
  std::optional<SteadyTime> last_batch_sent_;  // when held events last went out
};

}  // namespace everyvoice::net
