// The placement engine: filters (status, CPU, memory, ports, GPUs, required attributes,
// constraints) then strategy rankers (binpack, spread, random) chained in the order given, as ECS
// places tasks. Pure: the caller passes the cluster's state and the random source; nothing here
// reads the clock or the store.
#pragma once

#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/cluster_snapshot.hpp"
#include "place/query.hpp"

namespace berth::place {

// One container instance as placement sees it.
struct NodeState {
  InstanceFacts facts;
  bool active = true;                    // ACTIVE (not DRAINING) and its agent connected
  long long cpu_total = 0;
  long long memory_total = 0;
  long long cpu_used = 0;
  long long memory_used = 0;
  std::set<int> tcp_in_use;              // reserved plus held by tasks
  std::set<int> udp_in_use;
  std::map<std::string, int> group_tasks;  // unstopped tasks per group on this node
  std::vector<std::string> free_gpus;      // registered GPU ids no task holds, in registration order
};

// What one task needs.
struct TaskAsk {
  long long cpu = 0;
  long long memory = 0;
  std::vector<int> tcp_ports;
  std::vector<int> udp_ports;
  std::string group;
  std::vector<Expression> member_of;
  bool distinct_instance = false;
  int gpus = 0;
};

enum class StrategyType { random, spread, binpack };

struct Strategy {
  StrategyType type = StrategyType::random;
  std::string field;                     // binpack: cpu|memory; spread: instanceId|host|attribute:NAME
};

// Checks a strategy chain as ECS does (≤ 5; binpack on cpu or memory; spread on instanceId, host
// or attribute:NAME; random without a field). InvalidParameterException otherwise.
[[nodiscard]] Result<void> check_strategies(const std::vector<Strategy>& strategies);

// The value `node` is spread by for `field` (instanceId, host or attribute:NAME, with NAME passed
// as `attribute`); instances missing the attribute share the "" bucket.
std::string_view spread_value(const NodeState& node, const std::string& field, const std::string& attribute);

struct Decision {
  std::optional<std::size_t> node;                        // index into the nodes, if any fits
  std::map<std::size_t, std::string> rejections;          // node index → ECS reason
  std::vector<std::string> gpu_ids;                       // Placer: the GPUs the placed task took
};

// Chooses a node for `ask`. Rejection reasons are ECS's: AGENT, ATTRIBUTE (a required attribute
// missing, a constraint unmet), RESOURCE:CPU, RESOURCE:MEMORY, RESOURCE:PORTS,
// RESOURCE:PORTS_UDP, RESOURCE:GPU (fewer free GPUs than asked). Among the feasible nodes each
// strategy keeps its best-scoring ones and the next breaks ties; what remains is broken at random.
Decision choose(const std::vector<NodeState>& nodes, const TaskAsk& ask, const std::vector<Strategy>& strategies,
                std::mt19937_64& rng);

// Records that `ask` now runs on `node`, so the next choice sees it. Returns the GPUs it takes:
// the first `ask.gpus` free ones (REQUIRES: that many are free).
std::vector<std::string> commit(NodeState& node, const TaskAsk& ask);

// Places several tasks of one ask one at a time, each seeing the ones before. Required attributes
// and constraints that depend only on an instance's attributes are evaluated once per instance,
// not once per task.
class Placer {
 public:
  // `nodes` and `rng` must outlive the Placer; placements are committed into `nodes`.
  Placer(std::vector<NodeState>& nodes, TaskAsk ask, std::vector<Strategy> strategies, std::mt19937_64& rng);
  // Chooses a node for one more task and commits it there.
  Decision place_one();

 private:
  std::vector<NodeState>& m_nodes;
  TaskAsk m_ask;                       // the ask without its static constraints
  std::vector<Expression> m_static_constraints;
  std::vector<Strategy> m_strategies;
  std::mt19937_64& m_rng;
  std::vector<signed char> m_static_ok;  // per node: -1 unknown, 0 rejected, 1 accepted
  // Per spread strategy: each node's bucket (its value) and the group's tasks per bucket, kept
  // up to date as tasks are committed, so ranking costs O(candidates) instead of O(nodes).
  std::vector<std::vector<int>> m_bucket_of;
  std::vector<std::vector<int>> m_bucket_tasks;
};

}  // namespace berth::place
