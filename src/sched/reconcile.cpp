#include "sched/reconcile.hpp"

#include <algorithm>

namespace berth::sched {

void order_for_stopping(std::vector<const TaskView*>& tasks) {
  std::stable_sort(tasks.begin(), tasks.end(), [](const TaskView* a, const TaskView* b) {
    if (a->healthy != b->healthy) return !a->healthy;
    return a->scale_in_rank < b->scale_in_rank;
  });
}

Reconciliation reconcile(const ServiceView& service, const std::vector<TaskView>& tasks) {
  Reconciliation plan;
  if (service.draining || service.deployments.empty()) {
    for (const auto& t : tasks) plan.stop.emplace_back(t.id, "service is being deleted");
    return plan;
  }
  const std::string& primary = service.deployments.front().id;
  const int desired = std::max(0, service.desired_count);
  const int max_total = desired * service.maximum_percent / 100;
  const int min_healthy = (desired * service.minimum_healthy_percent + 99) / 100;

  std::vector<const TaskView*> primary_tasks, old_tasks;
  int healthy = 0;
  for (const auto& t : tasks) {
    (t.deployment_id == primary ? primary_tasks : old_tasks).push_back(&t);
    healthy += t.healthy ? 1 : 0;
  }
  int live = static_cast<int>(tasks.size());

  // Scale the primary in when it has more than desired, passing over protected tasks: what only
  // protected tasks hold above desired waits for their protection to end.
  if (static_cast<int>(primary_tasks.size()) > desired) {
    order_for_stopping(primary_tasks);
    int extra = static_cast<int>(primary_tasks.size()) - desired;
    std::vector<const TaskView*> kept;
    for (const TaskView* t : primary_tasks) {
      if (extra == 0 || t->protected_from_scale_in) {
        kept.push_back(t);
        continue;
      }
      plan.stop.emplace_back(t->id, "service scaled in");
      healthy -= t->healthy ? 1 : 0;
      --live;
      --extra;
    }
    plan.held_by_protection += extra;
    primary_tasks = std::move(kept);
  }

  // Stop old-deployment tasks while enough healthy tasks remain: unhealthy ones always may go.
  // Protected ones stay (still counted as running), so the deployment waits for them.
  order_for_stopping(old_tasks);
  bool min_healthy_reached = false;
  for (const TaskView* t : old_tasks) {
    if (t->protected_from_scale_in) {
      ++plan.held_by_protection;
      continue;
    }
    min_healthy_reached = min_healthy_reached || (t->healthy && healthy - 1 < min_healthy);
    if (min_healthy_reached) continue;
    plan.stop.emplace_back(t->id, "replaced by a newer deployment");
    healthy -= t->healthy ? 1 : 0;
    --live;
  }

  // Start primary tasks up to desired, within maximumPercent of running + pending tasks; old
  // tasks count until they are stopped (so 100/100 cannot roll, as in ECS).
  const int missing = desired - static_cast<int>(primary_tasks.size());
  int room = std::max(0, std::max(max_total, desired) - live);
  if (missing > 0) plan.start[primary] = std::min(missing, room);

  for (std::size_t d = 1; d < service.deployments.size(); ++d) {
    const auto& id = service.deployments[d].id;
    const bool any_left = std::any_of(old_tasks.begin(), old_tasks.end(), [&](const TaskView* t) {
      return t->deployment_id == id &&
             std::none_of(plan.stop.begin(), plan.stop.end(), [&](const auto& s) { return s.first == t->id; });
    });
    if (!any_left) plan.finished_deployments.push_back(id);
  }
  return plan;
}

}  // namespace berth::sched
