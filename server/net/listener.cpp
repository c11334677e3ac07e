#include "net/listener.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "net/http_session.hpp"
#include "net/log.hpp"
#include "net/metrics.hpp"

namespace everyvoice::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr auto accept_pause = std::chrono::milliseconds(100);
constexpr auto log_interval = std::chrono::seconds(10);
}  // namespace

Listener::Listener(ServerContext& ctx, tcp::endpoint endpoint)
    : ctx_(ctx), acceptor_(asio::make_strand(ctx.io)), pause_(acceptor_.get_executor()) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

unsigned short Listener::port() const { return acceptor_.local_endpoint().port(); }

void Listener::start() { do_accept(); }

void Listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    self->pause_.cancel();
  });
}

// Accept the next connection on its own strand.
void Listener::do_accept() {
  acceptor_.async_accept(asio::make_strand(ctx_.io), peer_,
                         boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec == asio::error::no_descriptors || ec.value() == ENFILE || ec == asio::error::no_buffer_space ||
      ec == asio::error::no_memory)
    return pause_accepting(ec);
  if (!ec) {
    boost::system::error_code addr_ec;
    // Non-blocking from the start: the HTTP session's first read then needs no ioctl of its own,
    // and the WebSocket session, which reads and writes without blocking, none either. The
    // WebSocket session relies on both options set here.
    socket.non_blocking(true, addr_ec);
    if (!addr_ec) socket.set_option(tcp::no_delay(true), addr_ec);
    if (!addr_ec) {
      const std::string address = peer_.address().to_string();
      if (ctx_.proxies.contains(address)) {
        // A trusted proxy carries many clients: each WebSocket is counted against the client it
        // names once its request is read (http_session.cpp), not against the proxy.
        start_http_session(ctx_, std::move(socket), AddressLimiter::Slot(nullptr, address));
      } else if (auto slot = ctx_.addresses.acquire(address)) {
        start_http_session(ctx_, std::move(socket), std::move(*slot));
      } else {
        log(LogLevel::warn, "refused a connection: address at its connection limit");
        socket.close(addr_ec);
      }
    } else if (log_enabled(LogLevel::debug)) {
      log(LogLevel::debug, "accept: " + addr_ec.message());  // the socket closes as it goes out of scope
    }
  } else if (log_enabled(LogLevel::debug)) {
    log(LogLevel::debug, "accept: " + ec.message());  // the peer gave up before we took it: not ours to report
  }
  do_accept();
}

void Listener::pause_accepting(const boost::system::error_code& ec) {
  metrics().accept_paused++;
  ++paused_since_log_;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_logged_ >= log_interval) {
    log(LogLevel::error, "accept: " + ec.message() + "; accepting paused " + std::to_string(paused_since_log_) +
                             " time(s) in the last " + std::to_string(log_interval.count()) +
                             " s (raise the open-file limit: LimitNOFILE in the systemd unit, or ulimit -n)");
    last_logged_ = now;
    paused_since_log_ = 0;
  }
  pause_.expires_after(accept_pause);
  pause_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
    if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
  });
}

}  // namespace everyvoice::net
