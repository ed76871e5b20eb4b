#include "runtime/network/dns_tcp_framing.hpp"

namespace berth::runtime {

void DnsTcpReader::append(std::span<const std::uint8_t> bytes) {
  // What was taken goes before the new bytes come: the buffer never holds consumed messages.
  if (m_start > 0) {
    m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(m_start));
    m_start = 0;
  }
  m_buffer.insert(m_buffer.end(), bytes.begin(), bytes.end());
}

Result<std::optional<std::vector<std::uint8_t>>> DnsTcpReader::next() {
  if (buffered() < 2) return std::optional<std::vector<std::uint8_t>>();
  const std::size_t length = (static_cast<std::size_t>(m_buffer[m_start]) << 8) | m_buffer[m_start + 1];
  if (length == 0) return fail(Code::invalid_parameter, "a DNS message over TCP has length 0");
  if (length > m_max_message) {
    return fail(Code::invalid_parameter, "a DNS message over TCP of " + std::to_string(length) + " bytes is over the " +
                                             std::to_string(m_max_message) + " taken");
  }
  if (buffered() < 2 + length) return std::optional<std::vector<std::uint8_t>>();
  const auto begin = m_buffer.begin() + static_cast<std::ptrdiff_t>(m_start + 2);
  std::vector<std::uint8_t> message(begin, begin + static_cast<std::ptrdiff_t>(length));
  m_start += 2 + length;
  return std::optional(std::move(message));
}

std::vector<std::uint8_t> dns_tcp_frame(std::span<const std::uint8_t> message) {
  BERTH_CHECK(message.size() <= 65535);
  std::vector<std::uint8_t> out;
  out.reserve(message.size() + 2);
  out.push_back(static_cast<std::uint8_t>(message.size() >> 8));
  out.push_back(static_cast<std::uint8_t>(message.size() & 0xFF));
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

}  // namespace berth::runtime
