// What the kernel counts for a container: its cgroup's CPU, memory, pids and block I/O counters
// (cgroup v1's per-controller files or v2's unified ones), the host's CPU time (/proc/stat) to
// weigh them against, and a network namespace's interface counters (/proc/<pid>/net/dev). The
// readers take the cgroupfs mount (`root`) and the proc mount (`proc`) they read under, so tests
// point them at fixture trees; the parsers are pure. Every number is parsed checked: a file that
// is there but garbled is an error, never a zero. Thread-safe (plain file reads).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/container_stats.hpp"
#include "runtime/linux/cgroups.hpp"

namespace berth::runtime {

// Reads the cgroup `path` ("/berth/<task>/<container>"), v2 when `root` is unified, else v1's
// hierarchies (cpuacct, memory, pids, blkio). The CPU and memory usage files must be there (a
// missing one means no such cgroup: the error); pids and block I/O files a kernel lacks read as
// zero, memory.peak (newer v2 kernels only) as unknown. Fills the cgroup's fields of
// ContainerStats; read_at, host CPU and network are the caller's.
[[nodiscard]] Result<model::ContainerStats> read_cgroup_stats(const std::string& path,
                                                              const std::string& root = k_cgroup_root);

// The host's CPU time, all CPUs and states, as Docker's system_cpu_usage counts it, and how many
// CPUs are online.
struct HostCpu {
  std::uint64_t total_ns = 0;
  unsigned online_cpus = 0;
};

// Parses /proc/stat: the first "cpu" line's user, nice, system, idle, iowait, irq and softirq
// ticks (steal and the guest times, which user and nice already hold, are left out, as Docker
// does), in nanoseconds at `ticks_per_second`; online CPUs = its "cpuN" lines.
[[nodiscard]] Result<HostCpu> parse_proc_stat(std::string_view text, long ticks_per_second);
// Reads <proc>/stat at the system's USER_HZ.
[[nodiscard]] Result<HostCpu> read_host_cpu(const std::string& proc = "/proc");

// Parses /proc/<pid>/net/dev and returns the counters of `interface`; an error if it is not there.
[[nodiscard]] Result<model::NetworkCounters> parse_net_dev(std::string_view text, std::string_view interface);
// Reads the counters of `interface` in the network namespace of process `pid`.
[[nodiscard]] Result<model::NetworkCounters> read_network_counters(int pid, std::string_view interface = "eth0",
                                                                   const std::string& proc = "/proc");

}  // namespace berth::runtime
