// The web client's files as served: gzip once, ETags, versioned links in the pages, reloads when a
// file changes, and the header rules (Accept-Encoding, If-None-Match).
#include "net/static_files.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace everyvoice::net {
namespace {

namespace fs = std::filesystem;

std::string gunzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("everyvoice-static-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root);
    fs::create_directories(root / "js");
  }
  void TearDown() override { fs::remove_all(root); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(root / name, std::ios::binary | std::ios::trunc) << text;
  }
  std::string path(const std::string& name) const { return (root / name).string(); }
  fs::path root;
};

TEST_F(StaticFilesTest, ScriptsAreGzippedOnceAndNamedByTheirContent) {
  std::string script;
  for (int i = 0; i < 200; ++i) script += "export const line" + std::to_string(i) + " = 'every voice counts';\n";
  write("js/app.js", script);
  StaticFiles files(root.string());
  const auto a = files.get(path("js/app.js"));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(a->body, script);
  ASSERT_FALSE(a->gzip.empty());
  EXPECT_LT(a->gzip.size(), script.size() / 4);
  EXPECT_EQ(gunzip(a->gzip), script);
  EXPECT_EQ(a->etag.front(), '"');
  EXPECT_EQ(a->version.size(), 16u);
  EXPECT_EQ(files.get(path("js/app.js")), a) << "unchanged: the same asset, not read again";
  EXPECT_NE(a->last_modified.find(" GMT"), std::string::npos);
}

TEST_F(StaticFilesTest, AChangedFileIsReloaded) {
  write("js/app.js", "one");
  StaticFiles files(root.string());
  const auto before = files.get(path("js/app.js"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write("js/app.js", "two!");
  const auto after = files.get(path("js/app.js"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "two!");
  EXPECT_NE(after->etag, before->etag);
  EXPECT_TRUE(after->gzip.empty()) << "tiny files are not worth compressing";
}

TEST_F(StaticFilesTest, PagesNameTheirScriptsWithAVersion) {
  write("js/app.js", "console.log('v1');");
  write("site.css", "body{}");
  write("page.html",
        "<link rel=\"stylesheet\" href=\"/site.css\"><script type=\"module\" src=\"/js/app.js\"></script>"
        "<a href=\"/join\">join</a><img src=\"/missing.js\"><a href=\"//elsewhere.example/x.js\">x</a>");
  StaticFiles files(root.string());
  const auto page = files.get(path("page.html"));
  const auto script = files.get(path("js/app.js"));
  const auto css = files.get(path("site.css"));
  ASSERT_TRUE(page && script && css);
  EXPECT_NE(page->body.find("src=\"/js/app.js?v=" + script->version + "\""), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("href=\"/site.css?v=" + css->version + "\""), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("href=\"/join\""), std::string::npos) << "pages are not versioned";
  EXPECT_NE(page->body.find("src=\"/missing.js\""), std::string::npos) << "a missing file gets no version";
  EXPECT_NE(page->body.find("\"//elsewhere.example/x.js\""), std::string::npos) << "other hosts are left alone";

  // A new script makes a new page (its link changes), though the page's file did not change.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write("js/app.js", "console.log('v2!');");
  const auto page2 = files.get(path("page.html"));
  const auto script2 = files.get(path("js/app.js"));
  EXPECT_NE(script2->version, script->version);
  EXPECT_NE(page2->body.find("?v=" + script2->version), std::string::npos);
  EXPECT_NE(page2->etag, page->etag);
}

TEST_F(StaticFilesTest, MissingAndTooLargeFilesAreNotKept) {
  StaticFiles files(root.string());
  EXPECT_FALSE(files.get(path("nope.js")));
  EXPECT_FALSE(files.get(path("js"))) << "a folder is not a file";
  write("big.bin", std::string(StaticFiles::max_cached_bytes + 1, 'x'));
  EXPECT_FALSE(files.get(path("big.bin")));
}

TEST(StaticHeaders, AcceptEncoding) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("br"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("gzipped"));
}

TEST(StaticHeaders, IfNoneMatch) {
  EXPECT_TRUE(etag_matches("\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(etag_matches("*", "\"abc\""));
  EXPECT_FALSE(etag_matches("\"abc-gz\"", "\"abc\""));
  EXPECT_FALSE(etag_matches("abc", "\"abc\""));
  EXPECT_FALSE(etag_matches("", "\"abc\""));
}

}  // namespace
}  // namespace everyvoice::net
