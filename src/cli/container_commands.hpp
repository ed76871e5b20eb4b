// Runs ExecuteCommand's commands and `berth exec` sessions in this gateway's containers through
// runc (svc::ContainerCommands for the daemon). Each session runs on a thread of its own, at
// most k_max_exec_sessions at once; stop() ends them (their commands get SIGHUP, and SIGKILL 2 s
// later) and joins them. Thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include "common/session_threads.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/runc/exec_session.hpp"
#include "runtime/runc/runc_runtime.hpp"
#include "svc/execute_command.hpp"

namespace berth::cli {

// Bounds: ExecuteCommand's run time (its output is bounded by the runtime's exec, 64 KiB; at the
// bound the command is killed, whether it still writes or has closed its output), how many run
// at once, and how many sessions are open at once. A command holds the API worker that runs it
// until it ends: 2 at once leave at least 2 of the API's 4 workers (api::ServerOptions) to every
// other request, however long commands run; raising it, or lowering the workers, breaks that.
inline constexpr int k_execute_command_timeout_ms = 30'000;
inline constexpr int k_max_running_commands = 2;
inline constexpr int k_max_exec_sessions = 8;
inline constexpr int k_replay_send_timeout_s = 2;

class RuntimeContainerCommands final : public svc::ContainerCommands {
 public:
  RuntimeContainerCommands(runtime::Runtime& runtime, runtime::RuncPaths paths)
      : m_runtime(runtime), m_paths(std::move(paths)) {}
  ~RuntimeContainerCommands() override { stop(); }

  Result<svc::CommandResult> run(const std::string& runtime_id, const std::vector<std::string>& argv) override;
  Result<svc::SessionHandoff> open_session(const std::string& runtime_id,
                                           const model::ExecSessionRequest& request) override;
  // Writes the result's frames on the session's socket (blocking at most k_replay_send_timeout_s:
  // the event loop calls it; the output is at most 64 KiB, which a unix socket's buffer takes)
  // and closes it.
  svc::SessionHandoff replay(svc::CommandResult result) override;
  // As replay, with `message` as stderr and exit code 255.
  svc::SessionHandoff refuse(std::string message) override;
  // Serves a session for `request` in the running container `runtime_id` on the calling thread
  // (a joined gateway's relayed one: cli/relay_agent.hpp), the client on `socket` (borrowed),
  // counted among the k_max_exec_sessions; returns once it has ended. The errors of open_session,
  // nothing served then.
  [[nodiscard]] Result<void> serve_session(const std::string& runtime_id, const model::ExecSessionRequest& request,
                                           int socket, std::string early_input);
  // Ends every session and waits for their threads. Idempotent.
  void stop();

 private:
  Result<void> require_running(const std::string& runtime_id);
  // Takes a session's place: held until the returned reservation is gone. The errors of open_session.
  Result<std::shared_ptr<void>> reserve_session(const std::string& runtime_id);
  // Serves a session on a thread of its own, which then owns `socket` (closed at once when
  // berth is stopping or no thread can be started).
  void start_session(runtime::UniqueFd&& socket, std::shared_ptr<void> reservation, std::vector<std::string> runc_argv,
                     runtime::ExecSessionIo io, std::string early_input);

  runtime::Runtime& m_runtime;
  const runtime::RuncPaths m_paths;
  std::atomic<int> m_running_commands{0};
  // Reserved sessions (open_session) and those being served.
  std::shared_ptr<std::atomic<int>> m_open_sessions = std::make_shared<std::atomic<int>>(0);
  std::atomic<bool> m_stopping{false};
  // The sessions' threads (the reservations bound them; their commands see m_stopping).
  SessionThreads m_session_threads{k_max_exec_sessions};
};

}  // namespace berth::cli
