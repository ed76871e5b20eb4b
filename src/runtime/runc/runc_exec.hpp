// `runc exec` command lines, and killing what a `runc exec` runs. runc passes SIGHUP on to the
// command it runs but cannot pass SIGKILL on: a killed `runc exec` leaves its command running in
// the container, re-parented to the container's init. So whoever must end an exec (ExecuteCommand's
// and health checks' time bound, a `berth exec` session's end) kills the command, which is runc's
// child (runc starts it with CLONE_PARENT), and then runc. Thread-safe (nothing shared).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/runc/runc_runtime.hpp"

namespace berth::runtime {

// The command line that runs `command` in the running container `id` (with a terminal: --tty).
// No --pid-file: runc writes it before it first sizes a terminal session's console, so the
// command would start on a 0x0 terminal far more often; the command is found as runc's child.
std::vector<std::string> runc_exec_argv(const RuncPaths& paths, const std::string& id,
                                        const std::vector<std::string>& command, bool tty);

// SIGKILLs the children of `runc_pid` (the caller's child, not yet reaped: the command it runs,
// or runc init while it still starts it) and the process group each leads (runc makes the command
// a session leader: what it started and left in its group goes with it). A process is signalled
// only while it is still runc's child, through a pidfd where the kernel has them, so a pid
// another process took over is never hit. Returns how many children were signalled.
int kill_exec_command(pid_t runc_pid);

// The parent and process group in a /proc/PID/stat line ("PID (COMM) STATE PPID PGRP ...";
// COMM may hold spaces and parentheses); nothing when malformed.
struct ProcessParentage {
  pid_t parent = 0;
  pid_t group = 0;
};
std::optional<ProcessParentage> parse_process_parentage(std::string_view stat);

}  // namespace berth::runtime
