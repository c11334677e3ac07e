// One connection's outgoing queue, without sockets or threads: frames go in, the buffers of the
// next gathered write come out, written bytes are consumed. The owner (websocket_session.cpp)
// guards it with one mutex and does the I/O; every rule about what is kept, dropped or closed
// lives here and is tested deterministically (tests/net/send_queue_test.cpp).
//
// The rules:
// - Every queued frame costs its bytes plus entry_overhead (the entry, the shared string's control
//   block and heap header), so a flood of tiny frames is counted at what it really holds.
// - Never wait for the slowest: an update that would take the queue past the soft limit drops
//   every queued update instead, and the client is owed a snapshot, asked for once the queue has
//   drained (wants_snapshot). Updates are dropped until the snapshot comes.
// - A snapshot replaces the updates queued after the last queued reply: an update that a reply
//   follows (an ack's update, PROTOCOL.md 4.2) still goes first.
// - A pong answers only the latest ping (RFC 6455 5.5.3): one pong waits at most, so pings cost
//   the server a bounded amount however many arrive.
// - Past the hard limit the connection is closed: everything not yet handed to the kernel is
//   dropped and the close frame is queued whatever its size, so a close always happens.
// - Frames handed to the kernel (in flight) are never dropped: the stream is never cut inside a
//   frame, and the buffers of a write under way stay valid.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <span>
#include <string_view>
#include <vector>

#include "net/connection.hpp"

namespace everyvoice::net {

class SendQueue {
 public:
  static constexpr std::size_t entry_overhead = 96;

  struct Limits {
    std::size_t soft_bytes = 1024 * 1024;
    std::size_t hard_bytes = 8 * 1024 * 1024;
  };

  enum class Pushed {
    queued,    // will be written
    dropped,   // an update dropped: the client fell behind and is owed a snapshot
    refused,   // the queue is closing: nothing more is taken
    overflow,  // the hard limit was reached: the queue now ends with a close frame
  };

  explicit SendQueue(Limits limits) : limits_(limits) {}

  // Queues a frame of the given kind. `overflow_close` is the close frame to queue if this push
  // reaches the hard limit (built by the caller, so that this class stays free of the wire format).
  Pushed push(Frame frame, FrameKind kind, const Frame& overflow_close);
  // Queues the last frame (a close frame, or the HTTP response that refuses an upgrade) after what
  // is queued; when `drop_updates`, queued updates go first. Nothing is taken after it.
  void close(Frame last, bool drop_updates);

  // Fills `out` with the next bytes to write (the rest of a partly written frame first) and marks
  // those frames in flight until consume(). Returns how many buffers it filled.
  std::size_t gather(std::span<std::string_view> out);
  // `n` bytes of the gathered buffers were written. Returns the number of whole frames written.
  std::size_t consume(std::size_t n);

  bool empty() const { return entries_.empty() && !pong_; }
  std::size_t cost() const { return cost_; }  // bytes counted against the limits
  std::size_t frames() const { return entries_.size() + (pong_ ? 1 : 0); }
  bool closing() const { return closing_; }
  bool close_written() const { return close_written_; }
  bool owes_snapshot() const { return resync_; }
  // True once per resync, when the client is owed a snapshot and everything queued is written.
  bool wants_snapshot();
  // Drops everything (the connection is gone).
  void clear();
  // What was dropped since the last call (for /metrics): updates, and pongs replaced by a later one.
  struct Dropped {
    std::size_t updates = 0;
    std::size_t pongs = 0;
  };
  Dropped take_dropped() { return std::exchange(dropped_, Dropped{}); }

 private:
  struct Entry {
    Frame frame;
    FrameKind kind;
    bool last = false;  // the close frame (or refusing response): once written, the stream ends
  };
  static std::size_t cost_of(const Frame& f) { return f->size() + entry_overhead; }
  void append(Frame frame, FrameKind kind, bool last);
  bool replace_unsent_pong(Frame& pong);
  // Drops the queued updates not yet handed to the kernel; with `unanswered_only`, only those after
  // the last queued frame that is not an update.
  void drop_updates(bool unanswered_only = false);
  void drop_unsent();

  Limits limits_;
  std::vector<Entry> entries_;  // a vector: an idle connection holds no allocation
  Frame pong_;                 // the answer to the latest ping, queued at the next gather
  std::optional<std::size_t> pong_at_;  // where a gathered pong waits in entries_ until it starts out
  std::size_t cost_ = 0;
  std::size_t write_offset_ = 0;  // bytes of the front frame already written
  std::size_t in_flight_ = 0;     // front frames handed to a write (never dropped)
  Dropped dropped_;
  bool resync_ = false;
  bool snapshot_asked_ = false;
  bool closing_ = false;
  bool close_written_ = false;
};

}  // namespace everyvoice::net
