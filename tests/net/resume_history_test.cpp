// The events a meeting keeps for clients that come back (PROTOCOL.md 3.5): a client that missed a
// few events gets exactly those, in order and unchanged; one that missed more than is kept is told
// so (and gets a snapshot from the room).
#include "net/resume_history.hpp"

#include <gtest/gtest.h>

#include <string>

namespace everyvoice::net {
namespace {

using core::Stamped;

Stamped joined(core::Seq seq, std::string name) {
  return Stamped{seq, 1000 + static_cast<core::Millis>(seq),
                 core::ParticipantJoined{static_cast<core::ParticipantId>(seq), std::move(name), core::Role::participant,
                                         core::Location::remote, core::Preference::write, false}};
}
Stamped hand(core::Seq seq) { return Stamped{seq, 5000 + static_cast<core::Millis>(seq), core::HandRaised{3, core::HandKind::direct_reply}}; }
Stamped decision(core::Seq seq) {
  core::Decision d;
  d.id = 7;
  d.title = "Meet fortnightly";
  d.text = "We meet every other Tuesday, online and in the room.";
  d.method = "consent round";
  d.present_count = 3;
  d.present_names = {"Ada", "Bo", "Cy"};
  d.result = "agreed";
  d.dissent = {"Bo stands aside: evenings are hard"};
  d.at = 123456;
  d.hash = std::string(64, 'a');
  return Stamped{seq, 9000, core::DecisionRecorded{d}};
}

TEST(ResumeHistory, GivesBackExactlyTheEventsMissedInOrder) {
  ResumeHistory h(100);
  h.push(joined(1, "Ada"));
  h.push(hand(2));
  h.push(decision(3));
  h.push(joined(4, "Bo with a name longer than the small string buffer"));
  const auto since = h.since(2);
  ASSERT_TRUE(since.complete);
  ASSERT_EQ(since.events.size(), 2u);
  EXPECT_EQ(since.events[0], decision(3));
  EXPECT_EQ(since.events[1], joined(4, "Bo with a name longer than the small string buffer"));
  // From the very start (seq 0: the seq before the oldest held) everything comes back.
  const auto all = h.since(0);
  ASSERT_TRUE(all.complete);
  ASSERT_EQ(all.events.size(), 4u);
  EXPECT_EQ(all.events[1], hand(2));
}

TEST(ResumeHistory, NothingMissedIsCompleteAndEmpty) {
  ResumeHistory h(10);
  h.push(hand(1));
  h.push(hand(2));
  const auto since = h.since(2);
  EXPECT_TRUE(since.complete);
  EXPECT_TRUE(since.events.empty());
}

TEST(ResumeHistory, KeepsOnlyTheLimitAndSaysWhenTooMuchWasMissed) {
  ResumeHistory h(3);
  for (core::Seq s = 1; s <= 10; ++s) h.push(hand(s));
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.oldest_seq(), 8u);
  EXPECT_EQ(h.newest_seq(), 10u);
  EXPECT_FALSE(h.since(6).complete);  // 7 was let go: a snapshot is needed
  EXPECT_TRUE(h.since(6).events.empty());
  const auto since = h.since(7);  // 8, 9 and 10 are all held
  ASSERT_TRUE(since.complete);
  ASSERT_EQ(since.events.size(), 3u);
  EXPECT_EQ(since.events.front().seq, 8u);
}

TEST(ResumeHistory, EmptyHistoryHasNothingToGive) {
  const ResumeHistory h(5);
  EXPECT_FALSE(h.since(0).complete);
  EXPECT_EQ(h.oldest_seq(), 0u);
}

// What it is for: a join kept as bytes is a small fraction of a Stamped, which is as big as the
// largest event kind.
TEST(ResumeHistory, HoldsEventsInTheirCompactForm) {
  ResumeHistory h(2000);
  for (core::Seq s = 1; s <= 2000; ++s) h.push(joined(s, "Participant " + std::to_string(s)));
  EXPECT_EQ(h.size(), 2000u);
  EXPECT_LT(h.held_bytes(), 2000u * 64);
  EXPECT_GT(sizeof(Stamped), 256u);
  ASSERT_TRUE(h.since(1999).complete);
  EXPECT_EQ(h.since(1999).events.at(0), joined(2000, "Participant 2000"));
}

}  // namespace
}  // namespace everyvoice::net
