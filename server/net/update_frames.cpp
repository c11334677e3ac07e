#include "net/update_frames.hpp"

#include <algorithm>
#include <span>

namespace everyvoice::net {

const Frame& UpdateFrames::snapshot(codec::Audience audience) {
  Frame& frame = snapshots_[static_cast<std::size_t>(audience)];
  if (!frame) frame = make_frame(codec::encode_snapshot(state_, code_, audience, now_));
  return frame;
}

const std::vector<std::uint32_t>& UpdateFrames::next_listed(codec::Audience audience) {
  auto& next = next_listed_[static_cast<std::size_t>(audience)];
  if (!next.empty()) return next;
  const auto& events = out_.events;
  next.resize(events.size() + 1);
  next[events.size()] = static_cast<std::uint32_t>(events.size());
  for (std::size_t i = events.size(); i-- > 0;)
    next[i] = codec::update_lists(state_, events[i], audience) ? static_cast<std::uint32_t>(i) : next[i + 1];
  return next;
}

const Frame& UpdateFrames::events_from(codec::Audience audience, std::size_t first) {
  const auto a = static_cast<std::size_t>(audience);
  const auto& events = out_.events;
  if (first == 0 || first == next_listed(audience)[0]) {
    if (!whole_[a])
      whole_[a] = make_frame(codec::encode_update(state_, events, audience, now_, out_.sections, out_.new_decisions));
    return whole_[a];
  }
  Frame& frame = cut_[{audience, first}];
  if (!frame) {
    // The decisions among the events left out are in the member's snapshot already.
    std::size_t decisions = out_.new_decisions;
    for (std::size_t i = 0; i < first; ++i)
      decisions -= std::holds_alternative<core::DecisionRecorded>(events[i].event) ? 1 : 0;
    frame = make_frame(codec::encode_update(state_, std::span(events).subspan(first), audience, now_, out_.sections, decisions));
  }
  return frame;
}

const Frame* UpdateFrames::update(codec::Audience audience, core::Seq snapshot_seq) {
  // Count events take a seq too: a snapshot at the meeting's seq has every count as it stands. Only
  // the signals change with no seq (they fade as their window slides): their refresh still goes.
  if (snapshot_seq >= state_.seq && !(out_.sections & codec::section_signals)) return nullptr;
  const auto& events = out_.events;
  if (events.empty() || snapshot_seq < events.front().seq) return &events_from(audience, 0);
  const auto after = std::partition_point(events.begin(), events.end(),
                                          [&](const core::Stamped& e) { return e.seq <= snapshot_seq; });
  return &events_from(audience, next_listed(audience)[static_cast<std::size_t>(after - events.begin())]);
}

}  // namespace everyvoice::net
