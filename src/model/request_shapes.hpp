// The request shape of every ECS action berth serves, from the ECS API model. Immutable tables;
// thread-safe.
#pragma once

#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// Returns the shape of `action`'s request body, or nullptr if berth does not serve `action`.
const Shape* find_request_shape(std::string_view action);

// The TaskDefinition's container definition shape (also used by overrides and tests).
const Shape& container_definition_shape();

}  // namespace berth::model
