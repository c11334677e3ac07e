// The batching policy on its own: committed changes in, updates out, time given by the test.
#include "net/update_batching.hpp"

#include <gtest/gtest.h>

#include "codec/server_message.hpp"

namespace everyvoice::net {
namespace {

using namespace std::chrono_literals;
using core::Stamped;

constexpr auto interval = 150ms;
constexpr auto settle = 25ms;
constexpr BatchingTimes times{interval, settle, 10000};
constexpr std::size_t small = 12;  // members of an ordinary meeting: counts wait one interval at most
const SteadyTime t0 = SteadyTime{} + 1h;

core::Seq next_seq = 1;
Stamped stamp(core::Event e) { return Stamped{next_seq++, 0, std::move(e)}; }
std::vector<Stamped> join(core::ParticipantId id) {
  return {stamp(core::ParticipantJoined{id, "P" + std::to_string(id), core::Role::participant, core::Location::remote,
                                        core::Preference::speak, false})};
}
std::vector<Stamped> away(core::ParticipantId id) { return {stamp(core::PresenceChanged{id, core::Presence::away})}; }
std::vector<Stamped> hand(core::ParticipantId id) { return {stamp(core::HandRaised{id, core::HandKind::new_point})}; }
std::vector<Stamped> vote(std::uint32_t poll) { return {stamp(core::VoteRecorded{poll, 7, core::Ballot{{1}, 0, ""}})}; }
std::vector<Stamped> signal() { return {stamp(core::SignalSent{core::SignalKind::slow_down})}; }

std::vector<core::Seq> seqs(const Outgoing& out) {
  std::vector<core::Seq> s;
  for (const auto& e : out.events) s.push_back(e.seq);
  return s;
}

TEST(UpdateBatching, AJoinInAQuietMeetingGoesOutAtOnce) {
  UpdateBatching b(times);
  const auto j = join(2);
  const auto out = b.committed(j, t0, small);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), std::vector<core::Seq>{j[0].seq});
  EXPECT_FALSE(b.wake_at());
  EXPECT_FALSE(b.holding_events());
}

TEST(UpdateBatching, JoinsWithinAnIntervalOfABatchWaitForItsEndAndLeaveTogether) {
  UpdateBatching b(times);
  ASSERT_TRUE(b.committed(join(2), t0, small));
  const auto j3 = join(3);
  const auto j4 = join(4);
  EXPECT_FALSE(b.committed(j3, t0 + 10ms, small));
  EXPECT_FALSE(b.committed(j4, t0 + 20ms, small));
  ASSERT_TRUE(b.wake_at());
  EXPECT_EQ(*b.wake_at(), t0 + 10ms + interval);
  EXPECT_FALSE(b.due(t0 + 100ms)) << "not due before the interval ends";
  const auto out = b.due(*b.wake_at());
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), (std::vector<core::Seq>{j3[0].seq, j4[0].seq}));
  EXPECT_TRUE(out->sections != 0);
  EXPECT_FALSE(b.wake_at());
  EXPECT_FALSE(b.due(t0 + 1s)) << "each event goes out once";
}

TEST(UpdateBatching, AnOrdinaryChangeCarriesTheHeldEventsBeforeItsOwnInSeqOrder) {
  UpdateBatching b(times);
  ASSERT_TRUE(b.committed(join(2), t0, small));
  const auto j3 = join(3);
  ASSERT_FALSE(b.committed(j3, t0 + 5ms, small));
  const auto h = hand(2);
  const auto out = b.committed(h, t0 + 6ms, small);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), (std::vector<core::Seq>{j3[0].seq, h[0].seq}));
  EXPECT_TRUE(out->sections & codec::section_queue);
  EXPECT_FALSE(b.holding_events());
  EXPECT_FALSE(b.due(t0 + 1s)) << "the held join is not sent a second time";
}

TEST(UpdateBatching, FlushEventsTakesHeldJoinsAndPresenceChangesForAResumeOrAnAck) {
  UpdateBatching b(times);
  ASSERT_TRUE(b.committed(join(2), t0, small));
  const auto a = away(2);
  ASSERT_FALSE(b.committed(a, t0 + 1ms, small));
  const auto out = b.flush_events(t0 + 2ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), std::vector<core::Seq>{a[0].seq});
  EXPECT_FALSE(b.flush_events(t0 + 3ms));
  EXPECT_FALSE(b.due(t0 + 1s));
}

TEST(UpdateBatching, CountsAloneDoNotDelayAnAckButRideWithTheNextUpdate) {
  UpdateBatching b(times);
  ASSERT_FALSE(b.committed(vote(1), t0, small));
  ASSERT_FALSE(b.committed(signal(), t0 + 1ms, small));
  EXPECT_FALSE(b.flush_events(t0 + 2ms)) << "nothing an ack waits on is held";
  const auto h = hand(3);
  const auto out = b.committed(h, t0 + 3ms, small);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), std::vector<core::Seq>{h[0].seq}) << "count events are never listed";
  EXPECT_TRUE(out->sections & codec::section_polls);
  EXPECT_TRUE(out->sections & codec::section_signals);
  EXPECT_EQ(out->voted_polls, std::set<std::uint32_t>{1});
}

TEST(UpdateBatching, CountsGoOutOnceTheyHaveSettled) {
  UpdateBatching b(times);
  ASSERT_FALSE(b.committed(vote(1), t0, small));
  ASSERT_FALSE(b.committed(vote(2), t0 + 10ms, small));
  ASSERT_TRUE(b.wake_at());
  EXPECT_EQ(*b.wake_at(), t0 + 10ms + settle) << "a settle time after the last count";
  EXPECT_FALSE(b.due(t0 + 30ms));
  const auto out = b.due(t0 + 35ms);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->events.empty());
  EXPECT_EQ(out->sections, codec::section_polls);
  EXPECT_EQ(out->voted_polls, (std::set<std::uint32_t>{1, 2}));
  EXPECT_FALSE(b.wake_at());
}

TEST(UpdateBatching, SettledCountsWaitUntilAnIntervalAfterTheLastUpdate) {
  UpdateBatching b(times);
  ASSERT_TRUE(b.committed(hand(2), t0, small));
  ASSERT_FALSE(b.committed(vote(1), t0 + 1ms, small));
  ASSERT_TRUE(b.wake_at());
  EXPECT_EQ(*b.wake_at(), t0 + interval) << "an update went out at t0";
  EXPECT_FALSE(b.due(t0 + 100ms));
  EXPECT_TRUE(b.due(t0 + interval));
}

// A storm in an ordinary meeting: counts that never settle still go out once per interval.
TEST(UpdateBatching, CountsThatKeepChangingGoOutOncePerInterval) {
  UpdateBatching b(times);
  int updates = 0;
  for (int ms = 0; ms < 1000; ++ms) {
    const auto now = t0 + std::chrono::milliseconds(ms);
    if (b.due(now)) ++updates;
    ASSERT_FALSE(b.committed(vote(1), now, small));
  }
  EXPECT_EQ(updates, 6) << "at 150, 300, 450, 600, 750 and 900 ms";
  ASSERT_TRUE(b.wake_at());
  EXPECT_EQ(*b.wake_at(), t0 + 900ms + interval) << "settled at 1,024 ms, but the last update went out at 900";
}

// The same storm in a meeting of 5,000: each update is 5,000 frames, so they come every 500 ms; the
// final count still goes out a settle time after the last vote.
TEST(UpdateBatching, ABigMeetingsCountsWaitLongerWhileTheyKeepChanging) {
  UpdateBatching b(times);
  EXPECT_EQ(b.count_hold(small), interval);
  EXPECT_EQ(b.count_hold(1500), interval);
  EXPECT_EQ(b.count_hold(5000), 500ms);
  std::vector<int> sent_at;
  for (int ms = 0; ms < 1800; ++ms) {
    const auto now = t0 + std::chrono::milliseconds(ms);
    if (b.due(now)) sent_at.push_back(ms);
    ASSERT_FALSE(b.committed(vote(1), now, 5000));
  }
  EXPECT_EQ(sent_at, (std::vector<int>{500, 1000, 1500}));
  ASSERT_TRUE(b.wake_at());
  EXPECT_EQ(*b.wake_at(), t0 + 1799ms + settle) << "the final count, a settle time after the last vote";
  EXPECT_FALSE(b.due(t0 + 1799ms + settle - 1ms));
  EXPECT_TRUE(b.due(t0 + 1799ms + settle));
  EXPECT_EQ(UpdateBatching(BatchingTimes{interval, settle, 0}).count_hold(5000), interval) << "0: no scaling";
}

TEST(UpdateBatching, ACountDueBeforeHeldJoinsTakesThemAlong) {
  UpdateBatching b(times);
  ASSERT_TRUE(b.committed(join(2), t0, small));
  const auto j3 = join(3);
  ASSERT_FALSE(b.committed(j3, t0 + 100ms, small));
  EXPECT_EQ(*b.wake_at(), t0 + 100ms + interval);
  ASSERT_FALSE(b.committed(vote(1), t0 + 110ms, small));
  EXPECT_EQ(*b.wake_at(), t0 + interval) << "the count is due an interval after the last update, sooner";
  const auto out = b.due(t0 + interval);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), std::vector<core::Seq>{j3[0].seq});
  EXPECT_TRUE(out->sections & codec::section_polls);
  EXPECT_FALSE(b.wake_at());
}

TEST(UpdateBatching, AJoinAfterAQuietIntervalGoesOutAtOnceAgain) {
  UpdateBatching b(times);
  ASSERT_TRUE(b.committed(join(2), t0, small));
  ASSERT_FALSE(b.committed(join(3), t0 + 1ms, small));
  ASSERT_TRUE(b.due(t0 + 1ms + interval));
  EXPECT_FALSE(b.committed(join(4), t0 + 2ms + interval, small)) << "a batch just went out";
  ASSERT_TRUE(b.due(t0 + 2ms + 2 * interval));
  EXPECT_TRUE(b.committed(join(5), t0 + 1s, small));
}

TEST(UpdateBatching, TouchedSectionsGoOutWithTheNextFlush) {
  UpdateBatching b(times);
  EXPECT_FALSE(b.flush(t0));
  b.touch(codec::section_signals);
  const auto out = b.flush(t0);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sections, codec::section_signals);
}

TEST(UpdateBatching, ADecisionIsCountedForTheDecisionsSection) {
  UpdateBatching b(times);
  core::DecisionRecorded d{};
  const auto out = b.committed({stamp(d)}, t0, small);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->new_decisions, 1u);
}

}  // namespace
}  // namespace everyvoice::net
