// Every limit and knob of the server in one place, with its default. Each has a command-line flag
// (--name=value, the member's name with '-' for '_') and a line in the README's table.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace everyvoice::net {

struct Settings {
  // Where to listen and what to serve.
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string static_dir = "client-web";
  std::string data_dir = "data";
  std::string store;                         // empty: SQLite in data_dir; or a postgresql:// URL (no password in it)
  std::string node;                          // this server's name among those sharing a PostgreSQL store
                                             // (empty: host name and port)
  unsigned lease_seconds = 6;                // shared store: a meeting's owner renews its lease every third of
                                             // this; a dead owner's meetings are taken over after it
  std::vector<std::string> allowed_origins;  // empty: only the server's own origin (scheme://Host)
  std::string port_file;                     // if set, the bound port is written there (tests use --port=0)
  unsigned threads = 0;                      // 0: one per core
  std::string log_level = "info";            // error, warn, info, debug
  std::string public_url;                    // scheme://host[:port] for every link and QR code; its host is served
  std::vector<std::string> allowed_hosts;    // more Host names served (IP literals and localhost always are)
  std::string create_key;                    // if set, creating a meeting needs this secret (X-Create-Key)
  std::vector<std::string> trusted_proxies;  // addresses or CIDRs whose X-Forwarded-For/-Proto are believed

  // Limits.
  std::size_t max_message_bytes = 64 * 1024;     // largest WebSocket message from a client (1009 above it)
  std::size_t max_http_body_bytes = 16 * 1024;   // largest HTTP request body
  unsigned handshake_timeout_seconds = 10;       // HTTP request / WebSocket upgrade must complete in this
  unsigned idle_timeout_seconds = 60;            // silent connections are pinged at half this, closed at it
  double commands_per_second = 20;               // per connection, token bucket refill rate
  double command_burst = 40;                     // per connection, token bucket size
  unsigned abuse_limit = 100;                    // commands refused for rate in a row before closing (1008)
  std::size_t connections_per_ip = 200;          // open connections from one address
  std::size_t participants_per_meeting = 5000;   // people who can join one meeting (removed ones excluded)
  std::size_t meetings = 1000;                   // active (not ended) meetings held at once
  std::size_t groups = 1000;                     // groups held (each its meetings' standing space)
  std::size_t group_members = 500;               // members one group keeps
  double meeting_creates_per_minute = 10;        // per address: meetings and groups created (burst of the same size)
  std::size_t send_queue_bytes = 1024 * 1024;    // per connection: above it, queued updates are dropped
                                                 // and the client gets a fresh snapshot once drained
  std::size_t send_queue_hard_bytes = 8 * 1024 * 1024;  // per connection: above it, closed (1008)
  std::size_t history_events = 2000;             // events kept per meeting for resume; older: snapshot
  std::size_t remembered_commands = 100;         // per person: ids of accepted commands kept for exactly-once
  unsigned away_grace_seconds = 20;              // a person whose connections all dropped is away after this
  unsigned heartbeat_seconds = 15;               // heartbeat message with the latest seq
  unsigned figures_interval_ms = 500;            // equity figures to facilitators: at most one per interval
  std::string sync = "full";                     // SQLite synchronous: full (survives power loss) or normal
  std::size_t snapshot_every = 500;              // events between stored snapshots of a meeting (at least)
  std::size_t snapshot_bytes_percent = 100;      // and the events stored since the last snapshot take at least
                                                 // this percent of its size (0: by count alone; at most 10000)
  unsigned retention_days = 0;                   // ended meetings are deleted after this many days (0: kept)
  unsigned coalesce_ms = 150;                    // counts (votes, upvotes, signals), and joins in a busy meeting:
                                                 // at most one update of them per interval
  unsigned count_settle_ms = 25;                 // counts that stopped changing for this long go out (after
                                                 // coalesce-ms since the last update)
  std::size_t count_frames_per_second = 10000;   // a vote storm in a meeting of N people: counts wait at most
                                                 // N / this s (never less than coalesce-ms); 0: coalesce-ms
  unsigned commit_window_us = 2000;               // many people writing at once: commits start at most once per
                                                 // window, and what arrives meanwhile shares it (0: at once)
  std::size_t commit_siblings = 5;               // different people among the last 16 writes for that
  std::string send_method = "io_uring";          // a broadcast's sends: io_uring (one submission for all, where
                                                 // the kernel allows it) or sendmsg (one system call each)
};

// Parses --name=value / --name value flags over the defaults. On an unknown flag or a bad value
// returns nullopt and sets `error`. `--help` sets `help` to the flag list, `--version` to the version.
// `--config=FILE` reads `name = value` lines (the flag names, '#' comments) at that point, so flags
// after it override the file.
std::optional<Settings> parse_settings(int argc, char** argv, std::string& error, std::string& help);

}  // namespace everyvoice::net
