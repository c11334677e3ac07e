#include "net/send_queue.hpp"

#include <algorithm>

namespace everyvoice::net {

SendQueue::Pushed SendQueue::push(Frame frame, FrameKind kind, const Frame& overflow_close) {
  if (closing_) return Pushed::refused;
  if (kind == FrameKind::update && resync_) {
    ++dropped_.updates;
    return Pushed::dropped;
  }
  if (kind == FrameKind::snapshot) {
    resync_ = false;
    snapshot_asked_ = false;
    drop_updates(true);  // the snapshot holds everything they said; an update a reply follows stays
  }
  if (kind == FrameKind::pong) {  // only the latest ping is answered
    if (pong_) {
      cost_ -= cost_of(pong_);
      pong_.reset();
      ++dropped_.pongs;
    }
    if (replace_unsent_pong(frame)) return Pushed::queued;
  }
  const std::size_t cost = cost_of(frame);
  if (cost_ + cost > limits_.hard_bytes) {
    drop_unsent();
    append(overflow_close, FrameKind::reply, true);
    closing_ = true;
    return Pushed::overflow;
  }
  if (kind == FrameKind::update && cost_ + cost > limits_.soft_bytes) {
    drop_updates();
    resync_ = true;
    ++dropped_.updates;
    return Pushed::dropped;
  }
  if (kind == FrameKind::pong) {
    pong_ = std::move(frame);
    cost_ += cost;
  } else {
    append(std::move(frame), kind, false);
  }
  return Pushed::queued;
}

void SendQueue::close(Frame last, bool drop_updates_first) {
  if (closing_) return;
  if (drop_updates_first) drop_updates();
  if (pong_) {  // a ping that came before the close is still answered
    Frame pong = std::move(pong_);
    pong_.reset();
    cost_ -= cost_of(pong);
    if (!replace_unsent_pong(pong)) append(std::move(pong), FrameKind::pong, false);
  }
  append(std::move(last), FrameKind::reply, true);
  closing_ = true;
}

std::size_t SendQueue::gather(std::span<std::string_view> out) {
  if (pong_) {
    // Ahead of everything not yet started: a pong is small and the peer is waiting for it. A pong
    // still unsent from an earlier gather (the write would have blocked) is replaced, not joined.
    Frame pong = std::move(pong_);
    pong_.reset();
    cost_ -= cost_of(pong);
    if (!replace_unsent_pong(pong)) {
      const std::size_t at = write_offset_ > 0 ? 1 : 0;
      entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(at), Entry{std::move(pong), FrameKind::pong});
      cost_ += cost_of(entries_[at].frame);
      pong_at_ = at;
    }
  }
  std::size_t count = 0;
  for (; count < entries_.size() && count < out.size(); ++count) {
    const std::string& f = *entries_[count].frame;
    const std::size_t skip = count == 0 ? write_offset_ : 0;
    out[count] = std::string_view(f.data() + skip, f.size() - skip);
    if (entries_[count].last) {
      ++count;
      break;  // nothing after the last frame
    }
  }
  in_flight_ = count;
  return count;
}

std::size_t SendQueue::consume(std::size_t n) {
  std::size_t whole = 0;
  while (whole < entries_.size()) {
    const std::size_t left = entries_[whole].frame->size() - write_offset_;
    if (n < left) {
      write_offset_ += n;
      break;
    }
    n -= left;
    write_offset_ = 0;
    cost_ -= cost_of(entries_[whole].frame);
    if (entries_[whole].last) close_written_ = true;
    ++whole;
  }
  if (pong_at_) {  // the queued pong: written, started (no longer replaceable), or moved forward
    if (*pong_at_ < whole || (*pong_at_ == whole && write_offset_ > 0)) pong_at_.reset();
    else *pong_at_ -= whole;
  }
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(whole));
  if (entries_.empty() && entries_.capacity() > 16) entries_.shrink_to_fit();  // a burst passed
  in_flight_ = 0;
  return whole;
}

bool SendQueue::wants_snapshot() {
  if (!resync_ || snapshot_asked_ || closing_ || !empty()) return false;
  snapshot_asked_ = true;
  return true;
}

void SendQueue::clear() {
  entries_.clear();
  entries_.shrink_to_fit();
  pong_.reset();
  pong_at_.reset();
  cost_ = 0;
  write_offset_ = 0;
  in_flight_ = 0;
}

// Puts `pong` in the place of the pong already queued if that one has not started to go out.
bool SendQueue::replace_unsent_pong(Frame& pong) {
  if (!pong_at_ || *pong_at_ < in_flight_) return false;
  Frame& old = entries_[*pong_at_].frame;
  cost_ -= cost_of(old);
  old = std::move(pong);
  cost_ += cost_of(old);
  ++dropped_.pongs;
  return true;
}

void SendQueue::append(Frame frame, FrameKind kind, bool last) {
  cost_ += cost_of(frame);
  entries_.push_back(Entry{std::move(frame), kind, last});
}

// Frames in flight or partly written stay: the stream must not be cut inside a frame.
void SendQueue::drop_updates(bool unanswered_only) {
  std::size_t keep = std::min(entries_.size(), std::max<std::size_t>(in_flight_, write_offset_ > 0 ? 1 : 0));
  if (unanswered_only)
    for (std::size_t i = entries_.size(); i > keep; --i)
      if (entries_[i - 1].kind != FrameKind::update) {
        keep = i;
        break;
      }
  if (pong_at_) {  // the pong is never dropped here, but updates ahead of it are
    for (std::size_t i = keep; i < *pong_at_; ++i)
      if (entries_[i].kind == FrameKind::update) --*pong_at_;
  }
  auto kept_end = std::stable_partition(entries_.begin() + static_cast<std::ptrdiff_t>(keep), entries_.end(),
                                        [](const Entry& e) { return e.kind != FrameKind::update; });
  for (auto it = kept_end; it != entries_.end(); ++it) {
    cost_ -= cost_of(it->frame);
    ++dropped_.updates;
  }
  entries_.erase(kept_end, entries_.end());
}

void SendQueue::drop_unsent() {
  const std::size_t keep = std::min(entries_.size(), std::max<std::size_t>(in_flight_, write_offset_ > 0 ? 1 : 0));
  for (std::size_t i = keep; i < entries_.size(); ++i) cost_ -= cost_of(entries_[i].frame);
  entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(keep), entries_.end());
  if (pong_at_ && *pong_at_ >= keep) pong_at_.reset();
  if (pong_) {
    cost_ -= cost_of(pong_);
    pong_.reset();
  }
}

}  // namespace everyvoice::net
