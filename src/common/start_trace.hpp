// Where a task's start spends its time, for the benchmark's breakdowns (tests/bench/
// runtime_bench.py): at debug level (BERTH_LOG_LEVEL=debug), one log line per phase a start
// reaches (and, for a service's replacements, when a container's exit is seen and its task
// recorded STOPPED), "start-trace <key> <phase> <µs>", the time read from the monotonic clock the
// benchmark reads too. `key` is the task id or a container's runtime id ("<task id>-<name>").
// Costs a string and a dropped log call when off. Thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace berth {

// The monotonic clock in microseconds (CLOCK_MONOTONIC: Python's time.monotonic()).
std::int64_t monotonic_us();

// Logs that `key` reached `phase` now, or at `at_us` when given (a time another process read).
void trace_start(std::string_view key, std::string_view phase, std::int64_t at_us = 0);

}  // namespace berth
