#include "net/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <functional>
#include <thread>

#include "net/listener.hpp"
#include "net/log.hpp"
#include "net/metrics.hpp"
#include "net/server_context.hpp"

namespace everyvoice::net {

namespace asio = boost::asio;

int run_server(const Settings& settings) {
  set_log_level(settings.log_level);
  const unsigned threads = settings.threads > 0 ? settings.threads : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context ioc(static_cast<int>(threads));
  ServerContext ctx(ioc, settings);

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
                          std::to_string(threads) + " threads; static files from " + settings.static_dir);

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
    *give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    wait_for_closes();
  });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  log(LogLevel::info, "stopped");
  return 0;
}

}  // namespace everyvoice::net
