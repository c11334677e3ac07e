// Real clients for integration tests: a WebSocket client and an HTTP call, both over loopback,
// plus the real server binary started on an ephemeral port. Beast stays inside test_client.cpp.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace everyvoice::testing {

using nlohmann::json;
using namespace std::chrono_literals;

// The everyvoice binary, started with --port=0 and stopped (SIGTERM) when destroyed. The binary is
// this build's, or the one EVERYVOICE_TEST_SERVER names (to run an older version).
class ServerProcess {
 public:
  // `data_dir` empty: a fresh folder, removed at the end; otherwise that folder, kept.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string data_dir = "", bool capture_log = false);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and returns the exit status (as from waitpid's WEXITSTATUS; -1 if signalled).
  int stop();
  // SIGKILL: no chance to clean up.
  void kill_hard();
  // Starts again on the same port and data folder (after stop or kill_hard).
  void restart();
  // What the server wrote to stderr, when started with capture_log (else it goes to the test's stderr).
  std::string log() const;

 private:
  void launch(std::uint16_t port);
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string dir_;
  std::string data_dir_;
  bool own_data_ = true;
  bool capture_log_ = false;
  std::vector<std::string> extra_;
};

// Runs the server binary to its end (an operator command, or a start that must fail): its exit
// status and what it printed on stdout and stderr.
struct CommandRun {
  int status = -1;
  std::string out, err;
};
CommandRun run_binary(const std::vector<std::string>& args);

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
};
HttpReply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body = "", const std::vector<std::pair<std::string, std::string>>& headers = {});

struct CreatedMeeting {
  std::string code;
  std::string facilitator_key;
};
CreatedMeeting create_meeting(std::uint16_t port, const std::string& title = "Test meeting");

class WsClient {
 public:
  // Connects and upgrades at `path` (/ws, or /ws/{code}); throws std::runtime_error with the HTTP
  // status when refused.
  explicit WsClient(std::uint16_t port, const std::string& origin = "", const std::string& path = "/ws");
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send(const json& message);
  void send_text(const std::string& text);
  // The next message, or nullopt when none arrives in time or the connection closed.
  std::optional<json> next(std::chrono::milliseconds timeout = 2s);
  // Reads until a message of `type` arrives (earlier ones are kept in `seen`); throws on timeout.
  json expect(const std::string& type, std::chrono::milliseconds timeout = 3s);
  // Reads until the ack or error naming `id`; throws on timeout.
  json answer_to(const std::string& id, std::chrono::milliseconds timeout = 3s);
  // Sends a command with a fresh id and returns its ack or error.
  json command(json message);
  // Whether nothing but heartbeats arrive within `quiet`.
  bool silent_for(std::chrono::milliseconds quiet);
  // Reads everything that arrives until the connection has been quiet for `quiet`.
  void drain(std::chrono::milliseconds quiet = 300ms);

  // join / resume helpers: send and return the welcome (throws if an error comes instead).
  json join(const std::string& code, const std::string& name, const json& extra = json::object());
  json resume(const std::string& code, const std::string& token, std::uint64_t last_seq);

  bool closed() const;
  int close_code() const;  // the code of the close frame the server sent, or 0
  void close();            // a clean close from the client
  void drop();             // an abrupt drop of the TCP connection

  std::vector<json> seen;  // every message read, in order
  std::uint64_t last_seq = 0;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int next_id_ = 1;
  std::string prefix_;
};

}  // namespace everyvoice::testing
