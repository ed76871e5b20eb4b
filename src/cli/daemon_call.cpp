#include "cli/daemon_call.hpp"

#include <iostream>

#include "api/local_client.hpp"

namespace berth::cli {

std::optional<model::Json> call_daemon(const Config& config, const std::string& target, const model::Json& request) {
  auto reply = api::local_post(config.socket_path, target, request.dump());
  if (!reply) {
    std::cerr << "berth: " << reply.error().message << "\n";
    return std::nullopt;
  }
  auto body = model::Json::parse(reply->body, nullptr, false);
  if (reply->status != 200 || !body.is_object()) {
    std::cerr << "berth: " << (body.is_object() ? body.value("message", reply->body) : reply->body) << "\n";
    return std::nullopt;
  }
  return body;
}

}  // namespace berth::cli
