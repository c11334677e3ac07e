// A broadcast's sends written together (server/net/send_batch.hpp), with io_uring and with sendmsg,
// over real sockets: every byte arrives in order on its own socket, each connection is told what
// was written of its send, a full socket says so (-EAGAIN) without holding up the others, a send
// larger than the socket takes is written in part, and a batch bigger than one submission goes out
// whole.
#include "net/send_batch.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <stdexcept>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "net/connection.hpp"

namespace everyvoice::net {
namespace {

// A connection that only takes a batch's answer.
class Recorder final : public Connection {
 public:
  void deliver(Frame, FrameKind) override {}
  void deliver_corked(Frame, FrameKind) override {}
  void add_corked(SendBatch&) override {}
  void corked_sent(const CorkedSend& send) override {
    ++answers;
    result = send.result;
  }
  void bind(std::shared_ptr<MeetingRoom>, core::ParticipantId) override {}
  void join_failed() override {}
  void close(std::uint16_t, std::string) override {}

  int answers = 0;
  long result = 0;
};

struct Pair {
  int sender = -1;
  int receiver = -1;
  Pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) throw std::runtime_error("socketpair");
    sender = fds[0];
    receiver = fds[1];
    ::fcntl(sender, F_SETFL, ::fcntl(sender, F_GETFL) | O_NONBLOCK);  // as the server's sockets
    ::fcntl(receiver, F_SETFL, ::fcntl(receiver, F_GETFL) | O_NONBLOCK);
  }
  ~Pair() {
    ::close(sender);
    ::close(receiver);
  }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;

  std::string received() const {
    std::string all;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::recv(receiver, buf, sizeof buf, 0);
      if (n <= 0) return all;
      all.append(buf, static_cast<std::size_t>(n));
    }
  }
};

// The frames' bytes must outlive the send (views of literals, or of strings the test keeps).
void add(SendBatch& batch, Recorder& owner, const Pair& pair, std::initializer_list<std::string_view> frames) {
  batch.add(&owner, pair.sender, std::span<const std::string_view>(frames.begin(), frames.size()));
}

class SendBatchTest : public ::testing::TestWithParam<SendMethod> {};

TEST_P(SendBatchTest, EverySocketGetsItsFramesInOrderAndEveryOwnerHearsOnce) {
  SendBatch batch(GetParam());
  if (GetParam() == SendMethod::io_uring && SendBatch::io_uring_built()) {
    ASSERT_EQ(batch.method(), SendMethod::io_uring) << "this kernel refused io_uring";
  }
  constexpr int n = 40;
  std::vector<std::unique_ptr<Pair>> pairs;
  std::vector<Recorder> owners(n);
  std::vector<std::vector<std::string>> frames(n);
  for (int i = 0; i < n; ++i) {
    pairs.push_back(std::make_unique<Pair>());
    frames[i] = {"update " + std::to_string(i) + ";", std::string(100 + i, 'x'), "ack " + std::to_string(i)};
    add(batch, owners[i], *pairs[i], {frames[i][0], frames[i][1], frames[i][2]});
  }
  batch.send();
  for (int i = 0; i < n; ++i) {
    const std::string expected = frames[i][0] + frames[i][1] + frames[i][2];
    EXPECT_EQ(owners[i].answers, 1);
    EXPECT_EQ(owners[i].result, static_cast<long>(expected.size()));
    EXPECT_EQ(pairs[i]->received(), expected) << "socket " << i;
  }
  // The batch is empty again: a second send writes only what is added next.
  Recorder again;
  add(batch, again, *pairs[0], {"second"});
  batch.send();
  EXPECT_EQ(again.answers, 1);
  EXPECT_EQ(owners[0].answers, 1);
  EXPECT_EQ(pairs[0]->received(), "second");
}

TEST_P(SendBatchTest, AFullSocketIsToldSoAndTheOthersAreWritten) {
  SendBatch batch(GetParam());
  Pair full, fine;
  const std::string chunk(65536, 'f');
  while (::send(full.sender, chunk.data(), chunk.size(), MSG_DONTWAIT) > 0) {
  }
  ASSERT_EQ(errno, EAGAIN);
  Recorder blocked, other;
  add(batch, blocked, full, {"hello"});
  add(batch, other, fine, {"hello"});
  batch.send();
  EXPECT_EQ(blocked.answers, 1);
  EXPECT_EQ(blocked.result, -EAGAIN);
  EXPECT_EQ(other.result, 5);
  EXPECT_EQ(fine.received(), "hello");
}

TEST_P(SendBatchTest, ASendLargerThanTheSocketTakesIsWrittenInPart) {
  SendBatch batch(GetParam());
  Pair small, other;
  const int size = 4096;
  ASSERT_EQ(::setsockopt(small.sender, SOL_SOCKET, SO_SNDBUF, &size, sizeof size), 0);
  const std::vector<std::string> frames = {std::string(1 << 20, 'a'), std::string(1 << 20, 'b')};
  Recorder partial, second;
  add(batch, partial, small, {frames[0], frames[1]});
  add(batch, second, other, {"x"});
  batch.send();
  ASSERT_GT(partial.result, 0);
  EXPECT_LT(partial.result, 2 << 20);
  const std::string got = small.received();
  EXPECT_EQ(static_cast<long>(got.size()), partial.result) << "the result is what the peer can read";
  EXPECT_TRUE(got == (frames[0] + frames[1]).substr(0, got.size())) << "the bytes are the frames' first bytes, in order";
  EXPECT_EQ(second.result, 1);
}

TEST_P(SendBatchTest, ABatchLargerThanOneSubmissionGoesOutWhole) {
  SendBatch batch(GetParam());
  constexpr int n = 600;  // more than two submissions of 256
  std::vector<std::unique_ptr<Pair>> pairs;
  std::vector<Recorder> owners(n);
  std::vector<std::string> text(n);
  for (int i = 0; i < n; ++i) {
    pairs.push_back(std::make_unique<Pair>());
    text[i] = "frame for " + std::to_string(i);
  }
  for (int i = 0; i < n; ++i) add(batch, owners[i], *pairs[i], {text[i]});
  batch.send();
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(owners[i].answers, 1) << i;
    ASSERT_EQ(pairs[i]->received(), text[i]) << i;
  }
}

TEST_P(SendBatchTest, AClosedPeerIsAnErrorForThatSendOnly) {
  SendBatch batch(GetParam());
  Pair gone, fine;
  ::shutdown(gone.receiver, SHUT_RDWR);
  ::close(gone.receiver);
  gone.receiver = ::open("/dev/null", O_RDONLY);  // so that ~Pair closes something of its own
  Recorder broken, other;
  add(batch, broken, gone, {"lost"});
  add(batch, other, fine, {"kept"});
  batch.send();
  EXPECT_EQ(broken.result, -EPIPE) << "MSG_NOSIGNAL: an error, not SIGPIPE";
  EXPECT_EQ(other.result, 4);
  EXPECT_EQ(fine.received(), "kept");
}

INSTANTIATE_TEST_SUITE_P(Methods, SendBatchTest, ::testing::Values(SendMethod::io_uring, SendMethod::sendmsg),
                         [](const auto& method) { return method.param == SendMethod::io_uring ? "io_uring" : "sendmsg"; });

}  // namespace
}  // namespace everyvoice::net
