// A conformance case as data: what the client writes, byte for byte, and what the server must answer,
// in order. run_case() plays one on a fresh RawSocket. Used by autobahn_test.cpp.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "raw_socket.hpp"

namespace everyvoice::testing::conformance {

using nlohmann::json;

// --- Client frames --------------------------------------------------------------------------------

inline constexpr std::uint8_t op_cont = 0x0, op_text = 0x1, op_binary = 0x2, op_close = 0x8, op_ping = 0x9, op_pong = 0xA;

// One masked client frame; `rsv` is the three reserved bits as a number (1 = RSV1 ... 7 = all).
inline std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true, std::uint8_t rsv = 0) {
  return client_frame(static_cast<std::uint8_t>((fin ? 0x80 : 0x00) | ((rsv & 7) << 4) | (opcode & 0x0F)), std::string(payload));
}
inline std::string text(std::string_view payload, bool fin = true, std::uint8_t rsv = 0) { return frame(op_text, payload, fin, rsv); }
inline std::string binary(std::string_view payload, bool fin = true, std::uint8_t rsv = 0) { return frame(op_binary, payload, fin, rsv); }
inline std::string cont(std::string_view payload, bool fin = true) { return frame(op_cont, payload, fin); }
inline std::string ping(std::string_view payload = "") { return frame(op_ping, payload); }
inline std::string pong(std::string_view payload = "") { return frame(op_pong, payload); }
inline std::string close_frame(std::uint16_t code, std::string_view reason = "") {
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  payload.append(reason);
  return frame(op_close, payload);
}
inline std::string close_without_code() { return frame(op_close, ""); }

// `payload` as a message of frames of `size` bytes (the last may be shorter): the first with
// `opcode`, the others continuations; FIN on the last only.
inline std::string fragmented(std::uint8_t opcode, std::string_view payload, std::size_t size) {
  std::string out;
  std::size_t at = 0;
  do {
    const std::size_t n = std::min(size, payload.size() - at);
    out += frame(at == 0 ? opcode : op_cont, payload.substr(at, n), at + n == payload.size());
    at += n;
  } while (at < payload.size());
  return out;
}

// `payload` cut into `n` pieces of nearly equal length.
inline std::vector<std::string> split(std::string_view payload, std::size_t n) {
  std::vector<std::string> pieces;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t from = payload.size() * i / n, to = payload.size() * (i + 1) / n;
    pieces.emplace_back(payload.substr(from, to - from));
  }
  return pieces;
}

// Bytes from hex digits, spaces ignored: hex("ce ba") is "\xce\xba".
inline std::string hex(std::string_view digits) {
  auto value = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < digits.size();) {
    if (digits[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<char>(value(digits[i]) * 16 + value(digits[i + 1])));
    i += 2;
  }
  return out;
}

inline std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xF]);
  }
  return out;
}

// --- Messages the server answers ------------------------------------------------------------------

// The server is not an echo server: it answers every message with one JSON text frame. A ping
// command ({"type":"ping","id":...}) is answered by {"type":"pong","id":...}; anything else by
// {"type":"error",...}, which names the id only when the message was a JSON object with a valid one.
struct Reply {
  std::string type;               // "pong" or "error"
  std::optional<std::string> id;  // the id the reply names; nullopt: none (null)
  std::string code;               // an error's code; "" for a pong
};
inline Reply pong_to(std::string id) { return {"pong", std::move(id), ""}; }
inline Reply error_reply(std::string code) { return {"error", std::nullopt, std::move(code)}; }

inline std::string ping_command(std::string_view id) { return R"({"type":"ping","id":")" + std::string(id) + R"("})"; }
// A ping command of exactly `size` bytes: JSON allows any amount of trailing white space.
inline std::string ping_command(std::string_view id, std::size_t size) {
  std::string out = ping_command(id);
  if (out.size() < size) out.append(size - out.size(), ' ');
  return out;
}

// A text message of `size` bytes and the reply it gets: a ping command named `id` when one fits,
// else `size` asterisks (as Autobahn sends), which are not JSON.
struct Message {
  std::string payload;
  Reply reply;
};
inline Message text_message(const std::string& id, std::size_t size) {
  if (size >= ping_command(id).size()) return {ping_command(id, size), pong_to(id)};
  return {std::string(size, '*'), error_reply("bad_json")};
}
// Binary messages are refused, each with one error.
inline Message binary_message(std::size_t size, char fill = '\xfe') { return {std::string(size, fill), error_reply("not_text")}; }

// --- Steps ----------------------------------------------------------------------------------------

struct Step {
  enum class Kind { write, reply, pong, pongs_of_burst, close, fail_fast } kind;
  std::vector<std::string> writes;    // write: each piece written on its own; fail_fast: the rest of the message
  std::size_t chop = 0;               // write: pieces are written in chops of this many bytes (0: whole)
  Reply reply;                        // reply: the text frame that must come next
  std::vector<std::string> payloads;  // pong: its payload; pongs_of_burst: the payloads of the pings, in order
  std::vector<int> codes;             // close / fail_fast: the close codes allowed
};

// The client writes `bytes` in one go.
inline Step send(std::string bytes) { return {Step::Kind::write, {std::move(bytes)}, 0, {}, {}, {}}; }
// ... in chops of `chop` bytes (1: octet-wise).
inline Step send_chopped(std::string bytes, std::size_t chop) { return {Step::Kind::write, {std::move(bytes)}, chop, {}, {}, {}}; }
// ... one write per frame (Autobahn's "frame-wise chops", sync = True).
inline Step send_framewise(std::vector<std::string> frames) { return {Step::Kind::write, std::move(frames), 0, {}, {}, {}}; }
// The next frame is this reply.
inline Step expect(Reply reply) { return {Step::Kind::reply, {}, 0, std::move(reply), {}, {}}; }
// The next frame is a pong with this payload.
inline Step expect_pong(std::string payload) { return {Step::Kind::pong, {}, 0, {}, {std::move(payload)}, {}}; }
// After a burst of pings (RFC 6455 5.5.3: a pong may answer only the latest of several pings): the
// pong of the last ping comes; any pongs before it answer pings that were sent, in order.
inline Step expect_pongs_of_burst(std::vector<std::string> payloads) {
  return {Step::Kind::pongs_of_burst, {}, 0, {}, std::move(payloads), {}};
}
// The next frame is a close with one of `codes`, nothing follows it, and the server ends the TCP
// connection. The last step of a case.
inline Step expect_close(std::vector<int> codes) { return {Step::Kind::close, {}, 0, {}, {}, std::move(codes)}; }
// Fail fast (Autobahn 6.4): the close comes after what was written so far, before `rest` is written.
// If it does not, that is a failure; `rest` is then written to see whether the server fails the
// connection at least once the message is complete. The last step of a case.
inline Step expect_fail_fast(int code, std::vector<std::string> rest) {
  return {Step::Kind::fail_fast, std::move(rest), 0, {}, {}, {code}};
}

struct Case {
  std::string id;    // Autobahn's case number ("6.4.1"); an added case has a word in it ("9.limit.text")
  std::string what;  // what is sent and what must come back (Autobahn's description, adapted)
  std::vector<Step> steps;
  bool offer_deflate = false;  // the upgrade offers permessage-deflate (which the server must decline)
};

// gtest names a failing parameter by this (the default would dump the struct's bytes).
inline void PrintTo(const Case& c, std::ostream* os) { *os << "Autobahn case " << c.id; }

// Read timeout while waiting for a fail-fast close (a server that fails fast answers in milliseconds).
inline constexpr int fail_fast_timeout_seconds = 2;

// --- Playing a case -------------------------------------------------------------------------------

inline std::string printable(std::string_view bytes, std::size_t max = 160) {
  std::string out;
  for (unsigned char c : bytes.substr(0, max)) {
    if (c >= 0x20 && c < 0x7F) out.push_back(static_cast<char>(c));
    else out += "\\x" + to_hex(std::string(1, static_cast<char>(c)));
  }
  if (bytes.size() > max) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

inline std::string describe(const RawSocket::Frame& f) {
  switch (f.opcode) {
    case -1: return "nothing (end of stream or read timeout)";
    case op_text: return "text frame " + printable(f.payload);
    case op_binary: return "binary frame of " + std::to_string(f.payload.size()) + " bytes";
    case op_close: return "close frame " + std::to_string(close_code_of(f)) + " \"" + printable(f.payload.size() > 2 ? f.payload.substr(2) : "") + "\"";
    case op_ping: return "ping frame \"" + printable(f.payload) + "\"";
    case op_pong: return "pong frame \"" + printable(f.payload) + "\"";
    default: return "frame with opcode " + std::to_string(f.opcode);
  }
}

inline std::string codes_text(const std::vector<int>& codes) {
  std::string out;
  for (int c : codes) out += (out.empty() ? "" : " or ") + std::to_string(c);
  return out;
}

inline void write_step(RawSocket& s, const std::vector<std::string>& pieces, std::size_t chop) {
  // A write may fail once the server has failed the connection; the expectations that follow say
  // whether that was right.
  for (const auto& piece : pieces) {
    const std::size_t step = chop == 0 ? std::max<std::size_t>(piece.size(), 1) : chop;
    for (std::size_t at = 0; at < piece.size(); at += step)
      if (!s.try_write(piece.substr(at, step))) return;
  }
}

inline void check_reply(RawSocket& s, const Reply& want) {
  const auto f = s.frame();
  ASSERT_EQ(f.opcode, op_text) << "expected the " << want.type << " reply" << (want.id ? " to \"" + printable(*want.id) + "\"" : "")
                               << ", got " << describe(f);
  const json reply = json::parse(f.payload, nullptr, false);
  ASSERT_TRUE(reply.is_object()) << "the reply is a JSON object: " << printable(f.payload);
  EXPECT_EQ(reply.value("type", ""), want.type) << printable(f.payload);
  const auto id = reply.find("id");
  if (want.id) {
    EXPECT_TRUE(id != reply.end() && id->is_string() && id->get<std::string>() == *want.id)
        << "the reply names id \"" << printable(*want.id) << "\": " << printable(f.payload);
  } else {
    EXPECT_TRUE(id == reply.end() || id->is_null()) << "the reply names no id: " << printable(f.payload);
  }
  if (!want.code.empty()) {
    EXPECT_EQ(reply.value("code", ""), want.code) << printable(f.payload);
  }
}

inline void check_close(RawSocket& s, const std::vector<int>& codes, const RawSocket::Frame& f) {
  ASSERT_EQ(f.opcode, op_close) << "expected a close frame with " << codes_text(codes) << ", got " << describe(f);
  EXPECT_TRUE(std::find(codes.begin(), codes.end(), close_code_of(f)) != codes.end())
      << "expected close code " << codes_text(codes) << ", got " << describe(f);
  const auto after = s.frame();
  EXPECT_EQ(after.opcode, -1) << "nothing may follow the close frame, got " << describe(after);
  EXPECT_TRUE(s.at_end()) << "the server ends the TCP connection after its close frame";
}

inline void check_pongs_of_burst(RawSocket& s, const std::vector<std::string>& payloads) {
  std::size_t next = 0;  // index of the first ping not answered yet
  while (next < payloads.size()) {
    const auto f = s.frame();
    ASSERT_EQ(f.opcode, op_pong) << "expected the pong of ping \"" << payloads.back() << "\" (or of one before it), got "
                                 << describe(f);
    const auto it = std::find(payloads.begin() + static_cast<std::ptrdiff_t>(next), payloads.end(), f.payload);
    ASSERT_NE(it, payloads.end()) << "pong \"" << printable(f.payload)
                                  << "\" answers no ping sent after the one answered before it";
    next = static_cast<std::size_t>(it - payloads.begin()) + 1;
  }
}

inline std::string upgrade_for(const Case& c) {
  std::string request = upgrade_request();
  if (c.offer_deflate)
    request.insert(request.size() - 2, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
  return request;
}

// Plays `c` on a new connection. A case that does not end with a close step ends with Autobahn's
// clean close: the client sends close 1000, the server echoes 1000 and ends the connection (any
// reply the case did not expect would come before that echo and fail it).
inline void run_case(const Case& c, std::uint16_t port) {
  SCOPED_TRACE("Autobahn case " + c.id + ": " + c.what);
  RawSocket s(port);
  const int one = 1;
  setsockopt(s.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // chops leave as separate segments
  s.write(upgrade_for(c));
  const std::string head = s.http_head();
  ASSERT_EQ(head.rfind("HTTP/1.1 101", 0), 0u) << "the upgrade is accepted: " << head;
  if (c.offer_deflate) {
    EXPECT_EQ(head.find("Sec-WebSocket-Extensions"), std::string::npos) << "compression is declined: " << head;
  }

  bool closed = false;
  for (const Step& step : c.steps) {
    switch (step.kind) {
      case Step::Kind::write:
        write_step(s, step.writes, step.chop);
        break;
      case Step::Kind::reply:
        check_reply(s, step.reply);
        break;
      case Step::Kind::pong: {
        const auto f = s.frame();
        ASSERT_EQ(f.opcode, op_pong) << "expected pong \"" << printable(step.payloads[0]) << "\", got " << describe(f);
        EXPECT_EQ(f.payload, step.payloads[0]) << "the pong carries the ping's payload";
        break;
      }
      case Step::Kind::pongs_of_burst:
        check_pongs_of_burst(s, step.payloads);
        break;
      case Step::Kind::close:
        check_close(s, step.codes, s.frame());
        closed = true;
        break;
      case Step::Kind::fail_fast: {
        s.set_timeout(fail_fast_timeout_seconds);
        const auto f = s.frame();
        s.set_timeout(3);
        closed = true;
        if (f.opcode != -1) {  // a close (or something wrong, which check_close reports)
          check_close(s, step.codes, f);
          break;
        }
        ADD_FAILURE() << "not fail-fast: no close frame within " << fail_fast_timeout_seconds
                      << " s of the invalid bytes; the rest of the message is sent now";
        write_step(s, step.writes, 0);
        {
          SCOPED_TRACE("after the rest of the message (the failure is late, not missing, if only the line above fails)");
          check_close(s, step.codes, s.frame());
        }
        break;
      }
    }
    if (::testing::Test::HasFatalFailure()) return;
  }
  if (!closed) {
    s.write(close_frame(1000));
    check_close(s, {1000}, s.frame());
  }
}

}  // namespace everyvoice::testing::conformance
