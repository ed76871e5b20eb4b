// Lock annotations that clang's -Wthread-safety checks (`make check-threads`): which mutex guards
// which member, which functions need it held or take it. Under g++ the macros expand to nothing.
// Mutex and MutexLock are std::mutex and a scoped lock the analysis understands; the standard
// ones carry no annotations in libstdc++. Mutex is thread-safe; a MutexLock belongs to one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define BERTH_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define BERTH_THREAD_ANNOTATION(x)
#endif

// On a class: its objects are capabilities (locks) the analysis tracks.
#define BERTH_CAPABILITY(name) BERTH_THREAD_ANNOTATION(capability(name))
// On a class: an RAII object that takes a capability when built and gives it back when destroyed.
#define BERTH_SCOPED_CAPABILITY BERTH_THREAD_ANNOTATION(scoped_lockable)
// On a data member: read or written only with the capability held.
#define BERTH_GUARDED_BY(capability) BERTH_THREAD_ANNOTATION(guarded_by(capability))
// On a pointer member: what it points to is used only with the capability held.
#define BERTH_PT_GUARDED_BY(capability) BERTH_THREAD_ANNOTATION(pt_guarded_by(capability))
// On a function: the caller holds the capability, and still holds it when the function returns.
#define BERTH_REQUIRES(...) BERTH_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// On a function: it takes (ACQUIRE) or gives back (RELEASE) the capability (no argument: `this`).
#define BERTH_ACQUIRE(...) BERTH_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define BERTH_RELEASE(...) BERTH_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// On a function: the caller must not hold the capability (the function takes it itself).
#define BERTH_EXCLUDES(...) BERTH_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function definition: not analysed. Only where the analysis cannot follow; say why.
#define BERTH_NO_THREAD_SAFETY_ANALYSIS BERTH_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace berth {

// A std::mutex the analysis knows as a capability. It is locked only through MutexLock, so no
// lock can be taken in a way the analysis does not see (std::lock_guard on it would not compile).
class BERTH_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

 private:
  friend class MutexLock;
  std::mutex m_mutex;
};

// Holds `mutex` from construction to destruction, as std::unique_lock does; it can also wait on a
// std::condition_variable. The analysis cannot see that a wait lets go of the mutex and takes it
// back before returning: to it the mutex is held throughout, which is what the code around the
// wait may assume. So a wait's condition is tested in a loop in the caller's own code (where the
// analysis sees the lock held), not in a predicate lambda (which it analyses as a function of
// its own, holding nothing).
class BERTH_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mutex) BERTH_ACQUIRE(mutex) : m_lock(mutex.m_mutex) {}
  ~MutexLock() BERTH_RELEASE() {}
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  // Blocks until `ready` is notified (or wakes spuriously); the mutex is held again on return.
  void wait(std::condition_variable& ready) { ready.wait(m_lock); }
  // As wait(), also returning at `deadline`: std::cv_status::timeout if it has passed.
  template <class Clock, class Duration>
  std::cv_status wait_until(std::condition_variable& ready, const std::chrono::time_point<Clock, Duration>& deadline) {
    return ready.wait_until(m_lock, deadline);
  }

 private:
  std::unique_lock<std::mutex> m_lock;
};

}  // namespace berth
