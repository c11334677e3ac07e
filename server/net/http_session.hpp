// One plain HTTP connection: static files of the browser client, /healthz, /metrics,
// POST /api/meetings; an upgrade at /ws becomes a WebSocket session.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "net/server_context.hpp"

namespace everyvoice::net {

void start_http_session(ServerContext& ctx, boost::asio::ip::tcp::socket socket, AddressLimiter::Slot slot);

}  // namespace everyvoice::net
