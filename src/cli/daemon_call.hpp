// Requests to the running daemon over its unix socket: JSON 1.1 actions (ECS, BerthKeys,
// BerthCluster) and REST reads (Scheduler's /schedules), for the verbs that manage or show the
// gateway. The socket authorizes by peer credentials, so nothing is signed. Main thread only.
#pragma once

#include <optional>
#include <string>

#include "common/config.hpp"
#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Sends `request` with X-Amz-Target `target` to the daemon at `socket_path`. Returns the reply's
// JSON object; an error carrying the API's message (or why the daemon could not be reached).
[[nodiscard]] Result<model::Json> daemon_request(const std::string& socket_path, const std::string& target,
                                                 const model::Json& request);

// GETs `path_and_query` from the daemon; the reply's JSON object, or the error as above.
[[nodiscard]] Result<model::Json> daemon_get(const std::string& socket_path, const std::string& path_and_query);

// daemon_request() to config.socket_path, printing "berth: <message>" to stderr on failure.
std::optional<model::Json> call_daemon(const Config& config, const std::string& target, const model::Json& request);

}  // namespace berth::cli
