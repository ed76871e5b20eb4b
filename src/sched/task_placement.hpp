// Placing new tasks on a snapshot of a cluster: the ask and strategies of a placement (checked as
// ECS checks them), the instances as the placement engine sees them, the placement itself and
// the scale-in order. Pure: the random source and the task ids are parameters.
#pragma once

#include <functional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "model/cluster_snapshot.hpp"
#include "place/engine.hpp"
#include "sched/plan.hpp"

namespace berth::sched {

// Makes a new task id (32 hex digits in berth; anything unique in tests).
using TaskIdSource = std::function<std::string()>;

struct Placement {
  place::TaskAsk ask;
  std::vector<place::Strategy> strategies;
};

// The placement of a task of `definition` (its reservation with overrides applied) in `group`:
// the definition's constraints then `constraints` (at most 10 together), `strategies` checked.
// InvalidParameterException as ECS words it otherwise.
[[nodiscard]] Result<Placement> compile_placement(const model::DefinitionState& definition,
                                                  const std::vector<model::PlacementConstraint>& constraints,
                                                  const std::vector<model::PlacementStrategy>& strategies,
                                                  const std::string& group);

// The placement engine's strategy list for `strategies` (not checked).
std::vector<place::Strategy> engine_strategies(const std::vector<model::PlacementStrategy>& strategies);

// What the cluster query language knows of `instance`.
place::InstanceFacts facts_of(const model::InstanceState& instance);
// `instance` as the placement engine sees it.
place::NodeState node_state_of(const model::InstanceState& instance);

struct PlacementRequest {
  model::DefinitionState definition;               // with the request's overrides applied
  std::vector<model::PlacementConstraint> constraints;  // the request's (the definition's are added)
  std::vector<model::PlacementStrategy> strategies;
  std::string group;
  std::string started_by;
  int count = 1;                                   // with no instance_ids
  std::vector<std::string> instance_ids;           // one task on each of these (StartTask, daemons)
};

struct PlacementSettings {
  std::pair<int, int> dynamic_host_ports{32768, 60999};  // where hostPort 0 draws from
};

// Places the request's tasks: each sees the ones placed before it. Every instance that rejected
// a task is reported once per reason. Errors are compile_placement's.
[[nodiscard]] Result<Plan> place_tasks(const model::ClusterSnapshot& snapshot, const PlacementRequest& request,
                                       const PlacementSettings& settings, std::mt19937_64& rng,
                                       const TaskIdSource& new_task_id);

// The order in which to stop `task_ids` (one service's tasks in `snapshot`) when it scales in,
// by `strategies`: the first to stop first; tasks whose instance is gone go first.
[[nodiscard]] Result<std::vector<std::string>> scale_in_order(const model::ClusterSnapshot& snapshot,
                                                              const std::vector<const model::TaskState*>& tasks,
                                                              const std::vector<model::PlacementStrategy>& strategies,
                                                              std::mt19937_64& rng);

}  // namespace berth::sched
