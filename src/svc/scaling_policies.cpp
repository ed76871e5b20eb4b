// PutScalingPolicy, DescribeScalingPolicies, DeleteScalingPolicy, and the typed views of stored
// policies the scaling runner acts on.
#include "common/ids.hpp"
#include "store/update_with_retry.hpp"
#include "svc/scaling.hpp"
#include "svc/scaling_request.hpp"

namespace berth::svc {
namespace {

constexpr std::int64_t k_default_step_cooldown_ms = 300'000;

std::unexpected<Error> invalid(const std::string& message) { return fail(Code::validation, message); }

// The metric a predefined ECS metric type names for the target's service.
std::optional<MetricId> predefined_metric(const std::string& type, const model::ScalableTarget& target) {
  std::string name;
  if (type == "ECSServiceAverageCPUUtilization") name = "CPUUtilization";
  if (type == "ECSServiceAverageMemoryUtilization") name = "MemoryUtilization";
  if (name.empty()) return std::nullopt;
  return MetricId{"AWS/ECS", name, {{"ClusterName", target.cluster}, {"ServiceName", target.service}}};
}

Result<void> check_target_tracking(const Json& c) {
  const bool predefined = c.contains("PredefinedMetricSpecification");
  const bool customized = c.contains("CustomizedMetricSpecification");
  if (predefined == customized) {
    return invalid("A target tracking policy needs exactly one of PredefinedMetricSpecification and "
                   "CustomizedMetricSpecification.");
  }
  if (!(c["TargetValue"].get<double>() > 0)) return invalid("TargetValue must be greater than 0.");
  if (predefined) {
    const Json& spec = c["PredefinedMetricSpecification"];
    const std::string type = spec["PredefinedMetricType"];
    if (type != "ECSServiceAverageCPUUtilization" && type != "ECSServiceAverageMemoryUtilization") {
      return invalid("Unsupported predefined metric type " + type +
                     " for service namespace ecs: use ECSServiceAverageCPUUtilization or "
                     "ECSServiceAverageMemoryUtilization.");
    }
    if (spec.contains("ResourceLabel")) return invalid("ResourceLabel applies to load balancer metrics, not to " + type + ".");
  } else {
    const Json& spec = c["CustomizedMetricSpecification"];
    if (spec.contains("Metrics")) {
      return invalid("berth tracks one metric per policy: metric math (Metrics) is not supported; give MetricName, "
                     "Namespace, Dimensions and Statistic.");
    }
    if (!spec.contains("MetricName") || !spec.contains("Namespace") || !spec.contains("Statistic")) {
      return invalid("CustomizedMetricSpecification needs MetricName, Namespace and Statistic.");
    }
  }
  return {};
}

Result<std::vector<sched::StepAdjustment>> steps_of(const Json& configuration) {
  std::vector<sched::StepAdjustment> steps;
  for (const Json& s : configuration.value("StepAdjustments", Json::array())) {
    sched::StepAdjustment step;
    if (s.contains("MetricIntervalLowerBound")) step.lower_bound = s["MetricIntervalLowerBound"].get<double>();
    if (s.contains("MetricIntervalUpperBound")) step.upper_bound = s["MetricIntervalUpperBound"].get<double>();
    step.scaling_adjustment = s["ScalingAdjustment"].get<int>();
    steps.push_back(step);
  }
  return steps;
}

Result<void> check_step_scaling(const Json& c) {
  if (!c.contains("AdjustmentType")) return invalid("StepScalingPolicyConfiguration needs an AdjustmentType.");
  BERTH_ASSIGN(auto steps, steps_of(c));
  BERTH_TRY(sched::check_step_adjustments(steps));
  if (c.contains("MinAdjustmentMagnitude")) {
    if (c["AdjustmentType"] != "PercentChangeInCapacity") {
      return invalid("MinAdjustmentMagnitude is only valid with the PercentChangeInCapacity adjustment type.");
    }
    if (c["MinAdjustmentMagnitude"].get<int>() < 1) return invalid("MinAdjustmentMagnitude must be at least 1.");
  }
  if (c["AdjustmentType"] == "ExactCapacity") {
    for (const auto& s : steps) {
      if (s.scaling_adjustment < 0) return invalid("With ExactCapacity a ScalingAdjustment cannot be negative.");
    }
  }
  return {};
}

// The two alarms Application Auto Scaling would create for a target tracking policy.
Json target_tracking_alarms(const ArnScope& arns, const std::string& resource_id) {
  const std::string id = random_uuid();
  Json alarms = Json::array();
  for (const char* kind : {"AlarmHigh", "AlarmLow"}) {
    const std::string name = "TargetTracking-" + resource_id + "-" + kind + "-" + id;
    alarms.push_back({{"AlarmName", name},
                      {"AlarmARN", "arn:aws:cloudwatch:" + arns.region + ":" + arns.account + ":alarm:" + name}});
  }
  return alarms;
}

std::string policy_not_found(const std::string& resource_id, const std::string& name) {
  return "No scaling policy found for service namespace: ecs, resource ID: " + resource_id +
         ", scalable dimension: ecs:service:DesiredCount, policy name: " + name;
}

}  // namespace

Result<Json> put_scaling_policy(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::checked_resource_id(request));
  const std::string name = request["PolicyName"];
  BERTH_TRY(scaling::require_target(ctx, resource_id));
  // Read, changed and written back only if nobody replaced the policy meanwhile.
  return store::update_with_retry(10, Code::conflict, "Scaling policy " + name + " kept changing; try again.",
                                  [&]() -> Result<std::optional<Json>> {
    BERTH_ASSIGN(auto existing, ctx.store.list_scaling_policies(resource_id, {name}, "", 1));
    std::string type = request.value("PolicyType", existing.empty() ? "" : existing.front().type);
    if (type.empty()) return invalid("PolicyType is required when creating a scaling policy.");
    if (type == "PredictiveScaling") {
      return invalid("berth does not run predictive scaling; use TargetTrackingScaling or StepScaling.");
    }
    const char* member = type == "StepScaling" ? "StepScalingPolicyConfiguration" : "TargetTrackingScalingPolicyConfiguration";
    const char* other = type == "StepScaling" ? "TargetTrackingScalingPolicyConfiguration" : "StepScalingPolicyConfiguration";
    if (request.contains(other)) return invalid(std::string(other) + " does not apply to a " + type + " policy.");
    if (!request.contains(member)) return invalid(std::string(member) + " is required for a " + type + " policy.");
    const Json& configuration = request[member];
    BERTH_TRY(type == "StepScaling" ? check_step_scaling(configuration) : check_target_tracking(configuration));

    model::ScalingPolicy policy;
    const bool same_type = !existing.empty() && existing.front().type == type;
    if (!existing.empty()) {
      policy = existing.front();
    } else {
      policy.resource_id = resource_id;
      policy.name = name;
      policy.id = random_uuid();
      policy.created_at = ctx.clock.now_ms();
    }
    policy.type = type;
    policy.configuration = configuration;
    if (!same_type) policy.alarms = type == "StepScaling" ? Json::array() : target_tracking_alarms(ctx.arns, resource_id);
    BERTH_ASSIGN(bool saved, ctx.store.put_scaling_policy(policy, existing.empty() ? "" : existing.front().id,
                                                          k_max_policies_per_target));
    if (!saved) return std::nullopt;
    Json reply{{"PolicyARN", model::scaling_policy_arn(ctx.arns, policy)}};
    if (type != "StepScaling") reply["Alarms"] = policy.alarms;
    return std::optional<Json>(std::move(reply));
  });
}

Result<Json> describe_scaling_policies(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::resource_filter(request));
  const std::vector<std::string> names = request.value("PolicyNames", std::vector<std::string>{});
  const std::size_t limit = scaling::max_results(request);
  BERTH_ASSIGN(auto policies,
               ctx.store.list_scaling_policies(resource_id, names, request.value("NextToken", ""), limit + 1));
  return scaling::page_reply(
      std::move(policies), limit, "ScalingPolicies",
      [&](const model::ScalingPolicy& p) { return model::scaling_policy_to_json(p, ctx.arns); },
      [](const model::ScalingPolicy& p) { return p.resource_id + "\n" + p.name; });
}

Result<Json> delete_scaling_policy(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::checked_resource_id(request));
  const std::string name = request["PolicyName"];
  BERTH_ASSIGN(bool deleted, ctx.store.delete_scaling_policy(resource_id, name));
  if (!deleted) return fail(Code::resource_not_found, policy_not_found(resource_id, name));
  return Json::object();
}

Result<TargetTrackingView> target_tracking_view(const model::ScalingPolicy& policy, const model::ScalableTarget& target) {
  const Json& c = policy.configuration;
  if (policy.type != "TargetTrackingScaling" || !c.is_object() || !c.contains("TargetValue")) {
    return fail(Code::server, "scaling policy " + policy.name + " is not a target tracking policy");
  }
  TargetTrackingView view;
  view.policy.name = policy.name;
  view.policy.target_value = c["TargetValue"].get<double>();
  view.policy.scale_out_cooldown_ms = c.value("ScaleOutCooldown", std::int64_t{300}) * 1000;
  view.policy.scale_in_cooldown_ms = c.value("ScaleInCooldown", std::int64_t{300}) * 1000;
  view.policy.disable_scale_in = c.value("DisableScaleIn", false);
  if (c.contains("PredefinedMetricSpecification")) {
    const auto id = predefined_metric(c["PredefinedMetricSpecification"].value("PredefinedMetricType", ""), target);
    if (!id) return fail(Code::server, "scaling policy " + policy.name + " names an unsupported metric");
    view.metric = {*id, "Average"};
  } else {
    const Json spec = c.value("CustomizedMetricSpecification", Json::object());
    MetricId id{spec.value("Namespace", ""), spec.value("MetricName", ""), {}};
    for (const Json& d : spec.value("Dimensions", Json::array())) {
      id.dimensions.emplace_back(d.value("Name", ""), d.value("Value", ""));
    }
    view.metric = {normalized(std::move(id)), spec.value("Statistic", "Average")};
  }
  return view;
}

Result<sched::StepScalingPolicy> step_scaling_view(const model::ScalingPolicy& policy) {
  const Json& c = policy.configuration;
  if (policy.type != "StepScaling" || !c.is_object()) {
    return fail(Code::server, "scaling policy " + policy.name + " is not a step scaling policy");
  }
  sched::StepScalingPolicy view;
  view.name = policy.name;
  const std::string type = c.value("AdjustmentType", "ChangeInCapacity");
  view.adjustment_type = type == "ExactCapacity"             ? sched::AdjustmentType::exact_capacity
                         : type == "PercentChangeInCapacity" ? sched::AdjustmentType::percent_change_in_capacity
                                                             : sched::AdjustmentType::change_in_capacity;
  BERTH_ASSIGN(view.steps, steps_of(c));
  if (c.contains("MinAdjustmentMagnitude")) view.min_adjustment_magnitude = c["MinAdjustmentMagnitude"].get<int>();
  view.cooldown_ms = c.contains("Cooldown") ? c["Cooldown"].get<std::int64_t>() * 1000 : k_default_step_cooldown_ms;
  return view;
}

}  // namespace berth::svc
