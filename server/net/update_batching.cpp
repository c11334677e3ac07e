#include "net/update_batching.hpp"

#include <algorithm>
#include <utility>

#include "codec/server_message.hpp"

namespace everyvoice::net {

void UpdateBatching::hold_until(SteadyTime at) {
  if (!wake_at_) wake_at_ = at;
}

std::optional<Outgoing> UpdateBatching::committed(const std::vector<core::Stamped>& events, SteadyTime now) {
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
    hold_until(now + interval_);
    return std::nullopt;
  }
  if (only_batched) {
    held_.insert(held_.end(), events.begin(), events.end());
    sections_ |= sections;
    const bool quiet = !last_batch_sent_ || now - *last_batch_sent_ >= interval_;
    if (quiet && !wake_at_) return flush(now);
    hold_until(now + interval_);
    return std::nullopt;
  }
  Outgoing out = flush(now).value_or(Outgoing{});
  out.events.insert(out.events.end(), events.begin(), events.end());
  out.sections |= sections;
  out.new_decisions += new_decisions;
  out.voted_polls.merge(voted_polls_);
  voted_polls_.clear();
  return out;
}

std::optional<Outgoing> UpdateBatching::flush(SteadyTime now) {
  wake_at_.reset();
  if (held_.empty() && sections_ == 0 && voted_polls_.empty()) return std::nullopt;
  Outgoing out;
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
  if (!wake_at_ || *wake_at_ > now) return std::nullopt;
  return flush(now);
}

}  // namespace everyvoice::net
