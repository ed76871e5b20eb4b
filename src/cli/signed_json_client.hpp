// JSON 1.1 calls to another berth (or any AWS-compatible endpoint): a POST sent by send_signed
// (signed_http.hpp), SigV4-signed when given credentials, the reply's JSON
// or its exception as an Error. Shared by the joined agent's ControlPlaneClient and the log
// forwarder's LogsEndpointClient. The server's certificate is checked as the HttpOptions say
// (server_trust). Thread-safe (a connection per call).
#pragma once

#include <string>
#include <string_view>

#include "api/auth/sigv4_signer.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"
#include "runtime/http/http_client.hpp"

namespace berth::cli {

// The largest reply taken from the server. A poll reply lists up to 1000 tasks with their task
// definitions (up to 64 KiB each): more than the HTTP client's 1 MiB for a body it collects, which
// it would cut short (a cut reply read as no answer, forever).
inline constexpr std::size_t k_max_server_reply_bytes = 8u << 20;

// How a 4xx reply's exception name (`__type`) becomes an Error's code.
using ExceptionCode = Code (*)(std::string_view type);
// InvalidParameterException → invalid_parameter; any other → client.
Code ecs_exception_code(std::string_view type);

class SignedJsonClient {
 public:
  // `url`: https://HOST:PORT (or http:// to loopback), as Config checked it.
  SignedJsonClient(std::string url, runtime::HttpOptions tls, const Clock& clock);

  // POSTs `body` for `target` (X-Amz-Target), signed with `credentials` for `service` unless
  // they are null; returns the reply's JSON. Code::server when unanswered (no connection, a
  // timeout, 5xx, a reply too large or not JSON); a 4xx as `code_of` says, with the message
  // "<Action>: <exception>: <message>". `cancel`: as HttpOptions::cancel (ECANCELED, Code::server).
  [[nodiscard]] Result<model::Json> call(const std::string& target, const model::Json& body,
                                         const api::auth::SigningCredentials* credentials, std::string_view service,
                                         int timeout_s = 30, ExceptionCode code_of = ecs_exception_code,
                                         Cancellation* cancel = nullptr) const;

  const std::string& url() const { return m_url; }

 private:
  const std::string m_url;
  const runtime::HttpOptions m_tls;
  const Clock& m_clock;
};

// The HTTP options that check the server's certificate as the configuration says: `fingerprint`
// (64 hex digits) pinned, else `ca_file` alone, else the system's CAs.
runtime::HttpOptions server_trust(const std::string& fingerprint, const std::string& ca_file);

}  // namespace berth::cli
