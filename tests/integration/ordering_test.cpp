// The ordering rule of PROTOCOL.md 4.2, checked for every command kind against the real binary:
//   - on the sender's connection, every event with a seq up to ack.seq has arrived (in an update or
//     a snapshot) before the ack, except count events (vote, upvote_point, flag_agreement_item,
//     send_signal), whose sections arrive within --coalesce-ms after it;
//   - on every connection, updates and snapshots come in increasing seq and each event once;
//   - a pong comes after the answers to every command sent before its ping.
// Half the commands are sent while a join is held in a batch, half in a quiet meeting, so both
// paths of the batching are covered.
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

#include "raw_socket.hpp"
#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

using namespace std::chrono_literals;

constexpr auto coalesce = 400ms;

// The highest seq of an update or snapshot among c.seen[from, until).
std::uint64_t applied_seq(const WsClient& c, std::size_t until) {
  std::uint64_t seq = 0;
  for (std::size_t i = 0; i < until; ++i) {
    const auto& m = c.seen[i];
    if (m["type"] == "update" || m["type"] == "snapshot") seq = std::max(seq, m["seq"].get<std::uint64_t>());
  }
  return seq;
}

// Updates and snapshots in increasing seq, every listed event after the previous one, none twice.
void expect_in_order(const WsClient& c, const std::string& who) {
  std::uint64_t last_view = 0, last_event = 0;
  for (const auto& m : c.seen) {
    if (m["type"] != "update" && m["type"] != "snapshot") continue;
    const auto seq = m["seq"].get<std::uint64_t>();
    EXPECT_GE(seq, last_view) << who << ": " << m["type"] << " " << seq << " after " << last_view;
    if (m["type"] == "snapshot") last_event = std::max(last_event, seq);
    for (const auto& e : m.value("events", json::array())) {
      const auto s = e["seq"].get<std::uint64_t>();
      EXPECT_GT(s, last_event) << who << ": event " << s << " (" << e["kind"] << ") after " << last_event;
      EXPECT_LE(s, seq) << who << ": event " << s << " in update " << seq;
      last_event = s;
    }
    last_view = seq;
  }
}

std::size_t index_of(const WsClient& c, const json& message) {
  for (std::size_t i = 0; i < c.seen.size(); ++i)
    if (c.seen[i] == message) return i;
  return c.seen.size();
}

class Ordering : public ::testing::Test {
 protected:
  ServerProcess server{{"--coalesce-ms=" + std::to_string(coalesce.count())}};
  CreatedMeeting m = create_meeting(server.port());
  WsClient fac{server.port()}, sam{server.port()}, ada{server.port()}, screen{server.port()};
  std::uint64_t fac_id = 0, sam_id = 0, ada_id = 0;
  std::vector<std::unique_ptr<WsClient>> joiners;  // people whose join is held while a command runs
  std::set<std::string> kinds;                       // command types checked
  int step = 0;

  void SetUp() override {
    fac_id = fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}})["you"]["id"];
    fac.expect("snapshot", 3s);
    sam_id = sam.join(m.code, "Sam")["you"]["id"];
    sam.expect("snapshot", 3s);
    ada_id = ada.join(m.code, "Ada", {{"location", "in_room"}})["you"]["id"];
    ada.expect("snapshot", 3s);
    screen.join(m.code, "Room screen", {{"role", "observer"}});
    screen.expect("snapshot", 3s);
  }

  // Sends `command` from `c` and checks the rule on its connection. Every other command is sent
  // right after a join that the batching holds (a join went out less than --coalesce-ms ago).
  json run(WsClient& c, json command, bool counts = false) {
    const std::string type = command["type"];
    SCOPED_TRACE("step " + std::to_string(step) + ": " + type);
    if (step++ % 2 == 1) {
      joiners.push_back(std::make_unique<WsClient>(server.port()));
      joiners.back()->join(m.code, "Joiner " + std::to_string(step));
      joiners.push_back(std::make_unique<WsClient>(server.port()));
      joiners.back()->join(m.code, "Joiner " + std::to_string(step) + "b");  // held: one just went out
    }
    const std::size_t before = c.seen.size();
    const std::uint64_t seq_before = applied_seq(c, before);
    const json answer = c.command(std::move(command));
    EXPECT_EQ(answer["type"], "ack") << answer.dump();
    if (answer["type"] != "ack") return answer;
    kinds.insert(type);
    const std::size_t at = index_of(c, answer);
    const auto seq = answer["seq"].get<std::uint64_t>();
    if (!counts) {
      EXPECT_GE(applied_seq(c, at), seq) << type << ": every event up to the ack's seq " << seq
                                          << " arrives before the ack (had " << seq_before << ")";
    } else {
      // The count's sections arrive within the coalesce interval, in an update at or after its seq.
      const auto deadline = std::chrono::steady_clock::now() + coalesce + 2s;
      while (applied_seq(c, c.seen.size()) < seq && std::chrono::steady_clock::now() < deadline) c.next(200ms);
      EXPECT_GE(applied_seq(c, c.seen.size()), seq) << type << ": its update follows the ack";
    }
    return answer;
  }

};

TEST_F(Ordering, EveryCommandKindGetsItsUpdateBeforeItsAckBatchedOrNot) {
  // People and the meeting.
  run(fac, {{"type", "add_proxy"}, {"name", "Grace"}});
  std::uint64_t grace_id = 0;
  for (const auto& msg : fac.seen)
    if (msg["type"] == "update")
      for (const auto& e : msg["events"])
        if (e["kind"] == "participant_joined" && e["person"]["name"] == "Grace") grace_id = e["person"]["id"];
  ASSERT_NE(grace_id, 0u);
  run(sam, {{"type", "update_profile"}, {"location", "remote"}, {"preference", "speak"}});
  run(sam, {{"type", "set_presence"}, {"presence", "away"}});
  run(fac, {{"type", "set_presence"}, {"for", sam_id}, {"presence", "here"}});
  run(fac, {{"type", "set_role"}, {"participant", ada_id}, {"role", "co_facilitator"}});
  run(fac, {{"type", "set_locked"}, {"locked", true}});
  run(fac, {{"type", "set_locked"}, {"locked", false}});
  run(fac, {{"type", "set_policy"}, {"policy", "hybrid"}});
  run(fac, {{"type", "set_policy"}, {"policy", "hybrid"}});  // changes nothing: the ack alone
  run(fac, {{"type", "set_turn_limit"}, {"seconds", 90}});

  // Agenda and the queue.
  run(ada, {{"type", "add_agenda_item"}, {"title", "Budget lines"}, {"timebox_minutes", 30}});
  run(fac, {{"type", "start_agenda_item"}, {"item", 1}});
  run(sam, {{"type", "raise_hand"}, {"kind", "new_point"}});
  run(fac, {{"type", "raise_hand"}, {"for", grace_id}, {"kind", "clarifying_question"}});
  run(fac, {{"type", "move_entry"}, {"participant", sam_id}, {"position", 0}, {"reason", "has to leave at 11"}});
  run(fac, {{"type", "call_next"}});
  run(sam, {{"type", "end_turn"}});
  run(fac, {{"type", "remove_entry"}, {"participant", grace_id}, {"reason", "asked it in the chat"}});
  run(sam, {{"type", "raise_hand"}, {"kind", "new_point"}});
  run(sam, {{"type", "lower_hand"}});
  run(fac, {{"type", "call_speaker"}, {"participant", sam_id}, {"reason", "a direct reply"}});

  // A go-round.
  run(fac, {{"type", "start_round"}, {"topic", "Check-in"}, {"order", "join_order"}});
  run(fac, {{"type", "round_speak"}});
  run(fac, {{"type", "end_turn"}});
  run(fac, {{"type", "round_skip"}, {"reason", "stepped out"}});
  run(fac, {{"type", "round_pass"}});
  run(fac, {{"type", "end_round"}});

  // Polls.
  run(fac, {{"type", "open_poll"}, {"question", "Which line first?"}, {"kind", "single_choice"},
            {"options", {"Housing", "Youth"}}, {"decision", true}});
  run(sam, {{"type", "vote"}, {"poll", 1}, {"choices", {0}}}, true);
  run(fac, {{"type", "close_poll"}, {"poll", 1}, {"review_date", "2027-01-15"}});
  run(fac, {{"type", "open_poll"}, {"question", "Second?"}, {"kind", "single_choice"}, {"options", {"A", "B"}}});
  run(fac, {{"type", "cancel_poll"}, {"poll", 2}});

  // A consent round with an objection, withdrawn, then an amendment.
  run(fac, {{"type", "present_proposal"}, {"title", "Finish first"}, {"text", "We let each person finish."}});
  run(fac, {{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "consent"}});
  run(sam, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "objection"}, {"text", "Points of process interrupt"}});
  run(sam, {{"type", "withdraw_objection"}, {"objection", 1}});
  run(fac, {{"type", "amend_proposal"}, {"proposal", 1}, {"text", "We let each person finish, except points of process."}});
  run(sam, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}});
  run(fac, {{"type", "adopt_proposal"}, {"proposal", 1}});
  run(fac, {{"type", "present_proposal"}, {"title", "Meet weekly"}, {"text", "Every Tuesday."}});
  run(fac, {{"type", "close_proposal"}, {"proposal", 2}});

  // The agreement, points and signals.
  run(sam, {{"type", "propose_agreement_item"}, {"text", "We do not interrupt"}});
  run(fac, {{"type", "consent_check"}, {"item", 1}});
  run(sam, {{"type", "flag_agreement_item"}, {"item", 1}}, true);
  run(sam, {{"type", "submit_point"}, {"text", "Ring-fence the youth budget"}});
  run(ada, {{"type", "upvote_point"}, {"point", 1}}, true);
  run(fac, {{"type", "set_point_status"}, {"point", 1}, {"status", "taken_up"}});
  run(sam, {{"type", "send_signal"}, {"kind", "slow_down"}}, true);
  run(fac, {{"type", "set_signal_settings"}, {"window_seconds", 60}, {"display_threshold", 2}});

  // Roles last: removing someone, handing over, ending.
  run(fac, {{"type", "remove_participant"}, {"participant", grace_id}});
  run(fac, {{"type", "hand_over"}, {"participant", ada_id}});
  run(ada, {{"type", "end_meeting"}});

  const std::set<std::string> every_kind = {
      "add_proxy", "update_profile", "set_presence", "set_role", "hand_over", "remove_participant", "end_meeting",
      "set_locked", "raise_hand", "lower_hand", "call_next", "call_speaker", "move_entry", "remove_entry", "end_turn",
      "set_policy", "set_turn_limit", "start_round", "round_speak", "round_pass", "round_skip", "end_round",
      "open_poll", "vote", "close_poll", "cancel_poll", "present_proposal", "set_consent_phase", "answer_consent",
      "withdraw_objection", "amend_proposal", "adopt_proposal", "close_proposal", "propose_agreement_item",
      "consent_check", "flag_agreement_item", "submit_point", "upvote_point", "set_point_status", "send_signal",
      "set_signal_settings", "add_agenda_item", "start_agenda_item"};
  EXPECT_EQ(kinds, every_kind);

  for (auto* c : {&fac, &sam, &ada, &screen}) c->drain(coalesce + 300ms);
  expect_in_order(fac, "Fatima");
  expect_in_order(sam, "Sam");
  expect_in_order(ada, "Ada");
  expect_in_order(screen, "the room screen");
  for (auto& j : joiners) {
    j->drain(50ms);
    expect_in_order(*j, "a joiner");
  }
}

// The command and the ping leave in one TCP write, so the ping is read while the command is
// still being saved.
TEST_F(Ordering, APongComesAfterTheAnswersToCommandsSentBeforeItsPing) {
  RawSocket raw(server.port());
  raw.write(upgrade_request());
  ASSERT_EQ(raw.http_head().rfind("HTTP/1.1 101", 0), 0u);
  const auto frame = [](const json& message) { return client_frame(0x81, message.dump()); };
  raw.write(frame({{"type", "join"}, {"id", "j"}, {"code", m.code}, {"name", "Raw Rita"}}));
  const auto next_with_id = [&](const std::string& id) -> json {
    for (;;) {
      const auto f = raw.frame();
      if (f.opcode == -1) return json();
      if (f.opcode != 0x1) continue;
      json j = json::parse(f.payload);
      if (std::getenv("ORDERING_DEBUG")) std::cerr << "  read " << f.payload.substr(0, 160) << "\n";
      if (j.value("id", json()) == id) return j;
      if (j.value("id", json()).is_string() && j["type"] != "welcome") return j;  // an answer out of turn
    }
  };
  ASSERT_EQ(next_with_id("j")["type"], "welcome");
  const json commands[] = {{{"type", "raise_hand"}, {"id", "c1"}, {"kind", "new_point"}},
                           {{"type", "send_signal"}, {"id", "c2"}, {"kind", "lost"}},
                           {{"type", "lower_hand"}, {"id", "c3"}},
                           {{"type", "lower_hand"}, {"id", "c4"}}};  // refused: no hand
  for (const auto& c : commands) {
    const std::string id = c["id"];
    raw.write(frame(c) + frame({{"type", "ping"}, {"id", "p-" + id}}));
    const json first = next_with_id(id);
    EXPECT_EQ(first.value("id", json()), id) << c["type"] << ": the pong overtook the command's answer: " << first.dump();
    if (first.value("id", json()) == id) {
      EXPECT_EQ(next_with_id("p-" + id)["type"], "pong");
    }
  }
}

TEST_F(Ordering, AnAckForAChangeOfNothingStillComesAfterEveryEventUpToItsSeq) {
  // A join is held; the no-op's ack carries the meeting's seq, which includes that join.
  WsClient a(server.port()), b(server.port());
  a.join(m.code, "Ama");
  b.join(m.code, "Ben");
  const json ack = fac.command({{"type", "set_locked"}, {"locked", false}});
  ASSERT_EQ(ack["type"], "ack");
  EXPECT_GE(applied_seq(fac, index_of(fac, ack)), ack["seq"].get<std::uint64_t>());
}

}  // namespace
}  // namespace everyvoice::testing

namespace everyvoice::testing {
namespace {

// Two joins to two meetings, sent at once on one connection (issue 13, item 8): before, both
// meetings added the person and the connection spoke for one of them, leaving a stray person in
// the other. Now the second is refused while the first is under way; a refused join frees the
// connection to try again.
TEST(OneConnection, TwoJoinsSentAtOnceAddOnePersonToOneMeeting) {
  ServerProcess server;
  const auto a = create_meeting(server.port(), "A");
  const auto b = create_meeting(server.port(), "B");
  RawSocket raw(server.port());
  raw.write(upgrade_request());
  ASSERT_EQ(raw.http_head().rfind("HTTP/1.1 101", 0), 0u);
  const auto frame = [](const json& message) { return client_frame(0x81, message.dump()); };
  raw.write(frame({{"type", "join"}, {"id", "ja"}, {"code", a.code}, {"name", "Dana"}}) +
            frame({{"type", "join"}, {"id", "jb"}, {"code", b.code}, {"name", "Dana"}}));
  std::map<std::string, json> answers;
  while (answers.size() < 2) {
    const auto f = raw.frame();
    ASSERT_NE(f.opcode, -1) << "both joins are answered";
    if (f.opcode != 0x1) continue;
    const json j = json::parse(f.payload);
    if (j.contains("id") && j["id"].is_string()) answers[j["id"]] = j;
  }
  EXPECT_EQ(answers["ja"]["type"], "welcome");
  EXPECT_EQ(answers["jb"]["type"], "error");
  EXPECT_EQ(answers["jb"].value("code", ""), "already_joined");

  // Nobody called Dana in meeting B: a newcomer there can take the name.
  WsClient other(server.port());
  other.join(b.code, "Dana");
  const json snap = other.expect("snapshot");
  int danas = 0;
  for (const auto& p : snap["view"]["people"]) danas += p["name"] == "Dana" ? 1 : 0;
  EXPECT_EQ(danas, 1);
}

TEST(OneConnection, ARefusedJoinLeavesTheConnectionFreeToJoinAgain) {
  ServerProcess server;
  const auto a = create_meeting(server.port(), "A");
  WsClient first(server.port());
  first.join(a.code, "Dana");
  WsClient c(server.port());
  c.send({{"type", "join"}, {"id", "j1"}, {"code", a.code}, {"name", "Dana"}});
  EXPECT_EQ(c.answer_to("j1")["code"], "name_taken");
  const json w = c.join(a.code, "Dana B");
  EXPECT_EQ(w["type"], "welcome");
  c.send({{"type", "resume"}, {"id", "r1"}, {"code", a.code}, {"token", "00000000000000000000000000000000"}, {"last_seq", 0}});
  EXPECT_EQ(c.answer_to("r1")["code"], "already_joined");
}

}  // namespace
}  // namespace everyvoice::testing
