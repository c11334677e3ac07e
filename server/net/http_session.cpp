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

namespace everyvoice::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Request = http::request<http::string_body>;

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

// The file under `root` that `target` names, or "" when the target could escape the folder or
// names a hidden file. Query strings are ignored; "/" is index.html; "/join" is join.html.
std::string static_path(const std::string& root, std::string_view target) {
  if (auto q = target.find_first_of("?#"); q != std::string_view::npos) target = target.substr(0, q);
  if (target.empty() || target.front() != '/') return "";
  if (target.find("..") != std::string_view::npos || target.find('\\') != std::string_view::npos ||
      target.find('%') != std::string_view::npos || target.find("/.") != std::string_view::npos ||
      target.find('\0') != std::string_view::npos)
    return "";
  std::string path = root + std::string(target);
  if (target == "/") path += "index.html";
  else if (target.find('.') == std::string_view::npos) path += ".html";
  return path;
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
    if (ec) return;
    Request req = parser_->release();
    if (beast::websocket::is_upgrade(req)) return upgrade(std::move(req));
    const std::string_view target(req.target().data(), req.target().size());
    if (target == "/api/meetings" && req.method() == http::verb::post) return create_meeting(req);
    if (target.rfind("/api/meetings/", 0) == 0) return meeting_resource(req);
    send(route(req));
  }

  // Sends a response from another thread: the write runs on this session's strand.
  void send_later(http::message_generator msg) {
    asio::post(stream_.get_executor(), [self = shared_from_this(), msg = std::move(msg)]() mutable {
      self->send(std::move(msg));
    });
  }

  // /api/meetings/{code}/minutes?format=md|json|csv (GET) and /api/meetings/{code} (DELETE), both
  // with the facilitator key in the X-Facilitator-Key header (never in the URL).
  void meeting_resource(const Request& req) {
    const unsigned version = req.version();
    const bool keep = req.keep_alive();
    std::string_view rest(req.target().data(), req.target().size());
    rest.remove_prefix(std::string_view("/api/meetings/").size());
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
      query = rest.substr(q + 1);
      rest = rest.substr(0, q);
    }
    const auto slash = rest.find('/');
    const std::string code = normalize_meeting_code(rest.substr(0, slash));
    const std::string_view what = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
    auto room = code.empty() ? nullptr : ctx_.meetings.find(code);
    if (!room) return send(error_response(http::status::not_found, "no meeting has this code", version, keep));
    if (what == "qr.svg" && (req.method() == http::verb::get || req.method() == http::verb::head))
      return send(join_qr_code(req, code));
    if (!origin_allowed(req)) {
      metrics().origin_rejections++;
      return send(error_response(http::status::forbidden, "origin not allowed", version, keep));
    }
    std::string key(req["X-Facilitator-Key"]);
    if (key.empty()) return send(error_response(http::status::unauthorized, "the X-Facilitator-Key header is required", version, keep));
    if (what == "minutes" && (req.method() == http::verb::get || req.method() == http::verb::head)) {
      std::string format = "md";
      for (std::string_view part : {query}) {
        if (part.rfind("format=", 0) == 0) format = std::string(part.substr(7));
      }
      if (format != "md" && format != "json" && format != "csv")
        return send(error_response(http::status::bad_request, "format is md, json or csv", version, keep));
      room->minutes(std::move(key), format, [self = shared_from_this(), version, keep, format, code](bool ok, std::string body) {
        if (!ok) return self->send_later(error_response(http::status::forbidden, "wrong facilitator key", version, keep));
        http::response<http::string_body> res{http::status::ok, version};
        res.set(http::field::content_type, codec::minutes_content_type(format));
        res.set(http::field::cache_control, "no-store");
        res.set(http::field::content_disposition,
                "attachment; filename=\"everyvoice-" + code + "." + format + "\"");
        res.keep_alive(keep);
        res.body() = std::move(body);
        res.prepare_payload();
        self->send_later(std::move(res));
      });
      return;
    }
    if (what.empty() && req.method() == http::verb::delete_) {
      room->close_for_deletion(std::move(key), [self = shared_from_this(), room, version, keep](bool ok) {
        if (!ok) return self->send_later(error_response(http::status::forbidden, "wrong facilitator key", version, keep));
        self->ctx_.meetings.remove(room, [self, version, keep](bool deleted) {
          if (!deleted)
            return self->send_later(error_response(http::status::service_unavailable, "the data could not be deleted", version, keep));
          http::response<http::empty_body> res{http::status::no_content, version};
          res.keep_alive(keep);
          self->send_later(std::move(res));
        });
      });
      return;
    }
    send(error_response(http::status::method_not_allowed, "GET .../minutes or DELETE the meeting", version, keep));
  }

  void upgrade(Request req) {
    const auto target = std::string_view(req.target().data(), req.target().size());
    if (target != "/ws" && target.rfind("/ws?", 0) != 0)
      return send(error_response(http::status::not_found, "WebSocket lives at /ws", req.version(), false));
    if (!origin_allowed(req)) {
      metrics().origin_rejections++;
      return send(error_response(http::status::forbidden, "origin not allowed", req.version(), false));
    }
    start_websocket_session(ctx_, stream_.release_socket(), std::move(req), std::move(slot_));
  }

  // The Origin must be in allowed_origins or, when that list is empty, be this server itself
  // (http:// or https:// followed by the Host header). Requests without an Origin header come from
  // programs, not web pages, and are allowed.
  bool origin_allowed(const Request& req) const {
    const auto origin_it = req.find(http::field::origin);
    if (origin_it == req.end()) return true;
    const std::string origin(origin_it->value());
    if (!ctx_.settings.allowed_origins.empty())
      return std::find(ctx_.settings.allowed_origins.begin(), ctx_.settings.allowed_origins.end(), origin) !=
             ctx_.settings.allowed_origins.end();
    const std::string host(req[http::field::host]);
    return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
  }

  http::message_generator route(const Request& req) {
    const std::string_view target(req.target().data(), req.target().size());
    const bool keep = req.keep_alive();
    if (target == "/healthz") return text_response(http::status::ok, "ok\n", "text/plain; charset=utf-8", req.version(), keep);
    if (target == "/metrics") {
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
      return text_response(http::status::ok, std::move(body), "text/plain; version=0.0.4; charset=utf-8", req.version(), keep);
    }
    if (target == "/api/meetings") return error_response(http::status::method_not_allowed, "use POST", req.version(), keep);
    if (req.method() != http::verb::get && req.method() != http::verb::head)
      return error_response(http::status::method_not_allowed, "method not allowed", req.version(), keep);
    return static_file(req, target);
  }

  void create_meeting(const Request& req) {
    if (auto refused = check_new_meeting(req)) return send(std::move(*refused));
    std::string title = "Meeting";
    if (!req.body().empty()) {
      const auto body = nlohmann::json::parse(req.body(), nullptr, false);
      if (body.contains("title")) title = std::string(core::trim(body["title"].get_ref<const std::string&>()));
    }
    const unsigned version = req.version();
    const bool keep = req.keep_alive();
    ctx_.meetings.create(title, [self = shared_from_this(), version, keep](std::optional<MeetingRegistry::Created> created,
                                                                           const std::string& error) {
      if (!created) return self->send_later(error_response(http::status::service_unavailable, error, version, keep));
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

  // The join link as a QR code (SVG), for the room display and the facilitator to show: the
  // server's own address (as the browser reached it) with the meeting code, never a secret.
  http::message_generator join_qr_code(const Request& req, const std::string& code) {
    const std::string host(req[http::field::host]);
    const bool https = req["X-Forwarded-Proto"] == "https";
    const std::string link = (https ? "https://" : "http://") + (host.empty() ? std::string("localhost") : host) +
                             "/join?code=" + code;
    const auto qr = qrcodegen::QrCode::encodeText(link.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
    http::response<http::string_body> res{http::status::ok, req.version()};
    res.set(http::field::content_type, "image/svg+xml");
    res.set(http::field::cache_control, "no-cache");
    res.keep_alive(req.keep_alive());
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
    return res;
  }

  // Why a POST /api/meetings cannot be served, or nullopt when it can.
  std::optional<http::message_generator> check_new_meeting(const Request& req) {
    const bool keep = req.keep_alive();
    if (!origin_allowed(req)) {
      metrics().origin_rejections++;
      return error_response(http::status::forbidden, "origin not allowed", req.version(), keep);
    }
    if (!req.body().empty()) {
      const auto body = nlohmann::json::parse(req.body(), nullptr, false);
      if (body.is_discarded() || !body.is_object())
        return error_response(http::status::bad_request, "the body must be a JSON object", req.version(), keep);
      for (const auto& [key, value] : body.items())
        if (key != "title") return error_response(http::status::bad_request, "unknown field \"" + key + "\"", req.version(), keep);
      if (body.contains("title")) {
        if (!body["title"].is_string())
          return error_response(http::status::bad_request, "\"title\" must be a string", req.version(), keep);
        const auto& t = body["title"].get_ref<const std::string&>();
        const std::string trimmed(core::trim(t));
        if (trimmed.empty() || !core::acceptable_text(trimmed, 120))
          return error_response(http::status::bad_request, "\"title\" must be 1 to 120 characters of text", req.version(), keep);
      }
    }
    return std::nullopt;
  }

  http::message_generator static_file(const Request& req, std::string_view target) {
    const bool keep = req.keep_alive();
    const std::string path = static_path(ctx_.settings.static_dir, target);
    std::error_code fs_ec;
    if (path.empty() || !std::filesystem::is_regular_file(path, fs_ec))
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

  static http::message_generator error_response(http::status status, std::string message, unsigned version, bool keep) {
    return text_response(status, nlohmann::json{{"error", message}}.dump(), "application/json", version, keep);
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
