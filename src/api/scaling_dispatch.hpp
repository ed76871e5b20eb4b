// Application Auto Scaling JSON 1.1 dispatch (`X-Amz-Target: AnyScaleFrontendService.<Action>`,
// SigV4 signing name and IAM prefix `application-autoscaling`), on the same endpoint as ECS.
// Requests are shape-checked like ECS ones; errors carry Application Auto Scaling's names
// (ValidationException, ObjectNotFoundException, ConcurrentUpdateException,
// LimitExceededException, InternalServiceException). No sockets here. Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"

namespace berth::api {

inline constexpr std::string_view k_scaling_target_prefix = "AnyScaleFrontendService.";

// Returns the request decoded and shape-checked, or the error to answer.
Decoded decode_scaling_request(std::string_view target, std::string_view body);

// Application Auto Scaling's error for `error` (status and __type).
Reply scaling_error(const Error& error);

}  // namespace berth::api
