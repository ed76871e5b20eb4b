#include "model/task_protection_requests.hpp"

#include "model/request_members.hpp"

namespace berth::model {

Result<UpdateTaskProtectionRequest> decode_update_task_protection(const Json& body) {
  UpdateTaskProtectionRequest request;
  request.cluster = body["cluster"].get<std::string>();
  request.tasks = strings_of(body["tasks"]);
  if (request.tasks.empty() || request.tasks.size() > k_max_tasks_to_protect) {
    return fail(Code::invalid_parameter, "UpdateTaskProtection takes 1 to " + std::to_string(k_max_tasks_to_protect) +
                                             " tasks; " + std::to_string(request.tasks.size()) + " were given.");
  }
  request.protection_enabled = body["protectionEnabled"].get<bool>();
  // Within 1–2880: the shape's range (request_shapes::update_task_protection).
  request.expires_in_minutes = body.value("expiresInMinutes", k_default_protection_minutes);
  return request;
}

Result<GetTaskProtectionRequest> decode_get_task_protection(const Json& body) {
  GetTaskProtectionRequest request;
  request.cluster = body["cluster"].get<std::string>();
  if (body.contains("tasks")) {
    request.tasks = strings_of(body["tasks"]);
    if (request.tasks->size() > k_max_protection_reads) {
      return fail(Code::invalid_parameter, "GetTaskProtection takes at most " + std::to_string(k_max_protection_reads) +
                                               " tasks; " + std::to_string(request.tasks->size()) + " were given.");
    }
  }
  return request;
}

ProtectedTask protected_task_of(const TaskProtection& task, EpochMs now) {
  const bool enabled = task.enabled_at(now);
  return {task.task_id, enabled, enabled ? task.protected_until : std::nullopt};
}

Json encode_task_protection_reply(const TaskProtectionReply& reply, const ArnScope& arns) {
  Json tasks = Json::array();
  for (const auto& t : reply.tasks) {
    Json entry{{"taskArn", arns.task(reply.cluster, t.task_id)}, {"protectionEnabled", t.protection_enabled}};
    if (t.expiration) entry["expirationDate"] = epoch_seconds(*t.expiration);
    tasks.push_back(std::move(entry));
  }
  return Json{{"protectedTasks", std::move(tasks)}, {"failures", failures_to_json(reply.failures)}};
}

}  // namespace berth::model
