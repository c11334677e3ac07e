// The WebSocket frame parser (server/net/websocket_frames.hpp) on bytes as a socket could deliver
// them. Input: a first byte that sets the message limit (16 + 4 x byte: 16 to 1036 bytes, small so
// that the too-big paths and the edges of the limit are reached), then, as in uWebSockets'
// fuzzing/WebSocket.cpp, a chunk length byte and that many bytes of the stream (0: all that
// remains), again and again. The parser gets the stream chunk by chunk.
//
// Checks (server/net/websocket_frames.cpp is what they follow):
// - the same stream fed at once gives exactly what the chunks gave: where reads split the bytes
//   never matters;
// - between reads the parser holds less than one message plus one frame: a frame is refused as soon
//   as its header says it would make the message too big, so the partial frame held is at most a
//   header (14 bytes) plus the room left in the message, or a control frame (at most 14 + 125);
// - an error is the last thing out, and nothing is held after it;
// - text and close reasons are UTF-8 (and ws::valid_utf8 agrees with core::utf8_length, the other
//   validator of the server, on every payload); messages fit the limit; control payloads fit 125
//   bytes; a close code is one a peer may send, or 1005 with no payload;
// - what comes out, written back as the server writes frames (encode_frame, encode_close) and
//   masked as a client would, reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "net/websocket_frames.hpp"

namespace {

using namespace everyvoice::net::ws;
using Kind = Received::Kind;

constexpr std::size_t header_max = 2 + 8 + 4;  // first two bytes, 64-bit length, mask
constexpr std::size_t control_max = 125;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_websocket_frames: check failed: %s\n", what);
  std::abort();
}

bool same(const std::vector<Received>& a, const std::vector<Received>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].kind != b[i].kind || a[i].payload != b[i].payload || a[i].close_code != b[i].close_code) return false;
  return true;
}

bool peer_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

// A server frame (unmasked) as a client would send it: the mask bit set, a mask, the payload masked.
std::string masked(std::string_view frame) {
  const auto b1 = static_cast<std::uint8_t>(frame[1]);
  const std::size_t at = (b1 & 0x7F) == 126 ? 4 : (b1 & 0x7F) == 127 ? 10 : 2;
  const char mask[4] = {'\x5a', '\x0f', '\x3c', '\x99'};
  std::string out(frame.substr(0, at));
  out[1] = static_cast<char>(b1 | 0x80);
  out.append(mask, 4);
  for (std::size_t k = at; k < frame.size(); ++k) out.push_back(static_cast<char>(frame[k] ^ mask[(k - at) & 3]));
  return out;
}

void check_round_trip(const Received& r, std::size_t max_message) {
  std::string frame;
  switch (r.kind) {
    case Kind::text: frame = encode_frame(Opcode::text, r.payload); break;
    case Kind::binary: frame = encode_frame(Opcode::binary, r.payload); break;
    case Kind::ping: frame = encode_frame(Opcode::ping, r.payload); break;
    case Kind::pong: frame = encode_frame(Opcode::pong, r.payload); break;
    case Kind::close:
      if (r.close_code == no_status) return;  // encode_close always writes a code
      frame = encode_close(r.close_code, r.payload);
      break;
    case Kind::error: return;
  }
  FrameParser again(max_message);
  std::vector<Received> out;
  again.feed(masked(frame), out);
  check(out.size() == 1 && out[0].kind == r.kind && out[0].payload == r.payload && out[0].close_code == r.close_code,
        "a received frame written back by encode_frame/encode_close reads back differently");
  check(again.held_bytes() == 0, "a whole frame leaves bytes held");
}

void check_received(const std::vector<Received>& out, std::size_t max_message) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const Received& r = out[i];
    check(valid_utf8(r.payload) == everyvoice::core::utf8_length(r.payload).has_value(),
          "ws::valid_utf8 and core::utf8_length disagree");
    switch (r.kind) {
      case Kind::text:
        check(valid_utf8(r.payload), "a text message that is not UTF-8");
        [[fallthrough]];
      case Kind::binary:
        check(r.payload.size() <= max_message, "a message over the limit");
        check(r.close_code == 0, "a message with a close code");
        break;
      case Kind::ping:
      case Kind::pong:
        check(r.payload.size() <= control_max, "a control payload over 125 bytes");
        check(r.close_code == 0, "a ping or pong with a close code");
        break;
      case Kind::close:
        check(r.payload.size() <= control_max - 2, "a close reason over 123 bytes");
        check(valid_utf8(r.payload), "a close reason that is not UTF-8");
        check(peer_close_code(r.close_code) || (r.close_code == no_status && r.payload.empty()),
              "a close code a peer may not send");
        break;
      case Kind::error:
        check(i + 1 == out.size(), "something came out after an error");
        check(r.close_code == protocol_error || r.close_code == invalid_data || r.close_code == too_big,
              "an error with a close code the parser does not use");
        check(!r.payload.empty(), "an error without words");
        break;
    }
    check_round_trip(r, max_message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t max_message = 16 + 4 * std::size_t{data[0]};
  FrameParser chunked(max_message);
  std::vector<Received> out;
  std::string stream;
  std::size_t i = 1;
  while (i < size) {
    std::size_t n = data[i++];
    if (n == 0 || n > size - i) n = size - i;
    const std::string_view chunk(reinterpret_cast<const char*>(data + i), n);
    i += n;
    stream.append(chunk);
    const std::size_t before = out.size();
    const bool failed_before = chunked.failed();
    chunked.feed(chunk, out);
    if (failed_before) check(out.size() == before, "the parser gave something after its error");
    check(chunked.failed() == (!out.empty() && out.back().kind == Kind::error), "failed() and the error disagree");
    if (chunked.failed()) {
      check(chunked.held_bytes() == 0, "bytes held after an error");
    } else {
      check(chunked.held_bytes() < max_message + header_max + control_max, "more held than a message and a frame");
    }
  }
  check_received(out, max_message);

  FrameParser whole(max_message);
  std::vector<Received> at_once;
  whole.feed(stream, at_once);
  check(same(out, at_once), "the same bytes in other chunks read differently");
  check(whole.held_bytes() == chunked.held_bytes(), "the same bytes in other chunks leave a different amount held");
  return 0;
}
