// Task: one run of a task definition on a container instance, with its containers' observed
// state. The stored form keeps every field; the wire form is ECS's Task shape. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/statuses.hpp"
#include "model/tags.hpp"

namespace berth::model {

// One exit of a container that its restartPolicy restarted in place.
struct ContainerExit {
  int exit_code = 0;
  EpochMs finished_at = 0;
};

// How many of a container's restarted exits its record keeps (the newest).
inline constexpr std::size_t k_kept_restart_exits = 10;

// The runc container id of container `container_name` of task `task_id`: "<task id>-<name>", fixed
// from the task's creation (so known before the container is recorded as created).
std::string runtime_id_of(std::string_view task_id, std::string_view container_name);

struct TaskContainer {
  std::string name;
  std::string id;            // uuid in the container ARN
  std::string runtime_id;    // runc container id, once created
  std::string image;
  std::string image_digest;
  TaskStatus last_status = TaskStatus::pending;  // pending, running or stopped
  std::optional<int> exit_code;
  std::string reason;
  std::string health_status = "UNKNOWN";
  bool essential = true;
  Json network_bindings = Json::array();
  Json network_interfaces = Json::array();  // bridge: [{"attachmentId", "privateIpv4Address"}]
  std::optional<EpochMs> started_at;
  std::optional<EpochMs> finished_at;
  // Restarts in place by its restartPolicy: how many, the last one, the exits that led to them
  // (the newest k_kept_restart_exits). DescribeTasks shows the count of a container whose policy
  // is enabled (restart_policy_enabled, set when it starts), as the ECS agent's metadata does.
  int restarts = 0;
  std::optional<EpochMs> last_restarted_at;
  std::vector<ContainerExit> restart_exits;
  bool restart_policy_enabled = false;
  // The GPUs placement assigned to it (its resourceRequirements GPU), ids the instance registered.
  std::vector<std::string> gpu_ids;
  // versionConsistency enabled in a service deployment: the image digest the deployment runs
  // (the first one a task of it reported); the agent starts the container from image@digest.
  // Kept in the record only: DescribeTasks shows imageDigest once the container reports it.
  std::string pinned_digest;
};

struct Task {
  std::string id;                  // 32 hex
  std::string cluster;
  std::string family;
  long long revision = 0;
  std::string container_instance_id;
  TaskStatus last_status = TaskStatus::pending;
  TaskStatus desired_status = TaskStatus::running;
  std::string group;
  std::string started_by;
  Json overrides = Json::object();
  // enableExecuteCommand at launch: ExecuteCommand over the API runs commands in its containers.
  bool enable_execute_command = false;
  std::string cpu;                 // reserved CPU units, as ECS's string
  std::string memory;              // reserved MiB, as ECS's string
  std::vector<TaskContainer> containers;
  std::string health_status = "UNKNOWN";
  std::string stop_code;
  std::string stopped_reason;
  std::string capacity_provider;   // capacityProviderName; "" = launched as EC2
  EpochMs created_at = 0;
  std::optional<EpochMs> pull_started_at, pull_stopped_at, started_at, stopping_at,
      execution_stopped_at, stopped_at;
  long long version = 1;

  TaskContainer* container(const std::string& name);
};

// The stored form (every field) and back.
Json task_to_record(const Task& task);
[[nodiscard]] Result<Task> task_from_record(const Json& record);

// The ECS wire shape.
Json task_to_json(const Task& task, const ArnScope& arns, const std::vector<Tag>* tags);

// What a task holds on its instance while it is not STOPPED.
struct Reservation {
  long long cpu = 0;
  long long memory = 0;
  std::vector<std::pair<int, std::string>> host_ports;  // (port, "tcp"|"udp")
  std::vector<std::pair<std::string, int>> container_gpus;  // (container, GPUs) where it asks for any
};

// Computes what a task of `task_definition` (body) with `overrides` reserves: task cpu/memory
// if set, else the containers' cpu and memoryReservation-or-memory sums; static host ports;
// each container's resourceRequirements GPU count (a containerOverride's list replaces its own).
Reservation reservation_of(const Json& task_definition, const Json& overrides);

// Task health over essential containers, as ECS: any UNHEALTHY → UNHEALTHY; else any UNKNOWN →
// UNKNOWN; else HEALTHY.
std::string task_health(const Task& task);

// A task's id and desired status alone: what an instance's poll cursor digests
// (model/instance_poll.hpp), read without the task's body.
struct TaskDesire {
  std::string id;
  TaskStatus desired_status = TaskStatus::running;
};

}  // namespace berth::model
