#include "model/capacity_provider_strategy.hpp"

#include <algorithm>
#include <set>

#include "model/capacity_provider.hpp"

namespace berth::model {

Result<CapacityProviderStrategy> read_capacity_provider_strategy(const Json& items) {
  if (items.size() > k_max_strategy_items) {
    return fail(Code::invalid_parameter, "A capacity provider strategy can contain at most " +
                                             std::to_string(k_max_strategy_items) + " capacity providers.");
  }
  CapacityProviderStrategy strategy;
  std::set<std::string> seen;
  int with_base = 0;
  for (const auto& item : items) {
    StrategyItem next{item["capacityProvider"].get<std::string>(), item.value("weight", 0), item.value("base", 0)};
    if (is_fargate_provider(next.capacity_provider)) {
      return fail(Code::invalid_parameter,
                  "The capacity provider " + next.capacity_provider + " is not supported: " + std::string(k_no_fargate));
    }
    if (next.weight < 0 || next.weight > 1000) {
      return fail(Code::invalid_parameter, "The weight of capacity provider " + next.capacity_provider +
                                               " must be between 0 and 1000.");
    }
    if (next.base < 0 || next.base > 100000) {
      return fail(Code::invalid_parameter, "The base of capacity provider " + next.capacity_provider +
                                               " must be between 0 and 100000.");
    }
    if (!seen.insert(next.capacity_provider).second) {
      return fail(Code::invalid_parameter, "The capacity provider strategy cannot contain a duplicate capacity "
                                           "provider: " + next.capacity_provider + ".");
    }
    if (next.base > 0 && ++with_base > 1) {
      return fail(Code::invalid_parameter,
                  "Only one capacity provider in a capacity provider strategy can have a base defined.");
    }
    strategy.push_back(std::move(next));
  }
  return strategy;
}

Result<LaunchCapacity> read_launch_capacity(const Json& body) {
  LaunchCapacity out;
  out.launch_type_given = body.contains("launchType");
  if (body.value("launchType", "") == "FARGATE") {
    return fail(Code::invalid_parameter, "launchType FARGATE is not supported: " + std::string(k_no_fargate));
  }
  const Json items = body.value("capacityProviderStrategy", Json::array());
  if (items.empty()) return out;
  if (out.launch_type_given) {
    return fail(Code::invalid_parameter,
                "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try "
                "again.");
  }
  BERTH_ASSIGN(out.strategy, read_capacity_provider_strategy(items));
  return out;
}

Json strategy_to_json(const CapacityProviderStrategy& strategy) {
  Json out = Json::array();
  for (const auto& item : strategy) {
    out.push_back({{"capacityProvider", item.capacity_provider}, {"weight", item.weight}, {"base", item.base}});
  }
  return out;
}

Result<void> check_strategy_associated(const CapacityProviderStrategy& strategy,
                                       const std::vector<std::string>& associated) {
  for (const auto& item : strategy) {
    if (std::find(associated.begin(), associated.end(), item.capacity_provider) == associated.end()) {
      return fail(Code::invalid_parameter,
                  "The specified capacity provider strategy cannot contain a capacity provider that is not associated "
                  "with the cluster. Associate the capacity provider with the cluster or specify a valid capacity "
                  "provider and try again.");
    }
  }
  return {};
}

std::vector<std::string> providers_for_tasks(const CapacityProviderStrategy& strategy, int count,
                                             const std::map<std::string, int>& running) {
  std::vector<std::string> out;
  if (strategy.empty() || count <= 0) return out;
  const auto running_on = [&](const StrategyItem& item) {
    const auto it = running.find(item.capacity_provider);
    return it == running.end() ? 0 : std::max(0, it->second);
  };
  const auto base_item = std::find_if(strategy.begin(), strategy.end(), [](const StrategyItem& i) { return i.base > 0; });
  const int base_running = base_item == strategy.end() ? 0 : std::min(base_item->base, running_on(*base_item));
  const int from_base = base_item == strategy.end() ? 0 : std::min(base_item->base - base_running, count);
  out.assign(static_cast<std::size_t>(from_base), from_base > 0 ? base_item->capacity_provider : "");
  long long total_weight = 0;
  for (const auto& item : strategy) total_weight += item.weight;
  if (total_weight == 0) {
    const std::string& only = base_item == strategy.end() ? strategy.front().capacity_provider : base_item->capacity_provider;
    out.resize(static_cast<std::size_t>(count), only);
    return out;
  }
  // Weighted round robin over the tasks beyond the base, those running included: each next task
  // goes to the item furthest below its share so far.
  std::vector<long long> given(strategy.size(), 0);
  long long placed = 0;
  for (std::size_t i = 0; i < strategy.size(); ++i) {
    given[i] = running_on(strategy[i]) - (strategy.begin() + static_cast<long>(i) == base_item ? base_running : 0);
    placed += given[i];
  }
  for (int n = 0; n < count - from_base; ++n, ++placed) {
    std::size_t best = 0;
    long long best_deficit = LLONG_MIN;
    for (std::size_t i = 0; i < strategy.size(); ++i) {
      const long long deficit = strategy[i].weight * (placed + 1) - given[i] * total_weight;
      if (strategy[i].weight > 0 && deficit > best_deficit) {
        best = i;
        best_deficit = deficit;
      }
    }
    ++given[best];
    out.push_back(strategy[best].capacity_provider);
  }
  return out;
}

}  // namespace berth::model
