// ClusterSnapshot: what the schedulers see of one cluster, read in one store transaction —
// instances with their registered resources and what their tasks hold, tasks, services and the
// task definitions they run — and PlanWrite, what committing a plan writes. Plain values, no
// JSON, so sched/ works on them without third-party headers. Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "model/deployment.hpp"
#include "model/port_request.hpp"
#include "model/statuses.hpp"
#include "model/task_protection.hpp"
#include "model/task_set.hpp"

namespace berth::model {

// One entry of placementConstraints: "memberOf" with an expression, or "distinctInstance".
struct PlacementConstraint {
  std::string type = "memberOf";
  std::optional<std::string> expression;
};

// One entry of placementStrategy: "random", "spread" or "binpack" with its field.
struct PlacementStrategy {
  std::string type = "random";
  std::string field;
};

// An attribute a task definition needs its instance to have (its requiresAttributes): the name,
// and the value when one is required.
struct RequiredAttribute {
  std::string name;
  std::optional<std::string> value;

  bool operator==(const RequiredAttribute&) const = default;
};

// What an instance registered: CPU units, MiB and the host ports it keeps for itself.
struct InstanceCapacity {
  long long cpu = 0;
  long long memory = 0;
  std::set<int> reserved_tcp;
  std::set<int> reserved_udp;
  std::vector<std::string> gpu_ids;  // its registered GPU resource, in order
};

// A task as the schedulers see it. `cpu`, `memory` and the ports are what it holds on its
// instance while it is not STOPPED (its definition's reservation, its bound host ports).
struct TaskState {
  std::string id;
  std::string instance_id;
  std::string family;
  long long revision = 0;
  std::string group;
  std::string started_by;
  TaskStatus desired_status = TaskStatus::running;
  TaskStatus last_status = TaskStatus::pending;
  std::string health_status = "UNKNOWN";
  std::string stop_code;
  EpochMs created_at = 0;
  std::optional<EpochMs> started_at;
  std::optional<EpochMs> stopping_at;
  long long cpu = 0;
  long long memory = 0;
  std::set<int> tcp_ports;
  std::set<int> udp_ports;
  std::set<std::string> gpu_ids;  // the GPUs assigned to its containers
  // Scale-in protection (UpdateTaskProtection) set to last until then; nothing = none.
  std::optional<EpochMs> protected_until{};

  // Whether its service's scale-in and deployments must leave it running at `now`.
  bool protected_at(EpochMs now) const { return protection_holds(protected_until, now); }
};

// What the tasks not yet STOPPED on one instance hold.
struct ResourceUse {
  long long cpu = 0;
  long long memory = 0;
  std::set<int> tcp_ports;
  std::set<int> udp_ports;
  long long running = 0;
  long long pending = 0;
  std::map<std::string, int> group_tasks;
  std::set<std::string> gpu_ids;

  // Counts `task` in (REQUIRES: its last status is not STOPPED).
  void add(const TaskState& task);
};

struct InstanceState {
  std::string id;
  InstanceStatus status = InstanceStatus::active;
  bool agent_connected = true;  // model::agent_connected: false while a remote instance is lost
  std::string ec2_instance_id;
  std::string agent_version;
  std::map<std::string, std::string> attributes;  // value "" for a name-only attribute
  EpochMs registered_at = 0;
  InstanceCapacity capacity;
  ResourceUse use;

  // True if `task` fits beside what the instance holds: CPU, memory, and none of its host ports
  // reserved or taken, none of its GPUs held by another task.
  bool fits(const TaskState& task) const;
};

// What the schedulers need of a task definition.
struct DefinitionState {
  std::string family;
  long long revision = 0;
  bool bridge = true;                  // networkMode bridge: host ports are bound per task
  bool health_checks = false;          // an essential container has a health check
  long long cpu = 0;                   // reservation without overrides
  long long memory = 0;
  std::vector<std::pair<int, std::string>> host_ports;  // static (port, "tcp"|"udp")
  std::vector<PortRequest> port_requests;               // bridge: each mapping, ranges expanded
  std::vector<PlacementConstraint> placement_constraints;
  std::vector<RequiredAttribute> required_attributes;     // model::required_attributes
  std::vector<std::pair<std::string, int>> container_gpus;  // containers asking for GPUs: (name, count)

  // The GPUs all its containers ask for.
  int gpus() const;
};

struct ServiceState {
  std::string name;
  ServiceStatus status = ServiceStatus::active;
  std::string scheduling_strategy = "REPLICA";
  int desired_count = 0;
  int maximum_percent = 200;
  int minimum_healthy_percent = 100;
  bool circuit_breaker = false;
  bool rollback = false;
  std::vector<PlacementConstraint> placement_constraints;
  std::vector<PlacementStrategy> placement_strategy;
  std::vector<Deployment> deployments;  // PRIMARY first
  bool external = false;                // deployment controller EXTERNAL: tasks come from task sets
  std::vector<TaskSet> task_sets;
  std::string latest_event;             // the newest event's message ("" = none)
  EpochMs throttle_reset_at = 0;
  EpochMs next_launch_at = 0;
  long long version = 1;

  // The fields a scheduler pass may change.
  bool same_schedule_as(const ServiceState& other) const {
    return status == other.status && desired_count == other.desired_count && deployments == other.deployments &&
           next_launch_at == other.next_launch_at && task_sets == other.task_sets;
  }
};

struct ClusterSnapshot {
  std::string cluster;
  std::vector<InstanceState> instances;  // by id
  // By id: every task not STOPPED, and the stopped tasks of services' PRIMARY deployments and
  // task sets (what the start throttle and the circuit breaker count).
  std::vector<TaskState> tasks;
  std::vector<ServiceState> services;    // ACTIVE and DRAINING, by name
  // The definitions of the services' deployments and of the tasks not STOPPED.
  std::map<std::pair<std::string, long long>, DefinitionState> definitions;
  // The store's change count when it was read (store::Store::change_count): the same count later
  // means the rows are still these. Nothing for a snapshot made otherwise.
  std::optional<std::int64_t> change_count;

  const InstanceState* instance(const std::string& id) const;
  InstanceState* instance(const std::string& id) {
    return const_cast<InstanceState*>(static_cast<const ClusterSnapshot*>(this)->instance(id));
  }
  const DefinitionState* definition(const std::string& family, long long revision) const;
};

// What committing a plan writes, in one transaction.
struct TaskStopWrite {
  std::string task_id;
  std::string stop_code;  // ServiceSchedulerInitiated, UserInitiated
  std::string reason;
  // A scale-in, which must not stop a protected task: one protected at the plan's time when it
  // is committed makes the commit a conflict (planned again on fresh rows).
  bool unless_protected = false;
};

struct ServiceWrite {
  std::string name;
  long long expected_version = 0;      // the plan was made from this version
  ServiceState state;                  // status, desired count, deployments, task sets, next launch
  std::vector<ServiceEvent> new_events;  // oldest first
};

}  // namespace berth::model
