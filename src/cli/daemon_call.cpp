#include "cli/daemon_call.hpp"

#include <iostream>

#include "api/local_client.hpp"

namespace berth::cli {
namespace {

// The reply's JSON object; a failure carries the API's own message and error name.
Result<model::Json> json_of(const Result<api::LocalReply>& reply) {
  if (!reply) return std::unexpected(reply.error());
  auto body = model::Json::parse(reply->body, nullptr, false);
  if (reply->status == 200 && body.is_object()) return body;
  if (!body.is_object()) return fail(Code::server, "the daemon answered " + std::to_string(reply->status) + ": " + reply->body);
  // ECS names the error in __type ("...#ServiceNotFoundException"); Scheduler in Message.
  const std::string message = body.value("message", body.value("Message", reply->body));
  return fail(reply->status >= 500 ? Code::server : Code::client, message);
}

}  // namespace

Result<model::Json> daemon_request(const std::string& socket_path, const std::string& target,
                                   const model::Json& request) {
  return json_of(api::local_post(socket_path, target, request.dump()));
}

Result<model::Json> daemon_get(const std::string& socket_path, const std::string& path_and_query) {
  return json_of(api::local_get(socket_path, path_and_query));
}

std::optional<model::Json> call_daemon(const Config& config, const std::string& target, const model::Json& request) {
  auto reply = daemon_request(config.socket_path, target, request);
  if (!reply) {
    std::cerr << "berth: " << reply.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*reply);
}

}  // namespace berth::cli
