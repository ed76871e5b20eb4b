#include "svc/plan_applier.hpp"

#include <map>

#include "common/ids.hpp"
#include "model/cluster_snapshot_codec.hpp"

namespace berth::svc {
namespace {

// Plans go stale only when an instance is drained, deregistered or filled, or the service is
// updated, between the read and the commit: rare, so a few fresh attempts settle it.
constexpr int k_plan_attempts = 5;

model::Task new_task(const model::TaskDefinition& td, const std::string& cluster, const sched::TaskStart& start,
                     const Json& overrides, EpochMs now) {
  model::Task t;
  t.id = start.task_id;
  t.cluster = cluster;
  t.family = td.family;
  t.revision = td.revision;
  t.container_instance_id = start.instance_id;
  t.group = start.group;
  t.started_by = start.started_by;
  t.overrides = overrides;
  const auto r = model::reservation_of(td.body, overrides);
  t.cpu = std::to_string(r.cpu);
  t.memory = std::to_string(r.memory);
  t.created_at = now;
  for (const auto& c : td.body["containerDefinitions"]) {
    model::TaskContainer tc;
    tc.name = c["name"];
    tc.id = random_uuid();
    tc.image = c["image"];
    tc.essential = c.value("essential", true);
    t.containers.push_back(std::move(tc));
  }
  for (const auto& b : start.bindings) {
    t.container(b.container)->network_bindings.push_back(
        {{"bindIP", "0.0.0.0"}, {"containerPort", b.container_port}, {"hostPort", b.host_port}, {"protocol", b.protocol}});
  }
  for (const auto& [container, gpu_ids] : start.container_gpus) {
    if (auto* c = t.container(container)) c->gpu_ids = gpu_ids;
  }
  return t;
}

// The commit of `plan`: its tasks built from their definitions (read once each).
Result<store::PlanCommit> commit_of(Context& ctx, const std::string& cluster, const sched::Plan& plan,
                                    const PlanOptions& options, EpochMs now) {
  store::PlanCommit commit;
  commit.cluster = cluster;
  commit.tags = options.tags;
  commit.now = now;
  std::map<std::pair<std::string, long long>, model::TaskDefinition> definitions;
  if (options.definition) definitions.emplace(std::pair{options.definition->family, options.definition->revision}, *options.definition);
  for (const auto& start : plan.starts) {
    auto it = definitions.find({start.family, start.revision});
    if (it == definitions.end()) {
      BERTH_ASSIGN(auto td, ctx.store.find_task_definition(start.family, start.revision));
      if (!td) return fail(Code::server, "task definition " + start.family + ":" + std::to_string(start.revision) + " is gone");
      it = definitions.emplace(std::pair{start.family, start.revision}, std::move(*td)).first;
    }
    auto task = new_task(it->second, cluster, start, options.overrides, now);
    auto holds = model::task_state_of(task, &it->second);
    commit.starts.push_back({std::move(task), std::move(holds)});
  }
  for (const auto& stop : plan.stops) commit.stops.push_back({stop.task_id, options.stop_code, stop.reason});
  if (plan.service) {
    model::ServiceWrite write{plan.service->state.name, plan.service->state.version, plan.service->state, {}};
    for (const auto& message : plan.service->events) write.new_events.push_back({random_uuid(), now, message});
    commit.service = std::move(write);
  }
  return commit;
}

}  // namespace

Result<AppliedPlan> apply_plan(Context& ctx, const std::string& cluster, const Planner& planner,
                               const PlanOptions& options, const model::ClusterSnapshot* first) {
  for (int attempt = 0; attempt < k_plan_attempts; ++attempt) {
    model::ClusterSnapshot fresh;
    if (attempt > 0 || !first) {
      BERTH_ASSIGN(fresh, ctx.store.read_cluster_snapshot(cluster, options.scope));
    }
    const model::ClusterSnapshot& snapshot = attempt == 0 && first ? *first : fresh;
    BERTH_ASSIGN(auto plan, planner(snapshot));
    AppliedPlan applied{std::move(plan), {}};
    if (applied.plan.empty()) return applied;
    BERTH_ASSIGN(auto commit, commit_of(ctx, cluster, applied.plan, options, ctx.clock.now_ms()));
    BERTH_ASSIGN(bool committed, ctx.store.commit_plan(commit));
    if (!committed) continue;
    for (auto& start : commit.starts) applied.started.push_back(std::move(start.task));
    if (!applied.started.empty() || !applied.plan.stops.empty()) ctx.tasks_changed();
    return applied;
  }
  return fail(Code::server, "The cluster's container instances kept changing during placement; try again.");
}

}  // namespace berth::svc
