#include "net/send_batch.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "net/connection.hpp"
#include "net/log.hpp"

#ifdef EVERYVOICE_HAVE_IO_URING
#include <liburing.h>
#endif

namespace everyvoice::net {
namespace {

std::atomic<SendMethod> configured{SendMethod::io_uring};
constexpr int send_flags = MSG_NOSIGNAL | MSG_DONTWAIT;

}  // namespace

long SendBatch::send_one(const CorkedSend& s) {
  msghdr message{};
  message.msg_iov = buffers_.data() + s.first;
  message.msg_iovlen = s.count;
  for (;;) {
    const ssize_t n = ::sendmsg(s.fd, &message, send_flags);
    if (n >= 0) return static_cast<long>(n);
    if (errno != EINTR) return -static_cast<long>(errno);
  }
}

#ifdef EVERYVOICE_HAVE_IO_URING
// One ring per thread, as deep as the sends one submission carries; a bigger batch goes in several.
struct SendBatch::Ring {
  static constexpr unsigned depth = 256;
  io_uring ring{};
  std::vector<msghdr> messages = std::vector<msghdr>(depth);
  ~Ring() { io_uring_queue_exit(&ring); }
};
#else
struct SendBatch::Ring {};
#endif

void SendBatch::configure(SendMethod method) { configured.store(method); }

bool SendBatch::io_uring_built() {
#ifdef EVERYVOICE_HAVE_IO_URING
  return true;
#else
  return false;
#endif
}

SendBatch& SendBatch::for_this_thread() {
  thread_local SendBatch batch(configured.load());
  return batch;
}

SendBatch::SendBatch(SendMethod wanted) {
#ifdef EVERYVOICE_HAVE_IO_URING
  if (wanted != SendMethod::io_uring) return;
  auto ring = std::make_unique<Ring>();
  if (const int rc = io_uring_queue_init(Ring::depth, &ring->ring, 0); rc < 0) {
    ring.release();  // nothing to tear down: the ring was not made
    log(LogLevel::warn, std::string("io_uring cannot be set up on this thread (") + std::strerror(-rc) +
                            "): its broadcasts are written with sendmsg");
    return;
  }
  ring_ = std::move(ring);
  method_ = SendMethod::io_uring;
#else
  (void)wanted;
#endif
}

SendBatch::~SendBatch() = default;

void SendBatch::add(Connection* owner, int fd, std::span<const std::string_view> frames) {
  if (used_ == 0) buffers_.clear();
  const std::size_t count = std::min(frames.size(), CorkedSend::max_buffers);
  if (used_ == sends_.size()) sends_.emplace_back();
  CorkedSend& s = sends_[used_];
  s.owner = owner;
  s.fd = fd;
  s.first = buffers_.size();
  s.count = count;
  s.result = 0;
  for (std::size_t i = 0; i < count; ++i) buffers_.push_back(iovec{const_cast<char*>(frames[i].data()), frames[i].size()});
  ++used_;  // counted once its buffers are in: a push_back that throws leaves no half slot
}

void SendBatch::send() {
  if (used_ == 0) return;
  // One send is one system call either way.
  if (used_ == 1 || method_ != SendMethod::io_uring || !send_ring()) send_each();
  const std::size_t n = used_;
  used_ = 0;  // owners must not add to this batch from corked_sent (none does: they post to their strand)
  for (std::size_t i = 0; i < n; ++i) sends_[i].owner->corked_sent(sends_[i]);
}

void SendBatch::send_each() {
  for (std::size_t i = 0; i < used_; ++i) sends_[i].result = send_one(sends_[i]);
}

// Every send of the batch as one submission per Ring::depth sends. The sends do not block
// (MSG_DONTWAIT), so the kernel makes each during the submission and its completion is there when
// the submission returns. Should a submission fail (it does not in normal operation), the sends
// it did not take are made with sendmsg and this thread stops using io_uring.
bool SendBatch::send_ring() {
#ifdef EVERYVOICE_HAVE_IO_URING
  io_uring& ring = ring_->ring;
  for (std::size_t done = 0; done < used_;) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(used_ - done, Ring::depth));
    for (unsigned k = 0; k < chunk; ++k) {
      CorkedSend& s = sends_[done + k];
      msghdr& message = ring_->messages[k];
      message = msghdr{};
      message.msg_iov = buffers_.data() + s.first;
      message.msg_iovlen = s.count;
      io_uring_sqe* sqe = io_uring_get_sqe(&ring);  // never null: every earlier submission was reaped
      io_uring_prep_sendmsg(sqe, s.fd, &message, send_flags);
      io_uring_sqe_set_data64(sqe, done + k);
    }
    unsigned submitted = 0;
    int failure = 0;
    for (int tries = 0; submitted < chunk;) {
      const int rc = io_uring_submit(&ring);
      if (rc > 0) {
        submitted += static_cast<unsigned>(rc);
      } else if ((rc == -EINTR || rc == -EAGAIN) && ++tries < 100) {
        continue;
      } else {
        failure = rc < 0 ? -rc : EIO;
        break;
      }
    }
    for (unsigned seen = 0; seen < submitted;) {
      io_uring_cqe* cqe = nullptr;
      const int rc = io_uring_wait_cqe(&ring, &cqe);
      if (rc == -EINTR) continue;
      if (rc < 0) {  // cannot happen with completions owed; the rest are then unknown, so closed
        for (std::size_t i = done; i < done + submitted; ++i) {
          if (sends_[i].result == 0 && sends_[i].count > 0) sends_[i].result = -EIO;
        }
        failure = -rc;
        break;
      }
      sends_[io_uring_cqe_get_data64(cqe)].result = cqe->res;
      io_uring_cqe_seen(&ring, cqe);
      ++seen;
    }
    if (failure != 0) {
      log(LogLevel::error, std::string("io_uring submission failed (") + std::strerror(failure) +
                               "): this thread now writes broadcasts with sendmsg");
      ring_.reset();  // drops what was not submitted
      method_ = SendMethod::sendmsg;
      for (std::size_t i = done + submitted; i < used_; ++i) sends_[i].result = send_one(sends_[i]);
      return true;
    }
    done += chunk;
  }
  return true;
#else
  return false;
#endif
}

}  // namespace everyvoice::net
