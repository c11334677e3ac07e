// A group across its meetings, through the real server binary (issue 17): created with a key shown
// once; its meetings start with its agreement; what they consent to becomes its next version; every
// decision reaches its chained log; a review that falls due is on the next agenda; and all of it
// survives a restart and a SIGKILL between a meeting's commit and the group's.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

struct CreatedGroup {
  std::string code, key;
};

CreatedGroup create_group(std::uint16_t port, const std::string& name) {
  const auto reply = http_call(port, "POST", "/api/groups", json{{"name", name}}.dump());
  EXPECT_EQ(reply.status, 201) << reply.body;
  const json j = json::parse(reply.body);
  EXPECT_EQ(j.at("name"), name);
  return {j.at("code").get<std::string>(), j.at("group_key").get<std::string>()};
}

CreatedMeeting meeting_in(std::uint16_t port, const CreatedGroup& g, const std::string& title) {
  const auto reply = http_call(port, "POST", "/api/meetings",
                               json{{"title", title}, {"group", {{"code", g.code}, {"group_key", g.key}}}}.dump());
  EXPECT_EQ(reply.status, 201) << reply.body;
  const json j = json::parse(reply.body);
  return {j.at("code").get<std::string>(), j.at("facilitator_key").get<std::string>()};
}

json record(std::uint16_t port, const CreatedGroup& g) {
  const auto reply = http_call(port, "GET", "/api/groups/" + g.code, "", {{"X-Group-Key", g.key}});
  EXPECT_EQ(reply.status, 200) << reply.body;
  return json::parse(reply.body);
}

// The group's record once it shows `decisions` decisions (it catches up just after each commit).
json record_with(std::uint16_t port, const CreatedGroup& g, std::size_t decisions) {
  json r;
  for (int i = 0; i < 100; ++i) {
    r = record(port, g);
    if (r.at("decisions").size() >= decisions) return r;
    std::this_thread::sleep_for(20ms);
  }
  ADD_FAILURE() << "the group never showed " << decisions << " decisions: " << r.dump();
  return r;
}

std::string today_plus(int days) {
  const std::time_t t = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

// A rule proposed and adopted by a quick consent check; returns its meeting item id.
int adopt_rule(WsClient& fac, const std::string& text) {
  const json ack = fac.command({{"type", "propose_agreement_item"}, {"text", text}});
  EXPECT_EQ(ack["type"], "ack") << ack.dump();
  fac.drain(100ms);
  int id = 0;
  for (auto it = fac.seen.rbegin(); it != fac.seen.rend() && id == 0; ++it) {
    const json* section = nullptr;
    if ((*it)["type"] == "update" && it->contains("agreement")) section = &(*it)["agreement"];
    if ((*it)["type"] == "snapshot" && (*it)["view"].contains("agreement")) section = &(*it)["view"]["agreement"];
    if (section)
      for (const auto& item : *section)
        if (item["text"] == text) id = item["id"].get<int>();
  }
  EXPECT_GT(id, 0) << "no item " << text;
  EXPECT_EQ(fac.command({{"type", "consent_check"}, {"item", id}, {"adopt", true}})["type"], "ack");
  return id;
}

TEST(Groups, ACreatedGroupIsReadOnlyWithItsKey) {
  ServerProcess server;
  EXPECT_EQ(http_call(server.port(), "POST", "/api/groups", R"({"name": ""})").status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/groups", R"({"name": "x", "colour": "red"})").status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/groups", "not json").status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/groups", json{{"name", std::string(201, 'a')}}.dump()).status, 400);
  const auto g = create_group(server.port(), "Tenants' panel");
  EXPECT_EQ(g.key.size(), 32u);
  EXPECT_EQ(http_call(server.port(), "GET", "/api/groups/" + g.code).status, 401);
  EXPECT_EQ(http_call(server.port(), "GET", "/api/groups/" + g.code, "", {{"X-Group-Key", std::string(32, 'a')}}).status, 403);
  EXPECT_EQ(http_call(server.port(), "GET", "/api/groups/" + std::string(g.code == "K7MQ4T" ? "K7MQ4W" : "K7MQ4T"), "",
                      {{"X-Group-Key", g.key}}).status,
            404);
  const json r = record(server.port(), g);
  EXPECT_EQ(r.at("name"), "Tenants' panel");
  EXPECT_EQ(r.at("agreement").at("version"), 0);
  EXPECT_TRUE(r.at("meetings").empty());
  EXPECT_TRUE(r.at("chain_intact").get<bool>());

  // A meeting in a group needs the group's key.
  const auto wrong = http_call(server.port(), "POST", "/api/meetings",
                               json{{"title", "x"}, {"group", {{"code", g.code}, {"group_key", std::string(32, 'b')}}}}.dump());
  EXPECT_EQ(wrong.status, 403) << wrong.body;
  const auto bad = http_call(server.port(), "POST", "/api/meetings", json{{"title", "x"}, {"group", g.code}}.dump());
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST(Groups, TheAgreementAndTheDecisionLogCarryAcrossMeetingsAndRestarts) {
  ServerProcess server;
  const auto g = create_group(server.port(), "Tenants' panel");
  const auto first = meeting_in(server.port(), g, "March forum");
  {
    WsClient fac(server.port());
    const json welcome = fac.join(first.code, "Fatima", {{"facilitator_key", first.facilitator_key}});
    const json view = fac.expect("snapshot").at("view");
    EXPECT_EQ(view.at("meeting").at("group").at("name"), "Tenants' panel");
    EXPECT_EQ(view.at("meeting").at("group").at("agreement_version"), 0);
    EXPECT_EQ(view.at("meeting").dump().find(g.code), std::string::npos) << "the group's code is not shown in a meeting";
    adopt_rule(fac, "We listen to each other");
    adopt_rule(fac, "Phones on silent");
    ASSERT_EQ(fac.command({{"type", "present_proposal"}, {"title", "Meet monthly"}, {"text", "First Monday of the month."}})["type"], "ack");
    ASSERT_EQ(fac.command({{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "consent"}})["type"], "ack");
    ASSERT_EQ(fac.command({{"type", "adopt_proposal"}, {"proposal", 1}, {"review_date", today_plus(10)}})["type"], "ack");
    ASSERT_EQ(fac.command({{"type", "end_meeting"}})["type"], "ack");
  }
  const json r1 = record_with(server.port(), g, 3);
  EXPECT_EQ(r1.at("agreement").at("version"), 2);
  ASSERT_EQ(r1.at("agreement").at("items").size(), 2u);
  EXPECT_EQ(r1.at("agreement").at("items")[0].at("text"), "We listen to each other");
  EXPECT_EQ(r1.at("decisions")[2].at("title"), "Meet monthly");
  EXPECT_EQ(r1.at("decisions")[1].at("prev_hash"), r1.at("decisions")[0].at("hash"));
  EXPECT_TRUE(r1.at("chain_intact").get<bool>());

  server.restart();
  EXPECT_EQ(record(server.port(), g), r1) << "the group's record survives a restart unchanged";

  // The next meeting starts with the agreement and the review that falls due.
  const auto second = meeting_in(server.port(), g, "April forum");
  WsClient fac(server.port());
  fac.join(second.code, "Fatima", {{"facilitator_key", second.facilitator_key}});
  const json view = fac.expect("snapshot").at("view");
  EXPECT_EQ(view.at("meeting").at("group").at("agreement_version"), 2);
  const json& items = view.at("agreement");
  ASSERT_EQ(items.size(), 2u) << view.at("agreement").dump();
  EXPECT_EQ(items[0].at("text"), "We listen to each other");
  EXPECT_EQ(items[0].at("status"), "adopted");
  ASSERT_EQ(view.at("agenda").at("items").size(), 1u) << view.at("agenda").dump();
  EXPECT_EQ(view.at("agenda").at("items")[0].at("title").get<std::string>().rfind("Review: Meet monthly (decided ", 0), 0u);

  // Removing a carried rule is the group's next version.
  ASSERT_EQ(fac.command({{"type", "consent_check"}, {"item", items[1].at("id")}, {"adopt", false}})["type"], "ack");
  const json r2 = record_with(server.port(), g, 4);
  EXPECT_EQ(r2.at("agreement").at("version"), 3);
  ASSERT_EQ(r2.at("agreement").at("items").size(), 1u);
  EXPECT_EQ(r2.at("agreement").at("history")[2].at("removed")[0].at("text"), "Phones on silent");
  EXPECT_EQ(r2.at("decisions")[2].at("review_in"), second.code);
  ASSERT_EQ(r2.at("meetings").size(), 2u);
  EXPECT_EQ(r2.at("meetings")[1].at("title"), "April forum");

  const auto md = http_call(server.port(), "GET", "/api/groups/" + g.code + "?format=md", "", {{"X-Group-Key", g.key}});
  EXPECT_EQ(md.status, 200);
  EXPECT_EQ(md.content_type, "text/markdown; charset=utf-8");
  EXPECT_NE(md.body.find("# Tenants' panel"), std::string::npos) << md.body;
  EXPECT_NE(md.body.find("## Working together agreement, version 3\n\n1. We listen to each other\n"), std::string::npos) << md.body;
  EXPECT_NE(md.body.find("removed \"Phones on silent\""), std::string::npos) << md.body;
  EXPECT_NE(md.body.find("hash chain is intact (4 entries)"), std::string::npos) << md.body;
}

TEST(Groups, AKillBetweenTheMeetingsCommitAndTheGroupsLosesNothing) {
  ServerProcess server;
  const auto g = create_group(server.port(), "Allotment group");
  const auto m = meeting_in(server.port(), g, "Spring");
  {
    WsClient fac(server.port());
    fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}});
    // Acknowledged means committed to the meeting; the group's write follows it. Killed at once,
    // the group may have missed it: the restart catches it up from the meeting.
    ASSERT_EQ(fac.command({{"type", "propose_agreement_item"}, {"text", "Tools back in the shed"}})["type"], "ack");
    ASSERT_EQ(fac.command({{"type", "consent_check"}, {"item", 1}, {"adopt", true}})["type"], "ack");
    server.kill_hard();
  }
  server.restart();
  const json r = record_with(server.port(), g, 1);
  ASSERT_EQ(r.at("meetings").size(), 1u);
  ASSERT_EQ(r.at("agreement").at("items").size(), 1u);
  EXPECT_EQ(r.at("agreement").at("items")[0].at("text"), "Tools back in the shed");
  EXPECT_EQ(r.at("decisions").size(), 1u) << "once, not twice";
  server.restart();
  EXPECT_EQ(record(server.port(), g), r) << "catching up again adds nothing";

  // The gap made certain: the group loses every event after its creation (as if each write had
  // been cut off); the next start rebuilds them from the meeting, with the same chain.
  ASSERT_EQ(server.stop(), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((server.data_dir() + "/everyvoice.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DELETE FROM group_events WHERE seq > 1", nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_changes(db), 3) << "the meeting, its agreement change, its decision";
  sqlite3_close(db);
  server.restart();
  const json rebuilt = record_with(server.port(), g, 1);
  EXPECT_EQ(rebuilt.at("meetings"), r.at("meetings"));
  EXPECT_EQ(rebuilt.at("agreement").at("items"), r.at("agreement").at("items"));
  EXPECT_EQ(rebuilt.at("decisions"), r.at("decisions"));
}

json follow(std::uint16_t port, const std::string& secret) {
  const auto reply = http_call(port, "POST", "/api/ideas/follow", json{{"follow", {secret}}}.dump());
  EXPECT_EQ(reply.status, 200) << reply.body;
  return json::parse(reply.body).at("ideas");
}

HttpReply set_status(std::uint16_t port, const CreatedGroup& g, int idea, const json& body) {
  return http_call(port, "POST", "/api/groups/" + g.code + "/ideas/" + std::to_string(idea), body.dump(), {{"X-Group-Key", g.key}});
}

// "You said, we did": an anonymous point, carried forward, followed by its author from their own
// secret across two meetings and a restart; the group never learns who wrote it.
TEST(Groups, AnAnonymousAuthorFollowsTheirIdeaAcrossMeetingsAndARestart) {
  ServerProcess server;
  const auto g = create_group(server.port(), "Tenants' panel");
  const auto first = meeting_in(server.port(), g, "March forum");
  const std::string secret = "3f9c2a7e5b1d4c8e9a0b6d2f4e8c1a7b";
  {
    WsClient fac(server.port()), ana(server.port());
    fac.join(first.code, "Fatima", {{"facilitator_key", first.facilitator_key}});
    ana.join(first.code, "Ana");
    ASSERT_EQ(ana.command({{"type", "submit_point"}, {"text", "A bench by the front door"}, {"anonymous", true}, {"follow", secret}})["type"],
              "ack");
    EXPECT_EQ(ana.command({{"type", "carry_point_forward"}, {"point", 1}})["code"], "not_allowed");
    EXPECT_TRUE(follow(server.port(), secret).empty()) << "not carried forward yet";
    ASSERT_EQ(fac.command({{"type", "carry_point_forward"}, {"point", 1}})["type"], "ack");
    fac.drain(100ms);
    bool carried = false;
    for (const auto& m : fac.seen)
      if (m["type"] == "update" && m.contains("points"))
        for (const auto& p : m["points"]) carried = carried || p.value("carried", false);
    EXPECT_TRUE(carried) << "the point shows it was carried forward";
  }
  json ideas;
  for (int i = 0; i < 100 && ideas.empty(); ++i, std::this_thread::sleep_for(20ms)) ideas = follow(server.port(), secret);
  ASSERT_EQ(ideas.size(), 1u);
  EXPECT_EQ(ideas[0].at("text"), "A bench by the front door");
  EXPECT_EQ(ideas[0].at("status"), "open");
  EXPECT_EQ(ideas[0].at("group"), "Tenants' panel");
  EXPECT_EQ(ideas[0].at("meeting_title"), "March forum");
  EXPECT_TRUE(follow(server.port(), std::string(32, 'c')).empty()) << "another secret follows nothing";

  // The organisers: a reason is required for "not possible"; an unknown idea is 404; the key counts.
  EXPECT_EQ(set_status(server.port(), g, 1, {{"status", "not_possible"}}).status, 400);
  EXPECT_EQ(set_status(server.port(), g, 9, {{"status", "done"}}).status, 404);
  EXPECT_EQ(set_status(server.port(), g, 1, {{"status", "finished"}}).status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/groups/" + g.code + "/ideas/1", json{{"status", "done"}}.dump(),
                      {{"X-Group-Key", std::string(32, 'a')}}).status,
            403);
  const auto working = set_status(server.port(), g, 1, {{"status", "working"}, {"reason", "We asked the council"}});
  ASSERT_EQ(working.status, 200) << working.body;
  EXPECT_EQ(json::parse(working.body).at("status"), "working");

  server.restart();
  ideas = follow(server.port(), secret);
  ASSERT_EQ(ideas.size(), 1u);
  EXPECT_EQ(ideas[0].at("status"), "working");
  EXPECT_EQ(ideas[0].at("reason"), "We asked the council");

  // A second meeting of the group; the idea is done, and its author sees the whole history.
  const auto second = meeting_in(server.port(), g, "April forum");
  {
    WsClient fac(server.port());
    fac.join(second.code, "Fatima", {{"facilitator_key", second.facilitator_key}});
  }
  ASSERT_EQ(set_status(server.port(), g, 1, {{"status", "done"}, {"reason", "The bench is in"}}).status, 200);
  ideas = follow(server.port(), secret);
  ASSERT_EQ(ideas.size(), 1u);
  EXPECT_EQ(ideas[0].at("status"), "done");
  ASSERT_EQ(ideas[0].at("history").size(), 3u);
  EXPECT_EQ(ideas[0].at("history")[0].at("status"), "open");
  EXPECT_EQ(ideas[0].at("history")[1].at("reason"), "We asked the council");

  // Anonymous means anonymous: the group's record names nobody, and holds no secret nor its hash.
  const json r = record(server.port(), g);
  ASSERT_EQ(r.at("ideas").size(), 1u);
  const std::string text = r.dump();
  EXPECT_EQ(text.find("Ana"), std::string::npos);
  EXPECT_EQ(text.find(secret), std::string::npos);
  EXPECT_EQ(text.find("follow"), std::string::npos);
  ASSERT_EQ(server.stop(), 0);
  for (const char* file : {"/everyvoice.db", "/everyvoice.db-wal"}) {
    std::ifstream in(server.data_dir() + file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find(secret), std::string::npos) << file << ": the secret is never stored, only its hash";
  }
}

HttpReply add_member(std::uint16_t port, const CreatedGroup& g, const std::string& name, std::string& member_key) {
  auto reply = http_call(port, "POST", "/api/groups/" + g.code + "/members", json{{"name", name}}.dump(), {{"X-Group-Key", g.key}});
  if (reply.status == 201) member_key = json::parse(reply.body).at("member_key").get<std::string>();
  return reply;
}

HttpReply as_member(std::uint16_t port, const std::string& method, const std::string& member_key, const json& body = nullptr) {
  return http_call(port, method, "/api/member", body.is_null() ? "" : body.dump(), {{"X-Member-Key", member_key}});
}

std::string seen_text(WsClient& c) {
  c.drain(100ms);
  std::string out;
  for (const auto& m : c.seen) out += m.dump();
  return out;
}

std::string participation(std::uint16_t port, const CreatedGroup& g) {
  const auto reply = http_call(port, "GET", "/api/groups/" + g.code + "?format=csv", "", {{"X-Group-Key", g.key}});
  EXPECT_EQ(reply.status, 200) << reply.body;
  return reply.body;
}

// Members (issue 17): a member link made by an organiser; the member keeps their preference, offers
// and consent; the meeting's roles come from the offers; a consenting member's attendance and
// speaking time reach the participation record (CSV), across a restart; a member who leaves is
// erased from the group, on disk too.
TEST(Groups, MembersOfferRolesKeepAParticipationRecordAndLeaveWithoutTrace) {
  ServerProcess server;
  const auto g = create_group(server.port(), "Tenants' panel");
  std::string rosa_key, sam_key;
  const auto added = add_member(server.port(), g, "Rosa Quintero", rosa_key);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(json::parse(added.body).at("member").at("name"), "Rosa Quintero");
  EXPECT_EQ(rosa_key.rfind(g.code + ".", 0), 0u) << "a member key names its group";
  ASSERT_EQ(add_member(server.port(), g, "Samwise Gardener", sam_key).status, 201);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/groups/" + g.code + "/members", json{{"name", "X"}}.dump(),
                      {{"X-Group-Key", std::string(32, 'a')}}).status,
            403);
  EXPECT_EQ(add_member(server.port(), g, "", sam_key).status, 400);

  // Each member keeps their own data with their key; another key reads nothing.
  const auto changed = as_member(server.port(), "POST", rosa_key,
                                 {{"name", "Rosa Quintero"}, {"preference", "write"}, {"offers", {"notes", "welcoming"}}, {"record", true}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(json::parse(changed.body).at("member").at("offers"), (json{"notes", "welcoming"}));
  ASSERT_EQ(as_member(server.port(), "POST", sam_key, {{"name", "Samwise Gardener"}, {"preference", "listen"}, {"offers", json::array()}, {"record", true}}).status,
            200);
  EXPECT_EQ(as_member(server.port(), "GET", g.code + "." + std::string(32, 'f')).status, 403);
  EXPECT_EQ(as_member(server.port(), "GET", "nogroup").status, 404);
  EXPECT_EQ(http_call(server.port(), "GET", "/api/member").status, 401);

  // The meeting's roles come from the offers, and everyone sees them.
  const auto m = meeting_in(server.port(), g, "March forum");
  {
    WsClient fac(server.port()), rosa(server.port()), sam(server.port());
    fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}});
    const json view = fac.expect("snapshot").at("view");
    EXPECT_EQ(view.at("meeting").at("roles"),
              (json{{{"role", "note_taker"}, {"name", "Rosa Quintero"}}, {{"role", "greeter"}, {"name", "Rosa Quintero"}}}));
    // Members join under any name; their member key (among others this browser keeps) links them.
    const json rosa_welcome = rosa.join(m.code, "Ro", {{"member_keys", {"ZZZZZZ.nothing", rosa_key}}});
    const int ro = rosa_welcome.at("you").at("id").get<int>();
    const json sam_welcome = sam.join(m.code, "S.", {{"member_keys", {sam_key}}});
    const int s = sam_welcome.at("you").at("id").get<int>();
    EXPECT_EQ(seen_text(rosa).find(rosa_key), std::string::npos) << "a member key is never sent back";
    for (int who : {ro, s}) {
      ASSERT_EQ(fac.command({{"type", "call_speaker"}, {"participant", who}, {"reason", "next"}})["type"], "ack");
      std::this_thread::sleep_for(1100ms);
      ASSERT_EQ(fac.command({{"type", "end_turn"}})["type"], "ack");
    }
    const std::string seen = seen_text(fac) + seen_text(rosa);
    EXPECT_EQ(seen.find("member_attended"), std::string::npos) << "who is a member is never shown";
    EXPECT_EQ(seen.find("\"member\""), std::string::npos);
  }
  std::string csv;
  for (int i = 0; i < 100; ++i, std::this_thread::sleep_for(20ms)) {
    csv = participation(server.port(), g);
    if (csv.find("Samwise") != std::string::npos && csv.find("Rosa") != std::string::npos) break;
  }
  EXPECT_EQ(csv.rfind("member,name,meeting,meeting_title,day,spoken_seconds,turns\r\n", 0), 0u) << csv;
  EXPECT_NE(csv.find(",\"Rosa Quintero\"," + m.code + ",\"March forum\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",1,1\r\n"), std::string::npos) << "a second of speaking, one turn: " << csv;

  const auto minutes = http_call(server.port(), "GET", "/api/meetings/" + m.code + "/minutes?format=md", "",
                                 {{"X-Facilitator-Key", m.facilitator_key}});
  EXPECT_NE(minutes.body.find("Roles, from the group's offers: Rosa Quintero takes notes and Rosa Quintero welcomes people"),
            std::string::npos)
      << minutes.body;

  server.restart();
  EXPECT_EQ(participation(server.port(), g), csv) << "the record survives a restart";
  const json mine = json::parse(as_member(server.port(), "GET", rosa_key).body);
  EXPECT_EQ(mine.at("group"), "Tenants' panel");
  ASSERT_EQ(mine.at("attendance").size(), 1u);
  EXPECT_EQ(mine.at("attendance")[0].at("turns"), 1);
  EXPECT_EQ(mine.at("roles").size(), 2u);
  const std::string report = http_call(server.port(), "GET", "/api/groups/" + g.code + "?format=md", "", {{"X-Group-Key", g.key}}).body;
  EXPECT_NE(report.find("note-taker Rosa Quintero"), std::string::npos) << report;
  EXPECT_NE(report.find("- Rosa Quintero: taking notes, welcoming newcomers"), std::string::npos) << report;

  // Withdrawing consent erases the record; leaving erases the member.
  ASSERT_EQ(as_member(server.port(), "POST", rosa_key, {{"name", "Rosa Quintero"}, {"preference", "write"}, {"offers", {"notes"}}, {"record", false}}).status,
            200);
  EXPECT_EQ(participation(server.port(), g).find("Rosa"), std::string::npos);
  EXPECT_EQ(as_member(server.port(), "DELETE", sam_key).status, 204);
  EXPECT_EQ(as_member(server.port(), "GET", sam_key).status, 403) << "the link no longer works";
  EXPECT_EQ(as_member(server.port(), "DELETE", sam_key).status, 403);
  EXPECT_EQ(participation(server.port(), g), "member,name,meeting,meeting_title,day,spoken_seconds,turns\r\n");
  const json r = record(server.port(), g);
  ASSERT_EQ(r.at("members").size(), 1u);
  EXPECT_EQ(r.at("members")[0].at("name"), "Rosa Quintero");
  EXPECT_EQ(http_call(server.port(), "DELETE", "/api/groups/" + g.code + "/members/1", "", {{"X-Group-Key", g.key}}).status, 204);
  EXPECT_EQ(http_call(server.port(), "DELETE", "/api/groups/" + g.code + "/members/1", "", {{"X-Group-Key", g.key}}).status, 404);
  EXPECT_TRUE(record(server.port(), g).at("members").empty());
  server.restart();
  EXPECT_TRUE(record(server.port(), g).at("members").empty()) << "erased for good";
  ASSERT_EQ(server.stop(), 0);
  for (const char* file : {"/everyvoice.db", "/everyvoice.db-wal"}) {
    std::ifstream in(server.data_dir() + file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("Samwise"), std::string::npos) << file << ": a member who left leaves no name behind";
  }
}

// Deleting a group deletes all its meetings' data, then its own: nothing of it is left on disk.
TEST(Groups, DeletingAGroupDeletesItsMeetingsAndLeavesNoTrace) {
  ServerProcess server;
  const auto g = create_group(server.port(), "Allotment group");
  const auto other = create_meeting(server.port(), "Not in the group");
  const auto spring = meeting_in(server.port(), g, "Spring");
  const auto summer = meeting_in(server.port(), g, "Summer");
  WsClient fac(server.port());
  fac.join(spring.code, "Fatima", {{"facilitator_key", spring.facilitator_key}});
  ASSERT_EQ(fac.command({{"type", "propose_agreement_item"}, {"text", "Tools back in the shed"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "consent_check"}, {"item", 1}, {"adopt", true}})["type"], "ack");
  record_with(server.port(), g, 1);

  const std::string path = "/api/groups/" + g.code;
  EXPECT_EQ(http_call(server.port(), "DELETE", path).status, 401);
  EXPECT_EQ(http_call(server.port(), "DELETE", path, "", {{"X-Group-Key", std::string(32, 'a')}}).status, 403);
  EXPECT_EQ(http_call(server.port(), "DELETE", path, "", {{"X-Group-Key", g.key}}).status, 204);
  fac.drain(200ms);
  EXPECT_TRUE(fac.closed());
  EXPECT_EQ(fac.close_code(), 4002);
  EXPECT_EQ(http_call(server.port(), "GET", path, "", {{"X-Group-Key", g.key}}).status, 404);
  for (const auto& m : {spring, summer})
    EXPECT_EQ(http_call(server.port(), "GET", "/api/meetings/" + m.code + "/qr.svg").status, 404) << m.code;
  EXPECT_EQ(http_call(server.port(), "GET", "/api/meetings/" + other.code + "/qr.svg").status, 200) << "other meetings stay";

  server.restart();
  EXPECT_EQ(http_call(server.port(), "GET", path, "", {{"X-Group-Key", g.key}}).status, 404);
  ASSERT_EQ(server.stop(), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((server.data_dir() + "/everyvoice.db").c_str(), &db), SQLITE_OK);
  for (const char* sql : {"SELECT count(*) FROM groups", "SELECT count(*) FROM group_events", "SELECT count(*) FROM meetings"}) {
    sqlite3_stmt* q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, sql, -1, &q, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(q, 0), std::string(sql).find("meetings") != std::string::npos ? 1 : 0) << sql;
    sqlite3_finalize(q);
  }
  sqlite3_close(db);
  for (const char* file : {"/everyvoice.db", "/everyvoice.db-wal"}) {
    std::ifstream in(server.data_dir() + file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(bytes.find("Tools back in the shed"), std::string::npos) << file;
    EXPECT_EQ(bytes.find("Allotment group"), std::string::npos) << file;
  }
}

// Retention: a group keeps its ended meetings for as many days as it says (its own record keeps its
// copies); the server's --retention-days applies to every meeting. Time is moved by backdating
// the stored end of a meeting, with the server stopped.
void backdate_end(const std::string& data_dir, const std::string& code, int days) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir + "/everyvoice.db").c_str(), &db), SQLITE_OK);
  const std::string sql = "UPDATE meetings SET ended_at = ended_at - " + std::to_string(std::int64_t{days} * 86'400'000) +
                          " WHERE code = '" + code + "' AND ended_at IS NOT NULL";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_changes(db), 1) << code << " has ended";
  sqlite3_close(db);
}

void end_meeting(std::uint16_t port, const CreatedMeeting& m) {
  WsClient fac(port);
  fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}});
  ASSERT_EQ(fac.command({{"type", "propose_agreement_item"}, {"text", "Kept in the group"}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "consent_check"}, {"item", 1}, {"adopt", true}})["type"], "ack");
  ASSERT_EQ(fac.command({{"type", "end_meeting"}})["type"], "ack");
}

TEST(Groups, AGroupsRetentionDeletesItsEndedMeetingsAndKeepsItsRecord) {
  ServerProcess server;
  const auto g = create_group(server.port(), "Allotment group");
  const auto old = meeting_in(server.port(), g, "Last year");
  const auto current = meeting_in(server.port(), g, "This month");
  const auto alone = create_meeting(server.port(), "On its own");
  end_meeting(server.port(), old);
  end_meeting(server.port(), alone);
  record_with(server.port(), g, 1);
  const std::string path = "/api/groups/" + g.code + "/settings";
  EXPECT_EQ(http_call(server.port(), "POST", path, R"({"retention_days": 4000})", {{"X-Group-Key", g.key}}).status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", path, R"({"retention_days": -1})", {{"X-Group-Key", g.key}}).status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", path, R"({"retention_days": 30})", {{"X-Group-Key", std::string(32, 'a')}}).status, 403);
  const auto set = http_call(server.port(), "POST", path, R"({"retention_days": 30})", {{"X-Group-Key", g.key}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(record(server.port(), g).at("retention_days"), 30);

  ASSERT_EQ(server.stop(), 0);
  backdate_end(server.data_dir(), old.code, 31);
  backdate_end(server.data_dir(), alone.code, 31);
  server.restart();  // the sweep runs at start, then hourly
  const auto qr = [&](const CreatedMeeting& m) { return http_call(server.port(), "GET", "/api/meetings/" + m.code + "/qr.svg").status; };
  for (int i = 0; i < 100 && qr(old) != 404; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(qr(old), 404) << "ended 31 days ago, the group keeps 30";
  EXPECT_EQ(qr(current), 200) << "not ended";
  EXPECT_EQ(qr(alone), 200) << "not in the group; the server keeps meetings (no --retention-days)";
  const json r = record(server.port(), g);
  EXPECT_EQ(r.at("decisions").size(), 1u) << "the group's record keeps its copy of the decision";
  EXPECT_EQ(r.at("agreement").at("items").size(), 1u);
}

TEST(Retention, TheServersRetentionDeletesMeetingsEndedLongerAgo) {
  ServerProcess server({"--retention-days=30"});
  const auto old = create_meeting(server.port(), "Old");
  const auto recent = create_meeting(server.port(), "Recent");
  end_meeting(server.port(), old);
  end_meeting(server.port(), recent);
  ASSERT_EQ(server.stop(), 0);
  backdate_end(server.data_dir(), old.code, 31);
  backdate_end(server.data_dir(), recent.code, 29);
  server.restart();
  const auto qr = [&](const CreatedMeeting& m) { return http_call(server.port(), "GET", "/api/meetings/" + m.code + "/qr.svg").status; };
  for (int i = 0; i < 100 && qr(old) != 404; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(qr(old), 404);
  EXPECT_EQ(qr(recent), 200);
}

TEST(Groups, FollowingAsksForSecretsInTheBodyOnly) {
  ServerProcess server;
  EXPECT_EQ(http_call(server.port(), "POST", "/api/ideas/follow", R"({"follow": ["nothex"]})").status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/ideas/follow", R"({"follow": "3f9c2a7e5b1d4c8e9a0b6d2f4e8c1a7b"})").status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/ideas/follow", json{{"follow", json::array()}, {"x", 1}}.dump()).status, 400);
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back(std::string(32, 'a'));
  EXPECT_EQ(http_call(server.port(), "POST", "/api/ideas/follow", json{{"follow", many}}.dump()).status, 400);
  EXPECT_EQ(http_call(server.port(), "GET", "/api/ideas/follow").status, 405);
  const auto none = http_call(server.port(), "POST", "/api/ideas/follow", json{{"follow", json::array()}}.dump());
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(json::parse(none.body).at("ideas"), json::array());
}

}  // namespace
}  // namespace everyvoice::testing
