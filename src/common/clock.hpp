// Clock: the only way code learns the time, so tests can pin it. SystemClock is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace berth {

// Milliseconds since the Unix epoch; the unit of every stored timestamp.
using EpochMs = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  EpochMs now_ms() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// ECS wire timestamps are epoch seconds, fractional allowed.
inline double epoch_seconds(EpochMs ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace berth
