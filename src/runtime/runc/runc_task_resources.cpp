// RuncRuntime's task-level resources: the task's parent cgroup under the runtime's cgroupfs root
// with its limits (runc makes each container's cgroup below it, and the parent too when the task
// has no limits), the namespaces its containers share
// (pidMode/ipcMode task), its CNI bridge attachment and its storage limit (a project quota id
// whose limit covers the writable layers of its containers' bundles).
#include <algorithm>
#include <filesystem>

#include "common/files.hpp"
#include "common/log.hpp"
#include "runtime/linux/project_quota.hpp"
#include "runtime/runc/runc_runtime.hpp"

namespace berth::runtime {
namespace {

std::string project_ids_root_of(const RuncPaths& paths) {
  return (std::filesystem::path(paths.bundle_root).parent_path() / "project-ids").string();
}

}  // namespace

RuncRuntime::RuncRuntime(RuncPaths paths, BridgeNetworkConfig network)
    : m_paths(std::move(paths)),
      m_network(std::move(network)),
      m_cgroup_v2(runtime::cgroup_v2(m_paths.cgroup_root)),
      m_namespaces(m_paths.task_root, m_paths.self_exe, m_paths.cgroup_root),
      m_project_ids(project_ids_root_of(m_paths)),
      m_spare_rootfs(m_paths.bundle_root) {
  // Woken by each start; the tick only bounds its sleep (a pass with no start before it is idle).
  m_spare_keeper.start("spare shim", std::chrono::hours(1), [this] {
    if (!m_spare_wanted.exchange(false)) return;
    refill_spare();
    m_spare_rootfs.refill();
  });
}

Result<void> RuncRuntime::limit_task_storage(const std::string& task_id, long long gib) {
  BERTH_TRY(make_dirs(m_paths.bundle_root, 0700));
  // Never unlimited: a task that asks for a limit does not start where none can be set.
  if (!project_quotas_supported(m_paths.bundle_root)) {
    return fail(Code::client, "ephemeralStorage needs project quotas on berth's data dir (" + m_paths.bundle_root +
                                  "): ext4 with the project feature mounted with prjquota, or XFS mounted with "
                                  "prjquota; this instance has none, so the task is not started without its limit");
  }
  // An id whose quota cannot be read counts as taken: sharing a limit is worse than skipping one.
  const auto in_use = [&](std::uint32_t id) { return project_in_use(m_paths.bundle_root, id).value_or(true); };
  BERTH_ASSIGN(const std::uint32_t project, m_project_ids.acquire(task_id, in_use));
  if (auto ok = set_project_limit(m_paths.bundle_root, project, static_cast<std::uint64_t>(gib) << 30); !ok) {
    return fail(ok.error().code, "ephemeralStorage: " + ok.error().message);
  }
  return {};
}

Result<void> RuncRuntime::release_task_storage(const std::string& task_id) {
  const auto project = m_project_ids.find(task_id);
  if (!project) return {};
  // A filesystem that no longer keeps project quotas (remounted without them) has no limit left
  // to clear: only the record goes.
  const bool quota_on = project_quotas_supported(m_paths.bundle_root);
  if (auto ok = quota_on ? set_project_limit(m_paths.bundle_root, *project, 0) : Result<void>{}; !ok) {
    return fail(ok.error().code, "ephemeralStorage: " + ok.error().message);
  }
  return m_project_ids.release(task_id);
}

Result<PreparedTask> RuncRuntime::prepare_task(const TaskSetup& setup) {
  // Without task-level limits the task cgroup is only its containers' parent, and runc makes a
  // missing parent itself as it makes the container's (on v1 copying cpuset's cpus and mems down,
  // on v2 enabling the controllers below each ancestor): 0.68 ms of each start (p50) not spent
  // twice. cleanup_task removes it either way.
  if (setup.limits.any()) {
    if (auto ok = prepare_task_cgroup(setup.cgroup_path, setup.limits, m_paths.cgroup_root); !ok) {
      log_warn("task " + setup.task_id + ": " + ok.error().message);
    }
  }
  if (setup.pid_mode == NamespaceMode::task || setup.ipc_mode == NamespaceMode::task) {
    const auto shm = setup.ipc_mode == NamespaceMode::task ? std::optional(setup.shm_bytes) : std::nullopt;
    if (auto ok = m_namespaces.prepare(setup.task_id, shm); !ok) {
      return fail(ok.error().code, "task namespaces: " + ok.error().message);
    }
  }
  if (setup.ephemeral_storage_gib) BERTH_TRY(limit_task_storage(setup.task_id, *setup.ephemeral_storage_gib));
  if (!setup.bridge) return PreparedTask{};
  auto attached = m_network.attach(setup.task_id, setup.ports);
  if (!attached) return fail(attached.error().code, "bridge network: " + attached.error().message);
  return PreparedTask{attached->address, std::move(attached->ports)};
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
  auto stored = release_task_storage(task_id);
  if (!released) return fail(released.error().code, "task namespaces: " + released.error().message);
  return detached ? stored : detached;
}

std::vector<std::string> RuncRuntime::prepared_tasks() {
  std::vector<std::string> out = m_network.attached_tasks();
  auto held = m_namespaces.tasks();
  for (auto& limited : m_project_ids.tasks()) held.push_back(std::move(limited));
  for (auto& id : held) {
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

Result<void> RuncRuntime::guard_prepared_tasks() {
  if (m_network.attached_tasks().empty()) return {};
  for (const auto& failure : m_network.reserve_attached_ports()) log_warn("bridge network: " + failure);
  if (auto ok = m_network.guard_host_loopback(); !ok) return fail(ok.error().code, "bridge network: " + ok.error().message);
  return {};
}

}  // namespace berth::runtime
