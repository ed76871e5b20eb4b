#include "cli/control_plane_client.hpp"

#include "agent/joined_registrar.hpp"
#include "model/remote_agent_codecs.hpp"

namespace berth::cli {
namespace {

constexpr const char* k_ecs = "AmazonEC2ContainerServiceV20141113.";
constexpr const char* k_cluster = "BerthCluster.";

}  // namespace

ControlPlaneClient::ControlPlaneClient(std::string url, runtime::HttpOptions tls, const Clock& clock)
    : m_client(std::move(url), std::move(tls), clock) {}

Result<model::Json> ControlPlaneClient::call(const std::string& target, const model::Json& body,
                                             const agent::JoinedIdentity* identity, std::string_view service,
                                             int timeout_s, Cancellation* cancel) {
  if (!identity) return m_client.call(target, body, nullptr, service, timeout_s, ecs_exception_code, cancel);
  const api::auth::SigningCredentials credentials{identity->access_key_id, identity->secret_access_key, identity->region};
  return m_client.call(target, body, &credentials, service, timeout_s, ecs_exception_code, cancel);
}

Result<agent::JoinedIdentity> ControlPlaneClient::join(const std::string& token, const model::NodeRegistration& node) {
  BERTH_ASSIGN(const auto reply, call(std::string(k_cluster) + "JoinCluster", model::encode_join_request(token, node), nullptr, ""));
  BERTH_ASSIGN(const auto joined, model::decode_join_reply(reply));
  return agent::JoinedIdentity{.cluster = joined.cluster,
                               .instance_arn = reply["containerInstanceArn"].get<std::string>(),
                               .instance_id = joined.instance_id,
                               .access_key_id = joined.access_key_id,
                               .secret_access_key = joined.secret_access_key,
                               .region = joined.region,
                               .token_sha256 = "",
                               // The server's bound is 0-300 s; anything else (not a berth) is not known.
                               .poll_wait_seconds = joined.poll_wait_seconds >= 0 &&
                                                            joined.poll_wait_seconds <= agent::k_max_kept_poll_wait_seconds
                                                        ? static_cast<int>(joined.poll_wait_seconds)
                                                        : 0};
}

Result<void> ControlPlaneClient::register_again(const agent::JoinedIdentity& identity, const model::NodeRegistration& node) {
  BERTH_TRY(call(std::string(k_ecs) + "RegisterContainerInstance",
                 model::encode_reregistration(identity.cluster, identity.instance_arn, node), &identity, "ecs"));
  return {};
}

Result<model::PollInstanceTasksReply> ControlPlaneClient::poll(const agent::JoinedIdentity& identity,
                                                               const std::optional<std::string>& cursor, int wait_seconds,
                                                               Cancellation& cancel) {
  // The reply may take the whole wait: the connection waits that long and more.
  const auto ask = [&](bool accept_unchanged) {
    return call(std::string(k_cluster) + "PollInstanceTasks",
                model::encode_poll_request(identity.cluster, identity.instance_arn, cursor, wait_seconds, accept_unchanged),
                &identity, "berth", wait_seconds + 30, &cancel);
  };
  auto reply = ask(m_accept_unchanged.load());
  if (!reply && m_accept_unchanged.load() && reply.error().code != Code::server &&
      reply.error().message.find("acceptUnchanged") != std::string::npos) {
    m_accept_unchanged = false;  // a server before "unchanged" replies: complete ones from now on
    reply = ask(false);
  }
  if (!reply) return std::unexpected(reply.error());
  return model::decode_poll_reply(*reply);
}

Result<void> ControlPlaneClient::submit_task_state_change(const agent::JoinedIdentity& identity,
                                                          const model::SubmitTaskStateChangeRequest& request) {
  BERTH_TRY(call(std::string(k_ecs) + "SubmitTaskStateChange", model::encode_task_state_change(request), &identity, "ecs"));
  return {};
}

Result<void> ControlPlaneClient::submit_container_state_change(const agent::JoinedIdentity& identity,
                                                               const model::SubmitContainerStateChangeRequest& request) {
  BERTH_TRY(call(std::string(k_ecs) + "SubmitContainerStateChange", model::encode_container_state_change(request),
                 &identity, "ecs"));
  return {};
}

Result<void> ControlPlaneClient::submit_task_logs(const agent::JoinedIdentity& identity,
                                                  const model::SubmitTaskLogsRequest& request) {
  BERTH_TRY(call(std::string(k_cluster) + "SubmitTaskLogs", model::encode_submit_task_logs(request), &identity, "berth"));
  return {};
}

Result<void> ControlPlaneClient::submit_exec_result(const agent::JoinedIdentity& identity,
                                                    const model::SubmitExecResultRequest& request) {
  BERTH_TRY(call(std::string(k_cluster) + "SubmitExecResult", model::encode_submit_exec_result(request), &identity, "berth"));
  return {};
}

}  // namespace berth::cli
