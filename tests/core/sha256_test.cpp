// SHA-256 against the FIPS 180-4 / NIST example vectors, and against /usr/bin/sha256sum for the
// lengths around the padding boundary (55: padding fits one block; 56: it spills into a second;
// 63, 64, 65: around a full block).
#include "core/sha256.hpp"

#include "meeting_fixture.hpp"

#include <string>

namespace everyvoice::core {
namespace {

// "abcdefghij..." repeated, n bytes: a message whose bytes are not all the same.
std::string alphabet(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>('a' + i % 26));
  return out;
}

TEST(Sha256, EmptyMessage) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessageOf448Bits) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, OneMillionLetterA) {
  EXPECT_EQ(sha256_hex(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Expected values computed with: head -c N /dev/zero | tr '\0' a | /usr/bin/sha256sum
TEST(Sha256, LengthsAroundThePaddingBoundary) {
  EXPECT_EQ(sha256_hex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(63, 'a')), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
  EXPECT_EQ(sha256_hex(std::string(65, 'a')), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
}

// The same boundaries one block further on, with bytes that differ (so a mix-up of block offsets
// would show). Expected values from /usr/bin/sha256sum.
TEST(Sha256, LengthsAroundTheSecondBlockBoundary) {
  EXPECT_EQ(sha256_hex(alphabet(119)), "faef67da856d6fd9c8d12f9ed0a4fefd3cf0ce085ab43e2907418d457e3c354b");
  EXPECT_EQ(sha256_hex(alphabet(120)), "c9512b08619c19fbb503c7da6b46ef20301e5f7a7a5f43989182398536f5c5c8");
  EXPECT_EQ(sha256_hex(alphabet(128)), "6c05be2c4268843ae47e68e611277ce62c02153f2f4d2e1e2a1a4b44f766cf74");
}

TEST(Sha256, BytesAboveSevenBitsAndEmbeddedZerosCount) {
  // Every byte counts, including a zero in the middle and bytes >= 0x80 (signed char on most targets).
  const std::string with_zero("a\0b", 3);
  EXPECT_NE(sha256_hex(with_zero), sha256_hex("ab"));
  const std::string high("\xff\x80", 2);
  EXPECT_EQ(sha256_hex(high).size(), 64u);
  EXPECT_NE(sha256_hex(high), sha256_hex(std::string("\x7f\x00", 2)));
}

TEST(Sha256, OutputIsSixtyFourLowercaseHexDigits) {
  const std::string h = sha256_hex("everyvoice");
  ASSERT_EQ(h.size(), 64u);
  for (char c : h) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << c;
}

}  // namespace
}  // namespace everyvoice::core
