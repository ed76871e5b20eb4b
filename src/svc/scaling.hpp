// Application Auto Scaling for ECS services (namespace "ecs", dimension
// "ecs:service:DesiredCount", ResourceId "service/<cluster>/<service>"): the API's use cases, each
// taking the shape-checked request and returning the reply body, and the typed views of stored
// policies the scaling runner (svc/scaling_runner) acts on. Errors use berth's codes; the
// dispatch (api/scaling_dispatch) names them as Application Auto Scaling does:
// resource_not_found → ObjectNotFoundException, conflict → ConcurrentUpdateException,
// invalid_parameter and validation → ValidationException. Thread-safe.
#pragma once

#include <optional>
#include <variant>

#include "model/scaling.hpp"
#include "sched/step_scaling.hpp"
#include "sched/target_tracking.hpp"
#include "svc/context.hpp"
#include "svc/metric_store.hpp"

namespace berth::svc {

inline constexpr std::size_t k_max_policies_per_target = 50;
inline constexpr std::size_t k_max_scheduled_actions_per_target = 200;
// Scaling activities kept per target (older ones are dropped as new ones come).
inline constexpr std::size_t k_max_activities_per_target = 100;

[[nodiscard]] Result<Json> register_scalable_target(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> describe_scalable_targets(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> deregister_scalable_target(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> put_scaling_policy(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> describe_scaling_policies(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> delete_scaling_policy(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> put_scheduled_action(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> describe_scheduled_actions(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> delete_scheduled_action(Context& ctx, const Json& request);
[[nodiscard]] Result<Json> describe_scaling_activities(Context& ctx, const Json& request);

// The use case of Application Auto Scaling action `action` ("PutScalingPolicy"); nullptr for one
// berth does not serve.
using ScalingUseCase = Result<Json> (*)(Context&, const Json&);
ScalingUseCase find_scaling_use_case(std::string_view action);

// A target tracking policy's metric and statistic, as the metric store keys and reduces it.
struct TrackedMetric {
  MetricId id;
  std::string statistic = "Average";  // Average, Minimum, Maximum, SampleCount, Sum
};

// A stored target tracking policy as the engine reads it (its periods left empty) and the metric
// it tracks for `target`.
struct TargetTrackingView {
  sched::TargetTrackingPolicy policy;
  TrackedMetric metric;
};
[[nodiscard]] Result<TargetTrackingView> target_tracking_view(const model::ScalingPolicy& policy,
                                                              const model::ScalableTarget& target);
// A stored step scaling policy as the engine reads it.
[[nodiscard]] Result<sched::StepScalingPolicy> step_scaling_view(const model::ScalingPolicy& policy);

// The scheduled action's next run strictly after `after_seconds`, within its StartTime and
// EndTime, in its time zone; nothing when it will not run again.
[[nodiscard]] Result<std::optional<std::int64_t>> next_run_of(Context& ctx, const model::ScheduledScalingAction& action,
                                                              std::int64_t after_seconds);

}  // namespace berth::svc
