// Rules for the free text people type: display names, reasons, topics.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace everyvoice::core {

// Number of code points in valid UTF-8, or nullopt when the bytes are not valid UTF-8
// (overlong forms and surrogates included).
std::optional<std::size_t> utf8_length(std::string_view text);

// Without leading and trailing ASCII whitespace.
std::string_view trim(std::string_view text);

// The key under which two names count as the same: trimmed, runs of whitespace made one space,
// ASCII letters lower-cased. Letters outside ASCII are compared as typed.
std::string fold_name(std::string_view name);

// A display name as stored (trimmed), or nullopt with `why` set when it breaks a rule:
// 1 to max_chars code points after trimming, valid UTF-8, no control characters.
std::optional<std::string> clean_display_name(std::string_view raw, std::size_t max_chars, std::string& why);

// Whether text (a reason, a topic) is valid UTF-8, free of control characters other than
// newline and tab, and at most max_chars code points.
bool acceptable_text(std::string_view text, std::size_t max_chars);

// A link to a meeting's video call: an https:// address with a host, at most max_bytes, printable
// ASCII only (an address with other characters is written percent-encoded), no spaces, no
// user:password part. Returns why not, or nullopt when it is acceptable.
std::optional<std::string> call_link_problem(std::string_view link, std::size_t max_bytes);

// "45 s", "3 min 10 s", "1 h 2 min": a duration as a person reads it.
std::string spoken_duration(long long ms);

}  // namespace everyvoice::core
