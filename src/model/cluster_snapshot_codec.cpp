#include "model/cluster_snapshot_codec.hpp"

#include "common/numbers.hpp"
#include "model/port_request.hpp"
#include "model/required_attributes.hpp"
#include "model/task_definition.hpp"

namespace berth::model {

InstanceCapacity capacity_of(const ContainerInstance& instance) {
  InstanceCapacity c;
  for (const auto& r : instance.body.value("registeredResources", Json::array())) {
    const std::string name = r.value("name", "");
    if (name == "CPU") c.cpu = r.value("integerValue", 0LL);
    if (name == "MEMORY") c.memory = r.value("integerValue", 0LL);
    if (name == "GPU") {
      for (const auto& id : r.value("stringSetValue", Json::array())) {
        if (id.is_string() && !id.get<std::string>().empty()) c.gpu_ids.push_back(id.get<std::string>());
      }
    }
    if (name == "PORTS" || name == "PORTS_UDP") {
      for (const auto& p : r.value("stringSetValue", Json::array())) {
        if (!p.is_string()) continue;
        if (auto port = parse_integer_in<int>(p.get<std::string>(), 1, 65535)) {
          (name == "PORTS" ? c.reserved_tcp : c.reserved_udp).insert(*port);
        }
      }
    }
  }
  return c;
}

InstanceState instance_state_of(const ContainerInstance& instance) {
  InstanceState out;
  out.id = instance.id;
  out.status = instance.status;
  out.agent_connected = agent_connected(instance);
  out.ec2_instance_id = instance.body.value("ec2InstanceId", "");
  out.agent_version = instance.body.value("versionInfo", Json::object()).value("agentVersion", "");
  for (const auto& a : instance.body.value("attributes", Json::array())) out.attributes[a["name"]] = a.value("value", "");
  out.registered_at = instance.registered_at;
  out.capacity = capacity_of(instance);
  return out;
}

TaskState task_state_of(const Task& t, const TaskDefinition* definition) {
  TaskState out;
  out.id = t.id;
  out.instance_id = t.container_instance_id;
  out.family = t.family;
  out.revision = t.revision;
  out.group = t.group;
  out.started_by = t.started_by;
  out.desired_status = t.desired_status;
  out.last_status = t.last_status;
  out.health_status = t.health_status;
  out.stop_code = t.stop_code;
  out.created_at = t.created_at;
  out.started_at = t.started_at;
  out.stopping_at = t.stopping_at;
  if (definition) add_reservation(out, *definition, t.overrides);
  // Bridge tasks hold the host ports they were given, dynamic ones included.
  for (const auto& c : t.containers) {
    for (const auto& b : c.network_bindings) {
      (b.value("protocol", "tcp") == "udp" ? out.udp_ports : out.tcp_ports).insert(b.value("hostPort", 0));
    }
    out.gpu_ids.insert(c.gpu_ids.begin(), c.gpu_ids.end());
  }
  return out;
}

void add_reservation(TaskState& state, const TaskDefinition& definition, const Json& overrides) {
  const auto r = reservation_of(definition.body, overrides);
  state.cpu = r.cpu;
  state.memory = r.memory;
  for (const auto& [port, protocol] : r.host_ports) (protocol == "udp" ? state.udp_ports : state.tcp_ports).insert(port);
}

DefinitionState definition_state_of(const TaskDefinition& td, const Json& overrides) {
  DefinitionState out;
  out.family = td.family;
  out.revision = td.revision;
  out.bridge = network_mode_of(td.body) == NetworkMode::bridge;
  for (const auto& c : td.body.value("containerDefinitions", Json::array())) {
    out.health_checks = out.health_checks || (c.value("essential", true) && c.contains("healthCheck"));
  }
  const auto r = reservation_of(td.body, overrides);
  out.cpu = r.cpu;
  out.memory = r.memory;
  out.host_ports = r.host_ports;
  if (out.bridge) out.port_requests = port_requests_of(td.body);
  out.placement_constraints = placement_constraints_of(td.body.value("placementConstraints", Json::array()));
  out.required_attributes = required_attributes(td.body);
  out.container_gpus = r.container_gpus;
  return out;
}

ServiceState service_state_of(const Service& s) {
  ServiceState out;
  out.name = s.name;
  out.status = s.status;
  out.scheduling_strategy = s.scheduling_strategy;
  out.desired_count = s.desired_count;
  out.maximum_percent = s.maximum_percent;
  out.minimum_healthy_percent = s.minimum_healthy_percent;
  const auto breaker = s.deployment_configuration.value("deploymentCircuitBreaker", Json::object());
  out.circuit_breaker = breaker.value("enable", false);
  out.rollback = breaker.value("rollback", false);
  out.placement_constraints = placement_constraints_of(s.placement_constraints);
  out.placement_strategy = placement_strategies_of(s.placement_strategy);
  out.deployments = s.deployments;
  out.external = s.deployment_controller == DeploymentController::external;
  out.task_sets = s.task_sets;
  out.latest_event = s.events.empty() ? "" : s.events.front().message;
  out.throttle_reset_at = s.throttle_reset_at;
  out.next_launch_at = s.next_launch_at;
  out.version = s.version;
  return out;
}

std::vector<PlacementConstraint> placement_constraints_of(const Json& list) {
  std::vector<PlacementConstraint> out;
  for (const auto& c : list) {
    PlacementConstraint constraint;
    constraint.type = c.value("type", "memberOf");
    if (c.contains("expression")) constraint.expression = c["expression"].get<std::string>();
    out.push_back(std::move(constraint));
  }
  return out;
}

std::vector<PlacementStrategy> placement_strategies_of(const Json& list) {
  std::vector<PlacementStrategy> out;
  for (const auto& s : list) out.push_back({s.value("type", "random"), s.value("field", "")});
  return out;
}

}  // namespace berth::model
