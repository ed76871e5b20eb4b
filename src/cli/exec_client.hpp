// The client side of a `berth exec` session with the daemon: the request that opens it (on the
// unix socket whole; over --endpoint its body and headers, which ApiConnection signs), and
// reading the daemon's answer (101 and the session, or an ECS-shaped error). Pure but for
// read_session_opening, which reads a socket; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "model/execute_command.hpp"

namespace berth::cli {

// The JSON body that asks for a session for `request`.
std::string exec_session_body(const model::ExecSessionRequest& request);
// The headers besides Host and Content-Length that ask for it: Connection, Upgrade: berth-exec,
// Content-Type.
std::vector<std::pair<std::string, std::string>> exec_session_headers();
// The HTTP request on the unix socket that opens a session for `request` (api's k_exec_path).
std::string exec_session_request(const model::ExecSessionRequest& request);

// The most a refusal may take before the client gives up reading it.
inline constexpr std::size_t k_max_session_reply_bytes = 64 * 1024;

struct SessionReply {
  bool opened = false;       // 101: the session's frames follow
  std::string refusal;       // otherwise: "<ErrorType>: <message>" as the daemon said it
  std::size_t consumed = 0;  // opened: the bytes of the 101 head (frames may follow in the same read)
};

// Reads the daemon's answer from what has been received so far: nothing until it is complete;
// InvalidParameter for bytes that are not an HTTP reply or one over k_max_session_reply_bytes.
[[nodiscard]] Result<std::optional<SessionReply>> parse_session_reply(std::string_view received);

// Reads the answer to a session's request from `socket` (`peer` names who answers, for the
// messages), waiting at most `timeout_s` for each read (0: as long as it takes): the bytes after a
// 101 (the session's first), or the refusal ("<ErrorType>: <message>", Code::client), a reply
// that is not one (InvalidParameter), or a peer that closed (Code::server).
[[nodiscard]] Result<std::string> read_session_opening(int socket, std::string_view peer, int timeout_s = 0);

}  // namespace berth::cli
