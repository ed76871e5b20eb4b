#include "svc/usage.hpp"

#include "model/task.hpp"
#include "common/numbers.hpp"

namespace berth::svc {

void add_reservation(Usage& usage, const Json& td, const Json& overrides) {
  const auto r = model::reservation_of(td, overrides);
  usage.cpu += r.cpu;
  usage.memory += r.memory;
  for (const auto& [port, protocol] : r.host_ports) (protocol == "udp" ? usage.udp_ports : usage.tcp_ports).insert(port);
}

Result<Usage> usage_of(Context& ctx, const model::ContainerInstance& instance) {
  store::TaskQuery query;
  query.container_instance = instance.id;
  query.not_stopped = true;
  query.limit = 100000;
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  Usage usage;
  for (const auto& t : tasks) {
    BERTH_ASSIGN(auto td, ctx.store.find_task_definition(t.family, t.revision));
    if (td) add_reservation(usage, td->body, t.overrides);
    // Bridge tasks hold the host ports they were given, dynamic ones included.
    for (const auto& c : t.containers) {
      for (const auto& b : c.network_bindings) {
        (b.value("protocol", "tcp") == "udp" ? usage.udp_ports : usage.tcp_ports).insert(b.value("hostPort", 0));
      }
    }
    (t.last_status == "RUNNING" ? usage.running : usage.pending) += 1;
    usage.groups.insert(t.group);
    usage.group_tasks[t.group] += 1;
  }
  return usage;
}

Capacity capacity_of(const model::ContainerInstance& instance) {
  Capacity c;
  for (const auto& r : instance.body.value("registeredResources", Json::array())) {
    const std::string name = r.value("name", "");
    if (name == "CPU") c.cpu = r.value("integerValue", 0LL);
    if (name == "MEMORY") c.memory = r.value("integerValue", 0LL);
    if (name == "PORTS" || name == "PORTS_UDP") {
      for (const auto& p : r.value("stringSetValue", Json::array())) {
        // Registered by an agent as text; what is not a port reserves nothing.
        if (!p.is_string()) continue;
        if (auto port = parse_integer_in<int>(p.get<std::string>(), 1, 65535)) {
          (name == "PORTS" ? c.reserved_tcp : c.reserved_udp).insert(*port);
        }
      }
    }
  }
  return c;
}

Json remaining_resources(const model::ContainerInstance& instance, const Usage& usage) {
  const Capacity c = capacity_of(instance);
  const auto ports = [](const std::set<int>& a, const std::set<int>& b) {
    Json out = Json::array();
    std::set<int> all = a;
    all.insert(b.begin(), b.end());
    for (int p : all) out.push_back(std::to_string(p));
    return out;
  };
  const auto integer = [](const char* name, long long v) {
    return Json{{"name", name}, {"type", "INTEGER"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", v}};
  };
  const auto set = [](const char* name, Json values) {
    return Json{{"name", name}, {"type", "STRINGSET"}, {"doubleValue", 0.0}, {"longValue", 0},
                {"integerValue", 0}, {"stringSetValue", values}};
  };
  return Json::array({integer("CPU", c.cpu - usage.cpu), integer("MEMORY", c.memory - usage.memory),
                      set("PORTS", ports(c.reserved_tcp, usage.tcp_ports)),
                      set("PORTS_UDP", ports(c.reserved_udp, usage.udp_ports))});
}

place::InstanceFacts facts_of(const model::ContainerInstance& instance, const Usage& usage) {
  place::InstanceFacts f;
  f.id = instance.id;
  f.ec2_instance_id = instance.body.value("ec2InstanceId", "");
  for (const auto& a : instance.body.value("attributes", Json::array())) f.attributes[a["name"]] = a.value("value", "");
  f.agent_connected = instance.status != "INACTIVE";
  f.agent_version = instance.body.value("versionInfo", Json::object()).value("agentVersion", "");
  f.registered_at = instance.registered_at;
  f.running_tasks = usage.running;
  f.task_groups = usage.groups;
  return f;
}

place::NodeState node_state_of(const model::ContainerInstance& instance, const Usage& usage) {
  const Capacity c = capacity_of(instance);
  place::NodeState n;
  n.facts = facts_of(instance, usage);
  n.active = instance.status == "ACTIVE";
  n.cpu_total = c.cpu;
  n.memory_total = c.memory;
  n.cpu_used = usage.cpu;
  n.memory_used = usage.memory;
  n.tcp_in_use = c.reserved_tcp;
  n.tcp_in_use.insert(usage.tcp_ports.begin(), usage.tcp_ports.end());
  n.udp_in_use = c.reserved_udp;
  n.udp_in_use.insert(usage.udp_ports.begin(), usage.udp_ports.end());
  n.group_tasks = usage.group_tasks;
  return n;
}

}  // namespace berth::svc
