#include "svc/remote_log_requests.hpp"

namespace berth::svc {

std::vector<model::LogRequest> RemoteLogRequests::asked_of(const std::string& instance_id) {
  std::vector<model::LogRequest> out;
  for (auto& [id, request] : m_asks.asked_of(instance_id)) {
    request.id = id;
    out.push_back(std::move(request));
  }
  return out;
}

bool RemoteLogRequests::answer(const std::string& instance_id, const std::string& id, model::SubmitTaskLogsRequest answer) {
  return m_asks.answer(instance_id, id, std::move(answer), [](const model::LogRequest& asked, model::SubmitTaskLogsRequest& given) {
    // Only what was asked for is kept.
    model::SubmitTaskLogsRequest kept{given.cluster, given.container_instance, given.request_id, {}, {}, {}};
    for (const auto& runtime_id : asked.runtime_ids) {
      if (const auto found = given.logs.find(runtime_id); found != given.logs.end()) {
        kept.logs[runtime_id] = std::move(found->second);
      }
      if (const auto found = given.cursors.find(runtime_id); found != given.cursors.end()) {
        kept.cursors[runtime_id] = found->second;
      }
      if (given.more.contains(runtime_id)) kept.more.insert(runtime_id);
    }
    given = std::move(kept);
  });
}

}  // namespace berth::svc
