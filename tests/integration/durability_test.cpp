// The durable event log, through the real server binary: restarts, SIGKILL crashes, exactly-once
// retries, storage faults, the anonymity of stored ballots, minutes, ending and deleting.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "crash_cycles.hpp"
#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

// Reads a whole file (the database or its WAL) as bytes.
std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs a query on the server's database (with the server stopped) and returns the rows as text.
std::vector<std::vector<std::string>> query(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::vector<std::string>> rows;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return rows;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        row.emplace_back(p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))) : "");
      }
      rows.push_back(std::move(row));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

json latest(const WsClient& c, const std::string& section) {
  for (auto it = c.seen.rbegin(); it != c.seen.rend(); ++it) {
    if ((*it)["type"] == "update" && it->contains(section)) return (*it)[section];
    if ((*it)["type"] == "snapshot" && (*it)["view"].contains(section)) return (*it)["view"][section];
  }
  return nullptr;
}

std::vector<int> order_of(const json& queue) {
  std::vector<int> ids;
  for (const auto& e : queue) ids.push_back(e["participant"].get<int>());
  return ids;
}

TEST(Durability, RestartMidMeetingIsInvisibleToClientsButForAReconnect) {
  ServerProcess server;
  const auto meeting = create_meeting(server.port(), "Steering group");
  WsClient fac(server.port());
  const json fw = fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  WsClient pat(server.port()), quinn(server.port());
  const json pw = pat.join(meeting.code, "Pat");
  const json qw = quinn.join(meeting.code, "Quinn");
  ASSERT_EQ(quinn.command({{"type", "raise_hand"}})["type"], "ack");
  ASSERT_EQ(pat.command({{"type", "raise_hand"}, {"kind", "clarifying_question"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "set_policy"}, {"policy", "fifo"}})["type"], "ack");
  for (auto* c : {&fac, &pat, &quinn}) c->drain(200ms);
  const auto before = order_of(latest(pat, "queue"));
  const std::uint64_t seq = pat.last_seq;

  server.restart();
  WsClient fac2(server.port()), pat2(server.port()), quinn2(server.port());
  // Everyone comes back as themselves, with nothing missed: no snapshot is needed.
  EXPECT_EQ(fac2.resume(meeting.code, fw["token"], fac.last_seq)["you"]["role"], "facilitator");
  const json back = pat2.resume(meeting.code, pw["token"], seq);
  EXPECT_EQ(back["seq"], seq);
  EXPECT_EQ(back["you"]["id"], pw["you"]["id"]);
  quinn2.resume(meeting.code, qw["token"], 0);  // a client that lost its place gets a snapshot
  const json snap = quinn2.expect("snapshot");
  EXPECT_EQ(order_of(snap["view"]["queue"]), before);
  EXPECT_EQ(snap["view"]["meeting"]["policy"], "fifo");
  // And the meeting goes on.
  fac2.send({{"type", "call_next"}, {"id", "after-restart"}});
  EXPECT_EQ(fac2.answer_to("after-restart")["type"], "ack");
  EXPECT_EQ(latest(fac2, "turn")["participant"], before.front());
}

TEST(Durability, ARetriedCommandGetsItsOriginalAnswerAndChangesNothing) {
  ServerProcess server;
  const auto meeting = create_meeting(server.port());
  WsClient pat(server.port()), other(server.port());
  const json pw = pat.join(meeting.code, "Pat");
  other.join(meeting.code, "Olu");
  pat.send({{"type", "submit_point"}, {"id", "point-1"}, {"text", "Bus fares"}});
  const json first = pat.answer_to("point-1");
  ASSERT_EQ(first["type"], "ack");
  other.drain(200ms);
  const std::uint64_t seen = other.last_seq;
  pat.send({{"type", "submit_point"}, {"id", "point-1"}, {"text", "Bus fares"}});
  EXPECT_EQ(pat.answer_to("point-1")["seq"], first["seq"]);
  EXPECT_TRUE(other.silent_for(300ms));
  EXPECT_EQ(other.last_seq, seen);
  // The same id for another command is not a retry: it is refused, not silently dropped.
  pat.send({{"type", "submit_point"}, {"id", "point-1"}, {"text", "Parking"}});
  EXPECT_EQ(pat.answer_to("point-1")["code"], "id_reused");
  // The same after a restart: the command id was stored with its events.
  server.restart();
  WsClient again(server.port());
  again.resume(meeting.code, pw["token"], 0);
  again.send({{"type", "submit_point"}, {"id", "point-1"}, {"text", "Bus fares"}});
  EXPECT_EQ(again.answer_to("point-1")["seq"], first["seq"]);
  EXPECT_EQ(latest(again, "points").size(), 1u);
}

// Exactly-once remembers each person's latest --remembered-commands ids, also across a restart:
// memory does not grow with the length of a meeting.
TEST(Durability, ExactlyOnceRemembersEachPersonsLatestCommands) {
  ServerProcess server{{"--remembered-commands=3"}};
  const auto meeting = create_meeting(server.port());
  WsClient pat(server.port());
  const json pw = pat.join(meeting.code, "Pat");
  std::vector<json> acks;
  for (int i = 1; i <= 4; ++i) {
    const std::string id = "p" + std::to_string(i);
    pat.send({{"type", "submit_point"}, {"id", id}, {"text", "Point " + std::to_string(i)}});
    acks.push_back(pat.answer_to(id));
    ASSERT_EQ(acks.back()["type"], "ack");
  }
  const auto retry = [&](WsClient& c, int i) {
    const std::string id = "p" + std::to_string(i);
    c.send({{"type", "submit_point"}, {"id", id}, {"text", "Point " + std::to_string(i)}});
    return c.answer_to(id);
  };
  EXPECT_EQ(retry(pat, 4)["seq"], acks[3]["seq"]) << "a recent command is not run twice";
  EXPECT_EQ(retry(pat, 2)["seq"], acks[1]["seq"]);
  const json forgotten = retry(pat, 1);  // four commands ago, with three remembered: runs again
  EXPECT_EQ(forgotten["type"], "ack");
  EXPECT_GT(forgotten["seq"].get<std::uint64_t>(), acks[3]["seq"].get<std::uint64_t>());
  // After a restart the log gives back the same window: p1 (again), p3 and p4 (p2 fell out).
  server.restart();
  WsClient again(server.port());
  again.resume(meeting.code, pw["token"], 0);
  EXPECT_EQ(retry(again, 4)["seq"], acks[3]["seq"]);
  EXPECT_EQ(retry(again, 1)["seq"], forgotten["seq"]);
}

// Clients send commands without waiting; the server is killed with SIGKILL at random moments and
// restarted. Every acknowledged command must be there, none twice, the log without gaps, the
// database intact, and every client able to resume.
TEST(Durability, CrashTestLosesNoAcknowledgedCommand) {
  const char* env = std::getenv("EVERYVOICE_CRASH_CYCLES");
  const int cycles = env ? std::max(1, std::atoi(env)) : 20;
  ServerProcess server{{"--commands-per-second=10000", "--command-burst=10000", "--snapshot-every=40"}};
  const auto meeting = create_meeting(server.port(), "Crash test");
  const std::size_t acked = crash_cycles(server, meeting.code, cycles, 20261126);
  server.stop();
  const std::string db = server.data_dir() + "/everyvoice.db";
  EXPECT_EQ(query(db, "PRAGMA integrity_check"), (std::vector<std::vector<std::string>>{{"ok"}}));
  const auto seqs = query(db, "SELECT seq FROM events ORDER BY meeting, seq");
  for (std::size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i][0], std::to_string(i + 1)) << "gap in the log";
  std::printf("crash test: %d SIGKILL cycles, %zu commands acknowledged, %zu events in the log\n", cycles, acked,
              seqs.size());
}

TEST(Durability, StorageFaultGivesAClearErrorKeepsReadsAndRecoversByItself) {
  char templ[] = "/tmp/everyvoice-full-XXXXXX";
  const std::string dir = mkdtemp(templ);
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=3m") != 0) {
    std::filesystem::remove(dir);
    GTEST_SKIP() << "needs root to mount a small filesystem";
  }
  {
    // Filling the last bytes of the disk can take a few hundred points: no rate limit in the way.
    ServerProcess server({"--command-burst=100000"}, dir + "/data");
    const auto meeting = create_meeting(server.port());
    WsClient fac(server.port()), pat(server.port());
    fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
    const json pw = pat.join(meeting.code, "Pat");
    ASSERT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");
    // Fill the disk.
    {
      std::ofstream filler(dir + "/filler", std::ios::binary);
      const std::string block(64 * 1024, 'x');
      while (filler.write(block.data(), block.size())) {
      }
    }
    json refused = json::object();
    for (int i = 0; i < 2000 && refused.value("code", "") != "storage_unavailable"; ++i) {
      refused = pat.command({{"type", "submit_point"}, {"text", std::string(900, static_cast<char>('a' + i % 26))}});
      ASSERT_TRUE(refused["type"] == "ack" || refused.value("code", "") == "storage_unavailable") << refused.dump();
    }
    EXPECT_EQ(refused["code"], "storage_unavailable");
    EXPECT_NE(refused["message"].get<std::string>().find("nothing was changed"), std::string::npos);
    // Reads go on: a client can resume and see the meeting as it was committed.
    WsClient reader(server.port());
    reader.resume(meeting.code, pw["token"], 0);
    EXPECT_EQ(order_of(reader.expect("snapshot")["view"]["queue"]), std::vector<int>{pw["you"]["id"].get<int>()});
    // The disk comes back: commands go through again, with no restart. After a failed write the
    // meeting takes its writes again once the log has cleared it (EventLog::recover, queued behind
    // the writer's work); until then a command is refused with storage_unavailable, "try again in
    // a moment", PROTOCOL 4.2). So the test does what a client is told to do, within 5 s: on a loaded
    // machine the first try can come before the log got to it (it failed so in CI, now and then).
    std::filesystem::remove(dir + "/filler");
    json lowered;
    for (int attempt = 0; attempt < 100; ++attempt) {
      lowered = pat.command({{"type", "lower_hand"}});
      if (lowered.value("code", "") != "storage_unavailable") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(lowered["type"], "ack") << lowered.dump();
    const auto metrics = http_call(server.port(), "GET", "/metrics");
    EXPECT_EQ(metrics.body.find("everyvoice_storage_failures_total 0"), std::string::npos);
  }
  umount(dir.c_str());
  std::filesystem::remove_all(dir);
}

TEST(Durability, StoredBallotsOfAnAnonymousPollAreNotLinkedToAnyone) {
  ServerProcess server;
  const auto meeting = create_meeting(server.port());
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  ASSERT_EQ(fac.command({{"type", "open_poll"}, {"question", "What worries you?"}, {"kind", "open_text"},
                         {"anonymous", true}})["type"], "ack");
  std::vector<std::string> answers;
  std::vector<std::unique_ptr<WsClient>> voters;
  for (int i = 0; i < 8; ++i) {
    voters.push_back(std::make_unique<WsClient>(server.port()));
    voters.back()->join(meeting.code, "Voter" + std::to_string(i));
    answers.push_back("ANSWER-" + std::to_string(i) + "-" + std::string(i + 3, 'q'));
    ASSERT_EQ(voters.back()->command({{"type", "vote"}, {"poll", 1}, {"text", answers.back()}})["type"], "ack");
  }
  ASSERT_EQ(fac.command({{"type", "close_poll"}, {"poll", 1}})["type"], "ack");
  const std::string db = server.data_dir() + "/everyvoice.db";
  EXPECT_EQ(std::filesystem::file_size(db + "-wal"), 0u);  // the WAL was emptied at close
  server.stop();
  // An event row holds an answer only as part of the result, which holds all of them and no one;
  // the ballot rows hold no person, time or sequence number.
  int result_rows = 0;
  for (const auto& row : query(db, "SELECT body FROM events")) {
    const auto holds = std::count_if(answers.begin(), answers.end(), [&](const auto& a) { return row[0].find(a) != std::string::npos; });
    if (holds == 0) continue;
    ++result_rows;
    EXPECT_EQ(holds, static_cast<long>(answers.size()));
    for (int v = 0; v < 8; ++v) EXPECT_EQ(row[0].find("Voter" + std::to_string(v)), std::string::npos);
  }
  EXPECT_EQ(result_rows, 1);
  for (const auto& row : query(db, "SELECT body FROM snapshots"))
    for (const auto& a : answers) EXPECT_EQ(row[0].find(a), std::string::npos);
  const auto columns = query(db, "SELECT name FROM pragma_table_info('closed_ballots')");
  EXPECT_EQ(columns, (std::vector<std::vector<std::string>>{{"id"}, {"meeting"}, {"poll"}, {"body"}}));
  EXPECT_EQ(query(db, "SELECT count(*) FROM ballots"), (std::vector<std::vector<std::string>>{{"0"}})) << "moved at close";
  // Their order on disk is not the order of voting.
  std::vector<int> stored_order;
  for (const auto& row : query(db, "SELECT body FROM closed_ballots ORDER BY id"))
    for (std::size_t i = 0; i < answers.size(); ++i)
      if (row[0].find(answers[i]) != std::string::npos) stored_order.push_back(static_cast<int>(i));
  ASSERT_EQ(stored_order.size(), answers.size());
  EXPECT_FALSE(std::is_sorted(stored_order.begin(), stored_order.end()));  // sorted by chance: 1 in 8!
  // Nor is the order of their cells in the file. SQLite writes each new cell of a page below the
  // one before, so where each ballot lies in the pages of its table would give the voting order;
  // closing the poll wrote them again in the order of their ids.
  const std::string bytes = file_bytes(db);
  const std::size_t page = 4096;
  std::vector<std::pair<std::size_t, int>> placed;  // (offset in the file, answer)
  for (const auto& row : query(db, "SELECT pageno FROM dbstat WHERE name = 'closed_ballots' AND pagetype = 'leaf'")) {
    const std::size_t start = (std::stoul(row[0]) - 1) * page;
    ASSERT_LE(start + page, bytes.size());
    const std::string_view in_page(bytes.data() + start, page);
    for (std::size_t i = 0; i < answers.size(); ++i)
      if (const auto at = in_page.find(answers[i]); at != std::string_view::npos) placed.emplace_back(start + at, static_cast<int>(i));
  }
  ASSERT_EQ(placed.size(), answers.size());
  std::sort(placed.begin(), placed.end());
  std::vector<int> by_place;
  for (const auto& [offset, answer] : placed) by_place.push_back(answer);
  const std::vector<int> by_id_reversed(stored_order.rbegin(), stored_order.rend());
  const auto listed = [&] {
    std::string out;
    for (const auto& [offset, answer] : placed) out += " " + std::to_string(answer) + "@" + std::to_string(offset);
    for (const int a : stored_order) out += (out.find(';') == std::string::npos ? "; by id:" : "") + (" " + std::to_string(a));
    return out;
  };
  EXPECT_TRUE(by_place == stored_order || by_place == by_id_reversed) << "the cells keep an order that is not the ids':" << listed();
  // And the whole file, page by page: a page that holds an answer and a voter's name holds every
  // answer (the result, an aggregate), never one answer beside names.
  for (std::size_t start = 0; start < bytes.size(); start += page) {
    const std::string_view in_page(bytes.data() + start, std::min(page, bytes.size() - start));
    const auto answers_here = std::count_if(answers.begin(), answers.end(), [&](const auto& a) { return in_page.find(a) != std::string_view::npos; });
    bool names_here = false;
    for (int v = 0; v < 8; ++v) names_here |= in_page.find("Voter" + std::to_string(v)) != std::string_view::npos;
    if (answers_here > 0 && names_here) {
      EXPECT_EQ(answers_here, static_cast<long>(answers.size())) << "page at " << start << " of " << bytes.size() << ";" << listed();
    }
  }
  server.restart();  // and the result survives the restart
  WsClient after(server.port());
  after.join(meeting.code, "Late");
  const json poll = after.expect("snapshot")["view"]["polls"][0];
  EXPECT_EQ(poll["result"]["answers"].size(), answers.size());
}

// The creating browser's time zone is stored with the meeting: after a restart the minutes still
// give their times in it.
TEST(Durability, TheMeetingsTimeZoneAndLanguageOutliveARestartAndSetTheMinutes) {
  ServerProcess server;
  // The start as the minutes should give it: Kathmandu is 5 h 45 min ahead of UTC. Read before and
  // after creating, as the two may fall either side of a minute.
  const auto kathmandu_clock = [] {
    const std::time_t local = std::time(nullptr) + 345 * 60;
    std::tm tm{};
    gmtime_r(&local, &tm);
    char out[8];
    std::strftime(out, sizeof out, "%H:%M", &tm);
    return std::string(out);
  };
  const std::string earliest = kathmandu_clock();
  const auto created = http_call(server.port(), "POST", "/api/meetings",
                                 R"({"title":"Kathmandu circle","time_zone":"Asia/Kathmandu","utc_offset_minutes":345})");
  const std::string latest = kathmandu_clock();
  ASSERT_EQ(created.status, 201) << created.body;
  const json meeting = json::parse(created.body);
  const std::string key = meeting["facilitator_key"];
  const std::string base = "/api/meetings/" + meeting["code"].get<std::string>();
  server.restart();
  const auto md = http_call(server.port(), "GET", base + "/minutes?format=md", "", {{"X-Facilitator-Key", key}});
  ASSERT_EQ(md.status, 200) << md.body;
  EXPECT_NE(md.body.find("Times are Asia/Kathmandu time (UTC+05:45)."), std::string::npos) << md.body;
  EXPECT_TRUE(md.body.find(" Started " + earliest + ";") != std::string::npos ||
              md.body.find(" Started " + latest + ";") != std::string::npos)
      << "started " << earliest << " or " << latest << ":\n" << md.body;

  const auto refused = http_call(server.port(), "POST", "/api/meetings", R"({"time_zone":"Asia/Kathmandu"})");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("utc_offset_minutes"), std::string::npos) << refused.body;

  // The minutes' language, given at creation, outlives a restart too; the snapshot names it.
  const auto spanish = http_call(server.port(), "POST", "/api/meetings", R"({"title":"Asamblea","language":"es"})");
  ASSERT_EQ(spanish.status, 201) << spanish.body;
  const json asamblea = json::parse(spanish.body);
  server.restart();
  const auto acta = http_call(server.port(), "GET", "/api/meetings/" + asamblea["code"].get<std::string>() + "/minutes?format=md", "",
                              {{"X-Facilitator-Key", asamblea["facilitator_key"].get<std::string>()}});
  ASSERT_EQ(acta.status, 200) << acta.body;
  EXPECT_NE(acta.body.find("Acta de la reunión " + asamblea["code"].get<std::string>() + " del "), std::string::npos) << acta.body;
  EXPECT_NE(acta.body.find("## Personas"), std::string::npos) << acta.body;
  WsClient ana(server.port());
  ana.join(asamblea["code"], "Ana");
  EXPECT_EQ(ana.expect("snapshot").at("view").at("meeting").at("language"), "es");
  const auto french = http_call(server.port(), "POST", "/api/meetings", R"({"language":"fr"})");
  EXPECT_EQ(french.status, 400);
  EXPECT_NE(french.body.find(R"(\"language\" must be one of)"), std::string::npos) << french.body;
}

// A new meeting copies the agenda of an earlier one whose facilitator key its creator holds (issue
// 16), after a restart too; a wrong key is 403 and an unknown code 404, and neither creates anything.
TEST(Durability, ANewMeetingCopiesTheAgendaOfAnEarlierOne) {
  ServerProcess server;
  const auto march = create_meeting(server.port(), "March forum");
  {
    WsClient fac(server.port());
    fac.join(march.code, "Fatima", {{"facilitator_key", march.facilitator_key}});
    ASSERT_EQ(fac.command({{"type", "add_agenda_item"}, {"title", "Check-in"}, {"timebox_minutes", 10}})["type"], "ack");
    ASSERT_EQ(fac.command({{"type", "add_agenda_item"}, {"title", "Garden rota"}, {"timebox_minutes", 0}})["type"], "ack");
  }
  server.restart();
  const auto from = [&](const std::string& code, const std::string& key) {
    return json{{"title", "April forum"}, {"started", false}, {"agenda_from", {{"code", code}, {"facilitator_key", key}}}}.dump();
  };
  const auto wrong = http_call(server.port(), "POST", "/api/meetings", from(march.code, std::string(32, 'a')));
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  EXPECT_NE(wrong.body.find("agenda_from"), std::string::npos) << wrong.body;
  const auto unknown = http_call(server.port(), "POST", "/api/meetings", from(march.code == "K7MQ4T" ? "K7MQ4W" : "K7MQ4T", march.facilitator_key));
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  const auto april = http_call(server.port(), "POST", "/api/meetings", from(march.code, march.facilitator_key));
  ASSERT_EQ(april.status, 201) << april.body;
  const json created = json::parse(april.body);
  WsClient fac(server.port());
  fac.join(created["code"], "Fatima", {{"facilitator_key", created["facilitator_key"]}});
  const json view = fac.expect("snapshot").at("view");
  EXPECT_FALSE(view.at("meeting").at("started").get<bool>());
  const json& items = view.at("agenda").at("items");
  ASSERT_EQ(items.size(), 2u) << view.at("agenda").dump();
  EXPECT_EQ(items[0].at("title"), "Check-in");
  EXPECT_EQ(items[0].at("timebox_minutes"), 10);
  EXPECT_EQ(items[1].at("title"), "Garden rota");
  EXPECT_EQ(items[1].at("timebox_minutes"), 0);
}

TEST(Durability, FacilitatorsDownloadMinutesEndAndDeleteMeetings) {
  ServerProcess server;
  const auto meeting = create_meeting(server.port(), "Budget night");
  WsClient fac(server.port()), pat(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  const json pw = pat.join(meeting.code, "Pat");
  ASSERT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "call_next"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "end_turn"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "present_proposal"}, {"title", "Budget"}, {"text", "Spend 300 on the hall."}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "consent"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "adopt_proposal"}, {"proposal", 1}})["type"], "ack");

  const std::string base = "/api/meetings/" + meeting.code;
  EXPECT_EQ(http_call(server.port(), "GET", base + "/minutes?format=md").status, 401);
  EXPECT_EQ(http_call(server.port(), "GET", base + "/minutes?format=md", "", {{"X-Facilitator-Key", "nope"}}).status, 403);
  const auto md = http_call(server.port(), "GET", base + "/minutes?format=md", "", {{"X-Facilitator-Key", meeting.facilitator_key}});
  EXPECT_EQ(md.status, 200);
  EXPECT_EQ(md.content_type, "text/markdown; charset=utf-8");
  EXPECT_NE(md.body.find("# Budget night"), std::string::npos);
  EXPECT_NE(md.body.find("Spend 300 on the hall."), std::string::npos) << "as typed, not escaped";
  EXPECT_NE(md.body.find("The record of decisions is intact"), std::string::npos) << md.body;
  const auto csv = http_call(server.port(), "GET", base + "/minutes?format=csv", "", {{"X-Facilitator-Key", meeting.facilitator_key}});
  EXPECT_EQ(csv.body.substr(0, csv.body.find('\n')), "participant,name,location,present,spoken_seconds,turns,share");
  EXPECT_NE(csv.body.find("\"Pat\""), std::string::npos);
  const auto js = http_call(server.port(), "GET", base + "/minutes?format=json", "", {{"X-Facilitator-Key", meeting.facilitator_key}});
  EXPECT_EQ(json::parse(js.body)["decisions"].size(), 1u);

  ASSERT_EQ(fac.command({{"type", "end_meeting"}})["type"], "ack");
  EXPECT_EQ(pat.command({{"type", "raise_hand"}})["code"], "meeting_ended");
  EXPECT_EQ(http_call(server.port(), "DELETE", base, "", {{"X-Facilitator-Key", "nope"}}).status, 403);
  EXPECT_EQ(http_call(server.port(), "DELETE", base, "", {{"X-Facilitator-Key", meeting.facilitator_key}}).status, 204);
  for (int i = 0; i < 20 && !pat.closed(); ++i) pat.next(100ms);
  EXPECT_EQ(pat.close_code(), 4002);
  WsClient late(server.port());
  EXPECT_THROW(late.resume(meeting.code, pw["token"], 0), std::runtime_error);
  EXPECT_EQ(late.seen.back()["code"], "wrong_code");
  server.stop();
  EXPECT_TRUE(query(server.data_dir() + "/everyvoice.db", "SELECT * FROM events").empty());
}

}  // namespace
}  // namespace everyvoice::testing
