// How the operator verbs reach a berth's API: the daemon's unix socket (the default; it
// authorizes by peer credentials, nothing is signed), or with --endpoint URL a berth's TCP
// listener, each request signed with SigV4 by an access key found where the aws CLI finds one
// (aws_credentials.hpp). Failures read as one sentence saying what to do. Not thread-safe; one
// per verb run.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "api/auth/sigv4_signer.hpp"
#include "cli/aws_credentials.hpp"
#include "cli/flags.hpp"
#include "common/config.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "runtime/http/http_client.hpp"
#include "runtime/http/tls_tunnel.hpp"

namespace berth::cli {

class ApiConnection {
 public:
  // Over the unix socket at `socket_path`.
  explicit ApiConnection(std::string socket_path = "") : m_socket_path(std::move(socket_path)) {}
  // Over TCP to `url` (as check_gateway_url() returns it), trusting its certificate as `trust`
  // says, signing with `key` for `region`.
  ApiConnection(std::string url, runtime::HttpOptions trust, api::auth::SigningCredentials key);

  // Sends a JSON 1.1 action ("AmazonEC2ContainerServiceV20141113.ListTasks"); the reply's JSON
  // object, or an error carrying the API's message (and for TCP what to do about it).
  [[nodiscard]] Result<model::Json> post(const std::string& target, const model::Json& request) const;

  // GETs a REST path with its query ("/schedules?MaxResults=100"), signed for `service`
  // ("scheduler", "berth"); the reply's JSON object, or the error as post().
  [[nodiscard]] Result<model::Json> get(const std::string& path_and_query, std::string_view service) const;

  // TCP only: opens a connection that leaves HTTP after a 101 (`berth exec`): a TLS tunnel to the
  // server on which `body` went to `path` as a POST with `headers`, signed for `service`. The
  // server's reply and what follows are read from the tunnel's socket. InvalidParameter for an
  // http:// endpoint (a session is not sent in the clear); else the errors of post().
  [[nodiscard]] Result<std::unique_ptr<runtime::TlsTunnel>> open_upgrade(const std::string& path,
                                                                         const api::auth::SignedHeaderList& headers,
                                                                         const std::string& body,
                                                                         std::string_view service) const;

  bool remote() const { return !m_url.empty(); }
  // The socket's path, or the URL.
  const std::string& address() const { return remote() ? m_url : m_socket_path; }
  // TCP: the key and region requests are signed with; the trust of the server's certificate.
  const api::auth::SigningCredentials& signing_key() const { return m_key; }
  const runtime::HttpOptions& trust() const { return m_trust; }

 private:
  Result<model::Json> send_remote(std::string method, const std::string& path_and_query, api::auth::SignedHeaderList headers,
                                  std::string body, std::string_view service) const;

  std::string m_socket_path;
  std::string m_url;
  runtime::HttpOptions m_trust;
  api::auth::SigningCredentials m_key;
};

// The flags that choose the connection: --endpoint URL, --ca-bundle FILE, --fingerprint SHA256,
// --profile NAME.
std::set<std::string> endpoint_flags();

// The connection `args` ask for: the socket of `config` without --endpoint; with it, TCP signed
// by the key `environment` and --profile lead to (find_aws_credentials), for the region of
// --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's, else `config`'s. The certificate is trusted by --fingerprint, else
// --ca-bundle or AWS_CA_BUNDLE, else the system's CAs. InvalidParameter for a bad flag value;
// ClientException when no key is found.
[[nodiscard]] Result<ApiConnection> connection_of(const ParsedArgs& args, const Config& config,
                                                  const Environment& environment);

}  // namespace berth::cli
