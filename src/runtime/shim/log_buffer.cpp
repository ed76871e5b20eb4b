#include "runtime/shim/log_buffer.hpp"

namespace berth::runtime {

bool LogBuffer::push(std::string message) {
  if (m_delivery == LogDelivery::non_blocking && !m_queue.empty() && m_bytes + message.size() > m_max_bytes) {
    ++m_unreported.lines;
    m_unreported.bytes += message.size();
    ++m_dropped_total;
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
  ++m_unreported.lines;
  m_unreported.bytes += m_queue.front().size();
  ++m_dropped_total;
  pop();
}

void LogBuffer::drop_all() {
  for (const auto& message : m_queue) {
    ++m_unreported.lines;
    m_unreported.bytes += message.size();
    ++m_dropped_total;
  }
  m_queue.clear();
  m_bytes = 0;
}

LogBuffer::Drops LogBuffer::take_unreported() {
  const Drops out = m_unreported;
  m_unreported = {};
  return out;
}

}  // namespace berth::runtime
