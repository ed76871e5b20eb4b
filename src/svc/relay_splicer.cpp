#include "svc/relay_splicer.hpp"

#include <unistd.h>

#include "common/files.hpp"
#include "common/log.hpp"
#include "common/socket_splice.hpp"

namespace berth::svc {

void RelaySplicer::serve(const std::string& id, int user_socket, std::string early_input, std::function<void(int socket, std::string early_input)> no_agent) noexcept {
  const auto job = [this, id, user_socket, early = std::move(early_input),
                    no_agent = std::move(no_agent)](SessionThreads::Session& session) {
    const auto agent = m_sessions.await_agent(id);
    if (!agent) {
      no_agent(user_socket, "");
      return;
    }
    // What the user typed before the session began goes first: a blocking write of at most what
    // one read of its request held.
    if (session.watch(user_socket) && session.watch(*agent) && (early.empty() || write_all(*agent, early) == 0)) {
      splice_sockets(*agent, user_socket);
    } else {
      ::close(*agent);
      ::close(user_socket);
    }
    m_sessions.finish(id);
  };
  bool started = false;
  try {
    started = m_threads.start(job);
  } catch (...) {
  }
  if (!started) {
    ::close(user_socket);
    m_sessions.finish(id);
    log_error("a relayed session got no thread (berth is stopping, or none could be started); its connection is closed");
  }
}

void RelaySplicer::stop() {
  m_sessions.close();  // waits for agents end now
  m_threads.stop();
}

}  // namespace berth::svc
