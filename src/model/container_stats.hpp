// What the kernel counted for one running container (its cgroup, and for a bridge task its
// network namespace), and that reading labelled with the task and container it belongs to, as the
// node agent's sampler hands it to the metric store. Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"

namespace berth::model {

// A network namespace's interface counters (/proc/<pid>/net/dev), cumulative since it was made.
struct NetworkCounters {
  std::string interface = "eth0";
  std::uint64_t rx_bytes = 0;
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_errors = 0;
  std::uint64_t rx_dropped = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_errors = 0;
  std::uint64_t tx_dropped = 0;
};

// One reading of a container's cgroup, from the files of cgroup v1 or v2. Counters are
// cumulative; rates come from two readings.
struct ContainerStats {
  EpochMs read_at = 0;
  // CPU time of all the container's processes, all CPUs (v1 cpuacct.usage, v2 cpu.stat usage_usec).
  std::uint64_t cpu_usage_ns = 0;
  std::uint64_t cpu_user_ns = 0;
  std::uint64_t cpu_system_ns = 0;
  // The host's CPU time (all CPUs, all states, /proc/stat) at the same moment: Docker's
  // system_cpu_usage, against which CPU % of the host is computed.
  std::uint64_t host_cpu_ns = 0;
  unsigned online_cpus = 1;
  // Memory: usage as the kernel charges it (page cache included), the page cache, and the
  // working set (usage minus inactive file pages: what the OOM killer weighs).
  std::uint64_t memory_usage_bytes = 0;
  std::uint64_t memory_max_usage_bytes = 0;  // v1 max_usage_in_bytes, v2 memory.peak (0 = unknown)
  std::uint64_t memory_cache_bytes = 0;
  std::uint64_t memory_working_set_bytes = 0;
  std::optional<std::uint64_t> memory_limit_bytes;  // none = no limit
  std::uint64_t pids = 0;
  std::uint64_t block_read_bytes = 0;
  std::uint64_t block_write_bytes = 0;
  // Bridge tasks: the task namespace's interface (all containers of the task share it); none for
  // host and none network modes.
  std::optional<NetworkCounters> network;
};

// A container's reading with what it belongs to and what it reserved (ECS units: CPU units of
// 1/1024 core, MiB), so metrics can be derived without another read of the store.
struct ContainerSample {
  std::string cluster;              // the cluster's name
  std::string container_instance_arn;
  std::string task_arn;
  std::string group;                // the task's group: "service:NAME", "family:NAME"
  std::string task_definition_arn;
  std::string container_name;
  std::string container_arn;
  std::string runtime_id;           // runc's container id
  long long task_cpu_units = 0;     // task-level cpu; 0 = none
  long long task_memory_mib = 0;    // task-level memory; 0 = none
  long long container_cpu_units = 0;
  long long container_memory_mib = 0;              // hard limit; 0 = none
  long long container_memory_reservation_mib = 0;  // soft limit; 0 = none
  ContainerStats stats;
};

}  // namespace berth::model
