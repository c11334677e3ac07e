#include "net/websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>

#include "codec/client_message.hpp"
#include "codec/server_message.hpp"
#include "net/log.hpp"
#include "net/meeting_room.hpp"
#include "net/metrics.hpp"
#include "net/secrets.hpp"

namespace everyvoice::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class WebsocketSession final : public Connection, public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(ServerContext& ctx, tcp::socket socket, AddressLimiter::Slot slot)
      : ws_(std::move(socket)), ctx_(ctx), slot_(std::move(slot)), tokens_(ctx.settings.command_burst),
        refilled_(std::chrono::steady_clock::now()) {}

  void run(http::request<http::string_body> request) {
    metrics().connections_open++;
    metrics().connections_total++;
    ctx_.connections.add(shared_from_this());
    beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own timeouts
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(ctx_.settings.handshake_timeout_seconds);
    timeout.idle_timeout = std::chrono::seconds(ctx_.settings.idle_timeout_seconds);
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "everyvoice"); }));
    ws_.read_message_max(ctx_.settings.max_message_bytes);
    ws_.auto_fragment(false);
    // Complete the upgrade the HTTP session already read.
    ws_.async_accept(request, beast::bind_front_handler(&WebsocketSession::on_accept, shared_from_this()));
  }

  void deliver(Frame frame, FrameKind kind) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame), kind]() mutable {
      self->enqueue(std::move(frame), kind);
    });
  }

  void bind(std::shared_ptr<MeetingRoom> room, core::ParticipantId who) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), room = std::move(room), who]() mutable {
      if (self->room_ && self->room_ != room) {  // joined elsewhere first: the first meeting wins
        room->leave(self);
        return;
      }
      self->room_ = std::move(room);
      self->me_ = who;
      if (self->finished_) self->room_->leave(self);
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->begin_close(code, std::move(reason));
    });
  }

 private:
  void on_accept(error_code ec) {
    if (ec) return finish("accept", ec);
    do_read();
  }

  // Read the next client message.
  void do_read() { ws_.async_read(buffer_, beast::bind_front_handler(&WebsocketSession::on_read, shared_from_this())); }

  void on_read(error_code ec, std::size_t) {
    if (ec) return finish("read", ec);
    metrics().frames_in++;
    if (!take_token()) {
      metrics().rate_limited++;
      if (++refused_in_row_ >= ctx_.settings.abuse_limit) {
        begin_close(close_code::policy, "too many commands");
        return;
      }
      const auto decoded = codec::decode_client_message(beast::buffers_to_string(buffer_.data()), me_);
      reply_error(decoded.id, "rate_limited", "too many commands; slow down");
    } else if (!ws_.got_text()) {
      reply_error("", "not_text", "messages are JSON text frames");
    } else {
      handle(beast::buffers_to_string(buffer_.data()));
    }
    buffer_.consume(buffer_.size());
    if (!closing_) do_read();
  }

  // Token bucket: commands_per_second refill, command_burst capacity.
  bool take_token() {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    refilled_ = now;
    tokens_ = std::min(ctx_.settings.command_burst, tokens_ + elapsed * ctx_.settings.commands_per_second);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    refused_in_row_ = 0;
    return true;
  }

  void handle(const std::string& text) {
    auto decoded = codec::decode_client_message(text, me_);
    if (decoded.error) return reply_error(decoded.id, decoded.error->code, decoded.error->message);
    auto self = shared_from_this();
    std::visit(
        [&](auto& message) {
          using M = std::decay_t<decltype(message)>;
          if constexpr (std::is_same_v<M, codec::JoinRequest> || std::is_same_v<M, codec::ResumeRequest>) {
            if (room_) return reply_error(decoded.id, "already_joined", "this connection has joined already");
            const std::string code = normalize_meeting_code(message.code);
            auto room = code.empty() ? nullptr : ctx_.meetings.find(code);
            if (!room) return reply_error(decoded.id, "wrong_code", "no meeting has this code");
            if constexpr (std::is_same_v<M, codec::JoinRequest>) room->join(self, decoded.id, std::move(message));
            else room->resume(self, decoded.id, std::move(message));
          } else if constexpr (std::is_same_v<M, codec::Ping>) {
            if (room_) room_->ping(self, decoded.id);
            else enqueue(make_frame(codec::encode_pong(decoded.id, 0, now_ms())), FrameKind::reply);
          } else {
            if (!room_) return reply_error(decoded.id, "not_joined", "join or resume a meeting first");
            room_->command(self, decoded.id, std::move(message), fingerprint(text));
          }
        },
        *decoded.message);
  }

  // FNV-1a of the message text: a retry resends the same text.
  static std::uint64_t fingerprint(std::string_view text) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
    return h & 0x7FFFFFFFFFFFFFFFULL;  // fits SQLite's signed integer
  }

  void reply_error(const std::string& id, std::string_view code, std::string_view message) {
    metrics().commands_rejected++;
    enqueue(make_frame(codec::encode_error(id, code, message)), FrameKind::reply);
  }

  // Runs on this connection's strand. Never waits for the slowest: past send_queue_bytes the
  // queued updates are dropped and the client gets a snapshot once the write in flight is done.
  void enqueue(Frame frame, FrameKind kind) {
    if (closing_ || finished_) return;
    if (kind == FrameKind::update && resync_) {
      metrics().queue_drops++;
      return;
    }
    if (kind == FrameKind::snapshot) {
      resync_ = false;
      snapshot_requested_ = false;
      drop_queued_updates();  // the snapshot holds everything they said
    }
    const std::size_t size = frame->size();
    if (queued_bytes_ + size > ctx_.settings.send_queue_hard_bytes) {
      metrics().hard_cap_closes++;
      drop_queued_updates();
      begin_close(close_code::policy, "too far behind");
      return;
    }
    if (kind == FrameKind::update && queued_bytes_ + size > ctx_.settings.send_queue_bytes) {
      drop_queued_updates();
      metrics().queue_drops++;
      resync_ = true;
      request_snapshot_if_drained();
      return;
    }
    queued_bytes_ += size;
    queue_.push_back({std::move(frame), kind});
    if (!writing_) do_write();
  }

  void drop_queued_updates() {
    // The front frame is being written when writing_; it stays.
    auto first = queue_.begin() + (writing_ && !queue_.empty() ? 1 : 0);
    for (auto it = first; it != queue_.end();) {
      if (it->kind == FrameKind::update) {
        queued_bytes_ -= it->frame->size();
        metrics().queue_drops++;
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void request_snapshot_if_drained() {
    if (resync_ && !snapshot_requested_ && queue_.empty() && room_) {
      snapshot_requested_ = true;
      room_->send_snapshot(shared_from_this());
    }
  }

  // Write the frame at the front of the queue.
  void do_write() {
    writing_ = true;
    ws_.text(true);
    metrics().writes++;
    ws_.async_write(asio::buffer(*queue_.front().frame),
                    beast::bind_front_handler(&WebsocketSession::on_write, shared_from_this()));
  }

  void on_write(error_code ec, std::size_t bytes) {
    writing_ = false;
    if (ec) return finish("write", ec);
    metrics().frames_out++;
    metrics().bytes_out += bytes;
    queued_bytes_ -= queue_.front().frame->size();
    queue_.pop_front();
    if (!queue_.empty()) return do_write();
    if (pending_close_) return do_close();
    request_snapshot_if_drained();
  }

  void begin_close(std::uint16_t code, std::string reason) {
    if (closing_ || finished_) return;
    closing_ = true;
    pending_close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (code == close_code::policy) drop_queued_updates();
    if (!writing_) do_close();
  }

  // Send the close frame, then wait for the client's (the read loop sees it) or the timeout.
  void do_close() {
    auto reason = *pending_close_;
    pending_close_.reset();
    ws_.async_close(reason, [self = shared_from_this()](error_code ec) { self->finish("close", ec); });
  }

  void finish(const char* what, error_code ec) {
    if (ec && ec != asio::error::operation_aborted && ec != websocket::error::closed && ec != asio::error::eof &&
        ec != beast::error::timeout && log_enabled(LogLevel::debug))
      log(LogLevel::debug, std::string("websocket ") + what + ": " + ec.message());
    if (finished_) return;
    finished_ = true;
    if (room_) room_->leave(shared_from_this());
    ctx_.connections.remove(shared_from_this());
    metrics().connections_open--;
  }

  struct Queued {
    Frame frame;
    FrameKind kind;
  };

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  ServerContext& ctx_;
  AddressLimiter::Slot slot_;
  std::shared_ptr<MeetingRoom> room_;
  core::ParticipantId me_ = 0;
  std::deque<Queued> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool resync_ = false;
  bool snapshot_requested_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::optional<websocket::close_reason> pending_close_;
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
  unsigned refused_in_row_ = 0;
};

}  // namespace

void start_websocket_session(ServerContext& ctx, tcp::socket socket, http::request<http::string_body> request,
                             AddressLimiter::Slot slot) {
  std::make_shared<WebsocketSession>(ctx, std::move(socket), std::move(slot))->run(std::move(request));
}

}  // namespace everyvoice::net
