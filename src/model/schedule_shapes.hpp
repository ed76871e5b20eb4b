// Request shapes of the EventBridge Scheduler actions berth serves (from the Scheduler API
// model, plus berth's ActionAfterCompletion and OverlapPolicy members). Immutable tables.
#pragma once

#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// The shape of `action`'s request, with the path and query members (Name, GroupName, ...)
// merged into the body; nullptr if berth does not serve `action`.
const Shape* find_schedule_request_shape(std::string_view action);

}  // namespace berth::model
