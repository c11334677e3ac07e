// The agenda: items with a timebox, one current at a time, the time used per item, and speaking
// time, turns and the Gini coefficient within an item.
#include "core/agenda.hpp"

#include "meeting_fixture.hpp"

#include <string>

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

class AgendaTest : public MeetingFixture {
 protected:
  ParticipantId fac = 0, co = 0, ana = 0, bo = 0;

  void SetUp() override {
    fac = join("Fac", Role::facilitator);
    co = join("Co", Role::co_facilitator);
    ana = join("Ana");
    bo = join("Bo");
  }
  const AgendaItem& item(std::uint32_t id) const { return state.agenda.at(id - 1); }
};

TEST_F(AgendaTest, FacilitatorsAddItemsWithATimebox) {
  ASSERT_TRUE(state.agenda.empty());
  refused(ana, AddAgendaItem{"Budget", 20}, ErrorCode::not_allowed);
  refused(fac, AddAgendaItem{"  ", 20}, ErrorCode::text_invalid);
  refused(fac, AddAgendaItem{std::string(max_title_chars + 1, 't'), 20}, ErrorCode::text_invalid);
  refused(fac, AddAgendaItem{"Budget", 601}, ErrorCode::invalid_argument);
  const Handled h = run(co, AddAgendaItem{"  Budget  ", 20});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 1u);
  EXPECT_EQ(h.events[0].event, (Event{AgendaItemAdded{1, "Budget", 20}}));
  const AgendaItem& a = item(1);
  EXPECT_EQ(a.id, 1u);
  EXPECT_EQ(a.title, "Budget");
  EXPECT_EQ(a.timebox_minutes, 20u);
  EXPECT_EQ(a.used_ms, 0);
  EXPECT_FALSE(a.started_at.has_value());
  EXPECT_EQ(state.current_item, 0u);  // adding does not start it
  ok(fac, AddAgendaItem{"Any other business", 0});  // no timebox
  ok(fac, AddAgendaItem{"Long item", 600});
  EXPECT_EQ(state.agenda.size(), 3u);
}

TEST_F(AgendaTest, AnAgendaHoldsAtMostAHundredItems) {
  for (int i = 1; i <= 100; ++i) ok(fac, AddAgendaItem{"Item " + std::to_string(i), 5});
  refused(fac, AddAgendaItem{"One too many", 5}, ErrorCode::invalid_argument);
  EXPECT_EQ(state.agenda.size(), 100u);
}

TEST_F(AgendaTest, StartAndSwitchCountTheTimeUsed) {
  ok(fac, AddAgendaItem{"Welcome", 5});
  ok(fac, AddAgendaItem{"Budget", 20});
  refused(ana, StartAgendaItem{1}, ErrorCode::not_allowed);
  refused(fac, StartAgendaItem{3}, ErrorCode::not_found);
  const Millis t0 = now;
  const Handled h = run(fac, StartAgendaItem{1});
  ASSERT_TRUE(h.accepted());
  EXPECT_EQ(h.events.at(0).event, (Event{AgendaItemStarted{1}}));
  EXPECT_EQ(state.current_item, 1u);
  EXPECT_EQ(item(1).started_at, t0);
  advance(4 * 60'000);
  EXPECT_EQ(agenda_time_used(item(1), now), 4 * 60'000);
  EXPECT_EQ(agenda_time_used(item(2), now), 0);
  // Starting the current item again changes nothing.
  const MeetingState before = state;
  const Handled same = run(fac, StartAgendaItem{1});
  ASSERT_TRUE(same.accepted());
  EXPECT_TRUE(same.events.empty());
  EXPECT_EQ(state, before);
  // Switch to item 2: item 1 keeps its four minutes.
  ok(co, StartAgendaItem{2});
  EXPECT_EQ(state.current_item, 2u);
  EXPECT_EQ(item(1).used_ms, 4 * 60'000);
  EXPECT_FALSE(item(1).started_at.has_value());
  EXPECT_EQ(item(2).started_at, now);
  advance(10 * 60'000);
  EXPECT_EQ(agenda_time_used(item(1), now), 4 * 60'000);
  EXPECT_EQ(agenda_time_used(item(2), now), 10 * 60'000);
  // Back to item 1 for a minute: its time adds up.
  ok(fac, StartAgendaItem{1});
  advance(60'000);
  EXPECT_EQ(agenda_time_used(item(1), now), 5 * 60'000);
  EXPECT_EQ(item(2).used_ms, 10 * 60'000);
  // No current item: the clock stops for all.
  ok(fac, StartAgendaItem{0});
  EXPECT_EQ(state.current_item, 0u);
  advance(60'000);
  EXPECT_EQ(agenda_time_used(item(1), now), 5 * 60'000);
  EXPECT_EQ(agenda_time_used(item(2), now), 10 * 60'000);
  EXPECT_EQ(log.back().event, (Event{AgendaItemStarted{0}}));
  EXPECT_EQ(replay(log), state);
}

TEST_F(AgendaTest, TimeUsedIsNeverNegative) {
  ok(fac, AddAgendaItem{"Welcome", 5});
  ok(fac, StartAgendaItem{1});
  EXPECT_EQ(agenda_time_used(item(1), now - 1'000), 0);
}

TEST_F(AgendaTest, SpeakingTimeAndTurnsAreCountedPerItem) {
  ok(fac, AddAgendaItem{"Welcome", 5});
  ok(fac, AddAgendaItem{"Budget", 20});
  speak(fac, ana, 10'000);  // before any item: counted for the meeting only
  ok(fac, StartAgendaItem{1});
  speak(fac, ana, 30'000);
  speak(fac, bo, 10'000);
  speak(fac, ana, 5'000);
  ok(fac, StartAgendaItem{2});
  speak(fac, bo, 7'000);
  const AgendaItem& one = item(1);
  EXPECT_EQ(one.spoken_ms, (std::map<ParticipantId, Millis>{{ana, 35'000}, {bo, 10'000}}));
  EXPECT_EQ(one.turns, (std::map<ParticipantId, std::uint32_t>{{ana, 2}, {bo, 1}}));
  const AgendaItem& two = item(2);
  EXPECT_EQ(two.spoken_ms, (std::map<ParticipantId, Millis>{{bo, 7'000}}));
  EXPECT_EQ(two.turns, (std::map<ParticipantId, std::uint32_t>{{bo, 1}}));
  // The meeting's own figures include the turn before the agenda started.
  EXPECT_EQ(state.participants[ana - 1].spoken_ms, 45'000);
  EXPECT_EQ(state.participants[ana - 1].turns, 3u);
  EXPECT_EQ(replay(log), state);
}

TEST_F(AgendaTest, ATurnAcrossASwitchCountsWhereItStartedAndEnded) {
  // Documents the current rule: the turn is counted in the item where it started, its time in the
  // item current when it ended.
  ok(fac, AddAgendaItem{"Welcome", 5});
  ok(fac, AddAgendaItem{"Budget", 20});
  ok(fac, StartAgendaItem{1});
  ok(fac, CallSpeaker{ana, "intro"});
  advance(20'000);
  ok(fac, StartAgendaItem{2});
  advance(5'000);
  ok(fac, EndTurn{});
  EXPECT_EQ(item(1).turns.at(ana), 1u);
  EXPECT_FALSE(item(1).spoken_ms.contains(ana));
  EXPECT_EQ(item(2).spoken_ms.at(ana), 25'000);
  EXPECT_FALSE(item(2).turns.contains(ana));
}

// Present: Fac, Co, Ana, Bo. In the item Ana spoke 30 s, Bo 10 s, Fac and Co 0 s:
// sorted 0, 0, 10, 30 (n = 4, total 40); G = 2 * (3*10 + 4*30) / (4 * 40) - 5/4 = 300/160 - 1.25 = 0.625.
TEST_F(AgendaTest, GiniWithinAnItemOverThePeoplePresent) {
  ok(fac, AddAgendaItem{"Budget", 20});
  ok(fac, StartAgendaItem{1});
  EXPECT_DOUBLE_EQ(agenda_item_gini(state, item(1)), 0.0);  // nobody has spoken
  speak(fac, ana, 30'000);
  speak(fac, bo, 10'000);
  EXPECT_NEAR(agenda_item_gini(state, item(1)), 0.625, 1e-12);
  // Co leaves: the figure is over the people present now, 0, 10, 30 -> 2*(2*10+3*30)/(3*40) - 4/3 = 0.5.
  ok(co, SetPresence{co, Presence::away});
  EXPECT_NEAR(agenda_item_gini(state, item(1)), 0.5, 1e-12);
  // An equal share gives 0.
  ok(fac, AddAgendaItem{"Rota", 10});
  ok(fac, StartAgendaItem{2});
  for (ParticipantId who : {fac, ana, bo}) speak(fac, who, 12'000);
  EXPECT_NEAR(agenda_item_gini(state, item(2)), 0.0, 1e-12);
}

TEST_F(AgendaTest, DecisionsAndPollsBelongToTheCurrentItem) {
  ok(fac, AddAgendaItem{"Welcome", 5});
  ok(fac, AddAgendaItem{"Budget", 20});
  ok(fac, StartAgendaItem{2});
  PollSpec spec;
  spec.question = "Spend it?";
  spec.options = {"Yes", "No"};
  spec.is_decision = true;
  ok(fac, OpenPoll{spec});
  ok(fac, PresentProposal{"Budget", "We spend it on travel.", 0, false});
  ok(fac, StartAgendaItem{1});
  ok(fac, ClosePoll{1, ""});  // closed under item 1: the decision is dated to the item current at close
  EXPECT_EQ(state.polls[0].agenda_item, 2u);
  EXPECT_EQ(state.proposals[0].agenda_item, 2u);
  EXPECT_EQ(state.decisions.at(0).agenda_item, 1u);
}

}  // namespace
}  // namespace everyvoice::core
