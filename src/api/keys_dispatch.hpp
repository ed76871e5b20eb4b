// berth's access-key API (X-Amz-Target "BerthKeys.<Action>", JSON 1.1, IAM-like shapes):
// CreateAccessKey {UserName, PolicyName: admin|read-only|custom, PolicyDocument} returns the
// secret once; ListAccessKeys {UserName?} and DeleteAccessKey {AccessKeyId}. `berth key ...`
// calls it over the unix socket; an admin key may call it over TCP. Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"

namespace berth::api {

inline constexpr std::string_view k_keys_target_prefix = "BerthKeys.";

// Returns the decoded call (the policy document already checked), or the error to answer.
Decoded decode_keys_request(std::string_view target, std::string_view body);

}  // namespace berth::api
