// Which tasks to stop first when a service scales in, by the service's placement strategy, as
// ECS chooses them: spread keeps the buckets balanced (stop from the fullest), binpack stops on
// the instance with the most remaining resources (emptying it), random at random; chained in
// order, ties broken by task id. Pure.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "place/engine.hpp"

namespace berth::place {

struct RunningTask {
  std::string id;
  std::size_t node = 0;  // index into the nodes
};

// Returns the ids of `tasks` in the order to stop them: for any n, the first n leave the rest
// as the strategies want them.
std::vector<std::string> scale_in_order(const std::vector<NodeState>& nodes, const std::vector<RunningTask>& tasks,
                                        const std::vector<Strategy>& strategies, std::mt19937_64& rng);

}  // namespace berth::place
