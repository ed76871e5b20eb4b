// A joined agent's control plane when it is replicated (issue 17): several servers, any of which
// answers the agent protocol (their state is one replicated store). Each call goes to the server
// that answered last; when that one does not answer (unreachable, timed out, 5xx: a server cut
// off from the majority answers 500), the call is tried on the next servers in order, once each,
// and the first to answer becomes the one used from then on. A refusal (4xx) is an answer: it is
// returned, not tried elsewhere, since every server would refuse alike. With one server this is
// that server. Thread-safe (the link polls on one thread and reports on another).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "agent/control_plane.hpp"
#include "runtime/http/http_client.hpp"

namespace berth::cli {

// Where a server is and how its certificate is checked: what a relayed session connects back to.
struct ServerEndpoint {
  std::string url;
  runtime::HttpOptions trust;
};

struct ControlPlaneServer {
  ServerEndpoint endpoint;
  std::unique_ptr<agent::ControlPlane> server;
};

class FailoverControlPlane final : public agent::ControlPlane {
 public:
  // `servers`: at least one, in the order they are tried.
  explicit FailoverControlPlane(std::vector<ControlPlaneServer> servers);

  Result<agent::JoinedIdentity> join(const std::string& token, const model::NodeRegistration& node) override;
  Result<void> register_again(const agent::JoinedIdentity& identity, const model::NodeRegistration& node) override;
  Result<model::PollInstanceTasksReply> poll(const agent::JoinedIdentity& identity,
                                             const std::optional<std::string>& cursor, int wait_seconds,
                                             Cancellation& cancel) override;
  Result<void> submit_task_state_change(const agent::JoinedIdentity& identity,
                                        const model::SubmitTaskStateChangeRequest& request) override;
  Result<void> submit_container_state_change(const agent::JoinedIdentity& identity,
                                             const model::SubmitContainerStateChangeRequest& request) override;
  Result<void> submit_task_logs(const agent::JoinedIdentity& identity, const model::SubmitTaskLogsRequest& request) override;
  Result<void> submit_exec_result(const agent::JoinedIdentity& identity,
                                  const model::SubmitExecResultRequest& request) override;

  // The server in use (the last to answer, or the first before any did).
  const ServerEndpoint& current() const { return m_servers[m_current.load()].endpoint; }

 private:
  // Runs `call` on the server in use, then on the others in order while none answers; returns
  // the first answer, or the last server's error when none answered (its message names them all).
  template <class Call>
  auto across(const char* what, Call&& call) -> decltype(call(std::declval<agent::ControlPlane&>()));

  const std::vector<ControlPlaneServer> m_servers;
  std::atomic<std::size_t> m_current{0};
};

}  // namespace berth::cli
