// Secrets Manager (`X-Amz-Target: secretsmanager.<Action>`) and SSM Parameter Store
// (`AmazonSSM.<Action>`) JSON 1.1 dispatch, on the same endpoint as ECS. Requests are
// shape-checked like ECS ones; SSM reports bad input as ValidationException. Request bodies and
// values are never logged. No sockets here. Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"

namespace berth::api {

inline constexpr std::string_view k_secrets_manager_target_prefix = "secretsmanager.";
inline constexpr std::string_view k_ssm_target_prefix = "AmazonSSM.";

// Returns the Secrets Manager (`secretsmanager.<Action>`) or SSM (`AmazonSSM.<Action>`) request
// decoded and shape-checked, or the error to answer (SSM's own shape for SSM).
Decoded decode_secrets_manager_request(std::string_view target, std::string_view body);
Decoded decode_ssm_request(std::string_view target, std::string_view body);

}  // namespace berth::api
