// Process-wide counters for GET /metrics (Prometheus text format). Lock-free; read approximately.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace everyvoice::net {

struct Metrics {
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_total{0};
  std::atomic<std::int64_t> meetings_open{0};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> writes{0};
  std::atomic<std::uint64_t> commands_accepted{0};
  std::atomic<std::uint64_t> commands_rejected{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::uint64_t> queue_drops{0};            // frames dropped from slow clients' queues
  std::atomic<std::uint64_t> slow_client_snapshots{0};  // snapshots sent to clients that fell behind
  std::atomic<std::uint64_t> hard_cap_closes{0};
  std::atomic<std::uint64_t> origin_rejections{0};
  std::atomic<std::uint64_t> storage_failures{0};  // meetings that had a write fail
  // Hostile or unlucky input: each is something a peer did that the server refused or survived.
  std::atomic<std::uint64_t> host_rejections{0};         // requests for a Host the server is not (421)
  std::atomic<std::uint64_t> bad_requests{0};             // HTTP requests refused as malformed (400)
  std::atomic<std::uint64_t> meetings_create_refused{0};  // creations refused: rate, key or limit
  std::atomic<std::uint64_t> pongs_replaced{0};           // pings answered only by a later pong
  std::atomic<std::uint64_t> accept_paused{0};            // accept paused: out of file descriptors
  // An exception a handler did not expect, by place: the one connection or request it hit was
  // closed (1011) or answered 500; everything else carried on.
  std::atomic<std::uint64_t> faults_http{0};
  std::atomic<std::uint64_t> faults_websocket{0};
  std::atomic<std::uint64_t> faults_room{0};
  std::atomic<std::uint64_t> faults_store{0};
  std::atomic<std::uint64_t> faults_loop{0};  // reached the I/O loop itself (a handler without its own guard)

  std::string prometheus_text() const;
};

Metrics& metrics();

}  // namespace everyvoice::net
