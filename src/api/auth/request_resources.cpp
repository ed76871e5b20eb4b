#include "api/auth/request_resources.hpp"

#include <map>

#include "api/auth/privileged_settings.hpp"
#include "api/ecs_actions.hpp"
#include "model/log_configuration.hpp"
#include "model/scaling.hpp"

namespace berth::api::auth {
namespace {

const std::map<std::string, ResourcesOf, std::less<>>& scheduler_mappings() {
  static const ResourcesOf schedule = [](const Mapper& m) { return Resources{m.schedule_arn()}; };
  static const ResourcesOf group = [](const Mapper& m) { return Resources{m.schedule_group_arn()}; };
  static const ResourcesOf tagged = one_of("ResourceArn", [](const Mapper&, const std::string& arn) { return arn; });
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateSchedule", schedule}, {"UpdateSchedule", schedule}, {"GetSchedule", schedule},
      {"DeleteSchedule", schedule}, {"ListSchedules", everything},
      {"CreateScheduleGroup", group}, {"GetScheduleGroup", group}, {"DeleteScheduleGroup", group},
      {"ListScheduleGroups", everything}, {"TagResource", tagged}, {"UntagResource", tagged},
      {"ListTagsForResource", tagged},
  };
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>& secrets_manager_mappings() {
  static const auto secret = [](const Mapper& m, const std::string& id) { return m.secret_arn(id); };
  static const auto new_secret = [](const Mapper& m, const std::string& name) { return m.new_secret_arn(name); };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateSecret", one_of("Name", new_secret)},         {"GetSecretValue", one_of("SecretId", secret)},
      {"PutSecretValue", one_of("SecretId", secret)},   {"DescribeSecret", one_of("SecretId", secret)},
      {"DeleteSecret", one_of("SecretId", secret)},     {"ListSecrets", everything},
  };
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>& ssm_mappings() {
  static const auto parameter = [](const Mapper& m, const std::string& name) { return m.parameter_arn(name); };
  static const auto named = [](const Mapper& m, const std::string& name) { return m.named_parameter_arn(name); };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"PutParameter", one_of("Name", named)},
      {"GetParameter", one_of("Name", parameter)},
      {"DeleteParameter", one_of("Name", named)},
      {"GetParameters", each_of("Names", parameter)},
      {"DeleteParameters", each_of("Names", named)},
      {"GetParametersByPath", one_of("Path", [](const Mapper& m, const std::string& path) { return m.path_arn(path); })},
      {"DescribeParameters", everything},
  };
  return k_mappings;
}

// CloudWatch's metric reads and DescribeAlarms take no resource-level permissions in AWS either.
const std::map<std::string, ResourcesOf, std::less<>>& cloudwatch_mappings() {
  static const auto alarm = [](const Mapper& m, const std::string& name) {
    return "arn:aws:cloudwatch:" + m.arns().region + ":" + m.arns().account + ":alarm:" + name;
  };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"GetMetricStatistics", everything}, {"GetMetricData", everything}, {"ListMetrics", everything},
      {"DescribeAlarms", everything},      {"PutMetricAlarm", one_of("AlarmName", alarm)},
      {"DeleteAlarms", each_of("AlarmNames", alarm)},
  };
  return k_mappings;
}

// CloudWatch Logs: a log group's ARN (arn:aws:logs:<region>:<account>:log-group:<name>:*, as AWS
// authorizes them); DescribeLogGroups takes no resource-level permission.
const std::map<std::string, ResourcesOf, std::less<>>& logs_mappings() {
  static const auto group_arn = [](const Mapper& m, const std::string& name) {
    if (name.starts_with("arn:")) return name.ends_with(":*") ? name : name + ":*";
    return model::log_group_arn(m.arns(), name) + ":*";
  };
  static const ResourcesOf group = one_of("logGroupName", group_arn);
  static const ResourcesOf group_or_identifier = [](const Mapper& m) {
    const auto name = string_member(m.request(), "logGroupName");
    return Resources{group_arn(m, name ? *name : string_member(m.request(), "logGroupIdentifier").value_or(""))};
  };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateLogGroup", group},          {"DescribeLogGroups", everything},
      {"DeleteLogGroup", group},          {"PutRetentionPolicy", group},
      {"DeleteRetentionPolicy", group},   {"CreateLogStream", group},
      {"DescribeLogStreams", group_or_identifier}, {"GetLogEvents", group_or_identifier},
      {"FilterLogEvents", group_or_identifier},    {"PutLogEvents", group},
  };
  return k_mappings;
}

// Application Auto Scaling's actions take no resource-level permissions (as in AWS): "*".
const std::map<std::string, ResourcesOf, std::less<>>& scaling_mappings() {
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"RegisterScalableTarget", everything},  {"DescribeScalableTargets", everything},
      {"DeregisterScalableTarget", everything}, {"PutScalingPolicy", everything},
      {"DescribeScalingPolicies", everything}, {"DeleteScalingPolicy", everything},
      {"PutScheduledAction", everything},      {"DescribeScheduledActions", everything},
      {"DeleteScheduledAction", everything},   {"DescribeScalingActivities", everything},
  };
  return k_mappings;
}

// Cloud Map: a namespace's or service's ARN where the request names one by id (as AWS authorizes
// them); creations, lists, operations and DiscoverInstances (by names) take "*".
const std::map<std::string, ResourcesOf, std::less<>>& service_discovery_mappings() {
  static const auto arn_of = [](const char* kind) {
    return [kind](const Mapper& m, const std::string& id) {
      return "arn:aws:servicediscovery:" + m.arns().region + ":" + m.arns().account + ":" + kind + "/" + id;
    };
  };
  static const ResourcesOf ns = one_of("Id", arn_of("namespace"));
  static const ResourcesOf service = one_of("Id", arn_of("service"));
  static const ResourcesOf instances_of = one_of("ServiceId", arn_of("service"));
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreatePrivateDnsNamespace", everything}, {"CreateHttpNamespace", everything},
      {"GetNamespace", ns},                      {"ListNamespaces", everything},
      {"DeleteNamespace", ns},                   {"GetOperation", everything},
      {"CreateService", everything},             {"GetService", service},
      {"ListServices", everything},              {"DeleteService", service},
      {"RegisterInstance", instances_of},        {"DeregisterInstance", instances_of},
      {"GetInstance", instances_of},             {"ListInstances", instances_of},
      {"DiscoverInstances", everything},
  };
  return k_mappings;
}

// Elastic Load Balancing v2: the ARN a request acts on; creates and reads of many take "*".
const std::map<std::string, ResourcesOf, std::less<>>& elb_mappings() {
  static const auto as_written = [](const Mapper&, const std::string& arn) { return arn.empty() ? std::string("*") : arn; };
  static const ResourcesOf lb = one_of("LoadBalancerArn", as_written);
  static const ResourcesOf listener = one_of("ListenerArn", as_written);
  static const ResourcesOf group = one_of("TargetGroupArn", as_written);
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateLoadBalancer", everything},        {"DescribeLoadBalancers", everything},
      {"DeleteLoadBalancer", lb},                {"CreateTargetGroup", everything},
      {"DescribeTargetGroups", everything},      {"DeleteTargetGroup", group},
      {"ModifyTargetGroupAttributes", group},    {"DescribeTargetGroupAttributes", group},
      {"CreateListener", lb},                    {"DescribeListeners", everything},
      {"DeleteListener", listener},              {"CreateRule", listener},
      {"DescribeRules", everything},             {"DeleteRule", one_of("RuleArn", as_written)},
      {"RegisterTargets", group},                {"DeregisterTargets", group},
      {"DescribeTargetHealth", group},
  };
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>& key_admin_mappings() {
  static const ResourcesOf user = [](const Mapper& m) { return Resources{m.user_arn()}; };
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"CreateAccessKey", user}, {"ListAccessKeys", user}, {"DeleteAccessKey", user}};
  return k_mappings;
}

// berth's own routes: `request` holds the route's members ({"cluster": .., "task": ..}).
const std::map<std::string, ResourcesOf, std::less<>>& berth_mappings() {
  static const std::map<std::string, ResourcesOf, std::less<>> k_mappings = {
      {"ExecuteCommand", member("task", "task")}, {"GetTaskLogs", member("task", "task")}, {"GetMetrics", everything},
      {"ListImages", everything}, {"CreateJoinToken", the_cluster}, {"PollInstanceTasks", member("container-instance", "containerInstance")},
      {"SubmitTaskLogs", member("container-instance", "containerInstance")},
      {"SubmitExecResult", member("container-instance", "containerInstance")},
      {"ConnectRelaySession", member("container-instance", "containerInstance")}};
  return k_mappings;
}

const std::map<std::string, ResourcesOf, std::less<>>* mappings_of(std::string_view service) {
  if (service == "scheduler") return &scheduler_mappings();
  if (service == "secretsmanager") return &secrets_manager_mappings();
  if (service == "ssm") return &ssm_mappings();
  if (service == "application-autoscaling") return &scaling_mappings();
  if (service == "iam") return &key_admin_mappings();
  if (service == "cloudwatch") return &cloudwatch_mappings();
  if (service == "logs") return &logs_mappings();
  if (service == "servicediscovery") return &service_discovery_mappings();
  if (service == "berth") return &berth_mappings();
  if (service == "elasticloadbalancing") return &elb_mappings();
  return nullptr;
}

// What a request implies beyond its own action: a schedule runs ECS tasks; a task definition
// that takes the host needs the privileged action.
std::vector<Permission> implied_permissions(const Mapper& m, std::string_view service, std::string_view action,
                                            const std::string& first_resource) {
  std::vector<Permission> out;
  if (service == "scheduler" && (action == "CreateSchedule" || action == "UpdateSchedule")) {
    const Json& target = object_member(m.request(), "Target");
    const Json& ecs = object_member(target, "EcsParameters");
    out.push_back({"ecs:RunTask", m.cluster_arn_of(string_member(target, "Arn").value_or(""))});
    out.push_back({"ecs:RunTask", m.task_definition_arn(string_member(ecs, "TaskDefinitionArn").value_or(""))});
  }
  // Whoever makes a service scale changes its desiredCount: they need ecs:UpdateService on it.
  if (service == "application-autoscaling" &&
      (action == "RegisterScalableTarget" || action == "PutScalingPolicy" || action == "PutScheduledAction")) {
    if (const auto key = model::split_service_resource_id(string_member(m.request(), "ResourceId").value_or(""))) {
      out.push_back({"ecs:UpdateService", m.arns().service(key->first, key->second)});
    }
  }
  if (service == "ecs" && (action == "RegisterTaskDefinition" || action == "RegisterDaemonTaskDefinition") &&
      !needs_privileged_action(m.request()).empty()) {
    out.push_back({std::string(k_privileged_action), first_resource});
  }
  return out;
}

}  // namespace

Result<RequestedAccess> requested_access(const RequestContext& context, std::string_view service,
                                         std::string_view action, const Json& request) {
  const auto* mappings = mappings_of(service);
  const ResourcesOf* resources_of = nullptr;
  if (service == "ecs") {
    if (const EcsAction* ecs = find_ecs_action(action)) resources_of = &ecs->resources;
  } else if (mappings) {
    if (const auto it = mappings->find(action); it != mappings->end()) resources_of = &it->second;
  }
  if (!resources_of) {
    return fail(Code::unknown_operation, "berth has no authorization rule for " + std::string(service) + ":" +
                                             std::string(action) + "; the request is refused.");
  }
  const Mapper mapper(context, request);
  RequestedAccess access{std::string(service) + ":" + std::string(action), (*resources_of)(mapper), {}};
  BERTH_CHECK(!access.resources.empty());
  if (access.resources.size() > k_max_request_resources) {
    return fail(Code::invalid_parameter, std::string(action) + " names more than " +
                                             std::to_string(k_max_request_resources) + " resources.");
  }
  access.also_needed = implied_permissions(mapper, service, action, access.resources.front());
  return access;
}

std::optional<Refusal> first_refusal(std::span<const Policy> policies, const RequestedAccess& access) {
  for (const std::string& resource : access.resources) {
    const Decision decision = evaluate(policies, access.action, resource);
    if (decision != Decision::allow) return Refusal{decision, access.action, resource};
  }
  for (const Permission& permission : access.also_needed) {
    const Decision decision = evaluate(policies, permission.action, permission.resource);
    if (decision != Decision::allow) return Refusal{decision, permission.action, permission.resource};
  }
  return std::nullopt;
}

}  // namespace berth::api::auth
