#include "svc/plan_applier.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "common/ids.hpp"
#include "common/start_trace.hpp"
#include "model/cluster_snapshot_codec.hpp"
#include "svc/elb_ports.hpp"

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

// The tasks started for `deployment_id` in `cluster`, every page.
Result<std::vector<model::Task>> tasks_of_deployment(Context& ctx, const std::string& cluster,
                                                     const std::string& deployment_id) {
  std::vector<model::Task> tasks;
  store::TaskQuery query;
  query.cluster = cluster;
  query.started_by = deployment_id;
  while (true) {
    BERTH_ASSIGN(auto page, ctx.store.list_tasks(query));
    const bool last = page.size() < query.limit;
    if (!page.empty()) query.after = page.back().id;
    for (auto& t : page) tasks.push_back(std::move(t));
    if (last) return tasks;
  }
}

// Per deployment, the digest each of its containers is pinned to (deployment_digests).
using DeploymentPins = std::map<std::string, std::map<std::string, std::string>>;

// The commit of `plan`: its tasks built from their definitions (read once each). A deployment's
// pins are read from the store once per apply_plan (`pins_by_deployment`), not again on each
// retry: a digest reported meanwhile only pins later starts.
Result<store::PlanCommit> commit_of(Context& ctx, const std::string& cluster, const sched::Plan& plan,
                                    const PlanOptions& options, EpochMs now, DeploymentPins& pins_by_deployment) {
  store::PlanCommit commit;
  commit.cluster = cluster;
  commit.now = now;
  commit.leader_term = ctx.leader_term;
  std::map<std::pair<std::string, long long>, model::TaskDefinition> definitions;
  std::map<std::pair<std::string, long long>, std::vector<model::Tag>> tags_by_definition;
  if (options.definition) definitions.emplace(std::pair{options.definition->family, options.definition->revision}, *options.definition);
  for (const auto& start : plan.starts) {
    auto it = definitions.find({start.family, start.revision});
    if (it == definitions.end()) {
      BERTH_ASSIGN(auto td, ctx.store.find_task_definition(start.family, start.revision));
      if (!td) return fail(Code::server, "task definition " + start.family + ":" + std::to_string(start.revision) + " is gone");
      it = definitions.emplace(std::pair{start.family, start.revision}, std::move(*td)).first;
    }
    auto task = new_task(it->second, cluster, start, options.overrides, now);
    if (commit.starts.size() < options.capacity_providers.size()) {
      task.capacity_provider = options.capacity_providers[commit.starts.size()];
    }
    task.enable_execute_command = options.enable_execute_command;
    if (options.pinning == DigestPinning::per_deployment && !start.started_by.empty()) {
      auto pins = pins_by_deployment.find(start.started_by);
      if (pins == pins_by_deployment.end()) {
        BERTH_ASSIGN(const auto tasks, tasks_of_deployment(ctx, cluster, start.started_by));
        pins = pins_by_deployment.emplace(start.started_by, deployment_digests(it->second, tasks)).first;
      }
      for (auto& c : task.containers) {
        if (const auto pin = pins->second.find(c.name); pin != pins->second.end()) c.pinned_digest = pin->second;
      }
    }
    auto tags = tags_by_definition.find(it->first);
    if (tags == tags_by_definition.end()) {
      std::vector<model::Tag> of_definition;
      if (options.tags_of) {
        BERTH_ASSIGN(of_definition, options.tags_of(it->second));
      }
      tags = tags_by_definition.emplace(it->first, std::move(of_definition)).first;
    }
    auto holds = model::task_state_of(task, &it->second);
    commit.starts.push_back({std::move(task), std::move(holds), tags->second});
  }
  for (const auto& stop : plan.stops) commit.stops.push_back({stop.task_id, options.stop_code, stop.reason, stop.unless_protected});
  if (plan.service) {
    model::ServiceWrite write{plan.service->state.name, plan.service->state.version, plan.service->state, {}};
    for (const auto& message : plan.service->events) write.new_events.push_back({random_uuid(), now, message});
    commit.service = std::move(write);
  }
  return commit;
}

}  // namespace

std::map<std::string, std::string> deployment_digests(const model::TaskDefinition& definition,
                                                      const std::vector<model::Task>& deployment_tasks) {
  // Only the deployment's own tasks count: a deployment id is public (DescribeServices) and
  // RunTask takes any startedBy, so a task started by hand with that id, of another definition
  // or group, must not choose the image the service runs.
  std::vector<const model::Task*> oldest_first;
  for (const auto& t : deployment_tasks) {
    if (t.family != definition.family || t.revision != definition.revision || !t.group.starts_with("service:")) continue;
    oldest_first.push_back(&t);
  }
  std::stable_sort(oldest_first.begin(), oldest_first.end(),
                   [](const model::Task* a, const model::Task* b) { return a->created_at < b->created_at; });
  std::map<std::string, std::string> pins;
  for (const auto& c : definition.body["containerDefinitions"]) {
    if (c.value("versionConsistency", "enabled") == "disabled") continue;
    const std::string name = c["name"];
    for (const model::Task* t : oldest_first) {
      const auto container = std::find_if(t->containers.begin(), t->containers.end(),
                                           [&](const model::TaskContainer& tc) { return tc.name == name; });
      if (container == t->containers.end() || container->image != c.value("image", "")) continue;
      const std::string& digest = container->pinned_digest.empty() ? container->image_digest : container->pinned_digest;
      if (digest.empty()) continue;
      pins[name] = digest;
      break;
    }
  }
  return pins;
}

namespace {

// Announces the plan's changes to the instances they are on (with a thousand joined instances,
// only their parked polls look again); all of them when a stop's task is not in the snapshot.
void announce(const Context& ctx, const AppliedPlan& applied, const model::ClusterSnapshot& snapshot) {
  std::set<std::string> instances;
  for (const auto& task : applied.started) instances.insert(task.container_instance_id);
  std::unordered_map<std::string_view, std::string_view> instance_of;
  if (!applied.plan.stops.empty()) {
    for (const auto& t : snapshot.tasks) instance_of.emplace(t.id, t.instance_id);
  }
  for (const auto& stop : applied.plan.stops) {
    const auto it = instance_of.find(stop.task_id);
    if (it == instance_of.end()) return ctx.tasks_changed();
    instances.emplace(it->second);
  }
  ctx.tasks_changed_on({instances.begin(), instances.end()});
}

}  // namespace

Result<AppliedPlan> apply_plan(Context& ctx, const std::string& cluster, const Planner& planner,
                               const PlanOptions& options, const model::ClusterSnapshot* first) {
  DeploymentPins pins_by_deployment;
  for (int attempt = 0; attempt < k_plan_attempts; ++attempt) {
    model::ClusterSnapshot fresh;
    if (attempt > 0 || !first) {
      BERTH_ASSIGN(fresh, ctx.store.read_cluster_snapshot(cluster, options.scope));
    }
    const model::ClusterSnapshot& snapshot = attempt == 0 && first ? *first : fresh;
    model::ClusterSnapshot with_listeners;  // listener ports are not the tasks' to take
    BERTH_ASSIGN(auto plan, planner(with_listener_ports(ctx, snapshot, with_listeners)));
    AppliedPlan applied{std::move(plan), {}};
    if (applied.plan.empty()) return applied;
    BERTH_ASSIGN(auto commit, commit_of(ctx, cluster, applied.plan, options, ctx.clock.now_ms(), pins_by_deployment));
    commit.placed_on = &snapshot;
    // The agent is told before the commit reaches the disk, so that it starts the tasks while
    // the disk syncs; the plan is acknowledged (returned) only after. A power cut before the sync
    // ends takes the tasks' containers along with the unacknowledged plan.
    BERTH_ASSIGN(bool committed, ctx.store.commit_plan(commit, store::Durability::deferred));
    if (!committed) continue;
    for (auto& start : commit.starts) {
      trace_start(start.task.id, "committed");
      applied.started.push_back(std::move(start.task));
    }
    if (!applied.started.empty() || !applied.plan.stops.empty()) announce(ctx, applied, snapshot);
    BERTH_TRY(ctx.store.sync());
    return applied;
  }
  return fail(Code::server, "The cluster's container instances kept changing during placement; try again.");
}

}  // namespace berth::svc
