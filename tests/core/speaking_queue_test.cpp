#include "core/speaking_queue.hpp"

#include "meeting_fixture.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace everyvoice::core {
namespace {

using testing::MeetingFixture;

// One line of an expected order: who, and why they are there.
struct Row {
  ParticipantId who;
  ReasonCode code;
  std::string reason;
  bool operator==(const Row&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Row& r) {
  return os << "{" << r.who << ", " << name_of(r.code) << ", \"" << r.reason << "\"}";
}

class SpeakingQueueTest : public MeetingFixture {
 protected:
  // The order as a list of rows, checking on the way that positions run 0..n-1.
  std::vector<Row> rows() const {
    std::vector<Row> out;
    const auto order = ordered_queue(state);
    for (std::size_t i = 0; i < order.size(); ++i) {
      EXPECT_EQ(order[i].position, i);
      out.push_back(Row{order[i].who, order[i].reason_code, order[i].reason});
    }
    return out;
  }
  std::vector<ParticipantId> order_ids() const {
    std::vector<ParticipantId> ids;
    for (const auto& place : ordered_queue(state)) ids.push_back(place.who);
    return ids;
  }
  void raise(ParticipantId who, HandKind kind = HandKind::new_point) { ok(who, RaiseHand{who, kind}); }
};

// --- raising and lowering hands ---

TEST_F(SpeakingQueueTest, RaisingAHandPutsThePersonInTheQueueOnce) {
  join("Fac", Role::facilitator);
  const auto a = join("Ade");
  EXPECT_TRUE(state.queue.empty());
  advance(1'000);
  raise(a, HandKind::direct_reply);
  ASSERT_EQ(state.queue.size(), 1u);
  EXPECT_EQ(state.queue[0].who, a);
  EXPECT_EQ(state.queue[0].kind, HandKind::direct_reply);
  EXPECT_EQ(state.queue[0].raised_at, now);
  // One entry per person, whatever the kind.
  refused(a, RaiseHand{a, HandKind::new_point}, ErrorCode::already_in_queue);
  refused(a, RaiseHand{a, HandKind::point_of_process}, ErrorCode::already_in_queue);
  EXPECT_EQ(state.queue.size(), 1u);
}

TEST_F(SpeakingQueueTest, LoweringAHandTakesThePersonOutWithoutAnOverride) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  raise(a);
  raise(b);
  refused(b, LowerHand{a}, ErrorCode::not_allowed);
  // A facilitator cannot lower a participant's hand either: that is a removal, with a reason.
  refused(fac, LowerHand{a}, ErrorCode::not_allowed);
  ok(a, LowerHand{a});
  EXPECT_EQ(state.queue_entry(a), nullptr);
  EXPECT_NE(state.queue_entry(b), nullptr);
  EXPECT_TRUE(state.overrides.empty());
  refused(a, LowerHand{a}, ErrorCode::hand_not_raised);
  // The hand can go up again, at the back.
  raise(a);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{b, a}));
}

TEST_F(SpeakingQueueTest, OnlyThePersonOrAFacilitatorForAProxyRaisesAHand) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  const auto display = join("Display", Role::observer, Location::in_room);
  refused(a, RaiseHand{b, HandKind::new_point}, ErrorCode::not_allowed);
  refused(fac, RaiseHand{b, HandKind::new_point}, ErrorCode::not_allowed);
  refused(display, RaiseHand{display, HandKind::new_point}, ErrorCode::not_allowed);
  refused(a, RaiseHand{99, HandKind::new_point}, ErrorCode::unknown_participant);
  ok(fac, AddProxy{"Gran", Location::in_room});
  const ParticipantId gran = 5;
  ok(fac, RaiseHand{gran, HandKind::clarifying_question});
  EXPECT_EQ(state.queue_entry(gran)->kind, HandKind::clarifying_question);
}

TEST_F(SpeakingQueueTest, TheSpeakerCannotQueueUntilTheirTurnEnds) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  raise(a);
  ok(fac, CallNext{});
  ASSERT_TRUE(state.turn.has_value());
  EXPECT_EQ(state.turn->who, a);
  EXPECT_EQ(state.queue_entry(a), nullptr);
  refused(a, RaiseHand{a, HandKind::direct_reply}, ErrorCode::already_speaking);
  ok(a, EndTurn{});
  raise(a, HandKind::direct_reply);
  EXPECT_NE(state.queue_entry(a), nullptr);
}

// --- calling people ---

TEST_F(SpeakingQueueTest, CallNextGivesTheFloorToTheFirstInOrder) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  refused(fac, CallNext{}, ErrorCode::queue_empty);
  raise(a);
  advance(5'000);
  raise(b);
  advance(7'000);
  refused(a, CallNext{}, ErrorCode::not_allowed);
  ok(fac, CallNext{});
  ASSERT_TRUE(state.turn.has_value());
  EXPECT_EQ(state.turn->who, a);
  EXPECT_EQ(state.turn->started_at, now);
  EXPECT_FALSE(state.turn->in_round);
  EXPECT_EQ(state.participants[a - 1].turns, 1u);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{b}));
  EXPECT_EQ(state.waits[static_cast<std::size_t>(Location::remote)].count, 1u);
  EXPECT_EQ(state.waits[static_cast<std::size_t>(Location::remote)].total_ms, 12'000);
  EXPECT_TRUE(state.overrides.empty());

  // Calling the next ends the current turn first and measures it.
  advance(42'000);
  const Handled h = run(fac, CallNext{});
  ASSERT_TRUE(h.accepted());
  ASSERT_EQ(h.events.size(), 2u);
  EXPECT_EQ(std::get<TurnEnded>(h.events[0].event), (TurnEnded{a, 42'000}));
  EXPECT_EQ(std::get<TurnStarted>(h.events[1].event), (TurnStarted{b, fac, true, 49'000, "", false}));
  EXPECT_EQ(state.participants[a - 1].spoken_ms, 42'000);
  EXPECT_EQ(state.turn->who, b);
  EXPECT_TRUE(state.queue.empty());
  refused(fac, CallNext{}, ErrorCode::queue_empty);
}

TEST_F(SpeakingQueueTest, CoFacilitatorRunsTheQueueToo) {
  join("Fac", Role::facilitator);
  const auto co = join("Co", Role::co_facilitator);
  const auto a = join("Ade");
  raise(a);
  ok(co, CallNext{});
  EXPECT_EQ(state.turn->who, a);
  ok(co, EndTurn{});
  EXPECT_FALSE(state.turn.has_value());
}

TEST_F(SpeakingQueueTest, CallNextPassesOverAwayPeople) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  raise(a);
  raise(b);
  ok(a, SetPresence{a, Presence::away});
  ok(b, SetPresence{b, Presence::away});
  refused(fac, CallNext{}, ErrorCode::queue_empty);
  // Away people keep their place, and the reason says they are passed over.
  EXPECT_EQ(rows(), (std::vector<Row>{{a, ReasonCode::not_spoken_yet, "has not spoken yet (away: passed over until back)"},
                                      {b, ReasonCode::not_spoken_yet, "has not spoken yet (away: passed over until back)"}}));
  EXPECT_TRUE(ordered_queue(state)[0].away);
  ok(b, SetPresence{b, Presence::here});
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, b);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{a}));
}

TEST_F(SpeakingQueueTest, CallingOutOfOrderNeedsAReasonAndIsRecorded) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  const auto c = join("Cal");  // not in the queue
  raise(a);
  raise(b);
  refused(fac, CallSpeaker{b, ""}, ErrorCode::reason_required);
  refused(fac, CallSpeaker{b, "   \t "}, ErrorCode::reason_required);
  refused(fac, CallSpeaker{c, ""}, ErrorCode::reason_required);
  refused(fac, CallSpeaker{b, std::string(201, 'x')}, ErrorCode::text_invalid);
  refused(fac, CallSpeaker{b, "bad\x01reason"}, ErrorCode::text_invalid);
  refused(a, CallSpeaker{a, "me"}, ErrorCode::not_allowed);

  advance(3'000);
  ok(fac, CallSpeaker{b, "  follows directly on the last point  "});
  EXPECT_EQ(state.turn->who, b);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{a}));
  ASSERT_EQ(state.overrides.size(), 1u);
  EXPECT_EQ(state.overrides[0],
            (Override{OverrideKind::called_out_of_order, fac, b, "follows directly on the last point", now}));
  // Bea's wait counts: she was called from the queue, if out of order.
  EXPECT_EQ(state.waits[static_cast<std::size_t>(Location::remote)].count, 1u);

  // Calling the person who is next needs no reason and is no override.
  ok(fac, CallSpeaker{a, ""});
  EXPECT_EQ(state.turn->who, a);
  EXPECT_EQ(state.overrides.size(), 1u);
  // With nobody waiting, giving someone the floor is not out of order either.
  ok(fac, CallSpeaker{c, ""});
  EXPECT_EQ(state.turn->who, c);
  EXPECT_EQ(state.overrides.size(), 1u);
  refused(fac, CallSpeaker{c, "again"}, ErrorCode::already_speaking);
}

TEST_F(SpeakingQueueTest, CallSpeakerRefusesPeopleWhoCannotTakeTheFloor) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto display = join("Display", Role::observer, Location::in_room);
  refused(fac, CallSpeaker{display, "show"}, ErrorCode::invalid_argument);
  refused(fac, CallSpeaker{77, "who?"}, ErrorCode::unknown_participant);
  ok(a, SetPresence{a, Presence::away});
  refused(fac, CallSpeaker{a, "back?"}, ErrorCode::participant_away);
  ok(fac, SetPresence{a, Presence::here});
  ok(fac, RemoveParticipant{a});
  refused(fac, CallSpeaker{a, "gone"}, ErrorCode::unknown_participant);
}

// --- overrides: moving and removing entries ---

TEST_F(SpeakingQueueTest, MovingAnEntryNeedsAReasonAndIsRecorded) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  const auto c = join("Cal");
  raise(a);
  raise(b);
  refused(b, MoveEntry{b, 0, "me first"}, ErrorCode::not_allowed);
  refused(fac, MoveEntry{b, 0, ""}, ErrorCode::reason_required);
  refused(fac, MoveEntry{b, 0, "  "}, ErrorCode::reason_required);
  refused(fac, MoveEntry{b, 2, "too far"}, ErrorCode::invalid_argument);
  refused(fac, MoveEntry{c, 0, "not waiting"}, ErrorCode::hand_not_raised);
  refused(fac, MoveEntry{42, 0, "nobody"}, ErrorCode::unknown_participant);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{a, b}));

  ok(fac, MoveEntry{b, 0, " time-sensitive "});
  EXPECT_EQ(rows(), (std::vector<Row>{{b, ReasonCode::moved_by_facilitator, "moved by the facilitator: time-sensitive"},
                                      {a, ReasonCode::not_spoken_yet, "has not spoken yet"}}));
  ASSERT_EQ(state.overrides.size(), 1u);
  EXPECT_EQ(state.overrides[0], (Override{OverrideKind::moved, fac, b, "time-sensitive", now}));
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, b);
}

TEST_F(SpeakingQueueTest, RemovingAnEntryNeedsAReasonAndIsRecorded) {
  const auto fac = join("Fac", Role::facilitator);
  const auto co = join("Co", Role::co_facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  raise(a);
  raise(b);
  refused(b, RemoveEntry{a, "rude"}, ErrorCode::not_allowed);
  refused(fac, RemoveEntry{a, ""}, ErrorCode::reason_required);
  refused(fac, RemoveEntry{co, "not there"}, ErrorCode::hand_not_raised);
  ok(co, RemoveEntry{a, "already answered in the chat"});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{b}));
  ASSERT_EQ(state.overrides.size(), 1u);
  EXPECT_EQ(state.overrides[0], (Override{OverrideKind::removed_hand, co, a, "already answered in the chat", now}));
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, b);
}

// --- turns ---

TEST_F(SpeakingQueueTest, EndTurnByTheFacilitatorOrTheSpeakerOnly) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  refused(fac, EndTurn{}, ErrorCode::no_current_turn);
  raise(a);
  ok(fac, CallNext{});
  advance(15'000);
  refused(b, EndTurn{}, ErrorCode::not_allowed);
  ok(a, EndTurn{});
  EXPECT_FALSE(state.turn.has_value());
  EXPECT_EQ(state.participants[a - 1].spoken_ms, 15'000);
  refused(a, EndTurn{}, ErrorCode::no_current_turn);
  // The facilitator may end anyone's turn.
  raise(b);
  ok(fac, CallNext{});
  advance(8'000);
  ok(fac, EndTurn{});
  EXPECT_EQ(state.participants[b - 1].spoken_ms, 8'000);
  EXPECT_EQ(state.participants[b - 1].turns, 1u);
}

TEST_F(SpeakingQueueTest, TurnLimitIsSoftAndReportsTheOverrun) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  refused(a, SetTurnLimit{60}, ErrorCode::not_allowed);
  refused(fac, SetTurnLimit{3601}, ErrorCode::invalid_argument);
  ok(fac, SetTurnLimit{60});
  EXPECT_EQ(state.turn_limit_seconds, 60u);
  EXPECT_EQ(turn_overrun(state, now), std::nullopt);  // nobody speaking
  raise(a);
  ok(fac, CallNext{});
  advance(60'000);
  EXPECT_EQ(turn_overrun(state, now), std::nullopt);  // exactly at the limit is not over
  EXPECT_EQ(turn_overrun(state, now + 1), 1);
  EXPECT_EQ(turn_overrun(state, now + 30'000), 30'000);
  // Soft: the turn goes on past the limit until someone ends it.
  advance(30'000);
  EXPECT_TRUE(state.turn.has_value());
  ok(fac, SetTurnLimit{0});
  EXPECT_EQ(turn_overrun(state, now), std::nullopt);  // no limit
  ok(fac, SetTurnLimit{3600});
  EXPECT_EQ(turn_overrun(state, now), std::nullopt);
  EXPECT_EQ(turn_overrun(state, now + 3'600'000), 90'000);
  // Setting the limit it already has is accepted and records nothing.
  const auto logged = log.size();
  ok(fac, SetTurnLimit{3600});
  EXPECT_EQ(log.size(), logged);
}

// --- the order, policy by policy ---

// Nine people (Fac and eight participants) with speaking histories, then hands raised in the
// order Ama, Fay, Ben, Ivy, Cas, Dee (new points), Eli (clarifying question), Gus (point of
// process), Hal (direct reply).
class OrderTable : public SpeakingQueueTest {
 protected:
  ParticipantId fac = 0, ama = 0, ben = 0, cas = 0, dee = 0, eli = 0, fay = 0, gus = 0, hal = 0, ivy = 0;

  void SetUp() override {
    fac = join("Fac", Role::facilitator, Location::in_room);
    ama = join("Ama");
    ben = join("Ben");
    cas = join("Cas");
    dee = join("Dee");
    eli = join("Eli");
    fay = join("Fay");
    gus = join("Gus");
    hal = join("Hal");
    ivy = join("Ivy");
    speak(fac, ama, 100'000);
    speak(fac, ama, 90'000);  // 2 turns, 3 min 10 s
    speak(fac, ben, 45'000);  // 1 turn, 45 s
    speak(fac, cas, 20'000);  // 1 turn, 20 s
    speak(fac, fay, 45'000);  // 1 turn, 45 s: ties with Ben, but raises her hand first
    speak(fac, hal, 5'000);   // 1 turn, 5 s
    speak(fac, ivy, 4'000);
    speak(fac, ivy, 6'000);   // 2 turns, 10 s
    ASSERT_TRUE(state.overrides.empty());
    raise(ama);
    raise(fay);
    raise(ben);
    raise(ivy);
    raise(cas);
    raise(dee);
    raise(eli, HandKind::clarifying_question);
    raise(gus, HandKind::point_of_process);
    raise(hal, HandKind::direct_reply);
  }
};

TEST_F(OrderTable, Progressive) {
  ASSERT_EQ(state.policy, QueuePolicy::progressive);  // the default
  EXPECT_EQ(rows(), (std::vector<Row>{
                        {gus, ReasonCode::point_of_process, "point of process goes first"},
                        {eli, ReasonCode::clarifying_question,
                         "clarifying question goes before replies and new points; has not spoken yet"},
                        {hal, ReasonCode::direct_reply, "direct reply goes before new points; 1 turn so far, 5 s"},
                        {dee, ReasonCode::not_spoken_yet, "has not spoken yet"},
                        {cas, ReasonCode::spoken_before, "1 turn so far, 20 s"},
                        {fay, ReasonCode::spoken_before, "1 turn so far, 45 s"},
                        {ben, ReasonCode::spoken_before, "1 turn so far, 45 s"},
                        {ivy, ReasonCode::spoken_before, "2 turns so far, 10 s"},
                        {ama, ReasonCode::spoken_before, "2 turns so far, 3 min 10 s"},
                    }));
}

TEST_F(OrderTable, Fifo) {
  ok(fac, SetPolicy{QueuePolicy::fifo});
  EXPECT_EQ(rows(), (std::vector<Row>{
                        {gus, ReasonCode::point_of_process, "point of process goes first"},
                        {eli, ReasonCode::clarifying_question,
                         "clarifying question goes before replies and new points; first come, first served"},
                        {hal, ReasonCode::direct_reply, "direct reply goes before new points; first come, first served"},
                        {ama, ReasonCode::first_come, "first come, first served"},
                        {fay, ReasonCode::first_come, "first come, first served"},
                        {ben, ReasonCode::first_come, "first come, first served"},
                        {ivy, ReasonCode::first_come, "first come, first served"},
                        {cas, ReasonCode::first_come, "first come, first served"},
                        {dee, ReasonCode::first_come, "first come, first served"},
                    }));
}

TEST_F(OrderTable, HybridWithEveryoneWaitingRemoteIsProgressive) {
  const auto progressive = rows();
  ok(fac, SetPolicy{QueuePolicy::hybrid});
  EXPECT_EQ(rows(), progressive);  // one group only: nothing to alternate, no "take turns" wording
}

TEST_F(OrderTable, PolicyChangesLiveAndBack) {
  refused(ama, SetPolicy{QueuePolicy::fifo}, ErrorCode::not_allowed);
  const auto progressive = order_ids();
  ok(fac, SetPolicy{QueuePolicy::fifo});
  EXPECT_EQ(state.policy, QueuePolicy::fifo);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{gus, eli, hal, ama, fay, ben, ivy, cas, dee}));
  // Call next follows the policy in force.
  ok(fac, SetPolicy{QueuePolicy::progressive});
  EXPECT_EQ(order_ids(), progressive);
  // The same policy again is accepted and records nothing.
  const auto logged = log.size();
  ok(fac, SetPolicy{QueuePolicy::progressive});
  EXPECT_EQ(log.size(), logged);
  ok(fac, CallNext{});
  ok(fac, CallNext{});
  ok(fac, CallNext{});
  ok(fac, SetPolicy{QueuePolicy::fifo});
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, ama);  // first come among the new points
  ok(fac, SetPolicy{QueuePolicy::progressive});
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, dee);  // has not spoken yet
}

TEST_F(OrderTable, MovedEntriesArePinnedAtTheirPosition) {
  ok(fac, MoveEntry{ama, 0, "time-sensitive"});
  ok(fac, MoveEntry{dee, 4, "let the replies finish"});
  EXPECT_EQ(rows(), (std::vector<Row>{
                        {ama, ReasonCode::moved_by_facilitator, "moved by the facilitator: time-sensitive"},
                        {gus, ReasonCode::point_of_process, "point of process goes first"},
                        {eli, ReasonCode::clarifying_question,
                         "clarifying question goes before replies and new points; has not spoken yet"},
                        {hal, ReasonCode::direct_reply, "direct reply goes before new points; 1 turn so far, 5 s"},
                        {dee, ReasonCode::moved_by_facilitator, "moved by the facilitator: let the replies finish"},
                        {cas, ReasonCode::spoken_before, "1 turn so far, 20 s"},
                        {fay, ReasonCode::spoken_before, "1 turn so far, 45 s"},
                        {ben, ReasonCode::spoken_before, "1 turn so far, 45 s"},
                        {ivy, ReasonCode::spoken_before, "2 turns so far, 10 s"},
                    }));
  // A pin holds under any policy.
  ok(fac, SetPolicy{QueuePolicy::fifo});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{ama, gus, eli, hal, dee, fay, ben, ivy, cas}));
  ok(fac, SetPolicy{QueuePolicy::progressive});
  // The pinned first is called first; the other pin moves up with the queue: it keeps as many
  // people ahead as it had when moved, minus those who have left since.
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, ama);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{gus, eli, hal, dee, cas, fay, ben, ivy}));
  // A pin past the end of a shorter queue puts the entry last.
  ok(fac, RemoveEntry{fay, "r"});
  ok(fac, RemoveEntry{ben, "r"});
  ok(fac, RemoveEntry{ivy, "r"});
  ok(fac, RemoveEntry{cas, "r"});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{gus, eli, hal, dee}));
  ok(fac, CallNext{});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{eli, hal, dee}));
}

// Issue 14, item 2: someone moved to second place waited for good while people who had spoken
// already kept arriving ahead of them. A moved entry now comes nearer the front as people ahead
// of it leave the queue, so it is called after at most as many turns as its place.
TEST_F(SpeakingQueueTest, AMovedEntryMovesUpAsPeopleAheadAreCalledAndIsNeverStarved) {
  const auto fac = join("Fac", Role::facilitator);
  const auto rae = join("Rae");  // has never spoken
  std::vector<ParticipantId> talkers;
  for (const char* name : {"Ann", "Bob", "Cy", "Di"}) {
    talkers.push_back(join(name));
    ok(talkers.back(), RaiseHand{talkers.back(), HandKind::new_point});
    ok(fac, CallNext{});
    ok(fac, EndTurn{});
  }
  ok(rae, RaiseHand{rae, HandKind::new_point});
  ok(talkers[0], RaiseHand{talkers[0], HandKind::new_point});
  ok(fac, MoveEntry{rae, 1, "let Ann answer first"});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{talkers[0], rae}));
  // Others who have spoken keep raising hands with a point of process, ahead of everyone unmoved.
  ok(talkers[1], RaiseHand{talkers[1], HandKind::point_of_process});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{talkers[1], rae, talkers[0]})) << "one place ahead of her, still";
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, talkers[1]) << "the person ahead of Rae";
  ok(talkers[2], RaiseHand{talkers[2], HandKind::point_of_process});
  EXPECT_EQ(order_ids().front(), rae) << "the one person ahead of her was called: she is next now";
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, rae);
}

TEST_F(SpeakingQueueTest, PinnedEntryStaysAheadOfLaterHandsEvenAPointOfProcess) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  const auto c = join("Cal");
  const auto d = join("Dan");
  const auto e = join("Eve");
  const auto f = join("Fyn");
  raise(a);
  raise(b);
  raise(c);
  raise(d);
  ok(fac, MoveEntry{d, 0, "time-sensitive"});
  ok(fac, MoveEntry{b, 3, "let others go first"});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{d, a, c, b}));
  raise(e);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{d, a, c, b, e}));
  raise(f, HandKind::point_of_process);
  EXPECT_EQ(rows(), (std::vector<Row>{{d, ReasonCode::moved_by_facilitator, "moved by the facilitator: time-sensitive"},
                                      {f, ReasonCode::point_of_process, "point of process goes first"},
                                      {a, ReasonCode::not_spoken_yet, "has not spoken yet"},
                                      {b, ReasonCode::moved_by_facilitator,
                                       "moved by the facilitator: let others go first"},
                                      {c, ReasonCode::not_spoken_yet, "has not spoken yet"},
                                      {e, ReasonCode::not_spoken_yet, "has not spoken yet"}}));
  EXPECT_EQ(state.overrides.size(), 2u);
}

TEST_F(SpeakingQueueTest, TheLatestMoveToAPositionTakesIt) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  const auto c = join("Cal");
  raise(b);  // Bea's hand is up before Ade's: the order of the moves decides, not of the hands
  raise(a);
  raise(c);
  ok(fac, MoveEntry{a, 0, "urgent"});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{a, b, c}));
  ok(fac, MoveEntry{b, 0, "more urgent"});
  EXPECT_EQ(rows(), (std::vector<Row>{{b, ReasonCode::moved_by_facilitator, "moved by the facilitator: more urgent"},
                                      {a, ReasonCode::moved_by_facilitator, "moved by the facilitator: urgent"},
                                      {c, ReasonCode::not_spoken_yet, "has not spoken yet"}}));
  ok(fac, MoveEntry{a, 0, "most urgent after all"});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{a, b, c}));
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, a);
}

// Hybrid: in-room Ina (new), Ivo (new, 1 turn 30 s), Isa (new, 2 turns 1 min 5 s), Ida
// (clarifying); remote Rob (new), Rex (new, 1 turn 40 s), Ria (clarifying), Ron (point of
// process, 1 turn 10 s). Isa, in the room, spoke last.
class HybridTable : public SpeakingQueueTest {
 protected:
  ParticipantId fac = 0, ina = 0, ivo = 0, isa = 0, ida = 0, rob = 0, rex = 0, ria = 0, ron = 0;

  void SetUp() override {
    fac = join("Fac", Role::facilitator, Location::in_room);
    ina = join("Ina", Role::participant, Location::in_room);
    ivo = join("Ivo", Role::participant, Location::in_room);
    isa = join("Isa", Role::participant, Location::in_room);
    ida = join("Ida", Role::participant, Location::in_room);
    rob = join("Rob", Role::participant, Location::remote);
    rex = join("Rex", Role::participant, Location::remote);
    ria = join("Ria", Role::participant, Location::remote);
    ron = join("Ron", Role::participant, Location::remote);
    speak(fac, ron, 10'000);
    speak(fac, rex, 40'000);
    speak(fac, ivo, 30'000);
    speak(fac, isa, 30'000);
    speak(fac, isa, 35'000);
    ok(fac, SetPolicy{QueuePolicy::hybrid});
    raise(ivo);
    raise(ina);
    raise(isa);
    raise(rex);
    raise(rob);
    raise(ida, HandKind::clarifying_question);
    raise(ria, HandKind::clarifying_question);
    raise(ron, HandKind::point_of_process);
  }
};

TEST_F(HybridTable, AlternatesStartingWithTheGroupThatDidNotSpeakLast) {
  ASSERT_EQ(state.last_speaker_location, Location::in_room);
  // Kinds first; the alternation runs through the whole order: Ron (remote) goes first with his
  // point of process, so the room is due next.
  EXPECT_EQ(rows(),
            (std::vector<Row>{
                {ron, ReasonCode::point_of_process, "point of process goes first"},
                {ida, ReasonCode::clarifying_question,
                 "clarifying question goes before replies and new points; in-room and remote take turns; has not spoken yet"},
                {ria, ReasonCode::clarifying_question,
                 "clarifying question goes before replies and new points; has not spoken yet"},
                {ina, ReasonCode::not_spoken_yet, "in-room and remote take turns; has not spoken yet"},
                {rob, ReasonCode::not_spoken_yet, "in-room and remote take turns; has not spoken yet"},
                {ivo, ReasonCode::spoken_before, "in-room and remote take turns; 1 turn so far, 30 s"},
                {rex, ReasonCode::spoken_before, "in-room and remote take turns; 1 turn so far, 40 s"},
                {isa, ReasonCode::spoken_before, "2 turns so far, 1 min 5 s"},
            }));
}

TEST_F(HybridTable, NewPointsOnlyStartWithTheOtherGroup) {
  ok(fac, RemoveEntry{ron, "r"});
  ok(fac, RemoveEntry{ida, "r"});
  ok(fac, RemoveEntry{ria, "r"});
  // The room spoke last: remote first.
  EXPECT_EQ(rows(), (std::vector<Row>{
                        {rob, ReasonCode::not_spoken_yet, "in-room and remote take turns; has not spoken yet"},
                        {ina, ReasonCode::not_spoken_yet, "in-room and remote take turns; has not spoken yet"},
                        {rex, ReasonCode::spoken_before, "in-room and remote take turns; 1 turn so far, 40 s"},
                        {ivo, ReasonCode::spoken_before, "1 turn so far, 30 s"},  // only the room is left
                        {isa, ReasonCode::spoken_before, "2 turns so far, 1 min 5 s"},
                    }));
  // Calling Rob (remote) makes the room due: the order flips.
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, rob);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{ina, rex, ivo, isa}));
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, ina);
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{rex, ivo, isa}));
  ok(fac, CallNext{});
  EXPECT_EQ(state.turn->who, rex);
  // Only in-room people wait now: plain progressive order, no "take turns" wording.
  EXPECT_EQ(rows(), (std::vector<Row>{{ivo, ReasonCode::spoken_before, "1 turn so far, 30 s"},
                                      {isa, ReasonCode::spoken_before, "2 turns so far, 1 min 5 s"}}));
}

TEST_F(HybridTable, SwitchingPolicyLiveChangesTheOrderNotTheQueue) {
  const auto queue_before = state.queue;
  ok(fac, SetPolicy{QueuePolicy::progressive});
  EXPECT_EQ(state.queue, queue_before);
  EXPECT_EQ(rows(), (std::vector<Row>{
                        {ron, ReasonCode::point_of_process, "point of process goes first"},
                        {ida, ReasonCode::clarifying_question,
                         "clarifying question goes before replies and new points; has not spoken yet"},
                        {ria, ReasonCode::clarifying_question,
                         "clarifying question goes before replies and new points; has not spoken yet"},
                        {ina, ReasonCode::not_spoken_yet, "has not spoken yet"},
                        {rob, ReasonCode::not_spoken_yet, "has not spoken yet"},
                        {ivo, ReasonCode::spoken_before, "1 turn so far, 30 s"},
                        {rex, ReasonCode::spoken_before, "1 turn so far, 40 s"},
                        {isa, ReasonCode::spoken_before, "2 turns so far, 1 min 5 s"},
                    }));
  ok(fac, SetPolicy{QueuePolicy::fifo});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{ron, ida, ria, ivo, ina, isa, rex, rob}));
}

TEST_F(SpeakingQueueTest, HybridWithNobodySpokenYetStartsWithTheFirstInProgressiveOrder) {
  const auto fac = join("Fac", Role::facilitator, Location::in_room);
  const auto r1 = join("Rae", Role::participant, Location::remote);
  const auto r2 = join("Roy", Role::participant, Location::remote);
  const auto r3 = join("Rue", Role::participant, Location::remote);
  const auto i1 = join("Ian", Role::participant, Location::in_room);
  const auto i2 = join("Ivy", Role::participant, Location::in_room);
  ok(fac, SetPolicy{QueuePolicy::hybrid});
  ASSERT_FALSE(state.last_speaker_location.has_value());
  raise(r1);
  raise(r2);
  raise(r3);
  raise(i1);
  raise(i2);
  const std::string turns = "in-room and remote take turns; has not spoken yet";
  EXPECT_EQ(rows(), (std::vector<Row>{{r1, ReasonCode::not_spoken_yet, turns},
                                      {i1, ReasonCode::not_spoken_yet, turns},
                                      {r2, ReasonCode::not_spoken_yet, turns},
                                      {i2, ReasonCode::not_spoken_yet, turns},
                                      {r3, ReasonCode::not_spoken_yet, "has not spoken yet"}}));
  // FIFO ignores the groups.
  ok(fac, SetPolicy{QueuePolicy::fifo});
  EXPECT_EQ(order_ids(), (std::vector<ParticipantId>{r1, r2, r3, i1, i2}));
}

// PROTOCOL.md 7.3's worked example, as the contract states it: the alternation runs across kinds,
// and only entries placed while both groups were still to be placed in their kind say so.
TEST_F(SpeakingQueueTest, HybridExampleOfTheContract) {
  const auto fac = join("Fac", Role::facilitator, Location::in_room);
  const auto ron = join("Ron", Role::participant, Location::remote);
  const auto ivo = join("Ivo", Role::participant, Location::in_room);
  const auto isa = join("Isa", Role::participant, Location::in_room);
  const auto rex = join("Rex", Role::participant, Location::remote);
  speak(fac, fac, 5'000);  // the room spoke last
  ok(fac, SetPolicy{QueuePolicy::hybrid});
  raise(ivo);
  raise(isa);
  raise(rex);
  raise(ron, HandKind::point_of_process);
  const std::string turns = "in-room and remote take turns; has not spoken yet";
  EXPECT_EQ(rows(), (std::vector<Row>{{ron, ReasonCode::point_of_process, "point of process goes first"},
                                      {ivo, ReasonCode::not_spoken_yet, turns},
                                      {rex, ReasonCode::not_spoken_yet, turns},
                                      {isa, ReasonCode::not_spoken_yet, "has not spoken yet"}}));
}

// PROTOCOL.md 7.3: whole seconds, rounded down.
TEST_F(SpeakingQueueTest, ReasonTimesAreWholeSecondsRoundedDown) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  const auto b = join("Bea");
  speak(fac, a, 300);
  speak(fac, b, 61'999);
  raise(a);
  raise(b);
  EXPECT_EQ(rows(), (std::vector<Row>{{a, ReasonCode::spoken_before, "1 turn so far, 0 s"},
                                      {b, ReasonCode::spoken_before, "1 turn so far, 1 min 1 s"}}));
}

// The sentence is made of the place's parts, which the codec sends beside it (protocol 1.1) so
// that a client can word it in its own language: every case of PROTOCOL.md 7.3.
TEST(ReasonSentence, IsMadeOfThePlaceParts) {
  const auto place = [](ReasonCode code, bool history, std::uint32_t turns, Millis ms, bool alternating,
                        std::string moved, bool away) {
    QueuePlace p;
    p.reason_code = code;
    p.history = history;
    p.turns = turns;
    p.spoken_ms = ms;
    p.alternating = alternating;
    p.moved_reason = std::move(moved);
    p.away = away;
    return p;
  };
  using R = ReasonCode;
  EXPECT_EQ(reason_sentence(place(R::point_of_process, false, 0, 0, false, "", false)), "point of process goes first");
  EXPECT_EQ(reason_sentence(place(R::first_come, false, 0, 0, false, "", false)), "first come, first served");
  EXPECT_EQ(reason_sentence(place(R::first_come, false, 0, 0, false, "", true)),
            "first come, first served (away: passed over until back)");
  EXPECT_EQ(reason_sentence(place(R::not_spoken_yet, true, 0, 0, false, "", false)), "has not spoken yet");
  EXPECT_EQ(reason_sentence(place(R::not_spoken_yet, true, 0, 0, true, "", false)),
            "in-room and remote take turns; has not spoken yet");
  EXPECT_EQ(reason_sentence(place(R::spoken_before, true, 1, 300, false, "", false)), "1 turn so far, 0 s");
  EXPECT_EQ(reason_sentence(place(R::spoken_before, true, 2, 180'999, false, "", false)), "2 turns so far, 3 min 0 s");
  EXPECT_EQ(reason_sentence(place(R::spoken_before, true, 12, 3'725'000, true, "", true)),
            "in-room and remote take turns; 12 turns so far, 1 h 2 min (away: passed over until back)");
  EXPECT_EQ(reason_sentence(place(R::clarifying_question, true, 0, 0, true, "", false)),
            "clarifying question goes before replies and new points; in-room and remote take turns; has not spoken yet");
  EXPECT_EQ(reason_sentence(place(R::clarifying_question, false, 0, 0, false, "", false)),
            "clarifying question goes before replies and new points; first come, first served");
  EXPECT_EQ(reason_sentence(place(R::direct_reply, true, 3, 45'500, false, "", false)),
            "direct reply goes before new points; 3 turns so far, 45 s");
  EXPECT_EQ(reason_sentence(place(R::direct_reply, false, 0, 0, false, "", true)),
            "direct reply goes before new points; first come, first served (away: passed over until back)");
  EXPECT_EQ(reason_sentence(place(R::moved_by_facilitator, false, 0, 0, false, "time-sensitive", true)),
            "moved by the facilitator: time-sensitive (away: passed over until back)");
}

// The parts of each place in an order: history (turns, time, alternation) only where the sentence
// tells it, the queue runner's reason only on a moved entry.
TEST_F(SpeakingQueueTest, PlacesCarryThePartsOfTheirSentence) {
  const auto fac = join("Fac", Role::facilitator, Location::in_room);
  const auto ron = join("Ron", Role::participant, Location::remote);
  const auto ivo = join("Ivo", Role::participant, Location::in_room);
  const auto isa = join("Isa", Role::participant, Location::in_room);
  const auto rex = join("Rex", Role::participant, Location::remote);
  const auto rae = join("Rae", Role::participant, Location::remote);
  speak(fac, isa, 65'000);
  ok(fac, SetPolicy{QueuePolicy::hybrid});
  raise(ivo);
  raise(isa);
  raise(rae);
  raise(rex, HandKind::clarifying_question);
  raise(ron, HandKind::point_of_process);
  ok(ron, SetPresence{ron, Presence::away});
  auto order = ordered_queue(state);
  ASSERT_EQ(order.size(), 5u);
  for (const auto& p : order) EXPECT_EQ(reason_sentence(p), p.reason);
  EXPECT_EQ(order[0].who, ron);
  EXPECT_FALSE(order[0].history);
  EXPECT_TRUE(order[0].away);
  EXPECT_EQ(order[1].who, rex);  // alone in its kind
  EXPECT_TRUE(order[1].history);
  EXPECT_FALSE(order[1].alternating);
  EXPECT_EQ(order[2].who, ivo);  // the room is due after the remote question; both groups wait
  EXPECT_TRUE(order[2].alternating);
  EXPECT_EQ(order[2].turns, 0u);
  EXPECT_EQ(order[2].reason, "in-room and remote take turns; has not spoken yet");
  EXPECT_EQ(order[3].who, rae);
  EXPECT_TRUE(order[3].alternating);
  EXPECT_EQ(order[4].who, isa);  // the remote people ran out
  EXPECT_FALSE(order[4].alternating);
  EXPECT_EQ(order[4].turns, 1u);
  EXPECT_EQ(order[4].spoken_ms, 65'000);
  EXPECT_EQ(order[4].reason, "1 turn so far, 1 min 5 s");

  ok(fac, MoveEntry{isa, 0, "time-sensitive"});
  order = ordered_queue(state);
  EXPECT_EQ(order[0].who, isa);
  EXPECT_EQ(order[0].reason_code, ReasonCode::moved_by_facilitator);
  EXPECT_EQ(order[0].moved_reason, "time-sensitive");
  EXPECT_FALSE(order[0].history);
  EXPECT_EQ(order[0].reason, "moved by the facilitator: time-sensitive");
  for (std::size_t i = 1; i < order.size(); ++i) EXPECT_EQ(order[i].moved_reason, "") << i;

  ok(fac, SetPolicy{QueuePolicy::fifo});
  for (const auto& p : ordered_queue(state)) {
    EXPECT_FALSE(p.history) << p.reason;
    EXPECT_EQ(reason_sentence(p), p.reason);
  }
}

TEST_F(SpeakingQueueTest, OrderReasonsUseSingularForOneTurn) {
  const auto fac = join("Fac", Role::facilitator);
  const auto a = join("Ade");
  speak(fac, a, 61'000);
  raise(a);
  EXPECT_EQ(rows(), (std::vector<Row>{{a, ReasonCode::spoken_before, "1 turn so far, 1 min 1 s"}}));
}

TEST_F(SpeakingQueueTest, NextToCallSkipsAwayEntries) {
  std::vector<QueuePlace> order(3);
  order[0].who = 4;
  order[0].away = true;
  order[1].who = 2;
  order[2].who = 3;
  ASSERT_NE(next_to_call(order), nullptr);
  EXPECT_EQ(next_to_call(order)->who, 2u);
  order[1].away = true;
  order[2].away = true;
  EXPECT_EQ(next_to_call(order), nullptr);
  EXPECT_EQ(next_to_call({}), nullptr);
}

}  // namespace
}  // namespace everyvoice::core
