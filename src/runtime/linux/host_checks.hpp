// What `berth doctor` judges a host by: parsers for the /proc and /sys texts it reads, the
// verdicts on them (each failure with its fix) and the report. Pure functions over text, so a
// test can feed them another machine's files; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace berth::runtime {

enum class CheckStatus { ok, warn, fail };

struct HostCheck {
  std::string name;    // "cgroups", "runc", ...
  CheckStatus status = CheckStatus::ok;
  std::string found;   // what the host has
  std::string fix;     // what to do, for warn and fail
};

struct KernelVersion {
  unsigned major = 0;
  unsigned minor = 0;
  auto operator<=>(const KernelVersion&) const = default;
};

// The leading "MAJOR.MINOR" of a release string such as "6.1.0-18-arm64"; nullopt otherwise.
[[nodiscard]] std::optional<KernelVersion> parse_kernel_version(std::string_view release);

// Whether /proc/filesystems (lines "nodev\toverlay", "\text4") lists `name`.
[[nodiscard]] bool filesystem_listed(std::string_view proc_filesystems, std::string_view name);

// The words of a cgroup v2 list file (cgroup.controllers, cgroup.subtree_control).
[[nodiscard]] std::set<std::string> parse_controller_list(std::string_view text);

// The controllers of the cgroup v1 hierarchies mounted in /proc/mounts ("cgroup" entries).
[[nodiscard]] std::set<std::string> cgroup_v1_controllers(std::string_view proc_mounts);

// A "Key:   N kB" line of /proc/meminfo, in KiB; nullopt if absent or malformed.
[[nodiscard]] std::optional<std::uint64_t> meminfo_kib(std::string_view meminfo, std::string_view key);

// Verdicts. The kernel needs 4.5 for cgroup2 and the pids controller (4.3).
[[nodiscard]] HostCheck judge_kernel(std::string_view release);
// cgroup v2: `available` from the root's cgroup.controllers, `delegated` from its subtree_control.
[[nodiscard]] HostCheck judge_cgroup_v2(std::string_view available, std::string_view delegated);
[[nodiscard]] HostCheck judge_cgroup_v1(std::string_view proc_mounts);
[[nodiscard]] HostCheck judge_memory(std::string_view meminfo);

// One line per check: "ok   NAME  FOUND", "FAIL NAME  FOUND; fix: FIX".
[[nodiscard]] std::string format_report(const std::vector<HostCheck>& checks);
// 0 when nothing failed (warnings allowed), 1 otherwise.
[[nodiscard]] int report_exit_code(const std::vector<HostCheck>& checks);

}  // namespace berth::runtime
