// The service scheduler's decision for one service: from a snapshot of its cluster to a Plan.
// REPLICA services reconcile their tasks with the desired count within the deployment's limits
// (sched/reconcile.hpp), leaving tasks under scale-in protection at `now` running (with an event
// while that holds the service above its desired count or a deployment back), throttle launches
// that keep failing, and place what is missing; DAEMON services keep one task of the PRIMARY
// deployment on every ACTIVE instance meeting their constraints, starting it only once no other
// task of theirs is left there (not STOPPED); services with the EXTERNAL deployment controller
// keep each task set at its own count (sched/task_set_reconcile.hpp) and drop DRAINING task sets
// once their tasks are gone. Then the deployments' counts, the circuit breaker (with rollback),
// the steady state and the end of a deleted service. Pure: the clock, the RNG and task ids are
// parameters.
#pragma once

#include <random>
#include <string>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/cluster_snapshot.hpp"
#include "sched/plan.hpp"
#include "sched/task_placement.hpp"

namespace berth::sched {

struct ServiceSchedulerSettings {
  // How long a task without health checks must run before it counts as healthy.
  EpochMs settle_ms = 10'000;
  PlacementSettings placement;
};

// The service's tasks that are meant to run (desired RUNNING, not yet STOPPED), by id.
std::vector<const model::TaskState*> live_tasks(const model::ClusterSnapshot& snapshot, const std::string& service);

// The plan for `service` (one of snapshot.services) at `now`: tasks to start and stop, and the
// service's new state with its events (only when it changes). `arns` names instances in the
// placement failure event. Errors: a constraint or strategy that no longer parses.
[[nodiscard]] Result<Plan> schedule_service(const model::ClusterSnapshot& snapshot, const model::ServiceState& service,
                                            EpochMs now, const ServiceSchedulerSettings& settings,
                                            const ArnScope& arns, std::mt19937_64& rng,
                                            const TaskIdSource& new_task_id);

}  // namespace berth::sched
