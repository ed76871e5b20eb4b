#include "cli/exec_client.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "api/http_routes.hpp"
#include "common/ascii.hpp"
#include "common/numbers.hpp"

namespace berth::cli {

std::string exec_session_body(const model::ExecSessionRequest& request) {
  model::Json body{{"task", request.task}, {"tty", request.tty}, {"interactive", request.interactive}};
  if (request.attach) {
    body["attach"] = true;
  } else {
    body["command"] = request.argv;
  }
  if (request.cluster) body["cluster"] = *request.cluster;
  if (request.container) body["container"] = *request.container;
  return body.dump(-1, ' ', false, model::Json::error_handler_t::replace);
}

std::vector<std::pair<std::string, std::string>> exec_session_headers() {
  return {{"Connection", "Upgrade"}, {"Upgrade", std::string(api::k_exec_upgrade)}, {"Content-Type", "application/json"}};
}

std::string exec_session_request(const model::ExecSessionRequest& request) {
  const std::string text = exec_session_body(request);
  std::string head = std::string("POST ") + std::string(api::k_exec_path) + " HTTP/1.1\r\nHost: localhost\r\n";
  for (const auto& [name, value] : exec_session_headers()) head += name + ": " + value + "\r\n";
  return head + "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text;
}

Result<std::optional<SessionReply>> parse_session_reply(std::string_view received) {
  const auto head_end = received.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    if (received.size() > k_max_session_reply_bytes) return fail(Code::invalid_parameter, "the daemon's reply is too long");
    return std::nullopt;
  }
  const std::string_view head = received.substr(0, head_end);
  if (!head.starts_with("HTTP/1.") || head.size() < 12) return fail(Code::invalid_parameter, "the daemon's reply is not HTTP");
  const auto status = parse_integer<int>(head.substr(9, 3));
  if (!status) return fail(Code::invalid_parameter, "the daemon's reply has no status");
  if (*status == 101) return SessionReply{true, "", head_end + 4};
  // A refusal: its JSON body, framed by Content-Length (the daemon always sends one).
  std::size_t length = 0;
  for (std::size_t at = head.find("\r\n"); at != std::string_view::npos;) {
    const std::size_t next = head.find("\r\n", at + 2);
    const std::string_view line = head.substr(at + 2, next == std::string_view::npos ? head.npos : next - at - 2);
    if (const auto colon = line.find(':'); colon != std::string_view::npos &&
                                           equals_ignoring_case(line.substr(0, colon), "content-length")) {
      std::string_view value = line.substr(colon + 1);
      while (value.starts_with(' ')) value.remove_prefix(1);
      const auto parsed = parse_integer<std::size_t>(value);
      if (!parsed || *parsed > k_max_session_reply_bytes) return fail(Code::invalid_parameter, "the daemon's reply has a bad length");
      length = *parsed;
    }
    at = next;
  }
  if (received.size() < head_end + 4 + length) return std::nullopt;
  const auto body = model::Json::parse(received.substr(head_end + 4, length), nullptr, false);
  std::string refusal = "HTTP " + std::to_string(*status);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    const auto type = body.contains("__type") && body["__type"].is_string() ? body["__type"].get<std::string>() : refusal;
    refusal = type + ": " + body["message"].get<std::string>();
  }
  return SessionReply{false, refusal, head_end + 4 + length};
}

Result<std::string> read_session_opening(int socket, std::string_view peer, int timeout_s) {
  timeval bound{timeout_s, 0};
  if (timeout_s > 0) (void)::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  std::string received;
  while (true) {
    BERTH_ASSIGN(const auto reply, parse_session_reply(received));
    if (reply) {
      if (timeout_s > 0) {
        bound = {0, 0};  // the session itself waits as long as its user does
        (void)::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
      }
      if (!reply->opened) return fail(Code::client, reply->refusal);
      return received.substr(reply->consumed);
    }
    char buffer[4096];
    const ssize_t n = ::read(socket, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(Code::server, std::string(peer) + " closed the connection");
    received.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace berth::cli
