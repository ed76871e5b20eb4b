// Task use cases: RunTask, StartTask (placement on this cluster's instances), StopTask,
// DescribeTasks, ListTasks.
#include <algorithm>
#include <random>

#include "common/ids.hpp"
#include "model/paging.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "model/units.hpp"
#include "svc/actions.hpp"
#include "svc/usage.hpp"

namespace berth::svc {
namespace {

struct Candidate {
  model::ContainerInstance instance;
  Usage usage;
};

struct Placement {
  std::vector<place::Expression> member_of;
  bool distinct_instance = false;
};

// Why `c` cannot take a task reserving `need` (empty = it can), in ECS's reason words.
std::string rejection(const Candidate& c, const Usage& need, const Placement& placement, const std::string& group) {
  if (c.instance.status != "ACTIVE") return "AGENT";
  const auto facts = facts_of(c.instance, c.usage);
  for (const auto& expression : placement.member_of) {
    if (!expression.matches(facts)) return "ATTRIBUTE";
  }
  if (placement.distinct_instance && c.usage.groups.contains(group)) return "ATTRIBUTE";
  const Capacity cap = capacity_of(c.instance);
  if (c.usage.cpu + need.cpu > cap.cpu) return "RESOURCE:CPU";
  if (c.usage.memory + need.memory > cap.memory) return "RESOURCE:MEMORY";
  for (int p : need.tcp_ports) {
    if (cap.reserved_tcp.contains(p) || c.usage.tcp_ports.contains(p)) return "RESOURCE:PORTS";
  }
  for (int p : need.udp_ports) {
    if (cap.reserved_udp.contains(p) || c.usage.udp_ports.contains(p)) return "RESOURCE:PORTS_UDP";
  }
  return "";
}

Result<Placement> placement_of(const Json& td, const Json& request) {
  Placement out;
  Json constraints = td.value("placementConstraints", Json::array());
  for (const auto& c : request.value("placementConstraints", Json::array())) constraints.push_back(c);
  if (constraints.size() > 10) {
    return fail(Code::invalid_parameter, "At most 10 placement constraints are allowed, counting the task definition's.");
  }
  for (const auto& c : constraints) {
    const std::string type = c.value("type", "memberOf");
    if (type == "distinctInstance") {
      if (c.contains("expression")) return fail(Code::invalid_parameter, "distinctInstance takes no expression.");
      out.distinct_instance = true;
      continue;
    }
    if (!c.contains("expression")) return fail(Code::invalid_parameter, "memberOf needs an expression.");
    BERTH_ASSIGN(auto expression, place::parse_expression(c["expression"].get<std::string>()));
    out.member_of.push_back(std::move(expression));
  }
  for (const auto& s : request.value("placementStrategy", Json::array())) {
    const std::string type = s.value("type", "");
    if (type != "random" && !s.contains("field")) {
      return fail(Code::invalid_parameter, "Placement strategy " + type + " needs a field.");
    }
  }
  if (request.value("placementStrategy", Json::array()).size() > 5) {
    return fail(Code::invalid_parameter, "At most 5 placement strategies are allowed.");
  }
  return out;
}

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

Result<model::TaskDefinition> runnable_task_definition(Context& ctx, const std::string& text) {
  BERTH_ASSIGN(auto ref, model::parse_task_definition_ref(text));
  BERTH_ASSIGN(auto td, ctx.store.find_task_definition(ref.family, ref.revision));
  if (!td || td->status == "DELETE_IN_PROGRESS") {
    return fail(Code::client, "Unable to find task definition '" + text + "'.");
  }
  if (td->status != "ACTIVE") {
    return fail(Code::client, "TaskDefinition is inactive: " + text);
  }
  const std::string mode = td->body.value("networkMode", "bridge");
  if (mode == "bridge") {
    return fail(Code::invalid_parameter, "networkMode 'bridge' needs bridge networking, which this gateway does "
                                         "not provide yet; register the task definition with networkMode host or none.");
  }
  if (mode == "awsvpc") {
    return fail(Code::invalid_parameter, "networkMode 'awsvpc' needs an AWS VPC; berth gateways run host, none (and bridge) tasks.");
  }
  return *td;
}

model::Task new_task(Context& ctx, const model::TaskDefinition& td, const std::string& cluster,
                     const std::string& instance_id, const Json& request, const Json& overrides) {
  model::Task t;
  t.id = random_hex(16);
  t.cluster = cluster;
  t.family = td.family;
  t.revision = td.revision;
  t.container_instance_id = instance_id;
  t.group = request.value("group", "family:" + td.family);
  t.started_by = request.value("startedBy", "");
  t.overrides = overrides;
  const auto r = model::reservation_of(td.body, overrides);
  t.cpu = std::to_string(r.cpu);
  t.memory = std::to_string(r.memory);
  t.created_at = ctx.clock.now_ms();
  for (const auto& c : td.body["containerDefinitions"]) {
    model::TaskContainer tc;
    tc.name = c["name"];
    tc.id = random_uuid();
    tc.image = c["image"];
    tc.essential = c.value("essential", true);
    t.containers.push_back(std::move(tc));
  }
  return t;
}

Result<void> check_labels(const Json& request) {
  if (request.value("startedBy", "").size() > 128) {
    return fail(Code::invalid_parameter, "startedBy is limited to 128 characters.");
  }
  if (request.value("group", "").size() > 255) return fail(Code::invalid_parameter, "group is limited to 255 characters.");
  return {};
}

Result<std::string> task_id_of(Context& ctx, const std::string& cluster, const std::string& text) {
  if (!is_arn(text)) return text;
  const auto arn = parse_ecs_arn(text);
  if (!arn || arn->resource_type != "task" || arn->region != ctx.arns.region || arn->account != ctx.arns.account) {
    return fail(Code::invalid_parameter, "'" + text + "' is not a task ARN of this cluster.");
  }
  const auto slash = arn->resource.find('/');
  if (slash == std::string::npos) return arn->resource;
  if (arn->resource.substr(0, slash) != cluster) return fail(Code::invalid_parameter, "The task is not in cluster " + cluster + ".");
  return arn->resource.substr(slash + 1);
}

Result<Json> place_and_create(Context& ctx, const std::string& cluster, const model::TaskDefinition& td,
                              const Json& request, std::vector<Candidate> candidates, int count, bool one_per_candidate) {
  BERTH_ASSIGN(auto overrides, checked_overrides(td.body, request));
  BERTH_ASSIGN(auto placement, placement_of(td.body, request));
  std::vector<model::Tag> tags;
  if (request.contains("tags")) {
    BERTH_ASSIGN(tags, model::read_tags(request["tags"]));
  }
  Usage need;
  add_reservation(need, td.body, overrides);
  const std::string group = request.value("group", "family:" + td.family);
  std::mt19937_64 rng(std::random_device{}());
  std::vector<model::Task> placed;
  Json failures = Json::array();
  std::set<std::pair<std::string, std::string>> reported;
  for (int i = 0; i < count; ++i) {
    std::vector<Candidate*> feasible;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      if (one_per_candidate && static_cast<int>(k) != i) continue;
      Candidate& c = candidates[k];
      const std::string reason = rejection(c, need, placement, group);
      if (reason.empty()) {
        feasible.push_back(&c);
      } else if (reported.insert({c.instance.id, reason}).second) {
        failures.push_back({{"arn", ctx.arns.container_instance(cluster, c.instance.id)}, {"reason", reason}});
      }
    }
    if (feasible.empty()) continue;
    Candidate& chosen = *feasible[std::uniform_int_distribution<std::size_t>(0, feasible.size() - 1)(rng)];
    placed.push_back(new_task(ctx, td, cluster, chosen.instance.id, request, overrides));
    add_reservation(chosen.usage, td.body, overrides);
    chosen.usage.pending += 1;
    chosen.usage.groups.insert(group);
  }
  if (!placed.empty()) {
    BERTH_TRY(ctx.store.insert_tasks(placed, tags));
    ctx.tasks_changed();
  }
  Json response{{"tasks", Json::array()}, {"failures", failures}};
  for (const auto& t : placed) response["tasks"].push_back(model::task_to_json(t, ctx.arns, &tags));
  return response;
}

Result<std::vector<Candidate>> candidates_of(Context& ctx, const std::vector<model::ContainerInstance>& instances) {
  std::vector<Candidate> out;
  for (const auto& instance : instances) {
    BERTH_ASSIGN(auto usage, usage_of(ctx, instance));
    out.push_back({instance, std::move(usage)});
  }
  return out;
}

}  // namespace

Result<Json> run_task(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_TRY(check_labels(request));
  BERTH_ASSIGN(auto td, runnable_task_definition(ctx, request["taskDefinition"]));
  std::lock_guard lock(ctx.placement_mutex);
  BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(cluster, std::nullopt, "", 100000));
  if (instances.empty()) return fail(Code::invalid_parameter, "No Container Instances were found in your cluster.");
  BERTH_ASSIGN(auto candidates, candidates_of(ctx, instances));
  return place_and_create(ctx, cluster, td, request, std::move(candidates), request.value("count", 1), false);
}

Result<Json> start_task(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_TRY(check_labels(request));
  BERTH_ASSIGN(auto td, runnable_task_definition(ctx, request["taskDefinition"]));
  const auto ids = strings_of(request["containerInstances"]);
  if (ids.empty() || ids.size() > 10) return fail(Code::invalid_parameter, "StartTask takes 1 to 10 container instances.");
  std::lock_guard lock(ctx.placement_mutex);
  std::vector<model::ContainerInstance> instances;
  for (const auto& text : ids) {
    std::string id = text;
    if (is_arn(text)) {
      const auto arn = parse_ecs_arn(text);
      id = arn ? arn->resource.substr(arn->resource.rfind('/') + 1) : "";
    }
    BERTH_ASSIGN(auto instance, ctx.store.find_container_instance(cluster, id));
    if (!instance) return fail(Code::invalid_parameter, "Container instance '" + text + "' is not in cluster " + cluster + ".");
    instances.push_back(*instance);
  }
  BERTH_ASSIGN(auto candidates, candidates_of(ctx, instances));
  return place_and_create(ctx, cluster, td, request, std::move(candidates), static_cast<int>(candidates.size()), true);
}

Result<Json> stop_task(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_ASSIGN(auto id, task_id_of(ctx, cluster, request["task"]));
  const std::string reason = request.value("reason", "Task stopped by the user");
  if (reason.size() > 1024) return fail(Code::invalid_parameter, "reason is limited to 1024 characters.");
  // The agent records observed state concurrently: retry on a version conflict.
  for (int attempt = 0; attempt < 20; ++attempt) {
    BERTH_ASSIGN(auto task, ctx.store.find_task(cluster, id));
    if (!task) return fail(Code::invalid_parameter, "The referenced task was not found.");
    if (task->desired_status == "STOPPED") return Json{{"task", model::task_to_json(*task, ctx.arns, nullptr)}};
    const long long version = task->version;
    task->desired_status = "STOPPED";
    task->stop_code = "UserInitiated";
    task->stopped_reason = reason;
    task->stopping_at = ctx.clock.now_ms();
    ++task->version;
    BERTH_ASSIGN(bool saved, ctx.store.replace_task(*task, version));
    if (saved) {
      ctx.tasks_changed();
      return Json{{"task", model::task_to_json(*task, ctx.arns, nullptr)}};
    }
  }
  return fail(Code::server, "The task kept changing; try StopTask again.");
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
    std::string text = request["containerInstance"];
    if (is_arn(text)) {
      const auto arn = parse_ecs_arn(text);
      text = arn ? arn->resource.substr(arn->resource.rfind('/') + 1) : "";
    }
    query.container_instance = text;
  }
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  const bool more = tasks.size() > page.limit;
  if (more) tasks.resize(page.limit);
  for (const auto& t : tasks) response["taskArns"].push_back(ctx.arns.task(cluster, t.id));
  set_next_token(response, more, "tasks", tasks.empty() ? "" : tasks.back().id);
  return response;
}

}  // namespace berth::svc
