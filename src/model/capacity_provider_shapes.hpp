// Request shapes of the capacity provider actions (members as in the ECS API model, so the AWS
// CLI's requests pass). Immutable tables; thread-safe.
#pragma once

#include "model/schema.hpp"

namespace berth::model::capacity_provider_shapes {

extern const Shape& create_capacity_provider;
extern const Shape& describe_capacity_providers;
extern const Shape& update_capacity_provider;
extern const Shape& delete_capacity_provider;
extern const Shape& put_cluster_capacity_providers;

}  // namespace berth::model::capacity_provider_shapes
