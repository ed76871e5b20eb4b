// The serving gateway's side of a relayed session once the user's connection is handed over
// (`berth exec -i/-t`, `berth attach` for a task on a joined gateway): waits for the agent's
// connection (RelaySessions::await_agent, until its deadline) and splices the two until either
// ends (common/socket_splice: poll(), two bounded buffers). One thread per session
// (common/session_threads), at most `max_sessions` as RelaySessions; none while nothing is
// relayed. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "common/session_threads.hpp"
#include "svc/relay_sessions.hpp"

namespace berth::svc {

class RelaySplicer {
 public:
  RelaySplicer(RelaySessions& sessions, std::size_t max_sessions) : m_sessions(sessions), m_threads(max_sessions) {}
  ~RelaySplicer() { stop(); }
  RelaySplicer(const RelaySplicer&) = delete;
  RelaySplicer& operator=(const RelaySplicer&) = delete;

  // Serves session `id` for the user connected on `user_socket` (owned from the call): on a
  // thread of its own, waits for the agent, sends it `early_input` (bytes the user sent after its
  // request), splices, and frees the session's place. When no agent comes in time, hands the
  // user's socket to `no_agent` (which tells the user in the attach protocol). Never throws (the
  // event loop calls it); with no thread to be had, the socket is closed and the session freed.
  void serve(const std::string& id, int user_socket, std::string early_input, std::function<void(int socket, std::string early_input)> no_agent) noexcept;
  // Closes the sessions (waits end), cuts the splices under way and joins their threads. Idempotent.
  void stop();
  // Sessions being served now (waiting for their agent or spliced).
  std::size_t running() const { return m_threads.running(); }

 private:
  RelaySessions& m_sessions;
  SessionThreads m_threads;
};

}  // namespace berth::svc
