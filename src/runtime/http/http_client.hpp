// The HTTP client wrapper (DESIGN.md §2: httplib.h and the TLS library stay here): GET with
// headers, redirects followed, the body collected or streamed to a sink; POST of a body (the
// remote agent's API calls). https through mbedTLS
// with the server's certificate verified against the system's CA bundle (plus an optional extra
// one) and its name, or against a pinned SHA-256. Thread-safe (a connection per call).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cancellation.hpp"
#include "common/result.hpp"

namespace berth::runtime {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // empty when streamed to a sink
  std::string url;                             // after redirects
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;
// Receives body bytes of a 2xx reply with its status (200, or 206 for a range); false aborts.
using HttpSink = std::function<bool(int status, std::string_view bytes)>;

struct HttpOptions {
  int timeout_s = 30;
  std::string ca_file;  // PEM certificates trusted besides the system's (private registries)
  std::string system_ca_file = "/etc/ssl/certs/ca-certificates.crt";
  // The SHA-256 of the server's certificate (64 lowercase hex digits): when set, that certificate
  // alone is trusted, whatever its chain and names (a gateway's self-signed one), and no CA is read.
  std::string pinned_sha256 = {};
  // When given (it must outlive the call), cancelling it ends the call at once, whatever it waits
  // for, with an Error of sys_errno ECANCELED (over plain HTTP, a connect under way is not cut
  // short: the cancel waits for it, within the timeout; a TLS connect is let finish, then ended).
  Cancellation* cancel = nullptr;
};

// GETs `url`. With `sink`, a 2xx body goes to it (other bodies are collected for the error
// message). Authorization is not forwarded to another host on a redirect. A failed https
// connection to a server that does not speak TLS carries sys_errno EPROTO.
[[nodiscard]] Result<HttpResponse> http_get(const std::string& url, const HttpHeaders& headers,
                                            const HttpSink& sink = {}, const HttpOptions& options = {});

// POSTs `body` to `url` with `headers` (Content-Type among them). The reply's body as http_get's:
// a 2xx one to `sink` when given, else collected (bounded). Redirects are not followed: a signed
// request is for one host.
[[nodiscard]] Result<HttpResponse> http_post(const std::string& url, const HttpHeaders& headers, std::string_view body,
                                             const HttpOptions& options = {}, const HttpSink& sink = {});

}  // namespace berth::runtime
