#include "sched/task_placement.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "place/scale_in.hpp"

namespace berth::sched {
namespace {

constexpr std::size_t k_max_constraints = 10;

place::StrategyType strategy_type(const std::string& type) {
  return type == "binpack" ? place::StrategyType::binpack
         : type == "spread" ? place::StrategyType::spread : place::StrategyType::random;
}

// The instance `id` names, or an inactive stand-in when it is gone (placement rejects it: AGENT).
place::NodeState node_named(const model::ClusterSnapshot& snapshot, const std::string& id) {
  if (const auto* instance = snapshot.instance(id)) return node_state_of(*instance);
  place::NodeState gone;
  gone.facts.id = id;
  gone.facts.agent_connected = false;
  gone.active = false;
  return gone;
}

// The task's GPUs handed out to its containers in definition order, each its count.
std::vector<std::pair<std::string, std::vector<std::string>>> gpus_per_container(const model::DefinitionState& definition,
                                                                                 const std::vector<std::string>& gpu_ids) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto next = gpu_ids.begin();
  for (const auto& [container, count] : definition.container_gpus) {
    const auto end = next + std::min<std::ptrdiff_t>(count, gpu_ids.end() - next);
    out.emplace_back(container, std::vector<std::string>(next, end));
    next = end;
  }
  return out;
}

}  // namespace

std::vector<place::Strategy> engine_strategies(const std::vector<model::PlacementStrategy>& strategies) {
  std::vector<place::Strategy> out;
  for (const auto& s : strategies) out.push_back({strategy_type(s.type), s.field});
  return out;
}

Result<Placement> compile_placement(const model::DefinitionState& definition,
                                    const std::vector<model::PlacementConstraint>& constraints,
                                    const std::vector<model::PlacementStrategy>& strategies, const std::string& group) {
  Placement out;
  std::vector<model::PlacementConstraint> all = definition.placement_constraints;
  all.insert(all.end(), constraints.begin(), constraints.end());
  if (all.size() > k_max_constraints) {
    return fail(Code::invalid_parameter, "At most 10 placement constraints are allowed, counting the task definition's.");
  }
  for (const auto& c : all) {
    if (c.type == "distinctInstance") {
      if (c.expression) return fail(Code::invalid_parameter, "distinctInstance takes no expression.");
      out.ask.distinct_instance = true;
      continue;
    }
    if (!c.expression) return fail(Code::invalid_parameter, "memberOf needs an expression.");
    BERTH_ASSIGN(auto expression, place::parse_expression(*c.expression));
    out.ask.member_of.push_back(std::move(expression));
  }
  out.strategies = engine_strategies(strategies);
  BERTH_TRY(place::check_strategies(out.strategies));
  out.ask.cpu = definition.cpu;
  out.ask.memory = definition.memory;
  for (const auto& [port, protocol] : definition.host_ports) {
    (protocol == "udp" ? out.ask.udp_ports : out.ask.tcp_ports).push_back(port);
  }
  out.ask.group = group;
  // Required attributes are static memberOf expressions: checked once per instance by the Placer.
  for (const auto& a : definition.required_attributes) {
    out.ask.member_of.push_back(place::attribute_requirement(a.name, a.value));
  }
  out.ask.gpus = definition.gpus();
  return out;
}

place::InstanceFacts facts_of(const model::InstanceState& instance) {
  place::InstanceFacts f;
  f.id = instance.id;
  f.ec2_instance_id = instance.ec2_instance_id;
  f.attributes = instance.attributes;
  f.agent_connected = instance.status != model::InstanceStatus::inactive && instance.agent_connected;
  f.agent_version = instance.agent_version;
  f.registered_at = instance.registered_at;
  f.running_tasks = instance.use.running;
  for (const auto& [group, count] : instance.use.group_tasks) f.task_groups.insert(group);
  return f;
}

place::NodeState node_state_of(const model::InstanceState& instance) {
  place::NodeState n;
  n.facts = facts_of(instance);
  n.active = instance.status == model::InstanceStatus::active && instance.agent_connected;
  n.cpu_total = instance.capacity.cpu;
  n.memory_total = instance.capacity.memory;
  n.cpu_used = instance.use.cpu;
  n.memory_used = instance.use.memory;
  n.tcp_in_use = instance.capacity.reserved_tcp;
  n.tcp_in_use.insert(instance.use.tcp_ports.begin(), instance.use.tcp_ports.end());
  n.udp_in_use = instance.capacity.reserved_udp;
  n.udp_in_use.insert(instance.use.udp_ports.begin(), instance.use.udp_ports.end());
  n.group_tasks = instance.use.group_tasks;
  for (const auto& id : instance.capacity.gpu_ids) {
    if (!instance.use.gpu_ids.contains(id)) n.free_gpus.push_back(id);
  }
  return n;
}

Result<Plan> place_tasks(const model::ClusterSnapshot& snapshot, const PlacementRequest& request,
                         const PlacementSettings& settings, std::mt19937_64& rng, const TaskIdSource& new_task_id) {
  BERTH_ASSIGN(auto placement, compile_placement(request.definition, request.constraints, request.strategies, request.group));
  const bool named = !request.instance_ids.empty();
  // The nodes: every instance, or those named (once each, so tasks named onto one instance see
  // each other).
  std::vector<place::NodeState> nodes;
  std::vector<std::size_t> node_of_request;
  if (named) {
    std::map<std::string, std::size_t> index;
    for (const auto& id : request.instance_ids) {
      const auto [it, added] = index.emplace(id, nodes.size());
      if (added) nodes.push_back(node_named(snapshot, id));
      node_of_request.push_back(it->second);
    }
  } else {
    for (const auto& instance : snapshot.instances) nodes.push_back(node_state_of(instance));
  }
  const auto port_requests = request.definition.bridge ? request.definition.port_requests
                                                       : std::vector<place::PortRequest>{};
  Plan plan;
  std::set<std::pair<std::size_t, std::string>> reported;
  place::Placer placer(nodes, placement.ask, placement.strategies, rng);
  const int count = named ? static_cast<int>(request.instance_ids.size()) : request.count;
  for (int i = 0; i < count; ++i) {
    const auto k = static_cast<std::size_t>(i);
    place::Decision decision;
    if (named) {
      decision = place::choose({nodes[node_of_request[k]]}, placement.ask, placement.strategies, rng);
      if (decision.node) decision.gpu_ids = place::commit(nodes[node_of_request[k]], placement.ask);
    } else {
      decision = placer.place_one();
    }
    if (!decision.node) {
      // Only a task left unplaced is a failure, as ECS reports it (clients take any failure for
      // a task that did not run): the nodes a placed task passed over are not. A named instance
      // is reported per request; a chosen one per node.
      for (const auto& [index, reason] : decision.rejections) {
        const std::size_t key = named ? k : index;
        const std::size_t node = named ? node_of_request[k] : index;
        if (reported.insert({key, reason}).second) plan.failures.push_back({nodes[node].facts.id, reason});
      }
      continue;
    }
    auto& node = nodes[named ? node_of_request[k] : *decision.node];
    TaskStart start{new_task_id(), node.facts.id, request.definition.family, request.definition.revision,
                    request.group, request.started_by, {}, gpus_per_container(request.definition, decision.gpu_ids)};
    if (request.definition.bridge) {
      auto bindings = place::bind_host_ports(node, port_requests, settings.dynamic_host_ports, rng);
      if (!bindings) {
        plan.failures.push_back({node.facts.id, "RESOURCE:PORTS"});
        continue;
      }
      start.bindings = std::move(*bindings);
    }
    plan.starts.push_back(std::move(start));
  }
  return plan;
}

Result<std::vector<std::string>> scale_in_order(const model::ClusterSnapshot& snapshot,
                                                const std::vector<const model::TaskState*>& tasks,
                                                const std::vector<model::PlacementStrategy>& strategies,
                                                std::mt19937_64& rng) {
  const auto engine = engine_strategies(strategies);
  BERTH_TRY(place::check_strategies(engine));
  std::vector<place::NodeState> nodes;
  std::map<std::string, std::size_t> node_of;
  for (const auto& instance : snapshot.instances) {
    node_of[instance.id] = nodes.size();
    nodes.push_back(node_state_of(instance));
  }
  std::vector<std::string> order;
  std::vector<place::RunningTask> placed;
  for (const auto* t : tasks) {
    const auto it = node_of.find(t->instance_id);
    // A task whose instance is gone has no place to keep: it goes first.
    if (it == node_of.end()) order.push_back(t->id);
    else placed.push_back({t->id, it->second});
  }
  for (auto& id : place::scale_in_order(nodes, placed, engine, rng)) order.push_back(std::move(id));
  return order;
}

}  // namespace berth::sched
