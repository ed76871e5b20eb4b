// `runc exec` command lines that record the command's host pid, and killing that command. runc
// passes SIGHUP on to the command it runs but cannot pass SIGKILL on: a killed `runc exec`
// leaves its command running in the container, re-parented to the container's init. So whoever
// must end an exec (ExecuteCommand's time bound, a `berth exec` session's end) kills the command
// by the pid runc wrote, and runc. Thread-safe (nothing shared).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/runc/runc_runtime.hpp"

namespace berth::runtime {

struct RuncExec {
  std::vector<std::string> argv;  // runc --root R exec [--tty] --pid-file F ID COMMAND...
  // Where runc writes the command's host pid once it runs (in the container's state directory:
  // the run dir, never flash); "" for none. The caller removes it when the exec is over.
  std::string pid_file;
};

// The command line that runs `command` in the running container `id`, with a pid file of its
// own (a random name: execs in one container run side by side).
RuncExec runc_exec(const RuncPaths& paths, const std::string& id, const std::vector<std::string>& command, bool tty);

// SIGKILLs the command that `runc_pid` (the caller's child, not yet reaped) runs and recorded in
// `pid_file`, and the process group it leads (runc makes it a session leader: what it started
// and left in its group goes with it). Signals nothing when the file is missing or malformed
// (runc never started the command) or when that pid is no longer runc's child (the command has
// ended, and its pid may be another process's by now). Returns whether it signalled.
bool kill_exec_command(const std::string& pid_file, pid_t runc_pid);

// The parent and process group in a /proc/PID/stat line ("PID (COMM) STATE PPID PGRP ...";
// COMM may hold spaces and parentheses); nothing when malformed.
struct ProcessParentage {
  pid_t parent = 0;
  pid_t group = 0;
};
std::optional<ProcessParentage> parse_process_parentage(std::string_view stat);

}  // namespace berth::runtime
