// The serving gateway's API as a joined gateway's agent calls it (agent/control_plane.hpp over
// HTTPS): JSON 1.1 POSTs through the HTTP client wrapper, signed with the instance's key (SigV4:
// service `berth` for BerthCluster.*, `ecs` for ECS actions); JoinCluster alone goes unsigned.
// The server's certificate is checked against the pinned fingerprint or the CA file given, else
// the system's CAs. Thread-safe (a connection per call).
#pragma once

#include <string>

#include "agent/control_plane.hpp"
#include "common/clock.hpp"
#include "runtime/http/http_client.hpp"

namespace berth::cli {

// The largest reply taken from the server. A poll reply lists up to 1000 tasks with their task
// definitions (up to 64 KiB each): more than the HTTP client's 1 MiB for a body it collects, which
// it would cut short (a cut reply read as no answer, forever).
inline constexpr std::size_t k_max_server_reply_bytes = 8u << 20;

class ControlPlaneClient final : public agent::ControlPlane {
 public:
  // `url`: https://HOST:PORT (or http:// to loopback), as Config checked it.
  ControlPlaneClient(std::string url, runtime::HttpOptions tls, const Clock& clock);

  Result<agent::JoinedIdentity> join(const std::string& token, const model::NodeRegistration& node) override;
  Result<void> register_again(const agent::JoinedIdentity& identity, const model::NodeRegistration& node) override;
  Result<model::PollInstanceTasksReply> poll(const agent::JoinedIdentity& identity,
                                             const std::optional<std::string>& cursor, int wait_seconds) override;
  Result<void> submit_task_state_change(const agent::JoinedIdentity& identity,
                                        const model::SubmitTaskStateChangeRequest& request) override;
  Result<void> submit_container_state_change(const agent::JoinedIdentity& identity,
                                             const model::SubmitContainerStateChangeRequest& request) override;
  Result<void> submit_task_logs(const agent::JoinedIdentity& identity, const model::SubmitTaskLogsRequest& request) override;

 private:
  // POSTs `body` for `target`, signed with `identity`'s key for `service` unless it is null;
  // returns the reply's JSON. Errors as ControlPlane says: Code::server when unanswered (no
  // connection, 5xx), Code::client with the server's exception and message for a 4xx.
  Result<model::Json> call(const std::string& target, const model::Json& body, const agent::JoinedIdentity* identity,
                           std::string_view service, int timeout_s = 30);

  const std::string m_url;
  const runtime::HttpOptions m_tls;
  const Clock& m_clock;
};

// The HTTP options that check the server's certificate as the configuration says: `fingerprint`
// (64 hex digits) pinned, else `ca_file` alone, else the system's CAs.
runtime::HttpOptions server_trust(const std::string& fingerprint, const std::string& ca_file);

}  // namespace berth::cli
