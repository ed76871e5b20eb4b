// Request shapes of the CloudWatch Logs actions berth serves (Logs_20140328.*; members as in the
// AWS API model, so the AWS CLI's requests pass, including deprecated members such as
// FilterLogEvents' `interleaved`). Immutable tables; thread-safe.
#pragma once

#include <string_view>

#include "model/schema.hpp"

namespace berth::model {

// The shape of CloudWatch Logs `action`'s request; nullptr if berth does not serve it.
const Shape* find_logs_request_shape(std::string_view action);

// The retention periods CloudWatch Logs takes (days).
bool is_log_retention_days(long long days);

}  // namespace berth::model
