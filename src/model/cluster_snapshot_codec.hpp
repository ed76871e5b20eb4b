// The scheduler's plain views (model/cluster_snapshot.hpp) of stored records: what the store
// reads into a ClusterSnapshot and what the API's placement members decode to. Pure; thread-safe.
#pragma once

#include <vector>

#include "model/cluster_snapshot.hpp"
#include "model/container_instance.hpp"
#include "model/schema.hpp"
#include "model/service.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"

namespace berth::model {

// Registered CPU, memory, reserved ports and GPU ids; registered PORTS that are not port numbers
// (the agent sends them as text) reserve nothing.
InstanceCapacity capacity_of(const ContainerInstance& instance);

// The instance with an empty ResourceUse (the caller adds its tasks).
InstanceState instance_state_of(const ContainerInstance& instance);

// The task, holding what `definition` (nullptr: unknown, so nothing) reserves with its overrides
// plus the host ports bound to it and the GPUs assigned to its containers.
TaskState task_state_of(const Task& task, const TaskDefinition* definition);
// Adds to `state` what `definition` reserves with `overrides` (task_state_of's part that needs
// the definition, for a reader that meets the definition after the task).
void add_reservation(TaskState& state, const TaskDefinition& definition, const Json& overrides);

// What `reservation_of` and the port mappings say, with `overrides` applied, and the attributes
// the definition requires.
DefinitionState definition_state_of(const TaskDefinition& definition, const Json& overrides = Json::object());

ServiceState service_state_of(const Service& service);

// placementConstraints / placementStrategy lists (shape-checked) as plain values.
std::vector<PlacementConstraint> placement_constraints_of(const Json& list);
std::vector<PlacementStrategy> placement_strategies_of(const Json& list);

}  // namespace berth::model
