#include "net/settings.hpp"

#include "net/forwarded.hpp"
#include "net/hosts.hpp"
#include "store/commit_pacing.hpp"

#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

namespace everyvoice::net {
namespace {

struct Flag {
  const char* name;
  const char* help;
  std::function<bool(Settings&, const std::string&)> set;
  std::function<std::string(const Settings&)> show;
};

template <class T>
bool parse_number(const std::string& text, T& out) {
  if constexpr (std::is_floating_point_v<T>) {
    try {
      std::size_t used = 0;
      out = static_cast<T>(std::stod(text, &used));
      return used == text.size() && out >= 0;
    } catch (...) {
      return false;
    }
  } else {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && ptr == text.data() + text.size();
  }
}

template <class T>
Flag number(const char* name, const char* help, T Settings::*member) {
  return Flag{name, help, [member](Settings& s, const std::string& v) { return parse_number(v, s.*member); },
              [member](const Settings& s) {
                std::ostringstream o;
                o << s.*member;
                return o.str();
              }};
}

Flag text(const char* name, const char* help, std::string Settings::*member) {
  return Flag{name, help,
              [member](Settings& s, const std::string& v) {
                s.*member = v;
                return true;
              },
              [member](const Settings& s) { return s.*member; }};
}

Flag list(const char* name, const char* help, std::vector<std::string> Settings::*member) {
  return Flag{name, help,
              [member](Settings& s, const std::string& v) {
                (s.*member).clear();
                std::stringstream in(v);
                for (std::string item; std::getline(in, item, ',');) {
                  const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
                  if (b != std::string::npos) (s.*member).push_back(item.substr(b, e - b + 1));
                }
                return true;
              },
              [member](const Settings& s) {
                std::string out;
                for (const auto& o : s.*member) out += (out.empty() ? "" : ",") + o;
                return out;
              }};
}

// scheme://host[:port] with an http or https scheme, no path, no user, no query.
bool valid_public_url(const std::string& url) {
  std::string_view rest;
  if (url.rfind("http://", 0) == 0) rest = std::string_view(url).substr(7);
  else if (url.rfind("https://", 0) == 0) rest = std::string_view(url).substr(8);
  else return false;
  return !host_name(rest).empty();
}

const std::vector<Flag>& flags() {
  static const std::vector<Flag> all{
      text("address", "address to listen on (0.0.0.0 for every interface)", &Settings::address),
      number("port", "TCP port for HTTP and WebSocket (0: any free port)", &Settings::port),
      text("static-dir", "folder of the browser client served over HTTP", &Settings::static_dir),
      text("data-dir", "folder for the meetings' data", &Settings::data_dir),
      list("allowed-origins", "comma-separated Origins allowed to open a WebSocket (default: the server's own)",
           &Settings::allowed_origins),
      text("public-url", "scheme://host[:port] used in every link and QR code; its host is served (default: the request's checked Host)",
           &Settings::public_url),
      list("allowed-hosts", "comma-separated Host names served besides the public URL's, localhost and IP addresses",
           &Settings::allowed_hosts),
      text("create-key", "if set, creating a meeting needs this secret (header X-Create-Key; the start page asks for it)",
           &Settings::create_key),
      list("trusted-proxies", "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed",
           &Settings::trusted_proxies),
      text("port-file", "write the bound port to this file once listening", &Settings::port_file),
      number("threads", "I/O threads (0: one per core)", &Settings::threads),
      text("log-level", "error, warn, info or debug", &Settings::log_level),
      number("max-message-bytes", "largest WebSocket message a client may send", &Settings::max_message_bytes),
      number("max-http-body-bytes", "largest HTTP request body", &Settings::max_http_body_bytes),
      number("handshake-timeout-seconds", "time allowed for an HTTP request or WebSocket upgrade",
             &Settings::handshake_timeout_seconds),
      number("idle-timeout-seconds", "silent connections are pinged at half this and closed at it",
             &Settings::idle_timeout_seconds),
      number("commands-per-second", "commands per connection per second (token bucket rate)",
             &Settings::commands_per_second),
      number("command-burst", "commands a connection may send at once (token bucket size)", &Settings::command_burst),
      number("abuse-limit", "rate-limited commands in a row before the connection is closed", &Settings::abuse_limit),
      number("connections-per-ip", "open connections from one address", &Settings::connections_per_ip),
      number("participants-per-meeting", "people who can join one meeting", &Settings::participants_per_meeting),
      number("meetings", "active (not ended) meetings held at once", &Settings::meetings),
      number("groups", "groups held (POST /api/groups)", &Settings::groups),
      number("group-members", "members one group keeps (POST /api/groups/{code}/members)", &Settings::group_members),
      number("meeting-creates-per-minute", "meetings and groups one address may create per minute (and at once)",
             &Settings::meeting_creates_per_minute),
      number("send-queue-bytes", "per-connection outgoing queue before updates are dropped for a snapshot",
             &Settings::send_queue_bytes),
      number("send-queue-hard-bytes", "per-connection outgoing bytes before the connection is closed",
             &Settings::send_queue_hard_bytes),
      number("history-events", "events kept per meeting for resuming clients", &Settings::history_events),
      number("remembered-commands", "ids of accepted commands kept per person, so that a retry is not run twice",
             &Settings::remembered_commands),
      number("away-grace-seconds", "seconds before a disconnected person is marked away", &Settings::away_grace_seconds),
      number("heartbeat-seconds", "seconds between heartbeat messages", &Settings::heartbeat_seconds),
      number("figures-interval-ms", "least time between equity figure updates to facilitators",
             &Settings::figures_interval_ms),
      text("store", "where meetings are stored: empty for SQLite in the data folder, or postgresql://user@host/db "
                    "(put the password in ~/.pgpass or PGPASSWORD, not in the URL)",
           &Settings::store),
      text("node", "this server's name among servers that share a PostgreSQL store (default: host name and port)",
           &Settings::node),
      number("lease-seconds", "shared PostgreSQL store: a meeting whose server stopped renewing its lease for this "
                              "long is taken over by another",
             &Settings::lease_seconds),
      text("sync", "durability of the event log: full (survives power loss) or normal (survives a crash)",
           &Settings::sync),
      number("snapshot-every", "events between stored snapshots of a meeting (at least)", &Settings::snapshot_every),
      number("snapshot-bytes-percent", "a meeting's next snapshot also waits until the events stored since its last "
                                       "take this percent of that snapshot's size (0: snapshot-every alone; at most 10000)",
             &Settings::snapshot_bytes_percent),
      number("retention-days", "delete ended meetings after this many days (0: keep them)", &Settings::retention_days),
      number("coalesce-ms", "least time between updates of counts (votes, upvotes, signals) or of batched joins",
             &Settings::coalesce_ms),
      number("count-settle-ms", "counts (votes, upvotes, signals) that stopped changing for this long go out, "
                                "coalesce-ms after the last update at the soonest",
             &Settings::count_settle_ms),
      number("count-frames-per-second", "while counts keep changing in a meeting of N people, they go out every "
                                        "N / this seconds (every coalesce-ms at least; 0: every coalesce-ms)",
             &Settings::count_frames_per_second),
      number("commit-window-us", "when many people write at once, a commit starts at most once per this many "
                                 "microseconds and carries what arrived meanwhile (0: each commit at once)",
             &Settings::commit_window_us),
      number("commit-siblings", "how many different people among the last 16 writes make \"many people\" for "
                                "commit-window-us",
             &Settings::commit_siblings),
      text("send-method", "how a broadcast is written: io_uring (one submission for every connection; sendmsg "
                          "where the kernel refuses it) or sendmsg (one system call per connection)",
           &Settings::send_method),
  };
  return all;
}

// Sets one flag; false with `error` on an unknown name or a bad value.
// `how` names it in errors: "--" for a flag, "" in a file.
bool apply(Settings& s, const std::string& name, const std::string& value, std::string& error, const char* how) {
  for (const auto& f : flags()) {
    if (name != f.name) continue;
    if (f.set(s, value)) return true;
    error = "bad value \"" + value + "\" for " + how + name;
    return false;
  }
  error = std::string("unknown ") + (*how ? "flag " : "setting ") + how + name + " (see --help)";
  return false;
}

// A configuration file: `name = value` lines, '#' comments, blank lines. Names are the flags'.
bool apply_file(Settings& s, const std::string& path, std::string& error) {
  constexpr std::size_t max_bytes = 1024 * 1024;
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot be read";
    return false;
  }
  std::string line;
  std::size_t number = 0, bytes = 0;
  while (std::getline(in, line)) {
    ++number;
    bytes += line.size() + 1;
    if (bytes > max_bytes) {
      error = path + ": longer than 1 MiB";
      return false;
    }
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto eq = line.find('=');
    auto trimmed = [](std::string t) {
      const auto b = t.find_first_not_of(" \t\r"), e = t.find_last_not_of(" \t\r");
      return b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
    };
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (eq == std::string::npos) {
      error = where + "expected name = value";
      return false;
    }
    const std::string name = trimmed(line.substr(0, eq)), value = trimmed(line.substr(eq + 1));
    if (name == "config") {
      error = where + "a configuration file cannot name another";
      return false;
    }
    if (!apply(s, name, value, error, "")) {
      error = where + error;
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<Settings> parse_settings(int argc, char** argv, std::string& error, std::string& help) {
  Settings s;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::ostringstream o;
      o << "usage: everyvoice [--config=FILE] [--flag=value ...]\n\n"
        << "  --config  a file of `name = value` lines with these names; flags after it override it\n";
      const Settings defaults;
      for (const auto& f : flags()) o << "  --" << f.name << "  " << f.help << " (default: " << f.show(defaults) << ")\n";
      help = o.str();
      return std::nullopt;
    }
    if (arg == "--version") {
      help = std::string("everyvoice ") + EVERYVOICE_VERSION + "\n";
      return std::nullopt;
    }
    if (arg.rfind("--", 0) != 0) {
      error = "unexpected argument \"" + arg + "\"";
      return std::nullopt;
    }
    std::string name = arg.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      error = "flag --" + name + " needs a value";
      return std::nullopt;
    }
    if (name == "config" ? !apply_file(s, value, error) : !apply(s, name, value, error, "--")) return std::nullopt;
  }
  if (!s.public_url.empty()) {
    while (!s.public_url.empty() && s.public_url.back() == '/') s.public_url.pop_back();
    if (!valid_public_url(s.public_url)) {
      error = "--public-url must be http:// or https:// followed by host[:port], without a path";
      return std::nullopt;
    }
  }
  if (!s.store.empty() && s.store.rfind("postgresql://", 0) != 0 && s.store.rfind("postgres://", 0) != 0) {
    error = "--store must be empty (SQLite in --data-dir) or a postgresql:// URL";
    return std::nullopt;
  }
  if (s.lease_seconds < 1 || s.lease_seconds > 300 || s.node.size() > 200) {
    error = "--lease-seconds must be 1 to 300, and --node at most 200 characters";
    return std::nullopt;
  }
  if (std::string proxy_error; !TrustedProxies::parse(s.trusted_proxies, proxy_error)) {
    error = "--trusted-proxies: " + proxy_error;
    return std::nullopt;
  }
  if (s.max_message_bytes < 1024 || s.send_queue_hard_bytes < s.send_queue_bytes || s.commands_per_second <= 0 ||
      s.command_burst < 1 || s.idle_timeout_seconds < 2 || s.heartbeat_seconds < 1 || s.snapshot_every < 1 ||
      s.snapshot_bytes_percent > 10000 ||
      s.remembered_commands < 1 || (s.sync != "full" && s.sync != "normal") ||
      (s.send_method != "io_uring" && s.send_method != "sendmsg") || s.commit_window_us > 100000 ||
      s.commit_siblings < 2 || s.commit_siblings > store::CommitPacing::remembered) {
    error = "inconsistent limits: max-message-bytes >= 1024, send-queue-hard-bytes >= send-queue-bytes, "
            "commands-per-second > 0, command-burst >= 1, idle-timeout-seconds >= 2, heartbeat-seconds >= 1, "
            "snapshot-every >= 1, snapshot-bytes-percent <= 10000, remembered-commands >= 1, sync full or normal, send-method io_uring or sendmsg, "
            "commit-window-us <= 100000, commit-siblings 2 to 16";
    return std::nullopt;
  }
  return s;
}

}  // namespace everyvoice::net
