// The shim's queue of formatted log messages waiting for a socket sink (syslog, journald), with
// Docker's delivery modes: non-blocking holds at most max-buffer-size bytes and drops (and counts)
// what does not fit, so the container never waits; blocking reports full() past a small backlog so
// the shim stops reading the container's output, whose writes then wait on the full pipe.
// Not thread-safe (the shim has one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace berth::runtime {

enum class LogDelivery { blocking, non_blocking };

class LogBuffer {
 public:
  // `max_bytes`: non-blocking's max-buffer-size, or blocking's backlog before full().
  LogBuffer(LogDelivery delivery, std::size_t max_bytes) : m_delivery(delivery), m_max_bytes(max_bytes) {}

  // Queues `message`; returns false when non-blocking drops it (it would take the buffer past
  // max_bytes; an empty buffer takes any one message, so a long line is never starved).
  // Blocking always queues: the caller stops reading once full().
  bool push(std::string message);
  // Blocking only: holds max_bytes or more, so the container's output must wait.
  bool full() const { return m_delivery == LogDelivery::blocking && m_bytes >= m_max_bytes; }
  bool empty() const { return m_queue.empty(); }
  const std::string& front() const { return m_queue.front(); }
  void pop();
  // Drops the front message, counted (a datagram the receiver refuses for its size).
  void drop_front();
  // Counts the messages left in the buffer as dropped and empties it (the shim gave up on the sink).
  void drop_all();
  std::size_t bytes() const { return m_bytes; }
  std::size_t max_bytes() const { return m_max_bytes; }

  // Drops since the last take_unreported() (which resets them), and in all.
  struct Drops {
    std::uint64_t lines = 0;
    std::uint64_t bytes = 0;
  };
  Drops take_unreported();
  std::uint64_t dropped_total() const { return m_dropped_total; }

 private:
  void count_drop(std::size_t bytes);

  LogDelivery m_delivery;
  std::size_t m_max_bytes;
  std::deque<std::string> m_queue;
  std::size_t m_bytes = 0;
  Drops m_unreported;
  std::uint64_t m_dropped_total = 0;
};

}  // namespace berth::runtime
