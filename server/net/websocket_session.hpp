// One WebSocket connection: reads client messages, applies the per-connection rate limit, hands
// meeting commands to the room, and writes the room's frames from a bounded queue.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "net/server_context.hpp"

namespace everyvoice::net {

// Takes over an upgraded HTTP connection and runs it until it closes. `url_code`: the meeting code
// of an upgrade at /ws/{code}, the only meeting the connection may join or resume (empty for /ws).
void start_websocket_session(ServerContext& ctx, boost::asio::ip::tcp::socket socket,
                             boost::beast::http::request<boost::beast::http::string_body> request,
                             AddressLimiter::Slot slot, std::string url_code);

}  // namespace everyvoice::net
