// RuncRuntime: containers through the runc CLI, each under a `berth shim` monitor (one is kept
// started ahead, see spare_shim.hpp), each with an
// overlay (or, where overlayfs is unavailable, a copied) root over its image (one kept mounted
// ahead over the last started image, see spare_rootfs.hpp); task cgroups under
// its cgroupfs root, the PID/IPC namespaces a task's containers share (TaskNamespaces' holders),
// bridge networking through CNI, and task storage limits through project quotas on the bundles'
// filesystem. Thread-safe.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "common/periodic_worker.hpp"
#include "common/thread_annotations.hpp"
#include "runtime/linux/task_namespaces.hpp"
#include "runtime/linux/task_project_ids.hpp"
#include "runtime/runtime.hpp"
#include "runtime/shim/shim.hpp"
#include "runtime/runc/spare_rootfs.hpp"
#include "runtime/shim/spare_shim.hpp"

namespace berth::runtime {

struct RuncPaths {
  std::string runc = "runc";
  std::string runc_root;     // runc --root (tmpfs: <run>/runc)
  std::string state_root;    // shim state and config.json per container (<run>/containers)
  std::string bundle_root;   // root mounts and writable layers (<data>/bundles)
  std::string log_root;      // container logs (<data>/logs)
  std::string self_exe;      // this binary, re-executed as the shim
  std::size_t log_max_bytes = 1 << 20;
  int log_files = 2;
  int start_timeout_ms = 120000;
  std::string cgroup_root = k_cgroup_root;  // where cgroupfs is mounted (tests: a directory)
  std::string task_root;     // the tasks' shared namespaces and /dev/shm (<run>/tasks)
};

class RuncRuntime final : public Runtime {
 public:
  // `network`: where bridge tasks attach (the defaults are a host's; tests of containers alone
  // never reach it).
  explicit RuncRuntime(RuncPaths paths, BridgeNetworkConfig network = {});

  Result<int> start(const ContainerSpec& spec) override;
  Result<int> restart(const std::string& id) override;
  ContainerStatus status(const std::string& id) override;
  Result<void> kill(const std::string& id, int signal) override;
  Result<ExecResult> exec(const std::string& id, const std::vector<std::string>& argv, int timeout_ms) override;
  Result<void> remove(const std::string& id) override;
  std::vector<std::string> known_containers() override;
  std::string log_path(const std::string& id) const override { return m_paths.log_root + "/" + id + ".log"; }
  Result<model::ContainerStats> container_stats(const std::string& id) override;
  Result<PreparedTask> prepare_task(const TaskSetup& setup) override;
  Result<void> cleanup_task(const std::string& task_id, const std::string& cgroup_path) override;
  std::vector<std::string> prepared_tasks() override;
  Result<void> guard_prepared_tasks() override;
  std::string network_namespace_of(const std::string& task_id) const override { return m_network.netns_path(task_id); }
  bool cgroup_v2() const override { return m_cgroup_v2; }
  // Starts the next spare shim and mounts the next spare root, if a start since the last call
  // took them (or none was made yet).
  void prepare_next_starts() override;
  // Whether a spare shim waits for the next start (started after a start, on another thread).
  bool has_spare();
  // The directory of the container root mounted ahead for the next start, if one waits (made
  // after a start, on another thread).
  std::optional<std::string> spare_root() { return m_spare_rootfs.waiting(); }

 private:
  Result<std::string> prepare_rootfs(const ContainerSpec& spec, const std::string& bundle);
  // pidMode/ipcMode task: points `spec` at its task's namespaces and /dev/shm.
  Result<void> join_task_namespaces(ContainerSpec& spec) const;
  // Runs `berth shim` with `options` (handed to the spare, if one waits) and waits for its
  // report; returns the container's pid.
  Result<int> spawn_shim(const ShimOptions& options);
  // The waiting spare, if any (m_spare_keeper starts the next, ready for the start after).
  std::optional<SpareShim> take_spare();
  // Starts a spare if none waits. One that cannot start costs the next start its speed only.
  void refill_spare();
  // The monitor settings start() saved for container `id` (its cgroup among them).
  Result<ShimOptions> saved_shim_options(const std::string& id) const;
  // ephemeralStorage: the project quota id of the task and its limit on the bundles' filesystem.
  Result<void> limit_task_storage(const std::string& task_id, long long gib);
  Result<void> release_task_storage(const std::string& task_id);
  RuncPaths m_paths;
  BridgeNetwork m_network;
  bool m_cgroup_v2 = false;
  TaskNamespaces m_namespaces;
  TaskProjectIds m_project_ids;
  Mutex m_spare_mutex;
  std::optional<SpareShim> m_spare BERTH_GUARDED_BY(m_spare_mutex);
  SpareRootfs m_spare_rootfs;
  // Starts the next spare shim and mounts the next spare root when the caller of the starts that
  // wanted them says so (prepare_next_starts): on its own thread, so that the caller goes on with
  // its next start beside them rather than after them. No spare until the first start. Last: it
  // stops first (the spare root is dropped after).
  std::atomic<bool> m_spare_wanted{false};
  PeriodicWorker m_spare_keeper;
};

// Runs `argv` with stdin from /dev/null and stdout+stderr captured (at most 64 KiB kept). When
// it has not exited after `timeout_ms` (still writing, or with its output closed), it is killed
// and reported timed out; `before_kill` runs first with its pid, for what SIGKILL to it would not
// end (the command of a `runc exec`). Returns the exit code (128+signal when signalled).
[[nodiscard]] Result<ExecResult> run_command(const std::vector<std::string>& argv, int timeout_ms,
                                             const std::function<void(pid_t)>& before_kill = {});

}  // namespace berth::runtime
