// Checks and defaults for one ContainerDefinition of a task definition being registered.
// Pure; thread-safe.
#pragma once

#include <string>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

// What a container's checks need to know about its task definition.
struct TaskContext {
  std::string network_mode;  // bridge, host, awsvpc, none
  bool task_memory_set = false;
};

// Validates `container` (shape-checked) and fills ECS's defaults in place: essential true, cpu 0,
// protocol tcp, hostPort = containerPort in host/awsvpc, empty environment/mountPoints/
// volumesFrom lists. Cross-container rules (dependsOn, volumes) are the caller's.
[[nodiscard]] Result<void> normalize_container(Json& container, const TaskContext& task);

}  // namespace berth::model
