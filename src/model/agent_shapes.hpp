// Request shapes of the ECS actions container agents call (DiscoverPollEndpoint and the Submit*
// state changes; members as in the ECS API model). Immutable tables; thread-safe.
#pragma once

#include "model/schema.hpp"

namespace berth::model::request_shapes {
extern const Shape& discover_poll_endpoint;
extern const Shape& submit_task_state_change;
extern const Shape& submit_container_state_change;
extern const Shape& submit_attachment_state_changes;
}  // namespace berth::model::request_shapes
