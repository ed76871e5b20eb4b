#include "model/cluster.hpp"

namespace berth::model {

Result<Json> normalize_cluster_settings(const Json& settings) {
  Json out = Json::array();
  std::string insights = "disabled";
  for (const auto& s : settings) {
    const std::string value = s.value("value", "");
    if (value != "enabled" && value != "disabled" && value != "enhanced") {
      return fail(Code::invalid_parameter,
                  "The containerInsights setting must be enabled, disabled or enhanced.");
    }
    insights = value;
  }
  out.push_back({{"name", "containerInsights"}, {"value", insights}});
  return out;
}

Json cluster_to_json(const Cluster& cluster, const ClusterCounts& counts, const ClusterView& view,
                     const ArnScope& arns) {
  Json out = {
      {"clusterArn", arns.cluster(cluster.name)},
      {"clusterName", cluster.name},
      {"status", std::string(to_wire(cluster.status))},
      {"registeredContainerInstancesCount", counts.container_instances},
      {"runningTasksCount", counts.running_tasks},
      {"pendingTasksCount", counts.pending_tasks},
      {"activeServicesCount", counts.active_services},
      {"statistics", Json::array()},
      {"tags", Json::array()},
      {"capacityProviders", cluster.capacity.value("capacityProviders", Json::array())},
      {"defaultCapacityProviderStrategy",
       cluster.capacity.value("defaultCapacityProviderStrategy", Json::array())},
  };
  for (const char* key : {"configuration", "serviceConnectDefaults"}) {
    if (cluster.capacity.contains(key)) out[key] = cluster.capacity[key];
  }
  if (view.settings) out["settings"] = cluster.settings;
  if (view.statistics) {
    const auto stat = [](const char* name, long long v) {
      return Json{{"name", name}, {"value", std::to_string(v)}};
    };
    out["statistics"] = Json::array({
        stat("runningEC2TasksCount", counts.running_tasks),
        stat("pendingEC2TasksCount", counts.pending_tasks),
        stat("activeEC2ServiceCount", counts.active_services),
        stat("drainingEC2ServiceCount", counts.draining_services),
        stat("runningFargateTasksCount", 0),
        stat("pendingFargateTasksCount", 0),
        stat("activeFargateServiceCount", 0),
        stat("drainingFargateServiceCount", 0),
    });
  }
  if (view.tags) out["tags"] = tags_to_json(*view.tags);
  return out;
}

}  // namespace berth::model
