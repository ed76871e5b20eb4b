#include "api/auth/digest.hpp"

#include <mbedtls/md.h>

#include "common/result.hpp"

namespace berth::api::auth {
namespace {

const mbedtls_md_info_t& sha256_info() {
  const mbedtls_md_info_t* info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  BERTH_CHECK(info != nullptr);  // SHA-256 is part of every mbedTLS build berth links
  return *info;
}

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

}  // namespace

Digest sha256(std::string_view data) {
  Digest out{};
  BERTH_CHECK(mbedtls_md(&sha256_info(), bytes(data), data.size(), out.data()) == 0);
  return out;
}

Digest hmac_sha256(std::string_view key, std::string_view data) {
  Digest out{};
  BERTH_CHECK(mbedtls_md_hmac(&sha256_info(), bytes(key), key.size(), bytes(data), data.size(), out.data()) == 0);
  return out;
}

std::string to_hex(const Digest& digest) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const std::uint8_t byte : digest) {
    out += k_hex[byte >> 4];
    out += k_hex[byte & 0xf];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // lengths are public (a signature is always 64 hex digits)
  // OR of every byte difference, no early exit. (mbedTLS 2.28's mbedtls_ct_memcmp is declared
  // without C linkage in its header, so it cannot be called from C++.)
  volatile unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference = difference | static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace berth::api::auth
