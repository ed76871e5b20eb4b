#include "place/scale_in.hpp"

#include <algorithm>
#include <map>

namespace berth::place {

std::vector<std::string> scale_in_order(const std::vector<NodeState>& nodes, const std::vector<RunningTask>& tasks,
                                        const std::vector<Strategy>& strategies, std::mt19937_64& rng) {
  // Per strategy and task: its spread bucket, counted over the tasks still left.
  std::vector<std::vector<std::string>> bucket_of(strategies.size());
  std::vector<std::map<std::string, int>> bucket_tasks(strategies.size());
  std::vector<std::uint64_t> random_key(tasks.size());
  for (auto& key : random_key) key = rng();
  for (std::size_t k = 0; k < strategies.size(); ++k) {
    if (strategies[k].type != StrategyType::spread) continue;
    const std::string& field = strategies[k].field;
    const std::string attribute = field.starts_with("attribute:") ? field.substr(10) : "";
    for (const auto& task : tasks) {
      bucket_of[k].emplace_back(spread_value(nodes[task.node], field, attribute));
      ++bucket_tasks[k][bucket_of[k].back()];
    }
  }
  // Lower is stopped first.
  const auto key = [&](std::size_t t, std::size_t k) -> double {
    const NodeState& node = nodes[tasks[t].node];
    switch (strategies[k].type) {
      case StrategyType::spread: return -bucket_tasks[k][bucket_of[k][t]];
      case StrategyType::binpack:
        return strategies[k].field == "cpu" ? -static_cast<double>(node.cpu_total - node.cpu_used)
                                            : -static_cast<double>(node.memory_total - node.memory_used);
      case StrategyType::random: return static_cast<double>(random_key[t]);
    }
    return 0;
  };
  std::vector<std::size_t> left(tasks.size());
  for (std::size_t i = 0; i < left.size(); ++i) left[i] = i;
  std::vector<std::string> order;
  while (!left.empty()) {
    const auto best = std::min_element(left.begin(), left.end(), [&](std::size_t a, std::size_t b) {
      for (std::size_t k = 0; k < strategies.size(); ++k) {
        const double ka = key(a, k), kb = key(b, k);
        if (ka != kb) return ka < kb;
      }
      return tasks[a].id < tasks[b].id;
    });
    const std::size_t chosen = *best;
    left.erase(best);
    order.push_back(tasks[chosen].id);
    for (std::size_t k = 0; k < strategies.size(); ++k) {
      if (strategies[k].type == StrategyType::spread) --bucket_tasks[k][bucket_of[k][chosen]];
    }
  }
  return order;
}

}  // namespace berth::place
