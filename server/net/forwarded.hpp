// Who a request really comes from when a reverse proxy stands in front: the proxies named by
// --trusted-proxies (addresses or CIDRs) are believed about X-Forwarded-For and X-Forwarded-Proto;
// anyone else's such headers are ignored, so a client cannot pick the address its limits count.
// Pure: no sockets, no Boost (inet_pton only).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace everyvoice::net {

// An IPv4 or IPv6 address as 16 bytes (IPv4 as ::ffff:a.b.c.d, so "10.0.0.1" and "::ffff:10.0.0.1"
// are the same peer).
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool operator==(const IpAddress&) const = default;
};
// "192.0.2.1", "2001:db8::1", "[2001:db8::1]"; a zone ("fe80::1%eth0") or anything else: nullopt.
std::optional<IpAddress> parse_ip(std::string_view text);
// The address as text: dotted IPv4 for mapped addresses, RFC 5952 IPv6 otherwise.
std::string to_string(const IpAddress& address);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Each entry "address" or "address/prefix". Returns nullopt and sets `error` on a bad entry.
  static std::optional<TrustedProxies> parse(const std::vector<std::string>& entries, std::string& error);

  bool empty() const { return ranges_.empty(); }
  bool contains(const IpAddress& address) const;
  bool contains(std::string_view address) const;

  // The client's address: `peer` unless it is trusted; then, walking X-Forwarded-For (every
  // header's list, joined in order) from the right, the first address that is not a trusted proxy
  // (or the leftmost one if all are trusted). A malformed entry stops the walk at the last address
  // believed. Always a canonical address text (to_string), or `peer` as given.
  std::string client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for) const;

 private:
  struct Range {
    IpAddress base;
    unsigned prefix;  // of 128 bits (IPv4 ranges are mapped: prefix + 96)
  };
  std::vector<Range> ranges_;
};

// Whether a request came over https: only a trusted peer's "X-Forwarded-Proto: https" says so.
bool forwarded_https(bool peer_trusted, std::string_view forwarded_proto);

}  // namespace everyvoice::net
