// What a container instance holds and has left (DescribeContainerInstances, the
// ListContainerInstances filter): the sum of its unstopped tasks' reservations. Thread-safe
// (reads the Store).
#pragma once

#include "model/cluster_snapshot.hpp"
#include "model/container_instance.hpp"
#include "svc/context.hpp"

namespace berth::svc {

using Usage = model::ResourceUse;

[[nodiscard]] Result<Usage> usage_of(Context& ctx, const model::ContainerInstance& instance);

// ECS remainingResources: CPU/MEMORY left; PORTS/PORTS_UDP list the ports in use; GPU (when the
// instance registered GPUs) lists those no unstopped task holds.
Json remaining_resources(const model::ContainerInstance& instance, const Usage& usage);

// The instance with what its tasks hold, as the schedulers see it.
model::InstanceState state_of(const model::ContainerInstance& instance, const Usage& usage);

}  // namespace berth::svc
