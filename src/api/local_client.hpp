// A small HTTP client for berth's own API over its unix socket (the CLI verbs that need the
// daemon). Not thread-safe; one per call site.
#pragma once

#include <string>

#include "common/result.hpp"

namespace berth::api {

struct LocalReply {
  int status = 0;
  std::string body;
};

// GETs `path_and_query` from the daemon listening on `socket_path`.
[[nodiscard]] Result<LocalReply> local_get(const std::string& socket_path, const std::string& path_and_query);

// POSTs a JSON 1.1 request for `target` ("BerthKeys.CreateAccessKey") with `body`.
[[nodiscard]] Result<LocalReply> local_post(const std::string& socket_path, const std::string& target,
                                            const std::string& body);

// URL-encodes a query parameter value.
std::string url_encode(const std::string& value);

}  // namespace berth::api
