// Threads that each serve one long-lived session over sockets (a relayed `berth exec -i/-t` or
// `berth attach`: the server's splice of the user's and the agent's connections, the agent's side
// on a joined gateway), at most `max` at once. A session registers the sockets it serves; stop()
// shuts them down, which ends any relay or splice blocked on them, and joins the threads.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <list>
#include <thread>
#include <vector>

#include "common/thread_annotations.hpp"

namespace berth {

class SessionThreads {
  struct Entry {
    std::thread thread;
    std::atomic<bool> done{false};
    std::vector<int> watched;  // duplicates, guarded by the owner's mutex
  };

 public:
  // What a session's job is given: where it registers its sockets.
  class Session {
   public:
    // Registers `fd` (a duplicate is kept until the job returns): stop() shuts it down. Returns
    // false when stopping already (the job should end at once).
    bool watch(int fd);

   private:
    friend class SessionThreads;
    Session(SessionThreads& owner, Entry& entry) : m_owner(owner), m_entry(entry) {}
    SessionThreads& m_owner;
    Entry& m_entry;
  };

  explicit SessionThreads(std::size_t max) : m_max(max) {}
  ~SessionThreads() { stop(); }
  SessionThreads(const SessionThreads&) = delete;
  SessionThreads& operator=(const SessionThreads&) = delete;

  // Runs `job` on a thread of its own; false (and `job` never runs) when `max` sessions run
  // already, when stopping, or when no thread can be started. An exception escaping `job` is
  // logged; the thread ends either way.
  bool start(std::function<void(Session&)> job);
  // Shuts every registered socket down, refuses new sessions and joins the threads. Idempotent.
  void stop();
  // Sessions running now.
  std::size_t running() const;

 private:
  void reap() BERTH_REQUIRES(m_mutex);

  const std::size_t m_max;
  mutable Mutex m_mutex;
  std::list<Entry> m_entries BERTH_GUARDED_BY(m_mutex);
  bool m_stopping BERTH_GUARDED_BY(m_mutex) = false;
};

}  // namespace berth
