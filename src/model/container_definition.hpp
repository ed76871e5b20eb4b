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
  std::string ipc_mode;      // host, task, none, or empty (a private namespace per container)
  bool task_memory_set = false;
};

// Validates `container` (shape-checked) and fills ECS's defaults in place: essential true, cpu 0,
// protocol tcp, hostPort = containerPort in host/awsvpc, empty environment/mountPoints/
// volumesFrom lists. Refuses the settings berth can never apply in this combination (dnsServers
// with networkMode host, a non-namespaced systemControls name, a logDriver other than awslogs, json-file or none,
// ...), naming the field and why. Cross-container rules (dependsOn, volumes) and the fields the
// field table refuses outright (model/task_definition_fields.hpp) are the caller's.
[[nodiscard]] Result<void> normalize_container(Json& container, const TaskContext& task);

}  // namespace berth::model
