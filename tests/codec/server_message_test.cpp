// Encoding server messages (server/codec/server_message.hpp): a core meeting is driven as the server
// drives it, and the JSON each audience would receive is parsed and checked.
#include "codec/server_message.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "../core/meeting_fixture.hpp"

namespace everyvoice::codec {
namespace {

using nlohmann::json;
using namespace everyvoice::core;

constexpr const char* meeting_code = "K7MQ4T";
const Audience audiences[] = {Audience::participant, Audience::facilitator, Audience::display};

class ServerMessageTest : public testing::MeetingFixture {
 protected:
  ParticipantId fac = 0, sam = 0, ada = 0, screen = 0;
  std::vector<Stamped> last;  // the events of the last command

  void SetUp() override {
    ASSERT_TRUE(run_events({MeetingOpened{"Budget: who decides?"}}));
    fac = join_as("Fatima", Role::facilitator, Location::in_room, Preference::speak);
    sam = join_as("Sam", Role::participant, Location::remote, Preference::listen);
    ada = join_as("Ada", Role::participant, Location::in_room, Preference::write);
    screen = join_as("Room screen", Role::observer, Location::in_room, Preference::none);
  }

  bool run_events(std::vector<Event> events) {
    last = stamp(state, std::move(events), now);
    for (const auto& e : last) apply(state, e);
    log.insert(log.end(), last.begin(), last.end());
    return true;
  }
  ParticipantId join_as(const std::string& name, Role role, Location where, Preference preference) {
    Handled h = run(server_actor, Join{name, role, where, preference});
    EXPECT_TRUE(h.accepted());
    last = h.events;
    return static_cast<ParticipantId>(state.participants.size());
  }
  void cmd(ParticipantId actor, const Command& command) {
    Handled h = run(actor, command);
    ASSERT_TRUE(h.accepted()) << h.rejection->message;
    last = h.events;
  }

  json snapshot(Audience a) { return json::parse(encode_snapshot(state, meeting_code, a, now)); }
  // The update of the last command as the room sends it: the sections its events touched.
  json update(Audience a) {
    std::uint32_t sections = 0;
    std::size_t new_decisions = 0;
    for (const auto& e : last) {
      sections |= sections_of(e.event);
      new_decisions += std::holds_alternative<DecisionRecorded>(e.event) ? 1 : 0;
    }
    return json::parse(encode_update(state, last, a, now, sections, new_decisions));
  }
  // A catch-up update after resume: every section.
  json update_of(const std::vector<Stamped>& events, Audience a) {
    std::size_t new_decisions = 0;
    for (const auto& e : events) new_decisions += std::holds_alternative<DecisionRecorded>(e.event) ? 1 : 0;
    return json::parse(encode_update(state, events, a, now, all_sections, new_decisions));
  }
  static const json& person_in(const json& people, ParticipantId id) {
    for (const auto& p : people)
      if (p.at("id") == id) return p;
    static const json none;
    ADD_FAILURE() << "no person " << id;
    return none;
  }
};

// --- snapshots per audience ---

TEST_F(ServerMessageTest, SnapshotShowsFacilitatorsEverythingAndOthersNoFigures) {
  speak(fac, sam, 45'000);
  for (Audience a : audiences) {
    SCOPED_TRACE(std::string(everyvoice::codec::audience_name(a)));
    const json s = snapshot(a);
    EXPECT_EQ(s.at("type"), "snapshot");
    EXPECT_EQ(s.at("seq").get<Seq>(), state.seq);
    EXPECT_EQ(s.at("now").get<Millis>(), now);
    const json& view = s.at("view");
    json meeting{{"code", meeting_code}, {"title", "Budget: who decides?"}, {"locked", false}, {"ended", false},
                 {"policy", "progressive"}, {"turn_limit_seconds", 0}, {"points_shown", 0}, {"points_moderated", false}, {"people_count", 3}, {"language", "en"}, {"started", true}};
    if (a != Audience::display) meeting["call_link"] = "";  // the video call's link: never on the room display
    EXPECT_EQ(view.at("meeting"), meeting);
    for (const char* section : {"meeting", "people", "queue", "turn", "round", "polls", "proposals", "decisions",
                                "decisions_chain_ok", "agreement", "points", "signals", "agenda"})
      EXPECT_TRUE(view.contains(section)) << section;
    EXPECT_EQ(view.at("people_complete"), true);
    ASSERT_EQ(view.at("people").size(), 4u);
    const json& s_person = person_in(view.at("people"), sam);
    EXPECT_EQ(s_person.at("name"), "Sam");
    EXPECT_EQ(s_person.at("role"), "participant");
    EXPECT_EQ(s_person.at("location"), "remote");
    EXPECT_EQ(s_person.at("presence"), "here");
    EXPECT_EQ(s_person.at("proxy"), false);
    EXPECT_EQ(person_in(view.at("people"), screen).at("role"), "observer");
    if (a == Audience::facilitator) {
      EXPECT_EQ(s_person.at("preference"), "listen");
      EXPECT_EQ(s_person.at("turns"), 1);
      EXPECT_EQ(s_person.at("spoken_ms"), 45'000);
      ASSERT_TRUE(view.contains("figures"));
      const json& f = view.at("figures");
      EXPECT_EQ(f.at("total_spoken_ms"), 45'000);
      EXPECT_EQ(f.at("not_spoken"), (json{ada}));
      EXPECT_TRUE(f.at("gini").is_number());
      EXPECT_TRUE(f.at("top_fifth_share").is_number());
      EXPECT_EQ(f.at("in_room").at("people"), 2);
      EXPECT_EQ(f.at("remote").at("people"), 1);
      EXPECT_EQ(f.at("remote").at("spoken_ms"), 45'000);
      ASSERT_EQ(f.at("overrides").size(), 0u);
      EXPECT_EQ(view.size(), 15u);
    } else {
      EXPECT_FALSE(s_person.contains("preference"));
      EXPECT_FALSE(s_person.contains("turns"));
      EXPECT_FALSE(s_person.contains("spoken_ms"));
      EXPECT_FALSE(view.contains("figures"));
      EXPECT_EQ(view.size(), 14u);
      for (const auto& p : view.at("people")) EXPECT_EQ(p.size(), 6u) << p.dump();
    }
  }
}

TEST_F(ServerMessageTest, RemovedPeopleAreNotInThePeopleList) {
  cmd(fac, RemoveParticipant{ada});
  for (Audience a : audiences) {
    const json people = snapshot(a).at("view").at("people");
    EXPECT_EQ(people.size(), 3u);
    for (const auto& p : people) EXPECT_NE(p.at("id"), ada);
  }
}

// A meeting of more than people_listed_max people: a phone or the room display gets the
// facilitators only, and every section names the people it refers to; facilitators get everyone.
// Removing people brings the list back (the count is of people not removed).
TEST_F(ServerMessageTest, ABigMeetingSendsPhonesAndDisplaysTheFacilitatorsAndTheNames) {
  const ParticipantId co = join_as("Chen", Role::co_facilitator, Location::remote, Preference::none);
  while (state.participants.size() < people_listed_max) join_as("Person " + std::to_string(state.participants.size() + 1), Role::participant, Location::remote, Preference::none);
  for (Audience a : audiences) EXPECT_EQ(snapshot(a).at("view").at("people_complete"), true) << "at " << people_listed_max;
  const ParticipantId late = join_as("Zeynep", Role::participant, Location::in_room, Preference::none);
  EXPECT_EQ(update(Audience::participant).at("meeting").at("people_count"), people_listed_max);  // displays not counted
  // Phones and displays are not told of a join they would not list (in a join storm of N people
  // each phone would hear of every join: O(N^2) bytes), only of the count; facilitators are.
  EXPECT_TRUE(update(Audience::participant).at("events").empty());
  EXPECT_TRUE(update(Audience::display).at("events").empty());
  EXPECT_EQ(update(Audience::facilitator).at("events").at(0).at("kind"), "participant_joined");
  cmd(late, UpdateProfile{late, Location::remote, Preference::write});
  EXPECT_TRUE(update(Audience::participant).at("events").empty());
  cmd(co, UpdateProfile{co, Location::in_room, Preference::speak});
  EXPECT_EQ(update(Audience::participant).at("events").at(0).at("person").at("location"), "in_room")
      << "a facilitator, whom phones do list, is told of";
  cmd(late, UpdateProfile{late, Location::in_room, Preference::none});
  cmd(late, RaiseHand{late, HandKind::new_point});
  cmd(fac, CallSpeaker{sam, "to open"});
  cmd(ada, SubmitPoint{PointKind::question, "Where is the money going?", false});
  for (Audience a : audiences) EXPECT_EQ(snapshot(a).at("view").at("turn").at("name"), "Sam");
  cmd(fac, StartRound{"One word", RoundOrder::join_order});
  for (Audience a : audiences) {
    SCOPED_TRACE(std::string(audience_name(a)));
    const json view = snapshot(a).at("view");
    EXPECT_EQ(view.at("meeting").at("people_count"), people_listed_max);
    if (a == Audience::facilitator) {
      EXPECT_EQ(view.at("people_complete"), true);
      EXPECT_EQ(view.at("people").size(), people_listed_max + 1);
      // The figures leave out the rows of zeros: only Sam, who had the floor, is listed.
      const json& f = view.at("figures");
      EXPECT_EQ(f.at("people_complete"), false);
      ASSERT_EQ(f.at("people").size(), 1u);
      EXPECT_EQ(f.at("people")[0].at("participant"), sam);
      EXPECT_EQ(f.at("not_spoken").size(), people_listed_max - 2);  // not Fatima (facilitator), not Sam
      EXPECT_EQ(json::parse(encode_figures(state, now)).at("figures"), f);
    } else {
      EXPECT_EQ(view.at("people_complete"), false);
      std::vector<ParticipantId> listed;
      for (const auto& p : view.at("people")) listed.push_back(p.at("id").get<ParticipantId>());
      EXPECT_EQ(listed, (std::vector<ParticipantId>{fac, co}));
    }
    EXPECT_EQ(view.at("queue").at(0).at("name"), "Zeynep");
    EXPECT_EQ(view.at("queue").at(0).at("location"), "in_room");
    EXPECT_EQ(view.at("points").at(0).at("author_name"), "Ada");
    const json& round = view.at("round");
    ASSERT_EQ(round.at("names").size(), round.at("order").size());
    for (std::size_t i = 0; i < round.at("order").size(); ++i)
      EXPECT_EQ(round.at("names")[i], state.participants[round.at("order")[i].get<ParticipantId>() - 1].name);
  }
  cmd(fac, RemoveParticipant{late});
  for (Audience a : audiences) EXPECT_EQ(snapshot(a).at("view").at("people_complete"), true);
  EXPECT_EQ(snapshot(Audience::facilitator).at("view").at("figures").at("people_complete"), true);
  EXPECT_EQ(snapshot(Audience::facilitator).at("view").at("figures").at("people").size(), people_listed_max - 1);  // not the display
}

// Moderated points: a pending point is whole for facilitators, a stub without text or author for
// participants (its author's page shows it waiting), and absent from the room display.
TEST_F(ServerMessageTest, APendingPointIsAStubForParticipantsAndAbsentFromTheDisplay) {
  cmd(fac, SetPointsModerated{true});
  EXPECT_EQ(update(Audience::display).at("events")[0], (json{{"seq", state.seq}, {"at", now}, {"kind", "points_moderation_changed"}, {"moderated", true}}));
  EXPECT_EQ(update(Audience::participant).at("meeting").at("points_moderated"), true);
  cmd(ada, SubmitPoint{PointKind::question, "Can we meet later?", false});
  const json full = snapshot(Audience::facilitator).at("view").at("points").at(0);
  EXPECT_EQ(full.at("status"), "pending");
  EXPECT_EQ(full.at("text"), "Can we meet later?");
  EXPECT_EQ(full.at("author_name"), "Ada");
  EXPECT_EQ(snapshot(Audience::participant).at("view").at("points"),
            (json{{{"id", 1}, {"kind", "question"}, {"text", ""}, {"author", nullptr}, {"status", "pending"}, {"upvotes", 0}, {"at", now}}}));
  EXPECT_EQ(update(Audience::participant).at("points").at(0).at("text"), "");
  EXPECT_EQ(snapshot(Audience::display).at("view").at("points"), json::array());
  EXPECT_EQ(update(Audience::display).dump().find("meet later"), std::string::npos);
  cmd(fac, SetPointStatus{1, PointStatus::open, ""});  // approved: everyone sees it
  for (Audience a : audiences) EXPECT_EQ(update(a).at("points").at(0).at("text"), "Can we meet later?") << audience_name(a);
}

// A proposal prepared in advance is in the facilitators' view only (marked presented: false); the
// others get the event's number only, and the proposal itself once it is presented.
TEST_F(ServerMessageTest, ADraftProposalIsForFacilitatorsUntilPresented) {
  cmd(fac, PresentProposal{"Rotate the note-taker", "Each meeting, someone new.", 0, false, true});
  EXPECT_EQ(update(Audience::participant).at("events")[0],
            (json{{"seq", state.seq}, {"at", now}, {"kind", "proposal_drafted"}, {"proposal", 1}}));
  const json draft = snapshot(Audience::facilitator).at("view").at("proposals").at(0);
  EXPECT_EQ(draft.at("phase"), "draft");
  EXPECT_EQ(draft.at("presented"), false);
  for (Audience a : {Audience::participant, Audience::display}) {
    EXPECT_EQ(snapshot(a).at("view").at("proposals"), json::array()) << audience_name(a);
    EXPECT_EQ(update(a).dump().find("note-taker"), std::string::npos) << audience_name(a);
  }
  cmd(fac, PresentDraftProposal{1});
  EXPECT_EQ(update(Audience::participant).at("events")[0].at("kind"), "proposal_presented");
  for (Audience a : audiences) {
    const json p = snapshot(a).at("view").at("proposals").at(0);
    EXPECT_EQ(p.at("phase"), "clarifying") << audience_name(a);
    EXPECT_FALSE(p.contains("presented")) << audience_name(a);
  }
}

// An anonymous point or agreement item carries no author's name.
TEST_F(ServerMessageTest, AnonymousPointsAndAgreementItemsCarryNoName) {
  cmd(ada, SubmitPoint{PointKind::question, "Who pays?", true});
  cmd(sam, ProposeAgreementItem{"No phones", true});
  for (Audience a : audiences) {
    const json view = snapshot(a).at("view");
    EXPECT_FALSE(view.at("points").at(0).contains("author_name"));
    EXPECT_FALSE(view.at("agreement").at(0).contains("author_name"));
    EXPECT_EQ(view.dump().find("\"Ada\"", view.dump().find("\"points\"")), std::string::npos) << "Ada's name only in people";
  }
}

// --- the queue section ---

TEST_F(ServerMessageTest, QueueEntriesCarryAReasonCodeAndASentence) {
  speak(fac, sam, 190'000);  // 3 min 10 s
  advance(1'000);
  cmd(sam, RaiseHand{sam, HandKind::new_point});
  advance(1'000);
  cmd(ada, RaiseHand{ada, HandKind::new_point});
  advance(1'000);
  cmd(fac, RaiseHand{fac, HandKind::direct_reply});
  for (Audience a : audiences) {
    SCOPED_TRACE(std::string(everyvoice::codec::audience_name(a)));
    const json q = snapshot(a).at("view").at("queue");
    ASSERT_EQ(q.size(), 3u);
    EXPECT_EQ(q[0], (json{{"participant", fac}, {"name", "Fatima"}, {"location", "in_room"}, {"proxy", false}, {"kind", "direct_reply"}, {"position", 0}, {"reason_code", "direct_reply"},
                          {"reason", "direct reply goes before new points; has not spoken yet"}, {"raised_at", now},
                          {"away", false}, {"turns", 0}}));
    EXPECT_EQ(q[1].at("participant"), ada);
    EXPECT_EQ(q[1].at("reason_code"), "not_spoken_yet");
    EXPECT_EQ(q[1].at("reason"), "has not spoken yet");
    EXPECT_EQ(q[1].at("position"), 1);
    EXPECT_EQ(q[2].at("participant"), sam);
    EXPECT_EQ(q[2].at("reason_code"), "spoken_before");
    EXPECT_EQ(q[2].at("reason"), "1 turn so far, 3 min 10 s");
    EXPECT_EQ(q[2].at("raised_at"), now - 2'000);
  }
  // The same queue in every update.
  EXPECT_EQ(update(Audience::participant).at("queue"), snapshot(Audience::participant).at("view").at("queue"));
}

TEST_F(ServerMessageTest, QueueReasonsForMovedAwayPointOfProcessAndFifo) {
  cmd(sam, RaiseHand{sam, HandKind::new_point});
  advance(1'000);
  cmd(ada, RaiseHand{ada, HandKind::clarifying_question});
  advance(1'000);
  cmd(fac, RaiseHand{fac, HandKind::point_of_process});
  cmd(fac, MoveEntry{sam, 0, "has to leave at 11"});
  cmd(ada, SetPresence{ada, Presence::away});
  json q = snapshot(Audience::participant).at("view").at("queue");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0].at("participant"), sam);
  EXPECT_EQ(q[0].at("reason_code"), "moved_by_facilitator");
  EXPECT_EQ(q[0].at("reason"), "moved by the facilitator: has to leave at 11");
  EXPECT_EQ(q[1].at("reason_code"), "point_of_process");
  EXPECT_EQ(q[1].at("reason"), "point of process goes first");
  EXPECT_EQ(q[2].at("reason_code"), "clarifying_question");
  EXPECT_EQ(q[2].at("away"), true);
  EXPECT_EQ(q[2].at("reason"),
            "clarifying question goes before replies and new points; has not spoken yet (away: passed over until back)");

  cmd(fac, SetPolicy{QueuePolicy::fifo});
  cmd(fac, LowerHand{fac});
  cmd(ada, SetPresence{ada, Presence::here});
  cmd(ada, LowerHand{ada});
  cmd(ada, RaiseHand{ada, HandKind::new_point});
  q = snapshot(Audience::participant).at("view").at("queue");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1].at("reason_code"), "first_come");
  EXPECT_EQ(q[1].at("reason"), "first come, first served");
}

// What a client needs to word a reason itself (since 1.1): `turns` where the sentence tells the
// person's history, `spoken_ms` when they have spoken, `alternating` only when true, `moved_reason`
// only on a moved entry; nothing else. The fields of each entry, beyond 1.0's, as one object:
json wording_fields(const json& entry) {
  json out = json::object();
  for (const char* key : {"turns", "spoken_ms", "alternating", "moved_reason"})
    if (entry.contains(key)) out[key] = entry.at(key);
  return out;
}

TEST_F(ServerMessageTest, QueueEntriesCarryWhatAClientNeedsToWordTheReason) {
  const ParticipantId rex = join_as("Rex", Role::participant, Location::remote, Preference::speak);
  const ParticipantId ida = join_as("Ida", Role::participant, Location::in_room, Preference::speak);
  speak(fac, sam, 190'000);    // 3 min 10 s
  speak(fac, ada, 3'725'000);  // 1 h 2 min 5 s: the room spoke last, so remote people are due
  cmd(fac, SetPolicy{QueuePolicy::hybrid});
  cmd(fac, RaiseHand{fac, HandKind::direct_reply});
  cmd(rex, RaiseHand{rex, HandKind::new_point});
  cmd(ida, RaiseHand{ida, HandKind::new_point});
  cmd(sam, RaiseHand{sam, HandKind::new_point});
  cmd(ada, RaiseHand{ada, HandKind::new_point});
  cmd(ada, SetPresence{ada, Presence::away});
  const auto check = [&](const json& q, std::size_t i, ParticipantId who, const char* code, const json& fields,
                         const std::string& reason) {
    SCOPED_TRACE("entry " + std::to_string(i));
    ASSERT_LT(i, q.size());
    EXPECT_EQ(q[i].at("participant"), who);
    EXPECT_EQ(q[i].at("reason_code"), code);
    EXPECT_EQ(wording_fields(q[i]), fields);
    EXPECT_EQ(q[i].at("reason"), reason);  // unchanged for 1.0 clients
  };
  for (Audience a : audiences) {  // the same for everyone: the reason sentence says it anyway
    SCOPED_TRACE(std::string(audience_name(a)));
    const json q = snapshot(a).at("view").at("queue");
    ASSERT_EQ(q.size(), 5u);
    // Alone in its kind: no alternation; never spoken: turns 0 and no time.
    check(q, 0, fac, "direct_reply", {{"turns", 0}}, "direct reply goes before new points; has not spoken yet");
    check(q, 1, rex, "not_spoken_yet", {{"turns", 0}, {"alternating", true}},
          "in-room and remote take turns; has not spoken yet");
    check(q, 2, ida, "not_spoken_yet", {{"turns", 0}, {"alternating", true}},
          "in-room and remote take turns; has not spoken yet");
    check(q, 3, sam, "spoken_before", {{"turns", 1}, {"spoken_ms", 190'000}, {"alternating", true}},
          "in-room and remote take turns; 1 turn so far, 3 min 10 s");
    // The room's second after the remote people ran out: placed without alternation. Away.
    check(q, 4, ada, "spoken_before", {{"turns", 1}, {"spoken_ms", 3'725'000}},
          "1 turn so far, 1 h 2 min (away: passed over until back)");
    EXPECT_EQ(q[4].at("away"), true);
  }

  // Moved: the queue runner's reason, and no history (the sentence tells none).
  cmd(fac, MoveEntry{ada, 0, "has to leave at 11"});
  json q = snapshot(Audience::display).at("view").at("queue");
  check(q, 0, ada, "moved_by_facilitator", {{"moved_reason", "has to leave at 11"}},
        "moved by the facilitator: has to leave at 11 (away: passed over until back)");
  // A point of process: no policy part.
  cmd(fac, LowerHand{fac});
  cmd(fac, RaiseHand{fac, HandKind::point_of_process});
  q = snapshot(Audience::participant).at("view").at("queue");
  check(q, 0, ada, "moved_by_facilitator", {{"moved_reason", "has to leave at 11"}},
        "moved by the facilitator: has to leave at 11 (away: passed over until back)");
  check(q, 1, fac, "point_of_process", json::object(), "point of process goes first");
  // Progressive: the same history, never alternating.
  cmd(fac, SetPolicy{QueuePolicy::progressive});
  q = snapshot(Audience::participant).at("view").at("queue");
  check(q, 2, rex, "not_spoken_yet", {{"turns", 0}}, "has not spoken yet");
  check(q, 4, sam, "spoken_before", {{"turns", 1}, {"spoken_ms", 190'000}}, "1 turn so far, 3 min 10 s");
  // Fifo: nothing to tell but the policy, which the meeting section names.
  cmd(fac, SetPolicy{QueuePolicy::fifo});
  cmd(rex, LowerHand{rex});
  cmd(rex, RaiseHand{rex, HandKind::clarifying_question});
  cmd(ida, LowerHand{ida});
  cmd(ida, RaiseHand{ida, HandKind::direct_reply});
  q = snapshot(Audience::participant).at("view").at("queue");
  ASSERT_EQ(q.size(), 5u);
  check(q, 2, rex, "clarifying_question", json::object(),
        "clarifying question goes before replies and new points; first come, first served");
  check(q, 3, ida, "direct_reply", json::object(), "direct reply goes before new points; first come, first served");
  check(q, 4, sam, "first_come", json::object(), "first come, first served");
  // A clarifying question under progressive tells the history after its kind's words.
  cmd(fac, SetPolicy{QueuePolicy::progressive});
  cmd(sam, LowerHand{sam});
  cmd(sam, RaiseHand{sam, HandKind::clarifying_question});
  q = snapshot(Audience::participant).at("view").at("queue");
  check(q, 2, rex, "clarifying_question", {{"turns", 0}},
        "clarifying question goes before replies and new points; has not spoken yet");
  check(q, 3, sam, "clarifying_question", {{"turns", 1}, {"spoken_ms", 190'000}},
        "clarifying question goes before replies and new points; 1 turn so far, 3 min 10 s");
}

// --- turn and round sections ---

TEST_F(ServerMessageTest, TurnSectionIsNullWithoutASpeakerAndShowsTheOverrun) {
  EXPECT_TRUE(snapshot(Audience::participant).at("view").at("turn").is_null());
  cmd(fac, SetTurnLimit{60});
  const Millis started = now;
  cmd(fac, CallSpeaker{sam, ""});
  advance(30'000);
  json turn = snapshot(Audience::display).at("view").at("turn");
  EXPECT_EQ(turn, (json{{"participant", sam}, {"name", "Sam"}, {"started_at", started}, {"in_round", false}, {"limit_seconds", 60}}));
  advance(40'000);
  turn = snapshot(Audience::display).at("view").at("turn");
  EXPECT_EQ(turn.at("over_limit_ms"), 10'000);
}

TEST_F(ServerMessageTest, RoundSectionShowsWhoIsUpAndTheSteps) {
  EXPECT_TRUE(snapshot(Audience::participant).at("view").at("round").is_null());
  cmd(fac, StartRound{"Check-in", RoundOrder::join_order, 0});
  cmd(fac, RoundPass{});  // Fatima passes
  cmd(fac, RoundSkip{"stepped out"});  // Sam skipped
  json r = snapshot(Audience::participant).at("view").at("round");
  EXPECT_EQ(r.at("round_no"), 1);
  EXPECT_EQ(r.at("topic"), "Check-in");
  EXPECT_EQ(r.at("order_kind"), "join_order");
  EXPECT_EQ(r.at("order"), (json{fac, sam, ada}));  // not the room display
  EXPECT_EQ(r.at("up"), ada);
  EXPECT_EQ(r.at("steps"), (json{{{"participant", fac}, {"outcome", "passed"}},
                                 {{"participant", sam}, {"outcome", "skipped"}, {"reason", "stepped out"}}}));
  cmd(ada, RoundSpeak{});
  advance(5'000);
  cmd(ada, EndTurn{});
  const json u = update(Audience::participant);
  ASSERT_EQ(u.at("events").size(), 2u);
  EXPECT_EQ(u.at("events")[0].at("kind"), "turn_ended");
  EXPECT_EQ(u.at("events")[1].at("kind"), "round_ended");
  EXPECT_EQ(u.at("events")[1].at("completed"), true);
  EXPECT_TRUE(u.at("round").is_null());
}

// --- updates ---

TEST_F(ServerMessageTest, UpdateCarriesTheEventsWithTheirKindsAndTheSections) {
  advance(2'000);
  cmd(sam, RaiseHand{sam, HandKind::direct_reply});
  for (Audience a : audiences) {
    const json u = update(a);
    EXPECT_EQ(u.at("type"), "update");
    EXPECT_EQ(u.at("seq").get<Seq>(), state.seq);
    EXPECT_EQ(u.at("now").get<Millis>(), now);
    ASSERT_EQ(u.at("events").size(), 1u);
    EXPECT_EQ(u.at("events")[0], (json{{"seq", state.seq}, {"at", now}, {"kind", "hand_raised"}, {"participant", sam},
                                       {"hand_kind", "direct_reply"}}));
    // A raised hand changes the queue only: the update carries that section alone.
    EXPECT_EQ(u.at("queue").size(), 1u);
    EXPECT_EQ(u.size(), 5u) << u.dump();
    EXPECT_FALSE(u.contains("meeting"));
    EXPECT_FALSE(u.contains("turn"));
  }

  advance(3'000);
  cmd(fac, CallSpeaker{ada, "she was asked a question"});
  json events = update(Audience::participant).at("events");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].at("kind"), "turn_started");
  EXPECT_EQ(events[0].at("participant"), ada);
  EXPECT_EQ(events[0].at("by"), fac);
  EXPECT_EQ(events[0].at("in_round"), false);
  EXPECT_EQ(events[0].at("override_reason"), "she was asked a question");
  EXPECT_FALSE(events[0].contains("waited_ms"));  // Ada was not in the queue

  advance(10'000);
  cmd(fac, CallNext{});
  events = update(Audience::display).at("events");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (json{{"seq", state.seq - 1}, {"at", now}, {"kind", "turn_ended"}, {"participant", ada},
                             {"duration_ms", 10'000}, {"person", person_in(snapshot(Audience::display)["view"]["people"], ada)}}));
  EXPECT_EQ(events[1].at("kind"), "turn_started");
  EXPECT_EQ(events[1].at("waited_ms"), 13'000);
  EXPECT_FALSE(events[1].contains("override_reason"));
  // Since 1.1 both carry the speaker's person record: facilitators keep turns and spoken_ms
  // current from the events alone (issue 13, item 7).
  events = update(Audience::facilitator).at("events");
  EXPECT_EQ(events[0].at("person").at("spoken_ms"), 10'000);
  EXPECT_EQ(events[0].at("person").at("turns"), 1);
  EXPECT_EQ(events[1].at("person"), person_in(snapshot(Audience::facilitator)["view"]["people"], events[1].at("participant")));
  EXPECT_EQ(events[1].at("person").at("turns"), 1);
  EXPECT_FALSE(update(Audience::participant).at("events")[0].at("person").contains("spoken_ms"));

  for (const char* section : {"queue", "turn", "round", "agenda"})
    EXPECT_TRUE(update(Audience::participant).contains(section)) << section;
  EXPECT_FALSE(update(Audience::participant).contains("meeting"));

  cmd(fac, SetPolicy{QueuePolicy::hybrid});
  EXPECT_EQ(update(Audience::participant).at("events")[0].at("policy"), "hybrid");
  EXPECT_EQ(update(Audience::participant).at("meeting"),
            (json{{"title", "Budget: who decides?"}, {"locked", false}, {"ended", false}, {"policy", "hybrid"},
                  {"turn_limit_seconds", 0}, {"points_shown", 0}, {"points_moderated", false}, {"people_count", 3}, {"language", "en"}, {"started", true}, {"call_link", ""}}));  // no code in an update
  cmd(fac, SetTurnLimit{90});
  EXPECT_EQ(update(Audience::participant).at("events")[0].at("seconds"), 90);
  // The call link: in the meeting section of facilitators and participants; the room display gets
  // only that it changed, and no event carries the link.
  cmd(fac, SetCallLink{"https://meet.example.org/budget"});
  for (Audience a : audiences) {
    const json u = update(a);
    EXPECT_EQ(u.at("events")[0], (json{{"seq", state.seq}, {"at", now}, {"kind", "call_link_changed"}, {"set", true}}));
    if (a == Audience::display) EXPECT_FALSE(u.at("meeting").contains("call_link"));
    else EXPECT_EQ(u.at("meeting").at("call_link"), "https://meet.example.org/budget");
    if (a == Audience::display) EXPECT_EQ(u.dump().find("meet.example.org"), std::string::npos);
  }
  EXPECT_EQ(snapshot(Audience::display).dump().find("meet.example.org"), std::string::npos);
  cmd(fac, SetLocked{true});
  EXPECT_EQ(update(Audience::participant).at("events")[0].at("locked"), true);
  EXPECT_EQ(update(Audience::participant).at("meeting").at("locked"), true);
}

TEST_F(ServerMessageTest, OverrideEventsNameWhoAndWhy) {
  cmd(sam, RaiseHand{sam, HandKind::new_point});
  cmd(ada, RaiseHand{ada, HandKind::new_point});
  cmd(fac, MoveEntry{ada, 0, "time-sensitive"});
  json e = update(Audience::participant).at("events")[0];
  EXPECT_EQ(e.at("kind"), "entry_moved");
  EXPECT_EQ(e.at("participant"), ada);
  EXPECT_EQ(e.at("position"), 0);
  EXPECT_EQ(e.at("by"), fac);
  EXPECT_EQ(e.at("reason"), "time-sensitive");
  cmd(fac, RemoveEntry{sam, "  said it in the chat  "});
  e = update(Audience::participant).at("events")[0];
  EXPECT_EQ(e.at("kind"), "entry_removed");
  EXPECT_EQ(e.at("reason"), "said it in the chat");  // trimmed
  cmd(ada, LowerHand{ada});
  e = update(Audience::participant).at("events")[0];
  EXPECT_EQ(e, (json{{"seq", state.seq}, {"at", now}, {"kind", "hand_lowered"}, {"participant", ada}}));
  const json overrides = snapshot(Audience::facilitator).at("view").at("figures").at("overrides");
  ASSERT_EQ(overrides.size(), 2u);
  EXPECT_EQ(overrides[0], (json{{"kind", "moved"}, {"by", fac}, {"participant", ada}, {"reason", "time-sensitive"},
                                {"at", now}}));
  EXPECT_EQ(overrides[1].at("kind"), "removed_hand");
}

TEST_F(ServerMessageTest, PeopleEventsCarryThePersonAsTheAudienceSeesThem) {
  const ParticipantId ben = join_as("Ben", Role::participant, Location::remote, Preference::write);
  for (Audience a : audiences) {
    const json e = update(a).at("events")[0];
    EXPECT_EQ(e.at("kind"), "participant_joined");
    EXPECT_EQ(e.at("person").at("id"), ben);
    EXPECT_EQ(e.at("person").at("name"), "Ben");
    EXPECT_EQ(e.at("person").contains("preference"), a == Audience::facilitator);
    EXPECT_EQ(e.at("person").contains("turns"), a == Audience::facilitator);
    EXPECT_EQ(e.at("person").contains("spoken_ms"), a == Audience::facilitator);
  }
  cmd(ben, UpdateProfile{ben, Location::in_room, Preference::speak});
  EXPECT_EQ(update(Audience::facilitator).at("events")[0].at("kind"), "profile_changed");
  EXPECT_EQ(update(Audience::facilitator).at("events")[0].at("person").at("preference"), "speak");
  EXPECT_EQ(update(Audience::participant).at("events")[0].at("person").at("location"), "in_room");
  cmd(ben, SetPresence{ben, Presence::away});
  EXPECT_EQ(update(Audience::display).at("events")[0].at("kind"), "presence_changed");
  EXPECT_EQ(update(Audience::display).at("events")[0].at("person").at("presence"), "away");
  cmd(fac, SetRole{ben, Role::co_facilitator});
  EXPECT_EQ(update(Audience::display).at("events")[0].at("kind"), "role_changed");
  EXPECT_EQ(update(Audience::display).at("events")[0].at("person").at("role"), "co_facilitator");
  cmd(fac, AddProxy{"Grace", Location::in_room});
  const json proxy = update(Audience::participant).at("events")[0].at("person");
  EXPECT_EQ(proxy.at("proxy"), true);
  EXPECT_EQ(proxy.at("role"), "participant");
  cmd(fac, RemoveParticipant{ben});
  EXPECT_EQ(update(Audience::participant).at("events")[0],
            (json{{"seq", state.seq}, {"at", now}, {"kind", "participant_removed"}, {"participant", ben}}));
}

TEST_F(ServerMessageTest, RoundEventsOnTheWire) {
  cmd(fac, StartRound{"Reactions", RoundOrder::shuffled, 42});
  json e = update(Audience::participant).at("events")[0];
  EXPECT_EQ(e.at("kind"), "round_started");
  EXPECT_EQ(e.at("round_no"), 1);
  EXPECT_EQ(e.at("topic"), "Reactions");
  EXPECT_EQ(e.at("order_kind"), "shuffled");
  EXPECT_EQ(e.at("order").size(), 3u);
  EXPECT_FALSE(e.contains("seed"));  // the seed stays in the log
  cmd(fac, RoundPass{});
  e = update(Audience::participant).at("events")[0];
  EXPECT_EQ(e.at("kind"), "round_passed");
  cmd(fac, RoundSkip{"away"});
  e = update(Audience::participant).at("events")[0];
  EXPECT_EQ(e.at("kind"), "round_skipped");
  EXPECT_EQ(e.at("reason"), "away");
  cmd(fac, EndRound{});
  e = update(Audience::participant).at("events")[0];
  EXPECT_EQ(e, (json{{"seq", state.seq}, {"at", now}, {"kind", "round_ended"}, {"round_no", 1}, {"completed", false}}));
}

TEST_F(ServerMessageTest, AnUpdateOfManyEventsAsAfterResume) {
  cmd(sam, RaiseHand{sam, HandKind::new_point});
  cmd(fac, CallNext{});
  const json u = update_of(log, Audience::participant);
  ASSERT_EQ(u.at("events").size(), log.size());
  std::vector<std::string> kinds;
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(u.at("events")[i].at("seq").get<Seq>(), log[i].seq);
    kinds.push_back(u.at("events")[i].at("kind").get<std::string>());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"meeting_opened", "participant_joined", "participant_joined",
                                             "participant_joined", "participant_joined", "hand_raised", "turn_started"}));
  EXPECT_EQ(u.at("events")[0].at("title"), "Budget: who decides?");
  EXPECT_EQ(u.at("seq").get<Seq>(), state.seq);
  EXPECT_EQ(u.at("turn").at("participant"), sam);
}

// --- figures, welcome, the small messages ---

TEST_F(ServerMessageTest, FiguresMessage) {
  speak(fac, sam, 30'000);
  cmd(fac, CallSpeaker{ada, ""});
  advance(10'000);  // Ada's running turn counts
  const json f = json::parse(encode_figures(state, now));
  EXPECT_EQ(f.at("type"), "figures");
  EXPECT_EQ(f.at("seq").get<Seq>(), state.seq);
  EXPECT_EQ(f.at("now").get<Millis>(), now);
  const json& fig = f.at("figures");
  EXPECT_EQ(fig.at("total_spoken_ms"), 40'000);
  ASSERT_EQ(fig.at("people").size(), 3u);  // not the room display
  for (const auto& p : fig.at("people")) {
    EXPECT_EQ(p.size(), 8u);
    if (p.at("participant") == sam) {
      EXPECT_EQ(p.at("name"), "Sam");
      EXPECT_EQ(p.at("spoken_ms"), 30'000);
      EXPECT_EQ(p.at("turns"), 1);
      EXPECT_DOUBLE_EQ(p.at("share").get<double>(), 0.75);
      EXPECT_EQ(p.at("present"), true);
      EXPECT_EQ(p.at("proxy"), false);
      EXPECT_EQ(p.at("location"), "remote");
    }
  }
  EXPECT_EQ(fig.at("not_spoken"), json::array());
  EXPECT_DOUBLE_EQ(fig.at("in_room").at("speaking_share").get<double>(), 0.25);
  for (const char* key : {"people", "people_share", "spoken_ms", "speaking_share", "waits", "mean_wait_ms", "longest_wait_ms"})
    EXPECT_TRUE(fig.at("remote").contains(key)) << key;
  EXPECT_EQ(fig.at("overrides").size(), 0u);  // both calls were in order: nobody was waiting
}

TEST_F(ServerMessageTest, WelcomeCarriesTheTokenOnlyWhenGivenAndTheirOwnPreference) {
  const std::string token = "5f1e0c9a7b3d42e8a6c4b2d0e8f6a4c2";
  const json joined = json::parse(encode_welcome("j1", meeting_code, state, sam, token, now));
  EXPECT_EQ(joined.at("type"), "welcome");
  EXPECT_EQ(joined.at("id"), "j1");
  EXPECT_EQ(joined.at("protocol"), 1);
  EXPECT_EQ(joined.at("code"), meeting_code);
  EXPECT_EQ(joined.at("token"), token);
  EXPECT_EQ(joined.at("audience"), "participant");
  EXPECT_EQ(joined.at("seq").get<Seq>(), state.seq);
  EXPECT_EQ(joined.at("now").get<Millis>(), now);
  EXPECT_EQ(joined.at("you").at("id"), sam);
  // Their own preference, though a participant sees nobody else's; not their figures.
  EXPECT_EQ(joined.at("you").at("preference"), "listen");
  EXPECT_FALSE(joined.at("you").contains("turns"));
  EXPECT_EQ(joined.at("you").at("voted_polls"), json::array());
  EXPECT_EQ(joined.at("you").at("upvoted_points"), json::array());

  const json resumed = json::parse(encode_welcome("r1", meeting_code, state, sam, std::nullopt, now));
  EXPECT_FALSE(resumed.contains("token"));
  EXPECT_EQ(resumed.at("id"), "r1");
  EXPECT_EQ(resumed.size(), 9u);
  EXPECT_EQ(resumed.at("protocol"), 1);
  EXPECT_EQ(resumed.at("protocol_minor"), 2);

  const json facilitator = json::parse(encode_welcome("j2", meeting_code, state, fac, std::nullopt, now));
  EXPECT_EQ(facilitator.at("audience"), "facilitator");
  EXPECT_EQ(facilitator.at("you").at("preference"), "speak");
  EXPECT_EQ(facilitator.at("you").at("turns"), 0);
  cmd(fac, SetRole{ada, Role::co_facilitator});
  EXPECT_EQ(json::parse(encode_welcome("j3", meeting_code, state, ada, std::nullopt, now)).at("audience"), "facilitator");
  EXPECT_EQ(json::parse(encode_welcome("j4", meeting_code, state, screen, std::nullopt, now)).at("audience"), "display");

  // The token is never part of anything else.
  for (Audience a : audiences) {
    EXPECT_EQ(encode_snapshot(state, meeting_code, a, now).find(token), std::string::npos);
    EXPECT_EQ(encode_update(state, log, a, now, all_sections, state.decisions.size()).find(token), std::string::npos);
  }
}

// --- decisions: polls, proposals, the record, the agreement, points, signals, agenda ---

PollSpec spec_of(PollKind kind, std::vector<std::string> options, bool anonymous, ResultsShown shown) {
  PollSpec spec;
  spec.question = "Which?";
  spec.kind = kind;
  spec.options = std::move(options);
  spec.anonymous = anonymous;
  spec.shown = shown;
  return spec;
}

const json& poll_in(const json& polls, std::uint32_t id) {
  for (const auto& p : polls)
    if (p.at("id") == id) return p;
  static const json none;
  ADD_FAILURE() << "no poll " << id;
  return none;
}

TEST_F(ServerMessageTest, VotesAreCountsAndNeverEventsAndAnonymousPollsShowNoResultWhileOpen) {
  cmd(fac, OpenPoll{spec_of(PollKind::single_choice, {"Yes", "No"}, true, ResultsShown::at_close)});
  EXPECT_EQ(update(Audience::participant).at("events")[0],
            (json{{"seq", state.seq}, {"at", now}, {"kind", "poll_opened"}, {"poll", 1}}));
  EXPECT_TRUE(update(Audience::participant).contains("polls"));
  cmd(sam, CastVote{1, sam, Ballot{{0}, 0, ""}});
  ASSERT_EQ(last.size(), 2u);  // who voted, and the ballot, apart
  for (const auto& e : last) EXPECT_TRUE(is_count_event(e.event));
  for (Audience a : audiences) {
    const json u = update(a);
    EXPECT_EQ(u.at("events"), json::array()) << "count events are never sent";
    const json& poll = poll_in(u.at("polls"), 1);
    EXPECT_EQ(poll.at("voted"), 1);
    EXPECT_EQ(poll.at("anonymous"), true);
    EXPECT_FALSE(poll.contains("result")) << "no tally of an open anonymous poll, for anyone";
    EXPECT_EQ(u.dump().find("\"participant\":2"), std::string::npos) << "nothing names the voter";
  }
  cmd(ada, CastVote{1, ada, Ballot{{1}, 0, ""}});
  cmd(fac, ClosePoll{1, ""});  // 2 voters, fewer than the 3 needed
  for (Audience a : audiences) {
    const json u = update(a);
    const json& poll = poll_in(u.at("polls"), 1);
    EXPECT_EQ(poll.at("status"), "closed");
    EXPECT_EQ(poll.at("result"), (json{{"voters", 2}, {"withheld", true}}));
  }
}

TEST_F(ServerMessageTest, NamedPollResultsLiveOrAfterVoting) {
  cmd(fac, OpenPoll{spec_of(PollKind::single_choice, {"Yes", "No"}, false, ResultsShown::live)});
  cmd(fac, OpenPoll{spec_of(PollKind::single_choice, {"Yes", "No"}, false, ResultsShown::after_vote)});
  cmd(sam, CastVote{1, sam, Ballot{{0}, 0, ""}});
  cmd(sam, CastVote{2, sam, Ballot{{1}, 0, ""}});
  for (Audience a : audiences) {
    const json polls = snapshot(a).at("view").at("polls");
    EXPECT_EQ(poll_in(polls, 1).at("result"),
              (json{{"voters", 1}, {"withheld", false}, {"counts", {1, 0}}, {"winner", 0}}));
    // After-vote results: facilitators in the section; voters by poll_results on their own connection.
    EXPECT_EQ(poll_in(polls, 2).contains("result"), a == Audience::facilitator);
  }
  const json results = json::parse(encode_poll_results(state, 2));
  EXPECT_EQ(results, (json{{"type", "poll_results"}, {"seq", state.seq}, {"poll", 2},
                           {"result", {{"voters", 1}, {"withheld", false}, {"counts", {0, 1}}, {"winner", 1}}}}));
  const json welcome = json::parse(encode_welcome("r", meeting_code, state, sam, std::nullopt, now));
  EXPECT_EQ(welcome.at("you").at("voted_polls"), (json{1, 2}));
}

TEST_F(ServerMessageTest, PollKindsCarryTheirOwnFields) {
  PollSpec scale = spec_of(PollKind::scale, {}, false, ResultsShown::live);
  scale.min_label = "low";
  scale.max_label = "high";
  cmd(fac, OpenPoll{scale});
  PollSpec multiple = spec_of(PollKind::multiple_choice, {"a", "b", "c"}, false, ResultsShown::live);
  multiple.max_choices = 2;
  cmd(fac, OpenPoll{multiple});
  cmd(fac, OpenPoll{spec_of(PollKind::ranked_choice, {"a", "b", "c"}, false, ResultsShown::live)});
  cmd(fac, OpenPoll{spec_of(PollKind::open_text, {}, false, ResultsShown::live)});
  cmd(sam, CastVote{1, sam, Ballot{{}, 4, ""}});
  cmd(ada, CastVote{1, ada, Ballot{{}, 1, ""}});
  cmd(sam, CastVote{3, sam, Ballot{{2, 0}, 0, ""}});
  cmd(sam, CastVote{4, sam, Ballot{{}, 0, " calm "}});
  const json polls = snapshot(Audience::participant).at("view").at("polls");
  const json& s1 = poll_in(polls, 1);
  EXPECT_EQ(s1.at("scale_min"), 0);
  EXPECT_EQ(s1.at("scale_max"), 5);
  EXPECT_EQ(s1.at("min_label"), "low");
  EXPECT_FALSE(s1.contains("max_choices"));
  EXPECT_DOUBLE_EQ(s1.at("result").at("mean").get<double>(), 2.5);
  EXPECT_EQ(s1.at("result").at("counts"), (json{0, 1, 0, 0, 1, 0}));
  EXPECT_FALSE(s1.at("result").contains("winner"));
  EXPECT_EQ(poll_in(polls, 2).at("max_choices"), 2);
  EXPECT_FALSE(poll_in(polls, 2).contains("scale_min"));
  const json& ranked = poll_in(polls, 3).at("result");
  EXPECT_EQ(ranked.at("winner"), 2);
  ASSERT_EQ(ranked.at("rounds").size(), 1u);
  EXPECT_TRUE(ranked.at("rounds")[0].at("eliminated").is_null());
  EXPECT_EQ(poll_in(polls, 4).at("result").at("answers"), (json{"calm"}));
  EXPECT_FALSE(poll_in(polls, 4).at("result").contains("winner"));
}

TEST_F(ServerMessageTest, ProposalsDecisionsAndTheAgreement) {
  cmd(sam, ProposeAgreementItem{"We do not interrupt", false});
  cmd(ada, ProposeAgreementItem{"Phones on silent", true});
  cmd(fac, PresentProposal{"Adopt: we do not interrupt", "We let each person finish.", 1, false});
  EXPECT_EQ(update(Audience::participant).at("events")[0].at("kind"), "proposal_presented");
  cmd(fac, SetConsentPhase{1, ConsentPhase::consent});
  cmd(sam, AnswerConsent{1, sam, ConsentAnswer::objection, "Points of process must interrupt"});
  json e = update(Audience::display).at("events")[0];
  EXPECT_EQ(e, (json{{"seq", state.seq}, {"at", now}, {"kind", "consent_answered"}, {"proposal", 1}, {"participant", sam},
                     {"answer", "objection"}}));
  json proposal = update(Audience::display).at("proposals")[0];
  EXPECT_EQ(proposal.at("objections"), (json{{{"id", 1}, {"participant", sam}, {"name", "Sam"}, {"reason", "Points of process must interrupt"},
                                              {"version", 1}, {"status", "open"}}}));
  EXPECT_EQ(proposal.at("answers")[0].at("text"), "Points of process must interrupt");
  cmd(fac, AmendProposal{1, "We let each person finish, except for a point of process."});
  EXPECT_EQ(update(Audience::participant).at("events")[0].at("version"), 2);
  cmd(sam, AnswerConsent{1, sam, ConsentAnswer::consent, ""});
  cmd(fac, AdoptProposal{1, "2027-06-30"});
  const json u = update(Audience::participant);
  std::vector<std::string> kinds;
  for (const auto& ev : u.at("events")) kinds.push_back(ev.at("kind").get<std::string>());
  EXPECT_EQ(kinds, (std::vector<std::string>{"proposal_ended", "decision_recorded", "agreement_item_changed"}));
  EXPECT_EQ(u.at("events")[0].at("outcome"), "adopted");
  ASSERT_EQ(u.at("decisions").size(), 1u);
  const json& d = u.at("decisions")[0];
  EXPECT_EQ(d.at("id"), 1);
  EXPECT_EQ(d.at("text"), "We let each person finish, except for a point of process.");
  EXPECT_EQ(d.at("method"), "consent round (version 2)");
  EXPECT_EQ(d.at("review_date"), "2027-06-30");
  EXPECT_EQ(d.at("prev_hash"), std::string(64, '0'));
  EXPECT_EQ(d.at("hash").get<std::string>().size(), 64u);
  EXPECT_TRUE(u.at("decisions_chain_ok").get<bool>());  // the first decision: the update holds the whole record

  // A second decision: the update lists only it, with the chain flag of the whole record; a
  // snapshot has them all.
  cmd(fac, QuickConsentCheck{2, true});
  const json u2 = update(Audience::participant);
  ASSERT_EQ(u2.at("decisions").size(), 1u);
  EXPECT_EQ(u2.at("decisions")[0].at("id"), 2);
  EXPECT_EQ(u2.at("decisions")[0].at("prev_hash"), d.at("hash"));
  EXPECT_TRUE(u2.at("decisions_chain_ok").get<bool>());
  const json view = snapshot(Audience::participant).at("view");
  EXPECT_EQ(view.at("decisions").size(), 2u);
  EXPECT_TRUE(view.at("decisions_chain_ok").get<bool>());

  // The agreement: anonymous items have no author; flags are for facilitators.
  cmd(ada, FlagAgreementItem{2});
  for (Audience a : audiences) {
    const json agreement = snapshot(a).at("view").at("agreement");
    ASSERT_EQ(agreement.size(), 2u);
    EXPECT_EQ(agreement[0].at("author"), sam);
    EXPECT_TRUE(agreement[1].at("author").is_null());
    EXPECT_EQ(agreement[1].at("status"), "adopted");
    EXPECT_EQ(agreement[1].contains("flags"), a == Audience::facilitator);
    if (a == Audience::facilitator) {
      EXPECT_EQ(agreement[1].at("flags"), 1);
    }
  }
}

// Issue 14, item 4: an amendment with a new title sends proposal_retitled after proposal_amended,
// the proposals section gives each version's title, and the decision names the adopted version's.
TEST_F(ServerMessageTest, AnAmendmentWithANewTitleIsSentAndTheDecisionNamesIt) {
  cmd(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  cmd(fac, SetConsentPhase{1, ConsentPhase::consent});
  cmd(fac, AmendProposal{1, "We meet on Wednesdays.", "Meeting day: Wednesdays"});
  for (Audience a : audiences) {
    const json u = update(a);
    ASSERT_EQ(u.at("events").size(), 2u);
    EXPECT_EQ(u.at("events")[0].at("kind"), "proposal_amended");
    EXPECT_EQ(u.at("events")[1], (json{{"seq", state.seq}, {"at", now}, {"kind", "proposal_retitled"}, {"proposal", 1},
                                       {"title", "Meeting day: Wednesdays"}}));
    const json& p = u.at("proposals").at(0);
    EXPECT_EQ(p.at("title"), "Meeting day: Wednesdays");
    EXPECT_EQ(p.at("titles"), (json{"Meeting day", "Meeting day: Wednesdays"}));
    EXPECT_EQ(p.at("versions"), (json{"We meet on Tuesdays.", "We meet on Wednesdays."}));
  }
  cmd(sam, AnswerConsent{1, sam, ConsentAnswer::consent, ""});
  cmd(fac, AdoptProposal{1, ""});
  const json d = snapshot(Audience::participant).at("view").at("decisions").at(0);
  EXPECT_EQ(d.at("title"), "Meeting day: Wednesdays");
  EXPECT_EQ(d.at("text"), "We meet on Wednesdays.");
  EXPECT_EQ(d.at("method"), "consent round (version 2)");
  EXPECT_TRUE(snapshot(Audience::participant).at("view").at("decisions_chain_ok").get<bool>());
}

// A proposal closed unadopted closes the objections still open on it: the proposals section shows
// them `closed` (not `open`, not `integrated`), to every audience.
TEST_F(ServerMessageTest, AnObjectionStillOpenWhenItsProposalIsClosedReadsClosed) {
  cmd(fac, PresentProposal{"Meeting day", "We meet on Tuesdays.", 0, false});
  cmd(fac, SetConsentPhase{1, ConsentPhase::consent});
  cmd(sam, AnswerConsent{1, sam, ConsentAnswer::objection, "Tuesdays clash"});
  cmd(fac, CloseProposal{1, false, "no agreement today"});
  for (Audience a : audiences) {
    const json u = update(a);
    EXPECT_EQ(u.at("events")[0].at("kind"), "proposal_ended");
    const json& p = u.at("proposals").at(0);
    EXPECT_EQ(p.at("phase"), "not_adopted");
    EXPECT_EQ(p.at("objections"), (json{{{"id", 1}, {"participant", sam}, {"name", "Sam"}, {"reason", "Tuesdays clash"}, {"version", 1},
                                         {"status", "closed"}}}))
        << audience_name(a);
    EXPECT_EQ(u.at("decisions").at(0).at("dissent"), (json{"Sam (objection): Tuesdays clash"}));
  }
}

// decisions_chain_ok comes whenever `decisions` does, computed over the whole record in the state,
// not over the entries sent: an update holding only decision 2 says the record is broken when
// decision 1 (not in the update) no longer matches its hash.
TEST_F(ServerMessageTest, DecisionsChainOkComesWithEveryDecisionsSectionAndCoversTheWholeRecord) {
  cmd(sam, ProposeAgreementItem{"We do not interrupt", false});
  cmd(ada, ProposeAgreementItem{"Phones on silent", false});
  cmd(fac, QuickConsentCheck{1, true});
  cmd(fac, QuickConsentCheck{2, true});
  for (Audience a : audiences) {
    const json u = update(a);
    ASSERT_EQ(u.at("decisions").size(), 1u) << audience_name(a);
    EXPECT_EQ(u.at("decisions")[0].at("id"), 2);
    ASSERT_TRUE(u.contains("decisions_chain_ok")) << audience_name(a);
    EXPECT_TRUE(u.at("decisions_chain_ok").get<bool>());
  }

  // Decision 1 edited behind the record's back; then decision 3 is added (its prev_hash is 2's).
  state.decisions[0].title = "Edited afterwards";
  cmd(sam, ProposeAgreementItem{"One voice at a time", false});
  cmd(fac, QuickConsentCheck{3, true});
  for (Audience a : audiences) {
    const json u = update(a);
    ASSERT_EQ(u.at("decisions").size(), 1u) << audience_name(a);
    EXPECT_EQ(u.at("decisions")[0].at("id"), 3);
    ASSERT_TRUE(u.contains("decisions_chain_ok")) << audience_name(a);
    EXPECT_FALSE(u.at("decisions_chain_ok").get<bool>()) << audience_name(a);
  }
  // A catch-up update that added no decision still carries the (empty) list and the flag.
  const json catch_up = update_of({}, Audience::participant);
  EXPECT_TRUE(catch_up.at("decisions").empty());
  EXPECT_FALSE(catch_up.at("decisions_chain_ok").get<bool>());
  // An update whose events touched no decision has neither.
  cmd(sam, RaiseHand{sam, HandKind::new_point});
  const json plain = update(Audience::participant);
  EXPECT_FALSE(plain.contains("decisions"));
  EXPECT_FALSE(plain.contains("decisions_chain_ok"));
}

TEST_F(ServerMessageTest, WrittenPointsSignalsAndTheAgenda) {
  cmd(sam, SubmitPoint{PointKind::point, "Ring-fence the youth budget", false});
  cmd(ada, SubmitPoint{PointKind::question, "Who decides the list?", true});
  cmd(sam, UpvotePoint{2});
  cmd(fac, SetPointStatus{1, PointStatus::hidden, "off topic"});
  for (Audience a : audiences) {
    const json points = snapshot(a).at("view").at("points");
    if (a == Audience::facilitator) {
      ASSERT_EQ(points.size(), 2u);
      EXPECT_EQ(points[0].at("id"), 2);  // most upvoted first
      EXPECT_EQ(points[1].at("status"), "hidden");
      EXPECT_EQ(points[1].at("reason"), "off topic");
    } else {
      ASSERT_EQ(points.size(), 1u) << "hidden points are for facilitators";
      EXPECT_EQ(points[0], (json{{"id", 2}, {"kind", "question"}, {"text", "Who decides the list?"}, {"author", nullptr},
                                 {"status", "open"}, {"upvotes", 1}, {"at", now}}));
    }
  }
  EXPECT_EQ(json::parse(encode_welcome("r", meeting_code, state, sam, std::nullopt, now)).at("you").at("upvoted_points"),
            (json{2}));

  cmd(fac, SetSignalSettings{60, 2});
  EXPECT_EQ(update(Audience::participant).at("events")[0].size(), 3u);  // seq, at, kind: the values are in the section
  cmd(sam, SendSignal{SignalKind::slow_down});
  cmd(ada, SendSignal{SignalKind::slow_down});
  cmd(ada, SendSignal{SignalKind::lost});
  EXPECT_EQ(snapshot(Audience::facilitator).at("view").at("signals"),
            (json{{"window_seconds", 60}, {"display_threshold", 2}, {"counts", {{"slow_down", 2}, {"lost", 1}}}}));
  EXPECT_EQ(snapshot(Audience::display).at("view").at("signals").at("counts"), (json{{"slow_down", 2}}));
  advance(61'000);
  EXPECT_EQ(snapshot(Audience::facilitator).at("view").at("signals").at("counts"), json::object());

  cmd(fac, AddAgendaItem{"Budget", 30});
  cmd(fac, StartAgendaItem{1});
  speak(fac, sam, 20'000);
  for (Audience a : audiences) {
    const json agenda = snapshot(a).at("view").at("agenda");
    EXPECT_EQ(agenda.at("current"), 1);
    const json& item = agenda.at("items")[0];
    EXPECT_EQ(item.at("title"), "Budget");
    EXPECT_EQ(item.at("timebox_minutes"), 30);
    EXPECT_EQ(item.at("used_ms"), 20'000);
    EXPECT_EQ(item.at("current"), true);
    EXPECT_EQ(item.contains("figures"), a == Audience::facilitator);
    if (a == Audience::facilitator) {
      EXPECT_EQ(item.at("figures").at("people"), (json{{{"participant", sam}, {"spoken_ms", 20'000}, {"turns", 1}}}));
    }
  }
  cmd(fac, StartAgendaItem{0});
  EXPECT_TRUE(update(Audience::participant).at("events")[0].at("item").is_null());
  EXPECT_TRUE(snapshot(Audience::participant).at("view").at("agenda").at("current").is_null());
}

TEST_F(ServerMessageTest, EndingTheMeeting) {
  cmd(sam, RaiseHand{sam, HandKind::new_point});
  cmd(fac, EndMeeting{});
  const json u = update(Audience::participant);
  EXPECT_EQ(u.at("events").back().at("kind"), "meeting_ended");
  EXPECT_EQ(u.at("meeting").at("ended"), true);
  EXPECT_EQ(u.at("queue"), json::array());
  EXPECT_EQ(snapshot(Audience::display).at("view").at("meeting").at("ended"), true);
}

// Polls prepared in advance: a draft is in the facilitators' polls only; when it opens everyone
// gets it as an ordinary poll (event poll_opened); a draft deleted unopened stays out of sight.
TEST_F(ServerMessageTest, DraftPollsAreForFacilitatorsUntilTheyOpen) {
  cmd(fac, OpenPoll{spec_of(PollKind::single_choice, {"Yes", "No"}, false, ResultsShown::live), true});
  EXPECT_EQ(update(Audience::participant).at("events")[0], (json{{"seq", state.seq}, {"at", now}, {"kind", "poll_drafted"}, {"poll", 1}}));
  cmd(fac, OpenPoll{spec_of(PollKind::single_choice, {"Hall", "Library"}, false, ResultsShown::live), true});
  EXPECT_EQ(snapshot(Audience::facilitator).at("view").at("polls").size(), 2u);
  EXPECT_EQ(snapshot(Audience::facilitator).at("view").at("polls")[0].at("status"), "draft");
  for (Audience a : {Audience::participant, Audience::display}) {
    EXPECT_EQ(snapshot(a).at("view").at("polls"), json::array());
    EXPECT_EQ(update(a).dump().find("Library"), std::string::npos);
  }
  cmd(fac, OpenDraftPoll{1});
  const json u = update(Audience::participant);
  EXPECT_EQ(u.at("events")[0].at("kind"), "poll_opened");
  ASSERT_EQ(u.at("polls").size(), 1u);
  EXPECT_EQ(u.at("polls")[0].at("status"), "open");
  EXPECT_EQ(u.at("polls")[0].at("eligible"), 3);
  cmd(fac, CancelPoll{2});
  EXPECT_EQ(snapshot(Audience::participant).at("view").at("polls").size(), 1u);
  EXPECT_EQ(snapshot(Audience::facilitator).at("view").at("polls")[1].at("status"), "cancelled");
}

TEST(ServerMessages, AudienceForEachRole) {
  EXPECT_EQ(audience_for(Role::facilitator), Audience::facilitator);
  EXPECT_EQ(audience_for(Role::co_facilitator), Audience::facilitator);
  EXPECT_EQ(audience_for(Role::participant), Audience::participant);
  EXPECT_EQ(audience_for(Role::observer), Audience::display);
}

TEST(ServerMessages, ErrorWithoutAnIdHasIdNull) {
  const json no_id = json::parse(encode_error("", "bad_json", "the message is not valid JSON"));
  EXPECT_EQ(no_id, (json{{"type", "error"}, {"id", nullptr}, {"code", "bad_json"}, {"message", "the message is not valid JSON"}}));
  EXPECT_TRUE(no_id.at("id").is_null());
  const json with_id = json::parse(encode_error("c7", "not_allowed", "your role may not call the next speaker"));
  EXPECT_EQ(with_id.at("id"), "c7");
  EXPECT_EQ(with_id.at("code"), "not_allowed");
}

TEST(ServerMessages, AckHeartbeatPong) {
  EXPECT_EQ(json::parse(encode_ack("c1", 12)), (json{{"type", "ack"}, {"id", "c1"}, {"seq", 12}}));
  EXPECT_EQ(json::parse(encode_heartbeat(12, 1'700'000'000'000)),
            (json{{"type", "heartbeat"}, {"seq", 12}, {"now", 1'700'000'000'000}}));
  EXPECT_EQ(json::parse(encode_pong("p1", 0, 1'700'000'000'000)),
            (json{{"type", "pong"}, {"id", "p1"}, {"seq", 0}, {"now", 1'700'000'000'000}}));
}

TEST(ServerMessages, TextThatIsNotUtf8IsReplacedNotThrown) {
  // Ids are checked by the decoder, but the encoder must never throw on odd bytes.
  const std::string text = encode_error("a\xff", "bad_json", "x");
  const json e = json::parse(text);
  EXPECT_EQ(e.at("id"), "a\xEF\xBF\xBD");
}

}  // namespace
}  // namespace everyvoice::codec
