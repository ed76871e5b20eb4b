// Typed task use cases for internal callers (the service scheduler, the schedule runner) and the
// API's RunTask, StartTask and StopTask: start tasks through snapshot → place → apply, stop a
// task. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/cluster_snapshot.hpp"
#include "model/tags.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
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
  Json overrides = Json::object();            // checked (decode_run_task)
  std::vector<model::PlacementConstraint> placement_constraints;  // besides the definition's
  std::vector<model::PlacementStrategy> placement_strategy;
  std::vector<model::Tag> tags;
};

struct StartedTasks {
  std::vector<model::Task> tasks;
  std::vector<sched::PlacementFailure> failures;
};

// Places and writes the tasks. InvalidParameterException for constraints or strategies ECS
// refuses; ServerException if the cluster kept changing under the placement.
[[nodiscard]] Result<StartedTasks> start_tasks(Context& ctx, const StartTasks& request);

// A RunTask request (as the API or a schedule holds it) decoded and checked as RunTask checks it:
// the cluster, labels, a runnable definition, an instance to run on, overrides, placement, tags.
[[nodiscard]] Result<StartTasks> decode_run_task(Context& ctx, const Json& request);

// RunTask's "failures" member: [{"arn", "reason"}].
Json failures_to_json(const Context& ctx, const std::string& cluster, const std::vector<sched::PlacementFailure>& failures);

struct StopTask {
  std::string cluster;
  std::string task_id;
  std::string reason = "Task stopped by the user";
  std::string stop_code = "UserInitiated";
};

// Asks the task to stop (desired STOPPED; a task already asked stays as it is). Returns the task
// as stored afterwards; InvalidParameterException if there is no such task.
[[nodiscard]] Result<model::Task> stop_task(Context& ctx, const StopTask& request);

// Resolves a task definition reference that may start tasks (ACTIVE; not awsvpc, which needs AWS).
[[nodiscard]] Result<model::TaskDefinition> runnable_task_definition_of(Context& ctx, const std::string& reference);

}  // namespace berth::svc
