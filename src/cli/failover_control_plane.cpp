#include "cli/failover_control_plane.hpp"

#include <cerrno>

#include "common/log.hpp"

namespace berth::cli {

FailoverControlPlane::FailoverControlPlane(std::vector<ControlPlaneServer> servers) : m_servers(std::move(servers)) {}

template <class Call>
auto FailoverControlPlane::across(const char* what, Call&& call) -> decltype(call(std::declval<agent::ControlPlane&>())) {
  const std::size_t first = m_current.load();
  std::string unanswered_by;
  for (std::size_t tried = 0;; ++tried) {
    const std::size_t index = (first + tried) % m_servers.size();
    auto result = call(*m_servers[index].server);
    // A cancelled call (ECANCELED: the agent stops) is not the server's silence: no other is tried.
    if (result || !agent::unanswered(result.error()) || result.error().sys_errno == ECANCELED) {
      if (index != first) {
        // Another call may have moved on meanwhile: the newest answer wins either way.
        m_current.store(index);
        log_info("control plane: " + m_servers[index].endpoint.url + " answered " + what + " (" + unanswered_by + " did not)");
      }
      return result;
    }
    unanswered_by += (unanswered_by.empty() ? "" : ", ") + m_servers[index].endpoint.url;
    if (tried + 1 == m_servers.size()) {
      if (m_servers.size() == 1) return result;
      return std::unexpected(result.error().wrap("no server of the control plane answered (" + unanswered_by + "); the last"));
    }
  }
}

Result<agent::JoinedIdentity> FailoverControlPlane::join(const std::string& token, const model::NodeRegistration& node) {
  return across("JoinCluster", [&](agent::ControlPlane& s) { return s.join(token, node); });
}

Result<void> FailoverControlPlane::register_again(const agent::JoinedIdentity& identity, const model::NodeRegistration& node) {
  return across("RegisterContainerInstance", [&](agent::ControlPlane& s) { return s.register_again(identity, node); });
}

Result<model::PollInstanceTasksReply> FailoverControlPlane::poll(const agent::JoinedIdentity& identity,
                                                                 const std::optional<std::string>& cursor, int wait_seconds,
                                                                 Cancellation& cancel) {
  // A cursor is a server's view of the instance's tasks; another server that does not know it
  // answers at once with the whole desired state, as after a restart.
  return across("PollInstanceTasks", [&](agent::ControlPlane& s) { return s.poll(identity, cursor, wait_seconds, cancel); });
}

Result<void> FailoverControlPlane::submit_task_state_change(const agent::JoinedIdentity& identity,
                                                            const model::SubmitTaskStateChangeRequest& request) {
  return across("SubmitTaskStateChange", [&](agent::ControlPlane& s) { return s.submit_task_state_change(identity, request); });
}

Result<void> FailoverControlPlane::submit_container_state_change(const agent::JoinedIdentity& identity,
                                                                 const model::SubmitContainerStateChangeRequest& request) {
  return across("SubmitContainerStateChange",
                [&](agent::ControlPlane& s) { return s.submit_container_state_change(identity, request); });
}

Result<void> FailoverControlPlane::submit_task_logs(const agent::JoinedIdentity& identity,
                                                    const model::SubmitTaskLogsRequest& request) {
  return across("SubmitTaskLogs", [&](agent::ControlPlane& s) { return s.submit_task_logs(identity, request); });
}

Result<void> FailoverControlPlane::submit_exec_result(const agent::JoinedIdentity& identity,
                                                      const model::SubmitExecResultRequest& request) {
  return across("SubmitExecResult", [&](agent::ControlPlane& s) { return s.submit_exec_result(identity, request); });
}

}  // namespace berth::cli
