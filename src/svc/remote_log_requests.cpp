#include "svc/remote_log_requests.hpp"

#include "common/ids.hpp"

namespace berth::svc {

std::optional<std::string> RemoteLogRequests::ask(const std::string& instance_id, std::vector<std::string> runtime_ids) {
  MutexLock lock(m_mutex);
  if (m_open.size() >= k_max_open || m_closed) return std::nullopt;
  std::string id = random_hex(8);
  m_open[id] = Ask{instance_id, std::move(runtime_ids), std::nullopt};
  return id;
}

std::vector<model::LogRequest> RemoteLogRequests::asked_of(const std::string& instance_id) const {
  MutexLock lock(m_mutex);
  std::vector<model::LogRequest> out;
  for (const auto& [id, ask] : m_open) {
    if (ask.instance_id == instance_id && !ask.answer) out.push_back({id, ask.runtime_ids});
  }
  return out;
}

bool RemoteLogRequests::answer(const std::string& instance_id, const std::string& id,
                               std::map<std::string, model::Json> logs) {
  {
    MutexLock lock(m_mutex);
    const auto it = m_open.find(id);
    if (it == m_open.end() || it->second.instance_id != instance_id || it->second.answer) return false;
    // Only what was asked for is kept.
    std::map<std::string, model::Json> kept;
    for (const auto& runtime_id : it->second.runtime_ids) {
      if (const auto found = logs.find(runtime_id); found != logs.end()) kept[runtime_id] = std::move(found->second);
    }
    it->second.answer = std::move(kept);
  }
  m_answered.notify_all();
  return true;
}

std::optional<std::map<std::string, model::Json>> RemoteLogRequests::wait(const std::string& id,
                                                                          std::chrono::milliseconds timeout) {
  MutexLock lock(m_mutex);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto it = m_open.find(id);
    if (it == m_open.end()) return std::nullopt;
    if (it->second.answer || m_closed) {
      auto answer = std::move(it->second.answer);
      m_open.erase(it);
      return answer;
    }
    if (lock.wait_until(m_answered, deadline) == std::cv_status::timeout) {
      auto answer = std::move(m_open[id].answer);
      m_open.erase(id);
      return answer;
    }
  }
}

void RemoteLogRequests::close() {
  {
    MutexLock lock(m_mutex);
    m_closed = true;
  }
  m_answered.notify_all();
}

}  // namespace berth::svc
