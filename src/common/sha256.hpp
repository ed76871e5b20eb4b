// SHA-256 (FIPS 180-4), incremental, over Nettle's implementation: Debian builds libnettle "fat",
// so the compression function is picked at first use for the CPU it runs on (x86 SHA-NI, ARMv8
// SHA2 crypto extensions, else Nettle's assembly or C). Used to verify image blobs by digest.
// One hasher per stream; not thread-safe.
#pragma once

#include <cstddef>
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
  // Returns the digest as 64 lowercase hex digits. The hasher starts over afterwards.
  std::string hex_digest();

 private:
  // Nettle's struct sha256_ctx, held by value so that its header stays out of every includer
  // (sha256.cpp checks the size and alignment); it is plain data, so copies are hashers too.
  alignas(8) unsigned char m_ctx[112];
};

// Returns the hex SHA-256 of the file at `path`, or an error if it cannot be read.
[[nodiscard]] Result<std::string> sha256_file(const std::string& path);

}  // namespace berth
