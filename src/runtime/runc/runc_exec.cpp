#include "runtime/runc/runc_exec.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "common/files.hpp"
#include "common/ids.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {
namespace {

// A pidfd names one process for good, whatever later takes its pid; -1 where the kernel has none
// (before 5.3), and the pid is then signalled after the same checks.
UniqueFd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return UniqueFd();
#endif
}

// Sends `signal` through `pidfd` when there is one, else to `pid`; true when it was delivered.
bool send_signal(const UniqueFd& pidfd, pid_t pid, int signal) {
#ifdef SYS_pidfd_send_signal
  if (pidfd.valid()) return ::syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) == 0;
#endif
  (void)pidfd;
  return ::kill(pid, signal) == 0;
}

}  // namespace

RuncExec runc_exec(const RuncPaths& paths, const std::string& id, const std::vector<std::string>& command, bool tty) {
  RuncExec exec;
  exec.pid_file = paths.state_root + "/" + id + "/exec-" + random_hex(8) + ".pid";
  exec.argv = {paths.runc, "--root", paths.runc_root, "exec"};
  if (tty) exec.argv.push_back("--tty");
  exec.argv.insert(exec.argv.end(), {"--pid-file", exec.pid_file, id});
  exec.argv.insert(exec.argv.end(), command.begin(), command.end());
  return exec;
}

std::optional<ProcessParentage> parse_process_parentage(std::string_view stat) {
  const auto name_end = stat.rfind(')');
  if (name_end == std::string_view::npos) return std::nullopt;
  const auto fields = split(trim(stat.substr(name_end + 1)), ' ');  // STATE PPID PGRP ...
  if (fields.size() < 3) return std::nullopt;
  const auto parent = parse_integer<pid_t>(fields[1]);
  const auto group = parse_integer<pid_t>(fields[2]);
  if (!parent || !group) return std::nullopt;
  return ProcessParentage{*parent, *group};
}

bool kill_exec_command(const std::string& pid_file, pid_t runc_pid) {
  if (pid_file.empty() || runc_pid <= 0) return false;
  const auto text = read_file(pid_file);
  if (!text) return false;
  const auto pid = parse_integer<pid_t>(trim(*text));
  if (!pid || *pid <= 1 || *pid == runc_pid) return false;
  // Opened before the check: if the process checked is runc's child, it is the one the pidfd
  // names (runc starts no other child after the command, and an unreaped runc's pid is ours).
  const UniqueFd pidfd = open_pidfd(*pid);
  const auto stat = read_file("/proc/" + std::to_string(*pid) + "/stat");
  if (!stat) return false;
  const auto parentage = parse_process_parentage(*stat);
  if (!parentage || parentage->parent != runc_pid) return false;
  // The group first, while its leader still lives (so its id cannot have been taken over).
  const bool group_killed = parentage->group == *pid && send_signal(pidfd, *pid, 0) && ::kill(-*pid, SIGKILL) == 0;
  return send_signal(pidfd, *pid, SIGKILL) || group_killed;
}

}  // namespace berth::runtime
