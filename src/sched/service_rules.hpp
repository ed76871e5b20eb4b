// The service scheduler's rules over time and failures, as ECS applies them: when a task counts
// as healthy, which stopped tasks failed to start, the start throttle's back-off and the
// deployment circuit breaker's threshold. Pure: `now` is a parameter.
#pragma once

#include <optional>
#include <random>
#include <string>

#include "common/clock.hpp"
#include "model/cluster_snapshot.hpp"

namespace berth::sched {

// ECS: a new (PRIMARY) task is healthy when its essential containers pass their health checks,
// or, without checks, once it has run for `settle_ms` (so a task that crashes at once never lets
// an old one go). Tasks of older deployments count while they run and are not failing their
// checks: they are the capacity minimumHealthyPercent protects.
bool is_healthy(const model::TaskState& task, bool primary, bool health_checks, EpochMs now, EpochMs settle_ms);

// The tasks of `service`'s deployment `deployment_id` created since `since` that failed to start:
// stopped by their own failure (TaskFailedToStart, EssentialContainerExited) within 10 s of
// starting, or before they started.
int failed_starts(const model::ClusterSnapshot& snapshot, const model::ServiceState& service,
                  const std::string& deployment_id, EpochMs since);

// The start throttle: after 3 failures to start, launches wait 5 s, doubling per further failure
// up to 15 minutes.
struct ThrottleDecision {
  bool launch = true;
  bool throttled = false;        // launching now, and the next launch waits (ECS's event)
  EpochMs next_launch_at = 0;
};
ThrottleDecision start_throttle(int failures, EpochMs now, EpochMs next_launch_at);

// The earliest time after `now` at which a rule above that reads the clock may decide otherwise
// for `service` on `snapshot` while nothing is written: one of its tasks settling into health
// (`settle_ms` after it started), the start throttle's next launch, a task's scale-in protection
// ending. Nothing when none is ahead. The scheduler thread, which otherwise re-plans only on
// changes, plans again then.
std::optional<EpochMs> next_timed_decision(const model::ClusterSnapshot& snapshot, const model::ServiceState& service,
                                           EpochMs now, EpochMs settle_ms);

// ECS's circuit-breaker threshold: half the desired count, at least 10, at most 200.
int failure_threshold(int desired_count);

// A new deployment id, "ecs-svc/" and 19 digits as ECS writes them.
std::string new_deployment_id(std::mt19937_64& rng);

}  // namespace berth::sched
