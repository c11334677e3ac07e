// The frames of one update (server/net/update_frames.hpp): which events a member whose snapshot
// was sent outside a broadcast (a joiner, a client that fell behind) is still sent. A core meeting
// is driven as the server drives it; the frames are decoded back to JSON.
#include "net/update_frames.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../core/meeting_fixture.hpp"

namespace everyvoice::net {
namespace {

using nlohmann::json;
using namespace everyvoice::core;
using codec::Audience;

json decode(const Frame& frame) {
  const std::string& wire = *frame;
  const auto len = static_cast<unsigned char>(wire[1]) & 0x7F;
  const std::size_t at = len < 126 ? 2 : len == 126 ? 4 : 10;
  return json::parse(wire.substr(at));
}

std::vector<Seq> listed(const json& update) {
  std::vector<Seq> seqs;
  for (const auto& e : update["events"]) seqs.push_back(e["seq"]);
  return seqs;
}

class UpdateFramesTest : public core::testing::MeetingFixture {
 protected:
  void SetUp() override {
    fac = join("Fatima", Role::facilitator);
    sam = join("Sam");
  }
  // The events of the next joins, as the room's batch would hold them.
  Outgoing held_joins(std::initializer_list<const char*> names) {
    Outgoing out;
    for (const char* name : names) {
      const Handled h = run(server_actor, Join{name, Role::participant, Location::remote, Preference::none});
      EXPECT_TRUE(h.accepted());
      for (const auto& e : h.events) {
        out.events.push_back(e);
        out.sections |= codec::sections_of(e.event);
      }
    }
    return out;
  }
  ParticipantId fac = 0, sam = 0;
};

TEST_F(UpdateFramesTest, AMemberWithoutAFreshSnapshotGetsEveryEvent) {
  const Outgoing out = held_joins({"Ada", "Ben"});
  UpdateFrames frames(state, "K7MQ4T", out, now);
  const Frame* frame = frames.update(Audience::participant, 0);
  ASSERT_NE(frame, nullptr);
  EXPECT_EQ(listed(decode(*frame)), (std::vector<Seq>{out.events[0].seq, out.events[1].seq}));
}

TEST_F(UpdateFramesTest, AJoinerGetsOnlyTheEventsAfterItsSnapshot) {
  const Outgoing out = held_joins({"Ada", "Ben", "Cy"});
  UpdateFrames frames(state, "K7MQ4T", out, now);
  // Ada's snapshot was taken at her join: it holds her join, not Ben's or Cy's.
  const Frame* ada = frames.update(Audience::participant, out.events[0].seq);
  ASSERT_NE(ada, nullptr);
  EXPECT_EQ(listed(decode(*ada)), (std::vector<Seq>{out.events[1].seq, out.events[2].seq}));
  const Frame* ben = frames.update(Audience::participant, out.events[1].seq);
  ASSERT_NE(ben, nullptr);
  EXPECT_EQ(listed(decode(*ben)), (std::vector<Seq>{out.events[2].seq}));
  EXPECT_EQ(decode(*ben)["seq"], state.seq) << "the update still brings the member to the meeting's seq";
  // The same cut is encoded once.
  EXPECT_EQ(frames.update(Audience::participant, out.events[1].seq), ben);
}

TEST_F(UpdateFramesTest, ASnapshotAtTheMeetingsSeqNeedsNoUpdateButTheSignalsRefreshStillGoes) {
  const Outgoing out = held_joins({"Ada"});
  UpdateFrames frames(state, "K7MQ4T", out, now);
  EXPECT_EQ(frames.update(Audience::participant, state.seq), nullptr) << "Ada's own snapshot holds her join";
  // The signals fade with time, not with a seq: their refresh reaches everyone.
  Outgoing refresh;
  refresh.sections = codec::section_signals;
  UpdateFrames refreshed(state, "K7MQ4T", refresh, now);
  const Frame* frame = refreshed.update(Audience::participant, state.seq);
  ASSERT_NE(frame, nullptr);
  EXPECT_TRUE(decode(*frame).contains("signals"));
  EXPECT_TRUE(listed(decode(*frame)).empty());
}

}  // namespace
}  // namespace everyvoice::net
