#include "cli/container_commands.hpp"

#include <sys/socket.h>

#include "common/files.hpp"
#include "common/log.hpp"
#include "runtime/shim/attach_protocol.hpp"
#include "runtime/runc/exec_session.hpp"
#include "runtime/runc/runc_exec.hpp"

namespace berth::cli {

Result<void> RuntimeContainerCommands::require_running(const std::string& runtime_id) {
  if (m_runtime.status(runtime_id).state != runtime::ContainerStatus::State::running) {
    return fail(Code::invalid_parameter, "The container is not running on this gateway.");
  }
  return {};
}

Result<svc::CommandResult> RuntimeContainerCommands::run(const std::string& runtime_id,
                                                         const std::vector<std::string>& argv) {
  BERTH_TRY(require_running(runtime_id));
  if (m_running_commands.fetch_add(1) >= k_max_running_commands) {
    m_running_commands.fetch_sub(1);
    return fail(Code::limit_exceeded, "At most " + std::to_string(k_max_running_commands) +
                                          " commands run at once on a gateway; retry when one has ended.");
  }
  auto ran = m_runtime.exec(runtime_id, argv, k_execute_command_timeout_ms);
  m_running_commands.fetch_sub(1);
  if (!ran) return std::unexpected(ran.error());
  return svc::CommandResult{ran->exit_code, std::move(ran->output), ran->output_truncated, ran->timed_out};
}

Result<std::shared_ptr<void>> RuntimeContainerCommands::reserve_session(const std::string& runtime_id) {
  BERTH_TRY(require_running(runtime_id));
  if (m_stopping) return fail(Code::server, "berth is stopping.");
  const auto open = m_open_sessions;
  if (open->fetch_add(1) >= k_max_exec_sessions) {
    open->fetch_sub(1);
    return fail(Code::limit_exceeded, "At most " + std::to_string(k_max_exec_sessions) +
                                          " exec sessions are open at once on a gateway; retry when one has ended.");
  }
  return std::shared_ptr<void>(nullptr, [open](void*) { open->fetch_sub(1); });
}

Result<void> RuntimeContainerCommands::serve_session(const std::string& runtime_id, const model::ExecSessionRequest& request,
                                                     int socket, std::string early_input) {
  BERTH_ASSIGN(const auto reservation, reserve_session(runtime_id));
  const auto runc_argv = runtime::runc_exec_argv(m_paths, runtime_id, request.argv, request.tty);
  (void)runtime::serve_exec_session(runc_argv, {request.tty, request.interactive}, socket, std::move(early_input), m_stopping);
  return {};
}

Result<svc::SessionHandoff> RuntimeContainerCommands::open_session(const std::string& runtime_id,
                                                                   const model::ExecSessionRequest& request) {
  // Held by the hand-off and then by its session's thread: the slot is free again when both are gone.
  BERTH_ASSIGN(const std::shared_ptr<void> reservation, reserve_session(runtime_id));
  std::vector<std::string> runc_argv = runtime::runc_exec_argv(m_paths, runtime_id, request.argv, request.tty);
  const runtime::ExecSessionIo io{request.tty, request.interactive};
  // Owns the socket from its call on and never throws (the event loop calls it): on any failure
  // the socket is closed once, by `owned` or by the thread's state holding it.
  return [this, reservation, runc_argv = std::move(runc_argv), io](int socket, std::string early_input) noexcept {
    runtime::UniqueFd owned(socket);
    try {
      start_session(std::move(owned), reservation, runc_argv, io, std::move(early_input));
    } catch (const std::exception& e) {
      log_error(std::string("berth exec session not started: ") + e.what());
    } catch (...) {
      log_error("berth exec session not started: an unknown exception");
    }
  };
}

namespace {

// Writes `frames` on a session's socket (owned from the call), blocking at most
// k_replay_send_timeout_s, and closes it.
svc::SessionHandoff send_frames(std::string frames) {
  return [frames = std::move(frames)](int socket, std::string) noexcept {
    runtime::UniqueFd owned(socket);
    const timeval bound{k_replay_send_timeout_s, 0};
    (void)::setsockopt(owned.get(), SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
    if (write_all(owned.get(), frames) != 0) log_warn("berth exec: the client did not take a command's output");
  };
}

}  // namespace

svc::SessionHandoff RuntimeContainerCommands::replay(svc::CommandResult result) {
  std::string frames;
  if (!result.output.empty()) frames = runtime::encode_frames(runtime::FrameType::stdout_, result.output);
  frames += runtime::encode_frames(runtime::FrameType::exit, std::to_string(result.exit_code));
  return send_frames(std::move(frames));
}

svc::SessionHandoff RuntimeContainerCommands::refuse(std::string message) {
  return send_frames(runtime::encode_frames(runtime::FrameType::stderr_, message) +
                     runtime::encode_frames(runtime::FrameType::exit, "255"));
}

void RuntimeContainerCommands::start_session(runtime::UniqueFd&& socket, std::shared_ptr<void> reservation,
                                             std::vector<std::string> runc_argv, runtime::ExecSessionIo io,
                                             std::string early_input) {
  if (m_stopping) return;
  // Shared so that the job can be copied: the socket closes with the last of them.
  auto owned = std::make_shared<runtime::UniqueFd>(std::move(socket));
  const bool started = m_session_threads.start(
      [this, reservation = std::move(reservation), runc_argv = std::move(runc_argv), io, owned,
       early_input = std::move(early_input)](SessionThreads::Session&) {
        (void)runtime::serve_exec_session(runc_argv, io, owned->get(), early_input, m_stopping);
      });
  if (!started) log_error("berth exec session not started: no thread for it, or berth is stopping");
}

void RuntimeContainerCommands::stop() {
  m_stopping = true;
  m_session_threads.stop();
}

}  // namespace berth::cli
