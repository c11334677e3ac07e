// evload: the everyvoice load generator (tests/load/README.md).
//
// One thread, epoll, non-blocking sockets and a minimal WebSocket client of its own (handshake,
// masked client frames, unmasked server frames, fragmentation, ping/pong, close). It opens N
// connections to one meeting of everyvoice (or to a broadcast peer: Node ws, Socket.IO, Bun), then
// runs the scenarios asked for, one after another on the same connections, and prints for each:
// delivered messages per second, latency of each update to each client and the time until the last
// client has it (p50, p99, max), losses and sequence gaps, and the server's CPU seconds and RSS read
// from /proc/<server-pid>.
//
// Only loopback targets: the host must be a literal 127.x.y.z address. Every loop is bounded in
// count and time (--max-seconds is a hard deadline for the whole run).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "sha1.hpp"

namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;

i64 now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<i64>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
double seconds(i64 ns) { return static_cast<double>(ns) / 1e9; }
double millis(double us) { return us / 1000.0; }
double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

// This process's CPU seconds (user + system): the generator's own cost, printed beside the server's.
double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Options

enum class Target { everyvoice, ws, socketio, bun };

const char* name_of(Target t) {
  switch (t) {
    case Target::everyvoice: return "everyvoice";
    case Target::ws: return "ws";
    case Target::socketio: return "socketio";
    case Target::bun: return "bun";
  }
  return "?";
}

struct Options {
  Target target = Target::everyvoice;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string port_file;           // read the port from here (waits for it, bounded)
  int clients = 50;
  int meetings = 1;                // everyvoice: client i joins meeting i % meetings (peers: one group)
  std::vector<std::string> phases{"W1"};
  double rate = 10;                // W1: updates per second
  double duration = 5;             // seconds per timed phase (W1, W2, W3, each half of W4)
  double fast_duration = 0;        // W2 and W3 only (0: --duration)
  int window = 8;                  // W3: updates in flight (W2 always 1)
  double w4_rate = 0;              // W4: updates per second in both halves (0: --window in flight)
  double w4_before = 0;             // W4: seconds with everyone reading (0: --duration)
  double w4_after = 0;              // W4: seconds with 1% not reading (0: --duration)
  int w4_stall_rcvbuf = 0;         // W4: SO_RCVBUF of the clients that will stop reading (0: kernel default)
  double w7_spread = 2;            // W7: the votes are spread over this many seconds
  bool w7_shuffled = false;        // W7: people vote in a random order, not the order they joined in
  double w5_settle = 2;            // W5: idle seconds before reading the RSS
  double w8_interval = 1;          // W8: seconds between two steps of each meeting's script
  bool w8 = false;                 // W8 is among the phases (set from them: clients keep their tokens)
  int server_pid = 0;
  int payload_bytes = 0;           // peers: message size (0: default_payload_bytes)
  int connect_concurrency = 200;   // connections handshaking or joining at once
  double max_seconds = 300;        // hard deadline for the whole run
  double setup_timeout = 240;      // all clients connected (and for everyvoice, in sync) within this
  double update_timeout = 5;       // an update not at every client after this is counted lost
  std::string code;                // everyvoice: join this meeting (default: create one)
  bool facilitator = false;        // everyvoice: client 0 joins with the facilitator key
  bool quiet = false;
};

// everyvoice's raise_hand / lower_hand update frame is about this long (run-matrix.sh passes the
// size measured in the same configuration).
constexpr int default_payload_bytes = 224;

[[noreturn]] void usage(const char* error) {
  if (error) std::fprintf(stderr, "evload: %s\n", error);
  std::fputs(
      "usage: evload [--target=everyvoice|ws|socketio|bun] (--port=N | --port-file=F) [--host=127.0.0.1]\n"
      "              [--clients=N] [--meetings=1] [--phases=W6,W5,W1,W2,W3,W4,W7] [--rate=10]\n"
      "              [--duration=5] [--fast-duration=S] [--window=8] [--w4-rate=R] [--w4-before=S]\n"
      "              [--w4-after=S] [--w4-stall-rcvbuf=BYTES] [--w5-settle=S] [--w7-spread=2] [--w7-shuffled] [--w8-interval=1]\n"
      "              [--server-pid=PID] [--payload-bytes=N] [--connect-concurrency=200]\n"
      "              [--max-seconds=300] [--setup-timeout=240] [--update-timeout=5] [--code=CODE]\n"
      "              [--facilitator] [--quiet]\n"
      "Scenarios (run in the order given, on the same connections):\n"
      "  W1 steady: --rate updates/s for --duration s        W2 as fast as possible, 1 update in flight\n"
      "  W3 as fast as possible, --window updates in flight  W4 1% of clients stop reading (before/after)\n"
      "  W5 server RSS per idle connection                    W6 join storm: connections/s to full state\n"
      "  W7 vote storm: every client casts an anonymous vote within --w7-spread s (everyvoice with polls),\n"
      "     in the order they joined, or a random one with --w7-shuffled\n"
      "  W8 a busy evening: --meetings meetings (client i in meeting i % meetings, the first of each its\n"
      "     facilitator) follow a meeting's script for --duration s, one step every --w8-interval s each\n"
      "Exit: 0 all good, 1 losses/gaps/errors, 2 usage, 3 setup failed or deadline.\n",
      stderr);
  std::exit(2);
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--help" || a == "-h") usage(nullptr);
    if (a == "--facilitator") { o.facilitator = true; continue; }
    if (a == "--quiet") { o.quiet = true; continue; }
    if (a == "--w7-shuffled") { o.w7_shuffled = true; continue; }
    const auto eq = a.find('=');
    if (!starts_with(a, "--") || eq == std::string_view::npos) usage(("bad argument: " + std::string(a)).c_str());
    const std::string key(a.substr(2, eq - 2));
    const std::string value(a.substr(eq + 1));
    const auto num = [&](double lo, double hi) {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(v >= lo && v <= hi)) usage(("bad value for --" + key).c_str());
      return v;
    };
    if (key == "target") {
      if (value == "everyvoice") o.target = Target::everyvoice;
      else if (value == "ws") o.target = Target::ws;
      else if (value == "socketio") o.target = Target::socketio;
      else if (value == "bun") o.target = Target::bun;
      else usage("--target is everyvoice, ws, socketio or bun");
    } else if (key == "host") o.host = value;
    else if (key == "port") o.port = static_cast<int>(num(1, 65535));
    else if (key == "port-file") o.port_file = value;
    else if (key == "clients") o.clients = static_cast<int>(num(1, 20000));
    else if (key == "meetings") o.meetings = static_cast<int>(num(1, 5000));
    else if (key == "phases") {
      o.phases.clear();
      std::stringstream ss(value);
      for (std::string p; std::getline(ss, p, ',');) if (!p.empty()) o.phases.push_back(p);
    } else if (key == "rate") o.rate = num(0.1, 100000);
    else if (key == "duration") o.duration = num(0.1, 600);
    else if (key == "fast-duration") o.fast_duration = num(0.1, 600);
    else if (key == "window") o.window = static_cast<int>(num(1, 1000));
    else if (key == "w4-rate") o.w4_rate = num(0.1, 100000);
    else if (key == "w4-before") o.w4_before = num(0.1, 600);
    else if (key == "w4-after") o.w4_after = num(0.1, 600);
    else if (key == "w4-stall-rcvbuf") o.w4_stall_rcvbuf = static_cast<int>(num(0, 1 << 26));
    else if (key == "w5-settle") o.w5_settle = num(0, 60);
    else if (key == "w7-spread") o.w7_spread = num(0, 60);
    else if (key == "w8-interval") o.w8_interval = num(0.05, 60);
    else if (key == "server-pid") o.server_pid = static_cast<int>(num(0, 1 << 30));
    else if (key == "payload-bytes") o.payload_bytes = static_cast<int>(num(64, 1 << 20));
    else if (key == "connect-concurrency") o.connect_concurrency = static_cast<int>(num(1, 20000));
    else if (key == "max-seconds") o.max_seconds = num(1, 3600);
    else if (key == "setup-timeout") o.setup_timeout = num(1, 3600);
    else if (key == "update-timeout") o.update_timeout = num(0.1, 60);
    else if (key == "code") o.code = value;
    else usage(("unknown flag --" + key).c_str());
  }
  // Loopback only: a literal IPv4 address in 127.0.0.0/8, nothing else (no names, no other ranges).
  in_addr addr{};
  if (inet_pton(AF_INET, o.host.c_str(), &addr) != 1 || (ntohl(addr.s_addr) >> 24) != 127)
    usage("--host must be a loopback address (127.x.y.z); evload refuses any other target");
  if (o.port == 0 && o.port_file.empty()) usage("give --port or --port-file");
  if (o.payload_bytes == 0) o.payload_bytes = default_payload_bytes;
  // W7 needs a facilitator to open the poll: client 0 (it is also the sender of W1-W4).
  if (std::find(o.phases.begin(), o.phases.end(), "W7") != o.phases.end()) {
    o.facilitator = true;
    if (o.phases.back() != "W7") usage("W7 must be the last scenario (vote counts are coalesced: seq jumps after it)");
  }
  if (o.fast_duration == 0) o.fast_duration = o.duration;
  if (o.w4_before == 0) o.w4_before = o.duration;
  if (o.w4_after == 0) o.w4_after = o.duration;
  o.w8 = std::find(o.phases.begin(), o.phases.end(), "W8") != o.phases.end();
  if (o.w8) {
    if (o.target != Target::everyvoice) usage("W8 needs everyvoice (meetings, a queue, polls)");
    if (o.phases.back() != "W8") usage("W8 must be the last scenario");
    if (o.clients / o.meetings < 4 || (o.clients + o.meetings - 1) / o.meetings > 32)
      usage("W8 needs 4 to 32 clients per meeting");
    o.facilitator = true;  // the first client of each meeting runs it
  }
  if (o.meetings > 1)
    for (const auto& p : o.phases)
      if (p != "W5" && p != "W6" && p != "W7" && p != "W8")
        usage("with --meetings above 1 only W5, W6 and W8 run (one sender per meeting is not done)");
  for (const auto& p : o.phases)
    if (p != "W1" && p != "W2" && p != "W3" && p != "W4" && p != "W5" && p != "W6" && p != "W7" && p != "W8")
      usage(("unknown scenario " + p).c_str());
  return o;
}

// ---------------------------------------------------------------------------------------------
// The server process, read from /proc (no other source).

struct ProcSample {
  bool ok = false;
  double cpu_user = 0, cpu_sys = 0;  // seconds
  long rss_kib = 0, hwm_kib = 0;
};

ProcSample sample_process(int pid) {
  ProcSample s;
  if (pid <= 0) return s;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return s;
  const auto paren = line.rfind(')');
  if (paren == std::string::npos) return s;
  std::istringstream rest(line.substr(paren + 2));
  std::string field;
  // Fields from 3 (state) on; utime is field 14, stime 15.
  unsigned long long utime = 0, stime = 0;
  for (int n = 3; n <= 15 && rest >> field; ++n) {
    if (n == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (n == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  s.cpu_user = static_cast<double>(utime) / tick;
  s.cpu_sys = static_cast<double>(stime) / tick;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (starts_with(line, "VmRSS:")) s.rss_kib = std::strtol(line.c_str() + 6, nullptr, 10);
    if (starts_with(line, "VmHWM:")) s.hwm_kib = std::strtol(line.c_str() + 6, nullptr, 10);
  }
  s.ok = true;
  return s;
}

// ---------------------------------------------------------------------------------------------
// JSON: only what the hot path needs. Top-level "type", "seq" and "id" of an object, found by a
// single scan that tracks strings and depth, and stops once it has what it wants.

struct TopFields {
  std::string_view type;
  std::string_view id;
  i64 seq = -1;
};

void scan_top(std::string_view s, TopFields& f, bool want_id) {
  int depth = 0;
  bool in_string = false;
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '{' || c == '[') { ++depth; continue; }
    if (c == '}' || c == ']') { --depth; continue; }
    if (c != '"') continue;
    in_string = true;
    if (depth != 1) continue;
    const std::string_view rest = s.substr(i + 1);
    if (starts_with(rest, "seq\":")) {
      std::size_t j = i + 6;
      i64 v = 0;
      bool any = false;
      while (j < n && s[j] >= '0' && s[j] <= '9') v = v * 10 + (s[j++] - '0'), any = true;
      if (any) f.seq = v;
      i = j - 1;
      in_string = false;
    } else if (starts_with(rest, "type\":\"") || (want_id && starts_with(rest, "id\":\""))) {
      const bool is_type = rest[0] == 't';
      const std::size_t start = i + 1 + (is_type ? 7 : 5);
      const std::size_t end = s.find('"', start);
      if (end == std::string_view::npos) return;
      (is_type ? f.type : f.id) = s.substr(start, end - start);
      i = end;
      in_string = false;
    }
    if (!f.type.empty() && f.seq >= 0 && (!want_id || !f.id.empty())) return;
  }
}

// The first "seq":N in a peer's message (the generator wrote the payload, so it is there once).
i64 find_seq(std::string_view s) {
  const auto at = s.find("\"seq\":");
  if (at == std::string_view::npos) return -1;
  i64 v = 0;
  bool any = false;
  for (std::size_t j = at + 6; j < s.size() && s[j] >= '0' && s[j] <= '9'; ++j) v = v * 10 + (s[j] - '0'), any = true;
  return any ? v : -1;
}

// ---------------------------------------------------------------------------------------------
// Statistics

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;  // microseconds
  std::size_t n = 0;
};

Percentiles percentiles(std::vector<std::uint32_t>& v) {
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  const auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return static_cast<double>(v[k]);
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.max = static_cast<double>(*std::max_element(v.begin(), v.end()));
  return p;
}

// ---------------------------------------------------------------------------------------------
// Connections

enum class State : std::uint8_t { idle, connecting, handshake, open, closed };

struct Client {
  int fd = -1;
  State state = State::idle;
  bool ready = false;      // everyvoice: welcome and snapshot received; peers: subscribed
  bool welcomed = false;
  bool stalled = false;    // W4: stopped reading
  bool will_stall = false;
  bool writing = false;    // EPOLLOUT armed
  std::uint8_t frag_opcode = 0;
  i64 last_seq = -1;
  i64 t_connect = 0;
  i64 t_ready = 0;
  u64 gaps = 0, dups = 0, resyncs = 0;
  std::string key;   // Sec-WebSocket-Key during the handshake
  std::string in;    // received bytes not yet parsed (a partial frame, or the handshake response)
  std::string frag;  // payload of a fragmented message so far
  std::string out;   // bytes not yet written
  // W8: the token for a resume, and when the last few seqs arrived (to time a command whose ack
  // comes after the members already have its update).
  std::string token;
  bool resuming = false;
  i64 t_closed = 0;
  std::uint8_t ring_at = 0;
  std::array<i64, 8> ring_seq{};
  std::array<i64, 8> ring_t{};
};

struct Update {
  i64 t_send = 0;
  i64 t_last = 0;
  std::uint32_t expected = 0;
  std::uint32_t got = 0;
  bool done = false;
  bool timed_out = false;
};

// One scenario's measurements.
struct Phase {
  std::string name;
  bool active = false;
  i64 seq_base = 0;  // updates of this phase carry seq_base + 1, + 2, ...
  std::vector<Update> updates;
  std::size_t first_open = 0;  // updates before this are done
  std::size_t in_flight = 0;
  u64 delivered = 0;
  u64 timed_out = 0;
  std::vector<std::uint32_t> latency_us;     // each update at each client
  std::vector<std::uint32_t> last_us;        // each update at its last client
  i64 t_start = 0, t_end = 0;
  double gen_cpu_start = 0, gen_cpu_end = 0;  // evload's own CPU seconds
  bool record_latency_of_stalled_phase = true;
};

class Generator {
 public:
  explicit Generator(Options o) : opt_(std::move(o)) {}
  int run();

 private:
  // set-up
  bool wait_for_port();
  bool create_meeting(std::string& code, std::string& key);
  bool create_meetings();
  bool setup();
  void start_connect(std::size_t i);
  // event loop
  void poll_once(int timeout_ms);
  void on_writable(std::size_t i);
  void on_readable(std::size_t i);
  void on_bytes(std::size_t i, const char* data, std::size_t n);
  std::size_t parse_frames(std::size_t i, const char* p, std::size_t n);
  void on_frame(std::size_t i, bool fin, std::uint8_t opcode, std::string_view payload);
  void on_message(std::size_t i, std::string_view text);
  void on_open(std::size_t i);
  void on_update(std::size_t i, i64 seq, std::size_t bytes);
  void deliver(std::size_t i, i64 seq, i64 now);
  void send_frame(std::size_t i, std::uint8_t opcode, std::string_view payload);
  void send_raw(std::size_t i, std::string_view bytes);
  void flush(std::size_t i);
  void close_client(std::size_t i, bool by_server);
  void set_events(std::size_t i, std::uint32_t events);
  // scenarios
  void send_update();
  void retire_updates(i64 now);
  void begin_phase(const std::string& name);
  void end_phase(i64 drain_deadline);
  bool past_deadline() const { return now_ns() > deadline_; }
  void run_timed(const std::string& name, double rate, int window, double duration,
                 const std::function<void(i64)>& each = nullptr);
  int report_phase(const std::string& name, const char* extra_human, const std::string& extra_result, u64 losses_override);
  int phase_w1();
  int phase_w2(int window, const char* name);
  int phase_w4();
  int phase_w5();
  int report_w6();
  std::size_t expected_recipients() const;
  void refresh_expected();
  u64 phase_losses() const;

  Options opt_;
  int port_ = 0;
  int epoll_ = -1;
  i64 deadline_ = 0;
  std::vector<Client> clients_;
  std::vector<std::string> meeting_codes_, facilitator_keys_;  // everyvoice: client i is in meeting i % size
  std::vector<char> buf_ = std::vector<char>(256 * 1024);
  std::string scratch_;
  u64 mask_state_ = 0x9E3779B97F4A7C15ull;

  // counters over the whole run
  u64 errors_ = 0, closed_by_server_ = 0, connect_failures_ = 0, unexpected_ = 0, ack_mismatch_ = 0;
  std::string first_error_;
  std::size_t ready_count_ = 0;
  std::size_t pending_ = 0;  // connecting, handshaking or joining
  std::vector<i64> welcome_max_seq_;  // per meeting: the seq after the last join seen
  i64 cur_seq_ = 0;          // the seq of the last update sent (everyvoice: predicted from the commands)
  bool hand_up_ = false;
  u64 next_command_id_ = 1;
  std::deque<std::pair<u64, i64>> awaiting_ack_;  // command id, the seq its update must carry
  u64 update_frames_ = 0, update_bytes_ = 0;      // sizes of the update frames received

  Phase phase_;
  // W7 (vote storm)
  struct VoteStorm {
    bool active = false;        // between the poll's opening and the end of the storm
    int open_state = 0;         // 0 waiting, 1 acked, -1 refused
    std::string open_error;
    i64 open_seq = 0;
    u64 acked = 0, refused = 0;
    std::string first_refusal;
    std::vector<std::uint32_t> voted_seen;  // per client: the highest "voted" count it has been shown
    std::vector<i64> t_seen;                // per client: when it was first shown that count
  } w7_;
  int polls_opened_ = 0;
  int phase_w7();
  // W8 (a busy evening)
  struct W8Command {
    u64 id = 0;
    i64 t_send = 0;
    i64 seq = -1;               // from the ack
    std::uint32_t waiting = 0;  // bit k: member k of the meeting (client m + k * meetings) still without it
    bool count_only = false;    // a vote or a signal: coalesced by design, timed to its ack
  };
  struct W8Meeting {
    std::deque<W8Command> pending;
    int step = 0;
    i64 next_at = 0;
    int polls = 0;
  };
  struct BusyEvening {
    bool active = false;
    std::vector<W8Meeting> meetings;
    std::vector<std::uint32_t> member_us, last_us, count_us, reconnect_us;
    u64 commands = 0, count_commands = 0, reconnects = 0, unanswered = 0, left_waiting = 0;
  } w8_;
  int phase_w8();
  void w8_step(std::size_t m, i64 now);
  void w8_send(std::size_t m, std::size_t member, const std::string& type, const std::string& fields, bool count_only);
  void w8_message(std::size_t i, std::string_view text, i64 now);
  void w8_reached(std::size_t i, i64 seq, i64 now);
  std::size_t meeting_size(std::size_t m) const {
    const std::size_t n = clients_.size(), per = meeting_codes_.size();
    return n / per + (m < n % per ? 1 : 0);
  }
  std::size_t expected_recipients_ = 0;  // cached expected_recipients(), refreshed when clients change
  bool expected_dirty_ = true;
  // W6 (the set-up is the join storm)
  i64 setup_start_ = 0, setup_all_open_ = 0, setup_end_ = 0;
  u64 rx_bytes_ = 0;        // every byte read from the server, all clients
  u64 setup_rx_bytes_ = 0;  // of them, those read by the end of the join storm
  std::vector<std::uint32_t> join_us_;
  ProcSample proc_before_setup_, proc_after_setup_;
  int failures_ = 0;
};

void Generator::set_events(std::size_t i, std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = i;
  epoll_ctl(epoll_, EPOLL_CTL_MOD, clients_[i].fd, &ev);
}

bool Generator::wait_for_port() {
  if (opt_.port) {
    port_ = opt_.port;
    return true;
  }
  for (int tries = 0; tries < 200; ++tries) {  // at most 10 s
    std::ifstream f(opt_.port_file);
    int p = 0;
    if (f >> p && p > 0 && p < 65536) {
      port_ = p;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::fprintf(stderr, "evload: no port in %s after 10 s\n", opt_.port_file.c_str());
  return false;
}

// A blocking HTTP/1.1 POST to /api/meetings on the target (loopback, checked), with timeouts.
bool Generator::create_meetings() {
  if (!opt_.code.empty()) {
    if (opt_.meetings != 1) return false;
    meeting_codes_.push_back(opt_.code);
    facilitator_keys_.emplace_back();
  } else {
    for (int m = 0; m < opt_.meetings; ++m) {
      std::string code, key;
      if (!create_meeting(code, key)) return false;
      meeting_codes_.push_back(code);
      facilitator_keys_.push_back(key);
    }
  }
  welcome_max_seq_.assign(meeting_codes_.size(), 0);
  return true;
}

bool Generator::create_meeting(std::string& code, std::string& key) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port_));
  inet_pton(AF_INET, opt_.host.c_str(), &sa.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    close(fd);
    std::fprintf(stderr, "evload: cannot connect to %s:%d: %s\n", opt_.host.c_str(), port_, std::strerror(errno));
    return false;
  }
  const std::string body = "{\"title\":\"evload\"}";
  const std::string req = "POST /api/meetings HTTP/1.1\r\nHost: " + opt_.host + ":" + std::to_string(port_) +
                          "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body;
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return false;
  }
  std::string resp;
  char b[4096];
  for (int k = 0; k < 64; ++k) {  // bounded: 256 KiB at most
    const ssize_t n = read(fd, b, sizeof b);
    if (n <= 0) break;
    resp.append(b, static_cast<std::size_t>(n));
  }
  close(fd);
  const auto field = [&](const char* name) -> std::string {
    const std::string k = std::string("\"") + name + "\":\"";
    const auto at = resp.find(k);
    if (at == std::string::npos) return "";
    const auto end = resp.find('"', at + k.size());
    return end == std::string::npos ? "" : resp.substr(at + k.size(), end - at - k.size());
  };
  code = field("code");
  key = field("facilitator_key");
  if (code.empty()) {
    std::fprintf(stderr, "evload: POST /api/meetings did not answer a code:\n%s\n", resp.c_str());
    return false;
  }
  return true;
}

void Generator::start_connect(std::size_t i) {
  Client& c = clients_[i];
  c.t_connect = now_ns();
  c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    std::fprintf(stderr, "evload: socket: %s (raise ulimit -n)\n", std::strerror(errno));
    c.state = State::closed;
    ++connect_failures_;
    return;
  }
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (c.will_stall && opt_.w4_stall_rcvbuf > 0)
    setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &opt_.w4_stall_rcvbuf, sizeof opt_.w4_stall_rcvbuf);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<std::uint16_t>(port_));
  inet_pton(AF_INET, opt_.host.c_str(), &sa.sin_addr);
  const int r = connect(c.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  if (r != 0 && errno != EINPROGRESS) {
    std::fprintf(stderr, "evload: connect: %s\n", std::strerror(errno));
    close(c.fd);
    c.fd = -1;
    c.state = State::closed;
    ++connect_failures_;
    return;
  }
  c.state = State::connecting;
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLIN;
  ev.data.u64 = i;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
  ++pending_;
}

void Generator::send_raw(std::size_t i, std::string_view bytes) {
  Client& c = clients_[i];
  if (c.state == State::closed) return;
  if (!c.out.empty()) {
    c.out.append(bytes);
    return;
  }
  const ssize_t n = write(c.fd, bytes.data(), bytes.size());
  std::size_t done = n > 0 ? static_cast<std::size_t>(n) : 0;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    close_client(i, true);
    return;
  }
  if (done < bytes.size()) {
    c.out.assign(bytes.substr(done));
    if (!c.writing) {
      c.writing = true;
      set_events(i, (c.stalled ? 0u : static_cast<std::uint32_t>(EPOLLIN)) | EPOLLOUT);
    }
  }
}

void Generator::flush(std::size_t i) {
  Client& c = clients_[i];
  while (!c.out.empty()) {
    const ssize_t n = write(c.fd, c.out.data(), c.out.size());
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      close_client(i, true);
      return;
    }
    c.out.erase(0, static_cast<std::size_t>(n));
  }
  if (c.writing) {
    c.writing = false;
    set_events(i, c.stalled ? 0u : static_cast<std::uint32_t>(EPOLLIN));
  }
}

// A client frame: FIN, the opcode, the mask bit with a fresh key, the masked payload.
void Generator::send_frame(std::size_t i, std::uint8_t opcode, std::string_view payload) {
  std::string& f = scratch_;
  f.clear();
  f.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>((n >> 8) & 0xFF));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int k = 7; k >= 0; --k) f.push_back(static_cast<char>((static_cast<u64>(n) >> (k * 8)) & 0xFF));
  }
  mask_state_ ^= mask_state_ << 13, mask_state_ ^= mask_state_ >> 7, mask_state_ ^= mask_state_ << 17;
  char mask[4];
  for (int k = 0; k < 4; ++k) mask[k] = static_cast<char>((mask_state_ >> (k * 8)) & 0xFF);
  f.append(mask, 4);
  const std::size_t at = f.size();
  f.append(payload);
  for (std::size_t k = 0; k < n; ++k) f[at + k] = static_cast<char>(f[at + k] ^ mask[k & 3]);
  send_raw(i, f);
}

void Generator::close_client(std::size_t i, bool by_server) {
  Client& c = clients_[i];
  if (c.state == State::closed) return;
  if (c.state != State::open || !c.ready) {
    if (pending_ > 0) --pending_;
  }
  if (c.ready && ready_count_ > 0) --ready_count_;
  if (by_server) ++closed_by_server_;
  expected_dirty_ = true;
  if (c.fd >= 0) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
  }
  c.fd = -1;
  c.state = State::closed;
  c.ready = false;
  c.in.clear();
  c.in.shrink_to_fit();
  c.out.clear();
}

void Generator::on_writable(std::size_t i) {
  Client& c = clients_[i];
  if (c.state == State::connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      if (first_error_.empty()) first_error_ = std::string("connect: ") + std::strerror(err);
      ++connect_failures_;
      close_client(i, false);
      return;
    }
    std::uint8_t raw[16];
    for (auto& b : raw) {
      mask_state_ ^= mask_state_ << 13, mask_state_ ^= mask_state_ >> 7, mask_state_ ^= mask_state_ << 17;
      b = static_cast<std::uint8_t>(mask_state_ & 0xFF);
    }
    c.key = evload::base64(raw, sizeof raw);
    // everyvoice: /ws/{code} of the client's meeting, which a load balancer in front of several
    // servers routes by (deploy/haproxy); one server takes it as /ws.
    const std::string path = opt_.target == Target::everyvoice ? "/ws/" + meeting_codes_[i % meeting_codes_.size()]
                             : opt_.target == Target::socketio ? "/socket.io/?EIO=4&transport=websocket"
                                                                : "/";
    const std::string req = std::string("GET ") + path + " HTTP/1.1\r\nHost: " + opt_.host + ":" + std::to_string(port_) +
                            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + c.key +
                            "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    c.state = State::handshake;
    c.writing = false;
    set_events(i, EPOLLIN);
    send_raw(i, req);
    return;
  }
  flush(i);
}

void Generator::on_readable(std::size_t i) {
  for (int k = 0; k < 4; ++k) {  // bounded per wake-up, for fairness between connections
    Client& c = clients_[i];
    if (c.state == State::closed || c.stalled) return;
    const ssize_t n = read(c.fd, buf_.data(), buf_.size());
    if (n > 0) {
      rx_bytes_ += static_cast<u64>(n);
      on_bytes(i, buf_.data(), static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < buf_.size()) return;
    } else if (n == 0) {
      close_client(i, true);
      return;
    } else {
      if (errno != EAGAIN && errno != EWOULDBLOCK) close_client(i, true);
      return;
    }
  }
}

void Generator::on_bytes(std::size_t i, const char* data, std::size_t n) {
  Client& c = clients_[i];
  if (c.state == State::handshake) {
    c.in.append(data, n);
    const auto end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (c.in.size() > 16384) close_client(i, false);
      return;
    }
    const std::string head = c.in.substr(0, end + 2);
    const std::string accept = evload::websocket_accept(c.key);
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char ch) { return static_cast<char>(std::tolower(ch)); });
    const auto at = lower.find("sec-websocket-accept:");
    std::string got;
    if (at != std::string::npos) {
      auto v = head.find_first_not_of(' ', at + 21);
      auto e = head.find("\r\n", v);
      got = head.substr(v, e - v);
      while (!got.empty() && got.back() == ' ') got.pop_back();
    }
    if (!starts_with(head, "HTTP/1.1 101") || got != accept) {
      if (first_error_.empty()) first_error_ = "handshake refused: " + head.substr(0, head.find("\r\n"));
      ++errors_;
      close_client(i, false);
      return;
    }
    c.in.erase(0, end + 4);
    c.state = State::open;
    c.key.clear();
    on_open(i);
    if (!c.in.empty()) {
      std::string rest;
      rest.swap(c.in);
      const std::size_t used = parse_frames(i, rest.data(), rest.size());
      if (clients_[i].state != State::closed && used < rest.size()) clients_[i].in.assign(rest, used);
    }
    return;
  }
  if (c.in.empty()) {
    const std::size_t used = parse_frames(i, data, n);
    if (clients_[i].state != State::closed && used < n) clients_[i].in.assign(data + used, n - used);
  } else {
    c.in.append(data, n);
    const std::size_t used = parse_frames(i, c.in.data(), c.in.size());
    if (clients_[i].state != State::closed) {
      clients_[i].in.erase(0, used);
      if (clients_[i].in.empty() && clients_[i].in.capacity() > 65536) clients_[i].in.shrink_to_fit();
    }
  }
}

// Complete frames from p[0, n); returns the bytes used. Server frames are unmasked (a masked one is
// unmasked anyway).
std::size_t Generator::parse_frames(std::size_t i, const char* p, std::size_t n) {
  std::size_t pos = 0;
  while (n - pos >= 2 && clients_[i].state != State::closed) {
    const auto b0 = static_cast<std::uint8_t>(p[pos]);
    const auto b1 = static_cast<std::uint8_t>(p[pos + 1]);
    std::size_t header = 2;
    u64 len = b1 & 0x7F;
    if (len == 126) {
      if (n - pos < 4) break;
      len = (u64{static_cast<std::uint8_t>(p[pos + 2])} << 8) | static_cast<std::uint8_t>(p[pos + 3]);
      header = 4;
    } else if (len == 127) {
      if (n - pos < 10) break;
      len = 0;
      for (int k = 0; k < 8; ++k) len = (len << 8) | static_cast<std::uint8_t>(p[pos + 2 + static_cast<std::size_t>(k)]);
      header = 10;
    }
    if (len > (u64{64} << 20)) {  // no message of ours is this big
      if (first_error_.empty()) first_error_ = "frame over 64 MiB";
      ++errors_;
      close_client(i, false);
      break;
    }
    const bool masked = (b1 & 0x80) != 0;
    if (masked) header += 4;
    if (n - pos < header + len) break;
    std::string_view payload(p + pos + header, static_cast<std::size_t>(len));
    std::string unmasked;
    if (masked) {
      unmasked.assign(payload);
      const char* key = p + pos + header - 4;
      for (std::size_t k = 0; k < unmasked.size(); ++k) unmasked[k] = static_cast<char>(unmasked[k] ^ key[k & 3]);
      payload = unmasked;
    }
    pos += header + static_cast<std::size_t>(len);
    on_frame(i, (b0 & 0x80) != 0, static_cast<std::uint8_t>(b0 & 0x0F), payload);
  }
  return pos;
}

void Generator::on_frame(std::size_t i, bool fin, std::uint8_t opcode, std::string_view payload) {
  Client& c = clients_[i];
  switch (opcode) {
    case 0x8:  // close: answer it (status only) and close the socket
      send_frame(i, 0x8, payload.substr(0, std::min<std::size_t>(payload.size(), 2)));
      if (first_error_.empty() && payload.size() >= 2)
        first_error_ = "server closed a connection with " +
                       std::to_string((static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1])) +
                       " " + std::string(payload.substr(2));
      close_client(i, true);
      return;
    case 0x9: send_frame(i, 0xA, payload); return;  // ping -> pong
    case 0xA: return;                               // pong
    case 0x0:                                       // continuation
      c.frag.append(payload);
      if (fin) {
        std::string whole;
        whole.swap(c.frag);
        on_message(i, whole);
      }
      return;
    case 0x1:
    case 0x2:
      if (!fin) {
        c.frag.assign(payload);
        c.frag_opcode = opcode;
        return;
      }
      on_message(i, payload);
      return;
    default:
      ++errors_;
      if (first_error_.empty()) first_error_ = "unknown opcode " + std::to_string(opcode);
      close_client(i, false);
  }
}

void Generator::on_open(std::size_t i) {
  if (opt_.target != Target::everyvoice) return;  // peers greet first (ws, Bun: welcome; Socket.IO: open)
  const std::size_t m = i % meeting_codes_.size();
  Client& c = clients_[i];
  if (c.resuming) {
    send_frame(i, 0x1, "{\"type\":\"resume\",\"id\":\"r\",\"code\":\"" + meeting_codes_[m] + "\",\"token\":\"" +
                           c.token + "\",\"last_seq\":" + std::to_string(std::max<i64>(0, c.last_seq)) + "}");
    return;
  }
  std::string join = "{\"type\":\"join\",\"id\":\"j\",\"code\":\"" + meeting_codes_[m] + "\",\"name\":\"load " +
                     std::to_string(i) + "\"";
  if (i < meeting_codes_.size() && opt_.facilitator && !facilitator_keys_[m].empty())
    join += ",\"facilitator_key\":\"" + facilitator_keys_[m] + "\"";
  join += "}";
  send_frame(i, 0x1, join);
}

void Generator::on_message(std::size_t i, std::string_view text) {
  Client& c = clients_[i];
  const i64 now = now_ns();
  const auto make_ready = [&] {
    if (c.ready) return;
    c.ready = true;
    c.t_ready = now;
    expected_dirty_ = true;
    ++ready_count_;
    if (pending_ > 0) --pending_;
    join_us_.push_back(static_cast<std::uint32_t>(std::min<i64>((now - c.t_connect) / 1000, 0xFFFFFFFF)));
  };
  switch (opt_.target) {
    case Target::everyvoice: {
      if (w8_.active) return w8_message(i, text, now);
      TopFields f;
      const bool is_ack_candidate = i == 0 || w7_.active;
      scan_top(text, f, is_ack_candidate);
      if (f.type == "update") {
        if (w7_.active) {
          // Vote counts are coalesced: the seq may jump. The count shown is the poll's "voted".
          if (f.seq > c.last_seq) c.last_seq = f.seq;
          const auto at = text.find("\"voted\":");
          if (at != std::string_view::npos) {
            std::uint32_t v = 0;
            for (std::size_t j = at + 8; j < text.size() && text[j] >= '0' && text[j] <= '9'; ++j)
              v = v * 10 + static_cast<std::uint32_t>(text[j] - '0');
            if (v > w7_.voted_seen[i]) {
              w7_.voted_seen[i] = v;
              w7_.t_seen[i] = now;
            }
          }
          return;
        }
        return on_update(i, f.seq, text.size());
      }
      if (f.type == "heartbeat" || f.type == "figures" || f.type == "pong") return;
      if (f.type == "ack") {
        if (w7_.active || w7_.open_state == 0) {
          if (f.id == "w7open") {
            w7_.open_state = 1;
            w7_.open_seq = f.seq;
            return;
          }
          if (f.id == "w7vote") {
            ++w7_.acked;
            return;
          }
        }
        if (awaiting_ack_.empty()) return;
        const auto [id, seq] = awaiting_ack_.front();
        awaiting_ack_.pop_front();
        if (f.id != std::to_string(id) || f.seq != seq) {
          ++ack_mismatch_;
          if (first_error_.empty())
            first_error_ = "ack " + std::string(f.id) + " seq " + std::to_string(f.seq) + ", expected " +
                           std::to_string(id) + " seq " + std::to_string(seq);
        }
        return;
      }
      if (f.type == "welcome") {
        c.welcomed = true;
        if (opt_.w8) {  // a W8 member drops its connection and resumes with its token
          const auto at = text.find("\"token\":\"");
          if (at != std::string_view::npos) {
            const auto end = text.find('"', at + 9);
            if (end != std::string_view::npos) c.token = std::string(text.substr(at + 9, end - at - 9));
          }
        }
        auto& seen = welcome_max_seq_[i % welcome_max_seq_.size()];
        seen = std::max(seen, f.seq);
        return;
      }
      if (f.type == "snapshot") {
        if (c.ready) {
          // A resync: the server dropped updates for this client (it fell behind) and sends the
          // whole view instead. The client has every change up to the snapshot's seq now: they
          // count as delivered at this moment (not as gaps), and the resync is reported.
          ++c.resyncs;
          if (phase_.active)
            for (i64 s = std::max(c.last_seq, phase_.seq_base) + 1; s <= f.seq; ++s) deliver(i, s, now);
        }
        c.last_seq = std::max(c.last_seq, f.seq);
        make_ready();
        return;
      }
      if (f.type == "error") {
        TopFields g;
        scan_top(text, g, true);
        if (g.id == "w7open") {
          w7_.open_state = -1;
          w7_.open_error = std::string(text.substr(0, 300));
          return;
        }
        if (g.id == "w7vote") {
          ++w7_.refused;
          if (w7_.first_refusal.empty()) w7_.first_refusal = std::string(text.substr(0, 300));
          return;
        }
      }
      ++errors_;
      if (first_error_.empty()) first_error_ = std::string(text.substr(0, 300));
      return;
    }
    case Target::ws:
    case Target::bun:
      if (starts_with(text, "{\"type\":\"welcome\"")) return make_ready();
      return on_update(i, find_seq(text), text.size());
    case Target::socketio:
      if (text.empty()) return;
      if (text[0] == '0') return send_frame(i, 0x1, "40");         // engine.io open -> socket.io connect
      if (text == "2") return send_frame(i, 0x1, "3");              // engine.io ping -> pong
      if (starts_with(text, "40")) return make_ready();             // connected to namespace "/"
      if (starts_with(text, "42")) return on_update(i, find_seq(text), text.size());
      ++errors_;
      if (first_error_.empty()) first_error_ = "socket.io: " + std::string(text.substr(0, 200));
      return;
  }
}

void Generator::on_update(std::size_t i, i64 seq, std::size_t bytes) {
  Client& c = clients_[i];
  const i64 now = now_ns();
  ++update_frames_;
  update_bytes_ += bytes;
  if (seq < 0) {
    ++unexpected_;
    return;
  }
  if (c.last_seq >= 0) {
    if (seq <= c.last_seq) {
      ++c.dups;
      return;
    }
    if (seq > c.last_seq + 1) c.gaps += static_cast<u64>(seq - c.last_seq - 1);
  }
  c.last_seq = seq;
  if (!phase_.active) return;
  if (seq <= phase_.seq_base) return;
  const auto k = static_cast<std::size_t>(seq - phase_.seq_base - 1);
  if (k >= phase_.updates.size()) {
    ++unexpected_;
    if (first_error_.empty()) first_error_ = "update seq " + std::to_string(seq) + " before it was sent";
    return;
  }
  deliver(i, seq, now);
}

// Client i has the change with this seq (by an update, or by a snapshot after a resync).
void Generator::deliver(std::size_t, i64 seq, i64 now) {
  if (seq <= phase_.seq_base) return;
  const auto k = static_cast<std::size_t>(seq - phase_.seq_base - 1);
  if (k >= phase_.updates.size()) return;
  Update& u = phase_.updates[k];
  ++phase_.delivered;
  ++u.got;
  u.t_last = now;
  phase_.latency_us.push_back(static_cast<std::uint32_t>(std::min<i64>((now - u.t_send) / 1000, 0xFFFFFFFF)));
  if (!u.done && u.got >= u.expected) {
    u.done = true;
    --phase_.in_flight;
    phase_.last_us.push_back(static_cast<std::uint32_t>(std::min<i64>((now - u.t_send) / 1000, 0xFFFFFFFF)));
  }
}

void Generator::poll_once(int timeout_ms) {
  epoll_event events[512];
  const int n = epoll_wait(epoll_, events, 512, timeout_ms);
  for (int k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(events[k].data.u64);
    if (i >= clients_.size() || clients_[i].state == State::closed) continue;
    const auto ev = events[k].events;
    if (ev & EPOLLOUT) on_writable(i);
    if (clients_[i].state == State::closed) continue;
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
      if (clients_[i].state == State::connecting) {
        on_writable(i);  // the connect failed: SO_ERROR says why
        continue;
      }
      if (clients_[i].stalled) {
        if (ev & (EPOLLERR | EPOLLHUP)) close_client(i, true);
        continue;
      }
      on_readable(i);
    }
  }
}

void Generator::refresh_expected() {
  if (!expected_dirty_) return;
  expected_recipients_ = expected_recipients();
  expected_dirty_ = false;
}

std::size_t Generator::expected_recipients() const {
  std::size_t n = 0;
  for (const auto& c : clients_) n += (c.state == State::open && c.ready && !c.stalled) ? 1 : 0;
  return n;
}

// Client 0 makes one change that every participant must see. everyvoice: raise_hand / lower_hand
// alternately (one event, one update frame to every connection). Peers: a message of the same size
// as everyvoice's update frame, relayed to every connection.
void Generator::send_update() {
  const i64 now = now_ns();
  Update u;
  u.t_send = now;
  u.expected = static_cast<std::uint32_t>(expected_recipients_);
  phase_.updates.push_back(u);
  ++phase_.in_flight;
  ++cur_seq_;
  if (opt_.target == Target::everyvoice) {
    const u64 id = next_command_id_++;
    std::string cmd = std::string("{\"type\":\"") + (hand_up_ ? "lower_hand" : "raise_hand") + "\",\"id\":\"" +
                      std::to_string(id) + "\"}";
    hand_up_ = !hand_up_;
    awaiting_ack_.emplace_back(id, cur_seq_);
    send_frame(0, 0x1, cmd);
    return;
  }
  const std::string head = opt_.target == Target::socketio ? "42[\"m\",{\"type\":\"update\",\"seq\":"
                                                           : "{\"type\":\"update\",\"seq\":";
  std::string msg = head + std::to_string(cur_seq_) + ",\"pad\":\"";
  const std::string tail = opt_.target == Target::socketio ? "\"}]" : "\"}";
  const auto want = static_cast<std::size_t>(opt_.payload_bytes);
  if (msg.size() + tail.size() < want) msg.append(want - msg.size() - tail.size(), 'x');
  msg += tail;
  send_frame(0, 0x1, msg);
}

// Updates older than --update-timeout are given up (their missing deliveries count as losses, unless
// they still arrive before the phase ends; a sequence gap is a true loss).
void Generator::retire_updates(i64 now) {
  const auto limit = static_cast<i64>(opt_.update_timeout * 1e9);
  while (phase_.first_open < phase_.updates.size()) {
    Update& u = phase_.updates[phase_.first_open];
    if (!u.done) {
      if (now - u.t_send < limit) break;
      u.done = true;
      u.timed_out = true;
      --phase_.in_flight;
      ++phase_.timed_out;
    }
    ++phase_.first_open;
  }
}

void Generator::begin_phase(const std::string& name) {
  phase_ = Phase{};
  phase_.name = name;
  phase_.active = true;
  phase_.seq_base = cur_seq_;
  phase_.t_start = now_ns();
  phase_.gen_cpu_start = own_cpu_seconds();
  for (auto& c : clients_) c.gaps = c.dups = c.resyncs = 0;
  update_frames_ = update_bytes_ = 0;
}

void Generator::end_phase(i64 drain_deadline) {
  phase_.t_end = now_ns();  // sending stopped; delivery rate counts only the sending time
  phase_.gen_cpu_end = own_cpu_seconds();
  while (phase_.in_flight > 0 && now_ns() < drain_deadline && !past_deadline()) {
    poll_once(5);
    retire_updates(now_ns());
  }
  // Anything still missing now is lost.
  for (auto& u : phase_.updates)
    if (!u.done) {
      u.done = true;
      u.timed_out = true;
      ++phase_.timed_out;
    }
  phase_.in_flight = 0;
  phase_.active = false;
}

u64 Generator::phase_losses() const {
  u64 lost = 0;
  for (const auto& u : phase_.updates)
    if (u.got < u.expected) lost += u.expected - u.got;
  return lost;
}

int Generator::report_phase(const std::string& name, const char* extra_human, const std::string& extra_result,
                            u64 losses_override) {
  const double secs = std::max(1e-9, seconds(phase_.t_end - phase_.t_start));
  auto lat = percentiles(phase_.latency_us);
  auto last = percentiles(phase_.last_us);
  u64 gaps = 0, dups = 0, resyncs = 0;
  for (const auto& c : clients_)
    if (!c.stalled) gaps += c.gaps, dups += c.dups, resyncs += c.resyncs;
  const u64 losses = losses_override != ~u64{0} ? losses_override : phase_losses();
  const double mean_frame = update_frames_ ? static_cast<double>(update_bytes_) / static_cast<double>(update_frames_) : 0;
  std::printf("%s %s: %zu clients, %zu updates in %.2f s (%.1f updates/s)\n", name.c_str(), name_of(opt_.target),
              clients_.size(), phase_.updates.size(), secs, static_cast<double>(phase_.updates.size()) / secs);
  std::printf("  delivered %" PRIu64 " messages, %.0f per second; mean update frame %.0f bytes\n", phase_.delivered,
              static_cast<double>(phase_.delivered) / secs, mean_frame);
  std::printf("  latency, each update at each client: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", millis(lat.p50),
              millis(lat.p99), millis(lat.max));
  std::printf("  time until the last client has it:   p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", millis(last.p50),
              millis(last.p99), millis(last.max));
  std::printf("  missing at the end (lost, or later than --update-timeout after the last send) %" PRIu64
              ", sequence gaps %" PRIu64 ", duplicates %" PRIu64 ", resyncs %" PRIu64 ", updates given up %" PRIu64 "\n",
              losses, gaps, dups, resyncs, phase_.timed_out);
  const double gen_cpu = phase_.gen_cpu_end - phase_.gen_cpu_start;
  std::printf("  evload's own cpu %.2f s (%.0f%% of one core)\n", gen_cpu, 100.0 * gen_cpu / secs);
  if (extra_human && *extra_human) std::printf("%s", extra_human);
  std::printf("RESULT target=%s phase=%s clients=%zu updates=%zu seconds=%.3f delivered=%" PRIu64
              " delivered_per_s=%.0f lat_p50_ms=%.3f lat_p99_ms=%.3f lat_max_ms=%.3f last_p50_ms=%.3f "
              "last_p99_ms=%.3f last_max_ms=%.3f losses=%" PRIu64 " gaps=%" PRIu64 " resyncs=%" PRIu64
              " frame_bytes=%.0f gen_cpu_s=%.3f%s\n",
              name_of(opt_.target), name.c_str(), clients_.size(), phase_.updates.size(), secs, phase_.delivered,
              static_cast<double>(phase_.delivered) / secs, millis(lat.p50), millis(lat.p99), millis(lat.max),
              millis(last.p50), millis(last.p99), millis(last.max), losses, gaps, resyncs, mean_frame, gen_cpu,
              extra_result.c_str());
  std::fflush(stdout);
  const bool bad = losses > 0 || gaps > 0 || dups > 0 || resyncs > 0 || phase_.delivered == 0;
  return bad ? 1 : 0;
}

// Sends at `rate` per second (rate > 0), or keeps `window` updates in flight (rate == 0), for
// `duration` seconds, then waits for the last ones (at most --update-timeout). `each` is called
// with the time on every turn of the loop (W4 samples the server's RSS with it).
void Generator::run_timed(const std::string& name, double rate, int window, double duration,
                          const std::function<void(i64)>& each) {
  begin_phase(name);
  const i64 start = phase_.t_start;
  const i64 end = start + static_cast<i64>(duration * 1e9);
  const auto step = rate > 0 ? static_cast<i64>(1e9 / rate) : 0;
  i64 next = start;
  constexpr std::size_t max_in_flight = 100000;  // bound for open-loop sending
  std::size_t guard = 0;
  while (!past_deadline() && guard++ < 100'000'000) {
    const i64 now = now_ns();
    if (now >= end) break;
    if (each) each(now);
    refresh_expected();
    if (rate > 0) {
      while (now >= next && phase_.in_flight < max_in_flight) {
        send_update();
        next += step;
      }
    } else {
      while (phase_.in_flight < static_cast<std::size_t>(window)) send_update();
    }
    const i64 wake = std::min(rate > 0 ? next : end, end);
    const int cap = each ? 10 : 50;
    const int timeout = static_cast<int>(std::clamp<i64>((wake - now_ns() + 999'999) / 1'000'000, 0, cap));
    poll_once(timeout);
    retire_updates(now_ns());
  }
  end_phase(now_ns() + static_cast<i64>(opt_.update_timeout * 1e9));
}

int Generator::phase_w1() {
  const auto p0 = sample_process(opt_.server_pid);
  run_timed("W1", opt_.rate, 0, opt_.duration);
  const auto p1 = sample_process(opt_.server_pid);
  char human[256];
  std::snprintf(human, sizeof human, "  server cpu %.2f s, rss %.1f MiB, peak %.1f MiB\n",
                (p1.cpu_user + p1.cpu_sys) - (p0.cpu_user + p0.cpu_sys), mib(p1.rss_kib), mib(p1.hwm_kib));
  char result[256];
  std::snprintf(result, sizeof result, " rate=%.1f cpu_s=%.3f rss_kib=%ld hwm_kib=%ld", opt_.rate,
                (p1.cpu_user + p1.cpu_sys) - (p0.cpu_user + p0.cpu_sys), p1.rss_kib, p1.hwm_kib);
  return report_phase("W1", p1.ok ? human : "", result, ~u64{0});
}

int Generator::phase_w2(int window, const char* name) {
  const auto p0 = sample_process(opt_.server_pid);
  run_timed(name, 0, window, opt_.fast_duration);
  const auto p1 = sample_process(opt_.server_pid);
  const double cpu = (p1.cpu_user + p1.cpu_sys) - (p0.cpu_user + p0.cpu_sys);
  char human[256];
  std::snprintf(human, sizeof human, "  server cpu %.2f s, rss %.1f MiB, peak %.1f MiB\n", cpu, mib(p1.rss_kib),
                mib(p1.hwm_kib));
  char result[256];
  std::snprintf(result, sizeof result, " window=%d cpu_s=%.3f rss_kib=%ld hwm_kib=%ld", window, cpu, p1.rss_kib,
                p1.hwm_kib);
  return report_phase(name, p1.ok ? human : "", result, ~u64{0});
}

// W4: the same load twice (--w4-rate per second, or --window in flight), first with every client
// reading, then with 1% of them (never the sender) no longer reading. The server's RSS must level
// off and the others' p99 must not change.
int Generator::phase_w4() {
  const double half = opt_.w4_after;
  const double rate = opt_.w4_rate;
  // Before.
  run_timed("W4", rate, opt_.window, opt_.w4_before);
  auto before = percentiles(phase_.latency_us);
  const double before_rate = static_cast<double>(phase_.delivered) / std::max(1e-9, seconds(phase_.t_end - phase_.t_start));
  const u64 before_losses = phase_losses();
  // Stop reading.
  std::size_t stalled = 0;
  for (std::size_t i = 1; i < clients_.size(); ++i)
    if (clients_[i].will_stall && clients_[i].state == State::open) {
      clients_[i].stalled = true;
      expected_dirty_ = true;
      set_events(i, clients_[i].writing ? static_cast<std::uint32_t>(EPOLLOUT) : 0u);
      ++stalled;
    }
  // After, sampling the server's RSS every 100 ms.
  std::vector<std::pair<double, long>> rss;
  const i64 start = now_ns();
  i64 next_sample = start;
  run_timed("W4", rate, opt_.window, half, [&](i64 now) {
    if (now < next_sample) return;
    rss.emplace_back(seconds(now - start), sample_process(opt_.server_pid).rss_kib);
    next_sample += 100'000'000;
  });
  rss.emplace_back(seconds(now_ns() - start), sample_process(opt_.server_pid).rss_kib);
  auto after = percentiles(phase_.latency_us);
  const double after_rate = static_cast<double>(phase_.delivered) / std::max(1e-9, seconds(phase_.t_end - phase_.t_start));
  // RSS levels off: over the last third of the stalled half it grows by at most a tenth of its
  // growth over the whole half, or by less than 256 KiB per client that stopped reading.
  const long r_start = rss.front().second, r_end = rss.back().second;
  long r_two_thirds = r_start;
  for (const auto& [t, r] : rss)
    if (t <= half * 2 / 3) r_two_thirds = r;
  const long grow_all = r_end - r_start, grow_last = r_end - r_two_thirds;
  const bool level = opt_.server_pid > 0 && (grow_last < 256 * static_cast<long>(std::max<std::size_t>(stalled, 1)) ||
                                              grow_last * 10 <= grow_all);
  const bool same_p99 = after.p99 <= before.p99 * 1.5 + 1000.0;
  const bool pass = level && same_p99;
  std::string series;
  const std::size_t stride = std::max<std::size_t>(1, rss.size() / 8);
  for (std::size_t k = 0; k < rss.size(); k += stride) {
    char item[64];
    std::snprintf(item, sizeof item, " %.1fs:%.1fMiB", rss[k].first, mib(rss[k].second));
    series += item;
  }
  char human[1024];
  std::snprintf(human, sizeof human,
                "  %zu clients stopped reading; the others' latency p99 %.2f ms before, %.2f ms after (%s)\n"
                "  delivered per second before %.0f, after %.0f; losses before %" PRIu64 "\n"
                "  server RSS during the stall:%s\n"
                "  RSS grew %ld KiB, %ld KiB of it in the last third: %s\n"
                "  W4 %s\n",
                stalled, millis(before.p99), millis(after.p99), same_p99 ? "unchanged" : "CHANGED", before_rate,
                after_rate, before_losses, series.c_str(), grow_all, grow_last, level ? "levels off" : "still growing",
                pass ? "passes" : "FAILS");
  char result[512];
  std::snprintf(result, sizeof result,
                " rate=%.1f window=%d stalled=%zu p99_before_ms=%.3f p99_after_ms=%.3f delivered_per_s_before=%.0f "
                "rss_start_kib=%ld rss_end_kib=%ld rss_growth_kib=%ld rss_growth_last_third_kib=%ld level_off=%d w4_pass=%d",
                rate, rate > 0 ? 0 : opt_.window, stalled, millis(before.p99), millis(after.p99), before_rate, r_start,
                r_end, grow_all, grow_last, level ? 1 : 0, pass ? 1 : 0);
  // The stalled clients' missing updates are the point of W4, not losses: only the readers' count.
  return report_phase("W4", human, result, before_losses + phase_losses());
}

int Generator::phase_w5() {
  const i64 until = now_ns() + static_cast<i64>(opt_.w5_settle * 1e9);
  while (now_ns() < until && !past_deadline()) poll_once(20);
  const auto p = sample_process(opt_.server_pid);
  const std::size_t open = expected_recipients();
  const double per = open ? static_cast<double>(p.rss_kib - proc_before_setup_.rss_kib) * 1024.0 / static_cast<double>(open) : 0;
  if (!p.ok) {
    std::printf("W5 %s: no --server-pid, no RSS\n", name_of(opt_.target));
    return 0;
  }
  std::printf("W5 %s: %zu idle connections; server RSS %.1f MiB (before connecting %.1f MiB), peak %.1f MiB\n",
              name_of(opt_.target), open, mib(p.rss_kib), mib(proc_before_setup_.rss_kib), mib(p.hwm_kib));
  std::printf("  RSS per idle connection: %.2f KiB (target: at most 6 KiB)\n", per / 1024.0);
  std::printf("RESULT target=%s phase=W5 clients=%zu rss_kib=%ld rss_before_kib=%ld hwm_kib=%ld per_conn_kib=%.3f\n",
              name_of(opt_.target), open, p.rss_kib, proc_before_setup_.rss_kib, p.hwm_kib, per / 1024.0);
  std::fflush(stdout);
  return 0;
}

int Generator::report_w6() {
  const double secs = std::max(1e-9, seconds(setup_end_ - setup_start_));
  auto join = percentiles(join_us_);
  const double cpu = (proc_after_setup_.cpu_user + proc_after_setup_.cpu_sys) -
                     (proc_before_setup_.cpu_user + proc_before_setup_.cpu_sys);
  std::printf("W6 %s: %zu clients joined in %.2f s: %.0f connections/s to full meeting state\n", name_of(opt_.target),
              clients_.size(), secs, static_cast<double>(clients_.size()) / secs);
  std::printf("  each client, connect to full state: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", millis(join.p50),
              millis(join.p99), millis(join.max));
  if (proc_after_setup_.ok)
    std::printf("  server cpu %.2f s, rss %.1f MiB, peak %.1f MiB\n", cpu, mib(proc_after_setup_.rss_kib),
                mib(proc_after_setup_.hwm_kib));
  // What the storm moved: every byte the clients read until each had seen the last join (handshakes,
  // welcomes, snapshots and the updates telling of the others' joins), per join.
  const double per_join = static_cast<double>(setup_rx_bytes_) / static_cast<double>(std::max<std::size_t>(1, clients_.size()));
  std::printf("  bytes the clients read during the storm: %.1f MB, %.0f per join\n", static_cast<double>(setup_rx_bytes_) / 1e6, per_join);
  std::printf("RESULT target=%s phase=W6 clients=%zu seconds=%.3f conn_per_s=%.1f join_p50_ms=%.3f join_p99_ms=%.3f "
              "join_max_ms=%.3f cpu_s=%.3f rss_kib=%ld hwm_kib=%ld rx_bytes=%" PRIu64 " rx_bytes_per_join=%.0f\n",
              name_of(opt_.target), clients_.size(), secs, static_cast<double>(clients_.size()) / secs,
              millis(join.p50), millis(join.p99), millis(join.max), cpu, proc_after_setup_.rss_kib,
              proc_after_setup_.hwm_kib, setup_rx_bytes_, per_join);
  std::fflush(stdout);
  return 0;
}

// The join storm: every client connects and (everyvoice) joins, at most --connect-concurrency at
// once, until each has the full meeting state: its snapshot and every update after it.
bool Generator::setup() {
  const auto n = static_cast<std::size_t>(opt_.clients);
  clients_.resize(n);
  const bool w4 = std::find(opt_.phases.begin(), opt_.phases.end(), "W4") != opt_.phases.end();
  if (w4)
    for (std::size_t i = 1; i < n; ++i) clients_[i].will_stall = (i % 100 == 99) || (n < 100 && i == n - 1);
  proc_before_setup_ = sample_process(opt_.server_pid);
  setup_start_ = now_ns();
  const i64 limit = setup_start_ + static_cast<i64>(opt_.setup_timeout * 1e9);
  std::size_t next = 0;
  std::size_t guard = 0;
  while (guard++ < 100'000'000) {
    const i64 now = now_ns();
    if (now > limit || past_deadline()) {
      std::fprintf(stderr, "evload: set-up timed out: %zu of %zu clients ready (%s)\n", ready_count_, n,
                   first_error_.c_str());
      return false;
    }
    while (next < n && pending_ < static_cast<std::size_t>(opt_.connect_concurrency)) start_connect(next++);
    if (connect_failures_ > 0 || closed_by_server_ > 0) {
      std::fprintf(stderr, "evload: set-up failed: %" PRIu64 " connects failed, %" PRIu64 " closed (%s)\n",
                   connect_failures_, closed_by_server_, first_error_.c_str());
      return false;
    }
    if (next == n && ready_count_ == n) {
      if (!setup_all_open_) setup_all_open_ = now;
      if (opt_.target != Target::everyvoice) break;
      // everyvoice: everyone has seen the last join.
      bool synced = true;
      for (std::size_t k = 0; k < clients_.size(); ++k)
        if (clients_[k].last_seq < welcome_max_seq_[k % welcome_max_seq_.size()]) {
          synced = false;
          break;
        }
      if (synced) break;
    }
    poll_once(5);
  }
  setup_end_ = now_ns();
  setup_rx_bytes_ = rx_bytes_;
  cur_seq_ = opt_.target == Target::everyvoice ? welcome_max_seq_[0] : 0;
  proc_after_setup_ = sample_process(opt_.server_pid);
  return true;
}

// W7: the facilitator (client 0) opens an anonymous single-choice poll; every client votes once,
// the votes spread evenly over --w7-spread seconds. Measured: the time from the last vote sent until
// every client has been shown the final count ("voted" in the poll), and the server's CPU seconds.
// A server without polls refuses open_poll: W7 is then reported as not available.
int Generator::phase_w7() {
  if (opt_.target != Target::everyvoice) {
    std::printf("W7 %s: not applicable (a broadcast peer has no polls)\n", name_of(opt_.target));
    std::printf("RESULT target=%s phase=W7 available=0\n", name_of(opt_.target));
    return 0;
  }
  const auto p0 = sample_process(opt_.server_pid);
  w7_ = VoteStorm{};
  w7_.voted_seen.assign(clients_.size(), 0);
  w7_.t_seen.assign(clients_.size(), 0);
  send_frame(0, 0x1,
             "{\"type\":\"open_poll\",\"id\":\"w7open\",\"question\":\"evload vote storm\",\"kind\":\"single_choice\","
             "\"options\":[\"yes\",\"no\"],\"anonymous\":true}");
  i64 limit = now_ns() + 5'000'000'000;
  while (w7_.open_state == 0 && now_ns() < limit && !past_deadline()) poll_once(5);
  if (w7_.open_state != 1) {
    const bool no_polls = w7_.open_state == -1 && (w7_.open_error.find("unknown_type") != std::string::npos ||
                                                   w7_.open_error.find("unknown message") != std::string::npos ||
                                                   w7_.open_error.find("open_poll") != std::string::npos);
    if (no_polls || w7_.open_state == -1) {
      std::printf("W7: not available (no polls in this server version)\n");
      if (!no_polls) std::printf("  the server refused open_poll: %s\n", w7_.open_error.c_str());
    } else {
      std::printf("W7: not available (no answer to open_poll in 5 s)\n");
    }
    std::printf("RESULT target=%s phase=W7 available=0\n", name_of(opt_.target));
    std::fflush(stdout);
    return 0;
  }
  const int poll = ++polls_opened_;
  w7_.active = true;
  // Everyone has the poll (their seq reached the opening's), at most 10 s.
  limit = now_ns() + 10'000'000'000;
  for (bool all = false; !all && now_ns() < limit && !past_deadline();) {
    poll_once(5);
    all = true;
    for (const auto& c : clients_)
      if (c.state == State::open && c.ready && c.last_seq < w7_.open_seq) all = false;
  }
  // The storm.
  const auto p1 = sample_process(opt_.server_pid);
  std::vector<std::size_t> voters;
  for (std::size_t i = 0; i < clients_.size(); ++i)
    if (clients_[i].state == State::open && clients_[i].ready && !clients_[i].stalled) voters.push_back(i);
  // Joined in order, people have consecutive ids: voting in that order writes each person's rows
  // beside the last one's. A real room votes in no such order.
  if (opt_.w7_shuffled) std::shuffle(voters.begin(), voters.end(), std::mt19937_64{12345});
  const i64 start = now_ns();
  const double spread_ns = opt_.w7_spread * 1e9;
  i64 last_vote = start;
  for (std::size_t k = 0; k < voters.size() && !past_deadline();) {
    const i64 now = now_ns();
    const auto due = start + static_cast<i64>(spread_ns * static_cast<double>(k) / static_cast<double>(voters.size()));
    if (now >= due) {
      const std::string vote = "{\"type\":\"vote\",\"id\":\"w7vote\",\"poll\":" + std::to_string(poll) +
                               ",\"choices\":[" + std::to_string(k % 2) + "]}";
      send_frame(voters[k], 0x1, vote);
      last_vote = now_ns();
      ++k;
      continue;
    }
    poll_once(static_cast<int>(std::clamp<i64>((due - now) / 1'000'000, 0, 5)));
  }
  // Until every vote is answered and every client shows the final count (at most 15 s).
  limit = now_ns() + 15'000'000'000;
  std::size_t showing = 0;
  while (now_ns() < limit && !past_deadline()) {
    poll_once(5);
    if (w7_.acked + w7_.refused < voters.size()) continue;
    showing = 0;
    for (std::size_t i : voters) showing += w7_.voted_seen[i] >= w7_.acked ? 1 : 0;
    if (showing == voters.size()) break;
  }
  const auto p2 = sample_process(opt_.server_pid);
  w7_.active = false;
  std::vector<std::uint32_t> after_last;
  for (std::size_t i : voters)
    if (w7_.voted_seen[i] >= w7_.acked && w7_.acked > 0)
      after_last.push_back(static_cast<std::uint32_t>(std::max<i64>(0, w7_.t_seen[i] - last_vote) / 1000));
  auto shown = percentiles(after_last);
  const double cpu = (p2.cpu_user + p2.cpu_sys) - (p1.cpu_user + p1.cpu_sys);
  const double cpu_all = (p2.cpu_user + p2.cpu_sys) - (p0.cpu_user + p0.cpu_sys);
  const bool complete = after_last.size() == voters.size() && w7_.refused == 0;
  std::printf("W7 everyvoice: %zu clients voted within %.1f s (%" PRIu64 " acknowledged, %" PRIu64 " refused)\n",
              voters.size(), seconds(last_vote - start), w7_.acked, w7_.refused);
  std::printf("  after the last vote, every client shows the final count in: p50 %.1f ms  max %.1f ms (%zu of %zu clients)\n",
              millis(shown.p50), millis(shown.max), after_last.size(), voters.size());
  if (p2.ok) std::printf("  server cpu for the storm %.2f s (with opening the poll %.2f s)\n", cpu, cpu_all);
  if (!w7_.first_refusal.empty()) std::printf("  first refusal: %s\n", w7_.first_refusal.c_str());
  std::printf("RESULT target=everyvoice phase=W7 available=1 clients=%zu votes=%zu acked=%" PRIu64 " refused=%" PRIu64
              " spread_s=%.3f final_p50_ms=%.3f final_max_ms=%.3f showing=%zu cpu_s=%.3f rss_kib=%ld hwm_kib=%ld\n",
              voters.size(), voters.size(), w7_.acked, w7_.refused, seconds(last_vote - start), millis(shown.p50),
              millis(shown.max), after_last.size(), cpu, p2.rss_kib, p2.hwm_kib);
  std::fflush(stdout);
  return complete ? 0 : 1;
}

// W8, a busy evening: --meetings meetings, each with a facilitator (its first client) and its
// members, follow the same script, one step every --w8-interval s, the meetings staggered over
// the interval. One cycle of the script (19 steps): three hands raised; the next speaker called;
// a signal; the turn ended; the next called; a written point; the turn ended; the last hand
// lowered; a go-round (start, a pass, a go, its end, the round ended); an anonymous poll opened,
// every member votes, the poll closed; one member drops the connection and resumes with its token
// and last seq. Measured: from a command sent until each member, and until every member, has
// its update (an update with a seq at least the ack's); votes and signals (counts, coalesced by
// design: PROTOCOL.md 4.2) to their ack; a reconnect from the drop to the welcome.
void Generator::w8_send(std::size_t m, std::size_t member, const std::string& type, const std::string& fields,
                        bool count_only) {
  const std::size_t i = m + member * meeting_codes_.size();
  if (i >= clients_.size() || clients_[i].state != State::open || !clients_[i].ready) return;
  W8Command cmd;
  cmd.id = next_command_id_++;
  cmd.t_send = now_ns();
  cmd.count_only = count_only;
  w8_.meetings[m].pending.push_back(cmd);
  ++(count_only ? w8_.count_commands : w8_.commands);
  send_frame(i, 0x1, "{\"type\":\"" + type + "\",\"id\":\"w8-" + std::to_string(cmd.id) + "\"" + fields + "}");
}

void Generator::w8_step(std::size_t m, i64 now) {
  W8Meeting& mt = w8_.meetings[m];
  const std::size_t n = meeting_size(m);
  const int step = mt.step % 19;
  const auto cycle = static_cast<std::size_t>(mt.step / 19);
  ++mt.step;
  // Three members of this cycle, turn about (member 0 is the facilitator).
  const auto member = [&](std::size_t k) { return 1 + (cycle * 3 + k) % (n - 1); };
  switch (step) {
    case 0: case 1: case 2: return w8_send(m, member(static_cast<std::size_t>(step)), "raise_hand", "", false);
    case 3: case 6: return w8_send(m, 0, "call_next", "", false);
    case 4: {
      static const char* kinds[] = {"slow_down", "lost", "cant_hear", "need_break"};
      return w8_send(m, member(2), "send_signal", std::string(",\"kind\":\"") + kinds[cycle % 4] + "\"", true);
    }
    case 5: case 8: case 13: return w8_send(m, 0, "end_turn", "", false);
    case 7:
      return w8_send(m, member(1), "submit_point",
                     ",\"text\":\"What about the evening sessions, " + std::to_string(cycle) + "?\"", false);
    case 9: return w8_send(m, member(2), "lower_hand", "", false);
    case 10: return w8_send(m, 0, "start_round", ",\"topic\":\"One word each\"", false);
    case 11: return w8_send(m, 0, "round_pass", "", false);
    case 12: return w8_send(m, 0, "round_speak", "", false);
    case 14: return w8_send(m, 0, "end_round", "", false);
    case 15:
      ++mt.polls;
      return w8_send(m, 0, "open_poll",
                     ",\"question\":\"Meet again next month?\",\"kind\":\"single_choice\",\"options\":[\"yes\",\"no\"],"
                     "\"anonymous\":true",
                     false);
    case 16:
      for (std::size_t k = 1; k < n; ++k)
        w8_send(m, k, "vote", ",\"poll\":" + std::to_string(mt.polls) + ",\"choices\":[" + std::to_string(k % 2) + "]", true);
      return;
    case 17: return w8_send(m, 0, "close_poll", ",\"poll\":" + std::to_string(mt.polls), false);
    case 18: {
      const std::size_t i = m + member(0) * meeting_codes_.size();
      Client& c = clients_[i];
      if (c.state != State::open || !c.ready || c.token.empty()) return;
      // Its deliveries still awaited are no longer expected (it catches up by the resume).
      const std::uint32_t bit = 1u << member(0);
      for (auto& cmd : mt.pending)
        if (cmd.waiting & bit) {
          cmd.waiting &= ~bit;
          ++w8_.left_waiting;
        }
      close_client(i, false);
      c.resuming = true;
      c.t_closed = now;
      ++w8_.reconnects;
      start_connect(i);
      return;
    }
  }
}

// Client i has everything up to `seq` (an update or a snapshot): the commands of its meeting that
// it was waiting for are delivered.
void Generator::w8_reached(std::size_t i, i64 seq, i64 now) {
  Client& c = clients_[i];
  c.last_seq = std::max(c.last_seq, seq);
  c.ring_seq[c.ring_at] = seq;
  c.ring_t[c.ring_at] = now;
  c.ring_at = static_cast<std::uint8_t>((c.ring_at + 1) % c.ring_seq.size());
  const std::size_t per = meeting_codes_.size(), m = i % per, k = i / per;
  auto& pending = w8_.meetings[m].pending;
  for (auto& cmd : pending) {
    if (cmd.seq < 0 || cmd.seq > seq || !(cmd.waiting & (1u << k))) continue;
    cmd.waiting &= ~(1u << k);
    w8_.member_us.push_back(static_cast<std::uint32_t>((now - cmd.t_send) / 1000));
    if (cmd.waiting == 0) w8_.last_us.push_back(static_cast<std::uint32_t>((now - cmd.t_send) / 1000));
  }
  while (!pending.empty() && pending.front().seq >= 0 && pending.front().waiting == 0) pending.pop_front();
}

void Generator::w8_message(std::size_t i, std::string_view text, i64 now) {
  Client& c = clients_[i];
  TopFields f;
  scan_top(text, f, true);
  if (f.type == "update" || f.type == "snapshot") return w8_reached(i, f.seq, now);
  if (f.type == "heartbeat" || f.type == "figures" || f.type == "pong" || f.type == "poll_results") return;
  const std::size_t per = meeting_codes_.size(), m = i % per;
  if (f.type == "welcome") {
    if (c.resuming) {  // back in the meeting
      c.resuming = false;
      c.ready = true;
      ++ready_count_;
      if (pending_ > 0) --pending_;
      w8_.reconnect_us.push_back(static_cast<std::uint32_t>((now - c.t_closed) / 1000));
    }
    return;
  }
  if (f.type == "ack" && starts_with(f.id, "w8-")) {
    const u64 id = std::strtoull(std::string(f.id.substr(3)).c_str(), nullptr, 10);
    auto& pending = w8_.meetings[m].pending;
    const auto it = std::find_if(pending.begin(), pending.end(), [&](const W8Command& x) { return x.id == id; });
    if (it == pending.end()) return;
    if (it->count_only) {
      w8_.count_us.push_back(static_cast<std::uint32_t>((now - it->t_send) / 1000));
      pending.erase(it);
      return;
    }
    it->seq = f.seq;
    // Every member present now must have it; those that already do are timed by when it came.
    const std::size_t n = meeting_size(m);
    for (std::size_t k = 0; k < n; ++k) {
      const Client& member = clients_[m + k * per];
      if (member.state != State::open || !member.ready) continue;
      i64 at = -1;
      if (member.last_seq >= f.seq)
        for (std::size_t r = 0; r < member.ring_seq.size(); ++r)
          if (member.ring_seq[r] >= f.seq && member.ring_t[r] >= it->t_send && (at < 0 || member.ring_t[r] < at))
            at = member.ring_t[r];
      if (member.last_seq < f.seq) {
        it->waiting |= 1u << k;
      } else {
        // It came before the ack (the sender's own update always does): timed from the ring, or
        // at the ack if the ring has moved on.
        w8_.member_us.push_back(static_cast<std::uint32_t>(((at >= 0 ? at : now) - it->t_send) / 1000));
      }
    }
    if (it->waiting == 0) {
      w8_.last_us.push_back(static_cast<std::uint32_t>((now - it->t_send) / 1000));
      pending.erase(it);
    }
    return;
  }
  ++errors_;
  if (first_error_.empty()) first_error_ = std::string(text.substr(0, 300));
}

int Generator::phase_w8() {
  const std::size_t per = meeting_codes_.size();
  w8_ = BusyEvening{};
  w8_.meetings.resize(per);
  const i64 start = now_ns();
  const auto interval = static_cast<i64>(opt_.w8_interval * 1e9);
  for (std::size_t m = 0; m < per; ++m)
    w8_.meetings[m].next_at = start + interval * static_cast<i64>(m) / static_cast<i64>(per);
  for (auto& c : clients_) c.last_seq = std::max<i64>(c.last_seq, 0);
  w8_.active = true;
  const auto p0 = sample_process(opt_.server_pid);
  const i64 end = start + static_cast<i64>(opt_.duration * 1e9);
  std::size_t guard = 0;
  while (!past_deadline() && guard++ < 100'000'000) {
    const i64 now = now_ns();
    if (now >= end) break;
    i64 wake = end;
    for (std::size_t m = 0; m < per; ++m) {
      auto& mt = w8_.meetings[m];
      if (now >= mt.next_at) {
        w8_step(m, now);
        mt.next_at += interval;
      }
      wake = std::min(wake, mt.next_at);
    }
    poll_once(static_cast<int>(std::clamp<i64>((wake - now_ns() + 999'999) / 1'000'000, 0, 20)));
  }
  const i64 t_end = now_ns();
  // The last answers, at most --update-timeout.
  const auto waiting = [&] {
    for (const auto& mt : w8_.meetings)
      if (!mt.pending.empty()) return true;
    for (const auto& c : clients_)
      if (c.resuming) return true;
    return false;
  };
  const i64 drain = now_ns() + static_cast<i64>(opt_.update_timeout * 1e9);
  while (waiting() && now_ns() < drain && !past_deadline()) poll_once(5);
  const auto p1 = sample_process(opt_.server_pid);
  w8_.active = false;
  u64 lost = 0;
  for (const auto& mt : w8_.meetings) lost += mt.pending.size();
  for (const auto& c : clients_) lost += c.resuming ? 1 : 0;
  const double secs = seconds(t_end - start);
  const double cpu = (p1.cpu_user + p1.cpu_sys) - (p0.cpu_user + p0.cpu_sys);
  const double meeting_minutes = static_cast<double>(per) * secs / 60.0;
  const double rss_per_meeting = static_cast<double>(p1.rss_kib - proc_before_setup_.rss_kib) / static_cast<double>(per);
  auto member = percentiles(w8_.member_us);
  auto last = percentiles(w8_.last_us);
  auto count = percentiles(w8_.count_us);
  auto back = percentiles(w8_.reconnect_us);
  std::printf("W8 everyvoice: %zu meetings of about %zu for %.1f s: %" PRIu64 " commands (%.0f/s) and %" PRIu64
              " votes and signals, %" PRIu64 " reconnects\n",
              per, meeting_size(0), secs, w8_.commands, static_cast<double>(w8_.commands) / secs, w8_.count_commands,
              w8_.reconnects);
  std::printf("  command to each member:  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", millis(member.p50), millis(member.p99),
              millis(member.max));
  std::printf("  command to every member: p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", millis(last.p50), millis(last.p99),
              millis(last.max));
  std::printf("  vote or signal to its ack: p50 %.2f ms  p99 %.2f ms; reconnect to welcome: p50 %.2f ms  p99 %.2f ms\n",
              millis(count.p50), millis(count.p99), millis(back.p50), millis(back.p99));
  std::printf("  unanswered at the end %" PRIu64 "; deliveries no longer awaited after a drop %" PRIu64 "\n", lost,
              w8_.left_waiting);
  if (p1.ok)
    std::printf("  server cpu %.2f s (%.0f%% of a core), %.1f ms per meeting-minute; rss %.1f MiB, %.1f KiB per meeting\n",
                cpu, 100.0 * cpu / secs, 1000.0 * cpu / meeting_minutes, mib(p1.rss_kib), rss_per_meeting);
  std::printf("RESULT target=everyvoice phase=W8 meetings=%zu clients=%zu seconds=%.3f commands=%" PRIu64
              " count_commands=%" PRIu64 " reconnects=%" PRIu64 " member_p50_ms=%.3f member_p99_ms=%.3f last_p50_ms=%.3f "
              "last_p99_ms=%.3f last_max_ms=%.3f count_p99_ms=%.3f reconnect_p99_ms=%.3f lost=%" PRIu64
              " cpu_s=%.3f cpu_ms_per_meeting_minute=%.3f rss_kib=%ld rss_per_meeting_kib=%.2f\n",
              per, clients_.size(), secs, w8_.commands, w8_.count_commands, w8_.reconnects, millis(member.p50),
              millis(member.p99), millis(last.p50), millis(last.p99), millis(last.max), millis(count.p99),
              millis(back.p99), lost, cpu, 1000.0 * cpu / meeting_minutes, p1.rss_kib, rss_per_meeting);
  std::fflush(stdout);
  return lost > 0 || w8_.last_us.empty() ? 1 : 0;
}

int Generator::run() {
  deadline_ = now_ns() + static_cast<i64>(opt_.max_seconds * 1e9);
  signal(SIGPIPE, SIG_IGN);
  // 5,000 clients need that many descriptors: raise the soft limit to the hard one.
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < static_cast<rlim_t>(opt_.clients) + 64) {
    std::fprintf(stderr, "evload: %d clients need ulimit -n of at least %d (now %lu)\n", opt_.clients,
                 opt_.clients + 64, static_cast<unsigned long>(rl.rlim_cur));
    return 3;
  }
  if (!wait_for_port()) return 3;
  if (opt_.target == Target::everyvoice && !create_meetings()) return 3;
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  if (!opt_.quiet)
    std::printf("evload: %s on %s:%d, %d clients, scenarios", name_of(opt_.target), opt_.host.c_str(), port_,
                opt_.clients);
  if (!opt_.quiet) {
    for (const auto& p : opt_.phases) std::printf(" %s", p.c_str());
    std::printf("\n");
    std::fflush(stdout);
  }
  if (!setup()) return 3;
  int status = 0;
  for (const auto& p : opt_.phases) {
    if (past_deadline()) {
      std::fprintf(stderr, "evload: --max-seconds reached before %s\n", p.c_str());
      return 3;
    }
    int r = 0;
    if (p == "W1") r = phase_w1();
    else if (p == "W2") r = phase_w2(1, "W2");
    else if (p == "W3") r = phase_w2(opt_.window, "W3");
    else if (p == "W4") r = phase_w4();
    else if (p == "W5") r = phase_w5();
    else if (p == "W6") r = report_w6();
    else if (p == "W7") r = phase_w7();
    else if (p == "W8") r = phase_w8();
    status = std::max(status, r);
  }
  u64 resyncs = 0;
  for (const auto& c : clients_) resyncs += c.stalled ? 0 : c.resyncs;
  const u64 bad = errors_ + closed_by_server_ + unexpected_ + ack_mismatch_;
  std::printf("evload: done; errors %" PRIu64 ", closed by the server %" PRIu64 ", unexpected frames %" PRIu64
              ", ack mismatches %" PRIu64 "%s%s\n",
              errors_, closed_by_server_, unexpected_, ack_mismatch_, first_error_.empty() ? "" : "; first: ",
              first_error_.c_str());
  // The clients end with a reset, not a FIN: a closed socket would wait in TIME_WAIT for 60 s
  // (and its conntrack entry for 120 s), and the next run on this machine, started at once, would
  // pay for tens of thousands of them in every lookup (measured: W6 at 5,000 after nine runs in a
  // row took twice the server CPU of the same run on a quiet machine).
  const linger reset{1, 0};
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (clients_[i].fd >= 0) setsockopt(clients_[i].fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    close_client(i, false);
  }
  close(epoll_);
  if (bad > 0) status = std::max(status, 1);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  Generator g(parse_options(argc, argv));
  return g.run();
}
