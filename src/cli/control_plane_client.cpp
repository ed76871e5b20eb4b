#include "cli/control_plane_client.hpp"

#include "cli/signed_http.hpp"
#include "model/json_parse.hpp"
#include "model/remote_agent_codecs.hpp"

namespace berth::cli {
namespace {

constexpr const char* k_ecs = "AmazonEC2ContainerServiceV20141113.";
constexpr const char* k_cluster = "BerthCluster.";

}  // namespace

runtime::HttpOptions server_trust(const std::string& fingerprint, const std::string& ca_file) {
  runtime::HttpOptions options;
  if (!fingerprint.empty()) {
    options.pinned_sha256 = fingerprint;
  } else if (!ca_file.empty()) {
    options.ca_file = ca_file;
    options.system_ca_file = "";
  }
  return options;
}

ControlPlaneClient::ControlPlaneClient(std::string url, runtime::HttpOptions tls, const Clock& clock)
    : m_url(std::move(url)), m_tls(std::move(tls)), m_clock(clock) {}

Result<model::Json> ControlPlaneClient::call(const std::string& target, const model::Json& body,
                                             const agent::JoinedIdentity* identity, std::string_view service,
                                             int timeout_s) {
  // A container's log lines and reasons are whatever bytes it printed: not UTF-8 is sent replaced
  // (as the API's own replies do), where a plain dump() would throw on the link's thread.
  const std::string text = body.dump(-1, ' ', false, model::Json::error_handler_t::replace);
  SignedRequest request{.method = "POST",
                        .path_and_query = "/",
                        .headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}},
                        .body = text,
                        .credentials = nullptr,
                        .service = std::string(service),
                        .epoch_seconds = m_clock.now_ms() / 1000};
  api::auth::SigningCredentials key;
  if (identity) {
    key = {identity->access_key_id, identity->secret_access_key, identity->region};
    request.credentials = &key;
  }
  auto options = m_tls;
  options.timeout_s = timeout_s;
  auto posted = send_signed(m_url, request, options, k_max_server_reply_bytes);
  if (!posted) return std::unexpected(posted.error().wrap(target));
  auto& reply = *posted;
  const auto json = model::parse_json(reply.body, "the server's reply");
  if (reply.status >= 500 || (reply.status != 200 && !json)) {
    return fail(Code::server, target + ": HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 200));
  }
  if (!json) return fail(Code::server, target + ": " + json.error().message);
  if (reply.status != 200) {
    const auto type = json->is_object() ? json->value("__type", "") : "";
    const auto message = json->is_object() ? json->value("message", json->value("Message", "")) : "";
    return fail(type == "InvalidParameterException" ? Code::invalid_parameter : Code::client,
                target.substr(target.find('.') + 1) + ": " + type + ": " + message);
  }
  return std::move(*json);
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
                               .token_sha256 = ""};
}

Result<void> ControlPlaneClient::register_again(const agent::JoinedIdentity& identity, const model::NodeRegistration& node) {
  BERTH_TRY(call(std::string(k_ecs) + "RegisterContainerInstance",
                 model::encode_reregistration(identity.cluster, identity.instance_arn, node), &identity, "ecs"));
  return {};
}

Result<model::PollInstanceTasksReply> ControlPlaneClient::poll(const agent::JoinedIdentity& identity,
                                                               const std::optional<std::string>& cursor, int wait_seconds) {
  // The reply may take the whole wait: the connection waits that long and more.
  BERTH_ASSIGN(const auto reply, call(std::string(k_cluster) + "PollInstanceTasks",
                                      model::encode_poll_request(identity.cluster, identity.instance_arn, cursor, wait_seconds),
                                      &identity, "berth", wait_seconds + 30));
  return model::decode_poll_reply(reply);
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

}  // namespace berth::cli
