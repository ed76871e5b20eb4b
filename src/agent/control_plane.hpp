// The serving gateway as a joined gateway's agent sees it: the agent protocol's calls (join,
// register again, long-poll the desired tasks, report state changes). The agent layer knows
// neither HTTP nor SigV4: the composition root gives it an implementation over the server's API
// (cli/control_plane_client), unit tests a fake. Implementations are thread-safe (the link polls
// on one thread and reports on another).
#pragma once

#include <optional>
#include <string>

#include "common/cancellation.hpp"
#include "common/result.hpp"
#include "model/agent_state_changes.hpp"
#include "model/container_instance_requests.hpp"
#include "model/instance_poll.hpp"
#include "model/join_tokens.hpp"
#include "model/remote_exec.hpp"
#include "model/remote_logs.hpp"

namespace berth::agent {

// What joining made of this node: the server's cluster, the instance it registered and the
// instance's own key. Kept in <data>/join.json (mode 0600) so that a restart needs no new token.
struct JoinedIdentity {
  std::string cluster;
  std::string instance_arn;
  std::string instance_id;
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string token_sha256;  // the token that was spent, so the same one is never offered again
  // The longest wait the server grants a poll, as its join reply said (0: not known, a join.json
  // kept before it was): polls ask for it (agent/server_link).
  int poll_wait_seconds = 0;
};

// Errors of every call: Code::server when the server did not answer (unreachable, timed out,
// 5xx): try again later; any other code when it answered with a refusal (its message says which
// exception), which trying again will not change.
class ControlPlane {
 public:
  virtual ~ControlPlane() = default;
  // Spends the one-time `token` (unsigned: the token is the credential), registering `node`;
  // returns the identity (token_sha256 left to the caller).
  [[nodiscard]] virtual Result<JoinedIdentity> join(const std::string& token, const model::NodeRegistration& node) = 0;
  // The calls below are signed with `identity`'s key.
  // RegisterContainerInstance of the instance again, with the node's resources and attributes now.
  [[nodiscard]] virtual Result<void> register_again(const JoinedIdentity& identity,
                                                    const model::NodeRegistration& node) = 0;
  // PollInstanceTasks: answered at once without a `cursor` or with a stale one, else when the
  // instance's desired tasks change or `wait_seconds` pass (the server grants at most the wait the
  // join reply said). Cancelling `cancel` (stopping the agent) ends it at once: Code::server with
  // sys_errno ECANCELED.
  [[nodiscard]] virtual Result<model::PollInstanceTasksReply> poll(const JoinedIdentity& identity,
                                                                   const std::optional<std::string>& cursor,
                                                                   int wait_seconds, Cancellation& cancel) = 0;
  [[nodiscard]] virtual Result<void> submit_task_state_change(const JoinedIdentity& identity,
                                                              const model::SubmitTaskStateChangeRequest& request) = 0;
  [[nodiscard]] virtual Result<void> submit_container_state_change(
      const JoinedIdentity& identity, const model::SubmitContainerStateChangeRequest& request) = 0;
  // SubmitTaskLogs: the answer to a log request a poll listed.
  [[nodiscard]] virtual Result<void> submit_task_logs(const JoinedIdentity& identity,
                                                      const model::SubmitTaskLogsRequest& request) = 0;
  // SubmitExecResult: the answer to a command a poll listed.
  [[nodiscard]] virtual Result<void> submit_exec_result(const JoinedIdentity& identity,
                                                        const model::SubmitExecResultRequest& request) = 0;
};

// Whether `error` from a ControlPlane call means the server did not answer (try again later).
inline bool unanswered(const Error& error) { return error.code == Code::server; }

}  // namespace berth::agent
