// TaskSet: one set of tasks of a service whose deployments an external tool drives (deployment
// controller EXTERNAL): a task definition and a scale, a percentage of the service's desired
// count, and where its tasks run and what it was attached to. Plain values, shared by the stored
// Service and the scheduler's snapshot. Pure; thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "model/launch_type.hpp"
#include "model/schema.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

// Who rolls a service's deployments out: berth's scheduler (ECS), AWS CodeDeploy (refused on a
// gateway) or an outside tool through task sets (EXTERNAL).
enum class DeploymentController { ecs, code_deploy, external };
template <>
struct WireNames<DeploymentController> {
  static constexpr std::array<std::string_view, 3> names = {"ECS", "CODE_DEPLOY", "EXTERNAL"};
};

// PRIMARY serves production traffic, ACTIVE does not, DRAINING is deleted and stopping its tasks.
enum class TaskSetStatus { primary, active, draining };
template <>
struct WireNames<TaskSetStatus> {
  static constexpr std::array<std::string_view, 3> names = {"PRIMARY", "ACTIVE", "DRAINING"};
};

enum class StabilityStatus { steady_state, stabilizing };
template <>
struct WireNames<StabilityStatus> {
  static constexpr std::array<std::string_view, 2> names = {"STEADY_STATE", "STABILIZING"};
};

// ECS's limit of task sets in one service.
inline constexpr std::size_t k_max_task_sets = 5;

struct TaskSet {
  std::string id;           // "ecs-svc/<19 digits>", also its tasks' startedBy
  std::string external_id;  // as the creating tool gave it ("" = none)
  TaskSetStatus status = TaskSetStatus::active;
  std::string family;
  long long revision = 0;
  double scale_percent = 100.0;  // 0 to 100
  // Where its tasks run: a capacity provider strategy (as given, or the cluster's default when
  // neither it nor a launch type was given; empty = none), else `launch_type`.
  Json capacity_provider_strategy = Json::array();
  LaunchType launch_type = LaunchType::ec2;
  // As CreateTaskSet gave them, kept and returned (a gateway runs no load balancer or registry).
  Json load_balancers = Json::array();
  Json service_registries = Json::array();
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
  // As a reply shows them, counted from the tasks at `counted_at` (never stored).
  int running_count = 0;
  int pending_count = 0;
  EpochMs counted_at = 0;

  bool operator==(const TaskSet&) const = default;
};

// The tasks `scale_percent` of `service_desired_count` asks for, rounded up as ECS does (1.2 →
// 2); a DRAINING set asks for none. REQUIRES: 0 <= scale_percent <= 100, service_desired_count >= 0.
int computed_desired_count(const TaskSet& set, int service_desired_count);

// STEADY_STATE when all the tasks it asks for run and none is pending, else STABILIZING.
StabilityStatus stability_of(const TaskSet& set, int service_desired_count);

}  // namespace berth::model
