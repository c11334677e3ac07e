// Writes golden storage data: a database made by a given server binary (an old release) through
// real WebSocket clients, and the minutes that binary gives for it. tests/integration/golden_test.cpp
// loads the data with later builds and checks that they give the same minutes.
//
//   EVERYVOICE_TEST_SERVER=/path/to/old/everyvoice ./golden_writer OUT_DIR
//
// writes OUT_DIR/data/everyvoice.db and OUT_DIR/meetings.json. OUT_DIR/data must not exist yet.
//
// Four meetings, between them every event kind of server/core/events.hpp:
//   A  "Tenants forum: budget lines" (ended): people, profiles, presence, roles, lock, hands of every
//      kind, call_next / call_speaker out of order / move / remove entry, policies, turn limit,
//      go-rounds (speak, pass, skip, completed and ended early), polls of every kind, named and
//      anonymous, every results setting, a withheld anonymous result, a cancelled poll, agenda; then
//      end_meeting with a round turn, an open poll and a proposal still running.
//   B  "Working together: ground rules" (running): agreement items (named, anonymous, consent check
//      adopt and remove, flagged), consent rounds (concern, objection, stand aside, an objection
//      withdrawn, an amended proposal; adopted, not adopted, withdrawn), written points and
//      questions, signals and their settings, hand_over, agenda item 0.
//   C  a small locked meeting with non-ASCII text, a multi-line point, a removed participant who
//      never spoke, the hybrid policy.
//   D  "Snapshot meeting: housing plan" (running), written after a restart of the server with
//      --snapshot-every=20, so that it is loaded from a stored state snapshot plus the events after
//      it; left with waiting hands, a pinned entry, an open anonymous poll with ballots, an open
//      named poll, an open objection, a current agenda item and someone away.
// A, B and C are written by one server process (default --snapshot-every: they are loaded by
// replaying every event); the server is then stopped and started again on the same folder for D.
//
// The sequence is the same on every run; codes, keys, tokens, times and the shuffled round's order
// differ. Turns last a few tens of milliseconds (real sleeps).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "../../integration/test_client.hpp"

namespace {

using namespace everyvoice::testing;
namespace fs = std::filesystem;

void nap(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

struct Person {
  std::unique_ptr<WsClient> ws;
  std::uint32_t id = 0;
  std::string name;
  std::string token;
};

// Joins and returns the person with their token.
Person join(std::uint16_t port, const std::string& code, const std::string& name, json extra = json::object()) {
  Person p;
  p.ws = std::make_unique<WsClient>(port);
  const json welcome = p.ws->join(code, name, extra);
  p.id = welcome.at("you").at("id").get<std::uint32_t>();
  p.name = name;
  p.token = welcome.at("token").get<std::string>();
  return p;
}

// Sends a command that must be accepted; returns the ack's seq.
std::uint64_t ok(Person& p, json command) {
  const json reply = p.ws->command(command);
  if (reply.value("type", "") != "ack")
    throw std::runtime_error(p.name + ": " + command.dump() + " was refused: " + reply.dump());
  return reply.at("seq").get<std::uint64_t>();
}

// The meeting's seq now (a ping is answered after every command sent before it).
std::uint64_t meeting_seq(Person& p) {
  static int n = 0;
  const std::string id = "seq-ping-" + std::to_string(++n);
  p.ws->send({{"type", "ping"}, {"id", id}});
  for (int i = 0; i < 2000; ++i) {
    auto m = p.ws->next(3s);
    if (!m) break;
    if (m->value("type", "") == "pong" && m->value("id", "") == id) return m->at("seq").get<std::uint64_t>();
  }
  throw std::runtime_error("no pong");
}

// Reads everything the connection has been sent, so that its last_seq is current.
std::uint64_t caught_up(Person& p) {
  meeting_seq(p);
  p.ws->drain(300ms);
  return p.ws->last_seq;
}

json minutes(std::uint16_t port, const std::string& code, const std::string& key) {
  const auto reply = http_call(port, "GET", "/api/meetings/" + code + "/minutes?format=json", "",
                               {{"X-Facilitator-Key", key}});
  if (reply.status != 200) throw std::runtime_error("minutes of " + code + ": HTTP " + std::to_string(reply.status));
  return json::parse(reply.body);
}

json without_time(json m) {
  m.erase("generated_at");
  return m;
}

struct Written {
  std::string label;
  CreatedMeeting created;
  std::string title;
  bool ended = false;
  std::uint64_t seq = 0;
  json facilitator;  // {"id", "name", "token"}
  json participant;  // {"id", "name", "token", "last_seq"}
  json checks = json::object();
  json minutes;
};

json who(const Person& p) { return {{"id", p.id}, {"name", p.name}, {"token", p.token}}; }

// --- A: people, the queue, go-rounds, polls; ended with things still running ----------------------
Written meeting_a(std::uint16_t port) {
  Written w;
  w.label = "A";
  w.title = "Tenants forum: budget lines";
  w.created = create_meeting(port, w.title);
  const std::string code = w.created.code;

  Person ada = join(port, code, "Ada", {{"facilitator_key", w.created.facilitator_key}, {"location", "in_room"},
                                        {"preference", "speak"}});
  Person ben = join(port, code, "Ben", {{"location", "remote"}, {"preference", "speak"}});
  Person chloe = join(port, code, "Chloé", {{"location", "in_room"}, {"preference", "write"}});
  Person dev = join(port, code, "Dev", {{"location", "remote"}, {"preference", "listen"}});
  Person eve = join(port, code, "Eve", {{"location", "in_room"}});
  Person screen = join(port, code, "Room screen", {{"role", "observer"}, {"location", "in_room"}});
  ok(ada, {{"type", "add_proxy"}, {"name", "Grace"}});
  const std::uint32_t grace = 7;
  Person finn = join(port, code, "Finn", {{"location", "remote"}});

  ok(ada, {{"type", "add_agenda_item"}, {"title", "Budget lines"}, {"timebox_minutes", 30}});
  ok(ada, {{"type", "add_agenda_item"}, {"title", "Youth projects"}, {"timebox_minutes", 20}});
  ok(ada, {{"type", "start_agenda_item"}, {"item", 1}});

  // Profiles, presence, roles, the lock.
  ok(ben, {{"type", "update_profile"}, {"location", "in_room"}, {"preference", "write"}});
  ok(ada, {{"type", "update_profile"}, {"for", grace}, {"location", "in_room"}, {"preference", "listen"}});
  ok(dev, {{"type", "set_presence"}, {"presence", "away"}});
  ok(ada, {{"type", "set_presence"}, {"for", dev.id}, {"presence", "here"}});
  ok(ada, {{"type", "set_role"}, {"participant", chloe.id}, {"role", "co_facilitator"}});
  ok(ada, {{"type", "set_locked"}, {"locked", true}});
  ok(ada, {{"type", "set_locked"}, {"locked", false}});
  ok(ada, {{"type", "set_turn_limit"}, {"seconds", 90}});
  ok(ada, {{"type", "set_policy"}, {"policy", "fifo"}});

  // Hands of every kind, a lowered hand, a moved and a removed entry, calls in and out of order.
  ok(ben, {{"type", "raise_hand"}});
  ok(dev, {{"type", "raise_hand"}, {"kind", "direct_reply"}});
  ok(eve, {{"type", "raise_hand"}, {"kind", "clarifying_question"}});
  ok(ada, {{"type", "raise_hand"}, {"for", grace}, {"kind", "point_of_process"}});
  ok(finn, {{"type", "raise_hand"}, {"kind", "new_point"}});
  ok(chloe, {{"type", "raise_hand"}});
  ok(chloe, {{"type", "lower_hand"}});
  ok(chloe, {{"type", "move_entry"}, {"participant", finn.id}, {"position", 0}, {"reason", "has to leave at 11"}});
  ok(ada, {{"type", "call_next"}});  // Finn, pinned first
  nap(90);
  ok(ada, {{"type", "call_next"}});  // Grace: point of process
  nap(40);
  ok(ada, {{"type", "remove_entry"}, {"participant", ben.id}, {"reason", "asked it in the chat instead"}});
  ok(ada, {{"type", "call_speaker"}, {"participant", dev.id}, {"reason", "direct reply to Finn's point"}});
  nap(60);
  ok(dev, {{"type", "end_turn"}});
  ok(ada, {{"type", "call_next"}});  // Eve
  nap(30);
  ok(ada, {{"type", "end_turn"}});
  ok(ada, {{"type", "call_speaker"}, {"participant", ben.id}});  // nobody waiting: in order
  nap(50);
  ok(ben, {{"type", "end_turn"}});
  ok(ada, {{"type", "set_policy"}, {"policy", "progressive"}});
  ok(ada, {{"type", "set_policy"}, {"policy", "hybrid"}});

  // The participant whose token the test resumes with; the events after this are caught up.
  w.participant = who(ben);
  w.participant["last_seq"] = caught_up(ben);

  ok(ada, {{"type", "remove_participant"}, {"participant", finn.id}});

  // A completed go-round: speak, pass, skip, and a proxy's go given by the facilitator.
  ok(ada, {{"type", "start_round"}, {"topic", "Check-in: one word"}, {"order", "join_order"}});
  ok(ada, {{"type", "round_speak"}});  // Ada is up
  nap(40);
  ok(ada, {{"type", "end_turn"}});
  ok(ben, {{"type", "round_pass"}});
  ok(ada, {{"type", "round_skip"}, {"reason", "stepped out for a call"}});  // Chloé
  ok(dev, {{"type", "round_speak"}});
  nap(30);
  ok(dev, {{"type", "end_turn"}});
  ok(eve, {{"type", "round_pass"}});
  ok(ada, {{"type", "round_speak"}});  // for Grace, the last go
  nap(30);
  ok(ada, {{"type", "end_turn"}});  // ends the round, completed
  // A shuffled round ended early; then one in quietest-first order ended early too.
  ok(ada, {{"type", "start_round"}, {"topic", "Open floor"}, {"order", "shuffled"}});
  ok(ada, {{"type", "round_pass"}});
  ok(ada, {{"type", "end_round"}});
  ok(ada, {{"type", "start_round"}, {"topic", ""}, {"order", "quietest_first"}});
  ok(ada, {{"type", "round_skip"}, {"reason", "not ready yet"}});
  ok(ada, {{"type", "end_round"}});

  // Polls of every kind, named and anonymous, every results setting.
  ok(ada, {{"type", "open_poll"}, {"question", "Which budget line first?"}, {"kind", "single_choice"},
           {"options", {"Housing", "Transport", "Youth"}}, {"decision", true}});  // 1: named, live
  ok(ben, {{"type", "vote"}, {"poll", 1}, {"choices", {0}}});
  ok(chloe, {{"type", "vote"}, {"poll", 1}, {"choices", {1}}});
  ok(dev, {{"type", "vote"}, {"poll", 1}, {"choices", {1}}});
  ok(eve, {{"type", "vote"}, {"poll", 1}, {"choices", {2}}});
  ok(ada, {{"type", "vote"}, {"poll", 1}, {"for", grace}, {"choices", {0}}});
  ok(ben, {{"type", "vote"}, {"poll", 1}, {"choices", {1}}});  // Ben changes his vote
  ok(ada, {{"type", "close_poll"}, {"poll", 1}, {"review_date", "2027-01-15"}});

  ok(ada, {{"type", "open_poll"}, {"question", "Which lines need more money?"}, {"kind", "multiple_choice"},
           {"options", {"Housing", "Transport", "Youth", "Parks"}}, {"max_choices", 2},
           {"results", "after_vote"}});  // 2: named, after_vote
  ok(ben, {{"type", "vote"}, {"poll", 2}, {"choices", {0, 3}}});
  ok(chloe, {{"type", "vote"}, {"poll", 2}, {"choices", {0}}});
  ok(dev, {{"type", "vote"}, {"poll", 2}, {"choices", {1, 0}}});
  ok(ada, {{"type", "close_poll"}, {"poll", 2}});

  ok(ada, {{"type", "open_poll"}, {"question", "Fist to five: the housing plan"}, {"preset", "fist_to_five"},
           {"results", "at_close"}});  // 3: named scale, at_close
  ok(ben, {{"type", "vote"}, {"poll", 3}, {"value", 4}});
  ok(eve, {{"type", "vote"}, {"poll", 3}, {"value", 5}});
  ok(dev, {{"type", "vote"}, {"poll", 3}, {"value", 2}});
  ok(ada, {{"type", "close_poll"}, {"poll", 3}});

  ok(ada, {{"type", "start_agenda_item"}, {"item", 2}});
  ok(ada, {{"type", "open_poll"}, {"question", "Rank the youth projects"}, {"kind", "ranked_choice"},
           {"options", {"Garden", "Studio", "Football"}}, {"results", "live"}, {"decision", true}});  // 4
  ok(ben, {{"type", "vote"}, {"poll", 4}, {"choices", {0, 1, 2}}});
  ok(chloe, {{"type", "vote"}, {"poll", 4}, {"choices", {1, 0}}});
  ok(dev, {{"type", "vote"}, {"poll", 4}, {"choices", {2, 1}}});
  ok(eve, {{"type", "vote"}, {"poll", 4}, {"choices", {0, 2}}});
  ok(ada, {{"type", "vote"}, {"poll", 4}, {"choices", {1}}});
  ok(ada, {{"type", "close_poll"}, {"poll", 4}, {"review_date", "2026-12-01"}});

  ok(ada, {{"type", "open_poll"}, {"question", "One word for today"}, {"kind", "open_text"}, {"anonymous", true},
           {"min_voters", 3}, {"decision", true}});  // 5: anonymous, shown
  ok(ben, {{"type", "vote"}, {"poll", 5}, {"text", "hopeful"}});
  ok(chloe, {{"type", "vote"}, {"poll", 5}, {"text", "tired"}});
  ok(dev, {{"type", "vote"}, {"poll", 5}, {"text", "curious"}});
  ok(eve, {{"type", "vote"}, {"poll", 5}, {"text", "hopeful"}});
  ok(ada, {{"type", "close_poll"}, {"poll", 5}});

  ok(ada, {{"type", "open_poll"}, {"question", "How safe do you feel raising problems here?"}, {"kind", "scale"},
           {"scale_min", 1}, {"scale_max", 5}, {"min_label", "not at all"}, {"max_label", "completely"},
           {"anonymous", true}, {"results", "at_close"}, {"min_voters", 5}, {"decision", true}});  // 6: withheld
  ok(ben, {{"type", "vote"}, {"poll", 6}, {"value", 2}});
  ok(eve, {{"type", "vote"}, {"poll", 6}, {"value", 4}});
  ok(ada, {{"type", "close_poll"}, {"poll", 6}});

  ok(ada, {{"type", "open_poll"}, {"question", "Lunch order"}, {"kind", "single_choice"},
           {"options", {"Soup", "Salad"}}});  // 7: cancelled
  ok(ben, {{"type", "vote"}, {"poll", 7}, {"choices", {0}}});
  ok(ada, {{"type", "cancel_poll"}, {"poll", 7}});

  ok(ada, {{"type", "open_poll"}, {"question", "Which parks first?"}, {"kind", "multiple_choice"},
           {"options", {"North", "South", "River"}}, {"anonymous", true}, {"min_voters", 2}});  // 8: anonymous multiple
  ok(ben, {{"type", "vote"}, {"poll", 8}, {"choices", {0, 2}}});
  ok(chloe, {{"type", "vote"}, {"poll", 8}, {"choices", {2}}});
  ok(ada, {{"type", "close_poll"}, {"poll", 8}});

  ok(ada, {{"type", "open_poll"}, {"question", "What is missing in the park?"}, {"kind", "open_text"},
           {"results", "after_vote"}});  // 9: named open text
  ok(ben, {{"type", "vote"}, {"poll", 9}, {"text", "more benches"}});
  ok(ada, {{"type", "vote"}, {"poll", 9}, {"for", grace}, {"text", "a ramp at the gate"}});
  ok(ada, {{"type", "close_poll"}, {"poll", 9}});

  ok(ada, {{"type", "open_poll"}, {"question", "Keep the youth budget as it is?"}, {"kind", "single_choice"},
           {"options", {"Yes", "No", "Unsure"}}, {"anonymous", true}, {"decision", true}});  // 10: anonymous single, shown
  ok(ben, {{"type", "vote"}, {"poll", 10}, {"choices", {0}}});
  ok(dev, {{"type", "vote"}, {"poll", 10}, {"choices", {0}}});
  ok(eve, {{"type", "vote"}, {"poll", 10}, {"choices", {2}}});
  ok(ada, {{"type", "close_poll"}, {"poll", 10}});

  // Still running when the meeting ends: a proposal, an open poll with a vote, a round turn.
  ok(ada, {{"type", "present_proposal"}, {"title", "Meet monthly"}, {"text", "We meet on the first Monday of each month."}});
  ok(ada, {{"type", "open_poll"}, {"question", "Next meeting's venue"}, {"kind", "single_choice"},
           {"options", {"Library", "Community hall"}}});  // 11: cancelled by end_meeting
  ok(eve, {{"type", "vote"}, {"poll", 11}, {"choices", {1}}});
  ok(ada, {{"type", "start_round"}, {"topic", "Closing round"}});
  ok(ada, {{"type", "round_speak"}});
  nap(25);
  ok(ada, {{"type", "end_meeting"}});

  w.ended = true;
  w.facilitator = who(ada);
  w.seq = meeting_seq(ada);
  (void)screen;
  return w;
}

// --- B: the agreement, consent rounds, written points, signals, hand_over ------------------------
Written meeting_b(std::uint16_t port) {
  Written w;
  w.label = "B";
  w.title = "Working together: ground rules";
  w.created = create_meeting(port, w.title);
  const std::string code = w.created.code;

  Person hana = join(port, code, "Hana", {{"facilitator_key", w.created.facilitator_key}});
  Person ivo = join(port, code, "Ivo", {{"location", "in_room"}});
  Person jun = join(port, code, "Jun");
  Person kit = join(port, code, "Kit", {{"location", "in_room"}, {"preference", "speak"}});
  Person lea = join(port, code, "Lea");
  ok(hana, {{"type", "add_proxy"}, {"name", "Moss"}, {"location", "in_room"}});
  const std::uint32_t moss = 6;

  ok(hana, {{"type", "add_agenda_item"}, {"title", "Ground rules"}, {"timebox_minutes", 15}});
  ok(hana, {{"type", "add_agenda_item"}, {"title", "Next steps"}});
  ok(hana, {{"type", "start_agenda_item"}, {"item", 1}});
  ok(hana, {{"type", "set_signal_settings"}, {"window_seconds", 60}, {"display_threshold", 2}});

  // A little speaking, so that the figures and the decision record have something in them.
  ok(kit, {{"type", "raise_hand"}});
  ok(jun, {{"type", "raise_hand"}, {"kind", "clarifying_question"}});
  ok(hana, {{"type", "call_next"}});  // Jun
  nap(40);
  ok(hana, {{"type", "call_next"}});  // Kit
  nap(70);
  ok(kit, {{"type", "end_turn"}});

  // The working together agreement.
  ok(ivo, {{"type", "propose_agreement_item"}, {"text", "We do not interrupt"}});                       // 1
  ok(jun, {{"type", "propose_agreement_item"}, {"text", "Phones on silent"}, {"anonymous", true}});       // 2
  ok(kit, {{"type", "propose_agreement_item"}, {"text", "We start on time"}});                           // 3
  ok(lea, {{"type", "propose_agreement_item"}, {"text", "Cameras are optional"}, {"anonymous", true}});  // 4
  ok(hana, {{"type", "consent_check"}, {"item", 2}});
  ok(jun, {{"type", "flag_agreement_item"}, {"item", 2}});
  ok(lea, {{"type", "flag_agreement_item"}, {"item", 2}});
  ok(hana, {{"type", "consent_check"}, {"item", 3}});
  ok(kit, {{"type", "flag_agreement_item"}, {"item", 3}});
  ok(hana, {{"type", "consent_check"}, {"item", 2}, {"adopt", false}});

  // Proposal 1 adopts agreement item 1: every phase, every answer, objections withdrawn two ways,
  // an amendment that integrates an objection, then adopted.
  ok(hana, {{"type", "present_proposal"}, {"title", "Adopt: we do not interrupt"},
            {"text", "We let each person finish before anyone speaks."}, {"agreement_item", 1}});
  ok(hana, {{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "reactions"}});  // starts a round
  ok(hana, {{"type", "round_pass"}});                                                   // Hana
  ok(ivo, {{"type", "round_speak"}});
  nap(35);
  ok(ivo, {{"type", "end_turn"}});
  ok(hana, {{"type", "end_round"}});
  ok(hana, {{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "clarifying"}});
  ok(hana, {{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "consent"}});
  ok(ivo, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}});
  ok(jun, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "concern"}, {"text", "Long speeches may need a gentle stop"}});
  ok(kit, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "objection"},
           {"text", "Points of process must be able to interrupt"}});  // objection 1
  ok(lea, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "stand_aside"}});
  ok(hana, {{"type", "answer_consent"}, {"proposal", 1}, {"for", moss}, {"answer", "consent"}, {"text", "fine by me"}});
  ok(kit, {{"type", "withdraw_objection"}, {"objection", 1}});
  ok(kit, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "objection"},
           {"text", "A point of process must still come first"}});  // objection 2
  ok(kit, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "objection"},
           {"text", "Points of process first, always"}});  // withdraws 2, opens 3
  ok(hana, {{"type", "amend_proposal"}, {"proposal", 1},
            {"text", "We let each person finish before anyone speaks, except for a point of process."}});  // integrates 3
  ok(ivo, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}});
  ok(jun, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "concern"}, {"text", "Still worried about long speeches"}});
  ok(kit, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}});
  ok(lea, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "stand_aside"}, {"text", "I was not here last time"}});
  ok(hana, {{"type", "answer_consent"}, {"proposal", 1}, {"for", moss}, {"answer", "consent"}});
  ok(hana, {{"type", "adopt_proposal"}, {"proposal", 1}, {"review_date", "2027-06-30"}});

  // The participant whose token the test resumes with.
  w.participant = who(jun);
  w.participant["last_seq"] = caught_up(jun);

  // Proposal 2: not adopted, with an objection open. Proposal 3: withdrawn.
  ok(hana, {{"type", "present_proposal"}, {"title", "Move the meeting to Tuesdays"}, {"text", "From next month we meet on Tuesdays."}});
  ok(hana, {{"type", "set_consent_phase"}, {"proposal", 2}, {"phase", "consent"}});
  ok(ivo, {{"type", "answer_consent"}, {"proposal", 2}, {"answer", "objection"}, {"text", "I work on Tuesdays"}});
  ok(lea, {{"type", "answer_consent"}, {"proposal", 2}, {"answer", "consent"}});
  ok(hana, {{"type", "close_proposal"}, {"proposal", 2}, {"reason", "no agreement yet"}});
  ok(hana, {{"type", "present_proposal"}, {"title", "Rotate the note taker"}, {"text", "Someone else takes notes each time."}});
  ok(hana, {{"type", "close_proposal"}, {"proposal", 3}, {"withdrawn", true}, {"reason", "the venue is not free on Tuesdays"}});
  // Proposal 4 removes agreement item 3 (adopted): left in the consent phase with one answer.
  ok(hana, {{"type", "present_proposal"}, {"title", "Drop: we start on time"}, {"text", "We drop the start-on-time rule."},
            {"agreement_item", 3}, {"removes_item", true}});
  ok(hana, {{"type", "set_consent_phase"}, {"proposal", 4}, {"phase", "consent"}});
  ok(kit, {{"type", "answer_consent"}, {"proposal", 4}, {"answer", "concern"}, {"text", "Then who opens the room?"}});

  // Written points and questions.
  ok(ivo, {{"type", "submit_point"}, {"text", "The heating in the hall is broken"}});                                // 1
  ok(jun, {{"type", "submit_point"}, {"kind", "question"}, {"text", "Who decides the housing list?"}, {"anonymous", true}});  // 2
  ok(kit, {{"type", "submit_point"}, {"text", "Buy more chairs"}, {"anonymous", true}});                             // 3
  ok(lea, {{"type", "submit_point"}, {"kind", "question"}, {"text", "When is the next vote?"}});                     // 4
  ok(ivo, {{"type", "upvote_point"}, {"point", 2}});
  ok(kit, {{"type", "upvote_point"}, {"point", 2}});
  ok(lea, {{"type", "upvote_point"}, {"point", 2}});
  ok(jun, {{"type", "upvote_point"}, {"point", 1}});
  ok(hana, {{"type", "set_point_status"}, {"point", 2}, {"status", "taken_up"}});
  ok(hana, {{"type", "set_point_status"}, {"point", 2}, {"status", "answered"}});
  ok(hana, {{"type", "set_point_status"}, {"point", 3}, {"status", "hidden"}, {"reason", "off topic for this meeting"}});
  ok(hana, {{"type", "set_point_status"}, {"point", 4}, {"status", "taken_up"}});

  // Signals, every kind.
  ok(jun, {{"type", "send_signal"}, {"kind", "slow_down"}});
  ok(lea, {{"type", "send_signal"}, {"kind", "slow_down"}});
  ok(kit, {{"type", "send_signal"}, {"kind", "lost"}});
  ok(ivo, {{"type", "send_signal"}, {"kind", "cant_hear"}});
  ok(jun, {{"type", "send_signal"}, {"kind", "off_topic"}});
  ok(lea, {{"type", "send_signal"}, {"kind", "need_break"}});
  ok(kit, {{"type", "send_signal"}, {"kind", "not_heard"}});
  ok(hana, {{"type", "set_signal_settings"}, {"window_seconds", 120}, {"display_threshold", 3}});

  // Facilitation handed over and back (shared), Ivo made a participant again.
  ok(hana, {{"type", "hand_over"}, {"participant", ivo.id}});
  ok(ivo, {{"type", "set_role"}, {"participant", hana.id}, {"role", "facilitator"}});
  ok(hana, {{"type", "set_role"}, {"participant", ivo.id}, {"role", "participant"}});
  ok(hana, {{"type", "set_role"}, {"participant", lea.id}, {"role", "observer"}});
  ok(hana, {{"type", "set_role"}, {"participant", lea.id}, {"role", "participant"}});

  ok(hana, {{"type", "start_agenda_item"}, {"item", 2}});
  ok(hana, {{"type", "start_agenda_item"}, {"item", 0}});  // no current item: the minutes stay still

  w.facilitator = who(hana);
  w.seq = meeting_seq(hana);
  return w;
}

// --- C: small, locked, non-ASCII text ------------------------------------------------------------
Written meeting_c(std::uint16_t port) {
  Written w;
  w.label = "C";
  w.title = "Ünïcode & edge cases: «Straße» 山田 🚲";
  w.created = create_meeting(port, w.title);
  const std::string code = w.created.code;

  Person zoe = join(port, code, "Zoë 山田", {{"facilitator_key", w.created.facilitator_key}, {"location", "in_room"}});
  Person sio = join(port, code, "Siobhán O'Brien", {{"location", "in_room"}, {"preference", "write"}});
  Person noor = join(port, code, "Noor", {{"location", "remote"}});
  Person omar = join(port, code, "Ómar \"the tall\"", {{"location", "remote"}, {"preference", "speak"}});

  w.participant = who(sio);
  w.participant["last_seq"] = caught_up(sio);

  ok(zoe, {{"type", "set_policy"}, {"policy", "hybrid"}});
  ok(omar, {{"type", "raise_hand"}});
  ok(sio, {{"type", "raise_hand"}});
  ok(zoe, {{"type", "call_next"}});
  nap(45);
  ok(zoe, {{"type", "call_next"}});
  nap(25);
  ok(zoe, {{"type", "end_turn"}});
  ok(sio, {{"type", "submit_point"}, {"text", "Zwei Zeilen:\nerste und\tzweite — ✓"}});
  ok(zoe, {{"type", "remove_participant"}, {"participant", noor.id}});
  ok(zoe, {{"type", "set_locked"}, {"locked", true}});

  w.facilitator = who(zoe);
  w.seq = meeting_seq(zoe);
  return w;
}

// --- D: a stored state snapshot, with much still running -----------------------------------------
Written meeting_d(std::uint16_t port) {
  Written w;
  w.label = "D";
  w.title = "Snapshot meeting: housing plan";
  w.created = create_meeting(port, w.title);
  const std::string code = w.created.code;

  Person pia = join(port, code, "Pia", {{"facilitator_key", w.created.facilitator_key}, {"location", "in_room"}});
  Person quinn = join(port, code, "Quinn", {{"location", "remote"}});
  Person rosa = join(port, code, "Rosa", {{"location", "in_room"}, {"preference", "speak"}});
  Person sol = join(port, code, "Sol", {{"location", "remote"}, {"preference", "listen"}});
  ok(pia, {{"type", "add_proxy"}, {"name", "Tam"}});
  const std::uint32_t tam = 5;
  Person display = join(port, code, "Hall display", {{"role", "observer"}, {"location", "in_room"}});
  ok(pia, {{"type", "set_role"}, {"participant", rosa.id}, {"role", "co_facilitator"}});
  ok(pia, {{"type", "add_agenda_item"}, {"title", "Housing plan"}, {"timebox_minutes", 45}});
  ok(pia, {{"type", "add_agenda_item"}, {"title", "Any other business"}, {"timebox_minutes", 5}});
  ok(pia, {{"type", "start_agenda_item"}, {"item", 1}});
  ok(pia, {{"type", "set_turn_limit"}, {"seconds", 120}});

  // Turns, an override, a completed round.
  ok(quinn, {{"type", "raise_hand"}});
  ok(sol, {{"type", "raise_hand"}, {"kind", "direct_reply"}});
  ok(rosa, {{"type", "call_speaker"}, {"participant", quinn.id}, {"reason", "she proposed the plan"}});
  nap(60);
  ok(rosa, {{"type", "call_next"}});  // Sol
  nap(30);
  ok(sol, {{"type", "end_turn"}});
  ok(pia, {{"type", "start_round"}, {"topic", "First thoughts"}, {"order", "quietest_first"}});
  for (int i = 0; i < 5; ++i) ok(pia, {{"type", "round_pass"}});  // everyone present passes

  // Polls: a closed named decision poll, a closed anonymous one shown.
  ok(pia, {{"type", "open_poll"}, {"question", "Build or renovate?"}, {"kind", "single_choice"},
           {"options", {"Build", "Renovate"}}, {"decision", true}});  // 1
  ok(quinn, {{"type", "vote"}, {"poll", 1}, {"choices", {1}}});
  ok(rosa, {{"type", "vote"}, {"poll", 1}, {"choices", {1}}});
  ok(sol, {{"type", "vote"}, {"poll", 1}, {"choices", {0}}});
  ok(pia, {{"type", "close_poll"}, {"poll", 1}});
  ok(pia, {{"type", "open_poll"}, {"question", "Which streets?"}, {"kind", "ranked_choice"},
           {"options", {"Elm", "Oak", "Ash", "Yew"}}, {"anonymous", true}});  // 2
  ok(quinn, {{"type", "vote"}, {"poll", 2}, {"choices", {0, 1}}});
  ok(rosa, {{"type", "vote"}, {"poll", 2}, {"choices", {1, 0, 2}}});
  ok(sol, {{"type", "vote"}, {"poll", 2}, {"choices", {2, 1}}});
  ok(pia, {{"type", "vote"}, {"poll", 2}, {"choices", {3, 1}}});
  ok(pia, {{"type", "close_poll"}, {"poll", 2}});

  // The agreement and points.
  ok(sol, {{"type", "propose_agreement_item"}, {"text", "One conversation at a time"}});
  ok(quinn, {{"type", "propose_agreement_item"}, {"text", "Assume good intent"}, {"anonymous", true}});
  ok(pia, {{"type", "consent_check"}, {"item", 1}});
  ok(quinn, {{"type", "flag_agreement_item"}, {"item", 1}});
  ok(quinn, {{"type", "submit_point"}, {"kind", "question"}, {"text", "What does it cost?"}});
  ok(sol, {{"type", "submit_point"}, {"text", "Ask the neighbours first"}, {"anonymous", true}});
  ok(rosa, {{"type", "upvote_point"}, {"point", 1}});
  ok(pia, {{"type", "set_point_status"}, {"point", 2}, {"status", "hidden"}, {"reason", "duplicate of an agenda item"}});
  ok(pia, {{"type", "set_signal_settings"}, {"window_seconds", 300}, {"display_threshold", 1}});
  ok(sol, {{"type", "send_signal"}, {"kind", "slow_down"}});

  // An adopted proposal, and one left in consent with an open objection.
  ok(pia, {{"type", "present_proposal"}, {"title", "Renovate the old school"}, {"text", "We renovate the old school first."}});
  ok(pia, {{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "consent"}});
  ok(quinn, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}});
  ok(rosa, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}});
  ok(sol, {{"type", "answer_consent"}, {"proposal", 1}, {"answer", "stand_aside"}});
  ok(pia, {{"type", "adopt_proposal"}, {"proposal", 1}});
  ok(pia, {{"type", "present_proposal"}, {"title", "Sell the car park"}, {"text", "We sell the car park to pay for it."}});
  ok(pia, {{"type", "set_consent_phase"}, {"proposal", 2}, {"phase", "consent"}});
  ok(sol, {{"type", "answer_consent"}, {"proposal", 2}, {"answer", "objection"}, {"text", "People need to park"}});
  ok(quinn, {{"type", "answer_consent"}, {"proposal", 2}, {"answer", "concern"}, {"text", "Ask the council first"}});

  w.participant = who(sol);
  w.participant["last_seq"] = caught_up(sol);

  // Left open: an anonymous scale poll with three ballots (closed by the test), a named live one.
  ok(pia, {{"type", "open_poll"}, {"question", "Fist to five: sell the car park"}, {"preset", "fist_to_five"},
           {"anonymous", true}});  // 3
  ok(quinn, {{"type", "vote"}, {"poll", 3}, {"value", 4}});
  ok(rosa, {{"type", "vote"}, {"poll", 3}, {"value", 5}});
  ok(sol, {{"type", "vote"}, {"poll", 3}, {"value", 2}});
  w.checks["close_poll"] = {{"poll", 3}, {"result", {{"voters", 3}, {"withheld", false}, {"counts", {0, 0, 1, 0, 1, 1}},
                                                     {"mean", 11.0 / 3.0}}}};
  ok(pia, {{"type", "open_poll"}, {"question", "Coffee or tea at the break?"}, {"kind", "single_choice"},
           {"options", {"Coffee", "Tea"}}});  // 4
  ok(quinn, {{"type", "vote"}, {"poll", 4}, {"choices", {1}}});
  ok(pia, {{"type", "vote"}, {"poll", 4}, {"for", tam}, {"choices", {0}}});

  // Left waiting: hands, one of them pinned; Quinn away.
  ok(sol, {{"type", "raise_hand"}});
  ok(pia, {{"type", "raise_hand"}, {"for", tam}, {"kind", "direct_reply"}});
  ok(rosa, {{"type", "raise_hand"}, {"kind", "new_point"}});
  ok(pia, {{"type", "move_entry"}, {"participant", rosa.id}, {"position", 0}, {"reason", "keeps the minutes; speaks first"}});
  ok(quinn, {{"type", "raise_hand"}, {"kind", "clarifying_question"}});
  ok(quinn, {{"type", "set_presence"}, {"presence", "away"}});
  ok(pia, {{"type", "update_profile"}, {"for", tam}, {"location", "remote"}, {"preference", "speak"}});

  w.facilitator = who(pia);
  w.seq = meeting_seq(pia);
  (void)display;
  return w;
}

json to_json(const Written& w) {
  return {{"label", w.label},
          {"code", w.created.code},
          {"facilitator_key", w.created.facilitator_key},
          {"title", w.title},
          {"ended", w.ended},
          {"seq", w.seq},
          {"facilitator", w.facilitator},
          {"participant", w.participant},
          {"checks", w.checks},
          {"minutes", w.minutes}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: EVERYVOICE_TEST_SERVER=/path/to/everyvoice " << argv[0] << " OUT_DIR\n";
    return 2;
  }
  const char* binary = std::getenv("EVERYVOICE_TEST_SERVER");
  if (!binary || !*binary) {
    std::cerr << "set EVERYVOICE_TEST_SERVER to the server binary that writes the golden data\n";
    return 2;
  }
  const fs::path out = fs::absolute(argv[1]);
  const fs::path data = out / "data";
  if (fs::exists(data)) {
    std::cerr << data << " exists already: golden data is written into a fresh folder\n";
    return 2;
  }
  fs::create_directories(out);
  const auto started = std::chrono::steady_clock::now();
  // No rate limit in the way, and nobody marked away by the server while the writer runs.
  const std::vector<std::string> common{"--commands-per-second=1000", "--command-burst=1000", "--away-grace-seconds=600"};

  try {
    std::vector<Written> meetings;
    json before_restart;
    {
      ServerProcess server(common, data.string());
      meetings.push_back(meeting_a(server.port()));
      meetings.push_back(meeting_b(server.port()));
      meetings.push_back(meeting_c(server.port()));
      for (const auto& w : meetings)
        before_restart[w.label] = without_time(minutes(server.port(), w.created.code, w.created.facilitator_key));
      if (server.stop() != 0) throw std::runtime_error("the server did not stop cleanly (first run)");
    }
    {
      std::vector<std::string> args = common;
      args.push_back("--snapshot-every=20");
      ServerProcess server(args, data.string());
      meetings.push_back(meeting_d(server.port()));
      for (auto& w : meetings) {
        w.minutes = minutes(server.port(), w.created.code, w.created.facilitator_key);
        // The binary's own reload of what it wrote must give what it gave live.
        if (before_restart.contains(w.label) && before_restart[w.label] != without_time(w.minutes))
          throw std::runtime_error("meeting " + w.label + ": the minutes changed across a restart of the same binary");
      }
      if (server.stop() != 0) throw std::runtime_error("the server did not stop cleanly (second run)");
    }

    json doc{{"about", "Golden storage data: written by tests/store/golden/golden_writer.cpp; see README.md"},
             {"meetings", json::array()}};
    for (const auto& w : meetings) doc["meetings"].push_back(to_json(w));
    std::ofstream(out / "meetings.json") << doc.dump(2) << "\n";

    bool leftovers = false;
    for (const auto& entry : fs::directory_iterator(data)) {
      if (entry.path().filename() == "everyvoice.db") continue;
      std::cerr << "left in the data folder: " << entry.path() << "\n";
      leftovers = true;
    }
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
    std::cout << "wrote " << (out / "meetings.json") << " and " << (data / "everyvoice.db") << " ("
              << fs::file_size(data / "everyvoice.db") << " bytes) in " << seconds.count() << " s\n";
    for (const auto& w : meetings)
      std::cout << "  meeting " << w.label << " " << w.created.code << ": seq " << w.seq << (w.ended ? ", ended" : "")
                << "\n";
    return leftovers ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "golden_writer: " << e.what() << "\n";
    return 1;
  }
}
