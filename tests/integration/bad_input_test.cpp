// Bad input, each with its documented answer: the meeting is unchanged and other clients are
// unaffected (they see no update and can still act).
#include <gtest/gtest.h>

#include <cctype>

#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    fac = std::make_unique<WsClient>(server.port());
    fac->join(meeting.code, "Fatima", {{"facilitator_key", meeting.facilitator_key}});
    fac->expect("snapshot");
    other = std::make_unique<WsClient>(server.port());
    other->join(meeting.code, "Olu");
    other->expect("snapshot");
    pat = std::make_unique<WsClient>(server.port());
    pat->join(meeting.code, "Pat");
    pat->expect("snapshot");
    other->drain();
    seq_before = other->last_seq;
  }

  // The meeting did not change: the bystander saw no update, and can still act.
  void expect_meeting_unchanged() {
    EXPECT_TRUE(other->silent_for(300ms));
    EXPECT_EQ(other->last_seq, seq_before);
    const json ack = other->command({{"type", "raise_hand"}});
    EXPECT_EQ(ack["type"], "ack");
    EXPECT_EQ(ack["seq"], seq_before + 1);
  }

  ServerProcess server{{"--abuse-limit=30", "--commands-per-second=5", "--command-burst=10"}};
  CreatedMeeting meeting = create_meeting(server.port());
  std::unique_ptr<WsClient> fac, other, pat;  // pat is the one who misbehaves
  std::uint64_t seq_before = 0;
};

TEST_F(BadInput, MalformedJsonIsAnErrorWithoutId) {
  WsClient& c = *pat;
  c.send_text("{\"type\": \"raise_hand\", ");
  const json e = c.expect("error");
  EXPECT_EQ(e["code"], "bad_json");
  EXPECT_TRUE(e["id"].is_null());
  expect_meeting_unchanged();
}

TEST_F(BadInput, UnknownTypeNamesTheId) {
  WsClient& c = *pat;
  c.send({{"type", "seize_the_floor"}, {"id", "x1"}});
  const json e = c.answer_to("x1");
  EXPECT_EQ(e["type"], "error");
  EXPECT_EQ(e["code"], "unknown_type");
  expect_meeting_unchanged();
}

TEST_F(BadInput, WrongFieldTypesAndUnknownFieldsAreRefused) {
  WsClient& c = *pat;
  EXPECT_EQ(c.command({{"type", "raise_hand"}, {"kind", 3}})["code"], "wrong_type");
  EXPECT_EQ(c.command({{"type", "raise_hand"}, {"kind", "shout"}})["code"], "bad_value");
  EXPECT_EQ(c.command({{"type", "raise_hand"}, {"urgent", true}})["code"], "unknown_field");
  EXPECT_EQ(c.command({{"type", "move_entry"}, {"participant", 1}, {"position", -1}, {"reason", "x"}})["code"], "wrong_type");
  expect_meeting_unchanged();
}

TEST_F(BadInput, OversizeFrameClosesThatConnectionWith1009Only) {
  WsClient& c = *pat;
  c.send_text("{\"type\":\"raise_hand\",\"id\":\"" + std::string(70 * 1024, 'x') + "\"}");
  for (int i = 0; i < 20 && !c.closed(); ++i) c.next(200ms);
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.close_code(), 1009);
  expect_meeting_unchanged();
}

TEST_F(BadInput, ParticipantCannotSendFacilitatorCommands) {
  WsClient& c = *pat;
  ASSERT_EQ(other->command({{"type", "raise_hand"}})["type"], "ack");
  seq_before = other->last_seq;
  EXPECT_EQ(c.command({{"type", "call_next"}})["code"], "not_allowed");
  EXPECT_EQ(c.command({{"type", "remove_entry"}, {"participant", 2}, {"reason", "mine"}})["code"], "not_allowed");
  EXPECT_EQ(c.command({{"type", "set_locked"}, {"locked", true}})["code"], "not_allowed");
  EXPECT_EQ(c.command({{"type", "lower_hand"}, {"for", 2}})["code"], "not_allowed");
  EXPECT_TRUE(other->silent_for(300ms));
  EXPECT_EQ(other->last_seq, seq_before);
}

TEST_F(BadInput, CommandsBeforeJoiningAndWrongCodesAreRefused) {
  WsClient c(server.port());
  EXPECT_EQ(c.command({{"type", "raise_hand"}})["code"], "not_joined");
  EXPECT_THROW(c.join("ZZZZZZ", "Pat"), std::runtime_error);
  EXPECT_EQ(c.seen.back()["code"], "wrong_code");
  EXPECT_THROW(c.join(meeting.code, "Pat", {{"facilitator_key", "0123456789abcdef0123456789abcdef"}}), std::runtime_error);
  EXPECT_EQ(c.seen.back()["code"], "bad_key");
  EXPECT_THROW(c.join(meeting.code, "olu"), std::runtime_error);
  EXPECT_EQ(c.seen.back()["code"], "name_taken");
  c.join(meeting.code, "Sam");  // the same connection may try again
  EXPECT_EQ(c.command({{"type", "join"}, {"code", meeting.code}, {"name", "Pat 2"}})["code"], "already_joined");
}

// A connection opened at /ws/{code} (the way a load balancer finds the server holding a meeting)
// may join or resume that meeting only; /ws/{not a code} is 404 at the upgrade.
TEST_F(BadInput, AConnectionOpenedForAMeetingJoinsOnlyThatMeeting) {
  const CreatedMeeting second = create_meeting(server.port(), "Another meeting");
  WsClient other_meeting(server.port(), "", "/ws/" + second.code);
  EXPECT_THROW(other_meeting.join(meeting.code, "Robin"), std::runtime_error);
  EXPECT_EQ(other_meeting.seen.back()["code"], "wrong_code");
  EXPECT_NE(other_meeting.seen.back()["message"].get<std::string>().find("/ws/" + second.code), std::string::npos);
  EXPECT_TRUE(other->silent_for(200ms)) << "nobody in the first meeting heard of it";
  other_meeting.join(second.code, "Robin");  // the same connection, its own meeting

  std::string typed = meeting.code;  // as a person might type it into a link
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  WsClient same(server.port(), "", "/ws/" + typed.substr(0, 3) + "-" + typed.substr(3));
  same.join(meeting.code, "Quinn");
  EXPECT_THROW(WsClient(server.port(), "", "/ws/NOPE"), std::runtime_error);
}

TEST_F(BadInput, WrongOrReusedTokensAreRefused) {
  WsClient c(server.port());
  EXPECT_THROW(c.resume(meeting.code, "00000000000000000000000000000000", 0), std::runtime_error);
  EXPECT_EQ(c.seen.back()["code"], "bad_token");
  // A token from another meeting does not open this one.
  const auto second = create_meeting(server.port(), "Another");
  WsClient d(server.port());
  const json w = d.join(second.code, "Pat");
  WsClient e(server.port());
  EXPECT_THROW(e.resume(meeting.code, w["token"], 0), std::runtime_error);
  EXPECT_EQ(e.seen.back()["code"], "bad_token");
  expect_meeting_unchanged();
}

TEST_F(BadInput, CommandFloodIsRateLimitedThenClosedWith1008) {
  WsClient& c = *pat;
  for (int i = 0; i < 80; ++i) c.send({{"type", "ping"}, {"id", "p" + std::to_string(i)}});
  int limited = 0;
  while (auto m = c.next(1s))
    if ((*m)["type"] == "error" && (*m)["code"] == "rate_limited") ++limited;
  EXPECT_GE(limited, 20);
  EXPECT_TRUE(c.closed());
  EXPECT_EQ(c.close_code(), 1008);
  expect_meeting_unchanged();
}

TEST_F(BadInput, ForeignOriginIsRefusedWith403) {
  try {
    WsClient c(server.port(), "https://evil.example");
    FAIL() << "the upgrade was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("403"), std::string::npos) << e.what();
  }
  expect_meeting_unchanged();
  // The server's own origin is fine.
  WsClient ok(server.port(), "http://127.0.0.1:" + std::to_string(server.port()));
  ok.join(meeting.code, "Sam");
}

TEST_F(BadInput, LockedMeetingRefusesJoins) {
  EXPECT_EQ(fac->command({{"type", "set_locked"}, {"locked", true}})["type"], "ack");
  WsClient c(server.port());
  EXPECT_THROW(c.join(meeting.code, "Late"), std::runtime_error);
  EXPECT_EQ(c.seen.back()["code"], "meeting_locked");
}

}  // namespace
}  // namespace everyvoice::testing
