// SecretCipher: how secret values are sealed at rest. svc sees only this interface; the
// implementation (AES-256-GCM under a key file) is built by the daemon (cli/daemon.cpp).
// Implementations are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace berth::svc {

class SecretCipher {
 public:
  virtual ~SecretCipher() = default;
  // Returns `plaintext` sealed (encrypted and authenticated) together with `associated`, which
  // is authenticated but not stored: the same `associated` must be given to open().
  [[nodiscard]] virtual Result<std::string> seal(std::string_view plaintext, std::string_view associated) = 0;
  // Returns the plaintext of `sealed`, or ServerException if it was altered, sealed under another
  // key or with another `associated`. The message never contains any of the bytes.
  [[nodiscard]] virtual Result<std::string> open(std::string_view sealed, std::string_view associated) = 0;
};

}  // namespace berth::svc
