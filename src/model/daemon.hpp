// Daemon: ECS's first-class daemon (one task on every container instance of its capacity
// providers), with its revisions and deployments, and the ARNs of daemons, their revisions,
// deployments and daemon task definitions. berth runs a daemon as a DAEMON service of a name no
// user service can take (backing_service_name), so the service scheduler's daemon pass does the
// placing; this record keeps what the Daemon API shows beyond it. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/service.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

enum class DaemonStatus { active, delete_in_progress };
template <>
struct WireNames<DaemonStatus> {
  static constexpr std::array<std::string_view, 2> names = {"ACTIVE", "DELETE_IN_PROGRESS"};
};

enum class DaemonDeploymentStatus {
  pending, successful, stopped, stop_requested, in_progress, rollback_in_progress, rollback_successful, rollback_failed
};
template <>
struct WireNames<DaemonDeploymentStatus> {
  static constexpr std::array<std::string_view, 8> names = {
      "PENDING",     "SUCCESSFUL",           "STOPPED",             "STOP_REQUESTED",
      "IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"};
};

// Daemon task definitions are task definition rows whose family carries this prefix: the agent
// and the scheduler run them like any other, and ':' keeps them apart from every user family.
inline constexpr std::string_view k_daemon_family_prefix = "daemon:";
std::string daemon_family(std::string_view family);
// The user's family of a stored daemon family; nothing for an ordinary task definition family.
std::optional<std::string> daemon_family_name(std::string_view stored_family);

// The DAEMON service that runs daemon `name` (':' is not allowed in service names).
std::string backing_service_name(std::string_view daemon_name);
bool is_backing_service(std::string_view service_name);

struct DaemonContainerImage {
  std::string container_name;
  std::string image;
  bool operator==(const DaemonContainerImage&) const = default;
};

// What one CreateDaemon or UpdateDaemon asked to run; immutable once made.
struct DaemonRevision {
  std::string id;
  std::string family;  // the user's family (without the prefix)
  long long revision = 0;
  std::string service_deployment_id;  // the backing service's deployment running it
  std::vector<DaemonContainerImage> images;
  std::string propagate_tags = "NONE";
  bool managed_tags = false;
  bool execute_command = false;
  EpochMs created_at = 0;
  bool operator==(const DaemonRevision&) const = default;
};

// The move to one revision. Its status is settled (stored) once final; while IN_PROGRESS it is
// read from the backing service's deployment (live_deployment_status).
struct DaemonDeployment {
  std::string id;
  std::string target_revision;                // DaemonRevision::id
  std::vector<std::string> source_revisions;  // the revisions it replaces
  DaemonDeploymentStatus status = DaemonDeploymentStatus::in_progress;
  std::string status_reason;
  Json configuration = Json::object();  // deploymentConfiguration as given
  EpochMs created_at = 0;
  EpochMs started_at = 0;
  EpochMs stopped_at = 0;   // 0 = not stopped
  EpochMs finished_at = 0;  // 0 = not finished
  bool operator==(const DaemonDeployment&) const = default;
};

struct Daemon {
  std::string cluster;
  std::string name;
  DaemonStatus status = DaemonStatus::active;
  std::vector<std::string> capacity_providers;  // names, each once (svc/daemons.cpp normalises ARNs)
  std::vector<DaemonRevision> revisions;        // newest first, bounded
  std::vector<DaemonDeployment> deployments;    // newest first, bounded
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
  long long version = 1;

  // The newest deployment. REQUIRES: deployments is not empty.
  const DaemonDeployment& current() const { return deployments.front(); }
  const DaemonRevision* revision(const std::string& id) const;
};

// How many revisions and deployments a daemon keeps: the oldest beyond go.
inline constexpr std::size_t k_max_daemon_history = 20;

// Adds `revision` and `deployment` as the newest (the previous newest settled first: SUCCESSFUL
// if its service deployment completed, else STOPPED as superseded) and drops the oldest beyond
// the bound. `backing` is the service as it is before the new deployment.
void add_daemon_deployment(Daemon& daemon, const Service& backing, DaemonRevision revision,
                           DaemonDeployment deployment, EpochMs now);

// The status of `deployment` as of `backing`: a settled one as stored, an IN_PROGRESS one
// SUCCESSFUL once the backing deployment has COMPLETED (finished_at then set from it).
DaemonDeployment live_deployment(const Daemon& daemon, const DaemonDeployment& deployment, const Service& backing);

// ARNs: daemon/<cluster>/<name>, daemon-deployment/<cluster>/<name>/<id>,
// daemon-revision/<cluster>/<name>/<id>, daemon-task-definition/<family>:<revision>.
std::string daemon_arn(const ArnScope& arns, const std::string& cluster, const std::string& name);
std::string daemon_deployment_arn(const ArnScope& arns, const Daemon& daemon, const std::string& id);
std::string daemon_revision_arn(const ArnScope& arns, const Daemon& daemon, const std::string& id);
std::string daemon_task_definition_arn(const ArnScope& arns, const std::string& family, long long revision);

// A daemon ARN's cluster and name; a daemon-deployment or daemon-revision ARN's cluster, daemon
// name and id. InvalidParameterException for text that is not such an ARN of this region and
// account.
struct DaemonKey {
  std::string cluster;
  std::string name;
  std::string id;  // the deployment's or revision's; "" for a daemon ARN
};
[[nodiscard]] Result<DaemonKey> parse_daemon_arn(const ArnScope& arns, std::string_view text,
                                                 std::string_view resource_type);

Json daemon_to_record(const Daemon& daemon);
[[nodiscard]] Result<Daemon> daemon_from_record(const Json& record);

}  // namespace berth::model
