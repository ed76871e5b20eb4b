// Cluster: stored fields, settings validation and the wire shape. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"

namespace berth::model {

struct Cluster {
  std::string name;
  ClusterStatus status = ClusterStatus::active;  // INACTIVE once deleted
  Json settings = Json::array();  // [{name, value}]
  Json capacity = Json::object(); // capacityProviders, defaultCapacityProviderStrategy, ...
  EpochMs created_at = 0;
};

// What a cluster holds; computed from the store, never stored.
struct ClusterCounts {
  long long container_instances = 0;
  long long running_tasks = 0;
  long long pending_tasks = 0;
  long long active_services = 0;
  long long draining_services = 0;
};

// Validates a shape-checked CreateCluster request's settings and fills the default
// containerInsights=disabled. Returns InvalidParameterException for a bad value.
[[nodiscard]] Result<Json> normalize_cluster_settings(const Json& settings);

struct ClusterView {
  bool settings = false;
  bool statistics = false;
  const std::vector<Tag>* tags = nullptr;  // present when TAGS was asked for
};

Json cluster_to_json(const Cluster& cluster, const ClusterCounts& counts, const ClusterView& view,
                     const ArnScope& arns);

}  // namespace berth::model
