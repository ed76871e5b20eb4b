// Optimistic read–change–write of a versioned row (tasks, services, schedules, parameters are
// compare-and-set on a version column): the one retry loop every such update goes through.
// Thread-safe as far as `attempt` is.
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "common/result.hpp"

namespace berth::store {

// Calls `attempt` up to `attempts` times. Each call reads the row, changes it and tries the
// compare-and-set write, and returns the result when the write took, std::nullopt when another
// writer's version bump beat it (then it is read again), or an error, which ends the loop. After
// `attempts` lost races the update fails with `code` and `message`: a writer that keeps losing
// reports it instead of spinning.
template <class Attempt>
auto update_with_retry(int attempts, Code code, const std::string& message, Attempt&& attempt)
    -> Result<typename std::invoke_result_t<Attempt&>::value_type::value_type> {
  for (int i = 0; i < attempts; ++i) {
    auto outcome = attempt();
    if (!outcome) return std::unexpected(std::move(outcome.error()));
    if (*outcome) return std::move(**outcome);
  }
  return fail(code, message);
}

}  // namespace berth::store
