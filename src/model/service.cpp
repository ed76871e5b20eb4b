#include "model/service.hpp"

#include "model/task_set_json.hpp"
#include "model/deployment_history.hpp"
#include "model/service_deployment_requests.hpp"

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
    if (!d.rollback_of.empty()) deployments.back()["rollbackOf"] = d.rollback_of;
  }
  Json events = Json::array();
  for (const auto& e : s.events) events.push_back({{"id", e.id}, {"createdAt", e.created_at}, {"message", e.message}});
  Json task_sets = Json::array();
  for (const auto& t : s.task_sets) task_sets.push_back(task_set_to_record(t));
  Json record{{"cluster", s.cluster}, {"name", s.name}, {"status", std::string(to_wire(s.status))},
          {"desiredCount", s.desired_count},
          {"schedulingStrategy", s.scheduling_strategy}, {"maximumPercent", s.maximum_percent},
          {"minimumHealthyPercent", s.minimum_healthy_percent},
          {"deploymentConfiguration", s.deployment_configuration},
          {"placementConstraints", s.placement_constraints}, {"placementStrategy", s.placement_strategy},
          {"healthCheckGracePeriodSeconds", s.health_check_grace_period_seconds},
          {"enableExecuteCommand", s.enable_execute_command},
          {"deployments", deployments}, {"events", events}, {"createdAt", s.created_at}, {"version", s.version},
          {"throttleResetAt", s.throttle_reset_at}, {"nextLaunchAt", s.next_launch_at},
          {"propagateTags", std::string(to_wire(s.tagging.propagate))}, {"enableECSManagedTags", s.tagging.managed_tags},
          {"deploymentController", std::string(to_wire(s.deployment_controller))}, {"taskSets", task_sets},
          {"attachments", attachments_to_record(s.attachments)}, {"history", history_to_record(s.history)}};
  if (!s.capacity_provider_strategy.empty()) record["capacityProviderStrategy"] = s.capacity_provider_strategy;
  return record;
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
  s.capacity_provider_strategy = r.value("capacityProviderStrategy", Json::array());
  s.enable_execute_command = r.value("enableExecuteCommand", false);
  s.created_at = r.value("createdAt", 0LL);
  s.version = r.value("version", 1LL);
  s.throttle_reset_at = r.value("throttleResetAt", 0LL);
  s.next_launch_at = r.value("nextLaunchAt", 0LL);
  // Records written before services kept their tagging have neither member: NONE, false.
  const auto propagate = from_wire<PropagateTags>(r.value("propagateTags", "NONE"));
  if (!propagate) return fail(Code::server, "corrupt service record");
  s.tagging = {*propagate, r.value("enableECSManagedTags", false)};
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
    x.rollback_of = d.value("rollbackOf", "");
    s.deployments.push_back(std::move(x));
  }
  for (const auto& e : r.value("events", Json::array())) {
    s.events.push_back({e.value("id", ""), e.value("createdAt", 0LL), e.value("message", "")});
  }
  const auto controller = from_wire<DeploymentController>(r.value("deploymentController", "ECS"));
  if (!controller) return fail(Code::server, "corrupt service record");
  s.deployment_controller = *controller;
  for (const auto& t : r.value("taskSets", Json::array())) {
    BERTH_ASSIGN(auto set, task_set_from_record(t));
    s.task_sets.push_back(std::move(set));
  }
  s.attachments = attachments_from_record(r.value("attachments", Json::object()));
  BERTH_ASSIGN(s.history, history_from_record(r.value("history", Json())));
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
    if (const auto* revision = revision_run_by(s, d.id)) deployment_attachments_to_json(revision->attachments, deployments.back());
  }
  Json events = Json::array();
  for (const auto& e : s.events) {
    events.push_back({{"id", e.id}, {"createdAt", epoch_seconds(e.created_at)}, {"message", e.message}});
  }
  const TaskSetOwner owner{s.cluster, s.name, s.desired_count};
  Json task_sets = Json::array();
  const TaskSet* primary_set = nullptr;
  for (const auto& t : s.task_sets) {
    running += t.running_count;
    pending += t.pending_count;
    task_sets.push_back(task_set_to_json(t, owner, arns, nullptr));
    if (t.status == TaskSetStatus::primary) primary_set = &t;
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
           {"deploymentController", {{"type", std::string(to_wire(s.deployment_controller))}}},
           {"deployments", deployments},
           {"events", events},
           {"placementConstraints", s.placement_constraints},
           {"placementStrategy", s.placement_strategy},
           {"createdAt", epoch_seconds(s.created_at)},
           {"createdBy", "arn:aws:iam::" + arns.account + ":root"},
           {"propagateTags", std::string(to_wire(s.tagging.propagate))},
           {"enableECSManagedTags", s.tagging.managed_tags},
           {"enableExecuteCommand", s.enable_execute_command}};
  if (!s.deployments.empty()) out["taskDefinition"] = arns.task_definition(s.primary().family, s.primary().revision);
  if (s.deployment_controller == DeploymentController::external) {
    out["taskSets"] = std::move(task_sets);
    // The PRIMARY task set's parameters are the service's (UpdateServicePrimaryTaskSet).
    if (primary_set) out["taskDefinition"] = arns.task_definition(primary_set->family, primary_set->revision);
  }
  if (s.health_check_grace_period_seconds > 0) out["healthCheckGracePeriodSeconds"] = s.health_check_grace_period_seconds;
  if (!s.capacity_provider_strategy.empty()) {
    // As ECS shows a service on capacity providers: the strategy instead of a launchType.
    out.erase("launchType");
    out["capacityProviderStrategy"] = s.capacity_provider_strategy;
    for (auto& d : out["deployments"]) {
      d.erase("launchType");
      d["capacityProviderStrategy"] = s.capacity_provider_strategy;
    }
  }
  service_attachments_to_json(s.attachments, out);
  const HistoryKey key{s.cluster, s.name, ""};
  if (!s.history.deployments.empty()) {
    out["currentServiceDeployment"] = history_arn(arns, k_service_deployment, {s.cluster, s.name, s.history.deployments.front().id});
  }
  // The revisions that have tasks, with the counts of the live deployment running each.
  Json current_revisions = Json::array();
  for (const auto& d : s.deployments) {
    const auto* revision = revision_run_by(s, d.id);
    if (revision && d.running_count + d.pending_count > 0) {
      current_revisions.push_back(revision_summary(arns, key, revision->id, {d.desired_count, d.running_count, d.pending_count}));
    }
  }
  if (!current_revisions.empty()) out["currentServiceRevisions"] = std::move(current_revisions);
  if (tags) out["tags"] = tags_to_json(*tags);
  return out;
}

}  // namespace berth::model
