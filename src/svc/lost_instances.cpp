#include "svc/lost_instances.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "store/update_with_retry.hpp"

namespace berth::svc {
namespace {

constexpr std::size_t k_max_instances_per_cluster = 100000;

// Stops the task for good: no agent is there to report its end.
void stop_as_lost(model::Task& task, const std::string& reason, EpochMs now) {
  task.desired_status = model::TaskStatus::stopped;
  task.last_status = model::TaskStatus::stopped;
  if (task.stop_code.empty()) task.stop_code = "ServiceSchedulerInitiated";
  if (task.stopped_reason.empty()) task.stopped_reason = reason;
  for (auto& c : task.containers) {
    if (c.last_status == model::TaskStatus::stopped) continue;
    c.last_status = model::TaskStatus::stopped;
    if (c.reason.empty()) c.reason = reason;
  }
  if (!task.stopping_at) task.stopping_at = now;
  if (!task.execution_stopped_at) task.execution_stopped_at = now;
  task.stopped_at = now;
  ++task.version;
}

// Stops the lost instance's service tasks that are not STOPPED yet; returns how many it stopped.
Result<std::size_t> stop_service_tasks(Context& ctx, const std::string& cluster, const std::string& instance_id,
                                       const std::string& reason, EpochMs now) {
  store::TaskQuery query;
  query.cluster = cluster;
  query.container_instance = instance_id;
  query.not_stopped = true;
  query.limit = 100000;
  BERTH_ASSIGN(const auto tasks, ctx.store.list_tasks(query));
  std::size_t stopped = 0;
  for (const auto& listed : tasks) {
    if (!listed.group.starts_with("service:")) continue;  // standalone tasks wait for their agent
    BERTH_ASSIGN(const bool changed,
                 store::update_with_retry(10, Code::server, "task " + listed.id + " kept changing",
                                          [&]() -> Result<std::optional<bool>> {
                                            BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, listed.id));
                                            if (!task || task->last_status == model::TaskStatus::stopped) {
                                              return std::optional<bool>{false};
                                            }
                                            const long long version = task->version;
                                            stop_as_lost(*task, reason, now);
                                            BERTH_ASSIGN(bool saved, ctx.store.replace_task(*task, version, store::Durability::full, ctx.leader_term));
                                            if (!saved) return std::optional<bool>{};
                                            return std::optional<bool>{true};
                                          }));
    if (changed) ++stopped;
  }
  return stopped;
}

}  // namespace

EpochMs lost_sweep_interval_ms(const Context& ctx) {
  if (!ctx.remote_agents) return 1000;
  return std::max<EpochMs>(1000, ctx.remote_agents->settings().lost_after_ms / 10);
}

Result<LostInstancesSweep> sweep_lost_instances(Context& ctx) {
  LostInstancesSweep sweep;
  RemoteAgents* agents = ctx.remote_agents;
  if (!agents) return sweep;
  const EpochMs now = ctx.clock.now_ms();
  const EpochMs lost_after = agents->settings().lost_after_ms;
  const std::string own = ctx.gateway->instance_id();
  BERTH_ASSIGN(const auto clusters, ctx.store.list_clusters("", 100000));
  for (const auto& cluster : clusters) {
    BERTH_ASSIGN(const auto instances,
                 ctx.store.list_container_instances(cluster.name, std::nullopt, "", k_max_instances_per_cluster));
    for (const auto& instance : instances) {
      if (instance.id == own || instance.status == model::InstanceStatus::inactive) continue;
      const EpochMs last = agents->last_heard(instance.id, now);
      const std::string reason = "Container instance " + instance.id + " was lost: its agent was not heard from for " +
                                 std::to_string(lost_after / 1000) + " s";
      if (model::agent_connected(instance)) {
        if (now - last < lost_after) continue;
        bool marked = false;
        BERTH_TRY(ctx.store.update_container_instance(
            cluster.name, instance.id,
            [&](model::ContainerInstance& ci, store::InstanceOrigin) -> Result<void> {
              marked = model::set_agent_connected(ci, false);
              return {};
            },
            store::IfMissing::skip));
        if (!marked) continue;
        ++sweep.instances_lost;
        log_warn("cluster " + cluster.name + ": " + reason + "; its service tasks are replaced elsewhere");
      }
      // Disconnected: its service tasks are stopped (again each pass, in case one was placed
      // there by a plan made before the instance was lost).
      BERTH_ASSIGN(const auto stopped, stop_service_tasks(ctx, cluster.name, instance.id, reason, now));
      sweep.tasks_stopped += stopped;
    }
  }
  if (sweep.instances_lost > 0 || sweep.tasks_stopped > 0) ctx.tasks_changed();
  return sweep;
}

}  // namespace berth::svc
