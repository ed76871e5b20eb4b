// Runtime: how the agent runs containers. RuncRuntime is the real one (runc + shim); tests of
// pure logic may use a fake. Implementations are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "runtime/oci_spec.hpp"

namespace berth::runtime {

struct ContainerStatus {
  enum class State { running, exited, missing };
  State state = State::missing;
  int pid = 0;                    // running: the container's init in the host pid namespace
  int exit_code = 0;              // exited
  bool oom_killed = false;        // exited: the kernel's OOM killer ended it
  std::string start_error;        // exited without ever starting
  EpochMs finished_at = 0;
};

struct ExecResult {
  int exit_code = 0;
  bool timed_out = false;
  std::string output;             // combined stdout+stderr, truncated
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  // Creates and starts the container described by `spec` under its monitor; returns the
  // container's pid once it runs, or the reason it could not start.
  [[nodiscard]] virtual Result<int> start(const ContainerSpec& spec) = 0;
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
};

}  // namespace berth::runtime
