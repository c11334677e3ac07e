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

// Turns a database of this version back into schema 2's layout, rows kept, as every version
// before 5b0f40c left it: ballots by random rowid with an index by poll, commands keyed by id with
// an index by seq, no table of closed polls' ballots.
bool to_schema_2(const std::string& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) return false;
  const int rc = sqlite3_exec(db,
                              "BEGIN;"
                              "CREATE TABLE ballots_v2(id INTEGER PRIMARY KEY, meeting INTEGER NOT NULL, poll INTEGER NOT NULL,"
                              " body BLOB NOT NULL);"
                              "INSERT INTO ballots_v2 SELECT id, meeting, poll, body FROM ballots;"
                              "INSERT INTO ballots_v2 SELECT id, meeting, poll, body FROM closed_ballots;"
                              "DROP TABLE ballots;"
                              "DROP TABLE closed_ballots;"
                              "ALTER TABLE ballots_v2 RENAME TO ballots;"
                              "CREATE INDEX ballots_by_poll ON ballots(meeting, poll);"
                              "CREATE TABLE commands_v2(meeting INTEGER NOT NULL, participant INTEGER NOT NULL,"
                              " client_id TEXT NOT NULL, seq INTEGER NOT NULL, fingerprint INTEGER NOT NULL,"
                              " PRIMARY KEY(meeting, participant, client_id)) WITHOUT ROWID;"
                              "INSERT INTO commands_v2 SELECT meeting, participant, client_id, seq, fingerprint FROM commands;"
                              "DROP TABLE commands;"
                              "ALTER TABLE commands_v2 RENAME TO commands;"
                              "CREATE INDEX commands_by_person ON commands(meeting, participant, seq);"
                              "PRAGMA user_version = 2;"
                              "COMMIT;",
                              nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc == SQLITE_OK;
}

// A fresh data folder (removed first if left over) in which this build stored one meeting.
std::string folder_with_one_meeting(const std::string& name) {
  const std::string dir = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  ServerProcess first({}, dir);
  create_meeting(first.port());
  return dir;
}

TEST(Storage, ADatabaseFromANewerVersionIsRefusedWithAClearMessageAndLeftUntouched) {
  const std::string dir = folder_with_one_meeting("everyvoice-newer");
  const std::string db = dir + "/everyvoice.db";
  EXPECT_EQ(sql(db, "PRAGMA user_version"), "5");
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

// Storage schemas 3 and 4 keep ballots in one B-tree keyed by (meeting, poll, random id) and each
// person's remembered commands in one keyed by (meeting, person, seq, id); 5 adds a table for the
// ballots of closed polls. A database of schema 2 with a poll still open is upgraded when the new
// binary starts: every ballot is kept under its
// id, the poll goes on to the right count, and a vote sent before the upgrade and retried after it
// is answered as the same vote (exactly-once, from the moved commands), not counted twice.
TEST(Storage, AnOpenAnonymousPollAndItsVotersRetriesSurviveTheUpgradeFromSchema2) {
  ServerProcess server({"--log-level=info"}, "", true);
  create_meeting(server.port(), "Another");  // so that the meeting's id (2) is not the poll's (1)
  const auto meeting = create_meeting(server.port());
  const json vote = {{"type", "vote"}, {"id", "bo-vote-1"}, {"poll", 1}, {"choices", {1}}};
  std::string bo_token;
  std::uint64_t bo_seq = 0;
  {
    WsClient fac(server.port());
    fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
    ASSERT_EQ(fac.command({{"type", "open_poll"}, {"question", "Which?"}, {"kind", "single_choice"},
                           {"options", {"A", "B", "C"}}, {"anonymous", true}, {"min_voters", 1}})["type"], "ack");
    for (const char* name : {"Ana", "Chi"}) {
      WsClient voter(server.port());
      voter.join(meeting.code, name);
      ASSERT_EQ(voter.command({{"type", "vote"}, {"poll", 1}, {"choices", {name[0] == 'A' ? 0 : 1}}})["type"], "ack");
    }
    WsClient bo(server.port());
    bo_token = bo.join(meeting.code, "Bo")["token"];
    bo.send(vote);
    ASSERT_EQ(bo.answer_to("bo-vote-1")["type"], "ack");
    bo_seq = bo.last_seq;
  }
  server.stop();
  const std::string db = server.data_dir() + "/everyvoice.db";
  const std::string ids = sql(db, "SELECT group_concat(id) FROM (SELECT id FROM ballots ORDER BY id)");
  const std::string bodies = sql(db, "SELECT group_concat(hex(body)) FROM (SELECT body FROM ballots ORDER BY id)");
  const std::string commands = sql(db, "SELECT group_concat(participant || ':' || client_id || ':' || seq) FROM "
                                       "(SELECT * FROM commands ORDER BY participant, seq)");
  ASSERT_EQ(sql(db, "SELECT count(*) FROM ballots"), "3");
  ASSERT_NE(commands.find("bo-vote-1"), std::string::npos) << commands;

  ASSERT_TRUE(to_schema_2(db));
  ASSERT_EQ(sql(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('ballots_by_poll', 'commands_by_person')"), "2");

  EXPECT_EQ(server.log().find("upgrading the database"), std::string::npos) << "a new database is not upgraded";
  server.restart();
  EXPECT_NE(server.log().find("upgrading the database from storage schema 2 to 3: the ballots table is rebuilt"),
            std::string::npos) << server.log();
  EXPECT_NE(server.log().find("upgrading the database from storage schema 3 to 4: the commands table is rebuilt"),
            std::string::npos);
  EXPECT_NE(server.log().find("storage schema 5 reached in "), std::string::npos);
  EXPECT_EQ(sql(db, "PRAGMA user_version"), "5");
  EXPECT_EQ(sql(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"), "0")
      << "the two indexes are gone (every other index is a table's own key)";
  EXPECT_NE(sql(db, "SELECT sql FROM sqlite_master WHERE name = 'ballots'").find("PRIMARY KEY(meeting, poll, id)) WITHOUT ROWID"),
            std::string::npos);
  EXPECT_NE(sql(db, "SELECT sql FROM sqlite_master WHERE name = 'commands'").find("PRIMARY KEY(meeting, participant, seq, client_id)"),
            std::string::npos);
  EXPECT_EQ(sql(db, "SELECT group_concat(id) FROM (SELECT id FROM ballots ORDER BY id)"), ids);
  EXPECT_EQ(sql(db, "SELECT group_concat(hex(body)) FROM (SELECT body FROM ballots ORDER BY id)"), bodies);
  EXPECT_EQ(sql(db, "SELECT group_concat(participant || ':' || client_id || ':' || seq) FROM "
                    "(SELECT * FROM commands ORDER BY participant, seq)"),
            commands);

  // Bo's connection dropped before he saw the ack: he resumes and sends the same vote again.
  WsClient bo(server.port());
  bo.resume(meeting.code, bo_token, bo_seq);
  bo.send(vote);
  EXPECT_EQ(bo.answer_to("bo-vote-1")["type"], "ack") << "the retry is answered, not refused or counted again";
  WsClient fac(server.port());
  fac.join(meeting.code, "Farah", {{"facilitator_key", meeting.facilitator_key}});
  WsClient dee(server.port());
  dee.join(meeting.code, "Dee");
  EXPECT_EQ(dee.expect("snapshot")["view"]["polls"][0]["voted"], 3) << "the three votes from before the upgrade";
  ASSERT_EQ(dee.command({{"type", "vote"}, {"poll", 1}, {"choices", {2}}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "close_poll"}, {"poll", 1}})["type"], "ack");
  WsClient late(server.port());
  late.join(meeting.code, "Late");
  const json poll = late.expect("snapshot")["view"]["polls"][0];
  EXPECT_EQ(poll["status"], "closed");
  EXPECT_EQ(poll["result"]["counts"], json({1, 2, 1})) << poll.dump();
}

// An upgrade that cannot be done (here: a table in the way of the one it builds) stops the start
// with a message that names the step, and leaves the database as it was.
TEST(Storage, AnUpgradeThatFailsSaysWhichStepAndChangesNothing) {
  const std::string dir = folder_with_one_meeting("everyvoice-upgrade");
  const std::string db = dir + "/everyvoice.db";
  ASSERT_TRUE(to_schema_2(db));
  sql(db, "CREATE TABLE ballots_v3(x)");
  const CommandRun r = run_binary({"--port=0", "--data-dir=" + dir, "--log-level=info"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("upgrading the database from storage schema 2 to 3 failed (table ballots_v3 already exists); "
                       "that step changed nothing"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(sql(db, "PRAGMA user_version"), "2");
  EXPECT_EQ(sql(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('ballots_by_poll', 'commands_by_person')"), "2");
  EXPECT_EQ(sql(db, "SELECT count(*) FROM meetings"), "1");
  // With the obstacle gone, the next start upgrades.
  sql(db, "DROP TABLE ballots_v3");
  {
    ServerProcess again({}, dir);
    EXPECT_EQ(sql(db, "PRAGMA user_version"), "5");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace everyvoice::testing
