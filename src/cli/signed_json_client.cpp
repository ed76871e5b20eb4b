#include "cli/signed_json_client.hpp"

#include "model/json_parse.hpp"

namespace berth::cli {
namespace {

std::string host_port_of(const std::string& url) {
  const auto start = url.find("://");
  const auto host = url.substr(start == std::string::npos ? 0 : start + 3);
  return host.substr(0, host.find('/'));
}

}  // namespace

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
    : m_url(std::move(url)), m_host_port(host_port_of(m_url)), m_tls(std::move(tls)), m_clock(clock) {}

Result<model::Json> SignedJsonClient::call(const std::string& target, const model::Json& body,
                                           const api::auth::SigningCredentials* credentials, std::string_view service,
                                           int timeout_s, ExceptionCode code_of) const {
  // A container's log lines and reasons are whatever bytes it printed: not UTF-8 is sent replaced
  // (as the API's own replies do), where a plain dump() would throw on the caller's thread.
  const std::string text = body.dump(-1, ' ', false, model::Json::error_handler_t::replace);
  api::auth::SignedHeaderList headers{{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}};
  if (credentials) {
    headers = api::auth::sign_request("POST", m_host_port, "/", headers, text, *credentials, service, m_clock.now_ms() / 1000);
  }
  auto options = m_tls;
  options.timeout_s = timeout_s;
  std::string answered;  // a 2xx body; any other stays in the response's (bounded) body
  bool too_large = false;
  const runtime::HttpSink collect = [&](int, std::string_view bytes) {
    too_large = answered.size() + bytes.size() > k_max_server_reply_bytes;
    if (!too_large) answered.append(bytes);
    return !too_large;
  };
  auto posted = runtime::http_post(m_url + "/", headers, text, options, collect);
  if (too_large) {
    return fail(Code::server, target + ": the reply is larger than " + std::to_string(k_max_server_reply_bytes >> 20) + " MiB");
  }
  if (!posted) return std::unexpected(posted.error());
  auto& reply = *posted;
  if (reply.status >= 200 && reply.status < 300) reply.body = std::move(answered);
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
