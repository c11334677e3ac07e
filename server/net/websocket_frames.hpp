// The WebSocket wire format (RFC 6455), without sockets: server frames are built once and shared
// by every connection they go to; client bytes are read by an incremental parser that holds only
// an unfinished frame. websocket_session.cpp does the I/O around these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace everyvoice::net::ws {

enum class Opcode : std::uint8_t { continuation = 0, text = 1, binary = 2, close = 8, ping = 9, pong = 10 };

// Close codes of RFC 6455 the parser uses; the server's own are in connection.hpp.
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t invalid_data = 1007;  // text that is not UTF-8
inline constexpr std::uint16_t too_big = 1009;
inline constexpr std::uint16_t no_status = 1005;     // a close frame without a code

// One unfragmented, unmasked server frame: header and payload, ready for the socket.
std::string encode_frame(Opcode opcode, std::string_view payload);
// A close frame; the reason is cut to the 123 bytes a control frame allows (at a UTF-8 boundary).
std::string encode_close(std::uint16_t code, std::string_view reason);

bool valid_utf8(std::string_view text);

// Checks UTF-8 a byte at a time as it arrives, so that a text message fails at its first byte that
// cannot be part of valid UTF-8 (Autobahn 6.4, "fail fast"), not once the whole message is in.
class Utf8Checker {
 public:
  // False at the first byte that makes the text invalid (overlong, surrogate, beyond U+10FFFF).
  bool feed(unsigned char byte);
  // True when no character is left half-finished.
  bool complete() const { return need_ == 0; }
  void reset() {
    need_ = 0;
    low_ = 0x80;
    high_ = 0xBF;
  }

 private:
  int need_ = 0;                // continuation bytes still to come
  unsigned char low_ = 0x80;    // the range the next continuation byte must fall in
  unsigned char high_ = 0xBF;
};

// Sec-WebSocket-Key must be the base64 of 16 bytes (RFC 6455 4.1): 22 characters and "==".
bool valid_client_key(std::string_view key);

// Something the client sent: a whole message (fragments joined), a control frame, or the protocol
// error that ends the connection (close_code says which).
struct Received {
  enum class Kind : std::uint8_t { text, binary, ping, pong, close, error } kind;
  std::string payload;          // message or control payload; the close reason; the error's words
  std::uint16_t close_code = 0; // close: the client's code (1005 if none); error: the code to close with
};

// Reads client frames (which must be masked) from bytes as they arrive.
class FrameParser {
 public:
  explicit FrameParser(std::size_t max_message_bytes) : max_message_(max_message_bytes) {}
  // Appends what the bytes complete to `out`. After an error the parser takes nothing more.
  void feed(std::string_view bytes, std::vector<Received>& out);
  // Bytes held for an unfinished frame or message (memory a connection keeps between reads).
  std::size_t held_bytes() const { return partial_.size() + message_.size(); }
  bool failed() const { return failed_; }

 private:
  // Parses one frame at the start of `buf`: its length, or 0 if it is not all there yet.
  std::size_t parse_one(std::string_view buf, std::vector<Received>& out);
  void fail(std::uint16_t code, std::string why, std::vector<Received>& out);

  std::size_t max_message_;
  std::string partial_;   // an unfinished frame
  std::string message_;   // fragments of an unfinished message
  Utf8Checker utf8_;      // the text message under way, checked as its bytes arrive
  std::size_t checked_ = 0;  // payload bytes of the frame at the front already checked
  Opcode message_opcode_ = Opcode::text;
  bool in_message_ = false;
  bool failed_ = false;
};

}  // namespace everyvoice::net::ws
