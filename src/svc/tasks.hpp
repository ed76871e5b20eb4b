// Typed task starts for the task actions (svc/actions.hpp) and internal callers (the schedule
// runner): tasks started through snapshot → place → apply, a RunTask request resolved against
// the store, the definition check every start makes. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/cluster_snapshot.hpp"
#include "model/failure.hpp"
#include "model/tags.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "model/task_requests.hpp"
#include "sched/plan.hpp"
#include "svc/context.hpp"

namespace berth::svc {

struct StartTasks {
  std::string cluster;                        // an ACTIVE cluster's name
  model::TaskDefinition definition;           // runnable (runnable_task_definition_of)
  int count = 1;                              // with no instance_ids
  std::vector<std::string> instance_ids;      // one task on each of these; empty = placement chooses
  std::string group;                          // "family:<family>" when empty
  std::string started_by;
  Json overrides = Json::object();            // checked against the definition
  std::vector<model::PlacementConstraint> placement_constraints;  // besides the definition's
  std::vector<model::PlacementStrategy> placement_strategy;
  std::vector<model::Tag> tags;               // each task's: its own, propagated and managed ones
  std::vector<std::string> capacity_providers;  // of each task, by the launch's strategy; empty = EC2
  bool enable_execute_command = false;
  // RunTask: the cluster as read to check it has instances, placement's first try (a change since
  // makes the commit fail and placement read it again).
  std::optional<model::ClusterSnapshot> snapshot;
};

struct StartedTasks {
  std::vector<model::Task> tasks;
  std::vector<sched::PlacementFailure> failures;
};

// Places and writes the tasks. InvalidParameterException for constraints or strategies ECS
// refuses; ServerException if the cluster kept changing under the placement.
[[nodiscard]] Result<StartedTasks> start_tasks(Context& ctx, const StartTasks& request);

// Resolves a decoded RunTask request (as the API or a schedule holds it) against the store, as
// RunTask checks it: an ACTIVE cluster, a runnable definition, a container instance to run on,
// overrides of the definition's containers, a placement ECS accepts.
[[nodiscard]] Result<StartTasks> resolve_run_task(Context& ctx, const model::RunTaskRequest& request);

// RunTask's and StartTask's failures: each instance that could not take a task, and why.
std::vector<model::Failure> placement_failures(const Context& ctx, const std::string& cluster,
                                               const std::vector<sched::PlacementFailure>& failures);

// Resolves a task definition reference that may start tasks (ACTIVE; not awsvpc, which needs AWS).
[[nodiscard]] Result<model::TaskDefinition> runnable_task_definition_of(Context& ctx, const std::string& reference);

}  // namespace berth::svc
