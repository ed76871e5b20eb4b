#include "svc/remote_log_requests.hpp"

namespace berth::svc {

std::vector<model::LogRequest> RemoteLogRequests::asked_of(const std::string& instance_id) {
  std::vector<model::LogRequest> out;
  for (auto& [id, runtime_ids] : m_asks.asked_of(instance_id)) out.push_back({id, std::move(runtime_ids)});
  return out;
}

bool RemoteLogRequests::answer(const std::string& instance_id, const std::string& id,
                               std::map<std::string, model::Json> logs) {
  return m_asks.answer(instance_id, id, std::move(logs),
                       [](const std::vector<std::string>& runtime_ids, std::map<std::string, model::Json>& answer) {
                         // Only what was asked for is kept.
                         std::map<std::string, model::Json> kept;
                         for (const auto& runtime_id : runtime_ids) {
                           if (const auto found = answer.find(runtime_id); found != answer.end()) {
                             kept[runtime_id] = std::move(found->second);
                           }
                         }
                         answer = std::move(kept);
                       });
}

}  // namespace berth::svc
