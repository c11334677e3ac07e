// A meeting run over real WebSockets against the real server binary.
#include <gtest/gtest.h>

#include <thread>

#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

// The queue section of the newest update or snapshot a client has seen.
json latest_queue(const WsClient& c) {
  for (auto it = c.seen.rbegin(); it != c.seen.rend(); ++it) {
    if ((*it)["type"] == "update") return (*it)["queue"];
    if ((*it)["type"] == "snapshot") return (*it)["view"]["queue"];
  }
  return json::array();
}

std::vector<int> order_of(const json& queue) {
  std::vector<int> ids;
  for (const auto& e : queue) ids.push_back(e["participant"].get<int>());
  return ids;
}

// Reads updates until one carries an event of `kind`; returns that update.
json update_with(WsClient& c, const std::string& kind) {
  for (int i = 0; i < 50; ++i) {
    json u = c.expect("update");
    for (const auto& e : u["events"])
      if (e["kind"] == kind) return u;
  }
  throw std::runtime_error("no update with " + kind);
}

class LiveMeeting : public ::testing::Test {
 protected:
  ServerProcess server{{"--away-grace-seconds=1"}};
  CreatedMeeting meeting = create_meeting(server.port(), "Tenants' forum");
};

TEST_F(LiveMeeting, ProgressiveOrderWithReasonsReachesEveryClientAndCallNextIsBroadcast) {
  WsClient fac(server.port());
  const json fw = fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  EXPECT_EQ(fw["you"]["role"], "facilitator");
  EXPECT_EQ(fw["audience"], "facilitator");
  EXPECT_EQ(fac.expect("snapshot")["view"]["meeting"]["title"], "Tenants' forum");

  WsClient pat(server.port()), quinn(server.port()), rae(server.port());
  const int pat_id = pat.join(meeting.code, "Pat")["you"]["id"];
  const int quinn_id = quinn.join(meeting.code, "Quinn", {{"location", "in_room"}})["you"]["id"];
  const int rae_id = rae.join(meeting.code, "Rae")["you"]["id"];
  for (auto* c : {&pat, &quinn, &rae}) c->expect("snapshot");

  // Pat speaks first, so Pat has a history when the three raise their hands.
  EXPECT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");
  EXPECT_EQ(fac.command({{"type", "call_next"}})["type"], "ack");
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(pat.command({{"type", "end_turn"}})["type"], "ack");

  EXPECT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");
  EXPECT_EQ(quinn.command({{"type", "raise_hand"}})["type"], "ack");
  EXPECT_EQ(rae.command({{"type", "raise_hand"}, {"kind", "new_point"}})["type"], "ack");

  // Every client, facilitator included, sees the same order and the same reasons.
  for (auto* c : {&fac, &pat, &quinn, &rae}) {
    c->drain();
    const json q = latest_queue(*c);
    ASSERT_EQ(order_of(q), (std::vector<int>{quinn_id, rae_id, pat_id})) << q.dump();
    EXPECT_EQ(q[0]["reason_code"], "not_spoken_yet");
    EXPECT_EQ(q[0]["reason"], "has not spoken yet");
    EXPECT_EQ(q[2]["reason_code"], "spoken_before");
    EXPECT_EQ(q[2]["reason"], "1 turn so far, 1 s");
  }

  // The facilitator calls the next person: every client receives the turn, before the ack.
  fac.send({{"type", "call_next"}, {"id", "next-1"}});
  const json update = update_with(fac, "turn_started");
  EXPECT_EQ(update["turn"]["participant"], quinn_id);
  EXPECT_EQ(fac.answer_to("next-1")["type"], "ack");
  for (auto* c : {&pat, &quinn, &rae}) {
    const json u = update_with(*c, "turn_started");
    EXPECT_EQ(u["turn"]["participant"], quinn_id);
    EXPECT_EQ(order_of(u["queue"]), (std::vector<int>{rae_id, pat_id}));
  }
}

// The video call's link reaches facilitators and participants, never the room display, and never
// the server's log, even at debug level; the minutes leave it out.
TEST(CallLink, ReachesPeopleButNotTheRoomDisplayTheLogOrTheMinutes) {
  ServerProcess server({"--log-level=debug"}, "", true);
  const auto meeting = create_meeting(server.port(), "Hybrid forum");
  const std::string link = "https://meet.example.org/hybrid-forum?pwd=s3cret-call";
  WsClient fac(server.port()), pat(server.port()), room(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  pat.join(meeting.code, "Pat");
  room.join(meeting.code, "Room display", {{"role", "observer"}, {"location", "in_room"}});
  EXPECT_EQ(pat.command({{"type", "set_call_link"}, {"link", link}})["code"], "not_allowed");
  EXPECT_EQ(fac.command({{"type", "set_call_link"}, {"link", "http://meet.example.org/x"}})["code"], "invalid_argument");
  ASSERT_EQ(fac.command({{"type", "set_call_link"}, {"link", link}})["type"], "ack");
  // What each has seen of the meeting settings (a join held in a batch may bring them in its snapshot).
  const auto settle = [](WsClient& c) {
    json meeting;
    std::string everything;
    while (auto m = c.next(300ms)) {
      everything += m->dump();
      if ((*m)["type"] == "snapshot") meeting = (*m)["view"]["meeting"];
      if ((*m)["type"] == "update" && m->contains("meeting")) meeting = (*m)["meeting"];
    }
    return std::make_pair(meeting, everything);
  };
  EXPECT_EQ(settle(pat).first.value("call_link", ""), link);
  const auto [on_screen, all_on_screen] = settle(room);
  EXPECT_FALSE(on_screen.contains("call_link")) << on_screen.dump();
  EXPECT_EQ(all_on_screen.find("s3cret"), std::string::npos);
  EXPECT_TRUE(on_screen.contains("title")) << "the display has the meeting settings: " << all_on_screen.substr(0, 300);
  WsClient late(server.port());
  EXPECT_EQ(late.join(meeting.code, "Lee")["type"], "welcome");
  EXPECT_EQ(late.expect("snapshot")["view"]["meeting"]["call_link"], link);
  const auto md = http_call(server.port(), "GET", "/api/meetings/" + meeting.code + "/minutes?format=json", "",
                            {{"X-Facilitator-Key", meeting.facilitator_key}});
  ASSERT_EQ(md.status, 200);
  EXPECT_EQ(md.body.find("s3cret"), std::string::npos) << "not in the minutes";
  fac.close();
  pat.close();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_NE(server.log().find("meeting 1 created"), std::string::npos) << "the log is read:\n" << server.log();
  EXPECT_EQ(server.log().find("s3cret"), std::string::npos) << server.log();
}

TEST_F(LiveMeeting, OnlyFacilitatorsReceiveFiguresAndPreferences) {
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  WsClient pat(server.port()), display(server.port());
  pat.join(meeting.code, "Pat", {{"preference", "listen"}});
  display.join(meeting.code, "Room display", {{"role", "observer"}});
  const json ps = pat.expect("snapshot");
  EXPECT_FALSE(ps["view"].contains("figures"));
  for (const auto& person : ps["view"]["people"]) EXPECT_FALSE(person.contains("preference"));
  EXPECT_EQ(display.expect("snapshot")["view"].contains("figures"), false);

  const json figures = fac.expect("figures");
  bool pat_not_spoken = false;
  for (const auto& id : figures["figures"]["not_spoken"]) pat_not_spoken |= id == 2;
  EXPECT_TRUE(pat_not_spoken);
  for (const auto& m : pat.seen) EXPECT_NE(m["type"], "figures");
  for (const auto& m : display.seen) EXPECT_NE(m["type"], "figures");
}

TEST_F(LiveMeeting, ClientThatDropsAndResumesKeepsItsPlaceAndGetsWhatItMissed) {
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  std::string token;
  int pat_id = 0;
  std::uint64_t seen_seq = 0;
  WsClient quinn(server.port());
  const int quinn_id = quinn.join(meeting.code, "Quinn")["you"]["id"];
  {
    WsClient pat(server.port());
    const json w = pat.join(meeting.code, "Pat");
    token = w["token"];
    pat_id = w["you"]["id"];
    pat.expect("snapshot");
    EXPECT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");
    pat.silent_for(200ms);
    seen_seq = pat.last_seq;
    pat.drop();
  }
  // While Pat is gone: Quinn raises a hand and the facilitator changes the policy.
  EXPECT_EQ(quinn.command({{"type", "raise_hand"}})["type"], "ack");
  EXPECT_EQ(fac.command({{"type", "set_policy"}, {"policy", "fifo"}})["type"], "ack");
  // Past the grace period Pat is marked away, but keeps the hand.
  json away;
  for (int i = 0; i < 10 && away.is_null(); ++i) {
    const json u = fac.expect("update");
    for (const auto& e : u["events"])
      if (e["kind"] == "presence_changed" && e["person"]["id"] == pat_id) away = e;
  }
  EXPECT_EQ(away["person"]["presence"], "away");

  WsClient back(server.port());
  const json w = back.resume(meeting.code, token, seen_seq);
  EXPECT_EQ(w["you"]["id"], pat_id);
  EXPECT_FALSE(w.contains("token"));
  const json missed = back.expect("update");
  std::vector<std::string> kinds;
  for (const auto& e : missed["events"]) kinds.push_back(e["kind"]);
  EXPECT_EQ(missed["events"][0]["seq"], seen_seq + 1);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "hand_raised"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "policy_changed"), kinds.end());
  EXPECT_EQ(missed["meeting"]["policy"], "fifo");
  EXPECT_EQ(order_of(missed["queue"]), (std::vector<int>{pat_id, quinn_id}));  // first hand, first place

  // Coming back makes Pat present again, for everyone.
  const json here = update_with(fac, "presence_changed");
  EXPECT_EQ(here["events"][0]["person"]["presence"], "here");
  EXPECT_EQ(back.command({{"type", "lower_hand"}})["type"], "ack");
}

TEST_F(LiveMeeting, ResumeFromBeyondTheHistoryGetsASnapshot) {
  ServerProcess small{{"--history-events=2"}};
  const auto m = create_meeting(small.port());
  WsClient fac(small.port());
  fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}});
  WsClient pat(small.port());
  const json w = pat.join(m.code, "Pat");
  pat.drop();
  for (const char* p : {"fifo", "hybrid", "progressive", "fifo"})
    EXPECT_EQ(fac.command({{"type", "set_policy"}, {"policy", p}})["type"], "ack");
  WsClient back(small.port());
  back.resume(m.code, w["token"], w["seq"]);
  const json snap = back.expect("snapshot");
  EXPECT_EQ(snap["view"]["meeting"]["policy"], "fifo");
}

TEST_F(LiveMeeting, RemovedParticipantIsDisconnectedWith4001AndCannotResume) {
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  WsClient pat(server.port());
  const json w = pat.join(meeting.code, "Pat");
  EXPECT_EQ(fac.command({{"type", "remove_participant"}, {"participant", w["you"]["id"]}})["type"], "ack");
  for (int i = 0; i < 20 && !pat.closed(); ++i) pat.next(200ms);
  EXPECT_TRUE(pat.closed());
  EXPECT_EQ(pat.close_code(), 4001);
  WsClient again(server.port());
  EXPECT_THROW(again.resume(meeting.code, w["token"], 0), std::runtime_error);
  EXPECT_EQ(again.seen.back()["code"], "bad_token");
}

TEST_F(LiveMeeting, RoleChangeMovesAConnectionToTheFacilitatorView) {
  WsClient fac(server.port());
  fac.join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
  WsClient pat(server.port());
  const int pat_id = pat.join(meeting.code, "Pat")["you"]["id"];
  pat.expect("snapshot");
  EXPECT_EQ(pat.command({{"type", "call_next"}})["code"], "not_allowed");
  EXPECT_EQ(fac.command({{"type", "set_role"}, {"participant", pat_id}, {"role", "co_facilitator"}})["type"], "ack");
  const json snap = pat.expect("snapshot");
  EXPECT_TRUE(snap["view"].contains("figures"));
  EXPECT_EQ(pat.command({{"type", "raise_hand"}})["type"], "ack");
}

TEST_F(LiveMeeting, ShutdownClosesClientsWithGoingAwayAndExitsCleanly) {
  WsClient pat(server.port());
  pat.join(meeting.code, "Pat");
  EXPECT_EQ(server.stop(), 0);
  for (int i = 0; i < 20 && !pat.closed(); ++i) pat.next(200ms);
  EXPECT_TRUE(pat.closed());
  EXPECT_EQ(pat.close_code(), 1001);
}

TEST_F(LiveMeeting, HttpServesHealthMetricsAndStaticFilesButNotOutsideTheFolder) {
  EXPECT_EQ(http_call(server.port(), "GET", "/healthz").status, 200);
  const auto metrics = http_call(server.port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("everyvoice_meetings 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("everyvoice_slow_client_snapshots_total"), std::string::npos);
  const auto index = http_call(server.port(), "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(http_call(server.port(), "GET", "/../CMakeLists.txt").status, 404);
  EXPECT_EQ(http_call(server.port(), "GET", "/%2e%2e/CMakeLists.txt").status, 404);
  EXPECT_EQ(http_call(server.port(), "GET", "/.git/config").status, 404);
  EXPECT_EQ(http_call(server.port(), "GET", "/api/meetings").status, 405);
  const auto qr = http_call(server.port(), "GET", "/api/meetings/" + meeting.code + "/qr.svg");
  EXPECT_EQ(qr.status, 200);
  EXPECT_EQ(qr.content_type, "image/svg+xml");
  EXPECT_NE(qr.body.find("<svg"), std::string::npos);
  EXPECT_EQ(http_call(server.port(), "GET", "/api/meetings/ZZZZZZ/qr.svg").status, 404);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/meetings", "{\"title\": 5}").status, 400);
  EXPECT_EQ(http_call(server.port(), "POST", "/api/meetings", "{}", {{"Origin", "https://evil.example"}}).status, 403);
}

}  // namespace
}  // namespace everyvoice::testing
