#include "net/listener.hpp"

#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "net/http_session.hpp"
#include "net/log.hpp"

namespace everyvoice::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Listener::Listener(ServerContext& ctx, tcp::endpoint endpoint) : ctx_(ctx), acceptor_(asio::make_strand(ctx.io)) {
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
  });
}

// Accept the next connection on its own strand.
void Listener::do_accept() {
  acceptor_.async_accept(asio::make_strand(ctx_.io), boost::beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    boost::system::error_code addr_ec;
    const auto remote = socket.remote_endpoint(addr_ec);
    if (!addr_ec) {
      socket.set_option(tcp::no_delay(true), addr_ec);
      if (auto slot = ctx_.addresses.acquire(remote.address().to_string())) {
        start_http_session(ctx_, std::move(socket), std::move(*slot));
      } else {
        log(LogLevel::warn, "refused a connection: address at its connection limit");
        socket.close(addr_ec);
      }
    }
  } else {
    log(LogLevel::warn, "accept: " + ec.message());
  }
  do_accept();
}

}  // namespace everyvoice::net
