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

Result<svc::SessionHandoff> RuntimeContainerCommands::open_session(const std::string& runtime_id,
                                                                   const model::ExecSessionRequest& request) {
  BERTH_TRY(require_running(runtime_id));
  if (m_stopping) return fail(Code::server, "berth is stopping.");
  const auto open = m_open_sessions;
  if (open->fetch_add(1) >= k_max_exec_sessions) {
    open->fetch_sub(1);
    return fail(Code::limit_exceeded, "At most " + std::to_string(k_max_exec_sessions) +
                                          " exec sessions are open at once on a gateway; retry when one has ended.");
  }
  // Held by the hand-off and then by its session's thread: the slot is free again when both are gone.
  const std::shared_ptr<void> reservation(nullptr, [open](void*) { open->fetch_sub(1); });
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

svc::SessionHandoff RuntimeContainerCommands::replay(svc::CommandResult result) {
  std::string frames;
  if (!result.output.empty()) frames = runtime::encode_frames(runtime::FrameType::stdout_, result.output);
  frames += runtime::encode_frames(runtime::FrameType::exit, std::to_string(result.exit_code));
  return [frames = std::move(frames)](int socket, std::string) noexcept {
    runtime::UniqueFd owned(socket);
    const timeval bound{k_replay_send_timeout_s, 0};
    (void)::setsockopt(owned.get(), SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
    if (write_all(owned.get(), frames) != 0) log_warn("berth exec: the client did not take a command's output");
  };
}

void RuntimeContainerCommands::start_session(runtime::UniqueFd&& socket, std::shared_ptr<void> reservation,
                                             std::vector<std::string> runc_argv, runtime::ExecSessionIo io,
                                             std::string early_input) {
  MutexLock lock(m_sessions_mutex);
  if (m_stopping) return;
  reap_sessions();
  Session& session = m_sessions.emplace_back();
  try {
    session.thread = std::thread([this, reservation = std::move(reservation), runc_argv = std::move(runc_argv), io,
                                  owned = std::move(socket), early_input = std::move(early_input), &session]() mutable {
      try {
        (void)runtime::serve_exec_session(runc_argv, io, owned.get(), std::move(early_input), m_stopping);
      } catch (const std::exception& e) {
        log_error(std::string("berth exec session ended: ") + e.what());
      } catch (...) {
        log_error("berth exec session ended: an unknown exception");
      }
      session.done = true;
    });
  } catch (...) {
    m_sessions.pop_back();  // no thread: nothing to join
    throw;
  }
}

void RuntimeContainerCommands::reap_sessions() {
  for (auto it = m_sessions.begin(); it != m_sessions.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    if (it->thread.joinable()) it->thread.join();
    it = m_sessions.erase(it);
  }
}

void RuntimeContainerCommands::stop() {
  m_stopping = true;
  MutexLock lock(m_sessions_mutex);
  for (auto& session : m_sessions) {
    if (session.thread.joinable()) session.thread.join();
  }
  m_sessions.clear();
}

}  // namespace berth::cli
