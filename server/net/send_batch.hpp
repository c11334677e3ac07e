// The writes of one broadcast, made together. A meeting room queues an update on every member's
// connection (corked), then asks each connection for its send (Connection::add_corked) and writes
// them all with one call: one io_uring submission carrying a sendmsg per connection where the
// kernel allows it, else one non-blocking sendmsg each. Each connection is then told what was
// written (Connection::corked_sent) and carries on as after any write: the rest of a partial send,
// or a full kernel buffer, is left to its strand.
//
// Why: a broadcast to N people is N sends of the same few hundred bytes, and on loopback most of a
// send's cost is the system call around it. tests/load/send_bench.cpp measured io_uring at 0.62 x
// the CPU per send of sendmsg at 1,000 sockets and 0.66 x at 5,000 (tests/load/README.md).
//
// No Boost here: a send is a descriptor and its buffers. One batch per thread (the rooms of a thread
// use it one at a time); a send never blocks (MSG_DONTWAIT).
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace everyvoice::net {

class Connection;

// One connection's send in a batch. Its buffers are the batch's (one array for all the sends:
// most sends are one frame, and a broadcast to 5,000 people kept 5,000 slots of 64 buffers each,
// 5 MB, for as long as the thread lived).
struct CorkedSend {
  static constexpr std::size_t max_buffers = 64;  // frames per send, as a strand's gathered write
  Connection* owner = nullptr;
  int fd = -1;
  std::size_t first = 0;  // its buffers in the batch
  std::size_t count = 0;
  long result = 0;  // bytes written, or -errno (-EAGAIN: the kernel buffer is full)
};

enum class SendMethod { io_uring, sendmsg };

class SendBatch {
 public:
  // How batches write, for the whole process; set once before the I/O threads start. io_uring
  // falls back to sendmsg (with one log line) on a thread whose ring cannot be set up, as in a
  // container whose seccomp profile refuses io_uring_setup.
  static void configure(SendMethod method);
  // Whether this build has io_uring at all (liburing was found when it was built).
  static bool io_uring_built();
  // The calling thread's batch, writing as configured.
  static SendBatch& for_this_thread();

  // A batch of its own (tests): io_uring asked for, sendmsg where it cannot be had.
  explicit SendBatch(SendMethod wanted);
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  // A send to `fd` of `frames` (1 to CorkedSend::max_buffers of them, whose bytes must stay valid
  // until send()); `owner` is told the outcome.
  void add(Connection* owner, int fd, std::span<const std::string_view> frames);
  // Writes every slot, tells each owner (owner->corked_sent), and empties the batch.
  void send();
  // What this thread's batch writes with now (after any fallback).
  SendMethod method() const { return method_; }

 private:
  void send_each();
  bool send_ring();
  long send_one(const CorkedSend& s);

  struct Ring;
  std::unique_ptr<Ring> ring_;
  SendMethod method_ = SendMethod::sendmsg;
  std::vector<CorkedSend> sends_;
  std::vector<iovec> buffers_;  // every send's, in order
  std::size_t used_ = 0;
};

}  // namespace everyvoice::net
