// CloudWatch Logs JSON 1.1 dispatch (`X-Amz-Target: Logs_20140328.<Action>`, signed for `logs`,
// policies name `logs:<Action>`), on the same endpoint as ECS. Requests are shape-checked like
// ECS ones. No sockets here. Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"

namespace berth::api {

inline constexpr std::string_view k_logs_target_prefix = "Logs_20140328.";

// Returns the CloudWatch Logs request decoded and shape-checked, or the error to answer.
Decoded decode_logs_request(std::string_view target, std::string_view body);

}  // namespace berth::api
