// RuncRuntime's task-level resources: the task's parent cgroup under the runtime's cgroupfs root
// (runc makes each container's cgroup below it), the namespaces its containers share
// (pidMode/ipcMode task) and its CNI bridge attachment.
#include <algorithm>

#include "common/log.hpp"
#include "runtime/runc/runc_runtime.hpp"

namespace berth::runtime {

RuncRuntime::RuncRuntime(RuncPaths paths, BridgeNetworkConfig network)
    : m_paths(std::move(paths)),
      m_network(std::move(network)),
      m_cgroup_v2(runtime::cgroup_v2(m_paths.cgroup_root)),
      m_namespaces(m_paths.task_root, m_paths.self_exe, m_paths.cgroup_root) {}

Result<PreparedTask> RuncRuntime::prepare_task(const TaskSetup& setup) {
  if (auto ok = prepare_task_cgroup(setup.cgroup_path, setup.limits, m_paths.cgroup_root); !ok) {
    log_warn("task " + setup.task_id + ": " + ok.error().message);
  }
  if (setup.pid_mode == NamespaceMode::task || setup.ipc_mode == NamespaceMode::task) {
    const auto shm = setup.ipc_mode == NamespaceMode::task ? std::optional(setup.shm_bytes) : std::nullopt;
    if (auto ok = m_namespaces.prepare(setup.task_id, shm); !ok) {
      return fail(ok.error().code, "task namespaces: " + ok.error().message);
    }
  }
  if (!setup.bridge) return PreparedTask{};
  auto attached = m_network.attach(setup.task_id, setup.ports);
  if (!attached) return fail(attached.error().code, "bridge network: " + attached.error().message);
  return PreparedTask{attached->address};
}

Result<void> RuncRuntime::join_task_namespaces(ContainerSpec& spec) const {
  if (spec.pid_mode != NamespaceMode::task && spec.ipc_mode != NamespaceMode::task) return {};
  BERTH_ASSIGN(const TaskNamespacePaths paths, m_namespaces.paths_of(spec.task_id));
  if (spec.pid_mode == NamespaceMode::task) spec.pid_namespace_path = paths.pid_namespace;
  if (spec.ipc_mode == NamespaceMode::task) {
    if (paths.shm.empty()) return fail(Code::server, "task " + spec.task_id + " has no shared /dev/shm");
    spec.ipc_namespace_path = paths.ipc_namespace;
    spec.shm_source = paths.shm;
  }
  return {};
}

Result<void> RuncRuntime::cleanup_task(const std::string& task_id, const std::string& cgroup_path) {
  auto released = m_namespaces.release(task_id);
  remove_task_cgroup(cgroup_path, m_paths.cgroup_root);
  auto detached = m_network.detach(task_id);
  if (!released) return fail(released.error().code, "task namespaces: " + released.error().message);
  return detached;
}

std::vector<std::string> RuncRuntime::prepared_tasks() {
  std::vector<std::string> out = m_network.attached_tasks();
  for (auto& id : m_namespaces.tasks()) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

Result<void> RuncRuntime::guard_prepared_tasks() {
  if (m_network.attached_tasks().empty()) return {};
  if (auto ok = m_network.guard_host_loopback(); !ok) return fail(ok.error().code, "bridge network: " + ok.error().message);
  return {};
}

}  // namespace berth::runtime
