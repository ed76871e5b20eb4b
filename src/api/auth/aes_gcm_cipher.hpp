// AesGcmCipher: the SecretCipher of `berth serve`, AES-256-GCM (mbedTLS) under a 32-byte key
// read from a key file that lives outside berth.db, so a copied database alone reveals no
// secret. Sealed layout: version byte 1 | 12-byte random nonce | ciphertext | 16-byte tag.
// Thread-safe (each call uses its own GCM context).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "svc/secret_cipher.hpp"

namespace berth::api::auth {

inline constexpr std::size_t k_secret_key_bytes = 32;
using SecretKey = std::array<std::uint8_t, k_secret_key_bytes>;

class AesGcmCipher final : public svc::SecretCipher {
 public:
  explicit AesGcmCipher(const SecretKey& key) : m_key(key) {}
  Result<std::string> seal(std::string_view plaintext, std::string_view associated) override;
  Result<std::string> open(std::string_view sealed, std::string_view associated) override;

 private:
  SecretKey m_key;
};

// Returns the key in `path`, creating it at first start (32 random bytes, mode 0600, written
// atomically). Refuses (ServerException with a message saying what to do) a key file of another
// size or one that group or others may read.
[[nodiscard]] Result<SecretKey> load_or_create_secret_key(const std::string& path);

}  // namespace berth::api::auth
