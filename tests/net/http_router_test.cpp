// What the server answers to an HTTP request, decided from the request and the settings alone:
// framing that a proxy could read otherwise, Host names a DNS-rebinding page could send, the
// Origin of pages that act on a meeting, paths that try to leave the client folder, and the
// bodies and headers of the API.
#include "net/http_router.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>
#include <vector>

#include "net/hosts.hpp"
#include "net/settings.hpp"

namespace everyvoice::net {
namespace {

namespace http = boost::beast::http;
using Kind = Route::Kind;

constexpr const char* static_dir = "/srv/everyvoice/client-web";

Settings defaults() {
  Settings s;
  s.static_dir = static_dir;
  return s;
}

HttpRequest request(http::verb verb, std::string_view target, std::string_view host = "localhost:8080") {
  HttpRequest req{verb, target, 11};
  if (!host.empty()) req.set(http::field::host, host);
  return req;
}

HttpRequest get(std::string_view target, std::string_view host = "localhost:8080") {
  return request(http::verb::get, target, host);
}

HttpRequest upgrade(std::string_view target = "/ws", std::string_view host = "localhost:8080") {
  HttpRequest req = get(target, host);
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  return req;
}

HttpRequest create(std::string body = "", std::string_view host = "localhost:8080") {
  HttpRequest req = request(http::verb::post, "/api/meetings", host);
  req.set(http::field::content_type, "application/json");
  req.body() = std::move(body);
  return req;
}

HttpRequest minutes(std::string_view query = "", std::string_view key = "facilitator-key") {
  HttpRequest req = get("/api/meetings/ACDEFH/minutes" + std::string(query));
  if (!key.empty()) req.set("X-Facilitator-Key", key);
  return req;
}

HttpRequest remove(std::string_view key = "facilitator-key") {
  HttpRequest req = request(http::verb::delete_, "/api/meetings/ACDEFH");
  if (!key.empty()) req.set("X-Facilitator-Key", key);
  return req;
}

::testing::AssertionResult refused(const Route& r, http::status status, bool close) {
  if (r.kind != Kind::refuse) return ::testing::AssertionFailure() << "not refused (kind " << static_cast<int>(r.kind) << ")";
  if (r.status != status) return ::testing::AssertionFailure() << "status " << static_cast<int>(r.status) << ": " << r.message;
  if (r.close != close) return ::testing::AssertionFailure() << "close is " << r.close;
  return ::testing::AssertionSuccess();
}

// --- Framing ------------------------------------------------------------------------------------

TEST(HttpRouter, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  struct Case {
    const char* what;
    std::string transfer_encoding;
    bool content_length;
  };
  const std::vector<Case> cases = {
      {"chunked with Content-Length", "chunked", true},
      {"a coding that only ends like chunked", "xchunked", false},
      {"chunked, then identity", "chunked, identity", false},
      {"identity alone", "identity", false},
      {"gzip alone", "gzip", false},
  };
  for (const auto& c : cases) {
    HttpRequest req = create(R"({"title":"Retro"})");
    req.set(http::field::transfer_encoding, c.transfer_encoding);
    if (c.content_length) req.set(http::field::content_length, "17");
    EXPECT_TRUE(refused(route_request(req, defaults()), http::status::bad_request, true)) << c.what;
  }
  HttpRequest twice = create();
  twice.insert(http::field::transfer_encoding, "chunked");
  twice.insert(http::field::transfer_encoding, "chunked");
  EXPECT_TRUE(refused(route_request(twice, defaults()), http::status::bad_request, true)) << "two Transfer-Encoding headers";
}

TEST(HttpRouter, ChunkedAloneOrLastIsServed) {
  for (const char* te : {"chunked", "Chunked", "gzip, chunked", "gzip,chunked"}) {
    HttpRequest req = create(R"({"title":"Retro"})");
    req.set(http::field::transfer_encoding, te);
    const Route r = route_request(req, defaults());
    EXPECT_EQ(r.kind, Kind::create_meeting) << te << ": " << r.message;
    EXPECT_EQ(r.title, "Retro") << te;
  }
}

TEST(HttpRouter, FramingIsCheckedBeforeTheHost) {
  HttpRequest req = create("", "evil.example");
  req.set(http::field::transfer_encoding, "chunked");
  req.set(http::field::content_length, "0");
  EXPECT_TRUE(refused(route_request(req, defaults()), http::status::bad_request, true));
}

// --- Host ---------------------------------------------------------------------------------------

TEST(HttpRouter, AddressLiteralsAndLocalhostAreAlwaysServed) {
  for (const char* host : {"127.0.0.1", "127.0.0.1:8080", "192.168.1.20:80", "0.0.0.0", "255.255.255.255:65535",
                           "[::1]", "[::1]:8080", "[2001:db8::1]:443", "[::ffff:192.0.2.1]", "localhost",
                           "localhost:8080", "LocalHost:80", "localhost."}) {
    const Route r = route_request(get("/", host), defaults());
    EXPECT_EQ(r.kind, Kind::static_file) << host << ": " << r.message;
  }
}

TEST(HttpRouter, ThePublicUrlsHostIsServedWhateverItsCase) {
  Settings s = defaults();
  s.public_url = "https://Meet.Example.org:8443";
  for (const char* host : {"meet.example.org", "MEET.EXAMPLE.ORG:8443", "Meet.Example.org:443"})
    EXPECT_EQ(route_request(get("/", host), s).kind, Kind::static_file) << host;
  for (const char* host : {"example.org", "meet.example.org.evil.example", "evil.meet.example.org"})
    EXPECT_TRUE(refused(route_request(get("/", host), s), http::status::misdirected_request, true)) << host;
}

TEST(HttpRouter, AllowedHostsAreServedWhateverTheirCase) {
  Settings s = defaults();
  s.allowed_hosts = {"everyvoice.lan", "meet.internal"};
  for (const char* host : {"everyvoice.lan", "EveryVoice.LAN:8080", "meet.internal:80"})
    EXPECT_EQ(route_request(get("/", host), s).kind, Kind::static_file) << host;
  EXPECT_TRUE(refused(route_request(get("/", "everyvoice.lan.evil.example"), s), http::status::misdirected_request, true));
}

TEST(HttpRouter, AnyOtherHostGets421AndTheConnectionClosed) {
  const std::vector<std::string> hosts = {
      "evil.example", "evil.example:8080", "example.org", "localhost.evil.example", "127.0.0.1.nip.io",
      "1.2.3.4.5", "256.1.1.1", "1.2.3", "01234.1.1.1",
  };
  for (const auto& host : hosts) {
    EXPECT_TRUE(refused(route_request(get("/", host), defaults()), http::status::misdirected_request, true)) << host;
    EXPECT_TRUE(refused(route_request(upgrade("/ws", host), defaults()), http::status::misdirected_request, true)) << host;
    EXPECT_TRUE(refused(route_request(create("", host), defaults()), http::status::misdirected_request, true)) << host;
  }
}

TEST(HttpRouter, AHostWithBadCharactersOrAboveTheDnsLimitGets421) {
  Settings s = defaults();
  const std::string long_name(256, 'a');
  const std::string longest_name(255, 'b');
  s.allowed_hosts = {"local_host", long_name, longest_name};
  const std::vector<std::string> hosts = {
      "local_host", "localhost/evil", "localhost:80x", "localhost:", "localhost:1234567", "localhost:8080:80",
      "user@localhost", "localhost\\evil", "[::1", "[::1]x", "[::1]:", "[fe80::1%eth0]", "[::g]", ":8080",
      long_name, long_name + ":80", "[" + std::string(254, ':') + "]", std::string(16000, 'x'),
  };
  for (const auto& host : hosts)
    EXPECT_TRUE(refused(route_request(get("/", host), s), http::status::misdirected_request, true)) << host.substr(0, 40);
  EXPECT_EQ(route_request(get("/", longest_name), s).kind, Kind::static_file) << "255 bytes is the limit";
  EXPECT_EQ(route_request(get("/", "[" + std::string(253, ':') + "]"), s).kind, Kind::static_file);
}

TEST(HttpRouter, AMissingHostIsRefusedInHttp11AndAllowedInHttp10) {
  EXPECT_TRUE(refused(route_request(get("/", ""), defaults()), http::status::bad_request, true));
  HttpRequest old = get("/", "");
  old.version(10);
  EXPECT_EQ(route_request(old, defaults()).kind, Kind::static_file);
}

TEST(HttpRouter, TwoHostHeadersAreRefused) {
  HttpRequest req = get("/", "localhost");
  req.insert(http::field::host, "localhost");
  EXPECT_TRUE(refused(route_request(req, defaults()), http::status::bad_request, true));
  HttpRequest mixed = get("/", "localhost");
  mixed.insert(http::field::host, "evil.example");
  EXPECT_TRUE(refused(route_request(mixed, defaults()), http::status::bad_request, true));
}

// --- Links --------------------------------------------------------------------------------------

TEST(HttpRouter, TheQrCodeLinksToThePublicUrlWhenItIsSet) {
  Settings s = defaults();
  s.public_url = "https://meet.example.org";
  const Route r = route_request(get("/api/meetings/acd-efh/qr.svg", "127.0.0.1:8080"), s);
  ASSERT_EQ(r.kind, Kind::qr_code) << r.message;
  EXPECT_EQ(r.code, "ACDEFH");
  EXPECT_EQ(r.link, "https://meet.example.org/join?code=ACDEFH");
}

TEST(HttpRouter, WithoutAPublicUrlTheQrCodeLinksToTheCheckedHost) {
  Route r = route_request(get("/api/meetings/ACDEFH/qr.svg", "192.168.1.20:8080"), defaults());
  ASSERT_EQ(r.kind, Kind::qr_code) << r.message;
  EXPECT_EQ(r.link, "http://192.168.1.20:8080/join?code=ACDEFH");
  r = route_request(get("/api/meetings/ACDEFH/qr.svg", "[::1]:8080"), defaults());
  EXPECT_EQ(r.link, "http://[::1]:8080/join?code=ACDEFH");
  HttpRequest old = get("/api/meetings/ACDEFH/qr.svg", "");
  old.version(10);
  r = route_request(old, defaults());
  ASSERT_EQ(r.kind, Kind::qr_code) << r.message;
  EXPECT_EQ(r.link, "http://localhost/join?code=ACDEFH");
}

TEST(HttpRouter, AQrCodeLinkStaysShortWhateverTheRequest) {
  const std::vector<std::string> hosts = {
      "localhost", std::string(255, 'a'), std::string(256, 'a'), std::string(16000, 'a'),
      "[" + std::string(253, ':') + "]", "[" + std::string(254, ':') + "]", "[" + std::string(16000, '1') + "]",
      "127.0.0.1:" + std::string(100, '9'),
  };
  const std::vector<std::string> targets = {
      "/api/meetings/ACDEFH/qr.svg",
      "/api/meetings/" + std::string(10000, '-') + "ACDEFH/qr.svg",
      "/api/meetings/A C D E F H/qr.svg?" + std::string(10000, 'q'),
  };
  for (bool allow_everything : {false, true}) {
    Settings s = defaults();
    if (allow_everything) s.allowed_hosts = hosts;
    std::size_t served = 0;
    for (const auto& host : hosts) {
      for (const auto& target : targets) {
        const Route r = route_request(get(target, host), s);
        if (r.kind == Kind::refuse) continue;
        ++served;
        ASSERT_EQ(r.kind, Kind::qr_code);
        EXPECT_LE(r.link.size(), 300u) << host.substr(0, 40);
      }
    }
    EXPECT_GE(served, 2 * targets.size()) << "localhost and the longest IPv6 literal are served";
  }
}

// --- Origin -------------------------------------------------------------------------------------

TEST(HttpRouter, AForeignOriginCannotActOnTheServer) {
  for (const char* origin : {"https://evil.example", "http://localhost:9999", "null", "http://localhost:8080.evil.example"}) {
    HttpRequest ws = upgrade();
    ws.set(http::field::origin, origin);
    EXPECT_TRUE(refused(route_request(ws, defaults()), http::status::forbidden, true)) << origin;
    HttpRequest post = create();
    post.set(http::field::origin, origin);
    EXPECT_TRUE(refused(route_request(post, defaults()), http::status::forbidden, false)) << origin;
    HttpRequest get_minutes = minutes();
    get_minutes.set(http::field::origin, origin);
    EXPECT_TRUE(refused(route_request(get_minutes, defaults()), http::status::forbidden, false)) << origin;
    HttpRequest del = remove();
    del.set(http::field::origin, origin);
    EXPECT_TRUE(refused(route_request(del, defaults()), http::status::forbidden, false)) << origin;
  }
}

TEST(HttpRouter, RequestsWithoutAnOriginOrFromTheServersOwnPagesAct) {
  for (const char* origin : {"", "http://localhost:8080", "https://localhost:8080"}) {
    const auto with_origin = [&](HttpRequest req) {
      if (*origin) req.set(http::field::origin, origin);
      return route_request(req, defaults());
    };
    EXPECT_EQ(with_origin(upgrade()).kind, Kind::upgrade) << origin;
    EXPECT_EQ(with_origin(create()).kind, Kind::create_meeting) << origin;
    EXPECT_EQ(with_origin(minutes()).kind, Kind::minutes) << origin;
    EXPECT_EQ(with_origin(remove()).kind, Kind::delete_meeting) << origin;
  }
}

TEST(HttpRouter, ThePublicUrlCountsAsTheServersOwnOrigin) {
  Settings s = defaults();
  s.public_url = "https://meet.example.org";
  // Behind a proxy that passes on the address it connects to.
  HttpRequest ws = upgrade("/ws", "127.0.0.1:8080");
  ws.set(http::field::origin, "https://meet.example.org");
  EXPECT_EQ(route_request(ws, s).kind, Kind::upgrade);
  HttpRequest post = create("", "127.0.0.1:8080");
  post.set(http::field::origin, "https://meet.example.org");
  EXPECT_EQ(route_request(post, s).kind, Kind::create_meeting);
  ws.set(http::field::origin, "http://meet.example.org");
  EXPECT_TRUE(refused(route_request(ws, s), http::status::forbidden, true)) << "another scheme is another origin";
}

TEST(HttpRouter, AllowedOriginsReplaceTheServersOwn) {
  Settings s = defaults();
  s.allowed_origins = {"https://app.example"};
  HttpRequest ws = upgrade();
  ws.set(http::field::origin, "https://app.example");
  EXPECT_EQ(route_request(ws, s).kind, Kind::upgrade);
  ws.set(http::field::origin, "http://localhost:8080");
  EXPECT_TRUE(refused(route_request(ws, s), http::status::forbidden, true));
}

// --- Paths --------------------------------------------------------------------------------------

TEST(HttpRouter, PagesAreServedFromTheClientFolder) {
  const auto path_of = [](std::string_view target) {
    const Route r = route_request(get(target), defaults());
    EXPECT_EQ(r.kind, Kind::static_file) << target << ": " << r.message;
    return r.path;
  };
  const std::string dir = static_dir;
  EXPECT_EQ(path_of("/"), dir + "/index.html");
  EXPECT_EQ(path_of("/join"), dir + "/join.html");
  EXPECT_EQ(path_of("/join?code=ACDEFH"), dir + "/join.html");
  EXPECT_EQ(path_of("/app.js"), dir + "/app.js");
  EXPECT_EQ(path_of("/css/style.css#top"), dir + "/css/style.css");
}

TEST(HttpRouter, PathsThatCouldLeaveTheClientFolderOrNameHiddenFilesAre404) {
  for (const char* target : {"/../etc/passwd", "/css/../../etc/passwd", "/..", "/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd",
                             "/%2e./x", "/css%2f..%2f..%2fetc", "/css\\..\\..\\etc\\passwd", "/.env", "/.git/config",
                             "/css/.hidden.css", "/./index.html", "index.html", "//etc/passwd/..",
                             "/css/", "/api/meepings/eting/" /* found by the HTTP fuzzer: would name "/.html" */}) {
    const Route r = route_request(get(target), defaults());
    EXPECT_TRUE(refused(r, http::status::not_found, false)) << target << " -> " << r.path;
  }
}

TEST(HttpRouter, OnlyGetAndHeadReadPages) {
  EXPECT_EQ(route_request(request(http::verb::head, "/"), defaults()).kind, Kind::static_file);
  EXPECT_TRUE(refused(route_request(request(http::verb::post, "/"), defaults()), http::status::method_not_allowed, false));
  EXPECT_TRUE(refused(route_request(request(http::verb::put, "/app.js"), defaults()), http::status::method_not_allowed, false));
}

// --- Creating a meeting -------------------------------------------------------------------------

TEST(HttpRouter, CreatingAMeetingTakesAnOptionalTitle) {
  Route r = route_request(create(), defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.title, "Meeting");
  EXPECT_EQ(r.key, "");
  r = route_request(create(R"({"title":"  Weekly retro  "})"), defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.title, "Weekly retro");
  r = route_request(create(R"({})"), defaults());
  EXPECT_EQ(r.title, "Meeting");
  std::string longest;
  for (int i = 0; i < 120; ++i) longest += "é";
  r = route_request(create(R"({"title":")" + longest + R"("})"), defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << "120 characters (240 bytes): " << r.message;
  EXPECT_EQ(r.title, longest);
}

TEST(HttpRouter, CreatingAMeetingTakesTheCreatorsTimeZone) {
  Route r = route_request(create(R"({"title":"Retro","time_zone":"America/Argentina/Buenos_Aires","utc_offset_minutes":-180})"),
                          defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.time_zone, "America/Argentina/Buenos_Aires");
  EXPECT_EQ(r.utc_offset_minutes, -180);
  for (const std::string zone : {"UTC", "Etc/GMT+3", "Europe/London", "America/Port-au-Prince"}) {
    r = route_request(create(R"({"time_zone":")" + zone + R"(","utc_offset_minutes":0})"), defaults());
    EXPECT_EQ(r.kind, Kind::create_meeting) << zone << ": " << r.message;
  }
  r = route_request(create(R"({"utc_offset_minutes":840})"), defaults());  // an offset alone: Kiribati
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.time_zone, "");
  EXPECT_EQ(r.utc_offset_minutes, 840);
  r = route_request(create(R"({"title":"Retro"})"), defaults());
  EXPECT_FALSE(r.utc_offset_minutes.has_value());
}

// The minutes' language: one the server writes minutes in, or refused naming the choices.
TEST(HttpRouter, CreatingAMeetingTakesTheMinutesLanguage) {
  Route r = route_request(create(R"({"title":"Asamblea","language":"es"})"), defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.language, "es");
  r = route_request(create(R"({"title":"Retro"})"), defaults());
  EXPECT_EQ(r.language, "");  // English, the default
  for (const std::string body : {R"({"language":"fr"})", R"({"language":"ES"})", R"({"language":""})", R"({"language":1})",
                                 R"({"language":null})", R"({"language":"es-ES"})"}) {
    r = route_request(create(body), defaults());
    EXPECT_TRUE(refused(r, http::status::bad_request, false)) << body;
    EXPECT_NE(r.message.find("\"language\" must be one of \"en\" or \"es\""), std::string::npos) << body << ": " << r.message;
  }
}

// "started": false creates a meeting to prepare first; anything but a boolean is refused.
TEST(HttpRouter, CreatingAMeetingToPrepareFirst) {
  EXPECT_TRUE(route_request(create(R"({"title":"Retro"})"), defaults()).started);
  Route r = route_request(create(R"({"title":"Retro","started":false})"), defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_FALSE(r.started);
  for (const std::string body : {R"({"started":"false"})", R"({"started":0})", R"({"started":null})"}) {
    r = route_request(create(body), defaults());
    EXPECT_TRUE(refused(r, http::status::bad_request, false)) << body;
    EXPECT_NE(r.message.find("\"started\" must be true or false"), std::string::npos) << body << ": " << r.message;
  }
}

// agenda_from: exactly a code and a facilitator key, as strings; the code as typed is fine.
TEST(HttpRouter, CreatingAMeetingFromAnEarlierAgenda) {
  Route r = route_request(create(R"({"agenda_from":{"code":"k7mq-4t","facilitator_key":"0123abcd"}})"), defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.agenda_from_code, "K7MQ4T");
  EXPECT_EQ(r.agenda_from_key, "0123abcd");
  for (const std::string& body : std::vector<std::string>{R"({"agenda_from":"K7MQ4T"})", R"({"agenda_from":{"code":"K7MQ4T"}})",
                                 R"({"agenda_from":{"code":"K7MQ4T","facilitator_key":5}})",
                                 R"({"agenda_from":{"code":"","facilitator_key":"k"}})",
                                 R"({"agenda_from":{"code":"K7MQ4T","facilitator_key":""}})",
                                 R"({"agenda_from":{"code":"K7MQ4T","facilitator_key":"k","x":1}})",
                                 R"({"agenda_from":{"code":"K7MQ4T","facilitator_key":")" + std::string(201, 'a') + R"("}})"}) {
    r = route_request(create(body), defaults());
    EXPECT_TRUE(refused(r, http::status::bad_request, false)) << body.substr(0, 80);
    EXPECT_NE(r.message.find("\"agenda_from\" must be"), std::string::npos) << body.substr(0, 80) << ": " << r.message;
  }
}

// group: exactly a code and a group key, as strings; the code as typed is fine.
TEST(HttpRouter, CreatingAMeetingInAGroup) {
  Route r = route_request(create(R"({"title":"April","group":{"code":"r4tq 9n","group_key":"5f0c"}})"), defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.group_code, "R4TQ9N");
  EXPECT_EQ(r.group_key, "5f0c");
  for (const std::string& body : std::vector<std::string>{R"({"group":"R4TQ9N"})", R"({"group":{"code":"R4TQ9N"}})",
                                 R"({"group":{"code":"R4TQ9N","group_key":5}})", R"({"group":{"code":"!!","group_key":"k"}})",
                                 R"({"group":{"code":"R4TQ9N","facilitator_key":"k"}})",
                                 R"({"group":{"code":"R4TQ9N","group_key":")" + std::string(201, 'a') + R"("}})"}) {
    r = route_request(create(body), defaults());
    EXPECT_TRUE(refused(r, http::status::bad_request, false)) << body.substr(0, 80);
    EXPECT_NE(r.message.find("\"group\" must be"), std::string::npos) << body.substr(0, 80) << ": " << r.message;
  }
}

// POST /api/groups: a name, nothing else; GET /api/groups/{code}: the key in a header, never the URL.
TEST(HttpRouter, GroupsAreCreatedWithANameAndReadWithTheirKeyInAHeader) {
  HttpRequest req = request(http::verb::post, "/api/groups");
  req.body() = R"({"name":"  Tenants' panel "})";
  Route r = route_request(req, defaults());
  ASSERT_EQ(r.kind, Kind::create_group) << r.message;
  EXPECT_EQ(r.title, "Tenants' panel");
  for (const std::string body : {"", "[]", R"({})", R"({"name":""})", R"({"name":7})", R"({"name":"x","title":"y"})",
                                 "{\"name\":\"a\u0007b\"}"}) {
    req.body() = body;
    EXPECT_TRUE(refused(route_request(req, defaults()), http::status::bad_request, false)) << body;
  }
  EXPECT_TRUE(refused(route_request(get("/api/groups"), defaults()), http::status::method_not_allowed, false));
  req = get("/api/groups/r4tq9n?format=md");
  req.set("X-Group-Key", "k");
  r = route_request(req, defaults());
  ASSERT_EQ(r.kind, Kind::group_record) << r.message;
  EXPECT_EQ(r.code, "R4TQ9N");
  EXPECT_EQ(r.format, "md");
  EXPECT_EQ(r.key, "k");
  EXPECT_TRUE(refused(route_request(get("/api/groups/R4TQ9N"), defaults()), http::status::unauthorized, false));
  req = get("/api/groups/R4TQ9N?format=csv");  // the participation record
  req.set("X-Group-Key", "k");
  r = route_request(req, defaults());
  ASSERT_EQ(r.kind, Kind::group_record) << r.message;
  EXPECT_EQ(r.format, "csv");
  req = get("/api/groups/R4TQ9N?format=xlsx");
  req.set("X-Group-Key", "k");
  EXPECT_TRUE(refused(route_request(req, defaults()), http::status::bad_request, false));
  req = request(http::verb::delete_, "/api/groups/R4TQ9N");
  req.set("X-Group-Key", "k");
  r = route_request(req, defaults());
  ASSERT_EQ(r.kind, Kind::delete_group) << r.message;
  EXPECT_EQ(r.key, "k");
  req.erase("X-Group-Key");
  EXPECT_TRUE(refused(route_request(req, defaults()), http::status::unauthorized, false));
  req = request(http::verb::put, "/api/groups/R4TQ9N");
  req.set("X-Group-Key", "k");
  EXPECT_TRUE(refused(route_request(req, defaults()), http::status::method_not_allowed, false));
  req = get("/api/groups/R4TQ9N");
  req.set("X-Group-Key", "k");
  req.set(http::field::origin, "https://evil.example");
  EXPECT_TRUE(refused(route_request(req, defaults()), http::status::forbidden, false));
}

// Members: organisers add and remove them with the group key; a member reads, changes and erases
// their own data with their member key, always in a header.
TEST(HttpRouter, MembersAreAddedByOrganisersAndKeepTheirOwnDataByTheirMemberKey) {
  HttpRequest add = request(http::verb::post, "/api/groups/R4TQ9N/members");
  add.set("X-Group-Key", "k");
  add.body() = R"({"name":"Rosa"})";
  Route r = route_request(add, defaults());
  ASSERT_EQ(r.kind, Kind::add_member) << r.message;
  EXPECT_EQ(r.code, "R4TQ9N");
  EXPECT_EQ(r.title, "Rosa");
  for (const std::string body : {R"({})", R"({"name":3})", R"({"name":"Rosa","x":1})", R"([])"}) {
    add.body() = body;
    EXPECT_TRUE(refused(route_request(add, defaults()), http::status::bad_request, false)) << body;
  }
  add.body() = R"({"name":"Rosa"})";
  add.erase("X-Group-Key");
  EXPECT_TRUE(refused(route_request(add, defaults()), http::status::unauthorized, false));

  HttpRequest remove = request(http::verb::delete_, "/api/groups/R4TQ9N/members/7");
  remove.set("X-Group-Key", "k");
  r = route_request(remove, defaults());
  ASSERT_EQ(r.kind, Kind::remove_member) << r.message;
  EXPECT_EQ(r.member, 7u);
  for (const char* target : {"/api/groups/R4TQ9N/members/0", "/api/groups/R4TQ9N/members/x", "/api/groups/R4TQ9N/membersx"}) {
    HttpRequest other = request(http::verb::delete_, target);
    other.set("X-Group-Key", "k");
    EXPECT_TRUE(refused(route_request(other, defaults()), http::status::not_found, false)) << target;
  }

  HttpRequest view = get("/api/member");
  EXPECT_TRUE(refused(route_request(view, defaults()), http::status::unauthorized, false)) << "the key is required";
  view.set("X-Member-Key", "R4TQ9N.secret");
  r = route_request(view, defaults());
  ASSERT_EQ(r.kind, Kind::member_view) << r.message;
  EXPECT_EQ(r.key, "R4TQ9N.secret");

  HttpRequest change = request(http::verb::post, "/api/member");
  change.set("X-Member-Key", "R4TQ9N.secret");
  change.body() = R"({"name":"Rosa M","preference":"write","offers":["notes","welcoming"],"record":true})";
  r = route_request(change, defaults());
  ASSERT_EQ(r.kind, Kind::member_update) << r.message;
  EXPECT_EQ(r.title, "Rosa M");
  EXPECT_EQ(r.preference, core::Preference::write);
  EXPECT_EQ(r.offers, 0b1001);
  EXPECT_TRUE(r.record);
  for (const std::string body :
       {R"({"name":"R","preference":"shout","offers":[],"record":true})", R"({"name":"R","preference":"write","offers":["cake"],"record":true})",
        R"({"name":"R","preference":"write","offers":[],"record":"yes"})", R"({"name":"R","preference":"write","offers":[]})",
        R"({"name":"R","preference":"write","offers":[1],"record":false})"}) {
    change.body() = body;
    EXPECT_TRUE(refused(route_request(change, defaults()), http::status::bad_request, false)) << body;
  }
  change.erase("X-Member-Key");
  change.body() = "not json";
  EXPECT_TRUE(refused(route_request(change, defaults()), http::status::unauthorized, false)) << "the key is checked first";
  HttpRequest leave = request(http::verb::delete_, "/api/member");
  leave.set("X-Member-Key", "R4TQ9N.secret");
  EXPECT_EQ(route_request(leave, defaults()).kind, Kind::member_leave);
  EXPECT_TRUE(refused(route_request(request(http::verb::put, "/api/member"), defaults()), http::status::method_not_allowed, false));
}

// An idea's status: POST with the key in a header; following: secrets in the body only.
TEST(HttpRouter, IdeasAreSetByOrganisersAndFollowedBySecretsInTheBody) {
  HttpRequest req = request(http::verb::post, "/api/groups/R4TQ9N/ideas/12");
  req.set("X-Group-Key", "k");
  req.body() = R"({"status":"not_possible","reason":"No budget left"})";
  Route r = route_request(req, defaults());
  ASSERT_EQ(r.kind, Kind::idea_status) << r.message;
  EXPECT_EQ(r.idea, 12u);
  EXPECT_EQ(r.idea_status, "not_possible");
  EXPECT_EQ(r.message, "No budget left");
  for (const std::string body : {R"({"status":"finished"})", R"({})", R"({"status":"done","x":1})", R"({"status":"done","reason":3})"}) {
    req.body() = body;
    EXPECT_TRUE(refused(route_request(req, defaults()), http::status::bad_request, false)) << body;
  }
  for (const char* target : {"/api/groups/R4TQ9N/ideas/0", "/api/groups/R4TQ9N/ideas/x", "/api/groups/R4TQ9N/ideas/",
                             "/api/groups/R4TQ9N/people/1", "/api/groups/R4TQ9N/ideas/1234567890"}) {
    HttpRequest other = request(http::verb::post, target);
    other.set("X-Group-Key", "k");
    other.body() = R"({"status":"done"})";
    EXPECT_TRUE(refused(route_request(other, defaults()), http::status::not_found, false)) << target;
  }
  req.body() = R"({"status":"done"})";
  req.erase("X-Group-Key");
  EXPECT_TRUE(refused(route_request(req, defaults()), http::status::unauthorized, false));

  HttpRequest f = request(http::verb::post, "/api/ideas/follow");
  f.body() = R"({"follow":["0123456789abcdef0123456789abcdef","fedcba9876543210fedcba9876543210"]})";
  r = route_request(f, defaults());
  ASSERT_EQ(r.kind, Kind::follow_ideas) << r.message;
  EXPECT_EQ(r.secrets.size(), 2u);
  for (const std::string body : {R"({"follow":["0123456789ABCDEF0123456789ABCDEF"]})", R"({"follow":[1]})", R"({"follow":{}})",
                                 R"([])", R"({"follow":[],"x":1})"}) {
    f.body() = body;
    EXPECT_TRUE(refused(route_request(f, defaults()), http::status::bad_request, false)) << body;
  }
}

TEST(HttpRouter, ABadTimeZoneIs400WithItsRule) {
  const std::vector<std::string> bodies = {
      R"({"time_zone":"Europe/London"})",  // a name without its offset
      R"({"utc_offset_minutes":841})", R"({"utc_offset_minutes":-721})", R"({"utc_offset_minutes":60.5})",
      R"({"utc_offset_minutes":"60"})", R"({"utc_offset_minutes":null})", R"({"utc_offset_minutes":1e300})",
      R"({"time_zone":"","utc_offset_minutes":0})", R"({"time_zone":"../../etc/passwd","utc_offset_minutes":0})",
      R"({"time_zone":"Europe//London","utc_offset_minutes":0})", R"({"time_zone":"Europe/","utc_offset_minutes":0})",
      R"({"time_zone":"/Europe","utc_offset_minutes":0})", R"({"time_zone":"Europe/Lon don","utc_offset_minutes":0})",
      R"({"time_zone":"<script>","utc_offset_minutes":0})", R"({"time_zone":5,"utc_offset_minutes":0})",
      R"({"time_zone":")" + std::string(65, 'A') + R"(","utc_offset_minutes":0})",
  };
  for (const auto& body : bodies) {
    const Route r = route_request(create(body), defaults());
    EXPECT_TRUE(refused(r, http::status::bad_request, false)) << body.substr(0, 60);
    EXPECT_NE(r.message.find(body.find("time_zone") != std::string::npos ? "time_zone" : "utc_offset_minutes"), std::string::npos)
        << body.substr(0, 60) << ": " << r.message;
  }
}

TEST(HttpRouter, ACreateRequestWithABadBodyIs400) {
  const std::vector<std::string> bodies = {
      "[]", R"("Retro")", "42", "null", "not json", R"({"title":"Retro")",
      R"({"title":"Retro","agenda":[]})", R"({"name":"Retro"})",
      R"({"title":5})", R"({"title":null})", R"({"title":["Retro"]})",
      R"({"title":""})", R"({"title":"   "})", R"({"title":")" + std::string(121, 'x') + R"("})",
      R"({"title":"bell\u0007"})", R"({"title":"\ud800"})",
  };
  for (const auto& body : bodies)
    EXPECT_TRUE(refused(route_request(create(body), defaults()), http::status::bad_request, false)) << body.substr(0, 60);
}

TEST(HttpRouter, TheCreateKeyIsPassedOnFromItsHeader) {
  HttpRequest req = create(R"({"title":"Retro"})");
  req.set("X-Create-Key", "s3cret key");
  const Route r = route_request(req, defaults());
  ASSERT_EQ(r.kind, Kind::create_meeting) << r.message;
  EXPECT_EQ(r.key, "s3cret key");
  EXPECT_TRUE(refused(route_request(get("/api/meetings"), defaults()), http::status::method_not_allowed, false));
}

// --- Minutes and deletion -----------------------------------------------------------------------

TEST(HttpRouter, MinutesComeAsMarkdownJsonOrCsvToAFacilitator) {
  Route r = route_request(minutes(), defaults());
  ASSERT_EQ(r.kind, Kind::minutes) << r.message;
  EXPECT_EQ(r.code, "ACDEFH");
  EXPECT_EQ(r.format, "md");
  EXPECT_EQ(r.key, "facilitator-key");
  for (const char* format : {"md", "json", "csv"}) {
    r = route_request(minutes(std::string("?format=") + format), defaults());
    ASSERT_EQ(r.kind, Kind::minutes) << format << ": " << r.message;
    EXPECT_EQ(r.format, format);
  }
  for (const char* query : {"?x=1&format=csv", "?format=csv&x=1", "?lang=en&format=csv&"}) {
    r = route_request(minutes(query), defaults());
    ASSERT_EQ(r.kind, Kind::minutes) << query << ": " << r.message;
    EXPECT_EQ(r.format, "csv") << "format is read wherever it stands in the query: " << query;
  }
  for (const char* query : {"?format=pdf", "?format=", "?format=MD", "?format=md%00"})
    EXPECT_TRUE(refused(route_request(minutes(query), defaults()), http::status::bad_request, false)) << query;
}

TEST(HttpRouter, MinutesAndDeletionNeedTheFacilitatorKey) {
  EXPECT_TRUE(refused(route_request(minutes("", ""), defaults()), http::status::unauthorized, false));
  EXPECT_TRUE(refused(route_request(minutes("?format=csv", ""), defaults()), http::status::unauthorized, false));
  EXPECT_TRUE(refused(route_request(remove(""), defaults()), http::status::unauthorized, false));
  const Route r = route_request(remove(), defaults());
  ASSERT_EQ(r.kind, Kind::delete_meeting) << r.message;
  EXPECT_EQ(r.code, "ACDEFH");
  EXPECT_EQ(r.key, "facilitator-key");
  // The key is never read from the URL.
  EXPECT_TRUE(refused(route_request(get("/api/meetings/ACDEFH/minutes?key=facilitator-key"), defaults()),
                      http::status::unauthorized, false));
}

TEST(HttpRouter, AnUnknownMeetingCodeIs404) {
  for (const char* target : {"/api/meetings/ABC/minutes", "/api/meetings/ACDEFHJ/qr.svg", "/api/meetings/OOOOOO",
                             "/api/meetings//minutes", "/api/meetings/"}) {
    HttpRequest req = get(target);
    req.set("X-Facilitator-Key", "k");
    EXPECT_TRUE(refused(route_request(req, defaults()), http::status::not_found, false)) << target;
  }
}

// --- WebSocket ----------------------------------------------------------------------------------

TEST(HttpRouter, WebSocketsAreUpgradedOnlyAtSlashWsOrSlashWsSlashCode) {
  EXPECT_EQ(route_request(upgrade("/ws"), defaults()).kind, Kind::upgrade);
  EXPECT_EQ(route_request(upgrade("/ws"), defaults()).code, "") << "/ws: any meeting";
  EXPECT_EQ(route_request(upgrade("/ws?code=ACDEFH"), defaults()).kind, Kind::upgrade);
  EXPECT_EQ(route_request(upgrade("/ws?code=ACDEFH"), defaults()).code, "") << "the query is ignored";
  // /ws/{code}: the code as typed (case, dashes), the one meeting this connection may join.
  for (const char* target : {"/ws/ACDEFH", "/ws/acd-efh", "/ws/ACDEFH?x=1"}) {
    const Route r = route_request(upgrade(target), defaults());
    EXPECT_EQ(r.kind, Kind::upgrade) << target;
    EXPECT_EQ(r.code, "ACDEFH") << target;
  }
  for (const char* target : {"/", "/chat", "/wsx", "/ws/", "/api/meetings", "/WS", "/ws/ACDEFH/x", "/ws/ABCDEF",
                             "/ws/ACDEFHJ", "/ws/%41CDEFH"})
    EXPECT_TRUE(refused(route_request(upgrade(target), defaults()), http::status::not_found, true)) << target;
}

// --- Host names directly ------------------------------------------------------------------------

TEST(Hosts, TheHostNameIsTheHeaderWithoutItsPort) {
  EXPECT_EQ(host_name("example.org:8443"), "example.org");
  EXPECT_EQ(host_name("example.org"), "example.org");
  EXPECT_EQ(host_name("[::1]:80"), "[::1]");
  EXPECT_EQ(host_name("[::1]"), "[::1]");
  EXPECT_EQ(host_name(""), "");
  EXPECT_EQ(host_name(std::string(256, 'a')), "");
  EXPECT_EQ(host_name("exa mple.org"), "");
}

TEST(Hosts, LinksUseThePublicUrlOrElseTheCheckedHost) {
  Settings s = defaults();
  EXPECT_EQ(public_base("192.168.1.20:8080", s), "http://192.168.1.20:8080");
  EXPECT_EQ(public_base("", s), "http://localhost");
  EXPECT_EQ(public_base("evil.example/path?", s), "http://localhost") << "a value that is not host[:port] is never used";
  s.public_url = "https://meet.example.org";
  EXPECT_EQ(public_base("192.168.1.20:8080", s), "https://meet.example.org");
}

}  // namespace
}  // namespace everyvoice::net
