#include "runtime/shim/log_buffer.hpp"

namespace berth::runtime {

bool LogBuffer::push(std::string message) {
  if (m_delivery == LogDelivery::non_blocking && !m_queue.empty() && m_bytes + message.size() > m_max_bytes) {
    count_drop(message.size());
    return false;
  }
  m_bytes += message.size();
  m_queue.push_back(std::move(message));
  return true;
}

void LogBuffer::pop() {
  m_bytes -= m_queue.front().size();
  m_queue.pop_front();
}

void LogBuffer::drop_front() {
  count_drop(m_queue.front().size());
  pop();
}

void LogBuffer::drop_all() {
  for (const auto& message : m_queue) count_drop(message.size());
  m_queue.clear();
  m_bytes = 0;
}

void LogBuffer::count_drop(std::size_t bytes) {
  ++m_unreported.lines;
  m_unreported.bytes += bytes;
  ++m_dropped_total;
}

LogBuffer::Drops LogBuffer::take_unreported() {
  const Drops out = m_unreported;
  m_unreported = {};
  return out;
}

}  // namespace berth::runtime
