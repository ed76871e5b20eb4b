// A task's shared PID and IPC namespaces (ECS pidMode/ipcMode "task"). A PID namespace dies with
// its PID 1, so joining the first container's namespace would end the task when that container
// exits: a namespace holder process (`berth init --hold-namespaces`) is PID 1 of the task's new
// PID and IPC namespaces instead, reaping what is orphaned there, and the containers join
// /proc/<holder>/ns/{pid,ipc}. It lives outside berth's cgroup, so it outlives a restart of
// berth, which finds it again through its record (pid and start time, so a reused pid is never
// taken for it) in the task's run directory. ipcMode task also gives the task one /dev/shm (a
// tmpfs there). Thread-safe: tasks are independent, and one task is prepared and released by one
// thread at a time (the agent's).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace berth::runtime {

struct NamespaceHolder {
  int pid = 0;                      // in the host's PID namespace
  unsigned long long start_time = 0;  // clock ticks after boot, /proc/<pid>/stat field 22
};

// The record kept in the task's run directory ("<pid> <start time>\n") and its parser (nullopt
// unless both are whole positive numbers).
std::string holder_record(const NamespaceHolder& holder);
std::optional<NamespaceHolder> parse_holder_record(std::string_view text);

// Field 22 (starttime) of a /proc/<pid>/stat text, found after the command's closing parenthesis
// (a command may hold spaces and parentheses); nullopt if malformed.
std::optional<unsigned long long> start_time_of_stat(std::string_view stat);

// True when `holder` still runs: its pid is alive and started at the recorded time.
bool holder_running(const NamespaceHolder& holder);

// The holder's side, run by `berth init --hold-namespaces` with `report_fd` open: unshares new
// PID and IPC namespaces, forks their PID 1 (which reaps until SIGTERM), writes its pid to
// `report_fd` and returns the verb's exit code (0, or 1 with the reason on stderr).
int run_namespace_holder(int report_fd);

struct TaskNamespacePaths {
  std::string pid_namespace;   // /proc/<holder>/ns/pid
  std::string ipc_namespace;   // /proc/<holder>/ns/ipc
  std::string shm;             // the task's /dev/shm; empty without one
};

class TaskNamespaces {
 public:
  // `root`: the tasks' run directories (<run>/tasks; empty: none, so no task can have shared
  // namespaces); `self_exe`: the berth binary the holder runs; `cgroup_root`: the cgroupfs the holder is moved in, into /berth-shims beside the
  // containers' monitors.
  TaskNamespaces(std::string root, std::string self_exe, std::string cgroup_root);

  // Starts the task's holder, unless the one recorded still runs (berth restarted meanwhile),
  // and with `shm_bytes` mounts the task's /dev/shm of that size.
  [[nodiscard]] Result<void> prepare(const std::string& task_id, std::optional<long long> shm_bytes);
  // The namespaces to join: an error if the task has no running holder.
  [[nodiscard]] Result<TaskNamespacePaths> paths_of(const std::string& task_id) const;
  // Kills the holder (and with it whatever still runs in the task's PID namespace), unmounts the
  // task's /dev/shm and forgets the task. Nothing to do for a task without namespaces.
  [[nodiscard]] Result<void> release(const std::string& task_id);
  // Tasks with a run directory here (for releasing those that stopped while berth was down).
  std::vector<std::string> tasks() const;

 private:
  std::string task_dir(const std::string& task_id) const { return m_root + "/" + task_id; }
  [[nodiscard]] Result<NamespaceHolder> start_holder() const;
  std::string m_root;
  std::string m_self_exe;
  std::string m_cgroup_root;
};

}  // namespace berth::runtime
