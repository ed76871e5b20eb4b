#include "model/cluster_snapshot.hpp"

#include <algorithm>

namespace berth::model {

void ResourceUse::add(const TaskState& task) {
  cpu += task.cpu;
  memory += task.memory;
  tcp_ports.insert(task.tcp_ports.begin(), task.tcp_ports.end());
  udp_ports.insert(task.udp_ports.begin(), task.udp_ports.end());
  (task.last_status == TaskStatus::running ? running : pending) += 1;
  group_tasks[task.group] += 1;
  gpu_ids.insert(task.gpu_ids.begin(), task.gpu_ids.end());
}

int DefinitionState::gpus() const {
  int total = 0;
  for (const auto& [container, count] : container_gpus) total += count;
  return total;
}

bool InstanceState::fits(const TaskState& task) const {
  if (use.cpu + task.cpu > capacity.cpu || use.memory + task.memory > capacity.memory) return false;
  const auto taken = [](const std::set<int>& ports, const std::set<int>& reserved, const std::set<int>& used) {
    return std::any_of(ports.begin(), ports.end(), [&](int p) { return reserved.contains(p) || used.contains(p); });
  };
  const bool gpu_taken = std::any_of(task.gpu_ids.begin(), task.gpu_ids.end(),
                                     [&](const std::string& id) { return use.gpu_ids.contains(id); });
  return !taken(task.tcp_ports, capacity.reserved_tcp, use.tcp_ports) &&
         !taken(task.udp_ports, capacity.reserved_udp, use.udp_ports) && !gpu_taken;
}

const InstanceState* ClusterSnapshot::instance(const std::string& id) const {
  const auto it = std::lower_bound(instances.begin(), instances.end(), id,
                                   [](const InstanceState& i, const std::string& key) { return i.id < key; });
  return it != instances.end() && it->id == id ? &*it : nullptr;
}

const DefinitionState* ClusterSnapshot::definition(const std::string& family, long long revision) const {
  const auto it = definitions.find({family, revision});
  return it == definitions.end() ? nullptr : &it->second;
}

}  // namespace berth::model
