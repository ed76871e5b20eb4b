// The framing of a container's attach socket (<state>/attach.sock, served by its shim, used by
// `berth attach`): each frame is one type byte, a 4-byte big-endian payload length and the
// payload. The client sends stdin frames; the shim sends stdout and stderr frames as the
// container writes, then one exit frame (the exit code in decimal) when it ends. Pure;
// a FrameReader is not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::runtime {

// resize ("ROWS COLS") is sent by `berth exec -t` clients of the daemon's exec sessions only.
enum class FrameType : std::uint8_t { stdin_ = 0, stdout_ = 1, stderr_ = 2, exit = 3, resize = 4 };

struct Frame {
  FrameType type = FrameType::stdout_;
  std::string payload;
};

// A larger payload is split by encode_frames and refused by a reader: one bad peer cannot make
// the shim buffer without bound.
inline constexpr std::size_t k_max_frame_payload = 16384;
inline constexpr std::size_t k_frame_header_bytes = 5;

// `data` as frames of `type`, each at most k_max_frame_payload long; an empty `data` is one
// empty frame (an exit frame may need no payload).
std::string encode_frames(FrameType type, std::string_view data);

class FrameReader {
 public:
  // Appends bytes received from the peer.
  void feed(std::string_view bytes) { m_buffer.append(bytes); }
  // The next complete frame, nullopt until one has arrived whole; InvalidParameter for an
  // unknown type or a length over k_max_frame_payload (the connection cannot be resynchronised).
  [[nodiscard]] Result<std::optional<Frame>> next();

 private:
  std::string m_buffer;
};

}  // namespace berth::runtime
