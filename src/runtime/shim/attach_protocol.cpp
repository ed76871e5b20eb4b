#include "runtime/shim/attach_protocol.hpp"

#include <algorithm>

namespace berth::runtime {

std::string encode_frames(FrameType type, std::string_view data) {
  std::string out;
  std::size_t at = 0;
  do {
    const std::size_t size = std::min(k_max_frame_payload, data.size() - at);
    out.push_back(static_cast<char>(type));
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>((size >> shift) & 0xff));
    out.append(data.substr(at, size));
    at += size;
  } while (at < data.size());
  return out;
}

Result<std::optional<Frame>> FrameReader::next() {
  if (m_buffer.size() < k_frame_header_bytes) return std::nullopt;
  const auto type = static_cast<std::uint8_t>(m_buffer[0]);
  if (type > static_cast<std::uint8_t>(FrameType::resize)) {
    return fail(Code::invalid_parameter, "attach: unknown frame type " + std::to_string(type));
  }
  std::size_t size = 0;
  for (std::size_t i = 1; i < k_frame_header_bytes; ++i) size = (size << 8) | static_cast<std::uint8_t>(m_buffer[i]);
  if (size > k_max_frame_payload) {
    return fail(Code::invalid_parameter, "attach: frame of " + std::to_string(size) + " bytes is over the limit");
  }
  if (m_buffer.size() < k_frame_header_bytes + size) return std::nullopt;
  Frame frame{static_cast<FrameType>(type), m_buffer.substr(k_frame_header_bytes, size)};
  m_buffer.erase(0, k_frame_header_bytes + size);
  return frame;
}

}  // namespace berth::runtime
