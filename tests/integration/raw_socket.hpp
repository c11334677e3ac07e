// A plain TCP client for tests that speak HTTP and RFC 6455 byte by byte to the real server binary
// (the wire tests, the hostile-input tests, the Autobahn-style conformance tests). Header-only, no
// Beast: what goes on the wire is exactly what the test wrote.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace everyvoice::testing {

// A TCP connection to 127.0.0.1 with a read timeout (3 s unless told).
class RawSocket {
 public:
  // `receive_buffer` > 0 sets SO_RCVBUF before connecting: a small one makes a client that does not
  // read fill the server's queue quickly.
  // `from` (a loopback address such as "127.0.0.2") is the address the server sees the client at.
  explicit RawSocket(std::uint16_t port, int timeout_seconds = 3, int receive_buffer = 0, const char* from = nullptr)
      : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    if (from) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      inet_pton(AF_INET, from, &local.sin_addr);
      if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        ::close(fd_);
        throw std::runtime_error("bind failed");
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    set_timeout(timeout_seconds);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~RawSocket() { ::close(fd_); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  int fd() const { return fd_; }
  void set_timeout(int seconds) {
    timeval tv{seconds, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  // Writes all bytes; false when the server closed or reset the connection.
  bool try_write(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  void write(const std::string& bytes) { ASSERT_TRUE(try_write(bytes)) << "the server closed the connection"; }
  // Reads until `n` bytes are buffered; false on end of stream or timeout.
  bool fill(std::size_t n) {
    char chunk[4096];
    while (buf_.size() < n) {
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      buf_.append(chunk, static_cast<std::size_t>(got));
    }
    return true;
  }
  // The head of an HTTP response ("" if none came); the body stays buffered.
  std::string http_head() {
    while (buf_.find("\r\n\r\n") == std::string::npos)
      if (!fill(buf_.size() + 1)) return "";
    const auto end = buf_.find("\r\n\r\n") + 4;
    std::string head = buf_.substr(0, end);
    buf_.erase(0, end);
    return head;
  }
  // Takes `n` buffered (or arriving) bytes, e.g. an HTTP body of known length.
  std::string take(std::size_t n) {
    if (!fill(n)) n = buf_.size();
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
  }
  struct Frame {
    int opcode = -1;  // -1: no frame came (end of stream or timeout)
    bool fin = true;
    std::string payload;
  };
  // One server frame, which must not be masked.
  Frame frame() {
    if (!fill(2)) return {};
    const auto b0 = static_cast<unsigned char>(buf_[0]), b1 = static_cast<unsigned char>(buf_[1]);
    EXPECT_EQ(b1 & 0x80, 0) << "server frames are not masked";
    std::size_t len = b1 & 0x7F, at = 2;
    if (len == 126) {
      if (!fill(4)) return {};
      len = (static_cast<std::size_t>(static_cast<unsigned char>(buf_[2])) << 8) | static_cast<unsigned char>(buf_[3]);
      at = 4;
    } else if (len == 127) {
      if (!fill(10)) return {};
      len = 0;
      for (int k = 2; k < 10; ++k) len = (len << 8) | static_cast<unsigned char>(buf_[static_cast<std::size_t>(k)]);
      at = 10;
    }
    if (!fill(at + len)) return {};
    Frame f{b0 & 0x0F, (b0 & 0x80) != 0, buf_.substr(at, len)};
    buf_.erase(0, at + len);
    return f;
  }
  // The next frame that is not a text message (server updates such as heartbeats are skipped).
  Frame control_frame() {
    for (;;) {
      Frame f = frame();
      if (f.opcode != 0x1) return f;
    }
  }
  // True once the server has closed its side (end of stream); false on a timeout with no end.
  bool at_end() {
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_;
  std::string buf_;
};

inline std::string upgrade_request(const std::string& version = "13", const std::string& key = "dGhlIHNhbXBsZSBub25jZQ==",
                                   const std::string& host = "127.0.0.1") {
  return "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: " + version + "\r\n\r\n";
}

// A client frame: `first` is the first byte (FIN, RSV bits, opcode), any payload length.
inline std::string client_frame(std::uint8_t first, const std::string& payload, bool masked = true) {
  std::string out(1, static_cast<char>(first));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
  }
  const char mask[4] = {0x01, 0x02, 0x03, 0x04};
  if (masked) out.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) out.push_back(masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i]);
  return out;
}

inline int close_code_of(const RawSocket::Frame& f) {
  return f.payload.size() >= 2 ? (static_cast<unsigned char>(f.payload[0]) << 8) | static_cast<unsigned char>(f.payload[1]) : 0;
}

}  // namespace everyvoice::testing
