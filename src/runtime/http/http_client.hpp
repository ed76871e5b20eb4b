// The HTTP client wrapper (DESIGN.md §2: httplib.h stays here and in api/): GET with headers,
// redirects followed, the body collected or streamed to a sink. Plain HTTP; https URLs are
// refused until the build carries a TLS library. Thread-safe (a connection per call).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// GETs `url`. With `sink`, a 2xx body goes to it (other bodies are collected for the error
// message). Authorization is not forwarded to another host on a redirect.
[[nodiscard]] Result<HttpResponse> http_get(const std::string& url, const HttpHeaders& headers,
                                            const HttpSink& sink = {}, int timeout_s = 30);

}  // namespace berth::runtime
