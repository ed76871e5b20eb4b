// Runtime: how the agent runs containers, and the task-level resources they share (the task's
// cgroup with its limits, its network, its storage limit). RuncRuntime is the real one (runc +
// shim, cgroupfs, CNI bridge, project quotas); tests of the agent use a fake. Implementations are
// thread-safe.
#pragma once

#include <optional>
#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/container_stats.hpp"
#include "runtime/linux/cgroups.hpp"
#include "runtime/network/bridge_network.hpp"
#include "runtime/oci_spec.hpp"

namespace berth::runtime {

struct ContainerStatus {
  enum class State { running, exited, missing };
  State state = State::missing;
  int pid = 0;                    // running: the container's init in the host pid namespace
  int exit_code = 0;              // exited
  bool oom_killed = false;        // exited: the kernel's OOM killer ended it
  std::string start_error;        // exited without ever starting
  std::uint64_t log_dropped = 0;  // exited: lines a non-blocking syslog/journald sink dropped
  EpochMs finished_at = 0;
};

struct ExecResult {
  int exit_code = 0;
  bool timed_out = false;
  std::string output;             // combined stdout+stderr, at most k_max_exec_output bytes
  bool output_truncated = false;  // there was more
};

inline constexpr std::size_t k_max_exec_output = 65536;

// What a task's containers share, made before the first of them starts.
struct TaskSetup {
  std::string task_id;
  std::string cgroup_path;      // the task's parent cgroup ("/berth/<task>")
  TaskLimits limits;            // task cpu/memory and the pids limit, on that cgroup
  bool bridge = false;          // networkMode bridge: a namespace of its own on the bridge
  std::vector<PortMapping> ports;  // bridge: published on the host
  NamespaceMode pid_mode = NamespaceMode::private_;  // task: one PID namespace for its containers
  NamespaceMode ipc_mode = NamespaceMode::private_;  // task: one IPC namespace and /dev/shm
  long long shm_bytes = 64LL << 20;  // ipc_mode task: the size of the task's /dev/shm
  // ephemeralStorage: the limit on the task's containers' writable layers, in GiB (the
  // runtime refuses the task where it cannot enforce it, rather than run it unlimited).
  std::optional<long long> ephemeral_storage_gib = std::nullopt;
};

struct PreparedTask {
  std::string address;          // bridge: the task's IPv4 address; empty otherwise
  // bridge: the ports published, in the order of TaskSetup::ports, as held (a dynamic one may
  // stand in for a port taken since placement).
  std::vector<PortMapping> ports;
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  // Creates and starts the container described by `spec` under its monitor; returns the
  // container's pid once it runs, or the reason it could not start.
  [[nodiscard]] virtual Result<int> start(const ContainerSpec& spec) = 0;
  // Starts the exited container `id` again in place (its restartPolicy): the configuration it
  // was started with, the same root and writable layer, its output appended to the same log,
  // under a new monitor. Returns the container's pid once it runs, or why it could not start.
  [[nodiscard]] virtual Result<int> restart(const std::string& id) = 0;
  // The container's current state as its monitor recorded it.
  virtual ContainerStatus status(const std::string& id) = 0;
  // Sends `signal` to the container's init.
  [[nodiscard]] virtual Result<void> kill(const std::string& id, int signal) = 0;
  // Runs `argv` inside the running container (health checks), bounded by `timeout_ms`.
  [[nodiscard]] virtual Result<ExecResult> exec(const std::string& id, const std::vector<std::string>& argv,
                                                int timeout_ms) = 0;
  // Deletes the container and everything of it but its log.
  [[nodiscard]] virtual Result<void> remove(const std::string& id) = 0;
  // Ids of containers whose monitor state exists (for re-attaching after a restart).
  virtual std::vector<std::string> known_containers() = 0;
  // Path of the container's log file.
  virtual std::string log_path(const std::string& id) const = 0;
  // What the running container has used so far: its cgroup's counters and, when it has a network
  // namespace of its own (bridge), that namespace's eth0. The caller stamps read_at and the
  // host's CPU time (read once for many containers). An error if it is not running or its
  // cgroup cannot be read.
  [[nodiscard]] virtual Result<model::ContainerStats> container_stats(const std::string& id) = 0;

  // --- Task-level resources ---
  // Makes the task's cgroup (limits applied), for pidMode/ipcMode task the namespaces (and
  // /dev/shm) its containers share, the limit on its writable layers when it has one, and, for
  // bridge, attaches its network namespace. A cgroup that cannot be made is logged, not an error
  // (the containers still run, unlimited at task level); a storage limit that cannot be set is
  // the error ("ephemeralStorage: <why>"), as is a network that cannot be attached ("bridge
  // network: <why>").
  [[nodiscard]] virtual Result<PreparedTask> prepare_task(const TaskSetup& setup) = 0;
  // Releases what prepare_task made (its containers must be gone): the cgroup, best effort, the
  // shared namespaces, the network and the storage limit, whose failures are the error (their
  // records are kept, so a later call retries).
  [[nodiscard]] virtual Result<void> cleanup_task(const std::string& task_id, const std::string& cgroup_path) = 0;
  // Tasks holding a network attachment, shared namespaces or a storage limit (for releasing those
  // of tasks that stopped meanwhile).
  virtual std::vector<std::string> prepared_tasks() = 0;
  // After berth restarts with prepared tasks: re-applies the host-side protections they rely on
  // (bridge: traffic from the bridge kept off the host's loopback).
  [[nodiscard]] virtual Result<void> guard_prepared_tasks() = 0;
  // The network namespace bridge containers of the task join (its path, for the OCI spec).
  virtual std::string network_namespace_of(const std::string& task_id) const = 0;
  // True when containers get cgroup v2 (their spec mounts and namespaces differ).
  virtual bool cgroup_v2() const = 0;
  // The caller has recorded the starts it made: the runtime may get ready for the next ones now,
  // off the caller's thread. Not sooner: on a gateway's two cores, that work begun as a start
  // returns would take the CPU from the commit that makes the container visible to clients.
  virtual void prepare_next_starts() = 0;
};

}  // namespace berth::runtime
