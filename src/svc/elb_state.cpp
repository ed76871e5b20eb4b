#include "svc/elb_state.hpp"

namespace berth::svc {

std::string target_key(const std::string& target_group_arn, const std::string& id, int port) {
  return target_group_arn + " " + id + ":" + std::to_string(port);
}

std::optional<model::TargetHealth> ElbState::health(const std::string& key) const {
  MutexLock lock(m_mutex);
  const auto it = m_health.find(key);
  if (it == m_health.end()) return std::nullopt;
  return it->second;
}

void ElbState::set_health(std::map<std::string, model::TargetHealth> board) {
  MutexLock lock(m_mutex);
  m_health = std::move(board);
}

std::map<std::string, model::TargetHealth> ElbState::health_board() const {
  MutexLock lock(m_mutex);
  return m_health;
}

std::optional<EpochMs> ElbState::draining_until(const std::string& task_id) const {
  MutexLock lock(m_mutex);
  const auto it = m_draining.find(task_id);
  if (it == m_draining.end()) return std::nullopt;
  return it->second;
}

void ElbState::start_draining(const std::string& task_id, EpochMs until) {
  MutexLock lock(m_mutex);
  m_draining.emplace(task_id, until);
}

void ElbState::forget_draining(const std::string& task_id) {
  MutexLock lock(m_mutex);
  m_draining.erase(task_id);
}

void ElbState::set_on_change(std::function<void()> on_change) {
  MutexLock lock(m_mutex);
  m_on_change = std::move(on_change);
}

void ElbState::changed() const {
  std::function<void()> on_change;
  {
    MutexLock lock(m_mutex);
    on_change = m_on_change;
  }
  if (on_change) on_change();
}

}  // namespace berth::svc
