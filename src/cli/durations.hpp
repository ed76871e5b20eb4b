// Durations as flags give them: "90", "90s", "15m", "24h", "7d". Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace berth::cli {

// Returns `text` in seconds when it is a whole number of seconds, minutes, hours or days from 1 s
// to `max_seconds`; nothing otherwise.
[[nodiscard]] std::optional<long long> parse_duration(std::string_view text, long long max_seconds);

}  // namespace berth::cli
