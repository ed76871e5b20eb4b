// Service: a long-running set of tasks kept at desiredCount by the service scheduler, with its
// deployments and events. The stored form keeps every field; the wire form is ECS's Service.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/deployment.hpp"
#include "model/schema.hpp"
#include "model/service_revision.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"
#include "model/task_tagging.hpp"
#include "model/task_set.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

// How a service keeps its tasks: desiredCount of them (REPLICA) or one per instance (DAEMON).
enum class SchedulingStrategy { replica, daemon };
template <>
struct WireNames<SchedulingStrategy> {
  static constexpr std::array<std::string_view, 2> names = {"REPLICA", "DAEMON"};
};

struct Service {
  std::string cluster;
  std::string name;
  ServiceStatus status = ServiceStatus::active;
  int desired_count = 0;
  std::string scheduling_strategy = "REPLICA";
  int maximum_percent = 200;
  int minimum_healthy_percent = 100;
  Json deployment_configuration = Json::object();  // as given, for round-tripping
  Json placement_constraints = Json::array();
  Json placement_strategy = Json::array();
  int health_check_grace_period_seconds = 0;
  // Given, or the cluster's default when neither it nor a launchType was; empty = launchType EC2.
  Json capacity_provider_strategy = Json::array();
  TaskTagging tagging;                             // of the tasks it starts
  bool enable_execute_command = false;             // given to the tasks it starts from now on
  std::vector<Deployment> deployments;             // PRIMARY first; none with EXTERNAL
  DeploymentController deployment_controller = DeploymentController::ecs;
  std::vector<TaskSet> task_sets;                  // EXTERNAL only, oldest first
  std::vector<ServiceEvent> events;                // newest first, bounded
  EpochMs created_at = 0;
  long long version = 1;
  // Start throttling: failures to start counted since `throttle_reset_at` (creation or the
  // last UpdateService) delay launches until `next_launch_at`.
  EpochMs throttle_reset_at = 0;
  EpochMs next_launch_at = 0;
  ServiceAttachments attachments;  // kept and echoed, not acted on
  DeploymentHistory history;       // model/deployment_history.hpp keeps it

  // The PRIMARY deployment. REQUIRES: deployments is not empty.
  const Deployment& primary() const { return deployments.front(); }
};

inline constexpr std::size_t k_max_service_events = 100;

// Adds `message` as the newest event (dropping the oldest beyond the bound).
void add_event(Service& service, const std::string& message, EpochMs now, const std::string& id);

Json service_to_record(const Service& service);
[[nodiscard]] Result<Service> service_from_record(const Json& record);
Json service_to_json(const Service& service, const ArnScope& arns, const std::vector<Tag>* tags);

}  // namespace berth::model
