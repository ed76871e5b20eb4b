// Minimal leveled logging to stderr (journald picks it up under systemd). Thread-safe: one
// write(2) per line, so lines never interleave.
#pragma once

#include <string_view>

namespace berth {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// Lines below `level` are dropped. Called once by the verb (serve) before threads start.
void set_log_level(LogLevel level);

void log(LogLevel level, std::string_view message);
inline void log_info(std::string_view m) { log(LogLevel::info, m); }
inline void log_warn(std::string_view m) { log(LogLevel::warn, m); }
inline void log_error(std::string_view m) { log(LogLevel::error, m); }
inline void log_debug(std::string_view m) { log(LogLevel::debug, m); }

}  // namespace berth
