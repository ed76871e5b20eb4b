// Plan: what one scheduling decision asks for — tasks to start where, tasks to stop and why, the
// service record's new state and events — made by the pure functions of sched/ from a
// ClusterSnapshot and committed by svc's plan applier in one transaction. Plain values.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/cluster_snapshot.hpp"
#include "place/host_ports.hpp"

namespace berth::sched {

struct TaskStart {
  std::string task_id;
  std::string instance_id;
  std::string family;
  long long revision = 0;
  std::string group;
  std::string started_by;
  std::vector<place::PortBinding> bindings;  // bridge tasks: the host ports bound
  // The instance's GPUs given to each container that asks for some (resourceRequirements GPU).
  std::vector<std::pair<std::string, std::vector<std::string>>> container_gpus;
};

// An instance a task could not be placed on, and ECS's reason (AGENT, RESOURCE:CPU, ...).
struct PlacementFailure {
  std::string instance_id;
  std::string reason;
};

struct TaskStop {
  std::string task_id;
  std::string reason;
  bool unless_protected = false;  // a scale-in: see model::TaskStopWrite
};

struct ServiceUpdate {
  model::ServiceState state;        // status, desired count, deployments, next launch
  std::vector<std::string> events;  // new events, oldest first
};

struct Plan {
  std::vector<TaskStart> starts;
  std::vector<PlacementFailure> failures;
  std::vector<TaskStop> stops;
  std::optional<ServiceUpdate> service;  // set when the service's record changes

  bool empty() const { return starts.empty() && stops.empty() && !service; }
};

}  // namespace berth::sched
