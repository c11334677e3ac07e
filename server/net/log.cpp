#include "net/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace everyvoice::net {
namespace {
std::atomic<int> current{static_cast<int>(LogLevel::info)};
std::mutex out;
}  // namespace

void set_log_level(std::string_view name) {
  LogLevel l = LogLevel::info;
  if (name == "error") l = LogLevel::error;
  else if (name == "warn") l = LogLevel::warn;
  else if (name == "debug") l = LogLevel::debug;
  current = static_cast<int>(l);
}

bool log_enabled(LogLevel level) { return static_cast<int>(level) <= current.load(); }

void log(LogLevel level, std::string_view message) {
  if (!log_enabled(level)) return;
  static constexpr const char* names[] = {"error", "warn", "info", "debug"};
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::lock_guard lock(out);
  std::fprintf(stderr, "%s %s %.*s\n", stamp, names[static_cast<int>(level)], static_cast<int>(message.size()),
               message.data());
}

}  // namespace everyvoice::net
