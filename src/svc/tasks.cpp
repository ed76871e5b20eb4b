// Task use cases: RunTask, StartTask (placement on this cluster's instances), StopTask,
// DescribeTasks, ListTasks.
#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include "common/ids.hpp"
#include "model/paging.hpp"
#include "model/task.hpp"
#include "model/task_definition.hpp"
#include "model/units.hpp"
#include "place/host_ports.hpp"
#include "place/scale_in.hpp"
#include "svc/actions.hpp"
#include "svc/placement.hpp"
#include "svc/usage.hpp"

namespace berth::svc {
namespace {

struct Placement {
  place::TaskAsk ask;
  std::vector<place::Strategy> strategies;
};

// A placementStrategy list, checked.
Result<std::vector<place::Strategy>> strategies_of(const Json& list) {
  std::vector<place::Strategy> strategies;
  for (const auto& s : list) {
    const std::string type = s.value("type", "random");
    strategies.push_back({type == "binpack" ? place::StrategyType::binpack
                          : type == "spread" ? place::StrategyType::spread : place::StrategyType::random,
                          s.value("field", "")});
  }
  BERTH_TRY(place::check_strategies(strategies));
  return strategies;
}

// The constraints (task definition's and request's, ≤ 10) and strategies of a placement.
Result<Placement> placement_of(const Json& td, const Json& request, const Json& overrides) {
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
      out.ask.distinct_instance = true;
      continue;
    }
    if (!c.contains("expression")) return fail(Code::invalid_parameter, "memberOf needs an expression.");
    BERTH_ASSIGN(auto expression, place::parse_expression(c["expression"].get<std::string>()));
    out.ask.member_of.push_back(std::move(expression));
  }
  BERTH_ASSIGN(out.strategies, strategies_of(request.value("placementStrategy", Json::array())));
  const auto r = model::reservation_of(td, overrides);
  out.ask.cpu = r.cpu;
  out.ask.memory = r.memory;
  for (const auto& [port, protocol] : r.host_ports) (protocol == "udp" ? out.ask.udp_ports : out.ask.tcp_ports).push_back(port);
  out.ask.group = request.value("group", "family:" + td.value("family", ""));
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
  if (td->body.value("networkMode", "bridge") == "awsvpc") {
    return fail(Code::invalid_parameter, "networkMode 'awsvpc' needs an AWS VPC and ENIs; berth gateways run bridge, "
                                         "host and none tasks.");
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
  auto id = resource_id_of(ctx, cluster, "task", text);
  if (!id) return fail(Code::invalid_parameter, "'" + text + "' is not a task ARN of cluster " + cluster + ".");
  return *id;
}

// A bridge task's port mappings, each port of a containerPortRange on its own.
std::vector<place::PortRequest> port_requests_of(const Json& td) {
  std::vector<place::PortRequest> out;
  for (const auto& c : td["containerDefinitions"]) {
    for (const auto& pm : c.value("portMappings", Json::array())) {
      const std::string protocol = pm.value("protocol", "tcp");
      if (pm.contains("containerPortRange")) {
        int first = 0, last = 0;
        if (std::sscanf(pm["containerPortRange"].get<std::string>().c_str(), "%d-%d", &first, &last) != 2) continue;
        for (int port = first; port <= last; ++port) out.push_back({c["name"], port, 0, protocol});
        continue;
      }
      out.push_back({c["name"], pm["containerPort"].get<int>(), pm.value("hostPort", 0), protocol});
    }
  }
  return out;
}

// Places and writes the tasks; nothing when an instance changed between the read and the
// write (the store re-checks each placement), so the caller places again on fresh rows.
Result<std::optional<Json>> place_and_create(Context& ctx, const std::string& cluster, const model::TaskDefinition& td,
                                             const Json& request, const std::vector<model::ContainerInstance>& instances,
                                             std::vector<place::NodeState> nodes, int count, bool one_per_node) {
  BERTH_ASSIGN(auto overrides, checked_overrides(td.body, request));
  BERTH_ASSIGN(auto placement, placement_of(td.body, request, overrides));
  std::vector<model::Tag> tags;
  if (request.contains("tags")) {
    BERTH_ASSIGN(tags, model::read_tags(request["tags"]));
  }
  std::mt19937_64 rng(std::random_device{}());
  std::vector<model::Task> placed;
  Json failures = Json::array();
  std::set<std::pair<std::size_t, std::string>> reported;
  const bool bridge = td.body.value("networkMode", "bridge") == "bridge";
  const auto port_requests = bridge ? port_requests_of(td.body) : std::vector<place::PortRequest>{};
  place::Placer placer(nodes, placement.ask, placement.strategies, rng);
  for (int i = 0; i < count; ++i) {
    // StartTask names its instances: each task considers only its own.
    std::vector<place::NodeState> only;
    if (one_per_node) only.push_back(nodes[static_cast<std::size_t>(i)]);
    const auto decision = one_per_node ? place::choose(only, placement.ask, placement.strategies, rng) : placer.place_one();
    for (const auto& [index, reason] : decision.rejections) {
      const std::size_t node = one_per_node ? static_cast<std::size_t>(i) : index;
      if (reported.insert({node, reason}).second) {
        failures.push_back({{"arn", ctx.arns.container_instance(cluster, instances[node].id)}, {"reason", reason}});
      }
    }
    if (!decision.node) continue;
    const std::size_t chosen = one_per_node ? static_cast<std::size_t>(i) : *decision.node;
    auto task = new_task(ctx, td, cluster, instances[chosen].id, request, overrides);
    if (bridge) {
      const auto bindings = place::bind_host_ports(nodes[chosen], port_requests, ctx.dynamic_host_ports, rng);
      if (!bindings) {
        failures.push_back({{"arn", ctx.arns.container_instance(cluster, instances[chosen].id)}, {"reason", "RESOURCE:PORTS"}});
        continue;
      }
      for (const auto& b : *bindings) {
        task.container(b.container)->network_bindings.push_back(
            {{"bindIP", "0.0.0.0"}, {"containerPort", b.container_port}, {"hostPort", b.host_port}, {"protocol", b.protocol}});
      }
    }
    placed.push_back(std::move(task));
  }
  if (!placed.empty()) {
    BERTH_ASSIGN(bool written, ctx.store.insert_tasks(placed, tags));
    if (!written) return std::optional<Json>();
    ctx.tasks_changed();
  }
  Json response{{"tasks", Json::array()}, {"failures", failures}};
  for (const auto& t : placed) response["tasks"].push_back(model::task_to_json(t, ctx.arns, &tags));
  return std::optional<Json>(std::move(response));
}

// Placements go stale only when an instance is drained or deregistered meanwhile: rare, so a
// few fresh attempts settle it.
constexpr int k_placement_attempts = 5;

std::unexpected<Error> instances_kept_changing() {
  return fail(Code::server, "The cluster's container instances kept changing during placement; try again.");
}

// `instances` as stored now; one deregistered meanwhile stays, as INACTIVE, so placement rejects
// it and reports it.
Result<std::vector<model::ContainerInstance>> current_instances(Context& ctx, const std::string& cluster,
                                                                 std::vector<model::ContainerInstance> instances) {
  for (auto& instance : instances) {
    BERTH_ASSIGN(auto stored, ctx.store.find_container_instance(cluster, instance.id));
    if (stored) instance = std::move(*stored);
    else instance.status = "INACTIVE";
  }
  return instances;
}

Result<std::vector<place::NodeState>> nodes_of(Context& ctx, const std::vector<model::ContainerInstance>& instances) {
  std::vector<place::NodeState> out;
  for (const auto& instance : instances) {
    BERTH_ASSIGN(auto usage, usage_of(ctx, instance));
    out.push_back(node_state_of(instance, usage));
  }
  return out;
}

}  // namespace

Result<Json> place_new_tasks(Context& ctx, const std::string& cluster, const model::TaskDefinition& td,
                             const Json& options, int count) {
  std::lock_guard lock(ctx.placement_mutex);
  for (int attempt = 0; attempt < k_placement_attempts; ++attempt) {
    BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(cluster, std::nullopt, "", 100000));
    BERTH_ASSIGN(auto nodes, nodes_of(ctx, instances));
    BERTH_ASSIGN(auto placed, place_and_create(ctx, cluster, td, options, instances, std::move(nodes), count, false));
    if (placed) return *placed;
  }
  return instances_kept_changing();
}

Result<std::vector<std::string>> scale_in_order_of(Context& ctx, const std::string& cluster,
                                                   const std::vector<model::Task>& tasks, const Json& strategy) {
  BERTH_ASSIGN(auto strategies, strategies_of(strategy));
  BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(cluster, std::nullopt, "", 100000));
  BERTH_ASSIGN(auto nodes, nodes_of(ctx, instances));
  std::map<std::string, std::size_t> node_of;
  for (std::size_t i = 0; i < instances.size(); ++i) node_of[instances[i].id] = i;
  std::vector<std::string> order;
  std::vector<place::RunningTask> placed;
  for (const auto& t : tasks) {
    const auto it = node_of.find(t.container_instance_id);
    // A task whose instance is gone has no place to keep: it goes first.
    if (it == node_of.end()) order.push_back(t.id);
    else placed.push_back({t.id, it->second});
  }
  std::mt19937_64 rng(std::random_device{}());
  for (auto& id : place::scale_in_order(nodes, placed, strategies, rng)) order.push_back(std::move(id));
  return order;
}

Result<Json> start_new_tasks_on(Context& ctx, const std::string& cluster, const model::TaskDefinition& td,
                                const Json& options, const std::vector<model::ContainerInstance>& instances) {
  std::lock_guard lock(ctx.placement_mutex);
  std::vector<model::ContainerInstance> current = instances;
  for (int attempt = 0; attempt < k_placement_attempts; ++attempt) {
    if (attempt > 0) {
      BERTH_ASSIGN(current, current_instances(ctx, cluster, std::move(current)));
    }
    BERTH_ASSIGN(auto nodes, nodes_of(ctx, current));
    BERTH_ASSIGN(auto placed, place_and_create(ctx, cluster, td, options, current, std::move(nodes),
                                               static_cast<int>(current.size()), true));
    if (placed) return *placed;
  }
  return instances_kept_changing();
}

Result<model::TaskDefinition> runnable_task_definition_of(Context& ctx, const std::string& reference) {
  return runnable_task_definition(ctx, reference);
}

Result<Json> run_task(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_TRY(check_labels(request));
  BERTH_ASSIGN(auto td, runnable_task_definition(ctx, request["taskDefinition"]));
  BERTH_ASSIGN(auto instances, ctx.store.list_container_instances(cluster, std::nullopt, "", 1));
  if (instances.empty()) return fail(Code::invalid_parameter, "No Container Instances were found in your cluster.");
  return place_new_tasks(ctx, cluster, td, request, request.value("count", 1));
}

Result<Json> start_task(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto cluster, resolve_active_cluster(ctx, request));
  BERTH_TRY(check_labels(request));
  BERTH_ASSIGN(auto td, runnable_task_definition(ctx, request["taskDefinition"]));
  const auto ids = strings_of(request["containerInstances"]);
  if (ids.empty() || ids.size() > 10) return fail(Code::invalid_parameter, "StartTask takes 1 to 10 container instances.");
  std::vector<model::ContainerInstance> instances;
  for (const auto& text : ids) {
    const auto id = resource_id_of(ctx, cluster, "container-instance", text);
    std::optional<model::ContainerInstance> instance;
    if (id) {
      BERTH_ASSIGN(instance, ctx.store.find_container_instance(cluster, *id));
    }
    if (!instance) return fail(Code::invalid_parameter, "Container instance '" + text + "' is not in cluster " + cluster + ".");
    instances.push_back(*instance);
  }
  return start_new_tasks_on(ctx, cluster, td, request, instances);
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
