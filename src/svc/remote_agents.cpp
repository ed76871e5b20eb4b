#include "svc/remote_agents.hpp"

namespace berth::svc {

RemoteAgents::RemoteAgents(RemoteAgentSettings settings, const Clock* relay_clock) : m_settings(settings) {
  if (!relay_clock) return;
  m_relay_sessions =
      std::make_unique<RelaySessions>(*relay_clock, m_settings.max_relay_sessions, m_settings.relay_connect_deadline);
  m_relay_splicer = std::make_unique<RelaySplicer>(*m_relay_sessions, m_settings.max_relay_sessions);
}

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
  if (m_relay_splicer) m_relay_splicer->stop();  // closes the sessions first
  m_parked.close();
}

}  // namespace berth::svc
