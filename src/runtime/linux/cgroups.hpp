// cgroup v1 and v2 through cgroupfs: detection, the task-level parent cgroup that carries task
// cpu/memory limits (runc creates each container's cgroup below it), and reading limits back.
// Every function takes the cgroupfs mount it works under (`root`), so tests can point it at a
// directory of their own. Thread-safe (plain file I/O).
#pragma once

#include <optional>
#include <string>

#include "common/result.hpp"

namespace berth::runtime {

// Where cgroupfs is mounted on a host.
inline constexpr const char* k_cgroup_root = "/sys/fs/cgroup";

// True on a unified (v2-only) hierarchy: <root>/cgroup.controllers exists.
bool cgroup_v2(const std::string& root = k_cgroup_root);

struct TaskLimits {
  std::optional<long long> cpu_quota_us;    // per 100 ms period
  std::optional<long long> memory_bytes;
  std::optional<long long> pids;

  bool any() const { return cpu_quota_us || memory_bytes || pids; }
};

// Creates `path` ("/berth/<task>") in every controller berth uses and applies `limits`.
[[nodiscard]] Result<void> prepare_task_cgroup(const std::string& path, const TaskLimits& limits,
                                              const std::string& root = k_cgroup_root);

// Moves process `pid` into the cgroup `path` of every hierarchy (creating it). Used to keep the
// containers' monitors out of berth's own cgroup.
[[nodiscard]] Result<void> move_into_cgroup(const std::string& path, int pid, const std::string& root = k_cgroup_root);

// Removes the task cgroup (its container cgroups must be gone). Best effort.
void remove_task_cgroup(const std::string& path, const std::string& root = k_cgroup_root);

// Reads a control file of the cgroup `path` for `controller` ("memory", "cpu"), e.g.
// ("memory", "/berth/t/c", "memory.limit_in_bytes"); v2 ignores the controller.
[[nodiscard]] Result<std::string> read_cgroup_file(const std::string& controller, const std::string& path,
                                                   const std::string& file,
                                                   const std::string& root = k_cgroup_root);

}  // namespace berth::runtime
