// The meeting room with fake connections: no sockets, a real event log in a temporary folder, the
// room's strand on an io_context the test runs. What each connection is sent, and in what order,
// is read back from the fake.
#include "net/meeting_room.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

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

  std::vector<std::shared_ptr<FakeConnection>> join_people(int n) {
    std::vector<std::shared_ptr<FakeConnection>> people;
    for (int i = 0; i < n; ++i) people.push_back(join("Person " + std::to_string(i)));
    return people;
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

// A join page keeps the token and resumes on its next page: it asks for no snapshot.
TEST_F(MeetingRoomTest, AJoinWithoutASnapshotGetsItsWelcomeAloneAndTheUpdatesAfterIt) {
  auto fac = join("Fatima", true);
  auto sam = std::make_shared<FakeConnection>();
  codec::JoinRequest request;
  request.name = "Sam";
  request.snapshot = false;
  room->join(sam, "j", std::move(request));
  ASSERT_TRUE(run_until([&] { return sam->answer("j").has_value(); }));
  const std::uint64_t welcomed = (*sam->answer("j"))["seq"];
  room->command(fac, "h1", core::RaiseHand{static_cast<core::ParticipantId>(fac->bound_to), core::HandKind::new_point}, 1);
  ASSERT_TRUE(run_until([&] { return fac->answer("h1").has_value(); }));
  const std::uint64_t hand = (*fac->answer("h1"))["seq"];
  ASSERT_TRUE(run_until([&] { return !event_seqs(sam->messages()).empty(); }));
  const auto messages = sam->messages();
  EXPECT_EQ(messages[0]["type"], "welcome");
  for (const auto& m : messages) EXPECT_NE(m["type"], "snapshot") << m.dump();
  EXPECT_EQ(event_seqs(messages), (std::vector<std::uint64_t>{hand})) << "only what came after the welcome's seq " << welcomed;
  // The others see Sam join as usual.
  ASSERT_TRUE(run_until([&] { return event_seqs(fac->messages()).size() >= 2; }));
  EXPECT_EQ(event_seqs(fac->messages()), (std::vector<std::uint64_t>{welcomed, hand}));
}

// One number from the room's database, read with a connection of the test's own (the log's writer
// keeps its own; WAL lets a reader in).
std::uint64_t query_number(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* c = nullptr;
  std::uint64_t value = 0;
  if (sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(c, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      value = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(c);
  return value;
}

// Runs one statement on the room's database with a connection of the test's own, while the log's
// writer is idle.
void exec_sql(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* c = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(c, sql.c_str(), nullptr, nullptr, &error);
  const std::string why = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(c);
  ASSERT_EQ(rc, SQLITE_OK) << why;
}

// A stored snapshot of a big meeting costs its whole size: the next one waits until the events
// stored since take as many bytes, so snapshots never write more than the events do.
TEST_F(MeetingRoomTest, ASnapshotWaitsForEventsAsLargeAsTheLastOne) {
  settings.snapshot_every = 4;
  const auto db = dir / "events.db";
  auto fac = join("Fatima", true);
  const auto people = join_people(12);
  // Hands up and down: small events (a few bytes each), until two snapshots after the first.
  struct Stored {
    std::uint64_t seq, bytes;
  };
  std::vector<Stored> stored;
  auto look = [&] {
    const Stored now{query_number(db, "SELECT seq FROM snapshots"), query_number(db, "SELECT length(body) FROM snapshots")};
    if (stored.empty() || stored.back().seq != now.seq) stored.push_back(now);
  };
  look();
  const auto& sam = people[0];
  const auto who = static_cast<core::ParticipantId>(sam->bound_to);
  bool raised = false;
  auto toggle = [&](const std::string& id) {  // one event each
    if (raised) room->command(sam, id, core::LowerHand{who}, 1);
    else room->command(sam, id, core::RaiseHand{who, core::HandKind::new_point}, 1);
    raised = !raised;
    ASSERT_TRUE(run_until([&] { return sam->answer(id).has_value(); }));
    ASSERT_EQ((*sam->answer(id))["type"], "ack");
  };
  for (int i = 0; i < 1000 && stored.size() < 3; ++i) {
    toggle(std::to_string(i) + "c");
    look();
  }
  ASSERT_GE(stored.size(), 3u) << "a busy meeting still gets snapshots";
  for (std::size_t i = 1; i < stored.size(); ++i) {
    const auto events = query_number(db, "SELECT count(*) FROM events WHERE seq > " + std::to_string(stored[i - 1].seq) +
                                             " AND seq <= " + std::to_string(stored[i].seq));
    const auto bytes = query_number(db, "SELECT sum(length(body)) FROM events WHERE seq > " +
                                            std::to_string(stored[i - 1].seq) + " AND seq <= " + std::to_string(stored[i].seq));
    EXPECT_GE(events, 4u);
    EXPECT_GE(bytes, stored[i - 1].bytes) << "snapshot at seq " << stored[i].seq;
    // ...and not much more: it came with the first write that took the events past it.
    EXPECT_LT(bytes, stored[i - 1].bytes + 64) << "snapshot at seq " << stored[i].seq;
  }
  EXPECT_GT(stored.back().seq - stored[stored.size() - 2].seq, 4u * 4) << "a 13-person meeting waits much longer than 4 events";

  // With the size rule off, one every snapshot_every events again.
  settings.snapshot_bytes_percent = 0;
  const auto before = stored.back().seq;
  for (int i = 0; i < 4; ++i) toggle(std::to_string(i) + "off");
  EXPECT_EQ(query_number(db, "SELECT seq FROM snapshots"), before + 4);
}

// The events of a write that failed never reached the disk: they do not bring the next snapshot
// nearer. (They did: a failed long point made the next snapshot come that many bytes early.)
TEST_F(MeetingRoomTest, AFailedWriteDoesNotBringTheNextSnapshotNearer) {
  settings.snapshot_every = 4;
  const auto db = dir / "events.db";
  auto fac = join("Fatima", true);
  const auto people = join_people(12);
  // The database refuses every event longer than 800 bytes: here, only the long point below.
  exec_sql(db, "CREATE TRIGGER refuse_long BEFORE INSERT ON events WHEN length(NEW.body) > 800 "
               "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  const auto& sam = people[0];
  const auto who = static_cast<core::ParticipantId>(sam->bound_to);
  int sent = 0;
  // Sends a command until it is acknowledged; right after a failed write the meeting refuses
  // writes with storage_unavailable until the log has taken it back (a client retries then).
  auto acked = [&](auto command) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const std::string id = std::to_string(++sent) + "c";
      room->command(sam, id, command, 1);
      if (!run_until([&] { return sam->answer(id).has_value(); })) return false;
      if ((*sam->answer(id))["type"] == "ack") return true;
      if ((*sam->answer(id)).value("code", "") != "storage_unavailable") return false;
      ioc.restart();
      ioc.run_for(10ms);
    }
    return false;
  };
  bool raised = false;
  auto toggle = [&] {
    raised = !raised;
    return raised ? acked(core::RaiseHand{who, core::HandKind::new_point}) : acked(core::LowerHand{who});
  };
  auto snapshot_seq = [&] { return query_number(db, "SELECT seq FROM snapshots"); };
  // Up to a first snapshot after the joins.
  const auto at_joins = snapshot_seq();
  for (int i = 0; i < 1000 && snapshot_seq() == at_joins; ++i) ASSERT_TRUE(toggle());
  const auto last = snapshot_seq();
  ASSERT_NE(last, at_joins);
  const auto last_bytes = query_number(db, "SELECT length(body) FROM snapshots");
  // A long point: its write fails.
  const std::string id = "long";
  room->command(sam, id, core::SubmitPoint{core::PointKind::point, std::string(900, 'p'), false, ""}, 1);
  ASSERT_TRUE(run_until([&] { return sam->answer(id).has_value(); }));
  ASSERT_EQ((*sam->answer(id)).value("code", ""), "storage_unavailable") << sam->answer(id)->dump();
  // The next snapshot waits for as many stored bytes of events as the last one took.
  for (int i = 0; i < 1000 && snapshot_seq() == last; ++i) ASSERT_TRUE(toggle());
  const auto next = snapshot_seq();
  ASSERT_NE(next, last);
  const auto bytes = query_number(db, "SELECT sum(length(body)) FROM events WHERE seq > " + std::to_string(last) +
                                          " AND seq <= " + std::to_string(next));
  EXPECT_GE(bytes, last_bytes) << "snapshot at seq " << next << " came early";
  EXPECT_LT(bytes, last_bytes + 64) << "and with the first write that took the events past it";
}

}  // namespace
}  // namespace everyvoice::net
