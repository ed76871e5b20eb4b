#include "svc/relay_sessions.hpp"

#include <unistd.h>

#include "common/ids.hpp"

namespace berth::svc {

RelaySessions::RelaySessions(const Clock& clock, std::size_t max_sessions, std::chrono::milliseconds connect_deadline,
                             std::chrono::milliseconds recheck)
    : m_clock(clock), m_max_sessions(max_sessions), m_connect_deadline(connect_deadline), m_recheck(recheck) {}

RelaySessions::~RelaySessions() {
  close();
  // No waiter is left (a precondition of destruction): sockets nobody took are closed.
  MutexLock lock(m_mutex);
  for (auto& [id, session] : m_sessions) {
    if (session.socket >= 0) ::close(session.socket);
  }
}

std::optional<std::string> RelaySessions::open(const std::string& instance_id, RelayAsk ask) {
  MutexLock lock(m_mutex);
  const EpochMs now = m_clock.now_ms();
  std::erase_if(m_sessions, [now](const auto& entry) {
    const Session& s = entry.second;
    return now >= s.deadline && s.socket < 0 && !s.spliced;  // a waiter, if any, ends its wait too
  });
  if (m_closed || m_sessions.size() >= m_max_sessions) return std::nullopt;
  std::string id = random_hex(16);
  m_sessions[id] = Session{instance_id, std::move(ask), now + m_connect_deadline.count(), false, -1, false};
  return id;
}

std::vector<std::pair<std::string, RelayAsk>> RelaySessions::take_for(const std::string& instance_id) {
  MutexLock lock(m_mutex);
  std::vector<std::pair<std::string, RelayAsk>> out;
  const EpochMs now = m_clock.now_ms();
  for (auto& [id, session] : m_sessions) {
    // One past its deadline is not listed: its agent would be refused when it connects.
    if (session.instance_id != instance_id || session.listed || now >= session.deadline) continue;
    session.listed = true;
    out.emplace_back(id, session.ask);
  }
  return out;
}

bool RelaySessions::expects_locked(const std::string& instance_id, const std::string& id) const {
  const auto it = m_sessions.find(id);
  if (m_closed || it == m_sessions.end()) return false;
  const auto& session = it->second;
  return session.instance_id == instance_id && session.listed && session.socket < 0 && !session.spliced &&
         m_clock.now_ms() < session.deadline;
}

bool RelaySessions::expects(const std::string& instance_id, const std::string& id) const {
  MutexLock lock(m_mutex);
  return expects_locked(instance_id, id);
}

bool RelaySessions::connect(const std::string& instance_id, const std::string& id, int socket) {
  {
    MutexLock lock(m_mutex);
    if (!expects_locked(instance_id, id)) return false;
    m_sessions.find(id)->second.socket = socket;
  }
  m_changed.notify_all();
  return true;
}

std::optional<int> RelaySessions::await_agent(const std::string& id) {
  MutexLock lock(m_mutex);
  while (true) {
    const auto it = m_sessions.find(id);
    if (it == m_sessions.end()) return std::nullopt;
    auto& session = it->second;
    if (session.socket >= 0) {
      session.spliced = true;
      return std::exchange(session.socket, -1);
    }
    if (m_closed || m_clock.now_ms() >= session.deadline) {
      m_sessions.erase(it);
      return std::nullopt;
    }
    (void)lock.wait_until(m_changed, std::chrono::steady_clock::now() + m_recheck);
  }
}

void RelaySessions::finish(const std::string& id) {
  MutexLock lock(m_mutex);
  const auto it = m_sessions.find(id);
  if (it == m_sessions.end()) return;
  if (it->second.socket >= 0) ::close(it->second.socket);
  m_sessions.erase(it);
}

void RelaySessions::close() {
  {
    MutexLock lock(m_mutex);
    m_closed = true;
    // Sockets no waiter took yet: nobody will splice them now.
    for (auto& [id, session] : m_sessions) {
      if (session.socket >= 0) ::close(std::exchange(session.socket, -1));
    }
  }
  m_changed.notify_all();
}

std::size_t RelaySessions::open_count() const {
  MutexLock lock(m_mutex);
  return m_sessions.size();
}

}  // namespace berth::svc
