// The table `berth stats` prints, like `docker stats`: one row per running container with its
// CPU %, memory (working set) against its limit, network and block I/O and pids. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/container_usage.hpp"

namespace berth::cli {

// Returns the header and one line per usage, in the order given, each column padded to its
// widest cell. What a reading lacks (CPU % before a second reading, a limit, a network of the
// task's own) is shown as "--".
std::string format_stats_table(const std::vector<model::ContainerUsage>& usages);

// Returns `bytes` in binary units with four significant digits, as Docker shows memory
// ("0B", "1.5KiB", "64MiB").
std::string binary_size(std::uint64_t bytes);
// Returns `bytes` in decimal units with four significant digits, as Docker shows I/O
// ("0B", "1.2kB", "3.46MB").
std::string decimal_size(std::uint64_t bytes);

}  // namespace berth::cli
