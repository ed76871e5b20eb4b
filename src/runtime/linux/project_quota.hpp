// Project quotas: a size limit on directory trees of one filesystem, where that filesystem keeps
// them (ext4 made with the `project` feature and mounted `prjquota`, XFS mounted `prjquota`).
// A directory gets a project id with the inherit flag, so what is created under it counts
// against the id's limit. Kernel calls only, no state; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "common/result.hpp"

namespace berth::runtime {

// True when the filesystem holding `dir` (which must exist) enforces project quotas and lets
// its directories carry a project id; false on any other filesystem, a kernel without
// quotactl_fd (before 5.14), or a missing `dir`.
bool project_quotas_supported(const std::string& dir);

// Gives the directory `dir` the project id `project` with the inherit flag: files and
// directories created under it from now on take the same id. Errors: ServerException naming
// `dir` (e.g. the filesystem has no project ids).
[[nodiscard]] Result<void> assign_project(const std::string& dir, std::uint32_t project);

// The project id of `dir` (0: none). Errors: ServerException naming `dir`.
[[nodiscard]] Result<std::uint32_t> project_of(const std::string& dir);

// Sets the hard and soft block limit of project `project` on the filesystem holding `dir` to
// `bytes` (rounded up to the quota's 1 KiB blocks); 0 removes the limit. Errors:
// ServerException naming `dir` (quota off, no permission).
[[nodiscard]] Result<void> set_project_limit(const std::string& dir, std::uint32_t project, std::uint64_t bytes);

// Whether project `project` has files or a limit on the filesystem holding `dir`: an id another
// berth on the same filesystem holds. Errors: as set_project_limit.
[[nodiscard]] Result<bool> project_in_use(const std::string& dir, std::uint32_t project);

// Bytes that project `project` uses on the filesystem holding `dir`. Errors: as set_project_limit.
[[nodiscard]] Result<std::uint64_t> project_usage(const std::string& dir, std::uint32_t project);

// Runs `mount_call` (a mount(2) of overlayfs) with CAP_SYS_RESOURCE out of the calling thread's
// effective capabilities, and puts it back after. overlayfs writes to its upper directory with the
// credentials of whoever mounted it, and ext4 lets a holder of CAP_SYS_RESOURCE past quota
// limits: a writable layer mounted by berth as root would never meet its task's limit. Returns
// `mount_call`'s result (its errno kept); -1 with errno set when the capability cannot be dropped.
int without_quota_override(const std::function<int()>& mount_call);

}  // namespace berth::runtime
