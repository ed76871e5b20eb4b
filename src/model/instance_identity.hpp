// An EC2 instance identity document, as a RegisterContainerInstance request carries it: the
// instance id (the container instance's ec2InstanceId) and the ecs.* attributes ECS derives from
// it itself. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::model {

struct InstanceIdentity {
  std::string instance_id;                        // i-... (EC2) or mi-... (managed instance)
  std::map<std::string, std::string> attributes;  // ecs.instance-type, ecs.availability-zone, ecs.ami-id, ecs.cpu-architecture
};

// Reads `document` (the JSON text of an identity document). Members it lacks give no attribute.
// InvalidParameterException if it is not a JSON object, has no instanceId, or one that is not
// i- or mi- and 8 to 17 hex digits, or a member of the wrong type or over 128 characters.
[[nodiscard]] Result<InstanceIdentity> parse_instance_identity(std::string_view document);

}  // namespace berth::model
