#include "common/log.hpp"

#include <unistd.h>

#include <atomic>
#include <string>

namespace berth {
namespace {

// The one process-wide setting: a log threshold has no owner to be passed around by.
std::atomic<int> g_threshold{static_cast<int>(LogLevel::info)};

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

}  // namespace

void set_log_level(LogLevel level) { g_threshold = static_cast<int>(level); }

void log(LogLevel level, std::string_view message) {
  if (static_cast<int>(level) < g_threshold.load(std::memory_order_relaxed)) return;
  std::string line = "berth[";
  line += level_name(level);
  line += "] ";
  line += message;
  line += '\n';
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace berth
