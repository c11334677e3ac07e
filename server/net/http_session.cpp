#include "net/http_session.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "codec/client_message.hpp"
#include "core/text.hpp"
#include "net/log.hpp"
#include "net/metrics.hpp"
#include <qrcodegen/qrcodegen.hpp>

#include "codec/group_record.hpp"
#include "codec/minutes.hpp"
#include "net/secrets.hpp"
#include "net/websocket_session.hpp"
#include <boost/asio/post.hpp>
#include "net/faults.hpp"
#include "net/forwarded.hpp"
#include "net/http_router.hpp"
#include "net/static_files.hpp"

namespace everyvoice::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Request = HttpRequest;

// Every response says how a browser must treat it. Pages may load only this server's own scripts,
// styles and images (no inline code: the client has none), may talk only to this server, and may
// not be framed; anything else (JSON, SVG) may load nothing at all.
constexpr const char* page_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
constexpr const char* resource_policy = "default-src 'none'; frame-ancestors 'none'; sandbox";

template <class Message>
void secure(Message& res, bool https, bool page = false) {
  res.set("Content-Security-Policy", page ? page_policy : resource_policy);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  if (https) res.set(http::field::strict_transport_security, "max-age=31536000");
}

// The value of `name` in a query string ("a=1&v=abc" -> "abc"), or "".
std::string_view query_value(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name && pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return {};
}

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(ServerContext& ctx, tcp::socket socket, AddressLimiter::Slot slot)
      : ctx_(ctx), stream_(std::move(socket)), slot_(std::move(slot)), peer_(slot_.address()),
        via_proxy_(ctx.proxies.contains(peer_)) {}

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
    // Behind a trusted proxy the client is whom it names, and https is what it says (forwarded.hpp).
    client_ = peer_;
    https_ = false;
    if (via_proxy_) {
      std::vector<std::string_view> forwarded_for;
      for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it)
        forwarded_for.emplace_back(it->value().data(), it->value().size());
      client_ = ctx_.proxies.client_address(peer_, forwarded_for);
      const auto proto = req["X-Forwarded-Proto"];
      https_ = forwarded_https(true, std::string_view(proto.data(), proto.size()));
    }
    const Route route = route_request(req, ctx_.settings, https_);
    const unsigned version = req.version();
    const bool keep = req.keep_alive() && !route.close;
    switch (route.kind) {
      case Route::Kind::refuse:
        if (route.status == http::status::misdirected_request) metrics().host_rejections++;
        if (route.status == http::status::forbidden) metrics().origin_rejections++;
        if (route.status == http::status::bad_request) metrics().bad_requests++;
        return send(error_response(route.status, route.message, version, keep));
      case Route::Kind::upgrade:
        if (via_proxy_) {  // the proxy's connection was not counted: the client's is
          auto slot = ctx_.addresses.acquire(client_);
          if (!slot) {
            log(LogLevel::warn, "refused a WebSocket: address at its connection limit");
            return send(error_response(http::status::too_many_requests, "too many connections from this address", version, false));
          }
          return start_websocket_session(ctx_, stream_.release_socket(), std::move(req), std::move(*slot),
                                         std::move(route.code));
        }
        return start_websocket_session(ctx_, stream_.release_socket(), std::move(req), std::move(slot_),
                                       std::move(route.code));
      case Route::Kind::server_info:
        return send(server_info(version, keep));
      case Route::Kind::health:
        return send(text_response(http::status::ok, health_text(), "text/plain; charset=utf-8", version, keep));
      case Route::Kind::metrics:
        return send(text_response(http::status::ok, metrics_text(), "text/plain; version=0.0.4; charset=utf-8", version, keep));
      case Route::Kind::static_file:
        return send(static_file(req, route.path));
      case Route::Kind::create_meeting:
        return create_meeting(route, version, keep);
      case Route::Kind::create_group:
        return create_group(route, version, keep);
      case Route::Kind::group_record:
        return group_record(route, version, keep, req.method() == http::verb::head);
      case Route::Kind::idea_status:
        return idea_status(route, version, keep);
      case Route::Kind::delete_group:
        return delete_group(route, version, keep);
      case Route::Kind::group_settings:
        return ctx_.groups.set_retention(route.code, route.key, route.retention_days,
                                         [self = shared_from_this(), version, keep, days = route.retention_days](GroupRegistry::IdeaAnswer a) {
                                           if (a.access != GroupRegistry::Access::ok || !a.error.empty())
                                             return self->send_later(self->error_response(
                                                 a.access == GroupRegistry::Access::not_found ? http::status::not_found
                                                 : a.access == GroupRegistry::Access::wrong_key ? http::status::forbidden
                                                                                                 : http::status::service_unavailable,
                                                 a.access == GroupRegistry::Access::not_found ? "no group has this code"
                                                 : a.access == GroupRegistry::Access::wrong_key ? "wrong group key"
                                                                                                 : "the change could not be saved right now; nothing changed",
                                                 version, keep));
                                           send_json(self, http::status::ok, nlohmann::json{{"retention_days", days}}.dump(), version, keep);
                                         });
      case Route::Kind::follow_ideas:
        return follow_ideas(route, version, keep);
      case Route::Kind::add_member:
      case Route::Kind::remove_member:
      case Route::Kind::member_view:
      case Route::Kind::member_update:
      case Route::Kind::member_leave:
        return member_route(route, version, keep, req.method() == http::verb::head);
      case Route::Kind::test_fault:
        throw InjectedFault();
      case Route::Kind::qr_code:
      case Route::Kind::minutes:
      case Route::Kind::delete_meeting:
        break;
    }
    // Here, or claimed from a shared store (the answer then comes from the log's thread).
    ctx_.meetings.open(route.code, [self = shared_from_this(), route, version, keep, head = req.method() == http::verb::head](
                                       std::shared_ptr<MeetingRoom> room, const std::string& held_by) {
      asio::post(self->stream_.get_executor(), [self, route, version, keep, head, room = std::move(room), held_by] {
        self->meeting_route(route, room, held_by, version, keep, head);
      });
    });
  }

  // A request about one meeting (its QR code, minutes, deletion), once the meeting was found.
  void meeting_route(const Route& route, const std::shared_ptr<MeetingRoom>& room, const std::string& held_by,
                     unsigned version, bool keep, bool head) {
    if (!room && !held_by.empty()) {
      // Another server holds it and was asked to let it go: a retry in a moment finds it here.
      http::response<http::string_body> res{http::status::service_unavailable, version};
      secure(res, https_);
      res.set(http::field::content_type, "application/json");
      res.set(http::field::cache_control, "no-store");
      res.set(http::field::retry_after, "1");
      res.keep_alive(keep);
      res.body() = nlohmann::json{{"error", "another server holds this meeting; try again in a moment"}, {"code", "moved"}}.dump();
      res.prepare_payload();
      return send(std::move(res));
    }
    if (!room) return send(error_response(http::status::not_found, "no meeting has this code", version, keep));
    if (route.kind == Route::Kind::qr_code) return send(join_qr_code(route.link, version, keep, head));
    if (route.kind == Route::Kind::minutes) {
      room->minutes(route.key, route.format, [self = shared_from_this(), version, keep, format = route.format, code = route.code](bool ok, std::string body) {
        if (!ok) return self->send_later(self->error_response(http::status::forbidden, "wrong facilitator key", version, keep));
        http::response<http::string_body> res{http::status::ok, version};
        secure(res, self->https_);
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
      if (!ok) return self->send_later(self->error_response(http::status::forbidden, "wrong facilitator key", version, keep));
      self->ctx_.meetings.remove(room, [self, version, keep](bool deleted) {
        if (!deleted)
          return self->send_later(self->error_response(http::status::service_unavailable, "the data could not be deleted", version, keep));
        http::response<http::empty_body> res{http::status::no_content, version};
        secure(res, self->https_);
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
    body += "# HELP everyvoice_commits_paced_total Commits that waited for the pacing window (--commit-window-us: many people writing at once).\n"
            "# TYPE everyvoice_commits_paced_total counter\neveryvoice_commits_paced_total " + std::to_string(stats.paced) + "\n";
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
    if (!ctx_.creates.take(client_)) {
      metrics().meetings_create_refused++;
      return send(error_response(http::status::too_many_requests, "too many meetings created from this address; try again in a minute",
                                 version, keep));
    }
    std::vector<core::Event> settings;
    if (route.utc_offset_minutes) settings.emplace_back(core::TimeZoneSet{route.time_zone, *route.utc_offset_minutes});
    if (!route.language.empty()) settings.emplace_back(core::LanguageSet{route.language});
    if (!route.started) settings.emplace_back(core::MeetingScheduled{});
    GroupArgs group{route.group_code, route.group_key, route.language.empty() ? "en" : route.language,
                    route.utc_offset_minutes.value_or(0)};
    if (route.agenda_from_code.empty()) return create_in_group(route.title, std::move(group), std::move(settings), version, keep);
    // The agenda of an earlier meeting, for whoever holds its facilitator key (a wrong key costs a
    // create from this address's rate, like any other attempt).
    ctx_.meetings.agenda(route.agenda_from_code, route.agenda_from_key,
                         [self = shared_from_this(), title = route.title, group = std::move(group),
                          settings = std::move(settings), version, keep](bool found, bool ok, std::vector<core::Event> items) mutable {
      if (!found)
        return self->send_later(
            self->error_response(http::status::not_found, "no meeting has the code given in agenda_from", version, keep));
      if (!ok)
        return self->send_later(
            self->error_response(http::status::forbidden, "wrong facilitator key for the meeting given in agenda_from", version, keep));
      for (auto& item : items) settings.push_back(std::move(item));
      self->create_in_group(std::move(title), std::move(group), std::move(settings), version, keep);
    });
  }

  struct GroupArgs {
    std::string code, key, language;
    std::int32_t utc_offset_minutes = 0;
  };
  // A meeting of a group starts with the group's agreement and the reviews that fall due (after
  // any agenda copied from an earlier meeting). Any thread: the response goes through send_later.
  void create_in_group(std::string title, GroupArgs group, std::vector<core::Event> settings, unsigned version, bool keep) {
    if (!group.code.empty()) {
      std::uint32_t agenda_items = 0;
      for (const auto& e : settings) agenda_items += std::holds_alternative<core::AgendaItemAdded>(e) ? 1 : 0;
      // Today where the meeting is (its offset from UTC, as the creator's browser gave it).
      const std::time_t local = static_cast<std::time_t>((now_ms() / 1000) + std::int64_t{group.utc_offset_minutes} * 60);
      std::tm tm{};
      gmtime_r(&local, &tm);
      char today[16];
      std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
      std::vector<core::Event> opening;
      const auto access = ctx_.groups.opening(group.code, group.key, today, group.language, agenda_items + 1, opening);
      if (access != GroupRegistry::Access::ok) {
        // The attempt has cost a create from this address's rate already, like any other.
        return send_later(access == GroupRegistry::Access::not_found
                              ? error_response(http::status::not_found, "no group has the code given in group", version, keep)
                              : error_response(http::status::forbidden, "wrong group key for the group given in group", version, keep));
      }
      for (auto& e : opening) settings.push_back(std::move(e));
    }
    create_with(std::move(title), std::move(settings), version, keep);
  }

  // Creating a group is refused as creating a meeting is: without the create key (when one is
  // set), and past the per-address rate.
  void create_group(const Route& route, unsigned version, bool keep) {
    if (!ctx_.settings.create_key.empty() && hash_secret(route.key) != hash_secret(ctx_.settings.create_key))
      return send(error_response(http::status::forbidden,
                                 route.key.empty() ? "this server needs a create key (X-Create-Key) to create groups"
                                                   : "wrong create key",
                                 version, keep, route.key.empty() ? "create_key_required" : "wrong_create_key"));
    if (!ctx_.creates.take(client_))
      return send(error_response(http::status::too_many_requests, "too many created from this address; try again in a minute",
                                 version, keep));
    ctx_.groups.create(route.title, [self = shared_from_this(), version, keep](std::optional<GroupRegistry::Created> created,
                                                                             const std::string& error) {
      if (!created) return self->send_later(self->error_response(http::status::service_unavailable, error, version, keep));
      send_json(self, http::status::created, nlohmann::json{{"code", created->code}, {"group_key", created->group_key},
                                                            {"name", created->name}}.dump(), version, keep);
    });
  }

  // The group's record (JSON) or report (Markdown), for whoever holds its key.
  void group_record(const Route& route, unsigned version, bool keep, bool head) {
    core::GroupState group;
    const auto access = ctx_.groups.read(route.code, route.key, group);
    if (access == GroupRegistry::Access::not_found)
      return send(error_response(http::status::not_found, "no group has this code", version, keep));
    if (access == GroupRegistry::Access::wrong_key)
      return send(error_response(http::status::forbidden, "wrong group key", version, keep));
    http::response<http::string_body> res{http::status::ok, version};
    secure(res, https_);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep);
    if (route.format == "md") {
      res.set(http::field::content_type, "text/markdown; charset=utf-8");
      res.set(http::field::content_disposition, "attachment; filename=\"everyvoice-group-" + route.code + ".md\"");
      res.body() = codec::group_report_md(group, route.code);
    } else if (route.format == "csv") {
      res.set(http::field::content_type, "text/csv; charset=utf-8");
      res.set(http::field::content_disposition, "attachment; filename=\"everyvoice-participation-" + route.code + ".csv\"");
      res.body() = codec::participation_csv(group);
    } else {
      res.set(http::field::content_type, "application/json");
      res.body() = codec::group_record(group, route.code).dump();
    }
    res.prepare_payload();
    if (head) res.body().clear();
    send(std::move(res));
  }

  // Deleting a group deletes all its meetings' data, then its own: each meeting's connections are
  // closed (4002) and its data deleted as DELETE /api/meetings/{code} would. 204 once all is gone.
  void delete_group(const Route& route, unsigned version, bool keep) {
    std::vector<std::string> codes;
    std::int64_t id = 0;
    const auto access = ctx_.groups.remove(route.code, route.key, codes, id);
    if (access == GroupRegistry::Access::not_found)
      return send(error_response(http::status::not_found, "no group has this code", version, keep));
    if (access == GroupRegistry::Access::wrong_key)
      return send(error_response(http::status::forbidden, "wrong group key", version, keep));
    struct Progress {
      std::size_t left;
      bool ok = true;
      std::mutex mutex;
    };
    auto progress = std::make_shared<Progress>();
    std::vector<std::shared_ptr<MeetingRoom>> rooms;
    for (const auto& code : codes)
      if (auto room = ctx_.meetings.find(code)) rooms.push_back(std::move(room));
    progress->left = rooms.size() + 1;  // the meetings, then the group's own rows
    const auto finish = [self = shared_from_this(), progress, version, keep](bool ok) {
      std::lock_guard lock(progress->mutex);
      progress->ok = progress->ok && ok;
      if (--progress->left != 0) return;
      if (!progress->ok)
        return self->send_later(self->error_response(http::status::service_unavailable, "some data could not be deleted", version, keep));
      http::response<http::empty_body> res{http::status::no_content, version};
      secure(res, self->https_);
      res.keep_alive(keep);
      self->send_later(std::move(res));
    };
    for (auto& room : rooms)
      room->close_for_group_deletion([self = shared_from_this(), room, finish] { self->ctx_.meetings.remove(room, finish); });
    // Queued after any write the group had in flight: the log runs jobs in order.
    ctx_.log.delete_group(id, [finish](bool ok, const std::string&) { finish(ok); });
  }

  // An organiser sets an idea's status; the answer is the idea as it now stands (once written).
  void idea_status(const Route& route, unsigned version, bool keep) {
    ctx_.groups.set_idea_status(
        route.code, route.key, route.idea, *core::parse_idea_status(route.idea_status), route.message,
        [self = shared_from_this(), version, keep](GroupRegistry::IdeaAnswer answer) {
          if (answer.access == GroupRegistry::Access::not_found)
            return self->send_later(self->error_response(http::status::not_found, "no group has this code", version, keep));
          if (answer.access == GroupRegistry::Access::wrong_key)
            return self->send_later(self->error_response(http::status::forbidden, "wrong group key", version, keep));
          if (answer.error == "storage")
            return self->send_later(self->error_response(http::status::service_unavailable,
                                                         "the change could not be saved right now; nothing changed", version, keep));
          if (!answer.error.empty())
            return self->send_later(self->error_response(answer.error.rfind("there is no idea", 0) == 0 ? http::status::not_found
                                                                                                       : http::status::bad_request,
                                                         answer.error, version, keep));
          send_json(self, http::status::ok, codec::group_idea(*answer.idea).dump(), version, keep);
        });
  }

  // Sends the refusal in `a`, if it is one: whose key (`whose`: "group" or "member") did not
  // match, a bad request, or that nothing could be saved. False when `a` is an answer.
  bool refused(const GroupRegistry::Answer& a, const char* whose, unsigned version, bool keep) {
    const auto refuse = [&](http::status status, std::string message) {
      send_later(error_response(status, std::move(message), version, keep));
      return true;
    };
    const bool member = std::string_view(whose) == "member";
    if (a.access == GroupRegistry::Access::not_found)
      return refuse(http::status::not_found, member ? "this member link names no group on this server" : "no group has this code");
    if (a.access == GroupRegistry::Access::wrong_key)
      return refuse(http::status::forbidden, member ? "this member link is not valid (its member may have left)" : "wrong group key");
    if (a.error == "storage") return refuse(http::status::service_unavailable, "the change could not be saved right now; nothing changed");
    // A member whose own change was queued behind their leaving: gone, as their key now is.
    if (member && a.error.rfind("there is no member", 0) == 0)
      return refuse(http::status::forbidden, "this member link is not valid (its member may have left)");
    if (!a.error.empty())
      return refuse(a.error.rfind("there is no", 0) == 0 ? http::status::not_found : http::status::bad_request, a.error);
    return false;
  }

  // A group's members: an organiser adds or removes one (group key); a member reads, changes or
  // erases their own data (member key).
  void member_route(const Route& route, unsigned version, bool keep, bool head) {
    auto self = shared_from_this();
    switch (route.kind) {
      case Route::Kind::add_member: {
        auto member_key = GroupRegistry::new_member_key(route.code);
        const auto hash = GroupRegistry::member_key_hash(member_key);
        const auto limit = ctx_.settings.group_members;
        return ctx_.groups.change(
            route.code, route.key,
            [name = route.title, hash, limit](const core::GroupState& g) { return core::add_member(g, name, hash, limit); },
            [self, hash, member_key = std::move(member_key), version, keep](GroupRegistry::Answer a) {
              if (self->refused(a, "group", version, keep)) return;
              const core::GroupMember* m = a.state->member_by_key_hash(hash);
              if (!m) return self->send_later(self->error_response(http::status::service_unavailable, "the member could not be added", version, keep));
              send_json(self, http::status::created,
                        nlohmann::json{{"member", codec::group_member(*a.state, *m)}, {"member_key", member_key}}.dump(),
                        version, keep);
            });
      }
      case Route::Kind::remove_member:
        return ctx_.groups.change(
            route.code, route.key, [id = route.member](const core::GroupState& g) { return core::remove_member(g, id); },
            [self, version, keep](GroupRegistry::Answer a) {
              if (self->refused(a, "group", version, keep)) return;
              self->send_no_content(version, keep);
            });
      case Route::Kind::member_view: {
        core::GroupState group;
        std::uint32_t id = 0;
        GroupRegistry::Answer a;
        a.access = ctx_.groups.read_as_member(route.key, group, id);
        if (refused(a, "member", version, keep)) return;
        auto body = codec::member_view(group, *group.member(id)).dump();
        if (head) body.clear();
        return send_json(self, http::status::ok, std::move(body), version, keep);
      }
      case Route::Kind::member_update:
        return ctx_.groups.change_as_member(
            route.key,
            [r = route](const core::GroupState& g, std::uint32_t id) {
              return core::change_member(g, id, r.title, r.preference, r.offers, r.record);
            },
            [self, version, keep](GroupRegistry::Answer a) {
              if (self->refused(a, "member", version, keep)) return;
              const core::GroupMember* m = a.state->member(a.member);
              if (!m) return self->send_later(self->error_response(http::status::forbidden, "this member has left", version, keep));
              send_json(self, http::status::ok, codec::member_view(*a.state, *m).dump(), version, keep);
            });
      case Route::Kind::member_leave:
        return ctx_.groups.change_as_member(
            route.key, [](const core::GroupState& g, std::uint32_t id) { return core::remove_member(g, id); },
            [self, version, keep](GroupRegistry::Answer a) {
              if (self->refused(a, "member", version, keep)) return;
              self->send_no_content(version, keep);
            });
      default:
        return;
    }
  }

  void send_no_content(unsigned version, bool keep) {
    http::response<http::empty_body> res{http::status::no_content, version};
    secure(res, https_);
    res.keep_alive(keep);
    send_later(std::move(res));
  }

  // What became of the points this browser's person wrote: by the secrets it keeps.
  void follow_ideas(const Route& route, unsigned version, bool keep) {
    nlohmann::json ideas = nlohmann::json::array();
    for (auto& f : ctx_.groups.follow(route.secrets)) {
      nlohmann::json j = codec::group_idea(f.idea);
      j.erase("id");
      j["follow"] = f.secret;
      j["group"] = f.group_name;
      j["meeting_title"] = f.meeting_title;
      ideas.push_back(std::move(j));
    }
    send_json(shared_from_this(), http::status::ok, nlohmann::json{{"ideas", std::move(ideas)}}.dump(), version, keep);
  }

  static void send_json(const std::shared_ptr<HttpSession>& self, http::status status, std::string body, unsigned version, bool keep) {
    http::response<http::string_body> res{status, version};
    secure(res, self->https_);
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep);
    res.body() = std::move(body);
    res.prepare_payload();
    self->send_later(std::move(res));
  }

  void create_with(std::string title, std::vector<core::Event> settings, unsigned version, bool keep) {
    ctx_.meetings.create(std::move(title), std::move(settings), [self = shared_from_this(), version, keep](std::optional<MeetingRegistry::Created> created,
                                                                                const std::string& error) {
      if (!created) {
        metrics().meetings_create_refused++;
        return self->send_later(self->error_response(http::status::service_unavailable, error, version, keep));
      }
      nlohmann::json out{{"code", created->code},
                         {"facilitator_key", created->facilitator_key},
                         {"title", created->title},
                         {"join_path", "/join?code=" + created->code}};
      http::response<http::string_body> res{http::status::created, version};
      secure(res, self->https_);
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
  http::message_generator join_qr_code(const std::string& link, unsigned version, bool keep, bool head) {
    const auto qr = qrcodegen::QrCode::encodeText(link.c_str(), qrcodegen::QrCode::Ecc::MEDIUM);
    http::response<http::string_body> res{http::status::ok, version};
    secure(res, https_);
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

  // What a client needs before it joins: the version, the public URL (the console warns when it
  // has none and the page was opened on a loopback name) and whether creating needs a key.
  http::message_generator server_info(unsigned version, bool keep) {
    nlohmann::json out{{"version", EVERYVOICE_VERSION},
                       {"protocol", std::to_string(codec::protocol_version) + "." + std::to_string(codec::protocol_minor)},
                       {"public_url", ctx_.settings.public_url.empty() ? nlohmann::json() : nlohmann::json(ctx_.settings.public_url)},
                       {"create_key_required", !ctx_.settings.create_key.empty()}};
    return text_response(http::status::ok, out.dump(), "application/json", version, keep);
  }

  // A file of the web client from memory (static_files.hpp): gzip when the client takes it, 304
  // when it has this version, a year's caching when the URL names the version. Files too large
  // to keep in memory are streamed from disk as they are.
  http::message_generator static_file(const Request& req, const std::string& path) {
    const bool keep = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    const auto asset = ctx_.static_files.get(path);
    if (!asset) return large_file(req, path);
    const bool gzip = !asset->gzip.empty() && accepts_gzip(std::string_view(req[http::field::accept_encoding]));
    const std::string etag = gzip ? asset->etag.substr(0, asset->etag.size() - 1) + "-gz\"" : asset->etag;
    const std::string_view target(req.target().data(), req.target().size());
    const bool versioned = query_value(target, "v") == asset->version;
    const bool page = asset->content_type.rfind("text/html", 0) == 0;
    auto headers = [&](auto& res) {
      secure(res, https_, page);
      res.set(http::field::etag, etag);
      res.set(http::field::last_modified, asset->last_modified);
      res.set(http::field::cache_control, versioned ? "public, max-age=31536000, immutable" : "no-cache");
      if (!asset->gzip.empty()) res.set(http::field::vary, "Accept-Encoding");
      res.keep_alive(keep);
    };
    const auto inm = req[http::field::if_none_match];
    const bool unchanged = !inm.empty() ? etag_matches(std::string_view(inm), etag)
                                        : req[http::field::if_modified_since] == asset->last_modified;
    if (unchanged) {
      http::response<http::empty_body> res{http::status::not_modified, req.version()};
      headers(res);
      return res;
    }
    const std::string& body = gzip ? asset->gzip : asset->body;
    if (head) {
      http::response<http::empty_body> res{http::status::ok, req.version()};
      headers(res);
      res.set(http::field::content_type, asset->content_type);
      if (gzip) res.set(http::field::content_encoding, "gzip");
      res.content_length(body.size());
      return res;
    }
    // The body is the cached bytes themselves, not a copy: `serving_` keeps them alive until this
    // response is written (the next request is read only after that).
    serving_ = asset;
    http::response<http::span_body<const char>> res{http::status::ok, req.version()};
    headers(res);
    res.set(http::field::content_type, asset->content_type);
    if (gzip) res.set(http::field::content_encoding, "gzip");
    res.body() = {body.data(), body.size()};
    res.prepare_payload();
    return res;
  }

  http::message_generator large_file(const Request& req, const std::string& path) {
    const bool keep = req.keep_alive();
    beast::error_code ec;
    http::file_body::value_type body;
    body.open(path.c_str(), beast::file_mode::scan, ec);
    if (ec) return error_response(http::status::not_found, "not found", req.version(), keep);
    const auto body_size = body.size();
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    secure(res, https_, content_type_of(path).rfind("text/html", 0) == 0);
    res.set(http::field::content_type, content_type_of(path));
    res.set(http::field::cache_control, "no-cache");
    res.content_length(body_size);
    res.keep_alive(keep);
    if (req.method() == http::verb::head) {
      http::response<http::empty_body> head{http::status::ok, req.version()};
      head.base() = res.base();
      return head;
    }
    return res;
  }

  http::message_generator text_response(http::status status, std::string body, std::string_view type,
                                        unsigned version, bool keep) {
    http::response<http::string_body> res{status, version};
    secure(res, https_);
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(keep);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  }

  // {"error": message}, and "code" when a client should act on it (the start page asks for the
  // create key on "create_key_required").
  http::message_generator error_response(http::status status, std::string message, unsigned version, bool keep,
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
  std::shared_ptr<const StaticAsset> serving_;  // the file whose bytes the response being written points at
  AddressLimiter::Slot slot_;
  const std::string peer_;  // the address that connected
  const bool via_proxy_;    // it is a trusted proxy (--trusted-proxies)
  std::string client_;      // this request's client: the peer, or whom the trusted proxy names
  bool https_ = false;      // this request came over https (a trusted proxy says so)
};

}  // namespace

void start_http_session(ServerContext& ctx, tcp::socket socket, AddressLimiter::Slot slot) {
  std::make_shared<HttpSession>(ctx, std::move(socket), std::move(slot))->run();
}

}  // namespace everyvoice::net
