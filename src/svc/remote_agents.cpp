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

std::uint64_t RemoteAgents::changes() const {
  MutexLock lock(m_mutex);
  return m_changes;
}

void RemoteAgents::tasks_changed() {
  {
    MutexLock lock(m_mutex);
    ++m_changes;
  }
  m_changed.notify_all();
}

RemoteAgents::Wait RemoteAgents::wait_for_change(std::uint64_t seen, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(m_mutex);
  if (m_closed) return Wait::closed;
  if (m_changes != seen) return Wait::changed;
  if (m_waiters >= m_settings.max_waiters) return Wait::no_slot;
  ++m_waiters;
  Wait outcome = Wait::timed_out;
  // The condition is tested here, in a loop, as thread_annotations.hpp asks of every wait.
  while (true) {
    if (m_closed) {
      outcome = Wait::closed;
      break;
    }
    if (m_changes != seen) {
      outcome = Wait::changed;
      break;
    }
    if (lock.wait_until(m_changed, deadline) == std::cv_status::timeout) {
      outcome = m_changes != seen ? Wait::changed : Wait::timed_out;
      break;
    }
  }
  --m_waiters;
  return outcome;
}

void RemoteAgents::close() {
  m_log_requests.close();
  m_exec_requests.close();
  {
    MutexLock lock(m_mutex);
    m_closed = true;
  }
  m_changed.notify_all();
}

std::size_t RemoteAgents::waiters() const {
  MutexLock lock(m_mutex);
  return m_waiters;
}

}  // namespace berth::svc
