// Capacity providers as a gateway has them: an EC2_AUTOSCALING provider names the container
// instances of the clusters it is associated with (its Auto Scaling group settings are kept and
// shown as ECS does, never acted on: a gateway has no Auto Scaling group), and the built-in FARGATE
// and FARGATE_SPOT exist only to be described and refused. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/tags.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

// A stored provider is ACTIVE; one just deleted is answered INACTIVE.
enum class CapacityProviderStatus { active, inactive };
template <>
struct WireNames<CapacityProviderStatus> {
  static constexpr std::array<std::string_view, 2> names = {"ACTIVE", "INACTIVE"};
};

struct CapacityProvider {
  std::string name;
  CapacityProviderStatus status = CapacityProviderStatus::active;
  Json auto_scaling_group_provider = Json::object();  // with ECS's defaults filled in
  std::string update_status;                          // "" until updated, then ECS's updateStatus
  std::string update_status_reason;
  EpochMs created_at = 0;
};

// The refusal every use of FARGATE / FARGATE_SPOT or launchType FARGATE answers with.
inline constexpr std::string_view k_no_fargate =
    "a gateway has no AWS Fargate: tasks run on the cluster's own container instances. Use launchType EC2 or a "
    "capacity provider created with CreateCapacityProvider and associated with the cluster.";

// True for the built-in FARGATE and FARGATE_SPOT.
bool is_fargate_provider(std::string_view name);

// Checks a name CreateCapacityProvider may create: 1 to 255 letters, digits, '_' and '-', not
// starting with "aws", "ecs" or "fargate" (any case). ClientException otherwise.
[[nodiscard]] Result<void> check_capacity_provider_name(std::string_view name);

// Returns autoScalingGroupProvider as CreateCapacityProvider stores it: autoScalingGroupArn
// required (an Auto Scaling group ARN), managedScaling with ECS's defaults (DISABLED, target 100,
// steps 1 and 10000, warm-up 300), managedTerminationProtection DISABLED, managedDraining
// ENABLED. InvalidParameterException for a missing or malformed ARN, ClientException for a
// minimum step above the maximum or termination protection without managed scaling.
[[nodiscard]] Result<Json> normalize_auto_scaling_group_provider(const Json& given);

// Returns `stored` with the members of an AutoScalingGroupProviderUpdate applied, checked as above.
[[nodiscard]] Result<Json> updated_auto_scaling_group_provider(const Json& stored, const Json& update);

// The stored form and back (ClientException for a record berth did not write).
Json capacity_provider_to_record(const CapacityProvider& provider);
[[nodiscard]] Result<CapacityProvider> capacity_provider_from_record(const Json& record);

// The ECS wire shape (type EC2_AUTOSCALING); tags when given.
Json capacity_provider_to_json(const CapacityProvider& provider, const ArnScope& arns, const std::vector<Tag>* tags);
// FARGATE or FARGATE_SPOT as DescribeCapacityProviders shows them. REQUIRES is_fargate_provider(name).
Json fargate_provider_to_json(std::string_view name, const ArnScope& arns, const std::vector<Tag>* tags);

// ARN of the capacity provider `name`.
std::string capacity_provider_arn(const ArnScope& arns, std::string_view name);

// The name a capacityProvider member means: a name, or the name in a capacity-provider ARN of
// this region and account; nothing for any other ARN.
std::optional<std::string> capacity_provider_name_of(const ArnScope& arns, std::string_view text);

// The providers a cluster's stored capacity member associates with it (its capacityProviders).
std::vector<std::string> associated_capacity_providers(const Json& capacity);

}  // namespace berth::model
