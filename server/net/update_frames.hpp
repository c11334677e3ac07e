// The frames of one update to a meeting's members, each encoded once, on first use: per audience
// the update and the snapshot, and for members whose snapshot already holds the first of the
// update's events, the update without them.
//
// Why the last: a joiner gets its snapshot at once, while the joins before it may still be held
// for the next batch (update_batching.hpp); a client that fell behind gets one whenever it has
// drained. That snapshot holds the held events already, and an event is sent once (PROTOCOL.md
// 4.2), so when the batch goes out such a member gets only the events after its snapshot. Members
// whose snapshot seq cuts the update at the same listed event share one frame: in a big meeting,
// where participants are not told of other people's joins, every joiner of a storm shares the one
// ordinary frame.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "codec/server_message.hpp"
#include "core/meeting_state.hpp"
#include "net/connection.hpp"
#include "net/update_batching.hpp"

namespace everyvoice::net {

class UpdateFrames {
 public:
  // `state` is the meeting after every event of `out`; both outlive this object.
  UpdateFrames(const core::MeetingState& state, std::string_view code, const Outgoing& out, core::Millis now)
      : state_(state), code_(code), out_(out), now_(now) {}

  const Frame& snapshot(codec::Audience audience);
  // The update for a member of `audience` whose latest snapshot outside a broadcast had seq
  // `snapshot_seq` (0: none); nullptr when that snapshot holds everything the update would say
  // (it is at the meeting's seq, and the update is not the signals' refresh).
  const Frame* update(codec::Audience audience, core::Seq snapshot_seq);

 private:
  // next_listed(a)[i]: the index of the first event at or after i that an update to `a` lists
  // (events.size() if none).
  const std::vector<std::uint32_t>& next_listed(codec::Audience audience);
  const Frame& events_from(codec::Audience audience, std::size_t first);

  const core::MeetingState& state_;
  std::string_view code_;
  const Outgoing& out_;
  core::Millis now_;
  std::array<Frame, codec::audience_count> snapshots_;
  std::array<Frame, codec::audience_count> whole_;
  std::array<std::vector<std::uint32_t>, codec::audience_count> next_listed_;
  std::map<std::pair<codec::Audience, std::size_t>, Frame> cut_;  // (audience, first event sent)
};

}  // namespace everyvoice::net
