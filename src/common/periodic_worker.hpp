// A thread that runs a pass every `tick`, or sooner when woken. Used by the node agent, the
// service scheduler and the schedule runner. A pass that throws is logged and the next one runs
// as usual: no pass takes the process down (a pass that can be poisoned by one unit of work
// fails that unit itself, or it would throw again every tick). start/stop/wake are thread-safe;
// the pass runs on the worker thread only.
#pragma once

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <string>
#include <thread>

#include "common/log.hpp"
#include "common/thread_annotations.hpp"

namespace berth {

class PeriodicWorker {
 public:
  PeriodicWorker() = default;
  PeriodicWorker(const PeriodicWorker&) = delete;
  PeriodicWorker& operator=(const PeriodicWorker&) = delete;
  ~PeriodicWorker() { stop(); }

  // Starts running `pass` every `tick` (and on wake); `name` says whose passes failed in the
  // log. REQUIRES: not running (never started, or stopped: a stopped worker starts again, as the
  // schedulers do when this server gains the lead of a replicated control plane again).
  void start(std::string name, std::chrono::milliseconds tick, std::function<void()> pass) {
    {
      MutexLock lock(m_mutex);
      m_stopping = false;
      m_woken = false;
    }
    m_thread = std::thread([this, name = std::move(name), tick, pass = std::move(pass)] {
      // Named (its first 15 bytes, the kernel's limit) so that top -H, ps -L and gdb tell an
      // operator which of berth's threads spends the CPU.
      pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
      while (true) {
        {
          MutexLock lock(m_mutex);
          const auto deadline = std::chrono::steady_clock::now() + tick;
          while (!m_woken && !m_stopping) {
            if (lock.wait_until(m_wakeup, deadline) == std::cv_status::timeout) break;
          }
          if (m_stopping) return;
          m_woken = false;
        }
        run_contained(name, pass);
      }
    });
  }

  // Runs `pass` once; what it throws is logged, not propagated. Repeats of one failure are
  // logged once per `k_repeats_per_log` so a failing pass cannot flood the log.
  void run_contained(const std::string& name, const std::function<void()>& pass) {
    try {
      pass();
      // A success ends the run of repeats: the next failure, whatever it is, starts a new count.
      m_last_failure.clear();
      m_repeats = 0;
      return;
    } catch (const std::exception& e) {
      note_failure(name, e.what());
    } catch (...) {
      note_failure(name, "unknown exception");
    }
  }

  // Asks for a pass soon.
  void wake() {
    {
      MutexLock lock(m_mutex);
      m_woken = true;
    }
    m_wakeup.notify_all();
  }

  // Finishes the pass under way, then joins. Idempotent.
  void stop() {
    {
      MutexLock lock(m_mutex);
      m_stopping = true;
    }
    m_wakeup.notify_all();
    if (m_thread.joinable()) m_thread.join();
  }

 private:
  static constexpr int k_repeats_per_log = 300;

  void note_failure(const std::string& name, const std::string& what) {
    if (what == m_last_failure && ++m_repeats < k_repeats_per_log) return;
    log_error(name + ": pass failed: " + what + (m_repeats > 0 ? " (repeated " + std::to_string(m_repeats) + " times)" : ""));
    m_last_failure = what;
    m_repeats = 0;
  }

  std::string m_last_failure;  // worker thread only
  int m_repeats = 0;           // worker thread only
  Mutex m_mutex;
  std::condition_variable m_wakeup;
  bool m_woken BERTH_GUARDED_BY(m_mutex) = false;
  bool m_stopping BERTH_GUARDED_BY(m_mutex) = false;
  std::thread m_thread;
};

}  // namespace berth
