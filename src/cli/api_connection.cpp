#include "cli/api_connection.hpp"

#include <cerrno>

#include "cli/control_plane_client.hpp"
#include "cli/daemon_call.hpp"
#include "cli/json_fields.hpp"
#include "cli/signed_http.hpp"
#include "common/clock.hpp"
#include "common/files.hpp"
#include "model/json_parse.hpp"

namespace berth::cli {
namespace {

// A verb's reply: the largest List or Describe page holds 100 tasks.
constexpr std::size_t k_max_reply_bytes = 16u << 20;

// The signing name of a JSON 1.1 target, as the server's routes expect it.
std::string_view service_of(std::string_view target) {
  if (target.starts_with("BerthKeys.") || target.starts_with("BerthCluster.")) return "berth";
  return "ecs";
}

// The error name of a reply: JSON 1.1's __type ("...#AccessDeniedException"), else REST's header.
std::string error_type(const runtime::HttpResponse& reply, const model::Json& body) {
  std::string type = text_member(body, "__type");
  if (type.empty()) {
    const auto header = reply.headers.find("x-amzn-errortype");
    if (header != reply.headers.end()) type = header->second.substr(0, header->second.find(':'));
  }
  return type.substr(type.find('#') + 1);
}

// What to do about a refused request, by the error's name; empty when the message says enough.
std::string advice_for(const std::string& type, const std::string& message, const std::string& key_id) {
  if (type == "AccessDeniedException") {
    return "the policy of key " + key_id + " does not allow this; use a key whose policy does (`berth key create --policy` on the gateway)";
  }
  if (type == "UnrecognizedClientException") {
    return "the gateway has no key " + key_id + "; use one `berth key create` made there (`berth key ls` lists them)";
  }
  if (type == "InvalidSignatureException" || type == "IncompleteSignatureException") {
    if (message.find("region") != std::string::npos || message.find("scope") != std::string::npos) {
      return "sign for the gateway's region with --region (`berth info` there shows it)";
    }
    if (message.find("xpired") != std::string::npos || message.find("not yet current") != std::string::npos) {
      return "set this computer's clock right";
    }
    return "the secret access key is not the one of key " + key_id + "; check AWS_SECRET_ACCESS_KEY or the credentials file";
  }
  return "";
}

// Why a request got no reply, in one sentence with what to do.
Error unreached(const std::string& url, const Error& error) {
  std::string advice = "check that berth serves there (`berth info` on the gateway shows its listen address)";
  if (error.sys_errno == EPROTO) {
    advice = "it does not speak TLS: use http:// (only to 127.0.0.1 or [::1])";
  } else if (error.message.find("certificate") != std::string::npos) {
    advice = "trust its certificate with --ca-bundle FILE (DATA-DIR/tls/cert.pem on the gateway) or --fingerprint SHA256 "
             "(`berth info` there shows it)";
  }
  // The transport's message starts with "POST URL: ", "GET URL: " or "CONNECT URL: "; the URL is said once.
  std::string why = error.message;
  if (const auto at = why.find(url); at != std::string::npos && at <= 8) {
    const auto colon = why.find(": ", at);
    if (colon != std::string::npos) why = why.substr(colon + 2);
  }
  return Error{Code::server, "cannot reach berth at " + url + " (" + why + "); " + advice, error.sys_errno};
}

}  // namespace

ApiConnection::ApiConnection(std::string url, runtime::HttpOptions trust, api::auth::SigningCredentials key)
    : m_url(std::move(url)), m_trust(std::move(trust)), m_key(std::move(key)) {}

Result<model::Json> ApiConnection::post(const std::string& target, const model::Json& request) const {
  if (!remote()) return daemon_request(m_socket_path, target, request);
  return send_remote("POST", "/", {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", target}},
                     request.dump(-1, ' ', false, model::Json::error_handler_t::replace), service_of(target));
}

Result<model::Json> ApiConnection::get(const std::string& path_and_query, std::string_view service) const {
  if (!remote()) return daemon_get(m_socket_path, path_and_query);
  return send_remote("GET", path_and_query, {}, "", service);
}

Result<model::Json> ApiConnection::send_remote(std::string method, const std::string& path_and_query,
                                               api::auth::SignedHeaderList headers, std::string body,
                                               std::string_view service) const {
  const SignedRequest request{.method = std::move(method),
                              .path_and_query = path_and_query,
                              .headers = std::move(headers),
                              .body = std::move(body),
                              .credentials = &m_key,
                              .service = std::string(service),
                              .epoch_seconds = SystemClock().now_ms() / 1000};
  auto sent = send_signed(m_url, request, m_trust, k_max_reply_bytes);
  if (!sent) {
    if (sent.error().message.starts_with("the reply to")) return std::unexpected(sent.error());
    return std::unexpected(unreached(m_url, sent.error()));
  }
  const auto body_json = model::Json::parse(sent->body, nullptr, false);
  if (sent->status == 200 && body_json.is_object()) return body_json;
  if (!body_json.is_object()) {
    return fail(Code::server, m_url + " answered " + std::to_string(sent->status) + ": " + sent->body.substr(0, 200));
  }
  std::string message = text_member(body_json, "message", text_member(body_json, "Message").c_str());
  if (message.empty()) message = m_url + " answered " + std::to_string(sent->status);
  const std::string advice = advice_for(error_type(*sent, body_json), message, m_key.access_key_id);
  // One sentence: the server's full stop gives way to what to do.
  if (!advice.empty() && message.ends_with('.')) message.pop_back();
  return fail(sent->status >= 500 ? Code::server : Code::client, message + (advice.empty() ? "" : "; " + advice));
}

Result<std::unique_ptr<runtime::TlsTunnel>> ApiConnection::open_upgrade(const std::string& path,
                                                                        const api::auth::SignedHeaderList& headers,
                                                                        const std::string& body,
                                                                        std::string_view service) const {
  if (!m_url.starts_with("https://")) {
    return fail(Code::invalid_parameter, "--endpoint must be https:// here: an exec session is not sent in the clear");
  }
  const auto signed_headers = api::auth::sign_request("POST", host_port_of(m_url), path, headers, body, m_key, service,
                                                      SystemClock().now_ms() / 1000);
  // The signer leaves Host out (a transport writes it from the URL): here this is the transport.
  std::string request = "POST " + path + " HTTP/1.1\r\nHost: " + host_port_of(m_url) + "\r\n";
  for (const auto& [name, value] : signed_headers) request += name + ": " + value + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  auto tunnel = runtime::TlsTunnel::open(m_url, m_trust);
  if (!tunnel) return std::unexpected(unreached(m_url, tunnel.error()));
  if (write_all((*tunnel)->socket(), request) != 0) return fail(Code::server, "cannot reach berth at " + m_url + ": it closed the connection");
  return std::move(*tunnel);
}

std::set<std::string> endpoint_flags() { return {"endpoint", "ca-bundle", "fingerprint", "profile"}; }

Result<ApiConnection> connection_of(const ParsedArgs& args, const Config& config, const Environment& environment) {
  const auto flag = [&](const char* name) {
    const auto it = args.flags.find(name);
    return it == args.flags.end() ? std::string() : it->second;
  };
  if (!args.flags.contains("endpoint")) {
    if (args.flags.contains("ca-bundle") || args.flags.contains("fingerprint") || args.flags.contains("profile")) {
      return fail(Code::invalid_parameter, "--ca-bundle, --fingerprint and --profile go with --endpoint");
    }
    return ApiConnection(config.socket_path);
  }
  BERTH_ASSIGN(const auto url, check_gateway_url("--endpoint", flag("endpoint")));
  if (url.empty()) return fail(Code::invalid_parameter, "--endpoint takes https://HOST:PORT");
  BERTH_ASSIGN(const auto fingerprint, check_fingerprint("--fingerprint", flag("fingerprint")));
  std::string ca_file = flag("ca-bundle");
  if (ca_file.empty()) ca_file = environment("AWS_CA_BUNDLE").value_or("");
  if (args.flags.contains("profile") && flag("profile").empty()) return fail(Code::invalid_parameter, "--profile takes a NAME");
  BERTH_ASSIGN(const auto key, find_aws_credentials(environment, flag("profile")));
  std::string region = config.region;
  if (!args.flags.contains("region")) {
    std::string chosen = key.region;  // the profile's, when the environment names none
    for (const char* name : {"AWS_DEFAULT_REGION", "AWS_REGION"}) {
      if (const auto value = environment(name); value && !value->empty()) chosen = *value;
    }
    if (!chosen.empty()) region = chosen;
  }
  return ApiConnection(url, server_trust(fingerprint, ca_file), {key.access_key_id, key.secret_access_key, region});
}

}  // namespace berth::cli
