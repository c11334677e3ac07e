// What an HTTP request asks for, decided from the request and the settings alone: no socket, no
// meetings, no disk. http_session.cpp carries the decision out; the HTTP fuzzer
// (tests/fuzz/fuzz_http_request.cpp) runs Beast's parser into this.
//
// The order of the checks is the security argument:
// 1. framing: a request with both Transfer-Encoding and Content-Length, or a Transfer-Encoding
//    that does not end in chunked, is refused with 400 and the connection closed (RFC 9112 6.1,
//    6.3): a proxy in front may have framed it the other way (request smuggling);
// 2. Host: only the public host, a loopback name, an IP literal or a name in allowed_hosts is
//    served; anything else gets 421, so a DNS-rebinding page pointed at the server gets nothing;
// 3. Origin, for everything that acts (WebSocket upgrades, creating, minutes, deletion);
// 4. the path.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/hosts.hpp"
#include "core/types.hpp"
#include "net/settings.hpp"

namespace everyvoice::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct Route {
  enum class Kind {
    refuse,          // answer `status` with `message` (JSON {"error": message})
    health,          // GET /healthz
    metrics,         // GET /metrics
    static_file,     // GET a file of the browser client: `path`
    create_meeting,  // POST /api/meetings: `title`, `key` (the create key presented, if any), and the
                     // meeting's time zone if given: `time_zone` (may be empty), `utc_offset_minutes`,
                     // and its `language`; `started` false to prepare it first
    qr_code,         // GET /api/meetings/{code}/qr.svg: `code`, `link` (the join link drawn)
    minutes,         // GET /api/meetings/{code}/minutes: `code`, `format`, `key` (facilitator key)
    delete_meeting,  // DELETE /api/meetings/{code}: `code`, `key`
    upgrade,         // GET /ws or /ws/{code} with Upgrade: websocket: `code` (empty for /ws), the only
                     // meeting the connection may join or resume
    server_info,     // GET /api/server: version, public URL, whether creating needs a key
    create_group,    // POST /api/groups: `title` (the group's name), `key` (the create key presented)
    group_record,    // GET /api/groups/{code}: `code`, `key` (group key), `format` ("json" or "md")
    delete_group,    // DELETE /api/groups/{code}: `code`, `key` (the group and all its meetings)
    group_settings,  // POST /api/groups/{code}/settings: `code`, `key`, `retention_days`
    idea_status,     // POST /api/groups/{code}/ideas/{id}: `code`, `key`, `idea`, `idea_status`, `message` (the reason)
    follow_ideas,    // POST /api/ideas/follow: `secrets` (the follow secrets a browser keeps)
    add_member,      // POST /api/groups/{code}/members: `code`, `key` (group key), `title` (the member's name)
    remove_member,   // DELETE /api/groups/{code}/members/{id}: `code`, `key`, `member`
    member_view,     // GET /api/member: `key` (the member key)
    member_update,   // POST /api/member: `key`, `title` (name), `preference`, `offers`, `record`
    member_leave,    // DELETE /api/member: `key`
    test_fault,      // GET /__test/fault, only with EVERYVOICE_TEST_FAULTS=1 (faults.hpp)
  };
  Kind kind = Kind::refuse;
  boost::beast::http::status status = boost::beast::http::status::ok;
  std::string message;
  bool close = false;  // close the connection after the answer, whatever the request asked
  std::string code, path, format, title, key, link;
  std::string time_zone;
  std::optional<std::int32_t> utc_offset_minutes;
  std::string language;  // create_meeting: the minutes' language, if given ("en", "es")
  bool started = true;   // create_meeting: false to prepare the meeting before it starts
  // create_meeting: copy the agenda of an earlier meeting, by its code and facilitator key
  std::string agenda_from_code, agenda_from_key;
  // create_meeting: a meeting of this group, by its code and group key
  std::string group_code, group_key;
  std::uint32_t idea = 0;
  std::string idea_status;
  std::vector<std::string> secrets;
  std::uint32_t retention_days = 0;
  std::uint32_t member = 0;
  core::Preference preference = core::Preference::none;
  std::uint8_t offers = 0;  // bits 1 << core::Offer
  bool record = false;
};

// How many follow secrets one POST /api/ideas/follow may ask about.
inline constexpr std::size_t max_follow_secrets = 100;

// `https`: the request came over https, as a trusted proxy said (forwarded.hpp); links use it.
Route route_request(const HttpRequest& req, const Settings& settings, bool https = false);

}  // namespace everyvoice::net
