// Following a service's deployment live on stderr, for `berth deploy` and `berth wait
// services-stable`: the progress line (redrawn in place on a terminal, a line per change
// otherwise) and the service's new events above it, until the rollout ends or time runs out.
// Main thread only.
#pragma once

#include <string>

#include "cli/ecs_client.hpp"
#include "cli/table.hpp"
#include "common/clock.hpp"

namespace berth::cli {

// Polls service `name` each second for at most `timeout_seconds`, following the deployment of
// `target` (a task definition ARN; "" waits for the service to be stable) and printing the
// events from `since` on. Returns 0 when it completed, 1 when it failed, rolled back or timed
// out (each said in one sentence on stderr).
int watch_rollout(const EcsClient& ecs, const std::string& name, const std::string& target, EpochMs since,
                  long long timeout_seconds);

}  // namespace berth::cli
