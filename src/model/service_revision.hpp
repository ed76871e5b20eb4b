// A service's deployment history as ECS shows it: service revisions (what one deployment runs:
// the task definition and what the service was given) and service deployments (one rollout from
// the source revisions to a target, with ECS's states), plus what a service keeps of its
// loadBalancers, serviceRegistries, roleArn, serviceConnectConfiguration and volumeConfigurations
// (stored and returned; berth does not act on them). Plain values and their stored form; pure;
// thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

// What a service was given that belongs to an AWS Region's networking (load balancers, Cloud
// Map, Service Connect, EBS volumes): kept as written and echoed, never acted on here.
struct ServiceAttachments {
  Json load_balancers = Json::array();
  Json service_registries = Json::array();
  Json service_connect_configuration;  // null = not given
  Json volume_configurations = Json::array();
  std::string role_arn;                // "" = none

  bool operator==(const ServiceAttachments&) const = default;
};

// ServiceDeploymentStatus, in the order of the ECS model's enum.
enum class ServiceDeploymentStatus {
  pending,
  successful,
  stopped,
  stop_requested,
  in_progress,
  rollback_requested,
  rollback_in_progress,
  rollback_successful,
  rollback_failed
};
template <>
struct WireNames<ServiceDeploymentStatus> {
  static constexpr std::array<std::string_view, 9> names = {
      "PENDING",            "SUCCESSFUL",           "STOPPED",
      "STOP_REQUESTED",     "IN_PROGRESS",          "ROLLBACK_REQUESTED",
      "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"};
};

// True for SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL and ROLLBACK_FAILED: ECS's completed stage,
// after which a service deployment never changes.
bool is_finished(ServiceDeploymentStatus status);

// What one deployment runs. `id` is the digits of the deployment that created it.
struct ServiceRevision {
  std::string id;
  std::string family;
  long long revision = 0;
  ServiceAttachments attachments;
  EpochMs created_at = 0;

  bool operator==(const ServiceRevision&) const = default;
};

// Task counts of a revision while its deployment runs (frozen when it finishes).
struct RevisionCounts {
  int requested = 0;
  int running = 0;
  int pending = 0;

  bool operator==(const RevisionCounts&) const = default;
};

// One rollout. It follows one of the service's live deployments (model::Deployment): the one it
// started, then, once rolled back, the deployment that runs the rollback.
struct ServiceDeploymentRecord {
  std::string id;                             // the digits of the deployment that started it
  std::string live_deployment_id;             // "ecs-svc/<digits>" it follows now
  std::string target_revision;                // a ServiceRevision id
  std::vector<std::string> source_revisions;  // revision ids running when it started
  RevisionCounts target_counts;
  ServiceDeploymentStatus status = ServiceDeploymentStatus::pending;
  std::string status_reason;
  Json deployment_configuration = Json::object();  // the service's, when it started
  EpochMs created_at = 0;
  EpochMs started_at = 0;   // 0 = not started
  EpochMs finished_at = 0;  // 0 = not finished
  EpochMs stopped_at = 0;   // 0 = not stopped
  EpochMs updated_at = 0;
  // Set once rolled back: the revision it returns to, why, and when.
  std::string rollback_revision;
  std::string rollback_reason;
  EpochMs rollback_started_at = 0;
  int failed_tasks = 0;  // counted by the circuit breaker

  bool operator==(const ServiceDeploymentRecord&) const = default;
};

// A service's history: deployments newest first, bounded; the revisions they name.
struct DeploymentHistory {
  std::vector<ServiceRevision> revisions;
  std::vector<ServiceDeploymentRecord> deployments;

  const ServiceRevision* revision(std::string_view id) const;
  const ServiceDeploymentRecord* deployment(std::string_view id) const;
  ServiceDeploymentRecord* deployment(std::string_view id);

  bool operator==(const DeploymentHistory&) const = default;
};

// How many service deployments a service keeps (ECS keeps 90 days; a gateway keeps a count).
inline constexpr std::size_t k_max_service_deployments = 25;

// Writes the members ECS shows of `attachments` in a Service reply: loadBalancers and
// serviceRegistries always (empty lists when none), roleArn when given.
void service_attachments_to_json(const ServiceAttachments& attachments, Json& out);
// ... in a Deployment reply: serviceConnectConfiguration and volumeConfigurations when given.
void deployment_attachments_to_json(const ServiceAttachments& attachments, Json& out);

// Stored forms (members of the service's record). The readers accept what the writers wrote and
// answer ServerException for a record that is not.
Json attachments_to_record(const ServiceAttachments& attachments);
ServiceAttachments attachments_from_record(const Json& record);  // a missing member reads as none
Json history_to_record(const DeploymentHistory& history);
[[nodiscard]] Result<DeploymentHistory> history_from_record(const Json& record);

}  // namespace berth::model
