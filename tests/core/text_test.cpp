#include "core/text.hpp"

#include "meeting_fixture.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace everyvoice::core {
namespace {

using namespace std::string_view_literals;

// --- utf8_length ---

TEST(Utf8Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xC3\xA9"), 1u);          // é, 2 bytes
  EXPECT_EQ(utf8_length("\xE2\x82\xAC"), 1u);      // €, 3 bytes
  EXPECT_EQ(utf8_length("\xF0\x9F\x98\x80"), 1u);  // 😀, 4 bytes
  EXPECT_EQ(utf8_length("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"), 5u);
  EXPECT_EQ(utf8_length("a\0b"sv), 3u);  // NUL is a valid code point
}

TEST(Utf8Length, AcceptsTheBoundariesOfEachLength) {
  EXPECT_EQ(utf8_length("\x7F"), 1u);              // U+007F, last one-byte
  EXPECT_EQ(utf8_length("\xC2\x80"), 1u);          // U+0080, first two-byte
  EXPECT_EQ(utf8_length("\xDF\xBF"), 1u);          // U+07FF, last two-byte
  EXPECT_EQ(utf8_length("\xE0\xA0\x80"), 1u);      // U+0800, first three-byte
  EXPECT_EQ(utf8_length("\xED\x9F\xBF"), 1u);      // U+D7FF, just below the surrogates
  EXPECT_EQ(utf8_length("\xEE\x80\x80"), 1u);      // U+E000, just above the surrogates
  EXPECT_EQ(utf8_length("\xEF\xBF\xBF"), 1u);      // U+FFFF
  EXPECT_EQ(utf8_length("\xF0\x90\x80\x80"), 1u);  // U+10000, first four-byte
  EXPECT_EQ(utf8_length("\xF4\x8F\xBF\xBF"), 1u);  // U+10FFFF, the last code point
}

TEST(Utf8Length, RejectsMalformedSequences) {
  EXPECT_EQ(utf8_length("\xFF"), std::nullopt);                  // never valid
  EXPECT_EQ(utf8_length("\xFE\xFF"), std::nullopt);
  EXPECT_EQ(utf8_length("\x80"), std::nullopt);                  // lone continuation byte
  EXPECT_EQ(utf8_length("abc\xBF"), std::nullopt);
  EXPECT_EQ(utf8_length("\xC3"), std::nullopt);                  // truncated two-byte
  EXPECT_EQ(utf8_length("\xE2\x82"), std::nullopt);              // truncated three-byte
  EXPECT_EQ(utf8_length("\xF0\x9F\x98"), std::nullopt);          // truncated four-byte
  EXPECT_EQ(utf8_length("\xC3\x28"), std::nullopt);              // second byte not a continuation
  EXPECT_EQ(utf8_length("\xE2\x28\xA1"), std::nullopt);
  EXPECT_EQ(utf8_length("\xF8\x88\x80\x80\x80"), std::nullopt);  // old five-byte form
  EXPECT_EQ(utf8_length("\xF4\x90\x80\x80"), std::nullopt);      // U+110000, beyond Unicode
  EXPECT_EQ(utf8_length("\xF7\xBF\xBF\xBF"), std::nullopt);
}

TEST(Utf8Length, RejectsOverlongForms) {
  EXPECT_EQ(utf8_length("\xC0\xAF"), std::nullopt);          // '/' in two bytes
  EXPECT_EQ(utf8_length("\xC0\x80"), std::nullopt);          // NUL in two bytes (modified UTF-8)
  EXPECT_EQ(utf8_length("\xC1\xBF"), std::nullopt);          // U+007F in two bytes
  EXPECT_EQ(utf8_length("\xE0\x80\xAF"), std::nullopt);      // '/' in three bytes
  EXPECT_EQ(utf8_length("\xE0\x9F\xBF"), std::nullopt);      // U+07FF in three bytes
  EXPECT_EQ(utf8_length("\xF0\x80\x80\xAF"), std::nullopt);  // '/' in four bytes
  EXPECT_EQ(utf8_length("\xF0\x8F\xBF\xBF"), std::nullopt);  // U+FFFF in four bytes
}

TEST(Utf8Length, RejectsSurrogates) {
  EXPECT_EQ(utf8_length("\xED\xA0\x80"), std::nullopt);  // U+D800
  EXPECT_EQ(utf8_length("\xED\xAD\xBF"), std::nullopt);  // U+DB7F
  EXPECT_EQ(utf8_length("\xED\xBF\xBF"), std::nullopt);  // U+DFFF
  // A CESU-8 pair (a surrogate pair encoded as two three-byte sequences) is not UTF-8 either.
  EXPECT_EQ(utf8_length("\xED\xA0\xBD\xED\xB8\x80"), std::nullopt);
}

// --- trim ---

TEST(Trim, RemovesAsciiWhitespaceAtBothEndsOnly) {
  EXPECT_EQ(trim("  hello \t\r\n"), "hello");
  EXPECT_EQ(trim("\f\vhello"), "hello");
  EXPECT_EQ(trim("a  b"), "a  b");
  EXPECT_EQ(trim(" a \t b "), "a \t b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t\n "), "");
  // A no-break space (U+00A0) is not ASCII whitespace: it stays.
  EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");
}

// --- fold_name ---

TEST(FoldName, IgnoresCaseOuterSpaceAndRunsOfWhitespace) {
  EXPECT_EQ(fold_name("  Mary   JONES "), "mary jones");
  EXPECT_EQ(fold_name("Mary\tJones"), "mary jones");
  EXPECT_EQ(fold_name("Mary \t\n Jones"), "mary jones");
  EXPECT_EQ(fold_name("mary jones"), fold_name("MARY JONES"));
  EXPECT_NE(fold_name("maryjones"), fold_name("mary jones"));
  EXPECT_EQ(fold_name(""), "");
  EXPECT_EQ(fold_name("   "), "");
}

TEST(FoldName, LettersOutsideAsciiAreComparedAsTyped) {
  EXPECT_EQ(fold_name("\xC3\x89LISE"), "\xC3\x89lise");  // ÉLISE -> Élise: only ASCII is lower-cased
  EXPECT_NE(fold_name("\xC3\x89lise"), fold_name("\xC3\xA9lise"));  // Élise and élise stay different
  EXPECT_EQ(fold_name("Zo\xC3\xAB"), "zo\xC3\xAB");
}

// --- clean_display_name ---

TEST(CleanDisplayName, TrimsAValidName) {
  std::string why = "untouched";
  EXPECT_EQ(clean_display_name("  Amina Okafor \t", 60, why), "Amina Okafor");
  EXPECT_EQ(why, "untouched");
  EXPECT_EQ(clean_display_name("Zo\xC3\xAB", 60, why), "Zo\xC3\xAB");
}

TEST(CleanDisplayName, RefusesAnEmptyName) {
  std::string why;
  EXPECT_EQ(clean_display_name("", 60, why), std::nullopt);
  EXPECT_EQ(why, "the name is empty");
  why.clear();
  EXPECT_EQ(clean_display_name(" \t\n ", 60, why), std::nullopt);
  EXPECT_EQ(why, "the name is empty");
}

TEST(CleanDisplayName, CountsTheLimitInCharacters) {
  std::string why;
  EXPECT_EQ(clean_display_name(std::string(60, 'x'), 60, why), std::string(60, 'x'));
  EXPECT_EQ(clean_display_name(std::string(61, 'x'), 60, why), std::nullopt);
  EXPECT_EQ(why, "the name is longer than 60 characters");
  std::string accented;
  for (int i = 0; i < 60; ++i) accented += "\xC3\xA9";  // 60 characters, 120 bytes
  EXPECT_EQ(clean_display_name(accented, 60, why), accented);
  EXPECT_EQ(clean_display_name(accented + "\xC3\xA9", 60, why), std::nullopt);
  // Surrounding spaces do not count against the limit.
  EXPECT_EQ(clean_display_name("  " + std::string(60, 'x') + "  ", 60, why), std::string(60, 'x'));
}

TEST(CleanDisplayName, RefusesInvalidUtf8) {
  std::string why;
  EXPECT_EQ(clean_display_name("Bo\xFF", 60, why), std::nullopt);
  EXPECT_EQ(why, "the name is not valid UTF-8");
  EXPECT_EQ(clean_display_name("\xC0\xAF", 60, why), std::nullopt);
  EXPECT_EQ(clean_display_name("\xED\xA0\x80", 60, why), std::nullopt);
}

TEST(CleanDisplayName, RefusesControlCharacters) {
  for (const std::string_view raw : {"bad\x01name"sv, "a\x7F"sv, "tab\tinside"sv, "new\nline"sv, "nul\0x"sv,
                                     "esc\x1B[31m"sv}) {
    std::string why;
    EXPECT_EQ(clean_display_name(raw, 60, why), std::nullopt) << raw;
    EXPECT_EQ(why, "the name contains a control character") << raw;
  }
  // C1 control characters (U+0080..U+009F) are control characters too: NEL, CSI.
  for (const std::string_view raw : {"Mary\xC2\x85"sv, "x\xC2\x9B" "31m"sv, "\xC2\x80y"sv}) {
    std::string why;
    EXPECT_EQ(clean_display_name(raw, 60, why), std::nullopt) << raw;
    EXPECT_EQ(why, "the name contains a control character") << raw;
  }
  // U+00A0 and letters just above the C1 range are fine.
  std::string why;
  EXPECT_EQ(clean_display_name("Jo\xC2\xA0" "Ann", 60, why), "Jo\xC2\xA0" "Ann");
}

// --- acceptable_text ---

TEST(AcceptableText, AllowsNewlineAndTabButNoOtherControls) {
  EXPECT_TRUE(acceptable_text("", 200));
  EXPECT_TRUE(acceptable_text("time-sensitive", 200));
  EXPECT_TRUE(acceptable_text("first line\nsecond\tcolumn", 200));
  EXPECT_FALSE(acceptable_text("carriage\rreturn", 200));
  EXPECT_FALSE(acceptable_text("bell\x07", 200));
  EXPECT_FALSE(acceptable_text("esc\x1B", 200));
  EXPECT_FALSE(acceptable_text("del\x7F", 200));
  EXPECT_FALSE(acceptable_text("nul\0"sv, 200));
  EXPECT_FALSE(acceptable_text("next line\xC2\x85", 200));  // U+0085, a C1 control
  EXPECT_TRUE(acceptable_text("caf\xC3\xA9 \xE2\x82\xAC", 200));
}

TEST(AcceptableText, RefusesInvalidUtf8) {
  EXPECT_FALSE(acceptable_text("\xFF", 200));
  EXPECT_FALSE(acceptable_text("\xC0\xAF", 200));
  EXPECT_FALSE(acceptable_text("\xED\xA0\x80", 200));
}

TEST(AcceptableText, LimitIsInCodePoints) {
  EXPECT_TRUE(acceptable_text(std::string(200, 'r'), 200));
  EXPECT_FALSE(acceptable_text(std::string(201, 'r'), 200));
  std::string euros;
  for (int i = 0; i < 200; ++i) euros += "\xE2\x82\xAC";  // 200 characters, 600 bytes
  EXPECT_TRUE(acceptable_text(euros, 200));
  EXPECT_FALSE(acceptable_text(euros + "x", 200));
}

// --- spoken_duration ---

TEST(SpokenDuration, ReadsLikeAPersonWouldSayIt) {
  EXPECT_EQ(spoken_duration(0), "0 s");
  EXPECT_EQ(spoken_duration(999), "0 s");  // whole seconds, rounded down
  EXPECT_EQ(spoken_duration(45'000), "45 s");
  EXPECT_EQ(spoken_duration(45'999), "45 s");
  EXPECT_EQ(spoken_duration(59'999), "59 s");
  EXPECT_EQ(spoken_duration(60'000), "1 min 0 s");
  EXPECT_EQ(spoken_duration(190'000), "3 min 10 s");
  EXPECT_EQ(spoken_duration(3'599'999), "59 min 59 s");
  EXPECT_EQ(spoken_duration(3'600'000), "1 h 0 min");
  EXPECT_EQ(spoken_duration(3'720'000), "1 h 2 min");
  EXPECT_EQ(spoken_duration(3'779'000), "1 h 2 min");  // seconds are dropped once past an hour
  EXPECT_EQ(spoken_duration(90'000'000), "25 h 0 min");
}

}  // namespace
}  // namespace everyvoice::core
