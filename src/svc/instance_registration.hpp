// How a RegisterContainerInstance request changes an instance's row, for the use cases that
// register instances in transactions of their own (joining a cluster). Thread-safe.
#pragma once

#include "model/container_instance_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// Returns the change that registers `request` (a new instance is ACTIVE from now, with the sent
// attributes, registeredResources, versionInfo and ec2InstanceId).
store::InstanceChange new_instance_registration(Context& ctx, const model::RegisterContainerInstanceRequest& request);

}  // namespace berth::svc
