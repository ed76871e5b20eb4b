// Cloud Map (`X-Amz-Target: Route53AutoNaming_v20170314.<Action>`, signing name and IAM prefix
// `servicediscovery`) JSON 1.1 dispatch, on the same endpoint as ECS. Errors carry Cloud Map's
// names (NamespaceNotFound, ServiceNotFound, InstanceNotFound, ResourceInUse, InvalidInput, ...).
// No sockets here. Thread-safe; never throws.
#pragma once

#include <string_view>

#include "api/dispatch.hpp"

namespace berth::api {

inline constexpr std::string_view k_service_discovery_target_prefix = "Route53AutoNaming_v20170314.";
inline constexpr std::string_view k_service_discovery_name = "servicediscovery";

// Cloud Map's error shape: its own names for the codes it shares with ECS (InvalidInput,
// NamespaceNotFound, ServiceNotFound, ResourceInUse, ResourceLimitExceeded); each action's own
// mapping also names ResourceExists (NamespaceAlreadyExists, ServiceAlreadyExists) and
// ResourceNotFound (InstanceNotFound, OperationNotFound) after what it is about.
Reply service_discovery_error(const Error& error);

// Returns the Cloud Map request decoded and shape-checked, or the error to answer.
Decoded decode_service_discovery_request(std::string_view target, std::string_view body);

}  // namespace berth::api
