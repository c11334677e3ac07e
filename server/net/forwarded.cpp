#include "net/forwarded.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "net/hosts.hpp"

namespace everyvoice::net {
namespace {

bool is_v4_mapped(const IpAddress& a) {
  for (int i = 0; i < 10; ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes[10] == 0xff && a.bytes[11] == 0xff;
}

bool same_prefix(const IpAddress& a, const IpAddress& b, unsigned prefix) {
  const unsigned whole = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), whole) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  text = trim_ows(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buffer[46];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  IpAddress out;
  in_addr v4{};
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    out.bytes[10] = out.bytes[11] = 0xff;
    std::memcpy(out.bytes.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, buffer, &v6) == 1) {
    std::memcpy(out.bytes.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::string to_string(const IpAddress& address) {
  char buffer[INET6_ADDRSTRLEN];
  if (is_v4_mapped(address)) {
    in_addr v4{};
    std::memcpy(&v4, address.bytes.data() + 12, 4);
    return inet_ntop(AF_INET, &v4, buffer, sizeof buffer) ? buffer : "";
  }
  in6_addr v6{};
  std::memcpy(&v6, address.bytes.data(), 16);
  return inet_ntop(AF_INET6, &v6, buffer, sizeof buffer) ? buffer : "";
}

std::optional<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries, std::string& error) {
  TrustedProxies out;
  for (const auto& entry : entries) {
    std::string_view text = trim_ows(entry), prefix_text;
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
      prefix_text = text.substr(slash + 1);
      text = text.substr(0, slash);
    }
    const auto address = parse_ip(text);
    if (!address) {
      error = "\"" + entry + "\" is not an IP address or CIDR";
      return std::nullopt;
    }
    const unsigned family_bits = is_v4_mapped(*address) && text.find(':') == std::string_view::npos ? 32 : 128;
    unsigned prefix = family_bits;
    if (!prefix_text.empty() || entry.find('/') != std::string::npos) {
      const auto [ptr, ec] = std::from_chars(prefix_text.data(), prefix_text.data() + prefix_text.size(), prefix);
      if (ec != std::errc{} || ptr != prefix_text.data() + prefix_text.size() || prefix > family_bits) {
        error = "\"" + entry + "\" has a bad prefix length (0 to " + std::to_string(family_bits) + ")";
        return std::nullopt;
      }
    }
    out.ranges_.push_back(Range{*address, family_bits == 32 ? prefix + 96 : prefix});
  }
  return out;
}

bool TrustedProxies::contains(const IpAddress& address) const {
  for (const auto& r : ranges_)
    if (same_prefix(address, r.base, r.prefix)) return true;
  return false;
}

bool TrustedProxies::contains(std::string_view address) const {
  if (ranges_.empty()) return false;
  const auto parsed = parse_ip(address);
  return parsed && contains(*parsed);
}

std::string TrustedProxies::client_address(std::string_view peer, const std::vector<std::string_view>& forwarded_for) const {
  if (!contains(peer)) return std::string(peer);
  std::vector<std::string_view> hops;
  for (std::string_view header : forwarded_for) {
    while (!header.empty()) {
      const auto comma = header.find(',');
      hops.push_back(trim_ows(header.substr(0, comma)));
      header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    }
  }
  std::string believed(peer);
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    const auto address = parse_ip(*it);
    if (!address) break;  // "unknown", a port, garbage: nothing left of it can be believed
    believed = to_string(*address);
    if (!contains(*address)) break;
  }
  return believed;
}

bool forwarded_https(bool peer_trusted, std::string_view forwarded_proto) {
  if (!peer_trusted) return false;
  // The last value is the one our proxy set ("https" or "http, https" after several hops).
  const auto comma = forwarded_proto.rfind(',');
  return iequals(trim_ows(comma == std::string_view::npos ? forwarded_proto : forwarded_proto.substr(comma + 1)), "https");
}

}  // namespace everyvoice::net
