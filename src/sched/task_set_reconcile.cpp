#include "sched/task_set_reconcile.hpp"

#include <algorithm>
#include <set>

namespace berth::sched {

TaskSetReconciliation reconcile_task_sets(const std::vector<TaskSetTarget>& sets, const std::vector<TaskView>& tasks,
                                          const TaskSetService& service) {
  TaskSetReconciliation out;
  std::set<std::string> stopping;
  const auto stop = [&](const TaskView& t, const char* why) {
    out.stop.emplace_back(t.id, why);
    stopping.insert(t.id);
  };
  bool all_healthy = true;
  for (const auto& t : tasks) {
    all_healthy = all_healthy && t.healthy;
    const bool owned = std::any_of(sets.begin(), sets.end(), [&](const TaskSetTarget& s) { return s.id == t.deployment_id; });
    if (!owned) stop(t, "Task set deleted");
  }
  int total_desired = 0;
  int new_tasks = 0;
  std::vector<const TaskView*> to_replace;  // ACTIVE sets' tasks on DRAINING instances
  std::map<std::string, int> replacements;  // task set id → tasks that would replace them
  for (const auto& set : sets) {
    std::vector<const TaskView*> own;
    std::vector<const TaskView*> on_draining;
    for (const auto& t : tasks) {
      if (t.deployment_id != set.id) continue;
      (t.on_draining_instance && !set.draining ? on_draining : own).push_back(&t);
    }
    if (set.draining && own.empty()) {
      out.drained.push_back(set.id);
      continue;
    }
    total_desired += set.desired_count;
    to_replace.insert(to_replace.end(), on_draining.begin(), on_draining.end());
    const int have = static_cast<int>(own.size());
    const int missing = std::max(0, set.desired_count - have);
    const int replacing = std::min(missing, static_cast<int>(on_draining.size()));
    if (replacing > 0) replacements[set.id] = replacing;
    if (missing > replacing) {
      out.start[set.id] = missing - replacing;
      new_tasks += missing - replacing;
    }
    if (have <= set.desired_count) continue;
    // Scale in: unhealthy tasks first, then in the placement strategy's order.
    order_for_stopping(own);
    const bool protection_holds = !set.draining && !service.draining;
    int excess = have - set.desired_count;
    for (const auto* t : own) {
      if (excess == 0) break;
      if (protection_holds && t->protected_from_scale_in) continue;
      stop(*t, set.draining ? "Task set deleted" : "Task set scaled in");
      --excess;
    }
    out.held_by_protection += excess;
  }

  // Tasks on DRAINING instances: stopped while enough healthy tasks remain, replaced within
  // maximumPercent (they count until they stop), as REPLICA services do.
  int live = new_tasks;
  int healthy = 0;
  for (const auto& t : tasks) {
    if (stopping.contains(t.id)) continue;
    ++live;
    healthy += t.healthy ? 1 : 0;
  }
  const int min_healthy = (total_desired * service.minimum_healthy_percent + 99) / 100;
  order_for_stopping(to_replace);
  for (const auto* t : to_replace) {
    if (t->healthy && healthy - 1 < min_healthy) continue;
    stop(*t, "Container instance is draining");
    healthy -= t->healthy ? 1 : 0;
    --live;
  }
  int room = std::max(0, std::max(total_desired * service.maximum_percent / 100, total_desired) - live);
  for (const auto& [id, count] : replacements) {
    const int given = std::min(count, room);
    if (given > 0) out.start[id] += given;
    room -= given;
  }

  const bool draining = std::any_of(sets.begin(), sets.end(), [](const TaskSetTarget& s) { return s.draining; });
  out.steady = out.start.empty() && out.stop.empty() && out.held_by_protection == 0 && to_replace.empty() &&
               !draining && all_healthy;
  return out;
}

}  // namespace berth::sched
