// A CSV field (RFC 4180) for the minutes and the group's participation record: quoted, quotes
// doubled, and a leading = + - @ tab or CR (a formula to a spreadsheet; OWASP "CSV injection")
// made harmless with a leading apostrophe.
#pragma once

#include <string>
#include <string_view>

namespace everyvoice::codec {

inline std::string csv_field(std::string_view text) {
  std::string out = "\"";
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) out.push_back('\'');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

}  // namespace everyvoice::codec
