// Capacity provider strategies (capacityProviderStrategy of RunTask, CreateService,
// UpdateService; a cluster's defaultCapacityProviderStrategy): ECS's rules and its split of
// tasks over the providers (base first, then by weight). Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

struct StrategyItem {
  std::string capacity_provider;
  int weight = 0;  // 0 to 1000
  int base = 0;    // 0 to 100000
};
using CapacityProviderStrategy = std::vector<StrategyItem>;

inline constexpr std::size_t k_max_strategy_items = 20;

// Reads a shape-checked capacityProviderStrategy. InvalidParameterException for FARGATE or
// FARGATE_SPOT (a gateway has no Fargate), more than 20 items, a weight or base out of range, a
// provider named twice or more than one base above 0.
[[nodiscard]] Result<CapacityProviderStrategy> read_capacity_provider_strategy(const Json& items);
Json strategy_to_json(const CapacityProviderStrategy& strategy);

// What a RunTask, CreateService or UpdateService request says about where its tasks run: a
// capacityProviderStrategy, a launchType, or neither (then the cluster's default strategy, if it
// has one, else EC2).
struct LaunchCapacity {
  std::optional<CapacityProviderStrategy> strategy;  // given and not empty
  bool launch_type_given = false;
};

// Reads launchType and capacityProviderStrategy of a shape-checked request body.
// InvalidParameterException for launchType FARGATE (a gateway has no Fargate), for both given, and
// for a strategy read_capacity_provider_strategy refuses.
[[nodiscard]] Result<LaunchCapacity> read_launch_capacity(const Json& body);

// Checks that every provider of `strategy` is one of `associated` (a cluster's
// capacityProviders). InvalidParameterException, as ECS words it, otherwise.
[[nodiscard]] Result<void> check_strategy_associated(const CapacityProviderStrategy& strategy,
                                                     const std::vector<std::string>& associated);

// Returns the provider of each of `count` tasks started together, as ECS splits them: the
// provider with a base takes up to base tasks first, the rest go by weight (ties and an all-zero
// weight to the earliest item). `running`: the tasks of the same group (a service) that already
// run, by provider; the split then covers them and the new tasks together, as ECS applies a
// service's strategy over all its tasks. Nothing for an empty strategy.
std::vector<std::string> providers_for_tasks(const CapacityProviderStrategy& strategy, int count,
                                             const std::map<std::string, int>& running = {});

}  // namespace berth::model
