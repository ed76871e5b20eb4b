#include "svc/remote_agents.hpp"

namespace berth::svc {

void RemoteAgents::heard_from(const std::string& instance_id, EpochMs now) {
  MutexLock lock(m_mutex);
  EpochMs& last = m_last_heard[instance_id];
  if (now > last) last = now;
}

EpochMs RemoteAgents::last_heard(const std::string& instance_id, EpochMs now) {
  MutexLock lock(m_mutex);
  return m_last_heard.try_emplace(instance_id, now).first->second;
}

void RemoteAgents::forget(const std::string& instance_id) {
  MutexLock lock(m_mutex);
  m_last_heard.erase(instance_id);
}

void RemoteAgents::close() {
  m_log_requests.close();
  m_exec_requests.close();
  m_parked.close();
}

}  // namespace berth::svc
