#include "model/remote_logs.hpp"

#include <algorithm>

#include "model/request_members.hpp"

namespace berth::model {

const Shape& submit_task_logs_shape() {
  static const Shape k_string = string_shape();
  static const Shape k_line = structure({{"time", &k_string}, {"stream", &k_string}, {"text", &k_string}});
  static const Shape k_lines = list_of(k_line);
  static const Shape k_logs = map_of(k_lines);
  static const Shape k_cursors = map_of(k_string);
  static const Shape k_more = list_of(k_string);
  static const Shape k_shape = structure({{"cluster", &k_string},
                                          {"containerInstance", &k_string, true},
                                          {"requestId", &k_string, true},
                                          {"logs", &k_logs, true},
                                          {"cursors", &k_cursors},
                                          {"more", &k_more}});
  return k_shape;
}

Result<SubmitTaskLogsRequest> decode_submit_task_logs(const Json& body) {
  SubmitTaskLogsRequest request;
  request.cluster = optional_string(body, "cluster");
  request.container_instance = body["containerInstance"].get<std::string>();
  request.request_id = body["requestId"].get<std::string>();
  for (auto it = body["logs"].begin(); it != body["logs"].end(); ++it) request.logs[it.key()] = it.value();
  if (body.contains("cursors")) {
    for (auto it = body["cursors"].begin(); it != body["cursors"].end(); ++it) {
      const auto cursor = parse_cursor(it.value().get<std::string>());
      if (!cursor) return fail(Code::invalid_parameter, "cursors." + it.key() + " is not FILE.OFFSET.");
      request.cursors[it.key()] = *cursor;
    }
  }
  if (body.contains("more")) {
    for (const auto& id : body["more"]) request.more.insert(id.get<std::string>());
  }
  return request;
}

Json encode_submit_task_logs(const SubmitTaskLogsRequest& request) {
  Json logs = Json::object();
  for (const auto& [runtime_id, lines] : request.logs) logs[runtime_id] = lines;
  Json out{{"containerInstance", request.container_instance}, {"requestId", request.request_id}, {"logs", std::move(logs)}};
  if (request.cluster) out["cluster"] = *request.cluster;
  if (!request.cursors.empty()) {
    Json cursors = Json::object();
    for (const auto& [runtime_id, cursor] : request.cursors) cursors[runtime_id] = cursor_text(cursor);
    out["cursors"] = std::move(cursors);
  }
  if (!request.more.empty()) out["more"] = request.more;
  return out;
}

Json log_requests_to_json(const std::vector<LogRequest>& requests) {
  Json out = Json::array();
  for (const auto& r : requests) {
    Json request{{"requestId", r.id}, {"runtimeIds", r.runtime_ids}};
    if (r.cursors) {
      Json cursors = Json::object();
      for (const auto& [runtime_id, cursor] : *r.cursors) cursors[runtime_id] = cursor_text(cursor);
      request["cursors"] = std::move(cursors);
      request["maxBytes"] = r.max_bytes;
    }
    out.push_back(std::move(request));
  }
  return out;
}

Result<std::vector<LogRequest>> log_requests_from_json(const Json& json) {
  const auto malformed = [] { return fail(Code::server, "the server's reply is malformed: logRequests"); };
  if (!json.is_array() || json.size() > 64) return malformed();
  std::vector<LogRequest> out;
  for (const auto& r : json) {
    if (!r.is_object() || !r.contains("requestId") || !r["requestId"].is_string() || !r.contains("runtimeIds") ||
        !r["runtimeIds"].is_array() || r["runtimeIds"].size() > 10) {
      return malformed();
    }
    LogRequest request{r["requestId"].get<std::string>(), {}, std::nullopt, 0};
    for (const auto& id : r["runtimeIds"]) {
      if (!id.is_string()) return malformed();
      request.runtime_ids.push_back(id.get<std::string>());
    }
    if (r.contains("cursors")) {
      const auto& cursors = r["cursors"];
      const auto& max_bytes = r.contains("maxBytes") ? r["maxBytes"] : Json();
      if (!cursors.is_object() || cursors.size() > 10 || !max_bytes.is_number_unsigned()) return malformed();
      request.cursors.emplace();
      for (auto it = cursors.begin(); it != cursors.end(); ++it) {
        const auto cursor = it.value().is_string() ? parse_cursor(it.value().get<std::string>()) : std::nullopt;
        if (!cursor) return malformed();
        (*request.cursors)[it.key()] = *cursor;
      }
      request.max_bytes = std::min<std::uint64_t>(max_bytes.get<std::uint64_t>(), k_max_submitted_log_bytes);
    }
    out.push_back(std::move(request));
  }
  return out;
}

}  // namespace berth::model
