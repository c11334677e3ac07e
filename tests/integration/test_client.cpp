#include "test_client.hpp"

#include <fcntl.h>
#include <cstdlib>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <filesystem>
#include <random>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace everyvoice::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

CommandRun run_binary(const std::vector<std::string>& args) {
  char templ[] = "/tmp/everyvoice-run-XXXXXX";
  const std::string dir = mkdtemp(templ);
  const std::string out_path = dir + "/out", err_path = dir + "/err";
  std::vector<std::string> all{EVERYVOICE_SERVER_BIN};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CommandRun r;
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  auto slurp = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::filesystem::remove_all(dir);
  return r;
}

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string data_dir, bool capture_log)
    : capture_log_(capture_log), extra_(std::move(extra_args)) {
  char templ[] = "/tmp/everyvoice-test-XXXXXX";
  dir_ = mkdtemp(templ);
  own_data_ = data_dir.empty();
  data_dir_ = own_data_ ? dir_ + "/data" : data_dir;
  launch(0);
}

void ServerProcess::restart() {
  if (pid_ >= 0) stop();
  launch(port_);
}

void ServerProcess::kill_hard() {
  if (pid_ < 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ServerProcess::launch(std::uint16_t port) {
  const std::string port_file = dir_ + "/port";
  std::remove(port_file.c_str());
  // EVERYVOICE_TEST_SERVER runs another build of the server (an older one, for upgrade tests).
  const char* other_binary = std::getenv("EVERYVOICE_TEST_SERVER");
  std::vector<std::string> args{other_binary && *other_binary ? other_binary : EVERYVOICE_SERVER_BIN,
                                "--address=127.0.0.1",
                                "--port=" + std::to_string(port),
                                "--port-file=" + port_file,
                                "--data-dir=" + data_dir_,
                                "--static-dir=" EVERYVOICE_STATIC_DIR,
                                "--log-level=warn"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log_path = dir_ + "/server.log";
  if (capture_log_) posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot start the server binary");
  for (int i = 0; i < 1500; ++i) {  // up to 30 s (a restart replays the log first)
    std::ifstream in(port_file);
    if (in >> port_) return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the server exited at start");
    }
    std::this_thread::sleep_for(20ms);
  }
  throw std::runtime_error("the server did not write its port");
}

std::string ServerProcess::log() const {
  std::ifstream in(dir_ + "/server.log");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int ServerProcess::stop() {
  if (pid_ < 0) return -1;
  kill(pid_, SIGTERM);
  kill(pid_, SIGCONT);  // a test that paused it (SIGSTOP) and failed before resuming it must not hang here
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ServerProcess::~ServerProcess() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);  // holds the data folder unless one was given
}

HttpReply http_call(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return HttpReply{static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::content_type])};
}

CreatedMeeting create_meeting(std::uint16_t port, const std::string& title) {
  const auto reply = http_call(port, "POST", "/api/meetings", json{{"title", title}}.dump(),
                               {{"Content-Type", "application/json"}});
  if (reply.status != 201) throw std::runtime_error("create meeting: HTTP " + std::to_string(reply.status));
  const auto j = json::parse(reply.body);
  return CreatedMeeting{j.at("code"), j.at("facilitator_key")};
}

struct WsClient::Impl {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool reading = false;
  bool done = false;
  bool closed = false;
  std::optional<std::string> ready;
};

WsClient::WsClient(std::uint16_t port, const std::string& origin, const std::string& path)
    : impl_(std::make_unique<Impl>()) {
  beast::get_lowest_layer(impl_->ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  const std::string host = "127.0.0.1:" + std::to_string(port);
  impl_->ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& req) {
    if (!origin.empty()) req.set(http::field::origin, origin);
  }));
  websocket::response_type res;
  beast::error_code ec;
  impl_->ws.handshake(res, host, path, ec);
  if (ec) throw std::runtime_error("handshake refused: HTTP " + std::to_string(res.result_int()));
  impl_->ws.read_message_max(16 * 1024 * 1024);
}

WsClient::~WsClient() {
  if (!impl_->closed) {
    beast::error_code ec;
    beast::get_lowest_layer(impl_->ws).socket().close(ec);
  }
}

void WsClient::send(const json& message) { send_text(message.dump()); }

void WsClient::send_text(const std::string& text) {
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text), ec);
}

std::optional<json> WsClient::next(std::chrono::milliseconds timeout) {
  if (impl_->closed) return std::nullopt;
  if (!impl_->reading) {
    impl_->reading = true;
    impl_->done = false;
    impl_->ws.async_read(impl_->buffer, [this](beast::error_code ec, std::size_t) {
      impl_->reading = false;
      impl_->done = true;
      if (ec) {
        impl_->closed = true;
        return;
      }
      impl_->ready = beast::buffers_to_string(impl_->buffer.data());
      impl_->buffer.consume(impl_->buffer.size());
    });
  }
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (!impl_->done || !impl_->ready) return std::nullopt;
  json j = json::parse(*impl_->ready);
  impl_->ready.reset();
  impl_->done = false;
  if (j.contains("seq") && j["seq"].is_number() && j.value("type", "") != "ack" && j.value("type", "") != "pong")
    last_seq = std::max<std::uint64_t>(last_seq, j["seq"].get<std::uint64_t>());
  seen.push_back(j);
  return j;
}

json WsClient::expect(const std::string& type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto m = next(std::max(left, 1ms));
    if (m && m->value("type", "") == type) return *m;
    if (closed()) break;
  }
  throw std::runtime_error("no \"" + type + "\" message arrived");
}

json WsClient::answer_to(const std::string& id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto m = next(std::max(left, 1ms));
    if (m && (m->value("type", "") == "ack" || m->value("type", "") == "error") && m->contains("id") &&
        (*m)["id"].is_string() && (*m)["id"] == id)
      return *m;
    if (closed()) break;
  }
  throw std::runtime_error("no answer to \"" + id + "\"");
}

json WsClient::command(json message) {
  // Ids are unique per person across connections (as PROTOCOL.md asks): a random prefix per client.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  if (prefix_.empty()) prefix_ = "k" + std::to_string(rng() % 1000000) + "-";
  const std::string id = prefix_ + std::to_string(next_id_++);
  message["id"] = id;
  send(message);
  return answer_to(id);
}

bool WsClient::silent_for(std::chrono::milliseconds quiet) {
  const auto deadline = std::chrono::steady_clock::now() + quiet;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto m = next(std::max(left, 1ms));
    if (m && m->value("type", "") != "heartbeat") return false;
  }
  return true;
}

void WsClient::drain(std::chrono::milliseconds quiet) {
  for (int i = 0; i < 10000 && next(quiet); ++i) {
  }
}

json WsClient::join(const std::string& code, const std::string& name, const json& extra) {
  json message{{"type", "join"}, {"code", code}, {"name", name}};
  message.update(extra);
  const std::string id = "join" + std::to_string(next_id_++);
  message["id"] = id;
  send(message);
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = next(500ms);
    if (!m) continue;
    if ((*m)["type"] == "welcome" && (*m)["id"] == id) return *m;
    if ((*m)["type"] == "error" && (*m)["id"] == id) throw std::runtime_error("join refused: " + m->dump());
  }
  throw std::runtime_error("no welcome");
}

json WsClient::resume(const std::string& code, const std::string& token, std::uint64_t seq) {
  const std::string id = "resume" + std::to_string(next_id_++);
  send({{"type", "resume"}, {"id", id}, {"code", code}, {"token", token}, {"last_seq", seq}});
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = next(500ms);
    if (!m) continue;
    if ((*m)["type"] == "welcome" && (*m)["id"] == id) return *m;
    if ((*m)["type"] == "error" && (*m)["id"] == id) throw std::runtime_error("resume refused: " + m->dump());
  }
  throw std::runtime_error("no welcome after resume");
}

bool WsClient::closed() const { return impl_->closed; }

int WsClient::close_code() const { return impl_->ws.reason().code; }

void WsClient::close() {
  beast::error_code ec;
  impl_->ws.close(websocket::close_code::normal, ec);
  impl_->closed = true;
}

void WsClient::drop() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().shutdown(tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
  impl_->closed = true;
}

}  // namespace everyvoice::testing
