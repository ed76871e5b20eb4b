// A thread that runs a pass every `tick`, or sooner when woken. Used by the node agent and the
// service scheduler. start/stop/wake are thread-safe; the pass runs on the worker thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace berth {

class PeriodicWorker {
 public:
  PeriodicWorker() = default;
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;
  ~PeriodicWorker() { stop(); }

  // Starts running `pass` every `tick` (and on wake). REQUIRES: not started yet.
  void start(std::chrono::milliseconds tick, std::function<void()> pass) {
    m_thread = std::thread([this, tick, pass = std::move(pass)] {
      while (true) {
        {
          std::unique_lock lock(m_mutex);
          m_wakeup.wait_for(lock, tick, [this] { return m_woken || m_stopping; });
          if (m_stopping) return;
          m_woken = false;
        }
        pass();
      }
    });
  }

  // Asks for a pass soon.
  void wake() {
    {
      std::lock_guard lock(m_mutex);
      m_woken = true;
    }
    m_wakeup.notify_all();
  }

  // Finishes the pass under way, then joins. Idempotent.
  void stop() {
    {
      std::lock_guard lock(m_mutex);
      m_stopping = true;
    }
    m_wakeup.notify_all();
    if (m_thread.joinable()) m_thread.join();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_wakeup;
  bool m_woken = false;
  bool m_stopping = false;
  std::thread m_thread;
};

}  // namespace berth
