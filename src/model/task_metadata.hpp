// The task metadata endpoint's replies (v3 and v4) in the shapes the ECS agent serves: one
// container's metadata (GET ${ECS_CONTAINER_METADATA_URI_V4}) and its task's (.../task), built
// from the stored task and its definition. Pure; thread-safe.
#pragma once

#include <map>
#include <string>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "model/schema.hpp"
#include "model/task.hpp"

namespace berth::model {

// What the replies are built from. The references must outlive the call.
struct TaskMetadataSource {
  const Task& task;
  const Json& definition;  // the task definition's body
  const ArnScope& arns;
  std::string availability_zone;  // the instance's (BERTH_AVAILABILITY_ZONE)
};

// Returns the ARN of `container` of `task` (ECS's container/<cluster>/<task id>/<uuid> form).
std::string container_arn_of(const ArnScope& arns, const Task& task, const TaskContainer& container);

// Returns the labels a container carries: its definition's dockerLabels plus the ones the ECS
// agent gives every container (com.amazonaws.ecs.cluster, container-name, task-arn,
// task-definition-family, task-definition-version), which win over a dockerLabel of that name.
std::map<std::string, std::string> container_labels(const Json& container_definition, const Task& task,
                                                     const std::string& task_arn);

// Returns `at` as RFC 3339 in UTC with milliseconds ("2020-10-02T00:15:07.620Z"), the form the
// ECS agent's and Docker's timestamps take.
std::string rfc3339_utc(EpochMs at);

// Returns the container metadata of `container` (one of source.task's containers): DockerId,
// Name, DockerName, Image, ImageID, Ports (when it has bindings), Labels, DesiredStatus,
// KnownStatus, ExitCode, Limits{CPU, Memory}, CreatedAt, StartedAt, FinishedAt, Type,
// LogDriver and LogOptions (when it has a logConfiguration), ContainerARN, Health (when it has a
// healthCheck), Networks[{NetworkMode, IPv4Addresses}], RestartCount (when a restartPolicy is on).
Json container_metadata_json(const TaskMetadataSource& source, const TaskContainer& container);

// Returns the task metadata: Cluster, TaskARN, Family, Revision, ServiceName (a service's task),
// DesiredStatus, KnownStatus, Limits{CPU in vCPUs, Memory in MiB} (the task-level ones that are
// set; none = omitted), PullStartedAt, PullStoppedAt, ExecutionStoppedAt, AvailabilityZone,
// LaunchType and Containers (each as container_metadata_json).
Json task_metadata_json(const TaskMetadataSource& source);

}  // namespace berth::model
