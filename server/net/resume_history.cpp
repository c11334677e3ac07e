#include "net/resume_history.hpp"

#include <algorithm>

#include "store/event_format.hpp"

namespace everyvoice::net {

void ResumeHistory::push(const core::Stamped& event) {
  Entry& added = entries_.emplace_back(Entry{event.seq, event.at, store::encode_event(event.event)});
  bytes_ += added.bytes.size();
  while (entries_.size() > limit_) {
    bytes_ -= entries_.front().bytes.size();
    entries_.pop_front();
  }
}

ResumeHistory::Since ResumeHistory::since(core::Seq last_seq) const {
  Since out;
  if (entries_.empty() || entries_.front().seq > last_seq + 1) return out;
  out.complete = true;
  auto first = std::partition_point(entries_.begin(), entries_.end(), [last_seq](const Entry& e) { return e.seq <= last_seq; });
  out.events.reserve(static_cast<std::size_t>(entries_.end() - first));
  // Every entry was encoded here from a valid event, so decoding does not fail; if it ever did, the
  // client gets a snapshot (complete = false) rather than an error.
  try {
    for (auto it = first; it != entries_.end(); ++it)
      out.events.push_back(core::Stamped{it->seq, it->at, store::decode_event(it->bytes)});
  } catch (const store::FormatError&) {
    return Since{};
  }
  return out;
}

}  // namespace everyvoice::net
