// The plan applier: reads a snapshot of a cluster, lets a pure planner (sched/) decide, and
// commits the plan in one transaction that re-checks each placement against the rows as they are
// then; on a conflict (an instance drained or filled, the service updated meanwhile) it plans
// again on fresh rows, a bounded number of times. Concurrent appliers need no lock: the store
// orders their commits and each re-checks its own (Nomad's plan queue is the model).
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "model/cluster_snapshot.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "sched/plan.hpp"
#include "svc/context.hpp"

namespace berth::svc {

using Planner = std::function<Result<sched::Plan>(const model::ClusterSnapshot&)>;

// Whether the plan's starts are tasks of service deployments (their startedBy) whose containers
// run one image digest per deployment where versionConsistency is enabled.
enum class DigestPinning { none, per_deployment };

// How the plan's tasks are written.
struct PlanOptions {
  store::SnapshotScope scope = store::SnapshotScope::placement;
  std::string stop_code = "ServiceSchedulerInitiated";  // on the plan's stops
  Json overrides = Json::object();                      // on each started task
  // The tags of each started task, by its definition (none when not given).
  std::function<Result<std::vector<model::Tag>>(const model::TaskDefinition&)> tags_of;
  bool enable_execute_command = false;                  // on each started task
  const model::TaskDefinition* definition = nullptr;    // the starts' definition, if known
  DigestPinning pinning = DigestPinning::none;
  std::vector<std::string> capacity_providers;          // of the i-th start, where given
};

struct AppliedPlan {
  sched::Plan plan;                   // as committed
  std::vector<model::Task> started;   // the tasks written, in the plan's order
};

// versionConsistency: the digest each container of `deployment_tasks` (the tasks of one
// deployment) is pinned to, by container name: for each container whose definition in
// `definition` does not disable it (ECS's default is enabled), the digest of the earliest task
// that has one for it (pinned at its start, or reported by its agent). Containers with none yet
// are absent: their next task resolves the tag and its digest becomes the pin.
std::map<std::string, std::string> deployment_digests(const model::TaskDefinition& definition,
                                                      const std::vector<model::Task>& deployment_tasks);

// Plans on `first` (when given) or a fresh snapshot of `cluster`, then on fresh snapshots after
// each conflict; commits the first plan that holds, announces it (ctx.tasks_changed) and returns
// once it is on disk. An empty plan writes nothing. A scheduler's plan (ctx.leader_term set) commits
// only under that leadership term: ServerException, nothing written, once the term moved. Returns ServerException when plans kept
// conflicting, or the planner's or store's error (a failed sync after an announced commit too).
[[nodiscard]] Result<AppliedPlan> apply_plan(Context& ctx, const std::string& cluster, const Planner& planner,
                                             const PlanOptions& options, const model::ClusterSnapshot* first = nullptr);

}  // namespace berth::svc
