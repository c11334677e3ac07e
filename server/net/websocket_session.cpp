// One WebSocket connection on a plain non-blocking socket. Beast's HTTP parser has read the
// upgrade request; from the 101 response on, the wire format is websocket_frames.hpp's.
//
// Writing is the hot path of a broadcast: the meeting room encodes each update once, already
// framed (make_frame), and deliver() appends a shared pointer to this connection's SendQueue
// (send_queue.hpp: what is kept, dropped or closed) under a small mutex. Only the first frame of a
// burst posts a flush to the connection's strand; the flush writes everything queued by then (up to
// 64 frames) with one non-blocking sendmsg, and waits for the socket only when the kernel buffer is
// full. A client that falls behind loses its queued
// updates past send_queue_bytes and gets a snapshot instead; past send_queue_hard_bytes it is closed,
// within handshake_timeout_seconds whether or not it reads the close frame.
#include "net/websocket_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <cerrno>
#include <array>
#include <chrono>
#include <mutex>
#include <span>
#include <vector>

#include "codec/client_message.hpp"
#include "codec/server_message.hpp"
#include "net/faults.hpp"
#include "net/log.hpp"
#include "net/meeting_room.hpp"
#include "net/metrics.hpp"
#include "net/secrets.hpp"
#include "net/send_queue.hpp"
#include "net/websocket_frames.hpp"

namespace everyvoice::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr std::size_t max_gather = 64;       // frames per sendmsg (Asio's buffer-sequence limit)
static_assert(max_gather == CorkedSend::max_buffers);
constexpr int max_writes_per_turn = 16;      // then the strand is given back to other work
constexpr std::size_t read_chunk = 64 * 1024;

class WebsocketSession final : public Connection, public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(ServerContext& ctx, tcp::socket socket, AddressLimiter::Slot slot, std::string url_code)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), ctx_(ctx), slot_(std::move(slot)),
        url_code_(std::move(url_code)),
        parser_(ctx.settings.max_message_bytes), tokens_(ctx.settings.command_burst),
        refilled_(std::chrono::steady_clock::now()),
        queue_(SendQueue::Limits{ctx.settings.send_queue_bytes, ctx.settings.send_queue_hard_bytes}) {}

  void run(const http::request<http::string_body>& request) {
    metrics().connections_open++;
    metrics().connections_total++;
    ctx_.connections.add(shared_from_this());
    // The listener made the socket non-blocking and set TCP_NODELAY (listener.cpp).
    if (!socket_.non_blocking()) {
      error_code ec;
      socket_.non_blocking(true, ec);
    }
    const auto version = request[http::field::sec_websocket_version];
    const auto key = request[http::field::sec_websocket_key];
    if (version != "13") {
      return refuse_upgrade("426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n");
    }
    if (!ws::valid_client_key(std::string_view(key.data(), key.size()))) return refuse_upgrade("400 Bad Request", "");
    // No extension (permessage-deflate stays off) and no subprotocol are agreed.
    std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: " + websocket_accept_key(std::string_view(key.data(), key.size())) +
                           "\r\nServer: everyvoice\r\n\r\n";
    deliver(make_shared_frame(std::move(response)), FrameKind::reply);
    arm_timer(idle_tick());
    wait_readable();
  }

  // Any thread. Queues under the lock; only the first frame of a burst posts a flush.
  void deliver(Frame frame, FrameKind kind) override { push(std::move(frame), kind, false); }

  // A broadcast queues on every connection first and writes afterwards (add_corked), so that
  // frames queued together leave together.
  void deliver_corked(Frame frame, FrameKind kind) override { push(std::move(frame), kind, true); }

  // The room's thread writes these frames with the rest of the broadcast (send_batch.hpp), without
  // a post, unless a write or a flush is already under way (which then takes them too). Blocking is
  // never possible: the send is non-blocking and a full kernel buffer hands the rest to the strand.
  void add_corked(SendBatch& batch) override {
    std::lock_guard lock(mutex_);
    if (writing_ || flush_posted_ || finished_ || queue_.empty()) return;
    std::array<std::string_view, max_gather> views;
    const std::size_t count = queue_.gather(views);
    batch.add(this, socket_.native_handle(), std::span<const std::string_view>(views.data(), count));
    writing_ = true;  // the views stay valid: nothing is consumed while a write is under way
    foreign_write_ = true;
  }

  void corked_sent(const CorkedSend& send) override {
    std::unique_lock lock(mutex_);
    error_code ec;
    std::size_t n = 0;
    if (send.result >= 0) {
      n = static_cast<std::size_t>(send.result);
    } else if (send.result == -EAGAIN || send.result == -EWOULDBLOCK) {
      ec = asio::error::would_block;
    } else {
      ec = error_code(static_cast<int>(-send.result), boost::system::system_category());
    }
    if (written(lock, n, ec, false)) schedule_rest();
  }

  void join_failed() override {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->joining_ = false; });
  }

  void bind(std::shared_ptr<MeetingRoom> room, core::ParticipantId who) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), room = std::move(room), who]() mutable {
      if (self->room_ && self->room_ != room) {  // joined elsewhere first: the first meeting wins
        room->leave(self);
        return;
      }
      self->joining_ = false;
      self->room_ = std::move(room);
      self->me_ = who;
      if (self->finished_) self->room_->leave(self);
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      self->begin_close(code, reason);
    });
  }

 private:
  std::chrono::seconds idle_tick() const { return std::chrono::seconds(std::max(1u, ctx_.settings.idle_timeout_seconds / 2)); }
  std::chrono::seconds close_wait() const { return std::chrono::seconds(ctx_.settings.handshake_timeout_seconds); }

  // --- Reading -------------------------------------------------------------------------------

  void wait_readable() {
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
  }

  // Reads what the kernel has into one buffer per thread: an idle connection holds no read buffer.
  // A handler that throws closes this connection only (1011).
  void on_readable(error_code ec) {
    if (finished_) return;
    if (ec) return finish("read", ec);
    try {
      if (!read_available()) return;
    } catch (const std::exception& e) {
      report_fault(FaultPlace::websocket, room_ ? "meeting " + std::to_string(room_->id()) : "not joined", &e);
      if (!finished_) begin_close(close_code::internal, "internal error");
      if (finished_) return;
    }
    wait_readable();
  }

  // False when the connection has finished. What was received is held only while it is handled.
  bool read_available() {
    static thread_local std::unique_ptr<char[]> chunk(new char[read_chunk]);
    error_code ec;
    for (int i = 0; i < 4; ++i) {
      const std::size_t n = socket_.read_some(asio::buffer(chunk.get(), read_chunk), ec);
      if (ec == asio::error::would_block) break;
      if (ec) return finish("read", ec), false;
      heard_ = true;
      std::vector<ws::Received> received;
      parser_.feed(std::string_view(chunk.get(), n), received);
      for (auto& r : received) {
        on_received(r);
        if (finished_) return false;
      }
      if (n < read_chunk) break;
    }
    return true;
  }

  void on_received(ws::Received& r) {
    using Kind = ws::Received::Kind;
    switch (r.kind) {
      case Kind::text:
      case Kind::binary:
        if (closing()) return;  // a close is under way: nothing new is taken
        metrics().frames_in++;
        return on_message(r.payload, r.kind == Kind::text);
      case Kind::ping:
        return deliver(make_shared_frame(ws::encode_frame(ws::Opcode::pong, r.payload)), FrameKind::pong);
      case Kind::pong:
        return;
      case Kind::close: {
        client_closed_ = true;
        bool written = false;
        {
          std::lock_guard lock(mutex_);  // the close frame may have been written from the room's thread
          written = queue_.close_written();
        }
        if (written) return finish_now();
        // Echo the client's code, after what is already queued (RFC 6455 5.5.1).
        return begin_close(r.close_code == ws::no_status ? close_code::normal : r.close_code, "");
      }
      case Kind::error:
        return begin_close(r.close_code, r.payload);
    }
  }

  // True once a close frame is queued, from this strand or (at the hard limit) from a room's.
  bool closing() {
    if (closing_started_) return true;
    std::lock_guard lock(mutex_);
    return queue_.closing();
  }

  void on_message(const std::string& text, bool is_text) {
    if (!take_token()) {
      metrics().rate_limited++;
      if (++refused_in_row_ >= ctx_.settings.abuse_limit) return begin_close(close_code::policy, "too many commands");
      const auto decoded = codec::decode_client_message(text, me_);
      return reply_error(decoded.id, "rate_limited", "too many commands; slow down");
    }
    if (!is_text) return reply_error("", "not_text", "messages are JSON text frames");
    if (test_faults_enabled() && text.rfind("__fault:", 0) == 0) return inject_fault(text.substr(8));
    handle(text);
  }

  void inject_fault(std::string_view place) {
    if (place == "websocket") throw InjectedFault();
    if (room_ && (place == "room" || place == "store")) room_->inject_fault(shared_from_this(), place == "store");
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
            // One join or resume at a time: a second one sent before the first is answered could
            // otherwise add a person to another meeting that this connection never speaks for.
            if (joining_)
              return reply_error(decoded.id, "already_joined",
                                 "a join or resume is under way on this connection; wait for its answer");
            const std::string code = normalize_meeting_code(message.code);
            // Opened at /ws/{code}: only that meeting (a load balancer sent the connection to the
            // server that holds it).
            if (!url_code_.empty() && code != url_code_)
              return reply_error(decoded.id, "wrong_code", "this connection was opened for another meeting (/ws/" +
                                                               url_code_ + "); open /ws/{code} of this one");
            if (code.empty()) return reply_error(decoded.id, "wrong_code", "no meeting has this code");
            joining_ = true;
            // Here, or claimed from a shared store (the answer then comes from the log's thread).
            ctx_.meetings.open(code, [self, id = decoded.id, message = std::move(message)](
                                         std::shared_ptr<MeetingRoom> room, const std::string& held_by) mutable {
              asio::post(self->socket_.get_executor(), [self, id = std::move(id), message = std::move(message),
                                                        room = std::move(room), held_by]() mutable {
                if (!room) {
                  self->joining_ = false;
                  // Another server holds it and was asked to let it go: the client comes back.
                  if (!held_by.empty())
                    return self->begin_close(close_code::moved, "this meeting is held by another server: reconnect");
                  return self->reply_error(id, "wrong_code", "no meeting has this code");
                }
                if constexpr (std::is_same_v<M, codec::JoinRequest>) room->join(self, id, std::move(message));
                else room->resume(self, id, std::move(message));
              });
            });
          } else if constexpr (std::is_same_v<M, codec::Ping>) {
            if (room_) room_->ping(self, decoded.id);
            else deliver(make_frame(codec::encode_pong(decoded.id, 0, now_ms())), FrameKind::reply);
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
    deliver(make_frame(codec::encode_error(id, code, message)), FrameKind::reply);
  }

  // --- The queue (mutex_) --------------------------------------------------------------------

  static Frame make_shared_frame(std::string wire) { return std::make_shared<const std::string>(std::move(wire)); }

  // The one close frame every connection queues when it reaches the hard limit.
  static const Frame& too_far_behind() {
    static const Frame frame = make_shared_frame(ws::encode_close(close_code::policy, "too far behind"));
    return frame;
  }

  // Queues a frame and decides what must happen on the strand: a flush (not when corked: the
  // caller flushes), the snapshot of a client that fell behind, or the close at the hard limit.
  void push(Frame frame, FrameKind kind, bool corked) {
    bool post_flush_now = false, overflowed = false;
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
      const auto pushed = queue_.push(std::move(frame), kind, too_far_behind());
      // Shared counters are touched only when something was dropped: this runs once per connection
      // per broadcast, and an atomic add of zero still writes a cache line every thread shares.
      if (const auto dropped = queue_.take_dropped(); dropped.updates || dropped.pongs) {
        metrics().queue_drops += dropped.updates;
        metrics().pongs_replaced += dropped.pongs;
      }
      switch (pushed) {
        case SendQueue::Pushed::refused:
          return;
        case SendQueue::Pushed::overflow:
          overflowed = true;
          [[fallthrough]];
        case SendQueue::Pushed::dropped:  // the snapshot may be due at once if nothing is queued
          corked = false;
          [[fallthrough]];
        case SendQueue::Pushed::queued:
          if (!corked && !writing_ && !flush_posted_) post_flush_now = flush_posted_ = true;
          break;
      }
    }
    if (overflowed) {
      metrics().hard_cap_closes++;
      post_to_strand([](WebsocketSession& self) { self.start_closing(); });
    }
    if (post_flush_now) post_flush();
  }

  void refuse_upgrade(const char* status, const char* extra) {
    {
      std::lock_guard lock(mutex_);
      queue_.close(make_shared_frame(std::string("HTTP/1.1 ") + status + "\r\n" + extra +
                                     "Content-Length: 0\r\nConnection: close\r\n\r\n"),
                   false);
      flush_posted_ = true;
    }
    client_closed_ = true;  // no close handshake: the socket closes once the response is written
    start_closing();
    post_flush();
    wait_readable();
  }

  // --- Writing (on the strand, or once from the room's thread in a SendBatch) -----------------

  void post_flush() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->flush(); });
  }

  void flush() {
    std::unique_lock lock(mutex_);
    flush_posted_ = false;
    write_now(lock, true);
  }

  // Writes what is queued with non-blocking gathered sends until the queue is empty, the kernel
  // buffer is full (then waits for the socket, on the strand) or this turn has written enough.
  void write_now(std::unique_lock<std::mutex>& lock, bool on_strand) {
    for (int round = 0; round < max_writes_per_turn; ++round) {
      if (finished_ || writing_) return;
      if (queue_.empty()) return drained(lock, on_strand);
      std::array<std::string_view, max_gather> views;
      const std::size_t count = queue_.gather(views);
      std::array<asio::const_buffer, max_gather> buffers;
      for (std::size_t i = 0; i < count; ++i) buffers[i] = asio::buffer(views[i].data(), views[i].size());
      writing_ = true;
      lock.unlock();
      error_code ec;
      const std::size_t n = socket_.write_some(std::span<const asio::const_buffer>(buffers.data(), count), ec);
      lock.lock();
      if (!written(lock, n, ec, on_strand)) return;
    }
    schedule_rest();
  }

  // After a send (writing_ set, the lock held): what it wrote is consumed and the connection goes on.
  // False when the next step is not another write from here: the socket is full (the strand waits
  // for it), the send failed or the close frame is out. Off the strand (a batch's send, on the room's
  // thread) every next step is posted to the strand.
  bool written(std::unique_lock<std::mutex>& lock, std::size_t n, error_code ec, bool on_strand) {
    foreign_write_ = false;
    if (finished_) {  // finish() ran meanwhile and left the socket and the queue to us
      writing_ = false;
      queue_.clear();
      if (!on_strand) post_to_strand([](WebsocketSession& self) { self.close_socket(); });
      return false;
    }
    if (ec == asio::error::would_block) {
      queue_.consume(0);
      if (on_strand) {
        wait_writable();
      } else {
        post_to_strand([](WebsocketSession& self) { self.wait_writable(); });  // writing_ stays set
      }
      return false;
    }
    if (ec) {
      // writing_ stays set: nothing more is written; finish() closes.
      if (on_strand) {
        lock.unlock();
        finish("write", ec);
        lock.lock();
      } else {
        post_to_strand([ec](WebsocketSession& self) { self.finish("write", ec); });
      }
      return false;
    }
    writing_ = false;
    metrics().writes++;
    metrics().bytes_out += n;
    metrics().frames_out += queue_.consume(n);
    if (queue_.close_written()) {
      if (on_strand) {
        lock.unlock();
        on_close_written();
        lock.lock();
      } else {
        post_to_strand([](WebsocketSession& self) { self.on_close_written(); });
      }
      return false;
    }
    return true;
  }

  // What a turn (or a batch's send) left queued is written by a flush on the strand.
  void schedule_rest() {
    if (!queue_.empty() && !flush_posted_ && !writing_) {
      flush_posted_ = true;
      post_flush();
    }
  }

  template <class F>
  void post_to_strand(F f) {
    asio::post(socket_.get_executor(), [self = shared_from_this(), f = std::move(f)]() mutable { f(*self); });
  }

  // Runs on the strand with writing_ set (under the lock) by the caller.
  void wait_writable() {
    socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](error_code ec) {
      std::unique_lock lock(self->mutex_);
      self->writing_ = false;
      if (ec) {
        lock.unlock();
        return self->finish("write", ec);
      }
      self->write_now(lock, true);
    });
  }

  // The queue is empty: a client that fell behind now gets its snapshot (asked on the strand,
  // which owns room_).
  void drained(std::unique_lock<std::mutex>& lock, bool on_strand) {
    if (!queue_.owes_snapshot()) return;
    if (!on_strand) {
      post_to_strand([](WebsocketSession& self) {
        std::unique_lock relock(self.mutex_);
        if (self.queue_.empty()) self.drained(relock, true);
      });
      return;
    }
    if (!room_ || !queue_.wants_snapshot()) return;
    lock.unlock();
    room_->send_snapshot(shared_from_this());
    lock.lock();
  }

  // --- Closing -------------------------------------------------------------------------------

  void begin_close(std::uint16_t code, std::string_view reason) {
    if (finished_) return;
    bool post = false;
    {
      std::lock_guard lock(mutex_);
      queue_.close(make_shared_frame(ws::encode_close(code, reason)), code == close_code::policy);
      if (!writing_ && !flush_posted_) post = flush_posted_ = true;
    }
    start_closing();
    if (post) post_flush();
  }

  // A close frame is queued: nothing new is taken, and the connection ends within the close wait
  // whether or not the client reads it (a client that does not read never gets the frame).
  void start_closing() {
    if (closing_started_ || finished_) return;
    closing_started_ = true;
    arm_timer(close_wait());
  }

  // Our close frame is out: done if the client's came already, else wait for it a while.
  // After a protocol error the client's bytes cannot be read any more: the write side is shut
  // (the client sees our close frame, then the end of the stream) and what it still sends is
  // read and dropped until it closes too. Closing at once could reset the connection and lose the
  // close frame.
  void on_close_written() {
    if (client_closed_) return finish_now();
    if (parser_.failed()) {
      error_code ec;
      socket_.shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  void close_socket() {
    error_code ignored;
    socket_.close(ignored);
  }

  void finish_now() {
    error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    finish("close", {});
  }

  // Idle check every idle_timeout/2: a silent client is pinged, then closed. While closing, the
  // timer bounds the wait for the client's close frame.
  void arm_timer(std::chrono::seconds after) {
    const auto generation = ++timer_generation_;
    timer_.expires_after(after);
    timer_.async_wait([self = shared_from_this(), generation](error_code ec) {
      if (ec || generation != self->timer_generation_ || self->finished_) return;
      self->on_timer();
    });
  }

  void on_timer() {
    if (closing_started_) return finish("close", boost::beast::error::timeout);
    if (heard_) {
      heard_ = false;
      ping_sent_ = false;
    } else if (!ping_sent_) {
      ping_sent_ = true;
      deliver(make_shared_frame(ws::encode_frame(ws::Opcode::ping, "")), FrameKind::reply);
    } else {
      return finish("idle", boost::beast::error::timeout);
    }
    arm_timer(idle_tick());
  }

  void finish(const char* what, error_code ec) {
    if (ec && ec != asio::error::operation_aborted && ec != asio::error::eof && ec != boost::beast::error::timeout &&
        log_enabled(LogLevel::debug))
      log(LogLevel::debug, std::string("websocket ") + what + ": " + ec.message());
    if (finished_) return;
    bool foreign = false;
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
      foreign = foreign_write_;
      if (!foreign) queue_.clear();
    }
    // A send from the room's thread may be under way: it closes the socket and frees the queue when
    // it returns (the descriptor must not be reused, nor the frames freed, while a send uses them).
    if (!foreign) close_socket();
    timer_.cancel();
    if (room_) room_->leave(shared_from_this());
    ctx_.connections.remove(shared_from_this());
    metrics().connections_open--;
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  ServerContext& ctx_;
  AddressLimiter::Slot slot_;
  const std::string url_code_;  // opened at /ws/{code}: the one meeting it may join (empty: /ws, any)

  // Strand only.
  ws::FrameParser parser_;
  std::shared_ptr<MeetingRoom> room_;
  bool joining_ = false;  // a join or resume was passed to a room and is not answered yet
  core::ParticipantId me_ = 0;
  bool heard_ = false;
  bool ping_sent_ = false;
  bool closing_started_ = false;
  bool client_closed_ = false;
  std::uint64_t timer_generation_ = 0;
  double tokens_;
  std::chrono::steady_clock::time_point refilled_;
  unsigned refused_in_row_ = 0;

  // Shared with deliver() on other threads.
  std::mutex mutex_;
  SendQueue queue_;
  bool writing_ = false;          // a send or a wait for the socket is under way
  bool foreign_write_ = false;    // that send runs on the room's thread (a SendBatch)
  bool flush_posted_ = false;
  bool finished_ = false;
};

}  // namespace

void start_websocket_session(ServerContext& ctx, tcp::socket socket, http::request<http::string_body> request,
                             AddressLimiter::Slot slot, std::string url_code) {
  std::make_shared<WebsocketSession>(ctx, std::move(socket), std::move(slot), std::move(url_code))->run(request);
}

}  // namespace everyvoice::net
