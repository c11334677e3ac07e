// The server alone, as a browser or a reverse proxy meets it: the web client compressed, cached by
// version and revalidated; security headers on every answer; --trusted-proxies believed and nobody
// else; the configuration file the Debian package uses.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "raw_socket.hpp"
#include "test_client.hpp"

extern char** environ;

namespace everyvoice::testing {
namespace {

struct Reply {
  std::string head, body;
  int status() const { return head.size() > 12 ? std::stoi(head.substr(9, 3)) : 0; }
  // The value of a header ("" if absent); `count` says how many times it came.
  std::string header(const std::string& name, int* count = nullptr) const {
    std::string value;
    int n = 0;
    std::istringstream in(head);
    for (std::string line; std::getline(in, line);) {
      if (line.size() > name.size() && line[name.size()] == ':' &&
          std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
        value = line.substr(name.size() + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (!value.empty() && value.back() == '\r') value.pop_back();
        ++n;
      }
    }
    if (count) *count = n;
    return value;
  }
};

// One request on its own connection, from `from` (a loopback address).
Reply request(std::uint16_t port, const std::string& method, const std::string& target, const std::string& headers = "",
              const char* from = nullptr, const std::string& body = "") {
  RawSocket s(port, 3, 0, from);
  s.write(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers +
          (body.empty() ? "" : "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n") +
          "\r\n" + body);
  Reply r;
  r.head = s.http_head();
  const auto length = r.header("Content-Length");
  if (!length.empty() && method != "HEAD") r.body = s.take(std::stoul(length));
  return r;
}

std::string gunzip(const std::string& data) {
  z_stream z{};
  inflateInit2(&z, 15 + 16);
  std::string out(4 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&z, Z_FINISH);
  out.resize(rc == Z_STREAM_END ? z.total_out : 0);
  inflateEnd(&z);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Serving, TheClientIsCompressedVersionedAndRevalidated) {
  ServerProcess server;
  const Reply page = request(server.port(), "GET", "/facilitator", "Accept-Encoding: gzip, br\r\n");
  ASSERT_EQ(page.status(), 200) << page.head;
  EXPECT_EQ(page.header("Content-Encoding"), "gzip");
  EXPECT_EQ(page.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(page.header("Cache-Control"), "no-cache") << "a page is always revalidated";
  const std::string html = gunzip(page.body);
  ASSERT_FALSE(html.empty());
  EXPECT_LT(page.body.size(), html.size() / 2) << "gzip at least halves a page";

  // The page names its script with a version; that URL may be cached for a year.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(html, m, std::regex(R"re(src="(/js/pages/facilitator\.js)\?v=([0-9a-f]{16})")re"))) << html.substr(0, 600);
  const Reply script = request(server.port(), "GET", m[1].str() + "?v=" + m[2].str(), "Accept-Encoding: gzip\r\n");
  ASSERT_EQ(script.status(), 200);
  EXPECT_EQ(script.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(gunzip(script.body), read_file(std::string(EVERYVOICE_STATIC_DIR) + "/js/pages/facilitator.js"));
  const Reply stale = request(server.port(), "GET", m[1].str() + "?v=0000000000000000");
  EXPECT_EQ(stale.header("Cache-Control"), "no-cache") << "an old version's URL is not frozen on the new file";
  EXPECT_EQ(stale.header("Content-Encoding"), "") << "no gzip unless asked for";
  EXPECT_EQ(stale.body, read_file(std::string(EVERYVOICE_STATIC_DIR) + "/js/pages/facilitator.js"));

  // Revalidation: the same ETag gives 304 and no body; so does the Last-Modified date.
  const std::string etag = script.header("ETag");
  ASSERT_FALSE(etag.empty());
  Reply again = request(server.port(), "GET", "/js/pages/facilitator.js", "Accept-Encoding: gzip\r\nIf-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status(), 304);
  EXPECT_EQ(again.header("ETag"), etag);
  again = request(server.port(), "GET", "/js/pages/facilitator.js", "If-None-Match: " + etag + "\r\n");
  EXPECT_EQ(again.status(), 200) << "the gzip ETag does not stand for the plain file";
  again = request(server.port(), "GET", "/js/pages/facilitator.js", "If-Modified-Since: " + script.header("Last-Modified") + "\r\n");
  EXPECT_EQ(again.status(), 304);
  const Reply head = request(server.port(), "HEAD", "/js/pages/facilitator.js", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(head.status(), 200);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(script.body.size()));
}

TEST(Serving, EveryAnswerCarriesTheSecurityHeaders) {
  ServerProcess server;
  const auto meeting = create_meeting(server.port());
  for (const std::string& target : std::vector<std::string>{"/", "/join", "/css/everyvoice.css", "/api/server", "/healthz", "/nope.js",
                                   "/api/meetings/" + meeting.code + "/qr.svg"}) {
    const Reply r = request(server.port(), "GET", target);
    int n = 0;
    const std::string csp = r.header("Content-Security-Policy", &n);
    EXPECT_EQ(n, 1) << target;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << target;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << target;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << target;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer") << target;
    EXPECT_EQ(r.header("Strict-Transport-Security"), "") << target << ": not over plain http";
  }
  EXPECT_NE(request(server.port(), "GET", "/").header("Content-Security-Policy").find("script-src 'self'"), std::string::npos);
}

// The policy forbids inline code, so the pages must have none: no style or on* attributes, no
// inline <script> or <style>.
TEST(Serving, ThePagesNeedNoInlineCode) {
  int pages = 0;
  for (const auto& entry : std::filesystem::directory_iterator(EVERYVOICE_STATIC_DIR)) {
    if (entry.path().extension() != ".html") continue;
    ++pages;
    const std::string html = read_file(entry.path());
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(\s(style|on[a-z]+)\s*=)", std::regex::icase))) << entry.path();
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(<script(?![^>]*\ssrc=)[^>]*>)", std::regex::icase))) << entry.path();
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(<style)", std::regex::icase))) << entry.path();
  }
  EXPECT_GE(pages, 5);
}

TEST(Serving, ForwardedHeadersAreBelievedOnlyFromTrustedProxies) {
  ServerProcess server({"--trusted-proxies=127.0.0.2", "--meeting-creates-per-minute=2"});
  auto create = [&](const char* from, const std::string& client) {
    return request(server.port(), "POST", "/api/meetings", "X-Forwarded-For: " + client + "\r\n", from, "{}").status();
  };
  // Anyone else naming another client each time is still one address: the third is refused.
  EXPECT_EQ(create("127.0.0.1", "198.51.100.1"), 201);
  EXPECT_EQ(create("127.0.0.1", "198.51.100.2"), 201);
  EXPECT_EQ(create("127.0.0.1", "198.51.100.3"), 429);
  // Through the trusted proxy each client has its own allowance, and a client cannot forge one
  // by putting addresses in front of what the proxy appended.
  EXPECT_EQ(create("127.0.0.2", "198.51.100.1"), 201);
  EXPECT_EQ(create("127.0.0.2", "198.51.100.2"), 201);
  EXPECT_EQ(create("127.0.0.2", "203.0.113.50, 198.51.100.1"), 201);
  EXPECT_EQ(create("127.0.0.2", "203.0.113.51, 198.51.100.1"), 429) << "198.51.100.1's third";
  EXPECT_EQ(create("127.0.0.2", "198.51.100.2"), 201);
  EXPECT_EQ(create("127.0.0.2", "198.51.100.2"), 429);

  // https is believed from the proxy only: links, QR codes and HSTS follow it.
  EXPECT_EQ(request(server.port(), "GET", "/healthz", "X-Forwarded-Proto: https\r\n", "127.0.0.2").header("Strict-Transport-Security"),
            "max-age=31536000");
  EXPECT_EQ(request(server.port(), "GET", "/healthz", "X-Forwarded-Proto: https\r\n", "127.0.0.1").header("Strict-Transport-Security"), "");
}

// A WebSocket upgrade through the proxy counts against the client the proxy names, and the proxy
// itself is not held to the per-address limit.
TEST(Serving, ConnectionLimitsCountTheClientBehindAProxy) {
  ServerProcess server({"--trusted-proxies=127.0.0.2", "--connections-per-ip=2"});
  auto upgrade = [&](RawSocket& s, const std::string& client) {
    s.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Forwarded-For: " + client + "\r\n\r\n");
    const std::string head = s.http_head();
    return head.size() > 12 ? std::stoi(head.substr(9, 3)) : 0;
  };
  RawSocket a1(server.port(), 3, 0, "127.0.0.2"), a2(server.port(), 3, 0, "127.0.0.2"), a3(server.port(), 3, 0, "127.0.0.2");
  RawSocket b1(server.port(), 3, 0, "127.0.0.2"), b2(server.port(), 3, 0, "127.0.0.2");
  EXPECT_EQ(upgrade(a1, "198.51.100.1"), 101);
  EXPECT_EQ(upgrade(a2, "198.51.100.1"), 101);
  EXPECT_EQ(upgrade(a3, "198.51.100.1"), 429) << "the client's third connection";
  EXPECT_EQ(upgrade(b1, "198.51.100.2"), 101) << "five connections from the proxy, two clients";
  EXPECT_EQ(upgrade(b2, "198.51.100.2"), 101);
  // Directly, the same limit holds per address as before.
  RawSocket d1(server.port()), d2(server.port());
  EXPECT_EQ(upgrade(d1, "198.51.100.9"), 101);
  EXPECT_EQ(upgrade(d2, "198.51.100.9"), 101);
  RawSocket d3(server.port());
  EXPECT_TRUE(d3.at_end()) << "127.0.0.1's third connection is closed at once, whatever it claims";
}

TEST(Serving, ServerInfoSaysWhatAClientMustKnow) {
  {
    ServerProcess server;
    const Reply r = request(server.port(), "GET", "/api/server");
    ASSERT_EQ(r.status(), 200);
    const auto info = json::parse(r.body);
    EXPECT_TRUE(info["public_url"].is_null());
    EXPECT_EQ(info["create_key_required"], false);
    EXPECT_TRUE(info["version"].is_string());
    EXPECT_EQ(info["protocol"], "1.2");
  }
  ServerProcess server({"--public-url=https://meet.example.org", "--create-key=k"});
  const auto info = json::parse(request(server.port(), "GET", "/api/server").body);
  EXPECT_EQ(info["public_url"], "https://meet.example.org");
  EXPECT_EQ(info["create_key_required"], true);
  EXPECT_EQ(info.dump().find("\"k\""), std::string::npos) << "the key itself is never told";
}

TEST(Serving, TheConfigurationFileIsReadAndABadOneStopsTheServer) {
  const auto dir = std::filesystem::temp_directory_path() / ("everyvoice-conf-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string conf = (dir / "everyvoice.conf").string();
  std::ofstream(conf) << "# as packaged\ncreate-key = from-the-file\nmeeting-creates-per-minute = 600\n";
  {
    ServerProcess server({"--config=" + conf});
    EXPECT_EQ(request(server.port(), "POST", "/api/meetings", "", nullptr, "{}").status(), 403) << "the file's create key holds";
    EXPECT_EQ(request(server.port(), "POST", "/api/meetings", "X-Create-Key: from-the-file\r\n", nullptr, "{}").status(), 201);
  }
  std::ofstream(conf) << "port = 0\nparticipants-per-meting = 10\n";
  const CommandRun bad = run_binary({"--config=" + conf, "--data-dir=" + (dir / "data").string()});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find(conf + ":2: unknown setting participants-per-meting"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "data")) << "nothing is created before the settings are sound";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace everyvoice::testing
