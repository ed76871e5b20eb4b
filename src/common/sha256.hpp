// SHA-256 (FIPS 180-4), incremental. Used to verify image blobs by digest. One hasher per
// stream; not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // Feeds the bytes of the file at `path`, a block at a time (files may be larger than memory).
  [[nodiscard]] Result<void> update_from_file(const std::string& path);
  // Returns the digest as 64 lowercase hex digits. The hasher is finished afterwards.
  std::string hex_digest();

 private:
  void block(const std::uint8_t* p);
  std::array<std::uint32_t, 8> m_state;
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;
};

// Returns the hex SHA-256 of the file at `path`, or an error if it cannot be read.
[[nodiscard]] Result<std::string> sha256_file(const std::string& path);

}  // namespace berth
