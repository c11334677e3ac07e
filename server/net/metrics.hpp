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

  std::string prometheus_text() const;
};

Metrics& metrics();

}  // namespace everyvoice::net
