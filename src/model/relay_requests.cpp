#include "model/relay_requests.hpp"

#include "model/execute_command.hpp"
#include "model/request_members.hpp"

namespace berth::model {

Json relay_requests_to_json(const std::vector<RelayRequest>& requests) {
  Json out = Json::array();
  for (const auto& r : requests) {
    Json request{{"sessionId", r.id},
                 {"kind", r.kind == RelayRequest::Kind::attach ? "attach" : "exec"},
                 {"runtimeId", r.runtime_id},
                 {"tty", r.tty},
                 {"interactive", r.interactive}};
    if (r.kind == RelayRequest::Kind::exec) request["command"] = r.argv;
    out.push_back(std::move(request));
  }
  return out;
}

Result<std::vector<RelayRequest>> relay_requests_from_json(const Json& json) {
  const auto malformed = [] { return fail(Code::server, "the server's reply is malformed: relayRequests"); };
  if (!json.is_array() || json.size() > k_max_listed_relay_requests) return malformed();
  std::vector<RelayRequest> out;
  for (const auto& r : json) {
    if (!r.is_object()) return malformed();
    for (const char* key : {"sessionId", "kind", "runtimeId"}) {
      if (!r.contains(key) || !r[key].is_string()) return malformed();
    }
    for (const char* key : {"tty", "interactive"}) {
      if (r.contains(key) && !r[key].is_boolean()) return malformed();
    }
    RelayRequest request;
    request.id = r["sessionId"].get<std::string>();
    request.runtime_id = r["runtimeId"].get<std::string>();
    request.tty = r.value("tty", false);
    request.interactive = r.value("interactive", false);
    const std::string kind = r["kind"].get<std::string>();
    if (kind == "attach") {
      request.kind = RelayRequest::Kind::attach;
    } else if (kind == "exec") {
      // An exec names its command: what the session runs there.
      if (!r.contains("command") || !r["command"].is_array() || r["command"].empty() ||
          r["command"].size() > k_max_command_words) {
        return malformed();
      }
      for (const auto& word : r["command"]) {
        if (!word.is_string()) return malformed();
        request.argv.push_back(word.get<std::string>());
      }
    } else {
      return malformed();
    }
    out.push_back(std::move(request));
  }
  return out;
}

const Shape& connect_relay_shape() {
  static const Shape k_string = string_shape();
  static const Shape k_shape = structure(
      {{"cluster", &k_string}, {"containerInstance", &k_string, true}, {"sessionId", &k_string, true}});
  return k_shape;
}

Result<ConnectRelayRequest> decode_connect_relay(const Json& body) {
  ConnectRelayRequest request;
  request.cluster = optional_string(body, "cluster");
  request.container_instance = body["containerInstance"].get<std::string>();
  request.session_id = body["sessionId"].get<std::string>();
  if (request.session_id.empty() || request.session_id.size() > 64) {
    return fail(Code::invalid_parameter, "sessionId must be 1 to 64 characters.");
  }
  return request;
}

Json encode_connect_relay(const ConnectRelayRequest& request) {
  Json out{{"containerInstance", request.container_instance}, {"sessionId", request.session_id}};
  if (request.cluster) out["cluster"] = *request.cluster;
  return out;
}

}  // namespace berth::model
