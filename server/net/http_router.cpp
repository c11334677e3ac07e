#include "net/http_router.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "codec/minutes_words.hpp"
#include "core/group.hpp"
#include "core/text.hpp"
#include "net/faults.hpp"
#include "net/secrets.hpp"

namespace everyvoice::net {
namespace {

namespace http = boost::beast::http;

Route refuse(http::status status, std::string message, bool close = false) {
  Route r;
  r.status = status;
  r.message = std::move(message);
  r.close = close;
  return r;
}

Route of_kind(Route::Kind kind) {
  Route r;
  r.kind = kind;
  return r;
}

// The file under `root` that `target` names, or "" when the target could escape the folder or
// names a hidden file (or a folder: "/css/"). Query strings are ignored; "/" is index.html;
// "/join" is join.html.
std::string static_path(const std::string& root, std::string_view target) {
  if (auto q = target.find_first_of("?#"); q != std::string_view::npos) target = target.substr(0, q);
  if (target.empty() || target.front() != '/') return "";
  if (target.find("..") != std::string_view::npos || target.find('\\') != std::string_view::npos ||
      target.find('%') != std::string_view::npos || target.find("/.") != std::string_view::npos ||
      target.find('\0') != std::string_view::npos)
    return "";
  if (target.size() > 1 && target.back() == '/') return "";  // "/dir/" would name the hidden file "/dir/.html"
  std::string path = root + std::string(target);
  if (target == "/") path += "index.html";
  else if (target.find('.') == std::string_view::npos) path += ".html";
  return path;
}

// RFC 9112 6.1 and 6.3: Transfer-Encoding with Content-Length, or one whose last coding is not
// chunked, cannot be framed safely.
bool framing_ambiguous(const HttpRequest& req) {
  const auto te = req.find(http::field::transfer_encoding);
  if (te == req.end()) return false;
  if (req.find(http::field::content_length) != req.end()) return true;
  if (req.count(http::field::transfer_encoding) != 1) return true;
  std::string_view codings(te->value().data(), te->value().size());
  const auto comma = codings.rfind(',');
  const std::string_view last = trim_ows(comma == std::string_view::npos ? codings : codings.substr(comma + 1));
  return !iequals(last, "chunked");
}

// The Origin must be in allowed_origins or, when that list is empty, be this server itself: the
// public URL, or http(s):// followed by the (already checked) Host. Requests without an Origin
// header come from programs, not web pages, and are allowed.
bool origin_allowed(const HttpRequest& req, const Settings& settings) {
  const auto origin_it = req.find(http::field::origin);
  if (origin_it == req.end()) return true;
  const std::string origin(origin_it->value());
  if (!settings.allowed_origins.empty())
    return std::find(settings.allowed_origins.begin(), settings.allowed_origins.end(), origin) !=
           settings.allowed_origins.end();
  if (!settings.public_url.empty() && origin == settings.public_url) return true;
  const std::string host(req[http::field::host]);
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

std::string header(const HttpRequest& req, std::string_view name) {
  const auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

// An IANA time zone name ("Europe/London", "America/Argentina/Buenos_Aires", "Etc/GMT+3", "UTC"):
// 1 to 64 characters, parts of letters, digits, '_', '-' and '+' joined by single '/', starting with
// a letter. Only shown in the minutes, never used to open a file.
bool time_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  char previous = 0;
  for (char c : name) {
    const bool part = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '+';
    if (!part && !(c == '/' && previous != '/')) return false;
    previous = c;
  }
  return name.back() != '/';
}

// {"code": ..., "<key_name>": ...} exactly: a code as typed (normalized) and a key of 1 to 200
// characters, both strings; false for anything else.
bool code_and_key(const nlohmann::json& j, const char* key_name, std::string& code, std::string& key) {
  if (!j.is_object() || j.size() != 2 || !j.contains("code") || !j.contains(key_name) || !j["code"].is_string() ||
      !j[key_name].is_string())
    return false;
  code = normalize_meeting_code(j["code"].get_ref<const std::string&>());
  key = j[key_name].get<std::string>();
  return !code.empty() && !key.empty() && key.size() <= 200;
}

Route create_meeting(const HttpRequest& req) {
  Route r = of_kind(Route::Kind::create_meeting);
  r.title = "Meeting";
  r.key = header(req, "X-Create-Key");
  if (req.body().empty()) return r;
  const auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) return refuse(http::status::bad_request, "the body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "title" && key != "time_zone" && key != "utc_offset_minutes" && key != "language" && key != "started" &&
        key != "agenda_from" && key != "group")
      return refuse(http::status::bad_request, "unknown field \"" + key + "\"");
  if (body.contains("title")) {
    if (!body["title"].is_string()) return refuse(http::status::bad_request, "\"title\" must be a string");
    const std::string trimmed(core::trim(body["title"].get_ref<const std::string&>()));
    if (trimmed.empty() || !core::acceptable_text(trimmed, 120))
      return refuse(http::status::bad_request, "\"title\" must be 1 to 120 characters of text");
    r.title = trimmed;
  }
  // The meeting's time zone, as the creator's browser knows it: the minutes give their times in it.
  if (body.contains("utc_offset_minutes")) {
    const auto& offset = body["utc_offset_minutes"];
    if (!offset.is_number_integer() || offset.get<std::int64_t>() < -720 || offset.get<std::int64_t>() > 840)
      return refuse(http::status::bad_request, "\"utc_offset_minutes\" must be a whole number from -720 to 840");
    r.utc_offset_minutes = static_cast<std::int32_t>(offset.get<std::int64_t>());
  }
  if (body.contains("time_zone")) {
    if (!body["time_zone"].is_string() || !time_zone_name(body["time_zone"].get_ref<const std::string&>()))
      return refuse(http::status::bad_request, "\"time_zone\" must be a time zone name such as \"Europe/London\"");
    if (!r.utc_offset_minutes)
      return refuse(http::status::bad_request, "\"time_zone\" comes with \"utc_offset_minutes\", its offset from UTC now");
    r.time_zone = body["time_zone"].get<std::string>();
  }
  // The language the minutes are written in: one the server writes minutes in.
  if (body.contains("language")) {
    if (!body["language"].is_string() || !codec::minutes_language(body["language"].get_ref<const std::string&>()))
      return refuse(http::status::bad_request, "\"language\" must be one of " + codec::minutes_languages_list());
    r.language = body["language"].get<std::string>();
  }
  // false: the meeting is prepared first (agenda, drafts, agreement) and a facilitator starts it.
  if (body.contains("started")) {
    if (!body["started"].is_boolean()) return refuse(http::status::bad_request, "\"started\" must be true or false");
    r.started = body["started"].get<bool>();
  }
  // {"code": ..., "facilitator_key": ...}: the new meeting starts with that meeting's agenda.
  if (body.contains("agenda_from") &&
      !code_and_key(body["agenda_from"], "facilitator_key", r.agenda_from_code, r.agenda_from_key))
    return refuse(http::status::bad_request,
                  "\"agenda_from\" must be {\"code\": the earlier meeting's code, \"facilitator_key\": its facilitator key}");
  // {"code": ..., "group_key": ...}: a meeting of that group; it starts with the group's agreement.
  if (body.contains("group") && !code_and_key(body["group"], "group_key", r.group_code, r.group_key))
    return refuse(http::status::bad_request, "\"group\" must be {\"code\": the group's code, \"group_key\": its group key}");
  return r;
}

// POST /api/groups {"name": ...}: the group's name, 1 to 200 characters of text.
Route create_group(const HttpRequest& req) {
  Route r = of_kind(Route::Kind::create_group);
  r.key = header(req, "X-Create-Key");
  const auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) return refuse(http::status::bad_request, "the body must be a JSON object");
  for (const auto& [key, value] : body.items())
    if (key != "name") return refuse(http::status::bad_request, "unknown field \"" + key + "\"");
  const char* rule = "\"name\" must be 1 to 200 characters of text";
  if (!body.contains("name") || !body["name"].is_string()) return refuse(http::status::bad_request, rule);
  const std::string trimmed(core::trim(body["name"].get_ref<const std::string&>()));
  if (trimmed.empty() || !core::acceptable_text(trimmed, core::max_group_name_chars)) return refuse(http::status::bad_request, rule);
  r.title = trimmed;
  return r;
}

// Cuts "?..." off `rest` and returns what followed the '?' ("" when there was none).
std::string_view split_query(std::string_view& rest) {
  const auto q = rest.find('?');
  if (q == std::string_view::npos) return {};
  const std::string_view query = rest.substr(q + 1);
  rest = rest.substr(0, q);
  return query;
}

// A number in a path: 1 to 999,999,999; 0 when it is not one.
std::uint32_t parse_number(std::string_view digits) {
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string_view::npos) return 0;
  std::uint32_t n = 0;
  for (char c : digits) n = n * 10 + static_cast<std::uint32_t>(c - '0');
  return n;
}

// /api/member: a member's own data, by the member key in the X-Member-Key header. GET it; POST
// {"name", "preference", "offers", "record"} to change it; DELETE to leave the group.
Route member_resource(const HttpRequest& req) {
  Route r = of_kind(Route::Kind::member_view);
  r.key = header(req, "X-Member-Key");
  const auto method = req.method();
  if (method != http::verb::get && method != http::verb::head && method != http::verb::post && method != http::verb::delete_)
    return refuse(http::status::method_not_allowed, "GET, POST or DELETE");
  if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Member-Key header is required");
  if (req.method() == http::verb::delete_) {
    r.kind = Route::Kind::member_leave;
  } else if (req.method() == http::verb::post) {
    r.kind = Route::Kind::member_update;
    const auto body = nlohmann::json::parse(req.body(), nullptr, false);
    const char* rule =
        "the body must be {\"name\": text, \"preference\": \"none\", \"speak\", \"write\" or \"listen\", "
        "\"offers\": [any of \"notes\", \"timekeeping\", \"writing_up\", \"welcoming\"], \"record\": true or false}";
    if (body.is_discarded() || !body.is_object() || body.size() != 4 || !body.contains("name") || !body["name"].is_string() ||
        !body.contains("preference") || !body["preference"].is_string() || !body.contains("offers") ||
        !body["offers"].is_array() || body["offers"].size() > core::offer_count || !body.contains("record") ||
        !body["record"].is_boolean())
      return refuse(http::status::bad_request, rule);
    const auto preference = core::parse_preference(body["preference"].get_ref<const std::string&>());
    if (!preference) return refuse(http::status::bad_request, rule);
    for (const auto& o : body["offers"]) {
      const auto offer = o.is_string() ? core::parse_offer(o.get_ref<const std::string&>()) : std::nullopt;
      if (!offer) return refuse(http::status::bad_request, rule);
      r.offers |= static_cast<std::uint8_t>(1U << static_cast<unsigned>(*offer));
    }
    r.title = body["name"].get<std::string>();
    r.preference = *preference;
    r.record = body["record"].get<bool>();
  }
  return r;
}

// GET /api/groups/{code}?format=json|md: the group's record, for whoever holds its key (the
// X-Group-Key header, never the URL).
Route group_resource(const HttpRequest& req, std::string_view rest) {
  const std::string_view query = split_query(rest);
  const auto slash = rest.find('/');
  const std::string code = normalize_meeting_code(rest.substr(0, slash));
  if (code.empty()) return refuse(http::status::not_found, "no group has this code");
  // POST .../ideas/{id} {"status": ..., "reason": ...}: an organiser sets an idea's status.
  if (slash != std::string_view::npos) {
    const std::string_view sub = rest.substr(slash + 1);
    // POST .../settings {"retention_days": N}: how long the group keeps its ended meetings.
    if (sub == "settings" && query.empty()) {
      if (req.method() != http::verb::post) return refuse(http::status::method_not_allowed, "use POST");
      const auto body = nlohmann::json::parse(req.body(), nullptr, false);
      const std::string rule = "the body must be {\"retention_days\": a whole number from 0 (keep) to " +
                               std::to_string(core::max_retention_days) + "}";
      if (body.is_discarded() || !body.is_object() || body.size() != 1 || !body.contains("retention_days") ||
          !body["retention_days"].is_number_unsigned() || body["retention_days"].get<std::uint64_t>() > core::max_retention_days)
        return refuse(http::status::bad_request, rule);
      Route r = of_kind(Route::Kind::group_settings);
      r.code = code;
      r.retention_days = static_cast<std::uint32_t>(body["retention_days"].get<std::uint64_t>());
      r.key = header(req, "X-Group-Key");
      if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Group-Key header is required");
      return r;
    }
    // POST .../members {"name": ...}: an organiser gives a person a member link.
    // DELETE .../members/{id}: an organiser removes a member (their data is erased).
    constexpr std::string_view members = "members";
    if (sub.rfind(members, 0) == 0 && query.empty()) {
      const std::string_view rest_of = sub.substr(members.size());
      Route r = of_kind(Route::Kind::add_member);
      r.code = code;
      r.key = header(req, "X-Group-Key");
      if (rest_of.empty()) {
        if (req.method() != http::verb::post) return refuse(http::status::method_not_allowed, "use POST");
        if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Group-Key header is required");
        const auto body = nlohmann::json::parse(req.body(), nullptr, false);
        if (body.is_discarded() || !body.is_object() || body.size() != 1 || !body.contains("name") || !body["name"].is_string())
          return refuse(http::status::bad_request, "the body must be {\"name\": the member's name}");
        r.title = body["name"].get<std::string>();
      } else {
        const auto id = parse_number(rest_of.substr(1));
        if (rest_of[0] != '/' || id == 0) return refuse(http::status::not_found, "no member has this number");
        if (req.method() != http::verb::delete_) return refuse(http::status::method_not_allowed, "use DELETE");
        r.kind = Route::Kind::remove_member;
        r.member = id;
      }
      if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Group-Key header is required");
      return r;
    }
    constexpr std::string_view ideas = "ideas/";
    if (sub.rfind(ideas, 0) != 0 || !query.empty()) return refuse(http::status::not_found, "not found");
    const std::uint32_t idea = parse_number(sub.substr(ideas.size()));
    if (idea == 0) return refuse(http::status::not_found, "no idea has this number");
    if (req.method() != http::verb::post) return refuse(http::status::method_not_allowed, "use POST");
    const auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) return refuse(http::status::bad_request, "the body must be a JSON object");
    for (const auto& [key, value] : body.items())
      if (key != "status" && key != "reason") return refuse(http::status::bad_request, "unknown field \"" + key + "\"");
    if (!body.contains("status") || !body["status"].is_string() || !core::parse_idea_status(body["status"].get_ref<const std::string&>()))
      return refuse(http::status::bad_request, "\"status\" must be \"open\", \"working\", \"done\" or \"not_possible\"");
    if (body.contains("reason") && !body["reason"].is_string()) return refuse(http::status::bad_request, "\"reason\" must be a string");
    Route r = of_kind(Route::Kind::idea_status);
    r.code = code;
    r.idea = idea;
    r.idea_status = body["status"].get<std::string>();
    r.message = body.value("reason", std::string());
    r.key = header(req, "X-Group-Key");
    if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Group-Key header is required");
    return r;
  }
  if (req.method() == http::verb::delete_ && query.empty()) {
    Route r = of_kind(Route::Kind::delete_group);
    r.code = code;
    r.key = header(req, "X-Group-Key");
    if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Group-Key header is required");
    return r;
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return refuse(http::status::method_not_allowed, "GET the group's record, or DELETE the group");
  Route r = of_kind(Route::Kind::group_record);
  r.code = code;
  r.format = "json";
  if (query == "format=md") r.format = "md";
  else if (query == "format=csv") r.format = "csv";
  else if (!query.empty() && query != "format=json") return refuse(http::status::bad_request, "format is json, md or csv");
  r.key = header(req, "X-Group-Key");
  if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Group-Key header is required");
  return r;
}

// /api/meetings/{code}/qr.svg (GET), /api/meetings/{code}/minutes?format=md|json|csv (GET) and
// /api/meetings/{code} (DELETE); the facilitator key in the X-Facilitator-Key header (never in the URL).
Route meeting_resource(const HttpRequest& req, std::string_view rest, const Settings& settings, bool https) {
  const std::string_view query = split_query(rest);
  const auto slash = rest.find('/');
  const std::string code = normalize_meeting_code(rest.substr(0, slash));
  const std::string_view what = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (code.empty()) return refuse(http::status::not_found, "no meeting has this code");
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (what == "qr.svg" && get) {
    Route r = of_kind(Route::Kind::qr_code);
    r.code = code;
    r.link = public_base(header(req, "Host"), settings, https) + "/join?code=" + code;
    return r;
  }
  if (!origin_allowed(req, settings)) return refuse(http::status::forbidden, "origin not allowed");
  if (what == "minutes" && get) {
    Route r = of_kind(Route::Kind::minutes);
    r.code = code;
    r.format = "md";
    for (std::string_view rest_of_query = query; !rest_of_query.empty();) {  // name=value pairs, '&' between
      const auto amp = rest_of_query.find('&');
      const std::string_view pair = rest_of_query.substr(0, amp);
      if (pair.rfind("format=", 0) == 0) r.format = std::string(pair.substr(7));
      rest_of_query = amp == std::string_view::npos ? std::string_view() : rest_of_query.substr(amp + 1);
    }
    if (r.format != "md" && r.format != "json" && r.format != "csv" && r.format != "doc")
      return refuse(http::status::bad_request, "format is md, json, csv or doc");
    r.key = header(req, "X-Facilitator-Key");
    if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Facilitator-Key header is required");
    return r;
  }
  if (what.empty() && req.method() == http::verb::delete_) {
    Route r = of_kind(Route::Kind::delete_meeting);
    r.code = code;
    r.key = header(req, "X-Facilitator-Key");
    if (r.key.empty()) return refuse(http::status::unauthorized, "the X-Facilitator-Key header is required");
    return r;
  }
  return refuse(http::status::method_not_allowed, "GET .../minutes, GET .../qr.svg or DELETE the meeting");
}

}  // namespace

Route route_request(const HttpRequest& req, const Settings& settings, bool https) {
  if (framing_ambiguous(req))
    return refuse(http::status::bad_request, "Transfer-Encoding must end in chunked and not come with Content-Length", true);
  const auto host = req.find(http::field::host);
  if (host == req.end()) {
    if (req.version() >= 11) return refuse(http::status::bad_request, "the Host header is required", true);
  } else if (req.count(http::field::host) != 1) {
    return refuse(http::status::bad_request, "one Host header", true);
  } else if (!host_allowed(std::string_view(host->value().data(), host->value().size()), settings)) {
    return refuse(http::status::misdirected_request, "this server does not serve that host name", true);
  }

  const std::string_view target(req.target().data(), req.target().size());
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (boost::beast::websocket::is_upgrade(req)) {
    // /ws, or /ws/{code} naming the meeting (a load balancer routes by it: deploy/haproxy/); a query
    // is ignored. Whether the meeting exists is the join's answer, not the upgrade's.
    std::string_view path = target.substr(0, target.find('?'));
    std::string code;
    if (path.rfind("/ws/", 0) == 0) {
      code = normalize_meeting_code(path.substr(4));
      if (code.empty()) return refuse(http::status::not_found, "no meeting has this code", true);
      path = "/ws";
    }
    if (path != "/ws") return refuse(http::status::not_found, "WebSocket lives at /ws or /ws/{meeting code}", true);
    if (!origin_allowed(req, settings)) return refuse(http::status::forbidden, "origin not allowed", true);
    Route r = of_kind(Route::Kind::upgrade);
    r.code = std::move(code);
    return r;
  }
  if (target == "/api/meetings") {
    if (req.method() != http::verb::post) return refuse(http::status::method_not_allowed, "use POST");
    if (!origin_allowed(req, settings)) return refuse(http::status::forbidden, "origin not allowed");
    return create_meeting(req);
  }
  if (target == "/api/groups") {
    if (req.method() != http::verb::post) return refuse(http::status::method_not_allowed, "use POST");
    if (!origin_allowed(req, settings)) return refuse(http::status::forbidden, "origin not allowed");
    return create_group(req);
  }
  constexpr std::string_view groups_prefix = "/api/groups/";
  if (target.rfind(groups_prefix, 0) == 0) {
    if (!origin_allowed(req, settings)) return refuse(http::status::forbidden, "origin not allowed");
    return group_resource(req, target.substr(groups_prefix.size()));
  }
  if (target == "/api/member") {
    if (!origin_allowed(req, settings)) return refuse(http::status::forbidden, "origin not allowed");
    return member_resource(req);
  }
  // The ideas a browser's person wrote, by the follow secrets it keeps (in the body, never the URL).
  if (target == "/api/ideas/follow") {
    if (req.method() != http::verb::post) return refuse(http::status::method_not_allowed, "use POST");
    if (!origin_allowed(req, settings)) return refuse(http::status::forbidden, "origin not allowed");
    const auto body = nlohmann::json::parse(req.body(), nullptr, false);
    const char* rule = "the body must be {\"follow\": [up to 100 secrets of 32 lowercase hex characters]}";
    if (body.is_discarded() || !body.is_object() || body.size() != 1 || !body.contains("follow") || !body["follow"].is_array() ||
        body["follow"].size() > max_follow_secrets)
      return refuse(http::status::bad_request, rule);
    Route r = of_kind(Route::Kind::follow_ideas);
    for (const auto& secret : body["follow"]) {
      if (!secret.is_string()) return refuse(http::status::bad_request, rule);
      const auto& text = secret.get_ref<const std::string&>();
      if (text.size() != 32 || text.find_first_not_of("0123456789abcdef") != std::string::npos)
        return refuse(http::status::bad_request, rule);
      r.secrets.push_back(text);
    }
    return r;
  }
  constexpr std::string_view meetings_prefix = "/api/meetings/";
  if (target.rfind(meetings_prefix, 0) == 0) return meeting_resource(req, target.substr(meetings_prefix.size()), settings, https);
  if (target == "/api/server" && get) return of_kind(Route::Kind::server_info);
  if (target == "/healthz" && get) return of_kind(Route::Kind::health);
  if (target == "/metrics" && get) return of_kind(Route::Kind::metrics);
  if (target == "/__test/fault" && test_faults_enabled()) return of_kind(Route::Kind::test_fault);
  if (!get) return refuse(http::status::method_not_allowed, "method not allowed");
  Route r = of_kind(Route::Kind::static_file);
  r.path = static_path(settings.static_dir, target);
  if (r.path.empty()) return refuse(http::status::not_found, "not found");
  return r;
}

}  // namespace everyvoice::net
