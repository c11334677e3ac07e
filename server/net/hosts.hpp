// Host names: which a request may name (the Host header) and the base of the links the server
// hands out. Links come from configuration (public_url) or from a Host already checked here,
// never from a request unchecked.
#pragma once

#include <string>
#include <string_view>

#include "net/settings.hpp"

namespace everyvoice::net {

// ASCII case-insensitive equality (host names, header tokens).
bool iequals(std::string_view a, std::string_view b);
// Without the spaces and tabs around it (HTTP's optional whitespace, RFC 9110 5.6.3).
std::string_view trim_ows(std::string_view s);

// The host part of a Host header value ("example.org:8443" -> "example.org", "[::1]:80" -> "[::1]"),
// or "" when the value is not a valid host[:port].
std::string_view host_name(std::string_view host_header);
// Whether a request for this Host is served: an IP literal, localhost, the public URL's host or one
// of allowed_hosts (http_router.hpp, rule 2).
bool host_allowed(std::string_view host_header, const Settings& settings);
// The base of every link the server hands out (join links, QR codes): public_url when set,
// otherwise http:// (https:// when a trusted proxy says the request came over https, forwarded.hpp)
// and the request's Host, which host_allowed has already checked.
std::string public_base(std::string_view host_header, const Settings& settings, bool https = false);

}  // namespace everyvoice::net
