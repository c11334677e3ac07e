// One connection's outgoing queue: what a client that reads slowly, floods pings or stops reading
// gets, and that the bytes on the wire are always whole frames in order. No socket: a write is a
// gather() followed by consume() of the bytes the socket took.
#include "net/send_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/websocket_frames.hpp"

namespace everyvoice::net {
namespace {

Frame frame_of(std::string bytes) { return std::make_shared<const std::string>(std::move(bytes)); }
// n bytes of one letter: frames told apart by their letter.
std::string letters(std::size_t n, char letter) { return std::string(n, letter); }
std::string pong_bytes(std::string_view payload) { return ws::encode_frame(ws::Opcode::pong, payload); }
Frame close_frame() { return frame_of(ws::encode_close(close_code::policy, "too far behind")); }

constexpr std::size_t cost_of(std::size_t bytes) { return bytes + SendQueue::entry_overhead; }

SendQueue::Pushed push(SendQueue& q, std::string bytes, FrameKind kind) {
  return q.push(frame_of(std::move(bytes)), kind, close_frame());
}

// One gathered write of which the socket takes at most `max_bytes`; returns the bytes written.
std::string write_some(SendQueue& q, std::size_t max_bytes = std::string::npos, std::size_t buffers = 64) {
  std::vector<std::string_view> views(buffers);
  const std::size_t n = q.gather(views);
  std::string wire;
  for (std::size_t i = 0; i < n && wire.size() < max_bytes; ++i)
    wire.append(views[i].substr(0, max_bytes - wire.size()));
  q.consume(wire.size());
  return wire;
}

// A socket that takes everything: writes until the queue is empty.
std::string drain(SendQueue& q) {
  std::string wire;
  for (int round = 0; round < 1000 && !q.empty(); ++round) wire += write_some(q);
  EXPECT_TRUE(q.empty());
  return wire;
}

// A 100-byte frame costs 196: five fit under a soft limit of 1000, the sixth does not.
constexpr std::size_t frame_bytes = 100;
constexpr SendQueue::Limits five_frames{1000, 100000};

// --- A slow reader ------------------------------------------------------------------------------

TEST(SendQueue, ASlowReaderLosesItsQueuedUpdatesButNotItsReplies) {
  SendQueue q(five_frames);
  EXPECT_EQ(push(q, letters(frame_bytes, 'r'), FrameKind::reply), SendQueue::Pushed::queued);
  for (char c : {'1', '2', '3', '4'}) EXPECT_EQ(push(q, letters(frame_bytes, c), FrameKind::update), SendQueue::Pushed::queued);
  EXPECT_EQ(q.cost(), 5 * cost_of(frame_bytes));
  EXPECT_FALSE(q.owes_snapshot());

  EXPECT_EQ(push(q, letters(frame_bytes, '5'), FrameKind::update), SendQueue::Pushed::dropped);
  EXPECT_TRUE(q.owes_snapshot());
  EXPECT_EQ(q.frames(), 1u) << "only the reply is left";
  EXPECT_EQ(q.cost(), cost_of(frame_bytes));
  EXPECT_EQ(q.take_dropped().updates, 5u) << "the four queued and the one pushed";

  // Until the snapshot comes, every update is dropped, however empty the queue; replies still go.
  EXPECT_EQ(push(q, "u", FrameKind::update), SendQueue::Pushed::dropped);
  EXPECT_EQ(push(q, letters(frame_bytes, 's'), FrameKind::reply), SendQueue::Pushed::queued);
  EXPECT_EQ(q.take_dropped().updates, 1u);
  EXPECT_EQ(drain(q), letters(frame_bytes, 'r') + letters(frame_bytes, 's'));
}

TEST(SendQueue, TheSnapshotIsWantedOnceAndOnlyAfterEverythingQueuedIsWritten) {
  SendQueue q(five_frames);
  push(q, letters(frame_bytes, 'r'), FrameKind::reply);
  for (char c : {'1', '2', '3', '4', '5'}) push(q, letters(frame_bytes, c), FrameKind::update);
  ASSERT_TRUE(q.owes_snapshot());
  EXPECT_FALSE(q.wants_snapshot()) << "the reply is still queued";

  std::vector<std::string_view> views(8);
  ASSERT_EQ(q.gather(views), 1u);
  EXPECT_FALSE(q.wants_snapshot()) << "the reply is in flight, not yet written";
  q.consume(views[0].size() - 1);
  EXPECT_FALSE(q.wants_snapshot()) << "one byte of the reply is still to go";
  write_some(q);
  ASSERT_TRUE(q.empty());

  EXPECT_TRUE(q.wants_snapshot());
  EXPECT_FALSE(q.wants_snapshot()) << "asked for once";
  EXPECT_TRUE(q.owes_snapshot()) << "still owed until it comes";
  EXPECT_EQ(push(q, "u", FrameKind::update), SendQueue::Pushed::dropped);

  EXPECT_EQ(push(q, letters(frame_bytes, 'S'), FrameKind::snapshot), SendQueue::Pushed::queued);
  EXPECT_FALSE(q.owes_snapshot());
  EXPECT_FALSE(q.wants_snapshot());
  EXPECT_EQ(push(q, letters(frame_bytes, '6'), FrameKind::update), SendQueue::Pushed::queued) << "updates flow again";
  EXPECT_EQ(drain(q), letters(frame_bytes, 'S') + letters(frame_bytes, '6'));
  EXPECT_FALSE(q.wants_snapshot());
}

TEST(SendQueue, TheResyncSnapshotIsWantedAtOnceWhenTheDropLeavesNothingQueued) {
  SendQueue q(five_frames);
  for (char c : {'1', '2', '3', '4', '5'}) ASSERT_EQ(push(q, letters(frame_bytes, c), FrameKind::update), SendQueue::Pushed::queued);
  EXPECT_EQ(push(q, letters(frame_bytes, '6'), FrameKind::update), SendQueue::Pushed::dropped);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.cost(), 0u);
  EXPECT_TRUE(q.wants_snapshot());
  EXPECT_FALSE(q.wants_snapshot());
}

// An ack comes after its update (PROTOCOL.md 4.2): a snapshot queued behind them (a role change
// in the same batch) replaces only the updates no reply follows.
TEST(SendQueue, ASnapshotReplacesTheUpdatesQueuedAfterTheLastReply) {
  SendQueue q(SendQueue::Limits{});
  push(q, "update 1", FrameKind::update);
  push(q, "reply", FrameKind::reply);
  push(q, "update 2", FrameKind::update);
  push(q, "update 3", FrameKind::update);
  EXPECT_EQ(push(q, "snapshot", FrameKind::snapshot), SendQueue::Pushed::queued);
  EXPECT_EQ(q.take_dropped().updates, 2u);
  EXPECT_EQ(q.cost(), cost_of(8) + cost_of(5) + cost_of(8));
  EXPECT_EQ(drain(q), "update 1replysnapshot");
}

TEST(SendQueue, ASnapshotDuringAResyncEndsItAndDropsTheUpdatesQueuedBeforeTheDrop) {
  SendQueue q(five_frames);
  push(q, letters(frame_bytes, 'r'), FrameKind::reply);
  for (char c : {'1', '2', '3', '4', '5'}) push(q, letters(frame_bytes, c), FrameKind::update);
  ASSERT_TRUE(q.owes_snapshot());
  // The room may send the snapshot before the queue drained (it was asked some other way).
  EXPECT_EQ(push(q, letters(frame_bytes, 'S'), FrameKind::snapshot), SendQueue::Pushed::queued);
  EXPECT_FALSE(q.owes_snapshot());
  push(q, letters(frame_bytes, '6'), FrameKind::update);
  EXPECT_EQ(drain(q), letters(frame_bytes, 'r') + letters(frame_bytes, 'S') + letters(frame_bytes, '6'));
  EXPECT_FALSE(q.wants_snapshot()) << "no second snapshot once the resync ended";
}

// --- Cost ---------------------------------------------------------------------------------------

TEST(SendQueue, EachFrameCostsItsBytesPlusTheEntryOverheadUntilItIsWritten) {
  SendQueue q(SendQueue::Limits{});
  EXPECT_EQ(q.cost(), 0u);
  push(q, letters(10, 'r'), FrameKind::reply);
  EXPECT_EQ(q.cost(), cost_of(10));
  push(q, letters(1000, 'u'), FrameKind::update);
  push(q, "", FrameKind::update);
  push(q, pong_bytes(""), FrameKind::pong);
  EXPECT_EQ(q.cost(), cost_of(10) + cost_of(1000) + cost_of(0) + cost_of(2));
  EXPECT_EQ(q.frames(), 4u);

  write_some(q, 1);  // half of the pong, which goes first
  EXPECT_EQ(q.cost(), cost_of(10) + cost_of(1000) + cost_of(0) + cost_of(2)) << "a frame counts until all of it is written";
  drain(q);
  EXPECT_EQ(q.cost(), 0u);
  EXPECT_EQ(q.frames(), 0u);
}

TEST(SendQueue, AMillionPingsHoldOnlyTheAnswerToTheLatest) {
  SendQueue q(SendQueue::Limits{});
  const Frame empty_pong = frame_of(pong_bytes(""));
  std::size_t most_cost = 0;
  std::size_t most_frames = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    ASSERT_EQ(q.push(empty_pong, FrameKind::pong, close_frame()), SendQueue::Pushed::queued);
    most_cost = std::max(most_cost, q.cost());
    most_frames = std::max(most_frames, q.frames());
  }
  EXPECT_EQ(most_frames, 1u);
  EXPECT_EQ(most_cost, cost_of(2));
  EXPECT_EQ(q.take_dropped().pongs, 999'999u);
  EXPECT_EQ(push(q, pong_bytes("latest"), FrameKind::pong), SendQueue::Pushed::queued);
  EXPECT_EQ(q.take_dropped().pongs, 1u);
  EXPECT_EQ(drain(q), pong_bytes("latest"));
  EXPECT_EQ(q.cost(), 0u);
}

// A pong gathered for a write that did not start it is still waiting: a later ping's pong should
// replace it, as it replaces a pong not yet gathered. Two ways a write leaves it unstarted:
// EWOULDBLOCK (websocket_session.cpp gathers, writes nothing and calls consume(0)), and a slow
// reader taking a few bytes at a time of a large frame the pong was queued behind.
TEST(SendQueue, PingsDuringASlowWriteStillHoldOnlyOnePong) {
  for (bool would_block : {true, false}) {
    SendQueue q(SendQueue::Limits{});
    push(q, letters(100000, 's'), FrameKind::snapshot);
    std::string wire = write_some(q, 1);  // the snapshot is started
    for (int i = 0; i < 100; ++i) {
      push(q, pong_bytes("ping " + std::to_string(i)), FrameKind::pong);
      wire += write_some(q, would_block ? 0 : 10);
    }
    EXPECT_LE(q.frames(), 2u) << "the snapshot and one pong; would_block " << would_block;
    EXPECT_LE(q.cost(), cost_of(100000) + cost_of(pong_bytes("ping 99").size())) << "would_block " << would_block;
    wire += drain(q);
    const std::string snapshot = letters(100000, 's');
    EXPECT_TRUE(wire.starts_with(snapshot)) << "the snapshot is written whole first; would_block " << would_block;
    EXPECT_EQ(wire.substr(std::min(wire.size(), snapshot.size())), pong_bytes("ping 99"))
        << "only the latest ping is answered; would_block " << would_block;
  }
}

// --- The hard limit -----------------------------------------------------------------------------

TEST(SendQueue, PastTheHardLimitEverythingNotInFlightMakesWayForTheCloseFrame) {
  SendQueue q(SendQueue::Limits{10000, 3 * cost_of(frame_bytes)});
  push(q, letters(frame_bytes, 'a'), FrameKind::reply);
  std::vector<std::string_view> views(8);
  ASSERT_EQ(q.gather(views), 1u);  // 'a' is being written
  EXPECT_EQ(push(q, letters(frame_bytes, 'b'), FrameKind::update), SendQueue::Pushed::queued);
  EXPECT_EQ(push(q, letters(frame_bytes, 'c'), FrameKind::reply), SendQueue::Pushed::queued) << "exactly at the hard limit";
  EXPECT_FALSE(q.closing());

  EXPECT_EQ(push(q, letters(frame_bytes, 'd'), FrameKind::reply), SendQueue::Pushed::overflow);
  EXPECT_TRUE(q.closing());
  EXPECT_FALSE(q.close_written());
  EXPECT_EQ(q.frames(), 2u) << "'a' in flight, then the close frame";
  EXPECT_EQ(q.cost(), cost_of(frame_bytes) + cost_of(close_frame()->size()));

  for (FrameKind kind : {FrameKind::update, FrameKind::reply, FrameKind::snapshot, FrameKind::pong})
    EXPECT_EQ(push(q, "late", kind), SendQueue::Pushed::refused);
  q.close(frame_of(ws::encode_close(close_code::normal, "")), false);
  EXPECT_EQ(q.frames(), 2u) << "a second close frame is not queued";
  EXPECT_FALSE(q.wants_snapshot());

  EXPECT_EQ(std::string(views[0]), letters(frame_bytes, 'a')) << "the write under way still has its bytes";
  EXPECT_EQ(q.consume(views[0].size()), 1u);
  EXPECT_FALSE(q.close_written());
  EXPECT_EQ(write_some(q), *close_frame());
  EXPECT_TRUE(q.close_written());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.cost(), 0u);
}

TEST(SendQueue, TheCloseFrameIsQueuedEvenWhenItAloneIsAboveTheLimits) {
  SendQueue q(SendQueue::Limits{4, 8});
  EXPECT_EQ(push(q, "hello", FrameKind::reply), SendQueue::Pushed::overflow);
  EXPECT_TRUE(q.closing());
  EXPECT_EQ(q.frames(), 1u) << "only the close frame";
  std::vector<std::string_view> views(8);
  ASSERT_EQ(q.gather(views), 1u);
  EXPECT_EQ(std::string(views[0]), *close_frame());
  q.consume(views[0].size());
  EXPECT_TRUE(q.close_written());
  EXPECT_EQ(push(q, "more", FrameKind::reply), SendQueue::Pushed::refused);
  EXPECT_EQ(q.gather(views), 0u);
}

TEST(SendQueue, ClosingWhileAWriteIsInFlightKeepsItsBuffersAndClosesAfterThem) {
  SendQueue q(five_frames);
  // The queue holds the only reference to each frame: a dropped one would be freed.
  std::string expected;
  for (char c : {'1', '2', '3', '4', '5'}) {
    ASSERT_EQ(push(q, letters(frame_bytes, c), FrameKind::update), SendQueue::Pushed::queued);
    expected += letters(frame_bytes, c);
  }
  std::vector<std::string_view> views(8);
  ASSERT_EQ(q.gather(views), 5u);

  EXPECT_EQ(push(q, letters(frame_bytes, '6'), FrameKind::update), SendQueue::Pushed::dropped) << "the queue is full";
  push(q, letters(frame_bytes, 'r'), FrameKind::reply);
  q.close(close_frame(), true);
  EXPECT_TRUE(q.closing());
  EXPECT_EQ(q.frames(), 7u) << "five in flight, the reply, the close frame";

  // The buffers gathered before the close still hold the bytes being written.
  std::string written;
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(std::string(views[i]), letters(frame_bytes, static_cast<char>('1' + i))) << "buffer " << i;
    written += views[i];
  }
  EXPECT_EQ(written, expected);
  EXPECT_EQ(q.consume(written.size()), 5u);
  EXPECT_FALSE(q.close_written());
  EXPECT_EQ(drain(q), letters(frame_bytes, 'r') + *close_frame());
  EXPECT_TRUE(q.close_written());
}

// --- Partial writes -----------------------------------------------------------------------------

TEST(SendQueue, AWriteThatStopsInsideAFrameResumesWhereItStopped) {
  SendQueue q(SendQueue::Limits{});
  push(q, letters(frame_bytes, 'a'), FrameKind::update);
  push(q, letters(frame_bytes, 'b'), FrameKind::update);
  std::vector<std::string_view> views(8);
  ASSERT_EQ(q.gather(views), 2u);
  EXPECT_EQ(q.consume(30), 0u) << "no frame was written whole";
  ASSERT_EQ(q.gather(views), 2u);
  EXPECT_EQ(std::string(views[0]), letters(frame_bytes - 30, 'a'));
  EXPECT_EQ(std::string(views[1]), letters(frame_bytes, 'b'));
  EXPECT_EQ(q.consume(frame_bytes - 30 + 10), 1u) << "the rest of 'a' and ten bytes of 'b'";
  ASSERT_EQ(q.gather(views), 1u);
  EXPECT_EQ(std::string(views[0]), letters(frame_bytes - 10, 'b'));
  EXPECT_EQ(q.consume(frame_bytes - 10), 1u);
  EXPECT_TRUE(q.empty());
}

TEST(SendQueue, APongNeverLandsInsideAPartlyWrittenFrame) {
  SendQueue q(SendQueue::Limits{});
  push(q, letters(frame_bytes, 'a'), FrameKind::update);
  push(q, letters(frame_bytes, 'b'), FrameKind::update);
  std::string wire = write_some(q, 30);
  push(q, pong_bytes("ping"), FrameKind::pong);
  std::vector<std::string_view> views(8);
  ASSERT_EQ(q.gather(views), 3u);
  EXPECT_EQ(std::string(views[0]), letters(frame_bytes - 30, 'a'));
  EXPECT_EQ(std::string(views[1]), pong_bytes("ping")) << "ahead of what is not started, after what is";
  q.consume(0);
  wire += drain(q);
  EXPECT_EQ(wire, letters(frame_bytes, 'a') + pong_bytes("ping") + letters(frame_bytes, 'b'));
}

TEST(SendQueue, APongGoesAheadOfFramesNotYetStarted) {
  SendQueue q(SendQueue::Limits{});
  push(q, "update 1", FrameKind::update);
  push(q, "reply", FrameKind::reply);
  push(q, pong_bytes("ping"), FrameKind::pong);
  EXPECT_EQ(drain(q), pong_bytes("ping") + "update 1" + "reply");
}

TEST(SendQueue, NoDropRemovesAPartlyWrittenFrame) {
  // The soft limit: 'a' is partly written when the queue overflows with updates.
  {
    SendQueue q(five_frames);
    push(q, letters(frame_bytes, 'a'), FrameKind::update);
    push(q, letters(frame_bytes, 'b'), FrameKind::update);
    std::string wire = write_some(q, 30);
    push(q, pong_bytes("ping"), FrameKind::pong);
    for (char c : {'c', 'd', 'e'}) push(q, letters(frame_bytes, c), FrameKind::update);
    ASSERT_TRUE(q.owes_snapshot());
    wire += drain(q);
    EXPECT_EQ(wire, letters(frame_bytes, 'a') + pong_bytes("ping"));
  }
  // A snapshot.
  {
    SendQueue q(SendQueue::Limits{});
    push(q, letters(frame_bytes, 'a'), FrameKind::update);
    push(q, letters(frame_bytes, 'b'), FrameKind::update);
    std::string wire = write_some(q, 30);
    push(q, "snapshot", FrameKind::snapshot);
    wire += drain(q);
    EXPECT_EQ(wire, letters(frame_bytes, 'a') + "snapshot");
  }
  // close() dropping updates.
  {
    SendQueue q(SendQueue::Limits{});
    push(q, letters(frame_bytes, 'a'), FrameKind::update);
    push(q, letters(frame_bytes, 'b'), FrameKind::update);
    std::string wire = write_some(q, 30);
    q.close(close_frame(), true);
    wire += drain(q);
    EXPECT_EQ(wire, letters(frame_bytes, 'a') + *close_frame());
    EXPECT_TRUE(q.close_written());
  }
  // The hard limit.
  {
    SendQueue q(SendQueue::Limits{1000, 3 * cost_of(frame_bytes)});
    push(q, letters(frame_bytes, 'a'), FrameKind::reply);
    push(q, letters(frame_bytes, 'b'), FrameKind::reply);
    std::string wire = write_some(q, 30);
    push(q, pong_bytes("ping"), FrameKind::pong);
    ASSERT_EQ(push(q, letters(frame_bytes, 'c'), FrameKind::reply), SendQueue::Pushed::overflow);
    wire += drain(q);
    EXPECT_EQ(wire, letters(frame_bytes, 'a') + *close_frame());
    EXPECT_TRUE(q.close_written());
  }
}

// --- Gather -------------------------------------------------------------------------------------

TEST(SendQueue, GatherFillsNoMoreBuffersThanItIsGiven) {
  SendQueue q(SendQueue::Limits{});
  std::string expected;
  for (char c = 'a'; c < 'a' + 10; ++c) {
    push(q, letters(3, c), FrameKind::reply);
    expected += letters(3, c);
  }
  std::vector<std::string_view> none;
  EXPECT_EQ(q.gather(none), 0u);
  q.consume(0);
  std::string wire;
  while (!q.empty()) {
    std::vector<std::string_view> three(3);
    const std::size_t n = q.gather(three);
    ASSERT_GE(n, 1u);
    ASSERT_LE(n, 3u);
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      wire += three[i];
      bytes += three[i].size();
    }
    q.consume(bytes);
  }
  EXPECT_EQ(wire, expected);
}

TEST(SendQueue, NothingIsGatheredAfterTheCloseFrame) {
  SendQueue q(SendQueue::Limits{});
  push(q, "reply", FrameKind::reply);
  q.close(close_frame(), false);
  EXPECT_EQ(push(q, "after", FrameKind::reply), SendQueue::Pushed::refused);
  EXPECT_EQ(push(q, pong_bytes("after"), FrameKind::pong), SendQueue::Pushed::refused);
  q.close(frame_of("a second close"), false);
  std::vector<std::string_view> views(64, std::string_view("untouched"));
  ASSERT_EQ(q.gather(views), 2u);
  EXPECT_EQ(views[0], "reply");
  EXPECT_EQ(views[1], *close_frame());
  EXPECT_EQ(views[2], "untouched");
  q.consume(views[0].size() + views[1].size());
  EXPECT_TRUE(q.close_written());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.gather(views), 0u);
}

TEST(SendQueue, APingAnsweredBeforeTheCloseIsWrittenBeforeTheCloseFrame) {
  for (bool drop_updates : {false, true}) {
    SendQueue q(SendQueue::Limits{});
    push(q, "update", FrameKind::update);
    push(q, pong_bytes("ping"), FrameKind::pong);
    q.close(close_frame(), drop_updates);
    const std::string wire = drain(q);
    const auto pong_at = wire.find(pong_bytes("ping"));
    ASSERT_NE(pong_at, std::string::npos) << "drop_updates " << drop_updates;
    EXPECT_LT(pong_at, wire.find(*close_frame()));
    EXPECT_EQ(wire.substr(wire.size() - close_frame()->size()), *close_frame()) << "the close frame is last";
    EXPECT_EQ(wire.find("update") != std::string::npos, !drop_updates);
    EXPECT_TRUE(q.close_written());
  }
}

}  // namespace
}  // namespace everyvoice::net
