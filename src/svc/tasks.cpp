// Task use cases: RunTask, StartTask (placement on this cluster's instances through snapshot →
// place → apply), StopTask, DescribeTasks, ListTasks.
#include "svc/tasks.hpp"

#include <algorithm>
#include <random>

#include "common/ids.hpp"
#include "model/cluster_snapshot_codec.hpp"
#include "model/paging.hpp"
#include "model/units.hpp"
#include "sched/task_placement.hpp"
#include "svc/actions.hpp"
#include "svc/plan_applier.hpp"
#include "model/task_definition.hpp"

namespace berth::svc {
namespace {

Result<Json> checked_overrides(const Json& td, const Json& request) {
  Json overrides = request.value("overrides", Json::object());
  for (const auto& o : overrides.value("containerOverrides", Json::array())) {
    const std::string name = o.value("name", "");
    const auto& defs = td["containerDefinitions"];
    if (std::none_of(defs.begin(), defs.end(), [&](const Json& c) { return c["name"] == name; })) {
      return fail(Code::invalid_parameter, "Override for container '" + name + "', which the task definition does not have.");
    }
  }
  if (overrides.contains("cpu")) {
    BERTH_ASSIGN(auto cpu, model::normalize_task_cpu(overrides["cpu"].get<std::string>()));
    overrides["cpu"] = cpu;
  }
  if (overrides.contains("memory")) {
    BERTH_ASSIGN(auto memory, model::normalize_task_memory(overrides["memory"].get<std::string>()));
    overrides["memory"] = memory;
  }
  return overrides;
}

Result<void> check_labels(const Json& request) {
  if (request.value("startedBy", "").size() > 128) {
    return fail(Code::invalid_parameter, "startedBy is limited to 128 characters.");
  }
  if (request.value("group", "").size() > 255) return fail(Code::invalid_parameter, "group is limited to 255 characters.");
  return {};
}

Result<std::string> task_id_of(Context& ctx, const std::string& cluster, const std::string& text) {
  auto id = resource_id_of(ctx, cluster, "task", text);
  if (!id) return fail(Code::invalid_parameter, "'" + text + "' is not a task ARN of cluster " + cluster + ".");
  return *id;
}

// What RunTask and StartTask share: the cluster, labels, definition, overrides, placement and
// tags, checked in that order.
Result<StartTasks> decode_task_start(Context& ctx, const Json& request, const std::function<Result<void>(StartTasks&)>& instances) {
  StartTasks out;
  BERTH_ASSIGN(out.cluster, resolve_active_cluster(ctx, request));
  BERTH_TRY(check_labels(request));
  BERTH_ASSIGN(out.definition, runnable_task_definition_of(ctx, request["taskDefinition"]));
  BERTH_TRY(instances(out));
  BERTH_ASSIGN(out.overrides, checked_overrides(out.definition.body, request));
  out.group = request.value("group", "family:" + out.definition.family);
  out.started_by = request.value("startedBy", "");
  out.placement_constraints = model::placement_constraints_of(request.value("placementConstraints", Json::array()));
  out.placement_strategy = model::placement_strategies_of(request.value("placementStrategy", Json::array()));
  BERTH_TRY(sched::compile_placement(model::definition_state_of(out.definition, out.overrides),
                                     out.placement_constraints, out.placement_strategy, out.group));
  if (request.contains("tags")) {
    BERTH_ASSIGN(out.tags, model::read_tags(request["tags"]));
  }
  return out;
}

Json started_to_json(const Context& ctx, const StartTasks& request, const StartedTasks& started) {
  Json response{{"tasks", Json::array()}, {"failures", failures_to_json(ctx, request.cluster, started.failures)}};
  for (const auto& t : started.tasks) response["tasks"].push_back(model::task_to_json(t, ctx.arns, &request.tags));
  return response;
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
  options.tags = request.tags;
  options.definition = &request.definition;
  BERTH_ASSIGN(auto applied, apply_plan(ctx, request.cluster, planner, options));
  return StartedTasks{std::move(applied.started), std::move(applied.plan.failures)};
}

Result<StartTasks> decode_run_task(Context& ctx, const Json& request) {
  return decode_task_start(ctx, request, [&](StartTasks& out) -> Result<void> {
    BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(out.cluster, std::nullopt, "", 1));
    if (instances.empty()) return fail(Code::invalid_parameter, "No Container Instances were found in your cluster.");
    out.count = request.value("count", 1);
    return {};
  });
}

Json failures_to_json(const Context& ctx, const std::string& cluster, const std::vector<sched::PlacementFailure>& failures) {
  Json out = Json::array();
  for (const auto& f : failures) {
    out.push_back({{"arn", ctx.arns.container_instance(cluster, f.instance_id)}, {"reason", f.reason}});
  }
  return out;
}

Result<model::Task> stop_task(Context& ctx, const StopTask& request) {
  BERTH_ASSIGN(auto task, ctx.store.find_task(request.cluster, request.task_id));
  if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
  if (task->desired_status == "STOPPED") return *task;
  store::PlanCommit commit;
  commit.cluster = request.cluster;
  commit.stops.push_back({request.task_id, request.stop_code, request.reason});
  commit.now = ctx.clock.now_ms();
  // The stop is read, changed and written in one transaction: no retry against the agent.
  BERTH_ASSIGN(bool committed, ctx.store.commit_plan(commit));
  if (!committed) return fail(Code::server, "The task kept changing; try StopTask again.");
  ctx.tasks_changed();
  BERTH_ASSIGN(task, ctx.store.find_task(request.cluster, request.task_id));
  if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
  return *task;
}

Result<Json> run_task(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto decoded, decode_run_task(ctx, request));
  BERTH_ASSIGN(auto started, start_tasks(ctx, decoded));
  return started_to_json(ctx, decoded, started);
}

Result<Json> start_task(Context& ctx, const Json& request) {
  const auto named = [&](StartTasks& out) -> Result<void> {
    const auto ids = strings_of(request["containerInstances"]);
    if (ids.empty() || ids.size() > 10) return fail(Code::invalid_parameter, "StartTask takes 1 to 10 container instances.");
    for (const auto& text : ids) {
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
  BERTH_ASSIGN(auto decoded, decode_task_start(ctx, request, named));
  BERTH_ASSIGN(auto started, start_tasks(ctx, decoded));
  return started_to_json(ctx, decoded, started);
}

Result<Json> stop_task(Context& ctx, const Json& request) {
  StopTask stop;
  BERTH_ASSIGN(stop.cluster, resolve_active_cluster(ctx, request));
  BERTH_ASSIGN(stop.task_id, task_id_of(ctx, stop.cluster, request["task"]));
  stop.reason = request.value("reason", stop.reason);
  if (stop.reason.size() > 1024) return fail(Code::invalid_parameter, "reason is limited to 1024 characters.");
  BERTH_ASSIGN(auto task, stop_task(ctx, stop));
  return Json{{"task", model::task_to_json(task, ctx.arns, nullptr)}};
}

Result<Json> describe_tasks(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  const auto ids = strings_of(request["tasks"]);
  if (ids.size() > 100) return fail(Code::invalid_parameter, "DescribeTasks takes at most 100 tasks.");
  const auto include = request.value("include", Json::array());
  const bool with_tags = std::find(include.begin(), include.end(), "TAGS") != include.end();
  Json response{{"tasks", Json::array()}, {"failures", Json::array()}};
  for (const auto& text : ids) {
    auto id = task_id_of(ctx, cluster, text);
    std::optional<model::Task> task;
    if (id) {
      BERTH_ASSIGN(task, ctx.store.find_task(cluster, *id));
    }
    if (!task) {
      response["failures"].push_back({{"arn", is_arn(text) ? text : ctx.arns.task(cluster, text)}, {"reason", "MISSING"}});
      continue;
    }
    std::vector<model::Tag> tags;
    if (with_tags) {
      BERTH_ASSIGN(tags, ctx.store.tags_of("task/" + cluster + "/" + task->id));
    }
    response["tasks"].push_back(model::task_to_json(*task, ctx.arns, with_tags ? &tags : nullptr));
  }
  return response;
}

Result<Json> list_tasks(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_ASSIGN(auto page, model::read_page_request(request, 100, "tasks"));
  store::TaskQuery query;
  query.cluster = cluster;
  query.after = page.after;
  query.limit = page.limit + 1;
  const std::string desired = request.value("desiredStatus", "RUNNING");
  Json response{{"taskArns", Json::array()}};
  if (desired == "PENDING") return response;  // ECS: PENDING never matches a desired status
  query.desired_status = desired;
  if (request.contains("family")) query.family = request["family"].get<std::string>();
  if (request.contains("startedBy")) query.started_by = request["startedBy"].get<std::string>();
  if (request.contains("serviceName")) query.group = "service:" + request["serviceName"].get<std::string>();
  if (request.contains("containerInstance")) {
    const auto id = resource_id_of(ctx, cluster, "container-instance", request["containerInstance"]);
    if (!id) return response;  // an instance of another cluster holds none of this cluster's tasks
    query.container_instance = *id;
  }
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  const bool more = tasks.size() > page.limit;
  if (more) tasks.resize(page.limit);
  for (const auto& t : tasks) response["taskArns"].push_back(ctx.arns.task(cluster, t.id));
  set_next_token(response, more, "tasks", tasks.empty() ? "" : tasks.back().id);
  return response;
}

}  // namespace berth::svc
