// The serving gateway's API as a joined gateway's agent calls it (agent/control_plane.hpp over
// HTTPS): JSON 1.1 POSTs (cli/signed_json_client), signed with the instance's key (SigV4:
// service `berth` for BerthCluster.*, `ecs` for ECS actions); JoinCluster alone goes unsigned.
// The server's certificate is checked against the pinned fingerprint or the CA file given, else
// the system's CAs. Thread-safe (a connection per call).
#pragma once

#include <atomic>
#include <string>

#include "agent/control_plane.hpp"
#include "common/clock.hpp"
#include "cli/signed_json_client.hpp"

namespace berth::cli {

class ControlPlaneClient final : public agent::ControlPlane {
 public:
  // `url`: https://HOST:PORT (or http:// to loopback), as Config checked it.
  ControlPlaneClient(std::string url, runtime::HttpOptions tls, const Clock& clock);

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

 private:
  // POSTs `body` for `target`, signed with `identity`'s key for `service` unless it is null;
  // returns the reply's JSON. Errors as ControlPlane says: Code::server when unanswered (no
  // connection, 5xx), Code::client with the server's exception and message for a 4xx.
  Result<model::Json> call(const std::string& target, const model::Json& body, const agent::JoinedIdentity* identity,
                           std::string_view service, int timeout_s = 30, Cancellation* cancel = nullptr);

  const SignedJsonClient m_client;
  // Polls ask for "unchanged" replies (the link keeps its state on one) until a server before
  // them refuses the member; then they never do again.
  std::atomic<bool> m_accept_unchanged{true};
};

}  // namespace berth::cli
