// Times as a person at a shell reads them in a table: "12s ago", "3m ago", "2h ago", "in 5m",
// and the ECS wire timestamps (epoch seconds, fractional) they come from. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "common/clock.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Returns `at` relative to `now`: "just now" within a second, else the largest whole unit
// (s, m, h, d; days beyond two weeks as "3w") with "ago" or "in"; "-" when `at` is none.
std::string relative_time(std::optional<EpochMs> at, EpochMs now);

// Returns the ECS timestamp member `key` of `object` (epoch seconds, a number) in milliseconds;
// none when it is missing, not a number or outside 1970..2200.
std::optional<EpochMs> timestamp_member(const model::Json& object, const char* key);

// "2026-12-03T16:34:14Z" for `at` (UTC), for the exact times of `berth events` and `describe`.
std::string utc_time(EpochMs at);

}  // namespace berth::cli
