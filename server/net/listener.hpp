// Accepts TCP connections on the server's one port and hands each to an HTTP session.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "net/server_context.hpp"

namespace everyvoice::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(ServerContext& ctx, boost::asio::ip::tcp::endpoint endpoint);  // throws if it cannot bind
  unsigned short port() const;
  void start();
  void stop();

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  // Out of file descriptors (or kernel memory): accepting pauses briefly instead of spinning.
  void pause_accepting(const boost::system::error_code& ec);

  ServerContext& ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::endpoint peer_;  // filled by accept() itself (one accept at a time): no getpeername
  boost::asio::steady_timer pause_;
  std::chrono::steady_clock::time_point last_logged_{};
  std::uint64_t paused_since_log_ = 0;
};

}  // namespace everyvoice::net
