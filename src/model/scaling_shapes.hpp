// Request shapes of the Application Auto Scaling actions berth serves (members as in the AWS API
// model, so the AWS CLI's requests pass). Immutable tables; thread-safe.
#pragma once

#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// The shape of Application Auto Scaling `action`'s request; nullptr if berth does not serve it.
const Shape* find_scaling_request_shape(std::string_view action);

}  // namespace berth::model
