// The WebSocket layer of the real server binary, byte by byte over a plain TCP socket: the
// upgrade, control frames, the close handshake and protocol errors (server/net/websocket_session.cpp
// writes frames itself). And a join storm: joins that arrive together are sent out together.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <set>
#include <stdexcept>
#include <string>

#include "raw_socket.hpp"
#include "test_client.hpp"

namespace everyvoice::testing {
namespace {

class WebsocketWire : public ::testing::Test {
 protected:
  ServerProcess server;
};

TEST_F(WebsocketWire, UpgradeAnswersWithTheAcceptKeyOfRfc6455AndNoExtension) {
  RawSocket s(server.port());
  s.write(upgrade_request());
  const std::string head = s.http_head();
  EXPECT_EQ(head.rfind("HTTP/1.1 101", 0), 0u) << head;
  // The worked example of RFC 6455 section 1.3.
  EXPECT_NE(head.find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Sec-WebSocket-Extensions"), std::string::npos) << "compression stays off";
}

TEST_F(WebsocketWire, AnUnsupportedVersionGets426WithTheVersionToUse) {
  RawSocket s(server.port());
  s.write(upgrade_request("8"));
  const std::string head = s.http_head();
  EXPECT_EQ(head.rfind("HTTP/1.1 426", 0), 0u) << head;
  EXPECT_NE(head.find("Sec-WebSocket-Version: 13"), std::string::npos) << head;
  EXPECT_TRUE(s.at_end());
}

TEST_F(WebsocketWire, PingIsAnsweredWithItsPayloadAndAMessageStillWorksAfter) {
  RawSocket s(server.port());
  s.write(upgrade_request());
  ASSERT_FALSE(s.http_head().empty());
  s.write(client_frame(0x89, "still there?"));
  const auto pong = s.frame();
  EXPECT_EQ(pong.opcode, 0xA);
  EXPECT_EQ(pong.payload, "still there?");
  // A message split in two fragments, with a ping between them.
  s.write(client_frame(0x01, R"({"type":"ping",)") + client_frame(0x89, "x") + client_frame(0x80, R"("id":"p1"})"));
  EXPECT_EQ(s.frame().opcode, 0xA);
  const auto reply = s.frame();
  EXPECT_EQ(reply.opcode, 0x1);
  EXPECT_EQ(json::parse(reply.payload)["type"], "pong");
  EXPECT_EQ(json::parse(reply.payload)["id"], "p1");
}

TEST_F(WebsocketWire, AClientCloseIsEchoedThenTheConnectionEnds) {
  RawSocket s(server.port());
  s.write(upgrade_request());
  ASSERT_FALSE(s.http_head().empty());
  s.write(client_frame(0x88, std::string("\x03\xE8", 2) + "bye"));
  const auto echo = s.frame();
  EXPECT_EQ(echo.opcode, 0x8);
  EXPECT_EQ(close_code_of(echo), 1000);
  EXPECT_TRUE(s.at_end());
}

TEST_F(WebsocketWire, ProtocolErrorsCloseWithTheirCode) {
  {
    RawSocket s(server.port());
    s.write(upgrade_request());
    ASSERT_FALSE(s.http_head().empty());
    s.write(client_frame(0x81, R"({"type":"ping","id":"a"})", false));  // not masked
    const auto f = s.frame();
    EXPECT_EQ(f.opcode, 0x8);
    EXPECT_EQ(close_code_of(f), 1002);
    EXPECT_TRUE(s.at_end());
  }
  {
    RawSocket s(server.port());
    s.write(upgrade_request());
    ASSERT_FALSE(s.http_head().empty());
    s.write(client_frame(0x81, "\xC3("));  // not UTF-8
    const auto f = s.frame();
    EXPECT_EQ(close_code_of(f), 1007);
  }
  // The server is fine: a new connection works.
  WsClient c(server.port());
  c.send({{"type", "ping"}, {"id", "after"}});
  EXPECT_EQ(c.expect("pong")["id"], "after");
}

TEST_F(WebsocketWire, AJoinStormIsSentInBatchesAndEveryoneEndsUpSeeingEveryone) {
  const auto meeting = create_meeting(server.port());
  constexpr int n = 40;
  std::vector<std::unique_ptr<WsClient>> people;
  for (int i = 0; i < n; ++i) people.push_back(std::make_unique<WsClient>(server.port()));
  // All join requests go out before any answer is read.
  for (int i = 0; i < n; ++i)
    people[i]->send({{"type", "join"}, {"id", "j"}, {"code", meeting.code}, {"name", "Person " + std::to_string(i)}});
  std::set<int> ids;
  for (auto& p : people) {
    const json welcome = p->expect("welcome");
    const int me = welcome["you"]["id"];
    ids.insert(me);
    // Each gets a snapshot with themselves in it (it may come with the next batch, not at once).
    const json snapshot = p->expect("snapshot");
    bool found = false;
    for (const auto& person : snapshot["view"]["people"]) found = found || person["id"] == me;
    EXPECT_TRUE(found) << "person " << me << " is in their own snapshot";
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(n));
  // The first to join learns of all the others through updates, in fewer updates than joins.
  WsClient& first = *people[0];
  first.drain(500ms);
  std::set<int> known;
  int updates_with_joins = 0;
  for (const auto& m : first.seen) {
    if (m["type"] == "snapshot")
      for (const auto& person : m["view"]["people"]) known.insert(person["id"].get<int>());
    if (m["type"] != "update") continue;
    bool had_join = false;
    for (const auto& e : m["events"])
      if (e["kind"] == "participant_joined") {
        known.insert(e["person"]["id"].get<int>());
        had_join = true;
      }
    updates_with_joins += had_join ? 1 : 0;
  }
  for (int id : ids) EXPECT_TRUE(known.contains(id)) << "the first person knows of " << id;
  EXPECT_LT(updates_with_joins, n - 1) << "joins that came together went out together";
}

}  // namespace
}  // namespace everyvoice::testing
