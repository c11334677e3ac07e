// What is stored outlives the code, through the real binary: a database from a newer version is
// refused untouched; an unreadable snapshot is replayed from the events; a meeting whose events
// cannot be read is reported, kept and exportable; an online backup taken while commands flow holds
// every command acknowledged before it and restores; a reader holding the WAL never stalls commits;
// the commands table keeps only what exactly-once needs.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <chrono>
#include <fstream>
#include <filesystem>
#include <thread>

#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Runs SQL on a database file (the server stopped, or as a second connection) and returns the
// first column of the first row.
std::string sql(const std::string& db_path, const std::string& statement) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open(db_path.c_str(), &db) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, statement.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* p = sqlite3_column_text(stmt, 0);
      if (p) out = reinterpret_cast<const char*>(p);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

std::string metrics_line(std::uint16_t port, const std::string& name) {
  const auto body = http_call(port, "GET", "/metrics").body;
  const auto at = body.find("\n" + name + " ");
  return at == std::string::npos ? "" : body.substr(at + name.size() + 2, body.find('\n', at + 1) - at - name.size() - 2);
}

TEST(Storage, ADatabaseFromANewerVersionIsRefusedWithAClearMessageAndLeftUntouched) {
  const std::string dir = std::filesystem::temp_directory_path() / ("everyvoice-newer-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  {
    ServerProcess first({}, dir);
    create_meeting(first.port());
  }
  const std::string db = dir + "/everyvoice.db";
  EXPECT_EQ(sql(db, "PRAGMA user_version"), "2");
  sql(db, "PRAGMA user_version = 7");
  EXPECT_THROW(ServerProcess({}, dir, true), std::runtime_error) << "the server must refuse to start";
  // What it said, and that nothing changed.
  const CommandRun r = run_binary({"--port=0", "--data-dir=" + dir, "--log-level=error"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(sql(db, "PRAGMA user_version"), "7");
  EXPECT_EQ(sql(db, "SELECT count(*) FROM meetings"), "1");
  std::filesystem::remove_all(dir);
}

TEST(Storage, AnUnreadableSnapshotIsReplayedFromTheEvents) {
  ServerProcess server({"--snapshot-every=5"}, "", true);
  const auto meeting = create_meeting(server.port());
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  for (int i = 0; i < 4; ++i) {
    WsClient p(server.port());
    p.join(meeting.code, "P" + std::to_string(i));
    ASSERT_EQ(p.command({{"type", "raise_hand"}})["type"], "ack");
  }
  fac.close();
  server.stop();
  const std::string db = server.data_dir() + "/everyvoice.db";
  ASSERT_NE(sql(db, "SELECT count(*) FROM snapshots"), "0");
  sql(db, "UPDATE snapshots SET body = x'02ffff'");  // damaged (or of a layout this version does not read)
  server.restart();
  WsClient late(server.port());
  late.join(meeting.code, "Late");
  const json view = late.expect("snapshot")["view"];
  EXPECT_EQ(view["queue"].size(), 4u) << "every raised hand is back, replayed from the events";
  EXPECT_NE(server.log().find("snapshot not used"), std::string::npos);
}

TEST(Storage, AMeetingWhoseEventsCannotBeReadIsReportedKeptAndExportable) {
  ServerProcess server({}, "", true);
  const auto good = create_meeting(server.port(), "Good");
  const auto broken = create_meeting(server.port(), "Broken");
  {
    WsClient c(server.port());
    c.join(broken.code, "Pat");
  }
  server.stop();
  const std::string db = server.data_dir() + "/everyvoice.db";
  sql(db, "UPDATE events SET body = x'01ff7f' WHERE meeting = 2 AND seq = 2");  // a kind no version knows
  server.restart();
  const auto health = http_call(server.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body.rfind("degraded: 1 meeting", 0), 0u) << health.body;
  EXPECT_EQ(metrics_line(server.port(), "everyvoice_meetings_unloadable"), "1");
  EXPECT_NE(server.log().find("meeting 2 could not be loaded and is NOT served"), std::string::npos) << server.log();
  // The other meeting is served; the broken one is not, and its data is kept.
  WsClient c(server.port());
  EXPECT_EQ(c.join(good.code, "Ada")["type"], "welcome");
  EXPECT_EQ(sql(db, "SELECT count(*) FROM events WHERE meeting = 2"), "2");
  const CommandRun exported = run_binary({"export-events", "2", "--data-dir=" + server.data_dir()});
  EXPECT_EQ(exported.status, 0);
  EXPECT_NE(exported.out.find("\"seq\":1,"), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find("\"seq\":2,\"at\":"), std::string::npos);
  EXPECT_NE(exported.out.find("\"readable\":false,\"bytes\":\"01ff7f\""), std::string::npos) << exported.out;
}

TEST(Storage, ABackupTakenWhileCommandsFlowHoldsEveryAcknowledgedCommandAndRestores) {
  ServerProcess server({"--commands-per-second=1000", "--command-burst=1000"});
  const auto meeting = create_meeting(server.port());
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  const std::string backup = server.data_dir() + "/../backup.db";
  std::uint64_t acked_before_backup = 0;
  pid_t pid = -1;
  int commands = 0;
  for (; commands < 400; ++commands) {
    const json ack = fac.command({{"type", commands % 2 ? "lower_hand" : "raise_hand"}});
    ASSERT_EQ(ack["type"], "ack");
    if (commands == 150) {  // the backup starts with commands still flowing
      acked_before_backup = ack["seq"].get<std::uint64_t>();
      std::string bin = EVERYVOICE_SERVER_BIN, word = "backup", file = backup, data = "--data-dir=" + server.data_dir();
      char* argv[] = {bin.data(), word.data(), file.data(), data.data(), nullptr};
      ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv, environ), 0);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(sql(backup, "PRAGMA integrity_check"), "ok");
  const auto in_backup = std::stoull(sql(backup, "SELECT max(seq) FROM events WHERE meeting = 1"));
  EXPECT_GE(in_backup, acked_before_backup) << "a command acknowledged before the backup began is missing";
  std::printf("backup: %llu events, %llu acknowledged before it began, %d commands in all\n",
              static_cast<unsigned long long>(in_backup), static_cast<unsigned long long>(acked_before_backup), commands);
  // Restore: the file into a fresh data folder, as the README says.
  const std::string restored = server.data_dir() + "/../restored";
  std::filesystem::create_directories(restored);
  std::filesystem::copy_file(backup, restored + "/everyvoice.db");
  ServerProcess again({}, restored);
  WsClient back(again.port());
  back.join(meeting.code, "Back");
  EXPECT_EQ(back.expect("snapshot")["seq"].get<std::uint64_t>(), in_backup + 1) << "restored, plus Back's join";
  again.stop();
  std::filesystem::remove_all(restored);
}

TEST(Storage, AReaderHoldingTheWalNeverStallsCommitsAndTheWalEmptiesOnceItLetsGo) {
  ServerProcess server;
  const auto meeting = create_meeting(server.port());
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  ASSERT_EQ(fac.command({{"type", "open_poll"}, {"question", "Which?"}, {"kind", "single_choice"},
                         {"options", {"A", "B"}}, {"anonymous", true}, {"min_voters", 1}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "vote"}, {"poll", 1}, {"choices", {1}}})["type"], "ack");
  // A reader (as an online backup is) opens a read transaction on the WAL and keeps it.
  const std::string db = server.data_dir() + "/everyvoice.db";
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_exec(reader, "BEGIN", nullptr, nullptr, nullptr);
  sqlite3_exec(reader, "SELECT count(*) FROM events", nullptr, nullptr, nullptr);
  const auto started = Clock::now();
  ASSERT_EQ(fac.command({{"type", "close_poll"}, {"poll", 1}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "raise_hand"}})["type"], "ack");
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(2)) << "commits waited for the reader";
  EXPECT_EQ(metrics_line(server.port(), "everyvoice_wal_pending"), "1");
  EXPECT_EQ(metrics_line(server.port(), "everyvoice_wal_deferred_total"), "1");
  sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(reader);
  for (int i = 0; i < 50 && metrics_line(server.port(), "everyvoice_wal_pending") != "0"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(metrics_line(server.port(), "everyvoice_wal_pending"), "0");
  EXPECT_EQ(std::filesystem::file_size(db + "-wal"), 0u) << "emptied once the reader let go";
}

TEST(Storage, TheCommandsTableKeepsOnlyWhatExactlyOnceNeeds) {
  ServerProcess server({"--remembered-commands=5"});
  const auto meeting = create_meeting(server.port());
  WsClient pat(server.port());
  pat.join(meeting.code, "Pat");
  for (int i = 0; i < 30; ++i) ASSERT_EQ(pat.command({{"type", i % 2 ? "lower_hand" : "raise_hand"}})["type"], "ack");
  server.stop();
  EXPECT_EQ(sql(server.data_dir() + "/everyvoice.db", "SELECT count(*) FROM commands"), "5");
}

}  // namespace
}  // namespace everyvoice::testing
