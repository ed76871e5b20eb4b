// A fixed set of threads running jobs from a bounded queue: try_submit refuses a job when the
// queue is full instead of letting it grow. A job that throws is logged and the thread goes on.
// Used by the API server (request handling) and the node agent (image pulls, health checks).
// try_submit and stop are thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "common/thread_annotations.hpp"

namespace berth {

// Where work that must not block its caller's thread goes: a job is taken or refused at once.
class JobQueue {
 public:
  virtual ~JobQueue() = default;
  // Queues `job`; returns false (and drops it) if it cannot be taken now (full, stopping).
  [[nodiscard]] virtual bool try_submit(std::function<void()> job) = 0;
};

class BoundedWorkerPool final : public JobQueue {
 public:
  // Starts `threads` threads (at least 1) taking jobs from a queue of at most `queue_depth`;
  // `name` says whose job threw in the log ("an <name>'s job threw").
  BoundedWorkerPool(std::size_t threads, std::size_t queue_depth, std::string name = "API worker");
  BoundedWorkerPool(const BoundedWorkerPool&) = delete;
  BoundedWorkerPool& operator=(const BoundedWorkerPool&) = delete;
  ~BoundedWorkerPool() { stop(); }

  // Queues `job`; returns false (and drops it) if the queue is full or the pool is stopping.
  [[nodiscard]] bool try_submit(std::function<void()> job) override;
  // Runs the jobs already queued, then joins the threads. Idempotent; of concurrent calls only
  // one waits for the threads, the others return at once. Not from a job (it would join itself).
  void stop();

 private:
  void run();

  const std::size_t m_queue_depth;
  const std::string m_name;
  Mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<std::function<void()>> m_queue BERTH_GUARDED_BY(m_mutex);
  bool m_stopping BERTH_GUARDED_BY(m_mutex) = false;
  std::vector<std::thread> m_threads BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth
