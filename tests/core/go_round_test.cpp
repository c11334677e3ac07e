#include "core/go_round.hpp"

#include "meeting_fixture.hpp"

#include <algorithm>
#include <set>
#include <vector>

#include "core/speaking_queue.hpp"

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

class GoRoundTest : public MeetingFixture {
 protected:
  ParticipantId fac = 0;

  // The facilitator and `n` participants, ids 1..n+1.
  void people(int n) {
    fac = join("Fac", Role::facilitator, Location::in_room);
    for (int i = 1; i <= n; ++i) join("Person " + std::to_string(i));
  }
  const GoRound& round() const { return state.rounds.back(); }
  // The RoundStarted event among the events of an accepted command.
  static const RoundStarted* started(const Handled& h) {
    for (const auto& s : h.events)
      if (const auto* e = std::get_if<RoundStarted>(&s.event)) return e;
    return nullptr;
  }
};

// --- the order of a round ---

TEST_F(GoRoundTest, JoinOrderInvitesEveryonePresentAsTheyJoined) {
  people(3);  // 1 Fac, 2, 3, 4
  const Handled h = run(fac, StartRound{"  check-in  ", RoundOrder::join_order, 99});
  ASSERT_TRUE(h.accepted());
  const RoundStarted* e = started(h);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(*e, (RoundStarted{1, "check-in", RoundOrder::join_order, 0, {1, 2, 3, 4}}));  // seed only kept for shuffles
  ASSERT_NE(state.active_round(), nullptr);
  EXPECT_EQ(round().order, (std::vector<ParticipantId>{1, 2, 3, 4}));
  EXPECT_EQ(round().topic, "check-in");
  EXPECT_EQ(round().round_no, 1u);
  EXPECT_TRUE(round().active);
  EXPECT_FALSE(round().completed);
  EXPECT_EQ(round_up_next(state), 1u);
}

TEST_F(GoRoundTest, ShuffledOrderIsDecidedBySeedAndRecordedInTheEvent) {
  people(7);  // eight people, ids 1..8
  const Handled h = run(fac, StartRound{"reactions", RoundOrder::shuffled, 42});
  ASSERT_TRUE(h.accepted());
  const RoundStarted* e = started(h);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->seed, 42u);
  EXPECT_EQ(e->order_kind, RoundOrder::shuffled);
  // The Fisher-Yates shuffle driven by splitmix64(42), worked out independently: the same on
  // every platform, so a replayed or re-run round matches.
  const std::vector<ParticipantId> expected{4, 2, 7, 3, 5, 1, 8, 6};
  EXPECT_EQ(e->order, expected);
  EXPECT_EQ(round().order, expected);
  EXPECT_EQ(round().seed, 42u);
  EXPECT_EQ(round_up_next(state), 4u);

  // The same seed gives the same order again.
  ok(fac, EndRound{});
  const Handled again = run(fac, StartRound{"reactions again", RoundOrder::shuffled, 42});
  ASSERT_TRUE(again.accepted());
  EXPECT_EQ(started(again)->order, expected);
  EXPECT_EQ(started(again)->round_no, 2u);
  EXPECT_EQ(round_order(state, RoundOrder::shuffled, 42), expected);
}

TEST_F(GoRoundTest, DifferentSeedsGiveDifferentOrdersOfTheSamePeople) {
  people(7);
  const std::vector<ParticipantId> everyone{1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(round_order(state, RoundOrder::shuffled, 1), (std::vector<ParticipantId>{5, 4, 3, 8, 6, 7, 1, 2}));
  EXPECT_EQ(round_order(state, RoundOrder::shuffled, 2), (std::vector<ParticipantId>{6, 3, 8, 5, 2, 4, 1, 7}));
  std::set<std::vector<ParticipantId>> seen;
  int identity = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    auto order = round_order(state, RoundOrder::shuffled, seed);
    if (order == everyone) ++identity;
    seen.insert(order);
    std::sort(order.begin(), order.end());
    EXPECT_EQ(order, everyone) << "seed " << seed;  // a permutation: everyone once
  }
  // 8! = 40320 orders: 100 seeds should all differ, and almost never be join order.
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_LE(identity, 1);
}

TEST_F(GoRoundTest, QuietestFirstOrdersByTimeThenTurnsThenJoinOrder) {
  people(5);  // 1 Fac, 2..6
  speak(fac, 2, 60'000);
  speak(fac, 3, 10'000);
  speak(fac, 4, 5'000);
  speak(fac, 4, 5'000);  // 10 s as well, but in two turns: after 3
  // 5 and 6 have not spoken; neither has the facilitator, who goes last all the same: she holds
  // the meeting, she is not a quiet person waiting for the floor (issue 14, item 5).
  ok(fac, StartRound{"how are we doing", RoundOrder::quietest_first, 0});
  EXPECT_EQ(round().order, (std::vector<ParticipantId>{5, 6, 3, 4, 2, 1}));
}

// Starting a round ends the current turn; its length counts when ordering quietest first, so
// someone who has just held the floor for ten minutes is not taken for a quiet person.
TEST_F(GoRoundTest, QuietestFirstCountsTheTurnTheRoundEnds) {
  people(3);  // 1 Fac, 2, 3, 4
  speak(fac, 3, 60'000);
  ok(2, RaiseHand{2, HandKind::new_point});
  ok(fac, CallNext{});
  advance(600'000);  // Person 1 (id 2) speaks for ten minutes...
  ok(fac, StartRound{"reactions", RoundOrder::quietest_first, 0});  // ...until the round starts
  EXPECT_EQ(state.participants[1].spoken_ms, 600'000);
  EXPECT_EQ(round().order, (std::vector<ParticipantId>{4, 3, 2, 1}));
}

TEST_F(GoRoundTest, AwayPeopleObserversAndRemovedPeopleAreNotInvited) {
  people(4);  // 1 Fac, 2..5
  const auto display = join("Display", Role::observer, Location::in_room);  // 6
  ok(fac, AddProxy{"Gran", Location::in_room});                             // 7, a proxy is invited
  ok(3, SetPresence{3, Presence::away});
  ok(fac, RemoveParticipant{4});
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  EXPECT_EQ(round().order, (std::vector<ParticipantId>{1, 2, 5, 7}));
  EXPECT_EQ(std::count(round().order.begin(), round().order.end(), display), 0);
  // Someone who comes back mid-round is not added to it; the next round includes them.
  ok(3, SetPresence{3, Presence::here});
  EXPECT_EQ(round().order, (std::vector<ParticipantId>{1, 2, 5, 7}));
  ok(fac, EndRound{});
  ok(fac, StartRound{"again", RoundOrder::join_order, 0});
  EXPECT_EQ(round().order, (std::vector<ParticipantId>{1, 2, 3, 5, 7}));
}

TEST_F(GoRoundTest, StartingARoundIsForFacilitatorsAndOneAtATime) {
  people(2);
  refused(2, StartRound{"mine", RoundOrder::join_order, 0}, ErrorCode::not_allowed);
  refused(fac, StartRound{std::string(201, 't'), RoundOrder::join_order, 0}, ErrorCode::text_invalid);
  ok(fac, StartRound{"first", RoundOrder::join_order, 0});
  refused(fac, StartRound{"second", RoundOrder::join_order, 0}, ErrorCode::round_in_progress);
  EXPECT_EQ(state.rounds.size(), 1u);
}

TEST_F(GoRoundTest, ARoundNeedsSomeonePresent) {
  people(1);
  ok(2, SetPresence{2, Presence::away});
  ok(fac, SetPresence{fac, Presence::away});
  refused(fac, StartRound{"anyone?", RoundOrder::join_order, 0}, ErrorCode::invalid_argument);
}

TEST_F(GoRoundTest, StartingARoundEndsTheCurrentQueueTurn) {
  people(2);
  ok(2, RaiseHand{2, HandKind::new_point});
  ok(fac, CallNext{});
  advance(12'000);
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_EQ(state.participants[1].spoken_ms, 12'000);
}

// --- answering: speak, pass, skip ---

TEST_F(GoRoundTest, SpeakingInARoundIsATurn) {
  people(2);  // 1 Fac, 2, 3
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});  // the facilitator passes their own go
  EXPECT_EQ(round_up_next(state), 2u);
  ok(2, RoundSpeak{});
  ASSERT_TRUE(state.turn.has_value());
  EXPECT_EQ(state.turn->who, 2u);
  EXPECT_TRUE(state.turn->in_round);
  EXPECT_EQ(state.participants[1].turns, 1u);
  EXPECT_EQ(state.last_speaker_location, Location::remote);
  // While they speak, nobody answers for the next person.
  refused(2, RoundSpeak{}, ErrorCode::already_speaking);
  refused(fac, RoundPass{}, ErrorCode::already_speaking);
  refused(fac, RoundSkip{"hurry"}, ErrorCode::already_speaking);
  advance(25'000);
  ok(2, EndTurn{});
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_EQ(state.participants[1].spoken_ms, 25'000);
  EXPECT_EQ(round_up_next(state), 3u);
  EXPECT_EQ(round().steps, (std::vector<RoundStep>{{1, RoundStepKind::passed, ""}, {2, RoundStepKind::spoke, ""}}));
  EXPECT_TRUE(state.active_round()->active);
  // Speaking in a round counts for the queue's fairness too.
  ok(2, RaiseHand{2, HandKind::new_point});
  ok(3, RaiseHand{3, HandKind::new_point});
  const auto order = ordered_queue(state);
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0].who, 3u);
  EXPECT_EQ(order[1].reason, "1 turn so far, 25 s");
}

TEST_F(GoRoundTest, OnlyThePersonWhoIsUpOrAFacilitatorAnswers) {
  people(3);  // 1 Fac, 2, 3, 4
  const auto co = join("Co", Role::co_facilitator);  // 5
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ASSERT_EQ(round_up_next(state), 2u);
  refused(3, RoundSpeak{}, ErrorCode::not_your_turn);
  refused(3, RoundPass{}, ErrorCode::not_your_turn);
  refused(4, RoundPass{}, ErrorCode::not_your_turn);
  ok(2, RoundPass{});
  // A co-facilitator may answer for the person who is up (say, relaying a remote person).
  ok(co, RoundSpeak{});
  EXPECT_EQ(state.turn->who, 3u);
  ok(co, EndTurn{});
  EXPECT_EQ(round_up_next(state), 4u);
}

TEST_F(GoRoundTest, SkippingNeedsAFacilitatorAndAReason) {
  people(3);  // 1 Fac, 2, 3, 4
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  refused(2, RoundSkip{"skip me"}, ErrorCode::not_allowed);
  refused(3, RoundSkip{"skip them"}, ErrorCode::not_allowed);
  refused(fac, RoundSkip{""}, ErrorCode::reason_required);
  refused(fac, RoundSkip{"  "}, ErrorCode::reason_required);
  ok(fac, RoundSkip{" stepped out "});
  EXPECT_EQ(round().steps.back(), (RoundStep{2, RoundStepKind::skipped, "stepped out"}));
  EXPECT_EQ(round_up_next(state), 3u);
}

TEST_F(GoRoundTest, AnAwayPersonCannotSpeakAndIsSkipped) {
  people(2);  // 1 Fac, 2, 3
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(2, SetPresence{2, Presence::away});
  refused(fac, RoundSpeak{}, ErrorCode::participant_away);
  ok(fac, RoundSkip{"away"});
  EXPECT_EQ(round_up_next(state), 3u);
}

TEST_F(GoRoundTest, RoundEndsAfterTheLastPersonPasses) {
  people(2);
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(2, RoundPass{});
  const Handled h = run(3, RoundPass{});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(std::get<RoundEnded>(h.events[1].event), (RoundEnded{1, true}));
  EXPECT_EQ(state.active_round(), nullptr);
  EXPECT_FALSE(round().active);
  EXPECT_TRUE(round().completed);
  EXPECT_EQ(round().steps.size(), 3u);
  EXPECT_EQ(round_up_next(state), 0u);
  refused(3, RoundPass{}, ErrorCode::no_round);
}

TEST_F(GoRoundTest, RoundEndsWhenTheLastSpeakerFinishes) {
  people(1);  // 1 Fac, 2
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(2, RoundSpeak{});
  EXPECT_NE(state.active_round(), nullptr);  // still running while the last person speaks
  advance(9'000);
  ok(2, EndTurn{});
  EXPECT_EQ(state.active_round(), nullptr);
  EXPECT_TRUE(round().completed);
  EXPECT_EQ(round().steps.back(), (RoundStep{2, RoundStepKind::spoke, ""}));
  EXPECT_EQ(state.participants[1].spoken_ms, 9'000);
}

TEST_F(GoRoundTest, RoundEndsWhenTheLastPersonIsSkipped) {
  people(1);
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(fac, RoundSkip{"no answer"});
  EXPECT_EQ(state.active_round(), nullptr);
  EXPECT_TRUE(round().completed);
}

TEST_F(GoRoundTest, EndRoundEarlyIsNotCompleted) {
  people(3);
  refused(fac, EndRound{}, ErrorCode::no_round);
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  refused(2, EndRound{}, ErrorCode::not_allowed);
  ok(fac, EndRound{});
  EXPECT_EQ(state.active_round(), nullptr);
  EXPECT_FALSE(round().completed);
  EXPECT_EQ(round().steps.size(), 1u);
  refused(fac, RoundSpeak{}, ErrorCode::no_round);
  refused(fac, RoundSkip{"x"}, ErrorCode::no_round);
}

TEST_F(GoRoundTest, EndRoundWhileSomeoneSpeaksEndsTheirTurnFirst) {
  people(3);  // 1 Fac, 2, 3, 4
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(2, RoundSpeak{});
  advance(4'000);
  ok(fac, EndRound{});
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_EQ(state.participants[1].spoken_ms, 4'000);
  EXPECT_FALSE(round().completed);
  EXPECT_EQ(round().steps.back(), (RoundStep{2, RoundStepKind::spoke, ""}));
}

TEST_F(GoRoundTest, EndRoundDuringTheLastGoCountsAsCompleted) {
  people(1);  // 1 Fac, 2
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(2, RoundSpeak{});
  advance(4'000);
  ok(fac, EndRound{});
  EXPECT_TRUE(round().completed);  // everyone had their go
}

TEST_F(GoRoundTest, QueueIsPausedWhileARoundRuns) {
  people(2);
  ok(2, RaiseHand{2, HandKind::new_point});
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  refused(fac, CallNext{}, ErrorCode::round_in_progress);
  refused(fac, CallSpeaker{3, "urgent"}, ErrorCode::round_in_progress);
  // Hands can still go up; they wait for the round to end.
  ok(3, RaiseHand{3, HandKind::new_point});
  EXPECT_EQ(state.queue.size(), 2u);
  ok(fac, EndRound{});
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, 2u);
  EXPECT_FALSE(state.turn->in_round);
}

// The queue is paused, not cleared, by a round: someone whose hand was up before the round has
// their go and keeps their place (their round turn does count as a turn for the order). Only a
// hand raised *while* they hold the floor is refused, as for any speaker.
TEST_F(GoRoundTest, HandRaisedBeforeARoundKeepsItsPlace) {
  people(2);  // 1 Fac, 2, 3
  ok(2, RaiseHand{2, HandKind::new_point});
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(2, RoundSpeak{});
  EXPECT_NE(state.queue_entry(2), nullptr);
  refused(3, RoundPass{}, ErrorCode::already_speaking);
  advance(5'000);
  ok(2, EndTurn{});
  ok(3, RoundPass{});
  ASSERT_EQ(state.active_round(), nullptr);
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, 2u);
  EXPECT_FALSE(state.turn->in_round);
  EXPECT_EQ(state.participants[1].turns, 2u);
}

// Someone made a room display mid-round cannot take the floor when their go comes (as with
// CallSpeaker); the facilitator skips them.
TEST_F(GoRoundTest, ARoomDisplayCannotSpeakInARound) {
  people(2);  // 1 Fac, 2, 3
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(fac, SetRole{2, Role::observer});
  ASSERT_EQ(round_up_next(state), 2u);
  refused(2, RoundSpeak{}, ErrorCode::invalid_argument);
  refused(fac, RoundSpeak{}, ErrorCode::invalid_argument);
  ok(fac, RoundSkip{"now the room display"});
  EXPECT_EQ(round_up_next(state), 3u);
}

TEST_F(GoRoundTest, StepawayOfTheSpeakerEndsTheirRoundTurn) {
  people(1);  // 1 Fac, 2
  ok(fac, StartRound{"check-in", RoundOrder::join_order, 0});
  ok(fac, RoundPass{});
  ok(2, RoundSpeak{});
  advance(3'000);
  ok(server_actor, SetPresence{2, Presence::away});  // connection lost
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_EQ(state.participants[1].spoken_ms, 3'000);
  EXPECT_TRUE(round().completed);  // that was the last go
}

TEST_F(GoRoundTest, ReplayGivesTheSameRounds) {
  people(4);
  ok(fac, StartRound{"one", RoundOrder::shuffled, 7});
  for (int i = 0; i < 5; ++i) {
    advance(1'000);
    if (i % 2 == 0) {
      ok(round_up_next(state), RoundSpeak{});
      advance(2'000);
      ok(fac, EndTurn{});
    } else {
      ok(round_up_next(state), RoundPass{});
    }
  }
  EXPECT_TRUE(round().completed);
  ok(fac, StartRound{"two", RoundOrder::quietest_first, 0});
  ok(fac, EndRound{});
  EXPECT_EQ(replay(log), state);
}

}  // namespace
}  // namespace everyvoice::core
