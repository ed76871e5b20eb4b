#include "model/capacity_provider_requests.hpp"

#include <set>
#include <string_view>

#include "model/request_members.hpp"

namespace berth::model {
namespace {

constexpr std::size_t k_max_described = 10;

Result<void> refuse_managed_instances(const Json& body) {
  if (body.contains("managedInstancesProvider")) {
    return fail(Code::unsupported_feature,
                "managedInstancesProvider is not supported: Amazon ECS Managed Instances are EC2 instances AWS "
                "launches in a Region; a gateway runs tasks on its own container instances. Create the capacity "
                "provider with autoScalingGroupProvider (kept and shown, not acted on).");
  }
  if (body.contains("cluster")) {
    return fail(Code::invalid_parameter, "cluster is only for Managed Instances capacity providers; associate an "
                                         "Auto Scaling group capacity provider with PutClusterCapacityProviders.");
  }
  return {};
}

Json description_to_json(const CapacityProviderDescription& d, const ArnScope& arns) {
  const std::vector<Tag>* tags = d.tags ? &*d.tags : nullptr;
  return d.provider ? capacity_provider_to_json(*d.provider, arns, tags) : fargate_provider_to_json(d.fargate_name, arns, tags);
}

}  // namespace

Result<CreateCapacityProviderRequest> decode_create_capacity_provider(const Json& body) {
  BERTH_TRY(refuse_managed_instances(body));
  CreateCapacityProviderRequest request;
  request.provider.name = body["name"].get<std::string>();
  BERTH_TRY(check_capacity_provider_name(request.provider.name));
  if (!body.contains("autoScalingGroupProvider")) {
    return fail(Code::invalid_parameter, "autoScalingGroupProvider is required: a gateway's capacity providers "
                                         "are Auto Scaling group providers.");
  }
  BERTH_ASSIGN(request.provider.auto_scaling_group_provider,
               normalize_auto_scaling_group_provider(body["autoScalingGroupProvider"]));
  if (body.contains("tags")) {
    BERTH_ASSIGN(request.tags, read_tags(body["tags"]));
  }
  return request;
}

Result<DescribeCapacityProvidersRequest> decode_describe_capacity_providers(const Json& body) {
  DescribeCapacityProvidersRequest request;
  if (body.contains("capacityProviders")) request.capacity_providers = strings_of(body["capacityProviders"]);
  if (request.capacity_providers.size() > 100) {
    return fail(Code::invalid_parameter, "DescribeCapacityProviders takes at most 100 capacity providers.");
  }
  const int max_results = body.value("maxResults", static_cast<int>(k_max_described));
  if (max_results < 1 || max_results > static_cast<int>(k_max_described)) {
    return fail(Code::invalid_parameter, "maxResults must be between 1 and 10.");
  }
  if ((!request.capacity_providers.empty() || body.contains("cluster")) &&
      (body.contains("maxResults") || body.contains("nextToken"))) {
    return fail(Code::invalid_parameter, "maxResults and nextToken page through all capacity providers; they "
                                         "cannot be used with capacityProviders or cluster.");
  }
  BERTH_ASSIGN(request.page, read_page_request(body, k_max_described, "capacityProviders"));
  request.page.limit = static_cast<std::size_t>(max_results);
  request.with_tags = includes(body, "TAGS");
  request.cluster = optional_string(body, "cluster");
  return request;
}

Result<UpdateCapacityProviderRequest> decode_update_capacity_provider(const Json& body) {
  BERTH_TRY(refuse_managed_instances(body));
  if (!body.contains("autoScalingGroupProvider")) {
    return fail(Code::invalid_parameter, "autoScalingGroupProvider is required.");
  }
  return UpdateCapacityProviderRequest{body["name"].get<std::string>(), body["autoScalingGroupProvider"]};
}

Result<DeleteCapacityProviderRequest> decode_delete_capacity_provider(const Json& body) {
  if (body.contains("cluster")) {
    return fail(Code::invalid_parameter, "cluster is only for Managed Instances capacity providers.");
  }
  return DeleteCapacityProviderRequest{body["capacityProvider"].get<std::string>()};
}

Result<PutClusterCapacityProvidersRequest> decode_put_cluster_capacity_providers(const Json& body) {
  PutClusterCapacityProvidersRequest request;
  request.cluster = body["cluster"].get<std::string>();
  request.capacity_providers = strings_of(body["capacityProviders"]);
  if (request.capacity_providers.size() > k_max_cluster_capacity_providers) {
    return fail(Code::invalid_parameter, "A cluster can have at most " + std::to_string(k_max_cluster_capacity_providers) +
                                             " capacity providers; " + std::to_string(request.capacity_providers.size()) +
                                             " were given.");
  }
  std::set<std::string_view> seen;
  for (const auto& name : request.capacity_providers) {
    if (is_fargate_provider(name)) {
      return fail(Code::invalid_parameter, "The capacity provider " + name + " is not supported: " + std::string(k_no_fargate));
    }
    if (!seen.insert(name).second) {
      return fail(Code::invalid_parameter, "The capacity provider " + name + " is listed more than once.");
    }
  }
  BERTH_ASSIGN(request.default_strategy, read_capacity_provider_strategy(body["defaultCapacityProviderStrategy"]));
  BERTH_TRY(check_strategy_associated(request.default_strategy, request.capacity_providers));
  return request;
}

Json encode_capacity_provider_reply(const CapacityProviderReply& reply, const ArnScope& arns) {
  return Json{{"capacityProvider", description_to_json(reply.capacity_provider, arns)}};
}

Json encode_describe_capacity_providers(const DescribeCapacityProvidersReply& reply, const ArnScope& arns) {
  Json providers = Json::array();
  for (const auto& d : reply.capacity_providers) providers.push_back(description_to_json(d, arns));
  Json out{{"capacityProviders", std::move(providers)}, {"failures", failures_to_json(reply.failures)}};
  if (reply.next_token) out["nextToken"] = *reply.next_token;
  return out;
}

}  // namespace berth::model
