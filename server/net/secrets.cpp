#include "net/secrets.hpp"

#include <openssl/evp.h>
#include <sys/random.h>

#include <stdexcept>

namespace everyvoice::net {
namespace {

constexpr std::string_view code_alphabet = "ACDEFHJKMNPQRTUVWXY34679";

void fill_random(void* out, std::size_t n) {
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {
    const ssize_t got = getrandom(p, n, 0);
    if (got < 0) throw std::runtime_error("getrandom failed");
    p += got;
    n -= static_cast<std::size_t>(got);
  }
}

}  // namespace

std::string new_meeting_code() {
  std::string code;
  while (code.size() < 6) {
    unsigned char b;
    fill_random(&b, 1);
    if (b < 240) code.push_back(code_alphabet[b % code_alphabet.size()]);  // 240 = 10 * 24: no bias
  }
  return code;
}

std::string normalize_meeting_code(std::string_view typed) {
  std::string code;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (code_alphabet.find(c) == std::string_view::npos) return "";
    code.push_back(c);
  }
  return code.size() == 6 ? code : "";
}

std::string new_secret() {
  unsigned char bytes[16];
  fill_random(bytes, sizeof bytes);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(hex[b >> 4]);
    out.push_back(hex[b & 15]);
  }
  return out;
}

SecretHash hash_secret(std::string_view secret) {
  SecretHash h{};
  unsigned int len = 0;
  if (EVP_Digest(secret.data(), secret.size(), h.data(), &len, EVP_sha256(), nullptr) != 1 || len != h.size())
    throw std::runtime_error("SHA-256 failed");
  return h;
}

std::uint64_t random_u64() {
  std::uint64_t v;
  fill_random(&v, sizeof v);
  return v;
}

}  // namespace everyvoice::net

namespace everyvoice::net {

std::string websocket_accept_key(std::string_view client_key) {
  const std::string joined = std::string(client_key) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(joined.data(), joined.size(), digest, &size, EVP_sha1(), nullptr);
  unsigned char encoded[64];
  const int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(size));
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(n));
}

}  // namespace everyvoice::net
