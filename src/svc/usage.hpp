// What a container instance holds and has left: the sum of its unstopped tasks' reservations,
// and the facts the query language reads. Thread-safe (reads the Store).
#pragma once

#include <map>
#include <set>
#include <string>

#include "model/container_instance.hpp"
#include "place/engine.hpp"
#include "place/query.hpp"
#include "svc/context.hpp"

namespace berth::svc {

struct Usage {
  long long cpu = 0;
  long long memory = 0;
  std::set<int> tcp_ports;
  std::set<int> udp_ports;
  long long running = 0;
  long long pending = 0;
  std::set<std::string> groups;
  std::map<std::string, int> group_tasks;
};

struct Capacity {
  long long cpu = 0;
  long long memory = 0;
  std::set<int> reserved_tcp;
  std::set<int> reserved_udp;
};

// Adds what `task_definition` with `overrides` reserves to `usage`.
void add_reservation(Usage& usage, const Json& task_definition, const Json& overrides);

[[nodiscard]] Result<Usage> usage_of(Context& ctx, const model::ContainerInstance& instance);
Capacity capacity_of(const model::ContainerInstance& instance);

// ECS remainingResources: CPU/MEMORY left; PORTS/PORTS_UDP list the ports in use.
Json remaining_resources(const model::ContainerInstance& instance, const Usage& usage);

place::InstanceFacts facts_of(const model::ContainerInstance& instance, const Usage& usage);

// The instance as the placement engine sees it.
place::NodeState node_state_of(const model::ContainerInstance& instance, const Usage& usage);

}  // namespace berth::svc
