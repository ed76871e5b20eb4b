// RuncRuntime's task-level resources: the task's parent cgroup under the runtime's cgroupfs root
// (runc makes each container's cgroup below it) and its CNI bridge attachment.
#include "common/log.hpp"
#include "runtime/runc/runc_runtime.hpp"

namespace berth::runtime {

RuncRuntime::RuncRuntime(RuncPaths paths, BridgeNetworkConfig network)
    : m_paths(std::move(paths)), m_network(std::move(network)), m_cgroup_v2(runtime::cgroup_v2(m_paths.cgroup_root)) {}

Result<PreparedTask> RuncRuntime::prepare_task(const TaskSetup& setup) {
  if (auto ok = prepare_task_cgroup(setup.cgroup_path, setup.limits, m_paths.cgroup_root); !ok) {
    log_warn("task " + setup.task_id + ": " + ok.error().message);
  }
  if (!setup.bridge) return PreparedTask{};
  auto attached = m_network.attach(setup.task_id, setup.ports);
  if (!attached) return fail(attached.error().code, "bridge network: " + attached.error().message);
  return PreparedTask{attached->address};
}

Result<void> RuncRuntime::cleanup_task(const std::string& task_id, const std::string& cgroup_path) {
  remove_task_cgroup(cgroup_path, m_paths.cgroup_root);
  return m_network.detach(task_id);
}

Result<void> RuncRuntime::guard_prepared_tasks() {
  if (m_network.attached_tasks().empty()) return {};
  if (auto ok = m_network.guard_host_loopback(); !ok) return fail(ok.error().code, "bridge network: " + ok.error().message);
  return {};
}

}  // namespace berth::runtime
