// Typed requests and replies of the capacity provider actions (CreateCapacityProvider,
// DescribeCapacityProviders, UpdateCapacityProvider, DeleteCapacityProvider,
// PutClusterCapacityProviders): decoders of shape-checked bodies, validated once with ECS's
// errors (what needs the store the use cases check), and encoders. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/capacity_provider.hpp"
#include "model/capacity_provider_strategy.hpp"
#include "model/failure.hpp"
#include "model/paging.hpp"
#include "model/tags.hpp"

namespace berth::model {

struct CreateCapacityProviderRequest {
  CapacityProvider provider;  // name checked, autoScalingGroupProvider normalised
  std::vector<Tag> tags;
};

struct DescribeCapacityProvidersRequest {
  std::vector<std::string> capacity_providers;  // names or ARNs; empty = all, paged
  std::optional<std::string> cluster;           // only the providers of this cluster
  bool with_tags = false;
  PageRequest page;                             // at most 10 per page
};

struct UpdateCapacityProviderRequest {
  std::string name;  // name or ARN
  Json auto_scaling_group_provider = Json::object();  // an AutoScalingGroupProviderUpdate
};

struct DeleteCapacityProviderRequest {
  std::string capacity_provider;  // name or ARN
};

// ECS's quota of capacity providers associated with one cluster (not adjustable).
inline constexpr std::size_t k_max_cluster_capacity_providers = 20;

struct PutClusterCapacityProvidersRequest {
  std::string cluster;  // name or ARN
  std::vector<std::string> capacity_providers;
  CapacityProviderStrategy default_strategy;
};

// A provider as a reply shows it: a stored one, or the built-in FARGATE / FARGATE_SPOT.
struct CapacityProviderDescription {
  std::optional<CapacityProvider> provider;
  std::string fargate_name;              // when `provider` is not set
  std::optional<std::vector<Tag>> tags;  // present when the reply carries them
};

// {"capacityProvider": ...}: Create's, Update's and Delete's reply.
struct CapacityProviderReply {
  CapacityProviderDescription capacity_provider;
};

struct DescribeCapacityProvidersReply {
  std::vector<CapacityProviderDescription> capacity_providers;
  std::vector<Failure> failures;
  std::optional<std::string> next_token;
};

// Decoders. Errors: ClientException for a name ECS refuses; InvalidParameterException for a
// missing autoScalingGroupProvider, a cluster (only Managed Instances providers have one), a
// strategy ECS refuses (model/capacity_provider_strategy.hpp), more than 20 capacityProviders or one
// listed twice, a default strategy naming a provider not in the list, a maxResults outside 1–10 or
// a foreign nextToken;
// UnsupportedFeatureException for managedInstancesProvider.
[[nodiscard]] Result<CreateCapacityProviderRequest> decode_create_capacity_provider(const Json& body);
[[nodiscard]] Result<DescribeCapacityProvidersRequest> decode_describe_capacity_providers(const Json& body);
[[nodiscard]] Result<UpdateCapacityProviderRequest> decode_update_capacity_provider(const Json& body);
[[nodiscard]] Result<DeleteCapacityProviderRequest> decode_delete_capacity_provider(const Json& body);
[[nodiscard]] Result<PutClusterCapacityProvidersRequest> decode_put_cluster_capacity_providers(const Json& body);

// Encoders.
Json encode_capacity_provider_reply(const CapacityProviderReply& reply, const ArnScope& arns);
Json encode_describe_capacity_providers(const DescribeCapacityProvidersReply& reply, const ArnScope& arns);

}  // namespace berth::model
