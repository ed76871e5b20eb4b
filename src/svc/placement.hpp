// Placing new tasks of a task definition on a cluster's instances: shared by RunTask and the
// service scheduler. Thread-safe (placements are serialised on the context's mutex).
#pragma once

#include <string>

#include "model/container_instance.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Places `count` tasks; `options` carries RunTask's optional members (group, startedBy,
// overrides, placementConstraints, placementStrategy, tags). Returns {"tasks", "failures"}.
[[nodiscard]] Result<Json> place_new_tasks(Context& ctx, const std::string& cluster, const model::TaskDefinition& td,
                                           const Json& options, int count);

// Starts one task on each of `instances` (StartTask, the daemon scheduler), placement checks
// applied per instance. Returns {"tasks", "failures"}.
[[nodiscard]] Result<Json> start_new_tasks_on(Context& ctx, const std::string& cluster, const model::TaskDefinition& td,
                                              const Json& options, const std::vector<model::ContainerInstance>& instances);

// The order in which to stop `tasks` (one service's) when it scales in, by `strategy` (its
// placementStrategy list): task ids, the first to stop first.
[[nodiscard]] Result<std::vector<std::string>> scale_in_order_of(Context& ctx, const std::string& cluster,
                                                                 const std::vector<model::Task>& tasks, const Json& strategy);

// Resolves a task definition reference that may start tasks (ACTIVE, host or none networking).
[[nodiscard]] Result<model::TaskDefinition> runnable_task_definition_of(Context& ctx, const std::string& reference);

}  // namespace berth::svc
