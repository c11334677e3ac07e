// The HTTP request path: bytes from a peer through Beast's request parser, with the limits the
// server sets (16 KiB of headers, 16 KiB of body), into the router (server/net/http_router.hpp)
// under three configurations. Checks what the router promises whatever the request:
// - an answer for every request: a route kind, or a refusal with a 4xx status and a message;
// - a join link is built only from the public URL or a Host that passed the host rules, so it is
//   short enough for a QR code (the crash this replaces: a 2,300-byte Host);
// - a static path stays inside the folder and names no hidden file;
// - requests whose framing is ambiguous are refused and the connection closed;
// - what a trusted proxy's X-Forwarded-For names is always one well-formed address (net/forwarded.hpp),
//   and the static-file header rules (Accept-Encoding, If-None-Match) take any value.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "net/forwarded.hpp"
#include "net/http_router.hpp"
#include "net/static_files.hpp"

namespace {

namespace http = boost::beast::http;
using everyvoice::net::Route;
using everyvoice::net::Settings;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_http_request: %s\n", what);
  std::abort();
}

const Settings& configuration(unsigned which) {
  static const Settings plain = [] {
    Settings s;
    s.static_dir = "/srv/client-web";
    return s;
  }();
  static const Settings public_url = [] {
    Settings s = plain;
    s.public_url = "https://meet.example.org";
    s.allowed_hosts = {"intranet.local"};
    return s;
  }();
  static const Settings origins = [] {
    Settings s = plain;
    s.allowed_origins = {"https://a.example"};
    s.create_key = "secret";
    return s;
  }();
  switch (which % 3) {
    case 0: return plain;
    case 1: return public_url;
    default: return origins;
  }
}

// What the session does with a request from a trusted proxy before routing it.
bool forwarded(const everyvoice::net::HttpRequest& req) {
  static const auto proxies = [] {
    std::string error;
    return *everyvoice::net::TrustedProxies::parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8"}, error);
  }();
  std::vector<std::string_view> forwarded_for;
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it)
    forwarded_for.emplace_back(it->value().data(), it->value().size());
  const std::string client = proxies.client_address("127.0.0.1", forwarded_for);
  const auto parsed = everyvoice::net::parse_ip(client);
  if (!parsed || everyvoice::net::to_string(*parsed) != client) finding("a client address that is not one canonical address");
  (void)everyvoice::net::accepts_gzip(std::string_view(req[http::field::accept_encoding]));
  (void)everyvoice::net::etag_matches(std::string_view(req[http::field::if_none_match]), "\"0123\"");
  const auto proto = req["X-Forwarded-Proto"];
  return everyvoice::net::forwarded_https(true, std::string_view(proto.data(), proto.size()));
}

void check(const everyvoice::net::HttpRequest& req, const Settings& settings) {
  const bool https = forwarded(req);
  const Route r = everyvoice::net::route_request(req, settings, https);
  switch (r.kind) {
    case Route::Kind::refuse: {
      const auto status = static_cast<unsigned>(r.status);
      if (status < 400 || status > 499) finding("a refusal without a 4xx status");
      if (r.message.empty()) finding("a refusal without a message");
      if (status == 421 && !r.close) finding("a 421 that keeps the connection");
      break;
    }
    case Route::Kind::qr_code:
      if (r.link.size() > 400) finding("a join link too long for a QR code");
      if (!everyvoice::net::host_allowed(std::string(req[http::field::host]), settings) && !req[http::field::host].empty())
        finding("a link from a Host that is not served");
      break;
    case Route::Kind::static_file:
      if (r.path.rfind(settings.static_dir + "/", 0) != 0) finding("a static path outside the folder");
      if (r.path.find("..") != std::string::npos || r.path.find("/.") != std::string::npos)
        finding("a static path that climbs or names a hidden file");
      break;
    default:
      break;
  }
  if (req.find(http::field::transfer_encoding) != req.end() && req.find(http::field::content_length) != req.end() &&
      r.kind != Route::Kind::refuse)
    finding("Transfer-Encoding with Content-Length was routed");
}

}  // namespace

// Boost's assertions, with BOOST_ENABLE_ASSERT_HANDLER (the fuzz build sets it). Boost 1.81's HTTP
// parser asserts n >= 5 when it resumes a chunk header, but 3 or 4 bytes ("0\r\n" then more) are a
// valid place to stop; the code after the assertion asks for more, correctly. Beast fixed the
// assertion in Boost 1.86 (boostorg/beast pull request 2861); the server is built without
// assertions. Every other assertion is a finding.
namespace boost {
void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  if (std::string_view(expr) == "n >= 5" && std::string_view(file).ends_with("basic_parser.ipp")) return;
  std::fprintf(stderr, "Boost assertion failed: %s in %s (%s:%ld)\n", expr, function, file, line);
  std::abort();
}
void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file, long line) {
  std::fprintf(stderr, "Boost assertion failed: %s (%s) in %s (%s:%ld)\n", expr, msg, function, file, line);
  std::abort();
}
}  // namespace boost

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned which = data[0];
  // The rest is fed in pieces whose sizes come from the second byte, as bytes arrive from a socket.
  const std::size_t piece = size > 1 ? 1 + data[1] % 64 : 1;
  std::string_view bytes(reinterpret_cast<const char*>(data) + std::min<std::size_t>(2, size), size - std::min<std::size_t>(2, size));
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(16 * 1024);
  parser.eager(true);
  boost::beast::flat_buffer buffer;
  while (!bytes.empty() && !parser.is_done()) {
    const std::size_t n = std::min(piece, bytes.size());
    auto into = buffer.prepare(n);
    std::memcpy(into.data(), bytes.data(), n);
    buffer.commit(n);
    bytes.remove_prefix(n);
    boost::beast::error_code ec;
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_more) continue;
    if (ec) return 0;  // the session answers 400 and closes
  }
  if (!parser.is_done()) return 0;
  check(parser.get(), configuration(which));
  return 0;
}
