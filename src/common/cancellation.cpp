#include "common/cancellation.hpp"

#include <sys/socket.h>

#include <utility>

namespace berth {

Cancellation::Attachment& Cancellation::Attachment::operator=(Attachment&& other) noexcept {
  if (this != &other) {
    detach();
    m_owner = other.m_owner;
    m_id = other.m_id;
    other.m_owner = nullptr;
  }
  return *this;
}

void Cancellation::Attachment::detach() {
  if (!m_owner) return;
  MutexLock lock(m_owner->m_mutex);
  m_owner->m_attached.erase(m_id);
  m_owner = nullptr;
}

void Cancellation::cancel() {
  // Set before the interrupts run: a call attaching meanwhile finds it set.
  m_cancelled = true;
  MutexLock lock(m_mutex);
  for (auto& [id, interrupt] : m_attached) {
    if (interrupt) std::exchange(interrupt, nullptr)();
  }
}

Cancellation::Attachment Cancellation::attach(Interrupt interrupt) {
  MutexLock lock(m_mutex);
  if (m_cancelled) {
    interrupt();
    interrupt = nullptr;
  }
  const std::uint64_t id = m_next_id++;
  m_attached.emplace(id, std::move(interrupt));
  return Attachment(this, id);
}

Cancellation::Attachment Cancellation::attach_socket(int fd) {
  return attach([fd] { ::shutdown(fd, SHUT_RDWR); });
}

}  // namespace berth
