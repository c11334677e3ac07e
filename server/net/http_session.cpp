#include "net/http_session.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "net/log.hpp"
#include "net/metrics.hpp"
#include <qrcodegen/qrcodegen.hpp>

#include "codec/minutes.hpp"
#include "net/secrets.hpp"
#include "net/websocket_session.hpp"
#include <boost/asio/post.hpp>
#include "net/faults.hpp"
#include "net/http_router.hpp"

namespace everyvoice::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Request = HttpRequest;

std::string_view content_type(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(ServerContext& ctx, tcp::socket socket, AddressLimiter::Slot slot)
      : ctx_(ctx), stream_(std::move(socket)), slot_(std::move(slot)) {}

  void run() { do_read(); }

 private:
  // Read the next request, within the handshake timeout and the body limit.
  void do_read() {
    parser_.emplace();
    parser_->body_limit(ctx_.settings.max_http_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(ctx_.settings.handshake_timeout_seconds));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
  }

  void on_read(error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec == http::error::body_limit) return send(error_response(http::status::payload_too_large, "body too large", 11, false));
    if (ec == http::error::header_limit)
      return send(error_response(http::status::request_header_fields_too_large, "headers too large", 11, false));
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof)
      return;
    if (ec) {  // the bytes are not an HTTP request: say so and close
      metrics().bad_requests++;
      return send(error_response(http::status::bad_request, "malformed request", 11, false));
    }
    Request req = parser_->release();
    // A fault stays inside this request: 500, the connection closed, logged once and counted.
    try {
      handle(std::move(req));
    } catch (const std::exception& e) {
      report_fault(FaultPlace::http, "request", &e);
      send(error_response(http::status::internal_server_error, "internal error", 11, false));
    }
  }

  void handle(Request req) {
    const Route route = route_request(req, ctx_.settings);
    const unsigned version = req.version();
    const bool keep = req.keep_alive() && !route.close;
    switch (route.kind) {
      case Route::Kind::refuse:
        if (route.status == http::status::misdirected_request) metrics().host_rejections++;
        if (route.status == http::status::forbidden) metrics().origin_rejections++;
        if (route.status == http::status::bad_request) metrics().bad_requests++;
        return send(error_response(route.status, route.message, version, keep));
      case Route::Kind::upgrade:
        return start_websocket_session(ctx_, stream_.release_socket(), std::move(req), std::move(slot_));
      case Route::Kind::health:
        return send(text_response(http::status::ok, health_text(), "text/plain; charset=utf-8", version, keep));
      case Route::Kind::metrics:
        return send(text_response(http::status::ok, metrics_text(), "text/plain; version=0.0.4; charset=utf-8", version, keep));
      case Route::Kind::static_file:
        return send(static_file(req, route.path));
      case Route::Kind::create_meeting:
        return create_meeting(route, version, keep);
      case Route::Kind::test_fault:
        throw InjectedFault();
      case Route::Kind::qr_code:
      case Route::Kind::minutes:
      case Route::Kind::delete_meeting:
        break;
    }
    auto room = ctx_.meetings.find(route.code);
    if (!room) return send(error_response(http::status::not_found, "no meeting has this code", version, keep));
    if (route.kind == Route::Kind::qr_code) return send(join_qr_code(route.link, version, keep, req.method() == http::verb::head));
    if (route.kind == Route::Kind::minutes) {
      room->minutes(route.key, route.format, [self = shared_from_this(), version, keep, format = route.format, code = route.code](bool ok, std::string body) {
        if (!ok) return self->send_later(error_response(http::status::forbidden, "wrong facilitator key", version, keep));
        http::response<http::string_body> res{http::status::ok, version};
        res.set(http::field::content_type, codec::minutes_content_type(format));
        res.set(http::field::cache_control, "no-store");
        res.set(http::field::content_disposition, "attachment; filename=\"everyvoice-" + code + "." + format + "\"");
        res.keep_alive(keep);
        res.body() = std::move(body);
        res.prepare_payload();
        self->send_later(std::move(res));
      });
      return;
    }
    room->close_for_deletion(route.key, [self = shared_from_this(), room, version, keep](bool ok) {
      if (!ok) return self->send_later(error_response(http::status::forbidden, "wrong facilitator key", version, keep));
      self->ctx_.meetings.remove(room, [self, version, keep](bool deleted) {
        if (!deleted)
          return self->send_later(error_response(http::status::service_unavailable, "the data could not be deleted", version, keep));
        http::response<http::empty_body> res{http::status::no_content, version};
        res.keep_alive(keep);
        self->send_later(std::move(res));
      });
    });
  }

  // Sends a response from another thread: the write runs on this session's strand.
  void send_later(http::message_generator msg) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), msg = std::move(msg)]() mutable {
      self->send(std::move(msg));
    });
  }

  // "ok", or "degraded" with what an operator must look at (the server still serves every other
  // meeting, so the status stays 200: a load balancer should not take it out for this).
  std::string health_text() const {
    const auto& failed = ctx_.log.unloadable();
    if (failed.empty()) return "ok\n";
    return "degraded: " + std::to_string(failed.size()) + " meeting(s) could not be loaded (see the error log)\n";
  }

  std::string metrics_text() const {
    std::string body = metrics().prometheus_text();
    const auto stats = ctx_.log.stats();
    body += "# HELP everyvoice_commits_total Transactions committed to the event log.\n# TYPE everyvoice_commits_total counter\n"
            "everyvoice_commits_total " + std::to_string(stats.commits) + "\n";
    body += "# HELP everyvoice_commit_writes_total Commands committed to the event log.\n# TYPE everyvoice_commit_writes_total counter\n"
            "everyvoice_commit_writes_total " + std::to_string(stats.writes) + "\n";
    body += "# HELP everyvoice_commit_latency_ms Commit latency over the last 1024 commits.\n# TYPE everyvoice_commit_latency_ms summary\n"
            "everyvoice_commit_latency_ms{quantile=\"0.5\"} " + std::to_string(stats.latency_p50_ms) + "\n"
            "everyvoice_commit_latency_ms{quantile=\"0.99\"} " + std::to_string(stats.latency_p99_ms) + "\n";
    body += "# HELP everyvoice_commit_batch Commands per commit over the last 1024 commits (group commit).\n# TYPE everyvoice_commit_batch gauge\n"
            "everyvoice_commit_batch_mean " + std::to_string(stats.batch_mean) + "\n"
            "everyvoice_commit_batch_max " + std::to_string(stats.batch_max) + "\n";
    body += "# HELP everyvoice_meetings_active Meetings not yet ended (what --meetings limits).\n# TYPE everyvoice_meetings_active gauge\n"
            "everyvoice_meetings_active " + std::to_string(ctx_.meetings.active()) + "\n";
    body += "# HELP everyvoice_meetings_unloadable Stored meetings that could not be loaded (kept on disk, not served).\n"
            "# TYPE everyvoice_meetings_unloadable gauge\neveryvoice_meetings_unloadable " +
            std::to_string(ctx_.log.unloadable().size()) + "\n";
    body += "# HELP everyvoice_database_bytes The database file and its write-ahead log.\n# TYPE everyvoice_database_bytes gauge\n"
            "everyvoice_database_bytes " + std::to_string(stats.database_bytes) + "\n";
    body += "# HELP everyvoice_wal_pending 1 while a closed poll's write-ahead log waits to be emptied (a reader, such as a backup, holds it).\n"
            "# TYPE everyvoice_wal_pending gauge\neveryvoice_wal_pending " + std::string(stats.wal_pending ? "1" : "0") + "\n";
    body += "# HELP everyvoice_wal_deferred_total Times emptying the write-ahead log had to wait for a reader.\n"
            "# TYPE everyvoice_wal_deferred_total counter\neveryvoice_wal_deferred_total " + std::to_string(stats.wal_deferred) + "\n";
    return body;
  }

  // Creating is refused without the create key (when one is set), past the per-address rate and
  // past the limit of active meetings.
  void create_meeting(const Route& route, unsigned version, bool keep) {
    if (!ctx_.settings.create_key.empty() && hash_secret(route.key) != hash_secret(ctx_.settings.create_key)) {
      metrics().meetings_create_refused++;
      return send(error_response(http::status::forbidden,
                                 route.key.empty() ? "this server needs a create key (X-Create-Key) to create meetings"
                                                   : "wrong create key",
                                 version, keep, route.key.empty() ? "create_key_required" : "wrong_create_key"));
    }
    if (!ctx_.creates.take(slot_.address())) {
      metrics().meetings_create_refused++;
      return send(error_response(http::status::too_many_requests, "too many meetings created from this address; try again in a minute",
                                 version, keep));
    }
    ctx_.meetings.create(route.title, [self = shared_from_this(), version, keep](std::optional<MeetingRegistry::Created> created,
                                                                                const std::string& error) {
      if (!created) {
        metrics().meetings_create_refused++;
        return self->send_later(error_response(http::status::service_unavailable, error, version, keep));
      }
      nlohmann::json out{{"code", created->code},
                         {"facilitator_key", created->facilitator_key},
                         {"title", created->title},
                         {"join_path", "/join?code=" + created->code}};
      http::response<http::string_body> res{http::status::created, version};
      res.set(http::field::content_type, "application/json");
      res.set(http::field::cache_control, "no-store");
      res.keep_alive(keep);
      res.body() = out.dump();
      res.prepare_payload();
      self->send_later(std::move(res));
    });
  }

  // The join link as a QR code (SVG), for the room display and the facilitator to show. The link
  // comes from the public URL or the checked Host (hosts.hpp): at most a few hundred bytes, well
  // within what a QR code holds.
  static http::message_generator join_qr_code(const std::string& link, unsigned version, bool keep, bool head) {
    const auto qr = qrcodegen::QrCode::encodeText(link.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
    http::response<http::string_body> res{http::status::ok, version};
    res.set(http::field::content_type, "image/svg+xml");
    res.set(http::field::cache_control, "no-cache");
    res.keep_alive(keep);
    // The library gives the modules; drawing them as one SVG path is ours (4 modules of quiet zone).
    const int border = 4;
    const int size = qr.getSize() + 2 * border;
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
                      std::to_string(size) + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code of the join link\">"
                      "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < qr.getSize(); ++y)
      for (int x = 0; x < qr.getSize(); ++x)
        if (qr.getModule(x, y)) svg += "M" + std::to_string(x + border) + "," + std::to_string(y + border) + "h1v1h-1z";
    svg += "\"/></svg>";
    res.body() = std::move(svg);
    res.prepare_payload();
    if (head) {
      http::response<http::empty_body> only_head{http::status::ok, version};
      only_head.base() = res.base();
      return only_head;
    }
    return res;
  }

  http::message_generator static_file(const Request& req, const std::string& path) {
    const bool keep = req.keep_alive();
    std::error_code fs_ec;
    if (!std::filesystem::is_regular_file(path, fs_ec))
      return error_response(http::status::not_found, "not found", req.version(), keep);
    const auto size = std::filesystem::file_size(path, fs_ec);
    const auto mtime = std::filesystem::last_write_time(path, fs_ec).time_since_epoch().count();
    const std::string etag = "\"" + std::to_string(size) + "-" + std::to_string(static_cast<std::uint64_t>(mtime)) + "\"";
    if (req[http::field::if_none_match] == etag) {
      http::response<http::empty_body> res{http::status::not_modified, req.version()};
      res.set(http::field::etag, etag);
      res.set(http::field::cache_control, "no-cache");
      res.keep_alive(keep);
      return res;
    }
    beast::error_code ec;
    http::file_body::value_type body;
    body.open(path.c_str(), beast::file_mode::scan, ec);
    if (ec) return error_response(http::status::not_found, "not found", req.version(), keep);
    const auto body_size = body.size();
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    res.set(http::field::content_type, content_type(path));
    res.set(http::field::cache_control, "no-cache");  // revalidate with the ETag: clients never run stale code
    res.set(http::field::etag, etag);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.content_length(body_size);
    res.keep_alive(keep);
    if (req.method() == http::verb::head) {
      http::response<http::empty_body> head{http::status::ok, req.version()};
      head.base() = res.base();
      return head;
    }
    return res;
  }

  static http::message_generator text_response(http::status status, std::string body, std::string_view type,
                                               unsigned version, bool keep) {
    http::response<http::string_body> res{status, version};
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }

  // {"error": message}, and "code" when a client should act on it (the start page asks for the
  // create key on "create_key_required").
  static http::message_generator error_response(http::status status, std::string message, unsigned version, bool keep,
                                                std::string_view code = "") {
    nlohmann::json body{{"error", message}};
    if (!code.empty()) body["code"] = code;
    return text_response(status, body.dump(), "application/json", version, keep);
  }

  void send(http::message_generator msg) {
    const bool keep = msg.keep_alive();
    beast::async_write(stream_, std::move(msg), [self = shared_from_this(), keep](error_code ec, std::size_t) {
      if (ec) return;
      if (!keep) return self->shutdown();
      self->do_read();
    });
  }

  void shutdown() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  ServerContext& ctx_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  AddressLimiter::Slot slot_;
};

}  // namespace

void start_http_session(ServerContext& ctx, tcp::socket socket, AddressLimiter::Slot slot) {
  std::make_shared<HttpSession>(ctx, std::move(socket), std::move(slot))->run();
}

}  // namespace everyvoice::net
