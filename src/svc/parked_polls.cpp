#include "svc/parked_polls.hpp"

namespace berth::svc {

ParkedPolls::Park ParkedPolls::park(ParkedPoll poll, std::uint64_t changes_seen) {
  {
    MutexLock lock(m_mutex);
    if (m_closed) return Park::closed;
    if (m_entries.size() >= m_max) return Park::full;
    const std::uint64_t id = m_next_id++;
    const bool woken = m_changes != changes_seen;
    m_by_instance.emplace(poll.instance_id, id);
    m_by_deadline.emplace(poll.deadline, id);
    m_entries.emplace(id, Entry{std::move(poll), woken});
    if (woken) m_woken.push_back(id);
  }
  // The answerer may be asleep until a later deadline than this one.
  m_news.notify_all();
  return Park::parked;
}

std::uint64_t ParkedPolls::changes() const {
  MutexLock lock(m_mutex);
  return m_changes;
}

void ParkedPolls::changed(const std::string& instance_id) {
  bool woke = false;
  {
    MutexLock lock(m_mutex);
    ++m_changes;
    const auto [first, last] = m_by_instance.equal_range(instance_id);
    for (auto it = first; it != last; ++it) {
      Entry& entry = m_entries.at(it->second);
      if (entry.woken) continue;
      entry.woken = true;
      m_woken.push_back(it->second);
      woke = true;
    }
  }
  if (woke) m_news.notify_all();
}

void ParkedPolls::changed_all() {
  bool woke = false;
  {
    MutexLock lock(m_mutex);
    ++m_changes;
    for (auto& [id, entry] : m_entries) {
      if (entry.woken) continue;
      entry.woken = true;
      m_woken.push_back(id);
      woke = true;
    }
  }
  if (woke) m_news.notify_all();
}

std::vector<ParkedPolls::Due> ParkedPolls::take_due(EpochMs now) {
  MutexLock lock(m_mutex);
  std::vector<Due> due;
  while (!m_by_deadline.empty() && (m_closed || m_by_deadline.begin()->first <= now)) {
    due.push_back({remove(m_by_deadline.begin()->second), true});
  }
  for (const auto id : m_woken) {
    if (m_entries.contains(id)) due.push_back({remove(id), false});
  }
  m_woken.clear();
  return due;
}

std::optional<EpochMs> ParkedPolls::next_deadline() const {
  MutexLock lock(m_mutex);
  if (m_by_deadline.empty()) return std::nullopt;
  return m_by_deadline.begin()->first;
}

std::uint64_t ParkedPolls::parks() const {
  MutexLock lock(m_mutex);
  return m_next_id;
}

void ParkedPolls::wait_for_news(std::uint64_t parks_seen, std::chrono::milliseconds timeout) {
  MutexLock lock(m_mutex);
  const auto until = std::chrono::steady_clock::now() + timeout;
  // The condition is tested here, in a loop, as thread_annotations.hpp asks of every wait.
  while (m_woken.empty() && !m_closed && m_next_id == parks_seen) {
    if (lock.wait_until(m_news, until) == std::cv_status::timeout) break;
  }
}

void ParkedPolls::close() {
  {
    MutexLock lock(m_mutex);
    m_closed = true;
  }
  m_news.notify_all();
}

bool ParkedPolls::closed() const {
  MutexLock lock(m_mutex);
  return m_closed;
}

std::size_t ParkedPolls::size() const {
  MutexLock lock(m_mutex);
  return m_entries.size();
}

ParkedPoll ParkedPolls::remove(std::uint64_t id) {
  auto node = m_entries.extract(id);
  Entry& entry = node.mapped();
  const auto [first, last] = m_by_instance.equal_range(entry.poll.instance_id);
  for (auto it = first; it != last; ++it) {
    if (it->second == id) {
      m_by_instance.erase(it);
      break;
    }
  }
  const auto [from, to] = m_by_deadline.equal_range(entry.poll.deadline);
  for (auto it = from; it != to; ++it) {
    if (it->second == id) {
      m_by_deadline.erase(it);
      break;
    }
  }
  return std::move(entry.poll);
}

}  // namespace berth::svc
