// The WebSocket wire format the server speaks after the upgrade: frames it writes, and how it
// reads what clients send, byte by byte if need be.
#include "net/websocket_frames.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace everyvoice::net::ws {
namespace {

using Kind = Received::Kind;

// A client frame: masked, as browsers send them.
std::string client_frame(std::uint8_t first_byte, std::string_view payload, bool masked = true) {
  std::string out;
  out.push_back(static_cast<char>(first_byte));
  const std::uint8_t mask_bit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(mask_bit | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) out.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) out.push_back(masked ? static_cast<char>(payload[i] ^ mask[i % 4]) : payload[i]);
  return out;
}

std::vector<Received> feed_all(FrameParser& p, std::string_view bytes) {
  std::vector<Received> out;
  p.feed(bytes, out);
  return out;
}

TEST(WebsocketFrames, ServerFramesCarryTheLengthInOneTwoOrEightBytes) {
  const std::string small = encode_frame(Opcode::text, "hi");
  EXPECT_EQ(small, std::string("\x81\x02hi", 4));
  const std::string medium = encode_frame(Opcode::text, std::string(300, 'a'));
  ASSERT_EQ(medium.size(), 4u + 300);
  EXPECT_EQ(static_cast<unsigned char>(medium[1]), 126);
  EXPECT_EQ((static_cast<unsigned char>(medium[2]) << 8) | static_cast<unsigned char>(medium[3]), 300);
  const std::string large = encode_frame(Opcode::binary, std::string(70000, 'b'));
  ASSERT_EQ(large.size(), 10u + 70000);
  EXPECT_EQ(static_cast<unsigned char>(large[0]), 0x82);
  EXPECT_EQ(static_cast<unsigned char>(large[1]), 127);
  EXPECT_EQ((static_cast<unsigned char>(large[7]) << 16) | (static_cast<unsigned char>(large[8]) << 8) |
                static_cast<unsigned char>(large[9]),
            70000);
}

TEST(WebsocketFrames, CloseFramesCarryTheCodeAndAReasonCutAtACharacter) {
  const std::string f = encode_close(4001, "removed");
  EXPECT_EQ(f, std::string("\x88\x09\x0F\xA1removed", 11));
  // 62 two-byte characters are 124 bytes: the reason is cut to 61 of them, never inside one.
  std::string reason;
  for (int i = 0; i < 62; ++i) reason += "é";
  const std::string cut = encode_close(1000, reason);
  EXPECT_EQ(static_cast<unsigned char>(cut[1]), 2 + 122);
  EXPECT_TRUE(valid_utf8(cut.substr(4)));
}

TEST(WebsocketFrames, ReadsMaskedTextWhateverWayTheBytesArrive) {
  const std::string bytes = client_frame(0x81, R"({"type":"raise_hand"})") + client_frame(0x81, std::string(200, 'x'));
  for (std::size_t step : {1u, 2u, 3u, 7u, 1000u}) {
    FrameParser p(64 * 1024);
    std::vector<Received> got;
    for (std::size_t at = 0; at < bytes.size(); at += step) p.feed(std::string_view(bytes).substr(at, step), got);
    ASSERT_EQ(got.size(), 2u) << "step " << step;
    EXPECT_EQ(got[0].kind, Kind::text);
    EXPECT_EQ(got[0].payload, R"({"type":"raise_hand"})");
    EXPECT_EQ(got[1].payload, std::string(200, 'x'));
    EXPECT_EQ(p.held_bytes(), 0u) << "nothing kept between messages";
  }
}

TEST(WebsocketFrames, JoinsFragmentsAndAnswersControlFramesBetweenThem) {
  FrameParser p(1024);
  const auto got = feed_all(p, client_frame(0x01, "{\"type\":") + client_frame(0x89, "are you there") +
                                   client_frame(0x00, "\"lower") + client_frame(0x80, "_hand\"}"));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].kind, Kind::ping);
  EXPECT_EQ(got[0].payload, "are you there");
  EXPECT_EQ(got[1].kind, Kind::text);
  EXPECT_EQ(got[1].payload, R"({"type":"lower_hand"})");
}

TEST(WebsocketFrames, ReadsCloseFramesWithAndWithoutACode) {
  FrameParser p(1024);
  auto got = feed_all(p, client_frame(0x88, std::string("\x03\xE8" "bye", 5)));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, Kind::close);
  EXPECT_EQ(got[0].close_code, 1000);
  EXPECT_EQ(got[0].payload, "bye");
  FrameParser q(1024);
  got = feed_all(q, client_frame(0x88, ""));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].close_code, no_status);
}

TEST(WebsocketFrames, RefusesAMessageAboveTheLimitFromItsHeaderAlone) {
  FrameParser p(1000);
  const std::string big = client_frame(0x81, std::string(5000, 'x'));
  const auto got = feed_all(p, big.substr(0, 8));  // only the header has arrived
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, Kind::error);
  EXPECT_EQ(got[0].close_code, too_big);
  EXPECT_TRUE(p.failed());
  EXPECT_EQ(p.held_bytes(), 0u);
  // Fragments count together.
  FrameParser q(1000);
  const auto parts = feed_all(q, client_frame(0x01, std::string(600, 'a')) + client_frame(0x80, std::string(600, 'b')));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].close_code, too_big);
}

TEST(WebsocketFrames, ProtocolErrorsEndTheConnectionWithTheirCode) {
  struct Case {
    const char* what;
    std::string bytes;
    std::uint16_t code;
  };
  const std::vector<Case> cases = {
      {"unmasked", client_frame(0x81, "x", false), protocol_error},
      {"reserved bit (compression was not agreed)", client_frame(0xC1, "x"), protocol_error},
      {"unknown opcode", client_frame(0x83, "x"), protocol_error},
      {"fragmented ping", client_frame(0x09, "x"), protocol_error},
      {"long ping", client_frame(0x89, std::string(126, 'p')), protocol_error},
      {"continuation first", client_frame(0x80, "x"), protocol_error},
      {"text inside a fragmented text", client_frame(0x01, "a") + client_frame(0x81, "b"), protocol_error},
      {"close with one byte", client_frame(0x88, "\x03"), protocol_error},
      {"close code 1005 is never sent", client_frame(0x88, std::string("\x03\xED", 2)), protocol_error},
      {"text not UTF-8", client_frame(0x81, "caf\xC3"), invalid_data},
      {"close reason not UTF-8", client_frame(0x88, std::string("\x03\xE8\xFF", 3)), invalid_data},
  };
  for (const auto& c : cases) {
    FrameParser p(1024);
    const auto got = feed_all(p, c.bytes + client_frame(0x81, "after"));
    ASSERT_EQ(got.size(), 1u) << c.what;
    EXPECT_EQ(got[0].kind, Kind::error) << c.what;
    EXPECT_EQ(got[0].close_code, c.code) << c.what;
    EXPECT_TRUE(feed_all(p, client_frame(0x81, "more")).empty()) << c.what << ": nothing after an error";
  }
}

TEST(WebsocketFrames, BinaryMessagesAreNotCheckedAsText) {
  FrameParser p(1024);
  const auto got = feed_all(p, client_frame(0x82, "\xFF\xFE"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, Kind::binary);
}

TEST(WebsocketFrames, Utf8CheckRefusesOverlongsSurrogatesAndTruncation) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain"));
  EXPECT_TRUE(valid_utf8("Zoë, Łukasz, 日本, 🎉"));
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xE6\x97"));          // cut short
  EXPECT_FALSE(valid_utf8("\x80"));              // a continuation byte first
}


// --- UTF-8 checked as it arrives (Autobahn 6.4, "fail fast") --------------------------------------

// Text that is invalid at one byte (or, for a cut character, only at its end).
struct BadText {
  const char* what;
  std::string text;
  std::size_t bad_at;  // index of the first byte that cannot be valid; npos: only the end is wrong
};

const std::vector<BadText>& bad_texts() {
  // "Zoë " first, so that splits also fall inside a valid two-byte character.
  static const std::vector<BadText> cases = {
      {"overlong '/'", std::string("Zo\xC3\xAB \xC0\xAF rest"), 5},
      {"UTF-16 surrogate", std::string("Zo\xC3\xAB \xED\xA0\x80 rest"), 6},
      {"above U+10FFFF", std::string("Zo\xC3\xAB \xF4\x90\x80\x80 rest"), 6},
      {"lone continuation byte", std::string("Zo\xC3\xAB \x80 rest"), 5},
      {"cut short at the end", std::string("Zo\xC3\xAB \xE6\x97"), std::string::npos},
  };
  return cases;
}

TEST(WebsocketFrames, Utf8CheckerFailsAtTheFirstByteThatCannotBeValid) {
  for (const auto& c : bad_texts()) {
    Utf8Checker checker;
    std::size_t failed_at = std::string::npos;
    for (std::size_t i = 0; i < c.text.size(); ++i) {
      if (!checker.feed(static_cast<unsigned char>(c.text[i]))) {
        failed_at = i;
        break;
      }
    }
    EXPECT_EQ(failed_at, c.bad_at) << c.what;
    if (c.bad_at == std::string::npos) {
      EXPECT_FALSE(checker.complete()) << c.what;
    }
  }
}

TEST(WebsocketFrames, Utf8CheckerResetForgetsAHalfFinishedCharacter) {
  Utf8Checker checker;
  ASSERT_TRUE(checker.feed(0xE0));  // a three-byte lead whose next byte must be A0..BF
  checker.reset();
  EXPECT_TRUE(checker.complete());
  EXPECT_TRUE(checker.feed(0xC3));
  EXPECT_TRUE(checker.feed(0x80)) << "U+00C0 is valid after a reset";
  EXPECT_TRUE(checker.complete());

  Utf8Checker after_failure;
  ASSERT_TRUE(after_failure.feed(0xF4));    // next byte must be 80..8F
  ASSERT_FALSE(after_failure.feed(0x90));   // above U+10FFFF
  after_failure.reset();
  EXPECT_TRUE(after_failure.feed(0xC3));
  EXPECT_TRUE(after_failure.feed(0xA9)) << "'é' is valid after a reset";
}

// The frame's bytes in two feed() calls, cut at every place: the error comes in the call that
// brings the first bad byte (or, for a cut character, the call that ends the message), never later.
TEST(WebsocketFrames, InvalidTextFailsInTheReadThatBringsTheBadByteWhereverTheBytesAreCut) {
  for (const auto& c : bad_texts()) {
    const std::string frame = client_frame(0x81, c.text);
    const std::size_t header = frame.size() - c.text.size();
    const std::size_t fails_at = c.bad_at == std::string::npos ? frame.size() - 1 : header + c.bad_at;
    for (std::size_t cut = 1; cut < frame.size(); ++cut) {
      FrameParser p(1024);
      const auto first = feed_all(p, std::string_view(frame).substr(0, cut));
      const auto second = feed_all(p, std::string_view(frame).substr(cut));
      const auto& failed = fails_at < cut ? first : second;
      const auto& quiet = fails_at < cut ? second : first;
      ASSERT_EQ(failed.size(), 1u) << c.what << ", cut at " << cut;
      EXPECT_EQ(failed[0].kind, Kind::error) << c.what << ", cut at " << cut;
      EXPECT_EQ(failed[0].close_code, invalid_data) << c.what << ", cut at " << cut;
      EXPECT_TRUE(quiet.empty()) << c.what << ", cut at " << cut;
      EXPECT_EQ(p.held_bytes(), 0u);
    }
  }
}

// The message in two fragments, split at every byte of the text, fed a byte at a time: it fails
// once the same number of text bytes has arrived as when it comes whole.
TEST(WebsocketFrames, InvalidTextFailsAtTheSameByteWhereverTheMessageIsFragmented) {
  for (const auto& c : bad_texts()) {
    const std::size_t expected_text_bytes = c.bad_at == std::string::npos ? c.text.size() : c.bad_at + 1;
    for (std::size_t split = 0; split <= c.text.size(); ++split) {
      const std::string first = client_frame(0x01, c.text.substr(0, split));
      const std::string second = client_frame(0x80, c.text.substr(split));
      const std::string bytes = first + second;
      // Which bytes of the stream are text (not headers or masks).
      std::vector<bool> is_text(bytes.size(), false);
      for (std::size_t i = first.size() - split; i < first.size(); ++i) is_text[i] = true;
      for (std::size_t i = bytes.size() - (c.text.size() - split); i < bytes.size(); ++i) is_text[i] = true;

      FrameParser p(1024);
      std::vector<Received> got;
      std::size_t text_bytes = 0;
      for (std::size_t i = 0; i < bytes.size() && got.empty(); ++i) {
        if (is_text[i]) ++text_bytes;
        p.feed(std::string_view(bytes).substr(i, 1), got);
      }
      ASSERT_EQ(got.size(), 1u) << c.what << ", split at " << split;
      EXPECT_EQ(got[0].close_code, invalid_data) << c.what << ", split at " << split;
      EXPECT_EQ(text_bytes, expected_text_bytes) << c.what << ", split at " << split;
    }
  }
}

TEST(WebsocketFrames, ALongTextFailsBeforeItsRestArrives) {
  std::string text = "caf\xC0\xAF";
  text += std::string(1000, 'x');
  const std::string frame = client_frame(0x81, text);  // 8 bytes of header and mask, then the text
  FrameParser p(64 * 1024);
  const auto got = feed_all(p, std::string_view(frame).substr(0, 20));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, Kind::error);
  EXPECT_EQ(got[0].close_code, invalid_data);
  EXPECT_TRUE(p.failed());
  EXPECT_EQ(p.held_bytes(), 0u) << "the start of the frame is not kept";
  EXPECT_TRUE(feed_all(p, std::string_view(frame).substr(20)).empty());
  EXPECT_TRUE(feed_all(p, client_frame(0x81, "fine")).empty());
}

TEST(WebsocketFrames, AFragmentedTextFailsInTheFragmentThatBringsTheBadBytes) {
  const std::string first = client_frame(0x01, "hello ");
  const std::string second = client_frame(0x00, "w\xED\xA0\x80" + std::string(500, 'x'));  // 8 bytes of header
  const std::string last = client_frame(0x80, "end");
  FrameParser p(64 * 1024);
  const auto got = feed_all(p, first + second.substr(0, 12));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, Kind::error);
  EXPECT_EQ(got[0].close_code, invalid_data);
  EXPECT_EQ(p.held_bytes(), 0u);
  EXPECT_TRUE(feed_all(p, second.substr(12) + last).empty());
}

TEST(WebsocketFrames, ACharacterSplitAcrossFragmentsIsValid) {
  FrameParser p(1024);
  const auto got = feed_all(p, client_frame(0x01, "Zo\xC3") + client_frame(0x00, "\xAB \xF0\x9F") + client_frame(0x80, "\x8E\x89"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].kind, Kind::text);
  EXPECT_EQ(got[0].payload, "Zoë 🎉");
}

// --- Sec-WebSocket-Key --------------------------------------------------------------------------

TEST(WebsocketFrames, TheClientKeyMustBeTheBase64OfSixteenBytes) {
  EXPECT_TRUE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ==")) << "the example of RFC 6455";
  EXPECT_TRUE(valid_client_key("AAAAAAAAAAAAAAAAAAAAAA=="));
  EXPECT_TRUE(valid_client_key("+/+/+/+/+/+/+/+/+/+/+w=="));
  // The 22nd character carries 2 bits: A, Q, g and w are its only values.
  for (char last : {'A', 'Q', 'g', 'w'})
    EXPECT_TRUE(valid_client_key(std::string("dGhlIHNhbXBsZSBub25jZ") + last + "==")) << last;
  for (char last : {'R', 'B', 'P', 'h', 'x', '/', '9'})
    EXPECT_FALSE(valid_client_key(std::string("dGhlIHNhbXBsZSBub25jZ") + last + "==")) << last;

  EXPECT_FALSE(valid_client_key(""));
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ=")) << "23 characters";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ===")) << "25 characters";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ")) << "no padding";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQAA")) << "24 characters without \"==\"";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ=A"));
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub25jZQ== ")) << "trailing space";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub2-jZQ==")) << "base64url '-'";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub2_jZQ==")) << "base64url '_'";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub2 jZQ==")) << "a space";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub2=jZQ==")) << "'=' inside";
  EXPECT_FALSE(valid_client_key(std::string("dGhlIHNhbXBsZSBub2\0jZQ==", 24))) << "a NUL";
  EXPECT_FALSE(valid_client_key("dGhlIHNhbXBsZSBub2\xC3\xA9ZQ==")) << "a non-ASCII character";
}

}  // namespace
}  // namespace everyvoice::net::ws
