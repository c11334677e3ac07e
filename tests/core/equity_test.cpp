#include "core/equity.hpp"

#include "meeting_fixture.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

#include "core/speaking_queue.hpp"

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

// --- the two summary figures, against values worked out by hand ---

TEST(GiniCoefficient, MatchesHandComputedValues) {
  EXPECT_DOUBLE_EQ(gini_coefficient({}), 0.0);
  EXPECT_DOUBLE_EQ(gini_coefficient({0, 0, 0}), 0.0);  // nobody has spoken: no inequality to show
  EXPECT_DOUBLE_EQ(gini_coefficient({7}), 0.0);
  EXPECT_DOUBLE_EQ(gini_coefficient({1, 1, 1, 1}), 0.0);
  // One of four holds everything: (n-1)/n.
  EXPECT_DOUBLE_EQ(gini_coefficient({0, 0, 0, 10}), 0.75);
  EXPECT_DOUBLE_EQ(gini_coefficient({10, 0, 0, 0}), 0.75);  // order of the input does not matter
  EXPECT_DOUBLE_EQ(gini_coefficient({0, 5}), 0.5);
  // {1,2,3,4,5}: the |xi - xj| over the 10 unordered pairs sum to 20, 40 over ordered pairs;
  // 2 n^2 mean = 2 * 25 * 3 = 150; 40 / 150 = 4/15.
  EXPECT_NEAR(gini_coefficient({1, 2, 3, 4, 5}), 4.0 / 15.0, 1e-12);
  EXPECT_NEAR(gini_coefficient({5, 3, 1, 4, 2}), 4.0 / 15.0, 1e-12);
  // {0,0,20,30,60}: pairs sum to 300 (600 ordered); 2 * 25 * 22 = 1100; 600/1100 = 6/11.
  EXPECT_NEAR(gini_coefficient({60, 0, 30, 20, 0}), 6.0 / 11.0, 1e-12);
  // Scaling every value does not change it.
  EXPECT_NEAR(gini_coefficient({1000, 2000, 3000, 4000, 5000}), 4.0 / 15.0, 1e-12);
}

TEST(TopFifthShare, MatchesHandComputedValues) {
  EXPECT_DOUBLE_EQ(top_fifth_share({}), 0.0);
  EXPECT_DOUBLE_EQ(top_fifth_share({0, 0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(top_fifth_share({0, 0, 0, 10}), 1.0);   // ceil(4/5) = 1 person holds it all
  EXPECT_DOUBLE_EQ(top_fifth_share({1, 1, 1, 1}), 0.25);   // 1 of 4 equal speakers
  EXPECT_DOUBLE_EQ(top_fifth_share({1, 2, 3, 4, 5}), 5.0 / 15.0);
  EXPECT_DOUBLE_EQ(top_fifth_share({5, 1, 4, 2, 3}), 5.0 / 15.0);
  // Six people: the top fifth rounds up to two people, 6 + 5 of 21.
  EXPECT_DOUBLE_EQ(top_fifth_share({1, 2, 3, 4, 5, 6}), 11.0 / 21.0);
  // Ten people: exactly two.
  EXPECT_DOUBLE_EQ(top_fifth_share({10, 10, 0, 0, 0, 0, 0, 0, 0, 0}), 1.0);
  EXPECT_DOUBLE_EQ(top_fifth_share({10, 10, 10, 0, 0, 0, 0, 0, 0, 0}), 20.0 / 30.0);
}

// --- figures of a meeting driven through commands ---

class EquityTest : public MeetingFixture {
 protected:
  static const PersonFigures* person(const EquityFigures& f, ParticipantId id) {
    for (const auto& p : f.people)
      if (p.id == id) return &p;
    return nullptr;
  }
  static double share_sum(const EquityFigures& f) {
    return std::accumulate(f.people.begin(), f.people.end(), 0.0,
                           [](double sum, const PersonFigures& p) { return sum + p.share; });
  }
};

TEST_F(EquityTest, NobodyHasSpokenYet) {
  const auto fac = join("Fac", Role::facilitator, Location::in_room);
  const auto a = join("Ade");
  join("Display", Role::observer, Location::in_room);
  const auto f = equity_figures(state, now);
  EXPECT_EQ(f.total_spoken_ms, 0);
  ASSERT_EQ(f.people.size(), 2u);  // the room display is not a person in the figures
  EXPECT_EQ(f.people[0].id, fac);
  EXPECT_EQ(f.people[1].id, a);
  for (const auto& p : f.people) {
    EXPECT_EQ(p.spoken_ms, 0);
    EXPECT_EQ(p.share, 0.0);
  }
  EXPECT_EQ(f.not_spoken, (std::vector<ParticipantId>{a})) << "the facilitator is not among the unheard";
  EXPECT_EQ(f.gini, 0.0);
  EXPECT_EQ(f.top_fifth_share, 0.0);
  EXPECT_EQ(f.in_room.people, 1u);
  EXPECT_EQ(f.remote.people, 1u);
  EXPECT_DOUBLE_EQ(f.in_room.people_share, 0.5);
  EXPECT_EQ(f.in_room.speaking_share, 0.0);
  EXPECT_TRUE(f.overrides.empty());
}

// Issue 14, item 5: "Remote: longest 18 s" while someone had waited five minutes and was never
// called. People still waiting count, with how long so far.
TEST_F(EquityTest, SomeoneStillWaitingShowsInTheLongestWait) {
  const auto fac = join("Fac", Role::facilitator, Location::in_room);
  const auto rae = join("Rae", Role::participant, Location::remote);
  const auto sol = join("Sol", Role::participant, Location::remote);
  ok(sol, RaiseHand{sol, HandKind::new_point});
  advance(18'000);
  ok(fac, CallNext{});  // Sol waited 18 s
  ok(fac, EndTurn{});
  ok(rae, RaiseHand{rae, HandKind::new_point});
  advance(300'000);  // Rae has waited five minutes, and is still waiting
  const auto f = equity_figures(state, now);
  EXPECT_EQ(f.remote.waits, 1u);
  EXPECT_EQ(f.remote.mean_wait_ms, 18'000);
  EXPECT_EQ(f.remote.waiting, 1u);
  EXPECT_EQ(f.remote.longest_waiting_ms, 300'000);
  EXPECT_EQ(f.remote.longest_wait_ms, 300'000);
  EXPECT_EQ(f.in_room.waiting, 0u);
  EXPECT_EQ(equity_figures(state, now + 60'000).remote.longest_waiting_ms, 360'000) << "it grows with now";
}

// A meeting with speakers in the room and remote, waits in the queue, overrides, a running turn,
// and people who left in different ways. Times are in seconds from t0.
class DrivenMeeting : public EquityTest {
 protected:
  ParticipantId fac = 0, ade = 0, bea = 0, cal = 0, dan = 0, display = 0, xen = 0, yas = 0, zoe = 0;
  Millis t0 = 0;

  void SetUp() override {
    t0 = now;
    fac = join("Fac", Role::facilitator, Location::in_room);
    ade = join("Ade", Role::participant, Location::in_room);
    bea = join("Bea", Role::participant, Location::remote);
    cal = join("Cal", Role::participant, Location::remote);
    dan = join("Dan", Role::participant, Location::remote);  // present, never speaks
    display = join("Display", Role::observer, Location::in_room);
    xen = join("Xen", Role::participant, Location::remote);   // removed without speaking
    yas = join("Yas", Role::participant, Location::in_room);  // speaks, then is removed
    zoe = join("Zoe", Role::participant, Location::remote);   // away, never speaks

    ok(zoe, SetPresence{zoe, Presence::away});
    ok(fac, RemoveParticipant{xen});

    ok(ade, RaiseHand{ade, HandKind::new_point});            // t0
    advance(10'000);
    ok(bea, RaiseHand{bea, HandKind::new_point});            // t0 + 10
    advance(30'000);
    ok(fac, CallNext{});                                     // t0 + 40: Ade, waited 40 s (in room)
    advance(60'000);
    ok(fac, CallNext{});                                     // t0 + 100: Ade spoke 60 s; Bea waited 90 s
    advance(30'000);
    ok(fac, EndTurn{});                                      // t0 + 130: Bea spoke 30 s
    ok(cal, RaiseHand{cal, HandKind::new_point});
    ok(dan, RaiseHand{dan, HandKind::new_point});
    ok(fac, MoveEntry{dan, 0, "time-sensitive"});
    ok(fac, RemoveEntry{dan, "asked to write instead"});
    ok(fac, CallSpeaker{yas, "responding to the fire alarm"});  // out of order: Cal waits
    advance(10'000);
    ok(fac, EndTurn{});                                      // t0 + 140: Yas spoke 10 s
    ok(fac, RemoveParticipant{yas});
    advance(40'000);
    ok(fac, CallNext{});                                     // t0 + 180: Cal, waited 50 s (remote)
    advance(20'000);                                         // t0 + 200: Cal's turn is running
  }
};

TEST_F(DrivenMeeting, PerPersonTimeTurnsAndShares) {
  ASSERT_TRUE(state.turn.has_value());
  ASSERT_EQ(state.turn->who, cal);
  const auto f = equity_figures(state, now);

  EXPECT_EQ(f.total_spoken_ms, 120'000);
  // Present people, plus Yas who spoke before being removed; not the display, not Xen (removed
  // without speaking), not Zoe (away, never spoke).
  std::vector<ParticipantId> listed;
  for (const auto& p : f.people) listed.push_back(p.id);
  EXPECT_EQ(listed, (std::vector<ParticipantId>{fac, ade, bea, cal, dan, yas}));

  const PersonFigures* p = person(f, ade);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name, "Ade");
  EXPECT_EQ(p->location, Location::in_room);
  EXPECT_TRUE(p->present);
  EXPECT_EQ(p->spoken_ms, 60'000);
  EXPECT_EQ(p->turns, 1u);
  EXPECT_DOUBLE_EQ(p->share, 0.5);

  p = person(f, bea);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->spoken_ms, 30'000);
  EXPECT_DOUBLE_EQ(p->share, 0.25);

  // The running turn counts up to `now`, and its turn is already counted.
  p = person(f, cal);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->spoken_ms, 20'000);
  EXPECT_EQ(p->turns, 1u);
  EXPECT_DOUBLE_EQ(p->share, 20.0 / 120.0);

  p = person(f, yas);
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->present);
  EXPECT_EQ(p->spoken_ms, 10'000);
  EXPECT_DOUBLE_EQ(p->share, 10.0 / 120.0);

  p = person(f, dan);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->spoken_ms, 0);
  EXPECT_EQ(p->turns, 0u);
  EXPECT_EQ(p->share, 0.0);

  EXPECT_NEAR(share_sum(f), 1.0, 1e-12);
}

TEST_F(DrivenMeeting, RunningTurnGrowsWithNow) {
  const auto later = equity_figures(state, now + 30'000);
  EXPECT_EQ(person(later, cal)->spoken_ms, 50'000);
  EXPECT_EQ(later.total_spoken_ms, 150'000);
  EXPECT_NEAR(share_sum(later), 1.0, 1e-12);
  // Once the turn ends, the time is fixed: asking later changes nothing.
  advance(30'000);
  ok(fac, EndTurn{});
  EXPECT_EQ(state.participants[cal - 1].spoken_ms, 50'000);
  EXPECT_EQ(equity_figures(state, now + 3'600'000), equity_figures(state, now));
}

TEST_F(DrivenMeeting, NotSpokenListsPresentPeopleWithoutATurn) {
  const auto f = equity_figures(state, now);
  // Dan is here and has not spoken; Zoe is away and Xen was removed; the facilitator holds the
  // meeting and is not counted among the unheard.
  EXPECT_EQ(f.not_spoken, (std::vector<ParticipantId>{dan}));
  // Zoe coming back puts her on the list, and speaking takes Dan off it.
  ok(zoe, SetPresence{zoe, Presence::here});
  ok(fac, CallSpeaker{dan, "quick one"});
  const auto g = equity_figures(state, now);
  EXPECT_EQ(g.not_spoken, (std::vector<ParticipantId>{zoe}));
}

TEST_F(DrivenMeeting, SummaryFiguresCoverPresentPeopleOnly) {
  const auto f = equity_figures(state, now);
  // Present: Fac 0, Ade 60, Bea 30, Cal 20 (running), Dan 0. Yas (removed) is left out.
  EXPECT_NEAR(f.gini, 6.0 / 11.0, 1e-12);
  EXPECT_NEAR(f.top_fifth_share, 60.0 / 110.0, 1e-12);
}

TEST_F(DrivenMeeting, InRoomAndRemoteShares) {
  const auto f = equity_figures(state, now);
  // Present in the room: Fac and Ade; remote: Bea, Cal and Dan.
  EXPECT_EQ(f.in_room.people, 2u);
  EXPECT_EQ(f.remote.people, 3u);
  EXPECT_DOUBLE_EQ(f.in_room.people_share, 0.4);
  EXPECT_DOUBLE_EQ(f.remote.people_share, 0.6);
  // Speaking time by people in each group, including Yas (in the room) who has since been removed.
  EXPECT_EQ(f.in_room.spoken_ms, 70'000);
  EXPECT_EQ(f.remote.spoken_ms, 50'000);
  EXPECT_DOUBLE_EQ(f.in_room.speaking_share, 70.0 / 120.0);
  EXPECT_DOUBLE_EQ(f.remote.speaking_share, 50.0 / 120.0);
  EXPECT_NEAR(f.in_room.speaking_share + f.remote.speaking_share, 1.0, 1e-12);
}

TEST_F(DrivenMeeting, WaitsPerGroupComeFromPeopleCalledFromTheQueue) {
  const auto f = equity_figures(state, now);
  // In the room: Ade waited 40 s. Yas was called without a hand raised: no wait recorded.
  EXPECT_EQ(f.in_room.waits, 1u);
  EXPECT_EQ(f.in_room.mean_wait_ms, 40'000);
  EXPECT_EQ(f.in_room.longest_wait_ms, 40'000);
  // Remote: Bea waited 90 s, Cal 50 s. Dan's hand was removed, so he was never called.
  EXPECT_EQ(f.remote.waits, 2u);
  EXPECT_EQ(f.remote.mean_wait_ms, 70'000);
  EXPECT_EQ(f.remote.longest_wait_ms, 90'000);
}

TEST_F(DrivenMeeting, OverridesAreListedWithTheirReasons) {
  const auto f = equity_figures(state, now);
  const Millis at = t0 + 130'000;
  const std::vector<Override> expected{
      {OverrideKind::moved, fac, dan, "time-sensitive", at},
      {OverrideKind::removed_hand, fac, dan, "asked to write instead", at},
      {OverrideKind::called_out_of_order, fac, yas, "responding to the fire alarm", at},
  };
  EXPECT_EQ(f.overrides, expected);
}

TEST_F(DrivenMeeting, ObserversAndPeopleRemovedWithoutSpeakingAreNotListed) {
  const auto f = equity_figures(state, now);
  EXPECT_EQ(person(f, display), nullptr);
  EXPECT_EQ(person(f, xen), nullptr);
  EXPECT_EQ(person(f, zoe), nullptr);
  // Removing someone who has spoken keeps their time in the figures, so shares still add up.
  ok(fac, RemoveParticipant{ade});
  const auto g = equity_figures(state, now);
  ASSERT_NE(person(g, ade), nullptr);
  EXPECT_FALSE(person(g, ade)->present);
  EXPECT_EQ(g.total_spoken_ms, 120'000);
  EXPECT_NEAR(share_sum(g), 1.0, 1e-12);
  EXPECT_EQ(g.in_room.people, 1u);  // only the facilitator is still present in the room
}

TEST_F(EquityTest, GroupSharesFollowWhereTheSpeakerIsNow) {
  const auto fac = join("Fac", Role::facilitator, Location::in_room);
  const auto mo = join("Mo", Role::participant, Location::remote);
  speak(fac, mo, 30'000);
  auto f = equity_figures(state, now);
  EXPECT_DOUBLE_EQ(f.remote.speaking_share, 1.0);
  EXPECT_EQ(f.in_room.speaking_share, 0.0);
  // Mo walks into the room: their time now counts for the room.
  ok(mo, UpdateProfile{mo, Location::in_room, Preference::none});
  f = equity_figures(state, now);
  EXPECT_DOUBLE_EQ(f.in_room.speaking_share, 1.0);
  EXPECT_EQ(f.remote.spoken_ms, 0);
  EXPECT_EQ(f.remote.people, 0u);
  EXPECT_DOUBLE_EQ(f.in_room.people_share, 1.0);
}

TEST_F(EquityTest, MeanWaitIsTotalOverCount) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ann");
  const auto b = join("Ben");
  const auto c = join("Cy");
  ok(a, RaiseHand{a, HandKind::new_point});
  ok(b, RaiseHand{b, HandKind::new_point});
  ok(c, RaiseHand{c, HandKind::new_point});
  advance(1'000);
  ok(fac, CallNext{});  // Ann, 1 s
  advance(2'000);
  ok(fac, CallNext{});  // Ben, 3 s
  advance(5'000);
  ok(fac, CallNext{});  // Cy, 8 s
  const auto f = equity_figures(state, now);
  EXPECT_EQ(f.remote.waits, 3u);
  EXPECT_EQ(f.remote.mean_wait_ms, 4'000);
  EXPECT_EQ(f.remote.longest_wait_ms, 8'000);
  EXPECT_EQ(f.in_room.waits, 0u);
  EXPECT_EQ(f.in_room.mean_wait_ms, 0);
}

}  // namespace
}  // namespace everyvoice::core
