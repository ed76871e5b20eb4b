// SHA-256, HMAC-SHA256 and a constant-time comparison for request signing (SigV4), from mbedTLS.
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::api::auth {

using Digest = std::array<std::uint8_t, 32>;

// Returns SHA-256 of `data`.
Digest sha256(std::string_view data);
// Returns HMAC-SHA256 of `data` under `key`.
Digest hmac_sha256(std::string_view key, std::string_view data);
// Returns 64 lowercase hex digits.
std::string to_hex(const Digest& digest);
inline std::string sha256_hex(std::string_view data) { return to_hex(sha256(data)); }
// Returns whether a and b are equal; the time taken depends only on their lengths, never on
// where they differ (a signature check must not leak how many leading bytes matched).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace berth::api::auth
