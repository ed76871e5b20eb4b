#include "model/scaling.hpp"

namespace berth::model {
namespace {

Json dimension_members(const std::string& resource_id) {
  return Json{{"ServiceNamespace", k_ecs_namespace}, {"ResourceId", resource_id},
              {"ScalableDimension", k_desired_count_dimension}};
}

template <class T>
std::optional<T> optional_of(const Json& record, const char* key) {
  const auto it = record.find(key);
  if (it == record.end() || !it->is_number()) return std::nullopt;
  return it->get<T>();
}

template <class T>
void set_optional(Json& record, const char* key, const std::optional<T>& value) {
  if (value) record[key] = *value;
}

std::string autoscaling_prefix(const ArnScope& arns) {
  return "arn:aws:autoscaling:" + arns.region + ":" + arns.account + ":";
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_service_resource_id(std::string_view resource_id) {
  constexpr std::string_view prefix = "service/";
  if (!resource_id.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = resource_id.substr(prefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return std::nullopt;
  if (rest.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  return std::pair{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

std::string scalable_target_arn(const ArnScope& arns, const ScalableTarget& target) {
  return "arn:aws:application-autoscaling:" + arns.region + ":" + arns.account + ":scalable-target/" + target.id;
}

std::string scaling_policy_arn(const ArnScope& arns, const ScalingPolicy& policy) {
  return autoscaling_prefix(arns) + "scalingPolicy:" + policy.id + ":resource/ecs/" + policy.resource_id +
         ":policyName/" + policy.name;
}

std::string scheduled_action_arn(const ArnScope& arns, const ScheduledScalingAction& action) {
  return autoscaling_prefix(arns) + "scheduledAction:" + action.id + ":resource/ecs/" + action.resource_id +
         ":scheduledActionName/" + action.name;
}

Json scalable_target_to_record(const ScalableTarget& t) {
  Json memory{{"scaleOutFrom", t.memory.scale_out_from}, {"scaleOutFailed", t.memory.scale_out_failed},
              {"pendingActivity", t.memory.pending_activity},
              {"pendingDesired", t.memory.pending_desired}};
  set_optional(memory, "lastScaleOutAt", t.memory.last_scale_out_at);
  set_optional(memory, "lastScaleInAt", t.memory.last_scale_in_at);
  return Json{{"cluster", t.cluster},
              {"service", t.service},
              {"minCapacity", t.min_capacity},
              {"maxCapacity", t.max_capacity},
              {"suspended", {{"in", t.suspended.dynamic_scaling_in},
                             {"out", t.suspended.dynamic_scaling_out},
                             {"scheduled", t.suspended.scheduled_scaling}}},
              {"id", t.id},
              {"createdAt", t.created_at},
              {"memory", memory},
              {"version", t.version}};
}

Result<ScalableTarget> scalable_target_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt scalable target record");
  ScalableTarget t;
  t.cluster = r.value("cluster", "");
  t.service = r.value("service", "");
  t.min_capacity = r.value("minCapacity", 0);
  t.max_capacity = r.value("maxCapacity", 0);
  const Json suspended = r.value("suspended", Json::object());
  t.suspended = {suspended.value("in", false), suspended.value("out", false), suspended.value("scheduled", false)};
  t.id = r.value("id", "");
  t.created_at = r.value("createdAt", EpochMs{0});
  const Json memory = r.value("memory", Json::object());
  t.memory.last_scale_out_at = optional_of<EpochMs>(memory, "lastScaleOutAt");
  t.memory.scale_out_from = memory.value("scaleOutFrom", 0);
  t.memory.last_scale_in_at = optional_of<EpochMs>(memory, "lastScaleInAt");
  t.memory.scale_out_failed = memory.value("scaleOutFailed", false);
  t.memory.pending_activity = memory.value("pendingActivity", "");
  t.memory.pending_desired = memory.value("pendingDesired", 0);
  t.version = r.value("version", 1LL);
  return t;
}

Json scaling_policy_to_record(const ScalingPolicy& p) {
  return Json{{"resourceId", p.resource_id}, {"name", p.name},       {"id", p.id},
              {"type", p.type},              {"configuration", p.configuration}, {"alarms", p.alarms},
              {"createdAt", p.created_at}};
}

Result<ScalingPolicy> scaling_policy_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt scaling policy record");
  ScalingPolicy p;
  p.resource_id = r.value("resourceId", "");
  p.name = r.value("name", "");
  p.id = r.value("id", "");
  p.type = r.value("type", "");
  p.configuration = r.value("configuration", Json::object());
  p.alarms = r.value("alarms", Json::array());
  p.created_at = r.value("createdAt", EpochMs{0});
  return p;
}

Json scheduled_action_to_record(const ScheduledScalingAction& a) {
  Json r{{"resourceId", a.resource_id}, {"name", a.name},          {"id", a.id},
         {"schedule", a.schedule},      {"timeZone", a.time_zone}, {"createdAt", a.created_at},
         {"version", a.version}};
  set_optional(r, "startTime", a.start_time);
  set_optional(r, "endTime", a.end_time);
  set_optional(r, "minCapacity", a.min_capacity);
  set_optional(r, "maxCapacity", a.max_capacity);
  set_optional(r, "nextFire", a.next_fire);
  return r;
}

Result<ScheduledScalingAction> scheduled_action_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt scheduled action record");
  ScheduledScalingAction a;
  a.resource_id = r.value("resourceId", "");
  a.name = r.value("name", "");
  a.id = r.value("id", "");
  a.schedule = r.value("schedule", "");
  a.time_zone = r.value("timeZone", "UTC");
  a.start_time = optional_of<std::int64_t>(r, "startTime");
  a.end_time = optional_of<std::int64_t>(r, "endTime");
  a.min_capacity = optional_of<int>(r, "minCapacity");
  a.max_capacity = optional_of<int>(r, "maxCapacity");
  a.created_at = r.value("createdAt", EpochMs{0});
  a.next_fire = optional_of<std::int64_t>(r, "nextFire");
  a.version = r.value("version", 1LL);
  return a;
}

Json scaling_activity_to_record(const ScalingActivity& a) {
  Json r{{"id", a.id},
         {"resourceId", a.resource_id},
         {"description", a.description},
         {"cause", a.cause},
         {"statusCode", a.status_code},
         {"statusMessage", a.status_message},
         {"startTime", a.start_time}};
  set_optional(r, "endTime", a.end_time);
  return r;
}

Result<ScalingActivity> scaling_activity_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt scaling activity record");
  ScalingActivity a;
  a.id = r.value("id", "");
  a.resource_id = r.value("resourceId", "");
  a.description = r.value("description", "");
  a.cause = r.value("cause", "");
  a.status_code = r.value("statusCode", "");
  a.status_message = r.value("statusMessage", "");
  a.start_time = r.value("startTime", EpochMs{0});
  a.end_time = optional_of<EpochMs>(r, "endTime");
  return a;
}

Json scalable_target_to_json(const ScalableTarget& t, const ArnScope& arns) {
  Json out = dimension_members(t.resource_id());
  out["MinCapacity"] = t.min_capacity;
  out["MaxCapacity"] = t.max_capacity;
  out["RoleARN"] = "arn:aws:iam::" + arns.account +
                   ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                   "AWSServiceRoleForApplicationAutoScaling_ECSService";
  out["CreationTime"] = epoch_seconds(t.created_at);
  out["SuspendedState"] = {{"DynamicScalingInSuspended", t.suspended.dynamic_scaling_in},
                           {"DynamicScalingOutSuspended", t.suspended.dynamic_scaling_out},
                           {"ScheduledScalingSuspended", t.suspended.scheduled_scaling}};
  out["ScalableTargetARN"] = scalable_target_arn(arns, t);
  return out;
}

Json scaling_policy_to_json(const ScalingPolicy& p, const ArnScope& arns) {
  Json out = dimension_members(p.resource_id);
  out["PolicyARN"] = scaling_policy_arn(arns, p);
  out["PolicyName"] = p.name;
  out["PolicyType"] = p.type;
  out[p.type == "StepScaling" ? "StepScalingPolicyConfiguration" : "TargetTrackingScalingPolicyConfiguration"] =
      p.configuration;
  out["Alarms"] = p.alarms;
  out["CreationTime"] = epoch_seconds(p.created_at);
  return out;
}

Json scheduled_action_to_json(const ScheduledScalingAction& a, const ArnScope& arns) {
  Json out = dimension_members(a.resource_id);
  out["ScheduledActionName"] = a.name;
  out["ScheduledActionARN"] = scheduled_action_arn(arns, a);
  out["Schedule"] = a.schedule;
  out["Timezone"] = a.time_zone;
  if (a.start_time) out["StartTime"] = *a.start_time;
  if (a.end_time) out["EndTime"] = *a.end_time;
  Json action = Json::object();
  if (a.min_capacity) action["MinCapacity"] = *a.min_capacity;
  if (a.max_capacity) action["MaxCapacity"] = *a.max_capacity;
  out["ScalableTargetAction"] = action;
  out["CreationTime"] = epoch_seconds(a.created_at);
  return out;
}

Json scaling_activity_to_json(const ScalingActivity& a) {
  Json out = dimension_members(a.resource_id);
  out["ActivityId"] = a.id;
  out["Description"] = a.description;
  out["Cause"] = a.cause;
  out["StartTime"] = epoch_seconds(a.start_time);
  if (a.end_time) out["EndTime"] = epoch_seconds(*a.end_time);
  out["StatusCode"] = a.status_code;
  if (!a.status_message.empty()) out["StatusMessage"] = a.status_message;
  return out;
}

}  // namespace berth::model
