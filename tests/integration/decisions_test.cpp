// Polls, consent rounds, the decision record, the agreement, written points, signals and the
// agenda, run end to end over real WebSockets against the real server binary.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

// The newest value of a top-level section (from an update or a snapshot's view).
json latest(const WsClient& c, const std::string& section) {
  for (auto it = c.seen.rbegin(); it != c.seen.rend(); ++it) {
    if ((*it)["type"] == "update" && it->contains(section)) return (*it)[section];
    if ((*it)["type"] == "snapshot" && (*it)["view"].contains(section)) return (*it)["view"][section];
  }
  return nullptr;
}

json poll_of(const WsClient& c, int id) {
  const json polls = latest(c, "polls");
  if (polls.is_array())
    for (const auto& p : polls)
      if (p["id"] == id) return p;
  return nullptr;
}

// Walks a JSON value, calling f(key, value) for every member of every object.
void walk(const json& j, const std::function<void(const std::string&, const json&)>& f) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      f(k, v);
      walk(v, f);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) walk(v, f);
  }
}

class Decisions : public ::testing::Test {
 protected:
  void SetUp() override {
    fac = std::make_unique<WsClient>(server.port());
    const json w = fac->join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
    tokens.push_back(w["token"]);
    names = {"Fatima"};
    for (const char* name : {"Pat", "Quinn", "Rae", "Sol"}) {
      people.push_back(std::make_unique<WsClient>(server.port()));
      const json pw = people.back()->join(meeting.code, name);
      ids.push_back(pw["you"]["id"]);
      tokens.push_back(pw["token"]);
      names.emplace_back(name);
    }
    display = std::make_unique<WsClient>(server.port());
    display->join(meeting.code, "Room display", {{"role", "observer"}});
    for (auto* c : all()) c->drain(200ms);
  }

  std::vector<WsClient*> all() {
    std::vector<WsClient*> out{fac.get(), display.get()};
    for (auto& p : people) out.push_back(p.get());
    return out;
  }
  void drain_all() {
    for (auto* c : all()) c->drain(250ms);
  }

  ServerProcess server{{"--coalesce-ms=50"}};
  CreatedMeeting meeting = create_meeting(server.port(), "Residents' panel");
  std::unique_ptr<WsClient> fac, display;
  std::vector<std::unique_ptr<WsClient>> people;
  std::vector<int> ids;
  std::vector<std::string> tokens, names;
};

TEST_F(Decisions, AnonymousPollNeverPairsAPersonWithAChoiceAndShowsNoTallyUntilClose) {
  for (auto* c : all()) c->seen.clear();
  ASSERT_EQ(fac->command({{"type", "open_poll"}, {"question", "Move the meeting to evenings?"}, {"kind", "single_choice"},
                          {"options", {"Yes", "No", "Unsure"}}, {"anonymous", true}})["type"], "ack");
  const int choices[] = {0, 0, 1, 0};
  for (std::size_t i = 0; i < people.size(); ++i)
    EXPECT_EQ(people[i]->command({{"type", "vote"}, {"poll", 1}, {"choices", {choices[i]}}})["type"], "ack");
  // One ballot per person.
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"choices", {1}}})["code"], "already_voted");
  // Nobody can vote for someone else in an anonymous poll, not even a facilitator.
  EXPECT_EQ(fac->command({{"type", "vote"}, {"poll", 1}, {"choices", {1}}, {"for", ids[0]}})["code"], "not_allowed");
  drain_all();
  // While open, every client (facilitator included) sees how many voted, never a tally.
  for (auto* c : all()) {
    const json p = poll_of(*c, 1);
    ASSERT_FALSE(p.is_null());
    EXPECT_EQ(p["voted"], 4);
    EXPECT_FALSE(p.contains("result")) << p.dump();
    for (const auto& frame : c->seen) EXPECT_EQ(frame.dump().find("\"counts\""), std::string::npos) << frame.dump();
  }
  ASSERT_EQ(fac->command({{"type", "close_poll"}, {"poll", 1}})["type"], "ack");
  drain_all();
  for (auto* c : all()) {
    const json p = poll_of(*c, 1);
    EXPECT_EQ(p["result"]["counts"], json({3, 1, 0}));
    EXPECT_EQ(p["result"]["winner"], 0);
  }
  // Every frame any client received during the poll: one that carries a choice (a result) holds
  // no participant id, name or token.
  int frames_with_choices = 0;
  for (auto* c : all()) {
    for (const auto& frame : c->seen) {
      bool carries_choice = false;
      walk(frame, [&](const std::string& k, const json&) { carries_choice |= k == "counts" || k == "choices"; });
      if (!carries_choice) continue;
      ++frames_with_choices;
      const std::string text = frame.dump();
      for (const auto& n : names) EXPECT_EQ(text.find("\"" + n + "\""), std::string::npos) << text;
      for (const auto& t : tokens) EXPECT_EQ(text.find(t), std::string::npos);
      walk(frame, [&](const std::string& k, const json& v) {
        EXPECT_TRUE(k != "participant" && k != "person" && k != "people" && k != "author" && k != "who" && k != "you" &&
                    !(k == "present_names" && !v.empty()))
            << "key " << k << " in " << text;
      });
    }
  }
  EXPECT_GE(frames_with_choices, 6);  // at least the close, on every connection
  // A closed poll cannot be reopened or voted in.
  EXPECT_EQ(fac->command({{"type", "close_poll"}, {"poll", 1}})["code"], "closed");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"choices", {0}}})["code"], "closed");
}

TEST_F(Decisions, AnonymousResultBelowThresholdIsWithheldAndTheRecordSaysSo) {
  ASSERT_EQ(fac->command({{"type", "open_poll"}, {"question", "Confidence?"}, {"preset", "fist_to_five"},
                          {"anonymous", true}, {"decision", true}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"value", 4}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "vote"}, {"poll", 1}, {"value", 9}})["code"], "invalid_ballot");
  EXPECT_EQ(people[1]->command({{"type", "vote"}, {"poll", 1}, {"value", 1}})["type"], "ack");
  ASSERT_EQ(fac->command({{"type", "close_poll"}, {"poll", 1}})["type"], "ack");
  drain_all();
  for (auto* c : all()) {
    const json p = poll_of(*c, 1);
    EXPECT_EQ(p["result"], json({{"voters", 2}, {"withheld", true}}));
    const json d = latest(*c, "decisions");
    ASSERT_TRUE(d.is_array());
    ASSERT_EQ(d.size(), 1u);
    EXPECT_NE(d[0]["result"].get<std::string>().find("withheld"), std::string::npos);
    EXPECT_TRUE(d[0]["present_names"].empty());
  }
}

TEST_F(Decisions, NamedPollShowsLiveResultsAcceptsChangesAndProxyVotes) {
  ASSERT_EQ(fac->command({{"type", "add_proxy"}, {"name", "Grandad Joe"}})["type"], "ack");
  ASSERT_EQ(fac->command({{"type", "open_poll"}, {"question", "Which room?"}, {"kind", "ranked_choice"},
                          {"options", {"Library", "Hall", "Cafe"}}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"choices", {7}}})["code"], "invalid_ballot");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"choices", {0, 1}}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"choices", {1, 0}}})["type"], "ack");  // changed
  EXPECT_EQ(people[1]->command({{"type", "vote"}, {"poll", 1}, {"choices", {0}}})["type"], "ack");
  EXPECT_EQ(people[2]->command({{"type", "vote"}, {"poll", 1}, {"choices", {2, 1}}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "vote"}, {"poll", 1}, {"choices", {0}}, {"for", ids[2]}})["code"], "not_allowed");
  const int joe = ids.back() + 2;  // after the display
  EXPECT_EQ(fac->command({{"type", "vote"}, {"poll", 1}, {"choices", {0, 2}}, {"for", joe}})["type"], "ack");
  drain_all();
  const json p = poll_of(*people[3], 1);  // someone who has not voted sees the live result
  EXPECT_EQ(p["voted"], 4);
  EXPECT_EQ(p["result"]["counts"], json({2, 1, 1}));
  ASSERT_EQ(fac->command({{"type", "close_poll"}, {"poll", 1}})["type"], "ack");
  drain_all();
  const json closed = poll_of(*display, 1);
  // First preferences: Library 2 (Quinn, Joe), Hall 1 (Pat), Cafe 1 (Rae): nobody has more than half.
  EXPECT_EQ(closed["status"], "closed");
  EXPECT_TRUE(closed["result"].contains("rounds"));
  EXPECT_EQ(closed["result"]["rounds"][0]["counts"], json({2, 1, 1}));
}

TEST_F(Decisions, OverLongTextAndWrongRolesAreRefused) {
  EXPECT_EQ(people[0]->command({{"type", "open_poll"}, {"question", "Mine?"}, {"kind", "open_text"}})["code"], "not_allowed");
  ASSERT_EQ(fac->command({{"type", "open_poll"}, {"question", "One word for today"}, {"kind", "open_text"}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"text", std::string(501, 'a')}})["code"], "too_long");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 2}, {"text", "hi"}})["code"], "not_found");
  EXPECT_EQ(people[0]->command({{"type", "submit_point"}, {"text", std::string(1001, 'b')}})["code"], "too_long");
  EXPECT_EQ(people[0]->command({{"type", "present_proposal"}, {"title", "T"}, {"text", "x"}})["code"], "not_allowed");
  EXPECT_EQ(display->command({{"type", "vote"}, {"poll", 1}, {"text", "hi"}})["code"], "not_allowed");
}

TEST_F(Decisions, AnObjectionBlocksAdoptionUntilTheProposalIsAmended) {
  ASSERT_EQ(fac->command({{"type", "present_proposal"}, {"title", "Meeting time"},
                          {"text", "We meet on Tuesdays at 10:00."}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}})["code"], "wrong_phase");
  ASSERT_EQ(fac->command({{"type", "set_consent_phase"}, {"proposal", 1}, {"phase", "consent"}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", "consent"}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", "objection"}})["code"], "text_invalid");
  EXPECT_EQ(people[1]->command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", "objection"},
                                {"text", "I work on Tuesday mornings"}})["type"], "ack");
  EXPECT_EQ(people[2]->command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", "stand_aside"}})["type"], "ack");
  const json refused = fac->command({{"type", "adopt_proposal"}, {"proposal", 1}});
  EXPECT_EQ(refused["code"], "objection_open");
  drain_all();
  json proposal = latest(*people[3], "proposals")[0];
  EXPECT_EQ(proposal["phase"], "consent");
  ASSERT_EQ(proposal["objections"].size(), 1u);
  EXPECT_EQ(proposal["objections"][0]["status"], "open");
  EXPECT_EQ(proposal["objections"][0]["participant"], ids[1]);

  ASSERT_EQ(fac->command({{"type", "amend_proposal"}, {"proposal", 1}, {"text", "We meet on Tuesdays at 14:00."}})["type"], "ack");
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(people[i]->command({{"type", "answer_consent"}, {"proposal", 1}, {"answer", i == 2 ? "concern" : "consent"},
                                  {"text", i == 2 ? "Parking is hard then" : ""}})["type"], "ack");
  ASSERT_EQ(fac->command({{"type", "adopt_proposal"}, {"proposal", 1}, {"review_date", "2027-03-01"}})["type"], "ack");
  drain_all();
  proposal = latest(*people[3], "proposals")[0];
  EXPECT_EQ(proposal["phase"], "adopted");
  EXPECT_EQ(proposal["versions"], json({"We meet on Tuesdays at 10:00.", "We meet on Tuesdays at 14:00."}));
  EXPECT_EQ(proposal["objections"][0]["status"], "integrated");
  const json decisions = latest(*people[3], "decisions");
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0]["text"], "We meet on Tuesdays at 14:00.");
  EXPECT_EQ(decisions[0]["review_date"], "2027-03-01");
  EXPECT_EQ(decisions[0]["prev_hash"], std::string(64, '0'));
  EXPECT_EQ(decisions[0]["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(decisions[0]["dissent"], json({"Rae (concern): Parking is hard then"}));
  EXPECT_EQ(decisions[0]["present_count"], 5);  // the facilitator and four people; the room display is not a person
}

TEST_F(Decisions, WrittenQuestionIsUpvotedAndTakenUpAndSignalsReachTheFacilitator) {
  ASSERT_EQ(people[0]->command({{"type", "submit_point"}, {"kind", "question"}, {"text", "Who pays for the hall?"},
                                {"anonymous", true}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "upvote_point"}, {"point", 1}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "upvote_point"}, {"point", 1}})["code"], "already_voted");
  EXPECT_EQ(people[2]->command({{"type", "upvote_point"}, {"point", 1}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "set_point_status"}, {"point", 1}, {"status", "taken_up"}})["code"], "not_allowed");
  ASSERT_EQ(fac->command({{"type", "set_point_status"}, {"point", 1}, {"status", "taken_up"}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "send_signal"}, {"kind", "slow_down"}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "send_signal"}, {"kind", "slow_down"}})["code"], "already_signalled");
  drain_all();
  const json point = latest(*people[3], "points")[0];
  EXPECT_EQ(point["upvotes"], 2);
  EXPECT_EQ(point["status"], "taken_up");
  EXPECT_TRUE(point["author"].is_null());
  EXPECT_EQ(latest(*fac, "signals")["counts"]["slow_down"], 1);
  EXPECT_TRUE(latest(*display, "signals").is_null() || latest(*display, "signals")["counts"].empty());
  // Once three people agree (the default threshold), the room display shows it too.
  EXPECT_EQ(people[1]->command({{"type", "send_signal"}, {"kind", "slow_down"}})["type"], "ack");
  EXPECT_EQ(people[2]->command({{"type", "send_signal"}, {"kind", "slow_down"}})["type"], "ack");
  drain_all();
  EXPECT_EQ(latest(*display, "signals")["counts"]["slow_down"], 3);
}

TEST_F(Decisions, AgreementItemsAreAdoptedByConsentAndFlaggedAnonymously) {
  ASSERT_EQ(people[0]->command({{"type", "propose_agreement_item"}, {"text", "One voice at a time"}, {"anonymous", true}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "flag_agreement_item"}, {"item", 1}})["code"], "invalid_argument");
  ASSERT_EQ(fac->command({{"type", "consent_check"}, {"item", 1}})["type"], "ack");
  EXPECT_EQ(people[1]->command({{"type", "flag_agreement_item"}, {"item", 1}})["type"], "ack");
  drain_all();
  const json item = latest(*people[2], "agreement")[0];
  EXPECT_EQ(item["status"], "adopted");
  EXPECT_TRUE(item["author"].is_null());
  EXPECT_FALSE(item.contains("flags"));
  EXPECT_EQ(latest(*fac, "agreement")[0]["flags"], 1);
  EXPECT_EQ(latest(*people[2], "decisions")[0]["method"], "quick consent check");
}

TEST_F(Decisions, AgendaItemsHaveACurrentItemAndCollectDecisions) {
  ASSERT_EQ(fac->command({{"type", "add_agenda_item"}, {"title", "Check-in"}, {"timebox_minutes", 10}})["type"], "ack");
  ASSERT_EQ(fac->command({{"type", "add_agenda_item"}, {"title", "Budget"}, {"timebox_minutes", 30}})["type"], "ack");
  ASSERT_EQ(fac->command({{"type", "start_agenda_item"}, {"item", 2}})["type"], "ack");
  ASSERT_EQ(fac->command({{"type", "open_poll"}, {"question", "Approve the budget?"}, {"kind", "single_choice"},
                          {"options", {"Yes", "No"}}, {"decision", true}})["type"], "ack");
  EXPECT_EQ(people[0]->command({{"type", "vote"}, {"poll", 1}, {"choices", {0}}})["type"], "ack");
  ASSERT_EQ(fac->command({{"type", "close_poll"}, {"poll", 1}})["type"], "ack");
  drain_all();
  const json agenda = latest(*people[1], "agenda");
  EXPECT_EQ(agenda["current"], 2);
  EXPECT_EQ(agenda["items"][1]["decisions"], json({1}));
  EXPECT_FALSE(agenda["items"][1].contains("figures"));
  EXPECT_TRUE(latest(*fac, "agenda")["items"][1].contains("figures"));
}

}  // namespace
}  // namespace everyvoice::testing
