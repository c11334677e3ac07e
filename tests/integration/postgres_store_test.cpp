// The real server binary on the PostgreSQL store (--store=postgresql://...), in a private
// PostgreSQL cluster each test starts (tests/store/postgres_cluster.hpp): a meeting outlives a
// SIGKILL of the server; SIGKILLs at random moments lose no acknowledged command and apply none
// twice; a database that dies and comes back costs the commands in flight a clear
// storage_unavailable, and the meeting goes on without a restart of the server.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "store/postgres_cluster.hpp"
#include "crash_cycles.hpp"
#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

// A fresh database on a private cluster, and the server's flags for it.
struct Database : PostgresDatabase {
  // The store, and a name that stays when the server restarts (with --port=0 the default name has
  // the process id in it), so that it takes its meetings back at once.
  std::vector<std::string> flags(std::vector<std::string> more = {}) const {
    more.insert(more.begin(), {"--store=" + url, "--node=the-server"});
    return more;
  }
};

json latest(const WsClient& c, const std::string& section) {
  for (auto it = c.seen.rbegin(); it != c.seen.rend(); ++it) {
    if ((*it)["type"] == "update" && it->contains(section)) return (*it)[section];
    if ((*it)["type"] == "snapshot" && (*it)["view"].contains(section)) return (*it)["view"][section];
  }
  return nullptr;
}

TEST(PostgresStore, AMeetingOutlivesASigkillOfTheServer) {
  Database db;
  ServerProcess server{db.flags()};
  const auto meeting = create_meeting(server.port(), "Tenants' panel");
  WsClient fac(server.port()), pat(server.port());
  const json fw = fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  const json pw = pat.join(meeting.code, "Pat");
  ASSERT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");
  ASSERT_EQ(pat.command({{"type", "submit_point"}, {"text", "Bus fares"}})["type"], "ack");
  fac.drain(std::chrono::milliseconds(200));

  server.kill_hard();
  server.restart();
  WsClient fac2(server.port()), pat2(server.port());
  EXPECT_EQ(fac2.resume(meeting.code, fw["token"], fac.last_seq)["you"]["role"], "facilitator");
  pat2.resume(meeting.code, pw["token"], 0);
  const json snap = pat2.expect("snapshot");
  ASSERT_EQ(snap["view"]["queue"].size(), 1u);
  EXPECT_EQ(snap["view"]["queue"][0]["participant"], pw["you"]["id"]);
  ASSERT_EQ(snap["view"]["points"].size(), 1u);
  EXPECT_EQ(snap["view"]["points"][0]["text"], "Bus fares");
  fac2.send({{"type", "call_next"}, {"id", "after"}});
  EXPECT_EQ(fac2.answer_to("after")["type"], "ack");
  EXPECT_EQ(latest(fac2, "turn")["participant"], pw["you"]["id"]);
  // The rows are PostgreSQL's: the data folder holds no SQLite database.
  EXPECT_FALSE(std::filesystem::exists(server.data_dir() + "/everyvoice.db"));
  EXPECT_EQ(db.rows("SELECT count(*) FROM meetings"), (std::vector<std::vector<std::string>>{{"1"}}));
}

// As Durability.CrashTestLosesNoAcknowledgedCommand, on PostgreSQL.
TEST(PostgresStore, CrashTestLosesNoAcknowledgedCommand) {
  Database db;
  const int cycles = 10;
  ServerProcess server{db.flags({"--commands-per-second=10000", "--command-burst=10000", "--snapshot-every=40"})};
  const auto meeting = create_meeting(server.port(), "Crash test");
  const std::size_t acked = crash_cycles(server, meeting.code, cycles, 20261203);
  server.stop();
  const auto seqs = db.rows("SELECT seq FROM events ORDER BY meeting, seq");
  for (std::size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i][0], std::to_string(i + 1)) << "gap in the log";
  std::printf("crash test on PostgreSQL: %d SIGKILL cycles, %zu commands acknowledged, %zu events\n", cycles, acked,
              seqs.size());
}

TEST(PostgresStore, ADatabaseThatDiesAndComesBackCostsOnlyTheCommandsInFlight) {
  Database db;
  ServerProcess server{db.flags()};
  const auto meeting = create_meeting(server.port());
  WsClient pat(server.port());
  const json pw = pat.join(meeting.code, "Pat");
  ASSERT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");

  std::string error;
  ASSERT_TRUE(db.cluster->restart(error)) << error;  // SIGKILL of PostgreSQL, then started again
  // The server's connection is gone: the first command after it is refused, nothing changed; the
  // log reconnects and the meeting takes commands again, with no restart of the server.
  json answer;
  int refused = 0;
  for (int attempt = 0; attempt < 100; ++attempt) {
    answer = pat.command({{"type", "submit_point"}, {"text", "Still here"}});
    if (answer["type"] == "ack") break;
    EXPECT_EQ(answer.value("code", ""), "storage_unavailable") << answer.dump();
    ++refused;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(answer["type"], "ack") << answer.dump();
  EXPECT_LE(refused, 5);
  WsClient reader(server.port());
  reader.resume(meeting.code, pw["token"], 0);
  const json snap = reader.expect("snapshot");
  EXPECT_EQ(snap["view"]["queue"].size(), 1u);
  EXPECT_EQ(snap["view"]["points"].size(), 1u) << "the refused commands left nothing";
}

}  // namespace
}  // namespace everyvoice::testing
