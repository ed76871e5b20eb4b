// The node's description for its registration as a container instance (CPU, memory less
// ECS_RESERVED_MEMORY, reserved ports, GPUs, built-in and custom attributes; the instance id kept in
// <data>/instance-id so the ARN survives restarts), handed to the agent's registrar.
#include "agent/instance_registrar.hpp"

#include <unistd.h>

#include <cctype>
#include <fstream>

#include "agent/agent.hpp"
#include "agent/node_attributes.hpp"
#include "common/files.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"
#include "model/ephemeral_storage.hpp"
#include "runtime/linux/project_quota.hpp"

namespace berth::agent {
namespace {

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

}  // namespace

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
  node.attributes =
      node_attributes({m_config.instance_type, m_config.availability_zone, m_runtime.cgroup_v2(), m_config.instance_address});
  // ephemeralStorage is honoured only where the writable layers can be limited.
  if (runtime::project_quotas_supported(m_config.data_dir)) node.attributes.emplace(model::k_ephemeral_storage_attribute, "");
  std::string gpus;
  for (const auto& gpu : m_config.gpus.gpus) {
    node.gpu_ids.push_back(gpu.id);
    gpus += (gpus.empty() ? "" : ", ") + gpu.id + "=" + gpu.device;
  }
  if (!gpus.empty()) log_info("agent: registering " + std::to_string(node.gpu_ids.size()) + " GPU(s): " + gpus);
  BERTH_ASSIGN(const std::string registered, m_registrar.register_node(node));
  if (registered != m_instance_id) {
    // A joined node is the instance the serving gateway made of it: its tasks name that id.
    m_instance_id = registered;
    BERTH_TRY(write_file_atomic(id_file, m_instance_id + "\n", 0600));
  }
  return m_instance_id;
}

}  // namespace berth::agent
