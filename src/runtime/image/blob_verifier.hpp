// Checks a blob while its bytes stream past: never more than the size its descriptor declares,
// and, once all have passed, the SHA-256 its digest names. One per download; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "common/sha256.hpp"

namespace berth::runtime {

class BlobVerifier {
 public:
  // `digest`: "sha256:<64 hex>"; `size`: the descriptor's byte count.
  BlobVerifier(std::string digest, std::uint64_t size) : m_digest(std::move(digest)), m_size(size) {}

  // Hashes `bytes`; false (and nothing counted) when they would run past the declared size.
  [[nodiscard]] bool add(std::string_view bytes);
  // Hashes the file at `path` (bytes an earlier download left), as add() does.
  [[nodiscard]] Result<void> add_file(const std::string& path);
  std::uint64_t bytes() const { return m_bytes; }
  std::uint64_t size() const { return m_size; }
  bool complete() const { return m_bytes == m_size; }

  // Returns nothing if all the declared bytes passed and they hash to the digest; otherwise an
  // error fit for CannotPullContainerError ("blob sha256:... does not match its digest ...").
  [[nodiscard]] Result<void> verdict();

 private:
  std::string m_digest;
  std::uint64_t m_size;
  std::uint64_t m_bytes = 0;
  Sha256 m_hasher;
};

}  // namespace berth::runtime
