#include "net/hosts.hpp"

#include <algorithm>
#include <cctype>

namespace everyvoice::net {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

namespace {

bool is_ipv4(std::string_view s) {
  int parts = 0;
  while (true) {
    std::size_t digits = 0;
    unsigned value = 0;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) value = value * 10 + static_cast<unsigned>(s[digits++] - '0');
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    s.remove_prefix(digits);
    if (s.empty()) return parts == 4;
    if (s.front() != '.' || parts == 4) return false;
    s.remove_prefix(1);
  }
}

}  // namespace

std::string_view host_name(std::string_view host) {
  if (host.empty() || host.size() > 255) return {};
  std::string_view name = host;
  if (host.front() == '[') {  // an IPv6 literal
    const auto close = host.find(']');
    if (close == std::string_view::npos) return {};
    name = host.substr(0, close + 1);
    for (char c : name.substr(1, name.size() - 2))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return {};
    host.remove_prefix(close + 1);
  } else {
    const auto colon = host.find(':');
    name = host.substr(0, colon);
    host = colon == std::string_view::npos ? std::string_view() : host.substr(colon);
    if (name.empty()) return {};
    for (char c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return {};
  }
  if (!host.empty()) {  // ":port"
    if (host.front() != ':' || host.size() < 2 || host.size() > 6) return {};
    for (char c : host.substr(1))
      if (!std::isdigit(static_cast<unsigned char>(c))) return {};
  }
  return name;
}

bool host_allowed(std::string_view host_header, const Settings& settings) {
  const std::string_view name = host_name(host_header);
  if (name.empty()) return false;
  if (name.front() == '[' || is_ipv4(name)) return true;  // an address literal: no DNS, no rebinding
  if (iequals(name, "localhost") || iequals(name, "localhost.")) return true;
  if (!settings.public_url.empty()) {
    const std::string_view pub = settings.public_url;
    const auto start = pub.find("://");
    if (start != std::string_view::npos && iequals(host_name(pub.substr(start + 3)), name)) return true;
  }
  return std::any_of(settings.allowed_hosts.begin(), settings.allowed_hosts.end(),
                     [&](const std::string& allowed) { return iequals(allowed, name); });
}

std::string public_base(std::string_view host_header, const Settings& settings, bool https) {
  if (!settings.public_url.empty()) return settings.public_url;
  return (https ? "https://" : "http://") + std::string(host_name(host_header).empty() ? std::string_view("localhost") : host_header);
}

}  // namespace everyvoice::net
