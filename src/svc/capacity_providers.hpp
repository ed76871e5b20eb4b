// Capacity provider use cases (CreateCapacityProvider, DescribeCapacityProviders,
// UpdateCapacityProvider, DeleteCapacityProvider, PutClusterCapacityProviders) and what task
// starts and services ask of them: the strategy a launch uses and each task's provider. Every
// provider of a cluster stands for the cluster's own container instances, so placement is the
// same whichever provider a task gets. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "model/capacity_provider_requests.hpp"
#include "model/cluster_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// LimitExceededException once berth holds 100 capacity providers.
[[nodiscard]] Result<model::CapacityProviderReply> create_capacity_provider(
    Context& ctx, const model::CreateCapacityProviderRequest& request);
// Named providers (FARGATE and FARGATE_SPOT included; a missing one is a MISSING failure), or all
// of them a page at a time, the built-in ones first. With a cluster (ClusterNotFoundException
// unless ACTIVE), only those associated with it.
[[nodiscard]] Result<model::DescribeCapacityProvidersReply> describe_capacity_providers(
    Context& ctx, const model::DescribeCapacityProvidersRequest& request);
// ClientException for FARGATE / FARGATE_SPOT (built in, not updatable) or an unknown provider.
[[nodiscard]] Result<model::CapacityProviderReply> update_capacity_provider(
    Context& ctx, const model::UpdateCapacityProviderRequest& request);
[[nodiscard]] Result<model::CapacityProviderReply> delete_capacity_provider(
    Context& ctx, const model::DeleteCapacityProviderRequest& request);
[[nodiscard]] Result<model::ClusterReply> put_cluster_capacity_providers(
    Context& ctx, const model::PutClusterCapacityProvidersRequest& request);

// Checks CreateCluster's capacityProviders and defaultCapacityProviderStrategy (`capacity`, as
// the cluster stores them): no FARGATE, at most 20, providers that exist (checked again in the
// store's transaction), a default strategy ECS accepts naming only listed providers.
// InvalidParameterException otherwise.
[[nodiscard]] Result<void> check_new_cluster_capacity(Context& ctx, const Json& capacity);

// The strategy tasks launched with `given` on the ACTIVE cluster `cluster` use: `given.strategy`
// (each provider associated with the cluster, else InvalidParameterException), else the cluster's
// default strategy unless a launchType was given, else none (launchType EC2).
[[nodiscard]] Result<model::CapacityProviderStrategy> launch_strategy(Context& ctx, const std::string& cluster,
                                                                      const model::LaunchCapacity& given);

}  // namespace berth::svc
