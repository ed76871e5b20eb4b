#include "common/start_trace.hpp"

#include <chrono>
#include <string>

#include "common/log.hpp"

namespace berth {

std::int64_t monotonic_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void trace_start(std::string_view key, std::string_view phase, std::int64_t at_us) {
  std::string line = "start-trace ";
  line += key;
  line += ' ';
  line += phase;
  line += ' ';
  line += std::to_string(at_us ? at_us : monotonic_us());
  log_debug(line);
}

}  // namespace berth
