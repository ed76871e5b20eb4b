// Application Auto Scaling's objects for ECS services: scalable targets, scaling policies,
// scheduled actions and scaling activities. Plain values; the record form is what the store
// keeps, the wire form what the Describe* actions return. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

inline constexpr std::string_view k_ecs_namespace = "ecs";
inline constexpr std::string_view k_desired_count_dimension = "ecs:service:DesiredCount";

struct SuspendedState {
  bool dynamic_scaling_in = false;
  bool dynamic_scaling_out = false;
  bool scheduled_scaling = false;
};

// What the scaling runner remembers of a target between passes (cooldowns, a scale-out waiting
// to be placed). Written only when the runner scales.
struct ScalingMemory {
  std::optional<EpochMs> last_scale_out_at;
  int scale_out_from = 0;
  std::optional<EpochMs> last_scale_in_at;
  bool scale_out_failed = false;  // the last scale-out could not be placed
  std::string pending_activity;  // the activity of a scale-out not yet fulfilled
  int pending_desired = 0;
};

struct ScalableTarget {
  std::string cluster;
  std::string service;
  int min_capacity = 0;
  int max_capacity = 0;
  SuspendedState suspended;
  std::string id;  // the ARN's last part: 36 hex digits
  EpochMs created_at = 0;
  ScalingMemory memory;
  long long version = 1;

  // "service/<cluster>/<service>".
  std::string resource_id() const { return "service/" + cluster + "/" + service; }
};

// A policy as given (its type's configuration member kept as the request had it, shape-checked
// and validated by svc), with the names of the alarms that act on it.
struct ScalingPolicy {
  std::string resource_id;
  std::string name;
  std::string id;    // a UUID, in the ARN
  std::string type;  // TargetTrackingScaling, StepScaling
  Json configuration = Json::object();
  Json alarms = Json::array();  // [{AlarmName, AlarmARN}]
  EpochMs created_at = 0;
};

struct ScheduledScalingAction {
  std::string resource_id;
  std::string name;
  std::string id;  // a UUID, in the ARN
  std::string schedule;           // cron(...), rate(...), at(...)
  std::string time_zone = "UTC";  // IANA name
  std::optional<std::int64_t> start_time;  // epoch seconds
  std::optional<std::int64_t> end_time;
  std::optional<int> min_capacity;
  std::optional<int> max_capacity;
  EpochMs created_at = 0;
  std::optional<std::int64_t> next_fire;  // epoch seconds; none when it will not run again
  long long version = 1;
};

struct ScalingActivity {
  std::string id;  // a UUID
  std::string resource_id;
  std::string description;
  std::string cause;
  std::string status_code;  // Pending, InProgress, Successful, Overridden, Unfulfilled, Failed
  std::string status_message;
  EpochMs start_time = 0;
  std::optional<EpochMs> end_time;
  long long sequence = 0;  // the store's order of insertion (the page token)
};

// Splits "service/<cluster>/<service>" into cluster and service; nothing for another form.
std::optional<std::pair<std::string, std::string>> split_service_resource_id(std::string_view resource_id);

std::string scalable_target_arn(const ArnScope& arns, const ScalableTarget& target);
// "arn:aws:autoscaling:<region>:<account>:scalingPolicy:<id>:resource/ecs/<resource id>:policyName/<name>".
std::string scaling_policy_arn(const ArnScope& arns, const ScalingPolicy& policy);
std::string scheduled_action_arn(const ArnScope& arns, const ScheduledScalingAction& action);

Json scalable_target_to_record(const ScalableTarget& target);
[[nodiscard]] Result<ScalableTarget> scalable_target_from_record(const Json& record);
Json scaling_policy_to_record(const ScalingPolicy& policy);
[[nodiscard]] Result<ScalingPolicy> scaling_policy_from_record(const Json& record);
Json scheduled_action_to_record(const ScheduledScalingAction& action);
[[nodiscard]] Result<ScheduledScalingAction> scheduled_action_from_record(const Json& record);
Json scaling_activity_to_record(const ScalingActivity& activity);
[[nodiscard]] Result<ScalingActivity> scaling_activity_from_record(const Json& record);

// The wire forms (DescribeScalableTargets, DescribeScalingPolicies, DescribeScheduledActions,
// DescribeScalingActivities).
Json scalable_target_to_json(const ScalableTarget& target, const ArnScope& arns);
Json scaling_policy_to_json(const ScalingPolicy& policy, const ArnScope& arns);
Json scheduled_action_to_json(const ScheduledScalingAction& action, const ArnScope& arns);
Json scaling_activity_to_json(const ScalingActivity& activity);

}  // namespace berth::model
