// One JSON 1.1 request to the running daemon over its unix socket, for the verbs that manage it
// (`berth key`, `berth join-token`): the reply's body, or the error printed. Main thread only.
#pragma once

#include <optional>
#include <string>

#include "common/config.hpp"
#include "model/schema.hpp"

namespace berth::cli {

// Sends `request` with X-Amz-Target `target` to the daemon at config.socket_path. Returns the
// reply's JSON object, or prints "berth: <message>" to stderr and returns nothing.
std::optional<model::Json> call_daemon(const Config& config, const std::string& target, const model::Json& request);

}  // namespace berth::cli
