// Who a request comes from behind a reverse proxy: only --trusted-proxies are believed about
// X-Forwarded-For and X-Forwarded-Proto, so a client cannot choose the address its limits count.
#include "net/forwarded.hpp"

#include <gtest/gtest.h>

namespace everyvoice::net {
namespace {

TrustedProxies trusted(std::vector<std::string> entries) {
  std::string error;
  auto t = TrustedProxies::parse(entries, error);
  EXPECT_TRUE(t) << error;
  return t.value_or(TrustedProxies{});
}

TEST(Forwarded, ParsesAddressesAndRanges) {
  const auto t = trusted({"127.0.0.1", "10.0.0.0/8", "2001:db8::/32", "::1"});
  EXPECT_TRUE(t.contains("127.0.0.1"));
  EXPECT_FALSE(t.contains("127.0.0.2"));
  EXPECT_TRUE(t.contains("10.200.3.4"));
  EXPECT_FALSE(t.contains("11.0.0.1"));
  EXPECT_TRUE(t.contains("2001:db8:ffff::1"));
  EXPECT_FALSE(t.contains("2001:db9::1"));
  EXPECT_TRUE(t.contains("::1"));
  EXPECT_TRUE(t.contains("::ffff:10.1.2.3")) << "an IPv4 peer seen on an IPv6 socket is the same peer";
  EXPECT_FALSE(t.contains("not an address"));
  EXPECT_FALSE(t.contains(""));
}

TEST(Forwarded, RefusesBadEntries) {
  for (const std::string bad : {"10.0.0.0/33", "::/129", "10.0.0.1/", "10.0.0/8", "example.org", "10.0.0.1/8x", "fe80::1%eth0", ""}) {
    std::string error;
    EXPECT_FALSE(TrustedProxies::parse({bad}, error)) << bad;
    EXPECT_NE(error.find('"'), std::string::npos) << "the error names the entry: " << error;
  }
}

TEST(Forwarded, NoProxiesTrustedByDefault) {
  const TrustedProxies none;
  EXPECT_EQ(none.client_address("203.0.113.9", {"198.51.100.1"}), "203.0.113.9");
}

TEST(Forwarded, HeadersFromAnUntrustedPeerAreIgnored) {
  const auto t = trusted({"127.0.0.1"});
  EXPECT_EQ(t.client_address("203.0.113.9", {"198.51.100.1"}), "203.0.113.9");
  EXPECT_EQ(t.client_address("127.0.0.2", {"198.51.100.1"}), "127.0.0.2");
}

TEST(Forwarded, TheRightmostUntrustedHopIsTheClient) {
  const auto t = trusted({"127.0.0.1", "10.0.0.0/8"});
  // nginx appends the address it saw; whatever the client wrote before that is not believed.
  EXPECT_EQ(t.client_address("127.0.0.1", {"6.6.6.6, 198.51.100.7"}), "198.51.100.7");
  EXPECT_EQ(t.client_address("127.0.0.1", {"6.6.6.6", "198.51.100.7"}), "198.51.100.7") << "several headers are one list";
  EXPECT_EQ(t.client_address("127.0.0.1", {"198.51.100.7, 10.1.1.1"}), "198.51.100.7") << "a trusted hop is skipped";
  EXPECT_EQ(t.client_address("127.0.0.1", {" 2001:db8::7 "}), "2001:db8::7");
  EXPECT_EQ(t.client_address("127.0.0.1", {"[2001:db8::7]"}), "2001:db8::7");
  EXPECT_EQ(t.client_address("127.0.0.1", {"::ffff:198.51.100.7"}), "198.51.100.7") << "one address, one text";
}

TEST(Forwarded, MalformedHopsStopTheWalk) {
  const auto t = trusted({"127.0.0.1", "10.0.0.0/8"});
  EXPECT_EQ(t.client_address("127.0.0.1", {}), "127.0.0.1") << "no header: the proxy itself";
  EXPECT_EQ(t.client_address("127.0.0.1", {""}), "127.0.0.1");
  EXPECT_EQ(t.client_address("127.0.0.1", {"unknown"}), "127.0.0.1");
  EXPECT_EQ(t.client_address("127.0.0.1", {"198.51.100.7, garbage, 10.0.0.5"}), "10.0.0.5")
      << "nothing left of a bad hop is believed; the last believed one counts";
  EXPECT_EQ(t.client_address("127.0.0.1", {"198.51.100.7:4711"}), "127.0.0.1") << "ports are not part of the address";
  EXPECT_EQ(t.client_address("127.0.0.1", {std::string(5000, ',')}), "127.0.0.1");
}

TEST(Forwarded, HttpsOnlyFromATrustedPeer) {
  EXPECT_TRUE(forwarded_https(true, "https"));
  EXPECT_TRUE(forwarded_https(true, "HTTPS"));
  EXPECT_TRUE(forwarded_https(true, "http, https")) << "the last value is our proxy's";
  EXPECT_FALSE(forwarded_https(true, "https, http"));
  EXPECT_FALSE(forwarded_https(true, "http"));
  EXPECT_FALSE(forwarded_https(true, ""));
  EXPECT_FALSE(forwarded_https(false, "https"));
}

TEST(Forwarded, AddressesPrintCanonically) {
  EXPECT_EQ(to_string(*parse_ip("2001:0db8:0000:0000:0000:0000:0000:0001")), "2001:db8::1");
  EXPECT_EQ(to_string(*parse_ip("192.0.2.1")), "192.0.2.1");
  EXPECT_FALSE(parse_ip("192.0.2.256"));
  EXPECT_FALSE(parse_ip("1.2.3.4 5"));
}

}  // namespace
}  // namespace everyvoice::net
