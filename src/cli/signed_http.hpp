// One request to a berth's API over TCP, signed with SigV4 when credentials are given: what a
// joined gateway's agent (control_plane_client.hpp) and the operator verbs with --endpoint
// (api_connection.hpp) both send. The reply's body is collected up to a bound, so a bad or hostile
// server cannot make the client hold more. Thread-safe (a connection per call).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/auth/sigv4_signer.hpp"
#include "runtime/http/http_client.hpp"

namespace berth::cli {

struct SignedRequest {
  std::string method = "POST";      // POST (a JSON 1.1 action) or GET (a REST read)
  std::string path_and_query = "/";  // percent-encoded as the request line carries it
  api::auth::SignedHeaderList headers;
  std::string body;
  // Unsigned when null (JoinCluster, which a join token authorizes).
  const api::auth::SigningCredentials* credentials = nullptr;
  std::string service;  // the signing name: "ecs", "berth", "scheduler"
  std::int64_t epoch_seconds = 0;
};

// Returns HOST:PORT of `url` (http(s)://HOST:PORT[/...]), as the Host header carries it.
std::string host_port_of(const std::string& url);

// Sends `request` to `base_url` (http(s)://HOST:PORT) with `options` (trust, timeout). Returns the
// reply with its status and body (a 2xx body collected up to `max_reply_bytes`, any other as the
// HTTP client bounds it); Code::server when the body of a 2xx reply is larger, or the transport's
// error when no reply came (its sys_errno EPROTO when the server does not speak TLS).
[[nodiscard]] Result<runtime::HttpResponse> send_signed(const std::string& base_url, const SignedRequest& request,
                                                        const runtime::HttpOptions& options, std::size_t max_reply_bytes);

}  // namespace berth::cli
