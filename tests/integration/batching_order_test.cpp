// What the batching of joins and presence changes may not do (issue 13, items 1 and 2): repeat an
// event to someone who resumed (PROTOCOL.md 3.5: exactly the missed events), or answer a command
// before its update (4.2). A long --coalesce-ms makes the batch window wide enough that the
// interleavings below happen on every run, not by chance.
#include <gtest/gtest.h>

#include <set>

#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

using namespace std::chrono_literals;

// Every seq of the events this client read, in the order read.
std::vector<std::uint64_t> event_seqs(const WsClient& c) {
  std::vector<std::uint64_t> out;
  for (const auto& m : c.seen)
    if (m["type"] == "update" && m.contains("events"))
      for (const auto& e : m["events"]) out.push_back(e["seq"].get<std::uint64_t>());
  return out;
}

// Whether, among the messages `c` read from index `from` on, an update carrying the event with the
// ack's seq came before the ack itself.
bool update_before_ack(const WsClient& c, std::size_t from, const json& ack) {
  for (std::size_t i = from; i < c.seen.size() && c.seen[i] != ack; ++i)
    if (c.seen[i]["type"] == "update")
      for (const auto& e : c.seen[i]["events"])
        if (e["seq"] == ack["seq"]) return true;
  return false;
}

TEST(BatchingOrder, AResumeWhileJoinsWaitInABatchGetsEachEventOnce) {
  ServerProcess server{{"--coalesce-ms=3000"}};
  const auto m = create_meeting(server.port());
  WsClient fac(server.port());
  fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}});
  fac.expect("snapshot");
  WsClient pat(server.port());
  const json w = pat.join(m.code, "Pat");
  pat.expect("snapshot", 5s);  // it may wait for the batch window
  pat.drain(300ms);
  const std::uint64_t seen = pat.last_seq;
  pat.drop();

  // Two joins within the window (the last batch went out with Pat's snapshot): they wait for the
  // next batch while Pat resumes.
  WsClient a(server.port()), b(server.port());
  a.join(m.code, "Ama");
  b.join(m.code, "Ben");
  WsClient back(server.port());
  back.resume(m.code, w["token"], seen);
  back.drain(3500ms);  // past the batch window
  const auto seqs = event_seqs(back);
  ASSERT_FALSE(seqs.empty());
  EXPECT_EQ(std::set<std::uint64_t>(seqs.begin(), seqs.end()).size(), seqs.size()) << "an event came twice";
  for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]) << "seqs go up";
  EXPECT_EQ(seqs.front(), seen + 1) << "from the first missed event";
}

TEST(BatchingOrder, CommandsWhoseEventsAreBatchedGetTheirUpdateBeforeTheirAck) {
  ServerProcess server{{"--coalesce-ms=3000"}};
  const auto m = create_meeting(server.port());
  WsClient fac(server.port());
  fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}});
  fac.expect("snapshot");
  WsClient someone(server.port());
  someone.join(m.code, "Sam");  // a join just went out: the next batched events wait for the window
  for (const char* name : {"Grandad Joe", "Auntie May"}) {
    const std::size_t before = fac.seen.size();
    const json ack = fac.command({{"type", "add_proxy"}, {"name", name}});
    ASSERT_EQ(ack["type"], "ack");
    EXPECT_TRUE(update_before_ack(fac, before, ack)) << name << ": the update with seq " << ack["seq"] << " comes before the ack";
  }
  const std::size_t before = someone.seen.size();
  const json ack = someone.command({{"type", "set_presence"}, {"presence", "away"}});
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  EXPECT_TRUE(update_before_ack(someone, before, ack)) << "set_presence: the update comes before the ack";
}

// Issue 13, item 3: made co-facilitator while away, a person resumes into the facilitators'
// audience, so the catch-up is a snapshot of that audience, not the participant-shaped events.
TEST(BatchingOrder, SomeoneWhoseRoleChangedWhileAwayResumesWithASnapshot) {
  ServerProcess server;
  const auto m = create_meeting(server.port());
  WsClient fac(server.port());
  fac.join(m.code, "Fatima", {{"facilitator_key", m.facilitator_key}});
  WsClient pat(server.port());
  const json w = pat.join(m.code, "Pat");
  pat.expect("snapshot");
  pat.drain(300ms);
  const std::uint64_t seen = pat.last_seq;
  pat.drop();
  ASSERT_EQ(fac.command({{"type", "set_role"}, {"participant", w["you"]["id"]}, {"role", "co_facilitator"}})["type"], "ack");
  WsClient back(server.port());
  const json again = back.resume(m.code, w["token"], seen);
  EXPECT_EQ(again["you"]["role"], "co_facilitator");
  const json first = *back.next();
  EXPECT_EQ(first["type"], "snapshot") << first.dump().substr(0, 300);
  // The facilitators' snapshot: every person with what only facilitators see (PROTOCOL.md 7.2).
  ASSERT_TRUE(first.contains("view") && first["view"].contains("people")) << first.dump().substr(0, 400);
  for (const auto& person : first["view"]["people"]) {
    EXPECT_TRUE(person.contains("turns")) << person.dump();
    EXPECT_TRUE(person.contains("spoken_ms")) << person.dump();
  }
}

}  // namespace
}  // namespace everyvoice::testing
