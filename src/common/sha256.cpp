#include "common/sha256.hpp"

#include <nettle/sha2.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

namespace berth {
namespace {

static_assert(sizeof(sha256_ctx) <= 112 && alignof(sha256_ctx) <= 8, "Sha256::m_ctx must hold Nettle's sha256_ctx");

sha256_ctx* ctx(unsigned char* storage) { return std::launder(reinterpret_cast<sha256_ctx*>(storage)); }

}  // namespace

Sha256::Sha256() { sha256_init(new (m_ctx) sha256_ctx); }

void Sha256::update(std::string_view data) {
  sha256_update(ctx(m_ctx), data.size(), reinterpret_cast<const std::uint8_t*>(data.data()));
}

std::string Sha256::hex_digest() {
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(ctx(m_ctx), sizeof digest, digest);  // also re-initialises the context
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (const std::uint8_t byte : digest) {
    out.push_back(k_hex[byte >> 4]);
    out.push_back(k_hex[byte & 0xf]);
  }
  return out;
}

Result<void> Sha256::update_from_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fail(Code::server, "cannot read " + path + ": " + std::strerror(errno), errno);
  char buffer[64 * 1024];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) update(std::string_view(buffer, n));
  const bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) return fail(Code::server, "cannot read " + path);
  return {};
}

Result<std::string> sha256_file(const std::string& path) {
  Sha256 hasher;
  BERTH_TRY(hasher.update_from_file(path));
  return hasher.hex_digest();
}

}  // namespace berth
