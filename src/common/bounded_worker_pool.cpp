#include "common/bounded_worker_pool.hpp"

#include <algorithm>
#include <exception>

#include "common/log.hpp"

namespace berth {

BoundedWorkerPool::BoundedWorkerPool(std::size_t threads, std::size_t queue_depth, std::string name)
    : m_queue_depth(std::max<std::size_t>(queue_depth, 1)), m_name(std::move(name)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) m_threads.emplace_back([this] { run(); });
}

bool BoundedWorkerPool::try_submit(std::function<void()> job) {
  {
    MutexLock lock(m_mutex);
    if (m_stopping || m_queue.size() >= m_queue_depth) return false;
    m_queue.push_back(std::move(job));
  }
  m_ready.notify_one();
  return true;
}

void BoundedWorkerPool::stop() {
  // The threads move out under the lock: of concurrent stops, one joins them and the others
  // find none left (they may return before the jobs have run).
  std::vector<std::thread> threads;
  {
    MutexLock lock(m_mutex);
    m_stopping = true;
    threads.swap(m_threads);
  }
  m_ready.notify_all();
  for (auto& t : threads) t.join();
}

void BoundedWorkerPool::run() {
  while (true) {
    std::function<void()> job;
    {
      MutexLock lock(m_mutex);
      while (!m_stopping && m_queue.empty()) lock.wait(m_ready);
      if (m_queue.empty()) return;  // stopping, and every queued job has run
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      log_error("an " + m_name + "'s job threw: " + e.what());
    } catch (...) {
      log_error("an " + m_name + "'s job threw");
    }
  }
}

}  // namespace berth
