// The metrics scrape token: Prometheus cannot sign SigV4, so GET /metrics (and only it) also
// takes "Authorization: Bearer <token>" with the token berth keeps in <data_dir>/metrics.token,
// which Prometheus reads with `authorization: {credentials_file: ...}`. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::api::auth {

// Returns the token in `path`, creating it at first start (32 random bytes as 64 hex digits and a
// line feed, mode 0600, written atomically). Whitespace around the token is ignored, so an
// operator may write one of their own. Refuses (ServerException saying what to do) a file that
// group or others may read, one larger than 4 KiB, and a token shorter than 16 characters or with
// characters outside printable ASCII.
[[nodiscard]] Result<std::string> load_or_create_scrape_token(const std::string& path);

// True if `authorization` (an Authorization header's value) uses the Bearer scheme.
bool is_bearer(std::string_view authorization);

// True if `authorization` is "Bearer <token>" with exactly `token`, compared in constant time.
// An empty `token` matches nothing.
bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace berth::api::auth
