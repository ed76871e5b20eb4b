#include "common/session_threads.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <exception>

#include "common/log.hpp"

namespace berth {

bool SessionThreads::Session::watch(int fd) {
  MutexLock lock(m_owner.m_mutex);
  if (m_owner.m_stopping) return false;
  const int copy = ::dup(fd);
  if (copy < 0) return false;
  m_entry.watched.push_back(copy);
  return true;
}

bool SessionThreads::start(std::function<void(Session&)> job) {
  MutexLock lock(m_mutex);
  reap();
  if (m_stopping || m_entries.size() >= m_max) return false;
  Entry& entry = m_entries.emplace_back();
  try {
    entry.thread = std::thread([this, &entry, job = std::move(job)] {
      Session session(*this, entry);
      try {
        job(session);
      } catch (const std::exception& e) {
        log_error(std::string("a session ended on an exception: ") + e.what());
      } catch (...) {
        log_error("a session ended on an unknown exception");
      }
      {
        // Closed under the mutex: stop() never shuts down a number reused meanwhile.
        MutexLock done_lock(m_mutex);
        for (const int fd : entry.watched) ::close(fd);
        entry.watched.clear();
      }
      entry.done = true;
    });
  } catch (...) {
    m_entries.pop_back();  // no thread: nothing to join
    return false;
  }
  return true;
}

void SessionThreads::reap() {
  for (auto it = m_entries.begin(); it != m_entries.end();) {
    if (!it->done) {
      ++it;
      continue;
    }
    if (it->thread.joinable()) it->thread.join();
    it = m_entries.erase(it);
  }
}

void SessionThreads::stop() {
  std::list<Entry> entries;
  {
    MutexLock lock(m_mutex);
    m_stopping = true;
    for (auto& entry : m_entries) {
      for (const int fd : entry.watched) ::shutdown(fd, SHUT_RDWR);
    }
    entries.splice(entries.end(), m_entries);
  }
  // Joined outside the mutex: a session ending takes it to close its duplicates.
  for (auto& entry : entries) {
    if (entry.thread.joinable()) entry.thread.join();
  }
}

std::size_t SessionThreads::running() const {
  MutexLock lock(m_mutex);
  std::size_t n = 0;
  for (const auto& entry : m_entries) n += entry.done ? 0 : 1;
  return n;
}

}  // namespace berth
