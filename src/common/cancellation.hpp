// Cancelling a blocking call from another thread: cancel() ends at once what is attached to it (a
// socket shut down, so that a blocked connect, read, write or poll on it returns; or an interrupt
// the caller gives, such as cpp-httplib's Client::stop), and every later attach finds it cancelled.
// A joined agent's long-poll holds its connection for the server's whole wait; stopping the agent
// cancels it rather than waiting that long. Thread-safe. Attachments live as long as the call
// under way: one per call in flight on the threads that share it (bounded by those threads).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>

#include "common/thread_annotations.hpp"

namespace berth {

class Cancellation {
 public:
  using Interrupt = std::function<void()>;

  // While alive, cancel() reaches what was attached; destroyed, never again (a socket is
  // detached before it is closed, so that its number, reused, is never shut down).
  class Attachment {
   public:
    Attachment() = default;
    Attachment(Attachment&& other) noexcept : m_owner(other.m_owner), m_id(other.m_id) { other.m_owner = nullptr; }
    Attachment& operator=(Attachment&& other) noexcept;
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;
    ~Attachment() { detach(); }
    void detach();

   private:
    friend class Cancellation;
    Attachment(Cancellation* owner, std::uint64_t id) : m_owner(owner), m_id(id) {}
    Cancellation* m_owner = nullptr;
    std::uint64_t m_id = 0;
  };

  Cancellation() = default;
  Cancellation(const Cancellation&) = delete;
  Cancellation& operator=(const Cancellation&) = delete;

  // Calls the interrupts attached (each once) and shuts their sockets down. Idempotent.
  void cancel();
  // Lock-free, so that it may be asked under a lock an interrupt takes (httplib's socket mutex).
  bool cancelled() const { return m_cancelled.load(); }

  // While the attachment lives, cancel() calls `interrupt` (at most once, on the cancelling
  // thread, under this object's lock: it must not call back into it); called at once when
  // cancelled already.
  [[nodiscard]] Attachment attach(Interrupt interrupt);
  // As attach, the interrupt being shutdown(fd, SHUT_RDWR). REQUIRES: `fd` stays open while the
  // attachment lives.
  [[nodiscard]] Attachment attach_socket(int fd);

 private:
  std::atomic<bool> m_cancelled{false};
  Mutex m_mutex;
  std::uint64_t m_next_id BERTH_GUARDED_BY(m_mutex) = 1;
  std::map<std::uint64_t, Interrupt> m_attached BERTH_GUARDED_BY(m_mutex);
};

}  // namespace berth
