// The crash test's loop, for each store (durability_test.cpp on SQLite, postgres_store_test.cpp on
// PostgreSQL): clients send commands without waiting, the server is killed with SIGKILL at a random
// moment and restarted, `cycles` times; commands never answered are sent again with the same ids.
// Then every acknowledged point must be in the meeting exactly once, and none twice.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "test_client.hpp"

namespace everyvoice::testing {

// The number of commands acknowledged over the cycles (all of them checked as above).
inline std::size_t crash_cycles(ServerProcess& server, const std::string& code, int cycles, unsigned seed) {
  constexpr int clients = 3;
  std::vector<std::string> tokens;
  for (int c = 0; c < clients; ++c) {
    WsClient w(server.port());
    tokens.push_back(w.join(code, "Client " + std::to_string(c))["token"]);
  }
  std::mt19937 rng(seed);
  std::set<std::string> acked;               // "c-n" texts whose command was acknowledged
  std::vector<std::set<int>> sent(clients);  // per client, command numbers sent but not yet acked
  std::vector<int> next(clients, 0);
  for (int cycle = 0; cycle < cycles; ++cycle) {
    std::vector<std::unique_ptr<WsClient>> ws;
    for (int c = 0; c < clients; ++c) {
      ws.push_back(std::make_unique<WsClient>(server.port()));
      EXPECT_NO_THROW(ws.back()->resume(code, tokens[c], 0)) << "cycle " << cycle;
    }
    // Retry what was sent but never acknowledged (same ids), then send new commands, all at once.
    for (int c = 0; c < clients; ++c) {
      const auto send = [&](int n) {
        ws[c]->send({{"type", "submit_point"}, {"id", "p" + std::to_string(n)},
                     {"text", std::to_string(c) + "-" + std::to_string(n)}});
      };
      for (int n : sent[c]) send(n);
      // A client keeps fewer commands unanswered than the server remembers (PROTOCOL.md 4.1), so a
      // retry is always recognised however slow the server is (under the sanitizers, say).
      for (int k = 0; k < 25 && sent[c].size() < 60; ++k) {
        sent[c].insert(next[c]);
        send(next[c]++);
      }
    }
    const auto kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::uniform_int_distribution(5, 120)(rng));
    while (std::chrono::steady_clock::now() < kill_at) {
      for (int c = 0; c < clients; ++c) {
        while (auto m = ws[c]->next(std::chrono::milliseconds(1))) {
          if ((*m)["type"] == "ack") {
            const int n = std::stoi((*m)["id"].get<std::string>().substr(1));
            sent[c].erase(n);
            acked.insert(std::to_string(c) + "-" + std::to_string(n));
          }
        }
      }
    }
    server.kill_hard();
    server.restart();
  }
  // After the last restart: every acknowledged point is there exactly once.
  WsClient check(server.port());
  check.resume(code, tokens[0], 0);
  const json points = check.expect("snapshot")["view"]["points"];
  std::map<std::string, int> count;
  for (const auto& p : points) ++count[p["text"].get<std::string>()];
  for (const auto& text : acked) EXPECT_EQ(count.contains(text) ? count[text] : 0, 1) << text << " was acknowledged";
  for (const auto& [text, n] : count) EXPECT_EQ(n, 1) << text << " applied twice";
  EXPECT_GT(acked.size(), 0u);
  return acked.size();
}

}  // namespace everyvoice::testing
