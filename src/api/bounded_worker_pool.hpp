// A fixed set of threads running jobs from a bounded queue: try_submit refuses a job when the
// queue is full instead of letting it grow. A job that throws is logged and the thread goes on.
// try_submit and stop are thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace berth::api {

class BoundedWorkerPool {
 public:
  // Starts `threads` threads (at least 1) taking jobs from a queue of at most `queue_depth`.
  BoundedWorkerPool(std::size_t threads, std::size_t queue_depth);
  BoundedWorkerPool(const BoundedWorkerPool&) = delete;
  BoundedWorkerPool& operator=(const BoundedWorkerPool&) = delete;
  ~BoundedWorkerPool() { stop(); }

  // Queues `job`; returns false (and drops it) if the queue is full or the pool is stopping.
  [[nodiscard]] bool try_submit(std::function<void()> job);
  // Runs the jobs already queued, then joins the threads. Idempotent; of concurrent calls only
  // one waits for the threads, the others return at once. Not from a job (it would join itself).
  void stop();

 private:
  void run();

  const std::size_t m_queue_depth;
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace berth::api
