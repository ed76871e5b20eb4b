#include "sched/task_set_reconcile.hpp"

#include <algorithm>

namespace berth::sched {

TaskSetReconciliation reconcile_task_sets(const std::vector<TaskSetTarget>& sets, const std::vector<TaskView>& tasks,
                                          bool draining_service) {
  TaskSetReconciliation out;
  bool all_healthy = true;
  for (const auto& t : tasks) {
    all_healthy = all_healthy && t.healthy;
    const bool owned = std::any_of(sets.begin(), sets.end(), [&](const TaskSetTarget& s) { return s.id == t.deployment_id; });
    if (!owned) out.stop.emplace_back(t.id, "Task set deleted");
  }
  for (const auto& set : sets) {
    std::vector<const TaskView*> own;
    for (const auto& t : tasks) {
      if (t.deployment_id == set.id) own.push_back(&t);
    }
    if (set.draining && own.empty()) {
      out.drained.push_back(set.id);
      continue;
    }
    const int have = static_cast<int>(own.size());
    if (have < set.desired_count) out.start[set.id] = set.desired_count - have;
    if (have <= set.desired_count) continue;
    // Scale in: unhealthy tasks first, then in the placement strategy's order.
    std::stable_sort(own.begin(), own.end(), [](const TaskView* a, const TaskView* b) {
      if (a->healthy != b->healthy) return !a->healthy;
      return a->scale_in_rank < b->scale_in_rank;
    });
    const bool protection_holds = !set.draining && !draining_service;
    int excess = have - set.desired_count;
    for (const auto* t : own) {
      if (excess == 0) break;
      if (protection_holds && t->protected_from_scale_in) continue;
      out.stop.emplace_back(t->id, set.draining ? "Task set deleted" : "Task set scaled in");
      --excess;
    }
    out.held_by_protection += excess;
  }
  const bool draining = std::any_of(sets.begin(), sets.end(), [](const TaskSetTarget& s) { return s.draining; });
  out.steady = out.start.empty() && out.stop.empty() && out.held_by_protection == 0 && !draining && all_healthy;
  return out;
}

}  // namespace berth::sched
