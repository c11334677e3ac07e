#include "net/metrics.hpp"

#include <sstream>
#include <utility>

namespace everyvoice::net {

Metrics& metrics() {
  static Metrics m;
  return m;
}

std::string Metrics::prometheus_text() const {
  std::ostringstream o;
  const auto line = [&](const char* name, const char* type, const char* help, auto value) {
    o << "# HELP everyvoice_" << name << ' ' << help << "\n# TYPE everyvoice_" << name << ' ' << type
      << "\neveryvoice_" << name << ' ' << value << '\n';
  };
  line("connections", "gauge", "Open WebSocket connections.", connections_open.load());
  line("connections_total", "counter", "WebSocket connections accepted.", connections_total.load());
  line("meetings", "gauge", "Meetings held in memory.", meetings_open.load());
  line("frames_in_total", "counter", "WebSocket messages received.", frames_in.load());
  line("frames_out_total", "counter", "WebSocket messages sent.", frames_out.load());
  line("bytes_out_total", "counter", "WebSocket payload bytes sent.", bytes_out.load());
  line("writes_total", "counter", "WebSocket write operations.", writes.load());
  line("commands_accepted_total", "counter", "Meeting commands accepted.", commands_accepted.load());
  line("commands_rejected_total", "counter", "Commands answered with an error.", commands_rejected.load());
  line("rate_limited_total", "counter", "Commands refused by the per-connection rate limit.", rate_limited.load());
  line("queue_drops_total", "counter", "Queued frames dropped for slow clients.", queue_drops.load());
  line("slow_client_snapshots_total", "counter", "Snapshots sent to clients that fell behind.",
       slow_client_snapshots.load());
  line("hard_cap_closes_total", "counter", "Connections closed at the outgoing hard cap.", hard_cap_closes.load());
  line("origin_rejections_total", "counter", "WebSocket upgrades refused for their Origin.", origin_rejections.load());
  line("storage_failures_total", "counter", "Writes to the event log that failed.", storage_failures.load());
  line("host_rejections_total", "counter", "Requests refused (421) for a Host that is not this server.",
       host_rejections.load());
  line("bad_requests_total", "counter", "HTTP requests refused as malformed (400).", bad_requests.load());
  line("meetings_create_refused_total", "counter", "Meeting creations refused (rate, create key or limit).",
       meetings_create_refused.load());
  line("pongs_replaced_total", "counter", "Pings answered only by the pong of a later ping.", pongs_replaced.load());
  line("accept_paused_total", "counter", "Times accepting paused because file descriptors ran out.",
       accept_paused.load());
  o << "# HELP everyvoice_handler_faults_total Unexpected exceptions caught, by where (the connection or request was closed).\n"
       "# TYPE everyvoice_handler_faults_total counter\n";
  const std::pair<const char*, std::uint64_t> faults[] = {{"http", faults_http.load()},
                                                          {"websocket", faults_websocket.load()},
                                                          {"room", faults_room.load()},
                                                          {"store", faults_store.load()},
                                                          {"loop", faults_loop.load()}};
  for (const auto& [place, n] : faults) o << "everyvoice_handler_faults_total{place=\"" << place << "\"} " << n << '\n';
  return o.str();
}

}  // namespace everyvoice::net
