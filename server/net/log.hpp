// Logging to stderr with a level. Never pass a token, key or meeting code: log meeting numbers.
#pragma once

#include <string_view>

namespace everyvoice::net {

enum class LogLevel { error, warn, info, debug };
void set_log_level(std::string_view name);
bool log_enabled(LogLevel level);
void log(LogLevel level, std::string_view message);

}  // namespace everyvoice::net
