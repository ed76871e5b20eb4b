#include "cli/signed_json_client.hpp"

#include "cli/signed_http.hpp"
#include "model/json_parse.hpp"

namespace berth::cli {

Code ecs_exception_code(std::string_view type) {
  return type == "InvalidParameterException" ? Code::invalid_parameter : Code::client;
}

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

SignedJsonClient::SignedJsonClient(std::string url, runtime::HttpOptions tls, const Clock& clock)
    : m_url(std::move(url)), m_tls(std::move(tls)), m_clock(clock) {}

Result<model::Json> SignedJsonClient::call(const std::string& target, const model::Json& body,
                                           const api::auth::SigningCredentials* credentials, std::string_view service,
                                           int timeout_s, ExceptionCode code_of, Cancellation* cancel) const {
  // A container's log lines and reasons are whatever bytes it printed: not UTF-8 is sent replaced
  // (as the API's own replies do), where a plain dump() would throw on the caller's thread.
  const std::string text = body.dump(-1, ' ', false, model::Json::error_handler_t::replace);
  SignedRequest request{.method = "POST",
                        .path_and_query = "/",
                        .headers = {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}},
                        .body = text,
                        .credentials = credentials,
                        .service = std::string(service),
                        .epoch_seconds = m_clock.now_ms() / 1000};
  auto options = m_tls;
  options.timeout_s = timeout_s;
  options.cancel = cancel;
  auto posted = send_signed(m_url, request, options, k_max_server_reply_bytes);
  if (!posted) return std::unexpected(posted.error());
  auto& reply = *posted;
  const auto json = model::parse_json(reply.body, "the server's reply");
  if (reply.status >= 500 || (reply.status != 200 && !json)) {
    return fail(Code::server, target + ": HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 200));
  }
  if (!json) return fail(Code::server, target + ": " + json.error().message);
  if (reply.status != 200) {
    const auto type = json->is_object() ? json->value("__type", "") : "";
    const auto message = json->is_object() ? json->value("message", json->value("Message", "")) : "";
    return fail(code_of(type), target.substr(target.find('.') + 1) + ": " + type + ": " + message);
  }
  return std::move(*json);
}

}  // namespace berth::cli
