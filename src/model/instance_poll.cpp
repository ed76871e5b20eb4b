#include "model/instance_poll.hpp"

#include <algorithm>

#include "common/sha256.hpp"
#include "model/request_members.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

std::string instance_tasks_cursor(const std::vector<Task>& tasks) {
  std::vector<TaskDesire> desires;
  desires.reserve(tasks.size());
  for (const auto& t : tasks) desires.push_back({t.id, t.desired_status});
  return instance_tasks_cursor(desires);
}

std::string instance_tasks_cursor(const std::vector<TaskDesire>& desires) {
  std::vector<std::string> lines;
  lines.reserve(desires.size());
  for (const auto& t : desires) lines.push_back(t.id + " " + std::string(to_wire(t.desired_status)) + "\n");
  std::sort(lines.begin(), lines.end());
  Sha256 hasher;
  for (const auto& line : lines) hasher.update(line);
  return hasher.hex_digest().substr(0, 32);
}

const Shape& poll_instance_tasks_shape() {
  static const Shape k_string = string_shape();
  static const Shape k_wait = integer_shape(0, 3600);
  static const Shape k_bool = boolean_shape();
  static const Shape k_shape = structure({{"cluster", &k_string},
                                          {"containerInstance", &k_string, true},
                                          {"cursor", &k_string},
                                          {"waitSeconds", &k_wait},
                                          {"acceptUnchanged", &k_bool}});
  return k_shape;
}

Result<PollInstanceTasksRequest> decode_poll_instance_tasks(const Json& body) {
  PollInstanceTasksRequest request;
  request.cluster = optional_string(body, "cluster");
  request.container_instance = body["containerInstance"].get<std::string>();
  request.cursor = optional_string(body, "cursor");
  if (body.contains("waitSeconds")) request.wait_seconds = body["waitSeconds"].get<long long>();
  request.accept_unchanged = body.value("acceptUnchanged", false);
  return request;
}

Json encode_poll_instance_tasks(const PollInstanceTasksReply& reply, const ArnScope& arns) {
  if (reply.unchanged) {
    return Json{{"containerInstanceArn", arns.container_instance(reply.cluster, reply.instance_id)},
                {"cursor", reply.cursor},
                {"unchanged", true}};
  }
  Json tasks = Json::array();
  for (const auto& t : reply.tasks) tasks.push_back(task_to_json(t, arns, nullptr));
  Json definitions = Json::array();
  for (const auto& d : reply.definitions) definitions.push_back(task_definition_to_json(d, arns));
  Json out{{"containerInstanceArn", arns.container_instance(reply.cluster, reply.instance_id)},
           {"cursor", reply.cursor},
           {"tasks", std::move(tasks)},
           {"taskDefinitions", std::move(definitions)}};
  if (!reply.log_requests.empty()) out["logRequests"] = log_requests_to_json(reply.log_requests);
  if (!reply.exec_requests.empty()) out["execRequests"] = exec_requests_to_json(reply.exec_requests);
  if (!reply.relay_requests.empty()) out["relayRequests"] = relay_requests_to_json(reply.relay_requests);
  if (!reply.secrets.empty()) out["secrets"] = served_secrets_to_json(reply.secrets);
  return out;
}

}  // namespace berth::model
