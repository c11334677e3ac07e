// The batching policy on its own: committed changes in, updates out, time given by the test.
#include "net/update_batching.hpp"

#include <gtest/gtest.h>

#include "codec/server_message.hpp"

namespace everyvoice::net {
namespace {

using namespace std::chrono_literals;
using core::Stamped;

constexpr auto interval = 150ms;
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
  UpdateBatching b(interval);
  const auto j = join(2);
  const auto out = b.committed(j, t0);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), std::vector<core::Seq>{j[0].seq});
  EXPECT_FALSE(b.wake_at());
  EXPECT_FALSE(b.holding_events());
}

TEST(UpdateBatching, JoinsWithinAnIntervalOfABatchWaitForItsEndAndLeaveTogether) {
  UpdateBatching b(interval);
  ASSERT_TRUE(b.committed(join(2), t0));
  const auto j3 = join(3);
  const auto j4 = join(4);
  EXPECT_FALSE(b.committed(j3, t0 + 10ms));
  EXPECT_FALSE(b.committed(j4, t0 + 20ms));
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
  UpdateBatching b(interval);
  ASSERT_TRUE(b.committed(join(2), t0));
  const auto j3 = join(3);
  ASSERT_FALSE(b.committed(j3, t0 + 5ms));
  const auto h = hand(2);
  const auto out = b.committed(h, t0 + 6ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), (std::vector<core::Seq>{j3[0].seq, h[0].seq}));
  EXPECT_TRUE(out->sections & codec::section_queue);
  EXPECT_FALSE(b.holding_events());
  EXPECT_FALSE(b.due(t0 + 1s)) << "the held join is not sent a second time";
}

TEST(UpdateBatching, FlushEventsTakesHeldJoinsAndPresenceChangesForAResumeOrAnAck) {
  UpdateBatching b(interval);
  ASSERT_TRUE(b.committed(join(2), t0));
  const auto a = away(2);
  ASSERT_FALSE(b.committed(a, t0 + 1ms));
  const auto out = b.flush_events(t0 + 2ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), std::vector<core::Seq>{a[0].seq});
  EXPECT_FALSE(b.flush_events(t0 + 3ms));
  EXPECT_FALSE(b.due(t0 + 1s));
}

TEST(UpdateBatching, CountsAloneDoNotDelayAnAckButRideWithTheNextUpdate) {
  UpdateBatching b(interval);
  ASSERT_FALSE(b.committed(vote(1), t0));
  ASSERT_FALSE(b.committed(signal(), t0 + 1ms));
  EXPECT_FALSE(b.flush_events(t0 + 2ms)) << "nothing an ack waits on is held";
  const auto h = hand(3);
  const auto out = b.committed(h, t0 + 3ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(seqs(*out), std::vector<core::Seq>{h[0].seq}) << "count events are never listed";
  EXPECT_TRUE(out->sections & codec::section_polls);
  EXPECT_TRUE(out->sections & codec::section_signals);
  EXPECT_EQ(out->voted_polls, std::set<std::uint32_t>{1});
}

TEST(UpdateBatching, CountsAreCoalescedToOneUpdatePerInterval) {
  UpdateBatching b(interval);
  for (int i = 0; i < 500; ++i) ASSERT_FALSE(b.committed(vote(1 + i % 2), t0 + std::chrono::milliseconds(i % 100)));
  ASSERT_TRUE(b.wake_at());
  EXPECT_EQ(*b.wake_at(), t0 + interval) << "the first count sets the time; later ones do not push it back";
  const auto out = b.due(t0 + interval);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->events.empty());
  EXPECT_EQ(out->sections, codec::section_polls);
  EXPECT_EQ(out->voted_polls, (std::set<std::uint32_t>{1, 2}));
  EXPECT_FALSE(b.wake_at());
}

TEST(UpdateBatching, AJoinAfterAQuietIntervalGoesOutAtOnceAgain) {
  UpdateBatching b(interval);
  ASSERT_TRUE(b.committed(join(2), t0));
  ASSERT_FALSE(b.committed(join(3), t0 + 1ms));
  ASSERT_TRUE(b.due(t0 + 1ms + interval));
  EXPECT_FALSE(b.committed(join(4), t0 + 2ms + interval)) << "a batch just went out";
  ASSERT_TRUE(b.due(t0 + 2ms + 2 * interval));
  EXPECT_TRUE(b.committed(join(5), t0 + 1s));
}

TEST(UpdateBatching, TouchedSectionsGoOutWithTheNextFlush) {
  UpdateBatching b(interval);
  EXPECT_FALSE(b.flush(t0));
  b.touch(codec::section_signals);
  const auto out = b.flush(t0);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sections, codec::section_signals);
}

TEST(UpdateBatching, ADecisionIsCountedForTheDecisionsSection) {
  UpdateBatching b(interval);
  core::DecisionRecorded d{};
  const auto out = b.committed({stamp(d)}, t0);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->new_decisions, 1u);
}

}  // namespace
}  // namespace everyvoice::net
