// The node's description for its registration as a container instance (CPU, memory less
// ECS_RESERVED_MEMORY, reserved ports, built-in and custom attributes; the instance id kept in
// <data>/instance-id so the ARN survives restarts), and its record in the store.
#include "agent/instance_registrar.hpp"

#include <unistd.h>

#include <cctype>
#include <fstream>

#include "agent/agent.hpp"
#include "common/files.hpp"
#include "common/ids.hpp"
#include "common/platform.hpp"

namespace berth::agent {
namespace {

using model::Json;

long long memory_total_mib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long long kib = 0;
  while (in >> key >> kib) {
    if (key == "MemTotal:") return kib / 1024;
    in.ignore(256, '\n');
  }
  return 0;
}

Json ports_resource(const char* name, const std::vector<int>& ports) {
  Json set = Json::array();
  for (int p : ports) set.push_back(std::to_string(p));
  return {{"name", name}, {"type", "STRINGSET"}, {"doubleValue", 0.0}, {"longValue", 0},
          {"integerValue", 0}, {"stringSetValue", set}};
}

Json integer_resource(const char* name, long long value) {
  return {{"name", name}, {"type", "INTEGER"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", value}};
}

}  // namespace

Result<void> StoreInstanceRegistrar::register_node(const NodeRegistration& node) {
  const EpochMs now = m_clock.now_ms();
  // One atomic change: an operator's PutAttributes or DRAINING cannot be lost to this write.
  const auto describe_node = [&](model::ContainerInstance& instance, store::InstanceOrigin origin) -> Result<void> {
    const bool registering = origin == store::InstanceOrigin::registering;
    if (registering) {
      instance.registered_at = now;
      instance.status = "ACTIVE";
    }
    Json& body = instance.body;
    body["ec2InstanceId"] = "mi-" + node.instance_id.substr(0, 17);
    body["versionInfo"] = {{"agentVersion", "berth"}, {"agentHash", ""}, {"dockerVersion", "runc"}};
    body["registeredResources"] = Json::array({integer_resource("CPU", node.cpu_units),
                                               integer_resource("MEMORY", node.memory_mib),
                                               ports_resource("PORTS", node.reserved_ports),
                                               ports_resource("PORTS_UDP", node.reserved_udp_ports)});
    std::map<std::string, std::string> attributes;
    for (const auto& a : body.value("attributes", Json::array())) {
      attributes[a["name"]] = a.value("value", "");
    }
    if (registering) {
      for (const auto& [k, v] : node.initial_attributes) attributes[k] = v;
    }
    for (const auto& [k, v] : node.attributes) attributes[k] = v;
    Json list = Json::array();
    for (const auto& [k, v] : attributes) {
      Json a{{"name", k}};
      if (!v.empty()) a["value"] = v;
      list.push_back(a);
    }
    body["attributes"] = list;
    return {};
  };
  // The store writes only when something changed.
  BERTH_TRY(m_store.update_container_instance(node.cluster, node.instance_id, describe_node, store::IfMissing::create));
  return {};
}

Result<std::string> Agent::register_instance() {
  const std::string id_file = m_config.data_dir + "/instance-id";
  auto saved = read_file(id_file);
  m_instance_id = saved ? *saved : random_hex(16);
  while (!m_instance_id.empty() && std::isspace(static_cast<unsigned char>(m_instance_id.back()))) m_instance_id.pop_back();
  if (!saved) BERTH_TRY(write_file_atomic(id_file, m_instance_id + "\n", 0600));

  NodeRegistration node;
  node.cluster = m_config.cluster;
  node.instance_id = m_instance_id;
  node.cpu_units = m_config.cpu_units > 0 ? m_config.cpu_units : ::sysconf(_SC_NPROCESSORS_ONLN) * 1024;
  node.memory_mib = (m_config.memory_mib > 0 ? m_config.memory_mib : memory_total_mib()) - m_config.reserved_memory_mib;
  node.reserved_ports = m_config.reserved_ports;
  node.reserved_udp_ports = m_config.reserved_udp_ports;
  node.initial_attributes = m_config.custom_attributes;
  node.attributes = {{"ecs.os-type", "linux"},
                     {"ecs.os-family", "LINUX"},
                     {"ecs.cpu-architecture", ecs_architecture()},
                     {"ecs.instance-type", m_config.instance_type},
                     {"ecs.availability-zone", m_config.availability_zone},
                     {"ecs.capability.external", ""}};
  BERTH_TRY(m_registrar->register_node(node));
  return m_instance_id;
}

}  // namespace berth::agent
