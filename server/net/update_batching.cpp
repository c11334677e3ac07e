#include "net/update_batching.hpp"

#include <algorithm>
#include <utility>

#include "codec/server_message.hpp"

namespace everyvoice::net {

std::chrono::milliseconds UpdateBatching::count_hold(std::size_t members) const {
  if (times_.frames_per_second == 0) return times_.interval;
  const auto scaled = std::chrono::milliseconds(members * 1000 / times_.frames_per_second);
  return std::max(times_.interval, scaled);
}

std::optional<SteadyTime> UpdateBatching::wake_at() const {
  std::optional<SteadyTime> at = events_due_;
  if (counts_since_) {
    SteadyTime settled = counts_last_ + times_.settle;
    if (last_sent_) settled = std::max(settled, *last_sent_ + times_.interval);
    const SteadyTime counts_due = std::min(settled, *counts_since_ + counts_hold_);
    at = at ? std::min(*at, counts_due) : counts_due;
  }
  return at;
}

std::optional<Outgoing> UpdateBatching::committed(const std::vector<core::Stamped>& events, SteadyTime now,
                                                  std::size_t members) {
  std::uint32_t sections = 0;
  std::size_t new_decisions = 0;
  bool only_counts = true;
  bool only_batched = !events.empty();
  for (const auto& e : events) {
    sections |= codec::sections_of(e.event);
    only_counts = only_counts && codec::is_count_event(e.event);
    only_batched = only_batched && codec::is_batched_event(e.event);
    new_decisions += std::holds_alternative<core::DecisionRecorded>(e.event) ? 1 : 0;
    if (const auto* v = std::get_if<core::VoteRecorded>(&e.event)) voted_polls_.insert(v->poll);
  }
  if (only_counts) {
    sections_ |= sections;
    if (!counts_since_) {
      counts_since_ = now;
      counts_hold_ = count_hold(members);
    }
    counts_last_ = now;
    return std::nullopt;
  }
  if (only_batched) {
    held_.insert(held_.end(), events.begin(), events.end());
    sections_ |= sections;
    const bool quiet = !last_batch_sent_ || now - *last_batch_sent_ >= times_.interval;
    if (quiet && !events_due_ && !counts_since_) return flush(now);
    if (!events_due_) events_due_ = now + times_.interval;
    return std::nullopt;
  }
  Outgoing out = flush(now).value_or(Outgoing{});
  last_sent_ = now;
  out.events.insert(out.events.end(), events.begin(), events.end());
  out.sections |= sections;
  out.new_decisions += new_decisions;
  out.voted_polls.merge(voted_polls_);
  voted_polls_.clear();
  return out;
}

std::optional<Outgoing> UpdateBatching::flush(SteadyTime now) {
  events_due_.reset();
  counts_since_.reset();
  if (held_.empty() && sections_ == 0 && voted_polls_.empty()) return std::nullopt;
  Outgoing out;
  last_sent_ = now;
  if (!held_.empty()) last_batch_sent_ = now;
  out.events = std::exchange(held_, {});
  out.sections = std::exchange(sections_, 0);
  out.voted_polls = std::exchange(voted_polls_, {});
  return out;
}

std::optional<Outgoing> UpdateBatching::flush_events(SteadyTime now) {
  if (held_.empty()) return std::nullopt;
  return flush(now);
}

std::optional<Outgoing> UpdateBatching::due(SteadyTime now) {
  const auto at = wake_at();
  if (!at || *at > now) return std::nullopt;
  return flush(now);
}

}  // namespace everyvoice::net
