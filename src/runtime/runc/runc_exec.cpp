#include "runtime/runc/runc_exec.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {
namespace {

// Sends `signal` through `pidfd` when there is one, else to `pid`; true when it was delivered.
bool send_signal(const UniqueFd& pidfd, pid_t pid, int signal) {
#ifdef SYS_pidfd_send_signal
  if (pidfd.valid()) return ::syscall(SYS_pidfd_send_signal, pidfd.get(), signal, nullptr, 0) == 0;
#endif
  (void)pidfd;
  return ::kill(pid, signal) == 0;
}

std::optional<ProcessParentage> parentage_of(pid_t pid) {
  const auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  return parse_process_parentage(*stat);
}

// Kills `pid` and the group it leads if it is `runc_pid`'s child; whether it was.
bool kill_child(pid_t pid, pid_t runc_pid) {
  // Opened before the check: if the process checked is runc's child, it is the one the pidfd
  // names (an unreaped runc's pid is still runc's, and only runc's children have it as parent).
  const UniqueFd pidfd = open_pidfd(pid);
  const auto parentage = parentage_of(pid);
  if (!parentage || parentage->parent != runc_pid) return false;
  // The group first, while its leader still lives (so its id cannot have been taken over).
  if (parentage->group == pid && send_signal(pidfd, pid, 0)) ::kill(-pid, SIGKILL);
  return send_signal(pidfd, pid, SIGKILL);
}

}  // namespace

std::vector<std::string> runc_exec_argv(const RuncPaths& paths, const std::string& id,
                                        const std::vector<std::string>& command, bool tty) {
  std::vector<std::string> argv{paths.runc, "--root", paths.runc_root, "exec"};
  if (tty) argv.push_back("--tty");
  argv.push_back(id);
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
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

int kill_exec_command(pid_t runc_pid) {
  if (runc_pid <= 1) return 0;
  int killed = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    const auto pid = parse_integer<pid_t>(it->path().filename().string());
    if (pid && *pid > 1 && *pid != runc_pid && kill_child(*pid, runc_pid)) ++killed;
  }
  return killed;
}

}  // namespace berth::runtime
