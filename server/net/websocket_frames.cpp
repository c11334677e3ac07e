#include "net/websocket_frames.hpp"

#include <algorithm>
#include <utility>

namespace everyvoice::net::ws {
namespace {

void put_header(std::string& out, Opcode opcode, std::size_t size) {
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));  // FIN, no RSV bits
  if (size < 126) {
    out.push_back(static_cast<char>(size));
  } else if (size <= 0xFFFF) {
    out.push_back(126);
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xFF));
  } else {
    out.push_back(127);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((static_cast<std::uint64_t>(size) >> shift) & 0xFF));
  }
}

bool is_control(Opcode op) { return static_cast<std::uint8_t>(op) >= 8; }

bool known(std::uint8_t op) { return op <= 2 || (op >= 8 && op <= 10); }

// Codes a peer may send in a close frame (RFC 6455 7.4).
bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

}  // namespace

std::string encode_frame(Opcode opcode, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  put_header(out, opcode, payload.size());
  out.append(payload);
  return out;
}

std::string encode_close(std::uint16_t code, std::string_view reason) {
  if (reason.size() > 123) {
    std::size_t n = 123;
    while (n > 0 && (static_cast<unsigned char>(reason[n]) & 0xC0) == 0x80) --n;  // not inside a character
    reason = reason.substr(0, n);
  }
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason);
  return encode_frame(Opcode::close, payload);
}

bool Utf8Checker::feed(unsigned char c) {
  if (need_ > 0) {
    if (c < low_ || c > high_) return false;
    low_ = 0x80;
    high_ = 0xBF;
    --need_;
    return true;
  }
  if (c < 0x80) return true;
  // The lead byte fixes the length and, for a few leads, a narrower range for the next byte that
  // rules out overlong forms, UTF-16 surrogates and code points beyond U+10FFFF.
  if (c >= 0xC2 && c <= 0xDF) {
    need_ = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need_ = 2;
    if (c == 0xE0) low_ = 0xA0;
    if (c == 0xED) high_ = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need_ = 3;
    if (c == 0xF0) low_ = 0x90;
    if (c == 0xF4) high_ = 0x8F;
  } else {
    return false;  // a continuation byte first, an overlong 2-byte lead, or beyond U+10FFFF
  }
  return true;
}

bool valid_utf8(std::string_view text) {
  Utf8Checker checker;
  for (const char c : text)
    if (!checker.feed(static_cast<unsigned char>(c))) return false;
  return checker.complete();
}

bool valid_client_key(std::string_view key) {
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (key.size() != 24 || key[22] != '=' || key[23] != '=') return false;
  for (std::size_t i = 0; i < 22; ++i)
    if (alphabet.find(key[i]) == std::string_view::npos) return false;
  // 16 bytes are 128 bits: the 22nd character carries the last 2 of them, its low 4 bits are zero.
  return (alphabet.find(key[21]) & 0x0F) == 0;
}

void FrameParser::fail(std::uint16_t code, std::string why, std::vector<Received>& out) {
  failed_ = true;
  checked_ = 0;
  partial_.clear();
  partial_.shrink_to_fit();
  message_.clear();
  message_.shrink_to_fit();
  out.push_back({Received::Kind::error, std::move(why), code});
}

void FrameParser::feed(std::string_view bytes, std::vector<Received>& out) {
  if (failed_) return;
  std::string_view buf = bytes;
  if (!partial_.empty()) {
    partial_.append(bytes);
    buf = partial_;
  }
  std::size_t used = 0;
  while (!failed_ && used < buf.size()) {
    const std::size_t n = parse_one(buf.substr(used), out);
    if (n == 0) break;
    used += n;
  }
  if (failed_) return;
  if (buf.data() == partial_.data()) {
    partial_.erase(0, used);
  } else {
    partial_.assign(buf.substr(used));
  }
  if (partial_.empty() && partial_.capacity() > 4096) partial_.shrink_to_fit();  // a big message passed
}

std::size_t FrameParser::parse_one(std::string_view buf, std::vector<Received>& out) {
  if (buf.size() < 2) return 0;
  const auto b0 = static_cast<std::uint8_t>(buf[0]);
  const auto b1 = static_cast<std::uint8_t>(buf[1]);
  const bool fin = b0 & 0x80;
  const std::uint8_t op = b0 & 0x0F;
  if (b0 & 0x70) return fail(protocol_error, "reserved bits set (no extension was agreed)", out), 0;
  if (!known(op)) return fail(protocol_error, "unknown opcode", out), 0;
  if (!(b1 & 0x80)) return fail(protocol_error, "client frames must be masked", out), 0;
  const auto opcode = static_cast<Opcode>(op);
  std::uint64_t len = b1 & 0x7F;
  std::size_t at = 2;
  if (len == 126) {
    if (buf.size() < 4) return 0;
    len = (static_cast<std::uint64_t>(static_cast<std::uint8_t>(buf[2])) << 8) | static_cast<std::uint8_t>(buf[3]);
    at = 4;
  } else if (len == 127) {
    if (buf.size() < 10) return 0;
    len = 0;
    for (std::size_t k = 2; k < 10; ++k) len = (len << 8) | static_cast<std::uint8_t>(buf[k]);
    at = 10;
  }
  if (is_control(opcode)) {
    if (!fin || len > 125) return fail(protocol_error, "control frames are short and unfragmented", out), 0;
  } else {
    if (opcode == Opcode::continuation && !in_message_) return fail(protocol_error, "continuation without a message", out), 0;
    if (opcode != Opcode::continuation && in_message_) return fail(protocol_error, "a new message inside a fragmented one", out), 0;
    // Refused as soon as the header says so: the body is never buffered.
    if (len > max_message_ || message_.size() + len > max_message_)
      return fail(too_big, "message too big", out), 0;
  }
  // Text is checked as its bytes arrive, even before the frame is complete (fail fast).
  const bool text_data = opcode == Opcode::text || (opcode == Opcode::continuation && message_opcode_ == Opcode::text);
  if (text_data && buf.size() > at + 4) {
    const char* mask = buf.data() + at;
    const char* data = mask + 4;
    const std::size_t available = static_cast<std::size_t>(std::min<std::uint64_t>(len, buf.size() - at - 4));
    for (std::size_t k = checked_; k < available; ++k)
      if (!utf8_.feed(static_cast<unsigned char>(data[k] ^ mask[k & 3]))) return fail(invalid_data, "text is not UTF-8", out), 0;
    checked_ = available;
  }
  if (buf.size() < at + 4 + len) return 0;
  checked_ = 0;
  const char* mask = buf.data() + at;
  const char* data = mask + 4;
  std::string payload(len, '\0');
  for (std::size_t k = 0; k < len; ++k) payload[k] = static_cast<char>(data[k] ^ mask[k & 3]);
  const std::size_t frame_size = at + 4 + static_cast<std::size_t>(len);

  switch (opcode) {
    case Opcode::ping:
      out.push_back({Received::Kind::ping, std::move(payload), 0});
      return frame_size;
    case Opcode::pong:
      out.push_back({Received::Kind::pong, std::move(payload), 0});
      return frame_size;
    case Opcode::close: {
      if (payload.size() == 1) return fail(protocol_error, "a close frame with half a code", out), 0;
      std::uint16_t code = no_status;
      if (payload.size() >= 2) {
        code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1]));
        if (!valid_close_code(code)) return fail(protocol_error, "invalid close code", out), 0;
        payload.erase(0, 2);
        if (!valid_utf8(payload)) return fail(invalid_data, "close reason is not UTF-8", out), 0;
      }
      out.push_back({Received::Kind::close, std::move(payload), code});
      return frame_size;
    }
    default:
      break;
  }
  if (opcode != Opcode::continuation) message_opcode_ = opcode;
  if (!fin) {
    in_message_ = true;
    message_.append(payload);
    return frame_size;
  }
  if (in_message_) {
    message_.append(payload);
    payload = std::move(message_);
    message_ = std::string();
    in_message_ = false;
  }
  if (message_opcode_ == Opcode::text) {
    if (!utf8_.complete()) return fail(invalid_data, "text ends inside a character", out), 0;
    out.push_back({Received::Kind::text, std::move(payload), 0});
  } else {
    out.push_back({Received::Kind::binary, std::move(payload), 0});
  }
  return frame_size;
}

}  // namespace everyvoice::net::ws
