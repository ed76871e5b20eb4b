#include "model/service.hpp"

namespace berth::model {

void add_event(Service& service, const std::string& message, EpochMs now, const std::string& id) {
  service.events.insert(service.events.begin(), ServiceEvent{id, now, message});
  if (service.events.size() > k_max_service_events) service.events.resize(k_max_service_events);
}

Json service_to_record(const Service& s) {
  Json deployments = Json::array();
  for (const auto& d : s.deployments) {
    deployments.push_back({{"id", d.id}, {"status", d.status}, {"family", d.family}, {"revision", d.revision},
                           {"desiredCount", d.desired_count}, {"pendingCount", d.pending_count},
                           {"runningCount", d.running_count}, {"failedTasks", d.failed_tasks},
                           {"rolloutState", d.rollout_state}, {"rolloutStateReason", d.rollout_state_reason},
                           {"createdAt", d.created_at}, {"updatedAt", d.updated_at}});
  }
  Json events = Json::array();
  for (const auto& e : s.events) events.push_back({{"id", e.id}, {"createdAt", e.created_at}, {"message", e.message}});
  return {{"cluster", s.cluster}, {"name", s.name}, {"status", std::string(to_wire(s.status))},
          {"desiredCount", s.desired_count},
          {"schedulingStrategy", s.scheduling_strategy}, {"maximumPercent", s.maximum_percent},
          {"minimumHealthyPercent", s.minimum_healthy_percent},
          {"deploymentConfiguration", s.deployment_configuration},
          {"placementConstraints", s.placement_constraints}, {"placementStrategy", s.placement_strategy},
          {"healthCheckGracePeriodSeconds", s.health_check_grace_period_seconds},
          {"enableExecuteCommand", s.enable_execute_command},
          {"deployments", deployments}, {"events", events}, {"createdAt", s.created_at}, {"version", s.version},
          {"throttleResetAt", s.throttle_reset_at}, {"nextLaunchAt", s.next_launch_at}};
}

Result<Service> service_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt service record");
  Service s;
  s.cluster = r.value("cluster", "");
  s.name = r.value("name", "");
  const auto status = from_wire<ServiceStatus>(r.value("status", "ACTIVE"));
  if (!status) return fail(Code::server, "corrupt service record");
  s.status = *status;
  s.desired_count = r.value("desiredCount", 0);
  s.scheduling_strategy = r.value("schedulingStrategy", "REPLICA");
  s.maximum_percent = r.value("maximumPercent", 200);
  s.minimum_healthy_percent = r.value("minimumHealthyPercent", 100);
  s.deployment_configuration = r.value("deploymentConfiguration", Json::object());
  s.placement_constraints = r.value("placementConstraints", Json::array());
  s.placement_strategy = r.value("placementStrategy", Json::array());
  s.health_check_grace_period_seconds = r.value("healthCheckGracePeriodSeconds", 0);
  s.enable_execute_command = r.value("enableExecuteCommand", false);
  s.created_at = r.value("createdAt", 0LL);
  s.version = r.value("version", 1LL);
  s.throttle_reset_at = r.value("throttleResetAt", 0LL);
  s.next_launch_at = r.value("nextLaunchAt", 0LL);
  for (const auto& d : r.value("deployments", Json::array())) {
    Deployment x;
    x.id = d.value("id", "");
    x.status = d.value("status", "PRIMARY");
    x.family = d.value("family", "");
    x.revision = d.value("revision", 0LL);
    x.desired_count = d.value("desiredCount", 0);
    x.pending_count = d.value("pendingCount", 0);
    x.running_count = d.value("runningCount", 0);
    x.failed_tasks = d.value("failedTasks", 0);
    x.rollout_state = d.value("rolloutState", "IN_PROGRESS");
    x.rollout_state_reason = d.value("rolloutStateReason", "");
    x.created_at = d.value("createdAt", 0LL);
    x.updated_at = d.value("updatedAt", 0LL);
    s.deployments.push_back(std::move(x));
  }
  for (const auto& e : r.value("events", Json::array())) {
    s.events.push_back({e.value("id", ""), e.value("createdAt", 0LL), e.value("message", "")});
  }
  return s;
}

Json service_to_json(const Service& s, const ArnScope& arns, const std::vector<Tag>* tags) {
  Json deployments = Json::array();
  int running = 0, pending = 0;
  for (const auto& d : s.deployments) {
    running += d.running_count;
    pending += d.pending_count;
    deployments.push_back({{"id", d.id}, {"status", d.status},
                           {"taskDefinition", arns.task_definition(d.family, d.revision)},
                           {"desiredCount", d.desired_count}, {"pendingCount", d.pending_count},
                           {"runningCount", d.running_count}, {"failedTasks", d.failed_tasks},
                           {"createdAt", epoch_seconds(d.created_at)}, {"updatedAt", epoch_seconds(d.updated_at)},
                           {"launchType", "EC2"}, {"rolloutState", d.rollout_state},
                           {"rolloutStateReason", d.rollout_state_reason}});
  }
  Json events = Json::array();
  for (const auto& e : s.events) {
    events.push_back({{"id", e.id}, {"createdAt", epoch_seconds(e.created_at)}, {"message", e.message}});
  }
  Json configuration = s.deployment_configuration;
  configuration["maximumPercent"] = s.maximum_percent;
  configuration["minimumHealthyPercent"] = s.minimum_healthy_percent;
  Json out{{"serviceArn", arns.service(s.cluster, s.name)},
           {"serviceName", s.name},
           {"clusterArn", arns.cluster(s.cluster)},
           {"status", std::string(to_wire(s.status))},
           {"desiredCount", s.desired_count},
           {"runningCount", running},
           {"pendingCount", pending},
           {"launchType", "EC2"},
           {"schedulingStrategy", s.scheduling_strategy},
           {"deploymentConfiguration", configuration},
           {"deploymentController", {{"type", "ECS"}}},
           {"deployments", deployments},
           {"events", events},
           {"placementConstraints", s.placement_constraints},
           {"placementStrategy", s.placement_strategy},
           {"createdAt", epoch_seconds(s.created_at)},
           {"createdBy", "arn:aws:iam::" + arns.account + ":root"},
           {"propagateTags", "NONE"},
           {"enableECSManagedTags", false},
           {"enableExecuteCommand", s.enable_execute_command}};
  if (!s.deployments.empty()) out["taskDefinition"] = arns.task_definition(s.primary().family, s.primary().revision);
  if (s.health_check_grace_period_seconds > 0) out["healthCheckGracePeriodSeconds"] = s.health_check_grace_period_seconds;
  if (tags) out["tags"] = tags_to_json(*tags);
  return out;
}

}  // namespace berth::model
