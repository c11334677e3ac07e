// A meeting's recent committed events, kept so that a client coming back after a short break gets
// the events it missed instead of a whole snapshot (PROTOCOL.md 3.5). At most `limit` events
// (--history-events); older ones are let go, and a client that missed them gets a snapshot.
//
// Events are held in the event log's byte form (store/event_format.hpp), not as core::Stamped: a
// Stamped is as big as the largest event kind (over 300 bytes), while most events (a join, a hand,
// a vote) encode in a few dozen. At 2,000 events per meeting that is the difference between about
// 700 KiB and 100 KiB a meeting. Decoding happens only when a client resumes.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "core/events.hpp"

namespace everyvoice::net {

class ResumeHistory {
 public:
  explicit ResumeHistory(std::size_t limit) : limit_(limit) {}

  // Appends a committed event (seq above every one held) and lets the oldest go past the limit.
  void push(const core::Stamped& event);

  // The events after `last_seq`, oldest first, if every one of them is still held: last_seq must
  // be at least the seq just before the oldest held. Empty when nothing was missed or when some
  // were let go (`complete` tells which).
  struct Since {
    bool complete = false;
    std::vector<core::Stamped> events;
  };
  Since since(core::Seq last_seq) const;

  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  core::Seq oldest_seq() const { return entries_.empty() ? 0 : entries_.front().seq; }
  core::Seq newest_seq() const { return entries_.empty() ? 0 : entries_.back().seq; }
  std::size_t held_bytes() const { return bytes_; }  // the encoded events' bytes

 private:
  struct Entry {
    core::Seq seq;
    core::Millis at;
    std::string bytes;  // store::encode_event
  };
  std::size_t limit_;
  std::deque<Entry> entries_;
  std::size_t bytes_ = 0;
};

}  // namespace everyvoice::net
