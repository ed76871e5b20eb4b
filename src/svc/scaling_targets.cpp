// RegisterScalableTarget, DescribeScalableTargets, DeregisterScalableTarget,
// DescribeScalingActivities, and the request checks every scaling use case shares.
#include <map>

#include "common/ids.hpp"
#include "common/numbers.hpp"
#include "store/update_with_retry.hpp"
#include "svc/scaling.hpp"
#include "svc/scaling_request.hpp"

namespace berth::svc {

namespace scaling {

Result<void> check_namespace(const Json& request, bool dimension_required) {
  const std::string name_space = request.value("ServiceNamespace", "");
  if (name_space != model::k_ecs_namespace) {
    return fail(Code::validation, "berth scales ECS services only: ServiceNamespace must be ecs, not " + name_space +
                                      ".");
  }
  if (dimension_required || request.contains("ScalableDimension")) {
    const std::string dimension = request.value("ScalableDimension", "");
    if (dimension != model::k_desired_count_dimension) {
      return fail(Code::validation, "Unsupported scalable dimension " + dimension +
                                        " for service namespace ecs; berth scales ecs:service:DesiredCount.");
    }
  }
  return {};
}

Result<std::string> checked_resource_id(const Json& request, bool dimension_required) {
  BERTH_TRY(check_namespace(request, dimension_required));
  const std::string resource_id = request.value("ResourceId", "");
  if (!model::split_service_resource_id(resource_id)) {
    return fail(Code::validation, "Unsupported resource ID " + resource_id +
                                      " for service namespace ecs: it must be service/<cluster name>/<service name>.");
  }
  return resource_id;
}

Result<std::optional<std::string>> resource_filter(const Json& request) {
  BERTH_TRY(check_namespace(request, false));
  if (!request.contains("ResourceId")) return std::optional<std::string>();
  BERTH_ASSIGN(auto resource_id, checked_resource_id(request, false));
  return std::optional<std::string>(std::move(resource_id));
}

Result<model::ScalableTarget> require_target(Context& ctx, const std::string& resource_id) {
  BERTH_ASSIGN(auto target, ctx.store.find_scalable_target(resource_id));
  if (!target) {
    return fail(Code::resource_not_found, "No scalable target registered for service namespace: ecs, resource ID: " +
                                              resource_id + ", scalable dimension: ecs:service:DesiredCount");
  }
  return std::move(*target);
}

std::size_t max_results(const Json& request) { return request.value("MaxResults", 50); }

}  // namespace scaling

namespace {

// Changes a registered target or registers a new one (`change` sees std::nullopt for none),
// version-checked against the scaling runner's writes.
Result<model::ScalableTarget> change_target(
    Context& ctx, const std::string& resource_id,
    const std::function<Result<model::ScalableTarget>(std::optional<model::ScalableTarget>)>& change) {
  return store::update_with_retry(20, Code::conflict, "The scalable target " + resource_id + " kept changing; try again.",
                                  [&]() -> Result<std::optional<model::ScalableTarget>> {
    BERTH_ASSIGN(auto stored, ctx.store.find_scalable_target(resource_id));
    const long long expected = stored ? stored->version : 0;
    BERTH_ASSIGN(auto target, change(std::move(stored)));
    target.version = expected + 1;
    BERTH_ASSIGN(bool saved, ctx.store.put_scalable_target(target, expected));
    if (!saved) return std::nullopt;
    return std::optional<model::ScalableTarget>(std::move(target));
  });
}

}  // namespace

Result<Json> register_scalable_target(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::checked_resource_id(request));
  const auto [cluster, service] = *model::split_service_resource_id(resource_id);
  if (request.contains("Tags")) return fail(Code::validation, "berth does not tag scalable targets; leave Tags out.");
  BERTH_ASSIGN(auto found, ctx.store.find_service(cluster, service));
  if (!found || found->status != model::ServiceStatus::active) {
    return fail(Code::validation, "ECS service doesn't exist: " + resource_id);
  }
  if (found->scheduling_strategy != "REPLICA") {
    return fail(Code::validation, "ECS service " + resource_id + " uses the DAEMON strategy, which has no desired count to scale.");
  }
  const Json suspended = request.value("SuspendedState", Json::object());
  BERTH_ASSIGN(auto target, change_target(ctx, resource_id, [&](std::optional<model::ScalableTarget> stored)
                                                                -> Result<model::ScalableTarget> {
    const bool is_new = !stored;
    if (is_new && (!request.contains("MinCapacity") || !request.contains("MaxCapacity"))) {
      return fail(Code::validation, "Minimum and maximum capacity must be specified when registering a new scalable target.");
    }
    model::ScalableTarget t = stored.value_or(model::ScalableTarget{});
    if (is_new) {
      t.cluster = cluster;
      t.service = service;
      t.id = random_hex(18);
      t.created_at = ctx.clock.now_ms();
    }
    t.min_capacity = request.value("MinCapacity", t.min_capacity);
    t.max_capacity = request.value("MaxCapacity", t.max_capacity);
    if (t.min_capacity > t.max_capacity) {
      return fail(Code::validation, "Minimum capacity cannot be greater than maximum capacity (" +
                                        std::to_string(t.min_capacity) + " > " + std::to_string(t.max_capacity) + ").");
    }
    t.suspended.dynamic_scaling_in = suspended.value("DynamicScalingInSuspended", t.suspended.dynamic_scaling_in);
    t.suspended.dynamic_scaling_out = suspended.value("DynamicScalingOutSuspended", t.suspended.dynamic_scaling_out);
    t.suspended.scheduled_scaling = suspended.value("ScheduledScalingSuspended", t.suspended.scheduled_scaling);
    return t;
  }));
  return Json{{"ScalableTargetARN", model::scalable_target_arn(ctx.arns, target)}};
}

Result<Json> describe_scalable_targets(Context& ctx, const Json& request) {
  BERTH_TRY(scaling::check_namespace(request, false));
  const std::vector<std::string> ids = request.value("ResourceIds", std::vector<std::string>{});
  const std::size_t limit = scaling::max_results(request);
  BERTH_ASSIGN(auto targets, ctx.store.list_scalable_targets(ids, request.value("NextToken", ""), limit + 1));
  return scaling::page_reply(
      std::move(targets), limit, "ScalableTargets",
      [&](const model::ScalableTarget& t) { return model::scalable_target_to_json(t, ctx.arns); },
      [](const model::ScalableTarget& t) { return t.resource_id(); });
}

Result<Json> deregister_scalable_target(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::checked_resource_id(request));
  BERTH_ASSIGN(bool deleted, ctx.store.delete_scalable_target(resource_id));
  if (!deleted) {
    return fail(Code::resource_not_found, "No scalable target found for service namespace: ecs, resource ID: " +
                                              resource_id + ", scalable dimension: ecs:service:DesiredCount");
  }
  return Json::object();
}

Result<Json> describe_scaling_activities(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::resource_filter(request));
  long long before = 0;
  if (request.contains("NextToken")) {
    const auto parsed = parse_integer<long long>(request["NextToken"].get<std::string>());
    if (!parsed || *parsed <= 0) return fail(Code::validation, "Invalid NextToken.");
    before = *parsed;
  }
  const std::size_t limit = scaling::max_results(request);
  BERTH_ASSIGN(auto activities, ctx.store.list_scaling_activities(resource_id, before, limit + 1));
  return scaling::page_reply(std::move(activities), limit, "ScalingActivities", model::scaling_activity_to_json,
                             [](const model::ScalingActivity& a) { return std::to_string(a.sequence); });
}

ScalingUseCase find_scaling_use_case(std::string_view action) {
  static const std::map<std::string, ScalingUseCase, std::less<>> k_use_cases = {
      {"RegisterScalableTarget", register_scalable_target},
      {"DescribeScalableTargets", describe_scalable_targets},
      {"DeregisterScalableTarget", deregister_scalable_target},
      {"PutScalingPolicy", put_scaling_policy},
      {"DescribeScalingPolicies", describe_scaling_policies},
      {"DeleteScalingPolicy", delete_scaling_policy},
      {"PutScheduledAction", put_scheduled_action},
      {"DescribeScheduledActions", describe_scheduled_actions},
      {"DeleteScheduledAction", delete_scheduled_action},
      {"DescribeScalingActivities", describe_scaling_activities},
  };
  const auto it = k_use_cases.find(action);
  return it == k_use_cases.end() ? nullptr : it->second;
}

}  // namespace berth::svc
