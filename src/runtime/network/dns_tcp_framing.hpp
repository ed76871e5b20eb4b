// DNS over TCP's framing (RFC 1035 4.2.2, RFC 7766 8): each message on the stream is preceded by
// its length in two bytes, network order. DnsTcpReader cuts a stream into messages whatever the
// segments were (a message over several reads, several messages in one), refusing a length over
// its bound or of zero; it holds at most one unfinished message and what one read added. Pure;
// thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/result.hpp"

namespace berth::runtime {

class DnsTcpReader {
 public:
  // `max_message`: the longest message taken (at most 65535, what the prefix can say).
  explicit DnsTcpReader(std::size_t max_message) : m_max_message(max_message) {}

  // Adds bytes read from the stream.
  void append(std::span<const std::uint8_t> bytes);
  // The next whole message, or nothing until more bytes come. InvalidParameterException when
  // the next length is 0 or over the bound: the stream cannot be read further (close it).
  [[nodiscard]] Result<std::optional<std::vector<std::uint8_t>>> next();
  // Bytes held: an unfinished message (or unread messages, before next() took them).
  std::size_t buffered() const { return m_buffer.size() - m_start; }

 private:
  std::size_t m_max_message;
  std::vector<std::uint8_t> m_buffer;
  std::size_t m_start = 0;  // where the unread bytes begin
};

// `message` with its length before it. Precondition: at most 65535 bytes.
std::vector<std::uint8_t> dns_tcp_frame(std::span<const std::uint8_t> message);

}  // namespace berth::runtime
