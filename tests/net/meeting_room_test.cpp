// The meeting room with fake connections: no sockets, a real event log in a temporary folder, the
// room's strand on an io_context the test runs. What each connection is sent, and in what order,
// is read back from the fake.
#include "net/meeting_room.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "net/meeting_registry.hpp"

namespace everyvoice::net {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Frames as the room queued them, decoded back to JSON (server frames are unmasked text frames).
class FakeConnection final : public Connection {
 public:
  void deliver(Frame frame, FrameKind) override { record(*frame); }
  void deliver_corked(Frame frame, FrameKind) override { record(*frame); }
  void add_corked(SendBatch&) override {}
  void corked_sent(const CorkedSend&) override {}
  void bind(std::shared_ptr<MeetingRoom>, core::ParticipantId who) override {
    std::lock_guard lock(mutex_);
    bound_to = who;
  }
  void join_failed() override {
    std::lock_guard lock(mutex_);
    ++joins_failed;
  }
  void close(std::uint16_t code, std::string) override {
    std::lock_guard lock(mutex_);
    closed_with = code;
  }

  std::vector<json> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  // The first message answering `id` (welcome, ack, error or pong), if any yet.
  std::optional<json> answer(const std::string& id) const {
    for (const auto& m : messages())
      if (m.value("id", json()) == id) return m;
    return std::nullopt;
  }
  core::ParticipantId bound_to = 0;
  int joins_failed = 0;
  std::uint16_t closed_with = 0;

 private:
  void record(const std::string& wire) {
    const auto len = static_cast<unsigned char>(wire[1]) & 0x7F;
    const std::size_t at = len < 126 ? 2 : len == 126 ? 4 : 10;
    std::lock_guard lock(mutex_);
    messages_.push_back(json::parse(wire.substr(at)));
  }
  mutable std::mutex mutex_;
  std::vector<json> messages_;
};

class MeetingRoomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("everyvoice-room-test-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir);
    std::string error;
    log = store::EventLog::open((dir / "events.db").string(), store::Durability::normal, error);
    ASSERT_TRUE(log) << error;
    log->start();
    settings.coalesce_ms = 1000;  // wide enough that quick joins are batched even under a sanitizer
    registry = std::make_unique<MeetingRegistry>(ioc, settings, *log);
    std::optional<MeetingRegistry::Created> created;
    std::mutex m;
    registry->create("Fake meeting", std::vector<core::Event>{}, [&](std::optional<MeetingRegistry::Created> c, const std::string&) {
      std::lock_guard lock(m);
      created = std::move(c);
    });
    run_until([&] {
      std::lock_guard lock(m);
      return created.has_value();
    });
    ASSERT_TRUE(created);
    key = created->facilitator_key;
    room = registry->find(created->code);
    ASSERT_TRUE(room);
  }
  void TearDown() override {
    if (room) room->stop();
    ioc.run_for(50ms);
    registry.reset();
    log.reset();
    std::filesystem::remove_all(dir);
  }

  // Runs the room's work until `done` or 5 s.
  template <class F>
  bool run_until(F done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      ioc.restart();
      ioc.run_for(5ms);
    }
    return done();
  }

  std::shared_ptr<FakeConnection> join(const std::string& name, bool facilitator = false) {
    auto conn = std::make_shared<FakeConnection>();
    codec::JoinRequest request;
    request.name = name;
    if (facilitator) request.facilitator_key = key;
    room->join(conn, "j", std::move(request));
    EXPECT_TRUE(run_until([&] { return conn->answer("j").has_value(); })) << name << " is answered";
    return conn;
  }

  std::filesystem::path dir;
  boost::asio::io_context ioc;
  Settings settings;
  std::unique_ptr<store::EventLog> log;
  std::unique_ptr<MeetingRegistry> registry;
  std::shared_ptr<MeetingRoom> room;
  std::string key;
};

std::vector<std::uint64_t> event_seqs(const std::vector<json>& messages) {
  std::vector<std::uint64_t> seqs;
  for (const auto& m : messages)
    if (m["type"] == "update")
      for (const auto& e : m["events"]) seqs.push_back(e["seq"]);
  return seqs;
}

TEST_F(MeetingRoomTest, AJoinStormReachesAWatcherAsEachJoinOnceInSeqOrderWithOneSnapshotPerJoiner) {
  auto fac = join("Fatima", true);
  std::vector<std::shared_ptr<FakeConnection>> people;
  for (int i = 0; i < 30; ++i) people.push_back(join("Person " + std::to_string(i)));
  ASSERT_TRUE(run_until([&] {
    for (auto& p : people) {
      int snapshots = 0;
      for (const auto& m : p->messages()) snapshots += m["type"] == "snapshot" ? 1 : 0;
      if (snapshots == 0) return false;
    }
    return event_seqs(fac->messages()).size() >= 30;
  })) << "every joiner gets its snapshot and the facilitator sees every join";
  const auto seqs = event_seqs(fac->messages());
  EXPECT_EQ(seqs.size(), 30u) << "each join once";
  for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]);
  std::size_t updates = 0;
  for (const auto& m : fac->messages()) updates += m["type"] == "update" ? 1 : 0;
  EXPECT_LT(updates, 30u) << "joins in quick succession are batched";
  for (auto& p : people) {
    int snapshots = 0;
    for (const auto& m : p->messages()) snapshots += m["type"] == "snapshot" ? 1 : 0;
    EXPECT_EQ(snapshots, 1);
  }
}

TEST_F(MeetingRoomTest, ACommandAfterHeldJoinsGetsThemAndItsOwnUpdateBeforeItsAck) {
  auto fac = join("Fatima", true);
  auto sam = join("Sam");
  auto ada = join("Ada");  // held: a batch just went out
  room->command(sam, "h1", core::RaiseHand{static_cast<core::ParticipantId>(sam->bound_to), core::HandKind::new_point}, 1);
  ASSERT_TRUE(run_until([&] { return sam->answer("h1").has_value(); }));
  const auto messages = sam->messages();
  const json ack = *sam->answer("h1");
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  std::uint64_t applied = 0;
  for (const auto& m : messages) {
    if (m == ack) break;
    if (m["type"] == "update" || m["type"] == "snapshot") applied = m["seq"];
  }
  EXPECT_GE(applied, ack["seq"].get<std::uint64_t>());
  // Fatima, already in, sees Ada's held join, then Sam's hand, each once and in order.
  ASSERT_TRUE(run_until([&] { return event_seqs(fac->messages()).size() >= 3; }));
  const auto seqs = event_seqs(fac->messages());
  const auto hand = ack["seq"].get<std::uint64_t>();
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{hand - 2, hand - 1, hand})) << "Sam's join, Ada's join, Sam's hand";
  (void)ada;
}

// The seq of the first snapshot a connection was sent, and the seqs of the events listed after it.
struct AfterSnapshot {
  std::uint64_t snapshot = 0;
  std::vector<std::uint64_t> events;
};
AfterSnapshot after_snapshot(const std::vector<json>& messages) {
  AfterSnapshot out;
  for (const auto& m : messages) {
    if (m["type"] == "snapshot" && out.snapshot == 0) out.snapshot = m["seq"];
    if (m["type"] == "update")
      for (const auto& e : m["events"]) out.events.push_back(e["seq"]);
  }
  return out;
}

TEST_F(MeetingRoomTest, AJoinerGetsItsSnapshotAtOnceAndTheHeldBatchWithoutWhatItHolds) {
  auto fac = join("Fatima", true);
  auto sam = join("Sam");  // a batch (Sam's join) just went out: the next joins are held
  auto ada = join("Ada");
  auto ben = join("Ben");
  // Each joiner has its snapshot with its welcome, though its join waits for the batch.
  for (const auto* p : {&ada, &ben}) {
    const auto messages = (*p)->messages();
    ASSERT_GE(messages.size(), 2u);
    EXPECT_EQ(messages[0]["type"], "welcome");
    EXPECT_EQ(messages[1]["type"], "snapshot");
    EXPECT_EQ(messages[1]["seq"], messages[0]["seq"]);
  }
  EXPECT_TRUE(event_seqs(sam->messages()).empty()) << "Ada's and Ben's joins are held";
  // Sam raises a hand: the held joins go out first, then the hand (4.2).
  room->command(sam, "h1", core::RaiseHand{static_cast<core::ParticipantId>(sam->bound_to), core::HandKind::new_point}, 1);
  ASSERT_TRUE(run_until([&] { return sam->answer("h1").has_value(); }));
  const std::uint64_t hand = (*sam->answer("h1"))["seq"];
  const auto a = after_snapshot(ada->messages());
  const auto b = after_snapshot(ben->messages());
  EXPECT_EQ(a.events, (std::vector<std::uint64_t>{b.snapshot, hand})) << "Ada: Ben's join and the hand, not her own join";
  EXPECT_EQ(b.events, (std::vector<std::uint64_t>{hand})) << "Ben: the hand only";
  EXPECT_EQ(event_seqs(sam->messages()), (std::vector<std::uint64_t>{a.snapshot, b.snapshot, hand}));
}

TEST_F(MeetingRoomTest, ASnapshotAfterFallingBehindIsNotFollowedByEventsItHolds) {
  auto fac = join("Fatima", true);
  auto sam = join("Sam");
  auto ada = join("Ada");  // held for the batch
  room->send_snapshot(sam);  // Sam's queue drained after falling behind
  ASSERT_TRUE(run_until([&] {
    int snapshots = 0;
    for (const auto& m : sam->messages()) snapshots += m["type"] == "snapshot" ? 1 : 0;
    return snapshots == 2;
  }));
  room->command(fac, "h1", core::RaiseHand{static_cast<core::ParticipantId>(fac->bound_to), core::HandKind::new_point}, 1);
  ASSERT_TRUE(run_until([&] { return fac->answer("h1").has_value(); }));
  const std::uint64_t hand = (*fac->answer("h1"))["seq"];
  ASSERT_TRUE(run_until([&] { return !event_seqs(sam->messages()).empty(); }));
  EXPECT_EQ(event_seqs(sam->messages()), (std::vector<std::uint64_t>{hand})) << "Ada's join is in Sam's second snapshot";
  EXPECT_EQ(event_seqs(fac->messages()), (std::vector<std::uint64_t>{hand - 2, hand - 1, hand}));
  (void)ada;
}

TEST_F(MeetingRoomTest, ARefusedJoinTellsTheConnectionItMayTryAgain) {
  join("Sam");
  auto again = join("Sam");  // name_taken
  EXPECT_EQ((*again->answer("j"))["code"], "name_taken");
  EXPECT_EQ(again->joins_failed, 1);
  EXPECT_EQ(again->bound_to, 0u);
}

TEST_F(MeetingRoomTest, APingWaitsForTheCommandBeingSaved) {
  auto sam = join("Sam");
  room->command(sam, "h1", core::RaiseHand{sam->bound_to, core::HandKind::new_point}, 1);
  room->ping(sam, "p1");
  ASSERT_TRUE(run_until([&] { return sam->answer("p1").has_value() && sam->answer("h1").has_value(); }));
  std::size_t ack_at = 0, pong_at = 0;
  const auto messages = sam->messages();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (messages[i].value("id", json()) == "h1") ack_at = i;
    if (messages[i].value("id", json()) == "p1") pong_at = i;
  }
  EXPECT_LT(ack_at, pong_at);
}

}  // namespace
}  // namespace everyvoice::net
