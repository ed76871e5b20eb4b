// What the task metadata endpoint reads (api/metadata_routes): a task with its definition, and the
// latest readings the node's sampler took of its containers. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/task.hpp"
#include "svc/context.hpp"

namespace berth::svc {

struct TaskWithDefinition {
  model::Task task;
  model::Json definition;  // the body of the task's definition
};

// Returns task `task_id` of cluster `cluster` with its definition's body; nothing if there is no
// such task (or its definition is gone); ServerException if the store fails.
[[nodiscard]] Result<std::optional<TaskWithDefinition>> find_task_with_definition(Context& ctx,
                                                                                  const std::string& cluster,
                                                                                  const std::string& task_id);

// The readings of container `container_name` of task `task_arn`; nothing before the sampler's
// first reading of it, or without a sampler (ctx.metrics null).
std::optional<ContainerReadings> container_readings(const Context& ctx, const std::string& task_arn,
                                                    const std::string& container_name);

}  // namespace berth::svc
