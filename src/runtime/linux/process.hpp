// Starting child processes with exactly the file descriptors and signal mask they should have.
// Thread-safe (each child has its own stack and makes only async-signal-safe calls before its exec).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "runtime/linux/unique_fd.hpp"

namespace berth::runtime {

struct SpawnOptions {
  int stdout_fd = -1;             // -1 = /dev/null
  int stderr_fd = -1;             // -1 = /dev/null
  int pass_fd = -1;               // if set, becomes fd 3 in the child
  bool die_with_parent = false;   // PR_SET_PDEATHSIG SIGKILL
  int stdin_fd = -1;              // -1 = /dev/null
  const std::vector<std::string>* env = nullptr;  // the child's whole environment; null: this process's
};

// Starts `argv` (PATH searched) in a child that shares this process's memory until it executes
// (no copy of the page tables), with stdin from `stdin_fd`, an empty signal mask, every caught
// signal and SIGPIPE at its default action. Returns the child's pid; exit code 127 if it could not
// be executed.
[[nodiscard]] Result<pid_t> spawn_process(const std::vector<std::string>& argv, const SpawnOptions& options);

struct CapturedRun {
  int exit_code = 0;
  std::string output;  // stdout
};

// Runs `argv[0]` (an absolute path) with exactly `env`, `input` on stdin, and returns its exit
// code and stdout (stderr is dropped). For short-lived helpers such as CNI plugins.
[[nodiscard]] Result<CapturedRun> run_captured(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                               const std::string& input);

// The first executable `name` in the ':'-separated directory list `dirs` (a PATH); "" if none.
[[nodiscard]] std::string find_executable(const std::string& name, std::string_view dirs);

// A pidfd names one process for good, whatever later takes its pid, and polls readable when it
// exits; invalid where the kernel has none (before 5.3).
[[nodiscard]] UniqueFd open_pidfd(pid_t pid);

// Waits for `pid` (retrying on EINTR) and returns its exit code, 128+signal if signalled.
int wait_exit_code(pid_t pid);

// The exit status a wait status turns into: the exit code, or 128+signal for a killed child (as
// a shell reports it); 255 for anything else.
int exit_status_of_wait(int wait_status);

}  // namespace berth::runtime
