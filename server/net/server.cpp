#include "net/server.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "net/faults.hpp"
#include "net/listener.hpp"
#include "net/log.hpp"
#include "net/metrics.hpp"
#include "net/send_batch.hpp"
#include "net/server_context.hpp"

namespace everyvoice::net {

namespace asio = boost::asio;

namespace {

// Every connection holds a file descriptor: the soft limit (often 1024) is raised to the hard one.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  log(LogLevel::info, "open files: up to " + std::to_string(limit.rlim_cur) +
                          " (each connection holds one; raise LimitNOFILE or ulimit -n for more)");
}

// Runs the I/O loop. A handler without a guard of its own that throws lands here: it is logged
// and counted, and the loop goes on (Asio lets run() be called again after an exception).
void run_loop(asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      report_fault(FaultPlace::loop, "I/O loop", &e);
    } catch (...) {
      report_fault(FaultPlace::loop, "I/O loop", nullptr);
    }
  }
}

}  // namespace

// This server's name in the leases of a shared store: the host and port (a server restarted on
// them takes its meetings back at once); with an ephemeral port, the process id.
static std::string default_node_name(std::uint16_t port) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  return std::string(host) + ":" + (port ? std::to_string(port) : "pid" + std::to_string(::getpid()));
}

int run_server(const Settings& settings) {
  set_log_level(settings.log_level);
  raise_open_file_limit();
  SendBatch::configure(settings.send_method == "sendmsg" || !SendBatch::io_uring_built() ? SendMethod::sendmsg
                                                                                         : SendMethod::io_uring);
  const unsigned threads = settings.threads > 0 ? settings.threads : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context ioc(static_cast<int>(threads));

  // The event log: meetings come back from it before the port opens.
  std::error_code fs_error;
  std::filesystem::create_directories(settings.data_dir, fs_error);
  const std::string where = settings.store.empty() ? settings.data_dir + "/everyvoice.db" : settings.store;
  std::string error;
  auto event_log = store::EventLog::open(
      where, settings.sync == "normal" ? store::Durability::normal : store::Durability::full, error,
      [](const std::string& note) { log(LogLevel::info, note); });
  if (!event_log) {
    // A URL may hold a password: the log names only SQLite's path.
    log(LogLevel::error, "cannot open " + (settings.store.empty() ? where : std::string("the PostgreSQL store")) + ": " + error);
    return 1;
  }
  // A shared store (PostgreSQL): this server serves the meetings it claims when asked for them.
  std::vector<store::LoadedMeeting> loaded;
  if (!event_log->shared()) loaded = event_log->load_all(settings.history_events, error);
  if (!error.empty()) log(LogLevel::error, "the meetings could not be listed: " + error);
  for (const auto& m : loaded)
    if (!m.note.empty()) log(LogLevel::warn, "meeting " + std::to_string(m.id) + ": " + m.note);
  // A meeting that cannot be read stays on disk untouched and is reported until it is dealt with.
  for (const auto& u : event_log->unloadable())
    log(LogLevel::error, "meeting " + std::to_string(u.id) + " could not be loaded and is NOT served: " + u.reason +
                             ". Its data is kept" +
                             (settings.store.empty() ? "; export its events with: everyvoice export-events " +
                                                           std::to_string(u.id) + " --data-dir=" + settings.data_dir
                                                     : std::string(" in the database")));
  auto groups = event_log->load_groups(error);
  if (!error.empty()) log(LogLevel::error, "the groups could not be listed: " + error);
  for (const auto& u : event_log->unloadable_groups())
    log(LogLevel::error, "group " + std::to_string(u.id) + " could not be loaded and is NOT served: " + u.reason +
                             ". Its data is kept.");
  event_log->set_remembered_commands(settings.remembered_commands);
  event_log->set_commit_pacing(std::chrono::microseconds(settings.commit_window_us), settings.commit_siblings);
  event_log->set_fault_handler([](const char* callback, const std::exception* e) {
    report_fault(FaultPlace::store, std::string("event log callback ") + callback, e);
  });
  std::unique_ptr<ServerContext> context_holder;  // the lease handler below reaches the registry through it
  if (event_log->shared()) {
    const std::string node = settings.node.empty() ? default_node_name(settings.port) : settings.node;
    event_log->set_ownership(node, std::chrono::seconds(settings.lease_seconds));
    event_log->set_lease_handler([&ioc, &context_holder](std::vector<std::int64_t> lost, std::vector<std::int64_t> wanted) {
      asio::post(ioc, [&context_holder, lost = std::move(lost), wanted = std::move(wanted)] {
        if (context_holder) context_holder->meetings.leases_changed(lost, wanted);
      });
    });
    log(LogLevel::info, "shared store: this server is " + node + ", leases of " + std::to_string(settings.lease_seconds) + " s");
  }
  event_log->start();
  context_holder = std::make_unique<ServerContext>(ioc, settings, *event_log);
  ServerContext& ctx = *context_holder;
  log(LogLevel::info, "event log: " + event_log->describe() + " (" + settings.sync + " durability): " + std::to_string(loaded.size()) +
                          " meetings loaded");
  log(LogLevel::info, std::to_string(groups.size()) + " groups loaded");
  ctx.groups.restore(std::move(groups));  // before the meetings: each reports to its group at start
  ctx.meetings.restore(std::move(loaded));

  // Retention: ended meetings older than retention_days are deleted, checked hourly; so are the
  // meetings of a group with a retention setting of its own, after its number of days.
  asio::steady_timer retention(ioc);
  std::function<void()> sweep = [&] {
    if (settings.retention_days != 0) {
      const core::Millis cutoff = net::now_ms() - core::Millis{settings.retention_days} * 86'400'000;
      ctx.log.ended_before(cutoff, [&ctx](std::vector<std::int64_t> ids) {
        for (auto id : ids) {
          if (auto room = ctx.meetings.find_id(id)) ctx.meetings.remove(room, [](bool) {});
        }
      });
    }
    for (auto& [days, codes] : ctx.groups.retention()) {
      const core::Millis cutoff = net::now_ms() - core::Millis{days} * 86'400'000;
      ctx.log.ended_before(cutoff, [&ctx, codes = std::set<std::string>(codes.begin(), codes.end())](std::vector<std::int64_t> ids) {
        for (auto id : ids)
          if (auto room = ctx.meetings.find_id(id); room && codes.contains(room->code())) ctx.meetings.remove(room, [](bool) {});
      });
    }
    retention.expires_after(std::chrono::hours(1));
    retention.async_wait([&](boost::system::error_code ec) {
      if (!ec) sweep();
    });
  };
  sweep();

  std::shared_ptr<Listener> listener;
  try {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(settings.address), settings.port);
    listener = std::make_shared<Listener>(ctx, endpoint);
  } catch (const std::exception& e) {
    log(LogLevel::error, "cannot listen on " + settings.address + ":" + std::to_string(settings.port) + ": " + e.what());
    return 1;
  }
  const unsigned short port = listener->port();
  if (!settings.port_file.empty()) {
    const std::string tmp = settings.port_file + ".tmp";
    std::ofstream(tmp) << port << '\n';
    std::rename(tmp.c_str(), settings.port_file.c_str());
  }
  listener->start();
  log(LogLevel::info, "listening on http://" + settings.address + ":" + std::to_string(port) + " with " +
                          std::to_string(threads) + " threads; static files from " + settings.static_dir +
                          "; broadcasts written with " +
                          (settings.send_method == "sendmsg" || !SendBatch::io_uring_built() ? "sendmsg" : "io_uring"));

  // On SIGINT or SIGTERM: stop accepting, close every WebSocket with 1001 (going away), stop the
  // meetings' timers and give the closes a moment before stopping the loop.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer deadline(ioc);
  const auto give_up_at = std::make_shared<std::chrono::steady_clock::time_point>();
  // Stops the loop once every WebSocket has closed, or at the deadline.
  std::function<void()> wait_for_closes = [&] {
    deadline.expires_after(std::chrono::milliseconds(20));
    deadline.async_wait([&](boost::system::error_code) {
      if (metrics().connections_open.load() <= 0 || std::chrono::steady_clock::now() >= *give_up_at) return ioc.stop();
      wait_for_closes();
    });
  };
  signals.async_wait([&](boost::system::error_code ec, int signal) {
    if (ec) return;
    log(LogLevel::info, std::string("stopping on ") + (signal == SIGINT ? "SIGINT" : "SIGTERM"));
    listener->stop();
    ctx.connections.close_all(close_code::going_away, "server shutting down");
    ctx.meetings.stop_all();
    retention.cancel();
    *give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    wait_for_closes();
  });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { run_loop(ioc); });
  run_loop(ioc);
  for (auto& t : pool) t.join();
  event_log->close();
  log(LogLevel::info, "stopped");
  return 0;
}

}  // namespace everyvoice::net
