// Settings from flags and from a configuration file (--config), as the packaged server reads
// /etc/everyvoice/everyvoice.conf: every flag's name works there, flags after it win, and a bad
// line stops the server with the file and line named.
#include "net/settings.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace everyvoice::net {
namespace {

struct Parsed {
  std::optional<Settings> settings;
  std::string error, help;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "everyvoice");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  Parsed p;
  p.settings = parse_settings(static_cast<int>(argv.size()), argv.data(), p.error, p.help);
  return p;
}

std::string config_file(const std::string& text) {
  static int n = 0;
  const auto path = std::filesystem::temp_directory_path() /
                    ("everyvoice-settings-" + std::to_string(::getpid()) + "-" + std::to_string(++n) + ".conf");
  std::ofstream(path) << text;
  return path.string();
}

TEST(Settings, ConfigFileSetsWhatFlagsSet) {
  const auto file = config_file(
      "# everyvoice.conf\n"
      "\n"
      "address = 0.0.0.0\n"
      "  port=9090  \n"
      "data-dir = /var/lib/everyvoice\n"
      "trusted-proxies = 127.0.0.1, ::1\n"
      "public-url = https://meet.example.org/\n"
      "create-key = s3cret = with equals\n"
      "participants-per-meeting = 300\r\n");
  const auto p = parse({"--config=" + file});
  ASSERT_TRUE(p.settings) << p.error;
  EXPECT_EQ(p.settings->address, "0.0.0.0");
  EXPECT_EQ(p.settings->port, 9090);
  EXPECT_EQ(p.settings->data_dir, "/var/lib/everyvoice");
  EXPECT_EQ(p.settings->trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(p.settings->public_url, "https://meet.example.org");
  EXPECT_EQ(p.settings->create_key, "s3cret = with equals");
  EXPECT_EQ(p.settings->participants_per_meeting, 300u);
  std::filesystem::remove(file);
}

TEST(Settings, FlagsAfterTheFileOverrideIt) {
  const auto file = config_file("port = 9090\nlog-level = warn\n");
  const auto p = parse({"--port=7070", "--config", file, "--port=0"});
  ASSERT_TRUE(p.settings) << p.error;
  EXPECT_EQ(p.settings->port, 0);
  EXPECT_EQ(p.settings->log_level, "warn");
  const auto q = parse({"--port=7070", "--config", file});
  EXPECT_EQ(q.settings->port, 9090) << "the file is read where it stands";
  std::filesystem::remove(file);
}

TEST(Settings, ABadLineNamesTheFileAndLine) {
  struct Case {
    std::string text, expect;
  };
  for (const Case& c : {Case{"port = 80\nprot = 81\n", ":2: unknown setting prot"},
                        Case{"\n\nport = eighty\n", ":3: bad value \"eighty\" for port"},
                        Case{"port 80\n", ":1: expected name = value"},
                        Case{"config = /etc/other.conf\n", ":1: a configuration file cannot name another"},
                        Case{"trusted-proxies = 10.0.0.0/40\n", "--trusted-proxies: \"10.0.0.0/40\""}}) {
    const auto file = config_file(c.text);
    const auto p = parse({"--config=" + file});
    EXPECT_FALSE(p.settings) << c.text;
    EXPECT_NE(p.error.find(c.expect), std::string::npos) << p.error;
    std::filesystem::remove(file);
  }
  const auto missing = parse({"--config=/nonexistent/everyvoice.conf"});
  EXPECT_FALSE(missing.settings);
  EXPECT_NE(missing.error.find("/nonexistent/everyvoice.conf: cannot be read"), std::string::npos);
}

TEST(Settings, FlagErrorsSayWhichFlag) {
  auto p = parse({"--prot=1"});
  EXPECT_EQ(p.error, "unknown flag --prot (see --help)");
  p = parse({"--port=x"});
  EXPECT_EQ(p.error, "bad value \"x\" for --port");
  p = parse({"--trusted-proxies=example.org"});
  EXPECT_NE(p.error.find("--trusted-proxies"), std::string::npos);
}

TEST(Settings, SendMethodIsIoUringOrSendmsg) {
  EXPECT_EQ(parse({}).settings->send_method, "io_uring");
  EXPECT_EQ(parse({"--send-method=sendmsg"}).settings->send_method, "sendmsg");
  const auto p = parse({"--send-method=writev"});
  EXPECT_FALSE(p.settings);
  EXPECT_NE(p.error.find("send-method io_uring or sendmsg"), std::string::npos) << p.error;
}

// A commit window longer than 100 ms would hold every ack and shutdown that long; one "sibling"
// would pace one person alone, and more than the 16 writes remembered would never pace.
TEST(Settings, CommitPacingIsBounded) {
  const auto d = parse({});
  EXPECT_EQ(d.settings->commit_window_us, 2000u);
  EXPECT_EQ(d.settings->commit_siblings, 5u);
  EXPECT_TRUE(parse({"--commit-window-us=0", "--commit-siblings=16"}).settings);
  for (const char* bad : {"--commit-window-us=100001", "--commit-siblings=1", "--commit-siblings=17"}) {
    const auto p = parse({bad});
    EXPECT_FALSE(p.settings) << bad;
    EXPECT_NE(p.error.find("commit-window-us <= 100000, commit-siblings 2 to 16"), std::string::npos) << p.error;
  }
}

// A percent so high that snapshots never came would make loading a meeting replay its whole log
// (and the product with a 200 KB snapshot would overflow).
TEST(Settings, SnapshotBytesPercentIsBounded) {
  EXPECT_EQ(parse({}).settings->snapshot_bytes_percent, 100u);
  EXPECT_TRUE(parse({"--snapshot-bytes-percent=0"}).settings);
  EXPECT_TRUE(parse({"--snapshot-bytes-percent=10000"}).settings);
  const auto p = parse({"--snapshot-bytes-percent=10001"});
  EXPECT_FALSE(p.settings);
  EXPECT_NE(p.error.find("snapshot-bytes-percent <= 10000"), std::string::npos) << p.error;
}

TEST(Settings, StoreIsSqliteByDefaultOrAPostgresqlUrl) {
  EXPECT_EQ(parse({}).settings->store, "");
  EXPECT_EQ(parse({"--store=postgresql://everyvoice@db.internal/everyvoice"}).settings->store,
            "postgresql://everyvoice@db.internal/everyvoice");
  EXPECT_TRUE(parse({"--store=postgres:///everyvoice?host=/run/postgresql"}).settings);
  const auto p = parse({"--store=/var/lib/everyvoice/other.db"});
  EXPECT_FALSE(p.settings);
  EXPECT_NE(p.error.find("--store must be empty"), std::string::npos) << p.error;
}

TEST(Settings, HelpListsTheConfigFileAndVersionPrintsIt) {
  auto p = parse({"--help"});
  EXPECT_NE(p.help.find("--config"), std::string::npos);
  EXPECT_NE(p.help.find("--trusted-proxies"), std::string::npos);
  p = parse({"--version"});
  EXPECT_EQ(p.help.rfind("everyvoice ", 0), 0u);
}

}  // namespace
}  // namespace everyvoice::net
