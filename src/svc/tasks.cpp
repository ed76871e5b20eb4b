// Task use cases: RunTask, StartTask (placement on this cluster's instances through snapshot →
// place → apply), StopTask, DescribeTasks, ListTasks, on typed requests (model/task_requests.hpp)
// whose store-free checks the decoders made.
#include "svc/tasks.hpp"

#include <algorithm>
#include <functional>
#include <random>

#include "common/ids.hpp"
#include "model/cluster_snapshot_codec.hpp"
#include "model/paging.hpp"
#include "model/task_definition.hpp"
#include "sched/task_placement.hpp"
#include "svc/actions.hpp"
#include "svc/capacity_providers.hpp"
#include "svc/plan_applier.hpp"
#include "svc/task_tags.hpp"

namespace berth::svc {
namespace {

Result<void> check_override_containers(const Json& td, const Json& overrides) {
  for (const auto& o : overrides.value("containerOverrides", Json::array())) {
    const std::string name = o.value("name", "");
    const auto& defs = td["containerDefinitions"];
    if (std::none_of(defs.begin(), defs.end(), [&](const Json& c) { return c["name"] == name; })) {
      return fail(Code::invalid_parameter, "Override for container '" + name + "', which the task definition does not have.");
    }
  }
  return {};
}

Result<std::string> task_id_of(Context& ctx, const std::string& cluster, const std::string& text) {
  auto id = resource_id_of(ctx, cluster, "task", text);
  if (!id) return fail(Code::invalid_parameter, "'" + text + "' is not a task ARN of cluster " + cluster + ".");
  return *id;
}

// What RunTask and StartTask check against the store: the cluster, the definition, the instances
// (`instances` fills them in), the overrides' containers and the placement, in that order.
Result<StartTasks> resolve_launch(Context& ctx, const model::TaskLaunch& launch,
                                  const std::function<Result<void>(StartTasks&)>& instances) {
  StartTasks out;
  BERTH_ASSIGN(out.cluster, resolve_active_cluster(ctx, launch.cluster));
  BERTH_ASSIGN(out.definition, runnable_task_definition_of(ctx, launch.task_definition));
  BERTH_TRY(instances(out));
  BERTH_TRY(check_override_containers(out.definition.body, launch.overrides));
  out.overrides = launch.overrides;
  out.group = launch.group.empty() ? "family:" + out.definition.family : launch.group;
  out.started_by = launch.started_by;
  out.placement_constraints = launch.placement_constraints;
  out.placement_strategy = launch.placement_strategy;
  BERTH_TRY(sched::compile_placement(model::definition_state_of(out.definition, out.overrides),
                                     out.placement_constraints, out.placement_strategy, out.group));
  BERTH_ASSIGN(out.tags, launched_task_tags(ctx, out.cluster, out.definition, launch.tagging, launch.tags));
  out.enable_execute_command = launch.enable_execute_command;
  return out;
}

// The started tasks as RunTask and StartTask answer: each with its tags.
model::TasksReply started_reply(const Context& ctx, const StartTasks& request, StartedTasks started) {
  model::TasksReply reply;
  for (auto& task : started.tasks) reply.tasks.push_back({std::move(task), request.tags});
  reply.failures = placement_failures(ctx, request.cluster, started.failures);
  return reply;
}

}  // namespace

Result<model::TaskDefinition> runnable_task_definition_of(Context& ctx, const std::string& text) {
  BERTH_ASSIGN(auto ref, model::parse_task_definition_ref(text));
  BERTH_ASSIGN(auto td, ctx.store.find_task_definition(ref.family, ref.revision));
  if (!td || td->status == model::TaskDefinitionStatus::delete_in_progress) {
    return fail(Code::client, "Unable to find task definition '" + text + "'.");
  }
  if (td->status != model::TaskDefinitionStatus::active) {
    return fail(Code::client, "TaskDefinition is inactive: " + text);
  }
  if (model::network_mode_of(td->body) == model::NetworkMode::awsvpc) {
    return fail(Code::invalid_parameter, "networkMode 'awsvpc' needs an AWS VPC and ENIs; berth gateways run bridge, "
                                         "host and none tasks.");
  }
  return *td;
}

Result<StartedTasks> start_tasks(Context& ctx, const StartTasks& request) {
  sched::PlacementRequest placement;
  placement.definition = model::definition_state_of(request.definition, request.overrides);
  placement.constraints = request.placement_constraints;
  placement.strategies = request.placement_strategy;
  placement.group = request.group.empty() ? "family:" + request.definition.family : request.group;
  placement.started_by = request.started_by;
  placement.count = request.count;
  placement.instance_ids = request.instance_ids;
  std::mt19937_64 rng(std::random_device{}());
  const sched::PlacementSettings settings{ctx.dynamic_host_ports};
  const auto planner = [&](const model::ClusterSnapshot& snapshot) {
    return sched::place_tasks(snapshot, placement, settings, rng, [] { return random_hex(16); });
  };
  PlanOptions options;
  options.overrides = request.overrides;
  options.tags_of = [&request](const model::TaskDefinition&) -> Result<std::vector<model::Tag>> { return request.tags; };
  options.enable_execute_command = request.enable_execute_command;
  options.definition = &request.definition;
  options.capacity_providers = request.capacity_providers;
  BERTH_ASSIGN(auto applied, apply_plan(ctx, request.cluster, planner, options, request.snapshot ? &*request.snapshot : nullptr));
  return StartedTasks{std::move(applied.started), std::move(applied.plan.failures)};
}

Result<StartTasks> resolve_run_task(Context& ctx, const model::RunTaskRequest& request) {
  return resolve_launch(ctx, request.launch, [&](StartTasks& out) -> Result<void> {
    // Read as placement reads it (placement starts from it), not as a list of its own: the
    // instances were parsed twice, 0.1 ms of each RunTask.
    BERTH_ASSIGN(auto snapshot, ctx.store.read_cluster_snapshot(out.cluster, PlanOptions{}.scope));
    if (snapshot.instances.empty()) return fail(Code::invalid_parameter, "No Container Instances were found in your cluster.");
    out.snapshot = std::move(snapshot);
    out.count = request.count;
    BERTH_ASSIGN(const auto strategy, launch_strategy(ctx, out.cluster, request.launch.capacity));
    out.capacity_providers = model::providers_for_tasks(strategy, request.count);
    return {};
  });
}

std::vector<model::Failure> placement_failures(const Context& ctx, const std::string& cluster,
                                               const std::vector<sched::PlacementFailure>& failures) {
  std::vector<model::Failure> out;
  for (const auto& f : failures) out.push_back({ctx.arns.container_instance(cluster, f.instance_id), f.reason});
  return out;
}

Result<model::TasksReply> run_task(Context& ctx, const model::RunTaskRequest& request) {
  BERTH_ASSIGN(auto resolved, resolve_run_task(ctx, request));
  BERTH_ASSIGN(auto started, start_tasks(ctx, resolved));
  return started_reply(ctx, resolved, std::move(started));
}

Result<model::TasksReply> start_task(Context& ctx, const model::StartTaskRequest& request) {
  const auto named = [&](StartTasks& out) -> Result<void> {
    for (const auto& text : request.container_instances) {
      const auto id = resource_id_of(ctx, out.cluster, "container-instance", text);
      std::optional<model::ContainerInstance> instance;
      if (id) {
        BERTH_ASSIGN(instance, ctx.store.find_container_instance(out.cluster, *id));
      }
      if (!instance) return fail(Code::invalid_parameter, "Container instance '" + text + "' is not in cluster " + out.cluster + ".");
      out.instance_ids.push_back(instance->id);
    }
    return {};
  };
  BERTH_ASSIGN(auto resolved, resolve_launch(ctx, request.launch, named));
  BERTH_ASSIGN(auto started, start_tasks(ctx, resolved));
  return started_reply(ctx, resolved, std::move(started));
}

Result<model::TaskReply> stop_task(Context& ctx, const model::StopTaskRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  BERTH_ASSIGN(auto id, task_id_of(ctx, cluster, request.task));
  BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, id));
  if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
  if (task->desired_status == model::TaskStatus::stopped) return model::TaskReply{std::move(*task)};
  store::PlanCommit commit;
  commit.cluster = cluster;
  commit.stops.push_back({id, "UserInitiated", request.reason});
  commit.now = ctx.clock.now_ms();
  // The stop is read, changed and written in one transaction: no retry against the agent. The
  // agent signals the container while the commit reaches the disk; the reply waits for it.
  BERTH_ASSIGN(bool committed, ctx.store.commit_plan(commit, store::Durability::deferred));
  if (!committed) return fail(Code::server, "The task kept changing; try StopTask again.");
  ctx.tasks_changed();
  BERTH_TRY(ctx.store.sync());
  BERTH_ASSIGN(task, ctx.store.find_task(cluster, id));
  if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
  return model::TaskReply{std::move(*task)};
}

Result<model::TasksReply> describe_tasks(Context& ctx, const model::DescribeTasksRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  model::TasksReply reply;
  for (const auto& text : request.tasks) {
    auto id = task_id_of(ctx, cluster, text);
    std::optional<model::Task> task;
    if (id) {
      BERTH_ASSIGN(task, ctx.store.find_task(cluster, *id));
    }
    if (!task) {
      reply.failures.push_back({is_arn(text) ? text : ctx.arns.task(cluster, text), "MISSING"});
      continue;
    }
    model::TaskDescription described{std::move(*task), std::nullopt};
    if (request.with_tags) {
      BERTH_ASSIGN(described.tags, ctx.store.tags_of("task/" + cluster + "/" + described.task.id));
    }
    reply.tasks.push_back(std::move(described));
  }
  return reply;
}

Result<model::Page> list_tasks(Context& ctx, const model::ListTasksRequest& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request.cluster));
  model::Page page;
  if (request.desired_status == model::TaskStatus::pending) return page;  // ECS: PENDING never matches a desired status
  store::TaskQuery query;
  query.cluster = cluster;
  query.after = request.page.after;
  query.limit = request.page.limit + 1;
  query.desired_status = request.desired_status;
  query.family = request.family;
  query.started_by = request.started_by;
  if (request.service_name) query.group = "service:" + *request.service_name;
  if (request.container_instance) {
    const auto id = resource_id_of(ctx, cluster, "container-instance", *request.container_instance);
    if (!id) return page;  // an instance of another cluster holds none of this cluster's tasks
    query.container_instance = *id;
  }
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  const bool more = tasks.size() > request.page.limit;
  if (more) tasks.resize(request.page.limit);
  for (const auto& t : tasks) page.items.push_back(ctx.arns.task(cluster, t.id));
  page.next_token = next_token(more, "tasks", tasks.empty() ? "" : tasks.back().id);
  return page;
}

}  // namespace berth::svc
