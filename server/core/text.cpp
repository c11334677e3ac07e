#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace everyvoice::core {

std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + len > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
    ++count;
  }
  return count;
}

namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }
// A C1 control character (U+0080..U+009F) in valid UTF-8: the lead byte 0xC2 and a continuation
// byte 0x80..0x9F.
bool is_c1_control_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]) == 0xC2 && i + 1 < text.size() &&
         static_cast<unsigned char>(text[i + 1]) <= 0x9F;
}
}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string fold_name(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  bool pending_space = false;
  for (char c : trim(name)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) key.push_back(' ');
    pending_space = false;
    key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return key;
}

std::optional<std::string> clean_display_name(std::string_view raw, std::size_t max_chars, std::string& why) {
  const std::string_view name = trim(raw);
  const auto length = utf8_length(name);
  if (!length) {
    why = "the name is not valid UTF-8";
    return std::nullopt;
  }
  if (*length == 0) {
    why = "the name is empty";
    return std::nullopt;
  }
  if (*length > max_chars) {
    why = "the name is longer than " + std::to_string(max_chars) + " characters";
    return std::nullopt;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (is_control(static_cast<unsigned char>(name[i])) || is_c1_control_at(name, i)) {
      why = "the name contains a control character";
      return std::nullopt;
    }
  }
  return std::string(name);
}

bool acceptable_text(std::string_view text, std::size_t max_chars) {
  const auto length = utf8_length(text);
  if (!length || *length > max_chars) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_control(static_cast<unsigned char>(c)) && c != '\n' && c != '\t') return false;
    if (is_c1_control_at(text, i)) return false;
  }
  return true;
}

std::string spoken_duration(long long ms) {
  const long long total_s = ms / 1000;
  const long long h = total_s / 3600;
  const long long m = (total_s % 3600) / 60;
  const long long s = total_s % 60;
  if (h > 0) return std::to_string(h) + " h " + std::to_string(m) + " min";
  if (m > 0) return std::to_string(m) + " min " + std::to_string(s) + " s";
  return std::to_string(s) + " s";
}

std::optional<std::string> call_link_problem(std::string_view link, std::size_t max_bytes) {
  constexpr std::string_view scheme = "https://";
  if (link.size() > max_bytes) return "the call link is longer than " + std::to_string(max_bytes) + " characters";
  if (link.size() < scheme.size() || !std::equal(scheme.begin(), scheme.end(), link.begin(), [](char a, char b) {
        return a == static_cast<char>(std::tolower(static_cast<unsigned char>(b)));
      }))
    return "the call link must start with https://";
  for (char c : link)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F)
      return "the call link must be one address, without spaces (other characters percent-encoded)";
  const std::string_view rest = link.substr(scheme.size());
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return "the call link must not carry a user name or password";
  std::string_view host = authority;
  if (!host.empty() && host.front() != '[')  // a port after the name; an IPv6 literal keeps its colons
    if (const auto colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (host.empty() || host.front() == '.' || host.front() == '-' || host.front() == ':')
    return "the call link must name a host, like https://meet.example.org/room";
  return std::nullopt;
}

}  // namespace everyvoice::core
